/*
 * check_space.c -- the space suite: every form of the parameter grammar
 * with its exact values and kinds, quoting, every refusal with its message
 * and position, hostile input, zip groups, huge spaces, the description
 * and the JSON round trip.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "space.h"

/* A finished space from parameters and zip groups (NULL-terminated). */
static struct space *
make_space(const char *const *params, const char *const *zips)
{
	struct space_error e = { NULL, 0, false };
	struct space *s = space_new();
	size_t i;

	for (i = 0; params[i] != NULL; i++) {
		if (space_add(s, params[i], &e) != 0)
			ck_abort_msg("space_add(%s): %s", params[i], e.msg);
	}
	for (i = 0; zips != NULL && zips[i] != NULL; i++) {
		if (space_zip(s, zips[i], &e) != 0)
			ck_abort_msg("space_zip(%s): %s", zips[i], e.msg);
	}
	if (space_finish(s, &e) != 0)
		ck_abort_msg("space_finish: %s", e.msg);
	return s;
}

/* A finished space of one parameter. */
static struct space *
make_one(const char *text)
{
	const char *params[] = { text, NULL };

	return make_space(params, NULL);
}

/* Check value k of parameter i is the integer want. */
static void
check_int(const struct space *s, size_t i, uint64_t k, int64_t want)
{
	struct value v;

	space_value(s, i, k, &v);
	ck_assert_int_eq(v.kind, VALUE_INT);
	ck_assert_msg(v.i == want, "%s[%llu] = %lld, want %lld",
	    space_spec(s, i), (unsigned long long)k, (long long)v.i,
	    (long long)want);
}

/* Check value k of parameter i is exactly the real want. */
static void
check_real(const struct space *s, size_t i, uint64_t k, double want)
{
	struct value v;

	space_value(s, i, k, &v);
	ck_assert_int_eq(v.kind, VALUE_REAL);
	ck_assert_msg(v.r == want, "%s[%llu] = %.17g, want %.17g",
	    space_spec(s, i), (unsigned long long)k, v.r, want);
}

/* Check value k of parameter i is the string want (len bytes). */
static void
check_str_len(const struct space *s, size_t i, uint64_t k, const char *want,
    size_t len)
{
	struct value v;

	space_value(s, i, k, &v);
	ck_assert_int_eq(v.kind, VALUE_STRING);
	ck_assert_uint_eq(v.len, len);
	ck_assert_msg(memcmp(v.s, want, len) == 0, "%s[%llu] = '%.*s', "
	    "want '%s'", space_spec(s, i), (unsigned long long)k, (int)v.len,
	    v.s, want);
	ck_assert_int_eq(v.s[v.len], '\0');
}

/* Check value k of parameter i is the C string want. */
static void
check_str(const struct space *s, size_t i, uint64_t k, const char *want)
{
	check_str_len(s, i, k, want, strlen(want));
}

/* Check space_add(text) fails with msg containing want at pos (-1: no
 * position). */
static void
check_refused(const char *text, const char *want, long pos)
{
	struct space_error e = { NULL, 0, false };
	struct space *s = space_new();

	ck_assert_msg(space_add(s, text, &e) == -1, "'%s' was accepted",
	    text);
	ck_assert_ptr_nonnull(e.msg);
	ck_assert_msg(strstr(e.msg, want) != NULL, "'%s': message '%s' lacks "
	    "'%s'", text, e.msg, want);
	if (pos < 0)
		ck_assert_msg(!e.has_pos, "'%s': unexpected position", text);
	else {
		ck_assert_msg(e.has_pos, "'%s': no position", text);
		ck_assert_msg(e.pos == (size_t)pos, "'%s': position %zu, want "
		    "%ld (%s)", text, e.pos, pos, e.msg);
	}
	space_error_clear(&e);
	ck_assert_ptr_null(e.msg);
	ck_assert_uint_eq(space_nparams(s), 0);
	space_free(s);
}

START_TEST(test_integer_ranges)
{
	struct space *s;
	int64_t k;

	s = make_one("x=1..10");
	ck_assert_str_eq(space_name(s, 0), "x");
	ck_assert_str_eq(space_spec(s, 0), "1..10");
	ck_assert_uint_eq(space_count(s, 0), 10);
	for (k = 0; k < 10; k++)
		check_int(s, 0, (uint64_t)k, k + 1);
	space_free(s);

	s = make_one("x=10..1");
	ck_assert_uint_eq(space_count(s, 0), 10);
	check_int(s, 0, 0, 10);
	check_int(s, 0, 9, 1);
	space_free(s);

	s = make_one("x=1..10:3");
	ck_assert_uint_eq(space_count(s, 0), 4);
	check_int(s, 0, 1, 4);
	check_int(s, 0, 3, 10);
	space_free(s);

	/* A step that does not land on the end stops before it. */
	s = make_one("x=1..9:3");
	ck_assert_uint_eq(space_count(s, 0), 3);
	check_int(s, 0, 2, 7);
	space_free(s);

	s = make_one("x=10..-10:-7");
	ck_assert_uint_eq(space_count(s, 0), 3);
	check_int(s, 0, 2, -4);
	space_free(s);

	s = make_one("x=5..5");
	ck_assert_uint_eq(space_count(s, 0), 1);
	check_int(s, 0, 0, 5);
	space_free(s);

	/* The widest range: no overflow in the count or the values. */
	s = make_one("x=-9223372036854775807..9223372036854775807:"
	    "9223372036854775807");
	ck_assert_uint_eq(space_count(s, 0), 3);
	check_int(s, 0, 0, -INT64_MAX);
	check_int(s, 0, 1, 0);
	check_int(s, 0, 2, INT64_MAX);
	space_free(s);

	s = make_one("x=0..9223372036854775806");
	ck_assert_uint_eq(space_count(s, 0), (uint64_t)INT64_MAX);
	check_int(s, 0, (uint64_t)INT64_MAX - 1, INT64_MAX - 1);
	space_free(s);
}
END_TEST

