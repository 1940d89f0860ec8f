/*
 * space_parse.c -- the hand-written parser of labrat's parameter grammar
 * (doc/parameters.md).  The text given to space_add ("name=values")
 * becomes a parameter in one of the compact forms of space_int.h: an
 * integer or real range, a linspace or logspace, or an explicit list of
 * numbers and strings.  The text given to space_zip ("x,y") becomes a zip
 * group, resolved later by space_finish.  Every refusal says what is
 * wrong, quotes the input, says what to write instead and gives the byte
 * offset where the problem is.
 */
#include "config.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "space_int.h"

/* Longest stretch of input quoted in a message. */
#define SPACE_QUOTE_BYTES 40

/* State while parsing one text given to space_add or space_zip. */
struct space_parse {
	const char *text;
	struct space_error *e;
	char quote[2][SPACE_QUOTE_BYTES * 4 + 16];
	struct space_param *p;
	struct buf strings;
	struct space_item *items;
	size_t nitems;
	size_t capitems;
};

static const char *const space_reserved[] = SPACE_RESERVED_NAMES;

/* Clear an error, freeing its message. */
void
space_error_clear(struct space_error *e)
{
	if (e == NULL)
		return;
	free(e->msg);
	e->msg = NULL;
	e->pos = 0;
	e->has_pos = false;
}

/* Fill e (if any) with a formatted message and a position; return -1. */
int UTIL_PRINTF(4, 5)
space_fail(struct space_error *e, const char *text, const char *at,
    const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	free(e->msg);
	va_start(ap, fmt);
	e->msg = xvasprintf(fmt, ap);
	va_end(ap);
	e->has_pos = at != NULL && text != NULL;
	e->pos = e->has_pos ? (size_t)(at - text) : 0;
	return -1;
}

/* True for the blanks allowed around names, values, items and arguments. */
bool
space_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Length of the UTF-8 character starting at s (at most len bytes). */
static size_t
space_char_len(const char *s, size_t len)
{
	size_t n = 1;

	while (n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	return n;
}

/*
 * Append s[0..len) to b for a human: control characters escaped (C0 and
 * DEL as \xNN, C1 as \u00NN), cut after max bytes (on a character
 * boundary) with "...".  The text is valid UTF-8 up to len.
 */
void
space_escape(struct buf *b, const char *s, size_t len, size_t max)
{
	size_t i = 0, n;
	unsigned char c;

	while (i < len) {
		if (i >= max) {
			buf_adds(b, "...");
			return;
		}
		c = (unsigned char)s[i];
		if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else if (c < 0x80)
			buf_addc(b, (char)c);
		else if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] < 0xa0) {
			buf_printf(b, "\\u%04x", (unsigned char)s[i + 1]);
			i += 2;
			continue;
		} else {
			n = space_char_len(s + i, len - i);
			buf_add(b, s + i, n);
			i += n;
			continue;
		}
		i++;
	}
}

/* Quote s[0..len) as 'text' for a message, in slot 0 or 1 of ps. */
static const char *
space_quote(struct space_parse *ps, int slot, const char *s, size_t len)
{
	struct buf b;

	buf_init(&b);
	buf_addc(&b, '\'');
	space_escape(&b, s, len, SPACE_QUOTE_BYTES);
	buf_addc(&b, '\'');
	snprintf(ps->quote[slot], sizeof ps->quote[slot], "%s", b.data);
	buf_free(&b);
	return ps->quote[slot];
}

/* Move *a past blanks and *b back over blanks, within [*a, *b). */
static void
space_trim(const char **a, const char **b)
{
	while (*a < *b && space_is_blank(**a))
		(*a)++;
	while (*b > *a && space_is_blank((*b)[-1]))
		(*b)--;
}

/*
 * True if s[0..len) is exactly one JSON-like number: an optional '-',
 * digits without a leading zero, an optional fraction and exponent.
 * *integer says whether it has neither fraction nor exponent.
 */
