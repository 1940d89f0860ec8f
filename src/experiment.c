/*
 * experiment.c -- the experiment contract: substitute a point's values into
 * the command template ({name}, {point}, {rep}, {attempt}, {tag}), build
 * the job's environment (LABRAT_PARAM_<name>, ...) and its standard input
 * (the parameters as one JSON object).  Without --shell the words are
 * exec'd as they are, so no value is ever seen by a shell; with --shell
 * every substituted value is single-quoted.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "json.h"

/* Placeholders that are not parameters. */
static const char *const experiment_builtins[] = {
	"point", "rep", "attempt", "tag", NULL,
};

int
experiment_init(struct experiment *e, char *const *argv, int argc,
    bool shell, char **err)
{
	int i;

	memset(e, 0, sizeof *e);
	if (argc <= 0 || argv[0] == NULL || argv[0][0] == '\0') {
		*err = xstrdup("no experiment command: give it after '--', "
		    "e.g. labrat run -p 'x=1..10' -- ./experiment {x}");
		return -1;
	}
	e->argv = xcalloc((size_t)argc + 1, sizeof *e->argv);
	for (i = 0; i < argc; i++)
		e->argv[i] = xstrdup(argv[i]);
	e->shell = shell;
	return 0;
}

void
experiment_free(struct experiment *e)
{
	util_strv_free(e->argv);
	e->argv = NULL;
}

/* Find the next placeholder {ident} in word from *at: its name start and
 * length; braces around anything else are left alone. */
static bool
experiment_next_placeholder(const char *word, size_t *at, size_t *start,
    size_t *len)
{
	const char *p, *q;

	for (p = word + *at; (p = strchr(p, '{')) != NULL; p++) {
		q = p + 1;
		while (*q != '\0' && *q != '}' && *q != '{')
			q++;
		if (*q != '}' || !util_is_ident(p + 1, (size_t)(q - p - 1)))
			continue;
		*start = (size_t)(p + 1 - word);
		*len = (size_t)(q - p - 1);
		*at = (size_t)(q + 1 - word);
		return true;
	}
	return false;
}

static int
experiment_builtin(const char *name, size_t len)
{
	return util_strv_index(experiment_builtins, name, len);
}

int
experiment_check(const struct experiment *e, const struct space *s,
    char **err)
{
	size_t w, at, start, len, i;
	struct buf b;

	for (w = 0; e->argv[w] != NULL; w++) {
		at = 0;
		while (experiment_next_placeholder(e->argv[w], &at, &start,
		    &len)) {
			if (space_index(s, e->argv[w] + start, len) >= 0 ||
			    experiment_builtin(e->argv[w] + start, len) >= 0)
				continue;
			buf_init(&b);
			buf_printf(&b, "the command uses {%.*s} but no "
			    "parameter is named '%.*s'; ", (int)len,
			    e->argv[w] + start, (int)len, e->argv[w] + start);
			if (space_nparams(s) == 0)
				buf_adds(&b, "there are no parameters (add "
				    "one with -p NAME=VALUES)");
			else {
				buf_adds(&b, "parameters are: ");
				for (i = 0; i < space_nparams(s); i++)
					buf_printf(&b, "%s{%s}", i ? ", " : "",
					    space_name(s, i));
			}
			buf_adds(&b, "; {point}, {rep}, {attempt} and {tag} "
			    "are also known");
			*err = buf_steal(&b);
			return -1;
		}
	}
	return 0;
}

void
experiment_shell_quote(struct buf *b, const char *text, size_t len)
{
	size_t i;

	buf_addc(b, '\'');
	for (i = 0; i < len; i++) {
		if (text[i] == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, text[i]);
	}
	buf_addc(b, '\'');
}

/* Append the text of placeholder name[0..len) for this job. */
static void
experiment_expand(struct buf *b, const char *name, size_t len,
    const struct space *s, const struct value *vals, uint64_t point,
    int rep, int attempt, const char *tag)
{
	int i = space_index(s, name, len);

	if (i >= 0) {
		value_format(&vals[i], b);
		return;
	}
	switch (experiment_builtin(name, len)) {
	case 0:
		buf_printf(b, "%" PRIu64, point);
		break;
	case 1:
		buf_printf(b, "%d", rep);
		break;
	case 2:
		buf_printf(b, "%d", attempt);
		break;
	case 3:
		buf_adds(b, tag);
		break;
	default: /* refused by experiment_check; keep the text */
		buf_printf(b, "{%.*s}", (int)len, name);
		break;
	}
}

/* Substitute the placeholders of one word into b, quoting values for the
 * shell if asked. */
