/*
 * json.c -- a strict RFC 8259 reader for one JSON object (an experiment's
 * result line, a notebook column) and the writer that produces compact
 * canonical JSON.  The reader never looks past the length it is given (the
 * input need not be NUL-terminated), refuses invalid UTF-8, lone
 * surrogates and \u0000, bounds nesting at JSON_MAX_DEPTH so that the
 * recursion stays shallow, and keeps nested arrays and objects as their
 * raw text once fully validated.  Errors carry a message and the byte
 * offset where the problem was found.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct json_parser {
	const char *s;
	size_t len;
	size_t pos;
	char *err;     /* first error, owned */
	size_t errpos;
};

/* A member name and its position, for finding repeated names by sorting. */
struct json_key {
	const char *name;
	size_t i;
};

static int json_parse_value(struct json_parser *, int, enum json_type *);

static int json_fail(struct json_parser *, size_t, const char *, ...)
    UTIL_PRINTF(3, 4);

/* Record an error at byte offset at; always returns -1. */
static int
json_fail(struct json_parser *p, size_t at, const char *fmt, ...)
{
	va_list ap;

	if (p->err != NULL)
		return -1;
	va_start(ap, fmt);
	p->err = xvasprintf(fmt, ap);
	va_end(ap);
	p->errpos = at;
	return -1;
}

/* Describe the byte at offset at for a message: 'x', byte 0xff or end. */
static const char *
json_describe(const struct json_parser *p, size_t at, char *tmp, size_t size)
{
	unsigned char c;

	if (at >= p->len)
		return "end of input";
	c = (unsigned char)p->s[at];
	if (c >= 0x20 && c < 0x7f)
		snprintf(tmp, size, "'%c'", c);
	else
		snprintf(tmp, size, "byte 0x%02x", c);
	return tmp;
}

/* True for the four white space bytes of the JSON grammar. */
static bool
json_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True for an ASCII digit (no locale). */
static bool
json_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Skip white space. */
static void
json_skip_space(struct json_parser *p)
{
	while (p->pos < p->len && json_is_space((unsigned char)p->s[p->pos]))
		p->pos++;
}

/* True if the next byte is c. */
static bool
json_peek(const struct json_parser *p, char c)
{
	return p->pos < p->len && p->s[p->pos] == c;
}

/*
 * Scan one number of the JSON grammar starting at s[*pos]: 0 with *pos
 * past it, or -1 with *pos at the offending byte and *why saying what was
 * expected there.
 */
static int
json_scan_number(const char *s, size_t len, size_t *pos, const char **why)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = *pos;

	if (i < len && u[i] == '-')
		i++;
	if (i >= len || !json_is_digit(u[i])) {
		*why = "expected a digit";
		goto bad;
	}
	if (u[i] == '0') {
		i++;
		if (i < len && json_is_digit(u[i])) {
			*why = "leading zeros are not allowed";
			goto bad;
		}
	} else {
		while (i < len && json_is_digit(u[i]))
			i++;
	}
	if (i < len && u[i] == '.') {
		i++;
		if (i >= len || !json_is_digit(u[i])) {
			*why = "expected a digit after the decimal point";
			goto bad;
		}
		while (i < len && json_is_digit(u[i]))
			i++;
	}
	if (i < len && (u[i] == 'e' || u[i] == 'E')) {
		i++;
		if (i < len && (u[i] == '+' || u[i] == '-'))
			i++;
		if (i >= len || !json_is_digit(u[i])) {
			*why = "expected a digit in the exponent";
			goto bad;
		}
		while (i < len && json_is_digit(u[i]))
			i++;
	}
	*pos = i;
	return 0;
bad:
	*pos = i;
	return -1;
}

/* True if s[0..len) is exactly one JSON number. */
bool
json_number_valid(const char *s, size_t len)
{
	const char *why;
	size_t pos = 0;

	if (s == NULL)
		return false;
	return json_scan_number(s, len, &pos, &why) == 0 && pos == len;
}

