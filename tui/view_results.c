/*
 * view_results.c -- the results table of the current set: one row per
 * current job, with a column for each parameter (in space order), each
 * result (in order of first appearance), then point, state and elapsed
 * time.  Only the page on screen is read, through notebook_jobs_page
 * (sorted through the value index), and only its rows' JSON is parsed,
 * so a frame costs the same on a million results as on ten; the row
 * total comes from the set's counters.  Keys move the selection, page,
 * scroll the columns (the first one stays pinned), sort by any column and
 * filter by state.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "console_int.h"
#include "table.h"

/* The columns after the parameters and results, as jobs_page sorts. */
static const char *const view_results_meta[] = {
	"point", "state", "elapsed"
};
#define VIEW_RESULTS_NMETA UTIL_ARRLEN(view_results_meta)

struct view_results {
	int64_t set_id;           /* the set the columns are of (0: none) */
	char **cols;              /* parameters, results, then the metadata */
	size_t ncols;
	size_t nparams;
	size_t nresults;
	char *sort;               /* the column sorted on */
	bool desc;
	enum table_filter filter;
	uint64_t top;             /* the first row on screen */
	uint64_t sel;             /* the selected row */
	size_t left;              /* the first scrolled column */
	size_t left_max;          /* as of the last draw */
	bool reveal;              /* scroll to the sorted column */
	int page;                 /* rows on screen as of the last draw */
	bool stale;               /* read the page again */
	int64_t version;          /* the notebook's, when last read */

	/* The page on screen: nrows rows of ncols cells (NULL: empty). */
	char **cells;
	enum table_align *align;
	enum nb_state *states;
	double *starts;           /* to show running jobs' elapsed live */
	size_t nrows;
	uint64_t loaded_top;
	int loaded_page;
	char *error;              /* why the page could not be read */
};

