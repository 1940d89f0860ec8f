/*
 * notebook_sql.c -- every SQL text the notebook runs: the migration steps
 * that build and upgrade the schema (doc/notebook.md describes it), the
 * statements notebook.c prepares once per connection and caches, and the
 * statements that read one part of a sorted page (notebook_read.c).
 */
#include "config.h"

#include "notebook_int.h"

/*
 * The migration steps: step N turns schema N-1 into schema N, and runs in
 * one transaction with the user_version bump.  Append, never edit.
 */
const char *const nb_migrations[] = {
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
	/* 2: what a detached runner needs from the notebook. */
	"ALTER TABLE resultset ADD COLUMN cwd TEXT NOT NULL DEFAULT '';\n"
	"ALTER TABLE resultset ADD COLUMN control TEXT NOT NULL DEFAULT 'run'\n"
	"    CHECK (control IN ('run', 'pause', 'cancel'));\n"
	"ALTER TABLE resultset ADD COLUMN purge_before REAL NOT NULL\n"
	"    DEFAULT 0;\n",
	/*
	 * 3: result set ids are never reused (a runner whose set was
	 * deleted must never write into a new set that took its id);
	 * ordered control requests that the runner acknowledges; the
	 * runner's start time (a pid is reused) and its last word; the
	 * backend's arguments (hosts, staged files, ...) and the runner's
	 * view of its engines; each job's handle, through which a later
	 * runner finds what is left of it.  The table is rebuilt with foreign keys off (notebook_open
	 * runs migrations before it turns them on).
	 */
	"DROP VIEW current_job;\n"
	"CREATE TABLE resultset_new (\n"
	"	id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
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
	"	heartbeat REAL NOT NULL DEFAULT 0,\n"
	"	cwd TEXT NOT NULL DEFAULT '',\n"
	"	control TEXT NOT NULL DEFAULT 'run'\n"
	"	    CHECK (control IN ('run', 'pause', 'cancel')),\n"
	"	purge_before REAL NOT NULL DEFAULT 0,\n"
	"	control_seq INTEGER NOT NULL DEFAULT 0,\n"
	"	control_ack INTEGER NOT NULL DEFAULT 0,\n"
	"	runner_start INTEGER NOT NULL DEFAULT 0,\n"
	"	reason TEXT NOT NULL DEFAULT '',\n"
	"	backend_args TEXT NOT NULL DEFAULT '{}',\n"
	"	engines TEXT NOT NULL DEFAULT '{}'\n"
	");\n"
	"INSERT INTO resultset_new (id, tag, description, attributes, "
	"created, locked, space, experiment, backend, cores, timeout, "
	"mem_limit, retries, repeat, sequential, seed, npoints, njobs, "
	"cursor, status, runner_pid, heartbeat, cwd, control, "
	"purge_before)\n"
	"    SELECT id, tag, description, attributes, created, locked, "
	"space, experiment, backend, cores, timeout, mem_limit, retries, "
	"repeat, sequential, seed, npoints, njobs, cursor, status, "
	"runner_pid, heartbeat, cwd, control, purge_before FROM resultset;\n"
	"DROP TABLE resultset;\n"
	"ALTER TABLE resultset_new RENAME TO resultset;\n"
	"CREATE VIEW current_job AS\n"
	"    SELECT resultset.tag AS tag, job.*\n"
	"    FROM job JOIN resultset ON resultset.id = job.set_id\n"
	"    WHERE job.current;\n"
	"ALTER TABLE job ADD COLUMN handle TEXT;\n",
};
_Static_assert(UTIL_ARRLEN(nb_migrations) == NOTEBOOK_SCHEMA_VERSION,
    "one migration step per schema version");

