/*
 * check_output.c -- the output suite: a JSON last line (after log lines,
 * before blank lines, with CRLF), broken JSON reported with its column,
 * name=value lines (numbers, strings, blanks, repeats, ignored lines),
 * binary and non-UTF-8 bytes, NUL bytes, empty output, megabytes of output
 * parsed in linear time, and output cut by its bound: the tracker of the
 * last line, however the bytes come, and the parse of each kind of cut.
 * Outputs are handed over in exact-size heap copies so that ASan sees any
 * read past the length.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "output.h"
#include "pool.h"

/* Parse out[0..len), cut as cut says, from an exact-size copy. */
static int
parse_cut(const char *out, size_t len, enum output_cut cut,
    struct json_object *res, char **err)
{
	char *copy = xmalloc(len);
	int rc;

	memcpy(copy, out, len);
	rc = output_parse(copy, len, cut, res, err);
	free(copy);
	return rc;
}

/* Parse the whole output out[0..len) from an exact-size copy. */
static int
parse_n(const char *out, size_t len, struct json_object *res, char **err)
{
	return parse_cut(out, len, OUTPUT_WHOLE, res, err);
}

/* Parse out[0..len), which must succeed with n results. */
static struct json_object
parse_ok_n(const char *out, size_t len, size_t n)
{
	struct json_object res;
	char *err = NULL;

	if (parse_n(out, len, &res, &err) != 0)
		ck_abort_msg("output_parse of '%s' failed: %s", out, err);
	ck_assert_msg(res.n == n, "'%s': %zu results, not %zu", out, res.n, n);
	return res;
}

static struct json_object
parse_ok(const char *out, size_t n)
{
	return parse_ok_n(out, strlen(out), n);
}

/* Assert result i is name, type, text. */
static void
check_result(const struct json_object *res, size_t i, const char *name,
    enum json_type type, const char *text)
{
	const struct json_member *m;

	ck_assert_uint_lt(i, res->n);
	m = &res->members[i];
	ck_assert_str_eq(m->name, name);
	ck_assert_int_eq(m->type, type);
	ck_assert_str_eq(m->text, text);
	ck_assert_uint_eq(m->len, strlen(text));
}

/* Assert that out[0..len) fails with a message holding each of want. */
static void
check_fail_n(const char *out, size_t len, const char *want1,
    const char *want2)
{
	struct json_object res;
	char *err = NULL;

	ck_assert_int_eq(parse_n(out, len, &res, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, want1) != NULL, "'%s' lacks '%s'", err,
	    want1);
	ck_assert_msg(strstr(err, want2) != NULL, "'%s' lacks '%s'", err,
	    want2);
	ck_assert_uint_eq(res.n, 0);
	ck_assert_ptr_null(res.members);
	free(err);
}

static void
check_fail(const char *out, const char *want1, const char *want2)
{
	check_fail_n(out, strlen(out), want1, want2);
}

START_TEST(test_json_last_line)
{
	struct json_object res;

	res = parse_ok("starting\nProgress: 50%\nx=7\n"
	    "{\"loss\": 0.25, \"name\": \"run\", \"v\": [1, 2], \"ok\": true}\n"
	    "\n  \n\t\n", 4);
	check_result(&res, 0, "loss", JSON_NUMBER, "0.25");
	check_result(&res, 1, "name", JSON_STRING, "run");
	check_result(&res, 2, "v", JSON_ARRAY, "[1, 2]");
	check_result(&res, 3, "ok", JSON_TRUE, "true");
	ck_assert_ptr_null(json_object_get(&res, "x"));
	json_object_free(&res);

	/* CRLF line ends, blank lines of CR, no final newline. */
	res = parse_ok("log\r\n{\"a\":1,\"b\":\"x\"}\r\n\r\n \r", 2);
	check_result(&res, 0, "a", JSON_NUMBER, "1");
	check_result(&res, 1, "b", JSON_STRING, "x");
	json_object_free(&res);
	res = parse_ok("  \t{\"a\": -1.5e3}", 1);
	check_result(&res, 0, "a", JSON_NUMBER, "-1.5e3");
	json_object_free(&res);
	res = parse_ok("{}\n", 0);
	json_object_free(&res);
	/* Repeated names: first position, last value. */
	res = parse_ok("{\"a\":1,\"b\":2,\"a\":3}\n", 2);
	check_result(&res, 0, "a", JSON_NUMBER, "3");
	json_object_free(&res);
	/* Only the last line counts: an earlier JSON line is ignored. */
	res = parse_ok("{\"old\":1}\nnew=2\n", 1);
	check_result(&res, 0, "new", JSON_NUMBER, "2");
	json_object_free(&res);
}
END_TEST