/* Value of one hex digit, or -1. */
static int
json_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read the four hex digits of a \u escape at s[at] ('\\'), or -1. */
static long
json_read_u(const struct json_parser *p, size_t at)
{
	long cp = 0;
	size_t i;
	int d;

	if (at + 6 > p->len || p->s[at] != '\\' || p->s[at + 1] != 'u')
		return -1;
	for (i = at + 2; i < at + 6; i++) {
		if ((d = json_hex_digit((unsigned char)p->s[i])) < 0)
			return -1;
		cp = cp * 16 + d;
	}
	return cp;
}

/* Append code point cp as UTF-8. */
static void
json_add_utf8(struct buf *b, unsigned long cp)
{
	char u[4];

	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 4);
	}
}

/* Decode the escape at p->pos ('\\') into out (if not NULL). */
static int
json_read_escape(struct json_parser *p, size_t start, struct buf *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *q;
	char tmp[32];
	long cp, lo;
	size_t at = p->pos;

	if (at + 1 >= p->len)
		return json_fail(p, start, "unterminated string");
	if (p->s[at + 1] != 'u') {
		q = p->s[at + 1] == '\0' ? NULL : strchr(from, p->s[at + 1]);
		if (q == NULL)
			return json_fail(p, at, "invalid escape in string: "
			    "backslash followed by %s (write \\\\ for a "
			    "backslash)", json_describe(p, at + 1, tmp,
			    sizeof tmp));
		if (out != NULL)
			buf_addc(out, to[q - from]);
		p->pos += 2;
		return 0;
	}
	if ((cp = json_read_u(p, at)) < 0)
		return json_fail(p, at, "invalid \\u escape in string: "
		    "expected four hex digits");
	if (cp == 0)
		return json_fail(p, at, "\\u0000 is not allowed in a string "
		    "(a NUL character cannot be stored)");
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return json_fail(p, at, "lone surrogate \\u%04lX in string "
		    "(a low surrogate must follow a high one)", cp);
	p->pos += 6;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		lo = json_read_u(p, p->pos);
		if (lo < 0xdc00 || lo > 0xdfff)
			return json_fail(p, at, "lone surrogate \\u%04lX in "
			    "string (a high surrogate must be followed by a "
			    "low one, \\uDC00 to \\uDFFF)", cp);
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p->pos += 6;
	}
	if (out != NULL)
		json_add_utf8(out, (unsigned long)cp);
	return 0;
}

/*
 * Read the string at p->pos (a '"'), decoding it into out if out is not
 * NULL (only validating it otherwise).
 */
static int
json_read_string(struct json_parser *p, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)p->s;
	size_t start = p->pos, run, n, w;
	unsigned char c;

	p->pos++;
	for (;;) {
		run = p->pos;
		while (p->pos < p->len && (c = u[p->pos]) >= 0x20 &&
		    c < 0x80 && c != '"' && c != '\\')
			p->pos++;
		if (out != NULL)
			buf_add(out, p->s + run, p->pos - run);
		if (p->pos >= p->len)
			return json_fail(p, start, "unterminated string");
		c = u[p->pos];
		if (c == '"') {
			p->pos++;
			return 0;
		}
		if (c == '\\') {
			if (json_read_escape(p, start, out) != 0)
				return -1;
			continue;
		}
		if (c < 0x20)
			return json_fail(p, p->pos, "control character U+%04X "
			    "in string must be escaped (as \\n, \\t or "
			    "\\u%04X)", c, c);
		n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		w = p->len - p->pos < n ? p->len - p->pos : n;
		if (!util_utf8_valid(p->s + p->pos, w, NULL))
			return json_fail(p, p->pos, "invalid UTF-8 in string "
			    "(byte 0x%02x); the text must be UTF-8", c);
		if (out != NULL)
			buf_add(out, p->s + p->pos, n);
		p->pos += n;
	}
}

