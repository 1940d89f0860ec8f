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

Suite *
suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_format_double);
	tcase_add_test(tc, test_parsers);
	suite_add_tcase(s, tc);
	return s;
}
