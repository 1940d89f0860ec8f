/*
 * summary.h -- summary statistics of repeated measurements (epyc's
 * SummaryExperiment): count, mean, median, variance, min and max.
 */
#ifndef LABRAT_SUMMARY_H
#define LABRAT_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

struct summary {
	uint64_t count;
	double mean;
	double median;
	double variance;  /* population variance, as numpy.var (epyc) */
	double min;
	double max;
};

/* Summarise x[0..n) (the array is sorted in place).  With n == 0 every
 * field but count is NaN. */
void summary_compute(double *x, size_t n, struct summary *s);

#endif
