/*
 * plot.c -- the console's live plot as a canvas of character cells.  One
 * pass over the points finds the ranges of the finite ones, a second drops
 * each into a dot mask per cell (braille 2x4, block quadrants 2x2 or ASCII
 * 1x2), and the masks become glyphs: a render costs O(points + cells)
 * however many points there are.  Around the dots go the y axis with its
 * tick labels in a left margin as narrow as they need, the x axis with its
 * tick labels under their columns, the axis labels and, with several
 * series, a legend whose markers carry their series index for the view's
 * colours.
 *
 * Series are drawn in order, so where dots of several series share a cell
 * the cell shows the dots of all of them and takes the index of the last
 * one drawn (the highest index).
 */
#include "config.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "util.h"

#define PLOT_MIN_WIDTH 20
#define PLOT_MIN_HEIGHT 5
#define PLOT_TICKS_MAX 5
/* From this height on the x label gets a line of its own. */
#define PLOT_XLABEL_LINE_HEIGHT 10
#define PLOT_NO_POINTS "no points yet"

/* The characters of one glyph set. */
struct plot_style {
	int xshift, yshift;		/* log2 of the dots per cell */
	unsigned char bit[4][2];	/* mask bit of dot [row][column] */
	const char *const *dots;	/* glyph per mask; NULL: braille */
	const char *vline, *hline, *corner, *ytick, *xtick, *marker;
};

static const char *const plot_block_dots[16] = {
	" ", "\u2598", "\u259d", "\u2580", "\u2596", "\u258c", "\u259e",
	"\u259b", "\u2597", "\u259a", "\u2590", "\u259c", "\u2584", "\u2599",
	"\u259f", "\u2588"
};

static const char *const plot_ascii_dots[4] = { " ", "'", ".", ":" };

static const struct plot_style plot_styles[] = {
	[PLOT_BRAILLE] = { 1, 2,
	    { { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 } },
	    NULL, "\u2502", "\u2500", "\u2514", "\u2524", "\u252c", "\u25cf" },
	[PLOT_BLOCK] = { 1, 1, { { 0x1, 0x2 }, { 0x4, 0x8 } },
	    plot_block_dots, "\u2502", "\u2500", "\u2514", "\u2524", "\u252c",
	    "\u25cf" },
	[PLOT_ASCII] = { 0, 1, { { 0x1 }, { 0x2 } },
	    plot_ascii_dots, "|", "-", "+", "+", "+", "*" },
};

/* Maps values of one axis to dots: dot = (v * k - lo) * mul. */
struct plot_scale {
	double lo;		/* low end, times k */
	double span;		/* (high - low) * k: finite, > 0 */
	double k;		/* 1, or 0.5 where high - low overflows */
	double mul;		/* n / span, if finite */
	bool divide;		/* n / span overflows: divide instead */
	int n;			/* dots along the axis */
};

/* The ticks of one axis. */
struct plot_axis {
	int n;
	double v[PLOT_TICKS_MAX];
	int at[PLOT_TICKS_MAX];		/* column or line of each tick */
	int start[PLOT_TICKS_MAX];	/* column of its label; -1: none */
	int len[PLOT_TICKS_MAX];
	char label[PLOT_TICKS_MAX][32];
};

/* What a render works with: the plot area is lines top..axis_line-1 and
 * columns axis_col+1..width-1. */
struct plot_ctx {
	struct plot_canvas *c;
	const struct plot_style *st;
	int top, axis_line, tick_line, xlabel_line;
	int axis_col, pw, ph;
	char *xlabel, *ylabel;
};

/* Return the length of the UTF-8 sequence that starts with byte b. */
static int
plot_utf8_len(unsigned char b)
{
	if (b < 0xc0)
		return 1;
	if (b < 0xe0)
		return 2;
	if (b < 0xf0)
		return 3;
	return 4;
}

/* Return the cells the clean UTF-8 string s takes. */
static int
plot_text_width(const char *s)
{
	int n = 0;

	if (s == NULL)
		return 0;
	for (; *s != '\0'; s += plot_utf8_len((unsigned char)*s))
		n++;
	return n;
}

