/*
 * pool.c -- the local lab: a pool of engines, each running one job at a
 * time as a child process in its own process group, started by
 * pool_spawn.c.
 *
 * Standard output and error are pipes read in the event loop into bounded
 * captures.  Completion comes from a pidfd polled with the pipes: a job is
 * done when its process has exited, whoever still holds its pipes.  Then
 * what is left of its process group is killed, the pipes drained and the
 * process reaped with wait4 for its resource use.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "pool_int.h"
#include "proc.h"

/* Bytes read from a pipe at once. */
#define POOL_READ_SIZE (64 * 1024)
/* Reads at most when draining a finished job's pipe (a daemonised writer
 * outside the job's process group must not keep us reading forever). */
#define POOL_DRAIN_READS 64
/* Descriptors an engine holds while its job runs (pidfd, two pipes), and
 * those the runner keeps for itself (the notebook and its journal files,
 * the lock, the log, a spawn's transient pipes and input, ...). */
#define POOL_FDS_PER_ENGINE 3
#define POOL_FDS_RESERVED 64
/* Seconds pool_reclaim waits for what it killed to be gone. */
#define POOL_RECLAIM_GRACE 5.0

/* Apply the cores rule of seed 000 to the available cores. */
int
pool_cores_rule(int rule, int available)
{
	int n;

	if (available < 1)
		available = 1;
	if (rule == 0)
		n = available;
	else if (rule > 0)
		n = rule;
	else
		n = available + rule;
	return n < 1 ? 1 : n;
}

/* Count the CPUs this process may run on. */
int
pool_cores_available(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* Prepare a stream with no pipe yet and an empty capture. */
static void
pool_stream_init(struct pool_stream *s, size_t head_max, size_t ring_size)
{
	s->fd = -1;
	capture_init(&s->cap, head_max, ring_size);
}

/* Close the stream's pipe and free its capture. */
static void
pool_stream_free(struct pool_stream *s)
{
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	capture_free(&s->cap);
}

/* Read once from the capture's pipe; close it at EOF or on error.
 * Returns the bytes read, 0 at EOF, -1 when nothing was there. */
static ssize_t
pool_stream_read(struct pool *p, struct pool_stream *c)
{
	ssize_t n;

	n = read(c->fd, p->scratch, POOL_READ_SIZE);
	if (n > 0) {
		capture_add(&c->cap, p->scratch, n);
		return n;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return -1;
	close(c->fd);
	c->fd = -1;
	return 0;
}

/* Read what is left in a finished job's pipe without blocking. */
static void
pool_stream_drain(struct pool *p, struct pool_stream *c)
{
	int i;

	for (i = 0; i < POOL_DRAIN_READS && c->fd != -1; i++) {
		if (pool_stream_read(p, c) <= 0)
			break;
	}
}

/*
 * Raise the soft limit on open files to the hard one and return how many
 * engines it can hold (at least 1), keeping in *orig the limit jobs get
 * back: a job that loops over every possible descriptor must not pay for
 * the runner's needs.
 */
static int
pool_fd_room(struct rlimit *orig, long *limit)
{
	struct rlimit rl;
	rlim_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		orig->rlim_cur = orig->rlim_max = RLIM_INFINITY;
		*limit = -1;
		return INT_MAX;
	}
	*orig = rl;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			rl = *orig;
	}
	if (rl.rlim_cur == RLIM_INFINITY) {
		*limit = -1;
		return INT_MAX;
	}
	*limit = rl.rlim_cur > LONG_MAX ? LONG_MAX : (long)rl.rlim_cur;
	if (rl.rlim_cur <= POOL_FDS_RESERVED + POOL_FDS_PER_ENGINE)
		return 1;
	room = (rl.rlim_cur - POOL_FDS_RESERVED) / POOL_FDS_PER_ENGINE;
	return room > INT_MAX ? INT_MAX : (int)room;
}

static void pool_arm(struct pool *p);

