/*
 * notebook.h -- the SQLite notebook: one file holding any number of result
 * sets and their jobs.  It is the single source of truth: the runner
 * writes to it, while the CLI and the console read it from other
 * processes at any time (WAL: readers never block the writer).  This
 * module is the only one that talks to SQLite.
 *
 * A job is one attempt at one (point, repetition).  Positions 0..njobs-1
 * of a result set are handed out in exploration order through a cursor;
 * a job row exists from the moment it starts running.  Retries and
 * interrupted jobs come back as "queued" rows.  Exactly one row per
 * (point, repetition) is current: the latest attempt.
 */
#ifndef LABRAT_NOTEBOOK_H
#define LABRAT_NOTEBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Schema version written to PRAGMA user_version. */
#define NOTEBOOK_SCHEMA_VERSION 3
/* PRAGMA application_id of labrat notebooks ("LBRT"). */
#define NOTEBOOK_APPLICATION_ID 0x4c425254
/* Default notebook file, overridden by -n FILE or $LABRAT_NOTEBOOK. */
#define NOTEBOOK_DEFAULT "labrat.db"

enum nb_state {
	NB_QUEUED,       /* waiting to be retried or re-run */
	NB_RUNNING,
	NB_OK,
	NB_FAILED,
	NB_INTERRUPTED,  /* its runner died while it ran (never current) */
	NB_CANCELLED,
	NB_NSTATES
};
#define NB_STATE_BIT(s) (1u << (s))

/* "queued", "running", "ok", "failed", "interrupted", "cancelled". */
const char *notebook_state_name(enum nb_state s);
/* Parse a state name; also "pending" as NB_QUEUED.  0 or -1. */
int notebook_state_parse(const char *name, enum nb_state *s);

struct nb_set {
	int64_t id;
	char *tag;
	char *description;
	char *attributes;     /* JSON object text, "{}" by default */
	double created;       /* seconds since the epoch */
	bool locked;          /* finished for good: refuses new work */
	char *space;          /* space_to_json() */
	char *experiment;     /* experiment_to_json() */
	char *backend;        /* "local" */
	int cores;            /* the cores rule as given (0, n, -n) */
	double timeout;       /* seconds per job, 0: none */
	uint64_t mem_limit;   /* bytes per job, 0: none */
	int retries;          /* extra attempts after a failure */
	int repeat;           /* repetitions per point, >= 1 */
	bool sequential;      /* exploration order */
	uint64_t seed;
	uint64_t npoints;     /* points in the space */
	uint64_t njobs;       /* npoints * repeat */
	uint64_t cursor;      /* positions handed out so far (0..njobs) */
	char *status;         /* the runner's word: "new", "running",
	                         "paused", "finished", "cancelled", or
	                         "stopped" (before the end; resumable) */
	int64_t runner_pid;   /* 0: none */
	double heartbeat;     /* last sign of life of the runner, 0: never */
	char *cwd;            /* absolute working directory of the
	                         campaign's commands, "" if not recorded */
	char *control;        /* what the user asked the runner: "run",
	                         "pause" or "cancel" */
	double purge_before;  /* > 0: the runner must give up on its running
	                         jobs started before this time, then reset it
	                         to 0 (notebook_set_purge_before) */
	int64_t control_seq;  /* bumped by every control request */
	int64_t control_ack;  /* the last control_seq the runner acted on */
	uint64_t runner_start; /* the runner's start time (clock ticks since
	                         boot): with runner_pid, names it beyond doubt */
	char *reason;         /* the runner's last word on why it stopped,
	                         "" if none */
	char *backend_args;   /* the backend's arguments, a JSON object
	                         ("{}" for local; hosts, staged files, ...) */
	char *engines;        /* the runner's view of its engines, a JSON
	                         object by host, written as they change */
};
void notebook_set_clear(struct nb_set *s);

struct nb_counts {
	uint64_t n[NB_NSTATES]; /* current jobs by state (interrupted: 0) */
	uint64_t pending;       /* njobs - cursor + queued */
	uint64_t total;         /* njobs */
	double ready;           /* (ok + failed + cancelled) / total; 1 if
	                           total is 0 (epyc's readyFraction) */
};

struct notebook;

