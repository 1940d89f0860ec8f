/*
 * notebook_set.c -- result sets: creating one (refusing a tag in use),
 * reading them back, locking one for good, and the fields through which
 * the runner and the CLI talk: status, pid and heartbeat (the runner's
 * word), control and purge_before (the user's word to the runner).  Also
 * the check every write to a set's jobs makes first: the set exists and
 * is not locked.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "notebook_int.h"

static const char *const nb_set_statuses[] = {
	"new", "running", "paused", "finished", "cancelled", "stopped"
};

static const char *const nb_set_controls[] = { "run", "pause", "cancel" };

/* Free the strings of s and zero it. */
void
notebook_set_clear(struct nb_set *s)
{
	free(s->tag);
	free(s->description);
	free(s->attributes);
	free(s->space);
	free(s->experiment);
	free(s->backend);
	free(s->status);
	free(s->cwd);
	free(s->control);
	free(s->reason);
	free(s->backend_args);
	free(s->engines);
	memset(s, 0, sizeof *s);
}

/* Fill s from a row of NB_SET_COLS. */
static void
nb_set_from_row(sqlite3_stmt *st, struct nb_set *s)
{
	memset(s, 0, sizeof *s);
	s->id = sqlite3_column_int64(st, 0);
	s->tag = nb_column_strdup(st, 1);
	s->description = nb_column_strdup(st, 2);
	s->attributes = nb_column_strdup(st, 3);
	s->created = sqlite3_column_double(st, 4);
	s->locked = sqlite3_column_int(st, 5) != 0;
	s->space = nb_column_strdup(st, 6);
	s->experiment = nb_column_strdup(st, 7);
	s->backend = nb_column_strdup(st, 8);
	s->cores = sqlite3_column_int(st, 9);
	s->timeout = sqlite3_column_double(st, 10);
	s->mem_limit = (uint64_t)sqlite3_column_int64(st, 11);
	s->retries = sqlite3_column_int(st, 12);
	s->repeat = sqlite3_column_int(st, 13);
	s->sequential = sqlite3_column_int(st, 14) != 0;
	s->seed = (uint64_t)sqlite3_column_int64(st, 15);
	s->npoints = (uint64_t)sqlite3_column_int64(st, 16);
	s->njobs = (uint64_t)sqlite3_column_int64(st, 17);
	s->cursor = (uint64_t)sqlite3_column_int64(st, 18);
	s->status = nb_column_strdup(st, 19);
	s->runner_pid = sqlite3_column_int64(st, 20);
	s->heartbeat = sqlite3_column_double(st, 21);
	s->cwd = nb_column_strdup(st, 22);
	s->control = nb_column_strdup(st, 23);
	s->purge_before = sqlite3_column_double(st, 24);
	s->control_seq = sqlite3_column_int64(st, 25);
	s->control_ack = sqlite3_column_int64(st, 26);
	s->runner_start = (uint64_t)sqlite3_column_int64(st, 27);
	s->reason = nb_column_strdup(st, 28);
	if (s->reason == NULL)
		s->reason = xstrdup("");
	s->backend_args = nb_column_strdup(st, 29);
	if (s->backend_args == NULL)
		s->backend_args = xstrdup("{}");
	s->engines = nb_column_strdup(st, 30);
	if (s->engines == NULL)
		s->engines = xstrdup("{}");
}

/* Refuse a result set that could never run: bad tag, sizes, JSON. */
static int
nb_set_validate(const struct nb_set *s, char **err)
{
	struct json_object obj;
	char *perr = NULL;
	size_t bad;

	if (s->tag == NULL || *s->tag == '\0') {
		*err = xstrdup("a result set needs a tag: give one with "
		    "-t TAG");
		return -1;
	}
	if (!util_utf8_valid(s->tag, strlen(s->tag), &bad)) {
		*err = xasprintf("result set tag '%s' is not valid UTF-8 (at "
		    "byte %zu)", s->tag, bad);
		return -1;
	}
	if (s->repeat < 1 || s->retries < 0) {
		*err = xasprintf("result set '%s': repeat must be at least 1 "
		    "and retries at least 0 (got %d and %d)", s->tag,
		    s->repeat, s->retries);
		return -1;
	}
	if (s->npoints > INT64_MAX / (uint64_t)s->repeat ||
	    s->njobs != s->npoints * (uint64_t)s->repeat) {
		*err = xasprintf("result set '%s': njobs %" PRIu64 " is not "
		    "npoints %" PRIu64 " times repeat %d", s->tag, s->njobs,
		    s->npoints, s->repeat);
		return -1;
	}
	if (s->cwd != NULL && *s->cwd != '\0' && *s->cwd != '/') {
		*err = xasprintf("result set '%s': working directory '%s' is "
		    "not an absolute path", s->tag, s->cwd);
		return -1;
	}
	if (s->attributes != NULL) {
		if (json_parse_object(s->attributes, strlen(s->attributes),
		    &obj, &perr, NULL) != 0) {
			*err = xasprintf("result set '%s': attributes are not "
			    "a JSON object: %s", s->tag, perr);
			free(perr);
			return -1;
		}
		json_object_free(&obj);
	}
	return 0;
}