/* Return a copy of s that is valid UTF-8, or NULL if s is NULL or empty. */
static char *
plot_clean(const char *s)
{
	struct buf b;

	if (s == NULL || *s == '\0')
		return NULL;
	buf_init(&b);
	util_utf8_sanitize(&b, s, strlen(s));
	return buf_steal(&b);
}

/* Set cell (x, y) to the glyph text (one character) drawn by series. */
static void
plot_set(struct plot_canvas *c, int x, int y, const char *text, int series)
{
	struct plot_cell *cell;

	if (x < 0 || y < 0 || x >= c->width || y >= c->height)
		return;
	cell = &c->cells[(size_t)y * c->width + x];
	snprintf(cell->text, sizeof cell->text, "%s", text);
	cell->series = series;
}

/* Write clean UTF-8 s from (x, y), at most max cells, control characters
 * as '?'; return the cells written. */
static int
plot_put(struct plot_canvas *c, int x, int y, const char *s, int max)
{
	const unsigned char *p = (const unsigned char *)s;
	char ch[5];
	int n = 0, len;

	while (*p != '\0' && n < max && x + n < c->width) {
		len = plot_utf8_len(*p);
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] < 0xa0))
			snprintf(ch, sizeof ch, "?");
		else {
			memcpy(ch, p, len);
			ch[len] = '\0';
		}
		plot_set(c, x + n, y, ch, -1);
		p += len;
		n++;
	}
	return n;
}

/* Widen a range whose ends are equal so that the value sits in the
 * middle. */
static void
plot_widen(double *lo, double *hi)
{
	double v = *lo, d;

	if (*lo < *hi)
		return;
	d = fmax(fabs(v) * 0.1, 0.5);
	*lo = v - d;
	*hi = v + d;
	if (isinf(*lo))
		*lo = -DBL_MAX;
	if (isinf(*hi))
		*hi = DBL_MAX;
}

/* Set the canvas ranges to those of the finite points; return how many
 * finite points there are. */
static size_t
plot_autoscale(const struct plot_series *s, size_t ns, struct plot_canvas *c)
{
	double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
	double x, y;
	size_t i, j, n = 0;

	for (i = 0; i < ns; i++) {
		if (s[i].x == NULL || s[i].y == NULL)
			continue;
		for (j = 0; j < s[i].n; j++) {
			x = s[i].x[j];
			y = s[i].y[j];
			if (!isfinite(x) || !isfinite(y))
				continue;
			xlo = x < xlo ? x : xlo;
			xhi = x > xhi ? x : xhi;
			ylo = y < ylo ? y : ylo;
			yhi = y > yhi ? y : yhi;
			n++;
		}
	}
	if (n == 0) {
		c->xmin = c->ymin = 0;
		c->xmax = c->ymax = 1;
		return 0;
	}
	plot_widen(&xlo, &xhi);
	plot_widen(&ylo, &yhi);
	c->xmin = xlo;
	c->xmax = xhi;
	c->ymin = ylo;
	c->ymax = yhi;
	return n;
}

/* Set up sc to map [lo, hi] (lo < hi, both finite) to n dots. */
static void
plot_scale_init(struct plot_scale *sc, double lo, double hi, int n)
{
	sc->k = isfinite(hi - lo) ? 1 : 0.5;
	sc->lo = lo * sc->k;
	sc->span = hi * sc->k - sc->lo;
	sc->n = n;
	sc->mul = n / sc->span;
	sc->divide = !isfinite(sc->mul);
}

/* Return the dot (0..n-1) of finite value v, clamped to the axis. */
static inline int
plot_scale_dot(const struct plot_scale *sc, double v)
{
	double f;

	if (sc->divide)
		f = (v * sc->k - sc->lo) / sc->span * sc->n;
	else
		f = (v * sc->k - sc->lo) * sc->mul;
	if (!(f > 0))
		return 0;
	if (f >= sc->n)
		return sc->n - 1;
	return (int)f;
}

