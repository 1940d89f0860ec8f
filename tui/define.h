/*
 * define.h -- the logic of the console's "define a new campaign" form,
 * with no terminal: the fields and their text, the rows the form shows,
 * the check that parses the whole form with the core (space, experiment,
 * hosts, limits) into a preview or an error at its position, the argv of
 * `labrat run` it starts, the completion of host names, and the lines the
 * space view shows for a stored result set.  view_space.c draws all
 * this.
 */
#ifndef LABRAT_DEFINE_H
#define LABRAT_DEFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notebook.h"
#include "util.h"

/* The fields, in the order the form shows them. */
enum define_field {
	DEFINE_TAG,
	DEFINE_DESCRIPTION,
	DEFINE_PARAMS,       /* a list of "name=values" */
	DEFINE_ZIPS,         /* a list of "x,y" */
	DEFINE_COMMAND,      /* the command template */
	DEFINE_SHELL,        /* a toggle: yes/no */
	DEFINE_WORKER,       /* a toggle: yes/no (--worker) */
	DEFINE_BACKEND,      /* a toggle: local/ssh */
	DEFINE_HOSTS,        /* ssh: the hosts, as --hosts takes them */
	DEFINE_CORES,        /* local: the cores rule: 0, N, -N */
	DEFINE_TIMEOUT,
	DEFINE_MEM,
	DEFINE_RETRIES,
	DEFINE_REPEAT,
	DEFINE_ORDER,        /* a toggle: random/sequential */
	DEFINE_SEED,
	DEFINE_NFIELDS
};

struct define_form {
	char *text[DEFINE_NFIELDS]; /* the text field's contents, as typed
	                               (NULL for lists and toggles) */
	char **params;               /* NULL-terminated */
	size_t nparams;
	char **zips;                 /* NULL-terminated */
	size_t nzips;
	bool shell;
	bool worker;                 /* --worker: a persistent worker */
	bool sequential;
	bool ssh;                    /* the backend: ssh, or local */
};

/* A row of the form: a field, or one item of a list (empty: the row of a
 * list that has no item yet). */
struct define_row {
	enum define_field field;
	size_t item;
	bool empty;
};

/* A text that replaces a field (or item; item == the list's length adds
 * one) while the user types it, for the live preview. */
struct define_edit {
	enum define_field field;
	size_t item;
	const char *text;
};

/* What the check of a whole form found. */
struct define_check {
	bool ok;
	char *summary;        /* ok: "3 parameters, 1803 points x repeat 1 =
	                         1803 jobs" */
	char *where;          /* ok: where the jobs run, "backend ssh, 2
	                         hosts, 12 slots (+1 auto)" */
	char *error;          /* not ok: what is wrong and what to do */
	bool has_field;       /* the error is in field (and item) */
	enum define_field field;
	size_t item;
	char *text;           /* the text in error (a parameter, a zip group),
	                         or NULL */
	bool has_col;         /* col is the display column in text where the
	                         error is */
	int col;
	uint64_t points;
	uint64_t jobs;
};

/* A form with the defaults (no parameter, cores 0, repeat 1, ...). */
void define_form_init(struct define_form *f);
void define_form_clear(struct define_form *f);

/* The field's label ("tag", "parameters", "memory", ...). */
const char *define_field_label(enum define_field field);
bool define_field_is_list(enum define_field field);
bool define_field_is_toggle(enum define_field field);

/* The text of a field or list item as the form edits it; a toggle's word
 * ("yes", "sequential", ...); "" past the end of a list.  Not owned. */
const char *define_form_get(const struct define_form *f,
    enum define_field field, size_t item);
/* Set a text field, or a list item (item == the list's length appends;
 * an empty text removes the item).  Blanks around the text are
 * dropped. */
void define_form_set(struct define_form *f, enum define_field field,
    size_t item, const char *text);
/* Remove a list item, or put a text field or toggle back to its
 * default. */
void define_form_remove(struct define_form *f, enum define_field field,
    size_t item);
/* Flip a toggle (shell, worker, backend, order). */
void define_form_toggle(struct define_form *f, enum define_field field);
/* What a field's value means, shown beside it ("none", "drawn at start",
 * what the cores rule gives on this machine...): owned, "" if nothing. */
char *define_form_hint(const struct define_form *f, enum define_field field,
    int cores_available);

/* The rows of the form (owned array); returns how many.  The hosts show
 * with the ssh backend, the cores with the local one. */
size_t define_form_rows(const struct define_form *f, struct define_row **rows);

/* Parse the whole form (with edit applied, if not NULL) as `labrat run`
 * would, the hosts with hosts_list_parse; tags are the tags in use
 * (NULL-terminated, or NULL).  The first error in the form's order is
 * reported, but hosts being typed are checked first.  Clear out with
 * define_check_clear. */
void define_check(const struct define_form *f, const struct define_edit *edit,
    char *const *tags, struct define_check *out);
void define_check_clear(struct define_check *out);

/* The words of `labrat run` for the form: "run", options, "--", then the
 * command's words (split as the console's command line splits them:
 * quotes and backslashes).  NULL-terminated and owned; NULL with *err if
 * the command cannot be split. */
char **define_argv(const struct define_form *f, char **err);

/*
 * Candidates for completing the hosts field whose text is text: the
 * names (host specs, sorted, as hosts_read_names gives them) that start
 * with its last comma-separated word, each after the text up to that
 * word ("node1,no" gives "node1,node2", "node1,node3"), leaving out the
 * hosts the list gives already.  NULL-terminated and owned (NULL if
 * none).
 */
char **define_hosts_complete(const char *text, char *const *names);
/* The host names to offer: those of ~/.ssh/config and ~/.ssh/known_hosts
 * under $HOME (hosts_read_names; empty without $HOME).  Owned. */
char **define_host_names(void);

/* Say what the cores rule means with this many cores available, e.g. "all
 * cores but 1: 3 engines on this machine". */
void define_cores_text(int rule, int available, struct buf *b);

/* The lines the space view shows for a stored result set: each
 * "LABEL\tTEXT" (LABEL empty on continuation lines), NULL-terminated and
 * owned (util_strv_free). */
char **define_describe_set(const struct nb_set *s, int cores_available);

/* The display column of byte pos of a UTF-8 text. */
int define_column(const char *text, size_t pos);
/* Skip whole characters of text worth at least cols display columns:
 * where the rest starts; *skipped is how many columns were skipped. */
const char *define_skip_columns(const char *text, int cols, int *skipped);
/* Break text into lines of at most width display columns, at blanks
 * where possible; NULL-terminated and owned (util_strv_free). */
char **define_wrap(const char *text, int width);

#endif
