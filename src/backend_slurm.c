/*
 * backend_slurm.c -- points run as SLURM job arrays.  A point's job is
 * reserved into the array being assembled (a batch) and named by its
 * handle, "slurm:KEY:BATCH:INDEX", which the runner commits before the
 * point may run (record_first).  Once the runner has committed and
 * launched a batch's points, or the batch is full, the batch goes to the
 * cluster as one `sbatch --array=0-K[%T]`: task t of it runs the batch's
 * points t*P .. t*P+P-1 (P points per task) one process each, in order.
 *
 * Everything a task needs is in the campaign's directory on the shared
 * file system (default ~/.labrat/slurm/KEY):
 *
 *     bBATCH/task.sh             the task script (POSIX sh)
 *     bBATCH/I.run  I.in         point I: its script, made by labrat with
 *                                every word and value shell-quoted, and
 *                                its standard input (the JSON object)
 *     bBATCH/I.out  I.err I.tmo  what it printed; I.tmo if it timed out
 *     bBATCH/tT.spool            task T's records, one line each, appended
 *                                and flushed per point:
 *                                "S I START HOST" then "E I RC END TMO"
 *     bBATCH/batch               "POINTS PPT", written before sbatch runs
 *     bBATCH/jobid               the array's job id, once sbatch said it
 *
 * A batch's directory goes once its points are handed over and committed
 * (a while after, or when the runner stops for good); a runner that
 * stops to be resumed leaves everything.
 *
 * Compute nodes need a POSIX shell, the experiment and the campaign's
 * working directory on the shared file system; not labrat.
 *
 * The runner, the notebook's only writer, collects the spools as they
 * grow: every polling interval it reads what each task appended since,
 * and asks the scheduler once (one squeue for the whole campaign) what
 * became of the tasks; a task that ended without a record of some of its
 * points hands them over by what the scheduler says (lost with a node or
 * preempted: run again; cancelled, out of memory, over its time: failed).
 * Client commands (sbatch, squeue, scancel) run as child processes on the
 * runner's loop (a pool of their own, pool.h): a controller that does not
 * answer never blocks the runner.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_int.h"
#include "capture.h"
#include "experiment.h"
#include "json.h"
#include "loop.h"
#include "notebook.h"
#include "pool.h"
#include "util.h"

/* Array tasks of one batch at most: until the cluster's MaxArraySize
 * (1001 by default) is known, and ever. */
#define SLURM_TASKS_FIRST 100
#define SLURM_TASKS_MAX 1000
/* Points taken at once at most, whatever the batch size. */
#define SLURM_POINTS_MAX 200000
/* Seconds a batch may wait for more points before it is submitted, at
 * least and at most. */
#define SLURM_FLUSH_DELAY 0.1
#define SLURM_FLUSH_MAX 5.0
/* Seconds after a task's end is seen before its points without a record
 * are handed over (a shared file system may show a file's growth late). */
#define SLURM_SPOOL_GRACE 2.0
/* Seconds a client command may take (they hang about 10 s when slurmctld
 * is down), and the back-off when the controller does not answer. */
#define SLURM_CMD_TIMEOUT 30.0
#define SLURM_RETRY_MAX 60.0
/* Seconds a batch's directory stays after its last point was handed
 * over (the runner commits it within milliseconds; if it died first, a
 * resume finds the results still there). */
#define SLURM_CLEAN_DELAY 30.0
/* Seconds between SIGTERM and SIGKILL of a point that timed out. */
#define SLURM_KILL_GRACE 2

enum slurm_point_state {
	POINT_FREE,
	POINT_RESERVED,       /* named, not committed yet */
	POINT_LAUNCHED,       /* committed: may be submitted */
	POINT_SUBMITTED,      /* in an array sbatch accepted (or is asked) */
	POINT_DONE,           /* ended: waiting for reap */
};

struct slurm_batch;

/* One engine: a point's job. */
struct slurm_point {
	enum slurm_point_state state;
	void *udata;
	struct slurm_batch *batch;
	int index;
	char host[BACKEND_HOST_MAX];
	double start, end_time;
	double cpu_user, cpu_sys; /* seconds, -1: unknown */
	enum backend_end end;
	int code;
	char *note;           /* what the scheduler said, for its stderr */
};

/* One array task of a batch. */
struct slurm_task {
	off_t spool_off;      /* bytes of its spool read */
	int started;          /* index of the point it started last, -1 */
	int left;             /* its points without an end record */
	char state[24];       /* as squeue said last, "" unknown */
	double final_at;      /* monotonic time its end was seen, 0 */
	int absent;           /* squeue answers in a row without it */
};

enum slurm_batch_state {
	BATCH_OPEN,           /* taking points */
	BATCH_SUBMITTING,     /* sbatch runs */
	BATCH_SUBMITTED,      /* an array of the cluster */
};

struct slurm_batch {
	int num;
	enum slurm_batch_state state;
	int n;                /* points reserved in it */
	int cap;
	int *engines;         /* engine of each index, -1 once reaped */
	int ntasks;
	struct slurm_task *tasks;
	char jobid[32];
	double opened, grew;  /* monotonic */
	int last_n;
	double retry_at;      /* sbatch again not before (0: now) */
	double retry_delay;
	bool gave_up;         /* a point of it was given up (purge) */
};

/* A batch directory to remove, and when. */
struct slurm_trash {
	int num;
	double at;
};

/* What a client command of the pool is for. */
enum slurm_cmd_kind { CMD_SBATCH, CMD_SQUEUE, CMD_SCANCEL, CMD_CONFIG };

struct slurm_cmd {
	enum slurm_cmd_kind kind;
	struct slurm_batch *batch;
};

struct backend_slurm {
	struct backend b;
	char *key;
	char *dir;            /* the campaign's directory */
	char *cwd;            /* where points run */
	char *partition, *account, *qos;
	int cpus_per_task;
	int throttle;         /* %N, 0: none */
	int ppt;              /* points per task */
	char **sbatch_args;   /* passed through */
	double interval;      /* seconds between polls */
	double timeout;       /* per point, 0: none */
	uint64_t mem_limit;
	struct slurm_point *points;
	int npoints;          /* engines: points taken at once */
	int tasks_max;        /* array tasks a batch may have */
	bool config_known;    /* tasks_max is the cluster's, or its
	                         default when scontrol did not say */
	int nbusy;
	int *done_q;          /* engines whose point ended, to reap */
	int ndone;
	struct slurm_batch **batches;
	size_t nbatches;
	int next_batch;
	struct pool *clients;
	bool squeue_running;
	bool sbatch_running;
	double squeue_delay;  /* back-off while the controller is silent */
	double squeue_at;
	char *error;          /* the last trouble with the cluster, or NULL */
	uint64_t done;
	struct slurm_trash *trash;
	size_t ntrash;
	double flush_at;      /* when the flush timer is due, 0: unset */
	int flush_arg, poll_arg; /* their addresses name the two timers */
};

static void slurm_arm_flush(struct backend_slurm *bs, double at);

/* Record the last trouble with the cluster (NULL: none). */
static void
slurm_error(struct backend_slurm *bs, const char *why)
{
	free(bs->error);
	bs->error = why != NULL ? xstrdup(why) : NULL;
}

/* The path of file name of batch num, into b. */
static void
slurm_path(const struct backend_slurm *bs, int num, const char *name,
    struct buf *b)
{
	buf_reset(b);
	buf_printf(b, "%s/b%d", bs->dir, num);
	if (name != NULL)
		buf_printf(b, "/%s", name);
}

