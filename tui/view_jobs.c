/*
 * view_jobs.c -- the current set's jobs by state: a selector line with
 * the count of each state (from the set's counters), then one page of the
 * jobs of the selected state, one per line (point, attempt, parameters,
 * engine and host, start, elapsed time, and why a failed job failed).
 * Running and failed jobs come newest first, the others in point order.
 * For a failed or cancelled job the lower part shows its whole reason and
 * the last lines of its standard error, so a failure can be understood
 * without leaving the console.  Pending positions that never started
 * have no rows: they are only counted.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "console_int.h"
#include "table.h"

/* One job of the page on screen. */
struct view_jobs_row {
	uint64_t point;
	int rep;
	int attempt;
	enum nb_state state;
	int engine;
	int exit_code;
	int signal;
	bool truncated;
	double start, end;
	char *params;             /* "r=3.1 x0=0.3" */
	char *host;               /* or NULL */
	char *error;              /* or NULL */
	char *stderr_tail;        /* or NULL */
};

struct view_jobs {
	int64_t set_id;           /* the set shown (0: none) */
	size_t state;             /* index in the selector line */
	uint64_t top;             /* the first job on screen */
	uint64_t sel;             /* the selected job */
	int page;                 /* jobs on screen as of the last draw */
	bool stale;               /* read the page again */
	int64_t version;          /* the notebook's, when last read */
	bool chosen;              /* the state was chosen for this set */

	struct view_jobs_row *rows;
	size_t nrows;
	uint64_t loaded_top;
	int loaded_page;
	char *error;              /* why the page could not be read */
};

/* The list columns; the last one (reason, or else params) stretches. */
enum {
	VIEW_JOBS_POINT,
	VIEW_JOBS_ATTEMPT,
	VIEW_JOBS_PARAMS,
	VIEW_JOBS_ENGINE,
	VIEW_JOBS_STARTED,
	VIEW_JOBS_ELAPSED,
	VIEW_JOBS_REASON,
	VIEW_JOBS_NCOLS
};
static const char *const view_jobs_headers[VIEW_JOBS_NCOLS] = {
	"POINT", "TRY", "PARAMETERS", "ENGINE", "STARTED", "ELAPSED",
	"REASON"
};
/* The widest each column gets (the stretching ones take the rest). */
static const int view_jobs_caps[VIEW_JOBS_NCOLS] = { 10, 3, 40, 14, 11, 7,
	0 };

/* Forget the page that was read. */
static void
view_jobs_clear_rows(struct view_jobs *j)
{
	size_t i;

	for (i = 0; i < j->nrows; i++) {
		free(j->rows[i].params);
		free(j->rows[i].host);
		free(j->rows[i].error);
		free(j->rows[i].stderr_tail);
	}
	free(j->rows);
	j->rows = NULL;
	j->nrows = 0;
}

/* The state of the selector as a filter. */
static enum table_filter
view_jobs_filter(const struct view_jobs *j)
{
	return table_job_state(j->state);
}

/* True when the selected state's jobs have a reason to show. */
static bool
view_jobs_has_detail(const struct view_jobs *j)
{
	enum table_filter f = view_jobs_filter(j);

	return f == TABLE_FAILED || f == TABLE_CANCELLED;
}

/* Select state i of the selector line. */
static void
view_jobs_select(struct view_jobs *j, size_t i)
{
	j->state = i % TABLE_JOB_STATES;
	j->top = j->sel = 0;
	j->stale = true;
}

/* The notebook or the current set changed: read the page again. */
static void
view_jobs_update(struct view *v, struct console *c)
{
	struct view_jobs *j = v->data;
	const struct nb_set *s = console_set(c);

	if (s == NULL) {
		view_jobs_clear_rows(j);
		j->set_id = 0;
		return;
	}
	/* Read the page again only when the data changed: a page far into
	 * a big set can cost more than a frame. */
	if (c->version != j->version)
		j->stale = true;
	j->version = c->version;
	if (s->id == j->set_id)
		return;
	j->set_id = s->id;
	j->chosen = false;
	view_jobs_select(j, 0);
}

/* The first time a set is shown, show what matters first: its running
 * jobs, else its failures, else its results. */
