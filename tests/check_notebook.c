/*
 * check_notebook.c -- the notebook suite: schema and migrations, result
 * sets, the job life cycle (start, finish, retry, recover) and its
 * counters, crash safety across _exit and kill -9, a concurrent reader,
 * visits and sorted pages (and their query plans), names, UTF-8 and
 * change detection; what detached runners need: control, purge_before,
 * `labrat retry` (requeue), purges and the stale finish they cause, and
 * the upgrade of a version-1 notebook with data in it.  Every test gets
 * a fresh notebook in a temp dir.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check_suites.h"
#include "notebook.h"
#include "notebook_int.h"   /* nb_migrations: to build an old notebook */
#include "testutil.h"
#include "util.h"

static char *dir;
static char *path;
static struct notebook *nb;

static void
setup(void)
{
	char *err = NULL;

	dir = testutil_tempdir();
	path = testutil_path(dir, "labrat.db");
	if (notebook_open(path, NOTEBOOK_CREATE, &nb, &err) != 0)
		ck_abort_msg("notebook_open: %s", err);
}

static void
teardown(void)
{
	notebook_close(nb);
	nb = NULL;
	testutil_rmtree(dir);
	free(path);
	free(dir);
}

/* Create result set tag with npoints points and repeat repetitions. */
static void
make_set(struct notebook *n, const char *tag, uint64_t npoints, int repeat,
    struct nb_set *s)
{
	char *err = NULL;

	memset(s, 0, sizeof *s);
	s->tag = xstrdup(tag);
	s->description = xstrdup("a test set");
	s->space = xstrdup("{\"x\":[1,2,3]}");
	s->experiment = xstrdup("{\"argv\":[\"true\"]}");
	s->backend = xstrdup("local");
	s->repeat = repeat;
	s->retries = 2;
	s->npoints = npoints;
	s->njobs = npoints * (uint64_t)repeat;
	testutil_ok(notebook_set_create(n, s, &err), err, "set_create");
}

/* Start the job at the set's next fresh position pos. */
static int64_t
start_at(struct notebook *n, const struct nb_set *s, uint64_t pos,
    const char *params)
{
	struct nb_work w;
	char *err = NULL;

	memset(&w, 0, sizeof w);
	w.pos = pos;
	w.point = pos % s->npoints;
	w.rep = (int)(pos / s->npoints);
	w.attempt = 1;
	testutil_ok(notebook_job_start(n, s->id, &w, params, 1000.0 + (double)pos,
	    "host", 0, NULL, &err), err, "job_start");
	ck_assert_int_gt(w.job_id, 0);
	return w.job_id;
}

/* Start with a params object holding the point number. */
static int64_t
start_plain(struct notebook *n, const struct nb_set *s, uint64_t pos)
{
	char params[64];

	snprintf(params, sizeof params, "{\"p\":%" PRIu64 "}", pos);
	return start_at(n, s, pos, params);
}

/* The result set of job id (read on the test's own connection, or from
 * the start held in its transaction). */
static int64_t
job_set(struct notebook *n, int64_t id)
{
	sqlite3_stmt *st;
	int64_t set = 0;
	size_t i;

	for (i = 0; i < n->npending; i++) {
		if (n->pending[i].job_id == id)
			return n->pending[i].set_id;
	}
	ck_assert_int_eq(sqlite3_prepare_v2(n->db, "SELECT set_id FROM job "
	    "WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		set = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return set;
}

/* Finish job id as state with results (or NULL). */
static int
finish(struct notebook *n, int64_t id, enum nb_state state,
    const char *results, bool requeue, char **err)
{
	struct nb_outcome o;

	memset(&o, 0, sizeof o);
	o.state = state;
	o.results_json = results;
	o.error = state == NB_FAILED ? "exit 1" : NULL;
	o.start = 0;
	o.end = 2000;
	o.exit_code = state == NB_FAILED ? 1 : 0;
	o.maxrss_kb = -1;
	o.requeue = requeue;
	return notebook_job_finish(n, job_set(n, id), id, &o, err);
}

static void
finish_ok(struct notebook *n, int64_t id, const char *results)
{
	char *err = NULL;

	testutil_ok(finish(n, id, NB_OK, results, false, &err), err, "finish");
}

static struct nb_counts
counts_of(struct notebook *n, const struct nb_set *s)
{
	struct nb_counts c;
	char *err = NULL;

	testutil_ok(notebook_counts(n, s, &c, &err), err, "counts");
	return c;
}

/* What a visit saw: one entry per job, strings copied. */
struct seen {
	size_t n;
	int64_t id[64];
	uint64_t point[64];
	int rep[64];
	int attempt[64];
	enum nb_state state[64];
	bool current[64];
	char *params[64];
	char *results[64];
	char *error[64];
	double start[64], end[64];
	int64_t maxrss[64];
	int stop_after;      /* stop the visit after this many, 0: never */
};

static int
seen_add(const struct nb_job *j, void *arg)
{
	struct seen *x = arg;

	ck_assert_uint_lt(x->n, 64);
	x->id[x->n] = j->id;
	x->point[x->n] = j->point;
	x->rep[x->n] = j->rep;
	x->attempt[x->n] = j->attempt;
	x->state[x->n] = j->state;
	x->current[x->n] = j->current;
	x->params[x->n] = xstrdup(j->params);
	x->results[x->n] = j->results != NULL ? xstrdup(j->results) : NULL;
	x->error[x->n] = j->error != NULL ? xstrdup(j->error) : NULL;
	x->start[x->n] = j->start;
	x->end[x->n] = j->end;
	x->maxrss[x->n] = j->maxrss_kb;
	x->n++;
	return x->stop_after > 0 && x->n == (size_t)x->stop_after;
}

static void
seen_free(struct seen *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		free(x->params[i]);
		free(x->results[i]);
		free(x->error[i]);
	}
	memset(x, 0, sizeof *x);
}

static void
each(struct notebook *n, const struct nb_set *s, unsigned states,
    bool current_only, struct seen *x)
{
	char *err = NULL;

	memset(x, 0, sizeof *x);
	testutil_ok(notebook_jobs_each(n, s->id, states, current_only, seen_add,
	    x, &err), err, "jobs_each");
}

/* The points of a page, as "p,p,p". */
static char *
page(struct notebook *n, const struct nb_set *s, const char *sort,
    bool desc, unsigned states, uint64_t offset, uint64_t limit)
{
	struct seen x;
	struct buf b;
	char *err = NULL;
	size_t i;

	memset(&x, 0, sizeof x);
	testutil_ok(notebook_jobs_page(n, s->id, sort, desc, states, offset,
	    limit, seen_add, &x, &err), err, "jobs_page");
	buf_init(&b);
	for (i = 0; i < x.n; i++)
		buf_printf(&b, "%s%" PRIu64, i > 0 ? "," : "", x.point[i]);
	seen_free(&x);
	return buf_steal(&b);
}

#define ck_assert_page(got, want) do {					\
	char *g_ = (got);						\
	ck_assert_str_eq(g_, (want));					\
	free(g_);							\
} while (0)

/* One integer answer from a private sqlite3 connection to file. */
static int64_t
sql_int(const char *file, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_open(file, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Run sql on file with a private connection. */
static void
sql_exec(const char *file, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(file, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		ck_abort_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* One text answer from a private connection to file: owned, or NULL. */
static char *
sql_text(const char *file, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	const char *t;
	char *v = NULL;

	ck_assert_int_eq(sqlite3_open(file, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (t = (const char *)sqlite3_column_text(st, 0)) != NULL)
		v = xstrdup(t);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Everything a finish could change in job id's row, as one string. */
static char *
job_row(const char *file, int64_t id)
{
	char *sql, *v;

	sql = xasprintf("SELECT state || '|' || current || '|' || "
	    "coalesce(error, '-') || '|' || coalesce(\"end\", '-') || '|' || "
	    "coalesce(results, '-') || '|' || coalesce(exit_code, '-') || "
	    "'|' || coalesce(stderr_tail, '-') FROM job WHERE id = %" PRId64,
	    id);
	v = sql_text(file, sql);
	free(sql);
	ck_assert_ptr_nonnull(v);
	return v;
}

/* Open file expecting a refusal; returns the message. */
static char *
open_refused(const char *file)
{
	struct notebook *n = NULL;
	char *err = NULL;

	ck_assert_int_eq(notebook_open(file, NOTEBOOK_CREATE, &n, &err), -1);
	ck_assert_ptr_null(n);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, file) != NULL, "message names the file: %s",
	    err);
	return err;
}

START_TEST(test_create_reopen)
{
	struct nb_set s, t;
	struct nb_counts c;
	char *err = NULL;
	int64_t id;

	ck_assert_str_eq(notebook_path(nb), path);
	ck_assert_int_eq(sql_int(path, "PRAGMA user_version"),
	    NOTEBOOK_SCHEMA_VERSION);
	ck_assert_int_eq(sql_int(path, "PRAGMA application_id"),
	    NOTEBOOK_APPLICATION_ID);
	ck_assert_int_eq(sql_int(path, "SELECT journal_mode = 'wal' FROM "
	    "pragma_journal_mode"), 1);

	memset(&s, 0, sizeof s);
	s.tag = xstrdup("first");
	s.attributes = xstrdup("{\"who\":\"me\"}");
	s.space = xstrdup("{\"x\":[1,2]}");
	s.experiment = xstrdup("{\"argv\":[\"echo\"]}");
	s.cores = -1;
	s.timeout = 2.5;
	s.mem_limit = UINT64_C(1) << 33;
	s.retries = 3;
	s.repeat = 2;
	s.sequential = true;
	s.seed = UINT64_C(0xfedcba9876543210);
	s.npoints = 2;
	s.njobs = 4;
	testutil_ok(notebook_set_create(nb, &s, &err), err, "set_create");
	ck_assert_str_eq(s.status, "new");
	ck_assert(s.created > 0);
	id = start_plain(nb, &s, 0);
	finish_ok(nb, id, "{\"y\":1}");
	notebook_close(nb);

	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &nb, &err), err, "reopen");
	testutil_ok(notebook_set_find(nb, "first", &t, &err), err, "find");
	ck_assert_int_eq(t.id, s.id);
	ck_assert_str_eq(t.description, "");
	ck_assert_str_eq(t.attributes, "{\"who\":\"me\"}");
	ck_assert_str_eq(t.space, "{\"x\":[1,2]}");
	ck_assert_str_eq(t.experiment, "{\"argv\":[\"echo\"]}");
	ck_assert_str_eq(t.backend, "local");
	ck_assert_int_eq(t.cores, -1);
	ck_assert(t.timeout == 2.5);
	ck_assert_uint_eq(t.mem_limit, UINT64_C(1) << 33);
	ck_assert_int_eq(t.retries, 3);
	ck_assert_int_eq(t.repeat, 2);
	ck_assert(t.sequential);
	ck_assert(t.seed == UINT64_C(0xfedcba9876543210));
	ck_assert_uint_eq(t.npoints, 2);
	ck_assert_uint_eq(t.njobs, 4);
	ck_assert_uint_eq(t.cursor, 1);
	ck_assert(!t.locked);
	ck_assert(t.created == s.created);
	c = counts_of(nb, &t);
	ck_assert_uint_eq(c.n[NB_OK], 1);
	ck_assert_uint_eq(c.total, 4);
	ck_assert_uint_eq(c.pending, 3);
	notebook_set_clear(&s);
	notebook_set_clear(&t);
}
END_TEST

START_TEST(test_sets)
{
	struct nb_set a, b, dup, f, *v;
	char *err = NULL;
	size_t n;

	make_set(nb, "alpha", 3, 1, &a);
	make_set(nb, "beta", 5, 2, &b);
	ck_assert_int_ne(a.id, b.id);

	memset(&dup, 0, sizeof dup);
	dup.tag = xstrdup("alpha");
	dup.repeat = 1;
	ck_assert_int_eq(notebook_set_create(nb, &dup, &err), -1);
	ck_assert_msg(strstr(err, "labrat resume alpha") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "-t NEWTAG") != NULL, "%s", err);
	free(err);
	err = NULL;
	/* Inconsistent sizes and bad attributes are refused too. */
	free(dup.tag);
	dup.tag = xstrdup("gamma");
	dup.npoints = 3;
	dup.njobs = 4;
	ck_assert_int_eq(notebook_set_create(nb, &dup, &err), -1);
	ck_assert_msg(strstr(err, "njobs") != NULL, "%s", err);
	free(err);
	err = NULL;
	dup.njobs = 3;
	dup.attributes = xstrdup("[1]");
	ck_assert_int_eq(notebook_set_create(nb, &dup, &err), -1);
	ck_assert_msg(strstr(err, "attributes") != NULL, "%s", err);
	free(err);
	err = NULL;
	notebook_set_clear(&dup);

	ck_assert_int_eq(notebook_set_find(nb, "nope", &f, &err), -1);
	ck_assert_msg(strstr(err, "no result set 'nope'") != NULL &&
	    strstr(err, path) != NULL && strstr(err, "labrat sets") != NULL,
	    "%s", err);
	free(err);
	err = NULL;

	testutil_ok(notebook_set_list(nb, &v, &n, &err), err, "list");
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].tag, "alpha");
	ck_assert_str_eq(v[1].tag, "beta");
	ck_assert_uint_eq(v[1].njobs, 10);
	notebook_set_clear(&v[0]);
	notebook_set_clear(&v[1]);
	free(v);

	testutil_ok(notebook_set_status(nb, b.id, "running", 4242, 0, NULL, &err), err,
	    "status");
	testutil_ok(notebook_set_find(nb, "beta", &f, &err), err, "find");
	ck_assert_str_eq(f.status, "running");
	ck_assert_int_eq(f.runner_pid, 4242);
	ck_assert(f.heartbeat > 0);
	notebook_set_clear(&f);
	testutil_ok(notebook_set_status(nb, b.id, "stopped", 0, 0, NULL, &err), err,
	    "stopped");
	ck_assert_int_eq(notebook_set_status(nb, b.id, "dancing", 1, 0, NULL, &err),
	    -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_heartbeat(nb, 9999, &err), -1);
	free(err);
	err = NULL;
	testutil_ok(notebook_heartbeat(nb, a.id, &err), err, "heartbeat");
	notebook_set_clear(&a);
	notebook_set_clear(&b);
}
END_TEST

