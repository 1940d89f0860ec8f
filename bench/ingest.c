/*
 * ingest.c -- notebook ingest benchmark: how many jobs per second the
 * notebook records (a start and a finish each), with one commit per write
 * and with writes grouped 64 to a transaction as the runner does when many
 * jobs end at once.  usage: ingest FILE N
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "notebook.h"
#include "util.h"

static double
run(struct notebook *nb, const char *tag, uint64_t n, int batch)
{
	struct nb_set s = { 0 };
	struct nb_work w;
	struct nb_outcome o = { 0 };
	char *err = NULL;
	double t0;
	uint64_t i;

	s.tag = (char *)tag;
	s.description = (char *)"";
	s.attributes = (char *)"{}";
	s.space = (char *)"{\"params\":[\"x=1..1000000\"],\"zip\":[]}";
	s.experiment = (char *)"{\"argv\":[\"true\"],\"shell\":false}";
	s.backend = (char *)"local";
	s.repeat = 1;
	s.npoints = s.njobs = n;
	if (notebook_set_create(nb, &s, &err) != 0)
		util_fatal("%s", err);
	o.state = NB_OK;
	o.results_json = "{\"y\":0.5,\"label\":\"abc\"}";
	o.exit_code = 0;
	t0 = util_monotonic();
	for (i = 0; i < n; i++) {
		if (batch > 1 && i % (uint64_t)batch == 0 &&
		    notebook_begin(nb, &err) != 0)
			util_fatal("%s", err);
		w.job_id = 0;
		w.pos = i;
		w.point = i;
		w.rep = 0;
		w.attempt = 1;
		o.start = o.end = util_now();
		if (notebook_job_start(nb, s.id, &w, "{\"x\":42}", o.start,
		    "localhost", 0, NULL, &err) != 0 ||
		    notebook_job_finish(nb, s.id, w.job_id, &o, &err) != 0)
			util_fatal("%s", err);
		if (batch > 1 && (i % (uint64_t)batch == (uint64_t)batch - 1 ||
		    i == n - 1) && notebook_commit(nb, &err) != 0)
			util_fatal("%s", err);
	}
	free(s.status);
	free(s.control);
	free(s.cwd);
	return util_monotonic() - t0;
}

int
main(int argc, char **argv)
{
	struct notebook *nb;
	char *err = NULL;
	uint64_t n;
	double t1, t64;

	if (argc != 3 || util_parse_uint(argv[2], &n) != 0 || n == 0) {
		fprintf(stderr, "usage: ingest FILE N\n");
		return 2;
	}
	unlink(argv[1]);
	if (notebook_open(argv[1], NOTEBOOK_CREATE, &nb, &err) != 0)
		util_fatal("%s", err);
	t1 = run(nb, "single", n, 1);
	t64 = run(nb, "batched", n, 64);
	printf("  one commit per write: %8.0f jobs/s (%.1f us per job)\n",
	    (double)n / t1, t1 * 1e6 / (double)n);
	printf("  64 jobs per commit:   %8.0f jobs/s (%.1f us per job)\n",
	    (double)n / t64, t64 * 1e6 / (double)n);
	printf("  ratio batched/single: %.2f\n", t1 / t64);
	notebook_close(nb);
	return 0;
}
