/*
 * logistic_worker.c -- labrat's demo experiment (examples/logistic.c) as a
 * persistent worker: started once per engine with --worker, it reads one
 * point per line on standard input -- a JSON object such as
 * {"r":3.7,"x0":0.1,"point":12,"rep":0,"attempt":1,"tag":"demo"} -- and
 * answers each with one JSON line on standard output, in order:
 *
 *   labrat run --worker -p 'r=2.8..4:0.01' -p 'x0={0.1,0.2,0.3}' -- \
 *       ./logistic_worker
 *
 * A point it cannot compute is answered {"@error":"why"}: that point fails
 * with the message, and the worker goes on.  Its results are those of
 * examples/logistic, digit for digit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number that member "name" has in the one-line JSON object line
 * (parameters are flat numbers here): 0, or -1 if it has none. */
static int
member(const char *line, const char *name, double *v)
{
	char key[64], *end;
	const char *p;

	snprintf(key, sizeof key, "\"%s\":", name);
	if ((p = strstr(line, key)) == NULL)
		return -1;
	*v = strtod(p + strlen(key), &end);
	return end == p + strlen(key) ? -1 : 0;
}

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;
	double r, x, n, sum;
	long i;

	while (getline(&line, &cap, stdin) > 0) {
		if (member(line, "iterations", &n) != 0)
			n = 20000;
		if (member(line, "r", &r) != 0 || member(line, "x0", &x) != 0 ||
		    !(r >= 0 && r <= 4 && x >= 0 && x <= 1 && n >= 1)) {
			printf("{\"@error\":\"needs r in [0,4], x0 in [0,1] "
			    "and iterations >= 1\"}\n");
			fflush(stdout);
			continue;
		}
		for (i = 0; i < 1000; i++)
			x = r * x * (1 - x);
		for (sum = 0, i = 0; i < (long)n; i++) {
			x = r * x * (1 - x);
			sum += log(fmax(fabs(r * (1 - 2 * x)), 1e-300));
		}
		printf("{\"lyapunov\": %.10g, \"x\": %.10g}\n", sum / n, x);
		fflush(stdout);
	}
	free(line);
	return 0;
}
