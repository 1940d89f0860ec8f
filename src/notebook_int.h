/*
 * notebook_int.h -- what the notebook's source files share and nobody else
 * sees (SQLite's btree.h / btreeInt.h pattern): the connection, the cache
 * of prepared statements, and the helpers that run, bind and read them.
 * This is the only file of src/ that includes sqlite3.h.
 *
 *   notebook_sql.c    every SQL text: the schema migrations, the statements
 *   notebook.c        open, checks, migrating, the statement cache,
 *                     transactions
 *   notebook_set.c    result sets: create, read, lock, status, control
 *   notebook_job.c    the job life cycle: start, finish, retries, recover,
 *                     requeue, purge
 *   notebook_read.c   counts, visits, sorted pages, names, data_version
 */
#ifndef LABRAT_NOTEBOOK_INT_H
#define LABRAT_NOTEBOOK_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "json.h"
#include "notebook.h"
#include "util.h"

/* How long a write waits for another writer before giving up (ms). */
#define NOTEBOOK_BUSY_MS 5000

/* The columns of a result set, in the order nb_set_from_row reads them. */
#define NB_SET_COLS "id, tag, description, attributes, created, locked, " \
	"space, experiment, backend, cores, timeout, mem_limit, retries, " \
	"repeat, sequential, seed, npoints, njobs, cursor, status, " \
	"runner_pid, heartbeat, cwd, control, purge_before, control_seq, " \
	"control_ack, runner_start, reason, backend_args, engines"

/* The columns of a job (aliased j), in the order nb_job_from_row reads
 * them. */
#define NB_JOB_COLS "j.id, j.point, j.rep, j.attempt, j.state, j.current, " \
	"j.params, j.results, j.error, j.stderr_tail, j.host, j.engine, " \
	"j.start, j.\"end\", j.exit_code, j.signal, j.maxrss_kb, " \
	"j.cpu_user, j.cpu_sys, j.truncated, j.handle"

/* True if job j's state is in the NB_STATE_BIT mask ?3 (0: all). */
#define NB_STATE_FILTER "(?3 = 0 OR ((?3 >> (CASE j.state " \
	"WHEN 'queued' THEN 0 WHEN 'running' THEN 1 WHEN 'ok' THEN 2 " \
	"WHEN 'failed' THEN 3 WHEN 'interrupted' THEN 4 " \
	"WHEN 'cancelled' THEN 5 END)) & 1))"

/* Every statement the notebook runs more than once (SQL in nb_sql). */
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
	ST_SET_GET,
	ST_SET_LIST,
	ST_SET_LOCK,
	ST_SET_STATUS,
	ST_SET_ACK,
	ST_SET_ENGINES,
	ST_SET_HEARTBEAT,
	ST_SET_CONTROL,
	ST_SET_PURGE_BEFORE,
	ST_SET_WORK,
	ST_SET_ADVANCE,
	ST_COUNTS,
	ST_NEXT_QUEUED,
	ST_JOB_LOAD,
	ST_JOB_NEXT_ID,
	ST_JOB_INSERT,
	ST_JOB_RUN,
	ST_JOB_FINISH,
	ST_JOB_REQUEUE,
	ST_JOB_SUPERSEDE,
	ST_JOB_INTERRUPT,
	ST_JOB_INTERRUPT_ONE,
	ST_JOB_PURGE,
	ST_JOB_IN_STATE,
	ST_JOB_PARAMS,
	ST_FAILURES,
	ST_VALUE_PARAM,
	ST_VALUE_RESULT,
	ST_VALUE_MOVE,
	ST_VALUE_DROP,
	ST_NAME_INSERT,
	ST_NAME_LIST,
	ST_NAME_KNOWN,
	ST_JOBS_EACH,
	ST_JOBS_STATE,
	ST_COUNT_STATE,
	ST_POINTS,
	ST_COUNT
};

