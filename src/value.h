/*
 * value.h -- one parameter value: an integer, a real or a string.  Values
 * are computed on demand from the parameter space and never own memory:
 * a string value points into the space that produced it.
 */
#ifndef LABRAT_VALUE_H
#define LABRAT_VALUE_H

#include <stdint.h>

#include "util.h"

enum value_kind {
	VALUE_INT,
	VALUE_REAL,
	VALUE_STRING,
};

struct value {
	enum value_kind kind;
	int64_t i;       /* VALUE_INT */
	double r;        /* VALUE_REAL */
	const char *s;   /* VALUE_STRING: valid UTF-8, not owned */
	size_t len;      /* VALUE_STRING: bytes at s */
};

/* Append the value as an experiment sees it in its argv and environment:
 * 3, 0.25, 1e-06, abc (strings as they are, no quoting). */
void value_format(const struct value *v, struct buf *b);
/* Append the value as JSON: 3, 0.25, "abc". */
void value_json(const struct value *v, struct buf *b);

#endif
