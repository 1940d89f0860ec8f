/*
 * shellquote.h -- where each {name} placeholder of a POSIX shell script
 * sits (unquoted, in "...", in '...', in a here-document, in arithmetic,
 * ...), so that the experiment can put there a reference to the variable
 * that holds the value, expanded by the shell without ever being parsed as
 * code, and refuse the places where no reference is safe.
 */
#ifndef LABRAT_SHELLQUOTE_H
#define LABRAT_SHELLQUOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* What the shell does with the text at a placeholder. */
enum shellquote_context {
	SHELLQUOTE_PLAIN,     /* unquoted: becomes "${VAR}" */
	SHELLQUOTE_DQUOTE,    /* in "...", $"..." or an expanding
	                         here-document: ${VAR} */
	SHELLQUOTE_SQUOTE,    /* in '...': '"${VAR}"' */
	SHELLQUOTE_COMMENT,   /* in a comment: left as it is */
	SHELLQUOTE_SHELLVAR,  /* ${name}: the shell's own variable; a
	                         placeholder only if name is a parameter's */
	/* Where no reference is safe: refused. */
	SHELLQUOTE_BACKSLASH, /* right after a backslash */
	SHELLQUOTE_BACKTICK,  /* in `...` */
	SHELLQUOTE_ANSIC,     /* in $'...' */
	SHELLQUOTE_ARITH,     /* evaluated as arithmetic by bash */
	SHELLQUOTE_PARAMNAME, /* the name in ${...} */
	SHELLQUOTE_DELIMITER, /* a here-document's delimiter */
	SHELLQUOTE_HEREDOC,   /* a here-document with a quoted delimiter */
	SHELLQUOTE_NAME,      /* read by bash as a variable's name */
	SHELLQUOTE_EVAL,      /* an argument of eval, trap or alias, or
	                         the value of PS4, PROMPT_COMMAND, ... */
	SHELLQUOTE_SHELL,     /* the script of a shell the script starts */
	SHELLQUOTE_REMOTE,    /* the script of a shell started through a
	                         command that may not pass the environment */
	SHELLQUOTE_DEEP,      /* nested too deeply to follow */
};

/* One placeholder: "{name}" at script[start .. start + len). */
struct shellquote_mark {
	size_t start;
	size_t len;
	enum shellquote_context context;
};

/* Find the placeholders of script, in order, with the context of each;
 * *marks is owned by the caller (NULL if none).  Returns their number. */
size_t shellquote_scan(const char *script, struct shellquote_mark **marks);

/* True if a placeholder in context c can be replaced by a reference. */
bool shellquote_context_safe(enum shellquote_context c);

/* Append the reference to variable var that the shell expands, in context
 * c (a safe one), to exactly the variable's value. */
void shellquote_append_reference(struct buf *b, enum shellquote_context c,
    const char *var);

/* Append why placeholder ph (e.g. "{x}") in context c (an unsafe one, or
 * SHELLVAR) is refused and what to write instead; var holds its value. */
void shellquote_append_refusal(struct buf *b, enum shellquote_context c,
    const char *ph, const char *var);

/* The index of the word that a POSIX shell runs as its script in the
 * command words[0..n) (sh -c SCRIPT, bash -ec SCRIPT, env sh -c SCRIPT,
 * busybox sh -c SCRIPT), or -1.  words[i] is NULL if not a literal word.
 * *env_kept is false when a command before the shell may not pass the
 * environment on to it (sudo sh -c, env -i sh -c, ...). */
int shellquote_find_script(const char *const *words, size_t n,
    bool *env_kept);

#endif