/* The SQL of each cached statement (notebook_sql.c). */
extern const char *const nb_sql[ST_COUNT];
/* Migration step N (nb_migrations[N - 1]) turns schema N-1 into schema N;
 * there are NOTEBOOK_SCHEMA_VERSION of them (notebook_sql.c). */
extern const char *const nb_migrations[];

/*
 * The sorts of notebook_jobs_page (nb_sorts, in notebook_sql.c with their
 * SQL).  A page is read in up to three parts ("arms"), each in the order
 * of an index: the jobs with a number for the key, those with a string
 * (values only), and those without a value, in point order.
 */
#define NB_NSORTS 7
enum nb_arm {
	ARM_NUMBERS,
	ARM_STRINGS,
	ARM_MISSING,
	ARM_COUNT
};
#define NB_NARMS ARM_COUNT

struct nb_sort {
	const char *name;     /* as jobs_page takes it; NULL: a value */
	const char *key;      /* the column sorted on */
	const char *tie;      /* the column that breaks ties */
	const char *index;    /* the partial index on (set_id, key), or NULL */
	bool nullable;        /* has an ARM_MISSING */
};
extern const struct nb_sort nb_sorts[NB_NSORTS];

/*
 * How a statement reads an arm.  Parameters: ?1 set, ?2 value name, ?3
 * state mask (NB_STATE_FILTER), ?4 limit, ?5 offset, ?6 to ?11 state names
 * (NULL for none) for the forms that go through the job_state index.
 */
enum nb_form {
	FORM_ROWS,      /* with the state filter: a job read per row skipped */
	FORM_ROWS_ALL,  /* every state: rows skipped in an index only */
	FORM_ROWS_FEW,  /* the missing arm, through a narrower index, sorted
	                   in memory: for few jobs */
	FORM_PAGE_FEW,  /* every arm of the jobs in states ?6.., sorted in
	                   memory: for few jobs */
	FORM_SIZE,      /* the arm's size, with the state filter */
	FORM_SIZE_ALL,  /* its size over every state, from an index only */
	FORM_SIZE_FEW,  /* its size over the jobs in states ?6.. */
	FORM_COUNT
};
#define NB_NFORMS FORM_COUNT
/* The SQL of arm read with form, its rows in descending order if desc (the
 * missing arm: descending points); owned. */
char *nb_page_sql(size_t sort, enum nb_arm arm, bool desc, enum nb_form form);

/* Values one INSERT of held starts indexes at most (nb_values_sql), and
 * held starts with their ends one INSERT writes at most (nb_ended_sql). */
#define NB_VALUES_MAX 64
#define NB_ENDED_MAX 32
#define NB_ENDED_COLS 21
char *nb_values_sql(size_t n);
char *nb_ended_sql(size_t n);

/* Page statements: [sort][arm][descending][form]. */
#define NB_NPAGE (NB_NSORTS * NB_NARMS * 2 * NB_NFORMS)

/*
 * Bounds of the page reader's plans (notebook_read.c); tests lower them to
 * reach every plan on a small notebook.
 */
struct nb_page_limits {
	uint64_t few;         /* jobs a statement may sort in memory */
	uint64_t buffer;      /* rows a page holds to be read backwards */
};
extern struct nb_page_limits nb_page_limits;

/* Value counts of one name, kept while the file is unchanged: the numbers
 * and strings of every current job of the set (notebook_read.c). */
struct nb_page_memo {
	bool valid;
	int64_t version;      /* PRAGMA data_version then */
	int changes;          /* sqlite3_total_changes then */
	int64_t set_id;
	char name[64];        /* longer names are not kept */
	int64_t n[2];         /* by ARM_NUMBERS, ARM_STRINGS; -1: unknown */
};

/*
 * A fresh job's start held back inside the caller's transaction
 * (notebook_job.c): its id is reserved and its position taken, and its
 * end, if it comes in the same transaction, is held with it.  They are
 * written before any other statement or at the commit, with the other
 * held starts: a finished job as one row (not a row and an update of it),
 * many rows and values to a statement.
 */