START_TEST(test_real_ranges)
{
	struct space *s;
	uint64_t k;

	s = make_one("x=0..1:0.1");
	ck_assert_uint_eq(space_count(s, 0), 11);
	check_real(s, 0, 0, 0.0);
	check_real(s, 0, 3, 0.3);
	check_real(s, 0, 6, 0.6);
	check_real(s, 0, 7, 0.7);
	check_real(s, 0, 10, 1.0);
	space_free(s);

	s = make_one("x=1..0:-0.25");
	ck_assert_uint_eq(space_count(s, 0), 5);
	check_real(s, 0, 1, 0.75);
	check_real(s, 0, 4, 0.0);
	space_free(s);

	/* 0.3 * 3 is 0.8999999999999999 before rounding. */
	s = make_one("x=0..1:0.3");
	ck_assert_uint_eq(space_count(s, 0), 4);
	check_real(s, 0, 3, 0.9);
	space_free(s);

	/* Any real bound makes the range real; the default step is 1. */
	s = make_one("x=1..3.5");
	ck_assert_uint_eq(space_count(s, 0), 3);
	check_real(s, 0, 2, 3.0);
	space_free(s);
	s = make_one("x=3.0..1");
	ck_assert_uint_eq(space_count(s, 0), 3);
	check_real(s, 0, 2, 1.0);
	space_free(s);
	s = make_one("x=1..10:1e0");
	ck_assert_uint_eq(space_count(s, 0), 10);
	check_real(s, 0, 9, 10.0);
	space_free(s);

	/* End inclusive within rounding: 2.5..4:0.005 has 301 values. */
	s = make_one("r = 2.5..4:0.005");
	ck_assert_uint_eq(space_count(s, 0), 301);
	check_real(s, 0, 1, 2.505);
	check_real(s, 0, 300, 4.0);
	/* Division is correctly rounded: n / 1000.0 is the double
	 * nearest to the decimal. */
	for (k = 0; k < 301; k++)
		check_real(s, 0, k, (double)(2500 + 5 * k) / 1000.0);
	space_free(s);

	/* end - start overflows, the values do not. */
	s = make_one("x=-1e308..1e308:1e307");
	ck_assert_uint_eq(space_count(s, 0), 21);
	check_real(s, 0, 10, 0.0);
	check_real(s, 0, 20, 1e308);
	space_free(s);
	s = make_one("x=1.7976931348623157e308..-1.7976931348623157e308:"
	    "-1e308");
	ck_assert_uint_eq(space_count(s, 0), 4);
	check_real(s, 0, 3, -1.20230686513768e308);
	space_free(s);
}
END_TEST

START_TEST(test_linspace_logspace)
{
	struct space *s;
	char want[32];
	uint64_t k;

	s = make_one("x=linspace(0,1,11)");
	ck_assert_uint_eq(space_count(s, 0), 11);
	for (k = 0; k <= 10; k++) {
		snprintf(want, sizeof want, "0.%llu", (unsigned long long)k);
		check_real(s, 0, k, k == 10 ? 1.0 : strtod(want, NULL));
	}
	space_free(s);

	s = make_one("x = linspace ( 1 , 0 , 3 )");
	check_real(s, 0, 0, 1.0);
	check_real(s, 0, 1, 0.5);
	check_real(s, 0, 2, 0.0);
	space_free(s);

	s = make_one("x=linspace(2.5,7,1)");
	ck_assert_uint_eq(space_count(s, 0), 1);
	check_real(s, 0, 0, 2.5);
	space_free(s);

	/* Ends exactly as written, even with 17 digits. */
	s = make_one("x=linspace(0.12345678901234567,3.3333333333333335,4)");
	check_real(s, 0, 0, 0.12345678901234567);
	check_real(s, 0, 3, 3.3333333333333335);
	space_free(s);

	s = make_one("x=linspace(-1e308,1e308,5)");
	check_real(s, 0, 1, -5e307);
	check_real(s, 0, 2, 0.0);
	check_real(s, 0, 3, 5e307);
	check_real(s, 0, 4, 1e308);
	space_free(s);

	s = make_one("x=logspace(1e-3,1,7)");
	ck_assert_uint_eq(space_count(s, 0), 7);
	check_real(s, 0, 0, 1e-3);
	check_real(s, 0, 1, 0.00316227766016838);
	check_real(s, 0, 2, 0.01);
	check_real(s, 0, 4, 0.1);
	check_real(s, 0, 6, 1.0);
	space_free(s);

	s = make_one("x=logspace(-1,-100,3)");
	check_real(s, 0, 0, -1.0);
	check_real(s, 0, 1, -10.0);
	check_real(s, 0, 2, -100.0);
	space_free(s);

	s = make_one("x=logspace(2,8,3)");
	check_real(s, 0, 1, 4.0);
	space_free(s);

	s = make_one("x=logspace(5,5e3,1)");
	check_real(s, 0, 0, 5.0);
	space_free(s);

	/* A parameter of 10^12 values costs nothing. */
	s = make_one("x=linspace(0,1,1000000000001)");
	ck_assert_uint_eq(space_count(s, 0), 1000000000001ULL);
	check_real(s, 0, 500000000000ULL, 0.5);
	check_real(s, 0, 1000000000000ULL, 1.0);
	space_free(s);
}
END_TEST

/* Check the real parameter text has every one of its values distinct
 * and in order, as a job gets them. */
static void
check_distinct(const char *text)
{
	struct space *s = make_one(text);
	uint64_t k, n = space_count(s, 0);
	struct value a, b, last;

	space_value(s, 0, 0, &a);
	space_value(s, 0, n - 1, &last);
	for (k = 1; k < n; k++) {
		space_value(s, 0, k, &b);
		ck_assert_msg(last.r > a.r ? b.r > a.r : b.r < a.r,
		    "%s: value %llu is %.17g after %.17g", text,
		    (unsigned long long)k, b.r, a.r);
		a = b;
	}
	space_free(s);
}