/* Make a pool of slots engines, all free, on loop. */
struct pool *
pool_new(int slots, struct loop *loop)
{
	struct pool *p;
	long limit;
	int i, room;

	if (slots < 1)
		slots = 1;
	p = xcalloc(1, sizeof *p);
	/* Jobs are reaped with wait4: an ignored SIGCHLD (inherited from
	 * a parent) would reap them first and hide how they ended. */
	signal(SIGCHLD, SIG_DFL);
	room = pool_fd_room(&p->nofile, &limit);
	if (slots > room) {
		slots = room;
		p->capped_by = limit;
	}
	p->slots = slots;
	p->jobs = xcalloc(slots, sizeof *p->jobs);
	for (i = 0; i < slots; i++) {
		p->jobs[i].pidfd = -1;
		pool_stream_init(&p->jobs[i].out, 0, 0);
		pool_stream_init(&p->jobs[i].err, 0, 0);
	}
	p->scratch = xmalloc(POOL_READ_SIZE);
	p->wakeup_fd = -1;
	p->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	p->own_loop = loop == NULL;
	p->loop = loop != NULL ? loop : loop_new();
	return p;
}

/* Return the number of engines. */
int
pool_slots(const struct pool *p)
{
	return p->slots;
}

/* Return the number of engines not free. */
int
pool_busy(const struct pool *p)
{
	return p->busy;
}

/* Return the limit on open files that capped the pool, or 0. */
long
pool_capped_by(const struct pool *p)
{
	return p->capped_by;
}

/* True for an errno that says the runner, not the job, is short of
 * something: the job could not start now, but may later. */
static bool
pool_shortage(int error)
{
	return error == EMFILE || error == ENFILE || error == ENOMEM ||
	    error == EAGAIN;
}

/* Note that the wakeup descriptor became readable. */
static void
pool_on_wakeup(int fd, short revents, void *arg)
{
	struct pool *p = arg;

	(void)fd;
	(void)revents;
	p->woken = true;
}

/* Set the descriptor that makes pool_wait return early. */
void
pool_set_wakeup_fd(struct pool *p, int fd)
{
	if (p->wakeup_fd != -1)
		loop_unwatch(p->loop, p->wakeup_fd);
	p->wakeup_fd = fd;
	if (fd != -1)
		loop_watch(p->loop, fd, POLLIN, pool_on_wakeup, p);
}

/* Read what came on one of a job's pipes. */
static void
pool_on_output(int fd, short revents, void *arg)
{
	struct pool_stream *s = arg;

	(void)revents;
	if (pool_stream_read(s->pool, s) == 0)
		loop_unwatch(s->pool->loop, fd);
}

/* Note that a job's process has exited (its pidfd is readable). */
static void
pool_on_exit(int fd, short revents, void *arg)
{
	struct pool_job *j = arg;

	(void)revents;
	j->exited = true;
	loop_unwatch(j->pool->loop, fd);
}

/* Watch a job that started: its pidfd and its pipes. */
static void
pool_job_watch(struct pool *p, struct pool_job *j)
{
	j->pool = j->out.pool = j->err.pool = p;
	loop_watch(p->loop, j->pidfd, POLLIN, pool_on_exit, j);
	loop_watch(p->loop, j->out.fd, POLLIN, pool_on_output, &j->out);
	loop_watch(p->loop, j->err.fd, POLLIN, pool_on_output, &j->err);
}

/* Stop watching a job's descriptors (before they are closed). */
static void
pool_job_unwatch(struct pool *p, struct pool_job *j)
{
	if (j->pidfd != -1)
		loop_unwatch(p->loop, j->pidfd);
	if (j->out.fd != -1)
		loop_unwatch(p->loop, j->out.fd);
	if (j->err.fd != -1)
		loop_unwatch(p->loop, j->err.fd);
}