/* Read true, false or null at p->pos. */
static int
json_read_literal(struct json_parser *p, enum json_type *type)
{
	static const struct {
		const char *word;
		enum json_type type;
	} literals[] = {
		{ "true", JSON_TRUE },
		{ "false", JSON_FALSE },
		{ "null", JSON_NULL },
	};
	size_t start = p->pos, end = p->pos, i, n;
	unsigned char c;

	while (end < p->len && end - start < 32) {
		c = (unsigned char)p->s[end];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    json_is_digit(c) || c == '_'))
			break;
		end++;
	}
	n = end - start;
	for (i = 0; i < UTIL_ARRLEN(literals); i++) {
		if (strlen(literals[i].word) == n &&
		    memcmp(p->s + start, literals[i].word, n) == 0) {
			*type = literals[i].type;
			p->pos = end;
			return 0;
		}
	}
	return json_fail(p, start, "invalid literal '%.*s' (JSON has only "
	    "true, false and null; write text in double quotes)", (int)n,
	    p->s + start);
}

/* Read the array or object at p->pos; depth is that of its container. */
static int
json_read_container(struct json_parser *p, int depth)
{
	char close = p->s[p->pos] == '{' ? '}' : ']', tmp[32];
	enum json_type type;

	if (depth >= JSON_MAX_DEPTH)
		return json_fail(p, p->pos, "arrays and objects are nested "
		    "more than %d deep", JSON_MAX_DEPTH);
	p->pos++;
	json_skip_space(p);
	if (json_peek(p, close)) {
		p->pos++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			if (!json_peek(p, '"'))
				return json_fail(p, p->pos, "expected a member "
				    "name in double quotes, found %s",
				    json_describe(p, p->pos, tmp, sizeof tmp));
			if (json_read_string(p, NULL) != 0)
				return -1;
			json_skip_space(p);
			if (!json_peek(p, ':'))
				return json_fail(p, p->pos, "expected ':' "
				    "after member name, found %s",
				    json_describe(p, p->pos, tmp, sizeof tmp));
			p->pos++;
			json_skip_space(p);
		}
		if (json_parse_value(p, depth + 1, &type) != 0)
			return -1;
		json_skip_space(p);
		if (json_peek(p, close)) {
			p->pos++;
			return 0;
		}
		if (!json_peek(p, ','))
			return json_fail(p, p->pos, "expected ',' or '%c' "
			    "after %s, found %s", close, close == '}' ?
			    "a member" : "an array element", json_describe(p,
			    p->pos, tmp, sizeof tmp));
		p->pos++;
		json_skip_space(p);
		if (json_peek(p, close))
			return json_fail(p, p->pos, "trailing comma before "
			    "'%c'", close);
	}
}

/*
 * Validate the value at p->pos (white space already skipped), leaving
 * p->pos past it; depth is that of the array or object holding it.
 */
static int
json_parse_value(struct json_parser *p, int depth, enum json_type *type)
{
	const char *why;
	size_t at = p->pos;
	char tmp[32];
	unsigned char c;

	if (p->pos >= p->len)
		return json_fail(p, p->pos, "expected a value, found end of "
		    "input");
	c = (unsigned char)p->s[p->pos];
	switch (c) {
	case '{':
	case '[':
		*type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
		return json_read_container(p, depth);
	case '"':
		*type = JSON_STRING;
		return json_read_string(p, NULL);
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		*type = JSON_NUMBER;
		if (json_scan_number(p->s, p->len, &p->pos, &why) != 0)
			return json_fail(p, p->pos, "invalid number: %s, "
			    "found %s", why, json_describe(p, p->pos, tmp,
			    sizeof tmp));
		return 0;
	default:
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return json_read_literal(p, type);
		return json_fail(p, at, "expected a value (a string, number, "
		    "object, array, true, false or null), found %s",
		    json_describe(p, at, tmp, sizeof tmp));
	}
}

