/*
 * json.h -- a small, strict JSON reader for one object of members (an
 * experiment's result line, a notebook column) and the writer helpers that
 * produce canonical JSON.  Hand-written and fuzzed: it never reads past the
 * length it is given, limits nesting, and rejects invalid UTF-8.
 */
#ifndef LABRAT_JSON_H
#define LABRAT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/* Deepest nesting of arrays and objects accepted. */
#define JSON_MAX_DEPTH 64

struct json_member {
	char *name;          /* decoded UTF-8, NUL-terminated */
	enum json_type type;
	/*
	 * JSON_STRING: the decoded UTF-8 text (\u0000 is refused, so it is a
	 * C string too); JSON_NUMBER: the token exactly as written;
	 * JSON_TRUE/FALSE/NULL: "true", "false", "null"; JSON_ARRAY and
	 * JSON_OBJECT: the raw JSON text of the value, as written.
	 */
	char *text;
	size_t len;          /* bytes in text */
};

struct json_object {
	struct json_member *members; /* in order of first appearance */
	size_t n;
};

/*
 * Parse s[0..len) as exactly one JSON object, white space around it
 * allowed.  A repeated name keeps its first position and its last value.
 * Returns 0, or -1 with *err (owned) saying what is wrong and *errpos the
 * byte offset where it was found.
 */
int json_parse_object(const char *s, size_t len, struct json_object *obj,
    char **err, size_t *errpos);
void json_object_free(struct json_object *obj);
/* Merge repeated names in place: each keeps the position of its first
 * appearance and the value of its last (what json_parse_object does). */
void json_object_dedup(struct json_object *obj);
/* The member named name, or NULL. */
const struct json_member *json_object_get(const struct json_object *obj,
    const char *name);

/* Parse s as a JSON array of strings into a NULL-terminated vector. */
int json_parse_string_array(const char *s, size_t len, char ***strv,
    char **err);

/* True if s[0..len) is exactly one JSON number (RFC 8259 grammar). */
bool json_number_valid(const char *s, size_t len);

/* Append s[0..len) as a quoted JSON string; invalid UTF-8 and NUL bytes
 * become U+FFFD, control characters are escaped. */
void json_append_string(struct buf *b, const char *s, size_t len);
/* Append a member's value as JSON (strings quoted, the rest as text;
 * arrays and objects without white space between tokens).  A number or
 * array/object text that is not valid JSON (say "nan") is written as null,
 * so the output is always valid JSON. */
void json_append_value(struct buf *b, const struct json_member *m);
/* Append the object as compact JSON: {"a":1,"b":"x"}. */
void json_append_object(struct buf *b, const struct json_object *obj);

#endif
