/*
 * check_json.c -- the json suite: every value type, raw nested values,
 * escapes and surrogates, each error with its message and byte offset, the
 * depth limit, UTF-8 checks, the number grammar, repeated names, string
 * arrays, and the writer's output and round trips.  Inputs are handed over
 * in exact-size heap copies so that ASan sees any read past the length.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "json.h"

/* Parse s[0..len) from an exact-size copy. */
static int
parse_n(const char *s, size_t len, struct json_object *obj, char **err,
    size_t *errpos)
{
	char *copy = xmalloc(len);
	int rc;

	memcpy(copy, s, len);
	rc = json_parse_object(copy, len, obj, err, errpos);
	free(copy);
	return rc;
}

/* Parse s, which must succeed. */
static struct json_object
parse_ok(const char *s)
{
	struct json_object obj;
	char *err = NULL;
	size_t pos = 0;

	if (parse_n(s, strlen(s), &obj, &err, &pos) != 0)
		ck_abort_msg("parsing %s failed: %s at %zu", s, err, pos);
	return obj;
}

/* Parse s[0..len), which must fail with a message holding msg at pos. */
static void
check_fail_n(const char *s, size_t len, const char *msg, size_t pos)
{
	struct json_object obj;
	char *err = NULL;
	size_t at = 12345;

	ck_assert_msg(parse_n(s, len, &obj, &err, &at) == -1,
	    "parsing %s succeeded", s);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, msg) != NULL, "parsing %s: '%s' lacks '%s'",
	    s, err, msg);
	ck_assert_msg(at == pos, "parsing %s: error at %zu, not %zu (%s)", s,
	    at, pos, err);
	ck_assert_ptr_null(obj.members);
	ck_assert_uint_eq(obj.n, 0);
	free(err);
}

static void
check_fail(const char *s, const char *msg, size_t pos)
{
	check_fail_n(s, strlen(s), msg, pos);
}

/* Assert member i is name, type, text. */
static void
check_member(const struct json_object *obj, size_t i, const char *name,
    enum json_type type, const char *text)
{
	const struct json_member *m;

	ck_assert_uint_lt(i, obj->n);
	m = &obj->members[i];
	ck_assert_str_eq(m->name, name);
	ck_assert_int_eq(m->type, type);
	ck_assert_str_eq(m->text, text);
	ck_assert_uint_eq(m->len, strlen(text));
}

START_TEST(test_types)
{
	struct json_object obj = parse_ok("{\"n\":null,\"f\":false,\"t\":true,"
	    "\"i\":-12,\"r\":3.25E-2,\"s\":\"hi\",\"a\":[1, 2],"
	    "\"o\":{\"x\": {}},\"e\":\"\"}");

	ck_assert_uint_eq(obj.n, 9);
	check_member(&obj, 0, "n", JSON_NULL, "null");
	check_member(&obj, 1, "f", JSON_FALSE, "false");
	check_member(&obj, 2, "t", JSON_TRUE, "true");
	check_member(&obj, 3, "i", JSON_NUMBER, "-12");
	check_member(&obj, 4, "r", JSON_NUMBER, "3.25E-2");
	check_member(&obj, 5, "s", JSON_STRING, "hi");
	check_member(&obj, 6, "a", JSON_ARRAY, "[1, 2]");
	check_member(&obj, 7, "o", JSON_OBJECT, "{\"x\": {}}");
	check_member(&obj, 8, "e", JSON_STRING, "");
	ck_assert_ptr_eq(json_object_get(&obj, "s"), &obj.members[5]);
	ck_assert_ptr_null(json_object_get(&obj, "x"));
	ck_assert_ptr_null(json_object_get(&obj, "S"));
	json_object_free(&obj);
	ck_assert_ptr_null(obj.members);
	ck_assert_uint_eq(obj.n, 0);
}
END_TEST

