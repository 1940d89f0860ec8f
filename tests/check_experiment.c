/*
 * check_experiment.c -- the experiment contract: placeholder substitution,
 * typo detection, shell quoting, environment and standard input, and the
 * JSON round trip of a stored experiment.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "experiment.h"
#include "space.h"

static struct space *
make_space(const char *const *params)
{
	struct space *s = space_new();
	struct space_error e = { NULL, 0, false };

	for (; *params != NULL; params++)
		ck_assert_msg(space_add(s, *params, &e) == 0, "%s: %s",
		    *params, e.msg);
	ck_assert_int_eq(space_finish(s, &e), 0);
	return s;
}

static void
make_exp(struct experiment *e, const char *const *words, bool shell)
{
	char *err = NULL;
	int n = 0;

	while (words[n] != NULL)
		n++;
	ck_assert_int_eq(experiment_init(e, (char *const *)words, n, shell,
	    &err), 0);
}

START_TEST(test_substitution)
{
	static const char *const params[] = { "x=1..3", "name={a, \"b c\"}",
		NULL };
	static const char *const words[] = { "prog", "--x={x}", "{name}",
		"{point}-{rep}-{attempt}-{tag}", "{\"json\": {x}}", "{not id}",
		"{}", NULL };
	struct space *s = make_space(params);
	struct experiment e;
	struct experiment_job j;
	struct value vals[2];
	char *err = NULL;

	make_exp(&e, words, false);
	ck_assert_int_eq(experiment_check(&e, s, &err), 0);
	space_point(s, 5, vals); /* x=3, name="b c" */
	experiment_prepare(&e, s, vals, 5, 1, 2, "t1", &j);
	ck_assert_str_eq(j.argv[0], "prog");
	ck_assert_str_eq(j.argv[1], "--x=3");
	ck_assert_str_eq(j.argv[2], "b c");
	ck_assert_str_eq(j.argv[3], "5-1-2-t1");
	ck_assert_str_eq(j.argv[4], "{\"json\": 3}");
	ck_assert_str_eq(j.argv[5], "{not id}");
	ck_assert_str_eq(j.argv[6], "{}");
	ck_assert_ptr_null(j.argv[7]);
	ck_assert_str_eq(j.env[0], "LABRAT_PARAM_x=3");
	ck_assert_str_eq(j.env[1], "LABRAT_PARAM_name=b c");
	ck_assert_str_eq(j.env[2], "LABRAT_POINT=5");
	ck_assert_str_eq(j.env[3], "LABRAT_REP=1");
	ck_assert_str_eq(j.env[4], "LABRAT_ATTEMPT=2");
	ck_assert_str_eq(j.env[5], "LABRAT_TAG=t1");
	ck_assert_str_eq(j.params, "{\"x\":3,\"name\":\"b c\"}");
	ck_assert_str_eq(j.input.data, "{\"x\":3,\"name\":\"b c\"}\n");
	experiment_job_clear(&j);
	experiment_free(&e);
	space_free(s);
}
END_TEST

START_TEST(test_typo_refused)
{
	static const char *const params[] = { "alpha=1..3", "beta=2", NULL };
	static const char *const words[] = { "prog", "{alpah}", NULL };
	struct space *s = make_space(params);
	struct experiment e;
	char *err = NULL;

	make_exp(&e, words, false);
	ck_assert_int_eq(experiment_check(&e, s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "{alpah}"));
	ck_assert_ptr_nonnull(strstr(err, "{alpha}"));
	ck_assert_ptr_nonnull(strstr(err, "{beta}"));
	free(err);
	experiment_free(&e);
	space_free(s);
}
END_TEST

START_TEST(test_shell_quoting)
{
	static const char *const params[] = {
		"v={\"'; touch pwned'\", \"$(id)\", \"`id`\", \"a\\nb\"}", NULL };
	static const char *const words[] = { "printf '%s|' {v}", NULL };
	struct space *s = make_space(params);
	struct experiment e;
	struct experiment_job j;
	struct value v;

	make_exp(&e, words, true);
	space_point(s, 0, &v);
	experiment_prepare(&e, s, &v, 0, 0, 1, "t", &j);
	ck_assert_str_eq(j.argv[0], "/bin/sh");
	ck_assert_str_eq(j.argv[1], "-c");
	ck_assert_str_eq(j.argv[2], "printf '%s|' ''\\''; touch pwned'\\'''");
	experiment_job_clear(&j);
	space_point(s, 1, &v);
	experiment_prepare(&e, s, &v, 1, 0, 1, "t", &j);
	ck_assert_str_eq(j.argv[2], "printf '%s|' '$(id)'");
	experiment_job_clear(&j);
	experiment_free(&e);
	space_free(s);
}
END_TEST

START_TEST(test_no_shell_keeps_bytes)
{
	static const char *const params[] = {
		"v={\"'; touch pwned'\", \"$(id)\", \"a\\nb\"}", NULL };
	static const char *const words[] = { "prog", "{v}", NULL };
	struct space *s = make_space(params);
	struct experiment e;
	struct experiment_job j;
	struct value v;

	make_exp(&e, words, false);
	space_point(s, 2, &v);
	experiment_prepare(&e, s, &v, 2, 0, 1, "t", &j);
	ck_assert_str_eq(j.argv[1], "a\nb");
	ck_assert_str_eq(j.params, "{\"v\":\"a\\nb\"}");
	experiment_job_clear(&j);
	experiment_free(&e);
	space_free(s);
}
END_TEST

START_TEST(test_json_round_trip)
{
	static const char *const words[] = { "python3", "-c",
		"import json; print(json.dumps({\"a\": 1}))", "é", NULL };
	struct experiment e, f;
	struct buf b;
	char *err = NULL;
	size_t i;

	make_exp(&e, words, true);
	buf_init(&b);
	experiment_to_json(&e, &b);
	ck_assert_int_eq(experiment_from_json(&f, b.data, &err), 0);
	ck_assert(f.shell);
	for (i = 0; words[i] != NULL; i++)
		ck_assert_str_eq(f.argv[i], words[i]);
	ck_assert_ptr_null(f.argv[i]);
	experiment_free(&f);
	ck_assert_int_eq(experiment_from_json(&f, "{\"shell\":true}", &err),
	    -1);
	free(err);
	buf_free(&b);
	experiment_free(&e);
}
END_TEST

START_TEST(test_empty_command)
{
	struct experiment e;
	char *err = NULL;

	ck_assert_int_eq(experiment_init(&e, NULL, 0, false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "--"));
	free(err);
}
END_TEST

Suite *
suite_experiment(void)
{
	Suite *s = suite_create("experiment");
	TCase *tc = tcase_create("contract");

	tcase_add_test(tc, test_substitution);
	tcase_add_test(tc, test_typo_refused);
	tcase_add_test(tc, test_shell_quoting);
	tcase_add_test(tc, test_no_shell_keeps_bytes);
	tcase_add_test(tc, test_json_round_trip);
	tcase_add_test(tc, test_empty_command);
	suite_add_tcase(s, tc);
	return s;
}