START_TEST(test_lock)
{
	static const char want[] = "result set 'done' is locked: its results "
	    "are final (epyc finish()); start a new tag to run more";
	struct nb_set s, f;
	struct nb_work w;
	char *err = NULL;
	uint64_t n;
	int64_t id;

	make_set(nb, "done", 4, 1, &s);
	id = start_plain(nb, &s, 0);
	testutil_ok(notebook_set_lock(nb, s.id, &err), err, "lock");
	testutil_ok(notebook_set_find(nb, "done", &f, &err), err, "find");
	ck_assert(f.locked);
	notebook_set_clear(&f);

	memset(&w, 0, sizeof w);
	w.pos = 1;
	w.point = 1;
	ck_assert_int_eq(notebook_job_start(nb, s.id, &w, "{}", 1, NULL, -1, NULL,
	    &err), -1);
	ck_assert_str_eq(err, want);
	free(err);
	err = NULL;
	ck_assert_int_eq(finish(nb, id, NB_OK, NULL, false, &err), -1);
	ck_assert_str_eq(err, want);
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_recover(nb, s.id, &n, &err), -1);
	ck_assert_str_eq(err, want);
	free(err);
	ck_assert_uint_eq(counts_of(nb, &s).n[NB_RUNNING], 1);
	ck_assert_uint_eq(counts_of(nb, &s).n[NB_OK], 0);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_counts)
{
	struct nb_set s;
	struct nb_counts c;
	struct nb_work w;
	char *err = NULL;
	int64_t id[6];
	uint64_t n;
	int i;

	make_set(nb, "c", 5, 2, &s);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.total, 10);
	ck_assert_uint_eq(c.pending, 10);
	ck_assert(c.ready == 0);
	for (i = 0; i < 6; i++)
		id[i] = start_plain(nb, &s, (uint64_t)i);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_RUNNING], 6);
	ck_assert_uint_eq(c.pending, 4);

	finish_ok(nb, id[0], "{\"y\":1}");
	finish_ok(nb, id[1], NULL);
	testutil_ok(finish(nb, id[2], NB_FAILED, NULL, false, &err), err, "f");
	testutil_ok(finish(nb, id[3], NB_CANCELLED, NULL, false, &err), err,
	    "c");
	testutil_ok(finish(nb, id[4], NB_FAILED, NULL, true, &err), err, "r");
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_OK], 2);
	ck_assert_uint_eq(c.n[NB_FAILED], 1);
	ck_assert_uint_eq(c.n[NB_CANCELLED], 1);
	ck_assert_uint_eq(c.n[NB_RUNNING], 1);
	ck_assert_uint_eq(c.n[NB_QUEUED], 1);
	ck_assert_uint_eq(c.pending, 4 + 1);
	ck_assert(c.ready == 0.4);

	/* The retry runs and succeeds: queued -> running -> ok. */
	ck_assert_int_eq(notebook_next_queued(nb, s.id, 0, &w, &err), 1);
	ck_assert_uint_eq(w.point, 4);
	ck_assert_int_eq(w.attempt, 2);
	testutil_ok(notebook_job_start(nb, s.id, &w, "{\"p\":4}", 5, "h", 1, NULL,
	    &err), err, "restart");
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_QUEUED], 0);
	ck_assert_uint_eq(c.n[NB_RUNNING], 2);
	finish_ok(nb, w.job_id, NULL);

	/* The runner dies: the running one comes back queued. */
	testutil_ok(notebook_recover(nb, s.id, &n, &err), err, "recover");
	ck_assert_uint_eq(n, 1);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_RUNNING], 0);
	ck_assert_uint_eq(c.n[NB_QUEUED], 1);
	ck_assert_uint_eq(c.n[NB_INTERRUPTED], 0);
	ck_assert_uint_eq(c.n[NB_OK], 3);
	ck_assert_uint_eq(c.pending, 5);
	ck_assert_uint_eq(c.n[NB_QUEUED] + c.n[NB_RUNNING] + c.n[NB_OK] +
	    c.n[NB_FAILED] + c.n[NB_CANCELLED], 6);
	/* A result set with nothing to do is ready. */
	notebook_set_clear(&s);
	make_set(nb, "empty", 0, 1, &s);
	c = counts_of(nb, &s);
	ck_assert(c.ready == 1);
	ck_assert_uint_eq(c.pending, 0);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_cursor)
{
	struct nb_set s, f;
	struct nb_work w;
	char *err = NULL;

	make_set(nb, "cur", 2, 1, &s);
	memset(&w, 0, sizeof w);
	w.pos = 1;
	w.point = 1;
	ck_assert_int_eq(notebook_job_start(nb, s.id, &w, "{}", 1, NULL, -1, NULL,
	    &err), -1);
	ck_assert_msg(strstr(err, "another runner") != NULL, "%s", err);
	ck_assert_int_eq(w.job_id, 0);
	free(err);
	err = NULL;
	start_plain(nb, &s, 0);
	/* The same position twice: the cursor has moved past it. */
	memset(&w, 0, sizeof w);
	ck_assert_int_eq(notebook_job_start(nb, s.id, &w, "{}", 1, NULL, -1, NULL,
	    &err), -1);
	free(err);
	err = NULL;
	/* Bad parameters are refused and move nothing. */
	w.pos = 1;
	w.point = 1;
	ck_assert_int_eq(notebook_job_start(nb, s.id, &w, "{\"a\":", 1, NULL,
	    -1, NULL, &err), -1);
	free(err);
	err = NULL;
	testutil_ok(notebook_set_find(nb, "cur", &f, &err), err, "find");
	ck_assert_uint_eq(f.cursor, 1);
	notebook_set_clear(&f);
	start_plain(nb, &s, 1);
	w.pos = 2;
	w.point = 0;
	ck_assert_int_eq(notebook_job_start(nb, s.id, &w, "{}", 1, NULL, -1, NULL,
	    &err), -1);
	ck_assert_msg(strstr(err, "handed out") != NULL, "%s", err);
	free(err);
	err = NULL;
	testutil_ok(notebook_set_find(nb, "cur", &f, &err), err, "find");
	ck_assert_uint_eq(f.cursor, 2);
	notebook_set_clear(&f);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_requeue)
{
	struct nb_set s;
	struct nb_work w, w2;
	struct seen x;
	char *err = NULL;
	int64_t a, b;
	int fails;

	make_set(nb, "rq", 3, 1, &s);
	a = start_plain(nb, &s, 0);
	b = start_plain(nb, &s, 1);
	ck_assert_int_eq(notebook_next_queued(nb, s.id, 0, &w, &err), 0);
	testutil_ok(finish(nb, b, NB_FAILED, "{\"why\":1}", true, &err), err,
	    "requeue b");
	testutil_ok(finish(nb, a, NB_FAILED, NULL, true, &err), err,
	    "requeue a");
	/* Finishing twice records nothing twice: the caller is told the
	 * row is not running any more, without an error. */
	ck_assert_int_eq(finish(nb, a, NB_OK, NULL, false, &err),
	    NOTEBOOK_NOT_RUNNING);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(counts_of(nb, &s).n[NB_OK], 0);

	/* The oldest queued row comes first. */
	ck_assert_int_eq(notebook_next_queued(nb, s.id, 0, &w, &err), 1);
	ck_assert_uint_eq(w.point, 1);
	ck_assert_int_eq(w.attempt, 2);
	testutil_ok(notebook_job_start(nb, s.id, &w, "{\"p\":1}", 7, "h", 0, NULL,
	    &err), err, "start queued");
	/* Starting it again is refused: it is running now. */
	w2 = w;
	ck_assert_int_eq(notebook_job_start(nb, s.id, &w2, "{\"p\":1}", 7,
	    "h", 0, NULL, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_next_queued(nb, s.id, 0, &w2, &err), 1);
	ck_assert_uint_eq(w2.point, 0);
	testutil_ok(notebook_failures(nb, s.id, 1, 0, &fails, &err), err,
	    "failures");
	ck_assert_int_eq(fails, 1);
	testutil_ok(finish(nb, w.job_id, NB_FAILED, NULL, true, &err), err,
	    "requeue again");
	testutil_ok(notebook_failures(nb, s.id, 1, 0, &fails, &err), err,
	    "failures");
	ck_assert_int_eq(fails, 2);

	each(nb, &s, 0, false, &x);
	ck_assert_uint_eq(x.n, 5);
	/* point 0: failed (not current), queued attempt 2 (current). */
	ck_assert_uint_eq(x.point[0], 0);
	ck_assert_int_eq(x.state[0], NB_FAILED);
	ck_assert(!x.current[0]);
	ck_assert_int_eq(x.state[1], NB_QUEUED);
	ck_assert_int_eq(x.attempt[1], 2);
	ck_assert(x.current[1]);
	ck_assert_str_eq(x.params[1], "{\"p\":0}");
	ck_assert_uint_eq(x.point[4], 1);
	ck_assert_int_eq(x.attempt[4], 3);
	ck_assert_str_eq(x.results[2], "{\"why\":1}");
	seen_free(&x);
	/* Queued retries keep their parameters' sort values; superseded
	 * attempts keep none. */
	ck_assert_page(page(nb, &s, "p", true, 0, 0, 10), "1,0");
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM value v "
	    "JOIN job j ON j.id = v.job_id WHERE NOT j.current"), 0);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM value"), 2);
	notebook_set_clear(&s);
}
END_TEST

/* In a child: start ten jobs, finish six, then a batch that never
 * commits, and die without closing anything. */
static void
crash_child(const char *file)
{
	struct notebook *n;
	struct nb_set s;
	char *err = NULL;
	int64_t id[11];
	int i;

	if (notebook_open(file, NOTEBOOK_CREATE, &n, &err) != 0 ||
	    notebook_set_find(n, "crash", &s, &err) != 0)
		_exit(2);
	for (i = 0; i < 10; i++)
		id[i] = start_plain(n, &s, (uint64_t)i);
	for (i = 0; i < 6; i++)
		finish_ok(n, id[i], "{\"y\":2}");
	if (notebook_begin(n, &err) != 0)
		_exit(3);
	id[10] = start_plain(n, &s, 10);
	finish_ok(n, id[10], "{\"y\":3}");
	finish_ok(n, id[6], "{\"y\":3}");
	_exit(0);
}

START_TEST(test_crash_exit)
{
	struct nb_set s;
	struct nb_counts c;
	struct seen x;
	char *err = NULL;
	uint64_t n;
	pid_t pid;
	int status;
	size_t i;

	make_set(nb, "crash", 20, 1, &s);
	notebook_close(nb);
	nb = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		crash_child(path);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &nb, &err), err, "reopen");
	notebook_set_clear(&s);
	testutil_ok(notebook_set_find(nb, "crash", &s, &err), err, "find");
	ck_assert_uint_eq(s.cursor, 10);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_OK], 6);
	ck_assert_uint_eq(c.n[NB_RUNNING], 4);
	testutil_ok(notebook_recover(nb, s.id, &n, &err), err, "recover");
	ck_assert_uint_eq(n, 4);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_QUEUED], 4);
	ck_assert_uint_eq(c.n[NB_RUNNING], 0);
	ck_assert_uint_eq(c.pending, 10 + 4);

	each(nb, &s, 0, false, &x);
	ck_assert_uint_eq(x.n, 14);
	for (i = 0; i < x.n; i++) {
		if (x.point[i] < 6) {
			ck_assert_int_eq(x.state[i], NB_OK);
			ck_assert_str_eq(x.results[i], "{\"y\":2}");
		} else if (x.attempt[i] == 1) {
			ck_assert_int_eq(x.state[i], NB_INTERRUPTED);
			ck_assert(!x.current[i]);
		} else {
			ck_assert_int_eq(x.state[i], NB_QUEUED);
			ck_assert(x.current[i]);
		}
	}
	seen_free(&x);
	/* Recovering again finds nothing more. */
	testutil_ok(notebook_recover(nb, s.id, &n, &err), err, "recover");
	ck_assert_uint_eq(n, 0);
	notebook_set_clear(&s);
}
END_TEST

/* In a child: record jobs as fast as it can, every seventh left running,
 * in batches of 16, until it is killed. */
static void
writer_child(const char *file)
{
	struct notebook *n;
	struct nb_set s;
	char *err = NULL;
	uint64_t pos;
	int64_t id;

	if (notebook_open(file, NOTEBOOK_CREATE, &n, &err) != 0 ||
	    notebook_set_find(n, "kill", &s, &err) != 0)
		_exit(2);
	for (pos = 0; pos < s.njobs; pos++) {
		if (pos % 16 == 0 && notebook_begin(n, &err) != 0)
			_exit(3);
		id = start_plain(n, &s, pos);
		if (pos % 7 != 3)
			finish_ok(n, id, "{\"y\":1}");
		if (pos % 16 == 15 && notebook_commit(n, &err) != 0)
			_exit(4);
	}
	_exit(5);
}

/* Per point: how many ok rows, current rows and running rows. */
struct tally {
	uint64_t njobs;
	unsigned char *ok, *cur;
	uint64_t rows, running, interrupted;
};

static int
tally_add(const struct nb_job *j, void *arg)
{
	struct tally *t = arg;

	ck_assert_uint_lt(j->point, t->njobs);
	t->rows++;
	if (j->state == NB_OK)
		t->ok[j->point]++;
	if (j->current)
		t->cur[j->point]++;
	if (j->state == NB_RUNNING)
		t->running++;
	if (j->state == NB_INTERRUPTED)
		t->interrupted++;
	return 0;
}