START_TEST(test_whitespace)
{
	struct json_object obj;

	obj = parse_ok(" \t\r\n{ \"a\" :\n1 , \"b\"\t:\"x\" }\r\n ");
	ck_assert_uint_eq(obj.n, 2);
	check_member(&obj, 0, "a", JSON_NUMBER, "1");
	check_member(&obj, 1, "b", JSON_STRING, "x");
	json_object_free(&obj);
	obj = parse_ok("{}");
	ck_assert_uint_eq(obj.n, 0);
	json_object_free(&obj);
	obj = parse_ok("  { \n }  ");
	ck_assert_uint_eq(obj.n, 0);
	json_object_free(&obj);
	/* Form feed and vertical tab are not JSON white space. */
	check_fail("\f{}", "expected '{'", 0);
	check_fail("{}\v", "trailing characters after the object", 2);
}
END_TEST

START_TEST(test_nested_raw)
{
	struct json_object obj = parse_ok("{\"a\": [1, [2, {\"k\": "
	    "\"]}\\\"\"}], \"x\\u0041\"] ,"
	    "\"b\":{ \"c\" : [ ] , \"d\":{\"e\":null}},"
	    "\"c\":[],\"d\":[true,false,null,-0.5e+3,\"\\ud83d\\ude00\"]}");

	ck_assert_uint_eq(obj.n, 4);
	check_member(&obj, 0, "a", JSON_ARRAY,
	    "[1, [2, {\"k\": \"]}\\\"\"}], \"x\\u0041\"]");
	check_member(&obj, 1, "b", JSON_OBJECT,
	    "{ \"c\" : [ ] , \"d\":{\"e\":null}}");
	check_member(&obj, 2, "c", JSON_ARRAY, "[]");
	check_member(&obj, 3, "d", JSON_ARRAY,
	    "[true,false,null,-0.5e+3,\"\\ud83d\\ude00\"]");
	json_object_free(&obj);
}
END_TEST

START_TEST(test_escapes)
{
	struct json_object obj = parse_ok("{\"s\":"
	    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
	    "\"u\":\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\\uD834\\uDD1E\","
	    "\"n\\u00e9\":\"\\u001f\\u007f\"}");

	check_member(&obj, 0, "s", JSON_STRING, "\"\\/\b\f\n\r\t");
	check_member(&obj, 1, "u", JSON_STRING,
	    "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf0\x9d\x84\x9e");
	check_member(&obj, 2, "n\xc3\xa9", JSON_STRING, "\x1f\x7f");
	json_object_free(&obj);
}
END_TEST

START_TEST(test_escape_errors)
{
	check_fail("{\"a\":\"\\ud83d\"}", "lone surrogate \\uD83D", 5 + 1);
	check_fail("{\"a\":\"x\\ud83d\\u0041\"}", "lone surrogate", 7);
	check_fail("{\"a\":\"\\ud83d\\ud83d\"}", "lone surrogate", 6);
	check_fail("{\"a\":\"\\ude00\"}", "lone surrogate \\uDE00", 6);
	check_fail("{\"a\":\"\\ud83d", "lone surrogate", 6);
	check_fail("{\"a\":\"\\u0000\"}", "\\u0000 is not allowed", 6);
	check_fail("{\"\\u0000\":1}", "\\u0000 is not allowed", 2);
	check_fail("{\"a\":\"\\u12\"}", "expected four hex digits", 6);
	check_fail("{\"a\":\"\\u12g4\"}", "expected four hex digits", 6);
	check_fail("{\"a\":\"\\x\"}", "invalid escape", 6);
	check_fail("{\"a\":\"\\U0041\"}", "invalid escape", 6);
	check_fail("{\"a\":\"\\", "unterminated string", 5);
	check_fail("{\"a\":[\"\\ude00\"]}", "lone surrogate", 7);
}
END_TEST

