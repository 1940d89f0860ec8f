/*
 * experiment.c -- the experiment contract: substitute a point's values into
 * the command template ({name}, {point}, {rep}, {attempt}, {tag}), build
 * the job's environment (LABRAT_PARAM_<name>, ...) and its standard input
 * (the parameters as one JSON object).  The words are exec'd as they are,
 * so no value is parsed by a shell.  A shell's script -- the words joined
 * with --shell, or the script of sh -c -- never gets a value either: each
 * placeholder becomes a reference to the variable that holds it in the
 * job's environment, quoted for where it sits (shellquote.c), and a
 * placeholder where no reference is safe is refused before anything runs.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "json.h"
#include "shellquote.h"
#include "worker.h"

/* Placeholders that are not parameters, and the variables that hold them
 * in a job's environment. */
static const char *const experiment_builtins[] = {
	"point", "rep", "attempt", "tag", NULL,
};
static const char *const experiment_builtin_vars[] = {
	"LABRAT_POINT", "LABRAT_REP", "LABRAT_ATTEMPT", "LABRAT_TAG", NULL,
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

int
experiment_set_worker(struct experiment *e, int depth, char **err)
{
	if (depth < 1 || depth > WORKER_DEPTH_MAX) {
		*err = xasprintf("--worker-depth must be 1 to %d (points in "
		    "flight per worker), not %d", WORKER_DEPTH_MAX, depth);
		return -1;
	}
	e->worker = true;
	e->depth = depth;
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

/* The index of builtin placeholder name[0..len), or -1. */
static int
experiment_builtin(const char *name, size_t len)
{
	return util_strv_index(experiment_builtins, name, len);
}

/* The variable that holds placeholder name[0..len) in a job's environment,
 * appended to var; false if it names nothing. */
static bool
experiment_var(const struct space *s, const char *name, size_t len,
    struct buf *var)
{
	int i;

	if (space_index(s, name, len) >= 0) {
		buf_printf(var, "LABRAT_PARAM_%.*s", (int)len, name);
		return true;
	}
	if ((i = experiment_builtin(name, len)) < 0)
		return false;
	buf_adds(var, experiment_builtin_vars[i]);
	return true;
}

/* Say that placeholder name[0..len) names no parameter, naming those
 * that exist. */
static char *
experiment_unknown(const struct space *s, const char *name, size_t len)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	buf_printf(&b, "the command uses {%.*s} but no parameter is named "
	    "'%.*s'; ", (int)len, name, (int)len, name);
	if (space_nparams(s) == 0)
		buf_adds(&b, "there are no parameters (add one with -p "
		    "NAME=VALUES)");
	else {
		buf_adds(&b, "parameters are: ");
		for (i = 0; i < space_nparams(s); i++)
			buf_printf(&b, "%s{%s}", i ? ", " : "",
			    space_name(s, i));
	}
	buf_adds(&b, "; {point}, {rep}, {attempt} and {tag} are also known");
	return buf_steal(&b);
}

/* Append script to out with each placeholder replaced by a reference to
 * the variable that holds its value, quoted for the context it sits in
 * (if env_kept is false, the shell may not get the job's environment: no
 * reference is safe).  At the first placeholder that names nothing or
 * sits where no reference is safe, return -1 and (if err is not NULL)
 * say why and what to write instead; the output then keeps it as it is,
 * so that no value is ever in it. */
static int
experiment_rewrite(const char *script, bool env_kept, const struct space *s,
    struct buf *out, char **err)
{
	struct shellquote_mark *m = NULL;
	size_t n = shellquote_scan(script, &m), i, prev = 0, len;
	enum shellquote_context c;
	struct buf var, why;
	const char *name;
	char *ph;
	int rc = 0;

	buf_init(&var);
	for (i = 0; i < n; i++) {
		buf_add(out, script + prev, m[i].start - prev);
		prev = m[i].start + m[i].len;
		name = script + m[i].start + 1;
		len = m[i].len - 2;
		c = m[i].context;
		if (!env_kept && shellquote_context_safe(c))
			c = SHELLQUOTE_REMOTE;
		buf_reset(&var);
		if (!experiment_var(s, name, len, &var)) {
			/* ${HOME} is the shell's; {HOME} a typo */
			if (c != SHELLQUOTE_SHELLVAR && rc == 0) {
				rc = -1;
				if (err != NULL)
					*err = experiment_unknown(s, name, len);
			}
		} else if (shellquote_context_safe(c)) {
			shellquote_append_reference(out, c, var.data);
			continue;
		} else if (c != SHELLQUOTE_COMMENT && rc == 0) {
			rc = -1;
			if (err != NULL) {
				buf_init(&why);
				ph = xstrndup(script + m[i].start, m[i].len);
				shellquote_append_refusal(&why, c, ph,
				    var.data);
				free(ph);
				*err = buf_steal(&why);
			}
		}
		buf_add(out, script + m[i].start, m[i].len);
	}
	buf_adds(out, script + prev);
	buf_free(&var);
	free(m);
	return rc;
}

/* The words of the template joined by spaces: the --shell script. */
static char *
experiment_join(const struct experiment *e)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; e->argv[i] != NULL; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, e->argv[i]);
	}
	return buf_steal(&b);
}

