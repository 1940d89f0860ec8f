/*
 * backend_ssh.c -- remote engines over SSH (remote.c): hosts given as
 * "[user@]host[:port][/slots]" (hosts.h), each a connection with as many
 * engines as its slots, every job run on a channel of its own.
 *
 * A job outlives the connection and the runner: on its host it runs
 * detached (its own session, setsid) in a directory of the campaign's,
 *
 *     ~/.labrat/campaigns/KEY/jobs/ID/   in, run, pid, out, err, rc
 *
 * with its standard output, error and exit status spooled there.  The
 * channel that started it waits for it and then hands over out, the tail
 * of err and the status, and removes the directory.  If the link drops,
 * the job goes on: the channel is lost, the job is "detached", and when
 * the host is back (or a new runner starts) a collecting channel waits
 * for it (or finds it done) and hands its result over the same way.  A job
 * is named by its handle, "ssh:HOST:KEY:ID", committed before it starts
 * (record_first).  Nothing is needed on a host but a POSIX shell and the
 * experiment (setsid is used where it exists, to kill a job's whole
 * process group).
 *
 * Faults: a keepalive every second and TCP_USER_TIMEOUT notice a silent
 * cut in about 5 s; a lost connection is retried with backoff up to
 * --reconnections times, then the host is down: its detached jobs run
 * again elsewhere (not failures), and it is tried now and then in case it
 * comes back.  While every host is down the campaign waits.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_int.h"
#include "capture.h"
#include "experiment.h"
#include "hostsh.h"
#include "hosts.h"
#include "json.h"
#include "loop.h"
#include "notebook.h"
#include "pool.h"
#include "remote.h"
#include "util.h"

/* Where campaigns live on a host, relative to its home directory. */
#define SSH_ROOT ".labrat/campaigns"
/* Seconds between keepalives, and to connect. */
#define SSH_KEEPALIVE 1.0
#define SSH_CONNECT_TIMEOUT 10.0
/* Back-off between reconnections, and between tries of a host that is
 * down (seconds). */
#define SSH_RETRY_MIN 0.5
#define SSH_RETRY_MAX 30.0
#define SSH_DOWN_RETRY 60.0
/* Job channels per connection: OpenSSH's MaxSessions is 10; two are kept
 * for kills and probes.  A host with more engines gets a connection more
 * for every SSH_CHANNELS_MAX of them. */
#define SSH_CHANNELS_MAX 8
/* Seconds before another try at an extra connection that failed. */
#define SSH_EXTRA_RETRY 5.0
/* Bytes of a job's standard error handed over. */
#define SSH_ERR_TAIL 4096
/* Seconds between questions to a host's shell about a job it watches
 * (one that ended says so at once; these find those that cannot: killed
 * with their wrapper, or started by an earlier runner). */
#define SSH_POLL 0.5
/* Job directories a host's shell makes ahead, at most. */
#define SSH_SPARE_MAX 64
/* Shells a connection runs jobs with: one for every SSH_SHELL_SLOTS
 * engines, at most SSH_SHELLS_MAX (a shell starts and collects its jobs
 * one after the other: more of them share the work on more cores).  With
 * a channel left for kills and probes, a sshd of MaxSessions 4 has room
 * for them all. */
#define SSH_SHELL_SLOTS 4
#define SSH_SHELLS_MAX 3

enum ssh_host_state {
	HOST_CONNECTING,      /* not connected yet, or reconnecting */
	HOST_UP,
	HOST_DOWN,            /* gave up after --reconnections */
};

static const char *const ssh_host_states[] = { "connecting", "up", "down" };

struct backend_ssh;
struct ssh_host;

/* One of a host's shells, as its callbacks know it. */
struct ssh_shell {
	struct ssh_host *h;
	struct hostsh *sh;
};

struct ssh_host {
	struct backend_ssh *bs;
	struct host_spec spec;
	char *label;          /* the spec as text: the job's host column */
	struct remote *conn;  /* the connection: probes, kills, staging, jobs */
	int fd;               /* its socket, as watched on the loop, or -1 */
	struct remote **extra; /* more connections, for jobs only */
	int *extra_fd;
	int nextra;
	double extra_retry_at; /* no new extra connection before */
	int chans_max;        /* job channels a connection takes: at most
	                         SSH_CHANNELS_MAX, less if the host refused */
	enum ssh_host_state state;
	char *error;          /* the last error, or NULL */
	int failures;         /* connections lost or refused in a row */
	double retry_at;
	int slots;            /* engines, once known (auto: nproc) */
	int first;            /* its first engine */
	uint64_t done;        /* jobs ended on it */
	double rtt;           /* seconds of the last probe's round trip */
	bool staged;
	char **abandoned;     /* ids of jobs given up while it was down:
	                         killed when it is back, never to run twice */
	struct ssh_shell shs[SSH_SHELLS_MAX]; /* its shells on conn, running
	                         the jobs; none: a channel per job */
	int nsh;
	bool no_sh;           /* it has no bash: a channel per job */
	char **spare;         /* ids whose directories its shell made */
	size_t nspare;
};

enum ssh_job_state {
	JOB_FREE,
	JOB_RESERVED,         /* named, recorded, not running yet */
	JOB_RUNNING,          /* on a channel */
	JOB_DETACHED,         /* running on its host, no channel (link lost) */
	JOB_DONE,             /* ended: waiting for reap */
};

struct ssh_job {
	enum ssh_job_state state;
	struct ssh_host *host;
	void *udata;
	char id[48];          /* its directory under jobs/ */
	char *launch;         /* the command that runs it (reserved) */
	char *input;
	size_t input_len;
	struct remote_chan *chan;
	struct capture out, err;
	double start, end_time;
	double cpu_user, cpu_sys; /* seconds, -1: unknown */
	double timeout, deadline, kill_at;
	int timeout_sig;
	bool exited;          /* the channel gave a status or signal */
	int status;
	char signal[16];
	enum backend_end end;
	int code;
	bool lost_now;        /* its host went down: it runs again */
	bool on_sh;           /* started, or watched, by one of its host's
	                         shells */
	int shi;              /* which */
	double poll_at;       /* when to ask the shell about it again */
};

struct backend_ssh {
	struct backend b;
	struct ssh_host *hosts;
	size_t nhosts;
	struct ssh_job *jobs;  /* one per engine */
	int njobs;
	char *key;             /* the campaign's name on the hosts */
	char **stage;          /* local paths to copy to every host */
	int reconnections;
	bool accept_new;
	uint64_t mem_limit;
	double kill_grace;
	bool sh_off;          /* LABRAT_SSH_NO_SHELL: a channel per job */
};

static void ssh_host_lost(struct ssh_host *h, const char *why);
static void ssh_host_kill_abandoned(struct ssh_host *h);
static void ssh_arm(struct backend_ssh *bs);
static void ssh_on_socket(int fd, short revents, void *arg);

/* A host's name in job rows and handles: the spec without its slots
 * ("alice@node1:2222"), which do not change where a job ran. */
static char *
ssh_host_label(const struct host_spec *spec)
{
	struct host_spec bare = *spec;
	struct buf b;

	bare.slots = 0;
	bare.slots_auto = false;
	buf_init(&b);
	hosts_spec_format(&bare, &b);
	return buf_steal(&b);
}

/* The engines of host h. */
static struct ssh_job *
ssh_host_job(struct ssh_host *h, int k)
{
	return &h->bs->jobs[h->first + k];
}

/* Record why host h is in trouble. */
static void
ssh_host_error(struct ssh_host *h, const char *why)
{
	free(h->error);
	h->error = xstrdup(why);
}

