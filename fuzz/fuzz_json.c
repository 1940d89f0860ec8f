/*
 * fuzz_json.c -- fuzz target for the JSON reader and writer: any bytes go
 * to json_parse_object, json_parse_string_array and json_number_valid;
 * whatever parses is written back and must read back to the same members
 * (abort() otherwise), and writing that again must give the same text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"

/* Abort unless b, read back from a's JSON, holds the same members. */
static void
fuzz_json_same(const struct json_object *a, const struct json_object *b)
{
	const struct json_member *ma, *mb;
	struct buf canon;
	size_t i;

	if (a->n != b->n)
		abort();
	buf_init(&canon);
	for (i = 0; i < a->n; i++) {
		ma = &a->members[i];
		mb = &b->members[i];
		if (strcmp(ma->name, mb->name) != 0 || ma->type != mb->type)
			abort();
		if (ma->type == JSON_ARRAY || ma->type == JSON_OBJECT) {
			/* Nested values come back without white space. */
			buf_reset(&canon);
			json_append_value(&canon, ma);
			if (canon.len != mb->len ||
			    memcmp(canon.data, mb->text, mb->len) != 0)
				abort();
		} else if (ma->len != mb->len ||
		    memcmp(ma->text, mb->text, ma->len) != 0 ||
		    strlen(mb->text) != mb->len)
			abort();
	}
	buf_free(&canon);
}

/* Parse as an object; on success, check the round trip. */
static void
fuzz_json_object(const char *s, size_t len)
{
	struct json_object obj, back;
	struct buf out, again;
	char *err = NULL;
	size_t pos = 0;

	if (json_parse_object(s, len, &obj, &err, &pos) != 0) {
		if (err == NULL || pos > len)
			abort();
		free(err);
		return;
	}
	buf_init(&out);
	json_append_object(&out, &obj);
	if (json_parse_object(out.data, out.len, &back, &err, &pos) != 0)
		abort();
	fuzz_json_same(&obj, &back);
	buf_init(&again);
	json_append_object(&again, &back);
	if (again.len != out.len || memcmp(again.data, out.data, out.len) != 0)
		abort();
	buf_free(&again);
	buf_free(&out);
	json_object_free(&back);
	json_object_free(&obj);
}

/* Parse as an array of strings; on success, check the round trip. */
static void
fuzz_json_strings(const char *s, size_t len)
{
	char **v, **back, *err = NULL;
	struct buf out;
	size_t i;

	if (json_parse_string_array(s, len, &v, &err) != 0) {
		if (err == NULL || v != NULL)
			abort();
		free(err);
		return;
	}
	buf_init(&out);
	buf_addc(&out, '[');
	for (i = 0; v[i] != NULL; i++) {
		if (i > 0)
			buf_addc(&out, ',');
		json_append_string(&out, v[i], strlen(v[i]));
	}
	buf_addc(&out, ']');
	if (json_parse_string_array(out.data, out.len, &back, &err) != 0)
		abort();
	for (i = 0; v[i] != NULL; i++) {
		if (back[i] == NULL || strcmp(v[i], back[i]) != 0)
			abort();
	}
	if (back[i] != NULL)
		abort();
	util_strv_free(back);
	util_strv_free(v);
	buf_free(&out);
}

/* A valid number must parse as a member value, token unchanged. */
static void
fuzz_json_number(const char *s, size_t len)
{
	struct json_object obj;
	struct buf in;

	if (!json_number_valid(s, len))
		return;
	buf_init(&in);
	buf_adds(&in, "{\"n\":");
	buf_add(&in, s, len);
	buf_addc(&in, '}');
	if (json_parse_object(in.data, in.len, &obj, NULL, NULL) != 0 ||
	    obj.n != 1 || obj.members[0].type != JSON_NUMBER ||
	    obj.members[0].len != len ||
	    memcmp(obj.members[0].text, s, len) != 0)
		abort();
	json_object_free(&obj);
	buf_free(&in);
}

/* Run every reader on the input and check the round trips. */
FUZZ_ENTRY(fuzz_json)
{
	const char *s = (const char *)data;

	fuzz_json_object(s, size);
	fuzz_json_strings(s, size);
	fuzz_json_number(s, size);
	return 0;
}
