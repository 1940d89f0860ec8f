/*
 * space_int.h -- what the parameter space's source files share and nobody
 * else sees (SQLite's btree.h / btreeInt.h pattern): the parameter, zip
 * group and axis structs, and the helpers one file lends the other.
 *
 *   space.c          the model: zip groups, axes, size, point <-> values,
 *                    describe, JSON
 *   space_parse.c    the grammar: "name=values" and "x,y" text to
 *                    parameters and zip groups, and the error messages
 */
#ifndef LABRAT_SPACE_INT_H
#define LABRAT_SPACE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "space.h"
#include "util.h"
#include "value.h"

enum space_form {
	SPACE_INTS,     /* start..end:step, all integers */
	SPACE_REALS,    /* start..end:step, reals */
	SPACE_LINSPACE, /* linspace(start, stop, n) */
	SPACE_LOGSPACE, /* logspace(start, stop, n) */
	SPACE_LIST,     /* {a, b, ...} or one value */
};

/* One value of an explicit list; strings live in the parameter's arena. */
struct space_item {
	enum value_kind kind;
	int64_t i;
	double r;
	size_t off;
	size_t len;
};

struct space_param {
	char *name;
	char *spec;             /* the text after '=', trimmed */
	enum space_form form;
	uint64_t count;
	int64_t istart, istep;  /* SPACE_INTS */
	double start, stop;     /* the ends of reals, linspace, logspace */
	double step;            /* SPACE_REALS */
	double lstart, lstop;   /* SPACE_LOGSPACE: log10 of the magnitudes */
	bool negative;          /* SPACE_LOGSPACE: both ends below zero */
	struct space_item *items;
	char *strings;          /* SPACE_LIST: string arena */
	int group;              /* zip group, or -1 */
	size_t axis;
};

struct space_group {
	char *text;             /* canonical "x,y" */
	char **names;
	size_t n;
	size_t *params;         /* resolved by space_finish */
	uint64_t len;
};

struct space_axis {
	uint64_t len;
	uint64_t stride;
};

struct space {
	struct space_param *params;
	size_t nparams;
	struct space_group *groups;
	size_t ngroups;
	struct space_axis *axes;
	size_t naxes;
	uint64_t size;
	bool finished;
};

/* space_parse.c */

/* Fill e (if any) with a formatted message and a position; return -1. */
int space_fail(struct space_error *e, const char *text, const char *at,
    const char *fmt, ...) UTIL_PRINTF(4, 5);
/* True for the blanks allowed around names, values, items and arguments. */
bool space_is_blank(char c);
/* Append s[0..len) to b for a human: control characters escaped (C0 and
 * DEL as \xNN, C1 as \u00NN), cut after max bytes (on a character
 * boundary) with "...".  The text is valid UTF-8 up to len. */
void space_escape(struct buf *b, const char *s, size_t len, size_t max);
/* True if s[0..len) is exactly one JSON-like number; *integer says whether
 * it has neither fraction nor exponent. */
bool space_is_number(const char *s, size_t len, bool *integer);

/* space.c */

/* Round d to 15 significant digits, so 0.1 * 3 is 0.3; keep d if that
 * would overflow, and never give -0. */
double space_normalise(double d);
/* The raw k-th value of a real range, halving start and step where
 * k * step alone would overflow. */
double space_range_at(const struct space_param *p, uint64_t k);
/* Compute the k-th value of parameter p (what space_value gives). */
void space_param_value(const struct space_param *p, uint64_t k,
    struct value *out);
/* Free a parameter's memory. */
void space_param_free(struct space_param *p);

#endif
