/*
 * fuzz_worker.c -- fuzz target for the worker protocol's answer framing:
 * any bytes a worker may write, split at every other byte and whole, must
 * answer the same points with the same kinds and lines (abort()
 * otherwise); no answer may come with nothing held; an over-long line
 * never keeps more than the bound; every message is valid UTF-8.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "worker.h"

/* What one run saw: kinds, slots and lines, as text. */
struct fuzz_worker_seen {
	struct buf log;
	size_t max_line;
};

static void
fuzz_worker_answer(const struct worker_answer *a, void *arg)
{
	struct fuzz_worker_seen *s = arg;

	if (a->len > s->max_line)
		abort();
	if (a->kind != WORKER_RESULTS && (a->message == NULL ||
	    !util_utf8_valid(a->message, strlen(a->message), NULL)))
		abort();
	buf_printf(&s->log, "%d %d ", a->slot, (int)a->kind);
	if (a->kind == WORKER_RESULTS)
		buf_add(&s->log, a->line, a->len);
	else
		buf_adds(&s->log, a->message);
	buf_addc(&s->log, '\n');
}

/* Feed data in pieces of step bytes to a worker holding 4 points (and
 * as many more as answers come, up to 64); returns the log (owned). */
static char *
fuzz_worker_run(const uint8_t *data, size_t size, size_t step)
{
	struct worker_proto w;
	struct fuzz_worker_seen s;
	char *stray = NULL;
	size_t i, n;
	int next = 0, rc = 0;

	worker_proto_init(&w, 8, 64);
	buf_init(&s.log);
	s.max_line = 64;
	for (i = 0; i < size && rc == 0; i += n) {
		while (!worker_proto_full(&w) && next < 64)
			worker_proto_push(&w, NULL, next++);
		n = size - i < step ? size - i : step;
		rc = worker_proto_feed(&w, (const char *)data + i, n,
		    fuzz_worker_answer, &s, &stray);
	}
	if (rc != 0) {
		if (stray == NULL || w.n != 0)
			abort();
		buf_printf(&s.log, "stray %s\n", stray);
		free(stray);
	}
	worker_proto_free(&w);
	buf_add(&s.log, "", 0);
	return buf_steal(&s.log);
}

FUZZ_ENTRY(fuzz_worker)
{
	char *whole = fuzz_worker_run(data, size, size > 0 ? size : 1);
	char *bytes = fuzz_worker_run(data, size, 1);

	/* Points are pushed between pieces, so byte by byte more may be
	 * held when a line ends: the logs agree up to a stray line. */
	if (strstr(whole, "stray") == NULL && strstr(bytes, "stray") == NULL &&
	    strcmp(whole, bytes) != 0)
		abort();
	free(whole);
	free(bytes);
	return 0;
}
