/*
 * notebook_read.c -- what readers ask of the notebook, never writing to
 * it: progress counts in constant time from the counters, visits of a
 * set's jobs, one sorted page of a million jobs through the value index
 * (and the query plan that proves it), the names seen in a set, and the
 * data_version monitors poll to know when to look again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "notebook_int.h"

/*
 * The sorts of notebook_jobs_page.  A page is read in up to three parts
 * ("arms"), each in index order: the jobs with a number for the key, those
 * with a string (values only), and those without a value, in point order.
 */
enum nb_arm {
	ARM_NUMBERS,
	ARM_STRINGS,
	ARM_MISSING,
	ARM_COUNT
};
_Static_assert(ARM_COUNT == NB_NARMS, "the page cache has room per arm");

struct nb_sort {
	const char *name;     /* as jobs_page takes it; NULL: a value */
	const char *key;      /* the column sorted on */
	const char *tie;      /* the column that breaks ties */
	bool nullable;        /* has an ARM_MISSING */
};

static const struct nb_sort nb_sorts[] = {
	{ NULL, "v.num", NULL, true },
	{ "point", "j.point", "j.rep", false },
	{ "state", "j.state", "j.id", false },
	{ "start", "j.start", "j.id", true },
	{ "end", "j.\"end\"", "j.id", true },
	{ "elapsed", "j.elapsed", "j.id", true },
	{ "maxrss_kb", "j.maxrss_kb", "j.id", true },
};
_Static_assert(UTIL_ARRLEN(nb_sorts) == NB_NSORTS,
    "the page cache has room per sort");

/* Count the set's current jobs by state, from the counts table. */
int
notebook_counts(struct notebook *nb, const struct nb_set *s,
    struct nb_counts *c, char **err)
{
	sqlite3_stmt *st;
	enum nb_state state;
	uint64_t cursor = 0, done;
	int64_t n;
	int rc, rows = 0;

