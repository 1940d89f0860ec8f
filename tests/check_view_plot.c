/*
 * check_view_plot.c -- the console's plot view over a temporary notebook
 * and a console filled by hand: incremental and chunked loading, jobs that
 * finish out of id order, series by a second parameter, cycling the axes,
 * resets, and drawing (braille, blocks, ASCII, colours, messages) into a
 * window of a bare ncurses screen, read back as text.
 */
#include "config.h"

#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "check_suites.h"
#include "notebook.h"
#include "testutil.h"
#include "util.h"
#include "../tui/console_int.h"
#include "../tui/view_plot.h"

static char *dir;
static struct console con;
static struct view *view;
static struct nb_set set;
static FILE *term_in, *term_out;
static SCREEN *screen;
static WINDOW *body;

/* Re-read the sets and their counts into the console (as its refresh
 * does), keeping the current one. */
static void
fill_console(void)
{
	char *err = NULL;
	size_t i;

	for (i = 0; i < con.nsets; i++)
		notebook_set_clear(&con.sets[i]);
	free(con.sets);
	free(con.counts);
	free(con.states);
	testutil_ok(notebook_set_list(con.nb, &con.sets, &con.nsets, &err),
	    err, "set_list");
	con.counts = xcalloc(con.nsets + 1, sizeof *con.counts);
	con.states = xcalloc(con.nsets + 1, sizeof *con.states);
	for (i = 0; i < con.nsets; i++) {
		testutil_ok(notebook_counts(con.nb, &con.sets[i], &con.counts[i],
		    &err), err, "counts");
		if (con.sets[i].id == con.cur_id)
			con.cur = i;
	}
}

/* Refresh, then tell the view, as the console's loop does. */
static void
update(void)
{
	fill_console();
	view->ops->update(view, &con);
}

static void
make_set(const char *tag, uint64_t npoints, struct nb_set *s)
{
	char *err = NULL;

	memset(s, 0, sizeof *s);
	s->tag = xstrdup(tag);
	s->description = xstrdup("plot test");
	s->space = xstrdup("{}");
	s->experiment = xstrdup("{\"argv\":[\"true\"]}");
	s->backend = xstrdup("local");
	s->repeat = 1;
	s->npoints = npoints;
	s->njobs = npoints;
	testutil_ok(notebook_set_create(con.nb, s, &err), err, "set_create");
}

/* Start a job of s with these parameters (a JSON object). */
static int64_t
start(const struct nb_set *s, const char *params)
{
	struct nb_work w;
	struct nb_set now;
	char *err = NULL;

	testutil_ok(notebook_set_get(con.nb, s->id, &now, &err), err,
	    "set_get");
	memset(&w, 0, sizeof w);
	w.pos = now.cursor;
	notebook_set_clear(&now);
	w.point = w.pos;
	w.attempt = 1;
	testutil_ok(notebook_job_start(con.nb, s->id, &w, params, 1000, "host",
	    0, NULL, &err), err, "job_start");
	testutil_job_in_set(w.job_id, s->id);
	return w.job_id;
}

static void
finish(int64_t id, enum nb_state state, const char *results)
{
	struct nb_outcome o;
	char *err = NULL;

	memset(&o, 0, sizeof o);
	o.state = state;
	o.results_json = results;
	o.error = state == NB_FAILED ? "exit 1" : NULL;
	o.start = 1000;
	o.end = 1001;
	o.exit_code = state == NB_FAILED ? 1 : 0;
	o.maxrss_kb = -1;
	testutil_ok(notebook_job_finish(con.nb, testutil_job_set(id), id, &o,
	    &err) < 0, err,
	    "job_finish");
}

/* Start and finish job i of the main set: r = 2.8 + i/10, x0 one of
 * 10, 2, 0.5 (by i % 3: not in order, as numbers or as text), lyapunov
 * = i, period = 2i. */
static int64_t
start_i(int i)
{
	static const char *const x0[] = { "10", "2", "0.5" };
	char params[128];

	snprintf(params, sizeof params, "{\"r\":%g,\"x0\":%s}",
	    2.8 + i / 10.0, x0[i % 3]);
	return start(&set, params);
}

