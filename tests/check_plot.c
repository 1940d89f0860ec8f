/* check_plot.c -- the live plot rendered to cells: dots, axes, ticks,
 * legend, autoscale and degenerate inputs. */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "util.h"
#include "../tui/plot.h"

#define VLINE "\u2502"
#define HLINE "\u2500"
#define CORNER "\u2514"
#define YTICK "\u2524"
#define XTICK "\u252c"
#define MARKER "\u25cf"

/* Braille dot bits, [row][column], as the Unicode chart numbers them. */
static const unsigned braille_bit[4][2] = {
	{ 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 }
};

/* Where the axes cross, and so where the plot area is. */
struct axes {
	int col, line;		/* of the corner */
	int top;		/* first line of the plot area */
	int pw, ph;		/* plot area in cells */
};

static struct plot_opts
opts(int width, int height, enum plot_glyphs glyphs)
{
	struct plot_opts o;

	memset(&o, 0, sizeof o);
	o.width = width;
	o.height = height;
	o.glyphs = glyphs;
	return o;
}

/* The cell at (x, y).  Helpers that run per cell assert only on failure:
 * each passing ck_assert costs a message to the runner. */
static const struct plot_cell *
cell(const struct plot_canvas *c, int x, int y)
{
	if (x < 0 || x >= c->width || y < 0 || y >= c->height)
		ck_abort_msg("cell (%d, %d) outside %dx%d", x, y, c->width,
		    c->height);
	return &c->cells[(size_t)y * c->width + x];
}

static void
utf8_encode(unsigned cp, char out[5])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		out[1] = '\0';
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		out[2] = '\0';
	} else {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		out[3] = '\0';
	}
}

static int
codepoints(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static bool
is(const struct plot_canvas *c, int x, int y, const char *text)
{
	return strcmp(cell(c, x, y)->text, text) == 0;
}

/* Find the corner of the axes: the corner glyph with only axis glyphs
 * to its right. */
static struct axes
axes_find(const struct plot_canvas *c, const char *corner, const char *hline,
    const char *xtick, int top)
{
	struct axes a;
	int x, y, i;

	for (y = c->height - 1; y >= 0; y--)
		for (x = 0; x < c->width; x++) {
			if (!is(c, x, y, corner))
				continue;
			for (i = x + 1; i < c->width; i++)
				if (!is(c, i, y, hline) && !is(c, i, y, xtick))
					break;
			if (i < c->width)
				continue;
			a.col = x;
			a.line = y;
			a.top = top;
			a.pw = c->width - x - 1;
			a.ph = y - top;
			return a;
		}
	ck_abort_msg("no axes found");
	return a;
}

/* Check every line: valid UTF-8, one code point per cell, width cells. */
static void
check_lines(const struct plot_canvas *c)
{
	char *l;
	int x, y;

	for (y = 0; y < c->height; y++) {
		l = plot_canvas_line(c, y);
		if (!util_utf8_valid(l, strlen(l), NULL) ||
		    codepoints(l) != c->width)
			ck_abort_msg("line %d is %d wide, not %d: %s", y,
			    codepoints(l), c->width, l);
		free(l);
		for (x = 0; x < c->width; x++)
			if (codepoints(cell(c, x, y)->text) > 1)
				ck_abort_msg("cell (%d, %d) holds %s", x, y,
				    cell(c, x, y)->text);
	}
}

/* Return how many cells of the plot area show dots. */
static int
dot_cells(const struct plot_canvas *c, const struct axes *a)
{
	int x, y, n = 0;

	for (y = a->top; y < a->line; y++)
		for (x = a->col + 1; x < c->width; x++)
			if (cell(c, x, y)->text[0] != '\0')
				n++;
	return n;
}

/* Split line y into numbers at their columns; check each parses whole. */
static int
numbers(const struct plot_canvas *c, int y, int from, int to, double *v,
    int *start, int *end, int max)
{
	char *l, *p, *q;
	int n = 0;

	l = plot_canvas_line(c, y);
	for (p = l; p < l + to; p++)
		if ((unsigned char)*p >= 0x80)
			ck_abort_msg("not ASCII: %s", l);
	l[to] = '\0';
	for (p = l + from; *p != '\0';) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (n == max)
			ck_abort_msg("too many labels: %s", l);
		v[n] = strtod(p, &q);
		if (q == p || (*q != ' ' && *q != '\0'))
			ck_abort_msg("tick label is not a number: %s", p);
		start[n] = (int)(p - l);
		end[n] = (int)(q - l);
		n++;
		p = q;
	}
	free(l);
	return n;
}

/* The point at the middle of dot (dx, dy) of a plot over [0, 1] x [0, 1]
 * whose area is a; dots per cell across and down are sx and sy. */