START_TEST(test_crash_kill9)
{
	struct nb_set s;
	struct nb_counts c;
	struct tally t;
	struct timespec ts = { 0, 1000000 };
	char *err = NULL;
	uint64_t n, p, oks = 0;
	double t0;
	pid_t pid;
	int status;

	make_set(nb, "kill", 100000, 1, &s);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* The parent's connection is not the child's to use. */
		writer_child(path);
	}
	/* Wait until it is well into its work, then kill it mid-way. */
	t0 = util_monotonic();
	while (counts_of(nb, &s).n[NB_OK] < 300) {
		if (util_monotonic() - t0 > 60) {
			kill(pid, SIGKILL);
			ck_abort_msg("the writer made no progress");
		}
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	notebook_close(nb);
	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &nb, &err), err, "reopen");
	notebook_set_clear(&s);
	testutil_ok(notebook_set_find(nb, "kill", &s, &err), err, "find");
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_QUEUED] + c.n[NB_RUNNING] + c.n[NB_OK],
	    s.cursor);
	testutil_ok(notebook_recover(nb, s.id, &n, &err), err, "recover");
	ck_assert_uint_eq(n, c.n[NB_RUNNING]);
	ck_assert_uint_ge(n, s.cursor / 7);

	memset(&t, 0, sizeof t);
	t.njobs = s.njobs;
	t.ok = xcalloc(s.njobs, 1);
	t.cur = xcalloc(s.njobs, 1);
	testutil_ok(notebook_jobs_each(nb, s.id, 0, false, tally_add, &t, &err),
	    err, "each");
	for (p = 0; p < s.njobs; p++) {
		ck_assert_uint_le(t.ok[p], 1);
		ck_assert_uint_eq(t.cur[p], p < s.cursor ? 1 : 0);
		oks += t.ok[p];
	}
	ck_assert_uint_eq(oks, c.n[NB_OK]);
	ck_assert_uint_eq(t.running, 0);
	ck_assert_uint_eq(t.interrupted, n);
	ck_assert_uint_eq(t.rows, s.cursor + n);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_QUEUED], n);
	ck_assert_uint_eq(c.n[NB_OK], oks);
	free(t.ok);
	free(t.cur);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_migration)
{
	char *file, *want, *err = NULL;
	struct notebook *n = NULL;
	struct stat sb;
	static const char other[] = "CREATE TABLE photos (id INTEGER, "
	    "path TEXT); PRAGMA user_version = 3;";
	static const char text[] = "hello, this is not a database at all, "
	    "just some text long enough to fill a header\n";

	/* An empty file (an SQLite database with nothing in it). */
	file = testutil_path(dir, "empty.db");
	testutil_write_file(file, "", 0);
	testutil_ok(notebook_open(file, NOTEBOOK_CREATE, &n, &err), err, "open empty");
	notebook_close(n);
	ck_assert_int_eq(sql_int(file, "PRAGMA user_version"),
	    NOTEBOOK_SCHEMA_VERSION);
	ck_assert_int_eq(sql_int(file, "SELECT count(*) FROM sqlite_master "
	    "WHERE name IN ('resultset', 'job', 'counts', 'name', 'value')"),
	    5);
	free(file);

	/* An empty SQLite database made by sqlite3. */
	file = testutil_path(dir, "v0.db");
	sql_exec(file, "PRAGMA user_version = 0");
	testutil_ok(notebook_open(file, NOTEBOOK_CREATE, &n, &err), err, "open v0");
	notebook_close(n);
	ck_assert_int_eq(sql_int(file, "PRAGMA user_version"),
	    NOTEBOOK_SCHEMA_VERSION);
	/* Reopening a current notebook changes nothing. */
	testutil_ok(notebook_open(file, NOTEBOOK_CREATE, &n, &err), err, "reopen v0");
	notebook_close(n);
	free(file);

	/* Written by a newer labrat. */
	file = testutil_path(dir, "v99.db");
	sql_exec(file, "PRAGMA application_id = 1279414868; "
	    "PRAGMA user_version = 99; CREATE TABLE future (x);");
	err = open_refused(file);
	want = xasprintf("newer labrat (schema 99, this labrat knows up to "
	    "%d): upgrade labrat", NOTEBOOK_SCHEMA_VERSION);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	free(want);
	free(err);
	free(file);

	/* A text file. */
	file = testutil_path(dir, "notes.txt");
	testutil_write_file(file, text, strlen(text));
	err = open_refused(file);
	ck_assert_msg(strstr(err, "is not a labrat notebook (not an SQLite "
	    "database)") != NULL, "%s", err);
	free(err);
	free(file);

	/* Another program's database: refused and left as it was. */
	file = testutil_path(dir, "photos.db");
	sql_exec(file, other);
	err = open_refused(file);
	ck_assert_msg(strstr(err, "is an SQLite database but not a labrat "
	    "notebook") != NULL, "%s", err);
	free(err);
	ck_assert_int_eq(sql_int(file, "SELECT journal_mode = 'delete' FROM "
	    "pragma_journal_mode"), 1);
	ck_assert_int_eq(sql_int(file, "PRAGMA user_version"), 3);
	free(file);
	file = testutil_path(dir, "otherapp.db");
	sql_exec(file, "PRAGMA application_id = 1234");
	err = open_refused(file);
	ck_assert_msg(strstr(err, "but not a labrat notebook") != NULL, "%s",
	    err);
	free(err);
	free(file);

	/* A directory. */
	file = testutil_path(dir, "sub");
	ck_assert_int_eq(mkdir(file, 0700), 0);
	err = open_refused(file);
	ck_assert_msg(strstr(err, "is a directory") != NULL, "%s", err);
	free(err);
	free(file);

	/* Permission denied (root reads everything: only as a user). */
	file = testutil_path(dir, "locked.db");
	testutil_write_file(file, "", 0);
	ck_assert_int_eq(chmod(file, 0400), 0);
	if (geteuid() != 0) {
		err = open_refused(file);
		ck_assert_msg(strstr(err, "Permission denied") != NULL, "%s",
		    err);
		free(err);
	}
	free(file);

	/* A missing directory. */
	file = testutil_path(dir, "no/such/dir.db");
	err = open_refused(file);
	ck_assert_msg(strstr(err, "does not exist") != NULL, "%s", err);
	ck_assert_int_ne(stat(file, &sb), 0);
	free(err);
	free(file);
}
END_TEST

/* In a child: read counts until the writer is done; the counts must
 * always add up and never go backwards.  Exit 0 if they did. */
static void
reader_child(const char *file, uint64_t want, int ready)
{
	struct notebook *n;
	struct nb_set s;
	struct nb_counts c;
	char *err = NULL;
	uint64_t last_ok = 0, last_done = 0, sum, done;
	double t0 = util_monotonic();

	if (notebook_open(file, NOTEBOOK_CREATE, &n, &err) != 0 ||
	    notebook_set_find(n, "live", &s, &err) != 0)
		_exit(2);
	if (write(ready, "r", 1) != 1)
		_exit(3);
	do {
		if (notebook_counts(n, &s, &c, &err) != 0)
			_exit(4);
		sum = c.n[NB_QUEUED] + c.n[NB_RUNNING] + c.n[NB_OK] +
		    c.n[NB_FAILED] + c.n[NB_CANCELLED];
		done = c.n[NB_OK] + c.n[NB_FAILED];
		/* Every position handed out has one current row. */
		if (sum != c.total - (c.pending - c.n[NB_QUEUED]))
			_exit(5);
		if (c.n[NB_OK] < last_ok || done < last_done)
			_exit(6);
		last_ok = c.n[NB_OK];
		last_done = done;
		if (util_monotonic() - t0 > 60)
			_exit(7);
	} while (last_done < want);
	_exit(0);
}

START_TEST(test_concurrent_reader)
{
	enum { NJOBS = 2000 };
	struct nb_set s;
	char *err = NULL;
	int fds[2], status;
	double t, worst = 0;
	uint64_t pos;
	int64_t id;
	pid_t pid;
	char c;

	make_set(nb, "live", NJOBS, 1, &s);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		reader_child(path, NJOBS, fds[1]);
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	close(fds[0]);
	for (pos = 0; pos < NJOBS; pos++) {
		t = util_monotonic();
		id = start_plain(nb, &s, pos);
		if (pos % 10 == 9)
			testutil_ok(finish(nb, id, NB_FAILED, NULL, false, &err),
			    err, "finish");
		else
			finish_ok(nb, id, "{\"y\":1}");
		t = util_monotonic() - t;
		if (t > worst)
			worst = t;
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "reader failed: status %d", status);
	/* A blocked writer would have waited for the 5 s busy timeout. */
	ck_assert_msg(worst < 4.0, "a write took %.3f s", worst);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_jobs_each)
{
	struct nb_set s;
	struct seen x;
	char *err = NULL;
	int64_t id[6];
	int i;

	make_set(nb, "each", 3, 2, &s);
	for (i = 0; i < 6; i++)
		id[i] = start_plain(nb, &s, (uint64_t)i);
	/* Positions 0..5 are points 0,1,2,0,1,2 with reps 0,0,0,1,1,1. */
	finish_ok(nb, id[0], NULL);
	finish_ok(nb, id[4], NULL);
	testutil_ok(finish(nb, id[1], NB_FAILED, NULL, true, &err), err, "f");
	testutil_ok(finish(nb, id[2], NB_FAILED, NULL, false, &err), err, "f");

	each(nb, &s, 0, false, &x);
	ck_assert_uint_eq(x.n, 7);
	ck_assert_uint_eq(x.point[0], 0);
	ck_assert_int_eq(x.rep[0], 0);
	ck_assert_uint_eq(x.point[1], 0);
	ck_assert_int_eq(x.rep[1], 1);
	ck_assert_uint_eq(x.point[2], 1);
	ck_assert_int_eq(x.attempt[2], 1);
	ck_assert_uint_eq(x.point[3], 1);
	ck_assert_int_eq(x.attempt[3], 2);
	ck_assert_int_eq(x.state[3], NB_QUEUED);
	ck_assert(x.start[0] > 0 && x.end[0] == 2000);
	ck_assert(x.end[1] == 0);
	ck_assert_ptr_null(x.results[0]);
	ck_assert_int_eq(x.maxrss[0], -1);
	seen_free(&x);

	each(nb, &s, 0, true, &x);
	ck_assert_uint_eq(x.n, 6);
	seen_free(&x);
	each(nb, &s, NB_STATE_BIT(NB_FAILED), false, &x);
	ck_assert_uint_eq(x.n, 2);
	seen_free(&x);
	each(nb, &s, NB_STATE_BIT(NB_FAILED), true, &x);
	ck_assert_uint_eq(x.n, 1);
	ck_assert_uint_eq(x.point[0], 2);
	ck_assert_str_eq(x.error[0], "exit 1");
	seen_free(&x);
	each(nb, &s, NB_STATE_BIT(NB_RUNNING) | NB_STATE_BIT(NB_QUEUED), true,
	    &x);
	ck_assert_uint_eq(x.n, 3);
	seen_free(&x);
	/* One state of few current jobs is read through job_state: the same
	 * jobs in the same order as through the whole set. */
	for (i = 0; i < NB_NSTATES; i++) {
		struct nb_page_limits saved = nb_page_limits;
		struct seen y;
		size_t k;

		each(nb, &s, NB_STATE_BIT(i), true, &x);
		nb_page_limits.few = 0;
		each(nb, &s, NB_STATE_BIT(i), true, &y);
		nb_page_limits = saved;
		ck_assert_uint_eq(x.n, y.n);
		for (k = 0; k < x.n; k++)
			ck_assert_int_eq(x.id[k], y.id[k]);
		seen_free(&x);
		seen_free(&y);
	}
	each(nb, &s, NB_STATE_BIT(NB_RUNNING), true, &x);
	ck_assert_uint_eq(x.n, 2);
	ck_assert_int_eq(x.id[0], id[3]);
	ck_assert_int_eq(x.id[1], id[5]);
	seen_free(&x);
	/* A callback can stop the visit. */
	memset(&x, 0, sizeof x);
	x.stop_after = 2;
	testutil_ok(notebook_jobs_each(nb, s.id, 0, false, seen_add, &x, &err),
	    err, "each");
	ck_assert_uint_eq(x.n, 2);
	seen_free(&x);
	notebook_set_clear(&s);
}
END_TEST

/* Ten jobs sorted by a result r: numbers (with a tie), strings, none. */
static void
page_fixture(struct nb_set *s)
{
	static const char *const res[10] = {
		"{\"r\":5.5}", "{\"r\":-1}", "{\"r\":10}", "{\"r\":-100}",
		"{\"r\":5.5,\"s\":\"x\"}", "{\"r\":1e300}", "{\"r\":\"b\"}",
		"{\"r\":\"a\"}", "{\"r\":null}", NULL
	};
	struct nb_outcome o;
	struct nb_work w;
	char *err = NULL, params[64];
	int64_t id[10];
	int i;

	make_set(nb, "pg", 10, 1, s);
	for (i = 0; i < 10; i++) {
		snprintf(params, sizeof params, "{\"x\":%d,\"name\":\"n%d\"}",
		    (i * 7) % 10, 9 - i);
		id[i] = start_at(nb, s, (uint64_t)i, params);
	}
	for (i = 0; i < 9; i++) {
		memset(&o, 0, sizeof o);
		o.state = i == 8 ? NB_FAILED : NB_OK;
		o.results_json = res[i];
		o.start = 100;
		o.end = 100 + (i * 3) % 10;     /* elapsed 0,3,6,9,2,5,8,1,4 */
		o.maxrss_kb = i == 5 ? -1 : 1000 + i;
		o.exit_code = 0;
		o.requeue = i == 3;
		testutil_ok(notebook_job_finish(nb, job_set(nb, id[i]), id[i], &o, &err), err,
		    "finish");
	}
	/* Point 3 failed with r=-100 and was retried: r=3 now. */
	ck_assert_int_eq(notebook_next_queued(nb, s->id, 0, &w, &err), 1);
	testutil_ok(notebook_job_start(nb, s->id, &w, "{\"x\":1,\"name\":\"n6\"}",
	    200, NULL, -1, NULL, &err), err, "restart");
	memset(&o, 0, sizeof o);
	o.state = NB_OK;
	o.results_json = "{\"r\":3}";
	o.start = 200;
	o.end = 207;
	o.maxrss_kb = 900;
	testutil_ok(notebook_job_finish(nb, job_set(nb, w.job_id), w.job_id, &o, &err), err, "finish");
}