/* Start a job on the lowest free engine. */
int
pool_start(struct pool *p, const struct backend_job *req)
{
	struct pool_job *j = NULL;
	bool in_child;
	int i, error;

	for (i = 0; i < p->slots; i++) {
		if (p->jobs[i].state == POOL_FREE) {
			j = &p->jobs[i];
			break;
		}
	}
	if (j == NULL) {
		errno = EBUSY;
		return -1;
	}
	j->pid = -1;
	j->pidfd = -1;
	j->exited = false;
	j->spawn_errno = 0;
	j->udata = req->udata;
	j->deadline = j->kill_at = 0;
	j->timeout_sig = 0;
	pool_stream_init(&j->out, POOL_OUT_HEAD, POOL_OUT_TAIL);
	pool_stream_init(&j->err, 0, POOL_ERR_TAIL);
	j->start = util_now();
	if (req->timeout > 0)
		j->deadline = util_monotonic() + req->timeout;

	error = pool_job_spawn(p, j, req, &in_child);
	if (error != 0) {
		pool_stream_free(&j->out);
		pool_stream_free(&j->err);
		/* Out of memory while exec'ing under --mem is the job's. */
		if (pool_shortage(error) && (!in_child || error == EMFILE ||
		    error == ENFILE)) {
			j->state = POOL_FREE;
			errno = error;
			return -1;
		}
		j->spawn_errno = error;
		j->state = POOL_FAILED;
	} else {
		j->state = POOL_RUNNING;
		pool_job_watch(p, j);
		if (j->deadline != 0)
			pool_arm(p);
	}
	p->busy++;
	return i;
}

/* Format the handle of engine's job. */
void
pool_handle(const struct pool *p, int engine, char *buf, size_t len)
{
	struct proc_job pj;

	if (engine < 0 || engine >= p->slots ||
	    p->jobs[engine].state != POOL_RUNNING) {
		snprintf(buf, len, "local:none");
		return;
	}
	pj.sid = p->jobs[engine].pid;
	pj.ticks = p->jobs[engine].ticks;
	proc_job_format(&pj, buf, len);
}

/* Fill r from a job that could not start and free its engine. */
static void
pool_job_fail(struct pool *p, struct pool_job *j, struct backend_result *r)
{
	r->udata = j->udata;
	r->engine = j - p->jobs;
	r->end = BACKEND_SPAWN_FAILED;
	r->code = j->spawn_errno;
	r->out = xstrdup("");
	r->err = xstrdup("");
	r->start = j->start;
	r->end_time = util_now();
	j->state = POOL_FREE;
	p->busy--;
}

/* Kill what remains of the job's process group and reap it; *status and
 * *ru get its wait4 results.  Returns 0, or the errno of a wait4 that
 * could not tell (then nothing is known of how the job ended). */
static int
pool_job_reap(struct pool_job *j, int *status, struct rusage *ru)
{
	int error = 0;

	kill(-j->pid, SIGKILL);
	while (wait4(j->pid, status, 0, ru) == -1) {
		if (errno != EINTR) {
			error = errno;
			*status = 0;
			memset(ru, 0, sizeof *ru);
			break;
		}
	}
	close(j->pidfd);
	j->pidfd = -1;
	return error;
}

