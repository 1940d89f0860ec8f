/*
 * notebook.c -- the SQLite notebook: result sets, their jobs, the counters
 * that make progress O(1), and the value index that sorts a page of a
 * million jobs by any parameter or result.  This is the only file of
 * labrat that includes sqlite3.h; doc/notebook.md describes the schema.
 *
 * Every statement is prepared once per connection, on first use, and
 * reused.  Each write is one transaction (BEGIN IMMEDIATE, so a busy writer
 * waits instead of failing half-way), or a savepoint inside the caller's
 * notebook_begin/notebook_commit, so one failed write never leaves half of
 * itself behind.  Invariants the writes keep:
 *   - exactly one row per (set, point, rep) is current: the latest attempt;
 *   - the counts table holds the current rows by state (triggers);
 *   - value rows exist only for current jobs (params from the start,
 *     results once finished), so the sort index never sees stale rows.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "json.h"
#include "notebook.h"
#include "util.h"

/* How long a write waits for another writer before giving up (ms). */
#define NOTEBOOK_BUSY_MS 5000

/*
 * The migration steps: step N turns schema N-1 into schema N, and runs in
 * one transaction with the user_version bump.  Append, never edit.
 */
static const char *const notebook_migrations[] = {
	/* 1: the first schema. */
	"CREATE TABLE resultset (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	tag TEXT NOT NULL UNIQUE,\n"
	"	description TEXT NOT NULL DEFAULT '',\n"
	"	attributes TEXT NOT NULL DEFAULT '{}',\n"
	"	created REAL NOT NULL,\n"
	"	locked INTEGER NOT NULL DEFAULT 0,\n"
	"	space TEXT,\n"
	"	experiment TEXT,\n"
	"	backend TEXT NOT NULL DEFAULT 'local',\n"
	"	cores INTEGER NOT NULL DEFAULT 0,\n"
	"	timeout REAL NOT NULL DEFAULT 0,\n"
	"	mem_limit INTEGER NOT NULL DEFAULT 0,\n"
	"	retries INTEGER NOT NULL DEFAULT 0,\n"
	"	repeat INTEGER NOT NULL DEFAULT 1,\n"
	"	sequential INTEGER NOT NULL DEFAULT 0,\n"
	"	seed INTEGER NOT NULL DEFAULT 0,\n"
	"	npoints INTEGER NOT NULL,\n"
	"	njobs INTEGER NOT NULL,\n"
	"	cursor INTEGER NOT NULL DEFAULT 0,\n"
	"	status TEXT NOT NULL DEFAULT 'new',\n"
	"	runner_pid INTEGER NOT NULL DEFAULT 0,\n"
	"	heartbeat REAL NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE job (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	set_id INTEGER NOT NULL\n"
	"	    REFERENCES resultset(id) ON DELETE CASCADE,\n"
	"	point INTEGER NOT NULL,\n"
	"	rep INTEGER NOT NULL DEFAULT 0,\n"
	"	attempt INTEGER NOT NULL DEFAULT 1,\n"
	"	state TEXT NOT NULL CHECK (state IN ('queued', 'running',\n"
	"	    'ok', 'failed', 'interrupted', 'cancelled')),\n"
	"	current INTEGER NOT NULL DEFAULT 1,\n"
	"	params TEXT NOT NULL DEFAULT '{}',\n"
	"	results TEXT,\n"
	"	error TEXT,\n"
	"	stderr_tail TEXT,\n"
	"	host TEXT,\n"
	"	engine INTEGER,\n"
	"	start REAL,\n"
	"	\"end\" REAL,\n"
	"	elapsed REAL GENERATED ALWAYS AS (\"end\" - start) VIRTUAL,\n"
	"	exit_code INTEGER,\n"
	"	signal INTEGER,\n"
	"	maxrss_kb INTEGER,\n"
	"	cpu_user REAL,\n"
	"	cpu_sys REAL,\n"
	"	truncated INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE UNIQUE INDEX job_attempt\n"
	"    ON job (set_id, point, rep, attempt);\n"
	"CREATE UNIQUE INDEX job_current ON job (set_id, point, rep)\n"
	"    WHERE current;\n"
	"CREATE INDEX job_state ON job (set_id, state) WHERE current;\n"
	"CREATE INDEX job_start ON job (set_id, start) WHERE current;\n"
	"CREATE INDEX job_end ON job (set_id, \"end\") WHERE current;\n"
	"CREATE INDEX job_elapsed ON job (set_id, elapsed) WHERE current;\n"
	"CREATE INDEX job_maxrss ON job (set_id, maxrss_kb) WHERE current;\n"
	"CREATE TABLE counts (\n"
	"	set_id INTEGER NOT NULL\n"
	"	    REFERENCES resultset(id) ON DELETE CASCADE,\n"
	"	state TEXT NOT NULL,\n"
	"	n INTEGER NOT NULL,\n"
	"	PRIMARY KEY (set_id, state)\n"
	") WITHOUT ROWID;\n"
	"CREATE TRIGGER job_count_insert AFTER INSERT ON job\n"
	"    WHEN new.current\n"
	"BEGIN\n"
	"	INSERT INTO counts (set_id, state, n)\n"
	"	    VALUES (new.set_id, new.state, 1)\n"
	"	    ON CONFLICT (set_id, state) DO UPDATE SET n = n + 1;\n"
	"END;\n"
	"CREATE TRIGGER job_count_delete AFTER DELETE ON job\n"
	"    WHEN old.current\n"
	"BEGIN\n"
	"	UPDATE counts SET n = n - 1\n"
	"	    WHERE set_id = old.set_id AND state = old.state;\n"
	"END;\n"
	"CREATE TRIGGER job_count_update\n"
	"    AFTER UPDATE OF state, current ON job\n"
	"    WHEN (old.current OR new.current) AND\n"
	"    (old.state IS NOT new.state OR old.current IS NOT new.current)\n"
	"BEGIN\n"
	"	UPDATE counts SET n = n - 1\n"
	"	    WHERE old.current AND set_id = old.set_id AND\n"
	"	    state = old.state;\n"
	"	INSERT INTO counts (set_id, state, n)\n"
	"	    SELECT new.set_id, new.state, 1 WHERE new.current\n"
	"	    ON CONFLICT (set_id, state) DO UPDATE SET n = n + 1;\n"
	"END;\n"
	"CREATE TABLE name (\n"
	"	seq INTEGER PRIMARY KEY,\n"
	"	set_id INTEGER NOT NULL\n"
	"	    REFERENCES resultset(id) ON DELETE CASCADE,\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('param', 'result')),\n"
	"	name TEXT NOT NULL,\n"
	"	UNIQUE (set_id, kind, name)\n"
	");\n"
	"CREATE TABLE value (\n"
	"	job_id INTEGER NOT NULL\n"
	"	    REFERENCES job(id) ON DELETE CASCADE,\n"
	"	set_id INTEGER NOT NULL,\n"
	"	name TEXT NOT NULL,\n"
	"	num REAL,\n"
	"	txt TEXT,\n"
	"	PRIMARY KEY (job_id, name)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX value_sort ON value (set_id, name, num, txt);\n"
	"CREATE VIEW current_job AS\n"
	"    SELECT resultset.tag AS tag, job.*\n"
	"    FROM job JOIN resultset ON resultset.id = job.set_id\n"
	"    WHERE job.current;\n",
};
_Static_assert(UTIL_ARRLEN(notebook_migrations) == NOTEBOOK_SCHEMA_VERSION,
    "one migration step per schema version");

