/*
 * check_capture.c -- the capture suite: output kept within bounds, handed
 * over as whole lines, the same however the bytes arrive.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "check_suites.h"
#include "util.h"

/* Capture text with bounds head and tail, fed in chunks of step bytes. */
static char *
take(const char *text, size_t len, size_t head, size_t tail, size_t step,
    bool at_line, bool *truncated, enum output_cut *cut, size_t *out_len)
{
	struct capture c;
	size_t i, n;
	char *out;

	capture_init(&c, head, tail);
	for (i = 0; i < len; i += n) {
		n = len - i < step ? len - i : step;
		capture_add(&c, text + i, n);
	}
	out = capture_take(&c, at_line, out_len, truncated, cut);
	capture_free(&c);
	return out;
}

START_TEST(test_whole)
{
	bool t;
	enum output_cut cut;
	size_t len;
	char *out;

	out = take("a=1\nb=2\n", 8, 100, 100, 3, true, &t, &cut, &len);
	ck_assert(!t);
	ck_assert_int_eq(cut, OUTPUT_WHOLE);
	ck_assert_str_eq(out, "a=1\nb=2\n");
	free(out);
	out = take("", 0, 100, 100, 1, true, &t, &cut, &len);
	ck_assert(!t);
	ck_assert_uint_eq(len, 0);
	free(out);
}
END_TEST

START_TEST(test_cut_lines)
{
	const char *text = "aa=1\nbb=22\ncc=333\ndd=4444\nee=5\n";
	bool t;
	enum output_cut cut;
	size_t len, step;
	char *out, *first = NULL;

	/* Head 8 bytes ("aa=1\nbb=" : bb cut), tail 9 ("=4444\nee=5\n"
	 * minus...): only whole lines come out, whatever the chunks. */
	for (step = 1; step <= strlen(text); step++) {
		out = take(text, strlen(text), 8, 9, step, true, &t, &cut,
		    &len);
		ck_assert(t);
		ck_assert_msg(strstr(out, "bb=2\n") == NULL &&
		    strstr(out, "=22") == NULL, "cut line handed over: %s",
		    out);
		ck_assert_msg(strncmp(out, "aa=1\n", 5) == 0, "%s", out);
		ck_assert_msg(len >= 5 && strcmp(out + len - 5, "ee=5\n") == 0,
		    "%s", out);
		if (first == NULL)
			first = xstrdup(out);
		else
			ck_assert_str_eq(out, first);
		free(out);
	}
	free(first);
}
END_TEST

START_TEST(test_raw_tail)
{
	bool t;
	size_t len;
	char *out;

	/* Without at_line (stderr): the head, a newline, the last bytes. */
	out = take("0123456789", 10, 0, 4, 3, false, &t, NULL, &len);
	ck_assert(t);
	ck_assert_str_eq(out, "6789");
	free(out);
}
END_TEST

Suite *
suite_capture(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("capture");

	tcase_add_test(tc, test_whole);
	tcase_add_test(tc, test_cut_lines);
	tcase_add_test(tc, test_raw_tail);
	suite_add_tcase(s, tc);
	return s;
}
