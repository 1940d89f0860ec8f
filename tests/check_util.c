/* check_util.c -- buffers, UTF-8 checks, number formatting and parsing. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "util.h"

START_TEST(test_buf)
{
	struct buf b;
	char *s;
	int i;

	buf_init(&b);
	for (i = 0; i < 10000; i++)
		buf_printf(&b, "%d,", i);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	buf_add(&b, "\0x", 2);
	ck_assert_int_eq(b.data[b.len], '\0');
	s = buf_steal(&b);
	ck_assert_ptr_null(b.data);
	free(s);
	s = buf_steal(&b);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_utf8)
{
	struct buf b;
	size_t bad;

	ck_assert(util_utf8_valid("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
	    14, NULL));
	ck_assert(!util_utf8_valid("ab\xff", 3, &bad));
	ck_assert_uint_eq(bad, 2);
	ck_assert(!util_utf8_valid("\xc0\xaf", 2, &bad));     /* overlong */
	ck_assert(!util_utf8_valid("\xed\xa0\x80", 3, &bad)); /* surrogate */
	ck_assert(!util_utf8_valid("\xe6\x97", 2, &bad));     /* cut */
	buf_init(&b);
	util_utf8_sanitize(&b, "a\xff" "b\0c\xc3\xa9", 7);
	ck_assert_str_eq(b.data, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xc3\xa9");
	buf_free(&b);
}
END_TEST

START_TEST(test_format_double)
{
	struct buf b;

	buf_init(&b);
	util_format_double(&b, 0.1);
	ck_assert_str_eq(b.data, "0.1");
	buf_reset(&b);
	util_format_double(&b, 0.1 + 0.2);
	ck_assert_str_eq(b.data, "0.30000000000000004");
	buf_reset(&b);
	util_format_double(&b, 1e-300);
	ck_assert_str_eq(b.data, "1e-300");
	buf_reset(&b);
	util_format_double(&b, 10);
	ck_assert_str_eq(b.data, "10");
	buf_reset(&b);
	util_format_double(&b, -120);
	ck_assert_str_eq(b.data, "-120");
	buf_reset(&b);
	util_format_double(&b, 1e20);
	ck_assert_str_eq(b.data, "1e+20");
	buf_reset(&b);
	util_format_double(&b, 123456789012345678.0);
	ck_assert_str_eq(b.data, "1.2345678901234568e+17");
	buf_reset(&b);
	util_format_double(&b, -INFINITY);
	ck_assert_str_eq(b.data, "-inf");
	buf_free(&b);
}
END_TEST

START_TEST(test_parsers)
{
	double d;
	uint64_t u;

	ck_assert_int_eq(util_parse_duration("90", &d), 0);
	ck_assert_double_eq(d, 90);
	ck_assert_int_eq(util_parse_duration("1.5s", &d), 0);
	ck_assert_double_eq(d, 1.5);
	ck_assert_int_eq(util_parse_duration("2m", &d), 0);
	ck_assert_double_eq(d, 120);
	ck_assert_int_eq(util_parse_duration("1h", &d), 0);
	ck_assert_double_eq(d, 3600);
	ck_assert_int_eq(util_parse_duration("-1", &d), -1);
	ck_assert_int_eq(util_parse_duration("5x", &d), -1);
	ck_assert_int_eq(util_parse_duration("", &d), -1);
	ck_assert_int_eq(util_parse_size("512M", &u), 0);
	ck_assert_uint_eq(u, 512ull << 20);
	ck_assert_int_eq(util_parse_size("2GiB", &u), 0);
	ck_assert_uint_eq(u, 2ull << 30);
	ck_assert_int_eq(util_parse_size("1.5k", &u), 0);
	ck_assert_uint_eq(u, 1536);
	ck_assert_int_eq(util_parse_size("12Q", &u), -1);
	ck_assert_int_eq(util_parse_uint("18446744073709551615", &u), 0);
	ck_assert_int_eq(util_parse_uint("18446744073709551616", &u), -1);
	ck_assert_int_eq(util_parse_uint("-1", &u), -1);
	{
		static const char *const v[] = { "point", "rep", NULL };

		ck_assert_int_eq(util_strv_index(v, "rep", 3), 1);
		ck_assert_int_eq(util_strv_index(v, "repx", 3), 1);
		ck_assert_int_eq(util_strv_index(v, "re", 2), -1);
		ck_assert_int_eq(util_strv_index(NULL, "rep", 3), -1);
	}
	ck_assert(util_is_ident("_a1", 3));
	ck_assert(!util_is_ident("1a", 2));
	ck_assert(!util_is_ident("", 0));
}
END_TEST