static void
view_jobs_choose(struct view_jobs *j, const struct nb_counts *n)
{
	size_t i;

	if (j->chosen)
		return;
	j->chosen = true;
	view_jobs_select(j, 2);
	for (i = 0; i < 2; i++) {
		if (table_filter_rows(table_job_state(i), n) > 0) {
			view_jobs_select(j, i);
			break;
		}
	}
}

/* Keep a copy of a nullable string. */
static char *
view_jobs_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Keep one job of the page. */
static int
view_jobs_row(const struct nb_job *job, void *arg)
{
	struct view_jobs *j = arg;
	struct view_jobs_row *r;
	struct buf b;

	j->rows = xreallocarray(j->rows, j->nrows + 1, sizeof *j->rows);
	r = &j->rows[j->nrows++];
	memset(r, 0, sizeof *r);
	r->point = job->point;
	r->rep = job->rep;
	r->attempt = job->attempt;
	r->state = job->state;
	r->engine = job->engine;
	r->exit_code = job->exit_code;
	r->signal = job->signal;
	r->truncated = job->truncated;
	r->start = job->start;
	r->end = job->end;
	buf_init(&b);
	table_params(&b, job->params);
	r->params = buf_steal(&b);
	r->host = view_jobs_strdup(job->host);
	r->error = view_jobs_strdup(job->error);
	r->stderr_tail = view_jobs_strdup(job->stderr_tail);
	return 0;
}

/*
 * Read the page on screen: newest first for running and failed jobs,
 * else in point order.  Both orders reverse exactly (every running or
 * failed job has a start; ties go by unique columns), so a page near the
 * end is read from the end.
 */
static void
view_jobs_load(struct view_jobs *j, struct console *c, uint64_t total)
{
	enum table_filter f = view_jobs_filter(j);
	bool newest = f == TABLE_RUNNING || f == TABLE_FAILED, reversed;
	struct view_jobs_row tmp;
	char *err = NULL;
	uint64_t n, offset;
	size_t i;

	view_jobs_clear_rows(j);
	free(j->error);
	j->error = NULL;
	j->stale = false;
	j->loaded_top = j->top;
	j->loaded_page = j->page;
	if (j->set_id == 0 || j->top >= total)
		return;
	/* No more than the counters say there are: past them, the state
	 * filter would scan the whole set for rows that are not there. */
	n = total - j->top < (uint64_t)j->page ? total - j->top :
	    (uint64_t)j->page;
	reversed = table_page_plan(total, j->top, n, true, &offset);
	if (notebook_jobs_page(c->nb, j->set_id, newest ? "start" : "point",
	    newest != reversed, table_filter_states(f), offset, n,
	    view_jobs_row, j, &err) != 0) {
		view_jobs_clear_rows(j);
		j->error = err;
	}
	for (i = 0; reversed && i < j->nrows / 2; i++) {
		tmp = j->rows[i];
		j->rows[i] = j->rows[j->nrows - 1 - i];
		j->rows[j->nrows - 1 - i] = tmp;
	}
}

/* Keep the selection in [0, total) and on screen. */
static void
view_jobs_clamp(struct view_jobs *j, uint64_t total)
{
	uint64_t page = j->page > 0 ? (uint64_t)j->page : 1;

	if (j->sel >= total)
		j->sel = total > 0 ? total - 1 : 0;
	if (j->top + page > total)
		j->top = total > page ? total - page : 0;
	if (j->sel < j->top)
		j->top = j->sel;
	if (j->sel >= j->top + page)
		j->top = j->sel - page + 1;
}

/* Fill the cells of row r (cells[VIEW_JOBS_NCOLS], owned). */
static void
view_jobs_cells(const struct view_jobs_row *r, bool reps, double now,
    char **cells)
{
	struct buf b;
	double end;

	buf_init(&b);
	buf_printf(&b, "%" PRIu64, r->point);
	if (reps)
		buf_printf(&b, ".%d", r->rep);
	cells[VIEW_JOBS_POINT] = buf_steal(&b);
	buf_printf(&b, "%d", r->attempt);
	cells[VIEW_JOBS_ATTEMPT] = buf_steal(&b);
	cells[VIEW_JOBS_PARAMS] = xstrdup(r->params);
	if (r->engine >= 0)
		buf_printf(&b, "%d@", r->engine);
	buf_adds(&b, r->host != NULL ? r->host : "-");
	cells[VIEW_JOBS_ENGINE] = buf_steal(&b);
	table_clock(&b, r->start, now);
	cells[VIEW_JOBS_STARTED] = buf_steal(&b);
	end = r->state == NB_RUNNING ? now : r->end;
	table_duration(&b, r->start > 0 && end > 0 ? end - r->start : -1);
	cells[VIEW_JOBS_ELAPSED] = buf_steal(&b);
	buf_adds(&b, r->error != NULL ? r->error : "");
	cells[VIEW_JOBS_REASON] = buf_steal(&b);
}