/* The SQL of each cached statement, by enum nb_stmt. */
const char *const nb_sql[ST_COUNT] = {
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
	    "mem_limit, retries, repeat, sequential, seed, npoints, njobs, "
	    "cwd, backend_args) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	[ST_SET_ENGINES] = "UPDATE resultset SET engines = ?2 WHERE id = ?1",
	[ST_SET_FIND] = "SELECT " NB_SET_COLS " FROM resultset WHERE tag = ?1",
	[ST_SET_GET] = "SELECT " NB_SET_COLS " FROM resultset WHERE id = ?1",
	[ST_SET_LIST] = "SELECT " NB_SET_COLS " FROM resultset ORDER BY id",
	[ST_SET_LOCK] = "UPDATE resultset SET locked = 1 WHERE id = ?1",
	[ST_SET_STATUS] = "UPDATE resultset SET status = ?2, runner_pid = ?3, "
	    "heartbeat = ?4, runner_start = ?5, reason = ?6 WHERE id = ?1",
	[ST_SET_ACK] = "UPDATE resultset SET control_ack = ?2 WHERE id = ?1",
	[ST_SET_HEARTBEAT] = "UPDATE resultset SET heartbeat = ?2 "
	    "WHERE id = ?1",
	[ST_SET_CONTROL] = "UPDATE resultset SET control = ?2, "
	    "control_seq = control_seq + 1 WHERE id = ?1 "
	    "RETURNING control_seq",
	[ST_SET_PURGE_BEFORE] = "UPDATE resultset SET purge_before = ?2 "
	    "WHERE id = ?1",
	[ST_SET_WORK] = "SELECT tag, locked, cursor, njobs FROM resultset "
	    "WHERE id = ?1",
	[ST_SET_ADVANCE] = "UPDATE resultset SET cursor = cursor + ?2 "
	    "WHERE id = ?1",
	[ST_COUNTS] = "SELECT r.njobs, r.cursor, c.state, c.n FROM resultset r "
	    "LEFT JOIN counts c ON c.set_id = r.id WHERE r.id = ?1",
	[ST_NEXT_QUEUED] = "SELECT id, point, rep, attempt FROM job "
	    "WHERE set_id = ?1 AND current AND state = 'queued' AND id > ?2 "
	    "ORDER BY id LIMIT 1",
	[ST_JOB_LOAD] = "SELECT j.set_id, j.state, j.current, j.point, j.rep, "
	    "j.attempt, r.tag, r.locked FROM job j "
	    "JOIN resultset r ON r.id = j.set_id WHERE j.id = ?1",
	[ST_JOB_NEXT_ID] = "SELECT coalesce(max(id), 0) + 1 FROM job",
	/* ?10: the id held for it, or NULL for the next one. */
	[ST_JOB_INSERT] = "INSERT INTO job (id, set_id, point, rep, attempt, "
	    "state, current, params, host, engine, start, handle) "
	    "VALUES (?10, ?1, ?2, ?3, ?4, 'running', 1, ?5, ?6, ?7, ?8, ?9)",
	[ST_JOB_RUN] = "UPDATE job SET state = 'running', params = ?2, "
	    "host = ?3, engine = ?4, start = ?5, handle = ?6 WHERE id = ?1",
	[ST_JOB_FINISH] = "UPDATE job SET state = ?2, current = ?3, "
	    "results = ?4, error = ?5, stderr_tail = ?6, "
	    "start = coalesce(?7, start), \"end\" = ?8, exit_code = ?9, "
	    "signal = ?10, maxrss_kb = ?11, cpu_user = ?12, cpu_sys = ?13, "
	    "truncated = ?14 WHERE id = ?1",
	[ST_JOB_REQUEUE] = "INSERT INTO job (set_id, point, rep, attempt, "
	    "state, current, params) SELECT set_id, point, rep, attempt + 1, "
	    "'queued', 1, params FROM job WHERE id = ?1",
	[ST_JOB_SUPERSEDE] = "UPDATE job SET current = 0 WHERE id = ?1",
	[ST_JOB_INTERRUPT] = "UPDATE job SET state = 'interrupted', "
	    "current = 0, error = 'interrupted: its runner stopped while it "
	    "ran' WHERE id = ?1",
	[ST_JOB_INTERRUPT_ONE] = "UPDATE job SET state = 'interrupted', "
	    "current = 0, error = coalesce(?3, 'interrupted: its runner "
	    "stopped while it ran') WHERE id = ?1 AND set_id = ?2 AND current "
	    "AND state = 'running'",
	[ST_JOB_PURGE] = "UPDATE job SET state = 'cancelled', error = ?2, "
	    "\"end\" = ?3 WHERE set_id = ?1 AND current AND state = 'running' "
	    "AND (?4 <= 0 OR start < ?4)",
	[ST_JOB_IN_STATE] = "SELECT id FROM job WHERE set_id = ?1 AND current "
	    "AND state = ?2 ORDER BY id",
	[ST_JOB_PARAMS] = "SELECT set_id, params FROM job WHERE id = ?1",
	[ST_FAILURES] = "SELECT count(*) FROM job WHERE set_id = ?1 AND "
	    "point = ?2 AND rep = ?3 AND state = 'failed'",
	[ST_VALUE_PARAM] = "INSERT OR REPLACE INTO value (job_id, set_id, "
	    "name, num, txt) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_VALUE_RESULT] = "INSERT OR IGNORE INTO value (job_id, set_id, "
	    "name, num, txt) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_VALUE_MOVE] = "UPDATE value SET job_id = ?2 WHERE job_id = ?1",
	[ST_VALUE_DROP] = "DELETE FROM value WHERE job_id = ?1",
	[ST_NAME_INSERT] = "INSERT OR IGNORE INTO name (set_id, kind, name) "
	    "VALUES (?1, ?2, ?3)",
	[ST_NAME_LIST] = "SELECT name FROM name WHERE set_id = ?1 AND "
	    "kind = ?2 ORDER BY seq",
	[ST_NAME_KNOWN] = "SELECT 1 FROM name WHERE set_id = ?1 AND "
	    "name = ?2 LIMIT 1",
	[ST_JOBS_EACH] = "SELECT " NB_JOB_COLS " FROM job j "
	    "WHERE j.set_id = ?1 AND (j.current OR NOT ?2) AND "
	    NB_STATE_FILTER " "
	    "ORDER BY j.point, j.rep, j.attempt",
	/* The current jobs of one state, few: through job_state, sorted in
	 * memory (ST_JOBS_EACH would read every job of the set). */
	[ST_JOBS_STATE] = "SELECT " NB_JOB_COLS " FROM job j "
	    "INDEXED BY job_state "
	    "WHERE j.set_id = ?1 AND j.current AND j.state = ?2 "
	    "ORDER BY j.point, j.rep, j.attempt",
	[ST_COUNT_STATE] = "SELECT n FROM counts WHERE set_id = ?1 AND "
	    "state = ?2",
	/* Plot points after a job id, through the values' primary key. */
	[ST_POINTS] = "SELECT j.id, vx.num, vy.num, vs.txt, vs.num "
	    "FROM job j "
	    "JOIN value vx ON vx.job_id = j.id AND vx.name = ?2 "
	    "JOIN value vy ON vy.job_id = j.id AND vy.name = ?3 "
	    "LEFT JOIN value vs ON vs.job_id = j.id AND vs.name = ?4 "
	    "WHERE j.id > ?5 AND j.set_id = ?1 AND j.current "
	    "AND j.state = 'ok' AND vx.num IS NOT NULL AND vy.num IS NOT NULL "
	    "ORDER BY j.id LIMIT ?6",
};

/* The SQL that indexes n values of fresh jobs at once: job, set, name,
 * num and txt of each; owned. */
char *
nb_values_sql(size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	buf_adds(&b, "INSERT OR IGNORE INTO value (job_id, set_id, name, num, "
	    "txt) VALUES ");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s(?, ?, ?, ?, ?)", i > 0 ? ", " : "");
	return buf_steal(&b);
}

/* The SQL that writes n held starts and their ends as finished rows at
 * once, NB_ENDED_COLS values each (nb_pending_bind_ended); owned. */
char *
nb_ended_sql(size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	buf_adds(&b, "INSERT INTO job (id, set_id, point, rep, attempt, state, "
	    "params, host, engine, start, handle, results, error, "
	    "stderr_tail, \"end\", exit_code, signal, maxrss_kb, cpu_user, "
	    "cpu_sys, truncated) VALUES ");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		    "?, ?, ?, ?, ?, ?)", i > 0 ? ", " : "");
	return buf_steal(&b);
}