/* Fill r from a job whose process has exited and free its engine. */
static void
pool_job_finish(struct pool *p, struct pool_job *j, struct backend_result *r)
{
	struct rusage ru;
	int status, lost;

	/* The group dies first, so the pipes hold all they will ever get
	 * from it; a writer that escaped the group is not waited for. */
	pool_job_unwatch(p, j);
	lost = pool_job_reap(j, &status, &ru);
	pool_stream_drain(p, &j->out);
	pool_stream_drain(p, &j->err);

	r->udata = j->udata;
	r->engine = j - p->jobs;
	if (lost != 0) {
		r->end = BACKEND_LOST;
		r->code = lost;
	} else if (j->timeout_sig != 0) {
		r->end = BACKEND_TIMEOUT;
		r->code = WIFSIGNALED(status) ? WTERMSIG(status) :
		    j->timeout_sig;
	} else if (WIFSIGNALED(status)) {
		r->end = BACKEND_SIGNALED;
		r->code = WTERMSIG(status);
	} else {
		r->end = BACKEND_EXITED;
		r->code = WEXITSTATUS(status);
	}
	r->out = capture_take(&j->out.cap, true, &r->out_len,
	    &r->out_truncated, &r->out_cut);
	r->err = capture_take(&j->err.cap, false, &r->err_len,
	    &r->err_truncated, NULL);
	r->start = j->start;
	r->end_time = util_now();
	r->maxrss_kb = lost != 0 ? -1 : ru.ru_maxrss;
	r->cpu_user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	r->cpu_sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;

	pool_stream_free(&j->out);
	pool_stream_free(&j->err);
	j->state = POOL_FREE;
	p->busy--;
}

/* Signal timed-out jobs (SIGTERM, then SIGKILL after the grace); return
 * the nearest deadline still ahead, or 0. */
static double
pool_check_deadlines(struct pool *p, double now)
{
	struct pool_job *j;
	double next = 0, t;
	int i;

	for (i = 0; i < p->slots; i++) {
		j = &p->jobs[i];
		if (j->state != POOL_RUNNING || j->exited)
			continue;
		if (j->timeout_sig == 0 && j->deadline != 0 &&
		    now >= j->deadline) {
			kill(-j->pid, SIGTERM);
			j->timeout_sig = SIGTERM;
			j->kill_at = now + POOL_KILL_GRACE;
		}
		if (j->timeout_sig == SIGTERM && now >= j->kill_at) {
			kill(-j->pid, SIGKILL);
			j->timeout_sig = SIGKILL;
		}
		if (j->timeout_sig == 0)
			t = j->deadline;
		else if (j->timeout_sig == SIGTERM)
			t = j->kill_at;
		else
			t = 0;
		if (t != 0 && (next == 0 || t < next))
			next = t;
	}
	return next;
}

/* The pool's timer: act on the deadlines that passed, then wait for the
 * next one. */
static void
pool_on_timer(void *arg)
{
	pool_arm(arg);
}

/* Act on passed deadlines and set the loop's timer to the next one. */
static void
pool_arm(struct pool *p)
{
	loop_timer(p->loop, pool_check_deadlines(p, util_monotonic()),
	    pool_on_timer, p);
}

/* A job ready to be handed back (exited or failed to start), or NULL. */
static struct pool_job *
pool_find_done(struct pool *p)
{
	struct pool_job *j;
	int i;

	for (i = 0; i < p->slots; i++) {
		j = &p->jobs[i];
		if (j->state == POOL_FAILED ||
		    (j->state == POOL_RUNNING && j->exited))
			return j;
	}
	return NULL;
}