START_TEST(test_json_broken)
{
	/* {"a": 1 "b": 2} -- the '"' of "b" is the 9th character. */
	check_fail("log\n{\"a\": 1 \"b\": 2}\n\n",
	    "the last line of output is not a valid JSON object: "
	    "expected ',' or '}'", "at column 9");
	check_fail("  {\"a\": 1 \"b\": 2}", "expected ',' or '}'",
	    "at column 11");
	check_fail("x=1\n{\"loss\": 0.25, \"acc\"}\n", "expected ':' after "
	    "member name", "at column 21");
	check_fail("{\"a\": \"unterminated\n", "unterminated string",
	    "at column 7");
	check_fail("{\"a\": 1}}\r\n", "trailing characters after the object",
	    "at column 9");
	check_fail("{bad json\n", "expected a member name", "at column 2");
	check_fail("{\n", "expected a member name", "at column 2");
	check_fail("{\"a\":NaN}", "invalid literal 'NaN'", "at column 6");
	/* Columns count characters, not bytes. */
	check_fail("{\"\xc3\xa9\": 1 x}", "expected ',' or '}'",
	    "at column 9");
	/* A NUL byte outside a string is a syntax error too. */
	check_fail_n("{\"a\": 1\0}\n", 10, "expected ',' or '}'",
	    "at column 8");
}
END_TEST

START_TEST(test_json_non_utf8)
{
	struct json_object res;

	/* Bad bytes inside strings become U+FFFD: never a failure. */
	res = parse_ok("{\"s\":\"caf\xe9\",\"\xff\":1}\n", 2);
	check_result(&res, 0, "s", JSON_STRING, "caf\xef\xbf\xbd");
	check_result(&res, 1, "\xef\xbf\xbd", JSON_NUMBER, "1");
	json_object_free(&res);
	res = parse_ok_n("{\"s\":\"a\0b\"}", 11, 1);
	check_result(&res, 0, "s", JSON_STRING, "a\xef\xbf\xbd" "b");
	json_object_free(&res);
	/* Outside strings they are still errors, at their column. */
	check_fail("{\"s\": \x80}", "expected a value", "at column 7");
}
END_TEST

START_TEST(test_key_value)
{
	struct json_object res;

	res = parse_ok("x=5\ny = 2.5e3 \n  name = hello world  \nflag=true\n"
	    "neg=-3\nlz=007\nempty=\nsp= \t\nq=\"quoted\"\n"
	    "eq=a=b\nplus=+1\nhex=0x1F\nnan=NaN\n", 13);
	check_result(&res, 0, "x", JSON_NUMBER, "5");
	check_result(&res, 1, "y", JSON_NUMBER, "2.5e3");
	check_result(&res, 2, "name", JSON_STRING, "hello world");
	check_result(&res, 3, "flag", JSON_STRING, "true");
	check_result(&res, 4, "neg", JSON_NUMBER, "-3");
	check_result(&res, 5, "lz", JSON_STRING, "007");
	check_result(&res, 6, "empty", JSON_STRING, "");
	check_result(&res, 7, "sp", JSON_STRING, "");
	check_result(&res, 8, "q", JSON_STRING, "\"quoted\"");
	check_result(&res, 9, "eq", JSON_STRING, "a=b");
	check_result(&res, 10, "plus", JSON_STRING, "+1");
	check_result(&res, 11, "hex", JSON_STRING, "0x1F");
	check_result(&res, 12, "nan", JSON_STRING, "NaN");
	json_object_free(&res);

	res = parse_ok("train.loss=0.5\nval-acc=0.9\n_x=1\nA9_.-z=2\n", 4);
	check_result(&res, 0, "train.loss", JSON_NUMBER, "0.5");
	check_result(&res, 1, "val-acc", JSON_NUMBER, "0.9");
	check_result(&res, 2, "_x", JSON_NUMBER, "1");
	check_result(&res, 3, "A9_.-z", JSON_NUMBER, "2");
	json_object_free(&res);
}
END_TEST

