/*
 * worker.c -- the persistent-worker protocol (worker.h): request lines,
 * the queue of points a worker holds, and its answer lines split and
 * matched with those points, first in, first out.
 *
 * The common answer, a JSON object of results, is only looked at here
 * (its first non-blank byte, and whether it names "@error"): the runner
 * parses it with the same code as a job's final line, so it is parsed
 * once.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "worker.h"

void
worker_request(struct buf *b, const char *params, size_t len, uint64_t point,
    int rep, int attempt, const char *tag)
{
	/* params is "{...}": its members, then ours. */
	while (len > 0 && (params[len - 1] == '\n' || params[len - 1] == ' '))
		len--;
	if (len >= 2 && params[0] == '{' && params[len - 1] == '}') {
		buf_add(b, params, len - 1);
		if (len > 2)
			buf_addc(b, ',');
	} else
		buf_addc(b, '{');
	buf_printf(b, "\"point\":%" PRIu64 ",\"rep\":%d,\"attempt\":%d,"
	    "\"tag\":", point, rep, attempt);
	json_append_string(b, tag, strlen(tag));
	buf_adds(b, "}\n");
}

void
worker_proto_init(struct worker_proto *w, int depth, size_t max_line)
{
	memset(w, 0, sizeof *w);
	if (depth < 1)
		depth = 1;
	w->depth = depth;
	w->held = xcalloc(depth, sizeof *w->held);
	w->max_line = max_line;
	buf_init(&w->line);
}

void
worker_proto_free(struct worker_proto *w)
{
	free(w->held);
	buf_free(&w->line);
	memset(w, 0, sizeof *w);
}

void
worker_proto_reset(struct worker_proto *w)
{
	w->first = w->n = 0;
	buf_reset(&w->line);
	w->discarding = false;
	w->answers = 0;
}

int
worker_proto_push(struct worker_proto *w, void *udata, int slot)
{
	struct worker_held *h;

	if (w->n >= w->depth)
		return -1;
	h = &w->held[(w->first + w->n) % w->depth];
	h->udata = udata;
	h->slot = slot;
	w->n++;
	return 0;
}

const struct worker_held *
worker_proto_held(const struct worker_proto *w, int i)
{
	if (i < 0 || i >= w->n)
		return NULL;
	return &w->held[(w->first + i) % w->depth];
}

void
worker_proto_pop(struct worker_proto *w)
{
	if (w->n == 0)
		return;
	w->first = (w->first + 1) % w->depth;
	w->n--;
}

/* Quote the start of a line for a message: at most WORKER_QUOTE bytes,
 * control bytes as '?', "..." when longer. */
static void
worker_quote(struct buf *b, const char *s, size_t len, bool more)
{
	size_t i, n = len > WORKER_QUOTE ? WORKER_QUOTE : len;
	struct buf q;

	buf_init(&q);
	for (i = 0; i < n; i++)
		buf_addc(&q, (unsigned char)s[i] < 0x20 ? '?' : s[i]);
	buf_addc(b, '\'');
	util_utf8_sanitize(b, q.data != NULL ? q.data : "", q.len);
	buf_adds(b, len > n || more ? "...'" : "'");
	buf_free(&q);
}

/* Read what a line starting with '{' says: results, or @error. */
static void
worker_classify(struct worker_answer *a, struct buf *msg)
{
	struct json_object o;
	const struct json_member *m;
	char *err = NULL;

	/* Results are the common case: parsed once, by the runner. */
	if (memmem(a->line, a->len, "\"@error\"", 8) == NULL)
		return;
	if (json_parse_object(a->line, a->len, &o, &err, NULL) != 0) {
		/* Not JSON: the runner's parse says why. */
		free(err);
		return;
	}
	if ((m = json_object_get(&o, "@error")) != NULL) {
		a->kind = WORKER_ERROR;
		if (m->type == JSON_STRING)
			buf_add(msg, m->text, m->len);
		else
			json_append_value(msg, m);
		if (msg->len == 0)
			buf_adds(msg, "the worker reported a failure "
			    "(empty @error)");
	}
	json_object_free(&o);
}

/* Answer the oldest point held with the line in w->line (or the
 * discarded one): -1 if none is held. */
static int
worker_answer_line(struct worker_proto *w, worker_answer_fn fn, void *arg,
    char **stray)
{
	struct worker_answer a;
	const struct worker_held *h;
	struct buf msg;
	const char *s = w->line.data != NULL ? w->line.data : "";
	size_t len = w->line.len, i = 0;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if ((h = worker_proto_held(w, 0)) == NULL) {
		buf_init(&msg);
		buf_adds(&msg, "a line with no request to answer: ");
		if (w->discarding)
			worker_quote(&msg, w->quote, strlen(w->quote), true);
		else
			worker_quote(&msg, s, len, false);
		*stray = buf_steal(&msg);
		return -1;
	}
	memset(&a, 0, sizeof a);
	buf_init(&msg);
	a.udata = h->udata;
	a.slot = h->slot;
	a.line = s;
	a.len = len;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (w->discarding) {
		a.kind = WORKER_TOO_LONG;
		buf_printf(&msg, "the worker's answer is longer than %zu "
		    "bytes (discarded): ", w->max_line);
		worker_quote(&msg, w->quote, strlen(w->quote), true);
	} else if (i == len || s[i] != '{') {
		a.kind = WORKER_MALFORMED;
		buf_adds(&msg, "the worker's answer is not a JSON object: ");
		worker_quote(&msg, s, len, false);
	} else {
		a.kind = WORKER_RESULTS;
		worker_classify(&a, &msg);
	}
	a.message = msg.data;
	worker_proto_pop(w);
	w->answers++;
	fn(&a, arg);
	buf_free(&msg);
	return 0;
}

int
worker_proto_feed(struct worker_proto *w, const char *data, size_t n,
    worker_answer_fn fn, void *arg, char **stray)
{
	const char *nl;
	size_t take, room, q;

	*stray = NULL;
	while (n > 0) {
		nl = memchr(data, '\n', n);
		take = nl != NULL ? (size_t)(nl - data) : n;
		if (!w->discarding) {
			room = w->max_line - w->line.len;
			if (take > room) {
				/* Keep its start to quote, drop the rest. */
				buf_add(&w->line, data, room);
				q = w->line.len < WORKER_QUOTE ? w->line.len :
				    WORKER_QUOTE;
				memcpy(w->quote, w->line.data, q);
				w->quote[q] = '\0';
				w->discarding = true;
				buf_reset(&w->line);
			} else
				buf_add(&w->line, data, take);
		}
		if (nl == NULL)
			return 0;
		data += take + 1;
		n -= take + 1;
		if (worker_answer_line(w, fn, arg, stray) != 0)
			return -1;
		buf_reset(&w->line);
		w->discarding = false;
	}
	return 0;
}