/* The sorts of notebook_jobs_page; the first stands for every value. */
const struct nb_sort nb_sorts[NB_NSORTS] = {
	{ NULL, "v.num", NULL, NULL, true },
	{ "point", "j.point", "j.rep", NULL, false },
	{ "state", "j.state", "j.id", NULL, false },
	{ "start", "j.start", "j.id", "job_start", true },
	{ "end", "j.\"end\"", "j.id", "job_end", true },
	{ "elapsed", "j.elapsed", "j.id", "job_elapsed", true },
	{ "maxrss_kb", "j.maxrss_kb", "j.id", "job_maxrss", true },
};

/* The states of the forms that go through the job_state index. */
#define NB_PAGE_STATES "j.state IN (?6, ?7, ?8, ?9, ?10, ?11)"

/* Append the condition that picks arm's jobs (" AND ..."), if any. */
static void
nb_page_sql_cond(struct buf *b, const struct nb_sort *ns, enum nb_arm arm)
{
	if (ns->name == NULL && arm == ARM_MISSING)
		buf_adds(b, " AND NOT EXISTS (SELECT 1 FROM value v "
		    "WHERE v.job_id = j.id AND v.name = ?2)");
	else if (ns->name == NULL)
		buf_printf(b, " AND v.num IS %s", arm == ARM_NUMBERS ?
		    "NOT NULL" : "NULL");
	else if (ns->nullable)
		buf_printf(b, " AND %s IS %s", ns->key, arm == ARM_MISSING ?
		    "NULL" : "NOT NULL");
}

