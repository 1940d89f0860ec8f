/*
 * backend_worker.c -- persistent workers on this machine as a backend
 * (doc/experiment.md, "Workers").  A campaign whose experiment is a
 * worker starts its command once per engine and keeps it: a job started
 * on this backend is a point written to a worker's standard input as one
 * request line, and it ends when the worker's answer line comes back
 * (worker.c matches answers with points, first in, first out).
 *
 * Each worker holds up to depth points at once, so the backend has
 * engines x depth slots -- the runner's unit of one job at a time -- and
 * says which engine a slot is (engine_of) for the record.  A point's
 * clock (its start, its timeout) runs from when it becomes the oldest the
 * worker holds: the worker is on it once it answered the one before.
 *
 * A worker is started as a job is (pool_spawn_fds: its own session, the
 * campaign's directory and --mem, killed with the runner), so its handle
 * is a local job's and a later runner kills what is left of it by the
 * rows of the points it held (backend_local_reclaim).  When it dies --
 * exits, is killed, times out, closes its output, breaks the protocol --
 * the oldest point it held takes the blame (or the one purged), the
 * others run again without counting as failures, and a new worker starts
 * with the next point.  A worker that dies before its first answer
 * WORKER_STARTUP_DEATHS times in a row stops the campaign.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_int.h"
#include "capture.h"
#include "experiment.h"
#include "loop.h"
#include "notebook.h"
#include "pool.h"
#include "proc.h"
#include "util.h"
#include "worker.h"

/* Workers in a row (across engines) that may die before answering their
 * first point before the campaign stops. */
#define WORKER_STARTUP_DEATHS 3
/* Bytes read from a worker's output at once, and reads per wake-up. */
#define WORKER_READ_SIZE (64 * 1024)
#define WORKER_READS 16
/* Request lines a worker's buffer holds before start writes them itself
 * rather than wait for the backend's flush. */
#define WORKER_WRITE_BATCH (64 * 1024)
/* Milliseconds a worker whose output closed has to be seen exiting
 * before the close itself is blamed. */
#define WORKER_EXIT_WAIT_MS 200
/* Seconds between two reads of a worker's peak memory (/proc). */
#define WORKER_HWM_EVERY 0.1

struct backend_worker;

/* A slot: one point in flight, or none. */
struct wk_slot {
	bool busy;             /* from start until reaped */
	bool held;             /* written to its worker, not answered */
	bool killed;           /* signalled on purpose (purge) */
	double start;          /* wall clock: since it became the oldest */
};

/* One persistent worker process. */
struct wk {
	struct backend_worker *bw;
	int index;
	bool running;
	pid_t pid;
	uint64_t ticks;
	int pidfd, in, out, err;
	struct worker_proto proto;
	struct buf pending;    /* request bytes not yet written */
	size_t pending_off;
	struct capture errcap; /* stderr's tail since the last failure */
	double head_since;     /* monotonic: the oldest point became so */
	bool timed_out, closed_out;
	int timeout_slot;      /* the slot of the point that timed out */
	bool dying;            /* signalled: it takes no new point */
	char *broke;           /* a protocol error, or NULL */
	uint64_t cpu_ticks;    /* utime+stime+cutime+cstime at last look */
	int64_t hwm_kb;
	double hwm_at;
	char handle[POOL_HANDLE_MAX];
	uint64_t done;
};

struct backend_worker {
	struct backend b;      /* first: a backend is a backend_worker */
	struct experiment exp;
	char *tag, *cwd;
	double timeout;
	uint64_t mem_limit;
	int nworkers, depth;
	struct wk *w;
	struct wk_slot *slots;
	int busy;
	/* Ends ready for reap, first in, first out. */
	struct backend_result *ends;
	size_t nends, first_end, cap_ends;
	int startup_deaths;    /* in a row, across engines */
	char *fatal;           /* why no worker can start: the campaign stops */
	char *scratch;
	long clk_tck;
};

