/*
 * notebook.c -- the notebook's connection: opening a file and refusing what
 * is not a labrat notebook, migrating an older schema step by step, the
 * cache of prepared statements, and transactions.  The other notebook_*.c
 * files build result sets, jobs and reads on these; notebook_int.h lists
 * them.  doc/notebook.md describes the schema.
 *
 * Every statement is prepared once per connection, on first use, and
 * reused.  Each write is one transaction (BEGIN IMMEDIATE, so a busy writer
 * waits instead of failing half-way), or a savepoint inside the caller's
 * notebook_begin/notebook_commit, so one failed write never leaves half of
 * itself behind.  (Inside the caller's transaction a fresh job's start and
 * end are held and written later, many together: if that fails, the
 * statement that wrote them -- the commit, or the next one -- fails, and
 * the caller's transaction is undone; notebook_job.c.)  Invariants the
 * writes keep:
 *   - exactly one row per (set, point, rep) is current: the latest attempt;
 *   - the counts table holds the current rows by state (triggers);
 *   - value rows exist only for current jobs (params from the start,
 *     results once finished), so the sort index never sees stale rows.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notebook_int.h"

static const char *const nb_state_names[NB_NSTATES] = {
	[NB_QUEUED] = "queued",
	[NB_RUNNING] = "running",
	[NB_OK] = "ok",
	[NB_FAILED] = "failed",
	[NB_INTERRUPTED] = "interrupted",
	[NB_CANCELLED] = "cancelled",
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

/* The file the notebook was opened from. */
const char *
notebook_path(const struct notebook *nb)
{
	return nb->path;
}

static char *nb_empty_error(const char *path);

