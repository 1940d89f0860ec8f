/*
 * logistic.c -- labrat's demo experiment: the Lyapunov exponent of the
 * logistic map x -> r x (1 - x), started at x0.  Negative exponents mean a
 * stable orbit, positive ones chaos; plotted against r it shows the famous
 * route to chaos with its periodic windows.
 *
 *   usage: logistic R X0 [ITERATIONS]
 *
 * It follows labrat's experiment contract: parameters as arguments, the
 * results as one JSON object on the last line of standard output, errors on
 * standard error with a non-zero exit status.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double
parse(const char *what, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi)) {
		fprintf(stderr, "logistic: %s must be a number in [%g, %g], "
		    "not '%s'\n", what, lo, hi, s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	double r, x, sum = 0;
	long i, n = 20000, transient = 1000;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: logistic R X0 [ITERATIONS]\n");
		return 2;
	}
	r = parse("R", argv[1], 0, 4);
	x = parse("X0", argv[2], 0, 1);
	if (argc == 4)
		n = (long)parse("ITERATIONS", argv[3], 1, 1e9);

	for (i = 0; i < transient; i++)
		x = r * x * (1 - x);
	for (i = 0; i < n; i++) {
		x = r * x * (1 - x);
		/* |f'(x)| = |r (1 - 2x)|; a superstable point gives log 0. */
		sum += log(fmax(fabs(r * (1 - 2 * x)), 1e-300));
	}
	printf("iterations=%ld\n", n);
	printf("{\"lyapunov\": %.10g, \"x\": %.10g}\n", sum / (double)n, x);
	return 0;
}