/* Forget the page that was read. */
static void
view_results_clear_rows(struct view_results *r)
{
	size_t i;

	for (i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	free(r->cells);
	free(r->align);
	free(r->states);
	free(r->starts);
	r->cells = NULL;
	r->align = NULL;
	r->states = NULL;
	r->starts = NULL;
	r->nrows = 0;
}

/* Forget the columns (and so the page). */
static void
view_results_clear_cols(struct view_results *r)
{
	view_results_clear_rows(r);
	util_strv_free(r->cols);
	r->cols = NULL;
	r->ncols = r->nparams = r->nresults = 0;
}

/* Set the column sorted on. */
static void
view_results_sort(struct view_results *r, const char *name, bool desc)
{
	char *copy = xstrdup(name);

	free(r->sort);
	r->sort = copy;
	r->desc = desc;
	r->top = r->sel = 0;
	r->stale = true;
}

/* Read the column names of set_id: parameters, results, metadata. */
static void
view_results_columns(struct view_results *r, struct console *c,
    int64_t set_id)
{
	char **params = NULL, **results = NULL, *err = NULL;
	size_t i, n;

	if (notebook_names(c->nb, set_id, NB_NAME_PARAM, &params, &err) != 0 ||
	    notebook_names(c->nb, set_id, NB_NAME_RESULT, &results,
	    &err) != 0) {
		free(r->error);
		r->error = err;
		util_strv_free(params);
		return;
	}
	view_results_clear_cols(r);
	r->nparams = util_strv_len(params);
	r->nresults = util_strv_len(results);
	r->ncols = r->nparams + r->nresults + VIEW_RESULTS_NMETA;
	r->cols = xcalloc(r->ncols + 1, sizeof *r->cols);
	n = 0;
	for (i = 0; i < r->nparams; i++)
		r->cols[n++] = params[i];
	for (i = 0; i < r->nresults; i++)
		r->cols[n++] = results[i];
	for (i = 0; i < VIEW_RESULTS_NMETA; i++)
		r->cols[n++] = xstrdup(view_results_meta[i]);
	free(params);
	free(results);
	for (i = 0; i < r->ncols; i++) {
		if (r->sort != NULL && strcmp(r->cols[i], r->sort) == 0)
			return;
	}
	view_results_sort(r, "point", false);
}

/* The notebook or the current set changed: read the columns again (a
 * page far into a big set can cost much more than a frame: it is read
 * again only when the data changed). */
static void
view_results_update(struct view *v, struct console *c)
{
	struct view_results *r = v->data;
	const struct nb_set *s = console_set(c);

	if (s == NULL) {
		view_results_clear_cols(r);
		r->set_id = 0;
		return;
	}
	if (s->id != r->set_id) {
		r->set_id = s->id;
		r->top = r->sel = 0;
		r->left = 0;
	} else if (c->version == r->version && !r->stale)
		return;
	r->version = c->version;
	free(r->error);
	r->error = NULL;
	view_results_columns(r, c, s->id);
	r->stale = true;
}

struct view_results_load {
	struct view_results *r;
	struct buf b;
};

/* Parse a JSON column into obj; false (and an empty obj) if it fails. */
static bool
view_results_parse(const char *json, struct json_object *obj)
{
	char *err = NULL;
	size_t errpos;

	memset(obj, 0, sizeof *obj);
	if (json == NULL)
		return false;
	if (json_parse_object(json, strlen(json), obj, &err, &errpos) != 0) {
		free(err);
		memset(obj, 0, sizeof *obj);
		return false;
	}
	return true;
}

/* Turn one job of the page into a row of cells. */
static int
view_results_row(const struct nb_job *j, void *arg)
{
	struct view_results_load *l = arg;
	struct view_results *r = l->r;
	struct json_object params, results;
	const struct json_member *m;
	char **cells;
	enum table_align *align;
	size_t k, meta;

	r->cells = xreallocarray(r->cells, (r->nrows + 1) * r->ncols,
	    sizeof *r->cells);
	r->align = xreallocarray(r->align, (r->nrows + 1) * r->ncols,
	    sizeof *r->align);
	r->states = xreallocarray(r->states, r->nrows + 1,
	    sizeof *r->states);
	r->starts = xreallocarray(r->starts, r->nrows + 1,
	    sizeof *r->starts);
	cells = r->cells + r->nrows * r->ncols;
	align = r->align + r->nrows * r->ncols;
	r->starts[r->nrows] = j->start;
	r->states[r->nrows++] = j->state;
	view_results_parse(j->params, &params);
	view_results_parse(j->results, &results);
	meta = r->nparams + r->nresults;
	for (k = 0; k < r->ncols; k++) {
		buf_reset(&l->b);
		align[k] = TABLE_RIGHT;
		cells[k] = NULL;
		if (k < meta) {
			m = json_object_get(k < r->nparams ? &params :
			    &results, r->cols[k]);
			if (m == NULL)
				continue;
			table_value(&l->b, m, &align[k]);
		} else if (k == meta) {
			buf_printf(&l->b, "%" PRIu64, j->point);
			if (j->rep > 0)
				buf_printf(&l->b, ".%d", j->rep);
		} else if (k == meta + 1) {
			align[k] = TABLE_LEFT;
			buf_adds(&l->b, notebook_state_name(j->state));
		} else {
			if (j->start <= 0 || j->end <= 0)
				continue;
			table_duration(&l->b, j->end - j->start);
		}
		cells[k] = buf_steal(&l->b);
	}
	json_object_free(&params);
	json_object_free(&results);
	return 0;
}

/* Swap rows a and b of the page. */
static void
view_results_swap(struct view_results *r, size_t a, size_t b)
{
	enum table_align al;
	enum nb_state st;
	char *cell;
	double d;
	size_t k;

	for (k = 0; k < r->ncols; k++) {
		cell = r->cells[a * r->ncols + k];
		r->cells[a * r->ncols + k] = r->cells[b * r->ncols + k];
		r->cells[b * r->ncols + k] = cell;
		al = r->align[a * r->ncols + k];
		r->align[a * r->ncols + k] = r->align[b * r->ncols + k];
		r->align[b * r->ncols + k] = al;
	}
	st = r->states[a];
	r->states[a] = r->states[b];
	r->states[b] = st;
	d = r->starts[a];
	r->starts[a] = r->starts[b];
	r->starts[b] = d;
}

/* True if the order reverses exactly with its direction: point and state
 * do (their ties are broken by unique columns); a value or a time does
 * not (the jobs without one come last both ways). */
static bool
view_results_reversible(const struct view_results *r)
{
	size_t k;

	for (k = 0; k < r->ncols && strcmp(r->cols[k], r->sort) != 0; k++)
		;
	return k >= r->nparams + r->nresults && k < r->ncols &&
	    (strcmp(r->sort, "point") == 0 || strcmp(r->sort, "state") == 0);
}

/* Read the page on screen, total rows in all. */
static void
view_results_load(struct view_results *r, struct console *c,
    uint64_t total)
{
	struct view_results_load l;
	char *err = NULL;
	uint64_t n, offset;
	bool reversed;
	size_t i;

	view_results_clear_rows(r);
	free(r->error);
	r->error = NULL;
	r->stale = false;
	r->loaded_top = r->top;
	r->loaded_page = r->page;
	if (r->set_id == 0 || r->ncols == 0 || r->top >= total)
		return;
	/* No more than the counters say there are: past them, a filter
	 * would scan the whole set for rows that are not there. */
	n = total - r->top < (uint64_t)r->page ? total - r->top :
	    (uint64_t)r->page;
	reversed = table_page_plan(total, r->top, n,
	    view_results_reversible(r), &offset);
	l.r = r;
	buf_init(&l.b);
	if (notebook_jobs_page(c->nb, r->set_id, r->sort, r->desc != reversed,
	    table_filter_states(r->filter), offset, n, view_results_row, &l,
	    &err) != 0) {
		r->error = err;
		view_results_clear_rows(r);
	}
	buf_free(&l.b);
	for (i = 0; reversed && i < r->nrows / 2; i++)
		view_results_swap(r, i, r->nrows - 1 - i);
}

/* Keep the selection in [0, total) and on screen. */
static void
view_results_clamp(struct view_results *r, uint64_t total)
{
	uint64_t page = r->page > 0 ? (uint64_t)r->page : 1;

	if (r->sel >= total)
		r->sel = total > 0 ? total - 1 : 0;
	if (r->top + page > total)
		r->top = total > page ? total - page : 0;
	if (r->sel < r->top)
		r->top = r->sel;
	if (r->sel >= r->top + page)
		r->top = r->sel - page + 1;
}

/* Bring the elapsed time of the running jobs on screen up to now. */
static void
view_results_elapsed(struct view_results *r, double now)
{
	struct buf b;
	size_t row, k = r->ncols - 1;

	if (r->ncols < VIEW_RESULTS_NMETA)
		return;
	buf_init(&b);
	for (row = 0; row < r->nrows; row++) {
		if (r->states[row] != NB_RUNNING || r->starts[row] <= 0)
			continue;
		table_duration(&b, now - r->starts[row]);
		free(r->cells[row * r->ncols + k]);
		r->cells[row * r->ncols + k] = buf_steal(&b);
		r->align[row * r->ncols + k] = TABLE_RIGHT;
	}
	buf_free(&b);
}

/* The style of a row. */
static enum console_style
view_results_style(struct view_results *r, size_t row)
{
	if (r->top + row == r->sel)
		return STYLE_SELECTED;
	switch (r->states[row]) {
	case NB_FAILED:
		return STYLE_FAILED;
	case NB_RUNNING:
		return STYLE_RUNNING;
	case NB_QUEUED:
	case NB_CANCELLED:
		return STYLE_PENDING;
	default:
		return STYLE_NORMAL;
	}
}

/* Lay the columns out for width wd; fills shown, returns how many. */
static size_t
view_results_layout(struct view_results *r, const int *widths, int wd,
    size_t *shown)
{
	size_t pinned = r->ncols > 1 ? 1 : 0, n, k, i;

	r->left_max = table_left_max(widths, r->ncols, pinned, wd);
	if (r->left < pinned)
		r->left = pinned;
	if (r->left > r->left_max)
		r->left = r->left_max;
	n = table_layout(widths, r->ncols, pinned, r->left, wd, shown);
	if (!r->reveal)
		return n;
	/* After 'o': make sure the sorted column is on screen. */
	r->reveal = false;
	for (k = 0; k < r->ncols && strcmp(r->cols[k], r->sort) != 0; k++)
		;
	for (i = 0; i < n && shown[i] != k; i++)
		;
	if (k == r->ncols || i < n)
		return n;
	r->left = k < r->left_max ? k : r->left_max;
	if (r->left < pinned)
		r->left = pinned;
	return table_layout(widths, r->ncols, pinned, r->left, wd, shown);
}

static void
view_results_draw(struct view *v, struct console *c, WINDOW *w)
{
	struct view_results *r = v->data;
	const struct nb_counts *counts = console_counts(c);
	enum table_align *calign;
	struct buf b;
	char **headers;
	size_t *shown, n, i, k, row;
	uint64_t total;
	int h, wd, *widths;

	getmaxyx(w, h, wd);
	wattrset(w, console_attr(c, STYLE_NORMAL));
	if (r->set_id == 0 || counts == NULL) {
		console_text(w, 1, 1, wd - 1, "No result set yet: press n to "
		    "define a campaign, or run one with 'labrat run'.", false);
		return;
	}
	r->page = h > 2 ? h - 2 : 1;
	total = table_filter_rows(r->filter, counts);
	view_results_clamp(r, total);
	if (r->stale || r->top != r->loaded_top || r->page != r->loaded_page)
		view_results_load(r, c, total);
	view_results_elapsed(r, util_now());

	buf_init(&b);
	headers = xcalloc(r->ncols + 1, sizeof *headers);
	for (k = 0; k < r->ncols; k++) {
		buf_reset(&b);
		table_header(&b, r->cols[k], strcmp(r->cols[k], r->sort) == 0,
		    r->desc, c->utf8);
		headers[k] = buf_steal(&b);
	}
	widths = xcalloc(r->ncols + 1, sizeof *widths);
	shown = xcalloc(r->ncols + 1, sizeof *shown);
	calign = xcalloc(r->ncols + 1, sizeof *calign);
	table_widths(headers, r->ncols, r->cells, r->nrows, TABLE_MAX_WIDTH,
	    widths);
	/* A column is aligned as its first value is (numbers right). */
	for (k = 0; k < r->ncols; k++) {
		calign[k] = k >= r->nparams + r->nresults &&
		    strcmp(r->cols[k], "state") == 0 ? TABLE_LEFT : TABLE_RIGHT;
		for (row = 0; row < r->nrows; row++) {
			if (r->cells[row * r->ncols + k] != NULL) {
				calign[k] = r->align[row * r->ncols + k];
				break;
			}
		}
	}
	n = view_results_layout(r, widths, wd - 1, shown);

	/* The header line. */
	buf_reset(&b);
	buf_addc(&b, ' ');
	for (i = 0; i < n; i++) {
		k = shown[i];
		if (i > 0)
			buf_addc(&b, ' ');
		table_fit(&b, headers[k], widths[k], calign[k], c->utf8);
	}
	wattrset(w, console_attr(c, STYLE_DIM) | A_BOLD);
	console_text(w, 0, 0, wd, b.data, true);

	/* The rows. */
	for (row = 0; row < r->nrows && (int)row < h - 2; row++) {
		buf_reset(&b);
		buf_addc(&b, ' ');
		for (i = 0; i < n; i++) {
			k = shown[i];
			if (i > 0)
				buf_addc(&b, ' ');
			table_fit(&b, r->cells[row * r->ncols + k] != NULL ?
			    r->cells[row * r->ncols + k] : "", widths[k],
			    r->align[row * r->ncols + k], c->utf8);
		}
		wattrset(w, console_attr(c, view_results_style(r, row)));
		console_text(w, 1 + (int)row, 0, wd, b.data, true);
	}
	wattrset(w, console_attr(c, r->error != NULL ? STYLE_ERROR :
	    STYLE_NORMAL));
	if (r->error != NULL)
		console_text(w, 1, 1, wd - 1, r->error, true);
	else if (r->nrows == 0) {
		buf_reset(&b);
		if (r->filter == TABLE_ALL)
			buf_adds(&b, "No jobs have started in this set yet.");
		else
			buf_printf(&b, "No %s jobs in this set.",
			    table_filter_name(r->filter));
		if (r->filter == TABLE_PENDING && counts->pending > 0)
			buf_printf(&b, " %" PRIu64 " pending job%s %s not "
			    "started yet.", counts->pending, counts->pending ==
			    1 ? "" : "s", counts->pending == 1 ? "has" :
			    "have");
		console_text(w, 1, 1, wd - 1, b.data, false);
	}

	/* The status line. */
	buf_reset(&b);
	buf_addc(&b, ' ');
	table_status(&b, r->top, r->nrows, total, r->sort, r->desc, r->filter,
	    c->utf8);
	if (n > 0 && n < r->ncols)
		buf_printf(&b, "%scolumns %zu-%zu of %zu", c->utf8 ?
		    " \xc2\xb7 " : " | ", r->left + 1, shown[n - 1] + 1,
		    r->ncols);
	buf_adds(&b, c->utf8 ? " \xc2\xb7 " : " | ");
	buf_adds(&b, "o sort  O reverse  f filter");
	wattrset(w, console_attr(c, STYLE_DIM));
	console_text(w, h - 1, 0, wd, b.data, true);
	wattrset(w, A_NORMAL);

	for (k = 0; k < r->ncols; k++)
		free(headers[k]);
	free(headers);
	free(widths);
	free(shown);
	free(calign);
	buf_free(&b);
}

static bool
view_results_key(struct view *v, struct console *c, int key)
{
	struct view_results *r = v->data;
	const struct nb_counts *counts = console_counts(c);
	uint64_t total, page = r->page > 0 ? (uint64_t)r->page : 1;

	if (r->set_id == 0 || counts == NULL || r->ncols == 0)
		return false;
	total = table_filter_rows(r->filter, counts);
	switch (key) {
	case KEY_DOWN:
	case 'j':
		if (r->sel + 1 < total)
			r->sel++;
		break;
	case KEY_UP:
	case 'k':
		if (r->sel > 0)
			r->sel--;
		break;
	case KEY_NPAGE:
	case ' ':
		r->sel += page;
		r->top += page;
		break;
	case KEY_PPAGE:
		r->sel = r->sel > page ? r->sel - page : 0;
		r->top = r->top > page ? r->top - page : 0;
		break;
	case KEY_HOME:
	case 'g':
		r->sel = r->top = 0;
		break;
	case KEY_END:
	case 'G':
		r->sel = total > 0 ? total - 1 : 0;
		break;
	case KEY_LEFT:
	case 'h':
	case '<':
		if (r->left > 0)
			r->left--;
		break;
	case KEY_RIGHT:
	case 'l':
	case '>':
		if (r->left < r->left_max)
			r->left++;
		break;
	case 'o':
		view_results_sort(r, r->cols[table_sort_next(r->cols, r->ncols,
		    r->sort)], false);
		r->reveal = true;
		break;
	case 'O':
		view_results_sort(r, r->sort, !r->desc);
		break;
	case 'f':
		r->filter = table_filter_next(r->filter);
		r->top = r->sel = 0;
		r->stale = true;
		break;
	default:
		return false;
	}
	view_results_clamp(r, total);
	return true;
}

static void
view_results_free(struct view *v)
{
	struct view_results *r = v->data;

	view_results_clear_cols(r);
	free(r->sort);
	free(r->error);
	free(r);
	v->data = NULL;
}

static const struct view_ops view_results_ops = {
	"results", '4', view_results_draw, view_results_key,
	view_results_update, view_results_free,
};

struct view *
view_results_new(void)
{
	struct view *v = xcalloc(1, sizeof *v);
	struct view_results *r = xcalloc(1, sizeof *r);

	r->sort = xstrdup("point");
	r->filter = TABLE_ALL;
	r->stale = true;
	r->version = -1;
	v->ops = &view_results_ops;
	v->data = r;
	return v;
}