/* Append how a job ended: "exit 1", "signal 9", nothing if it has not. */
static void
view_jobs_status(struct buf *b, const struct view_jobs_row *r,
    const char *sep)
{
	if (r->signal > 0)
		buf_printf(b, "%ssignal %d", sep, r->signal);
	else if (r->exit_code >= 0)
		buf_printf(b, "%sexit %d", sep, r->exit_code);
}

/*
 * Draw the selected job's reason and the tail of its standard error in
 * lines [y, y + h) of w.
 */
static void
view_jobs_draw_detail(struct console *c, WINDOW *w, int y, int h, int wd,
    const struct view_jobs_row *r)
{
	const char *sep = c->utf8 ? " \xc2\xb7 " : " | ";
	char **reason, **tail;
	size_t nreason, ntail, i, first, avail;
	struct buf b;
	int k;

	if (h <= 0)
		return;
	buf_init(&b);
	buf_printf(&b, " point %" PRIu64, r->point);
	if (r->rep > 0)
		buf_printf(&b, ".%d", r->rep);
	buf_printf(&b, "%sattempt %d%s%s", sep, r->attempt, sep,
	    notebook_state_name(r->state));
	view_jobs_status(&b, r, sep);
	if (r->start > 0 && r->end > 0) {
		buf_adds(&b, sep);
		table_duration(&b, r->end - r->start);
	}
	if (r->host != NULL)
		buf_printf(&b, "%s%s", sep, r->host);
	buf_addc(&b, ' ');
	for (k = table_width(b.data); k < wd; k++)
		buf_adds(&b, c->utf8 ? "\xe2\x94\x80" : "-");
	wattrset(w, console_attr(c, STYLE_DIM));
	console_text(w, y, 0, wd, b.data, true);
	y++;
	h--;

	/* The whole reason, wrapped. */
	buf_reset(&b);
	buf_printf(&b, "reason: %s", r->error != NULL ? r->error :
	    "(none recorded)");
	reason = table_wrap(b.data, wd - 2, &nreason);
	wattrset(w, console_attr(c, STYLE_FAILED));
	for (i = 0; i < nreason && h > 0; i++, y++, h--)
		console_text(w, y, 1, wd - 1, reason[i], true);
	util_strv_free(reason);
	if (h <= 0) {
		buf_free(&b);
		return;
	}

	/* The last lines of standard error that fit. */
	tail = table_wrap(r->stderr_tail != NULL ? r->stderr_tail : "",
	    wd - 3, &ntail);
	wattrset(w, console_attr(c, STYLE_NORMAL));
	buf_reset(&b);
	if (ntail == 0)
		buf_adds(&b, "standard error: (empty)");
	else
		buf_printf(&b, "standard error (last lines%s):",
		    r->truncated ? "; the output was cut" : "");
	console_text(w, y++, 1, wd - 1, b.data, true);
	h--;
	avail = h > 0 ? (size_t)h : 0;
	first = ntail > avail ? ntail - avail : 0;
	wattrset(w, console_attr(c, STYLE_DIM));
	for (i = first; i < ntail; i++, y++)
		console_text(w, y, 3, wd - 3, tail[i], true);
	util_strv_free(tail);
	buf_free(&b);
}

