/*
 * check_experiment.c -- the experiment contract: placeholder substitution,
 * typo detection, references in shell scripts (every placement of a
 * placeholder times hostile values, run by real shells), the refusal of
 * unsafe placements, environment and standard input, and the JSON round
 * trip of a stored experiment.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "experiment.h"
#include "pool.h"
#include "space.h"
#include "testutil.h"

static struct space *
make_space(const char *const *params)
{
	struct space *s = space_new();
	struct space_error e = { NULL, 0, false };

	for (; *params != NULL; params++)
		ck_assert_msg(space_add(s, *params, &e) == 0, "%s: %s",
		    *params, e.msg);
	ck_assert_int_eq(space_finish(s, &e), 0);
	return s;
}

static void
make_exp(struct experiment *e, const char *const *words, bool shell)
{
	char *err = NULL;
	int n = 0;

	while (words[n] != NULL)
		n++;
	ck_assert_int_eq(experiment_init(e, (char *const *)words, n, shell,
	    &err), 0);
}

START_TEST(test_substitution)
{
	static const char *const params[] = { "x=1..3", "name={a, \"b c\"}",
		NULL };
	static const char *const words[] = { "prog", "--x={x}", "{name}",
		"{point}-{rep}-{attempt}-{tag}", "{\"json\": {x}}", "{not id}",
		"{}", NULL };
	struct space *s = make_space(params);
	struct experiment e;
	struct experiment_job j;
	struct value vals[2];
	char *err = NULL;

	make_exp(&e, words, false);
	ck_assert_int_eq(experiment_check(&e, s, &err), 0);
	space_point(s, 5, vals); /* x=3, name="b c" */
	experiment_prepare(&e, s, vals, 5, 1, 2, "t1", &j);
	ck_assert_str_eq(j.argv[0], "prog");
	ck_assert_str_eq(j.argv[1], "--x=3");
	ck_assert_str_eq(j.argv[2], "b c");
	ck_assert_str_eq(j.argv[3], "5-1-2-t1");
	ck_assert_str_eq(j.argv[4], "{\"json\": 3}");
	ck_assert_str_eq(j.argv[5], "{not id}");
	ck_assert_str_eq(j.argv[6], "{}");
	ck_assert_ptr_null(j.argv[7]);
	ck_assert_str_eq(j.env[0], "LABRAT_PARAM_x=3");
	ck_assert_str_eq(j.env[1], "LABRAT_PARAM_name=b c");
	ck_assert_str_eq(j.env[2], "LABRAT_POINT=5");
	ck_assert_str_eq(j.env[3], "LABRAT_REP=1");
	ck_assert_str_eq(j.env[4], "LABRAT_ATTEMPT=2");
	ck_assert_str_eq(j.env[5], "LABRAT_TAG=t1");
	ck_assert_str_eq(j.params, "{\"x\":3,\"name\":\"b c\"}");
	ck_assert_str_eq(j.input.data, "{\"x\":3,\"name\":\"b c\"}\n");
	experiment_job_clear(&j);
	experiment_free(&e);
	space_free(s);
}
END_TEST

START_TEST(test_typo_refused)
{
	static const char *const params[] = { "alpha=1..3", "beta=2", NULL };
	static const char *const words[] = { "prog", "{alpah}", NULL };
	struct space *s = make_space(params);
	struct experiment e;
	char *err = NULL;

	make_exp(&e, words, false);
	ck_assert_int_eq(experiment_check(&e, s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "{alpah}"));
	ck_assert_ptr_nonnull(strstr(err, "{alpha}"));
	ck_assert_ptr_nonnull(strstr(err, "{beta}"));
	free(err);
	experiment_free(&e);
	space_free(s);
}
END_TEST

/* Values that run `touch pwned`, or change, if a shell parses them. */
static const char *const hostile[] = {
	"'; touch pwned; '", "$(touch pwned)", "`touch pwned`",
	"\"; touch pwned; \"", "\"'\"'\"; touch pwned", "a\nb",
	"x\nEOF\ntouch pwned\nEOF", "$IFS${IFS}", "* ? [a] .*", "a\\b\\n\\",
	"\\", "'", "\"", "${x}", "-n", "--", "", "$((1+1))",
	"a[$(touch pwned)]", "\t lead and trail \t", ";|&<>(){}", "~root",
	"!", "%d%s", "# not a comment", "EOF", "\n\n", "\xc3\xa9\xe6\x97\xa5",
	NULL,
};

