/*
 * check_table.c -- the table suite: the pure logic of the jobs and
 * results views (cells and their UTF-8 truncation, column widths and
 * layout, sort and filter cycling, the status and selector lines, the
 * parameters summary, wrapping), then both views drawn into a bare
 * ncurses screen (terminal /dev/null) over a real temporary notebook,
 * driven through their key functions as the console drives them.
 */
#include "config.h"

#include <curses.h>
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "../tui/console_int.h"
#include "../tui/table.h"
#include "testutil.h"
#include "util.h"

/* ------------------------------------------------------------ pure -- */

/* table_fit into a fresh string. */
static char *
fit(const char *text, int width, enum table_align align, bool utf8)
{
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	table_fit(&b, text, width, align, utf8);
	return buf_steal(&b);
}

#define ck_fit(text, width, align, utf8, want) do {			\
	char *got_ = fit(text, width, align, utf8);			\
	ck_assert_str_eq(got_, want);					\
	free(got_);							\
} while (0)

START_TEST(test_fit_ascii)
{
	ck_fit("abc", 5, TABLE_LEFT, false, "abc  ");
	ck_fit("abc", 5, TABLE_RIGHT, false, "  abc");
	ck_fit("abc", 3, TABLE_LEFT, false, "abc");
	ck_fit("abcdef", 4, TABLE_LEFT, false, "abc~");
	ck_fit("abcdef", 4, TABLE_RIGHT, false, "abc~");
	ck_fit("abcdef", 1, TABLE_LEFT, false, "~");
	ck_fit("", 2, TABLE_LEFT, false, "  ");
	/* Control characters are spaces, so a cell stays on its line. */
	ck_fit("a\tb\nc", 5, TABLE_LEFT, false, "a b c");
	ck_fit("abc", 0, TABLE_LEFT, false, "");
	ck_assert_int_eq(table_width("a\tb"), 3);
}
END_TEST

START_TEST(test_fit_utf8)
{
	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
	/* é is one column in two bytes; 漢 and 字 two columns each. */
	ck_assert_int_eq(table_width("caf\xc3\xa9"), 4);
	ck_assert_int_eq(table_width("\xe6\xbc\xa2\xe5\xad\x97x"), 5);
	ck_fit("caf\xc3\xa9", 6, TABLE_LEFT, true, "caf\xc3\xa9  ");
	ck_fit("caf\xc3\xa9", 6, TABLE_RIGHT, true, "  caf\xc3\xa9");
	ck_fit("caf\xc3\xa9s au lait", 5, TABLE_LEFT, true,
	    "caf\xc3\xa9\xe2\x80\xa6");
	/* A wide character that does not fit before the ellipsis is left
	 * out whole and the cell padded: never half a character. */
	ck_fit("\xe6\xbc\xa2\xe5\xad\x97x", 4, TABLE_LEFT, true,
	    "\xe6\xbc\xa2\xe2\x80\xa6 ");
	ck_fit("\xe6\xbc\xa2\xe5\xad\x97x", 5, TABLE_LEFT, true,
	    "\xe6\xbc\xa2\xe5\xad\x97x");
	/* Invalid UTF-8 is one '?' per bad byte, as console_text draws. */
	ck_fit("a\xff" "b", 3, TABLE_LEFT, true, "a?b");
	ck_assert_int_eq(table_width("a\xff" "b"), 3);
	setlocale(LC_CTYPE, "C");
}
END_TEST

/* A member parsed from {"v": json}. */
static void
value_of(const char *json, char **text, enum table_align *align)
{
	struct json_object obj;
	struct buf b, in;
	char *err = NULL;
	size_t errpos;

	buf_init(&in);
	buf_printf(&in, "{\"v\":%s}", json);
	if (json_parse_object(in.data, in.len, &obj, &err, &errpos) != 0)
		ck_abort_msg("parse %s: %s", in.data, err);
	buf_init(&b);
	buf_add(&b, "", 0);
	table_value(&b, &obj.members[0], align);
	*text = buf_steal(&b);
	json_object_free(&obj);
	buf_free(&in);
}

#define ck_value(json, want, want_align) do {				\
	char *t_;							\
	enum table_align a_;						\
	value_of(json, &t_, &a_);					\
	ck_assert_str_eq(t_, want);					\
	ck_assert_int_eq(a_, want_align);				\
	free(t_);							\
} while (0)

START_TEST(test_values)
{
	ck_value("3", "3", TABLE_RIGHT);
	ck_value("-42", "-42", TABLE_RIGHT);
	ck_value("2.8000000000000003", "2.8", TABLE_RIGHT);
	ck_value("0.123456789", "0.123457", TABLE_RIGHT);
	ck_value("0.5", "0.5", TABLE_RIGHT);
	/* The experiment's own text when it is the shorter. */
	ck_value("1e5", "1e5", TABLE_RIGHT);
	ck_value("123456789012", "123456789012", TABLE_RIGHT);
	ck_value("12345678901234567", "1.23457e+16", TABLE_RIGHT);
	ck_value("\"na\\u00efve\"", "na\xc3\xafve", TABLE_LEFT);
	ck_value("true", "true", TABLE_LEFT);
	ck_value("null", "null", TABLE_LEFT);
	ck_value("[1, 2]", "[1, 2]", TABLE_LEFT);
}
END_TEST

