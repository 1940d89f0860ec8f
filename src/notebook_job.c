/*
 * notebook_job.c -- the life of a job row: a queued or fresh position
 * starts running, then ends ok, failed or cancelled, in one transaction
 * each, with its parameter and result values indexed for sorting.  Retries
 * and the clean-ups after a runner is gone all go through one requeue: the
 * row stops being current and a queued attempt+1 of the same (point, rep)
 * takes its place.  `labrat retry` re-queues finished jobs; a purge gives
 * up on running ones.
 *
 * Inside a caller's transaction (the runner's group commit) a fresh job's
 * start is held in memory, its id reserved and its position taken, and
 * written with its end as one finished row: a row and its indexes written
 * once instead of inserted and then updated.  Any other statement, and the
 * commit, first writes the held starts as running rows (nb_prepare), so
 * nothing else ever sees the notebook without them, and the commit holds
 * every start whose end it holds: crash safety is the transaction's.
 */
#include "config.h"

#include <sys/types.h>

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "notebook_int.h"

/* Find the oldest queued job of the set. */
int
notebook_next_queued(struct notebook *nb, int64_t set_id, int64_t after,
    struct nb_work *w, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = nb_stmt(nb, ST_NEXT_QUEUED, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_int64(st, 2, after);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(w, 0, sizeof *w);
		w->job_id = sqlite3_column_int64(st, 0);
		w->point = (uint64_t)sqlite3_column_int64(st, 1);
		w->rep = sqlite3_column_int(st, 2);
		w->attempt = sqlite3_column_int(st, 3);
	} else if (rc != SQLITE_DONE)
		nb_error(nb, "looking for queued jobs", err);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Record name as a parameter or result name of the set (first time). */
static int
nb_name_add(struct notebook *nb, int64_t set_id, enum nb_name_kind kind,
    const char *name, char **err)
{
	sqlite3_stmt *st;

	if ((st = nb_stmt(nb, ST_NAME_INSERT, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	nb_bind_text(st, 2, kind == NB_NAME_PARAM ? "param" : "result");
	nb_bind_text(st, 3, name);
	return nb_run(nb, st, "recording a name", err);
}

/* Forget the names seen: a rollback may have undone them. */
void
nb_names_forget(struct notebook *nb)
{
	nb->seen[NB_NAME_PARAM].set_id = 0;
	nb->seen[NB_NAME_RESULT].set_id = 0;
}

/* Tell if obj's names are those last recorded for the set and kind. */
static bool
nb_names_known(const struct notebook *nb, int64_t set_id,
    enum nb_name_kind kind, const struct json_object *obj)
{
	const struct nb_names_seen *ns = &nb->seen[kind];
	const char *p = ns->names.data;
	size_t i, len;

	if (ns->set_id != set_id || ns->n != obj->n)
		return false;
	for (i = 0; i < obj->n; i++) {
		len = strlen(obj->members[i].name);
		if (strcmp(p, obj->members[i].name) != 0)
			return false;
		p += len + 1;
	}
	return true;
}

/* Record the names of obj for the set (first time each), unless they are
 * those recorded last: a campaign's jobs mostly have the same names. */
static int
nb_names_add(struct notebook *nb, int64_t set_id, enum nb_name_kind kind,
    const struct json_object *obj, char **err)
{
	struct nb_names_seen *ns = &nb->seen[kind];
	size_t i;

	if (nb_names_known(nb, set_id, kind, obj))
		return 0;
	ns->set_id = 0;
	for (i = 0; i < obj->n; i++) {
		if (nb_name_add(nb, set_id, kind, obj->members[i].name,
		    err) != 0)
			return -1;
	}
	buf_reset(&ns->names);
	for (i = 0; i < obj->n; i++)
		buf_add(&ns->names, obj->members[i].name,
		    strlen(obj->members[i].name) + 1);
	ns->n = obj->n;
	ns->set_id = set_id;
	return 0;
}

/* The sort number of member m in *num; false if it has no sortable
 * value (null, or a number that is not one). */
static bool
nb_value_num(const struct json_member *m, double *num)
{
	if (m->type == JSON_NULL)
		return false;
	*num = m->type == JSON_NUMBER ? strtod(m->text, NULL) :
	    m->type == JSON_TRUE ? 1 : 0;
	return !isnan(*num);
}

/* Bind member m of job_id, which has a sortable value, as the value
 * row at parameter base (job, set, name, num, txt). */
static void
nb_value_bind(sqlite3_stmt *st, int base, int64_t job_id, int64_t set_id,
    const struct json_member *m)
{
	double num = 0;

	nb_value_num(m, &num);
	sqlite3_bind_int64(st, base, job_id);
	sqlite3_bind_int64(st, base + 1, set_id);
	nb_bind_text(st, base + 2, m->name);
	switch (m->type) {
	case JSON_NUMBER:
	case JSON_TRUE:
	case JSON_FALSE:
		sqlite3_bind_double(st, base + 3, num);
		sqlite3_bind_null(st, base + 4);
		break;
	default:
		sqlite3_bind_null(st, base + 3);
		sqlite3_bind_text(st, base + 4, m->text, (int)m->len,
		    SQLITE_STATIC);
		break;
	}
}

/*
 * Store the members of obj as job_id's sortable values and record their
 * names: numbers (and booleans) in num, strings (and arrays, objects) in
 * txt; null has no value.  A result never overrides a parameter's value.
 */
static int
nb_values_add(struct notebook *nb, int64_t job_id, int64_t set_id,
    enum nb_name_kind kind, const struct json_object *obj, char **err)
{
	const struct json_member *m;
	sqlite3_stmt *st;
	double num;
	size_t i;

	if (nb_names_add(nb, set_id, kind, obj, err) != 0)
		return -1;
	for (i = 0; i < obj->n; i++) {
		m = &obj->members[i];
		if (!nb_value_num(m, &num))
			continue;
		if ((st = nb_stmt(nb, kind == NB_NAME_PARAM ? ST_VALUE_PARAM :
		    ST_VALUE_RESULT, err)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, job_id);
		sqlite3_bind_int64(st, 2, set_id);
		nb_bind_text(st, 3, m->name);
		switch (m->type) {
		case JSON_NUMBER:
		case JSON_TRUE:
		case JSON_FALSE:
			sqlite3_bind_double(st, 4, num);
			sqlite3_bind_null(st, 5);
			break;
		default:
			sqlite3_bind_null(st, 4);
			sqlite3_bind_text(st, 5, m->text, (int)m->len,
			    SQLITE_STATIC);
			break;
		}
		if (nb_run(nb, st, "indexing a value", err) != 0)
			return -1;
	}
	return 0;
}

/* Parse json (what: "parameters", "results") as one object. */
static int
nb_parse_object(struct notebook *nb, const char *json, const char *what,
    struct json_object *obj, char **err)
{
	char *perr = NULL;

	if (json_parse_object(json, strlen(json), obj, &perr, NULL) == 0)
		return 0;
	*err = xasprintf("notebook %s: the job's %s are not a JSON object: "
	    "%s", nb->path, what, perr);
	free(perr);
	return -1;
}

/* The job row's owner and state, with its set's tag and lock. */
struct nb_jobinfo {
	int64_t set_id;
	enum nb_state state;
	bool current;
	uint64_t point;
	int rep;
	int attempt;
	char *tag;
	bool locked;
};

/* Load job_id's row into ji: 0, NB_NO_JOB (with a message) if there is
 * none, or -1. */
#define NB_NO_JOB 1
static int
nb_job_load(struct notebook *nb, int64_t job_id, struct nb_jobinfo *ji,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	memset(ji, 0, sizeof *ji);
	if ((st = nb_stmt(nb, ST_JOB_LOAD, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ji->set_id = sqlite3_column_int64(st, 0);
		notebook_state_parse((const char *)sqlite3_column_text(st, 1),
		    &ji->state);
		ji->current = sqlite3_column_int(st, 2) != 0;
		ji->point = (uint64_t)sqlite3_column_int64(st, 3);
		ji->rep = sqlite3_column_int(st, 4);
		ji->attempt = sqlite3_column_int(st, 5);
		ji->tag = nb_column_strdup(st, 6);
		ji->locked = sqlite3_column_int(st, 7) != 0;
	} else if (rc == SQLITE_DONE)
		*err = xasprintf("notebook %s: no job with id %" PRId64,
		    nb->path, job_id);
	else
		nb_error(nb, "reading a job", err);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return NB_NO_JOB;
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Index the parameters of job_id (a fresh retry) from its params text. */
static int
nb_job_reindex(struct notebook *nb, int64_t job_id, char **err)
{
	struct json_object obj;
	sqlite3_stmt *st;
	int64_t set_id;
	char *params;
	int rc;

	if ((st = nb_stmt(nb, ST_JOB_PARAMS, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		nb_error(nb, "reading a job's parameters", err);
		sqlite3_reset(st);
		return -1;
	}
	set_id = sqlite3_column_int64(st, 0);
	params = nb_column_strdup(st, 1);
	sqlite3_reset(st);
	rc = nb_parse_object(nb, params != NULL ? params : "{}", "parameters",
	    &obj, err);
	free(params);
	if (rc != 0)
		return -1;
	rc = nb_values_add(nb, job_id, set_id, NB_NAME_PARAM, &obj, err);
	json_object_free(&obj);
	return rc;
}

/*
 * Queue attempt+1 of job_id, which the caller has just made not current
 * (and which keeps its own state).  The sort values of a running job are
 * its parameters only: they move to the new row.  Those of a finished job
 * (finished true) may include results, which a queued row must not have:
 * they are dropped and the parameters indexed again.  *new_id (if not
 * NULL) is the new row.
 */
static int
nb_job_requeue(struct notebook *nb, int64_t job_id, bool finished,
    int64_t *new_id, char **err)
{
	sqlite3_stmt *st;
	int64_t id;

	if ((st = nb_stmt(nb, ST_JOB_REQUEUE, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	if (nb_run(nb, st, "queueing a retry", err) != 0)
		return -1;
	id = sqlite3_last_insert_rowid(nb->db);
	if ((st = nb_stmt(nb, finished ? ST_VALUE_DROP : ST_VALUE_MOVE,
	    err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	if (!finished)
		sqlite3_bind_int64(st, 2, id);
	if (nb_run(nb, st, finished ? "dropping a retried job's values" :
	    "moving values to a retry", err) != 0)
		return -1;
	if (finished && nb_job_reindex(nb, id, err) != 0)
		return -1;
	if (new_id != NULL)
		*new_id = id;
	return 0;
}

/* The ids of the set's current jobs in state, oldest first: an array the
 * caller frees, of *len. */
static int
nb_job_ids(struct notebook *nb, int64_t set_id, enum nb_state state,
    int64_t **ids, size_t *len, char **err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*len = 0;
	if ((st = nb_stmt(nb, ST_JOB_IN_STATE, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	nb_bind_text(st, 2, notebook_state_name(state));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*len == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			*ids = xreallocarray(*ids, cap, sizeof **ids);
		}
		(*ids)[(*len)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		nb_error(nb, "looking for jobs", err);
		free(*ids);
		*ids = NULL;
		*len = 0;
		return -1;
	}
	return 0;
}

/* The body of notebook_job_start, inside its transaction. */
static int
nb_job_start(struct notebook *nb, int64_t set_id, struct nb_work *w,
    const char *params, const struct json_object *obj, double start,
    const char *host, int engine, const char *handle, char **err)
{
	struct nb_jobinfo ji;
	sqlite3_stmt *st;
	bool fresh = w->job_id == 0;
	int rc = -1;

	memset(&ji, 0, sizeof ji);
	if (!fresh) {
		if (nb_job_load(nb, w->job_id, &ji, err) != 0)
			return -1;
		if (ji.set_id != set_id || ji.state != NB_QUEUED ||
		    !ji.current) {
			*err = xasprintf("notebook %s: job %" PRId64 " is not "
			    "a queued job of this result set (it is %s)",
			    nb->path, w->job_id, notebook_state_name(ji.state));
			goto out;
		}
	}
	if (nb_set_work(nb, set_id, w->pos, fresh, err) != 0)
		goto out;
	if (fresh) {
		if ((st = nb_stmt(nb, ST_JOB_INSERT, err)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, set_id);
		sqlite3_bind_int64(st, 2, (int64_t)w->point);
		sqlite3_bind_int(st, 3, w->rep);
		sqlite3_bind_int(st, 4, w->attempt > 0 ? w->attempt : 1);
		nb_bind_text(st, 5, params);
		nb_bind_text(st, 6, host);
		nb_bind_int_or_null(st, 7, engine, -1);
		sqlite3_bind_double(st, 8, start);
		nb_bind_text(st, 9, handle);
		sqlite3_bind_null(st, 10);
		if (nb_run(nb, st, "recording a job start", err) != 0)
			goto out;
		w->job_id = sqlite3_last_insert_rowid(nb->db);
		w->attempt = w->attempt > 0 ? w->attempt : 1;
		if ((st = nb_stmt(nb, ST_SET_ADVANCE, err)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, set_id);
		sqlite3_bind_int64(st, 2, 1);
		if (nb_run(nb, st, "advancing the cursor", err) != 0)
			goto out;
	} else {
		if ((st = nb_stmt(nb, ST_JOB_RUN, err)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, w->job_id);
		nb_bind_text(st, 2, params);
		nb_bind_text(st, 3, host);
		nb_bind_int_or_null(st, 4, engine, -1);
		sqlite3_bind_double(st, 5, start);
		nb_bind_text(st, 6, handle);
		if (nb_run(nb, st, "recording a job start", err) != 0)
			goto out;
		w->point = ji.point;
		w->rep = ji.rep;
		w->attempt = ji.attempt;
	}
	rc = nb_values_add(nb, w->job_id, set_id, NB_NAME_PARAM, obj, err);
out:
	free(ji.tag);
	return rc;
}

/* Free held start p. */
static void
nb_pending_free(struct nb_pending *p)
{
	free(p->params);
	json_object_free(&p->obj);
	free(p->host);
	free(p->handle);
	if (p->ended) {
		free((char *)p->o.results_json);
		free((char *)p->o.error);
		free((char *)p->o.stderr_tail);
	}
	if (p->have_res)
		json_object_free(&p->res);
}

/* Forget the held starts: their transaction is gone. */
void
nb_pending_drop(struct notebook *nb)
{
	size_t i;

	for (i = 0; i < nb->npending; i++)
		nb_pending_free(&nb->pending[i]);
	nb->npending = 0;
	nb->next_id = 0;
	nb->held_set = 0;
	nb->held_advance = 0;
}

/* Write held start p, not ended, as a running row. */
static int
nb_pending_write(struct notebook *nb, const struct nb_pending *p, char **err)
{
	sqlite3_stmt *st;

	if ((st = nb_stmt(nb, ST_JOB_INSERT, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, p->set_id);
	sqlite3_bind_int64(st, 2, (int64_t)p->point);
	sqlite3_bind_int(st, 3, p->rep);
	sqlite3_bind_int(st, 4, p->attempt);
	nb_bind_text(st, 5, p->params);
	nb_bind_text(st, 6, p->host);
	nb_bind_int_or_null(st, 7, p->engine, -1);
	sqlite3_bind_double(st, 8, p->start);
	nb_bind_text(st, 9, p->handle);
	sqlite3_bind_int64(st, 10, p->job_id);
	return nb_run(nb, st, "recording a job start", err);
}

/* Bind ended held start p as the row at parameter base (nb_ended_sql). */
static void
nb_pending_bind_ended(sqlite3_stmt *st, int base, const struct nb_pending *p)
{
	const struct nb_outcome *o = &p->o;

	sqlite3_bind_int64(st, base, p->job_id);
	sqlite3_bind_int64(st, base + 1, p->set_id);
	sqlite3_bind_int64(st, base + 2, (int64_t)p->point);
	sqlite3_bind_int(st, base + 3, p->rep);
	sqlite3_bind_int(st, base + 4, p->attempt);
	nb_bind_text(st, base + 5, notebook_state_name(o->state));
	nb_bind_text(st, base + 6, p->params);
	nb_bind_text(st, base + 7, p->host);
	nb_bind_int_or_null(st, base + 8, p->engine, -1);
	sqlite3_bind_double(st, base + 9, p->start);
	nb_bind_text(st, base + 10, p->handle);
	nb_bind_text(st, base + 11, o->results_json);
	nb_bind_text(st, base + 12, o->error);
	nb_bind_text(st, base + 13, o->stderr_tail);
	sqlite3_bind_double(st, base + 14, o->end);
	nb_bind_int_or_null(st, base + 15, o->exit_code, -1);
	nb_bind_int_or_null(st, base + 16, o->signal, 0);
	nb_bind_int_or_null(st, base + 17, o->maxrss_kb, -1);
	if (o->cpu_user >= 0 && o->cpu_sys >= 0) {
		sqlite3_bind_double(st, base + 18, o->cpu_user);
		sqlite3_bind_double(st, base + 19, o->cpu_sys);
	} else {
		sqlite3_bind_null(st, base + 18);
		sqlite3_bind_null(st, base + 19);
	}
	sqlite3_bind_int(st, base + 20, o->truncated);
}

/* The statement cached in slots[n - 1] that writes n rows at once, made
 * from sql_of(n) the first time. */
static sqlite3_stmt *
nb_rows_stmt(struct notebook *nb, sqlite3_stmt **slots, size_t n,
    char *(*sql_of)(size_t), char **err)
{
	char *sql = slots[n - 1] == NULL ? sql_of(n) : NULL;
	sqlite3_stmt *st = nb_prepare(nb, &slots[n - 1], sql, err);

	free(sql);
	return st;
}

/* Write the ended held starts p[0..n) (n <= NB_ENDED_MAX) in one
 * statement. */
static int
nb_pending_write_ended(struct notebook *nb, struct nb_pending *const *p,
    size_t n, char **err)
{
	sqlite3_stmt *st;
	size_t i;

	if (n == 0)
		return 0;
	if ((st = nb_rows_stmt(nb, nb->ended, n, nb_ended_sql, err)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		nb_pending_bind_ended(st, (int)(i * NB_ENDED_COLS) + 1, p[i]);
	return nb_run(nb, st, "recording jobs", err);
}

/* Write every held start as its row: finished rows many to a statement,
 * running ones one by one. */
static int
nb_pending_rows(struct notebook *nb, char **err)
{
	struct nb_pending *ended[NB_ENDED_MAX];
	size_t i, n = 0;

	for (i = 0; i < nb->npending; i++) {
		if (!nb->pending[i].ended) {
			if (nb_pending_write(nb, &nb->pending[i], err) != 0)
				return -1;
			continue;
		}
		ended[n++] = &nb->pending[i];
		if (n == NB_ENDED_MAX) {
			if (nb_pending_write_ended(nb, ended, n, err) != 0)
				return -1;
			n = 0;
		}
	}
	return nb_pending_write_ended(nb, ended, n, err);
}

/* A value row to write: the member and whose it is. */
struct nb_value_row {
	const struct nb_pending *p;
	const struct json_member *m;
};

/* Write value rows v[0..n) (n <= NB_VALUES_MAX) in one statement. */
static int
nb_values_insert(struct notebook *nb, const struct nb_value_row *v, size_t n,
    char **err)
{
	sqlite3_stmt *st;
	size_t i;

	if (n == 0)
		return 0;
	if ((st = nb_rows_stmt(nb, nb->values, n, nb_values_sql, err)) ==
	    NULL)
		return -1;
	for (i = 0; i < n; i++)
		nb_value_bind(st, (int)(i * 5) + 1, v[i].p->job_id,
		    v[i].p->set_id, v[i].m);
	return nb_run(nb, st, "indexing values", err);
}

/*
 * Record the names and index the values of every held start, parameters
 * and (ended ones) results, as nb_values_add does, many to a statement:
 * a result never overrides a parameter (a job's parameters come first,
 * and a name already indexed for the job is ignored).
 */
static int
nb_pending_values(struct notebook *nb, char **err)
{
	struct nb_value_row v[NB_VALUES_MAX];
	const struct json_object *obj;
	const struct nb_pending *p;
	size_t i, j, k, n = 0;
	double num;

	for (i = 0; i < nb->npending; i++) {
		p = &nb->pending[i];
		for (k = 0; k < 2; k++) {
			obj = k == 0 ? &p->obj : p->have_res ? &p->res : NULL;
			if (obj == NULL)
				continue;
			if (nb_names_add(nb, p->set_id, k == 0 ?
			    NB_NAME_PARAM : NB_NAME_RESULT, obj, err) != 0)
				return -1;
			for (j = 0; j < obj->n; j++) {
				if (!nb_value_num(&obj->members[j], &num))
					continue;
				v[n].p = p;
				v[n++].m = &obj->members[j];
				if (n == NB_VALUES_MAX) {
					if (nb_values_insert(nb, v, n, err) !=
					    0)
						return -1;
					n = 0;
				}
			}
		}
	}
	return nb_values_insert(nb, v, n, err);
}

/* Write the positions the held starts took into their set's cursor. */
static int
nb_held_advance(struct notebook *nb, char **err)
{
	sqlite3_stmt *st;

	if (nb->held_advance == 0)
		return 0;
	if ((st = nb_stmt(nb, ST_SET_ADVANCE, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, nb->held_set);
	sqlite3_bind_int64(st, 2, (int64_t)nb->held_advance);
	return nb_run(nb, st, "advancing the cursor", err);
}

/*
 * Write every held start, as they would have been written when they were
 * recorded: in one savepoint if atomic, else straight into the caller's
 * transaction, which must then be rolled back whole if this fails (the
 * commit does so).  A savepoint keeps SQLite's in-memory sub-journal
 * open across the flush's statements, and each statement's end walks
 * that journal from its start (memjrnlTruncate in SQLite 3.40): quadratic
 * in the pages a flush touches, 12% of the runner's CPU at commit.  On
 * failure the held starts stay held (the caller's transaction is then
 * rolled back or tried again).
 */
int
nb_pending_flush(struct notebook *nb, bool atomic, char **err)
{
	int rc = 0;

	if (nb->npending == 0 && nb->held_advance == 0) {
		nb->held_set = 0;
		return 0;
	}
	nb->holding = true;
	if (atomic && nb_exec(nb, ST_SAVEPOINT, err) != 0)
		rc = -1;
	if (rc == 0)
		rc = nb_pending_rows(nb, err);
	if (rc == 0)
		rc = nb_pending_values(nb, err);
	if (rc == 0)
		rc = nb_held_advance(nb, err);
	if (rc == 0 && atomic && nb_exec(nb, ST_RELEASE, err) != 0)
		rc = -1;
	if (rc != 0) {
		nb_names_forget(nb);
		if (atomic && !sqlite3_get_autocommit(nb->db)) {
			nb_exec(nb, ST_ROLLBACK_TO, NULL);
			nb_exec(nb, ST_RELEASE, NULL);
		}
	}
	nb->holding = false;
	if (rc == 0)
		nb_pending_drop(nb);
	return rc;
}

/*
 * Make set_id the set whose positions held starts take: write the
 * positions taken from another set, check that this one may be worked on
 * (nb_set_work) and read its cursor.
 */
static int
nb_held_set(struct notebook *nb, int64_t set_id, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (nb_held_advance(nb, err) != 0)
		return -1;
	nb->held_set = 0;
	nb->held_advance = 0;
	if (nb_set_work(nb, set_id, 0, false, err) != 0 ||
	    (st = nb_stmt(nb, ST_SET_WORK, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nb->held_set = set_id;
		nb->held_cursor = (uint64_t)sqlite3_column_int64(st, 2);
		nb->held_njobs = (uint64_t)sqlite3_column_int64(st, 3);
	} else
		nb_error(nb, "reading a result set", err);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Hold a fresh job's start inside the caller's transaction: check the set
 * and the position, reserve the job's id, take the position, and keep the
 * rest for the job's end (or the next other statement, or the commit).
 * obj moves into the held start.
 */
static int
nb_job_hold(struct notebook *nb, int64_t set_id, struct nb_work *w,
    const char *params, struct json_object *obj, double start,
    const char *host, int engine, const char *handle, char **err)
{
	struct nb_pending *p;
	sqlite3_stmt *st;
	int rc = -1;

	nb->holding = true;
	/* The set, as the last held start of this set left it, or read. */
	if (nb->held_set != set_id && nb_held_set(nb, set_id, err) != 0)
		goto out;
	if (w->pos != nb->held_cursor) {
		*err = xasprintf("notebook %s: position %" PRIu64 " is not "
		    "the cursor (%" PRIu64 "): is another runner working on "
		    "it?", nb->path, w->pos, nb->held_cursor);
		goto out;
	}
	if (nb->held_cursor >= nb->held_njobs) {
		*err = xasprintf("notebook %s: all %" PRIu64 " positions of "
		    "the result set have been handed out", nb->path,
		    nb->held_njobs);
		goto out;
	}
	if (nb->next_id == 0) {
		if ((st = nb_stmt(nb, ST_JOB_NEXT_ID, err)) == NULL)
			goto out;
		if (sqlite3_step(st) != SQLITE_ROW) {
			nb_error(nb, "reserving a job id", err);
			sqlite3_reset(st);
			goto out;
		}
		nb->next_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	nb->held_cursor++;
	nb->held_advance++;
	if (nb->npending == nb->cappending) {
		nb->cappending = nb->cappending == 0 ? 16 : nb->cappending * 2;
		nb->pending = xreallocarray(nb->pending, nb->cappending,
		    sizeof *nb->pending);
	}
	p = &nb->pending[nb->npending++];
	memset(p, 0, sizeof *p);
	p->job_id = nb->next_id++;
	p->set_id = set_id;
	p->point = w->point;
	p->rep = w->rep;
	p->attempt = w->attempt > 0 ? w->attempt : 1;
	p->params = xstrdup(params);
	p->obj = *obj;
	memset(obj, 0, sizeof *obj);
	p->host = host != NULL ? xstrdup(host) : NULL;
	p->engine = engine;
	p->start = start;
	p->handle = handle != NULL ? xstrdup(handle) : NULL;
	w->job_id = p->job_id;
	w->attempt = p->attempt;
	rc = 0;
out:
	nb->holding = false;
	return rc;
}

/* Record that a job started, in one transaction. */
int
notebook_job_start(struct notebook *nb, int64_t set_id, struct nb_work *w,
    const char *params_json, double start, const char *host, int engine,
    const char *handle, char **err)
{
	struct json_object obj;
	struct buf hb;
	int64_t old_id = w->job_id;
	bool own;
	int rc;

	if (params_json == NULL)
		params_json = "{}";
	if (nb_parse_object(nb, params_json, "parameters", &obj, err) != 0)
		return -1;
	/* Inside the caller's write transaction (it holds the write lock,
	 * so the id reserved stays free) a fresh job's row waits for its
	 * end: both are then written as one row. */
	if (w->job_id == 0 && nb->depth > 0 && !nb->readonly &&
	    sqlite3_txn_state(nb->db, "main") == SQLITE_TXN_WRITE) {
		buf_init(&hb);
		rc = nb_job_hold(nb, set_id, w, params_json, &obj, start,
		    nb_utf8(&hb, host), engine, handle, err);
		buf_free(&hb);
		json_object_free(&obj);
		if (rc != 0)
			w->job_id = old_id;
		return rc;
	}
	if (nb_write_begin(nb, &own, err) != 0) {
		json_object_free(&obj);
		return -1;
	}
	buf_init(&hb);
	rc = nb_job_start(nb, set_id, w, params_json, &obj, start,
	    nb_utf8(&hb, host), engine, handle, err);
	buf_free(&hb);
	json_object_free(&obj);
	if (nb_write_end(nb, own, rc, err) != 0) {
		w->job_id = old_id;
		return -1;
	}
	return 0;
}

/* The body of notebook_job_finish, inside its transaction. */
static int
nb_job_finish(struct notebook *nb, int64_t set_id, int64_t job_id,
    const struct nb_outcome *o, const struct json_object *res, char **err)
{
	struct nb_jobinfo ji;
	struct buf eb, tb;
	sqlite3_stmt *st;
	char *lerr = NULL;
	int rc;

	/* A job whose row went with its set is no longer running. */
	if ((rc = nb_job_load(nb, job_id, &ji, &lerr)) == NB_NO_JOB) {
		free(lerr);
		return NOTEBOOK_NOT_RUNNING;
	}
	if (rc != 0) {
		*err = lerr;
		return -1;
	}
	rc = -1;
	if (ji.set_id != set_id) {
		free(ji.tag);
		return NOTEBOOK_NOT_RUNNING;
	}
	buf_init(&eb);
	buf_init(&tb);
	if (ji.locked) {
		*err = nb_locked_error(ji.tag);
		goto out;
	}
	/* Purged, recovered or finished already: the caller's result is
	 * stale, and nothing is recorded twice. */
	if (ji.state != NB_RUNNING) {
		rc = NOTEBOOK_NOT_RUNNING;
		goto out;
	}
	if ((st = nb_stmt(nb, ST_JOB_FINISH, err)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, job_id);
	nb_bind_text(st, 2, notebook_state_name(o->state));
	sqlite3_bind_int(st, 3, !o->requeue);
	nb_bind_text(st, 4, o->results_json);
	nb_bind_text(st, 5, nb_utf8(&eb, o->error));
	nb_bind_text(st, 6, nb_utf8(&tb, o->stderr_tail));
	if (o->start > 0)
		sqlite3_bind_double(st, 7, o->start);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_double(st, 8, o->end);
	nb_bind_int_or_null(st, 9, o->exit_code, -1);
	nb_bind_int_or_null(st, 10, o->signal, 0);
	nb_bind_int_or_null(st, 11, o->maxrss_kb, -1);
	if (o->cpu_user >= 0 && o->cpu_sys >= 0) {
		sqlite3_bind_double(st, 12, o->cpu_user);
		sqlite3_bind_double(st, 13, o->cpu_sys);
	} else {
		sqlite3_bind_null(st, 12);
		sqlite3_bind_null(st, 13);
	}
	sqlite3_bind_int(st, 14, o->truncated);
	if (nb_run(nb, st, "recording a job's end", err) != 0)
		goto out;
	if (o->requeue)
		rc = nb_job_requeue(nb, job_id, false, NULL, err);
	else if (res != NULL)
		rc = nb_values_add(nb, job_id, ji.set_id, NB_NAME_RESULT, res,
		    err);
	else
		rc = 0;
	/* A superseded attempt's result names still count as seen. */
	if (rc == 0 && o->requeue && res != NULL) {
		size_t i;

		for (i = 0; i < res->n && rc == 0; i++)
			rc = nb_name_add(nb, ji.set_id, NB_NAME_RESULT,
			    res->members[i].name, err);
	}
out:
	buf_free(&eb);
	buf_free(&tb);
	free(ji.tag);
	return rc;
}

/* The index of job_id's held start in the set, or -1. */
static ssize_t
nb_pending_find(const struct notebook *nb, int64_t set_id, int64_t job_id)
{
	size_t i;

	for (i = nb->npending; i-- > 0;) {
		if (nb->pending[i].job_id == job_id)
			return nb->pending[i].set_id == set_id ? (ssize_t)i :
			    -1;
	}
	return -1;
}

/*
 * Hold the end o (results parsed in *res, moved here, or NULL) of held
 * start p with it, to be written as one finished row; NOTEBOOK_NOT_RUNNING
 * if its end is held already.
 */
static int
nb_job_end_held(struct nb_pending *p, const struct nb_outcome *o,
    struct json_object *res)
{
	struct buf b;

	if (p->ended)
		return NOTEBOOK_NOT_RUNNING;
	p->ended = true;
	p->o = *o;
	if (o->start > 0)
		p->start = o->start;
	p->o.results_json = o->results_json != NULL ?
	    xstrdup(o->results_json) : NULL;
	buf_init(&b);
	p->o.error = o->error != NULL ? xstrdup(nb_utf8(&b, o->error)) : NULL;
	p->o.stderr_tail = o->stderr_tail != NULL ?
	    xstrdup(nb_utf8(&b, o->stderr_tail)) : NULL;
	buf_free(&b);
	if (res != NULL) {
		p->res = *res;
		p->have_res = true;
		memset(res, 0, sizeof *res);
	}
	return 0;
}

/* Record how a running job ended, in one transaction. */
int
notebook_job_finish(struct notebook *nb, int64_t set_id, int64_t job_id,
    const struct nb_outcome *o, char **err)
{
	struct json_object res;
	bool own, have = false;
	ssize_t held;
	int rc;

	if (o->state != NB_OK && o->state != NB_FAILED &&
	    o->state != NB_CANCELLED) {
		*err = xasprintf("notebook %s: a job cannot end as %s",
		    nb->path, notebook_state_name(o->state));
		return -1;
	}
	if (o->results_json != NULL) {
		if (nb_parse_object(nb, o->results_json, "results", &res,
		    err) != 0)
			return -1;
		have = true;
	}
	/* A start held in this transaction and an end that keeps the job
	 * current: held with it, for one row.  Otherwise the held starts
	 * are written first (nb_prepare), and the row is updated. */
	if (!o->requeue && (held = nb_pending_find(nb, set_id, job_id)) >= 0)
		rc = nb_job_end_held(&nb->pending[held], o, have ? &res : NULL);
	else if (nb_write_begin(nb, &own, err) != 0)
		rc = -1;
	else {
		rc = nb_job_finish(nb, set_id, job_id, o, have ? &res : NULL,
		    err);
		if (rc == NOTEBOOK_NOT_RUNNING) {
			/* Nothing was written: end the (empty) write. */
			if (nb_write_end(nb, own, 0, err) != 0)
				rc = -1;
		} else
			rc = nb_write_end(nb, own, rc, err);
	}
	if (have)
		json_object_free(&res);
	return rc;
}

/* Count the failed attempts of (point, rep). */
int
notebook_failures(struct notebook *nb, int64_t set_id, uint64_t point,
    int rep, int *n, char **err)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if ((st = nb_stmt(nb, ST_FAILURES, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_int64(st, 2, (int64_t)point);
	sqlite3_bind_int(st, 3, rep);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int(st, 0);
	else
		nb_error(nb, "counting failures", err);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Take each job of ids (freed here) out of the running (stmt) and queue
 * its next attempt; move_values as in nb_job_requeue. */
static int
nb_requeue_ids(struct notebook *nb, int64_t *ids, size_t len,
    enum nb_stmt stmt, bool move_values, const char *what, char **err)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < len; i++) {
		if ((st = nb_stmt(nb, stmt, err)) == NULL)
			break;
		sqlite3_bind_int64(st, 1, ids[i]);
		if (nb_run(nb, st, what, err) != 0 ||
		    nb_job_requeue(nb, ids[i], move_values, NULL, err) != 0)
			break;
	}
	free(ids);
	return i < len ? -1 : 0;
}

/* The body of notebook_recover, inside its transaction. */
static int
nb_recover(struct notebook *nb, int64_t set_id, uint64_t *n, char **err)
{
	int64_t *ids;
	size_t len;

	if (nb_set_work(nb, set_id, 0, false, err) != 0 ||
	    nb_job_ids(nb, set_id, NB_RUNNING, &ids, &len, err) != 0)
		return -1;
	if (nb_requeue_ids(nb, ids, len, ST_JOB_INTERRUPT, false,
	    "marking a job interrupted", err) != 0)
		return -1;
	*n = len;
	return 0;
}

/* Turn the set's running jobs into interrupted ones and queue retries. */
int
notebook_recover(struct notebook *nb, int64_t set_id, uint64_t *n,
    char **err)
{
	bool own;
	int rc;

	*n = 0;
	if (nb_write_begin(nb, &own, err) != 0)
		return -1;
	rc = nb_recover(nb, set_id, n, err);
	if (nb_write_end(nb, own, rc, err) != 0) {
		*n = 0;
		return -1;
	}
	return 0;
}

/* Re-queue one running job of the set. */
int
notebook_job_interrupt(struct notebook *nb, int64_t set_id, int64_t job_id,
    const char *why, char **err)
{
	sqlite3_stmt *st;
	bool own;
	int rc = -1, changed = 0;

	if (nb_write_begin(nb, &own, err) != 0)
		return -1;
	if (nb_set_work(nb, set_id, 0, false, err) == 0 &&
	    (st = nb_stmt(nb, ST_JOB_INTERRUPT_ONE, err)) != NULL) {
		sqlite3_bind_int64(st, 1, job_id);
		sqlite3_bind_int64(st, 2, set_id);
		if (why != NULL)
			sqlite3_bind_text(st, 3, why, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 3);
		if (nb_run(nb, st, "marking a job interrupted", err) == 0) {
			changed = sqlite3_changes(nb->db);
			rc = changed == 0 ? 0 : nb_job_requeue(nb, job_id,
			    false, NULL, err);
		}
	}
	if (nb_write_end(nb, own, rc, err) != 0)
		return -1;
	return changed > 0 ? 1 : 0;
}

/* The body of notebook_requeue, inside its transaction. */
static int
nb_requeue(struct notebook *nb, int64_t set_id, unsigned states, uint64_t *n,
    char **err)
{
	int64_t *ids;
	size_t len;
	int state;

	if (nb_set_work(nb, set_id, 0, false, err) != 0)
		return -1;
	for (state = 0; state < NB_NSTATES; state++) {
		if ((states & NB_STATE_BIT(state)) == 0)
			continue;
		if (nb_job_ids(nb, set_id, (enum nb_state)state, &ids, &len,
		    err) != 0)
			return -1;
		if (nb_requeue_ids(nb, ids, len, ST_JOB_SUPERSEDE, true,
		    "superseding a job", err) != 0)
			return -1;
		*n += len;
	}
	return 0;
}

/* Queue a fresh attempt of every current job in one of the states. */
int
notebook_requeue(struct notebook *nb, int64_t set_id, unsigned states,
    uint64_t *n, char **err)
{
	const unsigned finished = NB_STATE_BIT(NB_OK) |
	    NB_STATE_BIT(NB_FAILED) | NB_STATE_BIT(NB_CANCELLED);
	bool own;
	int rc;

	*n = 0;
	if (states == 0 || (states & ~finished) != 0) {
		*err = xasprintf("notebook %s: only finished jobs (ok, failed, "
		    "cancelled) can be queued again", nb->path);
		return -1;
	}
	if (nb_write_begin(nb, &own, err) != 0)
		return -1;
	rc = nb_requeue(nb, set_id, states, n, err);
	if (nb_write_end(nb, own, rc, err) != 0) {
		*n = 0;
		return -1;
	}
	return 0;
}

/* The body of notebook_purge, inside its transaction. */
static int
nb_purge(struct notebook *nb, int64_t set_id, double before,
    const char *reason, uint64_t *n, char **err)
{
	sqlite3_stmt *st;
	struct buf rb;
	int rc;

	if (nb_set_work(nb, set_id, 0, false, err) != 0 ||
	    (st = nb_stmt(nb, ST_JOB_PURGE, err)) == NULL)
		return -1;
	buf_init(&rb);
	sqlite3_bind_int64(st, 1, set_id);
	nb_bind_text(st, 2, nb_utf8(&rb, reason));
	sqlite3_bind_double(st, 3, util_now());
	sqlite3_bind_double(st, 4, before);
	rc = nb_run(nb, st, "giving up on running jobs", err);
	if (rc == 0)
		*n = (uint64_t)sqlite3_changes(nb->db);
	buf_free(&rb);
	return rc;
}

/* Give up on the set's jobs that have been running since before `before`. */
int
notebook_purge(struct notebook *nb, int64_t set_id, double before,
    const char *reason, uint64_t *n, char **err)
{
	bool own;
	int rc;

	*n = 0;
	if (!isfinite(before) || before < 0) {
		*err = xasprintf("notebook %s: purge time %g is not a time "
		    "(seconds since the epoch) or 0", nb->path, before);
		return -1;
	}
	if (reason == NULL || *reason == '\0')
		reason = "cancelled: given up while it ran";
	if (nb_write_begin(nb, &own, err) != 0)
		return -1;
	rc = nb_purge(nb, set_id, before, reason, n, err);
	if (nb_write_end(nb, own, rc, err) != 0) {
		*n = 0;
		return -1;
	}
	return 0;
}