static void
view_jobs_draw(struct view *v, struct console *c, WINDOW *w)
{
	struct view_jobs *j = v->data;
	const struct nb_counts *n = console_counts(c);
	const struct nb_set *s = console_set(c);
	enum table_filter f;
	char **cells = NULL;
	struct buf b;
	int h, wd, from, to, widths[VIEW_JOBS_NCOLS], listh, ncols, k, rest;
	int stretch, x, y;
	uint64_t total, unstarted = 0;
	size_t row, nrows;
	bool detail;
	double now = util_now();

	getmaxyx(w, h, wd);
	wattrset(w, console_attr(c, STYLE_NORMAL));
	if (j->set_id == 0 || n == NULL || s == NULL) {
		console_text(w, 1, 1, wd - 1, "No result set yet: press n to "
		    "define a campaign, or run one with 'labrat run'.", false);
		return;
	}
	view_jobs_choose(j, n);
	f = view_jobs_filter(j);
	detail = view_jobs_has_detail(j);

	/* The selector line. */
	buf_init(&b);
	buf_addc(&b, ' ');
	table_state_line(&b, n, j->state, c->utf8, &from, &to);
	buf_adds(&b, c->utf8 ? "   (f \xe2\x97\x80 \xe2\x96\xb6)" :
	    "   (f < >)");
	console_text(w, 0, 0, wd, b.data, true);
	wattrset(w, console_attr(c, STYLE_TAB_ACTIVE));
	buf_reset(&b);
	buf_printf(&b, "%s %" PRIu64, table_filter_name(f),
	    table_filter_count(f, n));
	console_text(w, 0, 1 + from, to - from, b.data, false);

	/* How many lines the list gets. */
	total = table_filter_rows(f, n);
	if (f == TABLE_PENDING && n->pending > n->n[NB_QUEUED])
		unstarted = n->pending - n->n[NB_QUEUED];
	listh = h - 2;
	if (detail) {
		/* Half the view at most, so the detail has room. */
		listh = (h - 2) / 2 > 3 ? (h - 2) / 2 : 3;
		if (total < (uint64_t)listh)
			listh = total > 0 ? (int)total : 1;
	}
	if (unstarted > 0)
		listh--;
	j->page = listh > 0 ? listh : 1;
	view_jobs_clamp(j, total);
	if (j->stale || j->top != j->loaded_top || j->page != j->loaded_page)
		view_jobs_load(j, c, total);

	/* The cells, and the widths they need. */
	nrows = j->nrows < (size_t)j->page ? j->nrows : (size_t)j->page;
	cells = xcalloc(nrows * VIEW_JOBS_NCOLS + 1, sizeof *cells);
	for (row = 0; row < nrows; row++)
		view_jobs_cells(&j->rows[row], s->repeat > 1, now,
		    cells + row * VIEW_JOBS_NCOLS);
	ncols = detail ? VIEW_JOBS_NCOLS : VIEW_JOBS_REASON;
	table_widths((char *const *)view_jobs_headers, VIEW_JOBS_NCOLS, cells,
	    nrows, wd, widths);
	stretch = detail ? VIEW_JOBS_REASON : VIEW_JOBS_PARAMS;
	rest = wd - 1;
	for (k = 0; k < ncols; k++) {
		if (view_jobs_caps[k] > 0 && widths[k] > view_jobs_caps[k])
			widths[k] = view_jobs_caps[k];
		if (k != stretch)
			rest -= widths[k] + 1;
	}
	widths[stretch] = rest > 1 ? rest : 1;
	if (detail && widths[VIEW_JOBS_PARAMS] > 8 && widths[stretch] < 20) {
		/* Keep room for the reason: the parameters give way. */
		k = 20 - widths[stretch];
		if (k > widths[VIEW_JOBS_PARAMS] - 8)
			k = widths[VIEW_JOBS_PARAMS] - 8;
		widths[VIEW_JOBS_PARAMS] -= k;
		widths[stretch] += k;
	}

	/* The header and the rows. */
	buf_reset(&b);
	buf_addc(&b, ' ');
	for (k = 0; k < ncols; k++) {
		if (k > 0)
			buf_addc(&b, ' ');
		table_fit(&b, view_jobs_headers[k], widths[k], k <=
		    VIEW_JOBS_ATTEMPT || k == VIEW_JOBS_ELAPSED ? TABLE_RIGHT :
		    TABLE_LEFT, c->utf8);
	}
	wattrset(w, console_attr(c, STYLE_DIM) | A_BOLD);
	console_text(w, 1, 0, wd, b.data, true);
	y = 2;
	for (row = 0; row < nrows; row++, y++) {
		buf_reset(&b);
		buf_addc(&b, ' ');
		for (k = 0; k < ncols; k++) {
			if (k > 0)
				buf_addc(&b, ' ');
			table_fit(&b, cells[row * VIEW_JOBS_NCOLS + k],
			    widths[k], k <= VIEW_JOBS_ATTEMPT ||
			    k == VIEW_JOBS_ELAPSED ? TABLE_RIGHT : TABLE_LEFT,
			    c->utf8);
		}
		wattrset(w, console_attr(c, j->top + row == j->sel ?
		    STYLE_SELECTED : j->rows[row].state == NB_FAILED ?
		    STYLE_FAILED : j->rows[row].state == NB_RUNNING ?
		    STYLE_RUNNING : STYLE_NORMAL));
		console_text(w, y, 0, wd, b.data, true);
	}
	for (k = 0; k < (int)(nrows * VIEW_JOBS_NCOLS); k++)
		free(cells[k]);
	free(cells);

	wattrset(w, console_attr(c, j->error != NULL ? STYLE_ERROR :
	    STYLE_NORMAL));
	if (j->error != NULL)
		console_text(w, 2, 1, wd - 1, j->error, true);
	else if (nrows == 0 && unstarted == 0) {
		buf_reset(&b);
		buf_printf(&b, "No %s jobs in this set.", table_filter_name(f));
		console_text(w, 2, 1, wd - 1, b.data, false);
	}
	if (unstarted > 0) {
		buf_reset(&b);
		buf_printf(&b, "%" PRIu64 " pending job%s %s not started yet",
		    unstarted, unstarted == 1 ? "" : "s", unstarted == 1 ?
		    "has" : "have");
		if (total > 0)
			buf_printf(&b, " (and %" PRIu64 " %s queued to run "
			    "again, above)", total, total == 1 ? "is" : "are");
		wattrset(w, console_attr(c, STYLE_PENDING));
		console_text(w, y, 1, wd - 1, b.data, true);
	}

	/* The selected job's reason and standard error. */
	x = 2 + listh;
	if (detail && j->sel >= j->top && j->sel - j->top < nrows)
		view_jobs_draw_detail(c, w, x, h - x, wd,
		    &j->rows[j->sel - j->top]);
	wattrset(w, A_NORMAL);
	buf_free(&b);
}