static void wk_on_exit(int fd, short revents, void *arg);
static void wk_on_in(int fd, short revents, void *arg);
static void wk_arm(struct backend_worker *bw);

/* A new end for reap, zeroed, for slot. */
static struct backend_result *
wk_end_add(struct backend_worker *bw, struct wk *w, int slot)
{
	struct backend_result *r;

	if (bw->nends == bw->cap_ends) {
		bw->cap_ends = bw->cap_ends == 0 ? 16 : bw->cap_ends * 2;
		bw->ends = xreallocarray(bw->ends, bw->cap_ends,
		    sizeof *bw->ends);
	}
	r = &bw->ends[bw->nends++];
	memset(r, 0, sizeof *r);
	r->engine = slot;
	snprintf(r->host, sizeof r->host, "localhost");
	snprintf(r->handle, sizeof r->handle, "%s", w->handle);
	r->start = bw->slots[slot].start;
	r->end_time = util_now();
	r->maxrss_kb = w->hwm_kb;
	r->cpu_user = r->cpu_sys = -1;
	bw->slots[slot].held = false;
	return r;
}

/* Give the n ends just added for worker w the CPU time it used since its
 * last answers, shared evenly (answers read together came together), and
 * its peak memory so far. */
static void
wk_measure(struct backend_worker *bw, struct wk *w, size_t from)
{
	uint64_t now_ticks;
	double share, now = util_monotonic();
	size_t i, n = bw->nends - from;

	bool hwm_due = now - w->hwm_at >= WORKER_HWM_EVERY;

	if (n == 0 || !w->running)
		return;
	if (proc_usage(w->pid, &now_ticks, hwm_due ? &w->hwm_kb : NULL) != 0 ||
	    now_ticks < w->cpu_ticks)
		return;
	if (hwm_due)
		w->hwm_at = now;
	share = (double)(now_ticks - w->cpu_ticks) / bw->clk_tck / n;
	w->cpu_ticks = now_ticks;
	for (i = from; i < bw->nends; i++) {
		/* user and system are not told apart: all of it as user. */
		bw->ends[i].cpu_user = share;
		bw->ends[i].cpu_sys = 0;
		bw->ends[i].maxrss_kb = w->hwm_kb;
	}
}

/* The tail of what the worker wrote on stderr since the last point it
 * failed (owned); it starts again empty. */
static void
wk_take_err(struct wk *w, struct backend_result *r)
{
	r->err = capture_take(&w->errcap, false, &r->err_len,
	    &r->err_truncated, NULL);
}