bool
space_is_number(const char *s, size_t len, bool *integer)
{
	size_t i = 0, d;

	*integer = true;
	if (i < len && s[i] == '-')
		i++;
	if (i >= len || s[i] < '0' || s[i] > '9')
		return false;
	if (s[i] == '0')
		i++;
	else {
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < len && s[i] == '.') {
		*integer = false;
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		*integer = false;
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	return i == len;
}

/* The number s[0..len) (checked by space_is_number) as a double, which
 * is infinite if it is too large. */
static double
space_number_real(const char *s, size_t len)
{
	char small[64], *copy = small;
	double d;

	if (len >= sizeof small)
		copy = xmalloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	d = strtod(copy, NULL);
	if (copy != small)
		free(copy);
	return d;
}

/* Convert integer text s[0..len) to *out: 0, or -1 if it does not fit. */
static int
space_number_int(const char *s, size_t len, int64_t *out)
{
	char small[64];
	long long v;

	if (len >= sizeof small)
		return -1; /* more digits than any int64_t has */
	memcpy(small, s, len);
	small[len] = '\0';
	errno = 0;
	v = strtoll(small, NULL, 10);
	if (errno == ERANGE)
		return -1;
	*out = v;
	return 0;
}

/* Parse the number s[0..len) that must be finite; what names it. */
static int
space_parse_real(struct space_parse *ps, const char *s, size_t len,
    const char *what, double *out, bool *integer)
{
	if (len == 0)
		return space_fail(ps->e, ps->text, s,
		    "missing %s: write a number like 3, -2, 0.5 or 1e-3", what);
	if (!space_is_number(s, len, integer))
		return space_fail(ps->e, ps->text, s,
		    "%s %s is not a number: write a number like 3, -2, 0.5 "
		    "or 1e-3", what, space_quote(ps, 0, s, len));
	*out = space_number_real(s, len);
	if (!isfinite(*out))
		return space_fail(ps->e, ps->text, s,
		    "%s %s is too large: values must be finite numbers "
		    "(at most about 1.8e308)", what,
		    space_quote(ps, 0, s, len));
	return 0;
}

/* Append one list item to the parse state. */
static struct space_item *
space_push_item(struct space_parse *ps)
{
	struct space_item *it;

	if (ps->nitems == ps->capitems) {
		ps->capitems = ps->capitems == 0 ? 8 : ps->capitems * 2;
		ps->items = xreallocarray(ps->items, ps->capitems,
		    sizeof *ps->items);
	}
	it = &ps->items[ps->nitems++];
	memset(it, 0, sizeof *it);
	return it;
}

/* Add a string item whose text is appended to the arena by the caller. */
static struct space_item *
space_push_string(struct space_parse *ps)
{
	struct space_item *it = space_push_item(ps);

	it->kind = VALUE_STRING;
	it->off = ps->strings.len;
	return it;
}

/* Close the string item it: terminate its text in the arena. */
static void
space_end_string(struct space_parse *ps, struct space_item *it)
{
	it->len = ps->strings.len - it->off;
	buf_addc(&ps->strings, '\0');
}

/*
 * Parse the quoted string starting at s ('"') and ending before end; *next
 * is set past the closing quote.  Escapes: \" \\ \n \t.
 */
static int
space_parse_quoted(struct space_parse *ps, const char *s, const char *end,
    const char **next)
{
	struct space_item *it = space_push_string(ps);
	const char *p = s + 1, *run;

	for (;;) {
		run = p;
		while (p < end && *p != '"' && *p != '\\')
			p++;
		buf_add(&ps->strings, run, (size_t)(p - run));
		if (p >= end)
			return space_fail(ps->e, ps->text, s,
			    "unterminated string: add a closing '\"' (inside "
			    "quotes write \\\" for a quote)");
		if (*p == '"')
			break;
		if (p + 1 >= end)
			return space_fail(ps->e, ps->text, s,
			    "unterminated string: add a closing '\"' (a "
			    "'\\' at the end escapes nothing)");
		switch (p[1]) {
		case '"':
		case '\\':
			buf_addc(&ps->strings, p[1]);
			break;
		case 'n':
			buf_addc(&ps->strings, '\n');
			break;
		case 't':
			buf_addc(&ps->strings, '\t');
			break;
		default:
			return space_fail(ps->e, ps->text, p,
			    "unknown escape %s in a string: inside quotes "
			    "write \\\" \\\\ \\n or \\t, nothing else after "
			    "'\\'",
			    space_quote(ps, 0, p,
			    1 + space_char_len(p + 1, (size_t)(end - p - 1))));
		}
		p += 2;
	}
	space_end_string(ps, it);
	*next = p + 1;
	return 0;
}

/* Classify the unquoted item s[0..len) (trimmed, checked) as a number or
 * a string and add it. */
static int
space_add_unquoted(struct space_parse *ps, const char *s, size_t len)
{
	struct space_item *it;
	bool integer;
	double d;

	if (space_is_number(s, len, &integer)) {
		it = space_push_item(ps);
		if (integer && space_number_int(s, len, &it->i) == 0) {
			it->kind = VALUE_INT;
			return 0;
		}
		d = space_number_real(s, len);
		if (!isfinite(d))
			return space_fail(ps->e, ps->text, s,
			    "number %s is too large: values must be finite "
			    "(at most about 1.8e308); quote it to keep it as "
			    "text", space_quote(ps, 0, s, len));
		it->kind = VALUE_REAL;
		it->r = d;
		return 0;
	}
	it = space_push_string(ps);
	buf_add(&ps->strings, s, len);
	space_end_string(ps, it);
	return 0;
}

/*
 * Scan an unquoted item from s: it ends at ',' or '}' when in_list, at end
 * otherwise.  Refuse quotes, braces, commas (outside lists) and control
 * characters; *next is where it stopped.
 */
static int
space_parse_unquoted(struct space_parse *ps, const char *s, const char *end,
    bool in_list, const char **next)
{
	const char *p = s, *a, *b, *q;
	unsigned char c;

	for (; p < end; p++) {
		c = (unsigned char)*p;
		if (in_list && (c == ',' || c == '}'))
			break;
		if (c == '"')
			return space_fail(ps->e, ps->text, p,
			    "a '\"' inside an unquoted value: quote the whole "
			    "value and write \\\" for the quote, e.g. "
			    "\"a\\\"b\"");
		if (c == '{')
			return space_fail(ps->e, ps->text, p,
			    in_list ? "a '{' inside a list: lists cannot be "
			    "nested; quote the item to keep the brace" :
			    "a '{' inside a value: start a list with '{', or "
			    "quote the value to keep the brace");
		if (c == '}')
			return space_fail(ps->e, ps->text, p,
			    "unbalanced '}': a list starts with '{'; quote the "
			    "value to keep the brace");
		if (c == ',')
			return space_fail(ps->e, ps->text, p,
			    "a ',' in a single value: write a list such as "
			    "{a, b}, or quote the value to keep the comma");
		if ((c < 0x20 && !space_is_blank((char)c)) || c == 0x7f)
			return space_fail(ps->e, ps->text, p,
			    "control character 0x%02x in an unquoted value: "
			    "quote the value (inside quotes any character is "
			    "kept)", c);
	}
	a = s;
	b = p;
	space_trim(&a, &b);
	if (a == b)
		return space_fail(ps->e, ps->text, s,
		    "empty item in the list: remove the extra ',' or quote an "
		    "empty string as \"\"");
	for (q = a; q < b; q++) {
		if (*q == '\n' || *q == '\r')
			return space_fail(ps->e, ps->text, q,
			    "a line break inside an unquoted value: quote the "
			    "value to keep it");
	}
	*next = p;
	return space_add_unquoted(ps, a, (size_t)(b - a));
}

/* Parse the list {...} spanning [s, end). */
static int
space_parse_list(struct space_parse *ps, const char *s, const char *end)
{
	const char *p = s + 1;

	for (;;) {
		while (p < end && space_is_blank(*p))
			p++;
		if (p >= end)
			return space_fail(ps->e, ps->text, s,
			    "unbalanced '{': add the closing '}' of the list");
		if (*p == '}') {
			if (ps->nitems == 0)
				return space_fail(ps->e, ps->text, s,
				    "empty list {}: give at least one value, "
				    "e.g. {a, b}");
			return space_fail(ps->e, ps->text, p,
			    "trailing ',' before '}': remove it, or quote an "
			    "empty string as \"\"");
		}
		if (*p == ',')
			return space_fail(ps->e, ps->text, p,
			    "empty item in the list: remove the extra ',' or "
			    "quote an empty string as \"\"");
		if (*p == '"') {
			if (space_parse_quoted(ps, p, end, &p) != 0)
				return -1;
			while (p < end && space_is_blank(*p))
				p++;
		} else if (space_parse_unquoted(ps, p, end, true, &p) != 0)
			return -1;
		if (p >= end)
			return space_fail(ps->e, ps->text, s,
			    "unbalanced '{': add the closing '}' of the list");
		if (*p == '}')
			break;
		if (*p != ',')
			return space_fail(ps->e, ps->text, p,
			    "unexpected %s after a quoted item: separate items "
			    "with ',' and close the list with '}'",
			    space_quote(ps, 0, p,
			    space_char_len(p, (size_t)(end - p))));
		p++;
	}
	if (p + 1 < end)
		return space_fail(ps->e, ps->text, p + 1,
		    "unexpected %s after the '}' that closes the list: remove "
		    "it, or quote the item that holds a '}'",
		    space_quote(ps, 0, p + 1, (size_t)(end - p - 1)));
	return 0;
}

/* Parse one value (quoted or not) spanning [s, end) into a list of one. */
static int
space_parse_single(struct space_parse *ps, const char *s, const char *end)
{
	const char *p;

	if (*s != '"')
		return space_parse_unquoted(ps, s, end, false, &p);
	if (space_parse_quoted(ps, s, end, &p) != 0)
		return -1;
	if (p < end)
		return space_fail(ps->e, ps->text, p,
		    "unexpected %s after the closing '\"': quote the whole "
		    "value, or write a list such as {\"a\", b}",
		    space_quote(ps, 0, p, (size_t)(end - p)));
	return 0;
}

/* The decimal exponent of |d| rounded to 15 significant digits, so that
 * one unit of its 15th digit is 10^(exponent - 14). */
static int
space_digit_exp(double d)
{
	char tmp[48], *e;

	snprintf(tmp, sizeof tmp, "%.14e", fabs(d));
	e = strchr(tmp, 'e');
	return e != NULL ? atoi(e + 1) : 0;
}

/* True if gap is at least one unit of the 15th significant digit of a
 * value of magnitude v: two values that far apart, the larger of
 * magnitude v, stay distinct once rounded to 15 digits (space_normalise
 * rounds each to its own digits, so an end exactly at a power of ten is
 * the only place where the unit grows, and v covers it). */
static bool
space_gap_ok(double gap, double v)
{
	return gap > 0 && gap >= pow(10, space_digit_exp(v) - 14);
}

/*
 * Refuse a real range, linspace or logspace whose values are not finite
 * or would repeat once rounded to the 15 significant digits a value keeps
 * (space_normalise).  The values are monotonic.  The two pairs at the ends
 * are compared as computed, and must be in order.  Every other pair lies between the magnitudes
 * of the second and the next-to-last value, and its gap -- constant, or a
 * constant ratio for logspace -- less what computing each value in
 * doubles may be off by, must be one unit of the 15th digit there.  at is
 * where a refusal points: the range, or the count.
 */
static int
space_check_reals(struct space_parse *ps, const char *at)
{
	struct space_param *p = ps->p;
	uint64_t n = p->count, k[4];
	double v[4], lo, hi, gap, off;
	struct value val;
	bool ok = true;
	size_t i;

	k[0] = 0;
	k[1] = n > 1 ? 1 : 0;
	k[2] = n > 1 ? n - 2 : 0;
	k[3] = n - 1;
	for (i = 0; i < 4; i++) {
		space_param_value(p, k[i], &val);
		v[i] = space_normalise(val.r);
		if (!isfinite(v[i]))
			return space_fail(ps->e, ps->text, at,
			    "range %s overflows: its values must stay finite",
			    space_quote(ps, 0, p->spec, strlen(p->spec)));
	}
	if (n < 2)
		return 0;
	/* The end pairs, in order (a logspace computed near the limit can
	 * even step outside its ends). */
	if (!(v[3] > v[0] ? v[1] > v[0] && v[3] > v[2] :
	    v[1] < v[0] && v[3] < v[2]))
		ok = false;
	else if (n > 3) {
		lo = fmin(fabs(v[1]), fabs(v[2]));
		hi = fmax(fabs(v[1]), fabs(v[2]));
		if (p->form == SPACE_LOGSPACE) {
			/* 1 - 1/ratio: the gap over the larger value, less
			 * the relative error of pow(10, log10 a + ...). */
			gap = -expm1(-fabs(p->lstop - p->lstart) /
			    (double)(n - 1) * M_LN10);
			off = DBL_EPSILON * (24 * fmax(fmax(fabs(p->lstart),
			    fabs(p->lstop)), 1) + 2);
			gap -= 2 * off;
			ok = space_digit_exp(lo) == space_digit_exp(hi) ?
			    space_gap_ok(gap * lo, lo) : space_gap_ok(gap, 1);
		} else {
			/* The step, less the error of start + k * step (or
			 * of start + (stop - start) * k / (n - 1)). */
			gap = p->form == SPACE_REALS ? fabs(p->step) :
			    fabs(p->stop / (double)(n - 1) -
			    p->start / (double)(n - 1));
			off = 4 * DBL_EPSILON * fmax(fabs(v[0]), fabs(v[3]));
			ok = space_gap_ok(gap - 2 * off, hi);
		}
	}
	if (ok)
		return 0;
	if (p->form == SPACE_REALS)
		return space_fail(ps->e, ps->text, at,
		    "range %s: the step is too small for its values "
		    "(15 significant digits), so values would repeat: use a "
		    "larger step", space_quote(ps, 0, p->spec,
		    strlen(p->spec)));
	return space_fail(ps->e, ps->text, at,
	    "%s: its %" PRIu64 " values are too close together for 15 "
	    "significant digits, so values would repeat: use a smaller count, "
	    "or ends further apart", space_quote(ps, 0, p->spec,
	    strlen(p->spec)), n);
}

/* Check the step of an integer or real range goes from start to end. */
static int
space_check_step(struct space_parse *ps, const char *at, int sign_step,
    int sign_span, const char *step, size_t steplen)
{
	if (sign_step == 0)
		return space_fail(ps->e, ps->text, at,
		    "step %s is zero: use a step that moves from the start "
		    "to the end, e.g. 1..10:3", space_quote(ps, 0, step,
		    steplen));
	if (sign_span != 0 && sign_span != sign_step)
		return space_fail(ps->e, ps->text, at,
		    "step %s goes away from the end: use a %s step, or swap "
		    "start and end", space_quote(ps, 0, step, steplen),
		    sign_span > 0 ? "positive" : "negative");
	return 0;
}

/* Set up an integer range from its parts. */
static int
space_parse_ints(struct space_parse *ps, const char *sa, size_t la,
    const char *sb, size_t lb, const char *sc, size_t lc, const char *at)
{
	struct space_param *p = ps->p;
	int64_t start, end, step;
	uint64_t span, astep;

	if (space_number_int(sa, la, &start) != 0)
		return space_fail(ps->e, ps->text, sa,
		    "range start %s does not fit in a 64-bit integer: use a "
		    "smaller number, or write it as a real (1e20)",
		    space_quote(ps, 0, sa, la));
	if (space_number_int(sb, lb, &end) != 0)
		return space_fail(ps->e, ps->text, sb,
		    "range end %s does not fit in a 64-bit integer: use a "
		    "smaller number, or write it as a real (1e20)",
		    space_quote(ps, 0, sb, lb));
	if (sc == NULL)
		step = end < start ? -1 : 1;
	else if (space_number_int(sc, lc, &step) != 0)
		return space_fail(ps->e, ps->text, sc,
		    "range step %s does not fit in a 64-bit integer: use a "
		    "smaller step", space_quote(ps, 0, sc, lc));
	if (sc != NULL && space_check_step(ps, at, step > 0 ? 1 :
	    step < 0 ? -1 : 0, end > start ? 1 : end < start ? -1 : 0,
	    sc, lc) != 0)
		return -1;
	span = end >= start ? (uint64_t)end - (uint64_t)start :
	    (uint64_t)start - (uint64_t)end;
	astep = step > 0 ? (uint64_t)step : -(uint64_t)step;
	if (span / astep >= SPACE_MAX_POINTS)
		return space_fail(ps->e, ps->text, sa,
		    "range %s has more than %" PRIu64 " values: use a "
		    "larger step or a shorter range", space_quote(ps, 0,
		    p->spec, strlen(p->spec)), SPACE_MAX_POINTS);
	p->form = SPACE_INTS;
	p->istart = start;
	p->istep = step;
	p->count = span / astep + 1;
	return 0;
}

/* Set up a real range from its parts. */
static int
space_parse_reals(struct space_parse *ps, const char *sa, size_t la,
    const char *sb, size_t lb, const char *sc, size_t lc, const char *at)
{
	struct space_param *p = ps->p;
	double start, end, step, q, fl;
	bool integer;

	if (space_parse_real(ps, sa, la, "range start", &start,
	    &integer) != 0 ||
	    space_parse_real(ps, sb, lb, "range end", &end, &integer) != 0)
		return -1;
	step = end < start ? -1 : 1;
	if (sc != NULL) {
		if (space_parse_real(ps, sc, lc, "range step", &step,
		    &integer) != 0 ||
		    space_check_step(ps, at, step > 0 ? 1 : step < 0 ? -1 : 0,
		    end > start ? 1 : end < start ? -1 : 0, sc, lc) != 0)
			return -1;
	}
	/* end - start may overflow when the values do not. */
	q = isfinite(end - start) ? (end - start) / step :
	    end / step - start / step;
	fl = floor(q + 1e-9);
	if (!(fl < 9223372036854775807.0))
		return space_fail(ps->e, ps->text, sa,
		    "range %s has more than %" PRIu64 " values: use a "
		    "larger step or a shorter range", space_quote(ps, 0,
		    p->spec, strlen(p->spec)), SPACE_MAX_POINTS);
	p->form = SPACE_REALS;
	p->start = start;
	p->step = step;
	p->stop = end;
	p->count = (uint64_t)fl + 1;
	return space_check_reals(ps, sa);
}

/* Parse the range start..end[:step] spanning [s, end) with ".." at dots. */
static int
space_parse_range(struct space_parse *ps, const char *s, const char *end,
    const char *dots)
{
	const char *a0 = s, *a1 = dots, *b0 = dots + 2, *b1, *c0 = NULL,
	    *c1 = NULL, *colon;
	bool ia, ib, ic = true;

	colon = memchr(b0, ':', (size_t)(end - b0));
	b1 = colon != NULL ? colon : end;
	space_trim(&a0, &a1);
	space_trim(&b0, &b1);
	if (colon != NULL) {
		c0 = colon + 1;
		c1 = end;
		space_trim(&c0, &c1);
		if (c0 == c1)
			return space_fail(ps->e, ps->text, colon,
			    "missing step after ':': write e.g. 0..1:0.1, or "
			    "drop the ':' for a step of 1");
	}
	if (b0 == b1)
		return space_fail(ps->e, ps->text, dots,
		    "missing range end after '..': write e.g. 1..10");
	if (!space_is_number(a0, (size_t)(a1 - a0), &ia))
		return space_fail(ps->e, ps->text, a0,
		    "range start %s is not a number: write a range of "
		    "numbers like 1..10 or 0..1:0.1, or quote the value to "
		    "keep it as text", space_quote(ps, 0, a0,
		    (size_t)(a1 - a0)));
	if (!space_is_number(b0, (size_t)(b1 - b0), &ib))
		return space_fail(ps->e, ps->text, b0,
		    "range end %s is not a number: write a range of numbers "
		    "like 1..10 or 0..1:0.1", space_quote(ps, 0, b0,
		    (size_t)(b1 - b0)));
	if (c0 != NULL && !space_is_number(c0, (size_t)(c1 - c0), &ic))
		return space_fail(ps->e, ps->text, c0,
		    "range step %s is not a number: write a step like 3 or "
		    "0.1 after ':'", space_quote(ps, 0, c0, (size_t)(c1 - c0)));
	if (ia && ib && ic)
		return space_parse_ints(ps, a0, (size_t)(a1 - a0), b0,
		    (size_t)(b1 - b0), c0, c0 == NULL ? 0 : (size_t)(c1 - c0),
		    c0);
	return space_parse_reals(ps, a0, (size_t)(a1 - a0), b0,
	    (size_t)(b1 - b0), c0, c0 == NULL ? 0 : (size_t)(c1 - c0), c0);
}

/* Parse linspace(...) or logspace(...) spanning [s, end); open is '('. */
static int
space_parse_function(struct space_parse *ps, const char *s, const char *end,
    const char *open)
{
	struct space_param *p = ps->p;
	bool is_log = strncmp(s, "logspace", 8) == 0;
	const char *fn = is_log ? "logspace" : "linspace";
	const char *close, *arg[3], *argend[3], *a, *b, *q;
	size_t nargs = 0, i;
	double v[2];
	int64_t n;
	bool integer;

	close = memchr(open, ')', (size_t)(end - open));
	if (close == NULL)
		return space_fail(ps->e, ps->text, open,
		    "missing ')' after the %s arguments: write e.g. "
		    "%s(%s)", fn, fn, is_log ? "1e-3, 1, 7" : "0, 1, 11");
	for (q = close + 1; q < end; q++) {
		if (!space_is_blank(*q))
			return space_fail(ps->e, ps->text, q,
			    "unexpected %s after %s(...): remove it",
			    space_quote(ps, 0, q, (size_t)(end - q)), fn);
	}
	a = open + 1;
	for (;;) {
		b = memchr(a, ',', (size_t)(close - a));
		if (b == NULL)
			b = close;
		if (nargs < 3) {
			arg[nargs] = a;
			argend[nargs] = b;
		}
		nargs++;
		if (b == close)
			break;
		a = b + 1;
	}
	if (nargs == 1) {
		a = open + 1;
		b = close;
		space_trim(&a, &b);
		if (a == b)
			nargs = 0;
	}
	if (nargs != 3)
		return space_fail(ps->e, ps->text, open,
		    "%s needs 3 arguments (start, stop, count), got %zu: "
		    "write e.g. %s(%s)", fn, nargs, fn,
		    is_log ? "1e-3, 1, 7" : "0, 1, 11");
	for (i = 0; i < 3; i++)
		space_trim(&arg[i], &argend[i]);
	if (space_parse_real(ps, arg[0], (size_t)(argend[0] - arg[0]),
	    "start", &v[0], &integer) != 0 ||
	    space_parse_real(ps, arg[1], (size_t)(argend[1] - arg[1]),
	    "stop", &v[1], &integer) != 0)
		return -1;
	if (arg[2] == argend[2] ||
	    !space_is_number(arg[2], (size_t)(argend[2] - arg[2]),
	    &integer) || !integer ||
	    space_number_int(arg[2], (size_t)(argend[2] - arg[2]), &n) != 0 ||
	    n < 1)
		return space_fail(ps->e, ps->text, arg[2],
		    "%s count %s must be a whole number of values, at least 1",
		    fn, space_quote(ps, 0, arg[2],
		    (size_t)(argend[2] - arg[2])));
	p->start = v[0];
	p->stop = v[1];
	p->count = (uint64_t)n;
	if (!is_log) {
		p->form = SPACE_LINSPACE;
		return space_check_reals(ps, arg[2]);
	}
	if (!((v[0] > 0 && v[1] > 0) || (v[0] < 0 && v[1] < 0)))
		return space_fail(ps->e, ps->text, arg[0],
		    "logspace from %s to %s: both ends must be above zero, "
		    "or both below (they are the end values, not exponents: "
		    "logspace(1e-3, 1, 4) is 0.001, 0.01, 0.1, 1)",
		    space_quote(ps, 0, arg[0], (size_t)(argend[0] - arg[0])),
		    space_quote(ps, 1, arg[1], (size_t)(argend[1] - arg[1])));
	p->form = SPACE_LOGSPACE;
	p->negative = v[0] < 0;
	p->lstart = log10(fabs(v[0]));
	p->lstop = log10(fabs(v[1]));
	return space_check_reals(ps, arg[2]);
}

/* True if [s, end) starts with fn, blanks and '('; *open is the '('. */
static bool
space_is_function(const char *s, const char *end, const char *fn,
    const char **open)
{
	size_t n = strlen(fn);
	const char *p;

	if ((size_t)(end - s) <= n || strncmp(s, fn, n) != 0)
		return false;
	for (p = s + n; p < end && space_is_blank(*p); p++)
		;
	if (p >= end || *p != '(')
		return false;
	*open = p;
	return true;
}

/* Parse the values spanning [s, end) (trimmed, not empty). */
static int
space_parse_values(struct space_parse *ps, const char *s, const char *end)
{
	const char *open, *dots = NULL, *p;

	if (*s == '{')
		return space_parse_list(ps, s, end);
	if (*s == '"')
		return space_parse_single(ps, s, end);
	if (space_is_function(s, end, "linspace", &open) ||
	    space_is_function(s, end, "logspace", &open))
		return space_parse_function(ps, s, end, open);
	if ((*s >= '0' && *s <= '9') || *s == '-' || *s == '+' || *s == '.') {
		for (p = s; p + 1 < end; p++) {
			if (p[0] == '.' && p[1] == '.') {
				dots = p;
				break;
			}
		}
	}
	if (dots != NULL)
		return space_parse_range(ps, s, end, dots);
	return space_parse_single(ps, s, end);
}

/* True if name is reserved by the experiment template. */
static bool
space_is_reserved(const char *name, size_t len)
{
	return util_strv_index(space_reserved, name, len) >= 0;
}

/* Parse "name=" at the start of text: [*n0, *n1) is the name and *v0
 * just after '='. */
static int
space_parse_name(struct space *s, struct space_parse *ps, const char **n0,
    const char **n1, const char **v0)
{
	const char *text = ps->text, *p = text, *eq = strchr(text, '=');
	const char *a, *b;

	while (space_is_blank(*p))
		p++;
	if (*p == '\0')
		return space_fail(ps->e, text, p,
		    "empty parameter: write name=values, e.g. x=1..10");
	if (eq == NULL) {
		a = p;
		b = p + strlen(p);
		space_trim(&a, &b);
		return space_fail(ps->e, text, b,
		    "missing '=' in %s: write name=values, e.g. x=1..10",
		    space_quote(ps, 0, a, (size_t)(b - a)));
	}
	if (p == eq)
		return space_fail(ps->e, text, p,
		    "missing parameter name before '=': write name=values, "
		    "e.g. x=1..10");
	*n0 = p;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	    *p == '_' || (p > *n0 && *p >= '0' && *p <= '9'))
		p++;
	*n1 = p;
	while (space_is_blank(*p))
		p++;
	if (p != eq || *n1 == *n0) {
		a = *n0;
		b = eq;
		space_trim(&a, &b);
		return space_fail(ps->e, text, *n1 == *n0 ? *n0 : *n1,
		    "bad parameter name %s: a name is letters, digits and "
		    "'_', not starting with a digit (e.g. x, n_cores, r2)",
		    space_quote(ps, 0, a, (size_t)(b - a)));
	}
	if (space_is_reserved(*n0, (size_t)(*n1 - *n0)))
		return space_fail(ps->e, text, *n0,
		    "%s is a reserved name ({point}, {attempt}, {tag} and "
		    "{rep} are set by labrat): choose another name",
		    space_quote(ps, 0, *n0, (size_t)(*n1 - *n0)));
	if (space_index(s, *n0, (size_t)(*n1 - *n0)) >= 0)
		return space_fail(ps->e, text, *n0,
		    "parameter %s is defined twice: remove one, or give it "
		    "another name", space_quote(ps, 0, *n0,
		    (size_t)(*n1 - *n0)));
	*v0 = eq + 1;
	return 0;
}