/* Append the order of arm's rows (an index's order). */
static void
nb_page_sql_order(struct buf *b, const struct nb_sort *ns, enum nb_arm arm,
    const char *dir)
{
	if (arm == ARM_MISSING)
		buf_printf(b, "j.point%s, j.rep%s", dir, dir);
	else if (ns->name == NULL)
		buf_printf(b, "v.num%s, v.txt%s, v.job_id%s", dir, dir, dir);
	else
		buf_printf(b, "%s%s, %s%s", ns->key, dir, ns->tie, dir);
}

/* Append the order of a whole page sorted in memory: the arms one after
 * the other, each in its own order. */
static void
nb_page_sql_page_order(struct buf *b, const struct nb_sort *ns,
    const char *dir)
{
	if (ns->name == NULL)
		buf_printf(b, "v.job_id IS NULL, v.num IS NULL, v.num%s, "
		    "v.txt%s, v.job_id%s, j.point, j.rep", dir, dir, dir);
	else if (ns->nullable)
		buf_printf(b, "%s IS NULL, %s%s, CASE WHEN %s IS NOT NULL "
		    "THEN %s END%s, j.point, j.rep", ns->key, ns->key, dir,
		    ns->key, ns->tie, dir);
	else
		buf_printf(b, "%s%s, %s%s", ns->key, dir, ns->tie, dir);
}

/*
 * The SQL of one arm of a page read with form.  The value arms of
 * FORM_ROWS_ALL and FORM_SIZE_ALL read the value index alone: a job has
 * values only while it is current (notebook_job.c moves or drops them when
 * a job is superseded), so no job row is read to skip one.
 */
