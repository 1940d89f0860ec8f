/* summary.h -- placeholder */
#ifndef LABRAT_SUMMARY_H
#define LABRAT_SUMMARY_H
#endif