/* Label the ticks of a compactly: as many significant digits as the step
 * needs, and whole numbers below 10000 written out. */
static void
plot_axis_label(struct plot_axis *a, int estep)
{
	int i, e, emax = INT_MIN, p;

	for (i = 0; i < a->n; i++) {
		if (a->v[i] == 0)
			continue;
		e = (int)floor(log10(fabs(a->v[i])));
		emax = e > emax ? e : emax;
	}
	if (emax == INT_MIN)
		p = 1;
	else {
		p = emax - estep + 1;
		if (emax >= 0 && emax < 4 && p < emax + 1)
			p = emax + 1;
	}
	p = p < 1 ? 1 : p > 17 ? 17 : p;
	for (i = 0; i < a->n; i++) {
		snprintf(a->label[i], sizeof a->label[i], "%.*g", p, a->v[i]);
		a->len[i] = (int)strlen(a->label[i]);
		a->start[i] = -1;
	}
}

/* Choose at most max ticks inside [lo, hi] at multiples of the smallest
 * step of 1, 2 or 5 times a power of ten that gives no more (near DBL_MAX,
 * where larger steps overflow, the largest finite step), and label
 * them. */
static void
plot_axis_ticks(struct plot_axis *a, double lo, double hi, int max)
{
	static const double mant[] = { 1, 2, 5 };
	double r = hi - lo, p10, step, first = 0, count = 0, m = 0, scale = 0;
	int e, i, j, k, estep = 0;
	bool divide, div = false, found = false;

	a->n = 0;
	if (max > PLOT_TICKS_MAX)
		max = PLOT_TICKS_MAX;
	e = (int)floor(isfinite(r) ? log10(r) :
	    log10(hi * 0.5 - lo * 0.5) + log10(2));
	for (i = e - 1; i <= e + 1 && !found; i++) {
		/* Divide by 10^-i where it is finite: multiples of 0.1
		 * are exact as n / 10, not as n * 0.1. */
		p10 = pow(10, i < 0 ? -i : i);
		divide = i < 0 && isfinite(p10);
		if (i < 0 && !divide)
			p10 = pow(10, i);
		for (j = 0; j < (int)UTIL_ARRLEN(mant) && !found; j++) {
			step = divide ? mant[j] / p10 : mant[j] * p10;
			if (!isfinite(step) || step <= 0 ||
			    floor(hi / step) - ceil(lo / step) + 1 >
			    PLOT_TICKS_MAX)
				continue;
			first = ceil(lo / step);
			count = floor(hi / step) - first + 1;
			m = mant[j];
			scale = p10;
			div = divide;
			estep = i;
			found = count <= max;
		}
	}
	if (scale == 0)
		return;
	for (k = 0; k < (int)count; k++) {
		a->v[k] = div ? (first + k) * m / scale :
		    (first + k) * m * scale;
		a->v[k] += 0.0;	/* no "-0" */
	}
	a->n = count > 0 ? (int)count : 0;
	plot_axis_label(a, estep);
}

/* Place the x tick labels centred under their columns, inside width and
 * a space apart, leaving out those that do not fit; return how many
 * fit. */
static int
plot_axis_fit(struct plot_axis *a, int width)
{
	int i, start, next = 0, placed = 0;

	for (i = 0; i < a->n; i++) {
		a->start[i] = -1;
		start = a->at[i] - a->len[i] / 2;
		if (start + a->len[i] > width)
			start = width - a->len[i];
		if (start < 0 && a->len[i] <= width)
			start = 0;
		if (start < next)
			continue;
		a->start[i] = start;
		next = start + a->len[i] + 1;
		placed++;
	}
	return placed;
}

/* Lay out the lines: legend and y label on top, then the plot area, the
 * x axis, its tick labels and, on a tall canvas, the x label. */
