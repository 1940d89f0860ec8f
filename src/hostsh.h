/*
 * hostsh.h -- the host shell: one long-lived bash per SSH connection
 * that starts, watches and collects the jobs of a campaign on its host
 * (hostsh.c), so that a job costs a fork there, not an SSH session, a
 * login shell and a handful of programs.
 *
 * The shell runs in the campaign's directory on the host, reads commands
 * from its standard input and answers on its standard output; only its
 * main loop writes there, so answers never interleave.  A job runs
 * detached, exactly as one started on a channel of its own: in a process
 * group of its own (bash's set -m), its standard input, output, error and
 * exit status in jobs/ID/ (in, out, err, rc; pid names its process group),
 * so that a dropped connection or a dead runner never kills it.  When a
 * job ends its wrapper writes rc, then one short line "E ID" to the
 * shell's standard error (atomic: shorter than PIPE_BUF), which the
 * backend answers by asking for the job (hostsh_collect).  A host without
 * bash has no host shell (hostsh_start says so): its jobs run on channels
 * of their own.
 */
#ifndef LABRAT_HOSTSH_H
#define LABRAT_HOSTSH_H

#include <stdbool.h>
#include <stddef.h>

struct remote;
struct hostsh;

/* What a host shell reports, from within remote_pump (never write to it
 * from these: queue, and flush later). */
struct hostsh_ops {
	/* Job id ended (its rc is written): ask for it. */
	void (*ended)(void *arg, const char *id);
	/* What hostsh_collect found of job id: it ended with status rc,
	 * out and the tail of err, and the CPU time its processes used
	 * (user, system: seconds, -1 unknown; bash's times, as the
	 * wrapper ended); or it still runs; or it is gone (no
	 * directory, or it died without a status: killed with its
	 * wrapper, its host rebooted). */
	void (*result)(void *arg, const char *id, int rc, const char *out,
	    size_t out_len, const char *err, size_t err_len, double cpu_user,
	    double cpu_sys);
	void (*running)(void *arg, const char *id);
	void (*gone)(void *arg, const char *id);
	/* The shell's channel closed (lost: with its connection); the last
	 * call. */
	void (*closed)(void *arg, bool lost);
};

/*
 * Start the host shell of campaign key on conn and wait (at most timeout
 * seconds) until it is ready.  NULL with *err NULL when the host has no
 * bash (run jobs on channels of their own); NULL with *err when it could
 * not start.
 */
struct hostsh *hostsh_start(struct remote *conn, const char *key,
    double timeout, const struct hostsh_ops *ops, void *arg, char **err);
/* Close the shell's channel (ops are not called again) and free it. */
void hostsh_free(struct hostsh *s);
/* True once its channel closed, or it said what it should not. */
bool hostsh_dead(const struct hostsh *s);

/* Queue: start job id with input and script (shell text run in a
 * subshell in the job's directory). */
void hostsh_launch(struct hostsh *s, const char *id, const char *input,
    size_t len, const char *script);
/* Queue: ask what is of job id (ops->result, running or gone). */
void hostsh_collect(struct hostsh *s, const char *id);
/* Queue: send sig to job id's process group. */
void hostsh_kill(struct hostsh *s, const char *id, int sig);
/* Queue: make the directories of jobs ids (n), started later. */
void hostsh_prepare(struct hostsh *s, char *const *ids, size_t n);
/* Queue the removal of job id's directory (its result is taken); sent
 * by the next flush once many are queued, or with force. */
void hostsh_remove(struct hostsh *s, const char *id);
/* Send what is queued (force: removals too), never from within ops:
 * 0, or -1 with *err (the connection is lost). */
int hostsh_flush(struct hostsh *s, bool force, char **err);

#endif