static void
dot_point(const struct axes *a, int sx, int sy, int dx, int dy, double *x,
    double *y)
{
	*x = (dx + 0.5) / (a->pw * sx);
	*y = 1 - (dy + 0.5) / (a->ph * sy);
}

/* Render corners (0,0) and (1,1) plus extra points, one series. */
static void
render_unit(struct plot_canvas *c, const struct plot_opts *o,
    const double *ex, const double *ey, size_t en)
{
	double x[16] = { 0, 1 }, y[16] = { 0, 1 };
	struct plot_series s = { NULL, x, y, 2 + en };

	if (en > 0) {
		memcpy(x + 2, ex, en * sizeof *ex);
		memcpy(y + 2, ey, en * sizeof *ey);
	}
	plot_render(o, &s, 1, c);
}

START_TEST(test_braille_corners)
{
	struct plot_opts o = opts(40, 12, PLOT_BRAILLE);
	struct plot_canvas c;
	struct axes a;
	double v[8];
	int st[8], en[8], n;
	char *l;

	render_unit(&c, &o, NULL, NULL, 0);
	check_lines(&c);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	ck_assert_int_eq(a.line, 10);
	/* (0, 0): first plot column, bottom plot line, lower left dot. */
	ck_assert_str_eq(cell(&c, a.col + 1, a.line - 1)->text, "\u2840");
	ck_assert_int_eq(cell(&c, a.col + 1, a.line - 1)->series, 0);
	/* (1, 1): last column, top line, upper right dot. */
	ck_assert_str_eq(cell(&c, c.width - 1, 0)->text, "\u2808");
	ck_assert_int_eq(cell(&c, c.width - 1, 0)->series, 0);
	ck_assert_int_eq(dot_cells(&c, &a), 2);
	ck_assert_uint_eq(c.points, 2);
	ck_assert_double_eq(c.xmin, 0);
	ck_assert_double_eq(c.xmax, 1);
	ck_assert_double_eq(c.ymin, 0);
	ck_assert_double_eq(c.ymax, 1);

	/* y labels right-aligned against the axis: "1" on the top line,
	 * "0" on the bottom one, where the dots of y = 1 and y = 0 are. */
	ck_assert_int_eq(a.col, 3);
	l = plot_canvas_line(&c, 0);
	ck_assert(strncmp(l, "  1" YTICK, strlen("  1" YTICK)) == 0);
	free(l);
	l = plot_canvas_line(&c, a.line - 1);
	ck_assert(strncmp(l, "  0" YTICK, strlen("  0" YTICK)) == 0);
	free(l);
	/* x labels 0, 0.5, 1; the last flush with the right edge. */
	n = numbers(&c, a.line + 1, 0, c.width, v, st, en, 8);
	ck_assert_int_eq(n, 3);
	ck_assert_double_eq(v[0], 0);
	ck_assert_double_eq(v[1], 0.5);
	ck_assert_double_eq(v[2], 1);
	ck_assert_int_eq(en[2], c.width);
	ck_assert(is(&c, a.col + 1, a.line, XTICK));
	ck_assert(is(&c, c.width - 1, a.line, XTICK));
	plot_canvas_free(&c);
	ck_assert_ptr_null(c.cells);
}
END_TEST

START_TEST(test_braille_bits)
{
	struct plot_opts o = opts(40, 12, PLOT_BRAILLE);
	struct plot_canvas c;
	struct axes a;
	double x[8], y[8];
	char want[5];
	int sx, sy, n = 0;

	render_unit(&c, &o, NULL, NULL, 0);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	plot_canvas_free(&c);
	for (sy = 0; sy < 4; sy++)
		for (sx = 0; sx < 2; sx++) {
			/* One dot in plot cell (5, 3). */
			dot_point(&a, 2, 4, 5 * 2 + sx, 3 * 4 + sy, &x[n],
			    &y[n]);
			render_unit(&c, &o, &x[n], &y[n], 1);
			utf8_encode(0x2800 + braille_bit[sy][sx], want);
			ck_assert_str_eq(cell(&c, a.col + 1 + 5, 3)->text,
			    want);
			ck_assert_int_eq(dot_cells(&c, &a), 3);
			plot_canvas_free(&c);
			n++;
		}
	/* All eight at once. */
	render_unit(&c, &o, x, y, 8);
	ck_assert_str_eq(cell(&c, a.col + 1 + 5, 3)->text, "\u28ff");
	ck_assert_uint_eq(c.points, 10);
	plot_canvas_free(&c);
}
END_TEST