/* Order keys by name, then by position. */
static int
json_key_cmp(const void *a, const void *b)
{
	const struct json_key *ka = a, *kb = b;
	int r;

	if ((r = strcmp(ka->name, kb->name)) != 0)
		return r;
	return ka->i < kb->i ? -1 : ka->i > kb->i;
}

/* Merge repeated names: first position, last value. */
void
json_object_dedup(struct json_object *obj)
{
	struct json_member *m = obj->members, *first, *last;
	struct json_key *keys;
	bool *dead = NULL;
	size_t n = obj->n, g, h, k, i, j;

	if (n < 2)
		return;
	keys = xreallocarray(NULL, n, sizeof *keys);
	for (i = 0; i < n; i++) {
		keys[i].name = m[i].name;
		keys[i].i = i;
	}
	qsort(keys, n, sizeof *keys, json_key_cmp);
	for (g = 0; g < n; g = h) {
		for (h = g + 1; h < n; h++) {
			if (strcmp(keys[h].name, keys[g].name) != 0)
				break;
		}
		if (h - g == 1)
			continue;
		if (dead == NULL)
			dead = xcalloc(n, sizeof *dead);
		first = &m[keys[g].i];
		last = &m[keys[h - 1].i];
		free(first->text);
		first->type = last->type;
		first->text = last->text;
		first->len = last->len;
		last->text = NULL;
		for (k = g + 1; k < h; k++) {
			dead[keys[k].i] = true;
			free(m[keys[k].i].name);
			free(m[keys[k].i].text);
		}
	}
	free(keys);
	if (dead == NULL)
		return;
	for (i = j = 0; i < n; i++) {
		if (!dead[i])
			m[j++] = m[i];
	}
	obj->n = j;
	free(dead);
}

/* Append a member, taking ownership of name and text. */
static void
json_object_push(struct json_object *obj, size_t *cap, char *name,
    enum json_type type, char *text, size_t len)
{
	struct json_member *m;

	if (obj->n == *cap) {
		*cap = *cap == 0 ? 8 : *cap * 2;
		obj->members = xreallocarray(obj->members, *cap,
		    sizeof *obj->members);
	}
	m = &obj->members[obj->n++];
	m->name = name;
	m->type = type;
	m->text = text;
	m->len = len;
}

/* Read the members of the top-level object at p->pos ('{') into obj. */
static int
json_read_members(struct json_parser *p, struct json_object *obj)
{
	struct buf name, value;
	enum json_type type;
	size_t cap = 0, start;
	char tmp[32], *text;
	size_t len;
	int rc = -1;

	buf_init(&name);
	buf_init(&value);
	p->pos++;
	json_skip_space(p);
	if (json_peek(p, '}')) {
		p->pos++;
		return 0;
	}
	for (;;) {
		if (!json_peek(p, '"')) {
			json_fail(p, p->pos, "expected a member name in double "
			    "quotes, found %s", json_describe(p, p->pos, tmp,
			    sizeof tmp));
			goto out;
		}
		buf_reset(&name);
		if (json_read_string(p, &name) != 0)
			goto out;
		json_skip_space(p);
		if (!json_peek(p, ':')) {
			json_fail(p, p->pos, "expected ':' after member name, "
			    "found %s", json_describe(p, p->pos, tmp,
			    sizeof tmp));
			goto out;
		}
		p->pos++;
		json_skip_space(p);
		start = p->pos;
		if (json_peek(p, '"')) {
			buf_reset(&value);
			if (json_read_string(p, &value) != 0)
				goto out;
			type = JSON_STRING;
			len = value.len;
			text = buf_steal(&value);
		} else {
			if (json_parse_value(p, 1, &type) != 0)
				goto out;
			len = p->pos - start;
			text = xstrndup(p->s + start, len);
		}
		json_object_push(obj, &cap, buf_steal(&name), type, text, len);
		json_skip_space(p);
		if (json_peek(p, '}')) {
			p->pos++;
			break;
		}
		if (!json_peek(p, ',')) {
			json_fail(p, p->pos, "expected ',' or '}' after a "
			    "member, found %s", json_describe(p, p->pos, tmp,
			    sizeof tmp));
			goto out;
		}
		p->pos++;
		json_skip_space(p);
		if (json_peek(p, '}')) {
			json_fail(p, p->pos, "trailing comma before '}'");
			goto out;
		}
	}
	rc = 0;
out:
	buf_free(&name);
	buf_free(&value);
	return rc;
}