/* How a command means to use a notebook. */
enum nb_open {
	NOTEBOOK_READ,    /* only read: never create, migrate or write */
	NOTEBOOK_WRITE,   /* write to one that exists (migrating it) */
	NOTEBOOK_CREATE,  /* record a new campaign: create it if missing */
};

/*
 * Open the notebook at path, in WAL mode with a busy timeout.  Only
 * NOTEBOOK_CREATE creates a schema, into a missing file or an empty one
 * that has no other hard link (a second name of another notebook whose
 * pages are still in its write-ahead log looks empty); NOTEBOOK_WRITE and
 * NOTEBOOK_CREATE migrate an older schema.  NOTEBOOK_READ opens the file
 * read-only and takes a missing or empty file, or an older schema, as "no
 * notebook here" with a message that says what to do.  Refuses with a
 * clear message: a file that is not SQLite, an SQLite file of another
 * application, a notebook written by a newer labrat, a symbolic link
 * where a notebook is to be created.  0 or -1 with *err.
 */
int notebook_open(const char *path, enum nb_open how, struct notebook **nb,
    char **err);
void notebook_close(struct notebook *nb);
const char *notebook_path(const struct notebook *nb);

/* How long a write waits for another writer before it fails as busy
 * (ms; NOTEBOOK_BUSY_MS by default). */
void notebook_busy_timeout(struct notebook *nb, int ms);

/* Group several writes in one transaction (calls nest; the outermost
 * commit commits).  Every write below commits on its own otherwise. */
int notebook_begin(struct notebook *nb, char **err);
int notebook_commit(struct notebook *nb, char **err);
/* Roll back the outermost transaction (used on error paths). */
void notebook_rollback(struct notebook *nb);
/* True if the last failure may pass if tried again later: another
 * program holds the write lock, the disk is full, an I/O error. */
bool notebook_transient(const struct notebook *nb);

/* Create a result set from s (id, created, cursor, status, runner_pid,
 * heartbeat, control "run" and purge_before 0 are set here; a NULL cwd
 * becomes "", and a relative one is refused).  A tag that exists is
 * refused with a message that names `labrat resume TAG` and -t NEWTAG. */
int notebook_set_create(struct notebook *nb, struct nb_set *s, char **err);
/* Read the set tagged tag; -1 with "no result set ..." if none. */
int notebook_set_find(struct notebook *nb, const char *tag, struct nb_set *s,
    char **err);
/* Re-read the set with id set_id (the runner does when data_version
 * moves); NOTEBOOK_NO_SET with "no result set with id ..." if it was
 * deleted, -1 on other errors. */
#define NOTEBOOK_NO_SET 2
int notebook_set_get(struct notebook *nb, int64_t set_id, struct nb_set *s,
    char **err);
/* All sets, oldest first; free each with notebook_set_clear and the
 * array with free. */
int notebook_set_list(struct notebook *nb, struct nb_set **sets, size_t *n,
    char **err);
/* Lock a set (epyc's finish()): no more jobs start or finish in it. */
int notebook_set_lock(struct notebook *nb, int64_t set_id, char **err);
/* Record the runner's status, pid and start time, why it stopped (or ""),
 * and stamp the heartbeat now. */
int notebook_set_status(struct notebook *nb, int64_t set_id,
    const char *status, int64_t runner_pid, uint64_t runner_start,
    const char *reason, char **err);
/* Record the runner's view of its engines (a JSON object by host). */
int notebook_set_engines(struct notebook *nb, int64_t set_id,
    const char *json, char **err);
/* The runner has acted on every control request up to seq. */
int notebook_set_ack(struct notebook *nb, int64_t set_id, int64_t seq,
    char **err);
/* Stamp the heartbeat now. */
int notebook_heartbeat(struct notebook *nb, int64_t set_id, char **err);
/*
 * Record what the user asks the set's runner: "run", "pause" or "cancel"
 * (anything else is refused).  Requests are ordered: the last one wins,
 * and *seq (if not NULL) is its number, which the runner acknowledges in
 * control_ack once it has acted on it.  The runner reads it back with
 * notebook_set_get.  A locked set refuses "run" and "pause" with the
 * locked message; "cancel" is accepted (nothing runs in a locked set, so
 * it is harmless).
 */
int notebook_set_control(struct notebook *nb, int64_t set_id,
    const char *control, int64_t *seq, char **err);