START_TEST(test_params_summary)
{
	struct buf b;

	buf_init(&b);
	table_params(&b, "{\"r\":3.1,\"x0\":0.30000000000000004,"
	    "\"name\":\"a b\"}");
	ck_assert_str_eq(b.data, "r=3.1 x0=0.3 name=a b");
	buf_reset(&b);
	table_params(&b, "{}");
	buf_add(&b, "", 0);
	ck_assert_str_eq(b.data, "");
	buf_reset(&b);
	table_params(&b, "not json");
	ck_assert_str_eq(b.data, "not json");
	buf_free(&b);
}
END_TEST

START_TEST(test_durations)
{
	static const struct {
		double s;
		const char *want;
	} cases[] = {
		{ 0.4217, "0.42s" }, { 12.34, "12.3s" }, { 59.96, "1m00s" },
		{ 123, "2m03s" }, { 3720, "1h02m" }, { 183600, "2d03h" },
		{ -1, "-" },
	};
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < UTIL_ARRLEN(cases); i++) {
		buf_reset(&b);
		table_duration(&b, cases[i].s);
		ck_assert_msg(strcmp(b.data, cases[i].want) == 0,
		    "%g s: got '%s', want '%s'", cases[i].s, b.data,
		    cases[i].want);
	}
	/* A recent time is a time of day, an old one has its date. */
	buf_reset(&b);
	table_clock(&b, 1700000000.0, 1700000100.0);
	ck_assert_uint_eq(b.len, 8);
	ck_assert(b.data[2] == ':' && b.data[5] == ':');
	buf_reset(&b);
	table_clock(&b, 1700000000.0, 1700000000.0 + 3 * 86400);
	ck_assert_uint_eq(b.len, 11);
	ck_assert(b.data[2] == '-' && b.data[8] == ':');
	buf_reset(&b);
	table_clock(&b, 0, 1700000000.0);
	ck_assert_str_eq(b.data, "-");
	buf_free(&b);
}
END_TEST

START_TEST(test_widths)
{
	char *headers[] = { "r", "lyapunov", "state" };
	char *cells[] = {
		"2.8", "-0.25", "ok",
		"3.99", NULL, "failed",
		"4", "0.123456789012345678", "ok",
	};
	int widths[3];

	table_widths(headers, 3, cells, 3, TABLE_MAX_WIDTH, widths);
	ck_assert_int_eq(widths[0], 4);   /* "3.99" */
	ck_assert_int_eq(widths[1], 16);  /* capped */
	ck_assert_int_eq(widths[2], 6);   /* "state" + marker, "failed" */
	/* With no rows, the header and room for its marker. */
	table_widths(headers, 3, NULL, 0, 5, widths);
	ck_assert_int_eq(widths[0], 2);
	ck_assert_int_eq(widths[1], 5);
	ck_assert_int_eq(widths[2], 5);
}
END_TEST

START_TEST(test_layout)
{
	int widths[] = { 5, 10, 10, 10, 10 };
	size_t shown[5], n;

	/* 5 + 1 + 10 + 1 + 10 = 27 fits, a third 10 does not. */
	n = table_layout(widths, 5, 1, 1, 30, shown);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(shown[0], 0);
	ck_assert_uint_eq(shown[1], 1);
	ck_assert_uint_eq(shown[2], 2);
	/* Scrolled: the pinned column stays first. */
	n = table_layout(widths, 5, 1, 3, 30, shown);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(shown[0], 0);
	ck_assert_uint_eq(shown[1], 3);
	ck_assert_uint_eq(shown[2], 4);
	/* Everything fits. */
	n = table_layout(widths, 5, 1, 1, 80, shown);
	ck_assert_uint_eq(n, 5);
	/* Too narrow for anything: still one column. */
	n = table_layout(widths, 5, 0, 0, 2, shown);
	ck_assert_uint_eq(n, 1);
	/* Scrolling stops once the last column shows. */
	ck_assert_uint_eq(table_left_max(widths, 5, 1, 30), 3);
	ck_assert_uint_eq(table_left_max(widths, 5, 1, 80), 1);
	ck_assert_uint_eq(table_left_max(widths, 5, 0, 80), 0);
}
END_TEST

START_TEST(test_sort_cycle)
{
	char *cols[] = { "r", "x0", "lyapunov", "point", "state", "elapsed" };

	ck_assert_uint_eq(table_sort_next(cols, 6, "point"), 4);
	ck_assert_uint_eq(table_sort_next(cols, 6, "r"), 1);
	ck_assert_uint_eq(table_sort_next(cols, 6, "elapsed"), 0);
	ck_assert_uint_eq(table_sort_next(cols, 6, "gone"), 0);
	ck_assert_uint_eq(table_sort_next(cols, 6, NULL), 0);
}
END_TEST

