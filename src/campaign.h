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
};

/* "new", "running", "paused", "finished", "cancelled", "stopped",
 * "dead". */
const char *campaign_state_name(enum campaign_state s);

/* The state of set s, whose counts are c, in the notebook at path. */
enum campaign_state campaign_state(const char *notebook_path,
    const struct nb_set *s, const struct nb_counts *c);

/* The runners' log file: NOTEBOOK.log beside the notebook's real path, as
 * the lock file (owned by the caller). */
char *campaign_log_path(const char *notebook_path);

/*
 * Start a detached runner for the set tagged tag: its own session, SIGHUP
 * ignored, no terminal, standard output and error appended to the log
 * file, in the campaign's recorded working directory.  It is `labrat
 * resume --wait --log TAG` run from this binary.  The log is opened and
 * the lock file checked before anything starts, so a link or a FIFO at
 * either is refused here.  0 or -1 with *err.
 */
int campaign_detach(const char *notebook_path, const char *tag, char **err);

/* Wake the set's runner (SIGUSR1) so it reads a control request now:
 * true if a live runner was signalled. */
bool campaign_nudge(const char *notebook_path, const struct nb_set *s);

#endif