/* The shell command that runs cmd in the job's directory, quoted. */
static void
ssh_job_dir(struct backend_ssh *bs, const char *id, struct buf *b)
{
	buf_printf(b, "%s/%s/jobs/%s", SSH_ROOT, bs->key, id);
}

/* Append "cd JOBDIR" for job id, or end with SIGHUP (gone) if it is not
 * there. */
static void
ssh_cd_job(struct backend_ssh *bs, const char *id, struct buf *cmd)
{
	struct buf d;

	buf_init(&d);
	ssh_job_dir(bs, id, &d);
	buf_adds(cmd, "cd ");
	experiment_shell_quote(cmd, d.data, d.len);
	buf_adds(cmd, " 2>/dev/null || kill -HUP $$; ");
	buf_free(&d);
}

/*
 * The collecting part of a job's channel: wait for the job (if it still
 * runs), then hand over out, the tail of err and its status, and remove
 * its directory -- only if they could be handed over: when the runner is
 * gone (and with it the channel), the directory stays for the next runner
 * to collect.  A job whose directory is gone, or that died without a
 * status (its host rebooted), ends the channel with SIGHUP: it runs
 * again.
 */
static void
ssh_collect(struct buf *cmd)
{
	/* Builtins where they do: every program run here costs about a
	 * millisecond of the host's CPU a job.  rc is whole once read finds
	 * its newline (echo writes it at once). */
	buf_printf(cmd, "p=; read p 2>/dev/null < pid; "
	    "while ! read r 2>/dev/null < rc && [ -n \"$p\" ] && "
	    "kill -0 \"$p\" 2>/dev/null; do sleep 0.2; done; "
	    "read r 2>/dev/null < rc || kill -HUP $$; "
	    "cat out && { [ ! -s err ] || tail -c %d err >&2; } && "
	    "{ d=$PWD; cd .. && rm -rf \"$d\"; }; exit \"$r\"",
	    SSH_ERR_TAIL);
}

/* The script a job runs on its host, sourced by the shell that waits for
 * it: in a subshell (a fork, not a new shell), its environment, limits
 * and argv, in the campaign's directory. */
static void
ssh_run_script(const struct backend_ssh *bs, const struct backend_job *job,
    struct buf *b)
{
	buf_adds(b, "(\ncd ../.. || exit 126\n");
	backend_job_shell(job, bs->mem_limit, b);
	buf_adds(b, "\n)\n");
}

/* The command that starts job id: its directory, input and script, the
 * job detached in a session of its own, then the collecting part. */
static char *
ssh_launch_cmd(struct backend_ssh *bs, const char *id,
    const struct backend_job *job)
{
	struct buf cmd, d, script;

	buf_init(&cmd);
	buf_init(&d);
	buf_init(&script);
	ssh_job_dir(bs, id, &d);
	ssh_run_script(bs, job, &script);
	buf_adds(&cmd, "d=");
	experiment_shell_quote(&cmd, d.data, d.len);
	buf_adds(&cmd, "; mkdir -p \"$d\" && cd \"$d\" || exit 126; "
	    "cat > in || exit 126; printf '%s' ");
	experiment_shell_quote(&cmd, script.data, script.len);
	buf_adds(&cmd, " > run; S=; command -v setsid >/dev/null 2>&1 && "
	    "S=setsid; $S sh -c '. ./run < in > out 2> err; echo $? > "
	    "rc' </dev/null >/dev/null 2>&1 & "
	    "echo $! > pid; wait $! 2>/dev/null; ");
	ssh_collect(&cmd);
	buf_free(&d);
	buf_free(&script);
	return buf_steal(&cmd);
}

/* A channel's output: the job's stdout and stderr. */
static void
ssh_on_data(void *arg, const char *data, size_t len, bool is_stderr)
{
	struct ssh_job *j = arg;

	capture_add(is_stderr ? &j->err : &j->out, data, len);
}

/* A channel's end: the job's exit status, or a signal. */
static void
ssh_on_exit(void *arg, int status, const char *signal)
{
	struct ssh_job *j = arg;

	j->exited = true;
	j->status = status;
	snprintf(j->signal, sizeof j->signal, "%s", signal != NULL ? signal :
	    "");
}

/* The job's end from what its channel said. */
static void
ssh_job_ended(struct ssh_job *j)
{
	j->state = JOB_DONE;
	j->end_time = util_now();
	j->chan = NULL;
	j->host->done++;
	if (j->timeout_sig != 0) {
		j->end = BACKEND_TIMEOUT;
		j->code = j->timeout_sig;
	} else if (*j->signal != '\0') {
		/* No status was left (the job's directory is gone, or it died
		 * with its host): it runs again, and is not a failure. */
		j->end = BACKEND_HOST_LOST;
		j->code = 0;
	} else {
		j->end = BACKEND_EXITED;
		j->code = j->status;
	}
}

/* A channel closed: the job ended, or its connection was lost. */
static void
ssh_on_closed(void *arg, bool lost)
{
	struct ssh_job *j = arg;

	if (lost || !j->exited) {
		/* The job may well go on: detached until the host is back. */
		j->chan = NULL;
		if (j->state == JOB_RUNNING)
			j->state = JOB_DETACHED;
		return;
	}
	ssh_job_ended(j);
}

static const struct remote_chan_ops ssh_job_ops = {
	ssh_on_data, ssh_on_exit, ssh_on_closed,
};

/* The job named id that the shell of h watches, or NULL (it ended, and
 * its engine may run another by now). */
static struct ssh_job *
ssh_sh_job(struct ssh_host *h, const char *id)
{
	struct ssh_job *j;
	int k;

	for (k = 0; h->first >= 0 && k < h->slots; k++) {
		j = ssh_host_job(h, k);
		if (j->on_sh && j->state == JOB_RUNNING &&
		    strcmp(j->id, id) == 0)
			return j;
	}
	return NULL;
}

/* The shell of h says job id ended: ask for it. */
static void
ssh_sh_ended(void *arg, const char *id)
{
	struct ssh_shell *sh = arg;
	struct ssh_job *j = ssh_sh_job(sh->h, id);

	if (j == NULL)
		return;
	hostsh_collect(sh->sh, id);
	j->poll_at = util_monotonic() + SSH_POLL;
}

/* Job j (id) ended as the shell sh found: status, or signal "HUP" (it
 * left none: it runs again); its directory goes with the next batch. */
static void
ssh_sh_finish(struct ssh_shell *sh, struct ssh_job *j, const char *id,
    int status, const char *signal)
{
	j->exited = true;
	j->status = status;
	snprintf(j->signal, sizeof j->signal, "%s", signal);
	ssh_job_ended(j);
	hostsh_remove(sh->sh, id);
}

/* Job id's end, as a shell collected it. */
static void
ssh_sh_result(void *arg, const char *id, int rc, const char *out,
    size_t out_len, const char *err, size_t err_len, double cpu_user,
    double cpu_sys)
{
	struct ssh_shell *sh = arg;
	struct ssh_job *j = ssh_sh_job(sh->h, id);

	if (j == NULL)
		return;
	j->cpu_user = cpu_user;
	j->cpu_sys = cpu_sys;
	capture_add(&j->out, out, out_len);
	capture_add(&j->err, err, err_len);
	ssh_sh_finish(sh, j, id, rc, "");
}

static void
ssh_sh_running(void *arg, const char *id)
{
	(void)arg;
	(void)id;
}

/* Nothing is left of job id but perhaps its directory: it died without
 * a status (killed with its wrapper), or it is gone. */
static void
ssh_sh_gone(void *arg, const char *id)
{
	struct ssh_shell *sh = arg;
	struct ssh_job *j = ssh_sh_job(sh->h, id);

	if (j != NULL)
		ssh_sh_finish(sh, j, id, -1, "HUP");
}

