/*
 * notebook_read.c -- what readers ask of the notebook, never writing to
 * it: progress counts in constant time from the counters, visits of a
 * set's jobs, one sorted page of a million jobs through the indexes, read
 * from whichever end is nearer (and the query plans that prove it), the
 * names seen in a set, and the data_version monitors poll to know when to
 * look again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notebook_int.h"

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
	if (sqlite3_column_type(st, 17) == SQLITE_NULL ||
	    sqlite3_column_type(st, 18) == SQLITE_NULL) {
		j->cpu_user = -1;
		j->cpu_sys = -1;
	} else {
		j->cpu_user = sqlite3_column_double(st, 17);
		j->cpu_sys = sqlite3_column_double(st, 18);
	}
	j->truncated = sqlite3_column_int(st, 19) != 0;
	j->handle = (const char *)sqlite3_column_text(st, 20);
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

/* The one state in states, or -1 if there are none or several. */
static int
nb_only_state(unsigned states)
{
	int i;

	for (i = 0; i < NB_NSTATES; i++) {
		if (states == NB_STATE_BIT(i))
			return i;
	}
	return -1;
}

/* Tell if the set has few current jobs in state (the counters say), so
 * that reading them through job_state and sorting them costs less than
 * reading every job of the set. */
static bool
nb_state_few(struct notebook *nb, int64_t set_id, int state)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if ((st = nb_stmt(nb, ST_COUNT_STATE, NULL)) == NULL)
		return false;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_text(st, 2, notebook_state_name(state), -1,
	    SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		n = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		n = 0;          /* no counter: none */
		break;
	}
	sqlite3_reset(st);
	return n >= 0 && (uint64_t)n <= nb_page_limits.few;
}