/* The columns of a result set, in the order set_from_row reads them. */
#define SET_COLS "id, tag, description, attributes, created, locked, " \
	"space, experiment, backend, cores, timeout, mem_limit, retries, " \
	"repeat, sequential, seed, npoints, njobs, cursor, status, " \
	"runner_pid, heartbeat"

/* The columns of a job (aliased j), in the order job_from_row reads them. */
#define JOB_COLS "j.id, j.point, j.rep, j.attempt, j.state, j.current, " \
	"j.params, j.results, j.error, j.stderr_tail, j.host, j.engine, " \
	"j.start, j.\"end\", j.exit_code, j.signal, j.maxrss_kb, " \
	"j.cpu_user, j.cpu_sys, j.truncated"

/* True if job j's state is in the NB_STATE_BIT mask ?3 (0: all). */
#define STATE_FILTER "(?3 = 0 OR ((?3 >> (CASE j.state " \
	"WHEN 'queued' THEN 0 WHEN 'running' THEN 1 WHEN 'ok' THEN 2 " \
	"WHEN 'failed' THEN 3 WHEN 'interrupted' THEN 4 " \
	"WHEN 'cancelled' THEN 5 END)) & 1))"

/* Every statement the notebook runs more than once. */
enum nb_stmt {
	ST_BEGIN,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_DATA_VERSION,
	ST_SET_INSERT,
	ST_SET_FIND,
	ST_SET_LIST,
	ST_SET_LOCK,
	ST_SET_STATUS,
	ST_SET_HEARTBEAT,
	ST_SET_WORK,
	ST_SET_ADVANCE,
	ST_COUNTS,
	ST_NEXT_QUEUED,
	ST_JOB_LOAD,
	ST_JOB_INSERT,
	ST_JOB_RUN,
	ST_JOB_FINISH,
	ST_JOB_REQUEUE,
	ST_JOB_INTERRUPT,
	ST_JOB_RUNNING,
	ST_FAILURES,
	ST_VALUE_PARAM,
	ST_VALUE_RESULT,
	ST_VALUE_MOVE,
	ST_NAME_INSERT,
	ST_NAME_LIST,
	ST_NAME_KNOWN,
	ST_JOBS_EACH,
	ST_COUNT
};

