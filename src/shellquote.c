/*
 * shellquote.c -- a small lexer of POSIX sh quoting, with the bash, ksh
 * and zsh extensions that change where a word ends or what is evaluated,
 * that finds each {name} placeholder of a script and the context it sits
 * in: unquoted, "...", '...', a here-document, $(...), ${...}, a comment,
 * arithmetic, backticks, ...
 *
 * The experiment puts at a placeholder a reference to the variable that
 * holds the value ("${LABRAT_PARAM_x}", quoted for its context), never the
 * value itself.  A POSIX shell never parses the result of an expansion as
 * code, so even where this lexer misjudged the quoting a value could at
 * worst be split into words, not run.  The exceptions are the places where
 * a shell evaluates text again -- arithmetic (bash runs the cmd of
 * a[$(cmd)] in a value), array subscripts, eval, trap, alias, the script
 * of a nested shell -- and the places where no reference would be expanded
 * (backticks, $'...', quoted here-documents, after a backslash): those are
 * reported as unsafe contexts for the experiment to refuse, erring on the
 * side of refusing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "shellquote_int.h"

/* Nesting of $( ${ " ... beyond which the lexer refuses every
 * placeholder left. */
#define SHELLQUOTE_MAX_DEPTH 64

/* Reserved words that open and close compound commands. */
static const char *const shellquote_openers[] = {
	"{", "if", "while", "until", "for", "select", "case", NULL,
};
static const char *const shellquote_closers[] = {
	"}", "fi", "done", "esac", NULL,
};

/* Reserved words after which a command may still come. */
static const char *const shellquote_reserved[] = {
	"if", "then", "else", "elif", "fi", "do", "done", "while", "until",
	"!", "{", "}", "time", "coproc", NULL,
};

static void shellquote_read_script(struct shellquote_lexer *, bool);
static void shellquote_read_dollar(struct shellquote_lexer *,
    enum shellquote_context);

bool
shellquote_context_safe(enum shellquote_context c)
{
	return c == SHELLQUOTE_PLAIN || c == SHELLQUOTE_DQUOTE ||
	    c == SHELLQUOTE_SQUOTE;
}

void
shellquote_append_reference(struct buf *b, enum shellquote_context c,
    const char *var)
{
	switch (c) {
	case SHELLQUOTE_PLAIN:
		buf_printf(b, "\"${%s}\"", var);
		break;
	case SHELLQUOTE_SQUOTE:
		buf_printf(b, "'\"${%s}\"'", var);
		break;
	default:
		buf_printf(b, "${%s}", var);
		break;
	}
}