/* Milliseconds from now until t (rounded up), for poll. */
static int
pool_ms_until(double t, double now)
{
	double ms = ceil((t - now) * 1000);

	if (ms <= 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Hand over a job that ended, without waiting. */
int
pool_reap(struct pool *p, struct backend_result *r)
{
	struct pool_job *j;

	memset(r, 0, sizeof *r);
	if ((j = pool_find_done(p)) == NULL)
		return 0;
	if (j->state == POOL_FAILED)
		pool_job_fail(p, j, r);
	else
		pool_job_finish(p, j, r);
	return 1;
}

/* Wait for a job to end, a deadline, the wakeup descriptor or a signal,
 * running the pool's loop. */
int
pool_wait(struct pool *p, int timeout_ms, struct backend_result *r)
{
	double limit = 0;

	if (timeout_ms >= 0)
		limit = util_monotonic() + timeout_ms / 1000.0;
	p->woken = false;
	for (;;) {
		if (pool_reap(p, r) == 1)
			return 1;
		if (p->busy == 0 || p->woken)
			return 0;
		if (timeout_ms >= 0 && util_monotonic() >= limit)
			return 0;
		if (loop_run_once(p->loop, timeout_ms >= 0 ?
		    pool_ms_until(limit, util_monotonic()) : -1) < 0)
			return 0;
	}
}

/* Send sig to every running job's process group. */
void
pool_signal_all(struct pool *p, int sig)
{
	int i;

	for (i = 0; i < p->slots; i++)
		pool_signal_engine(p, i, sig);
}

/* Send sig to the process group of the job on engine, if one runs. */
void
pool_signal_engine(struct pool *p, int engine, int sig)
{
	if (engine >= 0 && engine < p->slots &&
	    p->jobs[engine].state == POOL_RUNNING)
		kill(-p->jobs[engine].pid, sig);
}

/* Wait up to the grace for every running job's process to exit. */
static void
pool_wait_exits(struct pool *p, double until)
{
	int i;

	for (;;) {
		for (i = 0; i < p->slots; i++) {
			if (p->jobs[i].state == POOL_RUNNING &&
			    !p->jobs[i].exited)
				break;
		}
		if (i == p->slots || util_monotonic() >= until)
			return;
		loop_run_once(p->loop, pool_ms_until(until,
		    util_monotonic()));
	}
}

/* Stop and reap every job, then free the pool. */
void
pool_free(struct pool *p)
{
	struct pool_job *j;
	struct rusage ru;
	int i, status;

	if (p == NULL)
		return;
	for (i = 0; i < p->slots; i++) {
		j = &p->jobs[i];
		if (j->state == POOL_RUNNING && !j->exited)
			kill(-j->pid, SIGTERM);
	}
	pool_wait_exits(p, util_monotonic() + POOL_KILL_GRACE);
	for (i = 0; i < p->slots; i++) {
		j = &p->jobs[i];
		if (j->state == POOL_RUNNING) {
			pool_job_unwatch(p, j);
			pool_job_reap(j, &status, &ru);
		}
		pool_stream_free(&j->out);
		pool_stream_free(&j->err);
	}
	pool_set_wakeup_fd(p, -1);
	loop_timer(p->loop, 0, pool_on_timer, p);
	if (p->devnull != -1)
		close(p->devnull);
	if (p->own_loop)
		loop_free(p->loop);
	free(p->jobs);
	free(p->scratch);
	free(p);
}


/* Kill what is left of jobs whose runner died, by their handles. */
int
pool_reclaim(const char *const *handles, size_t n, bool *gone, char **why,
    char **err)
{
	struct proc_job *jobs;
	size_t *left, *which, k = 0, i;
	bool other_boot;
	int error = 0, rc = 0;

	*why = NULL;
	jobs = xcalloc(n + 1, sizeof *jobs);
	left = xcalloc(n + 1, sizeof *left);
	which = xcalloc(n + 1, sizeof *which);
	for (i = 0; i < n; i++) {
		gone[i] = true;
		if (handles[i] != NULL &&
		    proc_job_parse(handles[i], &jobs[k], &other_boot) == 0)
			which[k++] = i;
	}
	if (k > 0 && proc_kill_jobs(jobs, k, POOL_RECLAIM_GRACE, left,
	    &error) != 0) {
		*err = xasprintf("cannot read this machine's processes "
		    "(/proc): %s", strerror(errno));
		rc = -1;
	}
	for (i = 0; rc == 0 && i < k; i++) {
		if (left[i] == 0)
			continue;
		gone[which[i]] = false;
		if (*why == NULL)
			*why = xasprintf("%zu process(es) of session %d would "
			    "not die within %.0f s%s%s", left[i],
			    (int)jobs[i].sid, POOL_RECLAIM_GRACE,
			    error != 0 ? ": " : "",
			    error != 0 ? strerror(error) : "");
	}
	free(jobs);
	free(left);
	free(which);
	return rc;
}
