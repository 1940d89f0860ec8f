/*
 * value.c -- formatting parameter values as text for argv and environment
 * and as JSON for standard input and the notebook.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>

#include "json.h"
#include "value.h"

void
value_format(const struct value *v, struct buf *b)
{
	switch (v->kind) {
	case VALUE_INT:
		buf_printf(b, "%" PRId64, v->i);
		break;
	case VALUE_REAL:
		util_format_double(b, v->r);
		break;
	case VALUE_STRING:
		buf_add(b, v->s, v->len);
		break;
	}
}

void
value_json(const struct value *v, struct buf *b)
{
	if (v->kind == VALUE_STRING)
		json_append_string(b, v->s, v->len);
	else if (v->kind == VALUE_REAL && !isfinite(v->r))
		buf_adds(b, "null");
	else
		value_format(v, b);
}