static void
experiment_subst(struct buf *b, const char *word, bool quote,
    const struct space *s, const struct value *vals, uint64_t point,
    int rep, int attempt, const char *tag)
{
	size_t at = 0, prev = 0, start, len;
	struct buf v;

	buf_init(&v);
	while (experiment_next_placeholder(word, &at, &start, &len)) {
		buf_add(b, word + prev, start - 1 - prev);
		buf_reset(&v);
		experiment_expand(&v, word + start, len, s, vals, point, rep,
		    attempt, tag);
		if (quote)
			experiment_shell_quote(b, v.data, v.len);
		else
			buf_add(b, v.data, v.len);
		prev = at;
	}
	buf_adds(b, word + prev);
	buf_free(&v);
}

void
experiment_prepare(const struct experiment *e, const struct space *s,
    const struct value *vals, uint64_t point, int rep, int attempt,
    const char *tag, struct experiment_job *job)
{
	size_t n = util_strv_len(e->argv), np = space_nparams(s), i, k = 0;
	struct buf b;

	memset(job, 0, sizeof *job);
	buf_init(&b);
	if (e->shell) {
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(&b, ' ');
			experiment_subst(&b, e->argv[i], true, s, vals, point,
			    rep, attempt, tag);
		}
		job->argv = xcalloc(4, sizeof *job->argv);
		job->argv[0] = xstrdup("/bin/sh");
		job->argv[1] = xstrdup("-c");
		job->argv[2] = buf_steal(&b);
	} else {
		job->argv = xcalloc(n + 1, sizeof *job->argv);
		for (i = 0; i < n; i++) {
			experiment_subst(&b, e->argv[i], false, s, vals, point,
			    rep, attempt, tag);
			job->argv[i] = buf_steal(&b);
		}
	}

	job->env = xcalloc(np + 5, sizeof *job->env);
	for (i = 0; i < np; i++) {
		buf_printf(&b, "LABRAT_PARAM_%s=", space_name(s, i));
		value_format(&vals[i], &b);
		job->env[k++] = buf_steal(&b);
	}
	job->env[k++] = xasprintf("LABRAT_POINT=%" PRIu64, point);
	job->env[k++] = xasprintf("LABRAT_REP=%d", rep);
	job->env[k++] = xasprintf("LABRAT_ATTEMPT=%d", attempt);
	job->env[k++] = xasprintf("LABRAT_TAG=%s", tag);

	buf_addc(&b, '{');
	for (i = 0; i < np; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		json_append_string(&b, space_name(s, i),
		    strlen(space_name(s, i)));
		buf_addc(&b, ':');
		value_json(&vals[i], &b);
	}
	buf_addc(&b, '}');
	job->params = xstrndup(b.data, b.len);
	buf_addc(&b, '\n');
	job->input = b;
}

void
experiment_job_clear(struct experiment_job *job)
{
	util_strv_free(job->argv);
	util_strv_free(job->env);
	buf_free(&job->input);
	free(job->params);
	memset(job, 0, sizeof *job);
}

/* True if word needs quoting to be read back by a shell as one word. */
static bool
experiment_needs_quote(const char *word)
{
	const char *p;

	if (*word == '\0')
		return true;
	for (p = word; *p != '\0'; p++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-+=.,/:@%{}", *p) == NULL)
			return true;
	}
	return false;
}

void
experiment_describe(const struct experiment *e, struct buf *b)
{
	size_t i;

	if (e->shell) {
		buf_adds(b, "sh -c ");
		for (i = 0; e->argv[i] != NULL; i++)
			buf_printf(b, "%s%s", i ? " " : "", e->argv[i]);
		return;
	}
	for (i = 0; e->argv[i] != NULL; i++) {
		if (i > 0)
			buf_addc(b, ' ');
		if (experiment_needs_quote(e->argv[i]))
			experiment_shell_quote(b, e->argv[i],
			    strlen(e->argv[i]));
		else
			buf_adds(b, e->argv[i]);
	}
}

void
experiment_to_json(const struct experiment *e, struct buf *b)
{
	size_t i;

	buf_adds(b, "{\"argv\":[");
	for (i = 0; e->argv[i] != NULL; i++) {
		if (i > 0)
			buf_addc(b, ',');
		json_append_string(b, e->argv[i], strlen(e->argv[i]));
	}
	buf_printf(b, "],\"shell\":%s}", e->shell ? "true" : "false");
}

int
experiment_from_json(struct experiment *e, const char *json, char **err)
{
	struct json_object o;
	const struct json_member *argv, *shell;
	char **words = NULL;
	size_t pos;
	int rc = -1;

	memset(e, 0, sizeof *e);
	if (json_parse_object(json, strlen(json), &o, err, &pos) != 0)
		return -1;
	argv = json_object_get(&o, "argv");
	shell = json_object_get(&o, "shell");
	if (argv == NULL || argv->type != JSON_ARRAY) {
		*err = xstrdup("the stored experiment has no command");
		goto out;
	}
	if (json_parse_string_array(argv->text, argv->len, &words, err) != 0)
		goto out;
	rc = experiment_init(e, words, (int)util_strv_len(words),
	    shell != NULL && shell->type == JSON_TRUE, err);
out:
	util_strv_free(words);
	json_object_free(&o);
	return rc;
}
