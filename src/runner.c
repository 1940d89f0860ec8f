/*
 * runner.c -- drive one campaign through the local lab into the notebook.
 *
 * The loop keeps every engine busy: each turn it collects the jobs that
 * ended, reads the user's control requests, starts new jobs (queued
 * retries first, then the next positions of the exploration order) and
 * commits all of that in one transaction, then sleeps in pool_wait until a
 * job ends, a signal arrives or the heartbeat is due.  A job's row is
 * committed as running no later than its result, so if the runner dies at
 * any moment a restart finds each job either finished (recorded once) or
 * running; before such a job runs again, the lab is asked what is left of
 * it and kills it (runner_reclaim): nothing is lost, nothing is recorded
 * twice, nothing runs twice.
 *
 * Writes gather in a journal in memory and are written every 20 ms in one
 * short transaction, so the notebook's write lock is free between them
 * for the user's commands.  When the notebook cannot be written for a
 * while -- another program holds its write lock, the disk is full -- the
 * transaction is rolled back, the jobs keep running, no new ones start,
 * and the journal (bounded: at most one end per engine waits) is written
 * again once the notebook takes writes.  Only a permanent error (the set
 * deleted, a damaged file) stops the runner.
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
#include "backend.h"
#include "loop.h"
#include "proc.h"
#include "runner.h"
#include "space.h"

/* Seconds between heartbeats written to the notebook. */
#define RUNNER_HEARTBEAT 1.0
/* Seconds between progress redraws. */
#define RUNNER_PROGRESS 0.2
/* How long writes gather in the journal: the jobs that start and end
 * within it share one commit.  Readers see results this late at most. */
#define RUNNER_COMMIT_INTERVAL 0.02
/* How long the runner's own writes wait for another writer (ms): short,
 * so that its loop goes on serving jobs; the journal retries. */
#define RUNNER_BUSY_MS 200
/* Bounds of the back-off between tries when the notebook cannot be
 * written, or a job cannot be started for the runner's own lack of
 * resources (seconds). */
#define RUNNER_RETRY_MIN 0.05
#define RUNNER_RETRY_MAX 2.0
/* Seconds between log lines while the notebook stays unwritable. */
#define RUNNER_STALL_LOG 60.0

/* A job between its start and its end. */
struct runner_job {
	struct nb_work w;      /* what it runs; w.job_id once recorded */
	bool fresh;            /* a fresh position (w.job_id set by start) */
	char *params;          /* its parameters as JSON */
	char handle[BACKEND_HANDLE_MAX];
	char host[BACKEND_HOST_MAX];
	int engine;            /* the backend's slot */
	int recorded_engine;   /* the engine the row names */
	double start;          /* wall clock */
	bool purged;           /* given up by `labrat purge` */
};

/* What the journal holds: writes to redo if a transaction is lost. */
enum runner_event_kind {
	EV_START,              /* job's start */
	EV_END,                /* job's end, outcome in out */
	EV_STATUS,             /* the runner's status word */
	EV_ACK,                /* control requests acted on, up to seq */
	EV_PURGED,             /* purge_before handled: reset it */
	EV_HEARTBEAT,
	EV_ENGINES,            /* the backend's engines, JSON in results */
};

/* What an end came to once written: counted when it is committed. */
enum runner_verdict {
	VERDICT_NONE,
	VERDICT_OK,
	VERDICT_RETRY,
	VERDICT_FAILED,
	VERDICT_LOST,          /* lost with its host: queued again */
};

struct runner_event {
	enum runner_event_kind kind;
	enum runner_verdict verdict;   /* EV_END, once applied */
	bool lost;                     /* EV_END: lost, not ended */
	struct runner_job *job;        /* EV_START, EV_END (owned by EV_END) */
	struct nb_outcome o;           /* EV_END; strings in the buffers */
	struct buf results, error, tail;
	const char *status;            /* EV_STATUS: a static string */
	int64_t seq;                   /* EV_ACK */
};