START_TEST(test_filter_cycle)
{
	static const char *const order[] = {
		"all", "ok", "failed", "running", "pending", "cancelled", "all"
	};
	struct nb_counts n;
	enum table_filter f = TABLE_ALL;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(order); i++) {
		ck_assert_str_eq(table_filter_name(f), order[i]);
		f = table_filter_next(f);
	}
	ck_assert_uint_eq(table_filter_states(TABLE_ALL), 0);
	ck_assert_uint_eq(table_filter_states(TABLE_FAILED),
	    NB_STATE_BIT(NB_FAILED));
	ck_assert_uint_eq(table_filter_states(TABLE_PENDING),
	    NB_STATE_BIT(NB_QUEUED));
	memset(&n, 0, sizeof n);
	n.n[NB_OK] = 1203;
	n.n[NB_FAILED] = 14;
	n.n[NB_RUNNING] = 2;
	n.n[NB_QUEUED] = 3;
	n.pending = 584;
	n.total = 1803;
	/* Rows are the current job rows; never-started positions have
	 * none, but the pending count includes them. */
	ck_assert_uint_eq(table_filter_rows(TABLE_ALL, &n), 1222);
	ck_assert_uint_eq(table_filter_rows(TABLE_OK, &n), 1203);
	ck_assert_uint_eq(table_filter_rows(TABLE_PENDING, &n), 3);
	ck_assert_uint_eq(table_filter_count(TABLE_PENDING, &n), 584);
	ck_assert_uint_eq(table_filter_count(TABLE_FAILED, &n), 14);
	ck_assert_uint_eq(table_filter_rows(TABLE_OK, NULL), 0);
}
END_TEST

START_TEST(test_status_line)
{
	struct buf b;

	buf_init(&b);
	table_status(&b, 0, 18, 1803, "r", false, TABLE_ALL, true);
	ck_assert_str_eq(b.data, "rows 1-18 of 1803 \xc2\xb7 sort r "
	    "\xe2\x96\xb2 \xc2\xb7 filter all");
	buf_reset(&b);
	table_status(&b, 1785, 18, 1803, "lyapunov", true, TABLE_FAILED,
	    false);
	ck_assert_str_eq(b.data, "rows 1786-1803 of 1803 | sort lyapunov v "
	    "| filter failed");
	buf_reset(&b);
	table_status(&b, 0, 0, 0, "point", false, TABLE_RUNNING, false);
	ck_assert_str_eq(b.data, "rows 0 of 0 | sort point ^ | filter "
	    "running");
	buf_reset(&b);
	table_header(&b, "x0", true, true, true);
	ck_assert_str_eq(b.data, "x0\xe2\x96\xbc");
	buf_reset(&b);
	table_header(&b, "x0", false, true, true);
	ck_assert_str_eq(b.data, "x0");
	buf_reset(&b);
	table_header(&b, "x0", true, false, false);
	ck_assert_str_eq(b.data, "x0 ^");
	buf_free(&b);
}
END_TEST

START_TEST(test_page_plan)
{
	uint64_t off;

	/* Near the start: straight. */
	ck_assert(!table_page_plan(1000, 0, 17, true, &off));
	ck_assert_uint_eq(off, 0);
	ck_assert(!table_page_plan(1000, 400, 17, true, &off));
	ck_assert_uint_eq(off, 400);
	/* Near the end: the other way round, from the end. */
	ck_assert(table_page_plan(1000, 983, 17, true, &off));
	ck_assert_uint_eq(off, 0);
	ck_assert(table_page_plan(1000, 900, 17, true, &off));
	ck_assert_uint_eq(off, 83);
	/* Unless the order does not reverse exactly. */
	ck_assert(!table_page_plan(1000, 983, 17, false, &off));
	ck_assert_uint_eq(off, 983);
	/* A page that does not fit is read straight. */
	ck_assert(!table_page_plan(10, 5, 17, true, &off));
	ck_assert(!table_page_plan(10, 0, 10, true, &off));
}
END_TEST

START_TEST(test_state_line)
{
	struct nb_counts n;
	struct buf b;
	int from, to;

	memset(&n, 0, sizeof n);
	n.n[NB_RUNNING] = 2;
	n.n[NB_FAILED] = 14;
	n.n[NB_OK] = 1203;
	n.pending = 584;
	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
	buf_init(&b);
	table_state_line(&b, &n, 1, true, &from, &to);
	ck_assert_str_eq(b.data, "running 2 \xc2\xb7 failed 14 \xc2\xb7 "
	    "ok 1203 \xc2\xb7 pending 584 \xc2\xb7 cancelled 0");
	/* "failed 14" starts after "running 2 · " (12 columns). */
	ck_assert_int_eq(from, 12);
	ck_assert_int_eq(to, 21);
	buf_reset(&b);
	table_state_line(&b, &n, 0, false, &from, &to);
	ck_assert_str_eq(b.data, "running 2 | failed 14 | ok 1203 | "
	    "pending 584 | cancelled 0");
	ck_assert_int_eq(from, 0);
	ck_assert_int_eq(to, 9);
	buf_free(&b);
	setlocale(LC_CTYPE, "C");
}
END_TEST