START_TEST(test_distinct_reals)
{
	struct space *s;

	/* Values that 15 significant digits still tell apart. */
	check_distinct("x=linspace(1,1.0000000000001,5)");
	check_distinct("x=logspace(1,1.0000000000001,5)");
	check_distinct("x=1..1.0000000001:2e-14");
	check_distinct("x=1.0000000001..1:-2e-14");
	check_distinct("x=-1.00000000001..-0.99999999999:2e-14");
	check_distinct("x=linspace(9.9999999999,10.0000000001,1001)");
	check_distinct("x=logspace(1e-3,1e3,100001)");
	check_distinct("x=linspace(-1.7976931348623157e308,"
	    "1.7976931348623157e308,101)");
	/* Too many to list, but the step is three units of the 15th digit
	 * of every value but the end (checked alone), more than what
	 * computing them in doubles may be off by. */
	s = make_one("x=0..1:3e-15");
	ck_assert_uint_ge(space_count(s, 0), 333333333333333ULL);
	space_free(s);
	s = make_one("x=-1..1:3e-15");
	space_free(s);
}
END_TEST

/* Ranges, linspaces and logspaces near the limit of 15 digits, at random
 * magnitudes: whatever is accepted has distinct values. */
START_TEST(test_distinct_random)
{
	struct space_error e = { NULL, 0, false };
	struct space *s;
	char text[160];
	unsigned seed = 12345, accepted = 0, refused = 0;
	int i, n, form;
	double a, span, r;

	for (i = 0; i < 3000; i++) {
		seed = seed * 1103515245u + 12345u;
		form = (int)(seed >> 16) % 3;
		seed = seed * 1103515245u + 12345u;
		n = 2 + (int)((seed >> 16) % 300);
		seed = seed * 1103515245u + 12345u;
		r = 0.3 + 2.7 * (double)((seed >> 16) & 0x7fff) / 32768.0;
		seed = seed * 1103515245u + 12345u;
		a = pow(10, (double)((int)((seed >> 16) % 600) - 300)) *
		    (1 + (double)((seed >> 8) & 0xff) / 25.6);
		/* About n units of the 15th digit of a, times r. */
		span = fabs(a) * 1e-14 * n * r;
		if (((seed >> 5) & 3) == 0) {
			/* Across a power of ten. */
			a = pow(10, (double)((int)((seed >> 16) % 40) - 20));
			span = a * 1e-14 * n * r;
			a -= span * (double)((seed >> 8) & 0xff) / 256.0;
		}
		if ((seed >> 4) & 1)
			a = -a - span;
		if (form == 0)
			snprintf(text, sizeof text, "x=%.17g..%.17g:%.17g", a,
			    a + span, span / n);
		else
			snprintf(text, sizeof text, "x=%s(%.17g,%.17g,%d)",
			    form == 1 ? "linspace" : "logspace", a, a + span,
			    n);
		s = space_new();
		if (space_add(s, text, &e) != 0) {
			refused++;
			space_error_clear(&e);
			space_free(s);
			continue;
		}
		space_free(s);
		accepted++;
		check_distinct(text);
	}
	ck_assert_msg(accepted > 500 && refused > 500, "accepted %u, refused "
	    "%u: not near the limit", accepted, refused);
}
END_TEST

START_TEST(test_lists_and_kinds)
{
	struct space *s;

	s = make_one("x={a, b, \"c d\", 3}");
	ck_assert_str_eq(space_spec(s, 0), "{a, b, \"c d\", 3}");
	ck_assert_uint_eq(space_count(s, 0), 4);
	check_str(s, 0, 0, "a");
	check_str(s, 0, 1, "b");
	check_str(s, 0, 2, "c d");
	check_int(s, 0, 3, 3);
	space_free(s);

	/* JSON-like numbers are numbers; anything else is a string. */
	s = make_one("x={-2, 0.5, 1e-3, -0, 1E2, 99999999999999999999, "
	    "01, .5, +1, 1., 0x10, inf, nan, 1e, 2-3, hello world }");
	check_int(s, 0, 0, -2);
	check_real(s, 0, 1, 0.5);
	check_real(s, 0, 2, 1e-3);
	check_int(s, 0, 3, 0);
	check_real(s, 0, 4, 100.0);
	check_real(s, 0, 5, 1e20);
	check_str(s, 0, 6, "01");
	check_str(s, 0, 7, ".5");
	check_str(s, 0, 8, "+1");
	check_str(s, 0, 9, "1.");
	check_str(s, 0, 10, "0x10");
	check_str(s, 0, 11, "inf");
	check_str(s, 0, 12, "nan");
	check_str(s, 0, 13, "1e");
	check_str(s, 0, 14, "2-3");
	check_str(s, 0, 15, "hello world");
	space_free(s);

	s = make_one("x=5");
	ck_assert_uint_eq(space_count(s, 0), 1);
	check_int(s, 0, 0, 5);
	space_free(s);
	s = make_one("x=-9223372036854775808");
	check_int(s, 0, 0, INT64_MIN);
	space_free(s);
	s = make_one("x=2.5");
	check_real(s, 0, 0, 2.5);
	space_free(s);
	s = make_one("x=abc");
	check_str(s, 0, 0, "abc");
	space_free(s);
	s = make_one("x=\"a b\"");
	check_str(s, 0, 0, "a b");
	space_free(s);
	s = make_one("x=\"a, b\"");
	ck_assert_uint_eq(space_count(s, 0), 1);
	check_str(s, 0, 0, "a, b");
	space_free(s);
	s = make_one("x=\"3\"");
	check_str(s, 0, 0, "3");
	space_free(s);
	s = make_one("x=\"\"");
	check_str(s, 0, 0, "");
	space_free(s);
	s = make_one("x=linspace");
	check_str(s, 0, 0, "linspace");
	space_free(s);
	s = make_one("x=v1..v2");
	check_str(s, 0, 0, "v1..v2");
	space_free(s);

	/* Blanks around '=', items and the list are not part of values. */
	s = make_one("  x_2 \t=  { a ,\n b\t, \" c \" }  ");
	ck_assert_str_eq(space_name(s, 0), "x_2");
	ck_assert_str_eq(space_spec(s, 0), "{ a ,\n b\t, \" c \" }");
	check_str(s, 0, 0, "a");
	check_str(s, 0, 1, "b");
	check_str(s, 0, 2, " c ");
	space_free(s);
}
END_TEST

