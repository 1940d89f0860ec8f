/* export.h -- placeholder */
#ifndef LABRAT_EXPORT_H
#define LABRAT_EXPORT_H
#endif
