/*
 * experiment.h -- the experiment contract (doc/experiment.md): a command
 * template whose {name} placeholders take a point's values, run without a
 * shell unless asked, with the values also in the environment and as one
 * JSON object on standard input.  In a shell's script (--shell, sh -c) a
 * placeholder becomes a reference to the value's environment variable.
 */
#ifndef LABRAT_EXPERIMENT_H
#define LABRAT_EXPERIMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "space.h"
#include "util.h"
#include "value.h"

struct experiment {
	char **argv;      /* the template, NULL-terminated */
	bool shell;       /* run as /bin/sh -c "argv joined by spaces", each
	                     placeholder a reference to its variable */
	bool worker;      /* a persistent worker (worker.h): started once
	                     per engine, no placeholders, a point per line */
	int depth;        /* worker: requests in flight per worker */
};

/* What one job runs: all owned. */
struct experiment_job {
	char **argv;      /* NULL-terminated, placeholders substituted */
	char **env;       /* LABRAT_PARAM_<name>=..., LABRAT_POINT, ... */
	struct buf input; /* the parameters as one JSON object and "\n" */
	char *params;     /* the same JSON object, without the newline */
};

/* Copy argc words of a command template. Refuses an empty command. */
int experiment_init(struct experiment *e, char *const *argv, int argc,
    bool shell, char **err);
void experiment_free(struct experiment *e);

/* Make e a persistent worker's command holding up to depth points in
 * flight (1..WORKER_DEPTH_MAX): -1 with *err otherwise. */
int experiment_set_worker(struct experiment *e, int depth, char **err);

/* Refuse {name} placeholders that name no parameter of s (nor point,
 * attempt, rep or tag), naming the known ones; and placeholders in a
 * shell's script where no reference to a variable is safe (backticks,
 * arithmetic, a quoted here-document, eval, ...), saying what to write.
 * A worker's command takes no placeholder: one that names a parameter
 * (or point, rep, attempt, tag) is refused, saying values come on its
 * standard input; other braces stay as they are. */
int experiment_check(const struct experiment *e, const struct space *s,
    char **err);

/* Build the job for point p (values vals of space s), attempt, rep, tag.
 * A worker's job is its command as it is, and its input the point's
 * request line (worker_request).  A template experiment_check refuses (one recorded before it did) makes
 * a job that fails with its message. */
void experiment_prepare(const struct experiment *e, const struct space *s,
    const struct value *vals, uint64_t point, int rep, int attempt,
    const char *tag, struct experiment_job *job);
void experiment_job_clear(struct experiment_job *job);
/* The command a worker runs (owned, NULL-terminated): its words as they
 * are, or /bin/sh -c and their script with --shell. */
char **experiment_worker_argv(const struct experiment *e);

/* Append text to b quoted for a POSIX shell ('...'). */
void experiment_shell_quote(struct buf *b, const char *text, size_t len);

/* The command as one line for people (words shell-quoted where needed). */
void experiment_describe(const struct experiment *e, struct buf *b);

/* Save as JSON ({"argv":[...],"shell":false}, with "worker":true and
 * "depth":N for a worker) and load back. */
void experiment_to_json(const struct experiment *e, struct buf *b);
int experiment_from_json(struct experiment *e, const char *json, char **err);

#endif
