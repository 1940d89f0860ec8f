/*
 * plot.h -- the console's live plot, rendered to text with no terminal:
 * one or more series of (x, y) points drawn on a canvas of character
 * cells with braille dots (2x4 per cell), block quadrants (2x2) or ASCII,
 * autoscaled, with axes, tick labels and a legend.  Pure functions, so the
 * plot is tested without a terminal; the plot view copies the cells to
 * the screen.
 */
#ifndef LABRAT_PLOT_H
#define LABRAT_PLOT_H

#include <stdbool.h>
#include <stddef.h>

enum plot_glyphs {
	PLOT_BRAILLE,  /* U+2800..U+28FF: 2x4 dots per cell */
	PLOT_BLOCK,    /* quadrant blocks U+2596..U+259F, U+2580.., 2x2 */
	PLOT_ASCII,    /* '.', ':', '*' and friends: 1x2, any terminal */
};

struct plot_series {
	const char *label;   /* for the legend, e.g. "x0=0.1"; may be NULL */
	const double *x;
	const double *y;
	size_t n;
};

struct plot_opts {
	int width;           /* columns of the whole plot, axes included */
	int height;          /* lines of the whole plot, axes included */
	enum plot_glyphs glyphs;
	const char *xlabel;  /* e.g. "r" */
	const char *ylabel;  /* e.g. "lyapunov" */
};

/* One character cell: up to 4 bytes of UTF-8 and a NUL; series is the
 * index of the series that drew it (for its colour), or -1 for axes,
 * labels and empty cells. */
struct plot_cell {
	char text[5];
	int series;
};

struct plot_canvas {
	int width, height;
	struct plot_cell *cells;  /* width * height, row-major */
	/* The ranges the autoscale chose (finite; equal ends widened). */
	double xmin, xmax, ymin, ymax;
	size_t points;            /* finite points drawn */
};

/*
 * Render the series into c (allocated here; free with plot_canvas_free):
 * the y axis with tick labels on the left, the x axis with tick labels
 * under it, the legend on the top line when there are several series.
 * Non-finite points are skipped.  With no finite point the canvas says
 * "no points yet".  A width under 20 or a height under 5 gives an empty
 * canvas of that size.
 */
void plot_render(const struct plot_opts *o, const struct plot_series *s,
    size_t nseries, struct plot_canvas *c);
void plot_canvas_free(struct plot_canvas *c);
/* Line y of the canvas as one UTF-8 string (owned by the caller). */
char *plot_canvas_line(const struct plot_canvas *c, int y);

#endif