/* Write len bytes of data to path (replacing it): 0, or -1 with errno. */
static int
slurm_write_file(const char *path, const char *data, size_t len)
{
	ssize_t w;
	int fd, e;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return -1;
	while (len > 0) {
		if ((w = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return close(fd);
}

/* Make directory path and its parents. */
static int
slurm_mkdirs(const char *path)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; rc == 0 && (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0755) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/*
 * The task script: run the points of task $SLURM_ARRAY_TASK_ID of batch
 * directory $1 ($2 points a task, $3 in the batch, $4 s timeout, 0: none),
 * one process each, skipping those its spool already has an end of (a
 * requeued task runs again from the start).  Only builtins per point but
 * date and the watchdog's sleep.
 */
static const char slurm_task_script[] =
"#!/bin/sh\n"
"# labrat: run the points of one SLURM array task (made by labrat).\n"
"d=$1 ppt=$2 n=$3 to=$4 grace=$5\n"
"t=${SLURM_ARRAY_TASK_ID:?not an array task}\n"
"sp=\"$d/t$t.spool\"\n"
"host=$(uname -n)\n"
"# A point that may time out leads a process group of its own (setsid,\n"
"# where it exists): what it started is stopped with it.\n"
"S=; command -v setsid > /dev/null 2>&1 && S=setsid\n"
"done=' '\n"
"if [ -f \"$sp\" ]; then\n"
"  while read -r k idx rest; do\n"
"    [ \"$k\" = E ] && done=\"$done$idx \"\n"
"  done < \"$sp\"\n"
"fi\n"
"i=$((t * ppt)); e=$((i + ppt)); [ \"$e\" -gt \"$n\" ] && e=$n\n"
"while [ \"$i\" -lt \"$e\" ]; do\n"
"  case $done in *\" $i \"*) i=$((i + 1)); continue ;; esac\n"
"  rm -f \"$d/$i.tmo\"\n"
"  printf 'S %s %s %s\\n' \"$i\" \"$(date +%s.%N)\" \"$host\" >> \"$sp\"\n"
"  times > \"$d/$i.cpu\"\n"
"  if [ \"$to\" = 0 ]; then\n"
"    sh \"$d/$i.run\" < \"$d/$i.in\" > \"$d/$i.out\" 2> \"$d/$i.err\"\n"
"    rc=$?\n"
"  else\n"
"    $S sh \"$d/$i.run\" < \"$d/$i.in\" > \"$d/$i.out\" 2> \"$d/$i.err\" &\n"
"    p=$!\n"
"    ( s=; trap 'kill $s 2>/dev/null; exit 0' TERM\n"
"      sleep \"$to\" & s=$!; wait $s\n"
"      : > \"$d/$i.tmo\"\n"
"      kill -TERM -$p 2>/dev/null || kill -TERM $p 2>/dev/null\n"
"      sleep \"$grace\" & s=$!; wait $s\n"
"      kill -KILL -$p 2>/dev/null || kill -KILL $p 2>/dev/null\n"
"    ) > /dev/null 2>&1 &\n"
"    w=$!\n"
"    wait $p; rc=$?\n"
"    kill $w 2>/dev/null; wait $w 2>/dev/null\n"
"  fi\n"
"  times >> \"$d/$i.cpu\"\n"
"  { read -r x; read -r u0 s0; read -r x; read -r u1 s1; } < \"$d/$i.cpu\"\n"
"  tmo=0; [ -e \"$d/$i.tmo\" ] && tmo=1\n"
"  printf 'E %s %s %s %s %s %s %s %s\\n' \"$i\" \"$rc\" \"$(date +%s.%N)\" "
"\"$tmo\" \"$u0\" \"$s0\" \"$u1\" \"$s1\" >> \"$sp\"\n"
"  i=$((i + 1))\n"
"done\n";

/* The script of one point: where, its environment, limits and argv, every
 * value shell-quoted (never interpreted). */
static void
slurm_point_script(const struct backend_slurm *bs,
    const struct backend_job *job, struct buf *b)
{
	const char *cwd = job->cwd != NULL ? job->cwd : bs->cwd;

	buf_adds(b, "cd ");
	experiment_shell_quote(b, cwd, strlen(cwd));
	buf_adds(b, " || exit 126\n");
	backend_job_shell(job, bs->mem_limit, b);
	buf_addc(b, '\n');
}

/* A new open batch. */
static struct slurm_batch *
slurm_batch_new(struct backend_slurm *bs)
{
	struct slurm_batch *ba = xcalloc(1, sizeof *ba);
	struct buf path;

	ba->num = bs->next_batch++;
	ba->state = BATCH_OPEN;
	ba->cap = (long long)bs->ppt * bs->tasks_max < bs->npoints ?
	    bs->ppt * bs->tasks_max : bs->npoints;
	ba->engines = xcalloc((size_t)ba->cap, sizeof *ba->engines);
	ba->opened = ba->grew = util_monotonic();
	bs->batches = xreallocarray(bs->batches, bs->nbatches + 1,
	    sizeof *bs->batches);
	bs->batches[bs->nbatches++] = ba;
	buf_init(&path);
	slurm_path(bs, ba->num, NULL, &path);
	if (slurm_mkdirs(path.data) != 0)
		backend_log(&bs->b, "cannot make %s: %s", path.data,
		    strerror(errno));
	buf_free(&path);
	return ba;
}

/* The batch taking points, or NULL if none is. */
static struct slurm_batch *
slurm_open_batch(struct backend_slurm *bs)
{
	struct slurm_batch *ba;

	if (bs->nbatches == 0)
		return NULL;
	ba = bs->batches[bs->nbatches - 1];
	/* A batch sbatch was asked for once takes no more points. */
	return ba->state == BATCH_OPEN && ba->tasks == NULL && ba->n < ba->cap ?
	    ba : NULL;
}

/* Remove the directory of batch num: its files, then itself.  0, or -1
 * if something is left (a task still writing). */
static int
slurm_batch_remove(struct backend_slurm *bs, int num)
{
	struct dirent *de;
	struct buf path;
	DIR *d;
	int fd, rc;

	buf_init(&path);
	slurm_path(bs, num, NULL, &path);
	if ((fd = open(path.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1 &&
	    (d = fdopendir(fd)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0)
				unlinkat(fd, de->d_name, 0);
		}
		closedir(d);
	} else if (fd != -1)
		close(fd);
	rc = rmdir(path.data) == 0 || errno == ENOENT ? 0 : -1;
	buf_free(&path);
	return rc;
}

/* Forget batch ba (every point of it handed over); its directory goes
 * a while later. */
static void
slurm_batch_free(struct backend_slurm *bs, struct slurm_batch *ba)
{
	size_t i;

	bs->trash = xreallocarray(bs->trash, bs->ntrash + 1,
	    sizeof *bs->trash);
	bs->trash[bs->ntrash].num = ba->num;
	bs->trash[bs->ntrash++].at = util_monotonic() + SLURM_CLEAN_DELAY;

	for (i = 0; i < bs->nbatches; i++) {
		if (bs->batches[i] != ba)
			continue;
		memmove(&bs->batches[i], &bs->batches[i + 1],
		    (bs->nbatches - i - 1) * sizeof *bs->batches);
		bs->nbatches--;
		break;
	}
	free(ba->engines);
	free(ba->tasks);
	free(ba);
}

/* Point engine ended: queue it for reap. */
static void
slurm_point_done(struct backend_slurm *bs, int engine, enum backend_end end,
    int code, const char *note)
{
	struct slurm_point *pt = &bs->points[engine];

	if (pt->state == POINT_DONE || pt->state == POINT_FREE)
		return;
	pt->state = POINT_DONE;
	pt->end = end;
	pt->code = code;
	if (pt->end_time == 0)
		pt->end_time = util_now();
	if (pt->start == 0)
		pt->start = pt->end_time;
	free(pt->note);
	pt->note = note != NULL ? xstrdup(note) : NULL;
	bs->done_q[bs->ndone++] = engine;
}

/* Read a file into capture c (a missing file: nothing). */
static void
slurm_read_capture(const char *path, struct capture *c)
{
	char chunk[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		capture_add(c, chunk, (size_t)n);
	close(fd);
}

/* Seconds in the shell's `times` format ("1m2.5s"), -1 if it is not. */
static double
slurm_times(const char *s)
{
	double m, sec;
	char unit;

	if (s == NULL || sscanf(s, "%lfm%lf%c", &m, &sec, &unit) != 3 ||
	    unit != 's' || m < 0 || sec < 0)
		return -1;
	return m * 60 + sec;
}

/* A record of task t of batch ba: "S I START HOST" or "E I RC END TMO". */
static void
slurm_record(struct backend_slurm *bs, struct slurm_batch *ba,
    struct slurm_task *t, char *line)
{
	char *f[10], *save = NULL, *s;
	int nf = 0, idx, engine, rc;
	struct slurm_point *pt;

	for (s = strtok_r(line, " ", &save); s != NULL && nf < 10;
	    s = strtok_r(NULL, " ", &save))
		f[nf++] = s;
	if (nf < 2)
		return;
	idx = atoi(f[1]);
	if (idx < 0 || idx >= ba->n || (engine = ba->engines[idx]) < 0)
		return;
	pt = &bs->points[engine];
	if (strcmp(f[0], "S") == 0 && nf >= 4) {
		t->started = idx;
		pt->start = strtod(f[2], NULL);
		snprintf(pt->host, sizeof pt->host, "%s", f[3]);
		return;
	}
	if (strcmp(f[0], "E") != 0 || nf < 5 || pt->state != POINT_SUBMITTED)
		return;
	rc = atoi(f[2]);
	pt->end_time = strtod(f[3], NULL);
	/* The CPU time of the task shell's children before and after. */
	pt->cpu_user = pt->cpu_sys = -1;
	if (nf >= 9 && slurm_times(f[5]) >= 0 && slurm_times(f[7]) >= 0) {
		pt->cpu_user = fmax(slurm_times(f[7]) - slurm_times(f[5]), 0);
		pt->cpu_sys = fmax(slurm_times(f[8]) - slurm_times(f[6]), 0);
	}
	t->left--;
	if (t->started == idx)
		t->started = -1;
	if (strcmp(f[4], "1") == 0)
		slurm_point_done(bs, engine, BACKEND_TIMEOUT,
		    rc == 128 + SIGKILL ? SIGKILL : SIGTERM, NULL);
	else if (rc > 128 && rc < 128 + 65)
		slurm_point_done(bs, engine, BACKEND_SIGNALED, rc - 128, NULL);
	else
		slurm_point_done(bs, engine, BACKEND_EXITED, rc, NULL);
}

/* Read what task t of batch ba appended to its spool since last time. */
static void
slurm_read_spool(struct backend_slurm *bs, struct slurm_batch *ba, int t)
{
	struct slurm_task *tk = &ba->tasks[t];
	struct buf path, data;
	char chunk[8192], *p, *nl;
	ssize_t n;
	int fd;

	buf_init(&path);
	buf_init(&data);
	slurm_path(bs, ba->num, NULL, &path);
	buf_printf(&path, "/t%d.spool", t);
	if ((fd = open(path.data, O_RDONLY | O_CLOEXEC)) != -1) {
		while ((n = pread(fd, chunk, sizeof chunk, tk->spool_off +
		    (off_t)data.len)) > 0)
			buf_add(&data, chunk, (size_t)n);
		close(fd);
	}
	/* Whole lines only: a record being written is read next time. */
	for (p = data.data; p != NULL && (nl = memchr(p, '\n',
	    data.len - (size_t)(p - data.data))) != NULL; p = nl + 1) {
		*nl = '\0';
		tk->spool_off += nl + 1 - p;
		slurm_record(bs, ba, tk, p);
	}
	buf_free(&path);
	buf_free(&data);
}

/*
 * Task t of batch ba ended (state as the scheduler says) and its spool is
 * read: its points without an end record end by what the scheduler says.
 */
static void
slurm_task_lost(struct backend_slurm *bs, struct slurm_batch *ba, int t)
{
	struct slurm_task *tk = &ba->tasks[t];
	const char *st = tk->state;
	int i, first = t * bs->ppt, last = first + bs->ppt, engine;
	enum backend_end end;
	bool ran;
	char *note;
	int code;

	if (last > ba->n)
		last = ba->n;
	for (i = first; i < last; i++) {
		if ((engine = ba->engines[i]) < 0 ||
		    bs->points[engine].state != POINT_SUBMITTED)
			continue;
		ran = tk->started == i;
		code = 0;
		if (strcmp(st, "NODE_FAIL") == 0 ||
		    strcmp(st, "PREEMPTED") == 0 ||
		    strcmp(st, "BOOT_FAIL") == 0)
			end = BACKEND_HOST_LOST;
		else if (!ran && (strcmp(st, "TIMEOUT") == 0 ||
		    strcmp(st, "DEADLINE") == 0 ||
		    strcmp(st, "OUT_OF_MEMORY") == 0))
			/* Its task ran out of time or memory on an earlier
			 * point: this one never started. */
			end = BACKEND_NOT_STARTED;
		else if (strcmp(st, "TIMEOUT") == 0 ||
		    strcmp(st, "DEADLINE") == 0) {
			end = BACKEND_TIMEOUT;
			code = SIGTERM;
		} else if (strcmp(st, "OUT_OF_MEMORY") == 0) {
			end = BACKEND_SIGNALED;
			code = SIGKILL;
		} else if (strcmp(st, "CANCELLED") == 0) {
			end = BACKEND_SIGNALED;
			code = SIGTERM;
		} else {
			end = BACKEND_LOST;
			code = EIO;
		}
		note = xasprintf("slurm: array task %s_%d ended %s %s\n",
		    ba->jobid, t, *st != '\0' ? st : "(unknown to squeue)",
		    ran ? "while this point ran" : "before this point started");
		slurm_point_done(bs, engine, end, code, note);
		free(note);
		tk->left--;
	}
}

/* Whether squeue's state word is a task's end. */
static bool
slurm_state_final(const char *st)
{
	static const char *const finals[] = { "COMPLETED", "FAILED",
	    "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED",
	    "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED" };
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(finals); i++) {
		if (strcmp(st, finals[i]) == 0)
			return true;
	}
	return false;
}

/* The batch whose array has job id id, or NULL. */
static struct slurm_batch *
slurm_find_batch(struct backend_slurm *bs, const char *id, size_t len)
{
	size_t i;

	for (i = 0; i < bs->nbatches; i++) {
		if (bs->batches[i]->state == BATCH_SUBMITTED &&
		    strlen(bs->batches[i]->jobid) == len &&
		    memcmp(bs->batches[i]->jobid, id, len) == 0)
			return bs->batches[i];
	}
	return NULL;
}

/* squeue's answer: "JOB_TASK|STATE" a line, for every task it knows. */
static void
slurm_squeue_done(struct backend_slurm *bs, const struct backend_result *r)
{
	struct slurm_batch *ba;
	char *text, *line, *save = NULL, *us, *bar;
	bool *seen;
	size_t i, k, total = 0, off = 0;
	int t;

	bs->squeue_running = false;
	if (r->end != BACKEND_EXITED || r->code != 0) {
		/* The controller did not answer: ask less often. */
		bs->squeue_delay = fmin(fmax(bs->squeue_delay * 2,
		    bs->interval), SLURM_RETRY_MAX);
		bs->squeue_at = util_monotonic() + bs->squeue_delay;
		text = xasprintf("squeue failed (%s%.*s): asking again in "
		    "%.0f s", r->end == BACKEND_TIMEOUT ? "no answer" :
		    "", (int)r->err_len, r->err != NULL ? r->err : "",
		    bs->squeue_delay);
		if (bs->error == NULL)
			backend_log(&bs->b, "%s", text);
		slurm_error(bs, text);
		free(text);
		return;
	}
	if (bs->error != NULL)
		backend_log(&bs->b, "the SLURM controller answers again");
	slurm_error(bs, NULL);
	bs->squeue_delay = 0;
	for (i = 0; i < bs->nbatches; i++)
		total += (size_t)bs->batches[i]->ntasks;
	seen = xcalloc(total + 1, sizeof *seen);
	text = xstrndup(r->out != NULL ? r->out : "", r->out_len);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((bar = strchr(line, '|')) == NULL ||
		    (us = memchr(line, '_', (size_t)(bar - line))) == NULL ||
		    (ba = slurm_find_batch(bs, line, (size_t)(us - line))) ==
		    NULL)
			continue;
		t = atoi(us + 1);
		if (t < 0 || t >= ba->ntasks || us[1] < '0' || us[1] > '9')
			continue;
		for (i = 0, off = 0; bs->batches[i] != ba; i++)
			off += (size_t)bs->batches[i]->ntasks;
		seen[off + (size_t)t] = true;
		snprintf(ba->tasks[t].state, sizeof ba->tasks[t].state, "%.*s",
		    (int)strcspn(bar + 1, "|"), bar + 1);
		ba->tasks[t].absent = 0;
		if (slurm_state_final(ba->tasks[t].state) &&
		    ba->tasks[t].final_at == 0)
			ba->tasks[t].final_at = util_monotonic();
	}
	/* A task squeue no longer knows (forgotten after MinJobAge) has
	 * ended too; what its spool says is all there is. */
	for (i = 0, off = 0; i < bs->nbatches; off += (size_t)
	    bs->batches[i]->ntasks, i++) {
		ba = bs->batches[i];
		if (ba->state != BATCH_SUBMITTED)
			continue;
		for (k = 0; k < (size_t)ba->ntasks; k++) {
			if (seen[off + k] || ba->tasks[k].left == 0 ||
			    ba->tasks[k].final_at != 0)
				continue;
			if (++ba->tasks[k].absent >= 3) {
				*ba->tasks[k].state = '\0';
				ba->tasks[k].final_at = util_monotonic();
			}
		}
	}
	free(seen);
	free(text);
}

/* Start a client command of the pool; -1 if it could not start. */
static int
slurm_client(struct backend_slurm *bs, char **argv, enum slurm_cmd_kind kind,
    struct slurm_batch *ba)
{
	struct backend_job req;
	struct slurm_cmd *c = xcalloc(1, sizeof *c);

	c->kind = kind;
	c->batch = ba;
	memset(&req, 0, sizeof req);
	req.argv = argv;
	req.timeout = SLURM_CMD_TIMEOUT;
	req.udata = c;
	if (pool_start(bs->clients, &req) < 0) {
		free(c);
		return -1;
	}
	return 0;
}

/* Ask squeue once, for every task of the campaign still watched. */
static void
slurm_squeue(struct backend_slurm *bs)
{
	struct buf ids;
	char *argv[10];
	size_t i;
	int k;

	if (bs->squeue_running || util_monotonic() < bs->squeue_at)
		return;
	buf_init(&ids);
	for (i = 0; i < bs->nbatches; i++) {
		if (bs->batches[i]->state != BATCH_SUBMITTED)
			continue;
		for (k = 0; k < bs->batches[i]->ntasks; k++) {
			if (bs->batches[i]->tasks[k].left > 0 &&
			    bs->batches[i]->tasks[k].final_at == 0)
				break;
		}
		if (k == bs->batches[i]->ntasks)
			continue;
		buf_printf(&ids, "%s%s", ids.len > 0 ? "," : "",
		    bs->batches[i]->jobid);
	}
	if (ids.len == 0) {
		buf_free(&ids);
		return;
	}
	k = 0;
	argv[k++] = "squeue";
	argv[k++] = "--noheader";
	argv[k++] = "--array";
	argv[k++] = "--states=all";
	argv[k++] = "--format=%i|%T|%r";
	argv[k++] = "--jobs";
	argv[k++] = ids.data;
	argv[k] = NULL;
	if (slurm_client(bs, argv, CMD_SQUEUE, NULL) == 0)
		bs->squeue_running = true;
	buf_free(&ids);
}

/* The polling interval's work: read the spools, hand over the points of
 * tasks that ended without a record, ask squeue. */
static void
slurm_on_poll(void *arg)
{
	struct backend_slurm *bs = (struct backend_slurm *)((char *)arg -
	    offsetof(struct backend_slurm, poll_arg));
	struct slurm_batch *ba;
	double now = util_monotonic();
	char *argv[3];
	size_t i;
	int t, left;

	for (i = 0; i < bs->nbatches; i++) {
		ba = bs->batches[i];
		if (ba->state != BATCH_SUBMITTED)
			continue;
		for (t = 0; t < ba->ntasks; t++) {
			if (ba->tasks[t].left == 0)
				continue;
			slurm_read_spool(bs, ba, t);
			if (ba->tasks[t].left > 0 && ba->tasks[t].final_at !=
			    0 && now - ba->tasks[t].final_at >=
			    SLURM_SPOOL_GRACE)
				slurm_task_lost(bs, ba, t);
		}
	}
	slurm_squeue(bs);
	/* Batches handed over entirely are forgotten: one with points given
	 * up, whose tasks may still run them, is cancelled first. */
	for (i = 0; i < bs->nbatches; i++) {
		ba = bs->batches[i];
		if (ba->state != BATCH_SUBMITTED)
			continue;
		for (t = 0, left = 0; t < ba->n; t++)
			left += ba->engines[t] >= 0;
		if (left > 0)
			continue;
		if (ba->gave_up && *ba->jobid != '\0') {
			argv[0] = "scancel";
			argv[1] = ba->jobid;
			argv[2] = NULL;
			slurm_client(bs, argv, CMD_SCANCEL, NULL);
		}
		slurm_batch_free(bs, ba);
		i--;
	}
	while (bs->ntrash > 0 && bs->trash[0].at <= now) {
		slurm_batch_remove(bs, bs->trash[0].num);
		memmove(bs->trash, bs->trash + 1, --bs->ntrash *
		    sizeof *bs->trash);
	}
	loop_timer(bs->b.loop, util_monotonic() + bs->interval, slurm_on_poll,
	    &bs->poll_arg);
}

/* sbatch's answer for batch ba: its job id, or why not. */
static void
slurm_sbatch_done(struct backend_slurm *bs, struct slurm_batch *ba,
    const struct backend_result *r)
{
	struct buf path;
	char *why;
	size_t len;
	int i, engine;

	bs->sbatch_running = false;
	slurm_arm_flush(bs, util_monotonic() + SLURM_FLUSH_DELAY);
	len = r->out != NULL ? strspn(r->out, "0123456789") : 0;
	if (r->end == BACKEND_EXITED && r->code == 0 && len > 0 &&
	    len < sizeof ba->jobid) {
		memcpy(ba->jobid, r->out, len);
		ba->jobid[len] = '\0';
		ba->state = BATCH_SUBMITTED;
		buf_init(&path);
		slurm_path(bs, ba->num, "jobid", &path);
		why = xasprintf("%s\n", ba->jobid);
		if (slurm_write_file(path.data, why, strlen(why)) != 0)
			backend_log(&bs->b, "cannot write %s: %s", path.data,
			    strerror(errno));
		free(why);
		buf_free(&path);
		backend_log(&bs->b, "array %s: %d point(s) in %d task(s)",
		    ba->jobid, ba->n, ba->ntasks);
		slurm_error(bs, NULL);
		return;
	}
	why = xasprintf("sbatch failed: %s%.*s", r->end == BACKEND_TIMEOUT ?
	    "no answer " : "", (int)r->err_len, r->err != NULL ? r->err : "");
	slurm_error(bs, why);
	if (r->end == BACKEND_TIMEOUT || (r->err != NULL &&
	    (strstr(r->err, "Unable to contact") != NULL ||
	    strstr(r->err, "timed out") != NULL ||
	    strstr(r->err, "Resource temporarily") != NULL))) {
		/* The controller is away: try again later. */
		ba->state = BATCH_OPEN;
		ba->retry_delay = fmin(fmax(ba->retry_delay * 2, 1),
		    SLURM_RETRY_MAX);
		ba->retry_at = util_monotonic() + ba->retry_delay;
		backend_log(&bs->b, "%s; trying again in %.0f s", why,
		    ba->retry_delay);
		slurm_arm_flush(bs, ba->retry_at);
		free(why);
		return;
	}
	/* Refused for good (a bad partition, account, option): the points
	 * fail with sbatch's message. */
	backend_log(&bs->b, "%s", why);
	for (i = 0; i < ba->n; i++) {
		if ((engine = ba->engines[i]) >= 0)
			slurm_point_done(bs, engine, BACKEND_LOST, EIO, why);
		ba->engines[i] = -1;
	}
	ba->state = BATCH_SUBMITTED;
	ba->ntasks = 0;
	free(why);
}

/* Append the user's sbatch options to argv (n so far): the new n. */
static size_t
slurm_sbatch_opts(const struct backend_slurm *bs, char **argv, size_t n)
{
	double secs;
	int i;

	if (bs->partition != NULL)
		argv[n++] = xasprintf("--partition=%s", bs->partition);
	if (bs->account != NULL)
		argv[n++] = xasprintf("--account=%s", bs->account);
	if (bs->qos != NULL)
		argv[n++] = xasprintf("--qos=%s", bs->qos);
	if (bs->cpus_per_task > 0)
		argv[n++] = xasprintf("--cpus-per-task=%d", bs->cpus_per_task);
	if (bs->mem_limit > 0)
		argv[n++] = xasprintf("--mem=%" PRIu64 "M",
		    (bs->mem_limit + (1 << 20) - 1) >> 20);
	if (bs->timeout > 0) {
		/* Time for every point of a task to time out, and a minute
		 * for the task itself. */
		secs = bs->ppt * (bs->timeout + SLURM_KILL_GRACE + 1) + 60;
		argv[n++] = xasprintf("--time=%.0f", ceil(secs / 60));
	}
	for (i = 0; bs->sbatch_args != NULL && bs->sbatch_args[i] != NULL;
	    i++)
		argv[n++] = xstrdup(bs->sbatch_args[i]);
	return n;
}

/* Submit batch ba as one array. */
static void
slurm_submit(struct backend_slurm *bs, struct slurm_batch *ba)
{
	char **argv, *task;
	struct buf b, out;
	size_t n = 0, cap;
	int i;

	ba->ntasks = (ba->n + bs->ppt - 1) / bs->ppt;
	if (ba->tasks == NULL) {
		ba->tasks = xcalloc((size_t)ba->ntasks, sizeof *ba->tasks);
		for (i = 0; i < ba->ntasks; i++) {
			ba->tasks[i].started = -1;
			ba->tasks[i].left = (i + 1) * bs->ppt <= ba->n ?
			    bs->ppt : ba->n - i * bs->ppt;
		}
	}
	for (i = 0; i < ba->n; i++)
		bs->points[ba->engines[i]].state = POINT_SUBMITTED;
	cap = 32 + util_strv_len(bs->sbatch_args);
	argv = xcalloc(cap, sizeof *argv);
	buf_init(&b);
	buf_init(&out);
	argv[n++] = xstrdup("sbatch");
	argv[n++] = xstrdup("--parsable");
	argv[n++] = xasprintf("--job-name=labrat-%s-b%d", bs->key, ba->num);
	if (bs->throttle > 0)
		argv[n++] = xasprintf("--array=0-%d%%%d", ba->ntasks - 1,
		    bs->throttle);
	else
		argv[n++] = xasprintf("--array=0-%d", ba->ntasks - 1);
	slurm_path(bs, ba->num, "t%a.log", &out);
	argv[n++] = xasprintf("--output=%s", out.data);
	argv[n++] = xstrdup("--open-mode=append");
	slurm_path(bs, ba->num, NULL, &out);
	argv[n++] = xasprintf("--chdir=%s", out.data);
	n = slurm_sbatch_opts(bs, argv, n);
	slurm_path(bs, ba->num, "task.sh", &b);
	if (slurm_write_file(b.data, slurm_task_script,
	    sizeof slurm_task_script - 1) != 0)
		backend_log(&bs->b, "cannot write %s: %s", b.data,
		    strerror(errno));
	task = xstrdup(b.data);
	argv[n++] = task;
	slurm_path(bs, ba->num, NULL, &b);
	argv[n++] = xstrdup(b.data);
	argv[n++] = xasprintf("%d", bs->ppt);
	argv[n++] = xasprintf("%d", ba->n);
	argv[n++] = xasprintf("%.0f", ceil(bs->timeout));
	argv[n++] = xasprintf("%d", SLURM_KILL_GRACE);
	argv[n] = NULL;
	/* Its size, and a mark that sbatch may have submitted it (for a
	 * runner after this one). */
	slurm_path(bs, ba->num, "batch", &out);
	task = xasprintf("%d %d\n", ba->n, bs->ppt);
	if (slurm_write_file(out.data, task, strlen(task)) != 0)
		backend_log(&bs->b, "cannot write %s: %s", out.data,
		    strerror(errno));
	free(task);
	if (slurm_client(bs, argv, CMD_SBATCH, ba) == 0) {
		ba->state = BATCH_SUBMITTING;
		bs->sbatch_running = true;
	} else {
		ba->retry_at = util_monotonic() + 1;
		slurm_arm_flush(bs, ba->retry_at);
	}
	util_strv_free(argv);
	buf_free(&b);
	buf_free(&out);
}

/* Submit the open batch if it is full, or waited long enough for more
 * points, and all of its points are committed. */
static void
slurm_on_flush(void *arg)
{
	struct backend_slurm *bs = (struct backend_slurm *)((char *)arg -
	    offsetof(struct backend_slurm, flush_arg));
	struct slurm_batch *ba;
	double now = util_monotonic();
	size_t i;
	int k;

	bs->flush_at = 0;
	for (i = 0; i < bs->nbatches; i++) {
		ba = bs->batches[i];
		if (ba->state != BATCH_OPEN || ba->n == 0)
			continue;
		for (k = 0; k < ba->n; k++) {
			if (bs->points[ba->engines[k]].state == POINT_RESERVED)
				break;
		}
		if (k < ba->n || bs->sbatch_running || now < ba->retry_at) {
			slurm_arm_flush(bs, fmax(now + SLURM_FLUSH_DELAY,
			    ba->retry_at));
			return;
		}
		/* Still growing, not full, not too old: wait for more. */
		if (ba->n < ba->cap && (ba->n != ba->last_n ||
		    now - ba->grew < SLURM_FLUSH_DELAY) &&
		    now - ba->opened < SLURM_FLUSH_MAX) {
			ba->last_n = ba->n;
			slurm_arm_flush(bs, now + SLURM_FLUSH_DELAY);
			return;
		}
		slurm_submit(bs, ba);
		return;
	}
}

/* Look at the open batch at (monotonic), unless it is looked at
 * sooner. */
static void
slurm_arm_flush(struct backend_slurm *bs, double at)
{
	if (bs->flush_at != 0 && bs->flush_at <= at)
		return;
	bs->flush_at = at;
	loop_timer(bs->b.loop, at, slurm_on_flush, &bs->flush_arg);
}

static int
slurm_slots(struct backend *b)
{
	struct backend_slurm *bs = (struct backend_slurm *)b;

	/* None before the cluster's limits are known: a batch must fit. */
	return bs->config_known ? bs->npoints : bs->nbusy;
}

/*
 * scontrol's answer: arrays of at most MaxArraySize tasks (indices
 * 0..MaxArraySize-1), and a share of MaxJobCount, which array tasks count
 * against; the engines are two batches' worth of points, so that one
 * waits in the queue while the other runs.
 */
static void
slurm_config_done(struct backend_slurm *bs, const struct backend_result *r)
{
	const char *p;
	long max_array = 0, max_jobs = 0;
	long long n;
	int tasks;

	bs->config_known = true;
	if (r->end != BACKEND_EXITED || r->code != 0 || r->out == NULL) {
		backend_log(&bs->b, "scontrol show config failed: arrays of "
		    "at most %d tasks", bs->tasks_max);
		return;
	}
	if ((p = strstr(r->out, "MaxArraySize")) != NULL)
		sscanf(p, "MaxArraySize = %ld", &max_array);
	if ((p = strstr(r->out, "MaxJobCount")) != NULL)
		sscanf(p, "MaxJobCount = %ld", &max_jobs);
	tasks = SLURM_TASKS_MAX;
	if (max_array > 0 && max_array < tasks)
		tasks = (int)max_array;
	if (max_jobs > 0 && max_jobs / 4 < tasks)
		tasks = (int)(max_jobs / 4 > 0 ? max_jobs / 4 : 1);
	bs->tasks_max = tasks;
	n = (long long)bs->ppt * tasks * 2;
	if (n > SLURM_POINTS_MAX)
		n = SLURM_POINTS_MAX;
	if (n > bs->npoints) {
		bs->points = xreallocarray(bs->points, (size_t)n,
		    sizeof *bs->points);
		memset(bs->points + bs->npoints, 0, (size_t)(n - bs->npoints) *
		    sizeof *bs->points);
		bs->done_q = xreallocarray(bs->done_q, (size_t)n,
		    sizeof *bs->done_q);
		bs->npoints = (int)n;
	}
	backend_log(&bs->b, "cluster: MaxArraySize %ld, MaxJobCount %ld: "
	    "arrays of at most %d tasks (%d points)", max_array, max_jobs,
	    tasks, tasks * bs->ppt);
}

static int
slurm_busy(struct backend *b)
{
	return ((struct backend_slurm *)b)->nbusy;
}

static int
slurm_start(struct backend *b, const struct backend_job *job, char **why)
{
	struct backend_slurm *bs = (struct backend_slurm *)b;
	struct slurm_batch *ba;
	struct slurm_point *pt;
	struct buf path, script;
	int engine, idx;

	for (engine = 0; engine < bs->npoints; engine++) {
		if (bs->points[engine].state == POINT_FREE)
			break;
	}
	if (engine == bs->npoints) {
		*why = xstrdup("every point the SLURM backend takes at once "
		    "is in an array");
		return BACKEND_REFUSED;
	}
	if ((ba = slurm_open_batch(bs)) == NULL)
		ba = slurm_batch_new(bs);
	idx = ba->n;
	buf_init(&path);
	buf_init(&script);
	slurm_point_script(bs, job, &script);
	slurm_path(bs, ba->num, NULL, &path);
	buf_printf(&path, "/%d.run", idx);
	if (slurm_write_file(path.data, script.data, script.len) != 0)
		goto fail;
	slurm_path(bs, ba->num, NULL, &path);
	buf_printf(&path, "/%d.in", idx);
	if (slurm_write_file(path.data, job->input != NULL ? job->input : "",
	    job->input_len) != 0)
		goto fail;
	buf_free(&path);
	buf_free(&script);
	ba->engines[idx] = engine;
	ba->n++;
	ba->grew = util_monotonic();
	pt = &bs->points[engine];
	free(pt->note);
	memset(pt, 0, sizeof *pt);
	pt->cpu_user = pt->cpu_sys = -1;
	pt->state = POINT_RESERVED;
	pt->udata = job->udata;
	pt->batch = ba;
	pt->index = idx;
	snprintf(pt->host, sizeof pt->host, "slurm");
	bs->timeout = job->timeout;
	bs->nbusy++;
	return engine;
fail:
	*why = xasprintf("cannot write %s for the cluster: %s", path.data,
	    strerror(errno));
	buf_free(&path);
	buf_free(&script);
	return BACKEND_REFUSED;
}

static void
slurm_launch(struct backend *b, int engine)
{
	struct backend_slurm *bs = (struct backend_slurm *)b;
	struct slurm_point *pt = &bs->points[engine];

	if (pt->state != POINT_RESERVED)
		return;
	pt->state = POINT_LAUNCHED;
	slurm_arm_flush(bs, util_monotonic() + SLURM_FLUSH_DELAY);
}

static void
slurm_describe(struct backend *b, int engine, char *host, size_t hlen,
    char *handle, size_t len)
{
	struct backend_slurm *bs = (struct backend_slurm *)b;
	struct slurm_point *pt = &bs->points[engine];

	snprintf(host, hlen, "%s", pt->host);
	snprintf(handle, len, "slurm:%s:%d:%d", bs->key,
	    pt->batch != NULL ? pt->batch->num : -1, pt->index);
}

/* Cancel the arrays of the campaign (scancel), waiting at most a while. */
static void
slurm_scancel_all(struct backend_slurm *bs, bool wait)
{
	struct backend_result r;
	char **argv;
	size_t i, n = 0;
	double until;

	argv = xcalloc(bs->nbatches + 2, sizeof *argv);
	argv[n++] = xstrdup("scancel");
	for (i = 0; i < bs->nbatches; i++) {
		if (*bs->batches[i]->jobid != '\0')
			argv[n++] = xstrdup(bs->batches[i]->jobid);
	}
	if (n > 1 && slurm_client(bs, argv, CMD_SCANCEL, NULL) == 0 && wait) {
		until = util_monotonic() + SLURM_CMD_TIMEOUT;
		while (util_monotonic() < until) {
			if (pool_reap(bs->clients, &r) == 1) {
				free(r.udata);
				backend_result_clear(&r);
				if (pool_busy(bs->clients) == 0)
					break;
				continue;
			}
			loop_run_once(bs->b.loop, 100);
		}
	}
	util_strv_free(argv);
}

static void
slurm_signal(struct backend *b, int engine, int sig)
{
	struct backend_slurm *bs = (struct backend_slurm *)b;
	struct slurm_point *pt;
	int k;

	if (engine < 0) {
		slurm_scancel_all(bs, false);
		return;
	}
	/* One point of a task: it is given up here; its task, which may run
	 * it, goes on with the others. */
	pt = &bs->points[engine];
	if (pt->state == POINT_FREE || pt->state == POINT_DONE)
		return;
	if (pt->batch != NULL)
		pt->batch->gave_up = true;
	if (pt->state == POINT_SUBMITTED && pt->batch->tasks != NULL) {
		k = pt->index / bs->ppt;
		if (pt->batch->tasks[k].started == pt->index)
			pt->batch->tasks[k].started = -1;
		pt->batch->tasks[k].left--;
	}
	slurm_point_done(bs, engine, BACKEND_SIGNALED, sig,
	    "slurm: given up by labrat; its task may still run it\n");
}

/* Hand over a client command's end. */
static void
slurm_client_done(struct backend_slurm *bs, struct backend_result *r)
{
	struct slurm_cmd *c = r->udata;

	switch (c->kind) {
	case CMD_SBATCH:
		slurm_sbatch_done(bs, c->batch, r);
		break;
	case CMD_SQUEUE:
		slurm_squeue_done(bs, r);
		break;
	case CMD_CONFIG:
		slurm_config_done(bs, r);
		break;
	case CMD_SCANCEL:
		if (r->end != BACKEND_EXITED || r->code != 0)
			backend_log(&bs->b, "scancel failed: %.*s",
			    (int)r->err_len, r->err != NULL ? r->err : "");
		break;
	}
	free(c);
}

static int
slurm_reap(struct backend *b, struct backend_result *r)
{
	struct backend_slurm *bs = (struct backend_slurm *)b;
	struct backend_result cr;
	struct slurm_point *pt;
	struct capture out, err;
	struct buf path;
	int engine;

	while (pool_reap(bs->clients, &cr) == 1) {
		slurm_client_done(bs, &cr);
		backend_result_clear(&cr);
	}
	memset(r, 0, sizeof *r);
	if (bs->ndone == 0)
		return 0;
	engine = bs->done_q[--bs->ndone];
	pt = &bs->points[engine];
	r->udata = pt->udata;
	r->engine = engine;
	snprintf(r->host, sizeof r->host, "%s", pt->host);
	snprintf(r->handle, sizeof r->handle, "slurm:%s:%d:%d", bs->key,
	    pt->batch->num, pt->index);
	r->end = pt->end;
	r->code = pt->code;
	r->start = pt->start;
	r->end_time = pt->end_time;
	r->maxrss_kb = -1;
	r->cpu_user = pt->end == BACKEND_EXITED || pt->end == BACKEND_SIGNALED ||
	    pt->end == BACKEND_TIMEOUT ? pt->cpu_user : -1;
	r->cpu_sys = r->cpu_user >= 0 ? pt->cpu_sys : -1;
	capture_init(&out, POOL_OUT_HEAD, POOL_OUT_TAIL);
	capture_init(&err, 0, POOL_ERR_TAIL);
	buf_init(&path);
	if (pt->end == BACKEND_EXITED || pt->end == BACKEND_SIGNALED ||
	    pt->end == BACKEND_TIMEOUT) {
		slurm_path(bs, pt->batch->num, NULL, &path);
		buf_printf(&path, "/%d.out", pt->index);
		slurm_read_capture(path.data, &out);
		slurm_path(bs, pt->batch->num, NULL, &path);
		buf_printf(&path, "/%d.err", pt->index);
		slurm_read_capture(path.data, &err);
	}
	if (pt->note != NULL)
		capture_add(&err, pt->note, strlen(pt->note));
	r->out = capture_take(&out, true, &r->out_len, &r->out_truncated,
	    &r->out_cut);
	r->err = capture_take(&err, false, &r->err_len, &r->err_truncated,
	    NULL);
	capture_free(&out);
	capture_free(&err);
	buf_free(&path);
	pt->batch->engines[pt->index] = -1;
	free(pt->note);
	memset(pt, 0, sizeof *pt);
	bs->nbusy--;
	bs->done++;
	return 1;
}

/* Read a small file of batch num into buf (len bytes, NUL-ended): 0, or
 * -1 with errno (ENOENT: it is not there). */
static int
slurm_read_small(const struct backend_slurm *bs, int num, const char *name,
    char *buf, size_t len)
{
	struct buf path;
	ssize_t n;
	int fd, e;

	buf_init(&path);
	slurm_path(bs, num, name, &path);
	fd = open(path.data, O_RDONLY | O_CLOEXEC);
	e = errno;
	buf_free(&path);
	if (fd == -1) {
		errno = e;
		return -1;
	}
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

/*
 * Batch num of the campaign, as a runner before this one left it:
 * BATCH_SUBMITTED with its job id and size, no point watched yet.  NULL
 * when it was never submitted (*maybe: sbatch was under way, so it may
 * have been).
 */
static struct slurm_batch *
slurm_batch_load(struct backend_slurm *bs, int num, bool *maybe)
{
	struct slurm_batch *ba;
	char jobid[32], size[64];
	size_t i;
	int n, ppt, t;

	*maybe = false;
	for (i = 0; i < bs->nbatches; i++) {
		if (bs->batches[i]->num == num)
			return bs->batches[i];
	}
	if (slurm_read_small(bs, num, "batch", size, sizeof size) != 0 ||
	    sscanf(size, "%d %d", &n, &ppt) != 2 || n < 1 || ppt != bs->ppt)
		return NULL;
	if (slurm_read_small(bs, num, "jobid", jobid, sizeof jobid) != 0 ||
	    strspn(jobid, "0123456789") == 0) {
		*maybe = true;
		return NULL;
	}
	ba = xcalloc(1, sizeof *ba);
	ba->num = num;
	ba->state = BATCH_SUBMITTED;
	ba->n = ba->cap = n;
	ba->engines = xcalloc((size_t)n, sizeof *ba->engines);
	for (t = 0; t < n; t++)
		ba->engines[t] = -1;
	ba->ntasks = (n + ppt - 1) / ppt;
	ba->tasks = xcalloc((size_t)ba->ntasks, sizeof *ba->tasks);
	for (t = 0; t < ba->ntasks; t++)
		ba->tasks[t].started = -1;
	snprintf(ba->jobid, sizeof ba->jobid, "%.*s",
	    (int)strspn(jobid, "0123456789"), jobid);
	bs->batches = xreallocarray(bs->batches, bs->nbatches + 1,
	    sizeof *bs->batches);
	/* Before the batches of this runner: it is older. */
	memmove(bs->batches + 1, bs->batches,
	    bs->nbatches * sizeof *bs->batches);
	bs->batches[0] = ba;
	bs->nbatches++;
	return ba;
}

/* Parse a handle "slurm:KEY:BATCH:INDEX" of this campaign. */
static int
slurm_handle_parse(const struct backend_slurm *bs, const char *handle,
    int *num, int *idx)
{
	size_t klen = strlen(bs->key);
	char tail;

	if (handle == NULL || strncmp(handle, "slurm:", 6) != 0 ||
	    strncmp(handle + 6, bs->key, klen) != 0 || handle[6 + klen] != ':')
		return -1;
	if (sscanf(handle + 7 + klen, "%d:%d%c", num, idx, &tail) != 2 ||
	    *num < 0 || *idx < 0)
		return -1;
	return 0;
}

static int
slurm_reclaim(struct backend *b, const struct backend_recorded *jobs,
    size_t n, bool adopt, enum backend_fate *fates, int *engines,
    char **why, char **err)
{
	struct backend_slurm *bs = (struct backend_slurm *)b;
	struct slurm_batch *ba;
	struct slurm_point *pt;
	bool maybe;
	size_t i;
	int num, idx, engine = 0;

	(void)err;
	for (i = 0; i < n; i++) {
		fates[i] = BACKEND_GONE;
		if (slurm_handle_parse(bs, jobs[i].handle, &num, &idx) != 0)
			continue;
		if ((ba = slurm_batch_load(bs, num, &maybe)) == NULL) {
			if (!maybe)
				continue;
			/* The runner died while sbatch ran: an array may
			 * run the point, under a name that tells. */
			fates[i] = BACKEND_LEFT;
			if (*why == NULL)
				*why = xasprintf("sbatch was submitting its "
				    "array when the runner died: 'squeue "
				    "--name=labrat-%s-b%d' tells if it runs",
				    bs->key, num);
			continue;
		}
		if (idx >= ba->n || ba->engines[idx] >= 0)
			continue;
		if (!adopt)
			/* Killed below, with the whole array. */
			continue;
		for (; engine < bs->npoints; engine++) {
			if (bs->points[engine].state == POINT_FREE)
				break;
		}
		if (engine == bs->npoints) {
			/* More than this runner takes at once: room for
			 * them all (they end as any other). */
			bs->points = xreallocarray(bs->points,
			    (size_t)bs->npoints + n, sizeof *bs->points);
			memset(bs->points + bs->npoints, 0,
			    n * sizeof *bs->points);
			bs->done_q = xreallocarray(bs->done_q,
			    (size_t)bs->npoints + n, sizeof *bs->done_q);
			bs->npoints += (int)n;
		}
		pt = &bs->points[engine];
		memset(pt, 0, sizeof *pt);
		pt->cpu_user = pt->cpu_sys = -1;
		pt->state = POINT_SUBMITTED;
		pt->udata = jobs[i].udata;
		pt->batch = ba;
		pt->index = idx;
		snprintf(pt->host, sizeof pt->host, "%s",
		    jobs[i].host != NULL ? jobs[i].host : "slurm");
		ba->engines[idx] = engine;
		ba->tasks[idx / bs->ppt].left++;
		bs->nbusy++;
		fates[i] = BACKEND_ADOPTED;
		engines[i] = engine;
	}
	/* Without adoption what is left is cancelled: every array named. */
	if (!adopt)
		slurm_scancel_all(bs, true);
	return 0;
}

static void
slurm_engines(struct backend *b, struct buf *json)
{
	struct backend_slurm *bs = (struct backend_slurm *)b;

	buf_printf(json, "{\"slurm\":{\"slots\":%d,\"busy\":%d,\"state\":"
	    "\"%s\",\"done\":%" PRIu64, bs->npoints, bs->nbusy,
	    bs->error != NULL || !bs->config_known ? "connecting" : "up",
	    bs->done);
	if (bs->error != NULL) {
		buf_adds(json, ",\"error\":");
		json_append_string(json, bs->error, strlen(bs->error));
	}
	buf_adds(json, "}}");
}

static void
slurm_close(struct backend *b, enum backend_close_mode mode)
{
	struct backend_slurm *bs = (struct backend_slurm *)b;
	struct backend_result r;
	double until;
	bool over, left;
	size_t i;
	int k;

	/* An sbatch under way is waited for: its array is named in the
	 * campaign's directory (for resume) or cancelled with the rest. */
	until = util_monotonic() + SLURM_CMD_TIMEOUT;
	while (bs->sbatch_running && util_monotonic() < until) {
		if (pool_reap(bs->clients, &r) == 1) {
			slurm_client_done(bs, &r);
			backend_result_clear(&r);
			continue;
		}
		loop_run_once(b->loop, 100);
	}
	if (mode != BACKEND_CLOSE_DETACH)
		slurm_scancel_all(bs, true);
	/* The campaign over (finished or cancelled), or a backend with
	 * nothing of its own left to collect (a dry run's): its spool goes.
	 * A runner that stops to be resumed leaves it. */
	over = mode == BACKEND_CLOSE_DONE ||
	    (mode == BACKEND_CLOSE_KILL && bs->nbusy == 0);
	for (i = 0; over && i < bs->ntrash; i++)
		slurm_batch_remove(bs, bs->trash[i].num);
	/* Cancelled tasks may write a last record as they die: what they
	 * leave is removed again, for a few seconds at most. */
	for (k = 0, left = true; over && left && k < 20; k++) {
		if (k > 0)
			poll(NULL, 0, 200);
		left = false;
		for (i = 0; i < bs->nbatches; i++)
			left |= slurm_batch_remove(bs, bs->batches[i]->num) != 0;
	}
	if (over && bs->dir != NULL)
		rmdir(bs->dir);
	loop_timer(b->loop, 0, slurm_on_flush, &bs->flush_arg);
	loop_timer(b->loop, 0, slurm_on_poll, &bs->poll_arg);
	if (bs->clients != NULL) {
		while (pool_reap(bs->clients, &r) == 1) {
			free(r.udata);
			backend_result_clear(&r);
		}
		pool_free(bs->clients);
	}
	for (i = 0; i < bs->nbatches; i++) {
		free(bs->batches[i]->engines);
		free(bs->batches[i]->tasks);
		free(bs->batches[i]);
	}
	for (k = 0; k < bs->npoints; k++)
		free(bs->points[k].note);
	free(bs->batches);
	free(bs->trash);
	free(bs->points);
	free(bs->done_q);
	free(bs->key);
	free(bs->dir);
	free(bs->cwd);
	free(bs->partition);
	free(bs->account);
	free(bs->qos);
	free(bs->error);
	util_strv_free(bs->sbatch_args);
	free(b->note);
	free(bs);
}

static const struct backend_ops slurm_ops = {
	.name = "slurm",
	.record_first = true,
	.slots = slurm_slots,
	.busy = slurm_busy,
	.start = slurm_start,
	.launch = slurm_launch,
	.describe = slurm_describe,
	.signal = slurm_signal,
	.reap = slurm_reap,
	.reclaim = slurm_reclaim,
	.engines = slurm_engines,
	.close = slurm_close,
};

/* A string member of o, owned, or NULL. */
static char *
slurm_arg_string(const struct json_object *o, const char *name)
{
	const struct json_member *m = json_object_get(o, name);

	return m != NULL && m->type == JSON_STRING ? xstrdup(m->text) : NULL;
}

/* A number member of o, or def. */
static double
slurm_arg_number(const struct json_object *o, const char *name, double def)
{
	const struct json_member *m = json_object_get(o, name);

	return m != NULL && m->type == JSON_NUMBER ? strtod(m->text, NULL) :
	    def;
}

/* Read the set's backend arguments into bs. */
static int
slurm_args(struct backend_slurm *bs, const struct nb_set *s, char **err)
{
	struct json_object o;
	const struct json_member *m;
	size_t pos;
	int rc = -1;

	if (json_parse_object(s->backend_args, strlen(s->backend_args), &o,
	    err, &pos) != 0)
		return -1;
	bs->key = slurm_arg_string(&o, "key");
	bs->dir = slurm_arg_string(&o, "dir");
	if (bs->key == NULL || bs->dir == NULL || *bs->dir != '/') {
		*err = xasprintf("result set '%s' has no campaign key or "
		    "directory for SLURM", s->tag);
		goto out;
	}
	bs->partition = slurm_arg_string(&o, "partition");
	bs->account = slurm_arg_string(&o, "account");
	bs->qos = slurm_arg_string(&o, "qos");
	bs->cpus_per_task = (int)slurm_arg_number(&o, "cpus_per_task", 0);
	bs->throttle = (int)slurm_arg_number(&o, "throttle", 0);
	bs->ppt = (int)slurm_arg_number(&o, "points_per_task", 1);
	if (bs->ppt < 1)
		bs->ppt = 1;
	bs->interval = slurm_arg_number(&o, "interval", 1.0);
	if (!(bs->interval >= 0.1))
		bs->interval = 0.1;
	if ((m = json_object_get(&o, "sbatch")) != NULL &&
	    m->type == JSON_ARRAY &&
	    json_parse_string_array(m->text, m->len, &bs->sbatch_args,
	    err) != 0)
		goto out;
	rc = 0;
out:
	json_object_free(&o);
	return rc;
}

int
backend_slurm_check(const struct nb_set *s, char **warn, char **err)
{
	struct backend_slurm bs;
	struct backend_result r;
	struct backend_job req;
	struct pool *p;
	char **all = NULL;
	size_t n = 0;
	int rc = -1;

	/* sbatch --test-only refuses a partition, account, QOS or option the
	 * cluster would refuse, before anything is recorded. */
	*warn = NULL;
	memset(&bs, 0, sizeof bs);
	bs.mem_limit = s->mem_limit;
	bs.timeout = s->timeout;
	if (slurm_args(&bs, s, err) != 0)
		goto out;
	all = xcalloc(util_strv_len(bs.sbatch_args) + 16, sizeof *all);
	all[n++] = xstrdup("sbatch");
	all[n++] = xstrdup("--test-only");
	all[n++] = xstrdup("--array=0-0");
	all[n++] = xstrdup("--output=/dev/null");
	n = slurm_sbatch_opts(&bs, all, n);
	all[n++] = xstrdup("--wrap=true");
	all[n] = NULL;
	memset(&req, 0, sizeof req);
	req.argv = all;
	req.timeout = SLURM_CMD_TIMEOUT;
	p = pool_new(1, NULL);
	if (pool_start(p, &req) < 0) {
		*err = xasprintf("cannot run sbatch: %s", strerror(errno));
		pool_free(p);
		goto out;
	}
	while (pool_wait(p, -1, &r) != 1)
		;
	pool_free(p);
	if (r.end == BACKEND_SPAWN_FAILED)
		*err = xasprintf("cannot run sbatch (%s): --backend slurm needs "
		    "SLURM's commands (sbatch, squeue, scancel) in PATH",
		    strerror(r.code));
	else if (r.end != BACKEND_EXITED || r.code != 0)
		*err = xasprintf("sbatch --test-only refuses this campaign: %.*s",
		    (int)(r.err_len > 0 && r.err[r.err_len - 1] == '\n' ?
		    r.err_len - 1 : r.err_len), r.err != NULL ? r.err : "");
	else
		rc = 0;
	backend_result_clear(&r);
out:
	util_strv_free(all);
	free(bs.key);
	free(bs.dir);
	free(bs.partition);
	free(bs.account);
	free(bs.qos);
	util_strv_free(bs.sbatch_args);
	return rc;
}

struct backend *
backend_slurm_open(const struct nb_set *s, struct loop *loop, char **err)
{
	static char *config_argv[] = { "scontrol", "show", "config", NULL };
	struct backend_slurm *bs = xcalloc(1, sizeof *bs);
	struct dirent *de;
	char cwd[PATH_MAX], tail;
	DIR *d;
	int num;

	bs->b.ops = &slurm_ops;
	bs->b.loop = loop;
	bs->mem_limit = s->mem_limit;
	bs->timeout = s->timeout;
	if (slurm_args(bs, s, err) != 0) {
		slurm_close(&bs->b, BACKEND_CLOSE_DETACH);
		return NULL;
	}
	if (s->cwd != NULL && *s->cwd != '\0')
		bs->cwd = xstrdup(s->cwd);
	else
		bs->cwd = xstrdup(getcwd(cwd, sizeof cwd) != NULL ? cwd : "/");
	if (slurm_mkdirs(bs->dir) != 0 || access(bs->dir, W_OK) != 0) {
		*err = xasprintf("cannot prepare the campaign's directory for "
		    "SLURM, %s: %s (--spool DIR names another, on a file "
		    "system the compute nodes share)", bs->dir,
		    strerror(errno));
		slurm_close(&bs->b, BACKEND_CLOSE_DETACH);
		return NULL;
	}
	/* Batches of earlier runners keep their numbers. */
	if ((d = opendir(bs->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (sscanf(de->d_name, "b%d%c", &num, &tail) == 1 &&
			    num >= bs->next_batch)
				bs->next_batch = num + 1;
		}
		closedir(d);
	}
	bs->tasks_max = SLURM_TASKS_FIRST;
	bs->npoints = bs->ppt > SLURM_POINTS_MAX / SLURM_TASKS_FIRST ?
	    SLURM_POINTS_MAX : bs->ppt * SLURM_TASKS_FIRST;
	bs->points = xcalloc((size_t)bs->npoints, sizeof *bs->points);
	bs->done_q = xcalloc((size_t)bs->npoints, sizeof *bs->done_q);
	bs->clients = pool_new(4, loop);
	if (slurm_client(bs, config_argv, CMD_CONFIG, NULL) != 0)
		bs->config_known = true;
	loop_timer(loop, util_monotonic() + bs->interval, slurm_on_poll,
	    &bs->poll_arg);
	return &bs->b;
}