START_TEST(test_control_characters)
{
	check_fail("{\"a\":\"x\ny\"}", "control character U+000A", 7);
	check_fail("{\"a\":\"\t\"}", "control character U+0009", 6);
	check_fail("{\"a\":\"\x1f\"}", "must be escaped", 6);
	check_fail("{\"a\\n\x01\":1}", "control character U+0001", 5);
	check_fail("{\"a\":[\"\r\"]}", "control character U+000D", 7);
	check_fail_n("{\"a\":\"x\0\"}", 10, "control character U+0000", 7);
	check_fail_n("{\"a\":1\0}", 8, "found byte 0x00", 6);
}
END_TEST

START_TEST(test_utf8)
{
	struct json_object obj;

	obj = parse_ok("{\"caf\xc3\xa9\":\"\xe2\x82\xac \xf0\x9f\x98\x80\","
	    "\"x\":[\"\xe6\x97\xa5\"]}");
	check_member(&obj, 0, "caf\xc3\xa9", JSON_STRING,
	    "\xe2\x82\xac \xf0\x9f\x98\x80");
	check_member(&obj, 1, "x", JSON_ARRAY, "[\"\xe6\x97\xa5\"]");
	json_object_free(&obj);
	check_fail("{\"a\":\"ab\xff\"}", "invalid UTF-8", 8);
	check_fail("{\"a\":\"\xc3\"}", "invalid UTF-8", 6);
	check_fail("{\"a\":\"\xc0\xaf\"}", "invalid UTF-8", 6);
	check_fail("{\"a\":\"\xed\xa0\x80\"}", "invalid UTF-8", 6);
	check_fail("{\"a\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8", 6);
	check_fail("{\"a\":\"\x80\"}", "invalid UTF-8", 6);
	check_fail("{\"\xfe\":1}", "invalid UTF-8", 2);
	check_fail("{\"a\":{\"b\":\"\xe2\x82\"}}", "invalid UTF-8", 11);
	/* A sequence cut by the length is invalid too. */
	check_fail_n("{\"a\":\"\xe2\x82\xac\"}", 8, "invalid UTF-8", 6);
	check_fail("{\"a\":\xc3\xa9}", "expected a value", 5);
}
END_TEST

START_TEST(test_errors)
{
	static const struct {
		const char *in;
		const char *msg;
		size_t pos;
	} t[] = {
		{ "", "expected '{' to start the object, found end of input",
		  0 },
		{ "   ", "expected '{'", 3 },
		{ "[1]", "expected '{' to start the object, found '['", 0 },
		{ "\"a\"", "expected '{'", 0 },
		{ "{\"a\" 1}", "expected ':' after member name, found '1'", 5 },
		{ "{\"a\"", "expected ':' after member name, found end", 4 },
		{ "{\"a\":1 \"b\":2}", "expected ',' or '}'", 7 },
		{ "{\"a\":1", "expected ',' or '}' after a member, found end",
		  6 },
		{ "{\"a\":\"xyz", "unterminated string", 5 },
		{ "{\"abc", "unterminated string", 1 },
		{ "{\"a\":1} x", "trailing characters after the object", 8 },
		{ "{\"a\":1}{}", "trailing characters after the object", 7 },
		{ "{a:1}", "expected a member name in double quotes", 1 },
		{ "{", "expected a member name in double quotes, found end",
		  1 },
		{ "{\"a\":1,}", "trailing comma before '}'", 7 },
		{ "{,}", "expected a member name", 1 },
		{ "{\"a\":}", "expected a value", 5 },
		{ "{\"a\":", "expected a value, found end of input", 5 },
		{ "{\"a\":'x'}", "expected a value", 5 },
		{ "{\"a\":tru}", "invalid literal 'tru'", 5 },
		{ "{\"a\":True}", "invalid literal 'True'", 5 },
		{ "{\"a\":nullx}", "invalid literal 'nullx'", 5 },
		{ "{\"a\":NaN}", "invalid literal 'NaN'", 5 },
		{ "{\"a\":Infinity}", "invalid literal 'Infinity'", 5 },
		{ "{\"a\":-Infinity}", "invalid number: expected a digit", 6 },
		{ "{\"a\":+1}", "expected a value", 5 },
		{ "{\"a\":01}", "leading zeros are not allowed", 6 },
		{ "{\"a\":-00}", "leading zeros are not allowed", 7 },
		{ "{\"a\":0x10}",
		  "expected ',' or '}' after a member, found 'x'", 6 },
		{ "{\"a\":1.}", "digit after the decimal point", 7 },
		{ "{\"a\":.5}", "expected a value", 5 },
		{ "{\"a\":1e}", "digit in the exponent", 7 },
		{ "{\"a\":1e+}", "digit in the exponent", 8 },
		{ "{\"a\":-}", "invalid number: expected a digit", 6 },
		{ "{\"a\":[1,2}", "expected ',' or ']' after an array element",
		  9 },
		{ "{\"a\":[1,]}", "trailing comma before ']'", 8 },
		{ "{\"a\":[,]}", "expected a value", 6 },
		{ "{\"a\":[1 2]}", "expected ',' or ']'", 8 },
		{ "{\"a\":{\"b\"}}", "expected ':' after member name", 9 },
		{ "{\"a\":{\"b\":1,}}", "trailing comma before '}'", 12 },
		{ "{\"a\":{1:2}}", "expected a member name", 6 },
		{ "{\"a\":[", "expected a value, found end of input", 6 },
		{ "{\"a\":1}}", "trailing characters after the object: '}'",
		  7 },
		{ "\xef\xbb\xbf{}", "expected '{'", 0 },
	};
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(t); i++)
		check_fail(t[i].in, t[i].msg, t[i].pos);
}
END_TEST