static const char *const nb_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT notebook_write",
	[ST_RELEASE] = "RELEASE notebook_write",
	[ST_ROLLBACK_TO] = "ROLLBACK TO notebook_write",
	[ST_DATA_VERSION] = "PRAGMA data_version",
	[ST_SET_INSERT] = "INSERT INTO resultset (tag, description, "
	    "attributes, created, space, experiment, backend, cores, timeout, "
	    "mem_limit, retries, repeat, sequential, seed, npoints, njobs) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16)",
	[ST_SET_FIND] = "SELECT " SET_COLS " FROM resultset WHERE tag = ?1",
	[ST_SET_LIST] = "SELECT " SET_COLS " FROM resultset ORDER BY id",
	[ST_SET_LOCK] = "UPDATE resultset SET locked = 1 WHERE id = ?1",
	[ST_SET_STATUS] = "UPDATE resultset SET status = ?2, runner_pid = ?3, "
	    "heartbeat = ?4 WHERE id = ?1",
	[ST_SET_HEARTBEAT] = "UPDATE resultset SET heartbeat = ?2 "
	    "WHERE id = ?1",
	[ST_SET_WORK] = "SELECT tag, locked, cursor, njobs FROM resultset "
	    "WHERE id = ?1",
	[ST_SET_ADVANCE] = "UPDATE resultset SET cursor = cursor + 1 "
	    "WHERE id = ?1",
	[ST_COUNTS] = "SELECT r.njobs, r.cursor, c.state, c.n FROM resultset r "
	    "LEFT JOIN counts c ON c.set_id = r.id WHERE r.id = ?1",
	[ST_NEXT_QUEUED] = "SELECT id, point, rep, attempt FROM job "
	    "WHERE set_id = ?1 AND current AND state = 'queued' "
	    "ORDER BY id LIMIT 1",
	[ST_JOB_LOAD] = "SELECT j.set_id, j.state, j.current, j.point, j.rep, "
	    "j.attempt, r.tag, r.locked FROM job j "
	    "JOIN resultset r ON r.id = j.set_id WHERE j.id = ?1",
	[ST_JOB_INSERT] = "INSERT INTO job (set_id, point, rep, attempt, "
	    "state, current, params, host, engine, start) "
	    "VALUES (?1, ?2, ?3, ?4, 'running', 1, ?5, ?6, ?7, ?8)",
	[ST_JOB_RUN] = "UPDATE job SET state = 'running', params = ?2, "
	    "host = ?3, engine = ?4, start = ?5 WHERE id = ?1",
	[ST_JOB_FINISH] = "UPDATE job SET state = ?2, current = ?3, "
	    "results = ?4, error = ?5, stderr_tail = ?6, "
	    "start = coalesce(?7, start), \"end\" = ?8, exit_code = ?9, "
	    "signal = ?10, maxrss_kb = ?11, cpu_user = ?12, cpu_sys = ?13, "
	    "truncated = ?14 WHERE id = ?1",
	[ST_JOB_REQUEUE] = "INSERT INTO job (set_id, point, rep, attempt, "
	    "state, current, params) SELECT set_id, point, rep, attempt + 1, "
	    "'queued', 1, params FROM job WHERE id = ?1",
	[ST_JOB_INTERRUPT] = "UPDATE job SET state = 'interrupted', "
	    "current = 0, error = 'interrupted: its runner stopped while it "
	    "ran' WHERE id = ?1",
	[ST_JOB_RUNNING] = "SELECT id FROM job WHERE set_id = ?1 AND current "
	    "AND state = 'running' ORDER BY id",
	[ST_FAILURES] = "SELECT count(*) FROM job WHERE set_id = ?1 AND "
	    "point = ?2 AND rep = ?3 AND state = 'failed'",
	[ST_VALUE_PARAM] = "INSERT OR REPLACE INTO value (job_id, set_id, "
	    "name, num, txt) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_VALUE_RESULT] = "INSERT OR IGNORE INTO value (job_id, set_id, "
	    "name, num, txt) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_VALUE_MOVE] = "UPDATE value SET job_id = ?2 WHERE job_id = ?1",
	[ST_NAME_INSERT] = "INSERT OR IGNORE INTO name (set_id, kind, name) "
	    "VALUES (?1, ?2, ?3)",
	[ST_NAME_LIST] = "SELECT name FROM name WHERE set_id = ?1 AND "
	    "kind = ?2 ORDER BY seq",
	[ST_NAME_KNOWN] = "SELECT 1 FROM name WHERE set_id = ?1 AND "
	    "name = ?2 LIMIT 1",
	[ST_JOBS_EACH] = "SELECT " JOB_COLS " FROM job j WHERE j.set_id = ?1 "
	    "AND (j.current OR NOT ?2) AND " STATE_FILTER " "
	    "ORDER BY j.point, j.rep, j.attempt",
};

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
#define NB_NSORTS UTIL_ARRLEN(nb_sorts)
/* Page statements: [sort][arm][descending][count]. */
#define NB_NPAGE (NB_NSORTS * ARM_COUNT * 2 * 2)

