/*
 * view_plot.c -- the live plot: a result against a parameter, one series
 * per value of an optional second parameter, autoscaled and drawn by
 * plot.c in braille, block or ASCII dots as jobs finish (ClusterLab's
 * "see the answer emerge").  x, y and s cycle the axes and the series
 * parameter; b switches between braille and blocks.
 *
 * The points stay in memory, one pair of arrays per series, and each
 * update reads at most a chunk of new ones (notebook_points after the
 * last job id read), so a set of a million results fills in over a few
 * updates and no frame waits for it.  Job ids are handed out when jobs
 * start, but jobs finish in any order: a job still running or queued
 * below the last id read is a hole, remembered and read on its own once
 * it has settled, so no point is lost.  The canvas is rendered again only
 * when the points, the axes, the glyphs or the size change.
 */
#include "config.h"

#include <sys/types.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "console_int.h"
#include "plot.h"
#include "view_plot.h"

/* Unfinished jobs read per update to find the holes, and holes kept. */
#define VIEW_PLOT_OPEN_MAX 1024
#define VIEW_PLOT_HOLES_MAX 4096
/* Seconds an update may spend reading points (checked every
 * VIEW_PLOT_CLOCK_EVERY points): about 1.6 us each on a big notebook, so
 * a whole chunk would take longer than a frame may. */
#define VIEW_PLOT_BUDGET 0.030
#define VIEW_PLOT_CLOCK_EVERY 1024

struct view_plot_series {
	char *key;            /* the series value as the notebook gives it;
	                         NULL: the job has none */
	char *label;          /* "x0=0.1", "no x0", "other"; NULL: no series
	                         parameter */
	double *x, *y;
	size_t n, cap;
};

struct view_plot {
	int64_t set_id;       /* the set the points are from; 0: none */
	char **params;        /* the set's names, as of the last update */
	char **results;
	char *xname, *yname;  /* the axes; NULL: nothing to plot yet */
	char *sname;          /* the series parameter; NULL: none */

	struct view_plot_series series[VIEW_PLOT_SERIES];
	size_t nseries;
	bool merged;          /* the last series is "other" */
	size_t npoints;
	uint64_t chunk;       /* points read per update at most */
	int64_t last_id;      /* points read up to this job id */
	bool more;            /* the last read stopped short of the end */
	uint64_t nread;       /* points read by this update */
	double deadline;      /* when this update must stop reading */
	bool cut;             /* ... and it did */
	uint64_t ok_seen;     /* ok jobs at the last update */
	int64_t *holes;       /* unfinished jobs below last_id, sorted */
	size_t nholes;
	int64_t *open;        /* unfinished jobs at this update, sorted */
	bool *open_read;      /* ... and whether the read found them ok */
	size_t nopen;
	char *error;          /* the last read failed: why */

	bool block;           /* block dots rather than braille */
	struct plot_canvas canvas;
	enum plot_glyphs glyphs; /* of the canvas */
	bool stale;           /* the canvas must be rendered again */
};

/* One point read on its own (a hole). */
struct view_plot_one {
	int64_t id;
	double x, y;
	char *series;
};

/* Forget the points (not the axes). */
static void
view_plot_reset(struct view_plot *vp)
{
	size_t i;

	for (i = 0; i < vp->nseries; i++) {
		free(vp->series[i].key);
		free(vp->series[i].label);
		free(vp->series[i].x);
		free(vp->series[i].y);
	}
	memset(vp->series, 0, sizeof vp->series);
	vp->nseries = 0;
	vp->merged = false;
	vp->npoints = 0;
	vp->last_id = 0;
	vp->more = false;
	vp->nholes = 0;
	vp->stale = true;
}

/* True if the keys (series values, NULL for none) are equal. */
static bool
view_plot_key_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The series of the value key: a new one while there are fewer than
 * VIEW_PLOT_SERIES, else "other" (the last one, renamed). */