static void
plot_layout(struct plot_ctx *p, size_t ns)
{
	int h = p->c->height;

	p->top = p->ylabel != NULL || ns >= 2 ? 1 : 0;
	if (p->xlabel != NULL && h >= PLOT_XLABEL_LINE_HEIGHT) {
		p->xlabel_line = h - 1;
		p->tick_line = h - 2;
	} else
		p->xlabel_line = p->tick_line = h - 1;
	p->axis_line = p->tick_line - 1;
	p->ph = p->axis_line - p->top;
}

/* Draw the top line: the y label at the left and, with several series,
 * the legend at the right (each marker carries its series index). */
static void
plot_draw_header(struct plot_ctx *p, const struct plot_series *s, size_t ns)
{
	struct plot_canvas *c = p->c;
	char **label;
	int *len, reserve = 0, used = 0, x, ylen;
	size_t i, m = 0;

	ylen = plot_text_width(p->ylabel);
	if (ylen > 0)
		reserve = (ylen < c->width / 4 ? ylen : c->width / 4) + 2;
	if (ns >= 2) {
		label = xcalloc(ns, sizeof *label);
		len = xcalloc(ns, sizeof *len);
		for (i = 0; i < ns; i++) {
			label[i] = plot_clean(s[i].label);
			if (label[i] == NULL)
				label[i] = xasprintf("#%zu", i + 1);
			len[i] = plot_text_width(label[i]);
		}
		for (m = 0; m < ns; m++) {
			if (used + (m > 0 ? 2 : 0) + 2 + len[m] >
			    c->width - reserve)
				break;
			used += (m > 0 ? 2 : 0) + 2 + len[m];
		}
		x = c->width - used;
		for (i = 0; i < m; i++) {
			plot_set(c, x, 0, p->st->marker, (int)i);
			x += 2 + plot_put(c, x + 2, 0, label[i], len[i]) + 2;
		}
		for (i = 0; i < ns; i++)
			free(label[i]);
		free(label);
		free(len);
	}
	if (ylen > 0)
		plot_put(c, 0, 0, p->ylabel, c->width - used - (m > 0 ? 2 : 0));
}

/* Draw the axis lines, with a mark at each tick. */
static void
plot_draw_frame(struct plot_ctx *p, const struct plot_axis *ya,
    const struct plot_axis *xa)
{
	const struct plot_style *st = p->st;
	int i, x, y;

	for (y = p->top; y < p->axis_line; y++)
		plot_set(p->c, p->axis_col, y, st->vline, -1);
	plot_set(p->c, p->axis_col, p->axis_line, st->corner, -1);
	for (x = p->axis_col + 1; x < p->c->width; x++)
		plot_set(p->c, x, p->axis_line, st->hline, -1);
	for (i = 0; ya != NULL && i < ya->n; i++)
		plot_set(p->c, p->axis_col, ya->at[i], st->ytick, -1);
	for (i = 0; xa != NULL && i < xa->n; i++)
		plot_set(p->c, xa->at[i], p->axis_line, st->xtick, -1);
}

/* Set cell (x, y) to the glyph of dot mask m, drawn by series. */
static void
plot_set_dots(struct plot_ctx *p, int x, int y, unsigned m, int series)
{
	char text[4];

	if (p->st->dots != NULL) {
		plot_set(p->c, x, y, p->st->dots[m], series);
		return;
	}
	/* U+2800 + m in UTF-8. */
	text[0] = (char)0xe2;
	text[1] = (char)(0xa0 | (m >> 6));
	text[2] = (char)(0x80 | (m & 0x3f));
	text[3] = '\0';
	plot_set(p->c, x, y, text, series);
}

/* Drop every finite point into the dot mask of its cell, then turn the
 * masks into glyphs. */
