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

/* Refuse {name} placeholders that name no parameter of s (nor point,
 * attempt, rep or tag), naming the known ones; and placeholders in a
 * shell's script where no reference to a variable is safe (backticks,
 * arithmetic, a quoted here-document, eval, ...), saying what to write. */
int experiment_check(const struct experiment *e, const struct space *s,
    char **err);

/* Build the job for point p (values vals of space s), attempt, rep, tag.
 * A template experiment_check refuses (one recorded before it did) makes
 * a job that fails with its message. */
void experiment_prepare(const struct experiment *e, const struct space *s,
    const struct value *vals, uint64_t point, int rep, int attempt,
    const char *tag, struct experiment_job *job);
void experiment_job_clear(struct experiment_job *job);

/* Append text to b quoted for a POSIX shell ('...'). */
void experiment_shell_quote(struct buf *b, const char *text, size_t len);

/* The command as one line for people (words shell-quoted where needed). */
void experiment_describe(const struct experiment *e, struct buf *b);

/* Save as JSON ({"argv":[...],"shell":false}) and load back. */
void experiment_to_json(const struct experiment *e, struct buf *b);
int experiment_from_json(struct experiment *e, const char *json, char **err);

#endif