START_TEST(test_key_value_ignored)
{
	struct json_object res;

	res = parse_ok("Progress: 50%\n== banner ==\n=x\n1a=2\na b=3\n-x=1\n"
	    ".x=1\nok=1\n\x01\xff=\n# c=1\n[x]=1\nx[0]=1\nname: v\n"
	    "\xc3\xa9=1\nk\t=\tv\t\n  last = 1 \r\n", 3);
	check_result(&res, 0, "ok", JSON_NUMBER, "1");
	check_result(&res, 1, "k", JSON_STRING, "v");
	check_result(&res, 2, "last", JSON_NUMBER, "1");
	json_object_free(&res);
	res = parse_ok("just some log\nno results here\n", 0);
	json_object_free(&res);
}
END_TEST

START_TEST(test_key_value_repeats)
{
	struct json_object res;

	res = parse_ok("a=1\nb=2\na=three\nc=4\na=5\nb=\n", 3);
	check_result(&res, 0, "a", JSON_NUMBER, "5");
	check_result(&res, 1, "b", JSON_STRING, "");
	check_result(&res, 2, "c", JSON_NUMBER, "4");
	json_object_free(&res);
	/* Names are case-sensitive. */
	res = parse_ok("A=1\na=2\n", 2);
	json_object_free(&res);
}
END_TEST

START_TEST(test_line_ends)
{
	struct json_object res;

	res = parse_ok("a=1\r\nb=x y\r\n\r\n", 2);
	check_result(&res, 0, "a", JSON_NUMBER, "1");
	check_result(&res, 1, "b", JSON_STRING, "x y");
	json_object_free(&res);
	res = parse_ok("a=1\nb=2", 2);
	check_result(&res, 1, "b", JSON_NUMBER, "2");
	json_object_free(&res);
	res = parse_ok("b=", 1);
	check_result(&res, 0, "b", JSON_STRING, "");
	json_object_free(&res);
}
END_TEST

START_TEST(test_empty)
{
	static const char *const outs[] = { "", "\n", "\n\n  \r\n\t", " ",
		"\r\n\r\n" };
	struct json_object res;
	char *err = NULL;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(outs); i++) {
		res = parse_ok(outs[i], 0);
		ck_assert_ptr_null(res.members);
		json_object_free(&res);
	}
	ck_assert_int_eq(output_parse(NULL, 0, OUTPUT_WHOLE, &res, &err), 0);
	ck_assert_uint_eq(res.n, 0);
	ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_binary)
{
	static const char out[] = "\xff\xfe\0junk\na=caf\xe9\nb=ok\n"
	    "\x80\x81=3\nc=\xf0\x9f\x98\x80\nbin=\x01\x02\xc3\n\0\0\0\n";
	struct json_object res;

	res = parse_ok_n(out, sizeof out - 1, 4);
	check_result(&res, 0, "a", JSON_STRING, "caf\xef\xbf\xbd");
	check_result(&res, 1, "b", JSON_STRING, "ok");
	check_result(&res, 2, "c", JSON_STRING, "\xf0\x9f\x98\x80");
	check_result(&res, 3, "bin", JSON_STRING, "\x01\x02\xef\xbf\xbd");
	json_object_free(&res);
}
END_TEST

START_TEST(test_nul_bytes)
{
	static const char out[] = "a=x\0y\nb=1\0\nc=3\n\0d=4\ne\0=5\n";
	struct json_object res;

	res = parse_ok_n(out, sizeof out - 1, 3);
	check_result(&res, 0, "a", JSON_STRING, "x\xef\xbf\xbdy");
	check_result(&res, 1, "b", JSON_STRING, "1\xef\xbf\xbd");
	check_result(&res, 2, "c", JSON_NUMBER, "3");
	json_object_free(&res);
}
END_TEST