START_TEST(test_wrap)
{
	char **v;
	size_t n;

	v = table_wrap("one\ntwo\r\n\nthree\n", 10, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(v[0], "one");
	ck_assert_str_eq(v[1], "two");
	ck_assert_str_eq(v[2], "");
	ck_assert_str_eq(v[3], "three");
	ck_assert_ptr_null(v[4]);
	util_strv_free(v);
	/* Long lines break at a blank in their second half, else hard. */
	v = table_wrap("exit 1: cannot open file", 10, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0], "exit 1: ");
	ck_assert_str_eq(v[1], "cannot ");
	ck_assert_str_eq(v[2], "open file");
	util_strv_free(v);
	v = table_wrap("abcdefghijklmnopqrstuvwxy", 10, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0], "abcdefghij");
	ck_assert_str_eq(v[2], "uvwxy");
	util_strv_free(v);
	v = table_wrap("", 10, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(v[0]);
	util_strv_free(v);
	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
	v = table_wrap("\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2", 5, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0], "\xe6\xbc\xa2\xe5\xad\x97");
	ck_assert_str_eq(v[1], "\xe6\xbc\xa2");
	util_strv_free(v);
	setlocale(LC_CTYPE, "C");
}
END_TEST

/* ----------------------------------------------------------- views -- */

static char *t_dir;
static struct console t_c;
static FILE *t_out, *t_in;
static SCREEN *t_screen;
static WINDOW *t_win;
static struct view *t_view;

/* Start position pos of set s with these parameters. */
static int64_t
start_job(const struct nb_set *s, uint64_t pos, const char *params,
    double start)
{
	struct nb_work w;
	char *err = NULL;

	memset(&w, 0, sizeof w);
	w.pos = w.point = pos;
	w.attempt = 1;
	testutil_ok(notebook_job_start(t_c.nb, s->id, &w, params, start,
	    "node1", (int)pos % 2, NULL, &err), err, "job_start");
	testutil_job_in_set(w.job_id, s->id);
	return w.job_id;
}

/* Finish job id as state, with results or an error and stderr. */
static void
finish_job(int64_t id, enum nb_state state, const char *results,
    const char *error, const char *stderr_tail, double start)
{
	struct nb_outcome o;
	char *err = NULL;

	memset(&o, 0, sizeof o);
	o.state = state;
	o.results_json = results;
	o.error = error;
	o.stderr_tail = stderr_tail;
	o.start = start;
	o.end = start + 1.5;
	o.exit_code = state == NB_FAILED ? 1 : 0;
	o.maxrss_kb = -1;
	testutil_ok(notebook_job_finish(t_c.nb, testutil_job_set(id), id, &o, &err), err,
	    "job_finish");
}

/* A set of 8 points: 0-4 and 6 finished (2 failed), 5 running, 7 never
 * started. */
static void
make_notebook(const char *results_extra)
{
	struct nb_set s;
	char *err = NULL, results[512], params[64];
	static const double r[] = { 2.8, 3.1, 3.5, 3.9, 3.2, 3.7, 2.9, 3.3 };
	static const double lyap[] = { -0.5, 0.25, 0, 0.75, -0.125, 0, 0.5,
		0 };
	double now = util_now() - 100;
	int64_t id;
	uint64_t i;

	memset(&s, 0, sizeof s);
	s.tag = xstrdup("demo");
	s.description = xstrdup("a test set");
	s.attributes = xstrdup("{}");
	s.space = xstrdup("{\"params\":[\"r=2.8..3.9:0.1\"],\"zip\":[]}");
	s.experiment = xstrdup("{\"argv\":[\"true\"],\"shell\":false}");
	s.backend = xstrdup("local");
	s.repeat = 1;
	s.npoints = s.njobs = 8;
	testutil_ok(notebook_set_create(t_c.nb, &s, &err), err, "set_create");
	for (i = 0; i < 7; i++) {
		snprintf(params, sizeof params, "{\"r\":%g,\"x0\":0.3}",
		    r[i]);
		id = start_job(&s, i, params, now + (double)i);
		snprintf(results, sizeof results, "{\"lyapunov\":%g%s}",
		    lyap[i], results_extra);
		if (i == 5)
			continue;
		if (i == 2 || i == 6)
			finish_job(id, NB_FAILED, NULL, i == 2 ? "exit 1: "
			    "the orbit diverged" : "exit 1: x0 out of range",
			    "loading\nstep 1\nstep 2\nTraceback (most recent "
			    "call last)\nValueError: bad x0\n", now +
			    (double)i);
		else
			finish_job(id, NB_OK, results, NULL, NULL,
			    now + (double)i);
	}
	notebook_set_clear(&s);
}

static void
views_setup(void)
{
	char *err = NULL, *path;

	t_dir = testutil_tempdir();
	path = testutil_path(t_dir, "labrat.db");
	memset(&t_c, 0, sizeof t_c);
	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &t_c.nb, &err), err, "notebook_open");
	t_c.nb_path = path;
	t_c.utf8 = false;
	t_c.color = false;
	t_c.commands = NULL;
	t_out = fopen("/dev/null", "w");
	t_in = fopen("/dev/null", "r");
	ck_assert_ptr_nonnull(t_out);
	ck_assert_ptr_nonnull(t_in);
	t_screen = newterm("xterm", t_out, t_in);
	ck_assert_ptr_nonnull(t_screen);
	set_term(t_screen);
	t_win = newwin(19, 80, 3, 0);   /* the body at 80x24 */
	t_view = NULL;
}