START_TEST(test_block)
{
	struct plot_opts o = opts(40, 12, PLOT_BLOCK);
	struct plot_canvas c;
	struct axes a;
	double x[4], y[4];
	int i;

	render_unit(&c, &o, NULL, NULL, 0);
	check_lines(&c);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	ck_assert(is(&c, a.col, 0, VLINE) || is(&c, a.col, 0, YTICK));
	ck_assert_str_eq(cell(&c, a.col + 1, a.line - 1)->text, "\u2596");
	ck_assert_str_eq(cell(&c, c.width - 1, 0)->text, "\u259d");
	plot_canvas_free(&c);

	/* Upper left and lower right of plot cell (4, 2): a diagonal. */
	dot_point(&a, 2, 2, 8, 4, &x[0], &y[0]);
	dot_point(&a, 2, 2, 9, 5, &x[1], &y[1]);
	render_unit(&c, &o, x, y, 2);
	ck_assert_str_eq(cell(&c, a.col + 1 + 4, 2)->text, "\u259a");
	plot_canvas_free(&c);
	dot_point(&a, 2, 2, 9, 4, &x[0], &y[0]);
	dot_point(&a, 2, 2, 8, 5, &x[1], &y[1]);
	render_unit(&c, &o, x, y, 2);
	ck_assert_str_eq(cell(&c, a.col + 1 + 4, 2)->text, "\u259e");
	plot_canvas_free(&c);
	for (i = 0; i < 4; i++)
		dot_point(&a, 2, 2, 8 + i % 2, 4 + i / 2, &x[i], &y[i]);
	render_unit(&c, &o, x, y, 3);
	ck_assert_str_eq(cell(&c, a.col + 1 + 4, 2)->text, "\u259b");
	plot_canvas_free(&c);
	render_unit(&c, &o, x, y, 4);
	ck_assert_str_eq(cell(&c, a.col + 1 + 4, 2)->text, "\u2588");
	plot_canvas_free(&c);
}
END_TEST

START_TEST(test_ascii)
{
	struct plot_opts o = opts(40, 12, PLOT_ASCII);
	struct plot_canvas c;
	struct axes a;
	double x[2], y[2];
	char *l;
	int i;

	render_unit(&c, &o, NULL, NULL, 0);
	check_lines(&c);
	a = axes_find(&c, "+", "-", "+", 0);
	for (i = 0; i < a.line; i++)
		ck_assert(is(&c, a.col, i, "|") || is(&c, a.col, i, "+"));
	ck_assert_str_eq(cell(&c, a.col + 1, a.line - 1)->text, ".");
	ck_assert_str_eq(cell(&c, c.width - 1, 0)->text, "'");
	/* Every line is plain ASCII. */
	for (i = 0; i < c.height; i++) {
		l = plot_canvas_line(&c, i);
		ck_assert_int_eq((int)strlen(l), c.width);
		free(l);
	}
	plot_canvas_free(&c);
	/* Both halves of plot cell (6, 4). */
	dot_point(&a, 1, 2, 6, 8, &x[0], &y[0]);
	dot_point(&a, 1, 2, 6, 9, &x[1], &y[1]);
	render_unit(&c, &o, x, y, 2);
	ck_assert_str_eq(cell(&c, a.col + 1 + 6, 4)->text, ":");
	plot_canvas_free(&c);
	render_unit(&c, &o, x + 1, y + 1, 1);
	ck_assert_str_eq(cell(&c, a.col + 1 + 6, 4)->text, ".");
	plot_canvas_free(&c);
}
END_TEST

/* The demo's shape: r in 2.8..4, values from about -3 to 0.7. */
static void
fill_demo(double *x, double *y, size_t n, double phase)
{
	size_t i;

	for (i = 0; i < n; i++) {
		x[i] = 2.8 + 1.2 * (double)i / (double)(n - 1);
		y[i] = -1.15 + 1.85 * sin((double)i * 0.37 + phase);
	}
}