struct notebook {
	sqlite3 *db;
	char *path;
	int depth;                      /* notebook_begin nesting */
	sqlite3_stmt *stmt[ST_COUNT];   /* prepared on first use */
	sqlite3_stmt *page[NB_NPAGE];
};

static const char *const nb_state_names[NB_NSTATES] = {
	[NB_QUEUED] = "queued",
	[NB_RUNNING] = "running",
	[NB_OK] = "ok",
	[NB_FAILED] = "failed",
	[NB_INTERRUPTED] = "interrupted",
	[NB_CANCELLED] = "cancelled",
};

static const char *const nb_set_statuses[] = {
	"new", "running", "paused", "finished", "cancelled"
};

/* The name of state s, as stored in the job table. */
const char *
notebook_state_name(enum nb_state s)
{
	if ((unsigned)s >= NB_NSTATES)
		return "unknown";
	return nb_state_names[s];
}

/* Parse a state name (or "pending") into *s. */
int
notebook_state_parse(const char *name, enum nb_state *s)
{
	int i;

	if (name == NULL)
		return -1;
	if (strcmp(name, "pending") == 0) {
		*s = NB_QUEUED;
		return 0;
	}
	for (i = 0; i < NB_NSTATES; i++) {
		if (strcmp(name, nb_state_names[i]) == 0) {
			*s = (enum nb_state)i;
			return 0;
		}
	}
	return -1;
}

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
	memset(s, 0, sizeof *s);
}

/* The file the notebook was opened from. */
const char *
notebook_path(const struct notebook *nb)
{
	return nb->path;
}

/* Set *err (if err is not NULL) to what SQLite said went wrong with what. */
static void
nb_error(struct notebook *nb, const char *what, char **err)
{
	int code = sqlite3_errcode(nb->db);

	if (err == NULL)
		return;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		*err = xasprintf("notebook %s is busy: another process has "
		    "been writing to it for more than %d s (%s); try again",
		    nb->path, NOTEBOOK_BUSY_MS / 1000, what);
	else
		*err = xasprintf("notebook %s: %s: %s", nb->path, what,
		    sqlite3_errmsg(nb->db));
}