/* Visit the set's jobs in (point, rep, attempt) order. */
int
notebook_jobs_each(struct notebook *nb, int64_t set_id, unsigned states,
    bool current_only, nb_job_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;
	uint64_t visited = 0;
	bool stopped = false;
	int state = nb_only_state(states);

	/* The running jobs a runner reclaims at its end, say, among a
	 * million finished ones. */
	if (current_only && state >= 0 && nb_state_few(nb, set_id, state)) {
		if ((st = nb_stmt(nb, ST_JOBS_STATE, err)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, set_id);
		sqlite3_bind_text(st, 2, notebook_state_name(state), -1,
		    SQLITE_STATIC);
		return nb_visit(nb, st, fn, arg, &visited, &stopped, err);
	}
	if ((st = nb_stmt(nb, ST_JOBS_EACH, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_int(st, 2, current_only);
	sqlite3_bind_int64(st, 3, nb_state_mask(states));
	return nb_visit(nb, st, fn, arg, &visited, &stopped, err);
}

/*
 * Sorted pages.  A page of the concatenated arms is read arm by arm, each
 * through its index; what costs is the rows skipped to reach the page, so:
 *
 * - the number of rows of the page is known in constant time from the
 *   counters, so a page nearer the end than the start is read backwards,
 *   from the end, and turned around (the missing jobs stay last, in point
 *   order, both ways);
 * - an arm is also read from whichever of its ends is nearer, once its
 *   size is known;
 * - with no state filter, rows are skipped in an index alone
 *   (FORM_ROWS_ALL);
 * - a state filter that leaves few jobs reads them through the job_state
 *   index and sorts them in memory (FORM_PAGE_FEW), and so do missing
 *   values known to lie among few jobs (FORM_ROWS_FEW);
 * - the sizes of the value arms come from an index-only count, or from the
 *   few jobs of the other states when one state holds nearly all jobs; a
 *   memo keeps them while the notebook is unchanged.
 */

/* Every state bit. */
#define NB_ALL_STATES ((1u << NB_NSTATES) - 1)
/* The first state-name parameter of the FORM_*_FEW statements. */
#define NB_PAGE_LIST 6

/* Sort at most this many jobs in memory; hold at most this many rows to
 * read a page backwards. */
struct nb_page_limits nb_page_limits = { 10000, 10000 };

/* A job row that outlives its statement. */
struct nb_row {
	struct nb_job j;
	char *text[5];
};

struct nb_rows {
	struct nb_row *v;
	size_t n, cap;
};

/* What one size costs to learn, cheapest first. */
enum nb_cost {
	COST_KNOWN,     /* known already */
	COST_FEW,       /* through an index range of few rows */
	COST_INDEX,     /* one index-only count of the name's values */
	COST_JOBS,      /* a job read per value */
};

/* One notebook_jobs_page call: what it reads and what it learnt. */
struct nb_page {
	struct notebook *nb;
	int64_t set_id;
	const char *name;         /* the sort as given (a value's name) */
	size_t sort;
	bool desc;
	unsigned states;          /* shown (NB_ALL_STATES: every state) */
	uint64_t n[NB_NSTATES];   /* current jobs by state (the counters) */
	uint64_t total;           /* current jobs in states: the rows */
	enum nb_arm arms[ARM_COUNT];
	size_t narms;
	int64_t size[ARM_COUNT];  /* rows of each arm, -1: not known yet */
	int64_t valued[2];        /* numbers, strings of every state, -1 */
	bool memo;                /* may use and fill nb->memo */
	int64_t version;          /* data_version of this snapshot */
	bool backwards;           /* walking from the last row */
	bool stopped;             /* fn asked to stop */
	struct nb_rows rows;      /* backwards: the rows so far, last first */
	nb_job_fn fn;
	void *arg;
};

/* A copy of s, or NULL. */
static char *
nb_strdup_or_null(const char *s)
{
	return s == NULL ? NULL : xstrdup(s);
}

/* Append a copy of j to r. */
static void
nb_rows_add(struct nb_rows *r, const struct nb_job *j)
{
	struct nb_row *row;

	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 64 : r->cap * 2;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	row = &r->v[r->n++];
	row->j = *j;
	row->j.params = row->text[0] = xstrdup(j->params);
	row->j.results = row->text[1] = nb_strdup_or_null(j->results);
	row->j.error = row->text[2] = nb_strdup_or_null(j->error);
	row->j.stderr_tail = row->text[3] = nb_strdup_or_null(j->stderr_tail);
	row->j.host = row->text[4] = nb_strdup_or_null(j->host);
}

/* Free the rows of r. */
static void
nb_rows_free(struct nb_rows *r)
{
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		for (k = 0; k < UTIL_ARRLEN(r->v[i].text); k++)
			free(r->v[i].text[k]);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
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

/* The cached statement of one arm read with form (counts have no
 * direction). */
static sqlite3_stmt *
nb_page_stmt(struct notebook *nb, size_t sort, enum nb_arm arm, bool desc,
    enum nb_form form, char **err)
{
	size_t slot;
	sqlite3_stmt *st;
	char *sql;

	if (form == FORM_SIZE || form == FORM_SIZE_ALL ||
	    form == FORM_SIZE_FEW)
		desc = false;
	slot = ((sort * ARM_COUNT + arm) * 2 + desc) * NB_NFORMS + form;
	if (nb->page[slot] != NULL)
		return nb_prepare(nb, &nb->page[slot], NULL, err);
	sql = nb_page_sql(sort, arm, desc, form);
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

/* Bind a page statement: ?3 lets the states of filter through, ?6 on are
 * the names of the states of list. */
static void
nb_page_bind(sqlite3_stmt *st, const struct nb_page *pg, unsigned filter,
    unsigned list, uint64_t offset, uint64_t limit)
{
	int i, k = NB_PAGE_LIST;

	sqlite3_bind_int64(st, 1, pg->set_id);
	nb_bind_text(st, 2, pg->name);
	sqlite3_bind_int64(st, 3, nb_state_mask(filter));
	sqlite3_bind_int64(st, 4, limit > INT64_MAX ? INT64_MAX :
	    (int64_t)limit);
	sqlite3_bind_int64(st, 5, offset > INT64_MAX ? INT64_MAX :
	    (int64_t)offset);
	for (i = 0; i < NB_NSTATES; i++) {
		if (list & NB_STATE_BIT(i))
			nb_bind_text(st, k++,
			    notebook_state_name((enum nb_state)i));
	}
	while (k < NB_PAGE_LIST + NB_NSTATES)
		sqlite3_bind_null(st, k++);
}

/* The current jobs whose state is in mask, from the counters. */
static uint64_t
nb_page_jobs(const struct nb_page *pg, unsigned mask)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < NB_NSTATES; i++) {
		if (mask & NB_STATE_BIT(i))
			n += pg->n[i];
	}
	return n;
}

/* Read the counters of the set into pg (none: an empty set). */
static int
nb_page_counts(struct nb_page *pg, char **err)
{
	sqlite3_stmt *st;
	enum nb_state s;
	int64_t n;
	int rc;

	if ((st = nb_stmt(pg->nb, ST_COUNTS, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pg->set_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 3);
		if (notebook_state_parse((const char *)sqlite3_column_text(st,
		    2), &s) == 0 && n > 0 && s != NB_INTERRUPTED)
			pg->n[s] = (uint64_t)n;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		nb_error(pg->nb, "counting jobs", err);
		return -1;
	}
	pg->total = nb_page_jobs(pg, pg->states);
	return 0;
}

/* Take the value counts of the memo if they are of this name and the
 * notebook has not changed since (no commit from elsewhere, no write of
 * this connection). */
static void
nb_page_memo_load(struct nb_page *pg)
{
	struct nb_page_memo *m = &pg->nb->memo;

	pg->version = notebook_data_version(pg->nb);
	if (!pg->memo || pg->version < 0 || !m->valid ||
	    m->version != pg->version ||
	    m->changes != sqlite3_total_changes(pg->nb->db) ||
	    m->set_id != pg->set_id || strcmp(m->name, pg->name) != 0)
		return;
	pg->valued[ARM_NUMBERS] = m->n[ARM_NUMBERS];
	pg->valued[ARM_STRINGS] = m->n[ARM_STRINGS];
}

/* Keep the value counts learnt in the memo. */
static void
nb_page_memo_store(struct nb_page *pg)
{
	struct nb_page_memo *m = &pg->nb->memo;
	size_t len = strlen(pg->name);

	if (!pg->memo || pg->version < 0 || len >= sizeof m->name)
		return;
	m->valid = true;
	m->version = pg->version;
	m->changes = sqlite3_total_changes(pg->nb->db);
	m->set_id = pg->set_id;
	memcpy(m->name, pg->name, len + 1);
	m->n[ARM_NUMBERS] = pg->valued[ARM_NUMBERS];
	m->n[ARM_STRINGS] = pg->valued[ARM_STRINGS];
}

/* Run a count of arm with form; *n is the answer. */
static int
nb_page_count(struct nb_page *pg, enum nb_arm arm, enum nb_form form,
    unsigned filter, unsigned list, uint64_t *n, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = nb_page_stmt(pg->nb, pg->sort, arm, false, form,
	    err)) == NULL)
		return -1;
	nb_page_bind(st, pg, filter, list, 0, 0);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(st, 0);
	else
		nb_error(pg->nb, "counting jobs", err);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* What counting the values (arm ARM_NUMBERS or ARM_STRINGS) of the jobs
 * in states mask costs. */
static enum nb_cost
nb_page_values_cost(const struct nb_page *pg, enum nb_arm arm,
    unsigned mask)
{
	if (mask == NB_ALL_STATES)
		return pg->valued[arm] >= 0 ? COST_KNOWN : COST_INDEX;
	if (nb_page_jobs(pg, mask) <= nb_page_limits.few)
		return COST_FEW;
	if (nb_page_jobs(pg, NB_ALL_STATES & ~mask) <= nb_page_limits.few)
		return nb_page_values_cost(pg, arm, NB_ALL_STATES);
	return COST_JOBS;
}

/* Count the values (arm ARM_NUMBERS or ARM_STRINGS) of the current jobs
 * in states mask, the cheapest way. */
static int
nb_page_values(struct nb_page *pg, enum nb_arm arm, unsigned mask,
    uint64_t *n, char **err)
{
	uint64_t all, other;

	if (mask == NB_ALL_STATES) {
		if (pg->valued[arm] < 0) {
			if (nb_page_count(pg, arm, FORM_SIZE_ALL,
			    NB_ALL_STATES, 0, &all, err) != 0)
				return -1;
			pg->valued[arm] = (int64_t)all;
			nb_page_memo_store(pg);
		}
		*n = (uint64_t)pg->valued[arm];
		return 0;
	}
	if (nb_page_jobs(pg, mask) <= nb_page_limits.few)
		return nb_page_count(pg, arm, FORM_SIZE_FEW, mask, mask, n,
		    err);
	if (nb_page_jobs(pg, NB_ALL_STATES & ~mask) <= nb_page_limits.few) {
		/* Nearly every job: all values but the few others'. */
		if (nb_page_values(pg, arm, NB_ALL_STATES, &all, err) != 0 ||
		    nb_page_count(pg, arm, FORM_SIZE_FEW, NB_ALL_STATES,
		    NB_ALL_STATES & ~mask, &other, err) != 0)
			return -1;
		*n = all > other ? all - other : 0;
		return 0;
	}
	return nb_page_count(pg, arm, FORM_SIZE, mask, 0, n, err);
}

/* What learning the size of arm costs. */
static enum nb_cost
nb_page_size_cost(const struct nb_page *pg, enum nb_arm arm)
{
	enum nb_cost a, b;

	if (pg->size[arm] >= 0 || pg->narms == 1)
		return COST_KNOWN;
	if (nb_sorts[pg->sort].name != NULL)
		return COST_FEW;        /* the key index's NULL range */
	if (arm != ARM_MISSING)
		return nb_page_values_cost(pg, arm, pg->states);
	a = nb_page_values_cost(pg, ARM_NUMBERS, pg->states);
	b = nb_page_values_cost(pg, ARM_STRINGS, pg->states);
	return a > b ? a : b;
}

/* The number of rows of arm. */
static int
nb_page_size(struct nb_page *pg, enum nb_arm arm, uint64_t *size,
    char **err)
{
	uint64_t a, b;

	if (pg->size[arm] >= 0) {
		*size = (uint64_t)pg->size[arm];
		return 0;
	}
	if (pg->narms == 1)
		*size = pg->total;
	else if (nb_sorts[pg->sort].name == NULL && arm != ARM_MISSING) {
		if (nb_page_values(pg, arm, pg->states, size, err) != 0)
			return -1;
	} else if (nb_sorts[pg->sort].name == NULL) {
		if (nb_page_size(pg, ARM_NUMBERS, &a, err) != 0 ||
		    nb_page_size(pg, ARM_STRINGS, &b, err) != 0)
			return -1;
		*size = pg->total > a + b ? pg->total - a - b : 0;
	} else if (arm == ARM_MISSING) {
		if (nb_page_count(pg, arm, FORM_SIZE, pg->states, 0, size,
		    err) != 0)
			return -1;
	} else {
		if (nb_page_size(pg, ARM_MISSING, &a, err) != 0)
			return -1;
		*size = pg->total > a ? pg->total - a : 0;
	}
	pg->size[arm] = (int64_t)*size;
	return 0;
}

/*
 * How to read the missing arm, whose size is known: in memory (*form
 * FORM_ROWS_FEW; for a value, *list holds the states of its jobs) when its
 * jobs are few, else by a scan.  A value's missing jobs are few when the
 * states shown have few jobs, or when one state holds all but a few of the
 * set's jobs and each of its jobs has the value.
 */
static int
nb_page_missing_plan(struct nb_page *pg, enum nb_form *form,
    unsigned *list, char **err)
{
	uint64_t num, str;
	unsigned bit;
	int i;

	*form = pg->states == NB_ALL_STATES ? FORM_ROWS_ALL : FORM_ROWS;
	*list = 0;
	if (nb_sorts[pg->sort].name != NULL) {
		if ((uint64_t)pg->size[ARM_MISSING] <= nb_page_limits.few)
			*form = FORM_ROWS_FEW;
		return 0;
	}
	if (pg->total <= nb_page_limits.few) {
		*form = FORM_ROWS_FEW;
		*list = pg->states;
		return 0;
	}
	for (i = 0; i < NB_NSTATES; i++) {
		bit = NB_STATE_BIT(i);
		if ((pg->states & bit) == 0 || nb_page_jobs(pg,
		    NB_ALL_STATES & ~bit) > nb_page_limits.few)
			continue;
		if (nb_page_values(pg, ARM_NUMBERS, bit, &num, err) != 0 ||
		    nb_page_values(pg, ARM_STRINGS, bit, &str, err) != 0)
			return -1;
		if (num + str >= pg->n[i] && (pg->states & ~bit) != 0) {
			*form = FORM_ROWS_FEW;
			*list = pg->states & ~bit;
		}
		break;
	}
	return 0;
}

/* Hand j to the caller, unless it asked to stop. */
static void
nb_page_emit(struct nb_page *pg, const struct nb_job *j)
{
	if (!pg->stopped && pg->fn(j, pg->arg) != 0)
		pg->stopped = true;
}

/*
 * Read up to limit rows of arm from offset with form, in the direction of
 * the walk or (against) the other way, and pass them on in the walk's
 * order: to the caller, or backwards to pg->rows.  *got counts them.
 */
static int
nb_page_chunk(struct nb_page *pg, enum nb_arm arm, enum nb_form form,
    unsigned list, bool against, uint64_t offset, uint64_t limit,
    uint64_t *got, char **err)
{
	bool reversed = pg->backwards != against;
	bool desc = arm == ARM_MISSING ? reversed : pg->desc != reversed;
	struct nb_rows tmp;
	struct nb_job j;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	*got = 0;
	if ((st = nb_page_stmt(pg->nb, pg->sort, arm, desc, form,
	    err)) == NULL)
		return -1;
	nb_page_bind(st, pg, pg->states, list, offset, limit);
	memset(&tmp, 0, sizeof tmp);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nb_job_from_row(st, &j);
		(*got)++;
		if (against)
			nb_rows_add(&tmp, &j);
		else if (pg->backwards)
			nb_rows_add(&pg->rows, &j);
		else {
			nb_page_emit(pg, &j);
			if (pg->stopped)
				break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		nb_error(pg->nb, "reading jobs", err);
		sqlite3_reset(st);
		nb_rows_free(&tmp);
		return -1;
	}
	sqlite3_reset(st);
	for (i = tmp.n; i-- > 0 && !pg->stopped;) {
		if (pg->backwards)
			nb_rows_add(&pg->rows, &tmp.v[i].j);
		else
			nb_page_emit(pg, &tmp.v[i].j);
	}
	nb_rows_free(&tmp);
	return 0;
}

/* Walk the arms (backwards: from the last) past offset rows, reading the
 * next limit. */
static int
nb_page_walk(struct nb_page *pg, uint64_t offset, uint64_t limit,
    char **err)
{
	enum nb_form scan, form;
	enum nb_cost cost;
	enum nb_arm arm;
	uint64_t o = offset, need = limit, size, m, got;
	unsigned list;
	bool known, against;
	size_t k;

	scan = pg->states == NB_ALL_STATES ? FORM_ROWS_ALL : FORM_ROWS;
	for (k = 0; k < pg->narms && need > 0 && !pg->stopped; k++) {
		arm = pg->arms[pg->backwards ? pg->narms - 1 - k : k];
		/* Learn the size where that costs less than walking into the
		 * arm: to skip it, to read it from its nearer end, to find
		 * the few missing jobs.  Walking forwards, missing jobs are
		 * reached from the start only when they are many. */
		cost = nb_page_size_cost(pg, arm);
		if (arm == ARM_MISSING)
			known = cost <= COST_FEW || (cost == COST_INDEX &&
			    (o > 0 || pg->backwards));
		else
			known = o > 0 && cost <= COST_FEW;
		if (known) {
			if (nb_page_size(pg, arm, &size, err) != 0)
				return -1;
			if (o >= size) {
				o -= size;
				continue;
			}
		}
		form = scan;
		list = 0;
		if (known && arm == ARM_MISSING && pg->narms > 1 &&
		    nb_page_missing_plan(pg, &form, &list, err) != 0)
			return -1;
		if (known) {
			m = need < size - o ? need : size - o;
			against = size - o - m < o &&
			    m <= nb_page_limits.buffer;
			if (nb_page_chunk(pg, arm, form, list, against,
			    against ? size - o - m : o, m, &got, err) != 0)
				return -1;
		} else {
			if (nb_page_chunk(pg, arm, form, list, false, o, need,
			    &got, err) != 0)
				return -1;
			if (got == 0 && o > 0) {
				/* The page starts past this arm. */
				if (nb_page_size(pg, arm, &size, err) != 0)
					return -1;
				o -= o < size ? o : size;
				continue;
			}
		}
		need -= got < need ? got : need;
		o = 0;
	}
	return 0;
}

/* Read the page from one snapshot: sizes, plan, rows. */
static int
nb_page_read(struct nb_page *pg, uint64_t offset, uint64_t limit,
    char **err)
{
	uint64_t n, back, extra, got;
	size_t i;

	if (nb_page_counts(pg, err) != 0)
		return -1;
	if (offset >= pg->total || limit == 0)
		return 0;
	n = limit < pg->total - offset ? limit : pg->total - offset;
	nb_page_memo_load(pg);
	/* A filter that leaves few jobs: sort them in memory. */
	if (pg->states != NB_ALL_STATES && pg->total <= nb_page_limits.few)
		return nb_page_chunk(pg, ARM_NUMBERS, FORM_PAGE_FEW,
		    pg->states, false, offset, n, &got, err);
	/* Backwards, a value's missing jobs come first: when placing them
	 * takes counting its values, about a walk through the set, going
	 * backwards pays for the last quarter of the rows only. */
	back = pg->total - offset - n;
	extra = 0;
	if (pg->narms == ARM_COUNT &&
	    nb_page_size_cost(pg, ARM_MISSING) >= COST_INDEX)
		extra = pg->total / 2;
	pg->backwards = back + extra < offset &&
	    n <= nb_page_limits.buffer;
	if (nb_page_walk(pg, pg->backwards ? back : offset, n, err) != 0)
		return -1;
	for (i = pg->rows.n; i-- > 0 && !pg->stopped;)
		nb_page_emit(pg, &pg->rows.v[i].j);
	return 0;
}

/* Visit one sorted page of the set's current jobs. */
int
notebook_jobs_page(struct notebook *nb, int64_t set_id, const char *sort,
    bool descending, unsigned states, uint64_t offset, uint64_t limit,
    nb_job_fn fn, void *arg, char **err)
{
	struct nb_page pg;
	size_t which;
	bool own;
	int rc;

	if (nb_page_sort(nb, set_id, sort, &which, err) != 0)
		return -1;
	memset(&pg, 0, sizeof pg);
	pg.nb = nb;
	pg.set_id = set_id;
	pg.name = sort != NULL ? sort : "";
	pg.sort = which;
	pg.desc = descending;
	pg.states = states & NB_ALL_STATES;
	if (pg.states == 0)
		pg.states = NB_ALL_STATES;
	pg.narms = nb_page_arms(which, pg.arms);
	pg.size[ARM_NUMBERS] = pg.size[ARM_STRINGS] = -1;
	pg.size[ARM_MISSING] = -1;
	pg.valued[ARM_NUMBERS] = pg.valued[ARM_STRINGS] = -1;
	pg.fn = fn;
	pg.arg = arg;
	/* Read every arm from one snapshot, so no job shows up twice. */
	own = nb->depth == 0;
	if (own) {
		if (nb_exec(nb, ST_BEGIN_READ, err) != 0)
			return -1;
		nb->depth = 1;
	}
	/* Counts learnt inside the caller's transaction may be undone. */
	pg.memo = own;
	rc = nb_page_read(&pg, offset, limit, err);
	nb_rows_free(&pg.rows);
	if (own && nb->depth > 0) {
		nb->depth = 0;
		if (!sqlite3_get_autocommit(nb->db) &&
		    nb_exec(nb, ST_COMMIT, rc == 0 ? err : NULL) != 0)
			rc = -1;
	}
	return rc;
}

/* Append the query plan of one page statement, each line labelled. */
static int
nb_explain_one(struct notebook *nb, struct buf *b, const char *label,
    size_t sort, enum nb_arm arm, bool desc, enum nb_form form, char **err)
{
	sqlite3_stmt *st;
	char *sql, *q;
	int rc;

	sql = nb_page_sql(sort, arm, desc, form);
	q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	free(sql);
	rc = sqlite3_prepare_v2(nb->db, q, -1, &st, NULL);
	free(q);
	if (rc != SQLITE_OK) {
		nb_error(nb, "explaining a page query", err);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		buf_printf(b, "%s: %s\n", label,
		    (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	return 0;
}

/*
 * Describe the query plans of a page: each arm as read with no state
 * filter ("sorted", "strings", "missing") and with one ("..., filtered"),
 * then the plans that sort few jobs in memory ("..., few").
 */
int
notebook_explain(struct notebook *nb, int64_t set_id, const char *sort,
    bool descending, char **plan, char **err)
{
	static const char *const arm_names[ARM_COUNT] = {
		"sorted", "strings", "missing"
	};
	enum nb_arm arms[ARM_COUNT];
	struct buf b;
	size_t which, narms, i;
	bool desc;
	char label[64];
	int rc = 0;

	*plan = NULL;
	if (nb_page_sort(nb, set_id, sort, &which, err) != 0)
		return -1;
	buf_init(&b);
	narms = nb_page_arms(which, arms);
	for (i = 0; i < narms && rc == 0; i++) {
		desc = arms[i] != ARM_MISSING && descending;
		rc = nb_explain_one(nb, &b, arm_names[arms[i]], which,
		    arms[i], desc, FORM_ROWS_ALL, err);
		snprintf(label, sizeof label, "%s, filtered",
		    arm_names[arms[i]]);
		if (rc == 0)
			rc = nb_explain_one(nb, &b, label, which, arms[i],
			    desc, FORM_ROWS, err);
		if (rc == 0 && arms[i] == ARM_MISSING)
			rc = nb_explain_one(nb, &b, "missing, few", which,
			    arms[i], desc, FORM_ROWS_FEW, err);
	}
	if (rc == 0)
		rc = nb_explain_one(nb, &b, "page, few", which, ARM_NUMBERS,
		    descending, FORM_PAGE_FEW, err);
	if (rc != 0) {
		buf_free(&b);
		return -1;
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