START_TEST(test_jobs_page)
{
	struct nb_set s;
	unsigned okbit = NB_STATE_BIT(NB_OK);

	page_fixture(&s);
	ck_assert_page(page(nb, &s, "r", false, 0, 0, 100),
	    "1,3,0,4,2,5,7,6,8,9");
	ck_assert_page(page(nb, &s, "r", true, 0, 0, 100),
	    "5,2,4,0,3,1,6,7,8,9");
	/* Pages across the parts, and past them. */
	ck_assert_page(page(nb, &s, "r", false, 0, 3, 3), "4,2,5");
	ck_assert_page(page(nb, &s, "r", false, 0, 5, 3), "5,7,6");
	ck_assert_page(page(nb, &s, "r", false, 0, 7, 2), "6,8");
	ck_assert_page(page(nb, &s, "r", false, 0, 8, 5), "8,9");
	ck_assert_page(page(nb, &s, "r", false, 0, 9, 5), "9");
	ck_assert_page(page(nb, &s, "r", false, 0, 10, 5), "");
	ck_assert_page(page(nb, &s, "r", false, 0, 0, 0), "");
	ck_assert_page(page(nb, &s, "r", false, okbit, 0, 100),
	    "1,3,0,4,2,5,7,6");
	ck_assert_page(page(nb, &s, "r", true, NB_STATE_BIT(NB_RUNNING) |
	    NB_STATE_BIT(NB_FAILED), 0, 100), "8,9");
	ck_assert_page(page(nb, &s, "s", false, 0, 0, 100),
	    "4,0,1,2,3,5,6,7,8,9");
	/* Parameters: a number and a string. */
	ck_assert_page(page(nb, &s, "x", false, 0, 0, 100),
	    "0,3,6,9,2,5,8,1,4,7");
	ck_assert_page(page(nb, &s, "x", true, okbit, 1, 3), "4,1,5");
	ck_assert_page(page(nb, &s, "name", false, 0, 0, 3), "9,8,7");
	/* Metadata columns. */
	ck_assert_page(page(nb, &s, "point", true, 0, 0, 4), "9,8,7,6");
	ck_assert_page(page(nb, &s, NULL, false, 0, 2, 3), "2,3,4");
	ck_assert_page(page(nb, &s, "elapsed", false, 0, 0, 100),
	    "0,7,4,1,8,5,2,3,6,9");
	ck_assert_page(page(nb, &s, "elapsed", true, 0, 0, 100),
	    "6,3,2,5,8,1,4,7,0,9");
	ck_assert_page(page(nb, &s, "maxrss_kb", false, 0, 0, 100),
	    "3,0,1,2,4,6,7,8,5,9");
	ck_assert_page(page(nb, &s, "end", true, 0, 0, 2), "3,6");
	ck_assert_page(page(nb, &s, "start", false, 0, 8, 100), "3,9");
	ck_assert_page(page(nb, &s, "state", false, 0, 0, 100),
	    "8,0,1,2,4,5,6,7,3,9");
	/* A name nobody has: every job lacks it, in point order. */
	ck_assert_page(page(nb, &s, "nothing", true, 0, 0, 3), "0,1,2");
	notebook_set_clear(&s);
}
END_TEST

/* Check each line of a page plan: only the plans of few jobs sort in
 * memory, and nothing scans a whole table. */
static void
plan_check(const char *sort, const char *plan)
{
	const char *line, *eol;
	char *one;

	for (line = plan; *line != '\0'; line = eol + 1) {
		eol = strchr(line, '\n');
		ck_assert_ptr_nonnull(eol);
		one = xasprintf("%.*s", (int)(eol - line), line);
		ck_assert_msg(strstr(one, ", few: ") != NULL ||
		    strstr(one, "TEMP B-TREE") == NULL,
		    "sort %s sorts in a temp b-tree: %s\n%s", sort, one, plan);
		ck_assert_msg(strstr(one, ": SCAN j") == NULL &&
		    strstr(one, ": SCAN v") == NULL,
		    "sort %s scans a table: %s\n%s", sort, one, plan);
		free(one);
	}
}

START_TEST(test_jobs_page_plan)
{
	static const char *const sorts[] = {
		"r", "x", "name", "point", "state", "start", "end", "elapsed",
		"maxrss_kb"
	};
	static const char *const keys[] = {
		"start", "end", "elapsed", "maxrss"
	};
	struct nb_set s;
	char *err = NULL, *plan, *want;
	size_t i;
	int d;

	page_fixture(&s);
	for (i = 0; i < UTIL_ARRLEN(sorts); i++) {
		for (d = 0; d < 2; d++) {
			testutil_ok(notebook_explain(nb, s.id, sorts[i], d,
			    &plan, &err), err, "explain");
			plan_check(sorts[i], plan);
			/* Few jobs are found through the state index. */
			ck_assert_msg(strstr(plan, "page, few: SEARCH j USING "
			    "INDEX job_state (set_id=? AND state=?)") != NULL,
			    "sort %s: few jobs not by state:\n%s", sorts[i],
			    plan);
			if (i < 3) {
				ck_assert_msg(strstr(plan, "sorted: SEARCH v "
				    "USING COVERING INDEX value_sort") !=
				    NULL && strstr(plan, "sorted, filtered: "
				    "SEARCH v USING COVERING INDEX "
				    "value_sort") != NULL,
				    "sort %s is not through value_sort:\n%s",
				    sorts[i], plan);
				/* Unfiltered, rows are skipped in the index
				 * alone; the job is read after it. */
				ck_assert_msg(strstr(plan, "sorted: CO-ROUTINE "
				    "p") != NULL, "sort %s: skipped rows read "
				    "jobs:\n%s", sorts[i], plan);
			}
			if (i >= 5) {
				want = xasprintf("missing, few: SEARCH j USING "
				    "INDEX job_%s (set_id=? AND ", keys[i - 5]);
				ck_assert_msg(strstr(plan, want) != NULL,
				    "sort %s: missing not by its index:\n%s",
				    sorts[i], plan);
				free(want);
			}
			free(plan);
		}
	}
	notebook_set_clear(&s);
}
END_TEST

/*
 * The page contract as a model: the set's current jobs dumped through a
 * private connection and sorted in C -- numbers, then strings, then the
 * jobs without a value in point order whatever the direction.  Every plan
 * of the page reader must give the model's rows.
 */
struct model_job {
	int64_t id;
	int64_t point;
	int rep;
	enum nb_state state;
	char *statename;
	int arm;             /* 0 number, 1 string, 2 no value */
	double num;          /* the key of arm 0 */
	char *txt;           /* the key of arm 1 */
};

struct model {
	struct model_job *v;
	size_t n;
	int which;           /* 0 a value, 1 point, 2 state, 3.. a column */
	bool desc;
};

/* The sorts that are columns, as jobs_page names them. */
static const char *const model_columns[] = {
	"point", "state", "start", "end", "elapsed", "maxrss_kb"
};

static const struct model *model_sorting;

static int
model_cmp_int(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int
model_cmp(const void *pa, const void *pb)
{
	const struct model_job *a = pa, *b = pb;
	int c;

	if (a->arm != b->arm)
		return a->arm - b->arm;
	if (a->arm == 2) {
		if ((c = model_cmp_int(a->point, b->point)) == 0)
			c = model_cmp_int(a->rep, b->rep);
		return c;
	}
	if (model_sorting->which == 1) {
		if ((c = model_cmp_int(a->point, b->point)) == 0)
			c = model_cmp_int(a->rep, b->rep);
	} else {
		if (model_sorting->which == 2)
			c = strcmp(a->statename, b->statename);
		else if (a->arm == 1)
			c = strcmp(a->txt, b->txt);
		else
			c = (a->num > b->num) - (a->num < b->num);
		if (c == 0)
			c = model_cmp_int(a->id, b->id);
	}
	return model_sorting->desc ? -c : c;
}

/* Dump the current jobs of set with their key for sort, and sort them. */
static void
model_load(const char *file, int64_t set_id, const char *sort, bool desc,
    struct model *m)
{
	static const char *const cols[] = {
		"j.start", "j.\"end\"", "j.elapsed", "j.maxrss_kb"
	};
	sqlite3 *db;
	sqlite3_stmt *st;
	struct model_job *mj;
	size_t i, cap = 0;
	char *sql;

	memset(m, 0, sizeof *m);
	m->desc = desc;
	for (i = 0; i < UTIL_ARRLEN(model_columns); i++) {
		if (strcmp(sort, model_columns[i]) == 0)
			m->which = (int)i + 1;
	}
	sql = xasprintf("SELECT j.id, j.point, j.rep, j.state, %s, v.num, "
	    "v.txt, v.job_id IS NOT NULL FROM job j LEFT JOIN value v ON "
	    "v.job_id = j.id AND v.name = ?2 WHERE j.set_id = ?1 AND "
	    "j.current", m->which >= 3 ? cols[m->which - 3] : "NULL");
	ck_assert_int_eq(sqlite3_open(file, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	free(sql);
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_text(st, 2, sort, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (m->n == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			m->v = xreallocarray(m->v, cap, sizeof *m->v);
		}
		mj = &m->v[m->n++];
		memset(mj, 0, sizeof *mj);
		mj->id = sqlite3_column_int64(st, 0);
		mj->point = sqlite3_column_int64(st, 1);
		mj->rep = sqlite3_column_int(st, 2);
		mj->statename = xstrdup((const char *)sqlite3_column_text(st,
		    3));
		if (notebook_state_parse(mj->statename, &mj->state) != 0)
			ck_abort_msg("job state %s", mj->statename);
		if (m->which == 1 || m->which == 2)
			mj->arm = 0;
		else if (m->which >= 3) {
			mj->arm = sqlite3_column_type(st, 4) == SQLITE_NULL ?
			    2 : 0;
			mj->num = sqlite3_column_double(st, 4);
		} else if (sqlite3_column_int(st, 7) == 0)
			mj->arm = 2;
		else if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			mj->arm = 0;
			mj->num = sqlite3_column_double(st, 5);
		} else {
			mj->arm = 1;
			mj->txt = xstrdup((const char *)sqlite3_column_text(st,
			    6));
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	model_sorting = m;
	qsort(m->v, m->n, sizeof *m->v, model_cmp);
	model_sorting = NULL;
}

static void
model_free(struct model *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].statename);
		free(m->v[i].txt);
	}
	free(m->v);
	memset(m, 0, sizeof *m);
}

/* The ids of the model's jobs in states (0: all), in page order. */
static int64_t *
model_ids(const struct model *m, unsigned states, size_t *n)
{
	int64_t *ids = xcalloc(m->n + 1, sizeof *ids);
	size_t i;

	*n = 0;
	for (i = 0; i < m->n; i++) {
		if (states == 0 || (states & NB_STATE_BIT(m->v[i].state)))
			ids[(*n)++] = m->v[i].id;
	}
	return ids;
}

/* What a page visit saw: the job ids, in order. */
struct page_ids {
	int64_t *v;
	size_t n, cap;
	size_t stop_after;   /* stop the visit after this many, 0: never */
};

static int
page_ids_add(const struct nb_job *j, void *arg)
{
	struct page_ids *p = arg;

	/* Check writes to its parent for every assertion passed: test a
	 * million rows the plain way. */
	if (!j->current || j->params == NULL)
		ck_abort_msg("job %" PRId64 " is not current", j->id);
	if (p->n == p->cap) {
		p->cap = p->cap == 0 ? 64 : p->cap * 2;
		p->v = xreallocarray(p->v, p->cap, sizeof *p->v);
	}
	p->v[p->n++] = j->id;
	return p->stop_after > 0 && p->n == p->stop_after;
}

/* Check one page against want (n ids in page order). */
static void
page_agrees(struct notebook *n, const struct nb_set *s, const char *sort,
    bool desc, unsigned states, uint64_t offset, uint64_t limit,
    const int64_t *want, size_t nwant, const char *how)
{
	struct page_ids p;
	char *err = NULL;
	size_t i, from, count;

	memset(&p, 0, sizeof p);
	testutil_ok(notebook_jobs_page(n, s->id, sort, desc, states, offset,
	    limit, page_ids_add, &p, &err), err, "jobs_page");
	from = offset < nwant ? (size_t)offset : nwant;
	count = nwant - from < limit ? nwant - from : (size_t)limit;
	if (p.n != count)
		ck_abort_msg("%s: sort %s%s, states %#x, offset %" PRIu64
		    ", limit %" PRIu64 ": %zu rows, want %zu", how, sort,
		    desc ? " desc" : "", states, offset, limit, p.n, count);
	for (i = 0; i < count; i++) {
		if (p.v[i] != want[from + i])
			ck_abort_msg("%s: sort %s%s, states %#x, offset %"
			    PRIu64 ", limit %" PRIu64 ": row %zu is job %"
			    PRId64 ", want %" PRId64, how, sort,
			    desc ? " desc" : "", states, offset, limit, i,
			    p.v[i], want[from + i]);
	}
	free(p.v);
}

/* The points of page_world's set (two repetitions each). */
#define WORLD_POINTS 600

/*
 * A set of 1200 jobs (600 points, 2 repetitions) in every state, with
 * numbers, ties, strings, nulls and absent values, superseded attempts,
 * and a second set sharing the names.  ok: 1080 jobs; failed, running,
 * queued, cancelled: 30 each.  Every ok job has z; some lack y.
 */
static void
page_world(struct nb_set *s)
{
	struct nb_outcome o;
	struct nb_set other;
	struct nb_work w;
	struct buf p, r;
	char *err = NULL;
	int64_t *id;
	uint64_t n;
	int i, c, pass;

	make_set(nb, "world", WORLD_POINTS, 2, s);
	id = xcalloc(2 * WORLD_POINTS, sizeof *id);
	buf_init(&p);
	buf_init(&r);
	testutil_ok(notebook_begin(nb, &err), err, "begin");
	for (i = 0; i < 2 * WORLD_POINTS; i++) {
		buf_reset(&p);
		buf_printf(&p, "{\"a\":%g", (double)((i * 37) % 101) / 4 - 10);
		if (i % 7 == 0)
			buf_printf(&p, ",\"b\":\"s%d\"", i % 13);
		else if (i % 11 == 0)
			buf_adds(&p, ",\"b\":null");
		else if (i % 29 != 0)
			buf_printf(&p, ",\"b\":%d", i % 17);
		buf_addc(&p, '}');
		id[i] = start_at(nb, s, (uint64_t)i, p.data);
	}
	/* Pass 0 fails the jobs that are retried and end ok; pass 1 the
	 * rest. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 2 * WORLD_POINTS; i++) {
			c = i % 40;
			if ((pass == 0) != (c == 15) || c == 3 || c == 23)
				continue;
			memset(&o, 0, sizeof o);
			o.state = c == 7 || c == 11 || c == 15 ? NB_FAILED :
			    NB_OK;
			o.requeue = c == 11 || c == 15;
			o.start = 1500 + i % 13;
			o.end = 2000 + i % 97;
			o.maxrss_kb = i % 3 == 0 ? -1 : 1000 + i % 50;
			o.exit_code = o.state == NB_OK ? 0 : 1;
			buf_reset(&r);
			if (i % 5 == 0)
				buf_printf(&r, "{\"y\":\"v%d\"", i % 7);
			else if (i % 9 == 0)
				buf_adds(&r, "{\"x\":1");
			else if (i % 13 == 0)
				buf_adds(&r, "{\"y\":null");
			else
				buf_printf(&r, "{\"y\":%g",
				    (double)((i * 7919) % 1000) / 10 - 20);
			buf_printf(&r, ",\"z\":%d,\"flag\":%s}", i % 4,
			    i % 2 ? "true" : "false");
			o.results_json = c == 7 ? NULL : r.data;
			testutil_ok(notebook_job_finish(nb, job_set(nb, id[i]), id[i], &o, &err),
			    err, "finish");
		}
		/* The retries of pass 0 run again and end ok. */
		while (pass == 0 && notebook_next_queued(nb, s->id, 0, &w,
		    &err) == 1) {
			testutil_ok(notebook_job_start(nb, s->id, &w,
			    "{\"a\":-3,\"b\":\"retry\"}", 1900, "h", 1, NULL, &err),
			    err, "restart");
			finish_ok(nb, w.job_id, "{\"y\":-5,\"z\":9}");
		}
	}
	testutil_ok(notebook_commit(nb, &err), err, "commit");
	/* The running jobs of the first repetition are given up. */
	testutil_ok(notebook_purge(nb, s->id, 1000 + WORLD_POINTS, NULL, &n,
	    &err), err, "purge");
	ck_assert_uint_eq(n, 2 * WORLD_POINTS / 40);
	make_set(nb, "other", 20, 1, &other);
	for (i = 0; i < 20; i++)
		finish_ok(nb, start_at(nb, &other, (uint64_t)i, "{\"a\":1}"),
		    "{\"y\":\"zz\",\"z\":-1}");
	notebook_set_clear(&other);
	buf_free(&p);
	buf_free(&r);
	free(id);
}