/* The index of the word that a POSIX shell runs as its script when the
 * template is exec'd (sh -c SCRIPT ...), or -1; see shellquote.h. */
static int
experiment_find_script(const struct experiment *e, bool *env_kept)
{
	size_t n = util_strv_len(e->argv), i, at, start, len;
	const char **words = xcalloc(n + 1, sizeof *words);
	int script;

	for (i = 0; i < n; i++) {
		at = 0;
		words[i] = experiment_next_placeholder(e->argv[i], &at, &start,
		    &len) ? NULL : e->argv[i];
	}
	script = shellquote_find_script(words, n, env_kept);
	free(words);
	return script;
}

/* Refuse a worker's placeholders that name a value: values come on its
 * standard input. */
static int
experiment_check_worker(const struct experiment *e, const struct space *s,
    char **err)
{
	size_t w, at, start, len;
	struct buf var;

	buf_init(&var);
	for (w = 0; e->argv[w] != NULL; w++) {
		at = 0;
		while (experiment_next_placeholder(e->argv[w], &at, &start,
		    &len)) {
			if (!experiment_var(s, e->argv[w] + start, len, &var))
				continue;
			buf_free(&var);
			*err = xasprintf("a worker's command takes no "
			    "placeholder, but it has {%.*s}: a worker is "
			    "started once and reads each point's values as "
			    "one JSON line on its standard input (see 'labrat "
			    "help worker')", (int)len, e->argv[w] + start);
			return -1;
		}
	}
	buf_free(&var);
	return 0;
}

int
experiment_check(const struct experiment *e, const struct space *s,
    char **err)
{
	size_t w, at, start, len;
	struct buf out;
	bool env_kept;
	char *joined;
	int script, rc = 0;

	buf_init(&out);
	if (e->worker)
		return experiment_check_worker(e, s, err);
	if (e->shell) {
		joined = experiment_join(e);
		rc = experiment_rewrite(joined, true, s, &out, err);
		free(joined);
		buf_free(&out);
		return rc;
	}
	script = experiment_find_script(e, &env_kept);
	for (w = 0; e->argv[w] != NULL && rc == 0; w++) {
		if ((int)w == script) {
			rc = experiment_rewrite(e->argv[w], env_kept, s, &out,
			    err);
			continue;
		}
		at = 0;
		while (experiment_next_placeholder(e->argv[w], &at, &start,
		    &len)) {
			if (!experiment_var(s, e->argv[w] + start, len, &out)) {
				*err = experiment_unknown(s,
				    e->argv[w] + start, len);
				rc = -1;
				break;
			}
		}
	}
	buf_free(&out);
	return rc;
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

/* Substitute the values of the placeholders of one word into b (a word
 * that is exec'd as it is, never read by a shell). */
static void
experiment_subst(struct buf *b, const char *word, const struct space *s,
    const struct value *vals, uint64_t point, int rep, int attempt,
    const char *tag)
{
	size_t at = 0, prev = 0, start, len;

	while (experiment_next_placeholder(word, &at, &start, &len)) {
		buf_add(b, word + prev, start - 1 - prev);
		experiment_expand(b, word + start, len, s, vals, point, rep,
		    attempt, tag);
		prev = at;
	}
	buf_adds(b, word + prev);
}

/* Make the job a shell that fails, saying why the command was refused:
 * for a campaign recorded before labrat refused it. */
static void
experiment_refuse_job(struct experiment_job *job, const char *why)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "printf '%s%s\\n' ");
	experiment_shell_quote(&b, "labrat: ", 8);
	buf_addc(&b, ' ');
	experiment_shell_quote(&b, why, strlen(why));
	buf_adds(&b, " >&2; exit 2");
	util_strv_free(job->argv);
	job->argv = xcalloc(4, sizeof *job->argv);
	job->argv[0] = xstrdup("/bin/sh");
	job->argv[1] = xstrdup("-c");
	job->argv[2] = buf_steal(&b);
}