/* Add one parameter written "name=values". */
int
space_add(struct space *s, const char *text, struct space_error *e)
{
	struct space_parse ps;
	struct space_param p;
	const char *n0 = NULL, *n1 = NULL, *v0 = NULL, *v1;
	size_t len = strlen(text), bad;
	int rc = -1;

	if (s->finished)
		return space_fail(e, NULL, NULL,
		    "the space is finished: add parameters before it is used");
	if (!util_utf8_valid(text, len, &bad))
		return space_fail(e, text, text + bad,
		    "invalid UTF-8 at byte %zu: parameters must be UTF-8 text",
		    bad);
	memset(&ps, 0, sizeof ps);
	memset(&p, 0, sizeof p);
	ps.text = text;
	ps.e = e;
	ps.p = &p;
	buf_init(&ps.strings);
	if (space_parse_name(s, &ps, &n0, &n1, &v0) != 0)
		goto out;
	v1 = text + len;
	space_trim(&v0, &v1);
	if (v0 == v1) {
		space_fail(e, text, v0, "no values after '=' for '%.*s': "
		    "write e.g. %.*s=1..10, %.*s={a, b} or %.*s=5",
		    (int)(n1 - n0), n0, (int)(n1 - n0), n0, (int)(n1 - n0),
		    n0, (int)(n1 - n0), n0);
		goto out;
	}
	p.spec = xstrndup(v0, (size_t)(v1 - v0));
	p.form = SPACE_LIST;
	if (space_parse_values(&ps, v0, v1) != 0)
		goto out;
	p.name = xstrndup(n0, (size_t)(n1 - n0));
	p.group = -1;
	if (p.form == SPACE_LIST) {
		p.count = ps.nitems;
		p.items = xreallocarray(ps.items, ps.nitems, sizeof *ps.items);
		ps.items = NULL;
		p.strings = ps.strings.len > 0 ? buf_steal(&ps.strings) : NULL;
	}
	s->params = xreallocarray(s->params, s->nparams + 1,
	    sizeof *s->params);
	s->params[s->nparams++] = p;
	memset(&p, 0, sizeof p);
	rc = 0;
out:
	space_param_free(&p);
	free(ps.items);
	buf_free(&ps.strings);
	return rc;
}