/* The offsets worth a look on a page of total rows sorted as m: the
 * ends, the middle, and around each change of arm. */
static size_t
page_offsets(const struct model *m, unsigned states, uint64_t total,
    uint64_t *offs)
{
	static const uint64_t fixed[] = { 0, 1, 40 };
	size_t n = 0, i, k;
	int arm = -1;

	for (i = 0; i < UTIL_ARRLEN(fixed); i++) {
		offs[n++] = fixed[i];
		if (total >= fixed[i])
			offs[n++] = total - fixed[i];
	}
	offs[n++] = total / 3;
	offs[n++] = total / 2;
	offs[n++] = total / 2 + 1;
	offs[n++] = 2 * total / 3;
	offs[n++] = total + 5;
	for (i = 0, k = 0; i < m->n; i++) {
		if (states != 0 && !(states & NB_STATE_BIT(m->v[i].state)))
			continue;
		if (m->v[i].arm != arm && k > 0) {
			offs[n++] = k - 1;
			offs[n++] = k;
			offs[n++] = k + 1;
		}
		arm = m->v[i].arm;
		k++;
	}
	return n;
}

START_TEST(test_jobs_page_plans_agree)
{
	/* Values with every arm, missing jobs among many or few, none;
	 * the columns with one arm, and with missing values. */
	static const char *const sorts[] = {
		"b", "y", "z", "nothing", "point", "state", "start", "elapsed",
		"maxrss_kb"
	};
	static const unsigned masks[] = {
		0, NB_STATE_BIT(NB_OK), NB_STATE_BIT(NB_FAILED),
		NB_STATE_BIT(NB_RUNNING), NB_STATE_BIT(NB_QUEUED),
		NB_STATE_BIT(NB_CANCELLED),
		NB_STATE_BIT(NB_OK) | NB_STATE_BIT(NB_FAILED),
		NB_STATE_BIT(NB_QUEUED) | NB_STATE_BIT(NB_RUNNING)
	};
	/* Plain reads from the start; backwards and index-only; few jobs
	 * in memory, by state and by complement; everything in memory;
	 * backwards only for tiny pages. */
	static const struct nb_page_limits limits[] = {
		{ 0, 0 }, { 0, 10000 }, { 500, 10000 }, { UINT64_MAX, 10000 },
		{ 500, 3 }
	};
	static const uint64_t sizes[] = { 1, 40, 7, UINT64_MAX };
	struct nb_page_limits saved = nb_page_limits;
	struct model m;
	struct nb_set s;
	uint64_t offs[64];
	int64_t *want;
	size_t i, k, l, o, noffs, nwant;
	char how[64];
	int d;

	page_world(&s);
	for (i = 0; i < UTIL_ARRLEN(sorts); i++) {
		for (d = 0; d < 2; d++) {
			model_load(path, s.id, sorts[i], d, &m);
			for (k = 0; k < UTIL_ARRLEN(masks); k++) {
				want = model_ids(&m, masks[k], &nwant);
				noffs = page_offsets(&m, masks[k], nwant,
				    offs);
				for (l = 0; l < UTIL_ARRLEN(limits); l++) {
					nb_page_limits = limits[l];
					snprintf(how, sizeof how, "limits %zu",
					    l);
					for (o = 0; o < noffs; o++)
						page_agrees(nb, &s, sorts[i], d,
						    masks[k], offs[o],
						    sizes[(o + l) %
						    UTIL_ARRLEN(sizes)], want,
						    nwant, how);
				}
				nb_page_limits = saved;
				free(want);
			}
			model_free(&m);
		}
	}
	nb_page_limits = saved;
	notebook_set_clear(&s);
}
END_TEST

/* A page read backwards stops where its callback says, in page order. */
START_TEST(test_jobs_page_stop)
{
	struct nb_set s;
	struct page_ids p;
	struct model m;
	char *err = NULL;
	int64_t *want;
	size_t n;

	page_world(&s);
	model_load(path, s.id, "y", true, &m);
	want = model_ids(&m, 0, &n);
	memset(&p, 0, sizeof p);
	p.stop_after = 3;
	testutil_ok(notebook_jobs_page(nb, s.id, "y", true, 0, n - 10, 10,
	    page_ids_add, &p, &err), err, "jobs_page");
	ck_assert_uint_eq(p.n, 3);
	ck_assert_int_eq(p.v[0], want[n - 10]);
	ck_assert_int_eq(p.v[2], want[n - 8]);
	free(p.v);
	free(want);
	model_free(&m);
	notebook_set_clear(&s);
}
END_TEST

/* Pages near the end follow changes made by this connection and by
 * another one, though the counts behind them are kept between reads. */
START_TEST(test_jobs_page_memo)
{
	struct notebook *other, *by;
	struct nb_set s;
	struct nb_work w;
	struct model m;
	char *err = NULL;
	int64_t *want;
	uint64_t k, off;
	size_t n, i, round;

	page_world(&s);
	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &other, &err), err, "open");
	for (round = 0; round < 4; round++) {
		model_load(path, s.id, "z", false, &m);
		want = model_ids(&m, 0, &n);
		/* The first job without a z: pages read backwards skip the
		 * missing arm by its size to reach those before it. */
		for (k = 0; k < m.n && m.v[k].arm != 2; k++)
			;
		for (i = 0; i < 12; i++) {
			off = i < 6 ? k - 4 + i : k - 64 + i;
			page_agrees(nb, &s, "z", false, 0, off, i < 6 ? 1 : 60,
			    want, n, "memo");
		}
		free(want);
		model_free(&m);
		/* A queued job ends ok with a z: one missing value less. */
		by = round % 2 == 1 ? other : nb;
		ck_assert_int_eq(notebook_next_queued(by, s.id, 0, &w, &err), 1);
		testutil_ok(notebook_job_start(by, s.id, &w, "{\"a\":0}", 3000,
		    "h", 0, NULL, &err), err, "start");
		finish_ok(by, w.job_id, "{\"z\":100}");
	}
	notebook_close(other);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_names)
{
	struct nb_set s;
	char **v, *err = NULL;
	int64_t a, b;

	make_set(nb, "names", 3, 1, &s);
	a = start_at(nb, &s, 0, "{\"beta\":1,\"alpha\":\"x\"}");
	b = start_at(nb, &s, 1, "{\"gamma\":2,\"beta\":3}");
	finish_ok(nb, a, "{\"z\":1,\"y\":2}");
	testutil_ok(finish(nb, b, NB_FAILED, "{\"w\":1,\"z\":2}", true, &err),
	    err, "finish");
	testutil_ok(notebook_names(nb, s.id, NB_NAME_PARAM, &v, &err), err,
	    "names");
	ck_assert_uint_eq(util_strv_len(v), 3);
	ck_assert_str_eq(v[0], "beta");
	ck_assert_str_eq(v[1], "alpha");
	ck_assert_str_eq(v[2], "gamma");
	util_strv_free(v);
	testutil_ok(notebook_names(nb, s.id, NB_NAME_RESULT, &v, &err), err,
	    "names");
	ck_assert_uint_eq(util_strv_len(v), 3);
	ck_assert_str_eq(v[0], "z");
	ck_assert_str_eq(v[1], "y");
	ck_assert_str_eq(v[2], "w");
	util_strv_free(v);
	notebook_set_clear(&s);
	make_set(nb, "other", 1, 1, &s);
	testutil_ok(notebook_names(nb, s.id, NB_NAME_RESULT, &v, &err), err,
	    "names");
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_null(v[0]);
	util_strv_free(v);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_utf8)
{
	static const char text[] = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac "
	    "\xf0\x9f\x90\x80";
	struct nb_set s, f;
	struct nb_outcome o;
	struct seen x;
	char *err = NULL, *params, *results, **v;
	int64_t id;

	memset(&s, 0, sizeof s);
	s.tag = xstrdup(text);
	s.description = xstrdup(text);
	s.repeat = 1;
	s.npoints = 1;
	s.njobs = 1;
	testutil_ok(notebook_set_create(nb, &s, &err), err, "create");
	params = xasprintf("{\"%s\":\"%s\"}", text, text);
	results = xasprintf("{\"r\":\"%s\"}", text);
	id = start_at(nb, &s, 0, params);
	memset(&o, 0, sizeof o);
	o.state = NB_FAILED;
	o.results_json = results;
	o.error = "bad \xff byte";
	o.stderr_tail = text;
	o.end = 1;
	testutil_ok(notebook_job_finish(nb, job_set(nb, id), id, &o, &err), err, "finish");

	testutil_ok(notebook_set_find(nb, text, &f, &err), err, "find");
	ck_assert_str_eq(f.tag, text);
	ck_assert_str_eq(f.description, text);
	each(nb, &s, 0, false, &x);
	ck_assert_uint_eq(x.n, 1);
	ck_assert_str_eq(x.params[0], params);
	ck_assert_str_eq(x.results[0], results);
	ck_assert_str_eq(x.error[0], "bad \xef\xbf\xbd byte");
	seen_free(&x);
	testutil_ok(notebook_names(nb, s.id, NB_NAME_PARAM, &v, &err), err,
	    "names");
	ck_assert_str_eq(v[0], text);
	util_strv_free(v);
	ck_assert_page(page(nb, &s, text, false, 0, 0, 5), "0");
	ck_assert_int_eq(sql_int(path, "SELECT json_extract(results, '$.r') "
	    "= 'caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x80' "
	    "FROM job"), 1);
	free(params);
	free(results);
	notebook_set_clear(&s);
	notebook_set_clear(&f);
}
END_TEST

START_TEST(test_data_version)
{
	struct notebook *other;
	struct nb_set s;
	char *err = NULL;
	int64_t v0, v1;

	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &other, &err), err, "open other");
	v0 = notebook_data_version(nb);
	ck_assert_int_ge(v0, 0);
	ck_assert_int_eq(notebook_data_version(nb), v0);
	make_set(other, "dv", 2, 1, &s);
	v1 = notebook_data_version(nb);
	ck_assert_int_ne(v1, v0);
	start_plain(other, &s, 0);
	ck_assert_int_ne(notebook_data_version(nb), v1);
	notebook_close(other);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_transactions)
{
	struct nb_set s, f;
	struct nb_work w;
	struct nb_counts c;
	char *err = NULL;

	make_set(nb, "tx", 10, 1, &s);
	testutil_ok(notebook_begin(nb, &err), err, "begin");
	testutil_ok(notebook_begin(nb, &err), err, "nested begin");
	start_plain(nb, &s, 0);
	/* A failed write inside the batch undoes itself only. */
	memset(&w, 0, sizeof w);
	w.pos = 7;
	ck_assert_int_eq(notebook_job_start(nb, s.id, &w, "{}", 1, NULL, -1, NULL,
	    &err), -1);
	free(err);
	err = NULL;
	start_plain(nb, &s, 1);
	testutil_ok(notebook_commit(nb, &err), err, "inner commit");
	/* Not committed yet: another connection does not see it. */
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM job"), 0);
	testutil_ok(notebook_commit(nb, &err), err, "outer commit");
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM job"), 2);

	testutil_ok(notebook_begin(nb, &err), err, "begin");
	start_plain(nb, &s, 2);
	notebook_rollback(nb);
	ck_assert_int_eq(notebook_commit(nb, &err), -1);
	free(err);
	err = NULL;
	testutil_ok(notebook_set_find(nb, "tx", &f, &err), err, "find");
	ck_assert_uint_eq(f.cursor, 2);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_RUNNING], 2);
	notebook_set_clear(&f);
	notebook_set_clear(&s);
}
END_TEST

/*
 * Inside a batch a fresh job's start is held until its end and both are
 * written as one row; a start whose end is not in the batch, or that is
 * followed by another write, is written as before; a rollback forgets
 * held starts.  Whatever the path, the notebook says the same.
 */