/* A space with one parameter v whose points are the hostile values. */
static struct space *
make_hostile_space(void)
{
	struct buf b;
	const char *p;
	size_t i;
	struct space *s;

	buf_init(&b);
	buf_adds(&b, "v={");
	for (i = 0; hostile[i] != NULL; i++) {
		buf_adds(&b, i ? ", \"" : "\"");
		for (p = hostile[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_printf(&b, "\\%c", *p);
			else if (*p == '\n')
				buf_adds(&b, "\\n");
			else if (*p == '\t')
				buf_adds(&b, "\\t");
			else
				buf_addc(&b, *p);
		}
		buf_addc(&b, '"');
	}
	buf_addc(&b, '}');
	s = make_space((const char *const[]){ b.data, NULL });
	buf_free(&b);
	return s;
}

/* A placement of {v} in a script, and what the script then prints, @
 * standing for the value. */
struct placement {
	const char *script;
	const char *expect;
	bool bash;              /* bash only */
};

static const struct placement placements[] = {
	{ "printf %s {v}", "@", false },
	{ "printf %s \"<{v}>\"", "<@>", false },
	{ "printf %s '<{v}>'", "<@>", false },
	{ "printf %s \"a'{v}'b\"", "a'@'b", false },
	{ "printf %s 'a\"{v}\"b'", "a\"@\"b", false },
	{ "printf %s {v}-{v}{rep}", "@-@0", false },
	{ "printf %s \"{v}\"'{v}'{v}", "@@@", false },
	{ "w=$(printf %s {v}; printf .); printf %s \"${w%.}\"", "@", false },
	{ "printf %s \"$(printf %s \"{v}\"; printf .)\"", "@.", false },
	{ "printf %s \"$(printf %s $(printf %s '{v}' | od -An -tx1))\" "
	    ">/dev/null; printf %s {v}", "@", false },
	{ "cat <<EOF\n[{v}]\nEOF", "[@]\n", false },
	{ "cat <<-EOF\n\t<{v}>\n\tEOF", "<@>\n", false },
	{ "cat <<EOF\n$(printf %s {v}; printf .) \"{v}\" '{v}'\nEOF",
	    "@. \"@\" '@'\n", false },
	{ "printf %s ${LABRAT_UNSET:-{v}}", "@", false },
	{ "printf %s \"${LABRAT_UNSET:-{v}}\"", "@", false },
	{ "w={v}tail; printf %s \"${w#{v}}\" \"${w%tail}\"", "tail@",
	    false },
	{ "w={v}; printf %s ${w#{v}}", "", false },
	{ "printf %s {v} # {v} $(touch pwned) ' `", "@", false },
	{ "case {v} in *) printf %s {v};; esac", "@", false },
	{ "case \"$LABRAT_PARAM_v\" in {v}) printf yes;; *) printf no;; esac",
	    "yes", false },
	{ "w={v}; printf %s \"$w\"", "@", false },
	{ "for w in {v}; do printf %s \"$w\"; done", "@", false },
	{ "( printf %s {v} ) | cat", "@", false },
	{ "f() { printf %s \"$1\"; }; f {v}", "@", false },
	{ "sh -c 'printf %s \"$1\"' sh {v}", "@", false },
	{ "f() { local w={v}; printf %s \"$w\"; }; f", "@", false },
	{ "export W={v}; sh -c 'printf %s \"$W\"'", "@", false },
	{ "cat <<<{v}", "@\n", true },
	{ "cat <(printf %s {v})", "@", true },
	{ "[[ {v} == \"$LABRAT_PARAM_v\" ]] && printf yes", "yes", true },
	{ "printf %s $\"{v}\"", "@", true },
	{ "w={v}; printf %s \"${w/\"$LABRAT_PARAM_v\"/{v}}\"", "@", true },
};

/* The placements as one script (bash ones if bash), each printing into
 * its own file p<N>, then ok=1. */
static char *
placements_script(bool bash)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < UTIL_ARRLEN(placements); i++) {
		if (!placements[i].bash || bash)
			buf_printf(&b, "{ %s\n} >p%zu\n", placements[i].script,
			    i);
	}
	buf_adds(&b, "echo ok=1");
	return buf_steal(&b);
}

/* Run job j in directory dir; fail unless it exits with status code. The
 * result's stderr goes to *errout if not NULL. */