/* Read what came on the worker's stderr. */
static void
wk_read_err(struct wk *w)
{
	ssize_t n;
	int i;

	for (i = 0; i < WORKER_READS && w->err != -1; i++) {
		n = read(w->err, w->bw->scratch, WORKER_READ_SIZE);
		if (n > 0) {
			capture_add(&w->errcap, w->bw->scratch, n);
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		loop_unwatch(w->bw->b.loop, w->err);
		close(w->err);
		w->err = -1;
	}
}

static void
wk_on_err(int fd, short revents, void *arg)
{
	(void)fd;
	(void)revents;
	wk_read_err(arg);
}

/* An answer from the worker: the end of the point it answers. */
static void
wk_on_answer(const struct worker_answer *a, void *arg)
{
	struct wk *w = arg;
	struct backend_worker *bw = w->bw;
	struct backend_result *r;
	const struct worker_held *next;

	r = wk_end_add(bw, w, a->slot);
	r->udata = a->udata;
	w->done++;
	bw->startup_deaths = 0;
	if (a->kind == WORKER_RESULTS) {
		r->end = BACKEND_EXITED;
		r->code = 0;
		r->out = xstrndup(a->line, a->len);
		r->out_len = a->len;
		r->out_cut = OUTPUT_WHOLE;
		r->err = xstrdup("");
	} else {
		r->end = BACKEND_FAILED;
		r->out = xstrdup(a->message);
		r->out_len = strlen(r->out);
		wk_take_err(w, r);
	}
	/* The next point is now the one the worker is on. */
	w->head_since = util_monotonic();
	if ((next = worker_proto_held(&w->proto, 0)) != NULL)
		bw->slots[next->slot].start = util_now();
}

/* Kill the worker's process group and end the points it held now, so
 * that no new point goes to a worker on its way out. */
static void
wk_kill(struct wk *w)
{
	if (!w->running)
		return;
	kill(-w->pid, SIGKILL);
	wk_on_exit(w->pidfd, 0, w);
}

/* Read what came on the worker's stdout and hand over its answers. */
static void
wk_read_out(struct wk *w)
{
	struct backend_worker *bw = w->bw;
	char *stray = NULL;
	size_t from = bw->nends;
	ssize_t n;
	int i;

	/* What it said on stderr before answering belongs to the answer. */
	wk_read_err(w);
	for (i = 0; i < WORKER_READS && w->out != -1 && w->broke == NULL;
	    i++) {
		n = read(w->out, bw->scratch, WORKER_READ_SIZE);
		if (n > 0) {
			if (worker_proto_feed(&w->proto, bw->scratch, n,
			    wk_on_answer, w, &stray) != 0) {
				w->broke = stray;
				backend_log(&bw->b, "worker %d (pid %d) broke "
				    "the protocol, %s: it is restarted and the "
				    "points it held run again", w->index,
				    (int)w->pid, stray);
				wk_kill(w);
			}
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			break;
		/* Its output is closed: it can answer nothing more. */
		loop_unwatch(bw->b.loop, w->out);
		close(w->out);
		w->out = -1;
		if (w->running && w->proto.n > 0) {
			/* A worker that exits closes its output first: give
			 * it a moment to be seen exiting before blaming the
			 * close itself. */
			struct pollfd pf = { .fd = w->pidfd, .events = POLLIN };

			if (poll(&pf, 1, WORKER_EXIT_WAIT_MS) == 1)
				wk_on_exit(w->pidfd, pf.revents, w);
			else {
				w->closed_out = true;
				wk_kill(w);
			}
		}
	}
	wk_measure(bw, w, from);
	wk_arm(bw);
}

static void
wk_on_out(int fd, short revents, void *arg)
{
	(void)fd;
	(void)revents;
	wk_read_out(arg);
}

/* Write what is pending to the worker's stdin, as much as it takes. */
static void
wk_flush(struct wk *w)
{
	ssize_t n;

	while (w->in != -1 && w->pending_off < w->pending.len) {
		n = write(w->in, w->pending.data + w->pending_off,
		    w->pending.len - w->pending_off);
		if (n > 0) {
			w->pending_off += n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			loop_watch(w->bw->b.loop, w->in, POLLOUT,
			    wk_on_in, w);
			break;
		}
		/* It closed its input: it will answer what it read, or
		 * die; its end comes through its pidfd. */
		loop_unwatch(w->bw->b.loop, w->in);
		close(w->in);
		w->in = -1;
	}
	if (w->pending_off == w->pending.len) {
		buf_reset(&w->pending);
		w->pending_off = 0;
	}
}

static void
wk_on_in(int fd, short revents, void *arg)
{
	struct wk *w = arg;

	(void)revents;
	loop_unwatch(w->bw->b.loop, fd);
	wk_flush(w);
}

/* Close the worker's pipes and pidfd. */
static void
wk_close_fds(struct wk *w)
{
	struct loop *l = w->bw->b.loop;
	int *fds[] = { &w->pidfd, &w->in, &w->out, &w->err };
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(fds); i++) {
		if (*fds[i] != -1) {
			loop_unwatch(l, *fds[i]);
			close(*fds[i]);
			*fds[i] = -1;
		}
	}
}

/* Make a pipe: ends[0] to read, ends[1] to write, close-on-exec. */
static int
wk_pipe(int ends[2], bool nonblock_read, bool nonblock_write)
{
	if (pipe2(ends, O_CLOEXEC) != 0)
		return -1;
	if (nonblock_read)
		fcntl(ends[0], F_SETFL, O_NONBLOCK);
	if (nonblock_write)
		fcntl(ends[1], F_SETFL, O_NONBLOCK);
	return 0;
}

/* Start worker w: 0, or an errno with *in_child (see pool_spawn_fds). */
static int
wk_spawn(struct backend_worker *bw, struct wk *w, bool *in_child)
{
	struct backend_job req;
	struct pool_process pp;
	struct proc_job pj;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	int child[3], error;
	char *env[4];

	*in_child = false;
	if (wk_pipe(in, false, true) != 0 || wk_pipe(out, true, false) != 0 ||
	    wk_pipe(err, true, false) != 0) {
		error = errno;
		goto fail;
	}
	env[0] = xstrdup("LABRAT_WORKER=1");
	env[1] = xasprintf("LABRAT_ENGINE=%d", w->index);
	env[2] = xasprintf("LABRAT_TAG=%s", bw->tag);
	env[3] = NULL;
	memset(&req, 0, sizeof req);
	/* The command as a job would run it, shell or not. */
	req.argv = experiment_worker_argv(&bw->exp);
	req.env = env;
	req.cwd = bw->cwd;
	req.mem_limit = bw->mem_limit;
	child[0] = in[0];
	child[1] = out[1];
	child[2] = err[1];
	error = pool_spawn_fds(&req, child, NULL, &pp, in_child);
	util_strv_free(req.argv);
	free(env[0]);
	free(env[1]);
	free(env[2]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	in[0] = out[1] = err[1] = -1;
	if (error != 0)
		goto fail;
	w->pid = pp.pid;
	w->ticks = pp.ticks;
	w->pidfd = pp.pidfd;
	w->in = in[1];
	w->out = out[0];
	w->err = err[0];
	w->running = true;
	w->timed_out = w->closed_out = w->dying = false;
	free(w->broke);
	w->broke = NULL;
	w->cpu_ticks = 0;
	w->hwm_kb = -1;
	w->hwm_at = 0;
	worker_proto_reset(&w->proto);
	buf_reset(&w->pending);
	w->pending_off = 0;
	capture_free(&w->errcap);
	capture_init(&w->errcap, 0, POOL_ERR_TAIL);
	pj.sid = w->pid;
	pj.ticks = w->ticks;
	proc_job_format(&pj, w->handle, sizeof w->handle);
	loop_watch(bw->b.loop, w->pidfd, POLLIN, wk_on_exit, w);
	loop_watch(bw->b.loop, w->out, POLLIN, wk_on_out, w);
	loop_watch(bw->b.loop, w->err, POLLIN, wk_on_err, w);
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] != -1)
			close(in[i]);
		if (out[i] != -1)
			close(out[i]);
		if (err[i] != -1)
			close(err[i]);
	}
	return error;
}

