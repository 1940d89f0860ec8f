/*
 * runner.c -- drive one campaign through the local lab into the notebook.
 *
 * The loop keeps every engine busy: each turn it records the jobs that
 * ended, starts new ones (queued retries first, then the next positions of
 * the exploration order) and commits all of that in one transaction, then
 * sleeps in pool_wait until a job ends, a signal arrives or the heartbeat
 * is due.  A job's row is committed as running no later than its result,
 * so if the runner dies at any moment a restart finds each job either
 * finished (recorded once) or running (re-queued by notebook_recover):
 * nothing is lost and nothing is recorded twice.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "experiment.h"
#include "json.h"
#include "output.h"
#include "perm.h"
#include "pool.h"
#include "runner.h"
#include "space.h"

/* Seconds between heartbeats written to the notebook. */
#define RUNNER_HEARTBEAT 1.0
/* Seconds between progress redraws. */
#define RUNNER_PROGRESS 0.2
/* Longest a write transaction stays open: the jobs that start and end
 * within it share one commit.  Readers see results this late at most. */
#define RUNNER_COMMIT_INTERVAL 0.02

/* A job between its start and its end. */
struct runner_job {
	int64_t job_id;
	uint64_t point;
	int rep;
	int attempt;
};

struct runner {
	struct notebook *nb;
	const struct runner_opts *opts;
	struct runner_report *report;
	struct nb_set set;
	struct space *space;
	struct experiment exp;
	struct perm perm;
	struct pool *pool;
	struct value *vals;
	uint64_t cursor;
	uint64_t queued_hint;   /* queued rows may exist */
	double last_heartbeat;
	double last_progress;
	double t0;
};

static int runner_sigpipe[2] = { -1, -1 };
static volatile sig_atomic_t runner_stop_signal;

static void
runner_on_signal(int sig)
{
	int saved = errno;

	runner_stop_signal = sig;
	if (runner_sigpipe[1] != -1)
		(void)write(runner_sigpipe[1], "", 1);
	errno = saved;
}

