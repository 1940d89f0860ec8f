/*
 * shellquote_cmd.c -- what the commands of a shell script do with their
 * words, for the lexer (shellquote.c): which run a word as shell code
 * (eval, trap, alias, the script of sh -c, what a shell reads on its
 * standard input) or as arithmetic (let, declare -i, -eq), which start a
 * shell and whether it gets the job's environment; and the messages that
 * refuse a placeholder where no reference is safe.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "shellquote_int.h"

/* Words before a command that leave it the command. */
static const char *const shellquote_prefixes[] = {
	"command", "builtin", NULL,
};

/* Builtins that run their arguments as shell code. */
static const char *const shellquote_evaluators[] = {
	"eval", "trap", "alias", NULL,
};

/* Builtins whose arguments are NAME or NAME=VALUE; with -i the values
 * are arithmetic, with -n the names of other variables. */
static const char *const shellquote_declarers[] = {
	"declare", "typeset", "local", "export", "readonly", NULL,
};

/* Builtins whose arguments are variables' names (bash evaluates a
 * subscript in a name as arithmetic: a[$(cmd)] runs cmd). */
static const char *const shellquote_namers[] = {
	"read", "unset", "mapfile", "readarray", "getopts", NULL,
};

/* Options of test, [ and [[ whose operand is a variable's name. */
static const char *const shellquote_name_tests[] = {
	"-v", "-R", NULL,
};

/* Builtins that run a file as a script. */
static const char *const shellquote_sourcers[] = {
	".", "source", NULL,
};

/* Files that are a command's standard input. */
static const char *const shellquote_stdin_files[] = {
	"/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", NULL,
};

/* Variables whose values a shell runs or expands again as code. */
static const char *const shellquote_code_vars[] = {
	"PS0", "PS1", "PS2", "PS3", "PS4", "PROMPT_COMMAND", "BASH_ENV",
	"ENV", NULL,
};

/* Operators whose operands bash's [[ ]] and ksh's test evaluate as
 * arithmetic. */
static const char *const shellquote_arith_ops[] = {
	"-eq", "-ne", "-lt", "-le", "-gt", "-ge", NULL,
};

/* POSIX-like shells, whose -c option takes a script. */
static const char *const shellquote_shells[] = {
	"sh", "bash", "dash", "ash", "ksh", "ksh93", "mksh", "lksh", "pdksh",
	"oksh", "loksh", "yash", "posh", "zsh", "hush", "rbash", NULL,
};

/* Commands that run the rest of their arguments as a command with the
 * same environment (unless told otherwise: env -i, exec -c), and how many
 * operands they take before it (timeout DURATION, flock FILE). */
static const struct {
	const char *name;
	int operands;
} shellquote_wrappers[] = {
	{ "env", 0 }, { "exec", 0 }, { "command", 0 }, { "builtin", 0 },
	{ "nice", 0 }, { "nohup", 0 }, { "setsid", 0 }, { "stdbuf", 0 },
	{ "time", 0 }, { "timeout", 1 }, { "ionice", 0 }, { "taskset", 1 },
	{ "chrt", 1 }, { "numactl", 0 }, { "flock", 1 }, { "xargs", 0 },
	{ "strace", 0 }, { "ltrace", 0 }, { "valgrind", 0 }, { "perf", 1 },
	{ "srun", 0 }, { "busybox", 0 },
};

/* Commands before a shell that hand it their standard input. */
static const char *const shellquote_runners[] = {
	"env", "exec", "command", "builtin", "nice", "nohup", "setsid",
	"stdbuf", "time", "timeout", "ionice", "taskset", "chrt", "numactl",
	"flock", "strace", "ltrace", "valgrind", "perf", "srun", "busybox",
	"sudo", "doas", "ssh", NULL,
};

/* Why a placeholder is refused, by context: @P is the placeholder, @V the
 * variable that holds its value. */