static struct view_plot_series *
view_plot_series_of(struct view_plot *vp, const char *key)
{
	struct view_plot_series *sr;
	size_t i, named = vp->merged ? vp->nseries - 1 : vp->nseries;

	for (i = 0; i < named; i++) {
		if (view_plot_key_eq(vp->series[i].key, key))
			return &vp->series[i];
	}
	if (vp->nseries < VIEW_PLOT_SERIES) {
		sr = &vp->series[vp->nseries++];
		sr->key = key != NULL ? xstrdup(key) : NULL;
		if (vp->sname == NULL)
			sr->label = NULL;
		else if (key == NULL)
			sr->label = xasprintf("no %s", vp->sname);
		else
			sr->label = xasprintf("%s=%s", vp->sname, key);
		return sr;
	}
	sr = &vp->series[vp->nseries - 1];
	if (!vp->merged) {
		free(sr->key);
		free(sr->label);
		sr->key = NULL;
		sr->label = xstrdup("other");
		vp->merged = true;
	}
	return sr;
}

/* Add a point to the series of key. */
static void
view_plot_add(struct view_plot *vp, double x, double y, const char *key)
{
	struct view_plot_series *sr = view_plot_series_of(vp, key);

	if (sr->n == sr->cap) {
		sr->cap = sr->cap == 0 ? 256 : sr->cap * 2;
		sr->x = xreallocarray(sr->x, sr->cap, sizeof *sr->x);
		sr->y = xreallocarray(sr->y, sr->cap, sizeof *sr->y);
	}
	sr->x[sr->n] = x;
	sr->y[sr->n] = y;
	sr->n++;
	vp->npoints++;
	vp->stale = true;
}

/* Compare two ids (qsort, bsearch). */
static int
view_plot_id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The index of id in the unfinished jobs, or -1. */
static ssize_t
view_plot_open_find(const struct view_plot *vp, int64_t id)
{
	const int64_t *p;

	if (vp->nopen == 0)
		return -1;
	p = bsearch(&id, vp->open, vp->nopen, sizeof *vp->open,
	    view_plot_id_cmp);
	return p == NULL ? -1 : p - vp->open;
}

/* Collect an unfinished job; stop at the first finished one (the page is
 * sorted by state, running and queued first). */
static int
view_plot_on_open(const struct nb_job *j, void *arg)
{
	struct view_plot *vp = arg;

	if (j->state != NB_RUNNING && j->state != NB_QUEUED)
		return 1;
	vp->open[vp->nopen++] = j->id;
	return 0;
}

/* Read the ids of the set's unfinished jobs (at most VIEW_PLOT_OPEN_MAX,
 * through the state index). */
static int
view_plot_read_open(struct view_plot *vp, struct notebook *nb, char **err)
{
	if (vp->open == NULL) {
		vp->open = xcalloc(VIEW_PLOT_OPEN_MAX, sizeof *vp->open);
		vp->open_read = xcalloc(VIEW_PLOT_OPEN_MAX,
		    sizeof *vp->open_read);
	}
	vp->nopen = 0;
	if (notebook_jobs_page(nb, vp->set_id, "state", true, 0, 0,
	    VIEW_PLOT_OPEN_MAX, view_plot_on_open, vp, err) != 0)
		return -1;
	qsort(vp->open, vp->nopen, sizeof *vp->open, view_plot_id_cmp);
	memset(vp->open_read, 0, vp->nopen * sizeof *vp->open_read);
	return 0;
}

/* Add a point read in order after the last id. */
static int
view_plot_on_point(int64_t job_id, double x, double y, const char *series,
    void *arg)
{
	struct view_plot *vp = arg;
	ssize_t i;

	if ((i = view_plot_open_find(vp, job_id)) != -1)
		vp->open_read[i] = true;
	view_plot_add(vp, x, y, series);
	if (++vp->nread % VIEW_PLOT_CLOCK_EVERY == 0 &&
	    util_monotonic() > vp->deadline) {
		vp->cut = true;
		return 1;
	}
	return 0;
}

/* Keep the first point read (a hole's). */
static int
view_plot_on_one(int64_t job_id, double x, double y, const char *series,
    void *arg)
{
	struct view_plot_one *one = arg;

	one->id = job_id;
	one->x = x;
	one->y = y;
	one->series = series != NULL ? xstrdup(series) : NULL;
	return 1;
}

/*
 * Settle the holes.  A hole that is not among the unfinished jobs read
 * before this update's points has finished: read its point, if it has
 * one, and forget it (unless that list was cut short, when a hole not in
 * it may still be queued).  Then the unfinished jobs up to the last id
 * read, which the read skipped, are the holes.
 */
