/*
 * worker.h -- the persistent-worker protocol (doc/experiment.md,
 * "Workers"), without processes: the request line written for a point, a
 * worker's first-in first-out queue of the points it holds, and the
 * answer lines read back, matched with the points they answer.  Pure, so
 * that framing, pipelining and every kind of bad answer are testable
 * without a worker (tests/check_worker.c); backend_worker.c drives it.
 *
 * A request is one line: the point's parameters as one JSON object (the
 * stdin object of a process-per-point job) with "point", "rep", "attempt"
 * and "tag" added -- names no parameter may take.  An answer is one line:
 * a JSON object of results, or {"@error":"message"} for a point the
 * worker failed without dying.  Answers come in the order of the
 * requests.
 */
#ifndef LABRAT_WORKER_H
#define LABRAT_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Requests in flight per worker: the default and the bounds of
 * --worker-depth. */
#define WORKER_DEPTH_DEFAULT 2
#define WORKER_DEPTH_MAX 64
/* Bytes of a bad answer quoted in its point's error. */
#define WORKER_QUOTE 60

/* Append the request line of a point (with its newline) to b: params is
 * the point's parameters as one JSON object, params[0..len). */
void worker_request(struct buf *b, const char *params, size_t len,
    uint64_t point, int rep, int attempt, const char *tag);

/* What an answer line says of the point it answers. */
enum worker_kind {
	WORKER_RESULTS,    /* a JSON object line: the results (parsed later
	                      by output_parse, as a job's final line) */
	WORKER_ERROR,      /* {"@error":...}: the point failed, message
	                      says why */
	WORKER_MALFORMED,  /* not a JSON object: message says so, quoting
	                      the start of the line */
	WORKER_TOO_LONG,   /* longer than the bound: discarded up to its
	                      newline; message quotes its start */
};

/* One answer, matched with the oldest point held. */
struct worker_answer {
	enum worker_kind kind;
	void *udata;        /* the point's, as worker_push was given it */
	int slot;
	const char *line;   /* WORKER_RESULTS: the line, without newline */
	size_t len;
	char *message;      /* otherwise: why the point failed (owned by the
	                       protocol: valid during the callback) */
};

/* Called for each answer, in order. */
typedef void (*worker_answer_fn)(const struct worker_answer *a, void *arg);

/* A point the worker holds: written, not yet answered. */
struct worker_held {
	void *udata;
	int slot;
};

/* One worker's side of the protocol: what it holds, and the answer line
 * it is writing. */
struct worker_proto {
	struct worker_held *held;  /* a ring of depth entries */
	int depth;
	int first, n;
	struct buf line;           /* the answer line so far */
	size_t max_line;
	bool discarding;           /* an over-long line, until its newline */
	char quote[WORKER_QUOTE + 1]; /* its start */
	uint64_t answers;          /* lines answered since init */
};

/* Prepare for a worker holding up to depth points, whose answer lines may
 * be up to max_line bytes. */
void worker_proto_init(struct worker_proto *w, int depth, size_t max_line);
void worker_proto_free(struct worker_proto *w);
/* Forget the partial line and what is held (a worker started again). */
void worker_proto_reset(struct worker_proto *w);

/* True if it holds depth points. */
static inline bool
worker_proto_full(const struct worker_proto *w)
{
	return w->n >= w->depth;
}

/* Note a point written to the worker.  -1 if it holds depth already. */
int worker_proto_push(struct worker_proto *w, void *udata, int slot);
/* The oldest point held (i = 0), or the i-th after it; NULL past them. */
const struct worker_held *worker_proto_held(const struct worker_proto *w,
    int i);
/* Take the oldest point held off the queue (its answer will not come). */
void worker_proto_pop(struct worker_proto *w);

/*
 * Feed n bytes the worker wrote on its standard output: fn is called for
 * each whole answer line, with the point it answers.  Returns 0, or -1 at
 * a line that answers nothing (no point held: the worker answered out of
 * turn or twice) -- a protocol error; the bytes after it are not read and
 * *stray (owned) quotes the line.
 */
int worker_proto_feed(struct worker_proto *w, const char *data, size_t n,
    worker_answer_fn fn, void *arg, char **stray);

#endif
