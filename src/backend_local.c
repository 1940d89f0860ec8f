/*
 * backend_local.c -- the local lab as a backend: a pool of engines on this
 * machine (pool.c), as many as the campaign's cores rule gives and the
 * limit on open files allows.  A job's handle names the session it leads
 * (proc.h); reclaim kills what is left of it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_int.h"
#include "notebook.h"
#include "pool.h"
#include "util.h"

struct backend_local {
	struct backend b;       /* first: a backend is a backend_local */
	struct pool *pool;
};

static int
backend_local_slots(struct backend *b)
{
	struct backend_local *bl = (struct backend_local *)b;

	return bl->pool != NULL ? pool_slots(bl->pool) : 0;
}

static int
backend_local_busy(struct backend *b)
{
	struct backend_local *bl = (struct backend_local *)b;

	return bl->pool != NULL ? pool_busy(bl->pool) : 0;
}

static int
backend_local_start(struct backend *b, const struct backend_job *job,
    char **why)
{
	struct backend_local *bl = (struct backend_local *)b;
	int engine;

	if ((engine = pool_start(bl->pool, job)) >= 0)
		return engine;
	if (errno == EBUSY) {
		*why = xstrdup("no engine of the local pool is free");
		return -1;
	}
	*why = xasprintf("this machine cannot start a job now (%s)",
	    strerror(errno));
	return BACKEND_REFUSED;
}

static void
backend_local_describe(struct backend *b, int engine, char *host,
    size_t hlen, char *handle, size_t len)
{
	struct backend_local *bl = (struct backend_local *)b;

	snprintf(host, hlen, "localhost");
	pool_handle(bl->pool, engine, handle, len);
}

static void
backend_local_signal(struct backend *b, int engine, int sig)
{
	struct backend_local *bl = (struct backend_local *)b;

	if (engine < 0)
		pool_signal_all(bl->pool, sig);
	else
		pool_signal_engine(bl->pool, engine, sig);
}

static int
backend_local_reap(struct backend *b, struct backend_result *r)
{
	struct backend_local *bl = (struct backend_local *)b;

	if (pool_reap(bl->pool, r) == 0)
		return 0;
	snprintf(r->host, sizeof r->host, "localhost");
	return 1;
}

int
backend_local_reclaim(struct backend *b, const struct backend_recorded *jobs,
    size_t n, bool adopt, enum backend_fate *fates, int *engines, char **why,
    char **err)
{
	const char **handles;
	bool *gone;
	size_t i;
	int rc;

	/* A local job dies with its runner: nothing to adopt. */
	(void)b;
	(void)adopt;
	(void)engines;
	handles = xcalloc(n + 1, sizeof *handles);
	gone = xcalloc(n + 1, sizeof *gone);
	for (i = 0; i < n; i++)
		handles[i] = jobs[i].handle;
	rc = pool_reclaim(handles, n, gone, why, err);
	for (i = 0; rc == 0 && i < n; i++)
		fates[i] = gone[i] ? BACKEND_GONE : BACKEND_LEFT;
	free(handles);
	free(gone);
	return rc;
}

static void
backend_local_engines(struct backend *b, struct buf *json)
{
	buf_printf(json, "{\"localhost\":{\"slots\":%d,\"busy\":%d,"
	    "\"state\":\"up\"}}", backend_local_slots(b),
	    backend_local_busy(b));
}

static void
backend_local_close(struct backend *b, enum backend_close_mode mode)
{
	struct backend_local *bl = (struct backend_local *)b;

	/* A local job dies with its runner: there is no leaving it, and
	 * nothing of a campaign's is left anywhere but the notebook. */
	(void)mode;
	pool_free(bl->pool);
	free(b->note);
	free(bl);
}

static const struct backend_ops backend_local_ops = {
	.name = "local",
	.slots = backend_local_slots,
	.busy = backend_local_busy,
	.start = backend_local_start,
	.describe = backend_local_describe,
	.signal = backend_local_signal,
	.reap = backend_local_reap,
	.reclaim = backend_local_reclaim,
	.engines = backend_local_engines,
	.close = backend_local_close,
};

struct backend *
backend_local_open(const struct nb_set *s, struct loop *loop, char **err)
{
	struct backend_local *bl;
	int slots = pool_cores_rule(s->cores, pool_cores_available());

	/* A worker's campaign runs on persistent workers. */
	if (s->experiment != NULL && strstr(s->experiment, "\"worker\":true")
	    != NULL)
		return backend_worker_open(s, loop, err);
	bl = xcalloc(1, sizeof *bl);
	bl->b.ops = &backend_local_ops;
	bl->b.loop = loop;
	bl->pool = pool_new(slots, loop);
	if (pool_slots(bl->pool) < slots)
		bl->b.note = xasprintf("engines capped at %d (of %d asked) by "
		    "the limit on open files (%ld): raise it with 'ulimit -n' "
		    "for more", pool_slots(bl->pool), slots,
		    pool_capped_by(bl->pool));
	return &bl->b;
}