static int
view_plot_settle(struct view_plot *vp, struct notebook *nb, char **err)
{
	struct view_plot_one one;
	bool complete = vp->nopen < VIEW_PLOT_OPEN_MAX;
	int64_t last;
	size_t i, kept = 0, n;

	for (i = 0; i < vp->nholes; i++) {
		if (view_plot_open_find(vp, vp->holes[i]) != -1)
			continue;
		memset(&one, 0, sizeof one);
		if (notebook_points(nb, vp->set_id, vp->xname, vp->yname,
		    vp->sname, vp->holes[i] - 1, 1, view_plot_on_one, &one,
		    &last, err) != 0)
			return -1;
		if (one.id == vp->holes[i])
			view_plot_add(vp, one.x, one.y, one.series);
		else if (!complete)
			vp->holes[kept++] = vp->holes[i];
		free(one.series);
	}
	if (kept > VIEW_PLOT_HOLES_MAX - VIEW_PLOT_OPEN_MAX) {
		memmove(vp->holes, vp->holes + kept - (VIEW_PLOT_HOLES_MAX -
		    VIEW_PLOT_OPEN_MAX), (VIEW_PLOT_HOLES_MAX -
		    VIEW_PLOT_OPEN_MAX) * sizeof *vp->holes);
		kept = VIEW_PLOT_HOLES_MAX - VIEW_PLOT_OPEN_MAX;
	}
	n = kept;
	vp->holes = xreallocarray(vp->holes, kept + vp->nopen + 1,
	    sizeof *vp->holes);
	for (i = 0; i < vp->nopen; i++) {
		if (vp->open[i] <= vp->last_id && !vp->open_read[i])
			vp->holes[n++] = vp->open[i];
	}
	qsort(vp->holes, n, sizeof *vp->holes, view_plot_id_cmp);
	vp->nholes = n;
	return 0;
}

/* Read the next chunk of points (within the time budget), and those of
 * the holes that settled. */
static int
view_plot_load(struct view_plot *vp, struct notebook *nb, char **err)
{
	int64_t last;

	/* The unfinished jobs first: a job that finishes after this is
	 * either read below or still counted as unfinished. */
	if (view_plot_read_open(vp, nb, err) != 0)
		return -1;
	vp->nread = 0;
	vp->cut = false;
	vp->deadline = util_monotonic() + VIEW_PLOT_BUDGET;
	if (notebook_points(nb, vp->set_id, vp->xname, vp->yname, vp->sname,
	    vp->last_id, vp->chunk, view_plot_on_point, vp, &last, err) != 0)
		return -1;
	vp->more = vp->cut || vp->nread >= vp->chunk;
	vp->last_id = last;
	return view_plot_settle(vp, nb, err);
}

/* True if name is in the NULL-terminated vector v. */
static bool
view_plot_has(char *const *v, const char *name)
{
	for (; v != NULL && *v != NULL; v++) {
		if (strcmp(*v, name) == 0)
			return true;
	}
	return false;
}

/* Replace *name with value (copied; NULL for none). */
static void
view_plot_set_name(char **name, const char *value)
{
	free(*name);
	*name = value != NULL ? xstrdup(value) : NULL;
}

/* Keep the axes the set has, default the others (x the first parameter,
 * y the first result); true if any changed. */
static bool
view_plot_axes(struct view_plot *vp)
{
	bool changed = false;

	if (vp->xname != NULL && !view_plot_has(vp->params, vp->xname) &&
	    !view_plot_has(vp->results, vp->xname)) {
		view_plot_set_name(&vp->xname, NULL);
		changed = true;
	}
	if (vp->xname == NULL && vp->params[0] != NULL) {
		view_plot_set_name(&vp->xname, vp->params[0]);
		changed = true;
	}
	if (vp->yname != NULL && !view_plot_has(vp->results, vp->yname)) {
		view_plot_set_name(&vp->yname, NULL);
		changed = true;
	}
	if (vp->yname == NULL && vp->results[0] != NULL) {
		view_plot_set_name(&vp->yname, vp->results[0]);
		changed = true;
	}
	if (vp->sname != NULL && (!view_plot_has(vp->params, vp->sname) ||
	    (vp->xname != NULL && strcmp(vp->sname, vp->xname) == 0))) {
		view_plot_set_name(&vp->sname, NULL);
		changed = true;
	}
	return changed;
}