/* Insert a new result set; a tag in use is refused. */
int
notebook_set_create(struct notebook *nb, struct nb_set *s, char **err)
{
	struct buf desc;
	sqlite3_stmt *st;
	double now = util_now();
	bool own;
	int rc = -1;

	if (nb_set_validate(s, err) != 0)
		return -1;
	if (nb_write_begin(nb, &own, err) != 0)
		return -1;
	buf_init(&desc);
	if ((st = nb_stmt(nb, ST_SET_INSERT, err)) == NULL)
		goto out;
	nb_bind_text(st, 1, s->tag);
	nb_bind_text(st, 2, s->description != NULL ?
	    nb_utf8(&desc, s->description) : "");
	nb_bind_text(st, 3, s->attributes != NULL ? s->attributes : "{}");
	sqlite3_bind_double(st, 4, now);
	nb_bind_text(st, 5, s->space);
	nb_bind_text(st, 6, s->experiment);
	nb_bind_text(st, 7, s->backend != NULL ? s->backend : "local");
	sqlite3_bind_int(st, 8, s->cores);
	sqlite3_bind_double(st, 9, s->timeout);
	sqlite3_bind_int64(st, 10, (int64_t)s->mem_limit);
	sqlite3_bind_int(st, 11, s->retries);
	sqlite3_bind_int(st, 12, s->repeat);
	sqlite3_bind_int(st, 13, s->sequential);
	sqlite3_bind_int64(st, 14, (int64_t)s->seed);
	sqlite3_bind_int64(st, 15, (int64_t)s->npoints);
	sqlite3_bind_int64(st, 16, (int64_t)s->njobs);
	/* A path is bytes: stored as given, never "sanitized". */
	nb_bind_text(st, 17, s->cwd != NULL ? s->cwd : "");
	nb_bind_text(st, 18, s->backend_args != NULL ? s->backend_args : "{}");
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(nb->db) ==
		    SQLITE_CONSTRAINT_UNIQUE)
			*err = xasprintf("result set '%s' already exists in "
			    "%s: `labrat resume %s` continues that campaign, "
			    "or start a fresh one with -t NEWTAG", s->tag,
			    nb->path, s->tag);
		else
			nb_error(nb, "creating a result set", err);
		sqlite3_reset(st);
		goto out;
	}
	sqlite3_reset(st);
	s->id = sqlite3_last_insert_rowid(nb->db);
	s->created = now;
	s->locked = false;
	s->cursor = 0;
	free(s->status);
	s->status = xstrdup("new");
	s->runner_pid = 0;
	s->heartbeat = 0;
	if (s->cwd == NULL)
		s->cwd = xstrdup("");
	free(s->control);
	s->control = xstrdup("run");
	s->purge_before = 0;
	s->control_seq = s->control_ack = 0;
	s->runner_start = 0;
	free(s->reason);
	s->reason = xstrdup("");
	rc = 0;
out:
	buf_free(&desc);
	return nb_write_end(nb, own, rc, err);
}

