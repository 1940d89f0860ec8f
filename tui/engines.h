/*
 * engines.h -- the engines of a result set as the console shows them,
 * with no terminal: the runner's view of its remote hosts (nb_set.engines,
 * a JSON object by host) read into one row per host with their totals,
 * and the header's words for the engines of any set, local or remote.
 */
#ifndef LABRAT_ENGINES_H
#define LABRAT_ENGINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notebook.h"
#include "util.h"

/* One host of a remote set, as its runner last wrote it.  Text is
 * cleaned for the terminal (util_clean_text): nothing a job, a host or
 * a hand-edited notebook wrote can reach the screen as an escape. */
struct engine_row {
	char *name;          /* the host as the runner names it */
	char *state;         /* "up", "connecting", "down" (or what was
	                        written; "?" if nothing) */
	int slots;           /* engines of the host; -1: not known */
	int busy;            /* engines running a job; -1: not known */
	int64_t done;        /* jobs it finished; -1: not known */
	double rtt_ms;       /* round trip; < 0: not known */
	char *error;         /* its last error, or NULL */
};

struct engines {
	struct engine_row *rows;
	size_t n;
	size_t up;           /* hosts up */
	int64_t slots;       /* engines of the hosts up */
	int64_t busy;        /* busy engines of the hosts up */
	int64_t all_slots;   /* engines of every host, as last known */
};

/* The states engine_row.state can hold, for styles. */
enum engine_state {
	ENGINE_UP,
	ENGINE_CONNECTING,
	ENGINE_DOWN,
	ENGINE_UNKNOWN,
};

/*
 * Read the engines JSON of a set (any text: what the notebook holds) into
 * e, cleaning text with util_clean_text's flags (UTIL_TEXT_ASCII on a
 * terminal that is not UTF-8).  A host whose value is not an object, and
 * a number out of range, read as not known.  0, or -1 if json is not a
 * JSON object (e is then empty).  e needs no setup; engines_clear it.
 */
int engines_parse(const char *json, int flags, struct engines *e);
void engines_clear(struct engines *e);
/* The state of a row. */
enum engine_state engines_state(const struct engine_row *r);

/* True if s runs its jobs elsewhere than on this machine (not "local"). */
bool engines_remote(const struct nb_set *s);
/* Hosts in the "hosts" list of a remote set's backend arguments (0 if
 * none can be read). */
size_t engines_hosts_given(const struct nb_set *s);

/*
 * The header's words for the engines of set s into b (appended), and
 * into hosts, when a live remote set has hosts that are not up, how many
 * are ("2/3 hosts up"; hosts is left alone otherwise).  A local set:
 * "engines RUNNING/N", its running jobs over the engines its cores rule
 * gives with cores available.  A remote set whose runner is live: its
 * busy engines over the engines of its hosts that are up; with no live
 * runner, 0 over the engines its hosts had when last seen.
 */
void engines_header(const struct nb_set *s, bool live, uint64_t running,
    int cores, struct buf *b, struct buf *hosts);

#endif