/* Read the set's names; 0 or -1. */
static int
view_plot_names(struct view_plot *vp, struct notebook *nb, char **err)
{
	char **params, **results;

	if (notebook_names(nb, vp->set_id, NB_NAME_PARAM, &params, err) != 0)
		return -1;
	if (notebook_names(nb, vp->set_id, NB_NAME_RESULT, &results,
	    err) != 0) {
		util_strv_free(params);
		return -1;
	}
	util_strv_free(vp->params);
	util_strv_free(vp->results);
	vp->params = params;
	vp->results = results;
	return 0;
}

/* The set or the notebook changed: read what is new. */
static void
view_plot_update(struct view *v, struct console *c)
{
	struct view_plot *vp = v->data;
	const struct nb_set *s = console_set(c);
	const struct nb_counts *n = console_counts(c);
	char *err = NULL;

	if (s == NULL) {
		if (vp->set_id != 0)
			view_plot_reset(vp);
		vp->set_id = 0;
		goto done;
	}
	if (s->id != vp->set_id) {
		view_plot_reset(vp);
		vp->set_id = s->id;
		vp->ok_seen = 0;
	}
	if (view_plot_names(vp, c->nb, &err) != 0)
		goto fail;
	if (view_plot_axes(vp))
		view_plot_reset(vp);
	/* Fewer ok jobs than before: some were run again (labrat retry);
	 * their points are no longer current. */
	if (n->n[NB_OK] < vp->ok_seen)
		view_plot_reset(vp);
	vp->ok_seen = n->n[NB_OK];
	if (vp->xname == NULL || vp->yname == NULL)
		goto done;
	if (view_plot_load(vp, c->nb, &err) != 0)
		goto fail;
	/* More points are waiting: ask the console for another turn now
	 * rather than at the next tick. */
	if (vp->more)
		c->loading = true;
done:
	free(vp->error);
	vp->error = NULL;
	return;
fail:
	/* A read that failed half way leaves the points unsure: the next
	 * update starts over. */
	view_plot_reset(vp);
	free(vp->error);
	vp->error = err;
}

/* Order series: numbers by value, then other values by text, then jobs
 * without a value, "other" last. */
static int
view_plot_series_cmp(const struct view_plot *vp, size_t a, size_t b)
{
	const char *ka = vp->series[a].key, *kb = vp->series[b].key;
	char *ea, *eb;
	double da, db;
	bool na, nb;

	if (vp->merged && (a == vp->nseries - 1 || b == vp->nseries - 1))
		return a == vp->nseries - 1 ? 1 : -1;
	if (ka == NULL || kb == NULL)
		return (ka == NULL) - (kb == NULL);
	da = strtod(ka, &ea);
	db = strtod(kb, &eb);
	na = ea != ka && *ea == '\0';
	nb = eb != kb && *eb == '\0';
	if (na && nb && da != db)
		return da < db ? -1 : 1;
	if (na != nb)
		return na ? -1 : 1;
	return strcmp(ka, kb);
}

/* The series indices in the order they are drawn. */
static void
view_plot_order(const struct view_plot *vp, size_t order[VIEW_PLOT_SERIES])
{
	size_t i, j, t;

	for (i = 0; i < vp->nseries; i++)
		order[i] = i;
	for (i = 1; i < vp->nseries; i++) {
		for (j = i; j > 0 && view_plot_series_cmp(vp, order[j - 1],
		    order[j]) > 0; j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	}
}

/* Series i in drawing order: its label and its number of points. */
bool
view_plot_series(struct view *v, size_t i, const char **label, size_t *n)
{
	struct view_plot *vp = v->data;
	size_t order[VIEW_PLOT_SERIES];

	if (i >= vp->nseries)
		return false;
	view_plot_order(vp, order);
	*label = vp->series[order[i]].label;
	*n = vp->series[order[i]].n;
	return true;
}

/* Set the most points an update reads. */
void
view_plot_set_chunk(struct view *v, uint64_t chunk)
{
	struct view_plot *vp = v->data;

	vp->chunk = chunk > 0 ? chunk : 1;
}

/* The title line: the axes, the points (or the loading progress) and
 * the keys. */
static char *
view_plot_title(const struct view_plot *vp, const struct console *c)
{
	const struct nb_counts *n = console_counts(c);
	const char *sep = c->utf8 ? " \xc2\xb7 " : " - ";
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "%s vs %s", vp->yname != NULL ? vp->yname : "?",
	    vp->xname != NULL ? vp->xname : "?");
	if (vp->sname != NULL)
		buf_printf(&b, ", series %s", vp->sname);
	if (vp->more && n != NULL)
		buf_printf(&b, "%sloading %zu/%" PRIu64, sep, vp->npoints,
		    n->n[NB_OK]);
	else
		buf_printf(&b, "%s%zu point%s", sep, vp->npoints,
		    vp->npoints == 1 ? "" : "s");
	if (vp->merged)
		buf_printf(&b, "%sseries past %d merged into other", sep,
		    VIEW_PLOT_SERIES - 1);
	buf_printf(&b, "%sx/y/s change axes%s", sep, c->utf8 ? ", b dots" :
	    "");
	return buf_steal(&b);
}