/* Say how a worker ended, for its blamed point or the log. */
static void
wk_describe_death(struct backend_worker *bw, struct wk *w, int status,
    struct buf *b)
{
	const char *name;

	if (w->broke != NULL)
		buf_printf(b, "the worker broke the protocol (%s)", w->broke);
	else if (w->closed_out)
		buf_adds(b, "the worker closed its standard output before "
		    "answering it");
	else if (WIFSIGNALED(status)) {
		name = sigabbrev_np(WTERMSIG(status));
		buf_printf(b, "the worker was killed by signal %d (SIG%s) "
		    "before answering it", WTERMSIG(status),
		    name != NULL ? name : "?");
		if (bw->mem_limit > 0 && (WTERMSIG(status) == SIGSEGV ||
		    WTERMSIG(status) == SIGABRT || WTERMSIG(status) == SIGKILL))
			buf_printf(b, "; it may have hit its memory limit "
			    "(--mem %" PRIu64 " MiB)", bw->mem_limit >> 20);
	} else
		buf_printf(b, "the worker exited with status %d before "
		    "answering it%s", WEXITSTATUS(status), bw->mem_limit > 0 &&
		    WEXITSTATUS(status) != 0 ? " (it may have hit its memory "
		    "limit, --mem)" : "");
}

/* The worker exited (or was killed): end the points it held, and make it
 * ready to start again with the next point. */
