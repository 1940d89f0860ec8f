/*
 * output.c -- the experiment output contract (doc/experiment.md): an
 * experiment's captured standard output, any bytes at all, becomes its
 * results.  If the last non-blank line starts with '{' it must be one JSON
 * object whose members are the results; otherwise every name=value line is
 * a result and every other line is ignored.  One pass over the lines, no
 * copy of the output, and repeated names merged by sorting, so megabytes of
 * output cost linear time.
 *
 * An output longer than its capture's bound loses bytes in the middle, and
 * a line cut there is never a result: the capture hands over whole lines
 * only, and follows the stream with an output_tracker to tell the parser
 * whether the line that decides between JSON and name=value was cut.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
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

/* Start following a stream. */
void
output_track_init(struct output_tracker *t)
{
	memset(t, 0, sizeof *t);
	t->line_blank = true;
}

/* The first byte of [p, end) that is no blank, or NULL. */
static const char *
output_skip_blanks(const char *p, const char *end)
{
	while (p < end && output_is_blank((unsigned char)*p))
		p++;
	return p < end ? p : NULL;
}

/*
 * Follow n more bytes.  Of the lines that end in them only the last with
 * more than blanks matters, so they are looked at from the end: a chunk
 * costs a few lines, not one step per line (`yes` prints 2-byte lines).
 */
void
output_track_bytes(struct output_tracker *t, const char *data, size_t n)
{
	const char *end = data + n, *nl, *e, *start, *p;

	nl = n > 0 ? memrchr(data, '\n', n) : NULL;
	for (e = nl; e != NULL; e = start - 1) {
		start = memrchr(data, '\n', e - data);
		start = start != NULL ? start + 1 : data;
		p = output_skip_blanks(start, e);
		if (start > data && p == NULL)
			continue;	/* a blank line: look further back */
		if (start > data) {
			t->last_start = t->total + (start - data);
			t->last_json = *p == '{';
		} else if (t->line_blank && p != NULL) {
			/* The line began before these bytes, blank so far. */
			t->last_start = t->line;
			t->last_json = *p == '{';
		} else if (t->line_blank)
			break;		/* no line of these bytes counts */
		/* else it began before and is already the last line. */
		t->found = true;
		t->last_end = t->total + (e - data);
		break;
	}
	if (nl != NULL) {
		t->line = t->total + (nl + 1 - data);
		t->line_blank = true;
	}
	if (t->line_blank &&
	    (p = output_skip_blanks(nl != NULL ? nl + 1 : data, end)) != NULL) {
		t->line_blank = false;
		t->found = true;
		t->last_start = t->line;
		t->last_end = UINT64_MAX;
		t->last_json = *p == '{';
	}
	t->total += n;
}

/* Tell whether the last non-blank line survives keeping [0, head) and
 * [tail, total) of the stream, whole lines only: a line whose newline is
 * the first byte lost is whole. */
enum output_cut
output_track_cut(const struct output_tracker *t, uint64_t head,
    uint64_t tail)
{
	if (tail <= head)
		return OUTPUT_WHOLE;
	if (!t->found || t->last_end <= head || t->last_start >= tail)
		return OUTPUT_CUT;
	return t->last_json ? OUTPUT_CUT_JSON : OUTPUT_CUT_LAST;
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
output_parse(const char *out, size_t len, enum output_cut cut,
    struct json_object *results, char **err)
{
	const char *nl;
	size_t start, end, cap = 0, i;

	results->members = NULL;
	results->n = 0;
	if (cut == OUTPUT_CUT_JSON) {
		/* The bounds are those of pool.h; check_output keeps the
		 * numbers here true. */
		if (err != NULL)
			*err = xstrdup("the last line of output, a JSON "
			    "object, was cut: the output is longer than "
			    "labrat keeps of it (its first 1 MiB and its last "
			    "64 KiB); print less before the JSON line, "
			    "and keep that line under 64 KiB");
		return -1;
	}
	if (out == NULL || len == 0)
		return 0;
	if (cut != OUTPUT_CUT_LAST &&
	    output_last_line(out, len, &start, &end) == 0 && out[start] == '{')
		return output_parse_json(out, start, end, results, err);
	for (i = 0; i < len; i = end + 1) {
		nl = memchr(out + i, '\n', len - i);
		end = nl == NULL ? len : (size_t)(nl - out);
		output_parse_line(out + i, end - i, results, &cap);
	}
	json_object_dedup(results);
	return 0;
}