/* Parse s[0..len) as exactly one JSON object. */
int
json_parse_object(const char *s, size_t len, struct json_object *obj,
    char **err, size_t *errpos)
{
	struct json_parser p = { s, len, 0, NULL, 0 };
	char tmp[32];

	obj->members = NULL;
	obj->n = 0;
	if (s == NULL)
		p.len = 0;
	json_skip_space(&p);
	if (!json_peek(&p, '{'))
		json_fail(&p, p.pos, "expected '{' to start the object, "
		    "found %s", json_describe(&p, p.pos, tmp, sizeof tmp));
	else if (json_read_members(&p, obj) == 0) {
		json_skip_space(&p);
		if (p.pos < p.len)
			json_fail(&p, p.pos, "trailing characters after the "
			    "object: %s", json_describe(&p, p.pos, tmp,
			    sizeof tmp));
	}
	if (p.err != NULL) {
		json_object_free(obj);
		if (err != NULL)
			*err = p.err;
		else
			free(p.err);
		if (errpos != NULL)
			*errpos = p.errpos;
		return -1;
	}
	json_object_dedup(obj);
	return 0;
}

/* Free the members of obj and empty it. */
void
json_object_free(struct json_object *obj)
{
	size_t i;

	if (obj == NULL)
		return;
	for (i = 0; i < obj->n; i++) {
		free(obj->members[i].name);
		free(obj->members[i].text);
	}
	free(obj->members);
	obj->members = NULL;
	obj->n = 0;
}

/* Find the member named name. */
const struct json_member *
json_object_get(const struct json_object *obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->n; i++) {
		if (strcmp(obj->members[i].name, name) == 0)
			return &obj->members[i];
	}
	return NULL;
}

/* Parse s[0..len) as an array of strings. */
int
json_parse_string_array(const char *s, size_t len, char ***strv, char **err)
{
	struct json_parser p = { s, len, 0, NULL, 0 };
	struct buf value;
	char **v = NULL, tmp[32];
	size_t n = 0, cap = 0;

	buf_init(&value);
	if (s == NULL)
		p.len = 0;
	json_skip_space(&p);
	if (!json_peek(&p, '[')) {
		json_fail(&p, p.pos, "expected '[' to start an array of "
		    "strings, found %s", json_describe(&p, p.pos, tmp,
		    sizeof tmp));
		goto fail;
	}
	p.pos++;
	json_skip_space(&p);
	while (!json_peek(&p, ']')) {
		if (!json_peek(&p, '"')) {
			json_fail(&p, p.pos, "element %zu of the array is not "
			    "a string: found %s", n + 1, json_describe(&p,
			    p.pos, tmp, sizeof tmp));
			goto fail;
		}
		buf_reset(&value);
		if (json_read_string(&p, &value) != 0)
			goto fail;
		if (n + 1 >= cap) {
			cap = cap == 0 ? 8 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[n++] = buf_steal(&value);
		v[n] = NULL;
		json_skip_space(&p);
		if (json_peek(&p, ']'))
			break;
		if (!json_peek(&p, ',')) {
			json_fail(&p, p.pos, "expected ',' or ']' after an "
			    "array element, found %s", json_describe(&p, p.pos,
			    tmp, sizeof tmp));
			goto fail;
		}
		p.pos++;
		json_skip_space(&p);
		if (json_peek(&p, ']')) {
			json_fail(&p, p.pos, "trailing comma before ']'");
			goto fail;
		}
	}
	p.pos++;
	json_skip_space(&p);
	if (p.pos < p.len) {
		json_fail(&p, p.pos, "trailing characters after the array: %s",
		    json_describe(&p, p.pos, tmp, sizeof tmp));
		goto fail;
	}
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	buf_free(&value);
	*strv = v;
	return 0;
fail:
	buf_free(&value);
	util_strv_free(v);
	*strv = NULL;
	if (err != NULL)
		*err = xasprintf("%s (at byte %zu)", p.err, p.errpos);
	free(p.err);
	return -1;
}

/* Append a valid UTF-8 string without NUL bytes, quoted and escaped. */
static void
json_append_escaped(struct buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, run = 0;
	unsigned char c;

	buf_grow(b, len + 2);
	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		c = u[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		case '\b':
			buf_adds(b, "\\b");
			break;
		case '\f':
			buf_adds(b, "\\f");
			break;
		default:
			buf_printf(b, "\\u%04x", c);
			break;
		}
	}
	buf_add(b, s + run, len - run);
	buf_addc(b, '"');
}