START_TEST(test_axes_and_ticks)
{
	static const enum plot_glyphs g[] = { PLOT_BRAILLE, PLOT_BLOCK };
	struct plot_opts o;
	struct plot_canvas c;
	struct plot_series s;
	struct axes a;
	double x[600], y[600], v[8];
	int i, k, n, st[8], en[8], marks, labels;
	char *l;

	fill_demo(x, y, 600, 0);
	s.label = NULL;
	s.x = x;
	s.y = y;
	s.n = 600;
	for (k = 0; k < 2; k++) {
		o = opts(80, 22, g[k]);
		o.xlabel = "r";
		o.ylabel = "lyapunov";
		plot_render(&o, &s, 1, &c);
		check_lines(&c);
		l = plot_canvas_line(&c, 0);
		ck_assert(strncmp(l, "lyapunov ", 9) == 0);
		free(l);
		a = axes_find(&c, CORNER, HLINE, XTICK, 1);
		/* x label centred on a line of its own under the plot. */
		ck_assert_int_eq(a.line, c.height - 3);
		l = plot_canvas_line(&c, c.height - 1);
		ck_assert_int_eq((int)(strchr(l, 'r') - l),
		    a.col + 1 + (a.pw - 1) / 2);
		free(l);
		/* The y axis: a line with a mark at each labelled tick. */
		labels = 0;
		for (i = a.top; i < a.line; i++) {
			ck_assert(is(&c, a.col, i, VLINE) ||
			    is(&c, a.col, i, YTICK));
			n = numbers(&c, i, 0, a.col, v, st, en, 8);
			ck_assert_int_le(n, 1);
			if (n == 1) {
				ck_assert(is(&c, a.col, i, YTICK));
				ck_assert_int_eq(en[0], a.col);
				ck_assert(v[0] >= c.ymin && v[0] <= c.ymax);
				labels++;
			}
		}
		ck_assert_int_ge(labels, 3);
		ck_assert_int_le(labels, 5);
		/* The margin is as wide as "-2", no wider. */
		ck_assert_int_eq(a.col, 2);
		/* x: 3, 3.5 and 4, each over its tick mark. */
		n = numbers(&c, a.line + 1, 0, c.width, v, st, en, 8);
		ck_assert_int_eq(n, 3);
		ck_assert_double_eq(v[0], 3);
		ck_assert_double_eq(v[1], 3.5);
		ck_assert_double_eq(v[2], 4);
		for (i = 0; i < n; i++) {
			for (marks = 0; st[i] < en[i]; st[i]++)
				if (is(&c, st[i], a.line, XTICK))
					marks++;
			ck_assert_int_eq(marks, 1);
		}
		ck_assert_int_eq(en[2], c.width);
		plot_canvas_free(&c);
	}

	/* A short canvas: the x label at the right of the tick labels if
	 * there is room; here the label of 4 is in the way. */
	o = opts(60, 8, PLOT_BRAILLE);
	o.xlabel = "r";
	plot_render(&o, &s, 1, &c);
	check_lines(&c);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	ck_assert_int_eq(a.line, c.height - 2);
	n = numbers(&c, c.height - 1, 0, c.width, v, st, en, 8);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(en[2], c.width);
	plot_canvas_free(&c);

	/* Room for it: 0.8 is the last tick of 0..0.95. */
	for (i = 0; i < 600; i++)
		x[i] = 0.95 * i / 599;
	o = opts(60, 8, PLOT_BRAILLE);
	o.xlabel = "time";
	plot_render(&o, &s, 1, &c);
	check_lines(&c);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	ck_assert_int_eq(a.line, c.height - 2);
	l = plot_canvas_line(&c, c.height - 1);
	ck_assert(strstr(l, "0.8") != NULL);
	ck_assert_str_eq(l + c.width - 6, "  time");
	free(l);
	plot_canvas_free(&c);
}
END_TEST

/* Render points at the two ends of each range and check the tick
 * labels: whole numbers, inside the range, in order, inside the
 * canvas. */
static void
check_ticks(double x0, double x1, double y0, double y1, int w, int h)
{
	double x[2] = { x0, x1 }, y[2] = { y0, y1 }, v[8], prev;
	struct plot_series s = { NULL, x, y, 2 };
	struct plot_opts o = opts(w, h, PLOT_BRAILLE);
	struct plot_canvas c;
	struct axes a;
	int i, k, n, ny = 0, st[8], en[8];

	plot_render(&o, &s, 1, &c);
	check_lines(&c);
	if (!(isfinite(c.xmin) && isfinite(c.xmax) && c.xmin < c.xmax &&
	    isfinite(c.ymin) && isfinite(c.ymax) && c.ymin < c.ymax))
		ck_abort_msg("bad ranges for %g..%g, %g..%g", x0, x1, y0, y1);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	n = numbers(&c, a.line + 1, 0, c.width, v, st, en, 8);
	if (n < (w >= 40 ? 2 : 1))
		ck_abort_msg("%d x labels for %g..%g", n, x0, x1);
	/* Where some set of ticks fits whole, every tick has its label. */
	for (i = a.col + 1, k = 0; w >= 33 && i < c.width; i++)
		k += is(&c, i, a.line, XTICK);
	if (w >= 33 && k != n)
		ck_abort_msg("%d x ticks, %d labels for %g..%g", k, n, x0, x1);
	for (k = 0; k < n; k++)
		if (v[k] < c.xmin || v[k] > c.xmax ||
		    (k > 0 && (v[k] <= v[k - 1] || st[k] <= en[k - 1])))
			ck_abort_msg("x label %d (%g) for %g..%g", k, v[k], x0,
			    x1);
	prev = INFINITY;
	for (i = a.top; i < a.line; i++) {
		if (numbers(&c, i, 0, a.col, v, st, en, 8) == 0)
			continue;
		if (v[0] < c.ymin || v[0] > c.ymax || v[0] >= prev)
			ck_abort_msg("y label %g for %g..%g", v[0], y0, y1);
		prev = v[0];
		ny++;
	}
	/* Labels too wide for half the canvas are left out. */
	if (a.col > 0 && ny < (a.ph >= 3 ? 2 : 1))
		ck_abort_msg("%d y labels for %g..%g", ny, y0, y1);
	plot_canvas_free(&c);
}

