/*
 * check_summary.c -- summary statistics of repeated measurements: the
 * usual cases, a large common offset, infinities alone and mixed, NaN
 * anywhere, and values so large that their sum or their squares overflow.
 */
#include "config.h"

#include <float.h>
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

/* Assert that s holds count, mean, median, variance, min and max, NaN
 * matching NaN and infinities matching exactly. */
static void
check_stats(const struct summary *s, uint64_t count, double mean,
    double median, double variance, double min, double max)
{
	const double got[] = { s->mean, s->median, s->variance, s->min,
		s->max };
	const double want[] = { mean, median, variance, min, max };
	static const char *const names[] = { "mean", "median", "variance",
		"min", "max" };
	size_t i;

	ck_assert_uint_eq(s->count, count);
	for (i = 0; i < 5; i++) {
		if (isnan(want[i]) || isinf(want[i]) || want[i] == 0)
			ck_assert_msg(isnan(want[i]) ? isnan(got[i]) :
			    got[i] == want[i], "%s: %g, not %g", names[i],
			    got[i], want[i]);
		else
			ck_assert_msg(fabs(got[i] - want[i]) <=
			    1e-12 * fabs(want[i]), "%s: %.17g, not %.17g",
			    names[i], got[i], want[i]);
	}
}

START_TEST(test_infinities)
{
	double a[] = { INFINITY, INFINITY, INFINITY };
	double b[] = { -INFINITY, -INFINITY };
	double c[] = { INFINITY, -INFINITY };
	double d[] = { INFINITY, 1, -INFINITY };
	double e[] = { 2, INFINITY, 1 };
	double f[] = { INFINITY };
	double g[] = { -INFINITY, 3, 5, 7 };
	struct summary s;

	/* The mean, median, min and max follow the infinities; the
	 * variance of values with an infinity is NaN (numpy.var). */
	summary_compute(a, 3, &s);
	check_stats(&s, 3, INFINITY, INFINITY, NAN, INFINITY, INFINITY);
	summary_compute(b, 2, &s);
	check_stats(&s, 2, -INFINITY, -INFINITY, NAN, -INFINITY, -INFINITY);
	/* Both signs: no mean, no middle of the two. */
	summary_compute(c, 2, &s);
	check_stats(&s, 2, NAN, NAN, NAN, -INFINITY, INFINITY);
	summary_compute(d, 3, &s);
	check_stats(&s, 3, NAN, 1, NAN, -INFINITY, INFINITY);
	summary_compute(e, 3, &s);
	check_stats(&s, 3, INFINITY, 2, NAN, 1, INFINITY);
	summary_compute(f, 1, &s);
	check_stats(&s, 1, INFINITY, INFINITY, NAN, INFINITY, INFINITY);
	summary_compute(g, 4, &s);
	check_stats(&s, 4, -INFINITY, 4, NAN, -INFINITY, 7);
}
END_TEST

START_TEST(test_nan)
{
	double a[] = { NAN, 1, 3 }, b[] = { 1, NAN, 3 }, c[] = { 1, 3, NAN };
	double d[] = { NAN }, e[] = { INFINITY, NAN, -INFINITY };
	double *all[] = { a, b, c };
	struct summary s;
	size_t i;

	/* A NaN anywhere makes every statistic but the count NaN. */
	for (i = 0; i < 3; i++) {
		summary_compute(all[i], 3, &s);
		check_stats(&s, 3, NAN, NAN, NAN, NAN, NAN);
	}
	summary_compute(d, 1, &s);
	check_stats(&s, 1, NAN, NAN, NAN, NAN, NAN);
	summary_compute(e, 3, &s);
	check_stats(&s, 3, NAN, NAN, NAN, NAN, NAN);
}
END_TEST

START_TEST(test_huge)
{
	double a[] = { 1e308, 1e308, 1e308 };
	double b[] = { -1e308, 1e308 };
	double c[] = { 1e308, 1.5e308 };
	double d[] = { -DBL_MAX, DBL_MAX };
	double e[] = { -1e154, 1e154, -1e154, 1e154 };
	double f[] = { DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX };
	double g[] = { 1e-320, 1e-320 };
	struct summary s;

	/* Sums overflow, the statistics do not. */
	summary_compute(a, 3, &s);
	check_stats(&s, 3, 1e308, 1e308, 0, 1e308, 1e308);
	summary_compute(b, 2, &s);
	check_stats(&s, 2, 0, 0, INFINITY, -1e308, 1e308);
	summary_compute(c, 2, &s);
	check_stats(&s, 2, 1.25e308, 1.25e308, INFINITY, 1e308, 1.5e308);
	summary_compute(d, 2, &s);
	check_stats(&s, 2, 0, 0, INFINITY, -DBL_MAX, DBL_MAX);
	/* Squares of 1e154 sum past DBL_MAX; their mean, 1e308, does not. */
	summary_compute(e, 4, &s);
	check_stats(&s, 4, 0, 0, 1e308, -1e154, 1e154);
	summary_compute(f, 4, &s);
	check_stats(&s, 4, DBL_MAX, DBL_MAX, 0, DBL_MAX, DBL_MAX);
	/* And tiny ones do not vanish. */
	summary_compute(g, 2, &s);
	check_stats(&s, 2, 1e-320, 1e-320, 0, 1e-320, 1e-320);
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
	tcase_add_test(tc, test_infinities);
	tcase_add_test(tc, test_nan);
	tcase_add_test(tc, test_huge);
	suite_add_tcase(s, tc);
	return s;
}
