/*
 * define.c -- the logic of the "define a new campaign" form, with no
 * terminal.  The form keeps each field as the text the user typed; the
 * check parses the whole form with the core exactly as `labrat run` would
 * (space_add, space_zip, space_finish, experiment_init, experiment_check,
 * hosts_list_parse and the limits' parsers) and says either how many jobs
 * it makes and where they run, or what is wrong, in which field, at which
 * display column.  The form becomes the argv of `labrat run`, one word per
 * value, so nothing typed is ever re-split or seen by a shell.  The hosts
 * field completes host names from the user's ssh files.  The lines the
 * space view shows for a stored result set, and the text layout helpers,
 * are in define_text.c.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "console_int.h"
#include "define.h"
#include "experiment.h"
#include "hosts.h"
#include "pool.h"
#include "space.h"
#include "worker.h"

/* Most characters in a tag (as `labrat run` allows). */
#define DEFINE_TAG_MAX 200

static const char *const define_labels[DEFINE_NFIELDS] = {
	[DEFINE_TAG] = "tag",
	[DEFINE_DESCRIPTION] = "description",
	[DEFINE_PARAMS] = "parameters",
	[DEFINE_ZIPS] = "zip groups",
	[DEFINE_COMMAND] = "command",
	[DEFINE_SHELL] = "shell",
	[DEFINE_WORKER] = "worker",
	[DEFINE_BACKEND] = "backend",
	[DEFINE_HOSTS] = "hosts",
	[DEFINE_CORES] = "cores",
	[DEFINE_TIMEOUT] = "timeout",
	[DEFINE_MEM] = "memory",
	[DEFINE_RETRIES] = "retries",
	[DEFINE_REPEAT] = "repeat",
	[DEFINE_ORDER] = "order",
	[DEFINE_SEED] = "seed",
};

/* The text fields' defaults (lists and toggles have none). */
static const char *const define_defaults[DEFINE_NFIELDS] = {
	[DEFINE_TAG] = "",
	[DEFINE_DESCRIPTION] = "",
	[DEFINE_COMMAND] = "",
	[DEFINE_HOSTS] = "",
	[DEFINE_CORES] = "0",
	[DEFINE_TIMEOUT] = "",
	[DEFINE_MEM] = "",
	[DEFINE_RETRIES] = "0",
	[DEFINE_REPEAT] = "1",
	[DEFINE_SEED] = "",
};

const char *
define_field_label(enum define_field field)
{
	return define_labels[field];
}

bool
define_field_is_list(enum define_field field)
{
	return field == DEFINE_PARAMS || field == DEFINE_ZIPS;
}

bool
define_field_is_toggle(enum define_field field)
{
	return field == DEFINE_SHELL || field == DEFINE_WORKER ||
	    field == DEFINE_ORDER || field == DEFINE_BACKEND;
}

void
define_form_init(struct define_form *f)
{
	int i;

	memset(f, 0, sizeof *f);
	for (i = 0; i < DEFINE_NFIELDS; i++) {
		if (define_defaults[i] != NULL)
			f->text[i] = xstrdup(define_defaults[i]);
	}
	f->params = xcalloc(1, sizeof *f->params);
	f->zips = xcalloc(1, sizeof *f->zips);
}

void
define_form_clear(struct define_form *f)
{
	int i;

	for (i = 0; i < DEFINE_NFIELDS; i++)
		free(f->text[i]);
	util_strv_free(f->params);
	util_strv_free(f->zips);
	memset(f, 0, sizeof *f);
}

/* The list behind a list field, and its length. */
static char ***
define_list(struct define_form *f, enum define_field field, size_t **n)
{
	if (field == DEFINE_PARAMS) {
		*n = &f->nparams;
		return &f->params;
	}
	*n = &f->nzips;
	return &f->zips;
}

/* Items in a list field. */
static size_t
define_count(const struct define_form *f, enum define_field field)
{
	return field == DEFINE_PARAMS ? f->nparams : f->nzips;
}