static void
plot_draw_dots(struct plot_ctx *p, const struct plot_series *s, size_t ns)
{
	const struct plot_style *st = p->st;
	struct plot_canvas *c = p->c;
	struct plot_scale sx, sy;
	unsigned char *mask;
	int *owner, dx, dy, sh, row, col;
	size_t i, j, cell, ncells = (size_t)p->pw * p->ph;
	double x, y;

	dx = 1 << st->xshift;
	dy = 1 << st->yshift;
	sh = p->ph * dy;
	plot_scale_init(&sx, c->xmin, c->xmax, p->pw * dx);
	plot_scale_init(&sy, c->ymin, c->ymax, sh);
	mask = xcalloc(ncells, 1);
	owner = xcalloc(ncells, sizeof *owner);
	for (i = 0; i < ns; i++) {
		if (s[i].x == NULL || s[i].y == NULL)
			continue;
		for (j = 0; j < s[i].n; j++) {
			x = s[i].x[j];
			y = s[i].y[j];
			if (!isfinite(x) || !isfinite(y))
				continue;
			col = plot_scale_dot(&sx, x);
			row = sh - 1 - plot_scale_dot(&sy, y);
			cell = (size_t)(row >> st->yshift) * p->pw +
			    (size_t)(col >> st->xshift);
			mask[cell] |= st->bit[row & (dy - 1)][col & (dx - 1)];
			owner[cell] = (int)i;
			c->points++;
		}
	}
	for (cell = 0; cell < ncells; cell++) {
		if (mask[cell] == 0)
			continue;
		plot_set_dots(p, p->axis_col + 1 + (int)(cell % p->pw),
		    p->top + (int)(cell / p->pw), mask[cell], owner[cell]);
	}
	free(owner);
	free(mask);
}

/* Choose the y ticks and so the width of the left margin: none if the
 * labels would take more than half the width. */
static void
plot_ticks_y(struct plot_ctx *p, struct plot_axis *ya)
{
	struct plot_canvas *c = p->c;
	struct plot_scale sy;
	int i, max, sh, lw = 0;

	max = p->ph < 2 ? 2 : p->ph;
	plot_axis_ticks(ya, c->ymin, c->ymax, max);
	sh = p->ph << p->st->yshift;
	plot_scale_init(&sy, c->ymin, c->ymax, sh);
	for (i = 0; i < ya->n; i++) {
		ya->at[i] = p->top +
		    ((sh - 1 - plot_scale_dot(&sy, ya->v[i])) >> p->st->yshift);
		lw = ya->len[i] > lw ? ya->len[i] : lw;
	}
	if (lw > (c->width - 1) / 2)
		lw = 0;
	for (i = 0; i < ya->n; i++) {
		if (lw == 0 || (i > 0 && ya->at[i] == ya->at[i - 1]))
			continue;
		ya->start[i] = lw - ya->len[i];
	}
	p->axis_col = lw;
	p->pw = c->width - lw - 1;
}

/* Choose the x ticks: the most, up to PLOT_TICKS_MAX, whose labels all
 * fit, or else the set that labels the most ticks. */
static void
plot_ticks_x(struct plot_ctx *p, struct plot_axis *xa)
{
	struct plot_canvas *c = p->c;
	struct plot_axis try;
	struct plot_scale sx;
	int i, max, placed, best = -1;

	plot_scale_init(&sx, c->xmin, c->xmax, p->pw << p->st->xshift);
	for (max = PLOT_TICKS_MAX; max >= 2; max--) {
		plot_axis_ticks(&try, c->xmin, c->xmax, max);
		for (i = 0; i < try.n; i++)
			try.at[i] = p->axis_col + 1 +
			    (plot_scale_dot(&sx, try.v[i]) >> p->st->xshift);
		placed = plot_axis_fit(&try, c->width);
		if (placed > best || placed == try.n) {
			*xa = try;
			best = placed;
		}
		if (placed == try.n)
			break;
	}
}

/* Write the tick labels of both axes. */
static void
plot_draw_ticks(struct plot_ctx *p, const struct plot_axis *ya,
    const struct plot_axis *xa)
{
	int i;

	for (i = 0; i < ya->n; i++)
		if (ya->start[i] >= 0)
			plot_put(p->c, ya->start[i], ya->at[i], ya->label[i],
			    ya->len[i]);
	for (i = 0; i < xa->n; i++)
		if (xa->start[i] >= 0)
			plot_put(p->c, xa->start[i], p->tick_line,
			    xa->label[i], xa->len[i]);
}