static void
wk_on_exit(int fd, short revents, void *arg)
{
	struct wk *w = arg;
	struct backend_worker *bw = w->bw;
	const struct worker_held *h;
	struct backend_result *r;
	struct rusage ru;
	struct buf why;
	int status = 0, blamed = -1, i, held;
	bool startup;

	(void)fd;
	(void)revents;
	kill(-w->pid, SIGKILL);
	while (wait4(w->pid, &status, 0, &ru) == -1 && errno == EINTR)
		;
	/* Answers it wrote before dying still count (its output's end is
	 * no fault of its own now). */
	w->running = false;
	w->dying = false;
	if (w->out != -1 && w->broke == NULL)
		wk_read_out(w);
	wk_read_err(w);
	wk_close_fds(w);
	if (ru.ru_maxrss > w->hwm_kb)
		w->hwm_kb = ru.ru_maxrss;
	held = w->proto.n;
	startup = w->proto.answers == 0 && !w->timed_out && w->broke == NULL;
	for (i = 0; i < held; i++)
		if (bw->slots[worker_proto_held(&w->proto, i)->slot].killed)
			startup = false;
	buf_init(&why);
	wk_describe_death(bw, w, status, &why);
	if (held == 0) {
		backend_log(&bw->b, "worker %d (pid %d) ended holding no point "
		    "(%s): a new one starts with the next point", w->index,
		    (int)w->pid, why.data);
		buf_free(&why);
		return;
	}
	/* Who takes the blame: the points signalled (purged), else the
	 * oldest. */
	for (i = 0; i < held; i++) {
		h = worker_proto_held(&w->proto, i);
		if (bw->slots[h->slot].killed)
			blamed = i;
	}
	/* A timeout blames the point that ran past it -- unless its answer
	 * came in time after all: then nobody is to blame. */
	for (i = 0; w->timed_out && i < held; i++)
		if (worker_proto_held(&w->proto, i)->slot == w->timeout_slot)
			blamed = i;
	if (blamed < 0 && w->broke == NULL && !startup && !w->timed_out)
		blamed = 0;
	for (i = 0; i < held; i++) {
		h = worker_proto_held(&w->proto, i);
		r = wk_end_add(bw, w, h->slot);
		r->udata = h->udata;
		r->maxrss_kb = w->hwm_kb;
		if (i != blamed && !bw->slots[h->slot].killed) {
			r->end = BACKEND_WORKER_LOST;
			r->out = xstrdup("");
			r->err = xstrdup("");
			continue;
		}
		if (w->timed_out && i == blamed) {
			r->end = BACKEND_TIMEOUT;
			r->code = SIGKILL;
			r->out = xstrdup("");
		} else if (WIFSIGNALED(status) && w->broke == NULL &&
		    !w->closed_out) {
			r->end = BACKEND_SIGNALED;
			r->code = WTERMSIG(status);
			r->out = xstrdup("");
		} else {
			r->end = BACKEND_FAILED;
			r->out = xstrdup(why.data);
		}
		r->out_len = strlen(r->out);
		wk_take_err(w, r);
	}
	w->proto.n = 0;
	if (startup) {
		bw->startup_deaths++;
		backend_log(&bw->b, "worker %d (pid %d) died before its first "
		    "answer (%s; %d in a row): its %d point(s) run again",
		    w->index, (int)w->pid, why.data, bw->startup_deaths, held);
		if (bw->startup_deaths >= WORKER_STARTUP_DEATHS &&
		    bw->fatal == NULL) {
			struct buf f, cmd;
			char *tail;
			size_t len;
			bool cut;

			buf_init(&f);
			buf_init(&cmd);
			experiment_describe(&bw->exp, &cmd);
			buf_printf(&f, "the worker '%s' died before answering "
			    "its first point %d times in a row (last: %s)",
			    cmd.data, bw->startup_deaths, why.data);
			tail = capture_take(&w->errcap, false, &len, &cut,
			    NULL);
			while (len > 0 && (tail[len - 1] == '\n' ||
			    tail[len - 1] == ' '))
				len--;
			if (len > 0) {
				/* Its last lines, on one line. */
				size_t k, from = len > 400 ? len - 400 : 0;

				for (k = from; k < len; k++)
					if (tail[k] == '\n')
						tail[k] = '|';
				buf_adds(&f, "; its stderr ends: ");
				util_utf8_sanitize(&f, tail + from, len - from);
			}
			free(tail);
			bw->fatal = buf_steal(&f);
			buf_free(&cmd);
		}
	} else
		backend_log(&bw->b, "worker %d (pid %d) ended holding %d "
		    "point(s) (%s): %d run again; a new worker starts with the "
		    "next point", w->index, (int)w->pid, held, why.data,
		    held - (blamed >= 0 ? 1 : 0));
	buf_free(&why);
	wk_arm(bw);
}