START_TEST(test_duplicates)
{
	struct json_object obj = parse_ok("{\"a\":1,\"b\":2,\"a\":\"x\","
	    "\"c\":3,\"a\":[1],\"b\":null}");
	struct buf b;
	size_t i;

	ck_assert_uint_eq(obj.n, 3);
	check_member(&obj, 0, "a", JSON_ARRAY, "[1]");
	check_member(&obj, 1, "b", JSON_NULL, "null");
	check_member(&obj, 2, "c", JSON_NUMBER, "3");
	json_object_free(&obj);

	/* Many repeats and many distinct names: no quadratic search. */
	buf_init(&b);
	buf_addc(&b, '{');
	for (i = 0; i < 50000; i++)
		buf_printf(&b, "\"k%zu\":%zu,\"same\":%zu,", i % 20000, i, i);
	buf_adds(&b, "\"last\":true}");
	ck_assert_int_eq(parse_n(b.data, b.len, &obj, NULL, NULL), 0);
	ck_assert_uint_eq(obj.n, 20002);
	check_member(&obj, 0, "k0", JSON_NUMBER, "40000");
	check_member(&obj, 1, "same", JSON_NUMBER, "49999");
	check_member(&obj, 2, "k1", JSON_NUMBER, "40001");
	check_member(&obj, 20001, "last", JSON_TRUE, "true");
	json_object_free(&obj);
	buf_free(&b);
}
END_TEST

START_TEST(test_dedup)
{
	struct json_object obj;
	static const char *const names[] = { "x", "y", "x", "z", "y", "x" };
	size_t i;

	obj.n = UTIL_ARRLEN(names);
	obj.members = xcalloc(obj.n, sizeof *obj.members);
	for (i = 0; i < obj.n; i++) {
		obj.members[i].name = xstrdup(names[i]);
		obj.members[i].type = JSON_NUMBER;
		obj.members[i].text = xasprintf("%zu", i);
		obj.members[i].len = strlen(obj.members[i].text);
	}
	json_object_dedup(&obj);
	ck_assert_uint_eq(obj.n, 3);
	check_member(&obj, 0, "x", JSON_NUMBER, "5");
	check_member(&obj, 1, "y", JSON_NUMBER, "4");
	check_member(&obj, 2, "z", JSON_NUMBER, "3");
	json_object_dedup(&obj);
	ck_assert_uint_eq(obj.n, 3);
	json_object_free(&obj);
}
END_TEST