/* What to say instead of a plot, or NULL to draw one. */
static char *
view_plot_empty(const struct view_plot *vp, const struct console *c)
{
	const struct nb_counts *n = console_counts(c);

	if (console_set(c) == NULL)
		return xstrdup("No result sets in this notebook yet: press n "
		    "to define a campaign.");
	if (vp->error != NULL)
		return xasprintf("cannot read the points: %s", vp->error);
	if (vp->xname == NULL || vp->yname == NULL || n->n[NB_OK] == 0)
		return xstrdup("no results yet: points appear here as jobs "
		    "finish");
	if (vp->npoints == 0)
		return xasprintf("no numeric values of %s against %s in the %"
		    PRIu64 " ok job%s yet: x and y choose other axes",
		    vp->yname, vp->xname, n->n[NB_OK],
		    n->n[NB_OK] == 1 ? "" : "s");
	return NULL;
}

/* Render the canvas again if anything it shows changed. */
static void
view_plot_render(struct view_plot *vp, const struct console *c, int width,
    int height)
{
	struct plot_series s[VIEW_PLOT_SERIES];
	struct plot_opts o;
	size_t order[VIEW_PLOT_SERIES], i;
	enum plot_glyphs g;

	g = !c->utf8 ? PLOT_ASCII : vp->block ? PLOT_BLOCK : PLOT_BRAILLE;
	if (!vp->stale && vp->canvas.cells != NULL && vp->glyphs == g &&
	    vp->canvas.width == width && vp->canvas.height == height)
		return;
	view_plot_order(vp, order);
	for (i = 0; i < vp->nseries; i++) {
		s[i].label = vp->series[order[i]].label;
		s[i].x = vp->series[order[i]].x;
		s[i].y = vp->series[order[i]].y;
		s[i].n = vp->series[order[i]].n;
	}
	memset(&o, 0, sizeof o);
	o.width = width;
	o.height = height;
	o.glyphs = g;
	o.xlabel = vp->xname;
	o.ylabel = vp->yname;
	plot_canvas_free(&vp->canvas);
	plot_render(&o, s, vp->nseries, &vp->canvas);
	vp->glyphs = g;
	vp->stale = false;
}

/* Copy the canvas to w from line top, each run of cells of one series in
 * its colour. */
static void
view_plot_copy(const struct plot_canvas *cv, const struct console *c,
    WINDOW *w, int top)
{
	const struct plot_cell *cell;
	struct buf b;
	int x, y, start, series;

	buf_init(&b);
	for (y = 0; y < cv->height; y++) {
		start = 0;
		series = cv->cells[(size_t)y * cv->width].series;
		buf_reset(&b);
		for (x = 0; x <= cv->width; x++) {
			cell = x < cv->width ?
			    &cv->cells[(size_t)y * cv->width + x] : NULL;
			if (cell == NULL || cell->series != series) {
				wattrset(w, console_attr(c, series >= 0 ?
				    STYLE_SERIES0 + series % 6 :
				    STYLE_NORMAL));
				console_text(w, top + y, start, x - start,
				    b.data != NULL ? b.data : "", false);
				buf_reset(&b);
				start = x;
				if (cell == NULL)
					break;
				series = cell->series;
			}
			buf_adds(&b, cell->text[0] != '\0' ? cell->text : " ");
		}
	}
	wattrset(w, A_NORMAL);
	buf_free(&b);
}