static void
views_teardown(void)
{
	size_t i;

	if (t_view != NULL) {
		t_view->ops->free(t_view);
		free(t_view);
	}
	delwin(t_win);
	endwin();
	delscreen(t_screen);
	fclose(t_out);
	fclose(t_in);
	for (i = 0; i < t_c.nsets; i++)
		notebook_set_clear(&t_c.sets[i]);
	free(t_c.sets);
	free(t_c.counts);
	free(t_c.states);
	for (i = 0; i < t_c.nlog; i++)
		free(t_c.log[i]);
	free(t_c.message);
	notebook_close(t_c.nb);
	free(t_c.nb_path);
	testutil_rmtree(t_dir);
	free(t_dir);
}

/* Read the sets and counts as the console does, and update the view. */
static void
refresh_view(void)
{
	console_refresh(&t_c);
	t_view->ops->update(t_view, &t_c);
}

/* Draw the view afresh into the body window. */
static void
draw(void)
{
	werase(t_win);
	t_view->ops->draw(t_view, &t_c, t_win);
}

/* Line y of the window, trailing blanks removed (owned by a static). */
static const char *
line(int y)
{
	static char text[512];
	int n;

	n = mvwinnstr(t_win, y, 0, text, (int)sizeof text - 1);
	if (n < 0)
		n = 0;
	text[n] = '\0';
	while (n > 0 && text[n - 1] == ' ')
		text[--n] = '\0';
	return text;
}

/* True if some line of the window contains s; *y is the first. */
static bool
find(const char *s, int *y)
{
	int k, h = getmaxy(t_win);

	for (k = 0; k < h; k++) {
		if (strstr(line(k), s) != NULL) {
			if (y != NULL)
				*y = k;
			return true;
		}
	}
	return false;
}

/* Assert line y starts with s. */
#define ck_line_starts(y, s) ck_assert_msg(strncmp(line(y), s,		\
    strlen(s)) == 0, "line %d is '%s', not starting with '%s'", y,	\
    line(y), s)

/* Press a key in the view; it must take it. */
static void
press(int key)
{
	ck_assert_msg(t_view->ops->key_fn(t_view, &t_c, key),
	    "the view ignored key %d", key);
}

/* Assert line y contains s. */
static void
ck_line_has(int y, const char *s)
{
	ck_assert_msg(strstr(line(y), s) != NULL, "line %d is '%s', "
	    "without '%s'", y, line(y), s);
}

START_TEST(test_results_empty_notebook)
{
	t_view = view_results_new();
	refresh_view();
	draw();
	ck_assert(find("No result set yet", NULL));
	ck_assert(!t_view->ops->key_fn(t_view, &t_c, 'o'));
}
END_TEST

START_TEST(test_results_table)
{
	int y;

	make_notebook("");
	t_view = view_results_new();
	refresh_view();
	draw();
	/* The header: params, results, then metadata; sorted by point. */
	ck_line_has(0, "r");
	ck_line_has(0, "x0");
	ck_line_has(0, "lyapunov");
	ck_line_has(0, "point ^");
	ck_line_has(0, "state");
	ck_line_has(0, "elapsed");
	ck_assert(strstr(line(0), "x0") < strstr(line(0), "lyapunov"));
	/* Rows in point order: point 0 has r=2.8, point 5 is running. */
	ck_line_has(1, "2.8");
	ck_line_has(1, "-0.5");
	ck_line_has(1, "ok");
	ck_line_has(3, "3.5");
	ck_line_has(3, "failed");
	ck_line_has(6, "running");
	ck_assert_str_eq(line(8), "");
	/* The status line, on the view's last line. */
	ck_assert(find("rows 1-7 of 7 | sort point ^ | filter all", &y));
	ck_assert_int_eq(y, 18);
	/* The selected row is reversed, the failed row bold. */
	ck_assert(mvwinch(t_win, 1, 2) & A_REVERSE);
	ck_assert(mvwinch(t_win, 3, 2) & A_BOLD);
	ck_assert(!(mvwinch(t_win, 2, 2) & (A_BOLD | A_REVERSE)));
}
END_TEST

START_TEST(test_results_sort_keys)
{
	make_notebook("");
	t_view = view_results_new();
	refresh_view();
	draw();
	ck_line_has(0, "point ^");
	/* o: the next column after point is state. */
	press('o');
	draw();
	ck_line_has(0, "state ^");
	ck_assert_ptr_null(strstr(line(0), "point ^"));
	ck_line_has(18, "sort state ^");
	/* failed < ok < running, as text. */
	ck_line_has(1, "failed");
	ck_line_has(2, "failed");
	ck_line_has(7, "running");
	/* O reverses. */
	press('O');
	draw();
	ck_line_has(0, "state v");
	ck_line_has(1, "running");
	/* Cycle round to lyapunov (elapsed, r, x0, lyapunov). */
	press('o');
	press('o');
	press('o');
	press('o');
	draw();
	ck_line_has(0, "lyapunov ^");
	/* Ascending by value; the jobs without one come last, in point
	 * order. */
	ck_line_has(1, "-0.5");
	ck_line_has(2, "-0.125");
	ck_line_has(3, "0.25");
	ck_line_has(4, "0.75");
	ck_line_has(5, "failed");
	ck_line_has(6, "running");
	ck_line_has(7, "failed");
	press('O');
	draw();
	ck_line_has(1, "0.75");
}
END_TEST

