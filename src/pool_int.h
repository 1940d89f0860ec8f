/*
 * pool_int.h -- what the pool's source files share and nobody else sees
 * (SQLite's btree.h / btreeInt.h pattern): the pool, its engines' jobs and
 * their output captures.
 *
 *   pool.c          the pool on the runner's loop (loop.h): output,
 *                   deadlines, completion, reaping, signals
 *   pool_spawn.c    starting a job: input, pipes, environment, PATH
 *                   search, the vfork child
 */
#ifndef LABRAT_POOL_INT_H
#define LABRAT_POOL_INT_H

#include <sys/resource.h>
#include <sys/types.h>

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "output.h"
#include "pool.h"
#include "util.h"

struct pool;

/* A job's stream: the read end of its pipe and what came through. */
struct pool_stream {
	int		 fd;		/* -1 once closed */
	struct capture	 cap;
	struct pool	*pool;
};

enum pool_state {
	POOL_FREE,
	POOL_RUNNING,
	POOL_FAILED,		/* could not start; waiting for pool_wait */
};

struct pool_job {
	enum pool_state		 state;
	pid_t			 pid;		/* also its session and group */
	uint64_t		 ticks;		/* clock ticks since boot just
						   before it started */
	int			 pidfd;
	bool			 exited;
	int			 spawn_errno;
	void			*udata;
	double			 start;		/* wall clock */
	double			 deadline;	/* monotonic; 0: none */
	double			 kill_at;	/* monotonic; after SIGTERM */
	int			 timeout_sig;	/* last signal of a timeout */
	struct pool_stream	 out;
	struct pool_stream	 err;
	struct pool		*pool;
};

struct pool {
	int			 slots;
	int			 busy;
	long			 capped_by;	/* RLIMIT_NOFILE that capped
						   slots, or 0 */
	struct rlimit		 nofile;	/* the limit jobs get back */
	struct pool_job		*jobs;
	int			 wakeup_fd;
	bool			 woken;		/* it became readable */
	int			 devnull;
	struct loop		*loop;		/* watches its descriptors */
	bool			 own_loop;	/* made by pool_new */
	char			*scratch;	/* POOL_READ_SIZE */
};

/* pool_spawn.c */

/*
 * Start the child for job j.  Returns 0, or an errno when it could not be
 * started (the child, if any, already reaped); *in_child tells if the
 * child failed (exec, chdir, limits: mostly the job's fault) rather than
 * the runner (pipes, memory, fork: a shortage of the runner's).
 */
int pool_job_spawn(struct pool *p, struct pool_job *j,
    const struct backend_job *req, bool *in_child);

#endif