/* Draw the title line, then the plot (or why there is none) under it. */
static void
view_plot_draw(struct view *v, struct console *c, WINDOW *w)
{
	struct view_plot *vp = v->data;
	char *text;
	int h, wd;

	getmaxyx(w, h, wd);
	text = view_plot_title(vp, c);
	wattrset(w, console_attr(c, STYLE_DIM));
	console_text(w, 0, 1, wd - 1, text, true);
	free(text);
	wattrset(w, console_attr(c, STYLE_NORMAL));
	if ((text = view_plot_empty(vp, c)) != NULL) {
		console_text(w, 2, 1, wd - 1, text, false);
		free(text);
		wattrset(w, A_NORMAL);
		return;
	}
	if (h < 2)
		return;
	view_plot_render(vp, c, wd, h - 1);
	view_plot_copy(&vp->canvas, c, w, 1);
}

/* The name after cur among the candidates: none first when with_none,
 * then the names of a and of b, less skip and repeats; the first if cur
 * is not among them, cur itself if there are none. */
static const char *
view_plot_next(char *const *a, char *const *b, const char *cur,
    const char *skip, bool with_none)
{
	char *const *src[2] = { a, b };
	char *const *p;
	const char **list, *next;
	size_t n = 0, i, j, at = 0;
	bool found = false, dup;

	list = xcalloc(util_strv_len(a) + util_strv_len(b) + 1,
	    sizeof *list);
	if (with_none)
		list[n++] = NULL;
	for (i = 0; i < 2; i++) {
		for (p = src[i]; p != NULL && *p != NULL; p++) {
			if (skip != NULL && strcmp(*p, skip) == 0)
				continue;
			for (dup = false, j = 0; j < n && !dup; j++)
				dup = view_plot_key_eq(list[j], *p);
			if (!dup)
				list[n++] = *p;
		}
	}
	for (i = 0; i < n && !found; i++) {
		if (view_plot_key_eq(list[i], cur)) {
			at = i;
			found = true;
		}
	}
	if (n == 0)
		next = cur;
	else
		next = list[found ? (at + 1) % n : 0];
	free(list);
	return next;
}

/* Make *name the next of the candidates; reload if it changed. */
static void
view_plot_cycle(struct view *v, struct console *c, char **name,
    const char *next)
{
	struct view_plot *vp = v->data;

	if (view_plot_key_eq(*name, next))
		return;
	view_plot_set_name(name, next);
	view_plot_reset(vp);
	view_plot_update(v, c);
}

/* x, y and s cycle the axes and the series parameter; b the dots. */
static bool
view_plot_key(struct view *v, struct console *c, int key)
{
	struct view_plot *vp = v->data;

	switch (key) {
	case 'x':
	case 'y':
	case 's':
		if (vp->xname == NULL || vp->yname == NULL) {
			console_message(c, false, "nothing to plot yet: the "
			    "axes appear with the first results");
			return true;
		}
		if (key == 'x')
			view_plot_cycle(v, c, &vp->xname, view_plot_next(
			    vp->params, vp->results, vp->xname, vp->yname,
			    false));
		else if (key == 'y')
			view_plot_cycle(v, c, &vp->yname, view_plot_next(
			    vp->results, NULL, vp->yname, vp->xname, false));
		else
			view_plot_cycle(v, c, &vp->sname, view_plot_next(
			    vp->params, NULL, vp->sname, vp->xname, true));
		return true;
	case 'b':
		if (!c->utf8) {
			console_message(c, false, "braille and block dots need "
			    "a UTF-8 terminal: this one shows ASCII");
			return true;
		}
		vp->block = !vp->block;
		return true;
	default:
		return false;
	}
}

/* Free the view's data (the console frees v). */
static void
view_plot_free(struct view *v)
{
	struct view_plot *vp = v->data;

	view_plot_reset(vp);
	util_strv_free(vp->params);
	util_strv_free(vp->results);
	free(vp->xname);
	free(vp->yname);
	free(vp->sname);
	free(vp->holes);
	free(vp->open);
	free(vp->open_read);
	free(vp->error);
	plot_canvas_free(&vp->canvas);
	free(vp);
}

static const struct view_ops view_plot_ops = {
	"plot", '5', view_plot_draw, view_plot_key, view_plot_update,
	view_plot_free,
};

/* A plot view with no points yet. */
struct view *
view_plot_new(void)
{
	struct view *v = xcalloc(1, sizeof *v);
	struct view_plot *vp = xcalloc(1, sizeof *vp);

	vp->chunk = VIEW_PLOT_CHUNK;
	vp->stale = true;
	v->ops = &view_plot_ops;
	v->data = vp;
	return v;
}
