/*
 * engines.c -- the engines of a result set, with no terminal: the
 * runner's JSON view of its remote hosts read into rows (name, state,
 * busy/slots, jobs done, round trip, last error) and totals, every text
 * cleaned for the terminal; and the header's "engines 5/12" and "2/3
 * hosts up" for local and remote sets.  The sets view and the header draw
 * what this file computes.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engines.h"
#include "hosts.h"
#include "json.h"
#include "pool.h"

/* The largest count read from the JSON; more reads as not known. */
#define ENGINES_COUNT_MAX 1000000

/* A copy of s cleaned for the terminal. */
static char *
engines_clean(const char *s, size_t len, int flags)
{
	struct buf b;

	buf_init(&b);
	util_clean_text(&b, s, len, flags);
	buf_add(&b, "", 0);
	return buf_steal(&b);
}

/* The whole number m holds, from 0 to max, or -1. */
static int64_t
engines_count(const struct json_member *m, int64_t max)
{
	long long v;
	char *end;

	if (m == NULL || m->type != JSON_NUMBER)
		return -1;
	errno = 0;
	v = strtoll(m->text, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > max)
		return -1;
	return v;
}

/* Fill row r from the host's object text[0..len). */
static void
engines_row(struct engine_row *r, const char *text, size_t len, int flags)
{
	struct json_object o;
	const struct json_member *m;
	char *err = NULL, *end;
	double d;

	r->slots = r->busy = -1;
	r->done = -1;
	r->rtt_ms = -1;
	if (json_parse_object(text, len, &o, &err, NULL) != 0) {
		free(err);
		r->state = xstrdup("?");
		return;
	}
	m = json_object_get(&o, "state");
	r->state = m != NULL && m->type == JSON_STRING && m->len > 0 ?
	    engines_clean(m->text, m->len, flags) : xstrdup("?");
	r->slots = (int)engines_count(json_object_get(&o, "slots"),
	    ENGINES_COUNT_MAX);
	r->busy = (int)engines_count(json_object_get(&o, "busy"),
	    ENGINES_COUNT_MAX);
	r->done = engines_count(json_object_get(&o, "done"), INT64_MAX);
	if ((m = json_object_get(&o, "rtt_ms")) != NULL &&
	    m->type == JSON_NUMBER) {
		d = strtod(m->text, &end);
		if (*end == '\0' && isfinite(d) && d >= 0)
			r->rtt_ms = d;
	}
	if ((m = json_object_get(&o, "error")) != NULL &&
	    m->type == JSON_STRING && m->len > 0)
		r->error = engines_clean(m->text, m->len, flags);
	json_object_free(&o);
}

int
engines_parse(const char *json, int flags, struct engines *e)
{
	struct json_object hosts;
	struct engine_row *r;
	char *err = NULL;
	size_t i;

	memset(e, 0, sizeof *e);
	if (json == NULL || json_parse_object(json, strlen(json), &hosts,
	    &err, NULL) != 0) {
		free(err);
		return -1;
	}
	e->rows = xcalloc(hosts.n + 1, sizeof *e->rows);
	for (i = 0; i < hosts.n; i++) {
		r = &e->rows[e->n++];
		r->name = engines_clean(hosts.members[i].name,
		    strlen(hosts.members[i].name), flags);
		if (hosts.members[i].type == JSON_OBJECT)
			engines_row(r, hosts.members[i].text,
			    hosts.members[i].len, flags);
		else {
			r->slots = r->busy = -1;
			r->done = -1;
			r->rtt_ms = -1;
			r->state = xstrdup("?");
		}
		if (r->slots > 0)
			e->all_slots += r->slots;
		if (engines_state(r) != ENGINE_UP)
			continue;
		e->up++;
		if (r->slots > 0)
			e->slots += r->slots;
		if (r->busy > 0)
			e->busy += r->busy;
	}
	json_object_free(&hosts);
	return 0;
}

void
engines_clear(struct engines *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->rows[i].name);
		free(e->rows[i].state);
		free(e->rows[i].error);
	}
	free(e->rows);
	memset(e, 0, sizeof *e);
}

enum engine_state
engines_state(const struct engine_row *r)
{
	if (strcmp(r->state, "up") == 0)
		return ENGINE_UP;
	if (strcmp(r->state, "connecting") == 0)
		return ENGINE_CONNECTING;
	if (strcmp(r->state, "down") == 0)
		return ENGINE_DOWN;
	return ENGINE_UNKNOWN;
}

bool
engines_remote(const struct nb_set *s)
{
	return s->backend != NULL && strcmp(s->backend, "local") != 0;
}

size_t
engines_hosts_given(const struct nb_set *s)
{
	struct json_object o;
	const struct json_member *m;
	struct host_list l;
	char *err = NULL;
	size_t n = 0;

	if (s->backend_args == NULL || json_parse_object(s->backend_args,
	    strlen(s->backend_args), &o, &err, NULL) != 0) {
		free(err);
		return 0;
	}
	hosts_list_init(&l);
	if ((m = json_object_get(&o, "hosts")) != NULL &&
	    m->type == JSON_STRING) {
		if (hosts_list_parse(&l, m->text, "hosts", &err) == 0)
			n = l.n;
		free(err);
	}
	hosts_list_free(&l);
	json_object_free(&o);
	return n;
}

void
engines_header(const struct nb_set *s, bool live, uint64_t running,
    int cores, struct buf *b, struct buf *hosts)
{
	struct engines e;
	size_t n;

	if (!engines_remote(s)) {
		int total = pool_cores_rule(s->cores, cores);

		/* A worker holds up to --worker-depth points, and points go
		 * to the least loaded worker: that many workers are busy. */
		if (s->experiment != NULL &&
		    strstr(s->experiment, "\"worker\":true") != NULL &&
		    running > (uint64_t)total)
			running = (uint64_t)total;
		buf_printf(b, "engines %" PRIu64 "/%d", running, total);
		return;
	}
	engines_parse(s->engines, 0, &e);
	if (!live) {
		/* Nothing runs and nobody is connected: the engines its
		 * hosts had when last seen. */
		buf_printf(b, "engines 0/%" PRId64, e.all_slots);
		engines_clear(&e);
		return;
	}
	buf_printf(b, "engines %" PRId64 "/%" PRId64, e.busy, e.slots);
	/* Before the runner wrote of its hosts, none is up yet. */
	n = e.n > 0 ? e.n : engines_hosts_given(s);
	if (e.up < n)
		buf_printf(hosts, "%zu/%zu hosts up", e.up, n);
	engines_clear(&e);
}