static const char *const shellquote_refusals[] = {
	[SHELLQUOTE_SHELLVAR] = "the command uses $@P, which a shell reads as "
	    "its own variable, not as the parameter: write @P for the value "
	    "(labrat quotes it), or \"$@V\"",
	[SHELLQUOTE_BACKSLASH] = "the command puts @P right after a "
	    "backslash, where its value cannot be passed safely: remove the "
	    "backslash, or write \"$@V\" instead",
	[SHELLQUOTE_BACKTICK] = "the command puts @P inside backticks `...`, "
	    "where its value cannot be passed safely: use $(...) instead of "
	    "backticks",
	[SHELLQUOTE_ANSIC] = "the command puts @P inside $'...', where its "
	    "value cannot be passed safely: close the $'...' before @P "
	    "($'a\\tb'@P)",
	[SHELLQUOTE_ARITH] = "the command puts @P in arithmetic ($((...)), "
	    "((...)), let, declare -i, an array subscript, ${v:offset}, or "
	    "an operand of -eq, -lt, ...), which bash evaluates again: a "
	    "value such as a[$(cmd)] would run cmd; copy it to a variable "
	    "and check that it is a number first (n=@P; case $n in "
	    "''|*[!0-9]*) exit 2;; esac), then use $n",
	[SHELLQUOTE_PARAMNAME] = "the command puts @P as a name in ${...}, "
	    "where its value cannot be passed safely: write \"$@V\" instead",
	[SHELLQUOTE_DELIMITER] = "the command puts @P in a here-document's "
	    "delimiter, which is never expanded: use a fixed delimiter such "
	    "as <<EOF",
	[SHELLQUOTE_HEREDOC] = "the command puts @P in a here-document whose "
	    "delimiter is quoted (<<'EOF', <<\"EOF\" or <<\\EOF), where "
	    "nothing is expanded: use an unquoted delimiter <<EOF, or read "
	    "\"$@V\"",
	[SHELLQUOTE_NAME] = "the command puts @P where bash reads it as a "
	    "variable's name (read, unset, printf -v, test -v, declare NAME, "
	    "declare -n), and a subscript in it such as a[$(cmd)] would run "
	    "cmd: give the value to a fixed name instead (NAME=@P)",
	[SHELLQUOTE_EVAL] = "the command puts @P in an argument of eval, "
	    "trap or alias, or in a variable the shell runs (PS4, "
	    "PROMPT_COMMAND, BASH_ENV, ENV), which runs its value as shell "
	    "code: name the variable in that code instead (eval 'echo "
	    "\"$@V\"')",
	[SHELLQUOTE_SHELL] = "the command puts @P in the script of a shell "
	    "it starts (sh -c '...', sh <<EOF, ... | sh), which would run its "
	    "value as code: pass it as an argument instead (sh -c 'echo "
	    "\"$1\"' sh @P), or name the variable in that script (\"$@V\")",
	[SHELLQUOTE_REMOTE] = "the command puts @P in the script of a shell "
	    "that labrat cannot tell gets the job's environment (one started "
	    "through another command, or named by a parameter or a "
	    "variable), so it cannot pass the value there safely: pass it as "
	    "an argument instead (sh -c 'echo \"$1\"' sh @P)",
	[SHELLQUOTE_DEEP] = "the command puts @P deeper than 64 nested "
	    "quotes and substitutions, which labrat does not follow: "
	    "simplify the command, or read \"$@V\" in a script",
};

void
shellquote_append_refusal(struct buf *b, enum shellquote_context c,
    const char *ph, const char *var)
{
	const char *t = NULL, *p;

	if ((size_t)c < UTIL_ARRLEN(shellquote_refusals))
		t = shellquote_refusals[c];
	if (t == NULL) {
		buf_printf(b, "the command puts %s where its value cannot be "
		    "passed safely", ph);
		return;
	}
	for (p = t; *p != '\0'; p++) {
		if (p[0] == '@' && p[1] == 'P') {
			buf_adds(b, ph);
			p++;
		} else if (p[0] == '@' && p[1] == 'V') {
			buf_adds(b, var);
			p++;
		} else
			buf_addc(b, *p);
	}
}

/* The basename of a command word. */
static const char *
shellquote_basename(const char *w)
{
	const char *slash = strrchr(w, '/');

	return slash != NULL ? slash + 1 : w;
}