/* True if c is one of the characters of set (never for NUL). */
bool
shellquote_is(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* True if c may be part of a shell variable's name. */
static bool
shellquote_is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* The character k bytes after the current one, or NUL past the end. */
static char
shellquote_peek(const struct shellquote_lexer *L, size_t k)
{
	return L->pos + k < L->end ? L->s[L->pos + k] : '\0';
}

/* The length of the name starting at the current position (0 if none). */
static size_t
shellquote_name_len(const struct shellquote_lexer *L)
{
	size_t n = 0;
	char c = shellquote_peek(L, 0);

	if (!shellquote_is_name_char(c) || (c >= '0' && c <= '9'))
		return 0;
	while (shellquote_is_name_char(shellquote_peek(L, n)))
		n++;
	return n;
}

/* Record the placeholder s[pos .. pos + len) in context c. */
static void
shellquote_mark(struct shellquote_lexer *L, size_t pos, size_t len,
    enum shellquote_context c)
{
	if (L->arith && (shellquote_context_safe(c) ||
	    c == SHELLQUOTE_COMMENT))
		c = SHELLQUOTE_ARITH;
	if (L->nmarks == L->capmarks) {
		L->capmarks = L->capmarks ? 2 * L->capmarks : 8;
		L->marks = xreallocarray(L->marks, L->capmarks,
		    sizeof *L->marks);
	}
	L->marks[L->nmarks].start = pos;
	L->marks[L->nmarks].len = len;
	L->marks[L->nmarks].context = c;
	L->nmarks++;
}

/* Give marks [first, last) context c, unless they are already unsafe. */
void
shellquote_force(struct shellquote_lexer *L, size_t first, size_t last,
    enum shellquote_context c)
{
	for (; first < last; first++) {
		if (shellquote_context_safe(L->marks[first].context))
			L->marks[first].context = c;
	}
}

/* If a placeholder {name} starts at the current position, record it in
 * context c and step over it. */
static bool
shellquote_take(struct shellquote_lexer *L, enum shellquote_context c)
{
	size_t q;

	if (shellquote_peek(L, 0) != '{')
		return false;
	for (q = L->pos + 1; q < L->end && L->s[q] != '}' && L->s[q] != '{';
	    q++)
		;
	if (q >= L->end || L->s[q] != '}' ||
	    !util_is_ident(L->s + L->pos + 1, q - L->pos - 1))
		return false;
	shellquote_mark(L, L->pos, q + 1 - L->pos, c);
	L->pos = q + 1;
	L->expands = true;
	return true;
}

/* Add c to the literal text of the word being read. */
static void
shellquote_literal(struct shellquote_lexer *L, char c)
{
	if (L->word != NULL)
		buf_addc(L->word, c);
}

/* Go one level deeper; past the limit, refuse every placeholder left. */
static bool
shellquote_enter(struct shellquote_lexer *L)
{
	if (++L->depth <= SHELLQUOTE_MAX_DEPTH)
		return true;
	while (L->pos < L->end) {
		if (!shellquote_take(L, SHELLQUOTE_DEEP))
			L->pos++;
	}
	L->depth--;
	return false;
}

/* Read '...' from after its quote. */
static void
shellquote_read_squote(struct shellquote_lexer *L)
{
	while (L->pos < L->end && L->s[L->pos] != '\'') {
		if (!shellquote_take(L, SHELLQUOTE_SQUOTE)) {
			shellquote_literal(L, L->s[L->pos]);
			L->pos++;
		}
	}
	if (L->pos < L->end)
		L->pos++;
}

/* Read `...` or $'...' from after its opening up to the first closing
 * character not after a backslash; every placeholder in it is unsafe. */
static void
shellquote_read_raw(struct shellquote_lexer *L, char close,
    enum shellquote_context c)
{
	L->expands = true;
	while (L->pos < L->end && L->s[L->pos] != close) {
		if (L->s[L->pos] == '\\') {
			L->pos++;
			if (!shellquote_take(L, c) && L->pos < L->end)
				L->pos++;
		} else if (!shellquote_take(L, c))
			L->pos++;
	}
	if (L->pos < L->end)
		L->pos++;
}

/* Read "..." from after its quote; or with heredoc, the body of a
 * here-document whose delimiter is unquoted (to the end). */
static void
shellquote_read_dquote(struct shellquote_lexer *L, bool heredoc)
{
	char c, n;

	if (!shellquote_enter(L))
		return;
	while (L->pos < L->end) {
		c = L->s[L->pos];
		if (c == '"' && !heredoc) {
			L->pos++;
			break;
		}
		if (c == '\\') {
			n = shellquote_peek(L, 1);
			if (shellquote_is(n, "$`\\\n") || (n == '"' && !heredoc)) {
				if (n != '\n')
					shellquote_literal(L, n);
				L->pos += 2;
				continue;
			}
			/* The backslash stays: "\${VAR}" would not expand. */
			shellquote_literal(L, c);
			L->pos++;
			shellquote_take(L, SHELLQUOTE_BACKSLASH);
		} else if (c == '$')
			shellquote_read_dollar(L, SHELLQUOTE_DQUOTE);
		else if (c == '`') {
			L->pos++;
			shellquote_read_raw(L, '`', SHELLQUOTE_BACKTICK);
		} else if (!shellquote_take(L, SHELLQUOTE_DQUOTE)) {
			shellquote_literal(L, c);
			L->pos++;
		}
	}
	L->depth--;
}

/* Read arithmetic up to the close that balances count opens, open and
 * close being ( ), [ ] or { }: every placeholder in it is unsafe. */
static void
shellquote_read_arith(struct shellquote_lexer *L, char open, char close,
    int count)
{
	bool saved = L->arith;
	char c;

	L->expands = true;
	if (!shellquote_enter(L))
		return;
	L->arith = true;
	while (L->pos < L->end) {
		if (shellquote_take(L, SHELLQUOTE_ARITH))
			continue;
		c = L->s[L->pos];
		if (c == '$') {
			shellquote_read_dollar(L, SHELLQUOTE_PLAIN);
			continue;
		}
		L->pos++;
		if (c == open)
			count++;
		else if (c == close && --count == 0)
			break;
		else if (c == '\\' && !shellquote_take(L, SHELLQUOTE_ARITH) &&
		    L->pos < L->end)
			L->pos++;
		else if (c == '`')
			shellquote_read_raw(L, '`', SHELLQUOTE_BACKTICK);
		else if (c == '\'')
			shellquote_read_squote(L);
		else if (c == '"')
			shellquote_read_dquote(L, false);
	}
	L->arith = saved;
	L->depth--;
}

/* Read the word of ${name-word} (and of the other operators) up to the
 * closing brace; c is PLAIN or DQUOTE, the quoting around the ${...}. */
static void
shellquote_read_param_word(struct shellquote_lexer *L,
    enum shellquote_context c)
{
	int depth = 0;
	char ch;

	while (L->pos < L->end) {
		if (shellquote_take(L, c))
			continue;
		ch = L->s[L->pos];
		if (ch == '$') {
			shellquote_read_dollar(L, c);
			continue;
		}
		L->pos++;
		if (ch == '}') {
			if (depth-- == 0)
				return;
		} else if (ch == '{')
			depth++;
		else if (ch == '\\') {
			if (!shellquote_take(L, SHELLQUOTE_BACKSLASH) &&
			    L->pos < L->end)
				L->pos++;
		} else if (ch == '`')
			shellquote_read_raw(L, '`', SHELLQUOTE_BACKTICK);
		else if (ch == '"')
			shellquote_read_dquote(L, false);
		else if (ch == '\'' && c == SHELLQUOTE_PLAIN)
			shellquote_read_squote(L);
	}
}

/* Read ${...} from after its brace; c is PLAIN or DQUOTE. */
static void
shellquote_read_param(struct shellquote_lexer *L, enum shellquote_context c)
{
	size_t n;
	char ch;

	L->expands = true;
	if (!shellquote_enter(L))
		return;
	n = shellquote_name_len(L);
	if (n > 0 && shellquote_peek(L, n) == '}') {
		/* ${name}: the shell's variable, "{name}" a placeholder's
		 * spelling. */
		shellquote_mark(L, L->pos - 1, n + 2, SHELLQUOTE_SHELLVAR);
		L->pos += n + 1;
		goto out;
	}
	if (shellquote_is(shellquote_peek(L, 0), "#!") &&
	    shellquote_peek(L, 1) != '}')
		L->pos++;
	if (!shellquote_take(L, SHELLQUOTE_PARAMNAME)) {
		if ((n = shellquote_name_len(L)) > 0)
			L->pos += n;
		else if (shellquote_is(shellquote_peek(L, 0), "0123456789")) {
			while (shellquote_is(shellquote_peek(L, 0),
			    "0123456789"))
				L->pos++;
		} else if (shellquote_is(shellquote_peek(L, 0), "@*#?-$!"))
			L->pos++;
	}
	if (shellquote_peek(L, 0) == '[') {
		L->pos++;
		shellquote_read_arith(L, '[', ']', 1);
	}
	ch = shellquote_peek(L, 0);
	if (ch == '}') {
		L->pos++;
		goto out;
	}
	if (ch == ':' && !shellquote_is(shellquote_peek(L, 1), "-=+?")) {
		/* ${v:offset:length} */
		L->pos++;
		shellquote_read_arith(L, '{', '}', 1);
		goto out;
	}
	if (ch == ':')
		L->pos += 2;
	else if (shellquote_is(ch, "-=+?@"))
		L->pos++;
	else if (shellquote_is(ch, "#%^,/")) {
		/* a pattern (and bash's replacement): quoted, a value in it
		 * is matched literally, even inside "..." -- but not in a
		 * here-document, where dash keeps the quotes */
		L->pos++;
		if (shellquote_peek(L, 0) == ch ||
		    (ch == '/' && shellquote_is(shellquote_peek(L, 0), "#%")))
			L->pos++;
		if (!L->heredoc)
			c = SHELLQUOTE_PLAIN;
	}
	shellquote_read_param_word(L, c);
out:
	L->depth--;
}

/* Read what starts with '$'; c is PLAIN or DQUOTE, the quoting around
 * it. */
static void
shellquote_read_dollar(struct shellquote_lexer *L, enum shellquote_context c)
{
	char n = shellquote_peek(L, 1);
	size_t len;

	if (n == '\'' && c == SHELLQUOTE_PLAIN) {
		/* bash's $'...': literal text if it has no escape */
		L->pos += 2;
		for (len = 0; L->pos + len < L->end &&
		    !shellquote_is(L->s[L->pos + len], "'\\"); len++)
			;
		if (L->pos + len < L->end && L->s[L->pos + len] == '\'' &&
		    memchr(L->s + L->pos, '{', len) == NULL) {
			while (len-- > 0)
				shellquote_literal(L, L->s[L->pos++]);
			L->pos++;
		} else
			shellquote_read_raw(L, '\'', SHELLQUOTE_ANSIC);
	} else if (n == '"' && c == SHELLQUOTE_PLAIN) {
		/* bash's $"..." (translated), like "..." */
		L->pos += 2;
		shellquote_read_dquote(L, false);
	} else if (n == '(' && shellquote_peek(L, 2) == '(') {
		/* $((...)); also $( (...) ), refused alike */
		L->pos += 3;
		shellquote_read_arith(L, '(', ')', 2);
	} else if (n == '(') {
		L->pos += 2;
		shellquote_read_script(L, true);
	} else if (n == '[') {
		/* bash's old $[...] arithmetic */
		L->pos += 2;
		shellquote_read_arith(L, '[', ']', 1);
	} else if (n == '{') {
		L->pos += 2;
		shellquote_read_param(L, c);
	} else {
		L->pos++;
		if ((len = shellquote_name_len(L)) > 0) {
			L->pos += len;
			L->expands = true;
		} else if (shellquote_is(n, "0123456789@*#?-$!")) {
			L->pos++;
			L->expands = true;
		} else
			shellquote_literal(L, '$');
	}
}

/* Refuse placeholders of the word that sit in an array subscript: after
 * NAME[ (quoted or not: bash's unset, read, printf -v, test -v, declare
 * evaluate a subscript in a value as arithmetic) or in [key]= inside
 * NAME=( ... ). */
static void
shellquote_check_subscripts(struct shellquote_lexer *L,
    struct shellquote_script *st)
{
	size_t m, i;
	bool open = st->array && L->s[st->word_start] == '[';
	char prev = '\0', c;

	i = st->word_start;
	for (m = st->word_first; m < L->nmarks; m++) {
		for (; i < L->marks[m].start; i++) {
			c = L->s[i];
			if (shellquote_is(c, "'\"\\"))
				continue;
			if (c == '[' && shellquote_is_name_char(prev))
				open = true;
			else if (c == ']')
				open = false;
			prev = c;
		}
		if (open && shellquote_context_safe(L->marks[m].context))
			L->marks[m].context = SHELLQUOTE_ARITH;
	}
}

/* Start a word at the current position unless one is being read. */
static void
shellquote_word_begin(struct shellquote_lexer *L, struct shellquote_script *st)
{
	if (st->in_word)
		return;
	st->in_word = true;
	st->word_start = L->pos;
	st->word_first = L->nmarks;
	st->word_procsub = false;
	buf_reset(&st->word);
	L->expands = false;
}

/* True if the word being read so far is NAME= or NAME+=. */
static bool
shellquote_word_assigns(const struct shellquote_lexer *L,
    const struct shellquote_script *st)
{
	size_t i = st->word_start;

	if (!st->in_word || L->expands || i >= L->pos ||
	    (L->s[i] >= '0' && L->s[i] <= '9'))
		return false;
	while (i < L->pos && shellquote_is_name_char(L->s[i]))
		i++;
	if (i == st->word_start)
		return false;
	if (i < L->pos && L->s[i] == '+')
		i++;
	return i + 1 == L->pos && L->s[i] == '=';
}

/* True if the word from start up to a '=' is a name (an assignment). */
static bool
shellquote_is_assignment(const char *s, size_t start, size_t end)
{
	size_t i = start;

	if (i >= end || (s[i] >= '0' && s[i] <= '9'))
		return false;
	while (i < end && shellquote_is_name_char(s[i]))
		i++;
	if (i < end && s[i] == '+')
		i++;
	return i > start && i < end && s[i] == '=';
}

/* A compound command opens (or closes) with word lit: the pipeline it is
 * part of goes on after it (or is again the current one). */
static void
shellquote_group(struct shellquote_script *st, const char *lit)
{
	int i;

	if (shellquote_word_is(lit, shellquote_openers)) {
		if (st->ngroups < SHELLQUOTE_MAX_GROUPS) {
			st->groups[st->ngroups].cmd = st->pipe_cmd;
			st->groups[st->ngroups].first = st->pipe_first;
		}
		st->ngroups++;
	} else if (shellquote_word_is(lit, shellquote_closers) &&
	    st->ngroups > 0 && (i = --st->ngroups) < SHELLQUOTE_MAX_GROUPS) {
		st->pipe_cmd = st->groups[i].cmd;
		st->pipe_first = st->groups[i].first;
	}
}

/* End the word being read: a reserved word, a case's subject or
 * pattern, or a word of the current simple command. */
static void
shellquote_word_end(struct shellquote_lexer *L, struct shellquote_script *st)
{
	struct shellquote_word *w;
	const char *lit;
	enum shellquote_kind kind = st->next_kind;

	if (!st->in_word)
		return;
	st->in_word = false;
	st->next_kind = SHELLQUOTE_ARG;
	shellquote_check_subscripts(L, st);
	if (st->array && kind == SHELLQUOTE_ARG)
		return; /* an element of NAME=( ... ), not a command's word */
	lit = L->expands ? NULL : st->word.data != NULL ? st->word.data : "";
	if (kind == SHELLQUOTE_ARG && st->case_wait == 1) {
		st->case_wait = 2;
		return;
	}
	if (kind == SHELLQUOTE_ARG && st->case_wait == 2) {
		st->case_wait = 0;
		st->cases++;
		st->pattern = true;
		return;
	}
	if (kind == SHELLQUOTE_ARG && st->pattern) {
		if (lit != NULL && strcmp(lit, "esac") == 0) {
			st->cases--;
			st->pattern = false;
			st->cmd_start = false;
			shellquote_group(st, lit);
		}
		return;
	}
	if (kind == SHELLQUOTE_ARG && st->func_name) {
		/* function NAME: a body follows, not arguments */
		st->func_name = false;
		return;
	}
	if (kind == SHELLQUOTE_ARG && lit != NULL && st->cmd_start &&
	    !st->cond) {
		shellquote_group(st, lit);
		if (strcmp(lit, "case") == 0) {
			st->case_wait = 1;
			st->cmd_start = false;
			return;
		}
		if (strcmp(lit, "esac") == 0 && st->cases > 0) {
			st->cases--;
			st->cmd_start = false;
			return;
		}
		if (strcmp(lit, "function") == 0) {
			st->func_name = true;
			return;
		}
		if (shellquote_word_is(lit, shellquote_reserved))
			return;
		if (strcmp(lit, "[[") == 0)
			st->cond = true;
	} else if (kind == SHELLQUOTE_ARG && lit != NULL && st->cond &&
	    strcmp(lit, "]]") == 0)
		st->cond = false;
	if (kind == SHELLQUOTE_ARG && st->cmd_start &&
	    shellquote_is_assignment(L->s, st->word_start, L->pos))
		kind = SHELLQUOTE_ASSIGN;
	if (st->nwords == st->capwords) {
		st->capwords = st->capwords ? 2 * st->capwords : 8;
		st->words = xreallocarray(st->words, st->capwords,
		    sizeof *st->words);
	}
	w = &st->words[st->nwords++];
	w->literal = lit != NULL ? xstrdup(lit) : NULL;
	w->first = st->word_first;
	w->last = L->nmarks;
	w->start = st->word_start;
	w->end = L->pos;
	w->procsub = st->word_procsub;
	w->kind = kind;
	if (kind == SHELLQUOTE_ARG)
		st->cmd_start = false;
}

/* End the current simple command (and with pipeline, its pipeline). */
static void
shellquote_cmd_end(struct shellquote_lexer *L, struct shellquote_script *st,
    bool pipeline)
{
	size_t i;

	shellquote_word_end(L, st);
	if (st->nwords > 0)
		shellquote_classify(L, st);
	for (i = 0; i < st->nwords; i++)
		free(st->words[i].literal);
	st->nwords = 0;
	st->cmd = ++L->ncmds;
	st->cmd_start = true;
	st->next_kind = SHELLQUOTE_ARG;
	if (pipeline) {
		st->pipe_cmd = st->cmd;
		st->pipe_first = L->nmarks;
	}
}

/* Read a here-document's delimiter word, after << or <<-. */
static void
shellquote_read_delimiter(struct shellquote_lexer *L,
    struct shellquote_script *st, bool strip_tabs)
{
	struct shellquote_doc *d;
	struct buf delim;
	bool quoted = false;
	char c, q;

	buf_init(&delim);
	while (shellquote_is(shellquote_peek(L, 0), " \t"))
		L->pos++;
	while (L->pos < L->end && !shellquote_is(c = L->s[L->pos],
	    " \t\n;&|()<>")) {
		if (shellquote_take(L, SHELLQUOTE_DELIMITER))
			continue;
		L->pos++;
		if (c == '\'' || c == '"') {
			quoted = true;
			q = c;
			while (L->pos < L->end && L->s[L->pos] != q) {
				if (q == '"' && L->s[L->pos] == '\\' &&
				    shellquote_is(shellquote_peek(L, 1),
				    "\\\"$`"))
					L->pos++;
				if (shellquote_take(L, SHELLQUOTE_DELIMITER))
					continue;
				buf_addc(&delim, L->s[L->pos++]);
			}
			if (L->pos < L->end)
				L->pos++;
		} else if (c == '\\') {
			quoted = true;
			if (L->pos < L->end)
				buf_addc(&delim, L->s[L->pos++]);
		} else
			buf_addc(&delim, c);
	}
	if (L->ndocs == L->capdocs) {
		L->capdocs = L->capdocs ? 2 * L->capdocs : 4;
		L->docs = xreallocarray(L->docs, L->capdocs, sizeof *L->docs);
	}
	d = &L->docs[L->ndocs++];
	d->delim = buf_steal(&delim);
	d->strip_tabs = strip_tabs;
	d->quoted = quoted;
	d->to_shell = false;
	d->cmd = st->cmd;
}

/* Read one here-document's body from the current position, through its
 * delimiter line. */
static void
shellquote_read_doc(struct shellquote_lexer *L, const struct shellquote_doc *d)
{
	size_t line = L->pos, eol, at, len = strlen(d->delim), body_end, next;
	size_t saved_end = L->end, first = L->nmarks, k;
	struct buf *saved_word = L->word;
	bool joined = false, saved_heredoc = L->heredoc;

	for (;;) {
		for (eol = line; eol < L->end && L->s[eol] != '\n'; eol++)
			;
		at = line;
		while (d->strip_tabs && at < eol && L->s[at] == '\t')
			at++;
		if (!joined && eol - at == len &&
		    memcmp(L->s + at, d->delim, len) == 0) {
			body_end = line;
			next = eol < L->end ? eol + 1 : eol;
			break;
		}
		if (eol >= L->end) {
			body_end = next = L->end;
			break;
		}
		/* With an unquoted delimiter, backslash-newline joins the
		 * next line to this one: it cannot end the body. */
		for (k = eol; !d->quoted && k > line && L->s[k - 1] == '\\';
		    k--)
			;
		joined = (eol - k) % 2 == 1;
		line = eol + 1;
	}
	L->end = body_end;
	L->word = NULL;
	if (d->quoted) {
		while (L->pos < L->end) {
			if (!shellquote_take(L, SHELLQUOTE_HEREDOC))
				L->pos++;
		}
	} else {
		L->heredoc = true;
		shellquote_read_dquote(L, true);
		L->heredoc = saved_heredoc;
	}
	L->end = saved_end;
	L->word = saved_word;
	L->pos = next;
	if (d->to_shell)
		shellquote_force(L, first, L->nmarks, SHELLQUOTE_SHELL);
}

/* Read the bodies of the here-documents opened on the line just ended. */
static void
shellquote_read_docs(struct shellquote_lexer *L)
{
	struct shellquote_doc *docs = L->docs;
	size_t n = L->ndocs, i;

	L->docs = NULL;
	L->ndocs = L->capdocs = 0;
	for (i = 0; i < n; i++) {
		shellquote_read_doc(L, &docs[i]);
		free(docs[i].delim);
	}
	free(docs);
}

/* Read a redirection operator starting with < or >. */
static void
shellquote_read_redirect(struct shellquote_lexer *L,
    struct shellquote_script *st)
{
	char c = L->s[L->pos];

	if (c == '<' && shellquote_peek(L, 1) == '<' &&
	    shellquote_peek(L, 2) == '<') {
		L->pos += 3;
		st->next_kind = SHELLQUOTE_HERESTRING;
	} else if (c == '<' && shellquote_peek(L, 1) == '<') {
		L->pos += 2;
		if (shellquote_peek(L, 0) == '-') {
			L->pos++;
			shellquote_read_delimiter(L, st, true);
		} else
			shellquote_read_delimiter(L, st, false);
	} else {
		L->pos++;
		if (shellquote_is(shellquote_peek(L, 0), "<>&|"))
			L->pos++;
		st->next_kind = SHELLQUOTE_REDIRECT;
	}
}

/* Read one character (or construct) of a list of commands; true at the
 * ')' that ends a nested list. */
static bool
shellquote_read_step(struct shellquote_lexer *L, struct shellquote_script *st,
    bool nested)
{
	char c = L->s[L->pos], n = shellquote_peek(L, 1);

	if (st->cond && shellquote_is(c, "()<>&|")) {
		/* inside [[ ]] these are the expression's operators */
		shellquote_word_end(L, st);
		L->pos += (c == '&' || c == '|') && n == c ? 2 : 1;
		return false;
	}
	switch (c) {
	case ' ':
	case '\t':
		shellquote_word_end(L, st);
		L->pos++;
		return false;
	case '\n':
		shellquote_word_end(L, st);
		L->pos++;
		if (!st->cond && !st->array)
			shellquote_cmd_end(L, st, true);
		shellquote_read_docs(L);
		return false;
	case '#':
		if (st->in_word)
			break;
		while (L->pos < L->end && L->s[L->pos] != '\n') {
			if (!shellquote_take(L, SHELLQUOTE_COMMENT))
				L->pos++;
		}
		return false;
	case ';':
		shellquote_word_end(L, st);
		L->pos++;
		if (n == ';' || n == '&') {
			L->pos++;
			if (n == ';' && shellquote_peek(L, 0) == '&')
				L->pos++;
			st->pattern = st->cases > 0;
		}
		st->cond = false;
		shellquote_cmd_end(L, st, true);
		return false;
	case '&':
	case '|':
		shellquote_word_end(L, st);
		if (c == '|' && st->pattern) {
			L->pos++;
			return false;
		}
		if (c == '&' && n == '>') {
			L->pos += 2;
			if (shellquote_peek(L, 0) == '>')
				L->pos++;
			st->next_kind = SHELLQUOTE_REDIRECT;
			return false;
		}
		L->pos += n == c || (c == '|' && n == '&') ? 2 : 1;
		shellquote_cmd_end(L, st, !(c == '|' && n != '|'));
		return false;
	case '<':
	case '>':
		if (n == '(') {
			/* process substitution <(...) >(...) */
			shellquote_word_begin(L, st);
			st->word_procsub = true;
			L->pos += 2;
			shellquote_read_script(L, true);
			return false;
		}
		if (st->in_word && !L->expands && st->word.len > 0 &&
		    strspn(st->word.data, "0123456789") == st->word.len)
			st->in_word = false; /* 2>file: a descriptor */
		shellquote_word_end(L, st);
		shellquote_read_redirect(L, st);
		return false;
	case '(':
		if (st->in_word && shellquote_word_assigns(L, st)) {
			st->array = true;
			shellquote_word_end(L, st);
			L->pos++;
			return false;
		}
		/* ( ends a word, as bash reads it without extglob: for((,
		 * while((, !(...), f() */
		shellquote_word_end(L, st);
		if (st->pattern) {
			L->pos++;
			return false;
		}
		if (n == '(') {
			/* ((...)) and for ((...)): arithmetic in bash, ksh
			 * and zsh (refused alike if meant as subshells) */
			L->pos += 2;
			shellquote_read_arith(L, '(', ')', 2);
			return false;
		}
		/* a subshell, part of the pipeline it is in */
		shellquote_cmd_end(L, st, false);
		shellquote_group(st, "{");
		st->parens++;
		L->pos++;
		return false;
	case ')':
		shellquote_word_end(L, st);
		L->pos++;
		if (st->array)
			st->array = false;
		else if (st->pattern) {
			st->pattern = false;
			st->cmd_start = true;
		} else if (st->parens > 0) {
			shellquote_cmd_end(L, st, true);
			shellquote_group(st, "}");
			st->parens--;
		} else if (nested)
			return true;
		return false;
	case '\'':
		shellquote_word_begin(L, st);
		L->pos++;
		shellquote_read_squote(L);
		return false;
	case '"':
		shellquote_word_begin(L, st);
		L->pos++;
		shellquote_read_dquote(L, false);
		return false;
	case '\\':
		if (n == '\n') {
			L->pos += 2;
			return false;
		}
		shellquote_word_begin(L, st);
		L->pos++;
		if (!shellquote_take(L, SHELLQUOTE_BACKSLASH) &&
		    L->pos < L->end)
			shellquote_literal(L, L->s[L->pos++]);
		return false;
	case '$':
		shellquote_word_begin(L, st);
		shellquote_read_dollar(L, SHELLQUOTE_PLAIN);
		return false;
	case '`':
		shellquote_word_begin(L, st);
		L->pos++;
		shellquote_read_raw(L, '`', SHELLQUOTE_BACKTICK);
		return false;
	case '{':
		shellquote_word_begin(L, st);
		if (shellquote_take(L, SHELLQUOTE_PLAIN))
			return false;
		break;
	default:
		break;
	}
	shellquote_word_begin(L, st);
	shellquote_literal(L, c);
	L->pos++;
	return false;
}

/* Read a list of commands: the script, or (nested) the inside of $(...)
 * or <(...) through its ')'. */
static void
shellquote_read_script(struct shellquote_lexer *L, bool nested)
{
	struct shellquote_script st;
	struct buf *saved_word = L->word;
	bool saved_heredoc = L->heredoc;

	L->expands = true;
	if (!shellquote_enter(L))
		return;
	L->heredoc = false;
	memset(&st, 0, sizeof st);
	buf_init(&st.word);
	st.cmd_start = true;
	st.cmd = st.pipe_cmd = ++L->ncmds;
	st.pipe_first = L->nmarks;
	L->word = &st.word;
	while (L->pos < L->end && !shellquote_read_step(L, &st, nested))
		;
	shellquote_cmd_end(L, &st, true);
	free(st.words);
	buf_free(&st.word);
	L->word = saved_word;
	L->heredoc = saved_heredoc;
	L->expands = true;
	L->depth--;
}

size_t
shellquote_scan(const char *script, struct shellquote_mark **marks)
{
	struct shellquote_lexer L;
	size_t i;

	memset(&L, 0, sizeof L);
	L.s = script;
	L.end = strlen(script);
	shellquote_read_script(&L, false);
	if (L.ndocs > 0) /* opened on the last line: empty bodies */
		shellquote_read_docs(&L);
	for (i = 0; i < L.ndocs; i++)
		free(L.docs[i].delim);
	free(L.docs);
	*marks = L.marks;
	return L.nmarks;
}