/* Append s[0..len) as a quoted JSON string. */
void
json_append_string(struct buf *b, const char *s, size_t len)
{
	struct buf clean;

	if (s == NULL)
		len = 0;
	if (len == 0) {
		buf_adds(b, "\"\"");
		return;
	}
	if (memchr(s, '\0', len) == NULL && util_utf8_valid(s, len, NULL)) {
		json_append_escaped(b, s, len);
		return;
	}
	buf_init(&clean);
	util_utf8_sanitize(&clean, s, len);
	json_append_escaped(b, clean.data, clean.len);
	buf_free(&clean);
}

/*
 * Append the array or object text s[0..len) without the white space
 * between its tokens, or null if it is not one valid JSON value of that
 * type (the text of a member someone built by hand).
 */
static void
json_append_compact(struct buf *b, const char *s, size_t len,
    enum json_type type)
{
	struct json_parser p = { s, len, 0, NULL, 0 };
	enum json_type found;
	size_t i, run = 0;
	bool in_string = false;

	json_skip_space(&p);
	if (s == NULL || json_parse_value(&p, 1, &found) != 0 ||
	    found != type) {
		free(p.err);
		buf_adds(b, "null");
		return;
	}
	json_skip_space(&p);
	if (p.pos != p.len) {
		buf_adds(b, "null");
		return;
	}
	buf_grow(b, len);
	for (i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = false;
			continue;
		}
		if (s[i] == '"') {
			in_string = true;
		} else if (json_is_space((unsigned char)s[i])) {
			buf_add(b, s + run, i - run);
			run = i + 1;
		}
	}
	buf_add(b, s + run, len - run);
}

/* Append a member's value as JSON. */
void
json_append_value(struct buf *b, const struct json_member *m)
{
	switch (m->type) {
	case JSON_NULL:
		buf_adds(b, "null");
		break;
	case JSON_FALSE:
		buf_adds(b, "false");
		break;
	case JSON_TRUE:
		buf_adds(b, "true");
		break;
	case JSON_NUMBER:
		if (json_number_valid(m->text, m->len))
			buf_add(b, m->text, m->len);
		else
			buf_adds(b, "null");
		break;
	case JSON_STRING:
		json_append_string(b, m->text, m->len);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		json_append_compact(b, m->text, m->len, m->type);
		break;
	}
}

/* Append obj as compact JSON. */
void
json_append_object(struct buf *b, const struct json_object *obj)
{
	size_t i;

	buf_addc(b, '{');
	for (i = 0; i < obj->n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		json_append_string(b, obj->members[i].name,
		    obj->members[i].name == NULL ? 0 :
		    strlen(obj->members[i].name));
		buf_addc(b, ':');
		json_append_value(b, &obj->members[i]);
	}
	buf_addc(b, '}');
}
