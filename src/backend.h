/*
 * backend.h -- where jobs run, as the runner sees it: one struct of
 * operations (htop's Panel, tig's view_ops) that every backend implements
 * -- the local pool of engines (backend_local.c), remote engines -- and
 * that the runner and the dry run drive, never a backend's own functions.
 *
 * A backend has engines, whose number may change while it runs (hosts
 * come and go).  It starts a job on a free engine, or refuses for now with
 * a message (a shortage of its own, every host down: never the job's
 * fault); it signals one engine's job or all of them; it hands over each
 * job that ended, with where it ran and how it ended -- beyond exit,
 * signal and timeout, a job may be lost with its host or never have
 * started, and is then run again, not counted as a failure.  It watches
 * its descriptors and sets its timers on the runner's loop (loop.h): it
 * never polls on its own.  A job is named by a handle, recorded in the
 * notebook, through which a later runner asks what is left of it
 * (reclaim).  Closing kills the jobs, leaves them running, or (the
 * campaign is over) kills what is left and removes what the campaign
 * left where its jobs ran.
 */
#ifndef LABRAT_BACKEND_H
#define LABRAT_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"
#include "util.h"

struct loop;
struct nb_set;

/* Room for a job's handle and its host's name. */
#define BACKEND_HANDLE_MAX 256
#define BACKEND_HOST_MAX 256

/* What to run, and within which limits. */
struct backend_job {
	char **argv;          /* NULL-terminated; argv[0] is looked up in PATH */
	char **env;           /* NULL-terminated "NAME=value" added to the
	                         environment (replacing same names), or NULL */
	const char *input;    /* written to the job's stdin, then EOF */
	size_t input_len;
	double timeout;       /* seconds, 0 for none */
	uint64_t mem_limit;   /* bytes of address space, 0: none */
	const char *cwd;      /* working directory, NULL: the runner's; if it
	                         cannot be entered the job ends as
	                         BACKEND_SPAWN_FAILED with that errno */
	void *udata;          /* handed back in the result */
};

enum backend_end {
	BACKEND_EXITED,       /* code: exit status */
	BACKEND_SIGNALED,     /* code: signal number */
	BACKEND_TIMEOUT,      /* code: the signal that ended it */
	BACKEND_SPAWN_FAILED, /* code: errno (e.g. ENOENT for a bad argv[0]) */
	BACKEND_LOST,         /* code: an errno: it ended but its exit status
	                         was lost (a failure, never a success) */
	BACKEND_HOST_LOST,    /* its host was lost while it ran: it runs
	                         again, and is not a failure */
	BACKEND_NOT_STARTED,  /* it never started (its host went down first):
	                         it runs again, and is not a failure */
	BACKEND_WORKER_LOST,  /* its persistent worker ended before it
	                         answered, for another point's fault: it runs
	                         again, and is not a failure */
	BACKEND_FAILED,       /* it failed as out says (a message, not the
	                         job's output): a worker's point */
};

/* How a job ended, and what it left. */
struct backend_result {
	void *udata;
	int engine;
	char host[BACKEND_HOST_MAX];
	char handle[BACKEND_HANDLE_MAX];
	enum backend_end end;
	int code;
	char *out;            /* stdout: the whole lines of its head and tail
	                         when out_truncated (capture.h) */
	size_t out_len;
	bool out_truncated;
	enum output_cut out_cut; /* whether the last line is among them */
	char *err;            /* the tail of stderr */
	size_t err_len;
	bool err_truncated;
	double start, end_time; /* wall clock, seconds since the epoch */
	int64_t maxrss_kb;    /* peak resident set, -1: unknown */
	double cpu_user, cpu_sys; /* seconds, -1: unknown */
};
void backend_result_clear(struct backend_result *r);

/* A job the notebook has as running, for reclaim. */
struct backend_recorded {
	const char *host;     /* or NULL */
	const char *handle;   /* or NULL (recorded by an older labrat) */
	void *udata;          /* an adopted job's, handed back at its end */
};

/* What a reclaim found of a recorded job. */
enum backend_fate {
	BACKEND_GONE,         /* nothing is left (what was, is killed): run
	                         it again */
	BACKEND_LEFT,         /* something is left that could not be stopped:
	                         do not run it again yet */
	BACKEND_ADOPTED,      /* it still runs, or ended while no runner
	                         watched it: the backend watches it again on
	                         an engine, and its end comes through reap */
};

/* start's answer when a job cannot be started now, for no fault of its
 * own: nothing started, *why says why; try again later. */
#define BACKEND_REFUSED (-2)

/* How to close a backend. */
enum backend_close_mode {
	BACKEND_CLOSE_KILL,   /* kill every job and wait for them; leave
	                         what they left (another runner may own it) */
	BACKEND_CLOSE_DETACH, /* leave the jobs running: a later runner
	                         reclaims them */
	BACKEND_CLOSE_DONE,   /* the campaign is over (finished or
	                         cancelled): kill what is left and remove the
	                         campaign's files where its jobs ran */
};

struct backend;