static void
run_job(const struct experiment_job *j, const char *dir, int code,
    char **errout)
{
	struct pool *p = pool_new(1, NULL);
	struct backend_job req;
	struct backend_result r;
	double until = util_monotonic() + 30;

	memset(&req, 0, sizeof req);
	req.argv = j->argv;
	req.env = j->env;
	req.input = j->input.data;
	req.input_len = j->input.len;
	req.cwd = dir;
	ck_assert_int_eq(pool_start(p, &req), 0);
	while (pool_wait(p, 1000, &r) == 0)
		ck_assert_msg(util_monotonic() < until, "no job ended in 30 s");
	ck_assert_msg(r.end == BACKEND_EXITED && r.code == code,
	    "%s: ended %d with %d, not %d: %s", j->argv[2], (int)r.end,
	    r.code, code, r.err != NULL ? r.err : "");
	if (errout != NULL)
		*errout = xstrdup(r.err != NULL ? r.err : "");
	backend_result_clear(&r);
	pool_free(p);
}

/* Run the placements script as words (a --shell template if shell) at
 * every hostile value, two jobs at a time: the command is the same
 * whatever the value, no value runs anything, and each placement prints
 * the value byte for byte. */
static void
check_placements(const char *const *words, bool shell, bool bash)
{
	struct space *s = make_hostile_space();
	struct experiment e;
	struct experiment_job j[UTIL_ARRLEN(hostile)];
	struct backend_job req[UTIL_ARRLEN(hostile)];
	struct backend_result r;
	struct pool *pool = pool_new(2, NULL);
	struct value v;
	char *dir, *path, *got, *err = NULL;
	const char *at;
	struct buf want;
	size_t i, k, len, script, n = UTIL_ARRLEN(hostile) - 1, started = 0;
	double until = util_monotonic() + 60;
	int rc;

	make_exp(&e, words, shell);
	rc = experiment_check(&e, s, &err);
	testutil_ok(rc, err, "check");
	for (script = 0; strstr(words[script], "echo ok=1") == NULL; script++)
		;
	if (shell)
		script = 2;
	dir = testutil_tempdir();
	for (i = 0; i < n; i++) {
		space_point(s, i, &v);
		experiment_prepare(&e, s, &v, i, 0, 1, "t", &j[i]);
		ck_assert_str_eq(j[i].argv[script], j[0].argv[script]);
		memset(&req[i], 0, sizeof req[i]);
		req[i].argv = j[i].argv;
		req[i].env = j[i].env;
		req[i].input = j[i].input.data;
		req[i].input_len = j[i].input.len;
		req[i].cwd = xasprintf("%s/%zu", dir, i);
		req[i].udata = &req[i];
		ck_assert_int_eq(mkdir(req[i].cwd, 0700), 0);
	}
	for (i = 0; i < n;) {
		while (started < n && pool_start(pool, &req[started]) >= 0)
			started++;
		if (pool_wait(pool, 1000, &r) == 0) {
			ck_assert_msg(util_monotonic() < until, "no end in 60 s");
			continue;
		}
		k = (size_t)((struct backend_job *)r.udata - req);
		ck_assert_msg(r.end == BACKEND_EXITED && r.code == 0,
		    "value %zu: ended %d with %d: %s", k, (int)r.end, r.code,
		    r.err != NULL ? r.err : "");
		backend_result_clear(&r);
		i++;
	}
	pool_free(pool);
	buf_init(&want);
	for (i = 0; i < n; i++) {
		path = testutil_path(req[i].cwd, "pwned");
		ck_assert_msg(access(path, F_OK) != 0, "value %zu ran: %s", i,
		    j[i].argv[script]);
		free(path);
		for (k = 0; k < UTIL_ARRLEN(placements); k++) {
			if (placements[k].bash && !bash)
				continue;
			buf_reset(&want);
			for (at = placements[k].expect; *at != '\0'; at++) {
				if (*at == '@')
					buf_adds(&want, hostile[i]);
				else
					buf_addc(&want, *at);
			}
			path = xasprintf("%s/p%zu", req[i].cwd, k);
			got = testutil_read_file(path, &len);
			ck_assert_msg(got != NULL && len == want.len &&
			    memcmp(got, want.data, len) == 0,
			    "placement %s, value %zu: got [%s], want [%s]",
			    placements[k].script, i, got ? got : "(none)",
			    want.data);
			free(got);
			free(path);
		}
		free((char *)req[i].cwd);
		experiment_job_clear(&j[i]);
	}
	testutil_rmtree(dir);
	free(dir);
	buf_free(&want);
	experiment_free(&e);
	space_free(s);
}