/* Route SIGINT/SIGTERM/SIGHUP to the self-pipe the pool watches. */
static int
runner_signals_install(struct sigaction *old, char **err)
{
	struct sigaction sa;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	if (pipe2(runner_sigpipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		*err = xasprintf("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	runner_stop_signal = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = runner_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < UTIL_ARRLEN(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void
runner_signals_restore(struct sigaction *old)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	close(runner_sigpipe[0]);
	close(runner_sigpipe[1]);
	runner_sigpipe[0] = runner_sigpipe[1] = -1;
}

void
runner_describe_end(const struct pool_result *pr, double timeout,
    uint64_t mem_limit, struct buf *b)
{
	const char *name;

	switch (pr->end) {
	case POOL_EXITED:
		buf_printf(b, "exited with status %d", pr->code);
		break;
	case POOL_SIGNALED:
		name = sigabbrev_np(pr->code);
		buf_printf(b, "killed by signal %d (SIG%s)", pr->code,
		    name != NULL ? name : "?");
		if (mem_limit > 0 && (pr->code == SIGSEGV ||
		    pr->code == SIGABRT || pr->code == SIGKILL))
			buf_printf(b, "; it may have hit its memory limit "
			    "(--mem %" PRIu64 " MiB)", mem_limit >> 20);
		break;
	case POOL_TIMEOUT:
		buf_adds(b, "timed out after ");
		util_format_double(b, timeout);
		name = sigabbrev_np(pr->code);
		buf_printf(b, " s (stopped with SIG%s)",
		    name != NULL ? name : "?");
		break;
	case POOL_SPAWN_FAILED:
		buf_printf(b, "cannot run the command: %s",
		    strerror(pr->code));
		break;
	}
	if (pr->end == POOL_EXITED && pr->code != 0 && mem_limit > 0)
		buf_printf(b, " (memory limit --mem %" PRIu64 " MiB)",
		    mem_limit >> 20);
}

void
runner_outcome(const struct pool_result *pr, double timeout,
    uint64_t mem_limit, struct nb_outcome *o, struct buf *results,
    struct buf *error, struct buf *stderr_tail)
{
	struct json_object res;
	char *perr = NULL;

	memset(o, 0, sizeof *o);
	o->start = pr->start;
	o->end = pr->end_time;
	o->exit_code = pr->end == POOL_EXITED ? pr->code : -1;
	o->signal = pr->end == POOL_SIGNALED || pr->end == POOL_TIMEOUT ?
	    pr->code : 0;
	o->maxrss_kb = pr->end == POOL_SPAWN_FAILED ? -1 : pr->maxrss_kb;
	o->cpu_user = pr->cpu_user;
	o->cpu_sys = pr->cpu_sys;
	o->truncated = pr->out_truncated;
	if (pr->err_len > 0) {
		util_utf8_sanitize(stderr_tail, pr->err, pr->err_len);
		o->stderr_tail = stderr_tail->data;
	}
	if (pr->end != POOL_EXITED || pr->code != 0) {
		o->state = NB_FAILED;
		runner_describe_end(pr, timeout, mem_limit, error);
		o->error = error->data;
		return;
	}
	if (output_parse(pr->out, pr->out_len, &res, &perr) != 0) {
		o->state = NB_FAILED;
		buf_printf(error, "unparsable results: %s", perr);
		o->error = error->data;
		free(perr);
		return;
	}
	json_append_object(results, &res);
	json_object_free(&res);
	o->state = NB_OK;
	o->results_json = results->data;
}

static void
runner_log(struct runner *rn, const char *fmt, ...) UTIL_PRINTF(2, 3);

static void
runner_log(struct runner *rn, const char *fmt, ...)
{
	va_list ap;

	if (rn->opts->log == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(rn->opts->log, fmt, ap);
	va_end(ap);
	fputc('\n', rn->opts->log);
	fflush(rn->opts->log);
}

/* Record how one job ended; a failure with retries left is re-queued. */
static int
runner_record(struct runner *rn, struct pool_result *pr, char **err)
{
	struct runner_job *job = pr->udata;
	struct nb_outcome o;
	struct buf results, error, tail;
	int failures = 0, rc = -1;

	buf_init(&results);
	buf_init(&error);
	buf_init(&tail);
	runner_outcome(pr, rn->set.timeout, rn->set.mem_limit, &o, &results,
	    &error, &tail);
	if (o.state == NB_FAILED) {
		if (rn->set.retries > 0 &&
		    notebook_failures(rn->nb, rn->set.id, job->point, job->rep,
		    &failures, err) != 0)
			goto out;
		o.requeue = failures < rn->set.retries;
		runner_log(rn, "point %" PRIu64 " rep %d attempt %d failed: "
		    "%s%s", job->point, job->rep, job->attempt, o.error,
		    o.requeue ? " (will retry)" : "");
	}
	if (notebook_job_finish(rn->nb, job->job_id, &o, err) != 0)
		goto out;
	if (o.state == NB_OK)
		rn->report->ok++;
	else if (o.requeue) {
		rn->report->requeued++;
		rn->queued_hint++;
	} else
		rn->report->failed++;
	rc = 0;
out:
	free(job);
	buf_free(&results);
	buf_free(&error);
	buf_free(&tail);
	return rc;
}

/* Find the next unit of work: 1 found, 0 none left, -1 error. */
static int
runner_next(struct runner *rn, struct nb_work *w, char **err)
{
	int rc;

	if (rn->queued_hint > 0) {
		rc = notebook_next_queued(rn->nb, rn->set.id, w, err);
		if (rc != 0)
			return rc;
		rn->queued_hint = 0;
	}
	if (rn->cursor >= rn->set.njobs)
		return 0;
	memset(w, 0, sizeof *w);
	w->pos = rn->cursor;
	w->point = perm_at(&rn->perm, rn->cursor % rn->set.npoints);
	w->rep = (int)(rn->cursor / rn->set.npoints);
	w->attempt = 1;
	return 1;
}

/* Start one job on a free engine: 1 started, 0 no work left, -1 error. */
static int
runner_start_one(struct runner *rn, char **err)
{
	struct nb_work w;
	struct experiment_job ej;
	struct pool_request req;
	struct runner_job *job;
	int rc, engine;
	bool fresh;

	if ((rc = runner_next(rn, &w, err)) <= 0)
		return rc;
	fresh = w.job_id == 0;
	space_point(rn->space, w.point, rn->vals);
	experiment_prepare(&rn->exp, rn->space, rn->vals, w.point, w.rep,
	    w.attempt, rn->set.tag, &ej);
	job = xmalloc(sizeof *job);
	job->point = w.point;
	job->rep = w.rep;
	job->attempt = w.attempt;
	memset(&req, 0, sizeof req);
	req.argv = ej.argv;
	req.env = ej.env;
	req.input = ej.input.data;
	req.input_len = ej.input.len;
	req.timeout = rn->set.timeout;
	req.mem_limit = rn->set.mem_limit;
	req.udata = job;
	if ((engine = pool_start(rn->pool, &req)) < 0)
		util_fatal("internal error: no free engine in the pool");
	/* If this fails the caller stops the pool, which kills the job. */
	rc = notebook_job_start(rn->nb, rn->set.id, &w, ej.params,
	    util_now(), "localhost", engine, err);
	job->job_id = w.job_id;
	if (fresh && rc == 0)
		rn->cursor++;
	experiment_job_clear(&ej);
	if (rc != 0)
		return -1;
	rn->report->started++;
	return 1;
}

/* Redraw the progress line if it is due. */
static void
runner_progress(struct runner *rn, bool force)
{
	struct nb_counts c;
	double now = util_monotonic(), rate, eta;
	uint64_t done;
	char *err = NULL;

	if (rn->opts->progress == NULL ||
	    (!force && now - rn->last_progress < RUNNER_PROGRESS))
		return;
	rn->last_progress = now;
	if (notebook_counts(rn->nb, &rn->set, &c, &err) != 0) {
		free(err);
		return;
	}
	done = c.n[NB_OK] + c.n[NB_FAILED] + c.n[NB_CANCELLED];
	rate = (double)(rn->report->ok + rn->report->failed) /
	    fmax(now - rn->t0, 1e-3);
	eta = rate > 0 ? (double)(c.total - done) / rate : 0;
	fprintf(rn->opts->progress, "\r\033[K%s: %" PRIu64 "/%" PRIu64
	    " (%.0f%%)  ok %" PRIu64 "  failed %" PRIu64 "  running %"
	    PRIu64 "  pending %" PRIu64 "  %.0f jobs/s  ETA %.0fs",
	    rn->set.tag, done, c.total, c.ready * 100, c.n[NB_OK],
	    c.n[NB_FAILED], c.n[NB_RUNNING], c.pending, rate, eta);
	fflush(rn->opts->progress);
}

/* Load the set, its space and experiment, and prepare the order. */
static int
runner_load(struct runner *rn, const char *tag, char **err)
{
	uint64_t requeued = 0;
	struct nb_counts c;

	if (notebook_set_find(rn->nb, tag, &rn->set, err) != 0)
		return -1;
	if (rn->set.locked) {
		*err = xasprintf("result set '%s' is locked: its results are "
		    "final; start a new tag to run more", tag);
		return -1;
	}
	if ((rn->space = space_from_json(rn->set.space, err)) == NULL)
		return -1;
	if (experiment_from_json(&rn->exp, rn->set.experiment, err) != 0)
		return -1;
	if (rn->set.npoints == 0 || rn->set.repeat < 1) {
		*err = xasprintf("result set '%s' has no points to run", tag);
		return -1;
	}
	perm_init(&rn->perm, rn->set.npoints, rn->set.seed,
	    rn->set.sequential);
	if (notebook_recover(rn->nb, rn->set.id, &requeued, err) != 0)
		return -1;
	if (requeued > 0)
		runner_log(rn, "re-queued %" PRIu64 " job(s) interrupted "
		    "earlier", requeued);
	if (notebook_counts(rn->nb, &rn->set, &c, err) != 0)
		return -1;
	rn->cursor = rn->set.cursor;
	rn->queued_hint = c.n[NB_QUEUED];
	rn->vals = xcalloc(space_nparams(rn->space) + 1, sizeof *rn->vals);
	return 0;
}

int
runner_run(struct notebook *nb, const char *tag, const struct runner_opts *o,
    struct runner_report *r, char **err)
{
	struct runner rn;
	struct sigaction old[3];
	struct pool_result pr;
	bool have_pr = false, no_work = false, in_tx = false, done;
	double tx_start = 0;
	int rc = -1, slots, n, wait_ms;
	uint64_t requeued;

	memset(&rn, 0, sizeof rn);
	memset(r, 0, sizeof *r);
	rn.nb = nb;
	rn.opts = o;
	rn.report = r;
	rn.t0 = util_monotonic();
	if (runner_load(&rn, tag, err) != 0)
		goto out;
	if (runner_signals_install(old, err) != 0)
		goto out;

	slots = pool_cores_rule(rn.set.cores, pool_cores_available());
	rn.pool = pool_new(slots);
	pool_set_wakeup_fd(rn.pool, runner_sigpipe[0]);
	if (notebook_set_status(nb, rn.set.id, "running", (int64_t)getpid(),
	    err) != 0)
		goto stop;
	rn.last_heartbeat = util_monotonic();
	runner_log(&rn, "runner %d started on %s with %d engine(s)",
	    (int)getpid(), rn.set.tag, slots);

	for (;;) {
		if (!in_tx) {
			if (notebook_begin(nb, err) != 0)
				goto stop;
			in_tx = true;
			tx_start = util_monotonic();
		}
		/* Record every job that has ended. */
		while (have_pr || (pool_busy(rn.pool) > 0 &&
		    pool_wait(rn.pool, 0, &pr) == 1)) {
			have_pr = false;
			n = runner_record(&rn, &pr, err);
			pool_result_clear(&pr);
			if (n != 0)
				goto stop_rollback;
		}
		if (rn.queued_hint > 0)
			no_work = false;
		/* Keep every engine busy. */
		while (runner_stop_signal == 0 && !no_work &&
		    pool_busy(rn.pool) < pool_slots(rn.pool)) {
			if ((n = runner_start_one(&rn, err)) < 0)
				goto stop_rollback;
			if (n == 0)
				no_work = true;
		}
		if (util_monotonic() - rn.last_heartbeat >= RUNNER_HEARTBEAT) {
			if (notebook_heartbeat(nb, rn.set.id, err) != 0)
				goto stop_rollback;
			rn.last_heartbeat = util_monotonic();
		}
		done = runner_stop_signal != 0 || (no_work &&
		    pool_busy(rn.pool) == 0);
		wait_ms = (int)(RUNNER_HEARTBEAT * 1000);
		if (done || util_monotonic() - tx_start >=
		    RUNNER_COMMIT_INTERVAL) {
			if (notebook_commit(nb, err) != 0)
				goto stop;
			in_tx = false;
		} else
			wait_ms = (int)ceil((tx_start + RUNNER_COMMIT_INTERVAL -
			    util_monotonic()) * 1000);
		runner_progress(&rn, false);
		if (done)
			break;
		if (pool_wait(rn.pool, wait_ms, &pr) == 1)
			have_pr = true;
	}
	r->complete = runner_stop_signal == 0;
	rc = 0;
	goto stop;

stop_rollback:
	notebook_rollback(nb);
	in_tx = false;
stop:
	if (in_tx) {
		/* A failed commit leaves the transaction to roll back. */
		notebook_rollback(nb);
	}
	if (have_pr)
		pool_result_clear(&pr);
	if (rn.pool != NULL) {
		/* Jobs still running are stopped; their rows stay running
		 * until notebook_recover re-queues them below. */
		pool_free(rn.pool);
		rn.pool = NULL;
	}
	if (runner_stop_signal != 0) {
		r->interrupted = true;
		runner_log(&rn, "stopped by signal %d", runner_stop_signal);
	}
	if (rn.set.id != 0) {
		char *e2 = NULL;

		/* Best effort: if the notebook fails here, the next run
		 * recovers the same way. */
		if (notebook_recover(nb, rn.set.id, &requeued, &e2) != 0 ||
		    notebook_set_status(nb, rn.set.id,
		    r->complete ? "finished" : "paused", 0, &e2) != 0)
			runner_log(&rn, "cannot record the end: %s", e2);
		free(e2);
	}
	runner_progress(&rn, true);
	if (rn.opts->progress != NULL)
		fputc('\n', rn.opts->progress);
	runner_signals_restore(old);
out:
	r->elapsed = util_monotonic() - rn.t0;
	free(rn.vals);
	space_free(rn.space);
	experiment_free(&rn.exp);
	notebook_set_clear(&rn.set);
	return rc;
}