/* {"a": then n '[' then n ']' then }. */
static void
nested(struct buf *b, size_t n, char open, char close)
{
	size_t i;

	buf_reset(b);
	buf_adds(b, "{\"a\":");
	for (i = 0; i < n; i++) {
		buf_addc(b, open);
		if (open == '{')
			buf_adds(b, "\"a\":");
	}
	if (open == '[')
		buf_addc(b, '1');
	else
		buf_adds(b, "1");
	for (i = 0; i < n; i++)
		buf_addc(b, close);
	buf_addc(b, '}');
}

START_TEST(test_depth)
{
	struct json_object obj;
	struct buf b;
	char *err = NULL;
	size_t pos = 0;

	buf_init(&b);
	/* The outer object is level 1: 63 more levels are allowed. */
	nested(&b, JSON_MAX_DEPTH - 1, '[', ']');
	ck_assert_int_eq(parse_n(b.data, b.len, &obj, NULL, NULL), 0);
	ck_assert_int_eq(obj.members[0].type, JSON_ARRAY);
	ck_assert_uint_eq(obj.members[0].len, b.len - 6);
	json_object_free(&obj);
	nested(&b, JSON_MAX_DEPTH, '[', ']');
	check_fail_n(b.data, b.len, "nested more than 64 deep",
	    5 + JSON_MAX_DEPTH - 1);
	nested(&b, JSON_MAX_DEPTH - 1, '{', '}');
	ck_assert_int_eq(parse_n(b.data, b.len, &obj, NULL, NULL), 0);
	ck_assert_int_eq(obj.members[0].type, JSON_OBJECT);
	json_object_free(&obj);
	nested(&b, JSON_MAX_DEPTH, '{', '}');
	ck_assert_int_eq(parse_n(b.data, b.len, &obj, &err, &pos), -1);
	ck_assert_ptr_nonnull(strstr(err, "nested more than 64 deep"));
	ck_assert_uint_eq(pos, 5 + 5 * (JSON_MAX_DEPTH - 1));
	free(err);
	buf_free(&b);
}
END_TEST

START_TEST(test_huge_nesting)
{
	size_t n = 1024 * 1024;
	char *s = xmalloc(n);
	char **v;
	char *err = NULL;

	memset(s, '[', n);
	memcpy(s, "{\"a\":", 5);
	check_fail_n(s, n, "nested more than 64 deep", 5 + JSON_MAX_DEPTH - 1);
	memset(s, '[', n);
	check_fail_n(s, n, "expected '{'", 0);
	ck_assert_int_eq(json_parse_string_array(s, n, &v, &err), -1);
	ck_assert_ptr_null(v);
	free(err);
	memset(s, '{', n);
	check_fail_n(s, n, "expected a member name", 1);
	free(s);
}
END_TEST