/* Kill workers whose oldest point ran past the timeout; set the timer
 * for the next deadline. */
static void
wk_on_timer(void *arg)
{
	wk_arm(arg);
}

static void
wk_arm(struct backend_worker *bw)
{
	double now = util_monotonic(), next = 0, t;
	struct wk *w;
	int i;

	if (bw->timeout <= 0)
		return;
	for (i = 0; i < bw->nworkers; i++) {
		w = &bw->w[i];
		if (!w->running || w->proto.n == 0 || w->timed_out)
			continue;
		t = w->head_since + bw->timeout;
		if (now >= t) {
			w->timed_out = true;
			w->timeout_slot = worker_proto_held(&w->proto, 0)->slot;
			wk_kill(w);
			continue;
		}
		if (next == 0 || t < next)
			next = t;
	}
	loop_timer(bw->b.loop, next, wk_on_timer, bw);
}

static int
wk_slots(struct backend *b)
{
	struct backend_worker *bw = (struct backend_worker *)b;

	return bw->nworkers * bw->depth;
}

static int
wk_busy(struct backend *b)
{
	return ((struct backend_worker *)b)->busy;
}

static int
wk_engine_of(struct backend *b, int slot)
{
	return slot / ((struct backend_worker *)b)->depth;
}

/* The slots of worker w in use: points held, or ended and not reaped. */
static int
wk_in_use(const struct backend_worker *bw, const struct wk *w)
{
	int i, n = 0;

	for (i = 0; i < bw->depth; i++)
		n += bw->slots[w->index * bw->depth + i].busy;
	return n;
}

/* Write a point to a worker with room (the least loaded, running ones
 * first): its slot, BACKEND_REFUSED or -1 with *why. */