START_TEST(test_quoting)
{
	struct space *s;

	s = make_one("x={\"a\\\"b\", \"back\\\\slash\", \"t\\tn\\n\", "
	    "\"raw\nline\", \"{,}\", \"\"}");
	check_str(s, 0, 0, "a\"b");
	check_str(s, 0, 1, "back\\slash");
	check_str(s, 0, 2, "t\tn\n");
	check_str(s, 0, 3, "raw\nline");
	check_str(s, 0, 4, "{,}");
	check_str(s, 0, 5, "");
	space_free(s);

	/* Shell metacharacters are kept byte for byte, quoted or not. */
	s = make_one("x={\"; touch pwned\", $(id), `id`, a'b, "
	    "\"$HOME && rm -rf / | cat > f\", *?[x]<>&;!#~\\}");
	check_str(s, 0, 0, "; touch pwned");
	check_str(s, 0, 1, "$(id)");
	check_str(s, 0, 2, "`id`");
	check_str(s, 0, 3, "a'b");
	check_str(s, 0, 4, "$HOME && rm -rf / | cat > f");
	check_str(s, 0, 5, "*?[x]<>&;!#~\\");
	space_free(s);
	s = make_one("x=; touch pwned");
	check_str(s, 0, 0, "; touch pwned");
	space_free(s);

	/* UTF-8 passes through. */
	s = make_one("x={\xc3\xa9t\xc3\xa9, \"\xe6\x97\xa5\xe6\x9c\xac\", "
	    "\xf0\x9f\x90\x80}");
	check_str(s, 0, 0, "\xc3\xa9t\xc3\xa9");
	check_str(s, 0, 1, "\xe6\x97\xa5\xe6\x9c\xac");
	check_str(s, 0, 2, "\xf0\x9f\x90\x80");
	space_free(s);

	check_refused("x={a,\xff}", "invalid UTF-8 at byte 5", 5);
	check_refused("x=\"\xc3\x28\"", "invalid UTF-8 at byte 3", 3);
	check_refused("x=\xed\xa0\x80", "invalid UTF-8", 2);
	check_refused("\xc0\xaf=1", "invalid UTF-8", 0);
}
END_TEST