/* Write the x label: centred under the plot area on a line of its own,
 * or at the right of the tick labels if there is room. */
static void
plot_draw_xlabel(struct plot_ctx *p, const struct plot_axis *xa)
{
	int w = p->c->width, len, x, i, next = 0;

	if (p->xlabel == NULL)
		return;
	len = plot_text_width(p->xlabel);
	if (p->xlabel_line != p->tick_line) {
		x = p->axis_col + 1 + (p->pw - len) / 2;
		if (x + len > w)
			x = w - len;
		plot_put(p->c, x < 0 ? 0 : x, p->xlabel_line, p->xlabel, w);
		return;
	}
	for (i = 0; xa != NULL && i < xa->n; i++)
		if (xa->start[i] >= 0)
			next = xa->start[i] + xa->len[i] + 2;
	if (w - len >= next)
		plot_put(p->c, w - len, p->tick_line, p->xlabel, len);
}

void
plot_render(const struct plot_opts *o, const struct plot_series *s,
    size_t nseries, struct plot_canvas *c)
{
	struct plot_ctx p;
	struct plot_axis ya, xa;
	size_t i, ncells, finite;
	int x, len;

	memset(c, 0, sizeof *c);
	c->width = o->width > 0 ? o->width : 0;
	c->height = o->height > 0 ? o->height : 0;
	ncells = (size_t)c->width * c->height;
	c->cells = xcalloc(ncells, sizeof *c->cells);
	for (i = 0; i < ncells; i++)
		c->cells[i].series = -1;
	if (s == NULL)
		nseries = 0;
	finite = plot_autoscale(s, nseries, c);
	if (c->width < PLOT_MIN_WIDTH || c->height < PLOT_MIN_HEIGHT)
		return;

	memset(&p, 0, sizeof p);
	p.c = c;
	if ((unsigned)o->glyphs < UTIL_ARRLEN(plot_styles))
		p.st = &plot_styles[o->glyphs];
	else
		p.st = &plot_styles[PLOT_ASCII];
	p.xlabel = plot_clean(o->xlabel);
	p.ylabel = plot_clean(o->ylabel);
	plot_layout(&p, nseries);
	plot_draw_header(&p, s, nseries);
	if (finite == 0) {
		p.axis_col = 0;
		p.pw = c->width - 1;
		plot_draw_frame(&p, NULL, NULL);
		len = (int)strlen(PLOT_NO_POINTS);
		x = 1 + (p.pw - len) / 2;
		plot_put(c, x, p.top + (p.ph - 1) / 2, PLOT_NO_POINTS, len);
		plot_draw_xlabel(&p, NULL);
	} else {
		plot_ticks_y(&p, &ya);
		plot_ticks_x(&p, &xa);
		plot_draw_frame(&p, &ya, &xa);
		plot_draw_dots(&p, s, nseries);
		plot_draw_ticks(&p, &ya, &xa);
		plot_draw_xlabel(&p, &xa);
	}
	free(p.xlabel);
	free(p.ylabel);
}

void
plot_canvas_free(struct plot_canvas *c)
{
	free(c->cells);
	c->cells = NULL;
	c->width = c->height = 0;
	c->points = 0;
}

char *
plot_canvas_line(const struct plot_canvas *c, int y)
{
	struct buf b;
	const struct plot_cell *cell;
	int x;

	buf_init(&b);
	buf_adds(&b, "");
	if (c->cells == NULL || y < 0 || y >= c->height)
		return buf_steal(&b);
	for (x = 0; x < c->width; x++) {
		cell = &c->cells[(size_t)y * c->width + x];
		if (cell->text[0] == '\0')
			buf_addc(&b, ' ');
		else
			buf_adds(&b, cell->text);
	}
	return buf_steal(&b);
}