START_TEST(test_held_starts)
{
	struct nb_set s, f;
	struct nb_counts c;
	struct seen x;
	char *err = NULL;
	int64_t a, b, d, e, g;
	int fails;

	make_set(nb, "held", 10, 1, &s);
	testutil_ok(notebook_begin(nb, &err), err, "begin");
	a = start_plain(nb, &s, 0);
	b = start_plain(nb, &s, 1);
	/* Ends out of order, held with their starts; an end held already
	 * is not recorded twice. */
	finish_ok(nb, b, "{\"y\":2,\"p\":9}");
	finish_ok(nb, a, "{\"y\":1}");
	ck_assert_int_eq(finish(nb, a, NB_OK, "{\"y\":7}", false, &err),
	    NOTEBOOK_NOT_RUNNING);
	ck_assert_uint_eq(nb->npending, 2);
	/* Another statement sees them written first. */
	d = start_plain(nb, &s, 2);
	ck_assert_uint_eq(nb->npending, 3);
	testutil_ok(notebook_failures(nb, s.id, 2, 0, &fails, &err), err,
	    "failures");
	ck_assert_uint_eq(nb->npending, 0);
	finish_ok(nb, d, "{\"y\":3}");
	/* A start whose end asks for a retry, and one left running. */
	e = start_plain(nb, &s, 3);
	testutil_ok(finish(nb, e, NB_FAILED, NULL, true, &err), err,
	    "fail and retry");
	g = start_plain(nb, &s, 4);
	testutil_ok(notebook_commit(nb, &err), err, "commit");
	ck_assert_uint_eq(nb->npending, 0);
	ck_assert_int_lt(a, b);
	ck_assert_int_lt(b, d);
	ck_assert_int_lt(d, e);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM job"), 6);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM job WHERE "
	    "state = 'running' AND \"end\" IS NULL"), 1);
	ck_assert_int_eq(sql_int(path, "SELECT max(id) FROM job"), g);

	testutil_ok(notebook_set_find(nb, "held", &f, &err), err, "find");
	ck_assert_uint_eq(f.cursor, 5);
	notebook_set_clear(&f);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_OK], 3);
	ck_assert_uint_eq(c.n[NB_RUNNING], 1);
	ck_assert_uint_eq(c.n[NB_QUEUED], 1);
	ck_assert_uint_eq(c.n[NB_FAILED], 0);
	/* Row, start, end and values as a start and an end write them. */
	each(nb, &s, NB_STATE_BIT(NB_OK), true, &x);
	ck_assert_uint_eq(x.n, 3);
	ck_assert_int_eq(x.id[1], b);
	ck_assert_str_eq(x.params[1], "{\"p\":1}");
	ck_assert_str_eq(x.results[1], "{\"y\":2,\"p\":9}");
	ck_assert(x.start[1] == 1001.0 && x.end[1] == 2000.0);
	seen_free(&x);
	/* A result never overrides a parameter's sort value. */
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM value"), 3 + 3 +
	    1 + 1);
	ck_assert_int_eq(sql_int(path, "SELECT num FROM value WHERE job_id = "
	    "(SELECT id FROM job WHERE point = 1) AND name = 'p'"), 1);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM name"), 3);

	/* A rollback forgets held starts, their position and their names. */
	testutil_ok(notebook_begin(nb, &err), err, "begin");
	start_at(nb, &s, 5, "{\"q\":1}");
	notebook_rollback(nb);
	ck_assert_uint_eq(nb->npending, 0);
	testutil_ok(notebook_begin(nb, &err), err, "begin");
	a = start_at(nb, &s, 5, "{\"q\":1}");
	finish_ok(nb, a, NULL);
	testutil_ok(notebook_commit(nb, &err), err, "commit");
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM name WHERE "
	    "name = 'q'"), 1);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM job WHERE "
	    "point = 5"), 1);
	notebook_set_clear(&s);
}
END_TEST

/*
 * A held start that cannot be written (here a second current row of a
 * point) fails the statement that writes it, the commit here: the whole
 * transaction is undone, the rows and values the commit wrote before it
 * too (it writes them without a savepoint of its own), as the runner
 * undoes a batch that failed, and the notebook takes the next one.
 */
START_TEST(test_held_start_fails)
{
	struct nb_set s, f;
	struct nb_work w;
	char *err = NULL;
	int64_t id;

	make_set(nb, "heldfail", 10, 1, &s);
	finish_ok(nb, start_plain(nb, &s, 0), "{\"y\":1}");
	testutil_ok(notebook_begin(nb, &err), err, "begin");
	finish_ok(nb, start_plain(nb, &s, 1), "{\"y\":3}");
	memset(&w, 0, sizeof w);
	w.pos = 2;
	w.point = 0;
	w.attempt = 1;
	testutil_ok(notebook_job_start(nb, s.id, &w, "{}", 5, NULL, -1, NULL,
	    &err), err, "held start");
	ck_assert_int_eq(notebook_commit(nb, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "UNIQUE"));
	free(err);
	err = NULL;
	ck_assert_uint_eq(nb->npending, 0);
	testutil_ok(notebook_set_find(nb, "heldfail", &f, &err), err, "find");
	ck_assert_uint_eq(f.cursor, 1);
	notebook_set_clear(&f);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM job"), 1);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM value"), 2);
	ck_assert_int_eq(sql_int(path, "SELECT n FROM counts WHERE "
	    "state = 'ok'"), 1);
	testutil_ok(notebook_begin(nb, &err), err, "begin again");
	id = start_plain(nb, &s, 1);
	finish_ok(nb, id, "{\"y\":2}");
	testutil_ok(notebook_commit(nb, &err), err, "commit");
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM job WHERE "
	    "state = 'ok'"), 2);
	notebook_set_clear(&s);
}
END_TEST

/* Six points, all started: 0 ok {"r":1}, 1 failed {"r":2}, 2 failed,
 * 3 cancelled, 4 ok {"r":0}; 5 still runs. */
static void
retry_fixture(struct nb_set *s, int64_t id[6])
{
	char *err = NULL;
	int i;

	make_set(nb, "retry", 6, 1, s);
	for (i = 0; i < 6; i++)
		id[i] = start_plain(nb, s, (uint64_t)i);
	finish_ok(nb, id[0], "{\"r\":1}");
	testutil_ok(finish(nb, id[1], NB_FAILED, "{\"r\":2}", false, &err), err,
	    "fail 1");
	testutil_ok(finish(nb, id[2], NB_FAILED, NULL, false, &err), err,
	    "fail 2");
	testutil_ok(finish(nb, id[3], NB_CANCELLED, NULL, false, &err), err,
	    "cancel 3");
	finish_ok(nb, id[4], "{\"r\":0}");
}

START_TEST(test_requeue_finished)
{
	struct nb_set s;
	struct nb_counts c;
	struct nb_work w;
	struct seen x;
	char *err = NULL, **v;
	int64_t id[6];
	uint64_t n;

	retry_fixture(&s, id);
	c = counts_of(nb, &s);
	ck_assert(c.ready == 5.0 / 6.0);
	ck_assert_page(page(nb, &s, "r", true, 0, 0, 10), "1,0,4,2,3,5");

	testutil_ok(notebook_requeue(nb, s.id, NB_STATE_BIT(NB_FAILED), &n,
	    &err), err, "requeue failed");
	ck_assert_uint_eq(n, 2);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_FAILED], 0);
	ck_assert_uint_eq(c.n[NB_QUEUED], 2);
	ck_assert_uint_eq(c.n[NB_OK], 2);
	ck_assert_uint_eq(c.n[NB_CANCELLED], 1);
	ck_assert_uint_eq(c.n[NB_RUNNING], 1);
	ck_assert_uint_eq(c.pending, 2);
	ck_assert(c.ready == 3.0 / 6.0);

	/* The failed rows stay, superseded; attempt 2 waits in their place
	 * with the same parameters and no results. */
	each(nb, &s, 0, false, &x);
	ck_assert_uint_eq(x.n, 8);
	ck_assert_uint_eq(x.point[1], 1);
	ck_assert_int_eq(x.state[1], NB_FAILED);
	ck_assert(!x.current[1]);
	ck_assert_str_eq(x.results[1], "{\"r\":2}");
	ck_assert_int_eq(x.state[2], NB_QUEUED);
	ck_assert(x.current[2]);
	ck_assert_int_eq(x.attempt[2], 2);
	ck_assert_str_eq(x.params[2], "{\"p\":1}");
	ck_assert_ptr_null(x.results[2]);
	ck_assert_uint_eq(x.point[4], 2);
	ck_assert_int_eq(x.state[4], NB_QUEUED);
	ck_assert_int_eq(x.state[5], NB_CANCELLED);
	ck_assert(x.current[5]);
	seen_free(&x);
	/* Result 2 left the sort index with its row; the parameters of the
	 * queued attempts are there. */
	ck_assert_page(page(nb, &s, "r", true, 0, 0, 10), "0,4,1,2,3,5");
	ck_assert_page(page(nb, &s, "p", true, NB_STATE_BIT(NB_QUEUED), 0,
	    10), "2,1");
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM value v "
	    "JOIN job j ON j.id = v.job_id WHERE NOT j.current"), 0);

	/* Nothing failed is left. */
	testutil_ok(notebook_requeue(nb, s.id, NB_STATE_BIT(NB_FAILED), &n,
	    &err), err, "requeue again");
	ck_assert_uint_eq(n, 0);

	/* The runner takes them like any retry. */
	ck_assert_int_eq(notebook_next_queued(nb, s.id, 0, &w, &err), 1);
	ck_assert_uint_eq(w.point, 1);
	ck_assert_int_eq(w.attempt, 2);
	testutil_ok(notebook_job_start(nb, s.id, &w, "{\"p\":1}", 3000, "h", 0, NULL,
	    &err), err, "start retry");
	finish_ok(nb, w.job_id, "{\"r\":5}");
	ck_assert_page(page(nb, &s, "r", true, 0, 0, 2), "1,0");

	/* Cancelled ones when asked, ok ones too: a re-run of what ended. */
	testutil_ok(notebook_requeue(nb, s.id, NB_STATE_BIT(NB_CANCELLED) |
	    NB_STATE_BIT(NB_OK), &n, &err), err, "requeue ok and cancelled");
	ck_assert_uint_eq(n, 4);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_QUEUED], 5);
	ck_assert_uint_eq(c.n[NB_RUNNING], 1);
	ck_assert_uint_eq(c.n[NB_OK] + c.n[NB_CANCELLED] + c.n[NB_FAILED], 0);
	ck_assert(c.ready == 0);
	ck_assert_uint_eq(c.pending, 5);
	ck_assert_page(page(nb, &s, "r", false, 0, 0, 10), "0,1,2,3,4,5");
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM value "
	    "WHERE name = 'r'"), 0);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM value "
	    "WHERE name = 'p'"), 6);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM job"), 12);
	/* A result name once seen stays a column of the set. */
	testutil_ok(notebook_names(nb, s.id, NB_NAME_RESULT, &v, &err), err,
	    "names");
	ck_assert_uint_eq(util_strv_len(v), 1);
	ck_assert_str_eq(v[0], "r");
	util_strv_free(v);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_requeue_refused)
{
	static const unsigned bad[] = {
		0,
		NB_STATE_BIT(NB_RUNNING),
		NB_STATE_BIT(NB_QUEUED) | NB_STATE_BIT(NB_FAILED),
		NB_STATE_BIT(NB_INTERRUPTED),
		1u << NB_NSTATES,
	};
	struct nb_set s;
	struct nb_counts c;
	char *err = NULL;
	int64_t id[6];
	uint64_t n;
	size_t i;

	retry_fixture(&s, id);
	/* Only finished jobs: a running one belongs to its runner. */
	for (i = 0; i < UTIL_ARRLEN(bad); i++) {
		n = 99;
		ck_assert_int_eq(notebook_requeue(nb, s.id, bad[i], &n, &err),
		    -1);
		ck_assert_msg(strstr(err, "only finished jobs") != NULL, "%s",
		    err);
		ck_assert_uint_eq(n, 0);
		free(err);
		err = NULL;
	}
	ck_assert_int_eq(notebook_requeue(nb, 9999, NB_STATE_BIT(NB_FAILED),
	    &n, &err), -1);
	ck_assert_msg(strstr(err, "no result set with id 9999") != NULL, "%s",
	    err);
	free(err);
	err = NULL;

	/* Inside a caller's transaction that rolls back: nothing stays. */
	testutil_ok(notebook_begin(nb, &err), err, "begin");
	testutil_ok(notebook_requeue(nb, s.id, NB_STATE_BIT(NB_FAILED), &n,
	    &err), err, "requeue");
	ck_assert_uint_eq(n, 2);
	notebook_rollback(nb);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_FAILED], 2);
	ck_assert_uint_eq(c.n[NB_QUEUED], 0);

	/* A locked set's results are final. */
	testutil_ok(notebook_set_lock(nb, s.id, &err), err, "lock");
	ck_assert_int_eq(notebook_requeue(nb, s.id, NB_STATE_BIT(NB_FAILED),
	    &n, &err), -1);
	ck_assert_msg(strstr(err, "result set 'retry' is locked") != NULL,
	    "%s", err);
	ck_assert_uint_eq(n, 0);
	free(err);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_FAILED], 2);
	ck_assert_uint_eq(c.n[NB_QUEUED], 0);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM job"), 6);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_purge)
{
	struct notebook *other;
	struct nb_set s;
	struct nb_counts c;
	struct seen x;
	char *err = NULL, *row0, *row1;
	int64_t id[5], v;
	uint64_t n;
	double t0;
	int i;

	make_set(nb, "purge", 6, 1, &s);
	for (i = 0; i < 5; i++)
		id[i] = start_plain(nb, &s, (uint64_t)i); /* at 1000 + i */
	finish_ok(nb, id[0], "{\"y\":1}");

	/* Running since before 1002.5: positions 1 and 2 (0 ended). */
	t0 = util_now();
	testutil_ok(notebook_purge(nb, s.id, 1002.5, "runner 4242 is gone", &n,
	    &err), err, "purge");
	ck_assert_uint_eq(n, 2);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_RUNNING], 2);
	ck_assert_uint_eq(c.n[NB_CANCELLED], 2);
	ck_assert_uint_eq(c.n[NB_OK], 1);
	ck_assert_uint_eq(c.pending, 1);
	ck_assert(c.ready == 0.5);
	each(nb, &s, 0, false, &x);
	ck_assert_uint_eq(x.n, 5);
	for (i = 1; i <= 2; i++) {
		ck_assert_int_eq(x.state[i], NB_CANCELLED);
		ck_assert(x.current[i]);
		ck_assert_str_eq(x.error[i], "runner 4242 is gone");
		ck_assert(x.end[i] >= t0 && x.end[i] <= util_now());
		ck_assert(x.start[i] == 1000 + i);
	}
	ck_assert_int_eq(x.state[3], NB_RUNNING);
	ck_assert(x.end[3] == 0);
	ck_assert_int_eq(x.state[0], NB_OK);
	ck_assert(x.end[0] == 2000);
	seen_free(&x);

	/* The runner, still alive after all, finishes a purged job: it is
	 * told so, and nothing is written (another connection sees no
	 * change). */
	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &other, &err), err, "open other");
	v = notebook_data_version(other);
	row0 = job_row(path, id[1]);
	ck_assert_int_eq(finish(nb, id[1], NB_OK, "{\"y\":9}", false, &err),
	    NOTEBOOK_NOT_RUNNING);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(finish(nb, id[2], NB_FAILED, NULL, true, &err),
	    NOTEBOOK_NOT_RUNNING);
	ck_assert_ptr_null(err);
	row1 = job_row(path, id[1]);
	ck_assert_str_eq(row1, row0);
	ck_assert_int_eq(notebook_data_version(other), v);
	free(row0);
	free(row1);
	notebook_close(other);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_CANCELLED], 2);
	ck_assert_uint_eq(c.n[NB_QUEUED], 0);
	ck_assert_uint_eq(c.n[NB_OK], 1);
	ck_assert_int_eq(sql_int(path, "SELECT count(*) FROM job"), 5);
	/* In a runner's batch, a stale finish spoils nothing else. */
	testutil_ok(notebook_begin(nb, &err), err, "begin");
	ck_assert_int_eq(finish(nb, id[1], NB_OK, NULL, false, &err),
	    NOTEBOOK_NOT_RUNNING);
	finish_ok(nb, id[3], "{\"y\":3}");
	testutil_ok(notebook_commit(nb, &err), err, "commit");
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_OK], 2);
	ck_assert_uint_eq(c.n[NB_RUNNING], 1);

	/* 0: every running job, with a default reason. */
	testutil_ok(notebook_purge(nb, s.id, 0, NULL, &n, &err), err, "purge");
	ck_assert_uint_eq(n, 1);
	each(nb, &s, NB_STATE_BIT(NB_CANCELLED), true, &x);
	ck_assert_uint_eq(x.n, 3);
	ck_assert_uint_eq(x.point[2], 4);
	ck_assert_ptr_nonnull(x.error[2]);
	ck_assert_str_ne(x.error[2], "");
	seen_free(&x);
	testutil_ok(notebook_purge(nb, s.id, 0, NULL, &n, &err), err, "again");
	ck_assert_uint_eq(n, 0);
	c = counts_of(nb, &s);
	ck_assert_uint_eq(c.n[NB_RUNNING], 0);
	ck_assert_uint_eq(c.n[NB_CANCELLED], 3);
	ck_assert(c.ready == 5.0 / 6.0);

	/* Purged jobs can be retried; their old rows stay stale. */
	testutil_ok(notebook_requeue(nb, s.id, NB_STATE_BIT(NB_CANCELLED), &n,
	    &err), err, "retry cancelled");
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(counts_of(nb, &s).n[NB_QUEUED], 3);
	ck_assert_int_eq(finish(nb, id[4], NB_OK, NULL, false, &err),
	    NOTEBOOK_NOT_RUNNING);

	/* Refusals: a time that is not one, a set that is not there, a
	 * locked set. */
	ck_assert_int_eq(notebook_purge(nb, s.id, NAN, NULL, &n, &err), -1);
	ck_assert_msg(strstr(err, "purge time") != NULL, "%s", err);
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_purge(nb, s.id, -1, NULL, &n, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_purge(nb, 9999, 0, NULL, &n, &err), -1);
	ck_assert_msg(strstr(err, "no result set") != NULL, "%s", err);
	free(err);
	err = NULL;
	testutil_ok(notebook_set_lock(nb, s.id, &err), err, "lock");
	ck_assert_int_eq(notebook_purge(nb, s.id, 0, NULL, &n, &err), -1);
	ck_assert_msg(strstr(err, "is locked") != NULL, "%s", err);
	free(err);
	notebook_set_clear(&s);
}
END_TEST