START_TEST(test_tick_labels)
{
	static const int sizes[][2] = { { 20, 5 }, { 33, 9 }, { 80, 24 },
	    { 200, 60 } };
	static const double ranges[][2] = {
		{ 0, 1e6 }, { -0.25, 0.001 }, { 2.8, 4 }, { -3, 0.7 },
		{ 1e300, -1e300 }, { 1e-300, 3e-300 }, { -DBL_MAX, DBL_MAX },
		{ 1000000, 1000001 }, { 0.001, 0.002 }, { -1e-5, 1e6 },
		{ 1, 1 + 1e-12 }, { -7, -6.99 },
	};
	struct plot_canvas c;
	double x[2] = { 0, 1e6 }, y[2] = { -0.25, 0.001 }, v[8];
	struct plot_series s = { NULL, x, y, 2 };
	struct plot_opts o = opts(60, 24, PLOT_BRAILLE);
	struct axes a;
	size_t i, j, k;
	int st[8], en[8];
	char *l;

	for (i = 0; i < UTIL_ARRLEN(sizes); i++)
		for (j = 0; j < UTIL_ARRLEN(ranges); j++)
			for (k = 0; k < UTIL_ARRLEN(ranges); k++)
				check_ticks(ranges[j][0], ranges[j][1],
				    ranges[k][0], ranges[k][1], sizes[i][0],
				    sizes[i][1]);

	/* Compact labels: 1e+06, not 1000000; -0.2, not -0.20. */
	plot_render(&o, &s, 1, &c);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	ck_assert_int_eq(a.col, 4);
	ck_assert_int_eq(numbers(&c, a.line + 1, 0, c.width, v, st, en, 8), 3);
	ck_assert_double_eq(v[0], 0);
	ck_assert_double_eq(v[1], 5e5);
	ck_assert_double_eq(v[2], 1e6);
	l = plot_canvas_line(&c, a.line + 1);
	ck_assert_ptr_nonnull(strstr(l, " 5e+05 "));
	ck_assert_str_eq(l + c.width - 6, " 1e+06");
	free(l);
	for (i = 0, j = 0; i < (size_t)a.line; i++) {
		l = plot_canvas_line(&c, (int)i);
		if (strncmp(l, "-0.2" YTICK, strlen("-0.2" YTICK)) == 0 ||
		    strncmp(l, "-0.1" YTICK, strlen("-0.1" YTICK)) == 0 ||
		    strncmp(l, "   0" YTICK, strlen("   0" YTICK)) == 0)
			j++;
		free(l);
	}
	ck_assert_uint_eq(j, 3);
	plot_canvas_free(&c);
}
END_TEST

START_TEST(test_legend)
{
	static const char *const labels[] = { "x0=0.1", "x0=0.3", "x0=0.5" };
	struct plot_series s[3];
	struct plot_opts o = opts(80, 20, PLOT_BRAILLE);
	struct plot_canvas c;
	double x[3][50], y[3][50];
	int i, k, nmark;
	char *l;

	for (i = 0; i < 3; i++) {
		fill_demo(x[i], y[i], 50, i);
		s[i].label = labels[i];
		s[i].x = x[i];
		s[i].y = y[i];
		s[i].n = 50;
	}
	o.ylabel = "lyapunov";
	plot_render(&o, s, 3, &c);
	check_lines(&c);
	l = plot_canvas_line(&c, 0);
	ck_assert(strncmp(l, "lyapunov ", 9) == 0);
	k = (int)strlen(l) - (int)strlen(MARKER " x0=0.1  " MARKER " x0=0.3  "
	    MARKER " x0=0.5");
	ck_assert_str_eq(l + k, MARKER " x0=0.1  " MARKER " x0=0.3  " MARKER
	    " x0=0.5");
	free(l);
	for (i = 0, nmark = 0; i < c.width; i++) {
		if (is(&c, i, 0, MARKER)) {
			ck_assert_int_eq(cell(&c, i, 0)->series, nmark);
			nmark++;
		} else
			ck_assert_int_eq(cell(&c, i, 0)->series, -1);
	}
	ck_assert_int_eq(nmark, 3);
	plot_canvas_free(&c);

	/* ASCII markers; no labels: numbered from 1. */
	o = opts(40, 10, PLOT_ASCII);
	s[0].label = NULL;
	s[1].label = "";
	s[2].label = "a\tb\xff";
	plot_render(&o, s, 3, &c);
	check_lines(&c);
	l = plot_canvas_line(&c, 0);
	ck_assert_str_eq(l + strlen(l) - strlen("* #1  * #2  * a?b\ufffd"),
	    "* #1  * #2  * a?b\ufffd");
	free(l);
	ck_assert_int_eq(cell(&c, c.width - 6, 0)->series, 2);
	ck_assert_str_eq(cell(&c, c.width - 6, 0)->text, "*");
	plot_canvas_free(&c);

	/* Legends too long for the line keep the entries that fit. */
	o = opts(24, 8, PLOT_BRAILLE);
	s[0].label = "first series";
	s[1].label = "second series";
	plot_render(&o, s, 3, &c);
	check_lines(&c);
	l = plot_canvas_line(&c, 0);
	ck_assert_str_eq(l, "          " MARKER " first series");
	free(l);
	plot_canvas_free(&c);

	/* One series: no legend. */
	o = opts(40, 10, PLOT_BRAILLE);
	plot_render(&o, s, 1, &c);
	for (i = 0; i < c.width; i++)
		ck_assert(!is(&c, i, 0, MARKER));
	plot_canvas_free(&c);
}
END_TEST

