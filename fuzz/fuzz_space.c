/*
 * fuzz_space.c -- fuzz target for the parameter grammar.  The input is
 * lines: "zip a,b" declares a zip group, any other line is a parameter.
 * When the space finishes, a few points are evaluated, described and
 * saved to JSON and back; a value that is not finite or not UTF-8, or a
 * round trip that changes the space, aborts (a finding).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "space.h"

/* Abort unless every value of point p is sound. */
static void
fuzz_check_point(const struct space *s, uint64_t p, struct value *vals)
{
	size_t i;

	space_point(s, p, vals);
	for (i = 0; i < space_nparams(s); i++) {
		if (vals[i].kind == VALUE_REAL && !isfinite(vals[i].r))
			abort();
		if (vals[i].kind == VALUE_STRING &&
		    (!util_utf8_valid(vals[i].s, vals[i].len, NULL) ||
		    vals[i].s[vals[i].len] != '\0'))
			abort();
	}
}

/* Exercise a finished space: points, description, JSON round trip. */
static void
fuzz_check_space(const struct space *s)
{
	uint64_t size = space_size(s);
	struct space *t;
	struct value *vals;
	struct buf a, b;
	char *err = NULL;

	vals = xcalloc(space_nparams(s) + 1, sizeof *vals);
	fuzz_check_point(s, 0, vals);
	fuzz_check_point(s, size - 1, vals);
	fuzz_check_point(s, size / 2, vals);
	free(vals);

	buf_init(&a);
	buf_init(&b);
	space_describe(s, &a);
	if (a.len > 0 && !util_utf8_valid(a.data, a.len, NULL))
		abort();
	buf_reset(&a);
	space_to_json(s, &a);
	if ((t = space_from_json(a.data, &err)) == NULL)
		abort();
	space_to_json(t, &b);
	if (strcmp(a.data, b.data) != 0 || space_size(t) != size)
		abort();
	space_free(t);
	buf_free(&a);
	buf_free(&b);
}

FUZZ_ENTRY(fuzz_space)
{
	struct space_error e = { NULL, 0, false };
	const char *p = (const char *)data, *end = p + size, *nl;
	struct space *s = space_new();
	char *line;
	size_t len;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		line = xstrndup(p, len);
		if (strncmp(line, "zip ", 4) == 0)
			space_zip(s, line + 4, &e);
		else
			space_add(s, line, &e);
		if (e.msg != NULL && e.has_pos && e.pos > strlen(line))
			abort();
		space_error_clear(&e);
		free(line);
		p += len + (nl != NULL);
	}
	if (space_finish(s, &e) == 0)
		fuzz_check_space(s);
	space_error_clear(&e);
	space_free(s);
	return 0;
}