START_TEST(test_refusals)
{
	static const struct {
		const char *text;
		const char *msg;
		long pos;
	} cases[] = {
		{ "", "empty parameter", 0 },
		{ "   ", "empty parameter", 3 },
		{ "=", "missing parameter name before '='", 0 },
		{ "=5", "missing parameter name", 0 },
		{ "x", "missing '=' in 'x'", 1 },
		{ "x 1..3", "missing '='", 6 },
		{ "x=", "no values after '=' for 'x'", 2 },
		{ "x=  \t", "no values", 5 },
		{ "1x=3", "bad parameter name '1x'", 0 },
		{ "x-y=3", "bad parameter name 'x-y'", 1 },
		{ "x y=3", "bad parameter name 'x y'", 1 },
		{ "\xc3\xa9=3", "bad parameter name", 0 },
		{ "point=1", "'point' is a reserved name", 0 },
		{ " tag=1", "reserved", 1 },
		{ "attempt=1", "reserved", 0 },
		{ "rep=1", "reserved", 0 },
		{ "x={}", "empty list {}", 2 },
		{ "x={ \n }", "empty list", 2 },
		{ "x={a,}", "trailing ','", 5 },
		{ "x={a, }", "trailing ','", 6 },
		{ "x={,a}", "empty item", 3 },
		{ "x={a,,b}", "empty item", 5 },
		{ "x={a", "unbalanced '{'", 2 },
		{ "x={a,b", "unbalanced '{'", 2 },
		{ "x={", "unbalanced '{'", 2 },
		{ "x=a}", "unbalanced '}'", 3 },
		{ "x=}", "unbalanced '}'", 2 },
		{ "x={a}b", "unexpected 'b' after the '}'", 5 },
		{ "x={a}}", "after the '}'", 5 },
		{ "x={a} {b}", "after the '}'", 5 },
		{ "x={{a}}", "lists cannot be nested", 3 },
		{ "x={a{b}", "lists cannot be nested", 4 },
		{ "x=a{b", "a '{' inside a value", 3 },
		{ "x={\"a}", "unterminated string: add a closing '\"'", 3 },
		{ "x=\"abc", "unterminated string", 2 },
		{ "x=\"abc\\\"", "unterminated string", 2 },
		{ "x=\"a\\", "unterminated string", 2 },
		{ "x=\"a\\qb\"", "unknown escape '\\q'", 4 },
		{ "x=\"a\\u0041\"", "unknown escape '\\u'", 4 },
		{ "x=\"a\\\xc3\xa9\"", "unknown escape '\\\xc3\xa9'", 4 },
		{ "x=\"a\"b", "unexpected 'b' after the closing '\"'", 5 },
		{ "x={\"a\" b}", "unexpected 'b' after a quoted item", 7 },
		{ "x=a\"b", "a '\"' inside an unquoted value", 3 },
		{ "x={a\"b\"}", "a '\"' inside an unquoted value", 4 },
		{ "x=a,b", "a ',' in a single value", 3 },
		{ "x=f(1,2)", "a ',' in a single value", 5 },
		{ "x=a\x01", "control character 0x01", 3 },
		{ "x={a\x7f}", "control character 0x7f", 4 },
		{ "x=a\nb", "line break inside an unquoted value", 3 },
		{ "x=0..1:0", "step '0' is zero", 7 },
		{ "x=0..1:0.0", "is zero", 7 },
		{ "x=1..10:-1", "step '-1' goes away from the end: use a "
		    "positive step", 8 },
		{ "x=10..1:2", "goes away from the end: use a negative", 8 },
		{ "x=0..1:-0.5", "goes away", 7 },
		{ "x=1..a", "range end 'a' is not a number", 5 },
		{ "x=1...5", "range end '.5' is not a number", 5 },
		{ "x=+1..5", "range start '+1' is not a number", 2 },
		{ "x=1..5..9", "range end '5..9'", 5 },
		{ "x=1..5:x", "range step 'x' is not a number", 7 },
		{ "x=1..", "missing range end after '..'", 3 },
		{ "x=..5", "range start '' is not a number", 2 },
		{ "x=1..5:", "missing step after ':'", 6 },
		{ "x=1..5: ", "missing step", 6 },
		{ "x=linspace(0,1)", "linspace needs 3 arguments (start, stop, "
		    "count), got 2", 10 },
		{ "x=linspace()", "got 0", 10 },
		{ "x=logspace(1,2,3,4)", "logspace needs 3 arguments (start, "
		    "stop, count), got 4", 10 },
		{ "x=linspace(0,1,0)", "linspace count '0' must be a whole "
		    "number", 15 },
		{ "x=linspace(0,1,-3)", "count '-3'", 15 },
		{ "x=linspace(0,1,2.5)", "count '2.5'", 15 },
		{ "x=linspace(0,1,)", "count ''", 15 },
		{ "x=linspace(0,1,99999999999999999999)", "count", 15 },
		{ "x=linspace(0, a ,3)", "stop 'a' is not a number", 14 },
		{ "x=linspace(,1,3)", "missing start", 11 },
		{ "x=linspace(0,1,3", "missing ')'", 10 },
		{ "x=linspace(0,1,3) x", "unexpected 'x' after linspace", 18 },
		{ "x=logspace(0,1,3)", "both ends must be above zero", 11 },
		{ "x=logspace(-1,1,3)", "not exponents", 11 },
		{ "x=logspace(1,1e999,3)", "stop '1e999' is too large", 13 },
		{ "x=1e999", "number '1e999' is too large", 2 },
		{ "x={1,-1e400}", "too large", 5 },
		{ "x=0..1e999", "range end '1e999' is too large", 5 },
		{ "x=-1e308..1e308:1e-300", "more than", 2 },
		{ "x=0..1:1e-20", "more than 9223372036854775807 values", 2 },
		{ "x=0..1:1e-18", "step is too small", 2 },
		{ "x=1e9..2e9:1e-7", "step is too small", 2 },
		/* Ends that differ, but values inside that repeat: 1 + 6e-15
		 * and 1 + 1.2e-14 are both 1.00000000000001. */
		{ "x=1..2:6e-15", "step is too small", 2 },
		{ "x=2..1:-6e-15", "step is too small", 2 },
		{ "x=9.99999999999..10.0001:5e-14", "step is too small", 2 },
		/* linspace and logspace: the same limit, on the count. */
		{ "x=linspace(1,1.0000000000001,50)", "'linspace("
		    "1,1.0000000000001,50)': its 50 values are too close "
		    "together for 15 significant digits, so values would "
		    "repeat: use a smaller count, or ends further apart",
		    29 },
		{ "x=logspace(1,1.0000000000001,50)", "'logspace(1,"
		    "1.0000000000001,50)': its 50 values are too close", 29 },
		{ "x=linspace(5,5,3)", "values would repeat", 15 },
		{ "x=logspace(-2,-2,2)", "values would repeat", 17 },
		{ "x=linspace(0,1,9223372036854775807)", "too close", 15 },
		{ "x=linspace(-1e308,1e308,1000000000000000000)", "too close",
		    24 },
		{ "x=logspace(1e-300,1e300,9223372036854775807)", "too close",
		    24 },
		{ "x=logspace(1,10,10000000000000000)", "too close", 16 },
		{ "x=logspace(1e-3,1e3,10000000000000000)", "too close", 20 },
		{ "x=99999999999999999999..1", "range start "
		    "'99999999999999999999' does not fit in a 64-bit", 2 },
		{ "x=1..99999999999999999999", "range end", 5 },
		{ "x=1..5:99999999999999999999", "range step", 7 },
		{ "x=-9223372036854775808..9223372036854775807", "more than "
		    "9223372036854775807 values", 2 },
		{ "x=0..9223372036854775807", "more than", 2 },
	};
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(cases); i++)
		check_refused(cases[i].text, cases[i].msg, cases[i].pos);
}
END_TEST

START_TEST(test_names)
{
	struct space_error e = { NULL, 0, false };
	struct space *s = space_new();

	ck_assert_int_eq(space_add(s, "x=1..3", &e), 0);
	ck_assert_int_eq(space_add(s, "_y2=2", &e), 0);
	ck_assert_int_eq(space_add(s, "points=2", &e), 0);
	ck_assert_int_eq(space_add(s, "x = 7", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "parameter 'x' is defined twice"));
	ck_assert(e.has_pos);
	ck_assert_uint_eq(e.pos, 0);
	space_error_clear(&e);
	/* A refusal leaves the space as it was. */
	ck_assert_uint_eq(space_nparams(s), 3);
	ck_assert_int_eq(space_index(s, "_y2", 3), 1);
	ck_assert_int_eq(space_index(s, "_y2x", 3), 1);
	ck_assert_int_eq(space_index(s, "_y", 2), -1);
	ck_assert_int_eq(space_index(s, "z", 1), -1);
	/* A NULL error is allowed. */
	ck_assert_int_eq(space_add(s, "x", NULL), -1);
	ck_assert_int_eq(space_finish(s, &e), 0);
	ck_assert_uint_eq(space_size(s), 3);
	ck_assert_int_eq(space_add(s, "z=1", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "finished"));
	ck_assert(!e.has_pos);
	space_error_clear(&e);
	ck_assert_int_eq(space_finish(s, &e), -1);
	space_error_clear(&e);
	space_free(s);

	/* No parameters: one empty point. */
	s = space_new();
	ck_assert_int_eq(space_finish(s, &e), 0);
	ck_assert_uint_eq(space_size(s), 1);
	space_free(s);
	space_free(NULL);
}
END_TEST