START_TEST(test_results_filter_and_paging)
{
	int i;

	make_notebook("");
	t_view = view_results_new();
	refresh_view();
	draw();
	press('f');     /* ok */
	draw();
	ck_line_has(18, "rows 1-4 of 4 | sort point ^ | filter ok");
	press('f');     /* failed */
	draw();
	ck_line_has(18, "rows 1-2 of 2");
	ck_line_has(18, "filter failed");
	ck_line_has(1, "3.5");
	ck_line_has(2, "2.9");
	ck_assert_str_eq(line(3), "");
	press('f');     /* running */
	press('f');     /* pending: none has a row */
	draw();
	ck_assert(find("No pending jobs in this set. 1 pending job has not "
	    "started yet.", NULL));
	press('f');     /* cancelled */
	press('f');     /* all */
	draw();
	ck_line_has(18, "filter all");
	/* Moving down past the end stops at the last row. */
	for (i = 0; i < 20; i++)
		press('j');
	draw();
	ck_assert(mvwinch(t_win, 7, 2) & A_REVERSE);
	ck_assert(!(mvwinch(t_win, 1, 2) & A_REVERSE));
	press(KEY_HOME);
	draw();
	ck_assert(mvwinch(t_win, 1, 2) & A_REVERSE);
	/* Keys the view does not use go on to the console. */
	ck_assert(!t_view->ops->key_fn(t_view, &t_c, '1'));
	ck_assert(!t_view->ops->key_fn(t_view, &t_c, 'p'));
}
END_TEST

START_TEST(test_results_scroll_columns)
{
	int i;

	/* Eleven more results: more columns than 80 columns hold. */
	make_notebook(",\"alpha\":1,\"beta\":2,\"gamma\":3,\"delta\":4,"
	    "\"epsilon\":5,\"zeta\":6,\"eta\":7,\"theta\":8,\"iota\":9,"
	    "\"kappa\":10,\"lambda_long_name\":11");
	t_view = view_results_new();
	refresh_view();
	draw();
	ck_line_starts(0, "   r  x0  lyapunov  alpha  beta ");
	ck_assert_ptr_null(strstr(line(0), "point"));
	ck_line_has(18, "columns 2-12 of 17");
	/* r stays pinned; x0 scrolls away. */
	press('l');
	draw();
	ck_line_starts(0, "   r  lyapunov  alpha  beta ");
	ck_line_has(18, "columns 3-12 of 17");
	/* Scrolling stops once the last column shows. */
	for (i = 0; i < 20; i++)
		press(i % 3 == 0 ? KEY_RIGHT : i % 3 == 1 ? '>' : 'l');
	draw();
	ck_assert_str_eq(line(0), "   r  zeta  eta  theta  iota  kappa "
	    "lambda_long_name  point ^ state    elapsed");
	press('h');
	press('<');
	press(KEY_LEFT);
	draw();
	ck_line_starts(0, "   r  gamma  delta ");
	ck_assert_ptr_null(strstr(line(0), "elapsed"));
	/* Sorting by a column off screen scrolls it into view. */
	press('o');     /* point -> state */
	draw();
	ck_assert_str_eq(line(0), "   r  zeta  eta  theta  iota  kappa "
	    "lambda_long_name  point state ^   elapsed");
}
END_TEST

START_TEST(test_results_big_screen)
{
	delwin(t_win);
	resizeterm(60, 200);
	t_win = newwin(55, 200, 3, 0);
	make_notebook("");
	t_view = view_results_new();
	refresh_view();
	draw();
	ck_line_has(54, "rows 1-7 of 7");
	ck_line_has(0, "elapsed");
	/* Resized back down, it draws for the size it finds. */
	delwin(t_win);
	resizeterm(24, 80);
	t_win = newwin(19, 80, 3, 0);
	draw();
	ck_line_has(18, "rows 1-7 of 7");
}
END_TEST

