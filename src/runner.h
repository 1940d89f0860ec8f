/* runner.h -- placeholder */
#ifndef LABRAT_RUNNER_H
#define LABRAT_RUNNER_H
#endif