struct runner {
	struct notebook *nb;
	const struct runner_opts *opts;
	struct runner_report *report;
	struct nb_set set;
	struct space *space;
	struct experiment exp;
	struct perm perm;
	struct loop *loop;
	struct backend *be;
	struct runner_job **engines; /* the job on each engine, or NULL */
	size_t nengines;
	struct value *vals;
	uint64_t cursor;
	uint64_t queued_hint;   /* queued rows may exist */
	int64_t queued_after;   /* queued rows up to this id are taken */
	int64_t data_version;   /* of the notebook when last read */
	int64_t acked;          /* control requests acted on */
	bool paused;            /* control: start no new jobs */
	bool cancel;            /* control: stop everything */
	bool gone;              /* the result set was deleted */
	bool detached;          /* jobs left running on remote hosts */
	bool launches_due;      /* record-first jobs wait for a commit */
	char *engines_said;     /* the engines as last journalled */
	uint64_t self_start;    /* this process's start time */
	int lock_fd;
	int ready_fd;           /* closed once the start is recorded */
	double last_heartbeat;
	double last_progress;
	double t0;
	/* The journal: what is to be written in the next commit. */
	struct runner_event *events;
	size_t nevents, cap;
	double batch_start;     /* when the first of them came */
	double stalled_since;   /* the notebook refuses writes since; 0 */
	double retry_at;        /* try the notebook again then */
	double retry_delay;
	double last_stall_log;
	double start_retry_at;  /* try starting jobs again then */
	double start_delay;
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
 * the self-pipe the pool watches, and unblock them: a parent's signal
 * mask is inherited across exec.  A detached runner keeps SIGHUP
 * ignored. */
static int
runner_signals_install(struct sigaction *old, char **err)
{
	struct sigaction sa;
	const int *sigs = runner_signals;
	sigset_t set;
	size_t i;

	if (pipe2(runner_sigpipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		*err = xasprintf("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	runner_stop_signal = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = runner_on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	for (i = 0; i < UTIL_ARRLEN(runner_signals); i++) {
		sigaction(sigs[i], NULL, &old[i]);
		sigaddset(&set, sigs[i]);
		if (sigs[i] == SIGHUP && old[i].sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
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
runner_describe_end(const struct backend_result *pr, double timeout,
    uint64_t mem_limit, struct buf *b)
{
	const char *name;

	switch (pr->end) {
	case BACKEND_EXITED:
		buf_printf(b, "exited with status %d", pr->code);
		break;
	case BACKEND_SIGNALED:
		name = sigabbrev_np(pr->code);
		buf_printf(b, "killed by signal %d (SIG%s)", pr->code,
		    name != NULL ? name : "?");
		if (mem_limit > 0 && (pr->code == SIGSEGV ||
		    pr->code == SIGABRT || pr->code == SIGKILL))
			buf_printf(b, "; it may have hit its memory limit "
			    "(--mem %" PRIu64 " MiB)", mem_limit >> 20);
		break;
	case BACKEND_TIMEOUT:
		buf_adds(b, "timed out after ");
		util_format_double(b, timeout);
		name = sigabbrev_np(pr->code);
		buf_printf(b, " s (stopped with SIG%s)",
		    name != NULL ? name : "?");
		break;
	case BACKEND_SPAWN_FAILED:
		buf_printf(b, "cannot run the command: %s",
		    strerror(pr->code));
		break;
	case BACKEND_LOST:
		buf_printf(b, "its exit status was lost (%s): counted as a "
		    "failure", strerror(pr->code));
		break;
	case BACKEND_HOST_LOST:
		buf_printf(b, "lost with its host %s: it runs again",
		    pr->host);
		break;
	case BACKEND_NOT_STARTED:
		buf_printf(b, "it never started on %s: it runs again",
		    pr->host);
		break;
	case BACKEND_WORKER_LOST:
		buf_adds(b, "its worker ended before answering it, for "
		    "another point's fault or at its start: it runs again");
		break;
	case BACKEND_FAILED:
		util_utf8_sanitize(b, pr->out != NULL ? pr->out : "",
		    pr->out_len);
		break;
	}
	if (pr->end == BACKEND_EXITED && pr->code != 0 && mem_limit > 0)
		buf_printf(b, " (memory limit --mem %" PRIu64 " MiB)",
		    mem_limit >> 20);
}

void
runner_outcome(const struct backend_result *pr, double timeout,
    uint64_t mem_limit, struct nb_outcome *o, struct buf *results,
    struct buf *error, struct buf *stderr_tail)
{
	struct json_object res;
	char *perr = NULL;

	memset(o, 0, sizeof *o);
	o->start = pr->start;
	o->end = pr->end_time;
	o->exit_code = pr->end == BACKEND_EXITED ? pr->code : -1;
	o->signal = pr->end == BACKEND_SIGNALED || pr->end == BACKEND_TIMEOUT ?
	    pr->code : 0;
	o->maxrss_kb = pr->end == BACKEND_SPAWN_FAILED ? -1 : pr->maxrss_kb;
	o->cpu_user = pr->cpu_user;
	o->cpu_sys = pr->cpu_sys;
	o->truncated = pr->out_truncated;
	if (pr->err_len > 0) {
		util_utf8_sanitize(stderr_tail, pr->err, pr->err_len);
		o->stderr_tail = stderr_tail->data;
	}
	if (pr->end != BACKEND_EXITED || pr->code != 0) {
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

static void
runner_job_free(struct runner_job *job)
{
	if (job == NULL)
		return;
	free(job->params);
	free(job);
}

/* Forget the journal: its events are committed (or will never be). */
static void
runner_journal_clear(struct runner *rn)
{
	struct runner_event *ev;
	size_t i;

	for (i = 0; i < rn->nevents; i++) {
		ev = &rn->events[i];
		if (ev->kind == EV_END)
			runner_job_free(ev->job);
		buf_free(&ev->results);
		buf_free(&ev->error);
		buf_free(&ev->tail);
	}
	rn->nevents = 0;
	rn->launches_due = false;
}

/* Append an event to the journal; it is written by runner_commit. */
static struct runner_event *
runner_journal_add(struct runner *rn, enum runner_event_kind kind)
{
	struct runner_event *ev;

	if (rn->nevents == 0)
		rn->batch_start = util_monotonic();
	if (rn->nevents == rn->cap) {
		rn->cap = rn->cap == 0 ? 16 : rn->cap * 2;
		rn->events = xreallocarray(rn->events, rn->cap,
		    sizeof *rn->events);
	}
	ev = &rn->events[rn->nevents++];
	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	buf_init(&ev->results);
	buf_init(&ev->error);
	buf_init(&ev->tail);
	return ev;
}

/* Write a job's end: decide on a retry, record, count.  A job lost with
 * its host (or that never started) runs again as a new attempt, and is
 * not a failure. */
static int
runner_apply_end(struct runner *rn, struct runner_event *ev, char **err)
{
	struct runner_job *job = ev->job;
	struct nb_outcome o = ev->o;
	int failures = 0;

	if (ev->lost) {
		switch (notebook_job_interrupt(rn->nb, rn->set.id,
		    job->w.job_id, ev->error.len > 0 ? ev->error.data : NULL,
		    err)) {
		case 1:
			ev->verdict = VERDICT_LOST;
			rn->queued_hint++;
			return 0;
		case 0:
			ev->verdict = VERDICT_NONE;
			return 0;
		default:
			return -1;
		}
	}

	if (job->purged) {
		o.state = NB_CANCELLED;
		o.error = "purged: given up by 'labrat purge'";
		o.results_json = NULL;
	} else if (o.state == NB_FAILED && rn->set.retries > 0) {
		if (notebook_failures(rn->nb, rn->set.id, job->w.point,
		    job->w.rep, &failures, err) != 0)
			return -1;
		o.requeue = failures < rn->set.retries;
	}
	ev->verdict = VERDICT_NONE;
	switch (notebook_job_finish(rn->nb, rn->set.id, job->w.job_id, &o,
	    err)) {
	case 0:
		break;
	case NOTEBOOK_NOT_RUNNING:
		/* Purged from outside meanwhile: its result is not wanted. */
		return 0;
	default:
		return -1;
	}
	if (o.state == NB_OK)
		ev->verdict = VERDICT_OK;
	else if (o.requeue) {
		ev->verdict = VERDICT_RETRY;
		rn->queued_hint++;
	} else
		ev->verdict = VERDICT_FAILED;
	return 0;
}

/* Count and log an end once it is committed (a replayed write must not
 * count twice). */
static void
runner_report_end(struct runner *rn, const struct runner_event *ev)
{
	const struct runner_job *job = ev->job;

	switch (ev->verdict) {
	case VERDICT_NONE:
		/* Purged or recovered from outside meanwhile. */
		runner_log(rn, "point %" PRIu64 " ended after it was purged; "
		    "its result is dropped", job->w.point);
		return;
	case VERDICT_OK:
		rn->report->ok++;
		return;
	case VERDICT_LOST:
		rn->report->requeued++;
		runner_log(rn, "point %" PRIu64 " rep %d attempt %d: %s",
		    job->w.point, job->w.rep, job->w.attempt, ev->o.error);
		return;
	case VERDICT_RETRY:
		rn->report->requeued++;
		break;
	case VERDICT_FAILED:
		rn->report->failed++;
		break;
	}
	runner_log(rn, "point %" PRIu64 " rep %d attempt %d failed: %s%s",
	    job->w.point, job->w.rep, job->w.attempt, job->purged ?
	    "purged" : ev->o.error, ev->verdict == VERDICT_RETRY ?
	    " (will retry)" : "");
}

/* Write one journal event into the open transaction. */
static int
runner_apply(struct runner *rn, struct runner_event *ev, char **err)
{
	struct runner_job *job = ev->job;

	switch (ev->kind) {
	case EV_START:
		if (job->fresh)
			job->w.job_id = 0;
		return notebook_job_start(rn->nb, rn->set.id, &job->w,
		    job->params, job->start, job->host, job->recorded_engine,
		    job->handle, err);
	case EV_END:
		return runner_apply_end(rn, ev, err);
	case EV_STATUS:
		return notebook_set_status(rn->nb, rn->set.id, ev->status,
		    (int64_t)getpid(), rn->self_start, "", err);
	case EV_ACK:
		return notebook_set_ack(rn->nb, rn->set.id, ev->seq, err);
	case EV_PURGED:
		return notebook_set_purge_before(rn->nb, rn->set.id, 0, err);
	case EV_HEARTBEAT:
		return notebook_heartbeat(rn->nb, rn->set.id, err);
	case EV_ENGINES:
		return notebook_set_engines(rn->nb, rn->set.id,
		    ev->results.data, err);
	}
	return 0;
}

/* The notebook refused a write for now: undo the transaction, keep the
 * journal, try again later. */
static void
runner_stall(struct runner *rn, const char *why)
{
	double now = util_monotonic();

	notebook_rollback(rn->nb);
	if (rn->stalled_since == 0) {
		rn->stalled_since = now;
		rn->last_stall_log = now;
		rn->retry_delay = RUNNER_RETRY_MIN;
		runner_log(rn, "the notebook cannot be written now (%s): "
		    "jobs keep running, none start, and their results are "
		    "held until it can", why);
	} else if (now - rn->last_stall_log >= RUNNER_STALL_LOG) {
		rn->last_stall_log = now;
		runner_log(rn, "the notebook still cannot be written, for %.0f "
		    "s now (%s)", now - rn->stalled_since, why);
	}
	rn->retry_at = now + rn->retry_delay;
	rn->retry_delay = fmin(rn->retry_delay * 2, RUNNER_RETRY_MAX);
}

/* The runner's result set was deleted from the notebook while it ran:
 * say so in *err (replacing what it held), kill the jobs, write nothing
 * more. */
static void
runner_gone(struct runner *rn, char **err)
{
	free(*err);
	*err = xasprintf("result set '%s' was deleted from the notebook "
	    "while its runner ran: its jobs are killed and nothing more is "
	    "written", rn->set.tag);
	rn->gone = true;
	rn->cancel = true;
}

/*
 * Write the journal in one transaction and forget it.  0 when written, or
 * when the notebook refused it for now (rn->stalled_since is set: it is
 * tried again later), -1 with *err on a permanent error.
 */
static int
runner_commit(struct runner *rn, char **err)
{
	struct nb_set s;
	char *why = NULL;
	size_t i;

	if (rn->nevents == 0 ||
	    (rn->stalled_since != 0 && util_monotonic() < rn->retry_at))
		return 0;
	if (notebook_begin(rn->nb, &why) != 0)
		goto failed;
	for (i = 0; i < rn->nevents; i++) {
		if (runner_apply(rn, &rn->events[i], &why) != 0) {
			notebook_rollback(rn->nb);
			goto failed;
		}
	}
	if (notebook_commit(rn->nb, &why) != 0)
		goto failed;
	for (i = 0; i < rn->nevents; i++) {
		if (rn->events[i].kind == EV_END)
			runner_report_end(rn, &rn->events[i]);
		/* A job whose row now names it may run. */
		else if (rn->events[i].kind == EV_START && rn->be != NULL)
			backend_launch(rn->be, rn->events[i].job->engine);
	}
	runner_journal_clear(rn);
	if (rn->stalled_since != 0) {
		runner_log(rn, "the notebook takes writes again after %.1f s",
		    util_monotonic() - rn->stalled_since);
		rn->stalled_since = 0;
	}
	return 0;
failed:
	if (notebook_transient(rn->nb)) {
		runner_stall(rn, why);
		free(why);
		return 0;
	}
	*err = why;
	why = NULL;
	/* A write refused because the set is gone (deleted by hand) is
	 * told as such, whichever write found out first. */
	if (notebook_set_get(rn->nb, rn->set.id, &s, &why) == NOTEBOOK_NO_SET)
		runner_gone(rn, err);
	else
		notebook_set_clear(&s);
	free(why);
	return -1;
}

static struct runner_job **runner_engine(struct runner *rn, int engine);

/* Take a job that ended off its engine and journal its end. */
static void
runner_ended(struct runner *rn, struct backend_result *pr)
{
	struct runner_job *job = pr->udata;
	struct runner_event *ev;

	*runner_engine(rn, pr->engine) = NULL;
	ev = runner_journal_add(rn, EV_END);
	ev->job = job;
	ev->lost = pr->end == BACKEND_HOST_LOST ||
	    pr->end == BACKEND_NOT_STARTED || pr->end == BACKEND_WORKER_LOST;
	runner_outcome(pr, rn->set.timeout, rn->set.mem_limit, &ev->o,
	    &ev->results, &ev->error, &ev->tail);
}

/* Journal the runner's status word (and with it its pid). */
static void
runner_say_status(struct runner *rn, const char *status)
{
	runner_journal_add(rn, EV_STATUS)->status = status;
}

/* Find the next unit of work: 1 found, 0 none left, -1 error. */
static int
runner_next(struct runner *rn, struct nb_work *w, char **err)
{
	int rc;

	if (rn->queued_hint > 0) {
		rc = notebook_next_queued(rn->nb, rn->set.id, rn->queued_after,
		    w, err);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			rn->queued_after = w->job_id;
			return 1;
		}
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

/* The backend cannot start a job now, for no fault of the job: start
 * nothing for a while, then try again. */
static void
runner_start_refused(struct runner *rn, const char *why)
{
	double now = util_monotonic();

	if (rn->start_delay == 0) {
		rn->start_delay = RUNNER_RETRY_MIN;
		runner_log(rn, "%s: it is not the job's fault; trying again as "
		    "jobs end", why);
	}
	rn->start_retry_at = now + rn->start_delay;
	rn->start_delay = fmin(rn->start_delay * 2, RUNNER_RETRY_MAX);
}

/* runner_start_one's answer when the lab cannot start a job now. */
#define RUNNER_REFUSED 2

/* Start one job on a free engine: 1 started, 0 no work left,
 * RUNNER_REFUSED none can start now, -1 error. */
static int
runner_start_one(struct runner *rn, char **err)
{
	struct nb_work w;
	struct experiment_job ej;
	struct backend_job req;
	struct runner_job *job;
	struct runner_event *ev;
	char *why = NULL;
	int rc, engine;

	if ((rc = runner_next(rn, &w, err)) <= 0)
		return rc;
	space_point(rn->space, w.point, rn->vals);
	experiment_prepare(&rn->exp, rn->space, rn->vals, w.point, w.rep,
	    w.attempt, rn->set.tag, &ej);
	job = xcalloc(1, sizeof *job);
	job->w = w;
	job->fresh = w.job_id == 0;
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
	if ((engine = backend_start(rn->be, &req, &why)) < 0) {
		experiment_job_clear(&ej);
		runner_job_free(job);
		if (engine != BACKEND_REFUSED) {
			*err = why;
			return -1;
		}
		/* The work item stays where it was: a queued row stays
		 * queued, the cursor did not move. */
		if (w.job_id != 0) {
			rn->queued_hint++;
			rn->queued_after = w.job_id - 1;
		}
		runner_start_refused(rn, why);
		free(why);
		return RUNNER_REFUSED;
	}
	rn->start_delay = 0;
	job->engine = job->recorded_engine = engine;
	if (rn->be->ops->engine_of != NULL)
		job->recorded_engine = rn->be->ops->engine_of(rn->be, engine);
	backend_describe(rn->be, engine, job->host, sizeof job->host,
	    job->handle, sizeof job->handle);
	job->params = ej.params;
	ej.params = NULL;
	experiment_job_clear(&ej);
	*runner_engine(rn, engine) = job;
	if (job->fresh)
		rn->cursor++;
	ev = runner_journal_add(rn, EV_START);
	ev->job = job;
	rn->report->started++;
	/* Its engine idles until the row is written: no batching. */
	if (rn->be->ops->record_first)
		rn->launches_due = true;
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
	    PRIu64 "  pending %" PRIu64 "  %.0f jobs/s  ETA %.0fs%s%s",
	    rn->set.tag, done, c.total, floor(c.ready * 100), c.n[NB_OK],
	    c.n[NB_FAILED], c.n[NB_RUNNING], c.pending, rate, eta,
	    rn->paused ? "  (paused)" : "",
	    rn->stalled_since != 0 ? "  (notebook busy)" : "");
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

/* A running row of a set, for reclaim. */
struct runner_row {
	int64_t id;
	uint64_t point;
	int rep;
	int attempt;
	char *host;
	char *handle;
};

/* Collect the running jobs of a set for reclaim. */
struct runner_running {
	struct runner_row *rows;
	size_t n;
	double before;
};

static int
runner_collect_running(const struct nb_job *j, void *arg)
{
	struct runner_running *rr = arg;
	struct runner_row *row;

	if (rr->before > 0 && j->start >= rr->before)
		return 0;
	rr->rows = xreallocarray(rr->rows, rr->n + 1, sizeof *rr->rows);
	row = &rr->rows[rr->n++];
	row->id = j->id;
	row->point = j->point;
	row->rep = j->rep;
	row->attempt = j->attempt;
	row->host = j->host != NULL ? xstrdup(j->host) : NULL;
	row->handle = j->handle != NULL ? xstrdup(j->handle) : NULL;
	return 0;
}

/* A job of a row the backend adopted: the runner watches it again. */
static struct runner_job *
runner_adopted(const struct runner_row *row)
{
	struct runner_job *job = xcalloc(1, sizeof *job);

	job->w.job_id = row->id;
	job->w.point = row->point;
	job->w.rep = row->rep;
	job->w.attempt = row->attempt;
	job->start = util_now();
	snprintf(job->host, sizeof job->host, "%s",
	    row->host != NULL ? row->host : "");
	snprintf(job->handle, sizeof job->handle, "%s",
	    row->handle != NULL ? row->handle : "");
	return job;
}

/*
 * runner_reclaim, and for a live runner (rn) adoption: a job the backend
 * adopts goes back on an engine of rn, and its end is recorded as any
 * other's.
 */
static int
runner_reclaim_rows(struct runner *rn, struct notebook *nb,
    const struct nb_set *s, struct backend *be, double before, bool requeue,
    enum backend_close_mode own_close, uint64_t *done, uint64_t *left,
    char **why, char **err)
{
	struct runner_running rr;
	struct backend_recorded *recs = NULL;
	enum backend_fate *fates = NULL;
	struct runner_job **jobs = NULL;
	struct backend *own = NULL;
	struct loop *loop = NULL;
	char *kwhy = NULL;
	int *engines = NULL;
	size_t i;
	int rc = -1;

	*done = *left = 0;
	*why = NULL;
	memset(&rr, 0, sizeof rr);
	rr.before = before;
	if (notebook_jobs_each(nb, s->id, NB_STATE_BIT(NB_RUNNING), true,
	    runner_collect_running, &rr, err) != 0)
		goto out;
	if (rr.n == 0) {
		rc = 0;
		goto out;
	}
	/* What of each job still exists? The backend kills what is left,
	 * or adopts it. */
	if (be == NULL) {
		loop = loop_new();
		if ((be = own = backend_open(s, loop, err)) == NULL)
			goto out;
	}
	recs = xcalloc(rr.n, sizeof *recs);
	fates = xcalloc(rr.n, sizeof *fates);
	engines = xcalloc(rr.n, sizeof *engines);
	jobs = xcalloc(rr.n, sizeof *jobs);
	for (i = 0; i < rr.n; i++) {
		recs[i].host = rr.rows[i].host;
		recs[i].handle = rr.rows[i].handle;
		if (rn != NULL)
			recs[i].udata = jobs[i] = runner_adopted(&rr.rows[i]);
	}
	if (backend_reclaim(be, recs, rr.n, rn != NULL, fates, engines, &kwhy,
	    err) != 0)
		goto out;
	for (i = 0; i < rr.n; i++) {
		if (fates[i] == BACKEND_ADOPTED) {
			jobs[i]->engine = engines[i];
			*runner_engine(rn, engines[i]) = jobs[i];
			jobs[i] = NULL;
			(*done)++;
			continue;
		}
		if (fates[i] != BACKEND_GONE) {
			if ((*left)++ == 0)
				*why = xasprintf("point %" PRIu64 " is not run "
				    "again while what is left of its earlier "
				    "job runs: %s ('labrat purge %s' gives up "
				    "on it)", rr.rows[i].point, kwhy, s->tag);
			continue;
		}
		if (!requeue)
			continue;
		switch (notebook_job_interrupt(nb, s->id, rr.rows[i].id, NULL,
		    err)) {
		case 1:
			(*done)++;
			break;
		case 0:
			break;
		default:
			goto out;
		}
	}
	rc = 0;
out:
	for (i = 0; i < rr.n; i++) {
		free(rr.rows[i].host);
		free(rr.rows[i].handle);
		if (jobs != NULL)
			runner_job_free(jobs[i]);
	}
	free(rr.rows);
	free(recs);
	free(fates);
	free(engines);
	free(jobs);
	free(kwhy);
	backend_close(own, own_close);
	loop_free(loop);
	return rc;
}

int
runner_reclaim(struct notebook *nb, const struct nb_set *s,
    struct backend *be, double before, bool requeue, uint64_t *done,
    uint64_t *left, char **why, char **err)
{
	return runner_reclaim_rows(NULL, nb, s, be, before, requeue,
	    BACKEND_CLOSE_KILL, done, left, why, err);
}

/* Take the runner lock and recover what a dead runner left running. */
static int
runner_claim(struct runner *rn, char **err)
{
	uint64_t requeued = 0, left = 0;
	struct nb_counts c;
	char *why = NULL;
	int rc;

	rc = lock_acquire(notebook_path(rn->nb), rn->set.id, &rn->lock_fd,
	    err);
	if (rc == 1) {
		*err = xasprintf("campaign '%s' already has a runner; "
		    "'labrat status %s' shows it", rn->set.tag, rn->set.tag);
		return -1;
	}
	if (rc != 0)
		return -1;
	if (runner_reclaim_rows(rn, rn->nb, &rn->set, rn->be, 0, true,
	    BACKEND_CLOSE_KILL, &requeued, &left, &why, err) != 0)
		return -1;
	if (why != NULL)
		runner_log(rn, "%" PRIu64 " job(s) left running: %s", left,
		    why);
	free(why);
	if (requeued > 0)
		runner_log(rn, "recovered %" PRIu64 " job(s) interrupted "
		    "earlier: re-queued (what was left of them killed) or "
		    "adopted where they still run", requeued);
	if (notebook_counts(rn->nb, &rn->set, &c, err) != 0)
		return -1;
	rn->cursor = rn->set.cursor;
	rn->queued_hint = c.n[NB_QUEUED];
	rn->data_version = notebook_data_version(rn->nb);
	rn->acked = rn->set.control_seq;
	return 0;
}

/*
 * Act on what others wrote to the notebook since we last looked: a
 * control request (pause, run, cancel), a purge, or retries queued by
 * `labrat retry`.  PRAGMA data_version makes the common case (nothing
 * new) a few microseconds.  A deleted set stops the runner.
 */
static int
runner_control(struct runner *rn, char **err)
{
	struct nb_set s;
	struct nb_counts c;
	int64_t v = notebook_data_version(rn->nb);
	bool paused;
	int i, rc;

	if (v == rn->data_version)
		return 0;
	rn->data_version = v;
	if ((rc = notebook_set_get(rn->nb, rn->set.id, &s, err)) != 0) {
		if (rc == NOTEBOOK_NO_SET)
			runner_gone(rn, err);
		return -1;
	}
	if (s.control_seq != rn->acked) {
		if (strcmp(s.control, "cancel") == 0 && !rn->cancel) {
			runner_log(rn, "cancel requested");
			rn->cancel = true;
		}
		paused = strcmp(s.control, "pause") == 0;
		if (paused != rn->paused) {
			rn->paused = paused;
			runner_log(rn, paused ? "paused: no new jobs start" :
			    "resumed");
			runner_say_status(rn, paused ? "paused" : "running");
		}
		rn->acked = s.control_seq;
		runner_journal_add(rn, EV_ACK)->seq = s.control_seq;
	}
	if (s.purge_before > 0) {
		for (i = 0; i < (int)rn->nengines; i++) {
			struct runner_job *j = rn->engines[i];

			if (j == NULL || j->purged || j->start >= s.purge_before)
				continue;
			runner_log(rn, "purging point %" PRIu64 " (engine %d)",
			    j->w.point, i);
			j->purged = true;
			backend_signal(rn->be, i, SIGKILL);
		}
		runner_journal_add(rn, EV_PURGED);
	}
	rc = notebook_counts(rn->nb, &rn->set, &c, err);
	if (rc == 0)
		rn->queued_hint = c.n[NB_QUEUED];
	notebook_set_clear(&s);
	return rc;
}

/* Note a wake-up (a signal, a control request) on the self-pipe. */
static void
runner_on_wakeup(int fd, short revents, void *arg)
{
	(void)fd;
	(void)revents;
	(void)arg;
	runner_drain_wakeups();
}

int
runner_try(const struct nb_set *s, const struct backend_job *job,
    struct backend_result *r, char **err)
{
	struct loop *loop = loop_new();
	struct backend *be;
	char *why = NULL;
	int rc = -1, engine;

	memset(r, 0, sizeof *r);
	if ((be = backend_open(s, loop, err)) == NULL)
		goto out;
	if ((engine = backend_start(be, job, &why)) < 0) {
		*err = why;
		goto out;
	}
	/* Nothing is recorded in a dry run: it runs at once. */
	backend_launch(be, engine);
	backend_flush(be);
	while (backend_reap(be, r) == 0)
		loop_run_once(loop, -1);
	rc = 0;
out:
	backend_close(be, BACKEND_CLOSE_KILL);
	loop_free(loop);
	return rc;
}

/* Record the end of the run: stopped jobs re-queued or cancelled, and the
 * status users will see, with why it stopped. */
static void
runner_finish(struct runner *rn, struct runner_report *r, const char *why)
{
	const char *status;
	uint64_t n = 0, left = 0;
	char *err = NULL, *kwhy = NULL;
	double until = util_monotonic() + 30;

	if (rn->gone)
		return;
	/* Results held while the notebook refused writes are written now,
	 * if it takes them within a while. */
	while (rn->nevents > 0) {
		if (runner_commit(rn, &err) != 0)
			goto fail;
		if (rn->nevents == 0 || util_monotonic() > until)
			break;
		poll(NULL, 0, (int)(rn->retry_delay * 1000));
	}
	if (rn->nevents > 0) {
		runner_log(rn, "%zu event(s) could not be written: their jobs "
		    "run again on resume", rn->nevents);
		runner_journal_clear(rn);
	}
	/* What is left of the jobs stopped with the runner is killed; they
	 * run again on resume, or are given up if cancelled.  Jobs left
	 * running on remote hosts keep their rows: resume adopts them.  A
	 * cancelled campaign's hosts are left as its runner's backend left
	 * them: with nothing of it (the backend opened here may have staged
	 * files again). */
	if (!rn->detached && runner_reclaim_rows(NULL, rn->nb, &rn->set,
	    rn->be, 0, !rn->cancel, rn->cancel ? BACKEND_CLOSE_DONE :
	    BACKEND_CLOSE_KILL, &n, &left, &kwhy, &err) != 0)
		goto fail;
	if (kwhy != NULL)
		runner_log(rn, "%s", kwhy);
	free(kwhy);
	if (rn->cancel) {
		status = "cancelled";
		if (notebook_purge(rn->nb, rn->set.id, 0,
		    "cancelled by 'labrat cancel'", &n, &err) != 0)
			goto fail;
	} else
		status = r->complete ? "finished" : "stopped";
	if (notebook_set_status(rn->nb, rn->set.id, status, 0, 0, why,
	    &err) != 0)
		goto fail;
	runner_log(rn, "%s: %" PRIu64 " ok, %" PRIu64 " failed in this run%s%s",
	    status, r->ok, r->failed, *why != '\0' ? ": " : "", why);
	return;
fail:
	/* The next runner recovers the same way. */
	runner_log(rn, "cannot record the end: %s", err);
	free(err);
}

/* What the backend says of its engines goes to the runner's log. */
static void
runner_backend_log(void *arg, const char *msg)
{
	runner_log(arg, "%s", msg);
}

/* Open the campaign's backend on the runner's loop, which also watches
 * the self-pipe. */
static int
runner_open_backend(struct runner *rn, char **err)
{
	rn->loop = loop_new();
	loop_watch(rn->loop, runner_sigpipe[0], POLLIN, runner_on_wakeup,
	    NULL);
	if ((rn->be = backend_open(&rn->set, rn->loop, err)) == NULL)
		return -1;
	rn->be->log = runner_backend_log;
	rn->be->log_arg = rn;
	if (rn->be->note != NULL)
		runner_log(rn, "%s", rn->be->note);
	rn->nengines = (size_t)backend_slots(rn->be);
	rn->engines = xcalloc(rn->nengines + 1, sizeof *rn->engines);
	rn->vals = xcalloc(space_nparams(rn->space) + 1, sizeof *rn->vals);
	return 0;
}

/* The job on engine (the engines grow with the backend's). */
static struct runner_job **
runner_engine(struct runner *rn, int engine)
{
	size_t n = (size_t)engine + 1;

	if (n > rn->nengines) {
		rn->engines = xreallocarray(rn->engines, n,
		    sizeof *rn->engines);
		memset(rn->engines + rn->nengines, 0,
		    (n - rn->nengines) * sizeof *rn->engines);
		rn->nengines = n;
	}
	return &rn->engines[engine];
}

/* Journal the backend's engines if they changed since last said. */
static void
runner_say_engines(struct runner *rn)
{
	struct buf now;

	buf_init(&now);
	backend_engines(rn->be, &now);
	if (rn->engines_said == NULL || strcmp(rn->engines_said,
	    now.data) != 0) {
		free(rn->engines_said);
		rn->engines_said = xstrdup(now.data);
		buf_adds(&runner_journal_add(rn, EV_ENGINES)->results,
		    now.data);
	}
	buf_free(&now);
}

/* Tell whoever started the runner that its start is recorded (the pipe
 * reaches its end), once. */
static void
runner_ready(struct runner *rn)
{
	if (rn->ready_fd != -1 && rn->nevents == 0) {
		close(rn->ready_fd);
		rn->ready_fd = -1;
	}
}

/* Milliseconds to sleep before the next turn of the loop. */
static int
runner_wait_ms(struct runner *rn)
{
	double now = util_monotonic(), t = RUNNER_HEARTBEAT;

	if (rn->nevents > 0)
		t = fmin(t, rn->batch_start + RUNNER_COMMIT_INTERVAL - now);
	if (rn->stalled_since != 0)
		t = fmin(t, rn->retry_at - now);
	if (rn->start_delay != 0)
		t = fmin(t, rn->start_retry_at - now);
	return t <= 0 ? 0 : (int)ceil(t * 1000);
}

int
runner_run(struct notebook *nb, const char *tag, const struct runner_opts *o,
    struct runner_report *r, char **err)
{
	struct runner rn;
	struct sigaction old[UTIL_ARRLEN(runner_signals)];
	struct backend_result pr;
	struct buf why;
	bool no_work = false, done, installed = false, stopping;
	int rc = -1, n, wait_ms;
	size_t i;

	memset(&rn, 0, sizeof rn);
	memset(r, 0, sizeof *r);
	buf_init(&why);
	rn.nb = nb;
	rn.opts = o;
	rn.report = r;
	rn.lock_fd = -1;
	rn.ready_fd = o->ready_fd;
	rn.t0 = util_monotonic();
	proc_start_time(getpid(), &rn.self_start);
	if (runner_signals_install(old, err) != 0)
		goto out;
	installed = true;
	if (runner_load(&rn, tag, err) != 0 ||
	    runner_open_backend(&rn, err) != 0 || runner_claim(&rn, err) != 0)
		goto out;
	notebook_busy_timeout(nb, RUNNER_BUSY_MS);
	rn.paused = strcmp(rn.set.control, "pause") == 0;
	runner_say_status(&rn, rn.paused ? "paused" : "running");
	runner_say_engines(&rn);
	runner_journal_add(&rn, EV_ACK)->seq = rn.acked;
	if (runner_commit(&rn, err) != 0)
		goto stop;
	runner_ready(&rn);
	rn.last_heartbeat = util_monotonic();
	runner_log(&rn, "runner started with %d engine(s), %" PRIu64 " of %"
	    PRIu64 " jobs handed out", backend_slots(rn.be), rn.cursor,
	    rn.set.njobs);

	for (;;) {
		/* Collect every job that has ended. */
		while (backend_reap(rn.be, &pr) == 1) {
			runner_ended(&rn, &pr);
			backend_result_clear(&pr);
		}
		if (runner_control(&rn, err) != 0)
			goto stop;
		if (rn.queued_hint > 0)
			no_work = false;
		/* Keep every engine busy, while the notebook takes the
		 * starts. */
		while (runner_stop_signal == 0 && !rn.cancel && !rn.paused &&
		    !no_work && rn.stalled_since == 0 &&
		    (rn.start_delay == 0 ||
		    util_monotonic() >= rn.start_retry_at) &&
		    backend_busy(rn.be) < backend_slots(rn.be)) {
			if ((n = runner_start_one(&rn, err)) < 0)
				goto stop;
			if (n == 0)
				no_work = true;
			if (n != 1)
				break;
		}
		/* The points started go out together, before the commit:
		 * the engines work while the notebook writes. */
		backend_flush(rn.be);
		if (util_monotonic() - rn.last_heartbeat >= RUNNER_HEARTBEAT) {
			runner_journal_add(&rn, EV_HEARTBEAT);
			runner_say_engines(&rn);
			rn.last_heartbeat = util_monotonic();
		}
		stopping = runner_stop_signal != 0 || rn.cancel;
		if (rn.nevents > 0 && (stopping || backend_busy(rn.be) == 0 ||
		    rn.launches_due ||
		    util_monotonic() - rn.batch_start >=
		    RUNNER_COMMIT_INTERVAL)) {
			if (runner_commit(&rn, err) != 0)
				goto stop;
		}
		/* The end is reached once every end is committed: a retry
		 * it queues is work. */
		done = stopping || (no_work && backend_busy(rn.be) == 0 &&
		    rn.nevents == 0 && rn.queued_hint == 0);
		runner_ready(&rn);
		runner_progress(&rn, false);
		if (done)
			break;
		/* Sleep until a job ends, output comes, a timer is due, a
		 * signal or a control request arrives. */
		wait_ms = runner_wait_ms(&rn);
		loop_run_once(rn.loop, wait_ms);
	}
	r->complete = runner_stop_signal == 0 && !rn.cancel;
	rc = 0;

stop:
	if (rn.be != NULL) {
		/* Jobs that ended meanwhile are recorded; running ones are
		 * stopped, and their rows stay running until runner_finish
		 * re-queues or cancels them. */
		while (backend_reap(rn.be, &pr) == 1) {
			runner_ended(&rn, &pr);
			backend_result_clear(&pr);
		}
		/* The engines as they end, jobs done included: what status
		 * and the console show of a campaign that has no runner. */
		runner_say_engines(&rn);
		/* Remote jobs go on without the runner (resume adopts
		 * them), unless cancelled. */
		rn.detached = rn.be->ops->record_first && !rn.cancel;
		/* A campaign over (every job ended, or cancelled) leaves
		 * nothing on its hosts; one stopped or failing leaves its
		 * jobs' files for the next runner. */
		backend_close(rn.be, rc == 0 && (r->complete || rn.cancel) ?
		    BACKEND_CLOSE_DONE : rn.detached ? BACKEND_CLOSE_DETACH :
		    BACKEND_CLOSE_KILL);
		rn.be = NULL;
	}
	if (runner_stop_signal != 0) {
		r->interrupted = true;
		buf_printf(&why, "stopped by signal %d (SIG%s)",
		    runner_stop_signal, sigabbrev_np(runner_stop_signal));
		runner_log(&rn, "%s", why.data);
	} else if (rc != 0 && *err != NULL)
		buf_printf(&why, "error: %s", *err);
	r->cancelled = rn.cancel && !rn.gone;
	runner_finish(&rn, r, why.data != NULL ? why.data : "");
	runner_progress(&rn, true);
	if (rn.opts->progress != NULL)
		fputc('\n', rn.opts->progress);
out:
	/* Before the claim, or failing to make it: another runner may own
	 * the campaign's files. */
	backend_close(rn.be, BACKEND_CLOSE_KILL);
	if (installed)
		runner_signals_restore(old);
	loop_free(rn.loop);
	if (rc != 0 && err != NULL && *err != NULL)
		runner_log(&rn, "error: %s", *err);
	lock_release(rn.lock_fd);
	if (rn.ready_fd != -1)
		close(rn.ready_fd);
	r->elapsed = util_monotonic() - rn.t0;
	runner_journal_clear(&rn);
	free(rn.events);
	/* Jobs stopped on their engines have no end in the journal. */
	for (i = 0; rn.engines != NULL && i < rn.nengines; i++)
		runner_job_free(rn.engines[i]);
	free(rn.engines);
	free(rn.engines_said);
	free(rn.vals);
	space_free(rn.space);
	experiment_free(&rn.exp);
	notebook_set_clear(&rn.set);
	buf_free(&why);
	return rc;
}