/* A set of n points, started one second apart; every third fails. */
static void
make_many(uint64_t n)
{
	struct nb_set s;
	char *err = NULL, params[64];
	double t = util_now() - 1000;
	int64_t id;
	uint64_t i;

	memset(&s, 0, sizeof s);
	s.tag = xstrdup("many");
	s.description = xstrdup("");
	s.attributes = xstrdup("{}");
	s.space = xstrdup("{\"params\":[\"k=0..999\"],\"zip\":[]}");
	s.experiment = xstrdup("{\"argv\":[\"true\"],\"shell\":false}");
	s.backend = xstrdup("local");
	s.repeat = 1;
	s.npoints = s.njobs = n;
	testutil_ok(notebook_set_create(t_c.nb, &s, &err), err, "set_create");
	testutil_ok(notebook_begin(t_c.nb, &err), err, "begin");
	for (i = 0; i < n; i++) {
		snprintf(params, sizeof params, "{\"k\":%" PRIu64 "}", i);
		id = start_job(&s, i, params, t + (double)i);
		if (i % 3 == 2)
			finish_job(id, NB_FAILED, NULL, "exit 3", "oops",
			    t + (double)i);
		else
			finish_job(id, NB_OK, "{\"y\":1}", NULL, NULL,
			    t + (double)i);
	}
	testutil_ok(notebook_commit(t_c.nb, &err), err, "commit");
	notebook_set_clear(&s);
}

START_TEST(test_results_end_and_pages)
{
	make_many(50);
	t_view = view_results_new();
	refresh_view();
	draw();
	ck_line_has(18, "rows 1-17 of 50");
	/* End: the last page, read from the end, shown in order. */
	press(KEY_END);
	draw();
	ck_line_has(18, "rows 34-50 of 50");
	ck_line_starts(1, " 33 ");
	ck_line_starts(17, " 49 ");
	ck_assert(mvwinch(t_win, 17, 2) & A_REVERSE);
	press(KEY_PPAGE);
	draw();
	ck_line_has(18, "rows 17-33 of 50");
	ck_line_starts(1, " 16 ");
	ck_line_starts(17, " 32 ");
	/* Reversed order, by state (failed first, ties by job). */
	press(KEY_HOME);
	press('o');
	press('O');
	press(KEY_END);
	draw();
	ck_line_has(18, "rows 34-50 of 50 | sort state v");
	ck_line_has(17, "failed");
	ck_line_starts(17, "  2 ");
	ck_line_starts(16, "  5 ");
	ck_line_has(1, "ok");
	/* The failed filter, paged down to its end. */
	press('f');
	press('f');
	press(KEY_NPAGE);
	draw();
	ck_line_has(18, "rows 1-16 of 16");
	press('o');
	press(KEY_END);
	draw();
	ck_line_starts(16, " 47 ");
}
END_TEST

START_TEST(test_jobs_view_first_state)
{
	struct nb_set s;
	char *err = NULL;
	int64_t id;

	memset(&s, 0, sizeof s);
	s.tag = xstrdup("three");
	s.description = xstrdup("");
	s.attributes = xstrdup("{}");
	s.space = xstrdup("{\"params\":[\"k=0..2\"],\"zip\":[]}");
	s.experiment = xstrdup("{\"argv\":[\"true\"],\"shell\":false}");
	s.backend = xstrdup("local");
	s.repeat = 1;
	s.npoints = s.njobs = 3;
	testutil_ok(notebook_set_create(t_c.nb, &s, &err), err, "set_create");
	id = start_job(&s, 0, "{\"k\":0}", 1000);
	finish_job(id, NB_OK, "{}", NULL, NULL, 1000);
	t_view = view_jobs_new();
	refresh_view();
	/* A job starts before the view is first looked at: the view opens
	 * on what runs then, not on what ran when the console opened. */
	start_job(&s, 1, "{\"k\":1}", util_now());
	notebook_set_clear(&s);
	refresh_view();
	draw();
	ck_line_has(0, "running 1 | failed 0 | ok 1");
	ck_assert(mvwinch(t_win, 0, 1) & A_REVERSE);
	ck_line_has(2, "k=1");
	/* Once chosen, the state stays while the numbers change. */
	press('j');
	draw();
	ck_assert(mvwinch(t_win, 0, 1) & A_REVERSE);
}
END_TEST

START_TEST(test_jobs_view_end)
{
	make_many(60);
	t_view = view_jobs_new();
	refresh_view();
	draw();
	/* 20 failures, newest first, 8 on screen with the detail below. */
	ck_line_has(0, "failed 20");
	ck_line_starts(2, "     59 ");
	ck_line_starts(9, "     38 ");
	ck_line_starts(10, " point 59 | attempt 1 | failed | exit 1 | ");
	press(KEY_END);
	draw();
	ck_line_starts(2, "     23 ");
	ck_line_starts(9, "      2 ");
	ck_assert(find("point 2 | attempt 1 | failed | exit 1", NULL));
	ck_assert(find("reason: exit 3", NULL));
	press('f');     /* ok, in point order */
	press(KEY_END);
	draw();
	ck_line_starts(18, "     58 ");
	ck_line_starts(2, "     34 ");
}
END_TEST