/* Prepare sql once: the cached statement in *slot, reset and ready. */
static sqlite3_stmt *
nb_prepare(struct notebook *nb, sqlite3_stmt **slot, const char *sql,
    char **err)
{
	if (*slot == NULL) {
		if (sqlite3_prepare_v3(nb->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
			nb_error(nb, "preparing a statement", err);
			*slot = NULL;
			return NULL;
		}
	} else if (sqlite3_stmt_busy(*slot)) {
		/* A callback called back into the query it is part of. */
		if (err != NULL)
			*err = xasprintf("notebook %s: a visit callback "
			    "called the notebook re-entrantly", nb->path);
		return NULL;
	}
	return *slot;
}

/* The cached statement id. */
static sqlite3_stmt *
nb_stmt(struct notebook *nb, enum nb_stmt id, char **err)
{
	return nb_prepare(nb, &nb->stmt[id], nb_sql[id], err);
}

/* Step st to its end (a statement with no rows to read) and reset it. */
static int
nb_run(struct notebook *nb, sqlite3_stmt *st, const char *what, char **err)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		nb_error(nb, what, err);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

/* Run the cached statement id, which takes no parameters. */
static int
nb_exec(struct notebook *nb, enum nb_stmt id, char **err)
{
	sqlite3_stmt *st = nb_stmt(nb, id, err);

	if (st == NULL)
		return -1;
	return nb_run(nb, st, nb_sql[id], err);
}

/* Bind s (NULL: SQL NULL); s must outlive the statement's step. */
static void
nb_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Bind v, or NULL when v is the "none" value. */
static void
nb_bind_int_or_null(sqlite3_stmt *st, int i, int64_t v, int64_t none)
{
	if (v == none)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

/* A copy of text column i, or NULL. */
static char *
nb_column_strdup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s == NULL ? NULL : xstrdup(s);
}

/* Integer column i, or none if it is NULL. */
static int64_t
nb_column_int(sqlite3_stmt *st, int i, int64_t none)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return none;
	return sqlite3_column_int64(st, i);
}

/* Append s as UTF-8 text (bad bytes replaced); NULL stays NULL. */
static const char *
nb_utf8(struct buf *b, const char *s)
{
	if (s == NULL)
		return NULL;
	buf_reset(b);
	util_utf8_sanitize(b, s, strlen(s));
	return b->data;
}

