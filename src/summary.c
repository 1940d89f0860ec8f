/*
 * summary.c -- count, mean, median, variance, min and max of a set of
 * measurements, for repeated experiments (--repeat).  The variance uses
 * Welford's update, so a large common offset loses no precision.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "summary.h"

static int
summary_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void
summary_compute(double *x, size_t n, struct summary *s)
{
	double mean = 0, m2 = 0, delta;
	size_t i;

	s->count = n;
	if (n == 0) {
		s->mean = s->median = s->variance = s->min = s->max = NAN;
		return;
	}
	qsort(x, n, sizeof *x, summary_cmp);
	for (i = 0; i < n; i++) {
		delta = x[i] - mean;
		mean += delta / (double)(i + 1);
		m2 += delta * (x[i] - mean);
	}
	s->mean = mean;
	s->variance = m2 / (double)n;
	s->min = x[0];
	s->max = x[n - 1];
	s->median = n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}