START_TEST(test_autoscale)
{
	double x[3] = { -2, 5, 1 }, y[3] = { 3, 7, 4 };
	double ex[2] = { 100, 100 }, ey[2] = { 3, 3 };
	struct plot_series s = { NULL, x, y, 3 };
	struct plot_opts o = opts(41, 11, PLOT_BRAILLE);
	struct plot_canvas c;
	struct axes a;
	int n;

	plot_render(&o, &s, 1, &c);
	ck_assert_double_eq(c.xmin, -2);
	ck_assert_double_eq(c.xmax, 5);
	ck_assert_double_eq(c.ymin, 3);
	ck_assert_double_eq(c.ymax, 7);
	plot_canvas_free(&c);

	/* All equal: widened by 10% or by 0.5, whichever is more. */
	s.x = ex;
	s.y = ey;
	s.n = 2;
	plot_render(&o, &s, 1, &c);
	check_lines(&c);
	ck_assert_double_eq_tol(c.xmin, 90, 1e-9);
	ck_assert_double_eq_tol(c.xmax, 110, 1e-9);
	ck_assert_double_eq(c.ymin, 2.5);
	ck_assert_double_eq(c.ymax, 3.5);
	/* The point sits in the middle. */
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	ck_assert_int_eq(dot_cells(&c, &a), 1);
	ck_assert_str_ne(cell(&c, a.col + 1 + a.pw / 2, a.ph / 2)->text, "");
	plot_canvas_free(&c);

	ex[0] = ex[1] = 0;
	ey[0] = ey[1] = -1e300;
	plot_render(&o, &s, 1, &c);
	ck_assert_double_eq(c.xmin, -0.5);
	ck_assert_double_eq(c.xmax, 0.5);
	ck_assert_double_eq_tol(c.ymin, -1.1e300, 1e286);
	ck_assert_double_eq_tol(c.ymax, -0.9e300, 1e286);
	plot_canvas_free(&c);

	/* Near the end of the doubles: still finite, still a range. */
	ex[0] = ex[1] = DBL_MAX;
	ey[0] = ey[1] = -DBL_MAX;
	plot_render(&o, &s, 1, &c);
	check_lines(&c);
	ck_assert(isfinite(c.xmin) && isfinite(c.xmax) && c.xmin < c.xmax);
	ck_assert(isfinite(c.ymin) && isfinite(c.ymax) && c.ymin < c.ymax);
	ck_assert_double_eq(c.xmax, DBL_MAX);
	ck_assert_double_eq(c.ymin, -DBL_MAX);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	n = dot_cells(&c, &a);
	ck_assert_int_eq(n, 1);
	plot_canvas_free(&c);

	/* Tiny values, mixed signs. */
	ex[0] = -1e-300;
	ex[1] = 1e-300;
	ey[0] = 1e-300;
	ey[1] = -3e-300;
	plot_render(&o, &s, 1, &c);
	check_lines(&c);
	ck_assert_double_eq(c.xmin, -1e-300);
	ck_assert_double_eq(c.ymin, -3e-300);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	ck_assert_int_eq(dot_cells(&c, &a), 2);
	ck_assert_uint_eq(c.points, 2);
	plot_canvas_free(&c);
}
END_TEST