static bool
view_jobs_key(struct view *v, struct console *c, int key)
{
	struct view_jobs *j = v->data;
	const struct nb_counts *n = console_counts(c);
	uint64_t total, page = j->page > 0 ? (uint64_t)j->page : 1;

	if (j->set_id == 0 || n == NULL)
		return false;
	view_jobs_choose(j, n);
	total = table_filter_rows(view_jobs_filter(j), n);
	switch (key) {
	case 'f':
	case KEY_RIGHT:
	case 'l':
	case '>':
		view_jobs_select(j, j->state + 1);
		return true;
	case 'F':
	case KEY_LEFT:
	case 'h':
	case '<':
		view_jobs_select(j, j->state + TABLE_JOB_STATES - 1);
		return true;
	case KEY_DOWN:
	case 'j':
		if (j->sel + 1 < total)
			j->sel++;
		break;
	case KEY_UP:
	case 'k':
		if (j->sel > 0)
			j->sel--;
		break;
	case KEY_NPAGE:
	case ' ':
		j->sel += page;
		j->top += page;
		break;
	case KEY_PPAGE:
		j->sel = j->sel > page ? j->sel - page : 0;
		j->top = j->top > page ? j->top - page : 0;
		break;
	case KEY_HOME:
	case 'g':
		j->sel = j->top = 0;
		break;
	case KEY_END:
	case 'G':
		j->sel = total > 0 ? total - 1 : 0;
		break;
	default:
		return false;
	}
	view_jobs_clamp(j, total);
	return true;
}

static void
view_jobs_free(struct view *v)
{
	struct view_jobs *j = v->data;

	view_jobs_clear_rows(j);
	free(j->error);
	free(j);
	v->data = NULL;
}

static const struct view_ops view_jobs_ops = {
	"jobs", '3', view_jobs_draw, view_jobs_key, view_jobs_update,
	view_jobs_free,
};

struct view *
view_jobs_new(void)
{
	struct view *v = xcalloc(1, sizeof *v);
	struct view_jobs *j = xcalloc(1, sizeof *j);

	j->stale = true;
	j->version = -1;
	v->ops = &view_jobs_ops;
	v->data = j;
	return v;
}