/* The shell of h is gone: its jobs go on, detached until it is back
 * (ssh_host_poll reconnects when the connection itself is still up). */
static void
ssh_sh_closed(void *arg, bool lost)
{
	struct ssh_host *h = ((struct ssh_shell *)arg)->h;
	struct ssh_job *j;
	int k;

	/* One gone: the connection is made again, with all of them. */
	(void)lost;
	for (k = 0; h->first >= 0 && k < h->slots; k++) {
		j = ssh_host_job(h, k);
		if (j->on_sh && j->state == JOB_RUNNING)
			j->state = JOB_DETACHED;
	}
}

static const struct hostsh_ops ssh_sh_ops = {
	ssh_sh_ended, ssh_sh_result, ssh_sh_running, ssh_sh_gone,
	ssh_sh_closed,
};

/* Send what the shell of h has queued (force: the removals too); if it
 * cannot be, h is lost.  Never from within the connection's callbacks. */
static void
ssh_host_flush(struct ssh_host *h, bool force)
{
	char *err = NULL;
	int i;

	for (i = 0; i < h->nsh && h->state == HOST_UP; i++) {
		if (hostsh_flush(h->shs[i].sh, force, &err) != 0) {
			ssh_host_lost(h, err);
			free(err);
			err = NULL;
		}
	}
}

/* Let the shell of h make directories for the jobs to come, so that a
 * job's start runs no mkdir of its own. */
static void
ssh_host_prepare(struct ssh_host *h)
{
	size_t want = (size_t)h->slots * 2, n;
	uint64_t r;

	if (h->nsh == 0 || h->nspare * 2 > want)
		return;
	if (want > SSH_SPARE_MAX)
		want = SSH_SPARE_MAX;
	if (h->nspare >= want)
		return;
	n = want - h->nspare;
	h->spare = xreallocarray(h->spare, want + 1, sizeof *h->spare);
	for (; h->nspare < want; h->nspare++) {
		if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
			r = (uint64_t)(util_now() * 1e6) + h->nspare;
		h->spare[h->nspare] = xasprintf("j-%016" PRIx64, r);
	}
	h->spare[h->nspare] = NULL;
	hostsh_prepare(h->shs[0].sh, h->spare + h->nspare - n, n);
}

/* Forget the directories made ahead on h (its shell is gone: whether
 * the last were made is not known; a job's start makes its own). */
static void
ssh_host_spare_clear(struct ssh_host *h)
{
	size_t i;

	for (i = 0; i < h->nspare; i++)
		free(h->spare[i]);
	free(h->spare);
	h->spare = NULL;
	h->nspare = 0;
}

/* Let libssh process every connection of h: 0, or -1 if one is lost. */
static int ssh_host_pump(struct ssh_host *h);

/* Process what h sent; its connection or its shell lost: reconnect.  0
 * while it is up. */
static int
ssh_host_poll(struct ssh_host *h)
{
	int i;

	if (h->state != HOST_UP)
		return -1;
	if (ssh_host_pump(h) != 0) {
		ssh_host_lost(h, "the connection was lost");
		return -1;
	}
	for (i = 0; i < h->nsh; i++) {
		if (hostsh_dead(h->shs[i].sh)) {
			ssh_host_lost(h, "its shell on the host ended");
			return -1;
		}
	}
	return 0;
}

/* Let libssh process every connection of h: 0, or -1 if one is lost. */
static int
ssh_host_pump(struct ssh_host *h)
{
	int i;

	if (remote_pump(h->conn) != 0)
		return -1;
	for (i = 0; i < h->nextra; i++) {
		if (remote_pump(h->extra[i]) != 0)
			return -1;
	}
	return 0;
}

/* Close every connection of h (their channels closed as lost). */
static void
ssh_host_disconnect(struct ssh_host *h)
{
	int i;

	for (i = 0; i < h->nextra; i++) {
		loop_unwatch(h->bs->b.loop, h->extra_fd[i]);
		remote_close(h->extra[i]);
	}
	free(h->extra);
	free(h->extra_fd);
	h->extra = NULL;
	h->extra_fd = NULL;
	h->nextra = 0;
	if (h->fd != -1)
		loop_unwatch(h->bs->b.loop, h->fd);
	h->fd = -1;
	/* The shell's channel closes with it (its jobs detached), then the
	 * shell is freed. */
	remote_close(h->conn);
	h->conn = NULL;
	for (i = 0; i < h->nsh; i++)
		hostsh_free(h->shs[i].sh);
	h->nsh = 0;
	ssh_host_spare_clear(h);
}

/* The connections h may have: one per SSH_CHANNELS_MAX engines. */
static int
ssh_host_conns_max(const struct ssh_host *h)
{
	return (h->slots + h->chans_max - 1) / h->chans_max;
}

/* A channel was refused on conn of h, which is still connected (sshd's
 * MaxSessions is lower than ours): take fewer channels a connection, and
 * more connections, from now on. */
static void
ssh_host_refused(struct ssh_host *h, struct remote *conn, const char *why)
{
	int open = remote_channels(conn);
	int max = open > 2 ? open - 2 : 1;

	if (max < h->chans_max) {
		h->chans_max = max;
		backend_log(&h->bs->b, "host %s refused a channel with %d "
		    "open (%s): %d job(s) a connection from now on", h->label,
		    open, why, max);
	}
}

/* A connection of h with a channel to spare for a job, or NULL; with
 * open, one more is made if every one is full and h may have more. */
static struct remote *
ssh_host_room(struct ssh_host *h, bool open)
{
	struct remote_opts o = { h->bs->accept_new, SSH_CONNECT_TIMEOUT };
	struct remote *conn;
	char *err = NULL;
	int i;

	if (h->state != HOST_UP)
		return NULL;
	/* Its shells run every job: no channel a job. */
	if (h->nsh > 0)
		return h->conn;
	if (remote_channels(h->conn) < h->chans_max)
		return h->conn;
	for (i = 0; i < h->nextra; i++) {
		if (remote_channels(h->extra[i]) < h->chans_max)
			return h->extra[i];
	}
	if (1 + h->nextra >= ssh_host_conns_max(h) ||
	    util_monotonic() < h->extra_retry_at)
		return NULL;
	if (!open)
		return h->conn;     /* one can be made: room, in a way */
	if (remote_connect(h->spec.host, h->spec.user, h->spec.port, &o,
	    &conn, &err) != 0) {
		/* The jobs wait for the channels there are. */
		backend_log(&h->bs->b, "host %s: no connection more for its "
		    "engines (%s); trying again in %.0f s", h->label, err,
		    SSH_EXTRA_RETRY);
		free(err);
		h->extra_retry_at = util_monotonic() + SSH_EXTRA_RETRY;
		return NULL;
	}
	h->extra = xreallocarray(h->extra, (size_t)h->nextra + 1,
	    sizeof *h->extra);
	h->extra_fd = xreallocarray(h->extra_fd, (size_t)h->nextra + 1,
	    sizeof *h->extra_fd);
	h->extra[h->nextra] = conn;
	h->extra_fd[h->nextra] = remote_fd(conn);
	loop_watch(h->bs->b.loop, h->extra_fd[h->nextra], POLLIN,
	    ssh_on_socket, h);
	return h->extra[h->nextra++];
}

/* Start watching job j again from its directory (after a drop); if no
 * channel can be had now, it stays detached and the timer tries again. */
