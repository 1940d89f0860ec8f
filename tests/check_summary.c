/* check_summary.c -- summary statistics of repeated measurements. */
#include "config.h"

#include <math.h>

#include "check_suites.h"
#include "summary.h"

START_TEST(test_basic)
{
	double x[] = { 4, 1, 3, 2 };
	struct summary s;

	summary_compute(x, 4, &s);
	ck_assert_uint_eq(s.count, 4);
	ck_assert_double_eq_tol(s.mean, 2.5, 1e-12);
	ck_assert_double_eq_tol(s.median, 2.5, 1e-12);
	ck_assert_double_eq_tol(s.variance, 1.25, 1e-12); /* numpy.var */
	ck_assert_double_eq(s.min, 1);
	ck_assert_double_eq(s.max, 4);
}
END_TEST

START_TEST(test_odd_and_single)
{
	double x[] = { 9, -1, 5 }, y[] = { 7 };
	struct summary s;

	summary_compute(x, 3, &s);
	ck_assert_double_eq(s.median, 5);
	summary_compute(y, 1, &s);
	ck_assert_double_eq(s.mean, 7);
	ck_assert_double_eq(s.variance, 0);
	summary_compute(y, 0, &s);
	ck_assert_uint_eq(s.count, 0);
	ck_assert(isnan(s.mean));
}
END_TEST

START_TEST(test_large_offset)
{
	double x[1000];
	struct summary s;
	int i;

	/* A naive sum of squares loses everything here; Welford does not. */
	for (i = 0; i < 1000; i++)
		x[i] = 1e9 + (i % 2 ? 1 : -1);
	summary_compute(x, 1000, &s);
	ck_assert_double_eq_tol(s.variance, 1.0, 1e-6);
	ck_assert_double_eq_tol(s.mean, 1e9, 1e-3);
}
END_TEST

Suite *
suite_summary(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_odd_and_single);
	tcase_add_test(tc, test_large_offset);
	suite_add_tcase(s, tc);
	return s;
}