START_TEST(test_numbers)
{
	static const char *const good[] = {
		"0", "-0", "1", "-1", "10", "9007199254740993",
		"123456789012345678901234567890", "0.5", "-0.0", "1e5", "1E5",
		"1e+5", "1e-5", "1.5e300", "0e0", "-0.0e-0", "1e400",
		"-1.25E-007", "100", "0.000001",
	};
	static const char *const bad[] = {
		"", "-", "+1", "01", "-01", "00", "1.", ".5", "1e", "1e+", "e5",
		"0x10", "NaN", "nan", "Infinity", "-Infinity", "inf", "1 ",
		" 1",
		"1.5.3", "1e5e5", "--1", "1,5", "1f", "1_000", "\xd9\xa1",
		"1.e5", "-.5", "1E", "0.", "- 1", "1e5.0",
	};
	struct json_object obj;
	struct buf b;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(good); i++) {
		ck_assert_msg(json_number_valid(good[i], strlen(good[i])),
		    "%s should be a JSON number", good[i]);
		buf_init(&b);
		buf_printf(&b, "{\"n\":%s}", good[i]);
		ck_assert_int_eq(parse_n(b.data, b.len, &obj, NULL, NULL), 0);
		check_member(&obj, 0, "n", JSON_NUMBER, good[i]);
		json_object_free(&obj);
		buf_free(&b);
	}
	for (i = 0; i < UTIL_ARRLEN(bad); i++)
		ck_assert_msg(!json_number_valid(bad[i], strlen(bad[i])),
		    "'%s' should not be a JSON number", bad[i]);
	/* Only len bytes count. */
	ck_assert(json_number_valid("12x", 2));
	ck_assert(!json_number_valid("1.5", 2));
	ck_assert(!json_number_valid(NULL, 0));
	ck_assert(!json_number_valid("1\0", 2));
}
END_TEST

START_TEST(test_string_array)
{
	char **v = NULL, *err = NULL;
	const char *s;

	s = " [\"x=1..3\", \"caf\\u00e9\",\"\",\"a\\nb\"] ";
	ck_assert_int_eq(json_parse_string_array(s, strlen(s), &v, &err), 0);
	ck_assert_uint_eq(util_strv_len(v), 4);
	ck_assert_str_eq(v[0], "x=1..3");
	ck_assert_str_eq(v[1], "caf\xc3\xa9");
	ck_assert_str_eq(v[2], "");
	ck_assert_str_eq(v[3], "a\nb");
	ck_assert_ptr_null(v[4]);
	util_strv_free(v);

	ck_assert_int_eq(json_parse_string_array("[ ]", 3, &v, &err), 0);
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_null(v[0]);
	util_strv_free(v);

	/* The length bounds the input. */
	ck_assert_int_eq(json_parse_string_array("[\"a\"]junk", 5, &v, &err),
	    0);
	ck_assert_uint_eq(util_strv_len(v), 1);
	util_strv_free(v);
}
END_TEST

START_TEST(test_string_array_errors)
{
	static const struct {
		const char *in;
		const char *msg;
	} t[] = {
		{ "", "expected '[' to start an array of strings, found end" },
		{ "{}", "expected '['" },
		{ "[1]", "element 1 of the array is not a string: found '1'" },
		{ "[\"a\", null]", "element 2 of the array is not a string" },
		{ "[\"a\",[\"b\"]]", "element 2 of the array is not a string" },
		{ "[\"a\",]", "trailing comma before ']' (at byte 5)" },
		{ "[\"a\" \"b\"]",
		  "expected ',' or ']' after an array element" },
		{ "[\"a\"] x", "trailing characters after the array" },
		{ "[\"a\"", "expected ',' or ']'" },
		{ "[\"a", "unterminated string (at byte 1)" },
		{ "[\"\\u0000\"]", "\\u0000 is not allowed" },
		{ "[\"\xff\"]", "invalid UTF-8" },
		{ "[\"\\ud800\"]", "lone surrogate" },
	};
	char **v, *err, *copy, *sentinel[1] = { NULL };
	size_t i, len;

	for (i = 0; i < UTIL_ARRLEN(t); i++) {
		v = sentinel;
		err = NULL;
		len = strlen(t[i].in);
		copy = xmalloc(len);
		memcpy(copy, t[i].in, len);
		ck_assert_int_eq(json_parse_string_array(copy, len, &v, &err),
		    -1);
		free(copy);
		ck_assert_ptr_null(v);
		ck_assert_ptr_nonnull(err);
		ck_assert_msg(strstr(err, t[i].msg) != NULL, "%s: '%s' lacks "
		    "'%s'", t[i].in, err, t[i].msg);
		free(err);
	}
}
END_TEST

