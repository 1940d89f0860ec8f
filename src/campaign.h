/*
 * campaign.h -- a campaign seen from outside its runner: its state
 * (running, paused, finished, cancelled, stopped, dead) derived from the
 * notebook and the runner lock, starting a detached runner, and waking a
 * runner after a control request.
 */
#ifndef LABRAT_CAMPAIGN_H
#define LABRAT_CAMPAIGN_H

#include <stdbool.h>

#include "notebook.h"

enum campaign_state {
	CAMPAIGN_NEW,        /* recorded, no runner has started yet */
	CAMPAIGN_RUNNING,    /* a runner is alive and starting jobs */
	CAMPAIGN_PAUSED,     /* a runner is alive but starts no new jobs */
	CAMPAIGN_FINISHED,   /* nothing left to run */
	CAMPAIGN_CANCELLED,  /* cancelled by the user, work left undone */
	CAMPAIGN_STOPPED,    /* its runner stopped (signal, error); resumable */
	CAMPAIGN_DEAD,       /* its runner vanished with work left */
	CAMPAIGN_STALLED,    /* a runner is alive but has not written for a
	                        while (the notebook is busy): its jobs run */
};

/* Seconds without a heartbeat after which a live runner is stalled. */
#define CAMPAIGN_STALL_AFTER 10.0

/* "new", "running", "paused", "finished", "cancelled", "stopped",
 * "dead", "stalled". */
const char *campaign_state_name(enum campaign_state s);
/* True for the states of a live runner: running, paused, stalled. */
bool campaign_live(enum campaign_state s);

/* The state of set s, whose counts are c, in the notebook at path. */
enum campaign_state campaign_state(const char *notebook_path,
    const struct nb_set *s, const struct nb_counts *c);

/* The runners' log file: NOTEBOOK.log beside the notebook's real path, as
 * the lock file (owned by the caller). */
char *campaign_log_path(const char *notebook_path);

/*
 * Why the campaign is in state st, for people, or NULL when there is
 * nothing to say (owned): the runner's last word for a stopped one; for a
 * dead one, when its runner was last heard of and the last line the log
 * has from it; for a stalled one, how long it has been silent.
 */
char *campaign_reason(const char *notebook_path, const struct nb_set *s,
    enum campaign_state st);

/*
 * Start a detached runner for the set tagged tag: its own session, SIGHUP
 * ignored, no terminal, standard output and error appended to the log
 * file, in the campaign's recorded working directory.  It is `labrat
 * resume --wait --log --ready-fd 3 TAG` run from this binary.  The log is
 * opened and the lock file checked before anything starts, so a link or a
 * FIFO at either is refused here (CAMPAIGN_REFUSED, with *err).  0 with
 * *ready, a descriptor that reaches its end once the runner has recorded
 * its start (or has ended: it failed if it holds no lock); close it.  -1
 * with *err if no runner could be started.
 */
#define CAMPAIGN_REFUSED 1
int campaign_detach(const char *notebook_path, const char *tag, int *ready,
    char **err);

/* The last line of the runners' log about tag, or NULL (owned). */
char *campaign_log_last(const char *notebook_path, const char *tag);

/* Wake the set's runner (SIGUSR1) so it reads a control request now:
 * true if a live runner was signalled.  Only the process recorded as the
 * runner (pid and start time) is ever signalled, never a process that got
 * its pid later. */
bool campaign_nudge(const char *notebook_path, const struct nb_set *s);

#endif