char **
experiment_worker_argv(const struct experiment *e)
{
	size_t n = util_strv_len(e->argv), i;
	char **argv;

	/* Run as it is: values come on standard input. */
	if (e->shell) {
		argv = xcalloc(4, sizeof *argv);
		argv[0] = xstrdup("/bin/sh");
		argv[1] = xstrdup("-c");
		argv[2] = experiment_join(e);
		return argv;
	}
	argv = xcalloc(n + 1, sizeof *argv);
	for (i = 0; i < n; i++)
		argv[i] = xstrdup(e->argv[i]);
	return argv;
}

void
experiment_prepare(const struct experiment *e, const struct space *s,
    const struct value *vals, uint64_t point, int rep, int attempt,
    const char *tag, struct experiment_job *job)
{
	size_t n = util_strv_len(e->argv), np = space_nparams(s), i, k = 0;
	struct buf b;
	char *joined, *why = NULL;
	bool env_kept;
	int script;

	memset(job, 0, sizeof *job);
	buf_init(&b);
	if (e->worker)
		job->argv = experiment_worker_argv(e);
	else if (e->shell) {
		joined = experiment_join(e);
		experiment_rewrite(joined, true, s, &b, NULL);
		free(joined);
		job->argv = xcalloc(4, sizeof *job->argv);
		job->argv[0] = xstrdup("/bin/sh");
		job->argv[1] = xstrdup("-c");
		job->argv[2] = buf_steal(&b);
	} else {
		script = experiment_find_script(e, &env_kept);
		job->argv = xcalloc(n + 1, sizeof *job->argv);
		for (i = 0; i < n; i++) {
			if ((int)i == script)
				experiment_rewrite(e->argv[i], env_kept, s, &b,
				    NULL);
			else
				experiment_subst(&b, e->argv[i], s, vals,
				    point, rep, attempt, tag);
			job->argv[i] = buf_steal(&b);
		}
	}
	if (experiment_check(e, s, &why) != 0) {
		experiment_refuse_job(job, why);
		free(why);
	}

	job->env = xcalloc(np + 5, sizeof *job->env);
	for (i = 0; i < np; i++) {
		buf_printf(&b, "LABRAT_PARAM_%s=", space_name(s, i));
		value_format(&vals[i], &b);
		job->env[k++] = buf_steal(&b);
	}
	job->env[k++] = xasprintf("%s=%" PRIu64, experiment_builtin_vars[0],
	    point);
	job->env[k++] = xasprintf("%s=%d", experiment_builtin_vars[1], rep);
	job->env[k++] = xasprintf("%s=%d", experiment_builtin_vars[2],
	    attempt);
	job->env[k++] = xasprintf("%s=%s", experiment_builtin_vars[3], tag);

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
	if (e->worker) {
		buf_reset(&b);
		worker_request(&b, job->params, strlen(job->params), point,
		    rep, attempt, tag);
	} else
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
	buf_printf(b, "],\"shell\":%s", e->shell ? "true" : "false");
	if (e->worker)
		buf_printf(b, ",\"worker\":true,\"depth\":%d", e->depth);
	buf_addc(b, '}');
}

int
experiment_from_json(struct experiment *e, const char *json, char **err)
{
	struct json_object o;
	const struct json_member *argv, *shell, *worker, *depth;
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
	worker = json_object_get(&o, "worker");
	depth = json_object_get(&o, "depth");
	if (rc == 0 && worker != NULL && worker->type == JSON_TRUE)
		rc = experiment_set_worker(e, depth != NULL &&
		    depth->type == JSON_NUMBER ? atoi(depth->text) :
		    WORKER_DEPTH_DEFAULT, err);
out:
	util_strv_free(words);
	json_object_free(&o);
	return rc;
}