START_TEST(test_jobs_view)
{
	int y;

	make_notebook("");
	t_view = view_jobs_new();
	refresh_view();
	draw();
	/* A running job: the view opens on the running state. */
	ck_line_has(0, "running 1 | failed 2 | ok 4 | pending 1 | "
	    "cancelled 0");
	ck_assert(mvwinch(t_win, 0, 1) & A_REVERSE);
	ck_line_has(1, "POINT");
	ck_line_has(1, "PARAMETERS");
	ck_line_has(2, "r=3.7 x0=0.3");
	ck_line_has(2, "1@node1");
	ck_assert_str_eq(line(3), "");
	/* f: the failed jobs, newest first, with their reason. */
	press('f');
	draw();
	ck_assert(!(mvwinch(t_win, 0, 1) & A_REVERSE));
	ck_assert(mvwinch(t_win, 0, 13) & A_REVERSE);
	ck_line_has(1, "REASON");
	ck_line_has(2, "r=2.9");
	ck_line_has(2, "exit 1: x0 out");
	ck_line_has(3, "r=3.5");
	ck_line_has(3, "exit 1: the orbit");
	/* The selected failure's whole reason and its stderr's tail. */
	ck_assert(find("reason: exit 1: x0 out of range", &y));
	ck_assert(find("ValueError: bad x0", NULL));
	ck_assert(find("Traceback (most recent call last)", NULL));
	ck_assert(find("point 6 | attempt 1 | failed | exit 1", NULL));
	press('j');
	draw();
	ck_assert(find("reason: exit 1: the orbit diverged", NULL));
	ck_assert(find("point 2 | attempt 1", NULL));
	/* ok: point order; pending: only counted. */
	press('f');
	draw();
	ck_line_has(2, "r=2.8");
	ck_line_has(5, "r=3.2");
	ck_assert(!find("reason:", NULL));
	press(KEY_RIGHT);
	draw();
	ck_assert(find("1 pending job has not started yet", NULL));
	press('f');
	draw();
	ck_assert(find("No cancelled jobs in this set.", NULL));
	press('f');     /* round to running */
	draw();
	ck_line_has(2, "r=3.7");
	press(KEY_LEFT);    /* back to cancelled */
	draw();
	ck_assert(find("No cancelled jobs", NULL));
	ck_assert(!t_view->ops->key_fn(t_view, &t_c, '4'));
}
END_TEST

START_TEST(test_jobs_view_stderr_tail_fits)
{
	struct nb_set s;
	struct buf b;
	char *err = NULL;
	int64_t id;
	int i;

	memset(&s, 0, sizeof s);
	s.tag = xstrdup("long");
	s.description = xstrdup("");
	s.attributes = xstrdup("{}");
	s.space = xstrdup("{\"params\":[\"x=1\"],\"zip\":[]}");
	s.experiment = xstrdup("{\"argv\":[\"true\"],\"shell\":false}");
	s.backend = xstrdup("local");
	s.repeat = 1;
	s.npoints = s.njobs = 1;
	testutil_ok(notebook_set_create(t_c.nb, &s, &err), err, "set_create");
	buf_init(&b);
	for (i = 1; i <= 40; i++)
		buf_printf(&b, "stderr line %d\n", i);
	id = start_job(&s, 0, "{\"x\":1}", 1000);
	finish_job(id, NB_FAILED, NULL, "signal 9 (killed: out of memory)",
	    b.data, 1000);
	buf_free(&b);
	notebook_set_clear(&s);
	t_view = view_jobs_new();
	refresh_view();
	draw();
	/* No running job: it opens on the failures. */
	ck_assert(find("reason: signal 9", NULL));
	/* One failure: the list takes one line, the detail the rest, and
	 * the last lines of stderr that fit end on the view's last line. */
	ck_line_starts(2, "      0   1 x=1");
	ck_line_starts(3, " point 0 | attempt 1 | failed | exit 1 | 1.50s | "
	    "node1 ---");
	ck_assert_str_eq(line(4), " reason: signal 9 (killed: out of memory)");
	ck_assert_str_eq(line(5), " standard error (last lines):");
	ck_assert_str_eq(line(6), "   stderr line 28");
	ck_assert_str_eq(line(18), "   stderr line 40");
	ck_assert(!find("stderr line 27", NULL));
}
END_TEST

Suite *
suite_table(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("pure");
	TCase *tv = tcase_create("views");

	tcase_add_test(tc, test_fit_ascii);
	tcase_add_test(tc, test_fit_utf8);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_params_summary);
	tcase_add_test(tc, test_durations);
	tcase_add_test(tc, test_widths);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_sort_cycle);
	tcase_add_test(tc, test_filter_cycle);
	tcase_add_test(tc, test_status_line);
	tcase_add_test(tc, test_page_plan);
	tcase_add_test(tc, test_state_line);
	tcase_add_test(tc, test_wrap);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tv, views_setup, views_teardown);
	tcase_add_test(tv, test_results_empty_notebook);
	tcase_add_test(tv, test_results_table);
	tcase_add_test(tv, test_results_sort_keys);
	tcase_add_test(tv, test_results_filter_and_paging);
	tcase_add_test(tv, test_results_scroll_columns);
	tcase_add_test(tv, test_results_big_screen);
	tcase_add_test(tv, test_results_end_and_pages);
	tcase_add_test(tv, test_jobs_view);
	tcase_add_test(tv, test_jobs_view_first_state);
	tcase_add_test(tv, test_jobs_view_end);
	tcase_add_test(tv, test_jobs_view_stderr_tail_fits);
	suite_add_tcase(s, tv);
	return s;
}
