/* check_suites.h -- one Check suite per core module, run by check_main.c. */
#ifndef LABRAT_CHECK_SUITES_H
#define LABRAT_CHECK_SUITES_H

#include <check.h>

Suite *suite_util(void);
Suite *suite_json(void);
Suite *suite_output(void);
Suite *suite_capture(void);
Suite *suite_space(void);
Suite *suite_perm(void);
Suite *suite_experiment(void);
Suite *suite_pool(void);
Suite *suite_proc(void);
Suite *suite_notebook(void);
Suite *suite_runner(void);
Suite *suite_lock(void);
Suite *suite_summary(void);
Suite *suite_plot(void);
Suite *suite_cmdline(void);
Suite *suite_table(void);
Suite *suite_define(void);
Suite *suite_view_plot(void);
Suite *suite_hosts(void);
Suite *suite_engines(void);
Suite *suite_worker(void);

#endif