START_TEST(test_garbage)
{
	uint64_t x = 0x2545f4914f6cdd1dULL;
	size_t n = 1 << 20, i, j, k;
	char *out = xmalloc(n), *err;
	struct json_object res;
	const struct json_member *m;

	/* Random bytes with sprinkled newlines, '=' and names: never a
	 * crash, and every string result is clean UTF-8 without NUL. */
	for (k = 0; k < 8; k++) {
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			out[i] = (char)x;
			if (x % 7 == 0)
				out[i] = '\n';
			else if (x % 11 == 0)
				out[i] = '=';
			else if (x % 13 == 0)
				out[i] = 'k';
		}
		if (k % 2 == 1)
			memcpy(out + n - 3, "\n{x", 3);
		err = NULL;
		if (output_parse(out, n, OUTPUT_WHOLE, &res, &err) != 0) {
			ck_assert_ptr_nonnull(err);
			free(err);
			continue;
		}
		for (j = 0; j < res.n; j++) {
			m = &res.members[j];
			if (m->type == JSON_NUMBER)
				ck_assert(json_number_valid(m->text, m->len));
			else
				ck_assert_int_eq(m->type, JSON_STRING);
			ck_assert(util_utf8_valid(m->text, m->len, NULL));
			ck_assert_ptr_null(memchr(m->text, '\0', m->len));
		}
		json_object_free(&res);
	}
	free(out);
}
END_TEST

START_TEST(test_huge_key_value)
{
	struct json_object res;
	struct buf b;
	double t0, t;
	size_t i;

	/* About 6 MiB: 200000 distinct names among log lines. */
	buf_init(&b);
	for (i = 0; i < 200000; i++) {
		buf_printf(&b, "step %zu of 200000: working\n", i);
		buf_printf(&b, "k%zu=%zu\n", i, i * 3);
	}
	buf_adds(&b, "result=42\n\n");
	t0 = util_monotonic();
	ck_assert_int_eq(output_parse(b.data, b.len, OUTPUT_WHOLE, &res, NULL),
	    0);
	t = util_monotonic() - t0;
	ck_assert_uint_eq(res.n, 200001);
	check_result(&res, 0, "k0", JSON_NUMBER, "0");
	check_result(&res, 123456, "k123456", JSON_NUMBER, "370368");
	check_result(&res, 200000, "result", JSON_NUMBER, "42");
	json_object_free(&res);
	/* Linear work takes a fraction of a second even under ASan; a
	 * quadratic search of repeated names would take minutes. */
	ck_assert_msg(t < 10, "parsing %zu bytes took %.1f s", b.len, t);

	/* 100000 repeats of one name: the last wins. */
	buf_reset(&b);
	for (i = 0; i < 100000; i++)
		buf_printf(&b, "a=%zu\n", i);
	ck_assert_int_eq(output_parse(b.data, b.len, OUTPUT_WHOLE, &res, NULL),
	    0);
	ck_assert_uint_eq(res.n, 1);
	check_result(&res, 0, "a", JSON_NUMBER, "99999");
	json_object_free(&res);
	buf_free(&b);
}
END_TEST

START_TEST(test_huge_json)
{
	struct json_object res;
	struct buf b;
	size_t i;

	/* 4 MiB of log, then the JSON line, then many blank lines. */
	buf_init(&b);
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "a log line that is not a result, x=1 {\"no\"}\n");
	buf_adds(&b, "{\"found\": \"yes\", \"n\": 3}");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, " \r\n");
	ck_assert_int_eq(parse_n(b.data, b.len, &res, NULL), 0);
	ck_assert_uint_eq(res.n, 2);
	check_result(&res, 0, "found", JSON_STRING, "yes");
	check_result(&res, 1, "n", JSON_NUMBER, "3");
	json_object_free(&res);

	/* One long JSON line with many members. */
	buf_reset(&b);
	buf_adds(&b, "log\n{");
	for (i = 0; i < 100000; i++)
		buf_printf(&b, "\"m%zu\": %zu, ", i % 50000, i);
	buf_adds(&b, "\"end\": null}\n");
	ck_assert_int_eq(parse_n(b.data, b.len, &res, NULL), 0);
	ck_assert_uint_eq(res.n, 50001);
	check_result(&res, 49999, "m49999", JSON_NUMBER, "99999");
	json_object_free(&res);
	buf_free(&b);
}
END_TEST

