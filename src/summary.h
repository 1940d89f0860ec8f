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

/*
 * Summarise x[0..n) (the array is sorted in place).  No sum or square
 * overflows unless the statistic itself does (the variance of -1e308 and
 * 1e308 is inf).  Infinities give the mean, median, min and max they imply
 * (the mean of inf and -inf, and the median of just those two, is NaN)
 * and a variance of NaN, as numpy.var.  A NaN among the values, or n == 0,
 * makes every field but count NaN.
 */
void summary_compute(double *x, size_t n, struct summary *s);

#endif