static void
finish_i(int64_t id, int i)
{
	char results[128];

	snprintf(results, sizeof results, "{\"lyapunov\":%d,\"period\":%d}",
	    i, 2 * i);
	finish(id, NB_OK, results);
}

static void
run_i(int from, int to)
{
	char *err = NULL;
	int i;

	testutil_ok(notebook_begin(con.nb, &err), err, "begin");
	for (i = from; i < to; i++)
		finish_i(start_i(i), i);
	testutil_ok(notebook_commit(con.nb, &err), err, "commit");
}

static void
setup(void)
{
	char *err = NULL, *path;

	dir = testutil_tempdir();
	path = testutil_path(dir, "labrat.db");
	memset(&con, 0, sizeof con);
	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &con.nb, &err), err, "notebook_open");
	con.nb_path = path;
	con.utf8 = true;
	con.color = false;
	make_set("demo", 1000, &set);
	con.cur_id = set.id;
	fill_console();
	view = view_plot_new();
}

static void
teardown(void)
{
	size_t i;

	view->ops->free(view);
	free(view);
	if (body != NULL) {
		delwin(body);
		body = NULL;
	}
	if (screen != NULL) {
		endwin();
		delscreen(screen);
		screen = NULL;
		fclose(term_in);
		fclose(term_out);
		setlocale(LC_ALL, "C");
	}
	for (i = 0; i < con.nsets; i++)
		notebook_set_clear(&con.sets[i]);
	free(con.sets);
	free(con.counts);
	free(con.states);
	for (i = 0; i < con.nlog; i++)
		free(con.log[i]);
	free(con.message);
	notebook_set_clear(&set);
	notebook_close(con.nb);
	free(con.nb_path);
	testutil_rmtree(dir);
	free(dir);
}

/* The number of series and of points in all of them. */
static size_t
points(size_t *nseries)
{
	const char *label;
	size_t i, n, total = 0;

	for (i = 0; view_plot_series(view, i, &label, &n); i++)
		total += n;
	if (nseries != NULL)
		*nseries = i;
	return total;
}

/* A bare ncurses screen and an 80x19 body window (the console's at
 * 80x24), UTF-8 or not. */
static void
open_screen(bool utf8)
{
	if (utf8)
		ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
	term_in = fopen("/dev/null", "r");
	term_out = fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(term_in);
	ck_assert_ptr_nonnull(term_out);
	screen = newterm("xterm", term_out, term_in);
	ck_assert_ptr_nonnull(screen);
	set_term(screen);
	body = newwin(19, 80, 3, 0);
	ck_assert_ptr_nonnull(body);
	con.utf8 = utf8;
}

/* Draw the view into the body, as the console does (erased first). */
static void
draw(void)
{
	werase(body);
	view->ops->draw(view, &con, body);
}

/* Line y of the body as UTF-8 (owned). */
static char *
screen_line(int y)
{
	wchar_t wide[256];
	char *out;
	size_t n;

	memset(wide, 0, sizeof wide);
	mvwinnwstr(body, y, 0, wide, 255);
	n = wcstombs(NULL, wide, 0);
	ck_assert_uint_ne(n, (size_t)-1);
	out = xmalloc(n + 1);
	wcstombs(out, wide, n + 1);
	return out;
}

/* True if line y of the body contains text. */
static bool
line_has(int y, const char *text)
{
	char *l = screen_line(y);
	bool found = strstr(l, text) != NULL;

	free(l);
	return found;
}

/* The first body line containing text, or -1. */
static int
find_line(const char *text)
{
	int y;

	for (y = 0; y < getmaxy(body); y++) {
		if (line_has(y, text))
			return y;
	}
	return -1;
}