static void
ssh_job_collect(struct ssh_job *j)
{
	struct remote *conn;
	struct buf cmd;
	char *err = NULL;

	buf_init(&cmd);
	ssh_cd_job(j->host->bs, j->id, &cmd);
	ssh_collect(&cmd);
	capture_free(&j->out);
	capture_free(&j->err);
	capture_init(&j->out, POOL_OUT_HEAD, POOL_OUT_TAIL);
	capture_init(&j->err, 0, POOL_ERR_TAIL);
	j->exited = false;
	*j->signal = '\0';
	j->chan = NULL;
	j->on_sh = j->host->nsh > 0 && j->host->state == HOST_UP;
	if (j->on_sh) {
		/* Asked now (queued: the caller flushes), and again until
		 * it has ended. */
		j->shi = (int)(j - j->host->bs->jobs) % j->host->nsh;
		hostsh_collect(j->host->shs[j->shi].sh, j->id);
		j->poll_at = util_monotonic() + SSH_POLL;
		j->state = JOB_RUNNING;
		buf_free(&cmd);
		return;
	}
	if ((conn = ssh_host_room(j->host, true)) != NULL)
		j->chan = remote_exec(conn, cmd.data, NULL, 0, &ssh_job_ops,
		    j, &err);
	if (j->chan != NULL)
		j->state = JOB_RUNNING;
	else {
		j->state = JOB_DETACHED;
		if (err != NULL && ssh_host_pump(j->host) == 0)
			ssh_host_refused(j->host, conn, err);
		free(err);
	}
	buf_free(&cmd);
}

/* Fire and forget: run cmd on h, not waiting (kills, clean-ups). */
static void
ssh_host_send(struct ssh_host *h, const char *cmd)
{
	struct buf out;
	char *err = NULL;
	int status;

	if (h->state != HOST_UP)
		return;
	buf_init(&out);
	/* Short and rare: a blocking round trip is fine. */
	if (remote_run(h->conn, cmd, NULL, 0, 10, &out, &status, &err) != 0) {
		ssh_host_lost(h, err);
		free(err);
	}
	buf_free(&out);
}

/* Signal job j's whole process group on its host: through its shell
 * (now: on a channel of its own, waiting for it to be done). */
static void
ssh_job_signal(struct ssh_job *j, int sig, bool now)
{
	struct buf cmd;

	if (j->state != JOB_RUNNING && j->state != JOB_DETACHED)
		return;
	if (!now && j->on_sh && j->state == JOB_RUNNING && j->shi <
	    j->host->nsh) {
		hostsh_kill(j->host->shs[j->shi].sh, j->id, sig);
		/* Killed with its wrapper, it leaves no status: ask soon. */
		j->poll_at = util_monotonic() + SSH_POLL / 2;
		ssh_host_flush(j->host, false);
		return;
	}
	buf_init(&cmd);
	ssh_cd_job(j->host->bs, j->id, &cmd);
	buf_printf(&cmd, "p=$(cat pid) && { kill -%s -- -\"$p\" 2>/dev/null || "
	    "kill -%s \"$p\"; }", sigabbrev_np(sig), sigabbrev_np(sig));
	ssh_host_send(j->host, cmd.data);
	buf_free(&cmd);
}

/* The socket of a host is readable: let libssh process it. */
static void
ssh_on_socket(int fd, short revents, void *arg)
{
	struct ssh_host *h = arg;

	(void)fd;
	(void)revents;
	if (ssh_host_poll(h) == 0)
		ssh_host_flush(h, false);
}