/* True if word w (NULL if not literal) is one of v. */
bool
shellquote_word_is(const char *w, const char *const *v)
{
	return w != NULL && util_strv_index(v, w, strlen(w)) >= 0;
}

/* The index of wrapper w in shellquote_wrappers, or -1. */
static int
shellquote_wrapper(const char *w)
{
	size_t i;

	for (i = 0; w != NULL && i < UTIL_ARRLEN(shellquote_wrappers); i++) {
		if (strcmp(shellquote_basename(w),
		    shellquote_wrappers[i].name) == 0)
			return (int)i;
	}
	return -1;
}

/* True if the words before the shell at words[at] pass the environment
 * on: only wrappers, their options, the arguments of options, their
 * operands and NAME=VALUE; never env -i, env -u, env -S or exec -c. */
static bool
shellquote_env_kept(const char *const *words, size_t at)
{
	const char *w, *wrapper = NULL;
	bool option_before = false;
	int operands = 0, k;
	size_t i;

	for (i = 0; i < at; i++) {
		w = words[i];
		if (w == NULL)
			return false;
		if ((k = shellquote_wrapper(w)) >= 0) {
			wrapper = shellquote_wrappers[k].name;
			operands = shellquote_wrappers[k].operands;
			option_before = false;
			continue;
		}
		if (wrapper == NULL)
			return false;
		if (w[0] == '-') {
			if (strcmp(wrapper, "env") == 0 && (w[1] == '\0' ||
			    (w[1] != '-' && strpbrk(w + 1, "iuS") != NULL) ||
			    strncmp(w, "--ignore", 8) == 0 ||
			    strncmp(w, "--unset", 7) == 0 ||
			    strncmp(w, "--split", 7) == 0))
				return false;
			if (strcmp(wrapper, "exec") == 0 &&
			    strchr(w + 1, 'c') != NULL)
				return false;
			option_before = true;
			continue;
		}
		/* NAME=VALUE of env, an option's argument, or an operand */
		if ((strchr(w, '=') == NULL || strcmp(wrapper, "env") != 0) &&
		    !option_before && operands-- <= 0)
			return false;
		option_before = false;
	}
	return true;
}

/* True if words[i] may start a POSIX shell: a shell's name, busybox sh,
 * or as the command name, a word labrat cannot read (a parameter,
 * "$SHELL") followed by an option cluster with c.  *at is where the
 * shell's options start - 1. */
static bool
shellquote_is_shell(const char *const *words, size_t n, size_t i,
    size_t *at)
{
	const char *b, *next = i + 1 < n ? words[i + 1] : NULL;

	*at = i;
	if (words[i] == NULL)
		return i == 0 && next != NULL && next[0] == '-' &&
		    next[1] != '-' && strchr(next, 'c') != NULL;
	b = shellquote_basename(words[i]);
	if (strcmp(b, "busybox") == 0 && next != NULL &&
	    (strcmp(next, "sh") == 0 || strcmp(next, "ash") == 0 ||
	    strcmp(next, "hush") == 0)) {
		*at = i + 1;
		return true;
	}
	return shellquote_word_is(b, shellquote_shells);
}

/* Find the first POSIX shell in the command words[from..n): its index
 * (or -1), in *script the index of the script it runs with -c or else of
 * the file it runs (or -1; *is_file tells which), whether it reads its
 * script from standard input, and whether the commands before it keep
 * the job's environment. */