/* The character and colour pair of cell (y, x) of the body. */
static wchar_t
cell_at(int y, int x, short *pair)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];
	attr_t attr;
	short p;

	ck_assert_int_ne(mvwin_wch(body, y, x, &cc), ERR);
	ck_assert_int_ne(getcchar(&cc, wch, &attr, &p, NULL), ERR);
	if (pair != NULL)
		*pair = (short)PAIR_NUMBER(attr);
	return wch[0];
}

/* Where the axes meet: the lowest cell that is a corner ('+' or U+2514)
 * with the x axis on its right. */
static void
find_corner(int *cy, int *cx)
{
	wchar_t ch, right;
	int y, x;

	for (y = getmaxy(body) - 1; y > 0; y--) {
		for (x = 0; x + 1 < getmaxx(body); x++) {
			ch = cell_at(y, x, NULL);
			right = cell_at(y, x + 1, NULL);
			if ((ch == L'+' || ch == 0x2514) && (right == L'-' ||
			    right == L'+' || right == 0x2500 ||
			    right == 0x252c)) {
				*cy = y;
				*cx = x;
				return;
			}
		}
	}
	ck_abort_msg("no axes on the screen");
}

/* Count the cells of the plot area (above the x axis, right of the y
 * axis) whose character is in [lo, hi]; *pairs gets a bit per colour
 * pair seen on them. */
static int
count_cells(wchar_t lo, wchar_t hi, unsigned *pairs)
{
	wchar_t ch;
	short pair;
	int y, x, cy, cx, n = 0;

	if (pairs != NULL)
		*pairs = 0;
	find_corner(&cy, &cx);
	for (y = 1; y < cy; y++) {
		for (x = cx + 1; x < getmaxx(body); x++) {
			ch = cell_at(y, x, &pair);
			if (ch < lo || ch > hi)
				continue;
			n++;
			if (pairs != NULL)
				*pairs |= 1u << pair;
		}
	}
	return n;
}

START_TEST(test_empty)
{
	open_screen(true);
	update();
	draw();
	ck_assert(line_has(2, "no results yet: points appear here as jobs "
	    "finish"));
	/* Jobs running, none finished: still nothing to plot. */
	start_i(0);
	update();
	draw();
	ck_assert(line_has(2, "no results yet"));
	ck_assert_uint_eq(points(NULL), 0);
	/* The axis keys say why they do nothing. */
	ck_assert(view->ops->key_fn(view, &con, 'x'));
	ck_assert_ptr_nonnull(con.message);
	ck_assert_ptr_nonnull(strstr(con.message, "nothing to plot yet"));
	/* An unknown key is not the view's. */
	ck_assert(!view->ops->key_fn(view, &con, 'q'));
}
END_TEST

START_TEST(test_no_set)
{
	struct console none;

	memset(&none, 0, sizeof none);
	none.nb = con.nb;
	none.utf8 = true;
	open_screen(true);
	view->ops->update(view, &none);
	werase(body);
	view->ops->draw(view, &none, body);
	ck_assert(line_has(2, "No result sets"));
}
END_TEST

START_TEST(test_incremental)
{
	run_i(0, 9);
	update();
	ck_assert_uint_eq(points(NULL), 9);
	/* Nothing new: nothing added. */
	update();
	ck_assert_uint_eq(points(NULL), 9);
	/* Only the new ones are added, each once. */
	run_i(9, 14);
	update();
	ck_assert_uint_eq(points(NULL), 14);
	update();
	ck_assert_uint_eq(points(NULL), 14);
}
END_TEST

/* Ids are given when jobs start, but jobs finish in any order: a job
 * still running below the last id read must still show up. */
START_TEST(test_out_of_order)
{
	int64_t a, b, c, d, e;

	a = start_i(0);
	b = start_i(1);
	c = start_i(2);
	finish_i(b, 1);
	finish_i(c, 2);
	update();
	ck_assert_uint_eq(points(NULL), 2);
	d = start_i(3);
	e = start_i(4);
	finish_i(e, 4);
	update();
	ck_assert_uint_eq(points(NULL), 3);
	finish_i(a, 0);
	update();
	ck_assert_uint_eq(points(NULL), 4);
	/* A hole that fails adds nothing, and is not read again. */
	finish(d, NB_FAILED, NULL);
	update();
	ck_assert_uint_eq(points(NULL), 4);
	run_i(5, 7);
	update();
	update();
	ck_assert_uint_eq(points(NULL), 6);
}
END_TEST