START_TEST(test_shell_placements)
{
	char *script = placements_script(false);

	check_placements((const char *const[]){ script, NULL }, true, false);
	free(script);
}
END_TEST

START_TEST(test_sh_c_placements)
{
	char *script = placements_script(false);

	check_placements((const char *const[]){ "/bin/sh", "-ec", script,
	    "name", "{v}", NULL }, false, false);
	check_placements((const char *const[]){ "env", "A=1", "nice", "-n",
	    "1", "dash", "-c", script, NULL }, false, false);
	free(script);
}
END_TEST

START_TEST(test_bash_placements)
{
	char *script = placements_script(true);

	if (access("/bin/bash", X_OK) == 0)
		check_placements((const char *const[]){ "timeout", "60",
		    "/bin/bash", "-o", "pipefail", "-c", script, NULL }, false,
		    true);
	free(script);
}
END_TEST

START_TEST(test_shell_references)
{
	static const char *const params[] = { "x={a, b}", NULL };
	static const struct {
		const char *script, *want;
	} cases[] = {
		{ "echo {x}", "echo \"${LABRAT_PARAM_x}\"" },
		{ "echo \"v={x}\"", "echo \"v=${LABRAT_PARAM_x}\"" },
		{ "echo 'v={x}'", "echo 'v='\"${LABRAT_PARAM_x}\"''" },
		{ "cat <<EOF\n{x}\nEOF", "cat <<EOF\n${LABRAT_PARAM_x}\nEOF" },
		{ "echo {tag} {rep} {attempt} {point}", "echo "
		    "\"${LABRAT_TAG}\" \"${LABRAT_REP}\" \"${LABRAT_ATTEMPT}\" "
		    "\"${LABRAT_POINT}\"" },
		{ "echo ${HOME} # {x} {}", "echo ${HOME} # {x} {}" },
		{ "echo '{\"a\": {x}}' {} {x y}", "echo '{\"a\": '"
		    "\"${LABRAT_PARAM_x}\"'}' {} {x y}" },
		{ "echo ${V:-{x}}", "echo ${V:-\"${LABRAT_PARAM_x}\"}" },
		{ "sh ./s.sh {x}; . {x}", "sh ./s.sh \"${LABRAT_PARAM_x}\"; "
		    ". \"${LABRAT_PARAM_x}\"" },
	};
	struct space *s = make_space(params);
	struct experiment e;
	struct experiment_job j;
	struct value vals[2];
	const char *p, *q;
	char *err = NULL, *var;
	size_t i, k;
	bool found;
	int rc;

	space_point(s, 1, vals);
	for (i = 0; i < UTIL_ARRLEN(cases); i++) {
		make_exp(&e, (const char *const[]){ cases[i].script, NULL },
		    true);
		rc = experiment_check(&e, s, &err);
		testutil_ok(rc, err, cases[i].script);
		experiment_prepare(&e, s, vals, 1, 0, 1, "t", &j);
		ck_assert_str_eq(j.argv[0], "/bin/sh");
		ck_assert_str_eq(j.argv[1], "-c");
		ck_assert_str_eq(j.argv[2], cases[i].want);
		/* every variable referenced is in the job's environment */
		for (p = j.argv[2]; (p = strstr(p, "${LABRAT_")) != NULL;
		    p = q) {
			q = strchr(p, '}');
			var = xasprintf("%.*s=", (int)(q - p - 2), p + 2);
			for (found = false, k = 0; j.env[k] != NULL; k++)
				found = found || strncmp(j.env[k], var,
				    strlen(var)) == 0;
			ck_assert_msg(found, "%s is not in the environment",
			    var);
			free(var);
		}
		experiment_job_clear(&j);
		experiment_free(&e);
	}
	space_free(s);
}
END_TEST

