/*
 * summary.c -- count, mean, median, variance, min and max of a set of
 * measurements, for repeated experiments (--repeat).  Any double may come
 * (a JSON number such as 1e999 reads as infinity): the mean is a running
 * mean of scaled values, so a sum that would overflow never is formed; the
 * variance is a second pass over halved deviations scaled by the largest,
 * so neither they nor their squares overflow unless the variance itself
 * does, and a large common offset loses no precision.  Infinities give
 * the mean, median, min and max they imply, and a variance of NaN (as
 * numpy.var); a NaN makes every statistic but the count NaN.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "summary.h"

/* Order doubles, NaN after everything. */
static int
summary_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

/* The mean of sorted, finite x[0..n): a running mean, corrected by the
 * mean of the (halved) deviations from it, which are exact when the
 * values share a large offset; kept within [x[0], x[n - 1]] where
 * rounding would take it out. */
static double
summary_mean(const double *x, size_t n)
{
	double mean = 0, fix = 0, k;
	size_t i;

	for (i = 0; i < n; i++) {
		k = (double)(i + 1);
		mean += x[i] / k - mean / k;
	}
	for (i = 0; i < n; i++)
		fix += (x[i] / 2 - mean / 2) / (double)n;
	mean += 2 * fix;
	return mean < x[0] ? x[0] : mean > x[n - 1] ? x[n - 1] : mean;
}

/* The population variance of finite x[0..n) around their mean. */
static double
summary_variance(const double *x, size_t n, double mean)
{
	double half = mean / 2, h, hmax = 0, q = 0, r;
	size_t i;

	for (i = 0; i < n; i++) {
		h = fabs(x[i] / 2 - half);
		if (h > hmax)
			hmax = h;
	}
	if (hmax == 0)
		return 0;
	for (i = 0; i < n; i++) {
		h = (x[i] / 2 - half) / hmax;
		q += h * h;
	}
	r = 2 * hmax;
	return r * (r * (q / (double)n));
}

/* The middle of a <= b, without overflow. */
static double
summary_middle(double a, double b)
{
	if (isinf(a) || isinf(b))
		return a + b;
	if ((a < 0) != (b < 0))
		return (a + b) / 2;
	return a + (b - a) / 2;
}

/* Summarise x[0..n), sorting it. */
void
summary_compute(double *x, size_t n, struct summary *s)
{
	s->count = n;
	if (n == 0) {
		s->mean = s->median = s->variance = s->min = s->max = NAN;
		return;
	}
	qsort(x, n, sizeof *x, summary_cmp);
	if (isnan(x[n - 1])) {
		s->mean = s->median = s->variance = s->min = s->max = NAN;
		return;
	}
	if (isinf(x[0]) || isinf(x[n - 1])) {
		/* +-inf, or NaN when both signs are there. */
		s->mean = x[0] + x[n - 1];
		s->variance = NAN;
	} else {
		s->mean = summary_mean(x, n);
		s->variance = summary_variance(x, n, s->mean);
	}
	s->min = x[0];
	s->max = x[n - 1];
	s->median = n % 2 ? x[n / 2] : summary_middle(x[n / 2 - 1], x[n / 2]);
}