/* Follow out[0..len) in pieces of step bytes (0: at once). */
static struct output_tracker
track(const char *out, size_t len, size_t step)
{
	struct output_tracker t;
	size_t i, n;

	output_track_init(&t);
	if (step == 0)
		step = len > 0 ? len : 1;
	for (i = 0; i < len; i += n) {
		n = len - i < step ? len - i : step;
		output_track_bytes(&t, out + i, n);
	}
	ck_assert_uint_eq(t.total, len);
	return t;
}

/* Assert that out[0..len), however it comes, has its last non-blank line
 * at [start, end) (end UINT64_MAX: no newline after it), JSON or not. */
static void
check_track(const char *out, size_t len, uint64_t start, uint64_t end,
    bool json)
{
	static const size_t steps[] = { 0, 1, 2, 3, 7 };
	struct output_tracker t;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(steps); i++) {
		t = track(out, len, steps[i]);
		ck_assert_msg(t.found, "'%s' in steps of %zu: no line", out,
		    steps[i]);
		ck_assert_uint_eq(t.last_start, start);
		ck_assert_uint_eq(t.last_end, end);
		ck_assert_int_eq(t.last_json, json);
	}
}

START_TEST(test_track_last_line)
{
	struct output_tracker t;

	check_track("a=1\n{\"x\":1}\n\n  \n", 16, 4, 11, true);
	check_track("a=1\n  \t{\"x\":1}\r\n \r\n", 19, 4, 15, true);
	check_track("{\"x\":1}\ny=2\n", 12, 8, 11, false);
	check_track("x\n  ab", 6, 2, UINT64_MAX, false);
	check_track("{", 1, 0, UINT64_MAX, true);
	/* A NUL byte is no blank: it makes a line, not a JSON one. */
	check_track("a=1\n\0\n\n", 7, 4, 5, false);
	check_track("\0{", 2, 0, UINT64_MAX, false);
	t = track(" \n\t\r\n\n", 6, 1);
	ck_assert(!t.found);
	t = track("", 0, 0);
	ck_assert(!t.found);
}
END_TEST

START_TEST(test_track_cut)
{
	/* "a=1\n{"x":1}\n\n  \n": the JSON line is [4, 11). */
	static const char out[] = "a=1\n{\"x\":1}\n\n  \n";
	struct output_tracker t = track(out, sizeof out - 1, 0), blank;

	/* Nothing lost. */
	ck_assert_int_eq(output_track_cut(&t, 16, 0), OUTPUT_WHOLE);
	ck_assert_int_eq(output_track_cut(&t, 5, 5), OUTPUT_WHOLE);
	/* The line whole in the head (its newline kept, or the first byte
	 * lost), or in the tail. */
	ck_assert_int_eq(output_track_cut(&t, 12, 14), OUTPUT_CUT);
	ck_assert_int_eq(output_track_cut(&t, 11, 12), OUTPUT_CUT);
	ck_assert_int_eq(output_track_cut(&t, 2, 4), OUTPUT_CUT);
	ck_assert_int_eq(output_track_cut(&t, 0, 3), OUTPUT_CUT);
	/* Cut at its end, at its start, or lost whole. */
	ck_assert_int_eq(output_track_cut(&t, 10, 12), OUTPUT_CUT_JSON);
	ck_assert_int_eq(output_track_cut(&t, 3, 5), OUTPUT_CUT_JSON);
	ck_assert_int_eq(output_track_cut(&t, 6, 8), OUTPUT_CUT_JSON);
	ck_assert_int_eq(output_track_cut(&t, 0, 16), OUTPUT_CUT_JSON);
	t = track("{\"x\":1}\nlog\n\n", 13, 0);
	ck_assert_int_eq(output_track_cut(&t, 0, 16), OUTPUT_CUT_LAST);
	ck_assert_int_eq(output_track_cut(&t, 9, 10), OUTPUT_CUT_LAST);
	/* No line but blanks: nothing decisive to cut. */
	blank = track("  \n\n\t", 5, 0);
	ck_assert_int_eq(output_track_cut(&blank, 1, 4), OUTPUT_CUT);
}
END_TEST

