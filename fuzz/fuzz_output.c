/*
 * fuzz_output.c -- fuzz target for the experiment output contract: any
 * bytes go to output_parse; the results it accepts must be clean (numbers
 * valid, strings UTF-8 without NUL) and written as JSON must read back to
 * the same names and types (abort() otherwise).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "output.h"

/* Parse the input as output and check the results round trip. */
FUZZ_ENTRY(fuzz_output)
{
	struct json_object res, back;
	const struct json_member *m;
	struct buf out;
	char *err = NULL;
	size_t i;

	if (output_parse((const char *)data, size, &res, &err) != 0) {
		if (err == NULL)
			abort();
		free(err);
		return 0;
	}
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
	return 0;
}
