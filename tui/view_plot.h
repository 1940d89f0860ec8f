/*
 * view_plot.h -- what the plot view (view_plot.c) shows beyond its
 * vtable, for the tests: how many points it reads per update, and the
 * series it holds.  The console itself only calls view_plot_new().
 */
#ifndef LABRAT_VIEW_PLOT_H
#define LABRAT_VIEW_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"

/* Points read per update() at most (VIEW_PLOT_CHUNK by default). */
#define VIEW_PLOT_CHUNK 50000
/* Series drawn at most; the values past them are merged into "other". */
#define VIEW_PLOT_SERIES 6

/* Read at most chunk points per update() from now on (chunk >= 1). */
void view_plot_set_chunk(struct view *v, uint64_t chunk);
/* Series i in the order they are drawn (and coloured): false past the
 * last; else its legend label (NULL with no series parameter) and its
 * number of points. */
bool view_plot_series(struct view *v, size_t i, const char **label,
    size_t *n);

#endif
