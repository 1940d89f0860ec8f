/*
 * output.c -- the experiment output contract (doc/experiment.md): an
 * experiment's captured standard output, any bytes at all, becomes its
 * results.  If the last non-blank line starts with '{' it must be one JSON
 * object whose members are the results; otherwise every name=value line is
 * a result and every other line is ignored.  One pass over the lines, no
 * copy of the output, and repeated names merged by sorting, so megabytes of
 * output cost linear time.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* True for the bytes a blank line may hold (and that surround values). */
static bool
output_is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* True for a byte that may start a result name. */
static bool
output_is_name_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

/* True for a byte that may continue a result name. */
static bool
output_is_name_char(unsigned char c)
{
	return output_is_name_start(c) || (c >= '0' && c <= '9') ||
	    c == '.' || c == '-';
}

/*
 * Find the last line of out[0..len) holding anything but blanks: 0 with
 * its content (no newline, leading blanks skipped) in [*start, *end), or
 * -1 if there is none.
 */
static int
output_last_line(const char *out, size_t len, size_t *start, size_t *end)
{
	size_t e = len, s, i;

	while (e > 0) {
		for (s = e; s > 0 && out[s - 1] != '\n'; s--)
			;
		for (i = s; i < e && output_is_blank((unsigned char)out[i]);
		    i++)
			;
		if (i < e) {
			*start = i;
			*end = e;
			return 0;
		}
		if (s == 0)
			break;
		e = s - 1;
	}
	return -1;
}

/* Column (1-based, in characters) of byte offset at of text[0..). */
static size_t
output_column(const char *text, size_t at)
{
	size_t i, col = 1;

	for (i = 0; i < at; i++) {
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			col++;
	}
	return col;
}

/*
 * Parse the last line [start, end) as the JSON object of results.  Invalid
 * UTF-8 and NUL bytes become U+FFFD first, so that they never fail the
 * parse inside a string; the column of an error counts characters, each
 * replaced byte as one.
 */
static int
output_parse_json(const char *out, size_t start, size_t end,
    struct json_object *results, char **err)
{
	const char *text = out + start;
	size_t len = end - start, at = 0, line;
	char *why = NULL;
	struct buf clean;
	int rc = 0;

	buf_init(&clean);
	if (memchr(text, '\0', len) != NULL ||
	    !util_utf8_valid(text, len, NULL)) {
		util_utf8_sanitize(&clean, text, len);
		text = clean.data;
		len = clean.len;
	}
	if (json_parse_object(text, len, results, &why, &at) != 0) {
		for (line = start; line > 0 && out[line - 1] != '\n'; line--)
			;
		if (err != NULL)
			*err = xasprintf("the last line of output is not a "
			    "valid JSON object: %s at column %zu (print one "
			    "JSON object on the last line, or name=value "
			    "lines)", why, start - line +
			    output_column(text, at));
		free(why);
		rc = -1;
	}
	buf_free(&clean);
	return rc;
}

/*
 * Add the result of line[0..len) if it is name=value: blanks before the
 * name and around the value are allowed, the value may be empty.
 */
static void
output_parse_line(const char *line, size_t len, struct json_object *results,
    size_t *cap)
{
	const unsigned char *u = (const unsigned char *)line;
	struct json_member *m;
	size_t i = 0, name, name_end, value, value_end = len;
	struct buf b;

	while (i < len && output_is_blank(u[i]))
		i++;
	if (i >= len || !output_is_name_start(u[i]))
		return;
	name = i;
	while (i < len && output_is_name_char(u[i]))
		i++;
	name_end = i;
	while (i < len && output_is_blank(u[i]))
		i++;
	if (i >= len || u[i] != '=')
		return;
	i++;
	while (i < len && output_is_blank(u[i]))
		i++;
	value = i;
	while (value_end > value && output_is_blank(u[value_end - 1]))
		value_end--;

	if (results->n == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		results->members = xreallocarray(results->members, *cap,
		    sizeof *results->members);
	}
	m = &results->members[results->n++];
	m->name = xstrndup(line + name, name_end - name);
	if (json_number_valid(line + value, value_end - value)) {
		m->type = JSON_NUMBER;
		m->len = value_end - value;
		m->text = xstrndup(line + value, m->len);
	} else {
		buf_init(&b);
		util_utf8_sanitize(&b, line + value, value_end - value);
		m->type = JSON_STRING;
		m->len = b.len;
		m->text = buf_steal(&b);
	}
}

/* Parse an experiment's standard output into its results. */
int
output_parse(const char *out, size_t len, struct json_object *results,
    char **err)
{
	const char *nl;
	size_t start, end, cap = 0, i;

	results->members = NULL;
	results->n = 0;
	if (out == NULL || len == 0)
		return 0;
	if (output_last_line(out, len, &start, &end) != 0)
		return 0;
	if (out[start] == '{')
		return output_parse_json(out, start, end, results, err);
	for (i = 0; i < len; i = end + 1) {
		nl = memchr(out + i, '\n', len - i);
		end = nl == NULL ? len : (size_t)(nl - out);
		output_parse_line(out + i, end - i, results, &cap);
	}
	json_object_dedup(results);
	return 0;
}