START_TEST(test_hostile)
{
	struct space_error e = { NULL, 0, false };
	struct space *s;
	struct buf b;
	char text[8];
	size_t i, n;
	int c;

	/* A 1 MiB list. */
	buf_init(&b);
	buf_adds(&b, "x={");
	for (n = 0; b.len < 1024 * 1024; n++)
		buf_printf(&b, "%s%zu", n ? "," : "", n);
	buf_adds(&b, "}");
	s = make_one(b.data);
	ck_assert_uint_eq(space_count(s, 0), n);
	check_int(s, 0, n - 1, (int64_t)n - 1);
	space_free(s);

	/* A 1 MiB quoted string full of escapes and a 1 MiB name. */
	buf_reset(&b);
	buf_adds(&b, "x=\"");
	for (i = 0; i < 256 * 1024; i++)
		buf_adds(&b, "a\\\"\n");
	buf_adds(&b, "\"");
	s = make_one(b.data);
	{
		struct value v;

		space_value(s, 0, 0, &v);
		ck_assert_uint_eq(v.len, 3 * 256 * 1024);
		ck_assert(memcmp(v.s + v.len - 3, "a\"\n", 3) == 0);
	}
	space_free(s);
	buf_reset(&b);
	for (i = 0; i < 1024 * 1024; i++)
		buf_addc(&b, 'n');
	buf_adds(&b, "=1");
	s = make_one(b.data);
	ck_assert_uint_eq(strlen(space_name(s, 0)), 1024 * 1024);
	space_free(s);

	/* Deep braces and an unterminated 1 MiB string are refused. */
	buf_reset(&b);
	buf_adds(&b, "x=");
	for (i = 0; i < 1024 * 1024; i++)
		buf_addc(&b, '{');
	check_refused(b.data, "lists cannot be nested", 3);
	buf_reset(&b);
	buf_adds(&b, "x={\"");
	for (i = 0; i < 1024 * 1024; i++)
		buf_addc(&b, 'q');
	check_refused(b.data, "unterminated string", 3);
	buf_free(&b);

	/* Every byte after "x=" and inside a list: accepted or refused
	 * cleanly, never anything else. */
	for (c = 1; c < 256; c++) {
		s = space_new();
		snprintf(text, sizeof text, "x=%c", c);
		if (space_add(s, text, &e) == 0)
			ck_assert_int_eq(space_count(s, 0), 1);
		else
			ck_assert(e.has_pos && e.pos <= strlen(text));
		space_error_clear(&e);
		snprintf(text, sizeof text, "x={%c}", c);
		if (space_add(s, text, &e) != 0) {
			ck_assert_ptr_nonnull(e.msg);
			ck_assert(e.has_pos && e.pos <= strlen(text));
		}
		space_error_clear(&e);
		space_free(s);
	}
	s = make_one("x=\"\x01\x02\x1b[31m\"");
	check_str(s, 0, 0, "\x01\x02\x1b[31m");
	space_free(s);
}
END_TEST

START_TEST(test_zip)
{
	static const char *const p1[] = { "x={1,2,3}", "y={a,b,c}", NULL };
	static const char *const z1[] = { "x , y", NULL };
	static const char *const p2[] = { "x=1..3", "y=5", "z={p,q}", NULL };
	static const char *const z2[] = { "y,x", NULL };
	static const char *const p3[] = { "a={1,2}", "b={1,2,3}", "d={p,q}",
		"c={x,y,z}", NULL };
	static const char *const z3[] = { "c,b", NULL };
	struct value v[4];
	struct space *s;

	s = make_space(p1, z1);
	ck_assert_uint_eq(space_size(s), 3);
	space_point(s, 1, v);
	ck_assert_int_eq(v[0].i, 2);
	ck_assert_str_eq(v[1].s, "b");
	space_point(s, 2, v);
	ck_assert_int_eq(v[0].i, 3);
	ck_assert_str_eq(v[1].s, "c");
	space_free(s);

	/* A single value is broadcast; z still multiplies. */
	s = make_space(p2, z2);
	ck_assert_uint_eq(space_size(s), 6);
	space_point(s, 0, v);
	ck_assert_int_eq(v[0].i, 1);
	ck_assert_int_eq(v[1].i, 5);
	ck_assert_str_eq(v[2].s, "p");
	space_point(s, 5, v);
	ck_assert_int_eq(v[0].i, 3);
	ck_assert_int_eq(v[1].i, 5);
	ck_assert_str_eq(v[2].s, "q");
	space_free(s);

	/* Axes follow their first parameter: a, (b c), d; a slowest. */
	s = make_space(p3, z3);
	ck_assert_uint_eq(space_size(s), 12);
	space_point(s, 0, v);
	ck_assert_int_eq(v[0].i, 1);
	ck_assert_int_eq(v[1].i, 1);
	ck_assert_str_eq(v[2].s, "p");
	ck_assert_str_eq(v[3].s, "x");
	space_point(s, 1, v);
	ck_assert_int_eq(v[1].i, 1);
	ck_assert_str_eq(v[2].s, "q");
	space_point(s, 3, v);
	ck_assert_int_eq(v[1].i, 2);
	ck_assert_str_eq(v[3].s, "y");
	ck_assert_str_eq(v[2].s, "q");
	space_point(s, 6, v);
	ck_assert_int_eq(v[0].i, 2);
	ck_assert_int_eq(v[1].i, 1);
	ck_assert_str_eq(v[3].s, "x");
	space_point(s, 11, v);
	ck_assert_int_eq(v[0].i, 2);
	ck_assert_int_eq(v[1].i, 3);
	ck_assert_str_eq(v[2].s, "q");
	ck_assert_str_eq(v[3].s, "z");
	space_free(s);
}
END_TEST

/* Check a space of params and zips fails at space_finish with want. */
static void
check_finish_refused(const char *const *params, const char *const *zips,
    const char *want)
{
	struct space_error e = { NULL, 0, false };
	struct space *s = space_new();
	size_t i;

	for (i = 0; params[i] != NULL; i++)
		ck_assert_int_eq(space_add(s, params[i], &e), 0);
	for (i = 0; zips[i] != NULL; i++)
		ck_assert_int_eq(space_zip(s, zips[i], &e), 0);
	ck_assert_int_eq(space_finish(s, &e), -1);
	ck_assert_msg(strstr(e.msg, want) != NULL, "'%s' lacks '%s'", e.msg,
	    want);
	ck_assert(!e.has_pos);
	space_error_clear(&e);
	space_free(s);
}