/* Read the result set tagged tag. */
int
notebook_set_find(struct notebook *nb, const char *tag, struct nb_set *s,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	memset(s, 0, sizeof *s);
	if ((st = nb_stmt(nb, ST_SET_FIND, err)) == NULL)
		return -1;
	nb_bind_text(st, 1, tag);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		nb_set_from_row(st, s);
	else if (rc == SQLITE_DONE)
		*err = xasprintf("no result set '%s' in %s; `labrat sets` "
		    "lists them", tag, nb->path);
	else
		nb_error(nb, "reading a result set", err);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Re-read the result set with id set_id. */
int
notebook_set_get(struct notebook *nb, int64_t set_id, struct nb_set *s,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	memset(s, 0, sizeof *s);
	if ((st = nb_stmt(nb, ST_SET_GET, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		nb_set_from_row(st, s);
	else if (rc == SQLITE_DONE)
		*err = nb_no_set_error(nb, set_id);
	else
		nb_error(nb, "reading a result set", err);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return NOTEBOOK_NO_SET;
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Read every result set, oldest first. */
int
notebook_set_list(struct notebook *nb, struct nb_set **sets, size_t *n,
    char **err)
{
	sqlite3_stmt *st;
	struct nb_set *v = NULL;
	size_t len = 0, i;
	int rc;

	*sets = NULL;
	*n = 0;
	if ((st = nb_stmt(nb, ST_SET_LIST, err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 1, sizeof *v);
		nb_set_from_row(st, &v[len++]);
	}
	if (rc != SQLITE_DONE) {
		nb_error(nb, "listing result sets", err);
		sqlite3_reset(st);
		for (i = 0; i < len; i++)
			notebook_set_clear(&v[i]);
		free(v);
		return -1;
	}
	sqlite3_reset(st);
	*sets = v;
	*n = len;
	return 0;
}

/* Run a one-row UPDATE of set_id's row; refuse a set that is not there. */
static int
nb_set_update(struct notebook *nb, sqlite3_stmt *st, int64_t set_id,
    const char *what, char **err)
{
	bool own;
	int rc;

	if (nb_write_begin(nb, &own, err) != 0) {
		sqlite3_reset(st);
		return -1;
	}
	rc = nb_run(nb, st, what, err);
	if (rc == 0 && sqlite3_changes(nb->db) == 0) {
		*err = nb_no_set_error(nb, set_id);
		rc = -1;
	}
	return nb_write_end(nb, own, rc, err);
}

/* Lock a result set: its results are final. */
int
notebook_set_lock(struct notebook *nb, int64_t set_id, char **err)
{
	sqlite3_stmt *st;

	if ((st = nb_stmt(nb, ST_SET_LOCK, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	return nb_set_update(nb, st, set_id, "locking a result set", err);
}

/* Record the runner's status, pid, start and reason; stamp the
 * heartbeat. */
int
notebook_set_status(struct notebook *nb, int64_t set_id, const char *status,
    int64_t runner_pid, uint64_t runner_start, const char *reason,
    char **err)
{
	struct buf rb;
	int rc;
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(nb_set_statuses); i++) {
		if (status != NULL && strcmp(status, nb_set_statuses[i]) == 0)
			break;
	}
	if (i == UTIL_ARRLEN(nb_set_statuses)) {
		*err = xasprintf("notebook %s: unknown result set status '%s'",
		    nb->path, status != NULL ? status : "(null)");
		return -1;
	}
	if ((st = nb_stmt(nb, ST_SET_STATUS, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	nb_bind_text(st, 2, status);
	sqlite3_bind_int64(st, 3, runner_pid);
	sqlite3_bind_double(st, 4, util_now());
	sqlite3_bind_int64(st, 5, (int64_t)runner_start);
	buf_init(&rb);
	nb_bind_text(st, 6, reason != NULL ? nb_utf8(&rb, reason) : "");
	rc = nb_set_update(nb, st, set_id, "recording the runner status",
	    err);
	buf_free(&rb);
	return rc;
}

/* Record the runner's view of its engines (a JSON object by host). */
int
notebook_set_engines(struct notebook *nb, int64_t set_id, const char *json,
    char **err)
{
	sqlite3_stmt *st;

	if ((st = nb_stmt(nb, ST_SET_ENGINES, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	nb_bind_text(st, 2, json);
	return nb_set_update(nb, st, set_id, "recording the engines", err);
}

/* Record that the runner acted on the control requests up to seq. */
int
notebook_set_ack(struct notebook *nb, int64_t set_id, int64_t seq,
    char **err)
{
	sqlite3_stmt *st;

	if ((st = nb_stmt(nb, ST_SET_ACK, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_int64(st, 2, seq);
	return nb_set_update(nb, st, set_id, "acknowledging a control", err);
}

/* Stamp the runner's heartbeat. */
int
notebook_heartbeat(struct notebook *nb, int64_t set_id, char **err)
{
	sqlite3_stmt *st;

	if ((st = nb_stmt(nb, ST_SET_HEARTBEAT, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_double(st, 2, util_now());
	return nb_set_update(nb, st, set_id, "stamping the heartbeat", err);
}

/* Record what the user asks the set's runner: run, pause or cancel. */
int
notebook_set_control(struct notebook *nb, int64_t set_id,
    const char *control, int64_t *seq, char **err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	bool own;
	int rc = 0, step;

	for (i = 0; i < UTIL_ARRLEN(nb_set_controls); i++) {
		if (control != NULL && strcmp(control, nb_set_controls[i]) == 0)
			break;
	}
	if (i == UTIL_ARRLEN(nb_set_controls)) {
		*err = xasprintf("notebook %s: unknown control '%s': give run, "
		    "pause or cancel", nb->path,
		    control != NULL ? control : "(null)");
		return -1;
	}
	if (nb_write_begin(nb, &own, err) != 0)
		return -1;
	/* Cancelling a locked set is harmless: nothing runs in it. */
	if (strcmp(control, "cancel") != 0)
		rc = nb_set_work(nb, set_id, 0, false, err);
	if (rc == 0 && (st = nb_stmt(nb, ST_SET_CONTROL, err)) == NULL)
		rc = -1;
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, set_id);
		nb_bind_text(st, 2, control);
		if ((step = sqlite3_step(st)) == SQLITE_ROW) {
			if (seq != NULL)
				*seq = sqlite3_column_int64(st, 0);
			step = sqlite3_step(st);
		}
		if (step != SQLITE_DONE) {
			nb_error(nb, "recording a control", err);
			rc = -1;
		} else if (sqlite3_changes(nb->db) == 0) {
			*err = nb_no_set_error(nb, set_id);
			rc = -1;
		}
		sqlite3_reset(st);
	}
	return nb_write_end(nb, own, rc, err);
}

/* Ask the runner to give up on jobs started before `before` (0: reset). */
int
notebook_set_purge_before(struct notebook *nb, int64_t set_id, double before,
    char **err)
{
	sqlite3_stmt *st = NULL;
	bool own;
	int rc = 0;

	if (!isfinite(before) || before < 0) {
		*err = xasprintf("notebook %s: purge time %g is not a time "
		    "(seconds since the epoch) or 0", nb->path, before);
		return -1;
	}
	if (nb_write_begin(nb, &own, err) != 0)
		return -1;
	/* Resetting is always allowed; asking is a write to the jobs. */
	if (before > 0)
		rc = nb_set_work(nb, set_id, 0, false, err);
	if (rc == 0 && (st = nb_stmt(nb, ST_SET_PURGE_BEFORE, err)) == NULL)
		rc = -1;
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, set_id);
		sqlite3_bind_double(st, 2, before);
		rc = nb_set_update(nb, st, set_id, "recording a purge time",
		    err);
	}
	return nb_write_end(nb, own, rc, err);
}

/* The refusal for a set id that names no set. */
char *
nb_no_set_error(struct notebook *nb, int64_t set_id)
{
	return xasprintf("notebook %s: no result set with id %" PRId64
	    " (deleted?)", nb->path, set_id);
}

/* The refusal for work on a locked set. */
char *
nb_locked_error(const char *tag)
{
	return xasprintf("result set '%s' is locked: its results are final "
	    "(epyc finish()); start a new tag to run more", tag);
}

/* Check that the set exists and is not locked, and (if fresh) that it may
 * hand out position pos. */
int
nb_set_work(struct notebook *nb, int64_t set_id, uint64_t pos, bool fresh,
    char **err)
{
	sqlite3_stmt *st;
	uint64_t cursor, njobs;
	char *tag;
	int rc;

	if ((st = nb_stmt(nb, ST_SET_WORK, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			*err = nb_no_set_error(nb, set_id);
		else
			nb_error(nb, "reading a result set", err);
		sqlite3_reset(st);
		return -1;
	}
	tag = nb_column_strdup(st, 0);
	cursor = (uint64_t)sqlite3_column_int64(st, 2);
	njobs = (uint64_t)sqlite3_column_int64(st, 3);
	rc = -1;
	if (sqlite3_column_int(st, 1) != 0)
		*err = nb_locked_error(tag);
	else if (fresh && pos != cursor)
		*err = xasprintf("result set '%s': position %" PRIu64 " is "
		    "not the cursor (%" PRIu64 "): is another runner working "
		    "on it?", tag, pos, cursor);
	else if (fresh && cursor >= njobs)
		*err = xasprintf("result set '%s': all %" PRIu64 " positions "
		    "have been handed out", tag, njobs);
	else
		rc = 0;
	sqlite3_reset(st);
	free(tag);
	return rc;
}