/* Set purge_before to before (seconds since the epoch, > 0), asking the
 * runner to give up on its jobs started before then; 0 resets it (the
 * runner does once it has).  A locked set refuses a time > 0. */
int notebook_set_purge_before(struct notebook *nb, int64_t set_id,
    double before, char **err);

/* Current job counts by state, from counters kept by triggers: constant
 * time whatever the size of the set. */
int notebook_counts(struct notebook *nb, const struct nb_set *s,
    struct nb_counts *c, char **err);

/* One unit of work for the runner. */
struct nb_work {
	int64_t job_id;       /* the queued row, or 0 for a fresh position */
	uint64_t pos;         /* fresh: the cursor position it takes */
	uint64_t point;
	int rep;
	int attempt;          /* 1 for a fresh position */
};

/* The oldest queued job of the set whose id is above after (a runner
 * passes the last one it took, whose start may not be committed yet):
 * 1 with *w filled, 0 if none.  Queued rows are only ever new rows, so
 * ids taken in order are never queued again. */
int notebook_next_queued(struct notebook *nb, int64_t set_id, int64_t after,
    struct nb_work *w, char **err);
/*
 * Start w: a queued row (w->job_id != 0) becomes running; a fresh position
 * (w->job_id == 0, w->pos equal to the set's cursor) becomes a new running
 * row and the cursor moves past it, in one transaction.  params_json is the
 * job's parameters as a JSON object (stored, and its values indexed for
 * sorting); handle is the backend's name for the job (what a later runner
 * asks the backend about), or NULL.  Sets w->job_id.  Refused for a locked
 * set.
 */
int notebook_job_start(struct notebook *nb, int64_t set_id,
    struct nb_work *w, const char *params_json, double start,
    const char *host, int engine, const char *handle, char **err);

struct nb_outcome {
	enum nb_state state;      /* NB_OK, NB_FAILED or NB_CANCELLED */
	const char *results_json; /* JSON object text, or NULL */
	const char *error;        /* why it failed, or NULL */
	const char *stderr_tail;  /* or NULL */
	double start, end;        /* seconds since the epoch */
	int exit_code;            /* -1: none */
	int signal;               /* 0: none */
	int64_t maxrss_kb;        /* -1: unknown */
	double cpu_user, cpu_sys; /* seconds; -1: unknown (stored NULL) */
	bool truncated;           /* the output was cut */
	bool requeue;             /* also queue attempt+1 of this point and
	                             repetition (a retry): this row stops
	                             being current */
};
/* notebook_job_finish's answer for a job that is no longer running. */
#define NOTEBOOK_NOT_RUNNING 1
/*
 * Record how the running job job_id of set set_id ended, in one
 * transaction (with its result values indexed for sorting); 0 or -1 with
 * *err.  If the row is no longer running -- someone purged or recovered it
 * meanwhile, it was finished already, or it is gone with its set --
 * nothing is written and NOTEBOOK_NOT_RUNNING is returned without a
 * message: the caller drops the result and goes on.  A locked set is
 * refused (-1).
 */
int notebook_job_finish(struct notebook *nb, int64_t set_id, int64_t job_id,
    const struct nb_outcome *o, char **err);
/* Failed attempts so far of (point, rep) in the set. */
int notebook_failures(struct notebook *nb, int64_t set_id, uint64_t point,
    int rep, int *n, char **err);
/* After a runner stopped: every running job of the set becomes
 * interrupted (no longer current) and a queued attempt+1 takes its place.
 * *n is how many were re-queued. */
int notebook_recover(struct notebook *nb, int64_t set_id, uint64_t *n,
    char **err);
/* The same for one job, if it is still a running job of the set: 1 if it
 * was re-queued, 0 if it was not running any more.  why is its error
 * (e.g. lost with its host), NULL: its runner stopped while it ran. */
int notebook_job_interrupt(struct notebook *nb, int64_t set_id,
    int64_t job_id, const char *why, char **err);
/*
 * `labrat retry`: every current job of the set whose state is in states
 * (a mask of NB_STATE_BIT(NB_FAILED), NB_CANCELLED, NB_OK; any other
 * state, or 0, is refused) stops being current, keeping its row, and a
 * queued attempt+1 of its point and repetition takes its place, in one
 * transaction.  Its results leave the sort index.  Refused for a locked
 * set.  *n is how many were queued.
 */
