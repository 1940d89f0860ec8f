/*
 * pool.h -- the local lab: a pool of engines on this machine, each running
 * one job (a child process leading its own session) at a time, with its
 * output captured within bounds, its time and memory limited, and its
 * resource use measured by wait4.  A job is named beyond its runner's life
 * by a handle (its session, start time and boot), through which a later
 * runner kills whatever is left of it (pool_reclaim).
 */
#ifndef LABRAT_POOL_H
#define LABRAT_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "output.h"

/* Capture bounds: the first POOL_OUT_HEAD bytes of stdout are kept; past
 * that, only the last POOL_OUT_TAIL bytes; stderr keeps its last
 * POOL_ERR_TAIL bytes. */
#define POOL_OUT_HEAD (1024 * 1024)
#define POOL_OUT_TAIL (64 * 1024)
#define POOL_ERR_TAIL (4 * 1024)
/* Seconds between SIGTERM and SIGKILL when a job times out or is
 * cancelled. */
#define POOL_KILL_GRACE 2.0

/* The cores rule of epyc's ParallelLab (seed 000): 0 uses all available,
 * +n uses n, -n uses all but n; never below 1. */
int pool_cores_rule(int rule, int available);
/* CPUs this process may run on (sched_getaffinity, else online CPUs). */
int pool_cores_available(void);

struct loop;
struct pool;

/*
 * A pool of up to slots engines (slots >= 1), fewer if the limit on open
 * files (raised to its hard limit) cannot hold a job's descriptors on
 * each: pool_slots says how many.  SIGCHLD gets its default action, or
 * wait4 could not tell how jobs ended.  Its descriptors are watched on
 * loop (NULL: one of its own, for pool_wait).
 */
struct pool *pool_new(int slots, struct loop *loop);
int pool_slots(const struct pool *p);
int pool_busy(const struct pool *p);
/* The limit on open files that capped the pool below what was asked, or
 * 0 if it was not capped. */
long pool_capped_by(const struct pool *p);

/*
 * Start a job on a free engine.  Returns the engine number; or -1 with
 * errno EBUSY when no engine is free, or with the errno of a shortage of
 * the runner's own (EMFILE, ENFILE, ENOMEM, EAGAIN): nothing started, try
 * again later -- that is never the job's failure.  A command that cannot
 * be executed (ENOENT, EACCES, ...) is the job's: it ends as
 * BACKEND_SPAWN_FAILED through pool_wait.
 */
int pool_start(struct pool *p, const struct backend_job *req);
/* The handle of the job on engine (see pool_reclaim) into buf. */
void pool_handle(const struct pool *p, int engine, char *buf, size_t len);
/* Room for a handle. */
#define POOL_HANDLE_MAX 128

/* A job that ended: 1 with *r filled (backend_result_clear it), 0 if none
 * has; never waits (the caller runs the loop). */
int pool_reap(struct pool *p, struct backend_result *r);
/*
 * Run the pool's loop up to timeout_ms milliseconds (-1: no limit) for a
 * job to end.
 * Returns 1 with *r filled (free it with backend_result_clear), or 0 when the
 * time passed, a signal interrupted the wait, the wakeup descriptor became
 * readable, or no job is running.
 */
int pool_wait(struct pool *p, int timeout_ms, struct backend_result *r);
/* Make pool_wait return early when fd becomes readable (-1: none). */
void pool_set_wakeup_fd(struct pool *p, int fd);
/* Send sig to the process group of every running job. */
void pool_signal_all(struct pool *p, int sig);
/* Send sig to the process group of the job on one engine, if any. */
void pool_signal_engine(struct pool *p, int engine, int sig);
/* A process started as a job is (pool_spawn_fds). */
struct pool_process {
	pid_t pid;            /* also its session and group */
	int pidfd;
	uint64_t ticks;       /* clock ticks since boot just before it
	                         started: with pid, its handle */
};
struct rlimit;
/*
 * Start req's command (argv, env, cwd, mem_limit; input is not used) as a
 * job is started -- leading its own session, killed if the runner dies,
 * no descriptor but fds[0..2] as its standard streams (the caller closes
 * its copies) -- with nofile as its limit on open files (NULL: this
 * process's).  0 with *pp, or an errno: *in_child tells if the child
 * failed (exec, chdir, limits) rather than the runner.
 */
int pool_spawn_fds(const struct backend_job *req, const int fds[3],
    const struct rlimit *nofile, struct pool_process *pp, bool *in_child);

/* Stop every running job (SIGTERM, SIGKILL after POOL_KILL_GRACE), reap
 * them all and free the pool. Their results are discarded. */
void pool_free(struct pool *p);

/*
 * What is left of jobs whose runner died, by their handles: kill every
 * process of each (its session, whatever group it moved to) and wait a
 * few seconds for them to be gone.  gone[i] tells if nothing of job i is
 * left (always so for a handle of another boot: nothing outlives a
 * reboot; and for a NULL handle, recorded by an older labrat that kept
 * none); otherwise *why says what is in the way.  0, or -1 with *err when
 * this machine's processes cannot be read.
 */
int pool_reclaim(const char *const *handles, size_t n, bool *gone,
    char **why, char **err);

#endif
