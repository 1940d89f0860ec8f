/*
 * fuzz_output.c -- fuzz target for the experiment output contract: any
 * bytes go to output_parse, whole or cut each way a capture may say; the
 * results it accepts must be clean (numbers valid, strings UTF-8 without
 * NUL) and written as JSON must read back to the same names and types, and
 * the tracker of the last line must not care how the bytes were split
 * (abort() otherwise).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "output.h"

/* Follow data[0..size) in pieces of step bytes. */
static struct output_tracker
fuzz_output_follow(const uint8_t *data, size_t size, size_t step)
{
	struct output_tracker t;
	size_t i;

	output_track_init(&t);
	for (i = 0; i < size; i += step)
		output_track_bytes(&t, (const char *)data + i,
		    size - i < step ? size - i : step);
	if (t.total != size)
		abort();
	return t;
}

/* Follow data[0..size) in one piece, byte by byte and in threes: the
 * last line found must be the same. */
static void
fuzz_output_track(const uint8_t *data, size_t size)
{
	struct output_tracker one, other;
	size_t steps[] = { 1, 3 }, i;

	one = fuzz_output_follow(data, size, size > 0 ? size : 1);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		other = fuzz_output_follow(data, size, steps[i]);
		if (one.found != other.found ||
		    (one.found && (one.last_start != other.last_start ||
		    one.last_end != other.last_end ||
		    one.last_json != other.last_json)))
			abort();
	}
	if (output_track_cut(&one, size, size) != OUTPUT_WHOLE)
		abort();
}

/* Parse data[0..size) cut as cut says and check the results round
 * trip. */
static void
fuzz_output_parse(const uint8_t *data, size_t size, enum output_cut cut)
{
	struct json_object res, back;
	const struct json_member *m;
	struct buf out;
	char *err = NULL;
	size_t i;

	if (output_parse((const char *)data, size, cut, &res, &err) != 0) {
		if (err == NULL)
			abort();
		free(err);
		return;
	}
	if (cut == OUTPUT_CUT_JSON)
		abort();
	if (err != NULL)
		abort();
	for (i = 0; i < res.n; i++) {
		m = &res.members[i];
		if (m->type == JSON_NUMBER && !json_number_valid(m->text,
		    m->len))
			abort();
		if (m->type == JSON_STRING && (strlen(m->text) != m->len ||
		    !util_utf8_valid(m->text, m->len, NULL)))
			abort();
	}
	buf_init(&out);
	json_append_object(&out, &res);
	if (json_parse_object(out.data, out.len, &back, NULL, NULL) != 0)
		abort();
	if (back.n != res.n)
		abort();
	for (i = 0; i < res.n; i++) {
		if (strcmp(back.members[i].name, res.members[i].name) != 0 ||
		    back.members[i].type != res.members[i].type)
			abort();
		if (res.members[i].type == JSON_STRING &&
		    strcmp(back.members[i].text, res.members[i].text) != 0)
			abort();
	}
	json_object_free(&back);
	json_object_free(&res);
	buf_free(&out);
}

/* Parse the input as output, whole and cut each way, and follow it. */
FUZZ_ENTRY(fuzz_output)
{
	fuzz_output_parse(data, size, OUTPUT_WHOLE);
	fuzz_output_parse(data, size, OUTPUT_CUT);
	fuzz_output_parse(data, size, OUTPUT_CUT_LAST);
	fuzz_output_parse(data, size, OUTPUT_CUT_JSON);
	fuzz_output_track(data, size);
	return 0;
}