	memset(c, 0, sizeof *c);
	if ((st = nb_stmt(nb, ST_COUNTS, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, s->id);
	/* One statement, one snapshot: the set row and its counters agree. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		c->total = (uint64_t)sqlite3_column_int64(st, 0);
		cursor = (uint64_t)sqlite3_column_int64(st, 1);
		n = sqlite3_column_int64(st, 3);
		if (notebook_state_parse((const char *)sqlite3_column_text(st,
		    2), &state) == 0 && n > 0)
			c->n[state] = (uint64_t)n;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		nb_error(nb, "counting jobs", err);
		return -1;
	}
	if (rows == 0) {
		*err = nb_no_set_error(nb, s->id);
		return -1;
	}
	c->n[NB_INTERRUPTED] = 0;
	c->pending = (cursor < c->total ? c->total - cursor : 0) +
	    c->n[NB_QUEUED];
	done = c->n[NB_OK] + c->n[NB_FAILED] + c->n[NB_CANCELLED];
	c->ready = c->total == 0 ? 1.0 : (double)done / (double)c->total;
	return 0;
}

/* Fill j from a row of NB_JOB_COLS. */
static void
nb_job_from_row(sqlite3_stmt *st, struct nb_job *j)
{
	memset(j, 0, sizeof *j);
	j->id = sqlite3_column_int64(st, 0);
	j->point = (uint64_t)sqlite3_column_int64(st, 1);
	j->rep = sqlite3_column_int(st, 2);
	j->attempt = sqlite3_column_int(st, 3);
	if (notebook_state_parse((const char *)sqlite3_column_text(st, 4),
	    &j->state) != 0)
		j->state = NB_FAILED;
	j->current = sqlite3_column_int(st, 5) != 0;
	j->params = (const char *)sqlite3_column_text(st, 6);
	if (j->params == NULL)
		j->params = "{}";
	j->results = (const char *)sqlite3_column_text(st, 7);
	j->error = (const char *)sqlite3_column_text(st, 8);
	j->stderr_tail = (const char *)sqlite3_column_text(st, 9);
	j->host = (const char *)sqlite3_column_text(st, 10);
	j->engine = (int)nb_column_int(st, 11, -1);
	j->start = sqlite3_column_double(st, 12);
	j->end = sqlite3_column_double(st, 13);
	j->exit_code = (int)nb_column_int(st, 14, -1);
	j->signal = (int)nb_column_int(st, 15, 0);
	j->maxrss_kb = nb_column_int(st, 16, -1);
	j->cpu_user = sqlite3_column_double(st, 17);
	j->cpu_sys = sqlite3_column_double(st, 18);
	j->truncated = sqlite3_column_int(st, 19) != 0;
}

/* A state mask as the SQL sees it: 0 when it lets every state through. */
static int64_t
nb_state_mask(unsigned states)
{
	unsigned all = (1u << NB_NSTATES) - 1;

	return (states & all) == all ? 0 : (int64_t)(states & all);
}

/* Visit the rows of st with fn; *visited counts them.  0 or -1. */
static int
nb_visit(struct notebook *nb, sqlite3_stmt *st, nb_job_fn fn, void *arg,
    uint64_t *visited, bool *stopped, char **err)
{
	struct nb_job j;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nb_job_from_row(st, &j);
		(*visited)++;
		if (fn(&j, arg) != 0) {
			*stopped = true;
			sqlite3_reset(st);
			return 0;
		}
	}
	if (rc != SQLITE_DONE) {
		nb_error(nb, "reading jobs", err);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

/* Visit the set's jobs in (point, rep, attempt) order. */
int
notebook_jobs_each(struct notebook *nb, int64_t set_id, unsigned states,
    bool current_only, nb_job_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;
	uint64_t visited = 0;
	bool stopped = false;

	if ((st = nb_stmt(nb, ST_JOBS_EACH, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_int(st, 2, current_only);
	sqlite3_bind_int64(st, 3, nb_state_mask(states));
	return nb_visit(nb, st, fn, arg, &visited, &stopped, err);
}

/*
 * The SQL of one arm of a page sort (or, with count, the number of rows
 * it holds).  Parameters: ?1 set, ?2 value name, ?3 state mask, ?4 limit,
 * ?5 offset.  Each arm reads one index in order; see doc/notebook.md.
 */
static char *
nb_page_sql(size_t sort, enum nb_arm arm, bool desc, bool count)
{
	const struct nb_sort *ns = &nb_sorts[sort];
	const char *dir = desc ? " DESC" : "";
	const char *what = count ? "count(*)" : NB_JOB_COLS;
	struct buf b;

	buf_init(&b);
	if (ns->name == NULL && arm != ARM_MISSING) {
		buf_printf(&b, "SELECT %s FROM value v CROSS JOIN job j "
		    "ON j.id = v.job_id WHERE v.set_id = ?1 AND v.name = ?2 "
		    "AND v.num IS %s AND j.current AND " NB_STATE_FILTER, what,
		    arm == ARM_NUMBERS ? "NOT NULL" : "NULL");
		if (!count)
			buf_printf(&b, " ORDER BY v.num%s, v.txt%s, "
			    "v.job_id%s", dir, dir, dir);
	} else {
		buf_printf(&b, "SELECT %s FROM job j WHERE j.set_id = ?1 "
		    "AND j.current AND " NB_STATE_FILTER, what);
		if (ns->name == NULL)
			buf_adds(&b, " AND NOT EXISTS (SELECT 1 FROM value v "
			    "WHERE v.job_id = j.id AND v.name = ?2)");
		else if (ns->nullable)
			buf_printf(&b, " AND %s IS %s", ns->key,
			    arm == ARM_MISSING ? "NULL" : "NOT NULL");
		if (!count && arm == ARM_MISSING)
			buf_adds(&b, " ORDER BY j.point, j.rep");
		else if (!count)
			buf_printf(&b, " ORDER BY %s%s, %s%s", ns->key, dir,
			    ns->tie, dir);
	}
	if (!count)
		buf_adds(&b, " LIMIT ?4 OFFSET ?5");
	return buf_steal(&b);
}

/* The arms a sort reads, in order; returns how many. */
static size_t
nb_page_arms(size_t sort, enum nb_arm arms[ARM_COUNT])
{
	size_t n = 0;

	arms[n++] = ARM_NUMBERS;
	if (nb_sorts[sort].name == NULL)
		arms[n++] = ARM_STRINGS;
	if (nb_sorts[sort].nullable)
		arms[n++] = ARM_MISSING;
	return n;
}

/* The cached statement of one arm (the missing arm has one direction). */
static sqlite3_stmt *
nb_page_stmt(struct notebook *nb, size_t sort, enum nb_arm arm, bool desc,
    bool count, char **err)
{
	size_t slot;
	sqlite3_stmt *st;
	char *sql;

	if (arm == ARM_MISSING || count)
		desc = false;
	slot = ((sort * ARM_COUNT + arm) * 2 + desc) * 2 + count;
	if (nb->page[slot] != NULL)
		return nb_prepare(nb, &nb->page[slot], NULL, err);
	sql = nb_page_sql(sort, arm, desc, count);
	st = nb_prepare(nb, &nb->page[slot], sql, err);
	free(sql);
	return st;
}

/* Which sort jobs_page uses for name: a known value name first. */
static int
nb_page_sort(struct notebook *nb, int64_t set_id, const char *name,
    size_t *sort, char **err)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	*sort = 1;
	if (name == NULL || *name == '\0')
		return 0;
	if ((st = nb_stmt(nb, ST_NAME_KNOWN, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	nb_bind_text(st, 2, name);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		*sort = 0;
		return 0;
	}
	if (rc != SQLITE_DONE) {
		nb_error(nb, "looking up a name", err);
		return -1;
	}
	/* Not seen yet: every job lacks it, unless it names a column. */
	*sort = 0;
	for (i = 1; i < NB_NSORTS; i++) {
		if (strcmp(name, nb_sorts[i].name) == 0)
			*sort = i;
	}
	return 0;
}

/* Bind the parameters every page statement shares. */
static void
nb_page_bind(sqlite3_stmt *st, int64_t set_id, const char *name,
    unsigned states, uint64_t offset, uint64_t limit)
{
	sqlite3_bind_int64(st, 1, set_id);
	nb_bind_text(st, 2, name);
	sqlite3_bind_int64(st, 3, nb_state_mask(states));
	sqlite3_bind_int64(st, 4, limit > INT64_MAX ? INT64_MAX :
	    (int64_t)limit);
	sqlite3_bind_int64(st, 5, offset > INT64_MAX ? INT64_MAX :
	    (int64_t)offset);
}

/* Read the page arm by arm; a count is only needed to skip a whole arm. */
static int
nb_page_read(struct notebook *nb, int64_t set_id, const char *name,
    size_t sort, bool desc, unsigned states, uint64_t offset,
    uint64_t limit, nb_job_fn fn, void *arg, char **err)
{
	enum nb_arm arms[ARM_COUNT];
	sqlite3_stmt *st;
	uint64_t got;
	bool stopped = false;
	size_t narms, i;
	int rc;

	narms = nb_page_arms(sort, arms);
	for (i = 0; i < narms && limit > 0 && !stopped; i++) {
		if ((st = nb_page_stmt(nb, sort, arms[i], desc, false,
		    err)) == NULL)
			return -1;
		nb_page_bind(st, set_id, name, states, offset, limit);
		got = 0;
		if (nb_visit(nb, st, fn, arg, &got, &stopped, err) != 0)
			return -1;
		if (got > 0) {
			limit -= got;
			offset = 0;
			continue;
		}
		if (offset == 0 || i + 1 == narms)
			continue;
		/* The page starts past this arm: skip all of it. */
		if ((st = nb_page_stmt(nb, sort, arms[i], desc, true,
		    err)) == NULL)
			return -1;
		nb_page_bind(st, set_id, name, states, 0, 0);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			nb_error(nb, "counting jobs", err);
			sqlite3_reset(st);
			return -1;
		}
		got = (uint64_t)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		offset = offset > got ? offset - got : 0;
	}
	return 0;
}

/* Visit one sorted page of the set's current jobs. */
int
notebook_jobs_page(struct notebook *nb, int64_t set_id, const char *sort,
    bool descending, unsigned states, uint64_t offset, uint64_t limit,
    nb_job_fn fn, void *arg, char **err)
{
	size_t which;
	bool own;
	int rc;

	if (nb_page_sort(nb, set_id, sort, &which, err) != 0)
		return -1;
	/* Read every arm from one snapshot, so no job shows up twice. */
	own = nb->depth == 0;
	if (own) {
		if (nb_exec(nb, ST_BEGIN_READ, err) != 0)
			return -1;
		nb->depth = 1;
	}
	rc = nb_page_read(nb, set_id, sort, which, descending, states, offset,
	    limit, fn, arg, err);
	if (own && nb->depth > 0) {
		nb->depth = 0;
		if (!sqlite3_get_autocommit(nb->db) &&
		    nb_exec(nb, ST_COMMIT, rc == 0 ? err : NULL) != 0)
			rc = -1;
	}
	return rc;
}

/* Describe the query plan of each part of a page. */
int
notebook_explain(struct notebook *nb, int64_t set_id, const char *sort,
    bool descending, char **plan, char **err)
{
	enum nb_arm arms[ARM_COUNT];
	static const char *const arm_names[ARM_COUNT] = {
		"sorted", "strings", "missing"
	};
	sqlite3_stmt *st;
	struct buf b;
	size_t which, narms, i;
	char *sql, *q;
	int rc;

	*plan = NULL;
	if (nb_page_sort(nb, set_id, sort, &which, err) != 0)
		return -1;
	buf_init(&b);
	narms = nb_page_arms(which, arms);
	for (i = 0; i < narms; i++) {
		sql = nb_page_sql(which, arms[i], descending, false);
		q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
		free(sql);
		rc = sqlite3_prepare_v2(nb->db, q, -1, &st, NULL);
		free(q);
		if (rc != SQLITE_OK) {
			nb_error(nb, "explaining a page query", err);
			buf_free(&b);
			return -1;
		}
		while (sqlite3_step(st) == SQLITE_ROW)
			buf_printf(&b, "%s: %s\n", arm_names[arms[i]],
			    (const char *)sqlite3_column_text(st, 3));
		sqlite3_finalize(st);
	}
	*plan = buf_steal(&b);
	return 0;
}

/* List the set's parameter or result names in order of first use. */
int
notebook_names(struct notebook *nb, int64_t set_id, enum nb_name_kind kind,
    char ***names, char **err)
{
	sqlite3_stmt *st;
	char **v;
	size_t len = 0;
	int rc;

	*names = NULL;
	if ((st = nb_stmt(nb, ST_NAME_LIST, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	nb_bind_text(st, 2, kind == NB_NAME_PARAM ? "param" : "result");
	v = xcalloc(1, sizeof *v);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 2, sizeof *v);
		v[len++] = nb_column_strdup(st, 0);
		v[len] = NULL;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		nb_error(nb, "listing names", err);
		util_strv_free(v);
		return -1;
	}
	*names = v;
	return 0;
}

/* Visit plot points of ok jobs after a job id, in job order. */
int
notebook_points(struct notebook *nb, int64_t set_id, const char *xname,
    const char *yname, const char *sname, int64_t after_id, uint64_t limit,
    nb_point_fn fn, void *arg, int64_t *last_id, char **err)
{
	sqlite3_stmt *st;
	struct buf label;
	const char *series;
	int rc;

	if ((st = nb_stmt(nb, ST_POINTS, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	nb_bind_text(st, 2, xname);
	nb_bind_text(st, 3, yname);
	nb_bind_text(st, 4, sname != NULL ? sname : "");
	sqlite3_bind_int64(st, 5, after_id);
	sqlite3_bind_int64(st, 6, limit > INT64_MAX ? INT64_MAX :
	    (int64_t)limit);
	buf_init(&label);
	*last_id = after_id;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*last_id = sqlite3_column_int64(st, 0);
		series = NULL;
		if (sqlite3_column_type(st, 3) == SQLITE_TEXT)
			series = (const char *)sqlite3_column_text(st, 3);
		else if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			buf_reset(&label);
			util_format_double(&label,
			    sqlite3_column_double(st, 4));
			series = label.data;
		}
		if (fn(*last_id, sqlite3_column_double(st, 1),
		    sqlite3_column_double(st, 2), series, arg) != 0)
			break;
	}
	sqlite3_reset(st);
	buf_free(&label);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		nb_error(nb, "reading plot points", err);
		return -1;
	}
	return 0;
}

/* A counter that moves when another connection commits. */
int64_t
notebook_data_version(struct notebook *nb)
{
	sqlite3_stmt *st = nb_stmt(nb, ST_DATA_VERSION, NULL);
	int64_t v = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}