static int
wk_start(struct backend *b, const struct backend_job *job, char **why)
{
	struct backend_worker *bw = (struct backend_worker *)b;
	struct backend_result *r;
	struct wk *w = NULL, *c;
	bool in_child;
	int i, slot, error;

	if (bw->fatal != NULL) {
		*why = xstrdup(bw->fatal);
		return -1;
	}
	for (i = 0; i < bw->nworkers; i++) {
		c = &bw->w[i];
		if (c->dying || wk_in_use(bw, c) >= bw->depth)
			continue;
		if (w == NULL || (c->running && !w->running) ||
		    (c->running == w->running &&
		    wk_in_use(bw, c) < wk_in_use(bw, w)))
			w = c;
	}
	for (slot = -1, i = 0; w != NULL && i < bw->depth; i++) {
		if (!bw->slots[w->index * bw->depth + i].busy) {
			slot = w->index * bw->depth + i;
			break;
		}
	}
	if (w == NULL || slot < 0) {
		for (i = 0; i < bw->nworkers && !bw->w[i].dying; i++)
			;
		if (i < bw->nworkers) {
			*why = xstrdup("a worker is being stopped and "
			    "started again");
			return BACKEND_REFUSED;
		}
		*why = xstrdup("every worker holds as many points as "
		    "--worker-depth allows");
		return -1;
	}
	bw->slots[slot].busy = true;
	bw->slots[slot].killed = false;
	bw->slots[slot].start = util_now();
	bw->busy++;
	if (!w->running) {
		error = wk_spawn(bw, w, &in_child);
		if (error != 0 && !in_child && (error == EMFILE ||
		    error == ENFILE || error == ENOMEM || error == EAGAIN)) {
			bw->slots[slot].busy = false;
			bw->busy--;
			*why = xasprintf("this machine cannot start a worker now "
			    "(%s)", strerror(error));
			return BACKEND_REFUSED;
		}
		if (error != 0) {
			/* The command cannot run: a start-up death. */
			r = wk_end_add(bw, w, slot);
			r->udata = job->udata;
			r->end = BACKEND_WORKER_LOST;
			r->out = xstrdup("");
			r->err = xstrdup("");
			bw->startup_deaths++;
			if (bw->startup_deaths >= WORKER_STARTUP_DEATHS &&
			    bw->fatal == NULL) {
				struct buf cmd;

				buf_init(&cmd);
				experiment_describe(&bw->exp, &cmd);
				bw->fatal = xasprintf("the worker '%s' cannot "
				    "be started: %s", cmd.data,
				    strerror(error));
				buf_free(&cmd);
			}
			return slot;
		}
	}
	if (w->proto.n == 0)
		w->head_since = util_monotonic();
	worker_proto_push(&w->proto, job->udata, slot);
	bw->slots[slot].held = true;
	/* Written with the others started in the same run, at the
	 * runner's flush (wk_flush_all): one write, not one a point. */
	buf_add(&w->pending, job->input, job->input_len);
	if (w->pending.len - w->pending_off >= WORKER_WRITE_BATCH)
		wk_flush(w);
	if (w->proto.n == 1)
		wk_arm(bw);
	return slot;
}

/* Write every worker's buffered request lines. */
static void
wk_flush_all(struct backend *b)
{
	struct backend_worker *bw = (struct backend_worker *)b;
	int i;

	for (i = 0; i < bw->nworkers; i++)
		wk_flush(&bw->w[i]);
}

static void
wk_describe(struct backend *b, int slot, char *host, size_t hlen,
    char *handle, size_t len)
{
	struct backend_worker *bw = (struct backend_worker *)b;

	snprintf(host, hlen, "localhost");
	if (slot >= 0 && slot < wk_slots(b) &&
	    bw->w[slot / bw->depth].running)
		snprintf(handle, len, "%s", bw->w[slot / bw->depth].handle);
	else
		snprintf(handle, len, "local:none");
}

static void
wk_signal(struct backend *b, int slot, int sig)
{
	struct backend_worker *bw = (struct backend_worker *)b;
	int i;

	if (slot < 0) {
		for (i = 0; i < bw->nworkers; i++)
			if (bw->w[i].running)
				kill(-bw->w[i].pid, sig);
		return;
	}
	if (slot >= wk_slots(b) || !bw->slots[slot].held ||
	    !bw->w[slot / bw->depth].running)
		return;
	/* A worker holds several points: the one signalled takes the
	 * blame if the worker dies of it. */
	bw->slots[slot].killed = true;
	bw->w[slot / bw->depth].dying = sig == SIGKILL;
	kill(-bw->w[slot / bw->depth].pid, sig);
}

static int
wk_reap(struct backend *b, struct backend_result *r)
{
	struct backend_worker *bw = (struct backend_worker *)b;

	if (bw->first_end == bw->nends)
		return 0;
	*r = bw->ends[bw->first_end++];
	if (bw->first_end == bw->nends)
		bw->first_end = bw->nends = 0;
	bw->slots[r->engine].busy = false;
	bw->slots[r->engine].held = false;
	bw->busy--;
	return 1;
}