/* Read set_id's control and purge_before through notebook_set_get. */
static void
control_of(struct notebook *n, int64_t set_id, const char *control,
    double purge_before)
{
	struct nb_set g;
	char *err = NULL;

	testutil_ok(notebook_set_get(n, set_id, &g, &err), err, "set_get");
	ck_assert_str_eq(g.control, control);
	ck_assert_msg(g.purge_before == purge_before, "purge_before %g",
	    g.purge_before);
	notebook_set_clear(&g);
}

START_TEST(test_control)
{
	static const char *const good[] = { "pause", "cancel", "run" };
	static const char *const bad[] = { "stop", "", "PAUSE", "run " };
	struct notebook *other;
	struct nb_set s;
	char *err = NULL;
	int64_t v;
	size_t i;

	make_set(nb, "ctl", 3, 1, &s);
	ck_assert_str_eq(s.control, "run");
	ck_assert(s.purge_before == 0);
	control_of(nb, s.id, "run", 0);

	/* A runner on another connection sees a change and re-reads. */
	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &other, &err), err, "open other");
	for (i = 0; i < UTIL_ARRLEN(good); i++) {
		v = notebook_data_version(other);
		testutil_ok(notebook_set_control(nb, s.id, good[i], NULL, &err), err,
		    good[i]);
		ck_assert_int_ne(notebook_data_version(other), v);
		control_of(other, s.id, good[i], 0);
	}
	for (i = 0; i < UTIL_ARRLEN(bad); i++) {
		ck_assert_int_eq(notebook_set_control(nb, s.id, bad[i], NULL, &err),
		    -1);
		ck_assert_msg(strstr(err, "run, pause or cancel") != NULL,
		    "%s", err);
		free(err);
		err = NULL;
	}
	ck_assert_int_eq(notebook_set_control(nb, s.id, "stop", NULL, &err), -1);
	ck_assert_msg(strstr(err, "'stop'") != NULL, "%s", err);
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_set_control(nb, s.id, NULL, NULL, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_set_control(nb, 9999, "pause", NULL, &err), -1);
	ck_assert_msg(strstr(err, "no result set with id 9999") != NULL, "%s",
	    err);
	free(err);
	err = NULL;
	control_of(nb, s.id, "run", 0);

	/* purge_before: set, read back, reset. */
	testutil_ok(notebook_set_purge_before(nb, s.id, 1234.5, &err), err,
	    "purge_before");
	control_of(other, s.id, "run", 1234.5);
	testutil_ok(notebook_set_purge_before(nb, s.id, 0, &err), err,
	    "reset purge_before");
	control_of(other, s.id, "run", 0);
	ck_assert_int_eq(notebook_set_purge_before(nb, s.id, -3, &err), -1);
	ck_assert_msg(strstr(err, "purge time") != NULL, "%s", err);
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_set_purge_before(nb, s.id, INFINITY, &err),
	    -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_set_purge_before(nb, 9999, 5, &err), -1);
	free(err);
	err = NULL;
	notebook_close(other);

	/* A locked set: cancel is harmless, run and pause are refused;
	 * purge_before can be reset but not set. */
	testutil_ok(notebook_set_lock(nb, s.id, &err), err, "lock");
	ck_assert_int_eq(notebook_set_control(nb, s.id, "pause", NULL, &err), -1);
	ck_assert_str_eq(err, "result set 'ctl' is locked: its results are "
	    "final (epyc finish()); start a new tag to run more");
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_set_control(nb, s.id, "run", NULL, &err), -1);
	free(err);
	err = NULL;
	testutil_ok(notebook_set_control(nb, s.id, "cancel", NULL, &err), err,
	    "cancel a locked set");
	ck_assert_int_eq(notebook_set_purge_before(nb, s.id, 10, &err), -1);
	ck_assert_msg(strstr(err, "is locked") != NULL, "%s", err);
	free(err);
	err = NULL;
	testutil_ok(notebook_set_purge_before(nb, s.id, 0, &err), err,
	    "reset on a locked set");
	control_of(nb, s.id, "cancel", 0);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_set_get_cwd)
{
	static const char cwd[] = "/home/r\xc3\xa9mi/sweeps/run 1";
	struct nb_set s, t, g, *v;
	char *err = NULL;
	size_t n;

	memset(&s, 0, sizeof s);
	s.tag = xstrdup("here");
	s.repeat = 1;
	s.npoints = 2;
	s.njobs = 2;
	s.cwd = xstrdup(cwd);
	testutil_ok(notebook_set_create(nb, &s, &err), err, "create");
	ck_assert_str_eq(s.cwd, cwd);
	ck_assert_str_eq(s.control, "run");

	testutil_ok(notebook_set_get(nb, s.id, &g, &err), err, "get");
	ck_assert_int_eq(g.id, s.id);
	ck_assert_str_eq(g.tag, "here");
	ck_assert_str_eq(g.cwd, cwd);
	ck_assert_str_eq(g.control, "run");
	ck_assert_str_eq(g.status, "new");
	ck_assert_uint_eq(g.njobs, 2);
	ck_assert(g.created == s.created);
	notebook_set_clear(&g);

	/* Read back by every path, after a reopen. */
	notebook_close(nb);
	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &nb, &err), err, "reopen");
	testutil_ok(notebook_set_find(nb, "here", &g, &err), err, "find");
	ck_assert_str_eq(g.cwd, cwd);
	notebook_set_clear(&g);
	testutil_ok(notebook_set_list(nb, &v, &n, &err), err, "list");
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].cwd, cwd);
	ck_assert_str_eq(v[0].control, "run");
	notebook_set_clear(&v[0]);
	free(v);

	/* No directory given: "" (not recorded). */
	make_set(nb, "nowhere", 1, 1, &t);
	ck_assert_str_eq(t.cwd, "");
	testutil_ok(notebook_set_get(nb, t.id, &g, &err), err, "get");
	ck_assert_str_eq(g.cwd, "");
	notebook_set_clear(&g);
	notebook_set_clear(&t);

	/* A relative directory means nothing to a detached runner. */
	memset(&t, 0, sizeof t);
	t.tag = xstrdup("rel");
	t.repeat = 1;
	t.cwd = xstrdup("sweeps/run");
	ck_assert_int_eq(notebook_set_create(nb, &t, &err), -1);
	ck_assert_msg(strstr(err, "'sweeps/run' is not an absolute path") !=
	    NULL, "%s", err);
	free(err);
	err = NULL;
	ck_assert_int_eq(notebook_set_find(nb, "rel", &g, &err), -1);
	free(err);
	err = NULL;
	notebook_set_clear(&t);

	/* An id that names no set. */
	ck_assert_int_eq(notebook_set_get(nb, 424242, &g, &err),
	    NOTEBOOK_NO_SET);
	ck_assert_msg(strstr(err, "no result set with id 424242") != NULL &&
	    strstr(err, path) != NULL, "%s", err);
	ck_assert_ptr_null(g.tag);
	free(err);
	notebook_set_clear(&s);
}
END_TEST

/* A version-1 notebook as labrat 1 left it: a set, three jobs, their
 * counters, names and sort values. */
static void
make_v1(const char *file)
{
	char *sql;

	sql = xasprintf("PRAGMA application_id = %d; BEGIN; %s;\n"
	    "PRAGMA user_version = 1; COMMIT;", NOTEBOOK_APPLICATION_ID,
	    nb_migrations[0]);
	sql_exec(file, sql);
	free(sql);
	sql_exec(file,
	    "INSERT INTO resultset (tag, description, attributes, created, "
	    "space, experiment, retries, seed, npoints, njobs, cursor, status) "
	    "VALUES ('old', 'from labrat 1', '{\"k\":1}', 1700000000.5, "
	    "'{\"x\":[1,2,3]}', '{\"argv\":[\"true\"]}', 1, -5, 3, 3, 2, "
	    "'paused');"
	    "INSERT INTO job (set_id, point, attempt, state, params, results, "
	    "start, \"end\", exit_code) VALUES (1, 0, 1, 'ok', '{\"x\":1}', "
	    "'{\"y\":7}', 10, 12, 0);"
	    "INSERT INTO job (set_id, point, attempt, state, current, params, "
	    "error, start, \"end\", exit_code) VALUES (1, 1, 1, 'failed', 0, "
	    "'{\"x\":2}', 'exit 1', 11, 13, 1);"
	    "INSERT INTO job (set_id, point, attempt, state, params) "
	    "VALUES (1, 1, 2, 'queued', '{\"x\":2}');"
	    "INSERT INTO name (set_id, kind, name) VALUES (1, 'param', 'x'), "
	    "(1, 'result', 'y');"
	    "INSERT INTO value (job_id, set_id, name, num) VALUES "
	    "(1, 1, 'x', 1), (1, 1, 'y', 7), (3, 1, 'x', 2);");
}