struct backend_ops {
	const char *name;
	/* True for a backend whose jobs outlive the runner (remote ones):
	 * start only reserves an engine and names the job, the runner
	 * commits the job's row with that handle, and only then calls
	 * launch -- so a job never runs without a row that names it. */
	bool record_first;
	/* Engines now, and those running a job. */
	int (*slots)(struct backend *b);
	int (*busy)(struct backend *b);
	/* Start a job on a free engine: the engine, BACKEND_REFUSED or -1,
	 * with an owned *why for both. */
	int (*start)(struct backend *b, const struct backend_job *job,
	    char **why);
	/* record_first backends: run the job reserved on engine.  If it
	 * cannot start, its end comes through reap as BACKEND_NOT_STARTED. */
	void (*launch)(struct backend *b, int engine);
	/* Optional: hand over what start left buffered (the worker
	 * backend's request lines, one write for many).  The caller calls
	 * it after a run of starts, before it does anything else. */
	void (*flush)(struct backend *b);
	/* Where engine's job runs, and its handle. */
	void (*describe)(struct backend *b, int engine, char *host,
	    size_t hlen, char *handle, size_t len);
	/* Send sig to engine's job (-1: every job). */
	void (*signal)(struct backend *b, int engine, int sig);
	/* A job that ended: 1 with *r (backend_result_clear it), 0 none. */
	int (*reap)(struct backend *b, struct backend_result *r);
	/* What is left of n jobs whose runner is gone: fates[i], and *why
	 * (owned) for one that is left.  With adopt, a backend whose jobs
	 * outlive the runner may adopt them (engines[i] is then theirs);
	 * without, what is left is killed.  0, or -1 with *err. */
	int (*reclaim)(struct backend *b, const struct backend_recorded *jobs,
	    size_t n, bool adopt, enum backend_fate *fates, int *engines,
	    char **why, char **err);
	/* The engine a slot belongs to, as recorded in its jobs' rows (NULL:
	 * each slot is an engine; a worker holds several points). */
	int (*engine_of)(struct backend *b, int slot);
	/* Append the engines as a JSON object for status and the console:
	 * for each host (by name) its slots, busy, state ("up",
	 * "connecting", "down"), jobs done, round trip in ms, and the last
	 * error of a host not up. */
	void (*engines)(struct backend *b, struct buf *json);
	/* Stop as mode says (enum backend_close_mode), then free the
	 * backend. */
	void (*close)(struct backend *b, enum backend_close_mode mode);
};

struct backend {
	const struct backend_ops *ops;
	struct loop *loop;
	char *note;           /* what the runner should say of it once, or
	                         NULL (e.g. engines capped by a limit) */
	/* Where the backend says what happens to its engines (a host lost,
	 * back, down), set by the runner; NULL: nowhere. */
	void (*log)(void *arg, const char *msg);
	void *log_arg;
};

/* Say msg through b's log, if it has one. */
void backend_log(struct backend *b, const char *fmt, ...) UTIL_PRINTF(2, 3);

/*
 * Open the backend that set s names (s->backend: "local") for its
 * campaign, watching its descriptors on loop.  Reclaim needs no engine:
 * it works on a backend opened for it alone.  NULL with *err for a
 * backend labrat does not know or that cannot be opened.
 */
struct backend *backend_open(const struct nb_set *s, struct loop *loop,
    char **err);

/*
 * Try the backend that set s names before its campaign is recorded: for
 * SSH, log in to every host (recording new host keys if asked).  -1 with
 * *err for what would make the campaign fail for good (a key refused, a
 * host key that changed, no host reachable); 0, with *warn (owned) for
 * what may pass (a host unreachable for now), or NULL.
 */
int backend_check(const struct nb_set *s, char **warn, char **err);

/* Make backend_open know one more backend by name (the runner suite's
 * fake backend). */
typedef struct backend *(*backend_open_fn)(const struct nb_set *s,
    struct loop *loop, char **err);
void backend_register(const char *name, backend_open_fn open);

static inline int
backend_slots(struct backend *b)
{
	return b->ops->slots(b);
}

static inline int
backend_busy(struct backend *b)
{
	return b->ops->busy(b);
}

static inline int
backend_start(struct backend *b, const struct backend_job *job, char **why)
{
	return b->ops->start(b, job, why);
}

static inline void
backend_launch(struct backend *b, int engine)
{
	if (b->ops->record_first)
		b->ops->launch(b, engine);
}

static inline void
backend_flush(struct backend *b)
{
	if (b->ops->flush != NULL)
		b->ops->flush(b);
}

static inline void
backend_describe(struct backend *b, int engine, char *host, size_t hlen,
    char *handle, size_t len)
{
	b->ops->describe(b, engine, host, hlen, handle, len);
}

static inline void
backend_signal(struct backend *b, int engine, int sig)
{
	b->ops->signal(b, engine, sig);
}

static inline int
backend_reap(struct backend *b, struct backend_result *r)
{
	return b->ops->reap(b, r);
}

static inline int
backend_reclaim(struct backend *b, const struct backend_recorded *jobs,
    size_t n, bool adopt, enum backend_fate *fates, int *engines, char **why,
    char **err)
{
	return b->ops->reclaim(b, jobs, n, adopt, fates, engines, why, err);
}

static inline void
backend_engines(struct backend *b, struct buf *json)
{
	b->ops->engines(b, json);
}

static inline void
backend_close(struct backend *b, enum backend_close_mode mode)
{
	if (b != NULL)
		b->ops->close(b, mode);
}

#endif