START_TEST(test_chunked)
{
	open_screen(true);
	view_plot_set_chunk(view, 4);
	run_i(0, 10);
	update();
	ck_assert_uint_eq(points(NULL), 4);
	draw();
	ck_assert(line_has(0, "loading 4/10"));
	update();
	ck_assert_uint_eq(points(NULL), 8);
	draw();
	ck_assert(line_has(0, "loading 8/10"));
	update();
	ck_assert_uint_eq(points(NULL), 10);
	draw();
	ck_assert(line_has(0, "10 points"));
	ck_assert(!line_has(0, "loading"));
	/* A hole found while loading in chunks is read once it finishes. */
	{
		int64_t late = start_i(10);

		run_i(11, 13);
		update();
		ck_assert_uint_eq(points(NULL), 12);
		finish_i(late, 10);
		update();
		ck_assert_uint_eq(points(NULL), 13);
	}
}
END_TEST

START_TEST(test_series)
{
	const char *label;
	size_t n, ns;

	run_i(0, 10);
	update();
	ck_assert_uint_eq(points(&ns), 10);
	ck_assert_uint_eq(ns, 1);
	ck_assert(view_plot_series(view, 0, &label, &n));
	ck_assert_ptr_null(label);
	/* s: series by x0 (r is x), split by value, in numeric order. */
	ck_assert(view->ops->key_fn(view, &con, 's'));
	ck_assert_uint_eq(points(&ns), 10);
	ck_assert_uint_eq(ns, 3);
	ck_assert(view_plot_series(view, 0, &label, &n));
	ck_assert_str_eq(label, "x0=0.5");
	ck_assert_uint_eq(n, 3);    /* i = 2, 5, 8 */
	ck_assert(view_plot_series(view, 1, &label, &n));
	ck_assert_str_eq(label, "x0=2");
	ck_assert_uint_eq(n, 3);
	ck_assert(view_plot_series(view, 2, &label, &n));
	ck_assert_str_eq(label, "x0=10");
	ck_assert_uint_eq(n, 4);    /* i = 0, 3, 6, 9 */
	ck_assert(!view_plot_series(view, 3, &label, &n));
	/* New points go to their series. */
	run_i(10, 12);
	update();
	ck_assert(view_plot_series(view, 1, &label, &n));
	ck_assert_uint_eq(n, 4);    /* and i = 10 */
	ck_assert(view_plot_series(view, 0, &label, &n));
	ck_assert_uint_eq(n, 4);    /* and i = 11 */
	/* s again: back to no series. */
	ck_assert(view->ops->key_fn(view, &con, 's'));
	ck_assert_uint_eq(points(&ns), 12);
	ck_assert_uint_eq(ns, 1);
}
END_TEST

/* More values than series: the first ones keep theirs, the rest share
 * "other", and the title says so. */
START_TEST(test_series_other)
{
	const char *label;
	char params[64];
	size_t n, ns, i;

	open_screen(true);
	for (i = 0; i < 9; i++) {
		snprintf(params, sizeof params, "{\"r\":%zu,\"k\":%zu}", i,
		    i % 8);
		finish(start(&set, params), NB_OK, "{\"y\":1}");
	}
	update();
	ck_assert(view->ops->key_fn(view, &con, 's'));
	ck_assert_uint_eq(points(&ns), 9);
	ck_assert_uint_eq(ns, VIEW_PLOT_SERIES);
	ck_assert(view_plot_series(view, 0, &label, &n));
	ck_assert_str_eq(label, "k=0");
	ck_assert_uint_eq(n, 2);    /* r = 0 and 8 */
	ck_assert(view_plot_series(view, VIEW_PLOT_SERIES - 1, &label, &n));
	ck_assert_str_eq(label, "other");
	ck_assert_uint_eq(n, 3);    /* k = 5, 6, 7 */
	draw();
	ck_assert(line_has(0, "merged into other"));
	ck_assert(line_has(1, "other"));  /* the legend */
}
END_TEST