/* Set *err (if err is not NULL) to what SQLite said went wrong with what. */
void
nb_error(struct notebook *nb, const char *what, char **err)
{
	int code = sqlite3_errcode(nb->db);

	nb->last_error = sqlite3_extended_errcode(nb->db);
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

/*
 * Tell if the statement in slot must see the held starts written first:
 * every statement but those that end a transaction or a savepoint (which
 * write or drop them themselves) and those of a held start and its end.
 */
static bool
nb_flushes(const struct notebook *nb, sqlite3_stmt *const *slot)
{
	return !nb->holding && slot != &nb->stmt[ST_COMMIT] &&
	    slot != &nb->stmt[ST_ROLLBACK] &&
	    slot != &nb->stmt[ST_ROLLBACK_TO] &&
	    slot != &nb->stmt[ST_RELEASE];
}

/* Prepare sql once: the cached statement in *slot, reset and ready.  Held
 * starts are written first, so that every other statement sees them. */
sqlite3_stmt *
nb_prepare(struct notebook *nb, sqlite3_stmt **slot, const char *sql,
    char **err)
{
	if (nb_flushes(nb, slot)) {
		if ((nb->npending > 0 || nb->held_set != 0) &&
		    nb_pending_flush(nb, true, err) != 0)
			return NULL;
		/* It may insert jobs: ask the table for the next id. */
		nb->next_id = 0;
	}
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
sqlite3_stmt *
nb_stmt(struct notebook *nb, enum nb_stmt id, char **err)
{
	return nb_prepare(nb, &nb->stmt[id], nb_sql[id], err);
}

/* Step st to its end (a statement with no rows to read) and reset it. */
int
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
int
nb_exec(struct notebook *nb, enum nb_stmt id, char **err)
{
	sqlite3_stmt *st = nb_stmt(nb, id, err);

	if (st == NULL)
		return -1;
	return nb_run(nb, st, nb_sql[id], err);
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

/* Refuse a file that is not a labrat notebook we can read: one of
 * another application, of a newer labrat, or (to read) none yet or an
 * older one. */
static int
nb_check(struct notebook *nb, enum nb_open how, int64_t *version,
    char **err)
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
	if (how == NOTEBOOK_READ && *version == 0) {
		*err = nb_empty_error(nb->path);
		return -1;
	}
	if (how == NOTEBOOK_READ && *version < NOTEBOOK_SCHEMA_VERSION) {
		*err = xasprintf("%s was written by an older labrat (schema "
		    "%" PRId64 ", this one needs %d) and reading never changes "
		    "a notebook: a command that records upgrades it (labrat "
		    "resume TAG, labrat run)", nb->path, *version,
		    NOTEBOOK_SCHEMA_VERSION);
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
	    "PRAGMA application_id = %d;", nb_migrations[step - 1],
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

/* The refusal of a missing or empty file by a command that only reads. */
static char *
nb_empty_error(const char *path)
{
	return xasprintf("there is no notebook %s here: start a campaign with "
	    "'labrat run' (or 'labrat demo'), or name another with -n FILE",
	    path);
}

/* Refuse to create a notebook in a directory where it cannot be made
 * (SQLite would say "No such file or directory"). */
static int
nb_check_dir(const char *path, char **err)
{
	char *copy = xstrdup(path), *dir = dirname(copy);
	int rc = 0;

	if (access(dir, W_OK | X_OK) != 0) {
		*err = xasprintf("cannot create notebook %s: its directory %s "
		    "%s: work in a directory you can write to, or give "
		    "another file with -n FILE", path, dir, errno == ENOENT ?
		    "does not exist" : errno == EACCES ? "is not writable" :
		    strerror(errno));
		rc = -1;
	}
	free(copy);
	return rc;
}

/*
 * Refuse paths SQLite would report poorly (directories, unreadable) and
 * those it must not turn into a notebook: to read, a missing or empty
 * file; to create, a symbolic link (it would create or write its target).
 * *nlink is the file's number of names (0 if missing).
 */
static int
nb_check_path(const char *path, enum nb_open how, nlink_t *nlink,
    char **err)
{
	struct stat sb;

	*nlink = 0;
	if (how == NOTEBOOK_CREATE && lstat(path, &sb) == 0 &&
	    S_ISLNK(sb.st_mode)) {
		*err = xasprintf("%s is a symbolic link: labrat creates and "
		    "writes notebooks only at their real path (give it with "
		    "-n FILE)", path);
		return -1;
	}
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT && how == NOTEBOOK_CREATE)
			return nb_check_dir(path, err);
		if (errno == ENOENT) {
			*err = nb_empty_error(path);
			return -1;
		}
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
	if (access(path, how == NOTEBOOK_READ ? R_OK : R_OK | W_OK) != 0) {
		*err = xasprintf("cannot open notebook %s: %s (the notebook "
		    "must be readable%s)", path, strerror(errno),
		    how == NOTEBOOK_READ ? "" : " and writable");
		return -1;
	}
	*nlink = sb.st_nlink;
	if (sb.st_size == 0 && how == NOTEBOOK_READ) {
		*err = nb_empty_error(path);
		return -1;
	}
	return 0;
}

/* Open the notebook at path as how says, refusing what is not one. */
int
notebook_open(const char *path, enum nb_open how, struct notebook **nbp,
    char **err)
{
	struct notebook *nb;
	int64_t version;
	int rc, step, eno, flags;
	nlink_t nlink;

	*nbp = NULL;
	if (path == NULL || *path == '\0') {
		*err = xstrdup("no notebook file given: use -n FILE");
		return -1;
	}
	if (nb_check_path(path, how, &nlink, err) != 0)
		return -1;
	nb = xcalloc(1, sizeof *nb);
	nb->path = xstrdup(path);
	nb->readonly = how == NOTEBOOK_READ;
	flags = SQLITE_OPEN_NOMUTEX;
	if (how == NOTEBOOK_READ)
		flags |= SQLITE_OPEN_READONLY;
	else
		flags |= SQLITE_OPEN_READWRITE;
	if (how == NOTEBOOK_CREATE)
		flags |= SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW;
	rc = sqlite3_open_v2(path, &nb->db, flags, NULL);
	if (rc != SQLITE_OK) {
		eno = nb->db != NULL ? sqlite3_system_errno(nb->db) : 0;
		*err = xasprintf("cannot open notebook %s: %s", path,
		    eno != 0 ? strerror(eno) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(nb->db, NOTEBOOK_BUSY_MS);
	/* Look before touching: never turn another program's file to WAL. */
	if (nb_check(nb, how, &version, err) != 0)
		goto fail;
	/*
	 * Only a command that records writes a schema, and never into a
	 * file with other names: another name of a notebook whose pages
	 * are still all in its write-ahead log (named after the other
	 * name) looks empty, and a schema written here would be copied
	 * over its data.
	 */
	if (version == 0 && how != NOTEBOOK_CREATE) {
		*err = nb_empty_error(path);
		goto fail;
	}
	if (version == 0 && nlink > 1) {
		*err = xasprintf("%s looks empty but has %ju other name(s) "
		    "(hard links): it may be another notebook whose data is "
		    "still in its write-ahead log, so labrat will not write a "
		    "new notebook into it; open it by its first name, or give "
		    "a new file with -n FILE", path, (uintmax_t)nlink - 1);
		goto fail;
	}
	if (how == NOTEBOOK_READ) {
		if (nb_pragma(nb, "PRAGMA temp_store = MEMORY", NULL, err) != 0)
			goto fail;
		*nbp = nb;
		return 0;
	}
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
	    /* Statement and savepoint journals stay in memory (they
	     * would spill to temp files: 3x slower writes). */
	    nb_pragma(nb, "PRAGMA temp_store = MEMORY", NULL, err) != 0)
		goto fail;
	/* Migrations rebuild tables: foreign keys come on afterwards, or
	 * dropping the old table would cascade into the jobs. */
	for (step = (int)version + 1; step <= NOTEBOOK_SCHEMA_VERSION; step++) {
		if (nb_migrate_step(nb, step, err) != 0)
			goto fail;
	}
	if (nb_pragma(nb, "PRAGMA foreign_keys = ON", NULL, err) != 0)
		goto fail;
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
	for (i = 0; i < NB_VALUES_MAX; i++)
		sqlite3_finalize(nb->values[i]);
	for (i = 0; i < NB_ENDED_MAX; i++)
		sqlite3_finalize(nb->ended[i]);
	nb_pending_drop(nb);
	free(nb->pending);
	buf_free(&nb->seen[0].names);
	buf_free(&nb->seen[1].names);
	/* Closing rolls back a transaction left open. */
	sqlite3_close(nb->db);
	free(nb->path);
	free(nb);
}

/* Set how long a write waits for another writer. */
void
notebook_busy_timeout(struct notebook *nb, int ms)
{
	sqlite3_busy_timeout(nb->db, ms);
}

/* Start a write transaction, or nest in the current one. */
int
notebook_begin(struct notebook *nb, char **err)
{
	if (nb->depth > 0) {
		nb->depth++;
		return 0;
	}
	nb->last_error = SQLITE_OK;
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
	/* A failed flush here undoes the whole transaction: no savepoint. */
	if (nb->depth == 1 && nb_pending_flush(nb, false, err) != 0) {
		notebook_rollback(nb);
		return -1;
	}
	if (--nb->depth > 0)
		return 0;
	if (nb_exec(nb, ST_COMMIT, err) != 0) {
		nb_pending_drop(nb);
		nb_names_forget(nb);
		if (!sqlite3_get_autocommit(nb->db))
			nb_exec(nb, ST_ROLLBACK, NULL);
		return -1;
	}
	return 0;
}

/* Tell if the last failure may pass when tried again. */
bool
notebook_transient(const struct notebook *nb)
{
	switch (nb->last_error & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
		return true;
	default:
		return false;
	}
}

/* Undo the whole transaction, whatever the nesting. */
void
notebook_rollback(struct notebook *nb)
{
	if (nb->depth == 0)
		return;
	nb->depth = 0;
	nb_pending_drop(nb);
	nb_names_forget(nb);
	if (!sqlite3_get_autocommit(nb->db))
		nb_exec(nb, ST_ROLLBACK, NULL);
}

/*
 * Open one write: a transaction of its own, or a savepoint inside the
 * caller's so that a failed write undoes itself and nothing else.
 */
int
nb_write_begin(struct notebook *nb, bool *own, char **err)
{
	*own = nb->depth == 0;
	if (*own)
		return notebook_begin(nb, err);
	if (sqlite3_get_autocommit(nb->db)) {
		/* SQLite rolled the caller's transaction back (disk full). */
		nb->depth = 0;
		nb_pending_drop(nb);
		nb_names_forget(nb);
		*err = xasprintf("notebook %s: the transaction was rolled "
		    "back by an earlier error", nb->path);
		return -1;
	}
	return nb_exec(nb, ST_SAVEPOINT, err);
}

/* Close a write: keep it if rc is 0, undo it otherwise.  0 or -1. */
int
nb_write_end(struct notebook *nb, bool own, int rc, char **err)
{
	if (rc == 0) {
		if (own)
			return notebook_commit(nb, err);
		if (nb_exec(nb, ST_RELEASE, err) == 0)
			return 0;
	}
	/* Names recorded by the write may be undone with it. */
	nb_names_forget(nb);
	if (own)
		notebook_rollback(nb);
	else if (!sqlite3_get_autocommit(nb->db)) {
		nb_exec(nb, ST_ROLLBACK_TO, NULL);
		nb_exec(nb, ST_RELEASE, NULL);
	}
	return -1;
}
