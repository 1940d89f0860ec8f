/*
 * shellquote_int.h -- what the lexer's source files share and nobody else
 * sees:
 *
 *   shellquote.c      the lexer of quoting: words, quotes, expansions,
 *                     here-documents, the contexts of placeholders
 *   shellquote_cmd.c  what commands do with their words (eval, sh -c,
 *                     let, ...), and the messages of refusal
 */
#ifndef LABRAT_SHELLQUOTE_INT_H
#define LABRAT_SHELLQUOTE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "shellquote.h"
#include "util.h"

/* A here-document whose body starts after the next newline. */
struct shellquote_doc {
	char *delim;
	bool strip_tabs;  /* <<- */
	bool quoted;      /* <<'EOF', <<"EOF", <<\EOF: nothing expands */
	bool to_shell;    /* its command is a shell reading it as a script */
	unsigned cmd;     /* the command it belongs to */
};

/* What a word of a simple command is. */
enum shellquote_kind {
	SHELLQUOTE_ARG,        /* the command name or an argument */
	SHELLQUOTE_ASSIGN,     /* NAME=value before the command name */
	SHELLQUOTE_REDIRECT,   /* the target of < > >> ... */
	SHELLQUOTE_HERESTRING, /* the word of <<< */
};

/* One word of a simple command and its placeholders. */
struct shellquote_word {
	char *literal;    /* its text after quote removal; NULL if it
	                     expands anything */
	size_t first;     /* its marks: [first, last) */
	size_t last;
	size_t start;     /* its text: script[start .. end) */
	size_t end;
	bool procsub;     /* it holds a process substitution <(...) */
	enum shellquote_kind kind;
};

struct shellquote_lexer {
	const char *s;
	size_t pos;
	size_t end;
	struct shellquote_mark *marks;
	size_t nmarks;
	size_t capmarks;
	struct shellquote_doc *docs; /* pending here-documents */
	size_t ndocs;
	size_t capdocs;
	unsigned ncmds;   /* commands begun, to tie here-documents to theirs */
	int depth;
	bool arith;       /* inside arithmetic: every placeholder is unsafe */
	bool heredoc;     /* inside the body of a here-document */
	struct buf *word; /* the literal text of the word being read */
	bool expands;     /* that word expands something */
};

/* Compound commands ( { if while until for select case ) open in a list
 * beyond which the lexer no longer tracks their pipelines. */
#define SHELLQUOTE_MAX_GROUPS 32

/* A list of commands being read: the script, or the inside of $(...). */
struct shellquote_script {
	struct shellquote_word *words; /* of the current simple command */
	size_t nwords;
	size_t capwords;
	unsigned cmd;         /* the number of the current command */
	unsigned pipe_cmd;    /* the number of its pipeline's first command */
	size_t pipe_first;    /* the first mark of its pipeline */
	struct {
		unsigned cmd;
		size_t first;
	} groups[SHELLQUOTE_MAX_GROUPS]; /* pipelines around open compound
	                                    commands */
	int ngroups;
	struct buf word;      /* the literal text of the word being read */
	size_t word_start;    /* where that word starts in the script */
	size_t word_first;    /* its first mark */
	bool in_word;
	bool word_procsub;    /* that word holds <(...) or >(...) */
	enum shellquote_kind next_kind; /* of the word being read */
	bool cmd_start;       /* a command name or reserved word may come */
	int cases;            /* case ... esac open */
	int case_wait;        /* 1: the word after case, 2: its "in" */
	bool pattern;         /* reading a case pattern */
	bool cond;            /* inside [[ ... ]] */
	bool func_name;       /* the next word names a function */
	bool array;           /* inside NAME=( ... ) */
	int parens;           /* ( ... ) subshells open */
};

/* True if c is one of the characters of set (never for NUL). */
bool shellquote_is(char c, const char *set);
/* True if word w (NULL if not literal) is one of the list v. */
bool shellquote_word_is(const char *w, const char *const *v);
/* Give marks [first, last) context c, unless they are already unsafe. */
void shellquote_force(struct shellquote_lexer *L, size_t first, size_t last,
    enum shellquote_context c);
/* Decide what the simple command just read does with its words: refuse
 * placeholders that it would run as code or evaluate as arithmetic. */
void shellquote_classify(struct shellquote_lexer *L,
    struct shellquote_script *st);

#endif