START_TEST(test_migration_v1)
{
	struct notebook *n;
	struct nb_set s;
	struct nb_counts c;
	struct nb_work w;
	struct seen x;
	sqlite3 *db;
	char *file, *err = NULL;
	int64_t id;

	file = testutil_path(dir, "v1.db");
	make_v1(file);
	ck_assert_int_eq(sql_int(file, "PRAGMA user_version"), 1);
	ck_assert_int_eq(sql_int(file, "SELECT count(*) FROM "
	    "pragma_table_info('resultset') WHERE name = 'cwd'"), 0);
	ck_assert_int_eq(sql_int(file, "SELECT n FROM counts WHERE "
	    "state = 'ok'"), 1);

	testutil_ok(notebook_open(file, NOTEBOOK_WRITE, &n, &err), err,
	    "open v1");
	ck_assert_int_eq(sql_int(file, "PRAGMA user_version"),
	    NOTEBOOK_SCHEMA_VERSION);
	ck_assert_int_eq(sql_int(file, "SELECT count(*) FROM "
	    "pragma_table_info('resultset') WHERE name IN ('cwd', 'control', "
	    "'purge_before', 'control_seq', 'control_ack', 'runner_start', "
	    "'reason')"), 7);
	ck_assert_int_eq(sql_int(file, "SELECT count(*) FROM "
	    "pragma_table_info('job') WHERE name = 'handle'"), 1);
	/* Rebuilding the set table kept its jobs (no cascade). */
	ck_assert_int_eq(sql_int(file, "SELECT n FROM counts WHERE "
	    "state = 'ok'"), 1);
	ck_assert_int_eq(sql_int(file, "SELECT count(*) FROM current_job"),
	    sql_int(file, "SELECT count(*) FROM job WHERE current"));
	testutil_ok(notebook_set_find(n, "old", &s, &err), err, "find");
	ck_assert_str_eq(s.description, "from labrat 1");
	ck_assert_str_eq(s.attributes, "{\"k\":1}");
	ck_assert(s.created == 1700000000.5);
	ck_assert_str_eq(s.space, "{\"x\":[1,2,3]}");
	ck_assert_str_eq(s.status, "paused");
	ck_assert_int_eq(s.retries, 1);
	ck_assert(s.seed == (uint64_t)-5);
	ck_assert_uint_eq(s.cursor, 2);
	ck_assert_uint_eq(s.njobs, 3);
	ck_assert_str_eq(s.cwd, "");
	ck_assert_str_eq(s.control, "run");
	ck_assert(s.purge_before == 0);
	c = counts_of(n, &s);
	ck_assert_uint_eq(c.n[NB_OK], 1);
	ck_assert_uint_eq(c.n[NB_QUEUED], 1);
	ck_assert_uint_eq(c.n[NB_FAILED], 0);
	ck_assert_uint_eq(c.pending, 2);
	each(n, &s, 0, false, &x);
	ck_assert_uint_eq(x.n, 3);
	ck_assert_str_eq(x.results[0], "{\"y\":7}");
	ck_assert_str_eq(x.error[1], "exit 1");
	ck_assert(!x.current[1]);
	ck_assert_int_eq(x.state[2], NB_QUEUED);
	seen_free(&x);
	ck_assert_page(page(n, &s, "x", true, 0, 0, 10), "1,0");

	/* The campaign goes on where it was. */
	ck_assert_int_eq(notebook_next_queued(n, s.id, 0, &w, &err), 1);
	ck_assert_uint_eq(w.point, 1);
	ck_assert_int_eq(w.attempt, 2);
	testutil_ok(notebook_job_start(n, s.id, &w, "{\"x\":2}", 20, "h", 0, NULL,
	    &err), err, "start");
	finish_ok(n, w.job_id, "{\"y\":8}");
	id = start_at(n, &s, 2, "{\"x\":3}");
	finish_ok(n, id, "{\"y\":9}");
	c = counts_of(n, &s);
	ck_assert_uint_eq(c.n[NB_OK], 3);
	ck_assert(c.ready == 1);
	ck_assert_page(page(n, &s, "y", true, 0, 0, 10), "2,1,0");
	testutil_ok(notebook_set_control(n, s.id, "cancel", NULL, &err), err,
	    "control");
	notebook_close(n);
	notebook_set_clear(&s);

	/* Reopening upgrades nothing more, and loses nothing. */
	testutil_ok(notebook_open(file, NOTEBOOK_CREATE, &n, &err), err, "reopen");
	ck_assert_int_eq(sql_int(file, "PRAGMA user_version"),
	    NOTEBOOK_SCHEMA_VERSION);
	testutil_ok(notebook_set_find(n, "old", &s, &err), err, "find");
	ck_assert_str_eq(s.control, "cancel");
	ck_assert_uint_eq(counts_of(n, &s).n[NB_OK], 3);
	notebook_close(n);
	notebook_set_clear(&s);

	/* The new column refuses a control labrat does not know, even from
	 * sqlite3. */
	ck_assert_int_eq(sqlite3_open(file, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE resultset SET control = "
	    "'bogus'", NULL, NULL, NULL), SQLITE_CONSTRAINT);
	sqlite3_close(db);
	free(file);
}
END_TEST


/* Keep the handle of the job visited. */
static int
job_handle_seen(const struct nb_job *j, void *arg)
{
	struct {
		char h[64];
		int n;
	} *x = arg;

	snprintf(x->h, sizeof x->h, "%s", j->handle != NULL ? j->handle : "");
	x->n++;
	return 0;
}

/* Keep the error of the job visited. */
static int
job_error_seen(const struct nb_job *j, void *arg)
{
	struct {
		char e[128];
		int n;
	} *x = arg;

	snprintf(x->e, sizeof x->e, "%s", j->error != NULL ? j->error : "");
	x->n++;
	return 0;
}

/* Open file as how, expecting a refusal whose message holds want. */
static void
refused_as(const char *file, enum nb_open how, const char *want)
{
	struct notebook *n = NULL;
	char *err = NULL;

	ck_assert_int_eq(notebook_open(file, how, &n, &err), -1);
	ck_assert_ptr_null(n);
	ck_assert_msg(err != NULL && strstr(err, want) != NULL,
	    "expected '%s' in: %s", want, err != NULL ? err : "(none)");
	free(err);
}

START_TEST(test_open_read_only)
{
	struct notebook *n = NULL;
	struct nb_set s, f;
	struct stat sb;
	char *file, *name2, *err = NULL;

	/* Readers never create a file, nor write into an empty one. */
	file = testutil_path(dir, "none.db");
	refused_as(file, NOTEBOOK_READ, "there is no notebook");
	refused_as(file, NOTEBOOK_WRITE, "there is no notebook");
	ck_assert_int_eq(stat(file, &sb), -1);
	testutil_write_file(file, "", 0);
	refused_as(file, NOTEBOOK_READ, "there is no notebook");
	refused_as(file, NOTEBOOK_WRITE, "there is no notebook");
	ck_assert_int_eq(stat(file, &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);
	free(file);

	/* A reader sees a notebook, and cannot write through it. */
	make_set(nb, "r", 3, 1, &s);
	testutil_ok(notebook_open(path, NOTEBOOK_READ, &n, &err), err,
	    "open to read");
	testutil_ok(notebook_set_find(n, "r", &f, &err), err, "find");
	ck_assert_int_eq(f.id, s.id);
	notebook_set_clear(&f);
	ck_assert_int_eq(notebook_set_control(n, s.id, "pause", NULL, &err),
	    -1);
	ck_assert_ptr_nonnull(err);
	free(err);
	err = NULL;
	notebook_close(n);
	notebook_set_clear(&s);

	/* Another name of a notebook that looks empty: only the real name
	 * creates.  Here, a fresh file made by sqlite3 with two names. */
	file = testutil_path(dir, "hdr.db");
	name2 = testutil_path(dir, "hdr2.db");
	sql_exec(file, "PRAGMA user_version = 0");
	ck_assert_int_eq(link(file, name2), 0);
	refused_as(name2, NOTEBOOK_CREATE, "hard links");
	refused_as(file, NOTEBOOK_CREATE, "hard links");
	ck_assert_int_eq(sql_int(file, "SELECT count(*) FROM sqlite_master"),
	    0);
	free(file);
	free(name2);

	/* A symbolic link is never followed to create a notebook. */
	file = testutil_path(dir, "target.db");
	name2 = testutil_path(dir, "sym.db");
	ck_assert_int_eq(symlink(file, name2), 0);
	refused_as(name2, NOTEBOOK_CREATE, "symbolic link");
	ck_assert_int_eq(stat(file, &sb), -1);
	free(file);
	free(name2);
}
END_TEST

START_TEST(test_open_old_schema)
{
	struct notebook *n = NULL;
	char *file, *err = NULL;

	/* Reading an older notebook changes nothing and says what to do. */
	file = testutil_path(dir, "v1.db");
	make_v1(file);
	refused_as(file, NOTEBOOK_READ, "a command that records upgrades it");
	ck_assert_int_eq(sql_int(file, "PRAGMA user_version"), 1);
	/* Writing upgrades it. */
	testutil_ok(notebook_open(file, NOTEBOOK_WRITE, &n, &err), err,
	    "open to write");
	notebook_close(n);
	ck_assert_int_eq(sql_int(file, "PRAGMA user_version"),
	    NOTEBOOK_SCHEMA_VERSION);
	testutil_ok(notebook_open(file, NOTEBOOK_READ, &n, &err), err,
	    "open to read");
	notebook_close(n);
	free(file);
}
END_TEST

START_TEST(test_control_order)
{
	struct nb_set s, g;
	int64_t seq1 = 0, seq2 = 0, seq3 = 0;
	char *err = NULL;

	make_set(nb, "c", 3, 1, &s);
	ck_assert_int_eq(s.control_seq, 0);
	testutil_ok(notebook_set_control(nb, s.id, "pause", &seq1, &err), err,
	    "pause");
	testutil_ok(notebook_set_control(nb, s.id, "run", &seq2, &err), err,
	    "run");
	testutil_ok(notebook_set_control(nb, s.id, "pause", &seq3, &err), err,
	    "pause");
	ck_assert_int_lt(seq1, seq2);
	ck_assert_int_lt(seq2, seq3);
	testutil_ok(notebook_set_get(nb, s.id, &g, &err), err, "get");
	ck_assert_str_eq(g.control, "pause");
	ck_assert_int_eq(g.control_seq, seq3);
	ck_assert_int_eq(g.control_ack, 0);
	notebook_set_clear(&g);
	testutil_ok(notebook_set_ack(nb, s.id, seq2, &err), err, "ack");
	testutil_ok(notebook_set_status(nb, s.id, "paused", 42, 4242,
	    "why not", &err), err, "status");
	testutil_ok(notebook_set_get(nb, s.id, &g, &err), err, "get");
	ck_assert_int_eq(g.control_ack, seq2);
	ck_assert_int_eq(g.runner_pid, 42);
	ck_assert_uint_eq(g.runner_start, 4242);
	ck_assert_str_eq(g.reason, "why not");
	notebook_set_clear(&g);
	notebook_set_clear(&s);
}
END_TEST

START_TEST(test_ids_never_reused)
{
	struct nb_set a, b, g;
	struct nb_outcome o;
	struct nb_work w;
	char *err = NULL;
	int64_t old_set, old_job;

	make_set(nb, "a", 3, 1, &a);
	memset(&w, 0, sizeof w);
	w.attempt = 1;
	testutil_ok(notebook_job_start(nb, a.id, &w, "{}", 1, "h", 0,
	    "local:x:1:2", &err), err, "start");
	old_set = a.id;
	old_job = w.job_id;
	sql_exec(path, "PRAGMA foreign_keys = ON; DELETE FROM resultset");
	/* The deleted set is gone for its runner, and so are its jobs. */
	ck_assert_int_eq(notebook_set_get(nb, old_set, &g, &err),
	    NOTEBOOK_NO_SET);
	free(err);
	err = NULL;
	make_set(nb, "b", 3, 1, &b);
	ck_assert_int_gt(b.id, old_set);
	/* A job of the new set that got the old job's id is not the old
	 * runner's to finish. */
	memset(&w, 0, sizeof w);
	w.attempt = 1;
	testutil_ok(notebook_job_start(nb, b.id, &w, "{}", 1, "h", 0, NULL,
	    &err), err, "start");
	memset(&o, 0, sizeof o);
	o.state = NB_OK;
	o.exit_code = 0;
	o.maxrss_kb = -1;
	o.end = 2;
	ck_assert_int_eq(notebook_job_finish(nb, old_set, w.job_id, &o, &err),
	    NOTEBOOK_NOT_RUNNING);
	ck_assert_int_eq(notebook_job_finish(nb, old_set, old_job, &o, &err),
	    NOTEBOOK_NOT_RUNNING);
	ck_assert_int_eq(counts_of(nb, &b).n[NB_RUNNING], 1);
	notebook_set_clear(&a);
	notebook_set_clear(&b);
}
END_TEST

START_TEST(test_job_handle)
{
	struct nb_set s;
	struct nb_work w;
	char *err = NULL;
	struct seen_handle {
		char h[64];
		int n;
	} x;

	make_set(nb, "h", 3, 1, &s);
	memset(&w, 0, sizeof w);
	w.attempt = 1;
	testutil_ok(notebook_job_start(nb, s.id, &w, "{}", 1, "h", 0,
	    "local:boot:123:456", &err), err, "start");
	memset(&x, 0, sizeof x);
	testutil_ok(notebook_jobs_each(nb, s.id, NB_STATE_BIT(NB_RUNNING),
	    true, job_handle_seen, &x, &err), err, "each");
	ck_assert_int_eq(x.n, 1);
	ck_assert_str_eq(x.h, "local:boot:123:456");
	/* Re-queued one by one: only a running job of the set; the
	 * interrupted row says why. */
	ck_assert_int_eq(notebook_job_interrupt(nb, s.id, w.job_id,
	    "lost with its host h1: it runs again", &err), 1);
	ck_assert_int_eq(notebook_job_interrupt(nb, s.id, w.job_id, NULL,
	    &err), 0);
	ck_assert_int_eq(counts_of(nb, &s).n[NB_QUEUED], 1);
	{
		struct {
			char e[128];
			int n;
		} y;

		memset(&y, 0, sizeof y);
		testutil_ok(notebook_jobs_each(nb, s.id,
		    NB_STATE_BIT(NB_INTERRUPTED), false, job_error_seen, &y,
		    &err), err, "each");
		ck_assert_int_eq(y.n, 1);
		ck_assert_str_eq(y.e, "lost with its host h1: it runs again");
	}
	notebook_set_clear(&s);
}
END_TEST

Suite *
suite_notebook(void)
{
	Suite *s = suite_create("notebook");
	TCase *tc = tcase_create("notebook");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_create_reopen);
	tcase_add_test(tc, test_sets);
	tcase_add_test(tc, test_lock);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_cursor);
	tcase_add_test(tc, test_requeue);
	tcase_add_test(tc, test_crash_exit);
	tcase_add_test(tc, test_crash_kill9);
	tcase_add_test(tc, test_migration);
	tcase_add_test(tc, test_concurrent_reader);
	tcase_add_test(tc, test_jobs_each);
	tcase_add_test(tc, test_jobs_page);
	tcase_add_test(tc, test_jobs_page_plan);
	tcase_add_test(tc, test_jobs_page_plans_agree);
	tcase_add_test(tc, test_jobs_page_stop);
	tcase_add_test(tc, test_jobs_page_memo);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_data_version);
	tcase_add_test(tc, test_transactions);
	tcase_add_test(tc, test_held_starts);
	tcase_add_test(tc, test_held_start_fails);
	tcase_add_test(tc, test_requeue_finished);
	tcase_add_test(tc, test_requeue_refused);
	tcase_add_test(tc, test_purge);
	tcase_add_test(tc, test_control);
	tcase_add_test(tc, test_set_get_cwd);
	tcase_add_test(tc, test_migration_v1);
	tcase_add_test(tc, test_open_read_only);
	tcase_add_test(tc, test_open_old_schema);
	tcase_add_test(tc, test_control_order);
	tcase_add_test(tc, test_ids_never_reused);
	tcase_add_test(tc, test_job_handle);
	suite_add_tcase(s, tc);
	return s;
}