static int
shellquote_find_shell(const char *const *words, size_t n, size_t from,
    int *script, bool *is_file, bool *reads_stdin, bool *env_kept)
{
	const char *w;
	size_t i, at, j;
	bool c = false, s = false;

	*script = -1;
	*is_file = false;
	*reads_stdin = false;
	*env_kept = false;
	for (i = from; i < n && !shellquote_is_shell(words, n, i, &at); i++)
		;
	if (i >= n)
		return -1;
	for (j = at + 1; j < n && (w = words[j]) != NULL; j++) {
		if (strcmp(w, "--") == 0 || strcmp(w, "-") == 0) {
			j++;
			break;
		}
		if ((w[0] != '-' && w[0] != '+') || w[1] == '\0')
			break;
		if (w[0] == '-' && w[1] == '-') {
			if (strcmp(w, "--rcfile") == 0 ||
			    strcmp(w, "--init-file") == 0)
				j++;
			continue;
		}
		c = c || strchr(w + 1, 'c') != NULL;
		s = s || strchr(w + 1, 's') != NULL;
		if (strpbrk(w + 1, "oO") != NULL)
			j++; /* -o OPTION */
	}
	*env_kept = words[i] != NULL && shellquote_env_kept(words, i);
	if (c && j < n)
		*script = (int)j;
	else if (!c && !s && j < n) {
		*script = (int)j;
		*is_file = true;
	}
	if (!c && (s || j >= n || shellquote_word_is(words[j],
	    shellquote_stdin_files)) && (i == 0 || (words[0] != NULL &&
	    shellquote_word_is(shellquote_basename(words[0]),
	    shellquote_runners))))
		*reads_stdin = true;
	return (int)i;
}

int
shellquote_find_script(const char *const *words, size_t n, bool *env_kept)
{
	bool is_file, reads_stdin;
	int script;

	shellquote_find_shell(words, n, 0, &script, &is_file, &reads_stdin,
	    env_kept);
	return is_file ? -1 : script;
}

/* Refuse the placeholders that the command being classified hands as a
 * script to a shell on its standard input: in its here-documents and
 * here-strings, and in the commands before it in its pipeline. */
static void
shellquote_force_stdin(struct shellquote_lexer *L,
    struct shellquote_script *st)
{
	struct shellquote_word *w = st->words;
	size_t i;

	for (i = 0; i < L->ndocs; i++) {
		if (L->docs[i].cmd >= st->pipe_cmd)
			L->docs[i].to_shell = true;
	}
	for (i = 0; i < st->nwords; i++) {
		if (w[i].kind == SHELLQUOTE_HERESTRING)
			shellquote_force(L, w[i].first, w[i].last,
			    SHELLQUOTE_SHELL);
	}
	shellquote_force(L, st->pipe_first, w[0].first, SHELLQUOTE_SHELL);
}

/* The variable that word w assigns (NAME=... or NAME+=...) is one of v. */
static bool
shellquote_assigns(const struct shellquote_lexer *L,
    const struct shellquote_word *w, const char *const *v)
{
	size_t i = w->start;

	while (i < w->end && (L->s[i] == '_' || (L->s[i] >= 'A' &&
	    L->s[i] <= 'Z') || (L->s[i] >= 'a' && L->s[i] <= 'z') ||
	    (i > w->start && L->s[i] >= '0' && L->s[i] <= '9')))
		i++;
	return i > w->start && i < w->end && (L->s[i] == '=' ||
	    L->s[i] == '+') && util_strv_index(v, L->s + w->start,
	    i - w->start) >= 0;
}

/* True if word w has a placeholder before its first '=' (in the name of
 * NAME=VALUE), or has placeholders and no '='. */
static bool
shellquote_in_name(const struct shellquote_lexer *L,
    const struct shellquote_word *w)
{
	const char *eq;

	if (w->first == w->last)
		return false;
	eq = memchr(L->s + w->start, '=', w->end - w->start);
	return eq == NULL || L->marks[w->first].start < (size_t)(eq - L->s);
}

/* Refuse placeholders that the builtin at args[k] (words index[k..n))
 * would run as code, evaluate as arithmetic or read as a name. */