/* Clean s (of len bytes) with flags and compare with want. */
static void
check_clean(const char *s, size_t len, int flags, const char *want)
{
	struct buf b;

	buf_init(&b);
	util_clean_text(&b, s, len, flags);
	ck_assert_msg(strcmp(b.data, want) == 0, "cleaned '%s', want '%s'",
	    b.data, want);
	buf_free(&b);
}
#define CHECK_CLEAN(s, flags, want) check_clean(s, sizeof(s) - 1, flags, want)

START_TEST(test_clean_text)
{
	/* CSI, OSC 52 ending in BEL and in ST, backspace, CR, DEL, NUL. */
	CHECK_CLEAN("a\033[2Jb", 0, "a?[2Jb");
	CHECK_CLEAN("\033]52;c;aGk=\007x", 0, "?]52;c;aGk=?x");
	CHECK_CLEAN("\033]0;t\033\\", 0, "?]0;t?\\");
	CHECK_CLEAN("ab\b\bc\rd\177e", 0, "ab??c d?e");
	CHECK_CLEAN("a\0b", 0, "a?b");
	/* C1 controls: U+0080..U+009F in UTF-8, and raw bytes (invalid). */
	CHECK_CLEAN("x\302\233y\302\200z\302\237", 0, "x?y?z?");
	CHECK_CLEAN("x\233y\377", 0, "x?y?");
	/* Other UTF-8 stays, or becomes one '?' per character in ASCII. */
	CHECK_CLEAN("caf\303\251 \302\240\360\237\230\200", 0,
	    "caf\303\251 \302\240\360\237\230\200");
	CHECK_CLEAN("caf\303\251 \360\237\230\200!", UTIL_TEXT_ASCII,
	    "caf? ?!");
	/* A cut sequence is one '?' per byte. */
	CHECK_CLEAN("\342\202", 0, "??");
	/* Lines: newline and tab kept only with UTIL_TEXT_LINES. */
	CHECK_CLEAN("a\tb\nc\r\n", 0, "a b c  ");
	CHECK_CLEAN("a\tb\nc\r\n", UTIL_TEXT_LINES, "a\tb\nc \n");
	CHECK_CLEAN("", 0, "");
}
END_TEST

START_TEST(test_utf8_locale)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	char *saved[3];
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		saved[i] = v != NULL ? xstrdup(v) : NULL;
		unsetenv(vars[i]);
	}
	ck_assert(!util_is_utf8_locale());
	setenv("LANG", "en_US.UTF-8", 1);
	ck_assert(util_is_utf8_locale());
	setenv("LC_CTYPE", "C", 1);
	ck_assert(!util_is_utf8_locale());
	setenv("LC_ALL", "C.utf8", 1);
	ck_assert(util_is_utf8_locale());
	setenv("LC_ALL", "", 1);
	ck_assert(!util_is_utf8_locale());
	for (i = 0; i < 3; i++) {
		if (saved[i] != NULL)
			setenv(vars[i], saved[i], 1);
		else
			unsetenv(vars[i]);
		free(saved[i]);
	}
}
END_TEST

Suite *
suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_format_double);
	tcase_add_test(tc, test_parsers);
	tcase_add_test(tc, test_clean_text);
	tcase_add_test(tc, test_utf8_locale);
	suite_add_tcase(s, tc);
	return s;
}