START_TEST(test_parse_cut)
{
	struct json_object res;
	char *err = NULL, want[160];

	/* Lines were lost, the last one is whole: read as always. */
	res = parse_ok_n("a=1\n{\"x\":1}\n", 12, 1);
	json_object_free(&res);
	ck_assert_int_eq(parse_cut("a=1\n{\"x\":1}\n", 12, OUTPUT_CUT, &res,
	    &err), 0);
	ck_assert_uint_eq(res.n, 1);
	check_result(&res, 0, "x", JSON_NUMBER, "1");
	json_object_free(&res);
	ck_assert_int_eq(parse_cut("a=1\nb=2", 7, OUTPUT_CUT, &res, &err), 0);
	ck_assert_uint_eq(res.n, 2);
	json_object_free(&res);

	/* The last line, no JSON, was cut: an earlier JSON line in what is
	 * left does not become the last line. */
	ck_assert_int_eq(parse_cut("a=1\n{\"x\":1}\n\n", 13, OUTPUT_CUT_LAST,
	    &res, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(res.n, 1);
	check_result(&res, 0, "a", JSON_NUMBER, "1");
	json_object_free(&res);
	ck_assert_int_eq(parse_cut("", 0, OUTPUT_CUT_LAST, &res, &err), 0);
	ck_assert_uint_eq(res.n, 0);

	/* The last line, a JSON object, was cut: no results, whatever is
	 * left, and a message that says so with the bounds of pool.h. */
	ck_assert_int_eq(parse_cut("a=1\n", 4, OUTPUT_CUT_JSON, &res, &err),
	    -1);
	ck_assert_uint_eq(res.n, 0);
	ck_assert_ptr_null(res.members);
	ck_assert_ptr_nonnull(err);
	snprintf(want, sizeof want, "(its first %d MiB and its last %d KiB)",
	    POOL_OUT_HEAD >> 20, POOL_OUT_TAIL >> 10);
	ck_assert_msg(strstr(err, "the last line of output, a JSON object, "
	    "was cut") != NULL && strstr(err, want) != NULL,
	    "'%s' lacks '%s'", err, want);
	free(err);
	err = NULL;
	ck_assert_int_eq(output_parse(NULL, 0, OUTPUT_CUT_JSON, &res, &err),
	    -1);
	free(err);
}
END_TEST

Suite *
suite_output(void)
{
	Suite *s = suite_create("output");
	TCase *tc;

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_last_line);
	tcase_add_test(tc, test_json_broken);
	tcase_add_test(tc, test_json_non_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("key_value");
	tcase_add_test(tc, test_key_value);
	tcase_add_test(tc, test_key_value_ignored);
	tcase_add_test(tc, test_key_value_repeats);
	tcase_add_test(tc, test_line_ends);
	suite_add_tcase(s, tc);

	tc = tcase_create("bytes");
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_binary);
	tcase_add_test(tc, test_nul_bytes);
	tcase_add_test(tc, test_garbage);
	suite_add_tcase(s, tc);

	tc = tcase_create("cut");
	tcase_add_test(tc, test_track_last_line);
	tcase_add_test(tc, test_track_cut);
	tcase_add_test(tc, test_parse_cut);
	suite_add_tcase(s, tc);

	tc = tcase_create("size");
	tcase_add_test(tc, test_huge_key_value);
	tcase_add_test(tc, test_huge_json);
	suite_add_tcase(s, tc);
	return s;
}