static void
shellquote_classify_builtin(struct shellquote_lexer *L,
    struct shellquote_script *st, const char **args, const size_t *index,
    size_t k, size_t n)
{
	struct shellquote_word *w = st->words, *a;
	size_t first = w[index[k]].first, last = w[index[n - 1]].last, i;
	const char *name = args[k];

	if (shellquote_word_is(name, shellquote_evaluators))
		shellquote_force(L, first, last, SHELLQUOTE_EVAL);
	if (name != NULL && strcmp(name, "let") == 0)
		shellquote_force(L, first, last, SHELLQUOTE_ARITH);
	if (shellquote_word_is(name, shellquote_namers))
		shellquote_force(L, first, last, SHELLQUOTE_NAME);
	if (shellquote_word_is(name, shellquote_sourcers) && k + 1 < n) {
		/* . <(echo {x}), . /dev/stdin <<EOF */
		a = &w[index[k + 1]];
		if (a->procsub)
			shellquote_force(L, a->first, a->last,
			    SHELLQUOTE_SHELL);
		if (shellquote_word_is(args[k + 1], shellquote_stdin_files))
			shellquote_force_stdin(L, st);
	}
	for (i = k + 1; i < n; i++) {
		a = &w[index[i]];
		if (name != NULL && ((strcmp(name, "printf") == 0 &&
		    args[i - 1] != NULL && strcmp(args[i - 1], "-v") == 0) ||
		    ((strcmp(name, "test") == 0 || strcmp(name, "[") == 0 ||
		    strcmp(name, "[[") == 0) &&
		    shellquote_word_is(args[i - 1], shellquote_name_tests))))
			shellquote_force(L, a->first, a->last,
			    SHELLQUOTE_NAME);
		if (!shellquote_word_is(name, shellquote_declarers))
			continue;
		if (args[i] != NULL && shellquote_is(args[i][0], "-+")) {
			if (strchr(args[i], 'i') != NULL)
				shellquote_force(L, first, last,
				    SHELLQUOTE_ARITH);
			if (strchr(args[i], 'n') != NULL)
				shellquote_force(L, first, last,
				    SHELLQUOTE_NAME);
		} else if (shellquote_in_name(L, a))
			shellquote_force(L, a->first, a->last,
			    SHELLQUOTE_NAME);
		else if (shellquote_assigns(L, a, shellquote_code_vars))
			shellquote_force(L, a->first, a->last,
			    SHELLQUOTE_EVAL);
	}
}

/* Decide what the simple command just read does with its words: refuse
 * placeholders that it would run as code, evaluate as arithmetic or read
 * as a name. */
void
shellquote_classify(struct shellquote_lexer *L, struct shellquote_script *st)
{
	struct shellquote_word *w = st->words;
	const char **args;
	size_t n = 0, i, k, *index;
	bool is_file, reads_stdin, env_kept;
	int at, script;

	args = xcalloc(st->nwords + 1, sizeof *args);
	index = xcalloc(st->nwords + 1, sizeof *index);
	for (i = 0; i < st->nwords; i++) {
		if (w[i].kind == SHELLQUOTE_ARG) {
			index[n] = i;
			args[n++] = w[i].literal;
		} else if (w[i].kind == SHELLQUOTE_ASSIGN &&
		    shellquote_assigns(L, &w[i], shellquote_code_vars))
			shellquote_force(L, w[i].first, w[i].last,
			    SHELLQUOTE_EVAL);
	}
	/* command eval, builtin eval, time -p eval */
	for (k = 0; k < n && (shellquote_word_is(args[k],
	    shellquote_prefixes) || (args[k] != NULL && args[k][0] == '-'));
	    k++)
		;
	if (k < n)
		shellquote_classify_builtin(L, st, args, index, k, n);
	for (i = 0; i < n; i++) {
		if ((i > 0 && shellquote_word_is(args[i - 1],
		    shellquote_arith_ops)) || (i + 1 < n &&
		    shellquote_word_is(args[i + 1], shellquote_arith_ops)))
			shellquote_force(L, w[index[i]].first,
			    w[index[i]].last, SHELLQUOTE_ARITH);
	}
	for (at = -1; (at = shellquote_find_shell(args, n, (size_t)(at + 1),
	    &script, &is_file, &reads_stdin, &env_kept)) >= 0;) {
		/* sh -c '{x}', sh <(echo {x}); not sh {file}, a file's name */
		if (script >= 0 && (!is_file || w[index[script]].procsub))
			shellquote_force(L, w[index[script]].first,
			    w[index[script]].last, SHELLQUOTE_SHELL);
		/* sh <<EOF, sh <<<"...", ... | sh, sh /dev/stdin */
		if (reads_stdin)
			shellquote_force_stdin(L, st);
	}
	free(args);
	free(index);
}