struct nb_pending {
	int64_t job_id;
	int64_t set_id;
	uint64_t point;
	int rep;
	int attempt;
	char *params;
	struct json_object obj;         /* params, parsed */
	char *host;
	int engine;
	double start;
	char *handle;
	bool ended;                     /* its end is held too: */
	struct nb_outcome o;            /* the end, its strings owned */
	bool have_res;
	struct json_object res;         /* o.results_json, parsed */
};

/* The names last recorded for a set, by kind: a job with the same names
 * need not record them again (notebook_job.c). */
struct nb_names_seen {
	int64_t set_id;                 /* 0: none */
	size_t n;
	struct buf names;               /* each followed by a NUL */
};

struct notebook {
	sqlite3 *db;
	char *path;
	bool readonly;                  /* opened with NOTEBOOK_READ */
	int last_error;                 /* extended code of the last
	                                   failure nb_error reported */
	int depth;                      /* notebook_begin nesting */
	sqlite3_stmt *stmt[ST_COUNT];   /* prepared on first use */
	sqlite3_stmt *page[NB_NPAGE];
	struct nb_page_memo memo;
	struct nb_pending *pending;     /* held starts, oldest first */
	size_t npending, cappending;
	int64_t next_id;                /* the next job id to reserve, 0:
	                                   ask the table */
	int64_t held_set;               /* the set of the positions held
	                                   starts took (0: none) */
	uint64_t held_cursor;           /* its cursor, with them */
	uint64_t held_njobs;            /* its number of jobs */
	uint64_t held_advance;          /* positions taken, not written */
	sqlite3_stmt *values[NB_VALUES_MAX]; /* index k+1 values at once */
	sqlite3_stmt *ended[NB_ENDED_MAX];   /* write k+1 ended jobs */
	bool holding;                   /* running the statements of a held
	                                   start or of its end: no flush */
	struct nb_names_seen seen[2];   /* by enum nb_name_kind */
};

/* notebook.c: errors, the statement cache, one write at a time. */
void nb_error(struct notebook *nb, const char *what, char **err);
sqlite3_stmt *nb_prepare(struct notebook *nb, sqlite3_stmt **slot,
    const char *sql, char **err);
sqlite3_stmt *nb_stmt(struct notebook *nb, enum nb_stmt id, char **err);
int nb_run(struct notebook *nb, sqlite3_stmt *st, const char *what,
    char **err);
int nb_exec(struct notebook *nb, enum nb_stmt id, char **err);
int nb_write_begin(struct notebook *nb, bool *own, char **err);
int nb_write_end(struct notebook *nb, bool own, int rc, char **err);

/* notebook_job.c: held starts and the names seen. */
int nb_pending_flush(struct notebook *nb, bool atomic, char **err);
void nb_pending_drop(struct notebook *nb);
void nb_names_forget(struct notebook *nb);

/* notebook_set.c: the checks every write to a set's jobs makes. */
char *nb_no_set_error(struct notebook *nb, int64_t set_id);
char *nb_locked_error(const char *tag);
int nb_set_work(struct notebook *nb, int64_t set_id, uint64_t pos,
    bool fresh, char **err);

/* Bind s (NULL: SQL NULL); s must outlive the statement's step. */
static inline void
nb_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Bind v, or NULL when v is the "none" value. */
static inline void
nb_bind_int_or_null(sqlite3_stmt *st, int i, int64_t v, int64_t none)
{
	if (v == none)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

/* A copy of text column i, or NULL. */
static inline char *
nb_column_strdup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s == NULL ? NULL : xstrdup(s);
}

/* Integer column i, or none if it is NULL. */
static inline int64_t
nb_column_int(sqlite3_stmt *st, int i, int64_t none)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return none;
	return sqlite3_column_int64(st, i);
}

/* s as UTF-8 text in b (bad bytes replaced); NULL stays NULL. */
static inline const char *
nb_utf8(struct buf *b, const char *s)
{
	if (s == NULL)
		return NULL;
	buf_reset(b);
	util_utf8_sanitize(b, s, strlen(s));
	return b->data;
}

#endif