START_TEST(test_cycle_axes)
{
	open_screen(true);
	run_i(0, 5);
	update();
	draw();
	ck_assert(line_has(0, "lyapunov vs r"));
	ck_assert(line_has(0, "5 points"));
	/* x: the parameters, then the results but y. */
	ck_assert(view->ops->key_fn(view, &con, 'x'));
	draw();
	ck_assert(line_has(0, "lyapunov vs x0"));
	ck_assert(view->ops->key_fn(view, &con, 'x'));
	draw();
	ck_assert(line_has(0, "lyapunov vs period"));
	ck_assert_uint_eq(points(NULL), 5);
	ck_assert(view->ops->key_fn(view, &con, 'x'));
	draw();
	ck_assert(line_has(0, "lyapunov vs r"));
	/* y: the results but x. */
	ck_assert(view->ops->key_fn(view, &con, 'y'));
	draw();
	ck_assert(line_has(0, "period vs r"));
	ck_assert(line_has(0, "5 points"));
	ck_assert(view->ops->key_fn(view, &con, 'y'));
	draw();
	ck_assert(line_has(0, "lyapunov vs r"));
	/* s: none, then the parameters but x. */
	ck_assert(view->ops->key_fn(view, &con, 's'));
	draw();
	ck_assert(line_has(0, "lyapunov vs r, series x0"));
	ck_assert(view->ops->key_fn(view, &con, 's'));
	draw();
	ck_assert(!line_has(0, "series"));
	/* The axes stay when more points come. */
	ck_assert(view->ops->key_fn(view, &con, 'y'));
	run_i(5, 7);
	update();
	draw();
	ck_assert(line_has(0, "period vs r"));
	ck_assert(line_has(0, "7 points"));
}
END_TEST

START_TEST(test_draw_braille)
{
	unsigned pairs;
	int dots, cy, cx, x, low;

	open_screen(true);
	run_i(0, 30);
	update();
	draw();
	ck_assert(line_has(0, "lyapunov vs r \xc2\xb7 30 points \xc2\xb7 "
	    "x/y/s change axes"));
	dots = count_cells(0x2801, 0x28ff, NULL);
	ck_assert_int_gt(dots, 5);
	ck_assert_int_eq(count_cells(0x2596, 0x259f, NULL), 0);
	/* The axes and their labels. */
	ck_assert(find_line("\u2514") > 0);
	ck_assert(line_has(1, "lyapunov"));   /* the y label */
	/* b: blocks; b again: braille. */
	ck_assert(view->ops->key_fn(view, &con, 'b'));
	draw();
	ck_assert_int_eq(count_cells(0x2801, 0x28ff, NULL), 0);
	ck_assert_int_gt(count_cells(0x2580, 0x259f, NULL), 5);
	ck_assert(view->ops->key_fn(view, &con, 'b'));
	draw();
	ck_assert_int_eq(count_cells(0x2801, 0x28ff, NULL), dots);
	/* A new point far above the others rescales the plot: the line of
	 * points flattens to the bottom, and the canvas is drawn again. */
	finish(start(&set, "{\"r\":2.8,\"x0\":10}"), NB_OK,
	    "{\"lyapunov\":100000}");
	update();
	draw();
	ck_assert(line_has(0, "31 points"));
	find_corner(&cy, &cx);
	for (x = cx + 1, low = 0; x < getmaxx(body); x++)
		low += cell_at(cy - 1, x, NULL) >= 0x2801 &&
		    cell_at(cy - 1, x, NULL) <= 0x28ff;
	ck_assert_int_ge(low, 25);
	/* With colour, each series's dots take its colour. */
	con.color = true;
	ck_assert(view->ops->key_fn(view, &con, 's'));
	draw();
	count_cells(0x2801, 0x28ff, &pairs);
	ck_assert_uint_eq(pairs, 7u << STYLE_SERIES0);
}
END_TEST