/* Placements where no reference is safe, and what the refusal says. */
static const struct {
	const char *script, *says;
} unsafe[] = {
	{ "echo `echo {v}`", "use $(...) instead of backticks" },
	{ "echo $'a{v}'", "$'...'" },
	{ "echo \\{v}", "backslash" },
	{ "echo \"\\{v}\"", "backslash" },
	{ "cat <<EOF\n\\{v}\nEOF", "backslash" },
	{ "echo $(( {v} + 1 ))", "a[$(cmd)]" },
	{ "echo \"$(( 1 + $(echo \"))\") + {v} ))\"", "arithmetic" },
	{ "(( n = {v} ))", "arithmetic" },
	{ "for ((i = 0; i < {v}; i++)); do :; done", "arithmetic" },
	{ "for((i={v};;)); do :; done", "arithmetic" },
	{ "while(({v} > 1)); do :; done", "arithmetic" },
	{ "if(({v})); then :; fi", "arithmetic" },
	{ "echo $[{v}]", "arithmetic" },
	{ "let n={v}", "arithmetic" },
	{ "declare -i n; declare -i n={v}", "arithmetic" },
	{ "a[{v}]=1", "subscript" },
	{ "unset 'a[{v}]'", "subscript" },
	{ "printf -v \"a[{v}]\" x", "subscript" },
	{ "echo ${a[{v}]}", "subscript" },
	{ "a=([{v}]=1)", "subscript" },
	{ "[[ {v} -eq 1 ]]", "-eq" },
	{ "[ 1 -lt \"{v}\" ]", "-eq" },
	{ "echo ${s:{v}:1}", "${v:offset}" },
	{ "cat <<'EOF'\n{v}\nEOF", "use an unquoted delimiter <<EOF" },
	{ "cat <<\"EOF\"\n{v}\nEOF", "<<EOF" },
	{ "cat <<\\EOF\n{v}\nEOF", "<<EOF" },
	{ "cat <<{v}\nx\n{v}", "delimiter" },
	{ "eval \"echo {v}\"", "eval 'echo \"$LABRAT_PARAM_v\"'" },
	{ "f() { eval {v}; }", "eval" },
	{ "f(){ eval {v}; }", "eval" },
	{ "f () (eval {v})", "eval" },
	{ "!(eval {v})", "eval" },
	{ "a=(1 2) eval {v}", "eval" },
	{ "coproc eval {v}", "eval" },
	{ "$'eval' {v}", "eval" },
	{ "$\"eval\" {v}", "eval" },
	{ ". <(printf %s {v})", "sh -c" },
	{ "bash <(echo {v})", "sh -c" },
	{ ". /dev/stdin <<EOF\n{v}\nEOF", "sh -c" },
	{ "source /dev/stdin <<<{v}", "sh -c" },
	{ "!(({v}))", "arithmetic" },
	{ "trap 'echo {v}' EXIT", "trap" },
	{ "alias a='echo {v}'", "alias" },
	{ "sh -c 'echo {v}'", "sh -c 'echo \"$1\"' sh {v}" },
	{ "x=1 exec /bin/bash -ec \"echo {v}\"", "sh -c" },
	{ "\"$SHELL\" -c \"echo {v}\"", "sh -c" },
	{ "sh <<EOF\necho {v}\nEOF", "sh -c" },
	{ "cat <<EOF | sh\necho {v}\nEOF", "sh -c" },
	{ "echo {v} | bash", "sh -c" },
	{ "(echo {v}) | sh", "sh -c" },
	{ "{ echo {v}; } | sh", "sh -c" },
	{ "echo a | if :; then echo {v}; fi | cat | sh", "sh -c" },
	{ "for w in {v}; do echo \"$w\"; done | sh", "sh -c" },
	{ "case a in a) echo {v};; esac | sh", "sh -c" },
	{ "bash <<<{v}", "sh -c" },
	{ "read {v}", "variable's name" },
	{ "printf -v {v} %s x", "variable's name" },
	{ "[[ -v {v} ]]", "variable's name" },
	{ "declare {v}=1", "variable's name" },
	{ "declare -n r={v}", "variable's name" },
	{ "PS4={v}; set -x", "PS4" },
	{ "export PROMPT_COMMAND={v}", "PS4" },
	{ "echo ${#{v}}", "${...}" },
	{ "echo ${v}", "its own variable" },
	{ "echo {nope}", "no parameter is named 'nope'" },
};

/* Check that every unsafe placement is refused as words (the script is
 * the word with @ in it). */
