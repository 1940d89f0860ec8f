/*
 * ingest.c -- notebook ingest benchmark: how many jobs per second the
 * notebook records (a start and a finish each), with one commit per write
 * and with writes grouped 64 to a transaction as the runner does when many
 * jobs end at once.  The peer, in the same run: SQLite itself inserting a
 * plain row per job (point, parameters, results, start, end), 64 to a
 * transaction, through one prepared statement, in the same journal mode
 * (WAL, synchronous=NORMAL) on a file beside.  The batched run is made
 * twice: with the same values for every job, and with varied ones.
 * usage: ingest FILE N
 */
#include "config.h"

#include <sys/resource.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "notebook.h"
#include "util.h"

/* The batch of the runner when many jobs end at once. */
#define INGEST_BATCH 64

/* The CPU time (user and system) of this process so far: on a shared
 * machine it moves less than the wall time. */
static double
cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	    ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

/*
 * Record n jobs of a new set tag, batch to a commit (1: a commit per
 * write).  Every job has a parameter x and results y and label; with
 * varied, x is a shuffled point number, y a pseudo-random real and label
 * one of ten words, as a campaign's results are (their index entries go
 * anywhere in the value index); without, they are the same for every job.
 */
static double
run(struct notebook *nb, const char *tag, uint64_t n, int batch, bool varied,
    double *cpu)
{
	struct nb_set s = { 0 };
	struct nb_work w;
	struct nb_outcome o = { 0 };
	char *err = NULL, params[64], results[128];
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
	snprintf(params, sizeof params, "{\"x\":42}");
	*cpu = cpu_now();
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
		if (varied) {
			snprintf(params, sizeof params, "{\"x\":%" PRIu64 "}",
			    i * 7919 % 1000003);
			snprintf(results, sizeof results, "{\"y\":%.17g,"
			    "\"label\":\"w%u\"}", (double)(i * 2654435761u %
			    1000003) / 1000003.0, (unsigned)(i % 10));
			o.results_json = results;
		}
		if (notebook_job_start(nb, s.id, &w, params, o.start,
		    "localhost", 0, NULL, &err) != 0 ||
		    notebook_job_finish(nb, s.id, w.job_id, &o, &err) != 0)
			util_fatal("%s", err);
		if (batch > 1 && (i % (uint64_t)batch == (uint64_t)batch - 1 ||
		    i == n - 1) && notebook_commit(nb, &err) != 0)
			util_fatal("%s", err);
	}
	t0 = util_monotonic() - t0;
	*cpu = cpu_now() - *cpu;
	free(s.status);
	free(s.control);
	free(s.cwd);
	free(s.reason);
	return t0;
}

/* Run sql on db or die. */
static void
plain_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		util_fatal("plain SQLite: %s: %s", sql, msg);
}

/* The peer: a plain row per job in a table of its own, batched. */
static double
run_plain(const char *path, uint64_t n, double *cpu)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	double t0, now;
	uint64_t i;

	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		util_fatal("plain SQLite: cannot open %s", path);
	plain_exec(db, "PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = NORMAL; "
	    "CREATE TABLE job (id INTEGER PRIMARY KEY, point INTEGER, "
	    "params TEXT, results TEXT, start REAL, \"end\" REAL)");
	if (sqlite3_prepare_v2(db, "INSERT INTO job (point, params, results, "
	    "start, \"end\") VALUES (?1, '{\"x\":42}', "
	    "'{\"y\":0.5,\"label\":\"abc\"}', ?2, ?2)", -1, &st, NULL) !=
	    SQLITE_OK)
		util_fatal("plain SQLite: %s", sqlite3_errmsg(db));
	*cpu = cpu_now();
	t0 = util_monotonic();
	for (i = 0; i < n; i++) {
		if (i % INGEST_BATCH == 0)
			plain_exec(db, "BEGIN");
		now = util_now();
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		sqlite3_bind_double(st, 2, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			util_fatal("plain SQLite: %s", sqlite3_errmsg(db));
		sqlite3_reset(st);
		if (i % INGEST_BATCH == INGEST_BATCH - 1 || i == n - 1)
			plain_exec(db, "COMMIT");
	}
	t0 = util_monotonic() - t0;
	*cpu = cpu_now() - *cpu;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return t0;
}

int
main(int argc, char **argv)
{
	struct notebook *nb;
	char *err = NULL, *peer;
	uint64_t n;
	double t1, tb, tv, tp, c1, cb, cv, cp;

	if (argc != 3 || util_parse_uint(argv[2], &n) != 0 || n == 0) {
		fprintf(stderr, "usage: ingest FILE N\n");
		return 2;
	}
	unlink(argv[1]);
	if (notebook_open(argv[1], NOTEBOOK_CREATE, &nb, &err) != 0)
		util_fatal("%s", err);
	t1 = run(nb, "single", n, 1, false, &c1);
	tb = run(nb, "batched", n, INGEST_BATCH, false, &cb);
	tv = run(nb, "varied", n, INGEST_BATCH, true, &cv);
	notebook_close(nb);
	peer = xasprintf("%s-plain", argv[1]);
	tp = run_plain(peer, n, &cp);
	printf("  one commit per write: %8.0f jobs/s (%.1f us per job, CPU "
	    "%.1f us)\n", (double)n / t1, t1 * 1e6 / (double)n,
	    c1 * 1e6 / (double)n);
	printf("  %d jobs per commit:   %8.0f jobs/s (%.1f us per job, CPU "
	    "%.1f us)\n", INGEST_BATCH, (double)n / tb, tb * 1e6 / (double)n,
	    cb * 1e6 / (double)n);
	printf("  %d per commit, varied: %8.0f jobs/s (%.1f us per job, CPU "
	    "%.1f us)\n", INGEST_BATCH, (double)n / tv, tv * 1e6 / (double)n,
	    cv * 1e6 / (double)n);
	printf("  peer: plain SQLite, a row per job, %d per commit: %8.0f "
	    "rows/s (%.1f us per row, CPU %.1f us)\n", INGEST_BATCH,
	    (double)n / tp, tp * 1e6 / (double)n, cp * 1e6 / (double)n);
	printf("  ratio batched/single: %.2f; labrat batched is %.2fx the "
	    "speed of plain SQLite rows\n", t1 / tb, tp / tb);
	unlink(peer);
	free(peer);
	return 0;
}
