/*
 * runner.h -- the runner drives one campaign: it hands the positions of the
 * result set's exploration order (and any queued retries) to a lab, and
 * records every job in the notebook as it starts and as it ends.  It is
 * the same code whether it runs in the foreground (`labrat run --wait`) or
 * detached.
 */
#ifndef LABRAT_RUNNER_H
#define LABRAT_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "notebook.h"
#include "util.h"

struct runner_opts {
	/* Redraw a one-line progress report on this stream (a terminal), or
	 * NULL. */
	FILE *progress;
	/* Write events (start, failures, end) here, or NULL. */
	FILE *log;
	/* Close this descriptor once the runner's start is recorded (its
	 * pid and the control requests it took), or -1. */
	int ready_fd;
};

/* What a run did, for the final summary. */
struct runner_report {
	uint64_t started, ok, failed, requeued;
	double elapsed;       /* seconds */
	bool interrupted;     /* stopped by SIGINT/SIGTERM/SIGHUP */
	bool cancelled;       /* stopped by `labrat cancel` */
	bool complete;        /* nothing left to run */
};

/*
 * Run the campaign tagged tag in nb until no work is left, a cancel is
 * requested, or SIGINT/SIGTERM arrives (then running jobs are stopped and
 * re-queued, so `labrat resume` continues exactly where it stopped).  Takes
 * the campaign's runner lock first (refused if another runner holds it)
 * and re-queues the jobs a dead runner left running.  Control requests
 * (pause, run, cancel, purge, retries) are read from the notebook when it
 * changes and on SIGUSR1.  0, or -1 with *err.
 */
int runner_run(struct notebook *nb, const char *tag,
    const struct runner_opts *o, struct runner_report *r, char **err);

/*
 * Ask the lab what is left of the set's running jobs (those started before
 * `before`; 0: all) whose runner is gone, and kill it: each job of which
 * nothing is left is re-queued (if requeue) and counted in *done; one that
 * will not die is left running and counted in *left, with *why saying
 * what is in the way.  The step every recovery takes before a point runs
 * again.  be is the set's backend, or NULL to open one for this.  0 or
 * -1 with *err.
 */
struct backend;
int runner_reclaim(struct notebook *nb, const struct nb_set *s,
    struct backend *be, double before, bool requeue, uint64_t *done,
    uint64_t *left, char **why, char **err);

/* Run one job through the backend of set s (the dry run) and wait for
 * its end: 0 with *r (backend_result_clear it), -1 with *err if it could
 * not be started. */
struct backend_job;
struct backend_result;
int runner_try(const struct nb_set *s, const struct backend_job *job,
    struct backend_result *r, char **err);

/* Format "exited with status 3", "killed by signal 11 (SIGSEGV)", ...
 * into b. */
void runner_describe_end(const struct backend_result *pr, double timeout,
    uint64_t mem_limit, struct buf *b);
/* Turn a job's end into what the notebook records: ok with its results,
 * or failed with the reason; the buffers hold the strings o points to. */
void runner_outcome(const struct backend_result *pr, double timeout,
    uint64_t mem_limit, struct nb_outcome *o, struct buf *results,
    struct buf *error, struct buf *stderr_tail);

#endif