char *
nb_page_sql(size_t sort, enum nb_arm arm, bool desc, enum nb_form form)
{
	const struct nb_sort *ns = &nb_sorts[sort];
	const char *dir = desc ? " DESC" : "";
	bool value = ns->name == NULL && arm != ARM_MISSING;
	struct buf b;

	buf_init(&b);
	switch (form) {
	case FORM_ROWS:
	case FORM_SIZE:
		buf_printf(&b, "SELECT %s ", form == FORM_ROWS ?
		    NB_JOB_COLS : "count(*)");
		if (value)
			buf_adds(&b, "FROM value v CROSS JOIN job j ON "
			    "j.id = v.job_id WHERE v.set_id = ?1 AND "
			    "v.name = ?2");
		else
			buf_adds(&b, "FROM job j WHERE j.set_id = ?1");
		nb_page_sql_cond(&b, ns, arm);
		buf_adds(&b, " AND j.current AND " NB_STATE_FILTER);
		if (form == FORM_ROWS) {
			buf_adds(&b, " ORDER BY ");
			nb_page_sql_order(&b, ns, arm, dir);
			buf_adds(&b, " LIMIT ?4 OFFSET ?5");
		}
		return buf_steal(&b);
	case FORM_ROWS_ALL:
		buf_adds(&b, "SELECT " NB_JOB_COLS " FROM (SELECT ");
		if (value)
			buf_adds(&b, "v.job_id AS id FROM value v WHERE "
			    "v.set_id = ?1 AND v.name = ?2");
		else
			buf_adds(&b, "j.id AS id FROM job j WHERE "
			    "j.set_id = ?1 AND j.current");
		nb_page_sql_cond(&b, ns, arm);
		buf_adds(&b, " ORDER BY ");
		nb_page_sql_order(&b, ns, arm, dir);
		/* The outer loop keeps the order of p (CROSS JOIN). */
		buf_adds(&b, " LIMIT ?4 OFFSET ?5) p CROSS JOIN job j ON "
		    "j.id = p.id");
		return buf_steal(&b);
	case FORM_ROWS_FEW:
		buf_printf(&b, "SELECT " NB_JOB_COLS " FROM job j INDEXED BY "
		    "%s WHERE j.set_id = ?1 AND j.current AND ",
		    ns->index != NULL ? ns->index : "job_state");
		buf_adds(&b, ns->index != NULL ? NB_STATE_FILTER :
		    NB_PAGE_STATES);
		nb_page_sql_cond(&b, ns, ARM_MISSING);
		buf_adds(&b, " ORDER BY ");
		nb_page_sql_order(&b, ns, ARM_MISSING, dir);
		buf_adds(&b, " LIMIT ?4 OFFSET ?5");
		return buf_steal(&b);
	case FORM_PAGE_FEW:
		buf_adds(&b, "SELECT " NB_JOB_COLS " FROM job j INDEXED BY "
		    "job_state ");
		if (ns->name == NULL)
			buf_adds(&b, "LEFT JOIN value v ON v.job_id = j.id "
			    "AND v.name = ?2 ");
		buf_adds(&b, "WHERE j.set_id = ?1 AND j.current AND "
		    NB_PAGE_STATES " ORDER BY ");
		nb_page_sql_page_order(&b, ns, dir);
		buf_adds(&b, " LIMIT ?4 OFFSET ?5");
		return buf_steal(&b);
	case FORM_SIZE_ALL:
		if (value)
			buf_adds(&b, "SELECT count(*) FROM value v WHERE "
			    "v.set_id = ?1 AND v.name = ?2");
		else
			buf_adds(&b, "SELECT count(*) FROM job j WHERE "
			    "j.set_id = ?1 AND j.current");
		nb_page_sql_cond(&b, ns, arm);
		return buf_steal(&b);
	case FORM_SIZE_FEW:
	case FORM_COUNT:
		buf_adds(&b, "SELECT count(*) FROM job j INDEXED BY "
		    "job_state ");
		if (value)
			buf_adds(&b, "CROSS JOIN value v ON v.job_id = j.id "
			    "AND v.name = ?2 ");
		buf_adds(&b, "WHERE j.set_id = ?1 AND j.current AND "
		    NB_PAGE_STATES);
		nb_page_sql_cond(&b, ns, arm);
		break;
	}
	return buf_steal(&b);
}