static void
check_unsafe(const char *const *words, bool shell)
{
	static const char *const params[] = { "v={1, 2}", NULL };
	struct space *s = make_space(params);
	struct experiment e;
	char *w[8], *err;
	size_t i, k;

	for (i = 0; i < UTIL_ARRLEN(unsafe); i++) {
		for (k = 0; words[k] != NULL; k++)
			w[k] = strcmp(words[k], "@") == 0 ?
			    (char *)unsafe[i].script : (char *)words[k];
		w[k] = NULL;
		make_exp(&e, (const char *const *)w, shell);
		err = NULL;
		ck_assert_msg(experiment_check(&e, s, &err) == -1,
		    "not refused: %s", unsafe[i].script);
		ck_assert_msg(strstr(err, unsafe[i].says) != NULL &&
		    strstr(err, "{") != NULL, "%s: %s", unsafe[i].script, err);
		free(err);
		experiment_free(&e);
	}
	space_free(s);
}

START_TEST(test_shell_unsafe_refused)
{
	check_unsafe((const char *const[]){ "@", NULL }, true);
	check_unsafe((const char *const[]){ "sh", "-c", "@", NULL }, false);
	check_unsafe((const char *const[]){ "/usr/bin/env", "bash", "-xc",
	    "@", "bash", "{v}", NULL }, false);
}
END_TEST

START_TEST(test_shell_wrappers)
{
	static const char *const params[] = { "v={1, 2}", NULL };
	const char *const *const commands[] = {
		(const char *const[]){ "flock", "/tmp/lock", "sh", "-c",
			"echo {v}", NULL },
		(const char *const[]){ "timeout", "-s", "KILL", "10", "numactl",
			"-N", "0", "bash", "-ec", "echo {v}", NULL },
		(const char *const[]){ "env", "A=1", "B=2", "nice", "-n", "5",
			"taskset", "-c", "0", "dash", "-c", "echo {v}", NULL },
		(const char *const[]){ "perf", "stat", "-e", "cycles", "sh",
			"-c", "echo {v}", NULL },
	};
	struct space *s = make_space(params);
	struct experiment e;
	struct experiment_job j;
	struct value v;
	char *err = NULL;
	size_t i;
	int rc;

	space_point(s, 0, &v);
	for (i = 0; i < UTIL_ARRLEN(commands); i++) {
		make_exp(&e, commands[i], false);
		rc = experiment_check(&e, s, &err);
		testutil_ok(rc, err, commands[i][0]);
		experiment_prepare(&e, s, &v, 0, 0, 1, "t", &j);
		ck_assert_str_eq(j.argv[util_strv_len(j.argv) - 1],
		    "echo \"${LABRAT_PARAM_v}\"");
		experiment_job_clear(&j);
		experiment_free(&e);
	}
	space_free(s);
}
END_TEST

START_TEST(test_shell_unknown_env_refused)
{
	static const char *const params[] = { "v={1, 2}", "sh={sh, bash}",
		NULL };
	const char *const *const commands[] = {
		(const char *const[]){ "sudo", "sh", "-c", "echo {v}", NULL },
		(const char *const[]){ "env", "-i", "sh", "-c", "echo {v}",
			NULL },
		(const char *const[]){ "nice", "sudo", "sh", "-c", "echo {v}",
			NULL },
		(const char *const[]){ "{sh}", "-c", "echo {v}", NULL },
	};
	struct space *s = make_space(params);
	struct experiment e;
	char *err;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(commands); i++) {
		make_exp(&e, commands[i], false);
		err = NULL;
		ck_assert_int_eq(experiment_check(&e, s, &err), -1);
		ck_assert_msg(strstr(err, "environment") != NULL &&
		    strstr(err, "sh -c 'echo \"$1\"' sh {v}") != NULL, "%s",
		    err);
		free(err);
		experiment_free(&e);
	}
	space_free(s);
}
END_TEST

START_TEST(test_not_a_shell_script)
{
	static const char *const params[] = { "v={\"$(touch pwned)\"}",
		NULL };
	const char *const *const commands[] = {
		(const char *const[]){ "./sim", "--seed", "{v}", "-c", "{v}",
			NULL },
		(const char *const[]){ "grep", "-c", "sh", "{v}", NULL },
		(const char *const[]){ "sh", "-c", "printf %s \"$1\"", "sh",
			"{v}", NULL },
	};
	struct space *s = make_space(params);
	struct experiment e;
	struct experiment_job j;
	struct value v;
	char *err = NULL;
	size_t i, n;
	int rc;

	space_point(s, 0, &v);
	for (i = 0; i < UTIL_ARRLEN(commands); i++) {
		make_exp(&e, commands[i], false);
		rc = experiment_check(&e, s, &err);
		testutil_ok(rc, err, commands[i][0]);
		experiment_prepare(&e, s, &v, 0, 0, 1, "t", &j);
		n = util_strv_len(j.argv);
		ck_assert_str_eq(j.argv[n - 1], "$(touch pwned)");
		experiment_job_clear(&j);
		experiment_free(&e);
	}
	space_free(s);
}
END_TEST