START_TEST(test_nonfinite)
{
	double x[6] = { 0, NAN, 1, 0.5, INFINITY, 0.25 };
	double y[6] = { 0, 1, 1, NAN, 5, -INFINITY };
	double bx[3] = { NAN, -INFINITY, 9 }, by[3] = { 2, 2, NAN };
	struct plot_series s[2] = { { "a", x, y, 6 }, { "b", bx, by, 3 } };
	struct plot_opts o = opts(40, 12, PLOT_BRAILLE);
	struct plot_canvas c;
	struct axes a;

	plot_render(&o, s, 2, &c);
	check_lines(&c);
	ck_assert_double_eq(c.xmin, 0);
	ck_assert_double_eq(c.xmax, 1);
	ck_assert_double_eq(c.ymin, 0);
	ck_assert_double_eq(c.ymax, 1);
	ck_assert_uint_eq(c.points, 2);
	a = axes_find(&c, CORNER, HLINE, XTICK, 1);
	ck_assert_int_eq(dot_cells(&c, &a), 2);
	ck_assert_str_eq(cell(&c, a.col + 1, a.line - 1)->text, "\u2840");
	ck_assert_str_eq(cell(&c, c.width - 1, a.top)->text, "\u2808");
	plot_canvas_free(&c);
}
END_TEST

/* Check the canvas says "no points yet" centred in the plot area. */
static void
check_no_points(const struct plot_canvas *c, int top)
{
	struct axes a;
	char *l, *p;
	int y, found = 0, left, right;

	check_lines(c);
	ck_assert_uint_eq(c->points, 0);
	ck_assert(isfinite(c->xmin) && c->xmin < c->xmax);
	ck_assert(isfinite(c->ymin) && c->ymin < c->ymax);
	a = axes_find(c, CORNER, HLINE, XTICK, top);
	for (y = 0; y < c->height; y++) {
		l = plot_canvas_line(c, y);
		if ((p = strstr(l, "no points yet")) != NULL) {
			ck_assert(y >= a.top && y < a.line);
			left = codepoints(l) - codepoints(p) - a.col - 1;
			right = codepoints(p) - 13;
			ck_assert_int_le(abs(left - right), 1);
			found++;
		}
		free(l);
	}
	ck_assert_int_eq(found, 1);
}

START_TEST(test_no_points)
{
	double x[2] = { NAN, INFINITY }, y[2] = { 1, 2 };
	struct plot_series s[2] = { { "a", NULL, NULL, 0 }, { "b", x, y, 2 } };
	struct plot_opts o = opts(50, 12, PLOT_BRAILLE);
	struct plot_canvas c;

	plot_render(&o, NULL, 0, &c);
	check_no_points(&c, 0);
	plot_canvas_free(&c);
	plot_render(&o, s, 1, &c);
	check_no_points(&c, 0);
	plot_canvas_free(&c);
	/* Two series, all non-finite: the legend stays. */
	plot_render(&o, s, 2, &c);
	check_no_points(&c, 1);
	ck_assert_int_eq(cell(&c, c.width - 3, 0)->series, 1);
	plot_canvas_free(&c);
	o = opts(20, 5, PLOT_BRAILLE);
	plot_render(&o, s + 1, 1, &c);
	check_no_points(&c, 0);
	plot_canvas_free(&c);
}
END_TEST

START_TEST(test_small)
{
	static const int sizes[][2] = { { 19, 10 }, { 30, 4 }, { 19, 4 },
	    { 0, 0 }, { 1, 1 }, { -5, 3 }, { 40, -1 } };
	double x[2] = { 0, 1 }, y[2] = { 0, 1 };
	struct plot_series s[2] = { { "a", x, y, 2 }, { "b", y, x, 2 } };
	struct plot_opts o;
	struct plot_canvas c;
	size_t i;
	int k, w, h;
	char *l;

	for (i = 0; i < UTIL_ARRLEN(sizes); i++) {
		o = opts(sizes[i][0], sizes[i][1], PLOT_BRAILLE);
		o.xlabel = "x";
		o.ylabel = "y";
		plot_render(&o, s, 2, &c);
		w = sizes[i][0] > 0 ? sizes[i][0] : 0;
		h = sizes[i][1] > 0 ? sizes[i][1] : 0;
		ck_assert_int_eq(c.width, w);
		ck_assert_int_eq(c.height, h);
		ck_assert_uint_eq(c.points, 0);
		ck_assert_double_eq(c.xmax, 1);
		for (k = 0; k < w * h; k++)
			if (c.cells[k].text[0] != '\0' ||
			    c.cells[k].series != -1)
				ck_abort_msg("cell %d of %dx%d is set", k, w,
				    h);
		for (k = 0; k < h; k++) {
			l = plot_canvas_line(&c, k);
			ck_assert_int_eq((int)strlen(l), w);
			ck_assert_int_eq((int)strspn(l, " "), w);
			free(l);
		}
		plot_canvas_free(&c);
	}

	/* 20x5 is enough for a plot. */
	o = opts(20, 5, PLOT_BRAILLE);
	plot_render(&o, s, 2, &c);
	check_lines(&c);
	axes_find(&c, CORNER, HLINE, XTICK, 1);
	ck_assert_uint_eq(c.points, 4);
	l = plot_canvas_line(&c, -1);
	ck_assert_str_eq(l, "");
	free(l);
	l = plot_canvas_line(&c, 5);
	ck_assert_str_eq(l, "");
	free(l);
	plot_canvas_free(&c);
}
END_TEST