static void
wk_engines(struct backend *b, struct buf *json)
{
	struct backend_worker *bw = (struct backend_worker *)b;
	uint64_t done = 0;
	int i, busy = 0, up = 0;

	for (i = 0; i < bw->nworkers; i++) {
		busy += bw->w[i].proto.n > 0;
		up += bw->w[i].running;
		done += bw->w[i].done;
	}
	buf_printf(json, "{\"localhost\":{\"slots\":%d,\"busy\":%d,"
	    "\"state\":\"up\",\"workers\":%d,\"depth\":%d,\"done\":%" PRIu64
	    "}}", bw->nworkers, busy, up, bw->depth, done);
}

static void
wk_close(struct backend *b, enum backend_close_mode mode)
{
	struct backend_worker *bw = (struct backend_worker *)b;
	struct wk *w;
	size_t k;
	int i, status;

	/* A worker dies with its runner: there is no leaving it. */
	(void)mode;
	for (i = 0; i < bw->nworkers; i++) {
		w = &bw->w[i];
		if (w->running) {
			kill(-w->pid, SIGKILL);
			while (waitpid(w->pid, &status, 0) == -1 &&
			    errno == EINTR)
				;
			w->running = false;
		}
		wk_close_fds(w);
		worker_proto_free(&w->proto);
		buf_free(&w->pending);
		capture_free(&w->errcap);
		free(w->broke);
	}
	loop_timer(b->loop, 0, wk_on_timer, bw);
	for (k = bw->first_end; k < bw->nends; k++)
		backend_result_clear(&bw->ends[k]);
	free(bw->ends);
	free(bw->w);
	free(bw->slots);
	free(bw->scratch);
	free(bw->fatal);
	free(bw->tag);
	free(bw->cwd);
	experiment_free(&bw->exp);
	free(b->note);
	free(bw);
}

static const struct backend_ops backend_worker_ops = {
	.name = "local",
	.slots = wk_slots,
	.busy = wk_busy,
	.start = wk_start,
	.flush = wk_flush_all,
	.describe = wk_describe,
	.signal = wk_signal,
	.reap = wk_reap,
	.reclaim = backend_local_reclaim,
	.engine_of = wk_engine_of,
	.engines = wk_engines,
	.close = wk_close,
};

struct backend *
backend_worker_open(const struct nb_set *s, struct loop *loop, char **err)
{
	struct backend_worker *bw = xcalloc(1, sizeof *bw);
	int i;

	if (experiment_from_json(&bw->exp, s->experiment, err) != 0) {
		free(bw);
		return NULL;
	}
	bw->b.ops = &backend_worker_ops;
	bw->b.loop = loop;
	bw->tag = xstrdup(s->tag != NULL ? s->tag : "");
	bw->cwd = xstrdup(s->cwd != NULL ? s->cwd : "");
	bw->timeout = s->timeout;
	bw->mem_limit = s->mem_limit;
	bw->depth = bw->exp.depth > 0 ? bw->exp.depth : WORKER_DEPTH_DEFAULT;
	bw->nworkers = pool_cores_rule(s->cores, pool_cores_available());
	bw->w = xcalloc(bw->nworkers, sizeof *bw->w);
	bw->slots = xcalloc((size_t)bw->nworkers * bw->depth,
	    sizeof *bw->slots);
	bw->scratch = xmalloc(WORKER_READ_SIZE);
	bw->clk_tck = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	/* Workers are reaped with wait4; a worker that is gone makes a
	 * write to its input fail with EPIPE, not kill the runner. */
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < bw->nworkers; i++) {
		bw->w[i].bw = bw;
		bw->w[i].index = i;
		bw->w[i].pidfd = bw->w[i].in = bw->w[i].out = bw->w[i].err =
		    -1;
		bw->w[i].hwm_kb = -1;
		worker_proto_init(&bw->w[i].proto, bw->depth, POOL_OUT_HEAD);
		buf_init(&bw->w[i].pending);
		capture_init(&bw->w[i].errcap, 0, POOL_ERR_TAIL);
	}
	return &bw->b;
}