/* Check space_zip(text) fails with want at pos (-1: none). */
static void
check_zip_refused(const char *text, const char *want, long pos)
{
	struct space_error e = { NULL, 0, false };
	struct space *s = space_new();

	ck_assert_int_eq(space_zip(s, text, &e), -1);
	ck_assert_msg(strstr(e.msg, want) != NULL, "'%s': '%s' lacks '%s'",
	    text, e.msg, want);
	if (pos < 0)
		ck_assert(!e.has_pos);
	else {
		ck_assert(e.has_pos);
		ck_assert_uint_eq(e.pos, (size_t)pos);
	}
	space_error_clear(&e);
	space_free(s);
}

START_TEST(test_zip_refusals)
{
	static const char *const p1[] = { "x=1..10", "y={a,b,c}", NULL };
	static const char *const z1[] = { "x,y", NULL };
	static const char *const p2[] = { "x=1..10", "y=7", "z={a,b,c}",
		"w=linspace(0,1,5)", NULL };
	static const char *const z2[] = { "y,x,z,w", NULL };
	static const char *const z3[] = { "x,q", NULL };
	static const char *const z4[] = { "x,y", "z,y", NULL };
	static const char *const p5[] = { NULL };

	check_finish_refused(p1, z1, "--zip x,y: x has 10 values but y has "
	    "3; zipped lists must have equal lengths (a single value is "
	    "broadcast)");
	check_finish_refused(p2, z2, "--zip y,x,z,w: x has 10 values but z "
	    "has 3 and w has 5; zipped");
	check_finish_refused(p1, z3, "--zip x,q: no parameter named 'q' "
	    "(parameters: x, y)");
	check_finish_refused(p2, z4, "--zip z,y: 'y' is already zipped by "
	    "--zip x,y");
	check_finish_refused(p5, z3, "no parameters are defined");

	check_zip_refused("", "empty --zip", 0);
	check_zip_refused("x", "names one parameter", -1);
	check_zip_refused("x,", "empty name in --zip", 2);
	check_zip_refused("x,,y", "empty name", 2);
	check_zip_refused("x, 1y", "bad parameter name '1y' in --zip", 3);
	check_zip_refused("x,y,x", "'x' appears twice in --zip 'x,y,x'", 4);
	check_zip_refused("x,\xff", "invalid UTF-8 at byte 2", 2);
}
END_TEST

START_TEST(test_huge)
{
	static const char *const p1[] = { "x=0..999", "y=linspace(0,999,1000)",
		NULL };
	static const char *const p2[] = { "x=0..9223372036854775806", "y=5",
		NULL };
	const char *params[4];
	struct space_error e = { NULL, 0, false };
	struct value v[3];
	struct space *s;
	struct buf b;
	double t0;
	size_t i;

	/* z is an explicit list of 1000 values. */
	buf_init(&b);
	buf_adds(&b, "z={");
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%sv%zu", i ? "," : "", i);
	buf_adds(&b, "}");
	params[0] = p1[0];
	params[1] = p1[1];
	params[2] = b.data;
	params[3] = NULL;
	t0 = util_monotonic();
	s = make_space(params, NULL);
	ck_assert_uint_eq(space_size(s), 1000000000ULL);
	space_point(s, 999999999, v);
	ck_assert_int_eq(v[0].i, 999);
	ck_assert(v[1].r == 999.0);
	ck_assert_str_eq(v[2].s, "v999");
	space_point(s, 123456789, v);
	ck_assert_int_eq(v[0].i, 123);
	ck_assert(v[1].r == 456.0);
	ck_assert_str_eq(v[2].s, "v789");
	ck_assert_msg(util_monotonic() - t0 < 1.0, "a 10^9 space took "
	    "%.3f s", util_monotonic() - t0);
	space_free(s);
	buf_free(&b);

	/* INT64_MAX points is the limit. */
	s = make_space(p2, NULL);
	ck_assert_uint_eq(space_size(s), (uint64_t)INT64_MAX);
	space_point(s, (uint64_t)INT64_MAX - 1, v);
	ck_assert_int_eq(v[0].i, INT64_MAX - 1);
	space_free(s);

	s = space_new();
	ck_assert_int_eq(space_add(s, "x=0..9223372036854775806", &e), 0);
	ck_assert_int_eq(space_add(s, "y={a,b}", &e), 0);
	ck_assert_int_eq(space_finish(s, &e), -1);
	ck_assert_msg(strstr(e.msg, "about 1.84e+19 points, more than the "
	    "9223372036854775807 allowed") != NULL, "%s", e.msg);
	space_error_clear(&e);
	space_free(s);

	s = space_new();
	for (i = 0; i < 7; i++) {
		char text[32];

		snprintf(text, sizeof text, "p%zu=1..1000", i);
		ck_assert_int_eq(space_add(s, text, &e), 0);
	}
	ck_assert_int_eq(space_finish(s, &e), -1);
	ck_assert_msg(strstr(e.msg, "about 1e+21 points") != NULL, "%s",
	    e.msg);
	space_error_clear(&e);
	space_free(s);
}
END_TEST