int notebook_requeue(struct notebook *nb, int64_t set_id, unsigned states,
    uint64_t *n, char **err);
/*
 * Give up on the set's running jobs that started before `before` (0: all
 * of them), in one transaction: each becomes cancelled and stays current
 * (the campaign stops waiting for it; the ready fraction counts it), with
 * error = reason (NULL: a default) and end = now.  For a runner that died,
 * or `labrat cancel` with no live runner; a live runner finishing such a
 * job later gets NOTEBOOK_NOT_RUNNING.  Refused for a locked set.  *n is
 * how many were given up.
 */
int notebook_purge(struct notebook *nb, int64_t set_id, double before,
    const char *reason, uint64_t *n, char **err);

/* A job row, as readers see it; strings live until the callback returns. */
struct nb_job {
	int64_t id;
	uint64_t point;
	int rep;
	int attempt;
	enum nb_state state;
	bool current;
	const char *params;       /* JSON object text */
	const char *results;      /* JSON object text or NULL */
	const char *error;        /* or NULL */
	const char *stderr_tail;  /* or NULL */
	const char *host;         /* or NULL */
	int engine;               /* -1: none */
	double start, end;        /* 0: not yet */
	int exit_code;            /* -1: none */
	int signal;               /* 0: none */
	int64_t maxrss_kb;        /* -1: unknown */
	double cpu_user, cpu_sys; /* -1: unknown */
	bool truncated;
	const char *handle;       /* the backend's name for it, or NULL */
};
/* Return non-zero to stop the visit. */
typedef int (*nb_job_fn)(const struct nb_job *j, void *arg);

/* Visit the set's jobs ordered by point, rep, attempt.  states is a mask
 * of NB_STATE_BIT()s (0: every state); current_only skips superseded
 * attempts. */
int notebook_jobs_each(struct notebook *nb, int64_t set_id, unsigned states,
    bool current_only, nb_job_fn fn, void *arg, char **err);

/*
 * Visit one page (offset, limit) of the set's current jobs with a state in
 * states (0: all), sorted by sort: a parameter or result name, or one of
 * "point", "state", "start", "end", "elapsed", "maxrss_kb" -- through an
 * index, never by reading JSON row by row.  Jobs without a value for sort
 * come last, in point order.
 */
int notebook_jobs_page(struct notebook *nb, int64_t set_id, const char *sort,
    bool descending, unsigned states, uint64_t offset, uint64_t limit,
    nb_job_fn fn, void *arg, char **err);

/* The query plan (EXPLAIN QUERY PLAN, one line per step, each prefixed
 * with the part of the page it reads) of notebook_jobs_page for sort:
 * lets a test check that sorting goes through an index.  Owned *plan. */
int notebook_explain(struct notebook *nb, int64_t set_id, const char *sort,
    bool descending, char **plan, char **err);

enum nb_name_kind {
	NB_NAME_PARAM,
	NB_NAME_RESULT,
};
/* Parameter or result names seen in the set, in order of first
 * appearance: a NULL-terminated vector (util_strv_free). */
int notebook_names(struct notebook *nb, int64_t set_id,
    enum nb_name_kind kind, char ***names, char **err);

/*
 * Visit up to limit plot points of the set's current ok jobs whose id is
 * above after_id, in job id order: x and y are the numeric values named
 * xname and yname (a parameter or a result; jobs without both are
 * skipped), series the value named sname as text (NULL when sname is NULL
 * or the job has none).  *last_id is the id of the last job visited, to
 * continue from.  Each point costs two lookups by primary key, never a
 * JSON scan.  fn returns non-zero to stop.
 */
typedef int (*nb_point_fn)(int64_t job_id, double x, double y,
    const char *series, void *arg);
int notebook_points(struct notebook *nb, int64_t set_id, const char *xname,
    const char *yname, const char *sname, int64_t after_id, uint64_t limit,
    nb_point_fn fn, void *arg, int64_t *last_id, char **err);

/* A number that changes whenever another connection commits to the file
 * (PRAGMA data_version): monitors poll it to know when to redraw. */
int64_t notebook_data_version(struct notebook *nb);

#endif