START_TEST(test_overlap)
{
	struct plot_opts o = opts(40, 12, PLOT_BRAILLE);
	struct plot_canvas c;
	struct plot_series s[2];
	struct axes a;
	double x0[3] = { 0, 1 }, y0[3] = { 0, 1 }, x1[1], y1[1];

	render_unit(&c, &o, NULL, NULL, 0);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	plot_canvas_free(&c);
	/* Series 0: upper left dot of plot cell (7, 2); series 1: lower
	 * right dot of the same cell. */
	dot_point(&a, 2, 4, 14, 8, &x0[2], &y0[2]);
	dot_point(&a, 2, 4, 15, 11, &x1[0], &y1[0]);
	s[0] = (struct plot_series){ NULL, x0, y0, 3 };
	s[1] = (struct plot_series){ NULL, x1, y1, 1 };
	o.height = 13;		/* one more line, for the legend */
	plot_render(&o, s, 2, &c);
	check_lines(&c);
	a = axes_find(&c, CORNER, HLINE, XTICK, 1);
	ck_assert_str_eq(cell(&c, a.col + 1 + 7, a.top + 2)->text, "\u2881");
	ck_assert_int_eq(cell(&c, a.col + 1 + 7, a.top + 2)->series, 1);
	ck_assert_int_eq(cell(&c, a.col + 1, a.line - 1)->series, 0);
	plot_canvas_free(&c);
}
END_TEST

START_TEST(test_widths)
{
	static const int sizes[][2] = { { 20, 5 }, { 21, 6 }, { 33, 9 },
	    { 57, 13 }, { 80, 24 }, { 200, 60 } };
	static const char *const labels[] = { "\u03bb=1", "\u03bb=2 very "
	    "long label indeed, longer than the plot", "" };
	double x[3][200], y[3][200];
	struct plot_series s[3];
	struct plot_opts o;
	struct plot_canvas c;
	size_t i, k;
	int g, ns;

	for (k = 0; k < 3; k++) {
		fill_demo(x[k], y[k], 200, (double)k);
		s[k] = (struct plot_series){ labels[k], x[k], y[k], 200 };
	}
	y[1][7] = NAN;
	for (g = PLOT_BRAILLE; g <= PLOT_ASCII; g++)
		for (i = 0; i < UTIL_ARRLEN(sizes); i++)
			for (ns = 0; ns <= 3; ns++) {
				o = opts(sizes[i][0], sizes[i][1], g);
				o.xlabel = "r \u2192 chaos";
				o.ylabel = "\u03bb (lyapunov exponent)";
				plot_render(&o, ns > 0 ? s : NULL, (size_t)ns,
				    &c);
				check_lines(&c);
				plot_canvas_free(&c);
			}
}
END_TEST

START_TEST(test_million)
{
	size_t i, n = 1000000;
	double *x = xmalloc(n * sizeof *x), *y = xmalloc(n * sizeof *y);
	struct plot_series s = { "big", x, y, n };
	struct plot_opts o = opts(200, 60, PLOT_BRAILLE);
	struct plot_canvas c;
	struct axes a;
	int col, line, dots;

	for (i = 0; i < n; i++) {
		x[i] = 2.8 + 1.2 * (double)i / (double)n;
		y[i] = sin((double)i * 1e-3) * 3;
	}
	plot_render(&o, &s, 1, &c);
	ck_assert_uint_eq(c.points, n);
	check_lines(&c);
	a = axes_find(&c, CORNER, HLINE, XTICK, 0);
	/* A dense curve: every plot column has dots. */
	for (col = a.col + 1; col < c.width; col++) {
		for (line = 0, dots = 0; line < a.line; line++)
			if (cell(&c, col, line)->text[0] != '\0')
				dots++;
		if (dots == 0)
			ck_abort_msg("no dots in column %d", col);
	}
	plot_canvas_free(&c);
	free(x);
	free(y);
}
END_TEST

Suite *
suite_plot(void)
{
	Suite *s = suite_create("plot");
	TCase *tc = tcase_create("render");

	tcase_add_test(tc, test_braille_corners);
	tcase_add_test(tc, test_braille_bits);
	tcase_add_test(tc, test_block);
	tcase_add_test(tc, test_ascii);
	tcase_add_test(tc, test_axes_and_ticks);
	tcase_add_test(tc, test_tick_labels);
	tcase_add_test(tc, test_legend);
	tcase_add_test(tc, test_autoscale);
	tcase_add_test(tc, test_nonfinite);
	tcase_add_test(tc, test_no_points);
	tcase_add_test(tc, test_small);
	tcase_add_test(tc, test_overlap);
	tcase_add_test(tc, test_widths);
	tcase_add_test(tc, test_million);
	suite_add_tcase(s, tc);
	return s;
}