START_TEST(test_describe)
{
	static const char *const params[] = { "r = 2.5..4:0.005", "n=3",
		"s={a, \"b c\", \"3\", \"\", \"x,y\", \"multi\nline\"}",
		"t={1,2,3}", "u=1..3", NULL };
	static const char *const zips[] = { "t,n,u", NULL };
	struct space *s;
	struct buf b;

	s = make_space(params, zips);
	buf_init(&b);
	space_describe(s, &b);
	ck_assert_str_eq(b.data,
	    "  r = 2.5..4:0.005  (301 values: 2.5, 2.505, 2.51, ..., 4)\n"
	    "  n = 3  (1 value: 3)\n"
	    "  s = {a, \"b c\", \"3\", \"\", \"x,y\", \"multi\\nline\"}  "
	    "(6 values: a, b c, \"3\", ..., \"multi\\nline\")\n"
	    "  t = {1,2,3}  (3 values: 1, 2, 3)\n"
	    "  u = 1..3  (3 values: 1, 2, 3)\n"
	    "  zip t,n,u  (3 values, paired element-wise; broadcast: n)\n");
	buf_free(&b);
	space_free(s);

	/* Control characters are escaped, C0 and DEL as bytes, C1 (here
	 * U+009B, the one-character CSI) as code points. */
	s = make_one("x={\"a\x1b[2J\x7f\", b\xc2\x9b""c}");
	buf_init(&b);
	space_describe(s, &b);
	ck_assert_str_eq(b.data,
	    "  x = {\"a\\x1b[2J\\x7f\", b\\u009bc}  "
	    "(2 values: \"a\\x1b[2J\\x7f\", b\\u009bc)\n");
	buf_free(&b);
	space_free(s);
}
END_TEST

/* Check a and b hold the same parameters, groups and values. */
static void
check_same_space(const struct space *a, const struct space *b)
{
	struct value va[8], vb[8];
	struct buf da, db;
	uint64_t p;
	size_t i;

	ck_assert_uint_eq(space_nparams(a), space_nparams(b));
	ck_assert_uint_eq(space_size(a), space_size(b));
	for (i = 0; i < space_nparams(a); i++) {
		ck_assert_str_eq(space_name(a, i), space_name(b, i));
		ck_assert_str_eq(space_spec(a, i), space_spec(b, i));
		ck_assert_uint_eq(space_count(a, i), space_count(b, i));
	}
	for (p = 0; p < space_size(a) && p < 5000; p++) {
		space_point(a, p, va);
		space_point(b, p, vb);
		for (i = 0; i < space_nparams(a); i++) {
			ck_assert_int_eq(va[i].kind, vb[i].kind);
			ck_assert(va[i].i == vb[i].i);
			ck_assert(memcmp(&va[i].r, &vb[i].r, sizeof va[i].r) ==
			    0);
			ck_assert_uint_eq(va[i].len, vb[i].len);
			if (va[i].kind == VALUE_STRING)
				ck_assert(memcmp(va[i].s, vb[i].s, va[i].len) ==
				    0);
		}
	}
	buf_init(&da);
	buf_init(&db);
	space_describe(a, &da);
	space_describe(b, &db);
	ck_assert_str_eq(da.data, db.data);
	buf_free(&da);
	buf_free(&db);
}

START_TEST(test_json)
{
	static const char *const params[] = { "x = 1..6", "y=0..1:0.25",
		"s={\"a \\\"q\\\" b\", \"tab\\tnl\\n\", \"raw\nline\", "
		"\xc3\xa9, $(id), \"\\\\\"}", "c=5", "l=logspace(1e-3, 1, 4)",
		"m = linspace(0,1,4)", NULL };
	static const char *const zips[] = { "x, s,c", "m,l", NULL };
	struct space *a, *b;
	struct buf ja, jb;
	char *err = NULL;

	a = make_space(params, zips);
	buf_init(&ja);
	space_to_json(a, &ja);
	ck_assert_ptr_nonnull(strstr(ja.data, "\"zip\":[\"x,s,c\",\"m,l\"]"));
	ck_assert_ptr_nonnull(strstr(ja.data, "\"x=1..6\""));
	b = space_from_json(ja.data, &err);
	ck_assert_msg(b != NULL, "space_from_json: %s", err);
	check_same_space(a, b);
	buf_init(&jb);
	space_to_json(b, &jb);
	ck_assert_str_eq(ja.data, jb.data);
	buf_free(&ja);
	buf_free(&jb);
	space_free(a);
	space_free(b);

	/* Broken JSON, or a valid object with bad content, is refused. */
	ck_assert_ptr_null(space_from_json("{\"params\":[\"x=1\"", &err));
	ck_assert_ptr_nonnull(strstr(err, "not valid JSON"));
	free(err);
	ck_assert_ptr_null(space_from_json("{}", &err));
	ck_assert_ptr_nonnull(strstr(err, "\"params\" is missing"));
	free(err);
	ck_assert_ptr_null(space_from_json("{\"params\":\"x=1\"}", &err));
	ck_assert_ptr_nonnull(strstr(err, "not an array"));
	free(err);
	ck_assert_ptr_null(space_from_json("{\"params\":[\"x=1..\"]}", &err));
	ck_assert_ptr_nonnull(strstr(err, "parameter 1: missing range end"));
	free(err);
	ck_assert_ptr_null(space_from_json("{\"params\":[\"x=1..3\","
	    "\"y=1..2\"],\"zip\":[\"x,y\"]}", &err));
	ck_assert_ptr_nonnull(strstr(err, "x has 3 values but y has 2"));
	free(err);
	b = space_from_json("{\"params\":[\"x=1..3\"]}", &err);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(space_size(b), 3);
	space_free(b);
}
END_TEST

Suite *
suite_space(void)
{
	Suite *s = suite_create("space");
	TCase *tc;

	tc = tcase_create("grammar");
	tcase_add_test(tc, test_integer_ranges);
	tcase_add_test(tc, test_real_ranges);
	tcase_add_test(tc, test_linspace_logspace);
	tcase_add_test(tc, test_distinct_reals);
	tcase_add_test(tc, test_distinct_random);
	tcase_add_test(tc, test_lists_and_kinds);
	tcase_add_test(tc, test_quoting);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);

	tc = tcase_create("zip");
	tcase_add_test(tc, test_zip);
	tcase_add_test(tc, test_zip_refusals);
	suite_add_tcase(s, tc);

	tc = tcase_create("whole");
	tcase_add_test(tc, test_huge);
	tcase_add_test(tc, test_describe);
	tcase_add_test(tc, test_json);
	suite_add_tcase(s, tc);
	return s;
}