/* Declare a zip group "x,y[,z...]". */
int
space_zip(struct space *s, const char *names, struct space_error *e)
{
	struct space_group g;
	struct space_parse ps;
	const char *p = names, *a, *b;
	struct buf text;
	size_t len = strlen(names), bad, i;

	if (s->finished)
		return space_fail(e, NULL, NULL,
		    "the space is finished: declare zip groups before it is "
		    "used");
	if (!util_utf8_valid(names, len, &bad))
		return space_fail(e, names, names + bad,
		    "invalid UTF-8 at byte %zu in --zip: write names of "
		    "parameters, e.g. --zip x,y", bad);
	memset(&ps, 0, sizeof ps);
	ps.text = names;
	ps.e = e;
	memset(&g, 0, sizeof g);
	buf_init(&text);
	for (;;) {
		a = p;
		b = strchr(p, ',');
		if (b == NULL)
			b = names + len;
		p = b;
		space_trim(&a, &b);
		if (!util_is_ident(a, (size_t)(b - a))) {
			if (a == b && *p == '\0' && g.n == 0)
				space_fail(e, names, a, "empty --zip: name two "
				    "or more parameters, e.g. --zip x,y");
			else if (a == b)
				space_fail(e, names, a, "empty name in --zip "
				    "%s: separate names with one ',', e.g. "
				    "--zip x,y", space_quote(&ps, 0, names,
				    len));
			else
				space_fail(e, names, a, "bad parameter name "
				    "%s in --zip: write names separated by "
				    "',', e.g. --zip x,y", space_quote(&ps, 0,
				    a, (size_t)(b - a)));
			goto fail;
		}
		for (i = 0; i < g.n; i++) {
			if (strlen(g.names[i]) == (size_t)(b - a) &&
			    memcmp(g.names[i], a, (size_t)(b - a)) == 0) {
				space_fail(e, names, a, "%s appears twice in "
				    "--zip %s: name each parameter once",
				    space_quote(&ps, 0, a, (size_t)(b - a)),
				    space_quote(&ps, 1, names, len));
				goto fail;
			}
		}
		g.names = xreallocarray(g.names, g.n + 2, sizeof *g.names);
		g.names[g.n++] = xstrndup(a, (size_t)(b - a));
		g.names[g.n] = NULL;
		if (text.len > 0)
			buf_addc(&text, ',');
		buf_add(&text, a, (size_t)(b - a));
		if (*p == '\0')
			break;
		p++;
	}
	if (g.n < 2) {
		space_fail(e, names, NULL, "--zip %s names one parameter: a "
		    "zip group pairs two or more, e.g. --zip x,y",
		    space_quote(&ps, 0, names, len));
		goto fail;
	}
	g.text = buf_steal(&text);
	s->groups = xreallocarray(s->groups, s->ngroups + 1,
	    sizeof *s->groups);
	s->groups[s->ngroups++] = g;
	return 0;
fail:
	util_strv_free(g.names);
	buf_free(&text);
	return -1;
}
