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
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "experiment.h"
#include "json.h"
#include "lock.h"
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
	int engine;
	double start;          /* wall clock */
	bool purged;           /* given up by `labrat purge` */
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
	struct runner_job **engines; /* the job on each engine, or NULL */
	struct value *vals;
	uint64_t cursor;
	uint64_t queued_hint;   /* queued rows may exist */
	int64_t data_version;   /* of the notebook when last read */
	bool paused;            /* control: start no new jobs */
	bool cancel;            /* control: stop everything */
	int lock_fd;
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

	if (sig != SIGUSR1)
		runner_stop_signal = sig;
	if (runner_sigpipe[1] != -1)
		(void)write(runner_sigpipe[1], "", 1);
	errno = saved;
}

/* Empty the self-pipe after a wake-up. */
static void
runner_drain_wakeups(void)
{
	char tmp[64];

	while (read(runner_sigpipe[0], tmp, sizeof tmp) > 0)
		;
}

static const int runner_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };

/* Route SIGINT/SIGTERM/SIGHUP (stop) and SIGUSR1 (a control request) to
 * the self-pipe the pool watches.  A detached runner keeps SIGHUP
 * ignored. */
static int
runner_signals_install(struct sigaction *old, char **err)
{
	struct sigaction sa;
	const int *sigs = runner_signals;
	size_t i;

	if (pipe2(runner_sigpipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		*err = xasprintf("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	runner_stop_signal = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = runner_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < UTIL_ARRLEN(runner_signals); i++) {
		sigaction(sigs[i], NULL, &old[i]);
		if (sigs[i] == SIGHUP && old[i].sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void
runner_signals_restore(struct sigaction *old)
{
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(runner_signals); i++)
		sigaction(runner_signals[i], &old[i], NULL);
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
	if (output_parse(pr->out, pr->out_len, pr->out_cut, &res,
	    &perr) != 0) {
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

/* Write "TIME TAG: MESSAGE" to the log, if there is one. */
static void
runner_log(struct runner *rn, const char *fmt, ...)
{
	va_list ap;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	if (rn->opts->log == NULL)
		return;
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(rn->opts->log, "%s %s[%d]: ", when,
	    rn->set.tag != NULL ? rn->set.tag : "?", (int)getpid());
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
	rn->engines[pr->engine] = NULL;
	runner_outcome(pr, rn->set.timeout, rn->set.mem_limit, &o, &results,
	    &error, &tail);
	if (job->purged) {
		o.state = NB_CANCELLED;
		o.error = "purged: given up by 'labrat purge'";
		o.results_json = NULL;
	} else if (o.state == NB_FAILED) {
		if (rn->set.retries > 0 &&
		    notebook_failures(rn->nb, rn->set.id, job->point, job->rep,
		    &failures, err) != 0)
			goto out;
		o.requeue = failures < rn->set.retries;
		runner_log(rn, "point %" PRIu64 " rep %d attempt %d failed: "
		    "%s%s", job->point, job->rep, job->attempt, o.error,
		    o.requeue ? " (will retry)" : "");
	}
	switch (notebook_job_finish(rn->nb, job->job_id, &o, err)) {
	case 0:
		break;
	case NOTEBOOK_NOT_RUNNING:
		/* Purged from outside meanwhile: its result is not wanted. */
		runner_log(rn, "point %" PRIu64 " ended after it was purged; "
		    "its result is dropped", job->point);
		rc = 0;
		goto out;
	default:
		goto out;
	}
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
	job = xcalloc(1, sizeof *job);
	job->point = w.point;
	job->rep = w.rep;
	job->attempt = w.attempt;
	job->start = util_now();
	memset(&req, 0, sizeof req);
	req.argv = ej.argv;
	req.env = ej.env;
	req.input = ej.input.data;
	req.input_len = ej.input.len;
	req.timeout = rn->set.timeout;
	req.mem_limit = rn->set.mem_limit;
	req.cwd = rn->set.cwd;
	req.udata = job;
	if ((engine = pool_start(rn->pool, &req)) < 0)
		util_fatal("internal error: no free engine in the pool");
	job->engine = engine;
	rn->engines[engine] = job;
	/* If this fails the caller stops the pool, which kills the job. */
	rc = notebook_job_start(rn->nb, rn->set.id, &w, ej.params,
	    job->start, "localhost", engine, err);
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
	    PRIu64 "  pending %" PRIu64 "  %.0f jobs/s  ETA %.0fs%s",
	    rn->set.tag, done, c.total, floor(c.ready * 100), c.n[NB_OK],
	    c.n[NB_FAILED], c.n[NB_RUNNING], c.pending, rate, eta,
	    rn->paused ? "  (paused)" : "");
	fflush(rn->opts->progress);
}

/* Load the set, its space and experiment, and prepare the order. */
static int
runner_load(struct runner *rn, const char *tag, char **err)
{
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
	if (*rn->set.cwd != '\0' && access(rn->set.cwd, X_OK) != 0) {
		*err = xasprintf("the directory of campaign '%s', %s, cannot "
		    "be entered: %s", tag, rn->set.cwd, strerror(errno));
		return -1;
	}
	perm_init(&rn->perm, rn->set.npoints, rn->set.seed,
	    rn->set.sequential);
	return 0;
}

/* Take the runner lock and re-queue what a dead runner left running. */
static int
runner_claim(struct runner *rn, char **err)
{
	uint64_t requeued = 0;
	struct nb_counts c;
	int rc;

	rc = lock_acquire(notebook_path(rn->nb), rn->set.id, &rn->lock_fd,
	    err);
	if (rc == 1) {
		*err = xasprintf("campaign '%s' already has a runner (pid %"
		    PRId64 "); 'labrat status %s' shows it", rn->set.tag,
		    rn->set.runner_pid, rn->set.tag);
		return -1;
	}
	if (rc != 0)
		return -1;
	if (notebook_recover(rn->nb, rn->set.id, &requeued, err) != 0)
		return -1;
	if (requeued > 0)
		runner_log(rn, "re-queued %" PRIu64 " job(s) interrupted "
		    "earlier", requeued);
	if (notebook_counts(rn->nb, &rn->set, &c, err) != 0)
		return -1;
	rn->cursor = rn->set.cursor;
	rn->queued_hint = c.n[NB_QUEUED];
	rn->data_version = notebook_data_version(rn->nb);
	return 0;
}

/*
 * Act on what others wrote to the notebook since we last looked: a
 * control request (pause, run, cancel), a purge, or retries queued by
 * `labrat retry`.  PRAGMA data_version makes the common case (nothing
 * new) a few microseconds.
 */
static int
runner_control(struct runner *rn, char **err)
{
	struct nb_set s;
	struct nb_counts c;
	int64_t v = notebook_data_version(rn->nb);
	bool paused;
	int i;

	if (v == rn->data_version)
		return 0;
	rn->data_version = v;
	if (notebook_set_get(rn->nb, rn->set.id, &s, err) != 0)
		return -1;
	if (strcmp(s.control, "cancel") == 0 && !rn->cancel) {
		runner_log(rn, "cancel requested");
		rn->cancel = true;
	}
	paused = strcmp(s.control, "pause") == 0;
	if (paused != rn->paused) {
		rn->paused = paused;
		runner_log(rn, paused ? "paused: no new jobs start" :
		    "resumed");
		if (notebook_set_status(rn->nb, rn->set.id, paused ? "paused" :
		    "running", (int64_t)getpid(), err) != 0)
			goto fail;
	}
	if (s.purge_before > 0) {
		for (i = 0; i < pool_slots(rn->pool); i++) {
			struct runner_job *j = rn->engines[i];

			if (j == NULL || j->purged || j->start >= s.purge_before)
				continue;
			runner_log(rn, "purging point %" PRIu64 " (engine %d)",
			    j->point, i);
			j->purged = true;
			pool_signal_engine(rn->pool, i, SIGKILL);
		}
		if (notebook_set_purge_before(rn->nb, rn->set.id, 0, err) != 0)
			goto fail;
	}
	if (notebook_counts(rn->nb, &rn->set, &c, err) != 0)
		goto fail;
	rn->queued_hint = c.n[NB_QUEUED];
	notebook_set_clear(&s);
	return 0;
fail:
	notebook_set_clear(&s);
	return -1;
}

/* Sleep until a signal or control request, at most ms, when no job runs
 * (pool_wait returns at once then). */
static void
runner_idle(int ms)
{
	struct pollfd pfd = { runner_sigpipe[0], POLLIN, 0 };

	poll(&pfd, 1, ms);
}

/* Record the end of the run: stopped jobs re-queued or cancelled, and the
 * status users will see. */
static void
runner_finish(struct runner *rn, struct runner_report *r)
{
	const char *status;
	uint64_t n = 0;
	char *err = NULL;

	if (rn->cancel) {
		status = "cancelled";
		if (notebook_purge(rn->nb, rn->set.id, 0,
		    "cancelled by 'labrat cancel'", &n, &err) != 0)
			goto fail;
	} else {
		/* Jobs stopped with the runner run again on resume. */
		status = r->complete ? "finished" : "stopped";
		if (notebook_recover(rn->nb, rn->set.id, &n, &err) != 0)
			goto fail;
	}
	if (notebook_set_status(rn->nb, rn->set.id, status, 0, &err) != 0)
		goto fail;
	runner_log(rn, "%s: %" PRIu64 " ok, %" PRIu64 " failed in this run",
	    status, r->ok, r->failed);
	return;
fail:
	/* The next runner recovers the same way. */
	runner_log(rn, "cannot record the end: %s", err);
	free(err);
}

int
runner_run(struct notebook *nb, const char *tag, const struct runner_opts *o,
    struct runner_report *r, char **err)
{
	struct runner rn;
	struct sigaction old[UTIL_ARRLEN(runner_signals)];
	struct pool_result pr;
	bool have_pr = false, no_work = false, in_tx = false, done;
	bool installed = false;
	double tx_start = 0;
	int rc = -1, slots = 0, n, wait_ms;

	memset(&rn, 0, sizeof rn);
	memset(r, 0, sizeof *r);
	rn.nb = nb;
	rn.opts = o;
	rn.report = r;
	rn.lock_fd = -1;
	rn.t0 = util_monotonic();
	if (runner_load(&rn, tag, err) != 0 || runner_claim(&rn, err) != 0)
		goto out;
	if (runner_signals_install(old, err) != 0)
		goto out;
	installed = true;

	slots = pool_cores_rule(rn.set.cores, pool_cores_available());
	rn.pool = pool_new(slots);
	rn.engines = xcalloc((size_t)slots, sizeof *rn.engines);
	rn.vals = xcalloc(space_nparams(rn.space) + 1, sizeof *rn.vals);
	pool_set_wakeup_fd(rn.pool, runner_sigpipe[0]);
	rn.paused = strcmp(rn.set.control, "pause") == 0;
	if (notebook_set_status(nb, rn.set.id, rn.paused ? "paused" :
	    "running", (int64_t)getpid(), err) != 0)
		goto stop;
	rn.last_heartbeat = util_monotonic();
	runner_log(&rn, "runner started with %d engine(s), %" PRIu64 " of %"
	    PRIu64 " jobs handed out", slots, rn.cursor, rn.set.njobs);

	for (;;) {
		runner_drain_wakeups();
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
		if (runner_control(&rn, err) != 0)
			goto stop_rollback;
		if (rn.queued_hint > 0)
			no_work = false;
		/* Keep every engine busy. */
		while (runner_stop_signal == 0 && !rn.cancel && !rn.paused &&
		    !no_work && pool_busy(rn.pool) < pool_slots(rn.pool)) {
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
		done = runner_stop_signal != 0 || rn.cancel || (no_work &&
		    pool_busy(rn.pool) == 0);
		wait_ms = (int)(RUNNER_HEARTBEAT * 1000);
		if (done || util_monotonic() - tx_start >=
		    RUNNER_COMMIT_INTERVAL) {
			if (notebook_commit(nb, err) != 0) {
				in_tx = false;
				goto stop;
			}
			in_tx = false;
		} else
			wait_ms = (int)ceil((tx_start + RUNNER_COMMIT_INTERVAL -
			    util_monotonic()) * 1000);
		runner_progress(&rn, false);
		if (done)
			break;
		if (pool_busy(rn.pool) == 0)
			runner_idle(wait_ms);
		else if (pool_wait(rn.pool, wait_ms, &pr) == 1)
			have_pr = true;
	}
	r->complete = runner_stop_signal == 0 && !rn.cancel;
	rc = 0;
	goto stop;

stop_rollback:
	notebook_rollback(nb);
	in_tx = false;
stop:
	if (in_tx)
		notebook_rollback(nb);
	if (have_pr)
		pool_result_clear(&pr);
	if (rn.pool != NULL) {
		/* Running jobs are stopped; their rows stay running until
		 * runner_finish re-queues or cancels them. */
		pool_free(rn.pool);
		rn.pool = NULL;
	}
	if (runner_stop_signal != 0) {
		r->interrupted = true;
		runner_log(&rn, "stopped by signal %d (SIG%s)",
		    runner_stop_signal, sigabbrev_np(runner_stop_signal));
	}
	r->cancelled = rn.cancel;
	runner_finish(&rn, r);
	runner_progress(&rn, true);
	if (rn.opts->progress != NULL)
		fputc('\n', rn.opts->progress);
out:
	if (installed)
		runner_signals_restore(old);
	if (rc != 0 && err != NULL && *err != NULL)
		runner_log(&rn, "error: %s", *err);
	lock_release(rn.lock_fd);
	r->elapsed = util_monotonic() - rn.t0;
	if (rn.engines != NULL) {
		for (n = 0; n < slots; n++)
			free(rn.engines[n]);
	}
	free(rn.engines);
	free(rn.vals);
	space_free(rn.space);
	experiment_free(&rn.exp);
	notebook_set_clear(&rn.set);
	return rc;
}