/* Copy path (a file, or a directory's tree) to remote on host h. */
static int
ssh_stage_path(struct ssh_host *h, const char *path, const char *remote,
    int depth, char **err)
{
	struct dirent *de;
	struct stat sb;
	char *p, *r;
	bool copied;
	DIR *d;
	int rc = 0;

	if (lstat(path, &sb) != 0) {
		*err = xasprintf("cannot stage %s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(sb.st_mode))
		return remote_put(h->conn, path, remote, &copied, err);
	if (!S_ISDIR(sb.st_mode))
		return 0;	/* links, FIFOs, devices: never copied */
	if (depth > 32 || (d = opendir(path)) == NULL) {
		*err = xasprintf("cannot stage %s: %s", path, depth > 32 ?
		    "directories nested too deep" : strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", path, de->d_name);
		r = xasprintf("%s/%s", remote, de->d_name);
		rc = ssh_stage_path(h, p, r, depth + 1, err);
		free(p);
		free(r);
	}
	closedir(d);
	return rc;
}

/* Copy the staged files and directories to host h (once): each lands in
 * the campaign's directory, where jobs run, under its own name. */
static int
ssh_host_stage(struct ssh_host *h, char **err)
{
	struct backend_ssh *bs = h->bs;
	char **p, *remote, *base;
	int rc;

	if (h->staged)
		return 0;
	for (p = bs->stage; p != NULL && *p != NULL; p++) {
		base = strrchr(*p, '/');
		remote = xasprintf("%s/%s/%s", SSH_ROOT, bs->key,
		    base != NULL ? base + 1 : *p);
		rc = ssh_stage_path(h, *p, remote, 0, err);
		free(remote);
		if (rc != 0)
			return -1;
	}
	h->staged = true;
	return 0;
}

/* Learn how many engines host h has (slots, or nproc for auto). */
static int
ssh_host_slots(struct ssh_host *h, char **err)
{
	struct buf out;
	double t0 = util_monotonic();
	int status;
	long n;

	buf_init(&out);
	if (remote_run(h->conn, "nproc 2>/dev/null || getconf "
	    "_NPROCESSORS_ONLN 2>/dev/null || echo 1", NULL, 0, 10, &out,
	    &status, err) != 0) {
		buf_free(&out);
		return -1;
	}
	h->rtt = util_monotonic() - t0;
	n = out.data != NULL ? strtol(out.data, NULL, 10) : 1;
	buf_free(&out);
	if (h->slots == 0)
		h->slots = n < 1 ? 1 : n > HOSTS_SLOTS_MAX ? HOSTS_SLOTS_MAX :
		    (int)n;
	return 0;
}

/* Give engines to host h, at the end of the table. */
static void
ssh_host_engines(struct ssh_host *h)
{
	struct backend_ssh *bs = h->bs;
	int k;

	if (h->first >= 0)
		return;
	h->first = bs->njobs;
	bs->jobs = xreallocarray(bs->jobs, (size_t)(bs->njobs + h->slots),
	    sizeof *bs->jobs);
	for (k = 0; k < h->slots; k++) {
		memset(&bs->jobs[bs->njobs + k], 0, sizeof *bs->jobs);
		bs->jobs[bs->njobs + k].host = h;
	}
	bs->njobs += h->slots;
}

/* Start the shell that runs the jobs on the connection to h; without
 * one (no bash there, or it did not start), a job runs on a channel of
 * its own. */
static void
ssh_host_shell(struct ssh_host *h)
{
	struct ssh_shell *sh;
	char *err = NULL;
	int want = (h->slots + SSH_SHELL_SLOTS - 1) / SSH_SHELL_SLOTS;

	if (h->no_sh || h->bs->sh_off)
		return;
	if (want > SSH_SHELLS_MAX)
		want = SSH_SHELLS_MAX;
	while (h->nsh < want) {
		sh = &h->shs[h->nsh];
		sh->h = h;
		sh->sh = hostsh_start(h->conn, h->bs->key,
		    SSH_CONNECT_TIMEOUT, &ssh_sh_ops, sh, &err);
		if (sh->sh == NULL)
			break;
		h->nsh++;
	}
	if (h->nsh == want)
		return;
	if (h->nsh > 0) {
		/* Fewer shells (its sshd allows few sessions): they do. */
		free(err);
		return;
	}
	if (err == NULL) {
		h->no_sh = true;
		backend_log(&h->bs->b, "host %s has no bash: its jobs run on "
		    "a channel each (slower)", h->label);
		return;
	}
	backend_log(&h->bs->b, "host %s: %s; its jobs run on a channel "
	    "each on this connection", h->label, err);
	free(err);
}

/* Connect to host h: up, with its engines and staged files, or not (the
 * error recorded, another try later). */
static int
ssh_host_connect(struct ssh_host *h, char **err)
{
	struct remote_opts o = { h->bs->accept_new, SSH_CONNECT_TIMEOUT };
	int k;

	if (remote_connect(h->spec.host, h->spec.user, h->spec.port, &o,
	    &h->conn, err) != 0)
		goto fail;
	if (h->slots == 0 && ssh_host_slots(h, err) != 0)
		goto fail;
	if (ssh_host_stage(h, err) != 0) {
		/* Trying again would not help: down, with the reason. */
		h->failures = h->bs->reconnections;
		goto fail;
	}
	if (h->rtt == 0)
		ssh_host_slots(h, err);
	if (h->state != HOST_CONNECTING || h->failures > 0)
		backend_log(&h->bs->b, "host %s is back (%d engine(s))",
		    h->label, h->slots);
	ssh_host_engines(h);
	ssh_host_shell(h);
	h->state = HOST_UP;
	h->failures = 0;
	free(h->error);
	h->error = NULL;
	ssh_host_kill_abandoned(h);
	h->fd = remote_fd(h->conn);
	loop_watch(h->bs->b.loop, h->fd, POLLIN, ssh_on_socket, h);
	/* Jobs that ran on while it was away: watch them again. */
	for (k = 0; k < h->slots && h->state == HOST_UP; k++) {
		if (ssh_host_job(h, k)->state == JOB_DETACHED)
			ssh_job_collect(ssh_host_job(h, k));
	}
	ssh_host_prepare(h);
	ssh_host_flush(h, false);
	return 0;
fail:
	ssh_host_disconnect(h);
	ssh_host_error(h, *err);
	h->failures++;
	h->retry_at = util_monotonic() + fmin(SSH_RETRY_MAX,
	    SSH_RETRY_MIN * pow(2, h->failures - 1));
	if (h->state != HOST_DOWN && h->failures > h->bs->reconnections) {
		h->state = HOST_DOWN;
		h->retry_at = util_monotonic() + SSH_DOWN_RETRY;
		backend_log(&h->bs->b, "host %s is down after %d tries (%s): "
		    "its jobs run elsewhere; it is tried again every %.0f s",
		    h->label, h->failures, *err, SSH_DOWN_RETRY);
	} else if (h->state == HOST_DOWN)
		h->retry_at = util_monotonic() + SSH_DOWN_RETRY;
	return -1;
}

/* The connection to h is lost: its channels are gone, its running jobs
 * detached; a reconnection is tried (lost jobs are re-adopted then). */
static void
ssh_host_lost(struct ssh_host *h, const char *why)
{
	if (h->state != HOST_UP)
		return;
	backend_log(&h->bs->b, "host %s: %s; reconnecting (its jobs go on)",
	    h->label, why);
	ssh_host_error(h, why);
	ssh_host_disconnect(h);  /* channels closed(lost): jobs detached */
	h->state = HOST_CONNECTING;
	h->failures++;
	h->retry_at = util_monotonic() + SSH_RETRY_MIN;
	ssh_arm(h->bs);
}

/* Remember that job id, given up on, may still run on h. */
static void
ssh_host_abandon(struct ssh_host *h, const char *id)
{
	size_t n = util_strv_len(h->abandoned);

	h->abandoned = xreallocarray(h->abandoned, n + 2,
	    sizeof *h->abandoned);
	h->abandoned[n] = xstrdup(id);
	h->abandoned[n + 1] = NULL;
}

/* h is back: kill the jobs given up on while it was down (they ran again
 * elsewhere) and remove their directories. */
static void
ssh_host_kill_abandoned(struct ssh_host *h)
{
	struct buf cmd, d;
	size_t i;

	if (h->abandoned == NULL)
		return;
	buf_init(&cmd);
	buf_init(&d);
	for (i = 0; h->abandoned[i] != NULL; i++) {
		buf_reset(&d);
		ssh_job_dir(h->bs, h->abandoned[i], &d);
		buf_adds(&cmd, "( cd ");
		experiment_shell_quote(&cmd, d.data, d.len);
		buf_adds(&cmd, " 2>/dev/null && { p=$(cat pid 2>/dev/null); "
		    "[ -n \"$p\" ] && { kill -KILL -- -\"$p\" 2>/dev/null || "
		    "kill -KILL \"$p\" 2>/dev/null; }; d=$PWD; cd .. && "
		    "rm -rf \"$d\"; } ); ");
	}
	buf_adds(&cmd, "true");
	util_strv_free(h->abandoned);
	h->abandoned = NULL;
	ssh_host_send(h, cmd.data);
	buf_free(&cmd);
	buf_free(&d);
}

/* A host given up on: its detached jobs run again elsewhere. */
static void
ssh_host_give_up(struct ssh_host *h)
{
	struct ssh_job *j;
	int k;

	for (k = 0; h->first >= 0 && k < h->slots; k++) {
		j = ssh_host_job(h, k);
		if (j->state != JOB_DETACHED && j->state != JOB_RESERVED)
			continue;
		if (j->state == JOB_DETACHED)
			ssh_host_abandon(h, j->id);
		j->end = j->state == JOB_RESERVED ? BACKEND_NOT_STARTED :
		    BACKEND_HOST_LOST;
		j->code = 0;
		j->state = JOB_DONE;
		j->end_time = util_now();
	}
}

/* Keepalives, deadlines and reconnections, each turn of the timer. */
static void
ssh_on_timer(void *arg)
{
	struct backend_ssh *bs = arg;
	struct ssh_host *h;
	struct ssh_job *j;
	double now = util_monotonic();
	char *err = NULL;
	size_t i;
	int k;

	for (i = 0; i < bs->nhosts; i++) {
		h = &bs->hosts[i];
		if (h->state == HOST_UP) {
			/* The pump also tells of channels that closed as
			 * they opened: nothing more may come on the socket. */
			if (ssh_host_poll(h) != 0)
				;
			else if (remote_keepalive(h->conn) != 0)
				ssh_host_lost(h, "the connection was lost "
				    "(no answer to keepalives)");
		} else if (now >= h->retry_at) {
			if (ssh_host_connect(h, &err) != 0) {
				free(err);
				err = NULL;
				if (h->state == HOST_DOWN)
					ssh_host_give_up(h);
			}
		}
	}
	/* Jobs that run on hosts that are up with no channel yet (none
	 * was to be had when their host came back): watch them now. */
	for (k = 0; k < bs->njobs; k++) {
		j = &bs->jobs[k];
		if (j->state == JOB_DETACHED && j->host->state == HOST_UP &&
		    ssh_host_room(j->host, false) != NULL)
			ssh_job_collect(j);
	}
	/* Timeouts: TERM, then KILL after the grace. */
	for (k = 0; k < bs->njobs; k++) {
		j = &bs->jobs[k];
		if (j->state != JOB_RUNNING && j->state != JOB_DETACHED)
			continue;
		if (j->timeout_sig == 0 && j->deadline != 0 &&
		    now >= j->deadline) {
			j->timeout_sig = SIGTERM;
			j->kill_at = now + bs->kill_grace;
			ssh_job_signal(j, SIGTERM, false);
		} else if (j->timeout_sig == SIGTERM && now >= j->kill_at) {
			j->timeout_sig = SIGKILL;
			ssh_job_signal(j, SIGKILL, false);
		}
	}
	/* Jobs the shells watch that have not said they ended: ask. */
	for (k = 0; k < bs->njobs; k++) {
		j = &bs->jobs[k];
		if (j->on_sh && j->state == JOB_RUNNING && j->shi <
		    j->host->nsh && now >= j->poll_at) {
			hostsh_collect(j->host->shs[j->shi].sh, j->id);
			j->poll_at = now + SSH_POLL;
		}
	}
	for (i = 0; i < bs->nhosts; i++)
		ssh_host_flush(&bs->hosts[i], true);
	ssh_arm(bs);
}

/* Set the next turn of the timer. */
static void
ssh_arm(struct backend_ssh *bs)
{
	loop_timer(bs->b.loop, util_monotonic() + SSH_KEEPALIVE / 4,
	    ssh_on_timer, bs);
}

static int
ssh_slots(struct backend *b)
{
	struct backend_ssh *bs = (struct backend_ssh *)b;
	int k, n = 0;

	/* Engines of hosts that are up, and those still held by jobs of
	 * hosts that are not (they end when the host is back or given
	 * up). */
	for (k = 0; k < bs->njobs; k++) {
		if (bs->jobs[k].host->state == HOST_UP ||
		    bs->jobs[k].state != JOB_FREE)
			n++;
	}
	return n;
}

static int
ssh_busy(struct backend *b)
{
	struct backend_ssh *bs = (struct backend_ssh *)b;
	int k, n = 0;

	for (k = 0; k < bs->njobs; k++)
		n += bs->jobs[k].state != JOB_FREE;
	return n;
}

/* A job's name on its host: unique for the campaign. */
static void
ssh_job_id(struct ssh_job *j, int engine)
{
	uint64_t r = 0;

	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = (uint64_t)(util_now() * 1e6);
	snprintf(j->id, sizeof j->id, "e%d-%016" PRIx64, engine, r);
}

static int
ssh_start(struct backend *b, const struct backend_job *job, char **why)
{
	struct backend_ssh *bs = (struct backend_ssh *)b;
	struct ssh_job *j;
	int k, best = -1;

	/* The first free engine of a host that is up and has a channel to
	 * spare. */
	for (k = 0; k < bs->njobs; k++) {
		j = &bs->jobs[k];
		if (j->state != JOB_FREE || ssh_host_room(j->host, false) ==
		    NULL)
			continue;
		best = k;
		break;
	}
	if (best < 0) {
		*why = xstrdup("no engine of an SSH host that is up is free");
		return BACKEND_REFUSED;
	}
	j = &bs->jobs[best];
	memset(&j->out, 0, sizeof j->out);
	j->on_sh = j->host->nsh > 0;
	j->shi = j->on_sh ? best % j->host->nsh : 0;
	if (j->on_sh && j->host->nspare > 0) {
		/* A directory made ahead: no mkdir for this job. */
		snprintf(j->id, sizeof j->id, "%s",
		    j->host->spare[j->host->nspare - 1]);
		free(j->host->spare[--j->host->nspare]);
		j->host->spare[j->host->nspare] = NULL;
	} else
		ssh_job_id(j, best);
	j->udata = job->udata;
	if (j->on_sh) {
		struct buf script;

		/* The shell runs the script in a subshell in the job's
		 * directory. */
		buf_init(&script);
		ssh_run_script(bs, job, &script);
		j->launch = buf_steal(&script);
	} else
		j->launch = ssh_launch_cmd(bs, j->id, job);
	j->input = job->input_len > 0 ? xstrndup(job->input, job->input_len) :
	    NULL;
	j->input_len = job->input_len;
	j->timeout = job->timeout;
	j->timeout_sig = 0;
	j->deadline = 0;
	j->lost_now = false;
	j->cpu_user = j->cpu_sys = -1;
	j->state = JOB_RESERVED;
	capture_init(&j->out, POOL_OUT_HEAD, POOL_OUT_TAIL);
	capture_init(&j->err, 0, POOL_ERR_TAIL);
	return best;
}

static void
ssh_launch(struct backend *b, int engine)
{
	struct backend_ssh *bs = (struct backend_ssh *)b;
	struct ssh_job *j = &bs->jobs[engine];
	struct remote *conn;
	char *err = NULL;

	if (j->state != JOB_RESERVED)
		return;
	j->start = util_now();
	if (j->timeout > 0)
		j->deadline = util_monotonic() + j->timeout;
	j->exited = false;
	*j->signal = '\0';
	j->chan = NULL;
	if (j->on_sh) {
		if (j->shi < j->host->nsh && j->host->state == HOST_UP) {
			hostsh_launch(j->host->shs[j->shi].sh, j->id, j->input,
			    j->input_len, j->launch);
			free(j->launch);
			free(j->input);
			j->launch = NULL;
			j->input = NULL;
			j->state = JOB_RUNNING;
			j->poll_at = util_monotonic() + SSH_POLL;
			ssh_host_prepare(j->host);
			/* Lost as it is sent: detached, and asked about
			 * once the host is back. */
			ssh_host_flush(j->host, false);
			return;
		}
		/* Its shell went with its connection: not started. */
		conn = NULL;
	} else if ((conn = ssh_host_room(j->host, true)) != NULL)
		j->chan = remote_exec(conn, j->launch, j->input,
		    j->input_len, &ssh_job_ops, j, &err);
	free(j->launch);
	free(j->input);
	j->launch = NULL;
	j->input = NULL;
	if (j->chan != NULL) {
		j->state = JOB_RUNNING;
		return;
	}
	/* It never started: it runs again (here or elsewhere). */
	j->state = JOB_DONE;
	j->end = BACKEND_NOT_STARTED;
	j->end_time = util_now();
	if (err != NULL && j->host->state == HOST_UP) {
		if (ssh_host_pump(j->host) != 0)
			ssh_host_lost(j->host, err);
		else
			ssh_host_refused(j->host, conn, err);
	}
	free(err);
}

static void
ssh_describe(struct backend *b, int engine, char *host, size_t hlen,
    char *handle, size_t len)
{
	struct backend_ssh *bs = (struct backend_ssh *)b;
	struct ssh_job *j = &bs->jobs[engine];

	snprintf(host, hlen, "%s", j->host->label);
	snprintf(handle, len, "ssh:%s:%s:%s", j->host->label, bs->key, j->id);
}

static void
ssh_signal(struct backend *b, int engine, int sig)
{
	struct backend_ssh *bs = (struct backend_ssh *)b;
	int k;

	for (k = 0; k < bs->njobs; k++) {
		if (engine < 0 || k == engine)
			ssh_job_signal(&bs->jobs[k], sig, false);
	}
}

static int
ssh_reap(struct backend *b, struct backend_result *r)
{
	struct backend_ssh *bs = (struct backend_ssh *)b;
	struct ssh_job *j;
	int k;

	memset(r, 0, sizeof *r);
	for (k = 0; k < bs->njobs; k++) {
		j = &bs->jobs[k];
		if (j->state != JOB_DONE)
			continue;
		r->udata = j->udata;
		r->engine = k;
		snprintf(r->host, sizeof r->host, "%s", j->host->label);
		snprintf(r->handle, sizeof r->handle, "ssh:%s:%s:%s",
		    j->host->label, bs->key, j->id);
		r->end = j->end;
		r->code = j->code;
		r->out = capture_take(&j->out, true, &r->out_len,
		    &r->out_truncated, &r->out_cut);
		r->err = capture_take(&j->err, false, &r->err_len,
		    &r->err_truncated, NULL);
		capture_free(&j->out);
		capture_free(&j->err);
		r->start = j->start;
		r->end_time = j->end_time;
		/* Peak memory is not measured on a host (say so: -1); CPU
		 * time is, by a host shell. */
		r->maxrss_kb = -1;
		r->cpu_user = j->cpu_user;
		r->cpu_sys = j->cpu_sys;
		j->state = JOB_FREE;
		j->udata = NULL;
		return 1;
	}
	return 0;
}

/* Parse a handle "ssh:HOST:KEY:ID": the host label and the id. */
static int
ssh_handle_parse(const char *handle, const char *key, struct buf *host,
    char *id, size_t idlen)
{
	const char *p, *q;
	size_t klen = strlen(key);

	if (handle == NULL || strncmp(handle, "ssh:", 4) != 0)
		return -1;
	p = strrchr(handle, ':');
	if (p == NULL || p - handle < 4 + (ptrdiff_t)klen + 2)
		return -1;
	q = p - klen;
	if (strncmp(q, key, klen) != 0 || q[-1] != ':')
		return -1;
	buf_add(host, handle + 4, (size_t)(q - 1 - (handle + 4)));
	snprintf(id, idlen, "%s", p + 1);
	return 0;
}

/* The host of the campaign labelled label, or NULL. */
static struct ssh_host *
ssh_find_host(struct backend_ssh *bs, const char *label)
{
	size_t i;

	for (i = 0; i < bs->nhosts; i++) {
		if (strcmp(bs->hosts[i].label, label) == 0)
			return &bs->hosts[i];
	}
	return NULL;
}

/* A free engine of host h for an adopted job (one more if all are
 * taken). */
static int
ssh_host_free_engine(struct ssh_host *h)
{
	int k;

	for (k = 0; k < h->slots; k++) {
		if (ssh_host_job(h, k)->state == JOB_FREE)
			return h->first + k;
	}
	return -1;
}

static int
ssh_reclaim(struct backend *b, const struct backend_recorded *jobs, size_t n,
    bool adopt, enum backend_fate *fates, int *engines, char **why,
    char **err)
{
	struct backend_ssh *bs = (struct backend_ssh *)b;
	struct ssh_host *h;
	struct ssh_job *j;
	struct buf label, cmd, out;
	char id[48], *e = NULL;
	int status, engine;
	size_t i;

	(void)err;
	buf_init(&label);
	buf_init(&cmd);
	buf_init(&out);
	for (i = 0; i < n; i++) {
		fates[i] = BACKEND_GONE;
		buf_reset(&label);
		if (ssh_handle_parse(jobs[i].handle, bs->key, &label, id,
		    sizeof id) != 0 ||
		    (h = ssh_find_host(bs, label.data)) == NULL)
			continue;
		if (h->state != HOST_UP) {
			/* Cannot ask: not run again while it may run. */
			fates[i] = BACKEND_LEFT;
			if (*why == NULL)
				*why = xasprintf("host %s cannot be reached to "
				    "ask: %s", h->label, h->error != NULL ?
				    h->error : "not connected");
			continue;
		}
		buf_reset(&cmd);
		buf_reset(&out);
		ssh_cd_job(bs, id, &cmd);
		if (adopt)
			buf_adds(&cmd, "if [ -e rc ]; then echo done; elif "
			    "kill -0 \"$(cat pid 2>/dev/null)\" 2>/dev/null; "
			    "then echo running; else echo gone; fi");
		else
			buf_adds(&cmd, "p=$(cat pid 2>/dev/null); [ -n \"$p\" ] "
			    "&& { kill -KILL -- -\"$p\" 2>/dev/null || kill "
			    "-KILL \"$p\" 2>/dev/null; }; d=$PWD; cd .. && "
			    "rm -rf \"$d\"; echo gone");
		if (remote_run(h->conn, cmd.data, NULL, 0, 30, &out, &status,
		    &e) != 0) {
			fates[i] = BACKEND_LEFT;
			if (*why == NULL)
				*why = e;
			else
				free(e);
			e = NULL;
			continue;
		}
		if (out.data == NULL || strncmp(out.data, "gone", 4) == 0 ||
		    !adopt)
			continue;
		/* Still running, or done unwatched: watch it again. */
		if ((engine = ssh_host_free_engine(h)) < 0) {
			fates[i] = BACKEND_LEFT;
			continue;
		}
		j = &bs->jobs[engine];
		memset(j, 0, sizeof *j);
		j->host = h;
		snprintf(j->id, sizeof j->id, "%s", id);
		j->udata = jobs[i].udata;
		j->start = util_now();
		j->cpu_user = j->cpu_sys = -1;
		capture_init(&j->out, POOL_OUT_HEAD, POOL_OUT_TAIL);
		capture_init(&j->err, 0, POOL_ERR_TAIL);
		j->state = JOB_DETACHED;
		ssh_job_collect(j);
		fates[i] = BACKEND_ADOPTED;
		engines[i] = engine;
	}
	for (i = 0; i < bs->nhosts; i++)
		ssh_host_flush(&bs->hosts[i], false);
	buf_free(&label);
	buf_free(&cmd);
	buf_free(&out);
	return 0;
}

/* The campaign is over: kill what is left of its jobs on host h and
 * remove its directory there, then ~/.labrat/campaigns and ~/.labrat if
 * that left them empty -- never anything else. */
static void
ssh_host_remove_campaign(struct ssh_host *h)
{
	struct buf cmd;

	buf_init(&cmd);
	buf_adds(&cmd, "cd " SSH_ROOT " 2>/dev/null || exit 0; k=");
	experiment_shell_quote(&cmd, h->bs->key, strlen(h->bs->key));
	buf_adds(&cmd, "; if [ -d \"$k\" ]; then for f in \"$k\"/jobs/*/pid; "
	    "do p=; read p 2>/dev/null < \"$f\"; [ -n \"$p\" ] && "
	    "{ kill -KILL -- -\"$p\" || kill -KILL \"$p\"; } 2>/dev/null; "
	    "done; rm -rf \"$k\"; fi; cd ../.. && "
	    "rmdir " SSH_ROOT " .labrat 2>/dev/null; true");
	ssh_host_send(h, cmd.data);
	buf_free(&cmd);
}

static void
ssh_close(struct backend *b, enum backend_close_mode mode)
{
	struct backend_ssh *bs = (struct backend_ssh *)b;
	struct ssh_host *h;
	size_t i;
	int k;

	/* Killing: every job's process group on its host, on channels
	 * (what is written to a shell just before the connection closes
	 * may never run).  Detaching: the jobs go on, spooling; resume
	 * adopts them; the directories of jobs handed over are removed.
	 * Done: nothing of the campaign is left on a host that can be
	 * reached. */
	if (mode == BACKEND_CLOSE_KILL) {
		for (k = 0; k < bs->njobs; k++)
			ssh_job_signal(&bs->jobs[k], SIGKILL, true);
	}
	for (i = 0; mode != BACKEND_CLOSE_DONE && i < bs->nhosts; i++) {
		/* The directories made ahead go too. */
		h = &bs->hosts[i];
		while (h->nsh > 0 && h->nspare > 0) {
			hostsh_remove(h->shs[0].sh, h->spare[h->nspare - 1]);
			free(h->spare[--h->nspare]);
			h->spare[h->nspare] = NULL;
		}
		ssh_host_flush(h, true);
	}
	for (i = 0; mode == BACKEND_CLOSE_DONE && i < bs->nhosts; i++)
		ssh_host_remove_campaign(&bs->hosts[i]);
	loop_timer(b->loop, 0, ssh_on_timer, bs);
	for (k = 0; k < bs->njobs; k++) {
		capture_free(&bs->jobs[k].out);
		capture_free(&bs->jobs[k].err);
		free(bs->jobs[k].launch);
		free(bs->jobs[k].input);
	}
	for (i = 0; i < bs->nhosts; i++) {
		h = &bs->hosts[i];
		ssh_host_disconnect(h);
		hosts_spec_free(&h->spec);
		free(h->label);
		free(h->error);
		util_strv_free(h->abandoned);
	}
	free(bs->hosts);
	free(bs->jobs);
	free(bs->key);
	util_strv_free(bs->stage);
	free(b->note);
	free(bs);
}

static void ssh_engines(struct backend *b, struct buf *json);

static const struct backend_ops ssh_ops = {
	.name = "ssh",
	.record_first = true,
	.slots = ssh_slots,
	.busy = ssh_busy,
	.start = ssh_start,
	.launch = ssh_launch,
	.describe = ssh_describe,
	.signal = ssh_signal,
	.reap = ssh_reap,
	.reclaim = ssh_reclaim,
	.engines = ssh_engines,
	.close = ssh_close,
};

/* Read the set's backend arguments into bs. */
static int
ssh_args(struct backend_ssh *bs, const struct nb_set *s, struct host_list *l,
    char **err)
{
	struct json_object o;
	const struct json_member *m;
	size_t pos;
	int rc = -1;

	if (json_parse_object(s->backend_args, strlen(s->backend_args), &o,
	    err, &pos) != 0)
		return -1;
	if ((m = json_object_get(&o, "hosts")) == NULL ||
	    m->type != JSON_STRING ||
	    hosts_list_parse(l, m->text, "hosts", err) != 0) {
		if (*err == NULL)
			*err = xasprintf("result set '%s' names no SSH hosts",
			    s->tag);
		goto out;
	}
	if ((m = json_object_get(&o, "key")) == NULL ||
	    m->type != JSON_STRING || strspn(m->text,
	    "0123456789abcdef") != m->len || m->len == 0) {
		*err = xasprintf("result set '%s' has no campaign key for its "
		    "hosts", s->tag);
		goto out;
	}
	bs->key = xstrdup(m->text);
	if ((m = json_object_get(&o, "stage")) != NULL &&
	    m->type == JSON_ARRAY &&
	    json_parse_string_array(m->text, m->len, &bs->stage, err) != 0)
		goto out;
	bs->reconnections = 5;
	if ((m = json_object_get(&o, "reconnections")) != NULL &&
	    m->type == JSON_NUMBER)
		bs->reconnections = atoi(m->text);
	bs->accept_new = (m = json_object_get(&o, "accept_new")) != NULL &&
	    m->type == JSON_TRUE;
	rc = 0;
out:
	json_object_free(&o);
	return rc;
}

int
backend_ssh_check(const struct nb_set *s, char **warn, char **err)
{
	struct backend_ssh bs;
	struct host_list l;
	struct remote_opts o = { false, SSH_CONNECT_TIMEOUT };
	struct remote *r;
	struct buf down;
	char *e = NULL;
	size_t i, up = 0;
	int rc;

	memset(&bs, 0, sizeof bs);
	hosts_list_init(&l);
	if (ssh_args(&bs, s, &l, err) != 0) {
		hosts_list_free(&l);
		return -1;
	}
	o.accept_new = bs.accept_new;
	buf_init(&down);
	for (i = 0; i < l.n; i++) {
		rc = remote_connect(l.specs[i].host, l.specs[i].user,
		    l.specs[i].port, &o, &r, &e);
		if (rc == 0) {
			remote_close(r);
			up++;
			continue;
		}
		if (rc == REMOTE_REFUSED) {
			*err = e;
			goto out;
		}
		buf_printf(&down, "%s%s", down.len ? "; " : "", e);
		free(e);
		e = NULL;
	}
	if (up == 0) {
		*err = xasprintf("no host can be reached: %s", down.data);
		goto out;
	}
	if (down.len > 0)
		*warn = xasprintf("%zu of %zu host(s) cannot be reached now, "
		    "the others start (it is tried again while the campaign "
		    "runs): %s", l.n - up, l.n, down.data);
	rc = 0;
	goto done;
out:
	rc = -1;
done:
	buf_free(&down);
	hosts_list_free(&l);
	free(bs.key);
	util_strv_free(bs.stage);
	return rc;
}

struct backend *
backend_ssh_open(const struct nb_set *s, struct loop *loop, char **err)
{
	struct backend_ssh *bs = xcalloc(1, sizeof *bs);
	struct host_list l;
	struct ssh_host *h;
	struct buf note;
	char *e = NULL;
	size_t i, up = 0;

	bs->b.ops = &ssh_ops;
	bs->b.loop = loop;
	bs->mem_limit = s->mem_limit;
	bs->kill_grace = POOL_KILL_GRACE;
	/* A channel per job, as on a host without bash (for tests). */
	bs->sh_off = getenv("LABRAT_SSH_NO_SHELL") != NULL &&
	    strcmp(getenv("LABRAT_SSH_NO_SHELL"), "1") == 0;
	hosts_list_init(&l);
	if (ssh_args(bs, s, &l, err) != 0) {
		hosts_list_free(&l);
		ssh_close(&bs->b, BACKEND_CLOSE_DETACH);
		return NULL;
	}
	bs->nhosts = l.n;
	bs->hosts = xcalloc(l.n, sizeof *bs->hosts);
	buf_init(&note);
	for (i = 0; i < l.n; i++) {
		h = &bs->hosts[i];
		h->bs = bs;
		h->first = -1;
		h->fd = -1;
		h->chans_max = SSH_CHANNELS_MAX;
		h->spec = l.specs[i];
		memset(&l.specs[i], 0, sizeof l.specs[i]);
		h->label = ssh_host_label(&h->spec);
		/* No slots given: one per core of the host, as auto. */
		h->slots = h->spec.slots;
		h->state = HOST_CONNECTING;
		/* A host with known slots has engines from the start, so that
		 * jobs it ran before can be adopted once it answers. */
		if (h->slots > 0)
			ssh_host_engines(h);
		if (ssh_host_connect(h, &e) == 0)
			up++;
		else {
			buf_printf(&note, "%shost %s: %s", note.len ? "; " : "",
			    h->label, e);
			free(e);
			e = NULL;
		}
	}
	hosts_list_free(&l);
	if (note.len > 0)
		bs->b.note = xasprintf("%zu of %zu host(s) up (%s)", up,
		    bs->nhosts, note.data);
	buf_free(&note);
	ssh_arm(bs);
	return &bs->b;
}

static void
ssh_engines(struct backend *b, struct buf *json)
{
	struct backend_ssh *bs = (struct backend_ssh *)b;
	struct ssh_host *h;
	size_t i;
	int k, busy;

	buf_addc(json, '{');
	for (i = 0; i < bs->nhosts; i++) {
		h = &bs->hosts[i];
		for (k = 0, busy = 0; h->first >= 0 && k < h->slots; k++)
			busy += ssh_host_job(h, k)->state != JOB_FREE;
		if (i > 0)
			buf_addc(json, ',');
		json_append_string(json, h->label, strlen(h->label));
		buf_printf(json, ":{\"slots\":%d,\"busy\":%d,\"state\":\"%s\","
		    "\"done\":%" PRIu64 ",\"rtt_ms\":%.1f", h->slots, busy,
		    ssh_host_states[h->state], h->done, h->rtt * 1000);
		if (h->error != NULL && h->state != HOST_UP) {
			buf_adds(json, ",\"error\":");
			json_append_string(json, h->error, strlen(h->error));
		}
		buf_addc(json, '}');
	}
	buf_addc(json, '}');
}