const char *
define_form_get(const struct define_form *f, enum define_field field,
    size_t item)
{
	switch (field) {
	case DEFINE_PARAMS:
		return item < f->nparams ? f->params[item] : "";
	case DEFINE_ZIPS:
		return item < f->nzips ? f->zips[item] : "";
	case DEFINE_SHELL:
		return f->shell ? "yes" : "no";
	case DEFINE_WORKER:
		return f->worker ? "yes" : "no";
	case DEFINE_ORDER:
		return f->sequential ? "sequential" : "random";
	case DEFINE_BACKEND:
		return f->ssh ? "ssh" : "local";
	default:
		return f->text[field];
	}
}

/* A copy of text without the blanks around it. */
static char *
define_trim(const char *text)
{
	const char *end;

	while (*text == ' ' || *text == '\t')
		text++;
	end = text + strlen(text);
	while (end > text && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return xstrndup(text, (size_t)(end - text));
}

void
define_form_set(struct define_form *f, enum define_field field, size_t item,
    const char *text)
{
	char ***list, *t = define_trim(text);
	size_t *n;

	if (define_field_is_toggle(field)) {
		if (field == DEFINE_SHELL)
			f->shell = *t == 'y' || *t == 'Y' || *t == '1';
		else if (field == DEFINE_WORKER)
			f->worker = *t == 'y' || *t == 'Y' || *t == '1';
		else if (field == DEFINE_BACKEND)
			f->ssh = *t == 's' || *t == 'S';
		else
			f->sequential = *t == 's' || *t == 'S';
		free(t);
		return;
	}
	if (!define_field_is_list(field)) {
		free(f->text[field]);
		f->text[field] = t;
		return;
	}
	list = define_list(f, field, &n);
	if (*t == '\0') {
		free(t);
		if (item < *n)
			define_form_remove(f, field, item);
		return;
	}
	if (item < *n) {
		free((*list)[item]);
		(*list)[item] = t;
		return;
	}
	*list = xreallocarray(*list, *n + 2, sizeof **list);
	(*list)[(*n)++] = t;
	(*list)[*n] = NULL;
}

void
define_form_remove(struct define_form *f, enum define_field field,
    size_t item)
{
	char ***list;
	size_t *n;

	if (field == DEFINE_SHELL)
		f->shell = false;
	else if (field == DEFINE_WORKER)
		f->worker = false;
	else if (field == DEFINE_ORDER)
		f->sequential = false;
	else if (field == DEFINE_BACKEND)
		f->ssh = false;
	else if (!define_field_is_list(field)) {
		free(f->text[field]);
		f->text[field] = xstrdup(define_defaults[field]);
	} else {
		list = define_list(f, field, &n);
		if (item >= *n)
			return;
		free((*list)[item]);
		memmove(*list + item, *list + item + 1, (*n - item) *
		    sizeof **list);
		(*n)--;
	}
}

void
define_form_toggle(struct define_form *f, enum define_field field)
{
	if (field == DEFINE_SHELL)
		f->shell = !f->shell;
	else if (field == DEFINE_WORKER)
		f->worker = !f->worker;
	else if (field == DEFINE_ORDER)
		f->sequential = !f->sequential;
	else if (field == DEFINE_BACKEND)
		f->ssh = !f->ssh;
}

/* True for a limit written as none: empty, "none" or 0. */
static bool
define_is_none(const char *text)
{
	return *text == '\0' || strcmp(text, "none") == 0 ||
	    strcmp(text, "0") == 0;
}

/* Parse a whole number from min to max. */
static int
define_parse_int(const char *text, long min, long max, long *out)
{
	char *end;
	long v;

	v = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

char *
define_form_hint(const struct define_form *f, enum define_field field,
    int cores_available)
{
	struct buf b;
	long v;

	buf_init(&b);
	switch (field) {
	case DEFINE_TAG:
		if (*f->text[field] == '\0')
			buf_adds(&b, "empty: named after the command");
		break;
	case DEFINE_COMMAND:
		if (*f->text[field] == '\0')
			buf_adds(&b, "e.g. ./experiment {x} ({x}: the value "
			    "of x)");
		break;
	case DEFINE_SHELL:
		buf_adds(&b, f->shell ? "run by /bin/sh -c, values passed "
		    "as variables" : "run directly, never by a shell");
		break;
	case DEFINE_WORKER:
		buf_adds(&b, f->worker ? "started once per engine, a JSON "
		    "line per point (help worker)" : "one process per point");
		break;
	case DEFINE_BACKEND:
		buf_adds(&b, f->ssh ? "on other machines over ssh: write "
		    "their hosts below" : "on this machine (Enter: ssh, on "
		    "other machines)");
		break;
	case DEFINE_HOSTS:
		if (*f->text[field] == '\0')
			buf_adds(&b, "e.g. node1/4,alice@node2:2222 (Tab "
			    "completes names)");
		break;
	case DEFINE_CORES:
		if (define_parse_int(f->text[field], -100000, 100000, &v) == 0)
			define_cores_text((int)v, cores_available, &b);
		break;
	case DEFINE_TIMEOUT:
	case DEFINE_MEM:
		if (define_is_none(f->text[field]))
			buf_adds(&b, "none");
		break;
	case DEFINE_ORDER:
		buf_adds(&b, f->sequential ? "point 0, 1, 2, ..." :
		    "a seeded shuffle: partial results are representative");
		break;
	case DEFINE_SEED:
		if (f->sequential)
			buf_adds(&b, "unused in sequential order");
		else if (*f->text[field] == '\0' ||
		    strcmp(f->text[field], "random") == 0)
			buf_adds(&b, "drawn at start");
		break;
	default:
		break;
	}
	buf_add(&b, "", 0);
	return buf_steal(&b);
}

size_t
define_form_rows(const struct define_form *f, struct define_row **rows)
{
	size_t n = 0, i, k, cnt;
	struct define_row *r;

	r = xcalloc(DEFINE_NFIELDS + f->nparams + f->nzips, sizeof *r);
	for (i = 0; i < DEFINE_NFIELDS; i++) {
		if ((i == DEFINE_HOSTS && !f->ssh) ||
		    (i == DEFINE_CORES && f->ssh))
			continue;
		if (!define_field_is_list((enum define_field)i)) {
			r[n++].field = (enum define_field)i;
			continue;
		}
		cnt = define_count(f, (enum define_field)i);
		for (k = 0; k == 0 || k < cnt; k++) {
			r[n].field = (enum define_field)i;
			r[n].item = k;
			r[n++].empty = cnt == 0;
		}
	}
	*rows = r;
	return n;
}

void
define_cores_text(int rule, int available, struct buf *b)
{
	int engines = pool_cores_rule(rule, available);

	if (rule == 0)
		buf_printf(b, "all cores: %d engine%s on this machine",
		    engines, engines == 1 ? "" : "s");
	else if (rule > 0)
		buf_printf(b, "%d engine%s (this machine has %d core%s)",
		    engines, engines == 1 ? "" : "s", available,
		    available == 1 ? "" : "s");
	else
		buf_printf(b, "all cores but %d: %d engine%s on this "
		    "machine%s", -rule, engines, engines == 1 ? "" : "s",
		    -rule >= available ? " (never fewer than 1)" : "");
}

/* The text of a field or item with the edit applied. */
static const char *
define_eff(const struct define_form *f, const struct define_edit *ed,
    enum define_field field, size_t item)
{
	if (ed != NULL && ed->field == field && ed->item == item)
		return ed->text;
	return define_form_get(f, field, item);
}

/* Items of a list field with the edit applied (it may add one). */
static size_t
define_eff_count(const struct define_form *f, const struct define_edit *ed,
    enum define_field field)
{
	size_t n = define_count(f, field);

	if (ed != NULL && ed->field == field && ed->item >= n)
		return n + 1;
	return n;
}

/* True if text is only blanks. */
static bool
define_blank(const char *text)
{
	return text[strspn(text, " \t")] == '\0';
}

/* Record an error in out (fmt formats the message); return -1. */
static int UTIL_PRINTF(5, 6)
define_fail(struct define_check *out, bool has_field,
    enum define_field field, size_t item, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out->error = xvasprintf(fmt, ap);
	va_end(ap);
	out->ok = false;
	out->has_field = has_field;
	out->field = field;
	out->item = item;
	return -1;
}

/* Record the error of a parameter or zip group, with its text and the
 * column of the position the core gave. */
static int
define_fail_text(struct define_check *out, enum define_field field,
    size_t item, const char *text, const struct space_error *e)
{
	define_fail(out, true, field, item, "%s", e->msg);
	out->text = xstrdup(text);
	if (e->has_pos && e->pos <= strlen(text)) {
		out->has_col = true;
		out->col = define_column(text, e->pos);
	}
	return -1;
}

/* A space of the form's parameters and its first zips zip groups; NULL
 * (with the error in out, if not NULL) when one of them is refused. */
static struct space *
define_space(const struct define_form *f, const struct define_edit *ed,
    size_t zips, struct define_check *out)
{
	struct space *sp = space_new();
	struct space_error e = { NULL, 0, false };
	enum define_field field = DEFINE_PARAMS;
	size_t i, n = define_eff_count(f, ed, DEFINE_PARAMS);
	const char *t = "";
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		t = define_eff(f, ed, field, i);
		if (!define_blank(t))
			rc = space_add(sp, t, &e);
	}
	if (rc == 0) {
		field = DEFINE_ZIPS;
		n = define_eff_count(f, ed, field);
		for (i = 0; i < n && i < zips && rc == 0; i++) {
			t = define_eff(f, ed, field, i);
			if (!define_blank(t))
				rc = space_zip(sp, t, &e);
		}
	}
	if (rc == 0)
		return sp;
	if (out != NULL)
		define_fail_text(out, field, i - 1, t, &e);
	space_error_clear(&e);
	space_free(sp);
	return NULL;
}

/* Parse and finish the form's space; on an error of space_finish, find
 * the zip group it comes from (the first prefix of the groups that fails
 * the same way). */
static struct space *
define_check_space(const struct define_form *f, const struct define_edit *ed,
    struct define_check *out)
{
	struct space_error e = { NULL, 0, false }, e2 = { NULL, 0, false };
	struct space *sp, *part;
	size_t nz = define_eff_count(f, ed, DEFINE_ZIPS), k;
	bool found = false;

	if ((sp = define_space(f, ed, SIZE_MAX, out)) == NULL)
		return NULL;
	if (space_nparams(sp) == 0) {
		space_free(sp);
		define_fail(out, true, DEFINE_PARAMS, 0, "no parameters: "
		    "press a to add one, e.g. x=1..10 or r=linspace(0,1,11)");
		return NULL;
	}
	if (space_finish(sp, &e) == 0)
		return sp;
	space_free(sp);
	for (k = 1; k <= nz && !found; k++) {
		part = define_space(f, ed, k, NULL);
		if (part != NULL && space_finish(part, &e2) != 0 &&
		    strcmp(e2.msg, e.msg) == 0) {
			define_fail(out, true, DEFINE_ZIPS, k - 1, "%s", e.msg);
			out->text = xstrdup(define_eff(f, ed, DEFINE_ZIPS,
			    k - 1));
			found = true;
		}
		space_error_clear(&e2);
		space_free(part);
	}
	if (!found)
		define_fail(out, false, DEFINE_PARAMS, 0, "%s", e.msg);
	space_error_clear(&e);
	return NULL;
}

/* The first {name} in text that names no parameter of sp nor a builtin:
 * its byte offset, or -1. */
static long
define_unknown_placeholder(const char *text, const struct space *sp)
{
	static const char *const builtins[] = SPACE_RESERVED_NAMES;
	const char *p, *q;
	size_t len, i;
	bool known;

	for (p = text; (p = strchr(p, '{')) != NULL; p++) {
		q = p + 1;
		while (*q != '\0' && *q != '}' && *q != '{')
			q++;
		len = (size_t)(q - p - 1);
		if (*q != '}' || !util_is_ident(p + 1, len))
			continue;
		known = space_index(sp, p + 1, len) >= 0;
		for (i = 0; !known && builtins[i] != NULL; i++)
			known = strlen(builtins[i]) == len &&
			    memcmp(builtins[i], p + 1, len) == 0;
		if (!known)
			return p + 1 - text;
	}
	return -1;
}

/* Check the command template against the space. */
static int
define_check_command(const struct define_form *f,
    const struct define_edit *ed, const struct space *sp,
    struct define_check *out)
{
	const char *text = define_eff(f, ed, DEFINE_COMMAND, 0);
	struct experiment ex;
	char **words, *err = NULL;
	long at;
	int rc;

	if (define_blank(text))
		return define_fail(out, true, DEFINE_COMMAND, 0, "no command: "
		    "select 'command' and press Enter to write it, e.g. "
		    "./experiment {x}");
	if ((words = console_split(text, &err)) == NULL) {
		define_fail(out, true, DEFINE_COMMAND, 0, "command: %s", err);
		free(err);
		return -1;
	}
	if (words[0] == NULL || words[0][0] == '\0') {
		util_strv_free(words);
		return define_fail(out, true, DEFINE_COMMAND, 0, "the "
		    "command's first word is empty: write the program to run "
		    "first, e.g. ./experiment {x}");
	}
	rc = experiment_init(&ex, words, (int)util_strv_len(words), f->shell,
	    &err);
	if (rc == 0 && f->worker)
		rc = experiment_set_worker(&ex, WORKER_DEPTH_DEFAULT, &err);
	if (rc == 0 && (rc = experiment_check(&ex, sp, &err)) != 0) {
		define_fail(out, true, DEFINE_COMMAND, 0, "%s", err);
		out->text = xstrdup(text);
		if ((at = define_unknown_placeholder(text, sp)) >= 0) {
			out->has_col = true;
			out->col = define_column(text, (size_t)at);
		}
	} else if (rc != 0)
		define_fail(out, true, DEFINE_COMMAND, 0, "%s", err);
	free(err);
	experiment_free(&ex);
	util_strv_free(words);
	return rc;
}

/* Check the tag: its form, and that no set has it yet. */
static int
define_check_tag(const char *tag, char *const *tags, struct define_check *out)
{
	size_t n = strlen(tag), i;

	if (n == 0)
		return 0;
	if (n > DEFINE_TAG_MAX || !util_utf8_valid(tag, n, NULL))
		return define_fail(out, true, DEFINE_TAG, 0, "tag: a tag is 1 "
		    "to %d characters of UTF-8 text: shorten it",
		    DEFINE_TAG_MAX);
	for (i = 0; i < n; i++) {
		if ((unsigned char)tag[i] < 0x20 || tag[i] == 0x7f)
			return define_fail(out, true, DEFINE_TAG, 0, "tag: "
			    "remove the control character at byte %zu", i);
	}
	for (i = 0; tags != NULL && tags[i] != NULL; i++) {
		if (strcmp(tags[i], tag) == 0)
			return define_fail(out, true, DEFINE_TAG, 0, "tag "
			    "'%s' is taken by a result set of this notebook: "
			    "choose another, or leave it empty for a fresh one",
			    tag);
	}
	return 0;
}

/* The byte offset in text of the character at column col (from 1), as
 * hosts_list_parse counts them. */
static size_t
define_char_offset(const char *text, unsigned long col)
{
	size_t at = 0;
	unsigned long n = 1;

	for (; text[at] != '\0'; at++) {
		if (((unsigned char)text[at] & 0xc0) == 0x80)
			continue;
		if (n++ == col)
			return at;
	}
	return at;
}

/* Check the hosts of the ssh backend into l, with the error at its
 * column. */
static int
define_check_hosts(const struct define_form *f, const struct define_edit *ed,
    struct host_list *l, struct define_check *out)
{
	static const char prefix[] = "hosts column ";
	const char *text = define_eff(f, ed, DEFINE_HOSTS, 0);
	unsigned long col;
	char *err = NULL, *end;

	if (!f->ssh || hosts_list_parse(l, text, "hosts", &err) == 0)
		return 0;
	define_fail(out, true, DEFINE_HOSTS, 0, "%s", err);
	if (strncmp(err, prefix, sizeof prefix - 1) == 0) {
		col = strtoul(err + sizeof prefix - 1, &end, 10);
		if (col > 0 && *end == ':') {
			out->text = xstrdup(text);
			out->has_col = true;
			out->col = define_column(text,
			    define_char_offset(text, col));
		}
	}
	free(err);
	return -1;
}

/* Say where the jobs of the form run: its hosts (l) and their slots, or
 * the engines of this machine. */
static char *
define_where(const struct define_form *f, const struct host_list *l)
{
	struct buf b;
	size_t i, autos = 0;
	long slots = 0, rule = 0;
	char *t;

	buf_init(&b);
	if (!f->ssh) {
		t = define_trim(f->text[DEFINE_CORES]);
		define_parse_int(t, -100000, 100000, &rule);
		free(t);
		buf_adds(&b, "backend local, ");
		define_cores_text((int)rule, pool_cores_available(), &b);
		return buf_steal(&b);
	}
	for (i = 0; i < l->n; i++) {
		if (l->specs[i].slots > 0)
			slots += l->specs[i].slots;
		else
			autos++;
	}
	buf_printf(&b, "backend ssh, %zu host%s, ", l->n, l->n == 1 ? "" :
	    "s");
	if (slots == 0)
		buf_adds(&b, "slots auto (one per core of each)");
	else
		buf_printf(&b, "%ld slot%s", slots, slots == 1 ? "" : "s");
	if (slots > 0 && autos > 0)
		buf_printf(&b, " (+%zu auto)", autos);
	return buf_steal(&b);
}

/* Check the limits and the seed; sets *repeat. */
static int
define_check_limits(const struct define_form *f,
    const struct define_edit *ed, long *repeat, struct define_check *out)
{
	char *t[DEFINE_NFIELDS] = { NULL };
	double secs;
	uint64_t u;
	long v;
	int rc = -1, i;

	for (i = DEFINE_CORES; i <= DEFINE_SEED; i++) {
		if (!define_field_is_toggle((enum define_field)i))
			t[i] = define_trim(define_eff(f, ed,
			    (enum define_field)i, 0));
	}
	if (define_parse_int(t[DEFINE_CORES], -100000, 100000, &v) != 0)
		define_fail(out, true, DEFINE_CORES, 0, "cores: write 0 (all "
		    "cores), N (N engines) or -N (all cores but N), not '%s'",
		    t[DEFINE_CORES]);
	else if (!define_is_none(t[DEFINE_TIMEOUT]) &&
	    (util_parse_duration(t[DEFINE_TIMEOUT], &secs) != 0 || secs <= 0))
		define_fail(out, true, DEFINE_TIMEOUT, 0, "timeout: write a "
		    "duration such as 30, 1.5s, 2m or 1h (empty for none), not "
		    "'%s'", t[DEFINE_TIMEOUT]);
	else if (!define_is_none(t[DEFINE_MEM]) &&
	    (util_parse_size(t[DEFINE_MEM], &u) != 0 || u < 1024 * 1024))
		define_fail(out, true, DEFINE_MEM, 0, "memory: write a size of "
		    "at least 1M such as 512M or 2G (empty for none), not '%s'",
		    t[DEFINE_MEM]);
	else if (define_parse_int(t[DEFINE_RETRIES], 0, 1000, &v) != 0)
		define_fail(out, true, DEFINE_RETRIES, 0, "retries: write a "
		    "whole number from 0 to 1000, not '%s'",
		    t[DEFINE_RETRIES]);
	else if (define_parse_int(t[DEFINE_REPEAT], 1, 1000000, repeat) != 0)
		define_fail(out, true, DEFINE_REPEAT, 0, "repeat: write a "
		    "whole number from 1 to 1000000, not '%s'",
		    t[DEFINE_REPEAT]);
	else if (*t[DEFINE_SEED] != '\0' &&
	    strcmp(t[DEFINE_SEED], "random") != 0 &&
	    util_parse_uint(t[DEFINE_SEED], &u) != 0)
		define_fail(out, true, DEFINE_SEED, 0, "seed: write a "
		    "non-negative whole number (empty: drawn at start), not "
		    "'%s'", t[DEFINE_SEED]);
	else
		rc = 0;
	for (i = 0; i < DEFINE_NFIELDS; i++)
		free(t[i]);
	return rc;
}

void
define_check(const struct define_form *f, const struct define_edit *edit,
    char *const *tags, struct define_check *out)
{
	struct space *sp = NULL;
	struct host_list hosts;
	char *tag;
	long repeat = 1;
	size_t np;
	int rc;

	memset(out, 0, sizeof *out);
	hosts_list_init(&hosts);
	/* Hosts being typed are checked first: what the caret points at is
	 * in the line the user types. */
	if (edit != NULL && edit->field == DEFINE_HOSTS &&
	    define_check_hosts(f, edit, &hosts, out) != 0) {
		hosts_list_free(&hosts);
		return;
	}
	hosts_list_free(&hosts);
	hosts_list_init(&hosts);
	tag = define_trim(define_eff(f, edit, DEFINE_TAG, 0));
	rc = define_check_tag(tag, tags, out);
	free(tag);
	if (rc != 0 || (sp = define_check_space(f, edit, out)) == NULL)
		return;
	if (f->worker && f->ssh) {
		define_fail(out, true, DEFINE_WORKER, 0, "worker: workers run "
		    "on the local backend for now; set worker to no to run "
		    "one process per point on the hosts");
		space_free(sp);
		return;
	}
	if (define_check_command(f, edit, sp, out) != 0 ||
	    define_check_hosts(f, edit, &hosts, out) != 0 ||
	    define_check_limits(f, edit, &repeat, out) != 0) {
		space_free(sp);
		hosts_list_free(&hosts);
		return;
	}
	out->points = space_size(sp);
	np = space_nparams(sp);
	space_free(sp);
	if (out->points > SPACE_MAX_POINTS / (uint64_t)repeat) {
		define_fail(out, true, DEFINE_REPEAT, 0, "%" PRIu64 " points "
		    "x repeat %ld is too many jobs: use fewer values or a "
		    "smaller repeat", out->points, repeat);
		hosts_list_free(&hosts);
		return;
	}
	out->jobs = out->points * (uint64_t)repeat;
	out->ok = true;
	out->summary = xasprintf("%zu parameter%s, %" PRIu64 " point%s x "
	    "repeat %ld = %" PRIu64 " job%s", np, np == 1 ? "" : "s",
	    out->points, out->points == 1 ? "" : "s", repeat, out->jobs,
	    out->jobs == 1 ? "" : "s");
	out->where = define_where(f, &hosts);
	hosts_list_free(&hosts);
}

void
define_check_clear(struct define_check *out)
{
	free(out->summary);
	free(out->where);
	free(out->error);
	free(out->text);
	memset(out, 0, sizeof *out);
}

/* Append a word to the vector v of n words. */
static void
define_push(char ***v, size_t *n, const char *word)
{
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = xstrdup(word);
	(*v)[*n] = NULL;
}

char **
define_argv(const struct define_form *f, char **err)
{
	char **v = NULL, **words;
	size_t n = 0, i;
	const char *t;

	if ((words = console_split(f->text[DEFINE_COMMAND], err)) == NULL)
		return NULL;
	define_push(&v, &n, "run");
	if (*(t = f->text[DEFINE_TAG]) != '\0') {
		define_push(&v, &n, "-t");
		define_push(&v, &n, t);
	}
	if (*(t = f->text[DEFINE_DESCRIPTION]) != '\0') {
		define_push(&v, &n, "-d");
		define_push(&v, &n, t);
	}
	for (i = 0; i < f->nparams; i++) {
		define_push(&v, &n, "-p");
		define_push(&v, &n, f->params[i]);
	}
	for (i = 0; i < f->nzips; i++) {
		define_push(&v, &n, "--zip");
		define_push(&v, &n, f->zips[i]);
	}
	if (f->ssh) {
		define_push(&v, &n, "--backend");
		define_push(&v, &n, "ssh");
		define_push(&v, &n, "--hosts");
		define_push(&v, &n, f->text[DEFINE_HOSTS]);
	} else {
		define_push(&v, &n, "--cores");
		define_push(&v, &n, f->text[DEFINE_CORES]);
	}
	if (!define_is_none(t = f->text[DEFINE_TIMEOUT])) {
		define_push(&v, &n, "--timeout");
		define_push(&v, &n, t);
	}
	if (!define_is_none(t = f->text[DEFINE_MEM])) {
		define_push(&v, &n, "--mem");
		define_push(&v, &n, t);
	}
	define_push(&v, &n, "--retries");
	define_push(&v, &n, f->text[DEFINE_RETRIES]);
	define_push(&v, &n, "--repeat");
	define_push(&v, &n, f->text[DEFINE_REPEAT]);
	define_push(&v, &n, "--order");
	define_push(&v, &n, f->sequential ? "sequential" : "random");
	t = f->text[DEFINE_SEED];
	if (*t != '\0' && strcmp(t, "random") != 0) {
		define_push(&v, &n, "--seed");
		define_push(&v, &n, t);
	}
	if (f->shell)
		define_push(&v, &n, "--shell");
	if (f->worker)
		define_push(&v, &n, "--worker");
	define_push(&v, &n, "--");
	for (i = 0; words[i] != NULL; i++)
		define_push(&v, &n, words[i]);
	util_strv_free(words);
	return v;
}

/* True if the list text[0..len) gives the host name (a spec without
 * slots) already. */
static bool
define_hosts_given(const char *text, size_t len, const char *name)
{
	struct host_spec sp;
	const char *p = text, *end = text + len, *q;
	struct buf b;
	size_t at;
	char *err;
	bool given = false;

	buf_init(&b);
	while (p < end && !given) {
		if ((q = memchr(p, ',', (size_t)(end - p))) == NULL)
			q = end;
		if (hosts_spec_parse(&sp, p, (size_t)(q - p), &at, &err) == 0) {
			sp.slots = 0;
			sp.slots_auto = false;
			buf_reset(&b);
			hosts_spec_format(&sp, &b);
			given = strcmp(b.data, name) == 0;
			hosts_spec_free(&sp);
		} else
			free(err);
		p = q + 1;
	}
	buf_free(&b);
	return given;
}

char **
define_hosts_complete(const char *text, char *const *names)
{
	const char *item = strrchr(text, ','), *host, *at;
	size_t head, wlen, i, n = 0;
	char **v = NULL, *spec;

	/* The last item; in "alice@no" the user stays and the host is
	 * completed. */
	item = item != NULL ? item + 1 : text;
	head = (size_t)(item - text);
	at = strchr(item, '@');
	host = at != NULL ? at + 1 : item;
	wlen = strlen(host);
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		if (strncmp(names[i], host, wlen) != 0)
			continue;
		spec = xasprintf("%.*s%s", (int)(host - item), item, names[i]);
		if (!define_hosts_given(text, head, spec)) {
			v = xreallocarray(v, n + 2, sizeof *v);
			v[n] = xasprintf("%.*s%s", (int)head, text, spec);
			v[++n] = NULL;
		}
		free(spec);
	}
	return v;
}

char **
define_host_names(void)
{
	const char *home = getenv("HOME");
	char *config, *known, **v;

	if (home == NULL || *home == '\0')
		return xcalloc(1, sizeof *v);
	config = xasprintf("%s/.ssh/config", home);
	known = xasprintf("%s/.ssh/known_hosts", home);
	v = hosts_read_names(config, known);
	free(config);
	free(known);
	return v;
}