/* json_append_string(s[0..len)) must give exactly want. */
static void
check_string_out(const char *s, size_t len, const char *want)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "<");
	json_append_string(&b, s, len);
	ck_assert_str_eq(b.data + 1, want);
	ck_assert_uint_eq(b.len, 1 + strlen(want));
	buf_free(&b);
}

START_TEST(test_append_string)
{
	check_string_out("", 0, "\"\"");
	check_string_out(NULL, 0, "\"\"");
	check_string_out("plain text/ok", 13, "\"plain text/ok\"");
	check_string_out("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check_string_out("\n\t\r\b\f", 5, "\"\\n\\t\\r\\b\\f\"");
	check_string_out("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"");
	check_string_out("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	check_string_out("a\xff" "b", 3, "\"a\xef\xbf\xbd" "b\"");
	check_string_out("a\0b", 3, "\"a\xef\xbf\xbd" "b\"");
	check_string_out("\xed\xa0\x80\n", 4,
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\\n\"");
	check_string_out("x\xc3", 2, "\"x\xef\xbf\xbd\"");
	/* Only len bytes are read. */
	check_string_out("abc", 2, "\"ab\"");
}
END_TEST

START_TEST(test_append_object)
{
	struct json_object obj = parse_ok("{ \"a\" : 1, "
	    "\"b\":\"x\\ny\\u0001\", \"c\":[1, 2, {\"d\": \" s p \\\" \"}] ,"
	    "\"e\":null,\"f\":true,"
	    "\"g\":false,\"h\":{ },\"\\u00e9\\t\":-0.5E+3 }"), back;
	static const char want[] = "{\"a\":1,\"b\":\"x\\ny\\u0001\","
	    "\"c\":[1,2,{\"d\":\" s p \\\" \"}],\"e\":null,\"f\":true,"
	    "\"g\":false,\"h\":{},\"\xc3\xa9\\t\":-0.5E+3}";
	struct buf b, b2;
	size_t i;

	buf_init(&b);
	json_append_object(&b, &obj);
	ck_assert_str_eq(b.data, want);
	back = parse_ok(b.data);
	ck_assert_uint_eq(back.n, obj.n);
	for (i = 0; i < obj.n; i++) {
		ck_assert_str_eq(back.members[i].name, obj.members[i].name);
		ck_assert_int_eq(back.members[i].type, obj.members[i].type);
	}
	check_member(&back, 1, "b", JSON_STRING, "x\ny\x01");
	check_member(&back, 2, "c", JSON_ARRAY,
	    "[1,2,{\"d\":\" s p \\\" \"}]");
	check_member(&back, 7, "\xc3\xa9\t", JSON_NUMBER, "-0.5E+3");
	buf_init(&b2);
	json_append_object(&b2, &back);
	ck_assert_str_eq(b2.data, b.data);
	buf_free(&b2);
	json_object_free(&back);
	json_object_free(&obj);

	buf_reset(&b);
	obj.n = 0;
	json_append_object(&b, &obj);
	ck_assert_str_eq(b.data, "{}");
	buf_free(&b);
}
END_TEST

START_TEST(test_roundtrip_bytes)
{
	struct json_member m = { xstrdup("all"), JSON_STRING, NULL, 0 };
	struct json_object obj = { &m, 1 }, back;
	struct buf s, b;
	unsigned c;

	/* Every byte but NUL, then valid multi-byte text. */
	buf_init(&s);
	for (c = 1; c < 0x80; c++)
		buf_addc(&s, (char)c);
	buf_adds(&s, "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"
	    "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
	m.text = s.data;
	m.len = s.len;
	buf_init(&b);
	json_append_object(&b, &obj);
	ck_assert_ptr_null(memchr(b.data, '\n', b.len));
	back = parse_ok(b.data);
	ck_assert_uint_eq(back.n, 1);
	ck_assert_uint_eq(back.members[0].len, s.len);
	ck_assert_mem_eq(back.members[0].text, s.data, s.len);
	json_object_free(&back);

	/* Invalid UTF-8 and NUL come back as U+FFFD. */
	buf_reset(&s);
	buf_add(&s, "a\0b\x80\xfe", 5);
	m.text = s.data;
	m.len = s.len;
	buf_reset(&b);
	json_append_object(&b, &obj);
	back = parse_ok(b.data);
	check_member(&back, 0, "all", JSON_STRING,
	    "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd");
	json_object_free(&back);
	buf_free(&b);
	buf_free(&s);
	free(m.name);
}
END_TEST

START_TEST(test_append_value_invalid)
{
	static const struct {
		enum json_type type;
		const char *text;
		const char *want;
	} t[] = {
		{ JSON_NUMBER, "nan", "null" },
		{ JSON_NUMBER, "-inf", "null" },
		{ JSON_NUMBER, "", "null" },
		{ JSON_NUMBER, NULL, "null" },
		{ JSON_NUMBER, "2.5", "2.5" },
		{ JSON_ARRAY, "[1,", "null" },
		{ JSON_ARRAY, "{}", "null" },
		{ JSON_ARRAY, " [ 1 , \"a b\" ] ", "[1,\"a b\"]" },
		{ JSON_OBJECT, "[1]", "null" },
		{ JSON_OBJECT, "{} {}", "null" },
		{ JSON_OBJECT, NULL, "null" },
		{ JSON_TRUE, NULL, "true" },
		{ JSON_FALSE, "whatever", "false" },
		{ JSON_NULL, NULL, "null" },
		{ JSON_STRING, NULL, "\"\"" },
	};
	struct json_member m;
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < UTIL_ARRLEN(t); i++) {
		m.name = (char *)"x";
		m.type = t[i].type;
		m.text = (char *)t[i].text;
		m.len = t[i].text == NULL ? 0 : strlen(t[i].text);
		buf_reset(&b);
		json_append_value(&b, &m);
		ck_assert_msg(strcmp(b.data, t[i].want) == 0, "%zu: %s, not %s",
		    i, b.data, t[i].want);
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_length_bound)
{
	struct json_object obj;

	/* Bytes past len are never looked at: the copies are exact. */
	ck_assert_int_eq(parse_n("{\"a\":1}garbage", 7, &obj, NULL, NULL), 0);
	check_member(&obj, 0, "a", JSON_NUMBER, "1");
	json_object_free(&obj);
	ck_assert_int_eq(parse_n("{\"a\":12}", 7, &obj, NULL, NULL), -1);
	check_fail_n("{\"a\":true}", 7, "invalid literal 'tr'", 5);
	check_fail_n("{\"a\":\"\\u00e9\"}", 10, "expected four hex digits", 6);
	check_fail_n("{\"a\":\"\\ud83d\\ude00\"}", 16, "lone surrogate", 6);
	check_fail_n("{\"a\":1.5e3}", 9, "digit in the exponent", 9);
	check_fail_n("{\"a\":[1]}", 7, "expected ',' or ']'", 7);
	ck_assert_int_eq(json_parse_object(NULL, 0, &obj, NULL, NULL), -1);
}
END_TEST

Suite *
suite_json(void)
{
	Suite *s = suite_create("json");
	TCase *tc;

	tc = tcase_create("reader");
	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_whitespace);
	tcase_add_test(tc, test_nested_raw);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_escape_errors);
	tcase_add_test(tc, test_control_characters);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_dedup);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_huge_nesting);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_length_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("string_array");
	tcase_add_test(tc, test_string_array);
	tcase_add_test(tc, test_string_array_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("writer");
	tcase_add_test(tc, test_append_string);
	tcase_add_test(tc, test_append_object);
	tcase_add_test(tc, test_roundtrip_bytes);
	tcase_add_test(tc, test_append_value_invalid);
	suite_add_tcase(s, tc);
	return s;
}