START_TEST(test_shell_refused_job_fails)
{
	static const char *const params[] = { "v={\"$(touch pwned)\"}", NULL };
	/* as recorded before labrat refused it: prepare without check */
	static const char *const words[] = { "echo `echo {v}` >out", NULL };
	struct space *s = make_space(params);
	struct experiment e;
	struct experiment_job j;
	struct value v;
	char *dir = testutil_tempdir(), *path, *err;

	make_exp(&e, words, true);
	space_point(s, 0, &v);
	experiment_prepare(&e, s, &v, 0, 0, 1, "t", &j);
	ck_assert_ptr_null(strstr(j.argv[2], "touch"));
	run_job(&j, dir, 2, &err);
	ck_assert_ptr_nonnull(strstr(err, "labrat: the command puts {v} "
	    "inside backticks"));
	path = testutil_path(dir, "out");
	ck_assert_int_ne(access(path, F_OK), 0);
	free(path);
	free(err);
	testutil_rmtree(dir);
	free(dir);
	experiment_job_clear(&j);
	experiment_free(&e);
	space_free(s);
}
END_TEST

START_TEST(test_no_shell_keeps_bytes)
{
	static const char *const params[] = {
		"v={\"'; touch pwned'\", \"$(id)\", \"a\\nb\"}", NULL };
	static const char *const words[] = { "prog", "{v}", NULL };
	struct space *s = make_space(params);
	struct experiment e;
	struct experiment_job j;
	struct value v;

	make_exp(&e, words, false);
	space_point(s, 2, &v);
	experiment_prepare(&e, s, &v, 2, 0, 1, "t", &j);
	ck_assert_str_eq(j.argv[1], "a\nb");
	ck_assert_str_eq(j.params, "{\"v\":\"a\\nb\"}");
	experiment_job_clear(&j);
	experiment_free(&e);
	space_free(s);
}
END_TEST

START_TEST(test_json_round_trip)
{
	static const char *const words[] = { "python3", "-c",
		"import json; print(json.dumps({\"a\": 1}))", "é", NULL };
	struct experiment e, f;
	struct buf b;
	char *err = NULL;
	size_t i;

	make_exp(&e, words, true);
	buf_init(&b);
	experiment_to_json(&e, &b);
	ck_assert_int_eq(experiment_from_json(&f, b.data, &err), 0);
	ck_assert(f.shell);
	for (i = 0; words[i] != NULL; i++)
		ck_assert_str_eq(f.argv[i], words[i]);
	ck_assert_ptr_null(f.argv[i]);
	experiment_free(&f);
	ck_assert_int_eq(experiment_from_json(&f, "{\"shell\":true}", &err),
	    -1);
	free(err);
	buf_free(&b);
	experiment_free(&e);
}
END_TEST

START_TEST(test_empty_command)
{
	struct experiment e;
	char *err = NULL;

	ck_assert_int_eq(experiment_init(&e, NULL, 0, false, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "--"));
	free(err);
}
END_TEST

Suite *
suite_experiment(void)
{
	Suite *s = suite_create("experiment");
	TCase *tc = tcase_create("contract");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_substitution);
	tcase_add_test(tc, test_typo_refused);
	tcase_add_test(tc, test_shell_references);
	tcase_add_test(tc, test_shell_placements);
	tcase_add_test(tc, test_sh_c_placements);
	tcase_add_test(tc, test_bash_placements);
	tcase_add_test(tc, test_shell_unsafe_refused);
	tcase_add_test(tc, test_shell_wrappers);
	tcase_add_test(tc, test_shell_unknown_env_refused);
	tcase_add_test(tc, test_not_a_shell_script);
	tcase_add_test(tc, test_shell_refused_job_fails);
	tcase_add_test(tc, test_no_shell_keeps_bytes);
	tcase_add_test(tc, test_json_round_trip);
	tcase_add_test(tc, test_empty_command);
	suite_add_tcase(s, tc);
	return s;
}