/* Read the file's identity: application_id, user_version, tables. */
static int
nb_identity(struct notebook *nb, int64_t *app, int64_t *version,
    int64_t *tables, char **err)
{
	static const char sql[] = "SELECT "
	    "(SELECT application_id FROM pragma_application_id), "
	    "(SELECT user_version FROM pragma_user_version), "
	    "(SELECT count(*) FROM sqlite_master)";
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(nb->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*app = sqlite3_column_int64(st, 0);
		*version = sqlite3_column_int64(st, 1);
		*tables = sqlite3_column_int64(st, 2);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	rc = sqlite3_errcode(nb->db);
	if (rc == SQLITE_NOTADB)
		*err = xasprintf("%s is not a labrat notebook (not an SQLite "
		    "database)", nb->path);
	else if (rc == SQLITE_CORRUPT)
		*err = xasprintf("%s is a damaged SQLite database (%s): "
		    "restore it from a copy", nb->path,
		    sqlite3_errmsg(nb->db));
	else
		nb_error(nb, "reading its header", err);
	return -1;
}

/* Refuse a file that is not a labrat notebook we can read. */
static int
nb_check(struct notebook *nb, int64_t *version, char **err)
{
	int64_t app, tables;

	if (nb_identity(nb, &app, version, &tables, err) != 0)
		return -1;
	if ((app != 0 && app != NOTEBOOK_APPLICATION_ID) ||
	    (tables > 0 && *version == 0) ||
	    (app == 0 && *version != 0)) {
		*err = xasprintf("%s is an SQLite database but not a labrat "
		    "notebook: give another file with -n FILE", nb->path);
		return -1;
	}
	if (*version > NOTEBOOK_SCHEMA_VERSION) {
		*err = xasprintf("%s was written by a newer labrat (schema "
		    "%" PRId64 ", this labrat knows up to %d): upgrade labrat",
		    nb->path, *version, NOTEBOOK_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

/* Apply one migration step in its own transaction (if nobody has). */
static int
nb_migrate_step(struct notebook *nb, int step, char **err)
{
	int64_t app, version, tables;
	char *sql, *msg = NULL;
	int rc;

	if (notebook_begin(nb, err) != 0)
		return -1;
	/* Another process may have migrated since we looked. */
	if (nb_identity(nb, &app, &version, &tables, err) != 0)
		goto fail;
	if (version >= step)
		return notebook_commit(nb, err);
	sql = xasprintf("%s;\nPRAGMA user_version = %d;\n"
	    "PRAGMA application_id = %d;", notebook_migrations[step - 1],
	    step, NOTEBOOK_APPLICATION_ID);
	rc = sqlite3_exec(nb->db, sql, NULL, NULL, &msg);
	free(sql);
	if (rc != SQLITE_OK) {
		*err = xasprintf("notebook %s: upgrading to schema %d failed: "
		    "%s", nb->path, step, msg != NULL ? msg : "?");
		sqlite3_free(msg);
		goto fail;
	}
	return notebook_commit(nb, err);
fail:
	notebook_rollback(nb);
	return -1;
}

/* Run one PRAGMA and check that its answer (if any) is want. */
static int
nb_pragma(struct notebook *nb, const char *sql, const char *want,
    char **err)
{
	sqlite3_stmt *st = NULL;
	const char *got;
	int rc;

	if (sqlite3_prepare_v2(nb->db, sql, -1, &st, NULL) != SQLITE_OK) {
		nb_error(nb, sql, err);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		nb_error(nb, sql, err);
		sqlite3_finalize(st);
		return -1;
	}
	got = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) :
	    NULL;
	if (want != NULL && (got == NULL || strcmp(got, want) != 0)) {
		*err = xasprintf("notebook %s: %s answered '%s' (a network "
		    "file system?): keep the notebook on a local disk",
		    nb->path, sql, got != NULL ? got : "");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Refuse paths SQLite would report poorly: directories, unreadable. */
static int
nb_check_path(const char *path, char **err)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return 0;
		*err = xasprintf("cannot open notebook %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		*err = xasprintf("%s is a directory, not a labrat notebook: "
		    "give a file name with -n FILE", path);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		*err = xasprintf("%s is not a regular file, not a labrat "
		    "notebook: give a file name with -n FILE", path);
		return -1;
	}
	if (access(path, R_OK | W_OK) != 0) {
		*err = xasprintf("cannot open notebook %s: %s (the notebook "
		    "must be readable and writable)", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Open or create the notebook at path, refusing what is not one. */
int
notebook_open(const char *path, struct notebook **nbp, char **err)
{
	struct notebook *nb;
	int64_t version;
	int rc, step, eno;

	*nbp = NULL;
	if (path == NULL || *path == '\0') {
		*err = xstrdup("no notebook file given: use -n FILE");
		return -1;
	}
	if (nb_check_path(path, err) != 0)
		return -1;
	nb = xcalloc(1, sizeof *nb);
	nb->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &nb->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		eno = nb->db != NULL ? sqlite3_system_errno(nb->db) : 0;
		*err = xasprintf("cannot open notebook %s: %s", path,
		    eno != 0 ? strerror(eno) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(nb->db, NOTEBOOK_BUSY_MS);
	/* Look before touching: never turn another program's file to WAL. */
	if (nb_check(nb, &version, err) != 0)
		goto fail;
	/*
	 * A job touches some twenty b-tree pages per commit (its row, the
	 * indexes, the counters); small pages write a third as much to the
	 * WAL.  Only a file with nothing in it yet takes a page size.
	 */
	if (version == 0 &&
	    nb_pragma(nb, "PRAGMA page_size = 1024", NULL, err) != 0)
		goto fail;
	if (nb_pragma(nb, "PRAGMA journal_mode = WAL", "wal", err) != 0 ||
	    nb_pragma(nb, "PRAGMA synchronous = NORMAL", NULL, err) != 0 ||
	    nb_pragma(nb, "PRAGMA foreign_keys = ON", NULL, err) != 0 ||
	    /* Statement and savepoint journals stay in memory (they
	     * would spill to temp files: 3x slower writes). */
	    nb_pragma(nb, "PRAGMA temp_store = MEMORY", NULL, err) != 0)
		goto fail;
	for (step = (int)version + 1; step <= NOTEBOOK_SCHEMA_VERSION; step++) {
		if (nb_migrate_step(nb, step, err) != 0)
			goto fail;
	}
	*nbp = nb;
	return 0;
fail:
	notebook_close(nb);
	return -1;
}

/* Finalize every cached statement and close the file. */
void
notebook_close(struct notebook *nb)
{
	size_t i;

	if (nb == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(nb->stmt[i]);
	for (i = 0; i < NB_NPAGE; i++)
		sqlite3_finalize(nb->page[i]);
	/* Closing rolls back a transaction left open. */
	sqlite3_close(nb->db);
	free(nb->path);
	free(nb);
}

/* Start a write transaction, or nest in the current one. */
int
notebook_begin(struct notebook *nb, char **err)
{
	if (nb->depth > 0) {
		nb->depth++;
		return 0;
	}
	if (nb_exec(nb, ST_BEGIN, err) != 0)
		return -1;
	nb->depth = 1;
	return 0;
}

/* Leave one level of nesting; the outermost commits. */
int
notebook_commit(struct notebook *nb, char **err)
{
	if (nb->depth == 0) {
		*err = xasprintf("notebook %s: commit without a transaction "
		    "(it was rolled back)", nb->path);
		return -1;
	}
	if (--nb->depth > 0)
		return 0;
	if (nb_exec(nb, ST_COMMIT, err) != 0) {
		if (!sqlite3_get_autocommit(nb->db))
			nb_exec(nb, ST_ROLLBACK, NULL);
		return -1;
	}
	return 0;
}

/* Undo the whole transaction, whatever the nesting. */
void
notebook_rollback(struct notebook *nb)
{
	if (nb->depth == 0)
		return;
	nb->depth = 0;
	if (!sqlite3_get_autocommit(nb->db))
		nb_exec(nb, ST_ROLLBACK, NULL);
}

/*
 * Open one write: a transaction of its own, or a savepoint inside the
 * caller's so that a failed write undoes itself and nothing else.
 */
static int
nb_write_begin(struct notebook *nb, bool *own, char **err)
{
	*own = nb->depth == 0;
	if (*own)
		return notebook_begin(nb, err);
	if (sqlite3_get_autocommit(nb->db)) {
		/* SQLite rolled the caller's transaction back (disk full). */
		nb->depth = 0;
		*err = xasprintf("notebook %s: the transaction was rolled "
		    "back by an earlier error", nb->path);
		return -1;
	}
	return nb_exec(nb, ST_SAVEPOINT, err);
}

/* Close a write: keep it if rc is 0, undo it otherwise.  0 or -1. */
static int
nb_write_end(struct notebook *nb, bool own, int rc, char **err)
{
	if (rc == 0) {
		if (own)
			return notebook_commit(nb, err);
		if (nb_exec(nb, ST_RELEASE, err) == 0)
			return 0;
	}
	if (own)
		notebook_rollback(nb);
	else if (!sqlite3_get_autocommit(nb->db)) {
		nb_exec(nb, ST_ROLLBACK_TO, NULL);
		nb_exec(nb, ST_RELEASE, NULL);
	}
	return -1;
}

/* Fill s from a row of SET_COLS. */
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
		*err = xasprintf("notebook %s: no result set with id %" PRId64
		    " (deleted?)", nb->path, set_id);
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

/* Record the runner's status and pid, and stamp the heartbeat. */
int
notebook_set_status(struct notebook *nb, int64_t set_id, const char *status,
    int64_t runner_pid, char **err)
{
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
	return nb_set_update(nb, st, set_id, "recording the runner status",
	    err);
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
		*err = xasprintf("notebook %s: no result set with id %" PRId64
		    " (deleted?)", nb->path, s->id);
		return -1;
	}
	c->n[NB_INTERRUPTED] = 0;
	c->pending = (cursor < c->total ? c->total - cursor : 0) +
	    c->n[NB_QUEUED];
	done = c->n[NB_OK] + c->n[NB_FAILED] + c->n[NB_CANCELLED];
	c->ready = c->total == 0 ? 1.0 : (double)done / (double)c->total;
	return 0;
}

/* Find the oldest queued job of the set. */
int
notebook_next_queued(struct notebook *nb, int64_t set_id, struct nb_work *w,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = nb_stmt(nb, ST_NEXT_QUEUED, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
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

/* The refusal for work on a locked set. */
static char *
nb_locked_error(const char *tag)
{
	return xasprintf("result set '%s' is locked: its results are final "
	    "(epyc finish()); start a new tag to run more", tag);
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

	for (i = 0; i < obj->n; i++) {
		m = &obj->members[i];
		if (nb_name_add(nb, set_id, kind, m->name, err) != 0)
			return -1;
		if (m->type == JSON_NULL)
			continue;
		num = m->type == JSON_NUMBER ? strtod(m->text, NULL) :
		    m->type == JSON_TRUE ? 1 : 0;
		if (isnan(num))
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

/* Check that the set may start fresh work at position pos. */
static int
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
			*err = xasprintf("notebook %s: no result set with id "
			    "%" PRId64 " (deleted?)", nb->path, set_id);
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

/* Load job_id's row into ji. */
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
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Queue attempt+1 of job_id (already made not current): its parameter
 * values move to the new row.  *new_id (if not NULL) is the new row. */
static int
nb_job_requeue(struct notebook *nb, int64_t job_id, int64_t *new_id,
    char **err)
{
	sqlite3_stmt *st;
	int64_t id;

	if ((st = nb_stmt(nb, ST_JOB_REQUEUE, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	if (nb_run(nb, st, "queueing a retry", err) != 0)
		return -1;
	id = sqlite3_last_insert_rowid(nb->db);
	if ((st = nb_stmt(nb, ST_VALUE_MOVE, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, id);
	if (nb_run(nb, st, "moving values to a retry", err) != 0)
		return -1;
	if (new_id != NULL)
		*new_id = id;
	return 0;
}

/* The body of notebook_job_start, inside its transaction. */
static int
nb_job_start(struct notebook *nb, int64_t set_id, struct nb_work *w,
    const char *params, const struct json_object *obj, double start,
    const char *host, int engine, char **err)
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
		if (nb_run(nb, st, "recording a job start", err) != 0)
			goto out;
		w->job_id = sqlite3_last_insert_rowid(nb->db);
		w->attempt = w->attempt > 0 ? w->attempt : 1;
		if ((st = nb_stmt(nb, ST_SET_ADVANCE, err)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, set_id);
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

/* Record that a job started, in one transaction. */
int
notebook_job_start(struct notebook *nb, int64_t set_id, struct nb_work *w,
    const char *params_json, double start, const char *host, int engine,
    char **err)
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
	if (nb_write_begin(nb, &own, err) != 0) {
		json_object_free(&obj);
		return -1;
	}
	buf_init(&hb);
	rc = nb_job_start(nb, set_id, w, params_json, &obj, start,
	    nb_utf8(&hb, host), engine, err);
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
nb_job_finish(struct notebook *nb, int64_t job_id, const struct nb_outcome *o,
    const struct json_object *res, char **err)
{
	struct nb_jobinfo ji;
	struct buf eb, tb;
	sqlite3_stmt *st;
	int rc = -1;

	if (nb_job_load(nb, job_id, &ji, err) != 0)
		return -1;
	buf_init(&eb);
	buf_init(&tb);
	if (ji.locked) {
		*err = nb_locked_error(ji.tag);
		goto out;
	}
	if (ji.state != NB_RUNNING) {
		*err = xasprintf("notebook %s: job %" PRId64 " (point %" PRIu64
		    " attempt %d) is %s, not running: not recorded twice",
		    nb->path, job_id, ji.point, ji.attempt,
		    notebook_state_name(ji.state));
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
	sqlite3_bind_double(st, 12, o->cpu_user);
	sqlite3_bind_double(st, 13, o->cpu_sys);
	sqlite3_bind_int(st, 14, o->truncated);
	if (nb_run(nb, st, "recording a job's end", err) != 0)
		goto out;
	if (o->requeue)
		rc = nb_job_requeue(nb, job_id, NULL, err);
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

/* Record how a running job ended, in one transaction. */
int
notebook_job_finish(struct notebook *nb, int64_t job_id,
    const struct nb_outcome *o, char **err)
{
	struct json_object res;
	bool own, have = false;
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
	if (nb_write_begin(nb, &own, err) != 0)
		rc = -1;
	else {
		rc = nb_job_finish(nb, job_id, o, have ? &res : NULL, err);
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

/* The body of notebook_recover, inside its transaction. */
static int
nb_recover(struct notebook *nb, int64_t set_id, uint64_t *n, char **err)
{
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	size_t len = 0, i;
	int rc;

	if (nb_set_work(nb, set_id, 0, false, err) != 0)
		return -1;
	if ((st = nb_stmt(nb, ST_JOB_RUNNING, err)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, set_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = xreallocarray(ids, len + 1, sizeof *ids);
		ids[len++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		nb_error(nb, "looking for running jobs", err);
		free(ids);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if ((st = nb_stmt(nb, ST_JOB_INTERRUPT, err)) == NULL)
			break;
		sqlite3_bind_int64(st, 1, ids[i]);
		if (nb_run(nb, st, "marking a job interrupted", err) != 0 ||
		    nb_job_requeue(nb, ids[i], NULL, err) != 0)
			break;
	}
	free(ids);
	if (i < len)
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

/* Fill j from a row of JOB_COLS. */
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
	const char *what = count ? "count(*)" : JOB_COLS;
	struct buf b;

	buf_init(&b);
	if (ns->name == NULL && arm != ARM_MISSING) {
		buf_printf(&b, "SELECT %s FROM value v CROSS JOIN job j "
		    "ON j.id = v.job_id WHERE v.set_id = ?1 AND v.name = ?2 "
		    "AND v.num IS %s AND j.current AND " STATE_FILTER, what,
		    arm == ARM_NUMBERS ? "NOT NULL" : "NULL");
		if (!count)
			buf_printf(&b, " ORDER BY v.num%s, v.txt%s, "
			    "v.job_id%s", dir, dir, dir);
	} else {
		buf_printf(&b, "SELECT %s FROM job j WHERE j.set_id = ?1 "
		    "AND j.current AND " STATE_FILTER, what);
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