START_TEST(test_draw_ascii)
{
	int y;
	char *l;
	size_t i;

	open_screen(false);
	run_i(0, 30);
	update();
	draw();
	ck_assert(line_has(0, "lyapunov vs r - 30 points - x/y/s change "
	    "axes"));
	ck_assert_int_gt(count_cells('\'', '\'', NULL) +
	    count_cells('.', '.', NULL) + count_cells(':', ':', NULL), 5);
	ck_assert(find_line("+--") > 0);
	for (y = 0; y < getmaxy(body); y++) {
		l = screen_line(y);
		for (i = 0; l[i] != '\0'; i++)
			ck_assert_msg((unsigned char)l[i] < 0x80,
			    "line %d is not ASCII: %s", y, l);
		free(l);
	}
	/* No braille or blocks on an ASCII terminal. */
	ck_assert(view->ops->key_fn(view, &con, 'b'));
	ck_assert_ptr_nonnull(strstr(con.message, "UTF-8"));
}
END_TEST

START_TEST(test_resize)
{
	open_screen(true);
	run_i(0, 30);
	update();
	draw();
	ck_assert_int_eq(find_line("\u2514"), 16);
	/* draw() reads the window size each time. */
	wresize(body, 40, 120);
	draw();
	ck_assert_int_eq(find_line("\u2514"), 37);
	ck_assert(line_has(0, "30 points"));
}
END_TEST

START_TEST(test_not_numeric)
{
	open_screen(true);
	finish(start(&set, "{\"r\":1}"), NB_OK, "{\"word\":\"hello\"}");
	update();
	draw();
	ck_assert(line_has(2, "no numeric values of word against r in the 1 "
	    "ok job yet"));
}
END_TEST

START_TEST(test_set_change)
{
	struct nb_set other;
	char *err = NULL;
	size_t i;

	run_i(0, 5);
	make_set("other", 10, &other);
	testutil_ok(notebook_begin(con.nb, &err), err, "begin");
	for (i = 0; i < 3; i++)
		finish(start(&other, "{\"r\":1,\"x0\":2}"), NB_OK,
		    "{\"lyapunov\":1}");
	testutil_ok(notebook_commit(con.nb, &err), err, "commit");
	update();
	ck_assert_uint_eq(points(NULL), 5);
	con.cur_id = other.id;
	update();
	ck_assert_uint_eq(points(NULL), 3);
	con.cur_id = set.id;
	update();
	ck_assert_uint_eq(points(NULL), 5);
	notebook_set_clear(&other);
}
END_TEST

/* `labrat retry` of ok jobs: their points are no longer current. */
START_TEST(test_retry_resets)
{
	uint64_t n;
	char *err = NULL;

	open_screen(true);
	run_i(0, 5);
	update();
	ck_assert_uint_eq(points(NULL), 5);
	testutil_ok(notebook_requeue(con.nb, set.id, NB_STATE_BIT(NB_OK), &n,
	    &err), err, "requeue");
	ck_assert_uint_eq(n, 5);
	update();
	ck_assert_uint_eq(points(NULL), 0);
	draw();
	ck_assert(line_has(2, "no results yet"));
}
END_TEST

Suite *
suite_view_plot(void)
{
	Suite *s = suite_create("view_plot");
	TCase *tc = tcase_create("view_plot");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_no_set);
	tcase_add_test(tc, test_incremental);
	tcase_add_test(tc, test_out_of_order);
	tcase_add_test(tc, test_chunked);
	tcase_add_test(tc, test_series);
	tcase_add_test(tc, test_series_other);
	tcase_add_test(tc, test_cycle_axes);
	tcase_add_test(tc, test_draw_braille);
	tcase_add_test(tc, test_draw_ascii);
	tcase_add_test(tc, test_resize);
	tcase_add_test(tc, test_not_numeric);
	tcase_add_test(tc, test_set_change);
	tcase_add_test(tc, test_retry_resets);
	suite_add_tcase(s, tc);
	return s;
}
