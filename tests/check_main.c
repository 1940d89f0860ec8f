/*
 * check_main.c -- runs every module's Check suite against the same core
 * library the labrat binary links.  CK_RUN_SUITE=notebook runs one suite,
 * CK_RUN_CASE one test case.
 */
#include "config.h"

#include <stdlib.h>

#include "check_suites.h"

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(suite_util());
	srunner_add_suite(sr, suite_json());
	srunner_add_suite(sr, suite_output());
	srunner_add_suite(sr, suite_capture());
	srunner_add_suite(sr, suite_space());
	srunner_add_suite(sr, suite_perm());
	srunner_add_suite(sr, suite_experiment());
	srunner_add_suite(sr, suite_pool());
	srunner_add_suite(sr, suite_proc());
	srunner_add_suite(sr, suite_notebook());
	srunner_add_suite(sr, suite_runner());
	srunner_add_suite(sr, suite_lock());
	srunner_add_suite(sr, suite_summary());
	srunner_add_suite(sr, suite_plot());
	srunner_add_suite(sr, suite_cmdline());
	srunner_add_suite(sr, suite_table());
	srunner_add_suite(sr, suite_define());
	srunner_add_suite(sr, suite_view_plot());
	srunner_add_suite(sr, suite_hosts());
	srunner_add_suite(sr, suite_engines());
	srunner_add_suite(sr, suite_worker());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
