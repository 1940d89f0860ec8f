/*
 * view_sets.c -- the result sets of the notebook, one per line with its
 * state and a progress bar; Enter (or the arrows) makes one current.
 * When the current set runs on other machines, the lower part lists its
 * engines, one host a line as its runner last wrote them (engines.c):
 * state, busy/slots, jobs done, round trip, and the last error of a host
 * that is not up; PgUp and PgDn scroll them.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "console_int.h"
#include "define.h"
#include "engines.h"

/* Rows the engines part takes besides its hosts: a blank line, a title
 * and the column names; the fewest set rows it leaves; the most lines
 * of a host's error. */
#define VIEW_SETS_ENGINES_HEAD 3
#define VIEW_SETS_MIN_SETS 3
#define VIEW_SETS_ERROR_LINES 2
/* Columns of the engines: state, busy/slots, done, round trip; the host
 * name takes the rest, at least VIEW_SETS_HOST. */
#define VIEW_SETS_HOST 28
#define VIEW_SETS_ENGINE_COLS 42

struct view_sets {
	struct engines e;    /* of the current set, if remote */
	bool remote;
	bool unreadable;     /* its engines are not a JSON object */
	int64_t id;          /* the set they are of */
	size_t top;          /* the first host shown */
};

static enum console_style
view_sets_state_style(enum campaign_state st)
{
	switch (st) {
	case CAMPAIGN_RUNNING:
		return STYLE_RUNNING;
	case CAMPAIGN_FINISHED:
		return STYLE_OK;
	case CAMPAIGN_DEAD:
	case CAMPAIGN_CANCELLED:
	case CAMPAIGN_STALLED:
		return STYLE_FAILED;
	default:
		return STYLE_PENDING;
	}
}

/* The lines of host r's error, at most VIEW_SETS_ERROR_LINES (owned
 * vector, empty when it has none or is up). */
static char **
view_sets_error_lines(const struct engine_row *r, int wd)
{
	char **v, *msg;
	size_t n;

	if (r->error == NULL || engines_state(r) == ENGINE_UP)
		return xcalloc(1, sizeof(char *));
	msg = xasprintf("last error: %s", r->error);
	v = define_wrap(msg, wd - 6);
	free(msg);
	n = util_strv_len(v);
	while (n > VIEW_SETS_ERROR_LINES) {
		free(v[--n]);
		v[n] = NULL;
	}
	return v;
}

/* Lines the hosts from first on take, up to max. */
static int
view_sets_engine_lines(const struct engines *e, size_t first, int wd,
    int max)
{
	char **v;
	int lines = 0;
	size_t i;

	for (i = first; i < e->n && lines < max; i++) {
		v = view_sets_error_lines(&e->rows[i], wd);
		lines += 1 + (int)util_strv_len(v);
		util_strv_free(v);
	}
	return lines;
}

/* The style of a host's state. */
static enum console_style
view_sets_engine_style(const struct engine_row *r)
{
	switch (engines_state(r)) {
	case ENGINE_UP:
		return STYLE_OK;
	case ENGINE_CONNECTING:
		return STYLE_RUNNING;
	case ENGINE_DOWN:
		return STYLE_FAILED;
	default:
		return STYLE_PENDING;
	}
}

/* One host at row y, and its error below it: the rows used, or 0 if
 * they do not fit above row h. */
static int
view_sets_draw_host(struct console *c, WINDOW *w, int y, int h, int wd,
    const struct engine_row *r)
{
	char **err = view_sets_error_lines(r, wd);
	int lines = 1 + (int)util_strv_len(err), hostw, x, i;
	char busy[16] = "-", slots[16] = "-";
	struct buf b;

	if (y + lines > h) {
		util_strv_free(err);
		return 0;
	}
	hostw = wd - VIEW_SETS_ENGINE_COLS - 1;
	if (hostw < VIEW_SETS_HOST)
		hostw = VIEW_SETS_HOST;
	buf_init(&b);
	wattrset(w, console_attr(c, STYLE_NORMAL));
	console_text(w, y, 1, hostw, r->name, true);
	x = 1 + hostw + 1;
	wattrset(w, console_attr(c, view_sets_engine_style(r)));
	console_text(w, y, x, 11, r->state, true);
	/* 0 slots: a host of "auto" slots not reached yet; a round trip
	 * of 0: never measured. */
	if (r->busy >= 0)
		snprintf(busy, sizeof busy, "%d", r->busy);
	if (r->slots > 0)
		snprintf(slots, sizeof slots, "%d", r->slots);
	buf_printf(&b, "%4s/%-5s", busy, slots);
	wattrset(w, console_attr(c, STYLE_NORMAL));
	console_text(w, y, x + 11, 10, b.data, false);
	buf_reset(&b);
	if (r->done >= 0)
		buf_printf(&b, "%8" PRId64, r->done);
	else
		buf_printf(&b, "%8s", "-");
	if (r->rtt_ms > 0)
		buf_printf(&b, " %7.1f ms", r->rtt_ms);
	else
		buf_printf(&b, " %10s", "-");
	console_text(w, y, x + 22, wd - x - 22, b.data, false);
	wattrset(w, console_attr(c, STYLE_FAILED));
	for (i = 0; err[i] != NULL; i++)
		console_text(w, y + 1 + i, 4, wd - 5, err[i], false);
	util_strv_free(err);
	buf_free(&b);
	return lines;
}

/* The engines of the current remote set, from row y to row h. */
static void
view_sets_draw_engines(struct view_sets *vs, struct console *c, WINDOW *w,
    int y, int h, int wd)
{
	const struct nb_set *s = console_set(c);
	bool live = campaign_live(c->states[c->cur]);
	struct buf b;
	size_t i;
	int used, hostw, row;

	buf_init(&b);
	buf_printf(&b, "ENGINES of %s over %s", s->tag, s->backend);
	if (vs->unreadable)
		buf_adds(&b, ": what its runner recorded of them cannot be "
		    "read");
	else if (vs->e.n == 0)
		buf_adds(&b, live ? ": none reported yet (its runner is "
		    "connecting)" : ": its runner reported none");
	else if (live)
		buf_printf(&b, ": %zu/%zu host%s up, %" PRId64 "/%" PRId64
		    " engines busy", vs->e.up, vs->e.n, vs->e.n == 1 ? "" :
		    "s", vs->e.busy, vs->e.slots);
	else
		buf_printf(&b, ", as its runner last saw them (runner %s)",
		    campaign_state_name(c->states[c->cur]));
	wattrset(w, console_attr(c, STYLE_NORMAL) | A_BOLD);
	console_text(w, y, 1, wd - 1, b.data, false);
	if (vs->e.n == 0) {
		buf_free(&b);
		return;
	}
	hostw = wd - VIEW_SETS_ENGINE_COLS - 1;
	if (hostw < VIEW_SETS_HOST)
		hostw = VIEW_SETS_HOST;
	for (i = vs->top, row = y + 2; i < vs->e.n && row < h; i++) {
		if ((used = view_sets_draw_host(c, w, row, h, wd,
		    &vs->e.rows[i])) == 0)
			break;
		row += used;
	}
	/* The column names, and which hosts show when not all do. */
	buf_reset(&b);
	if (vs->top > 0 || i < vs->e.n)
		buf_printf(&b, "HOST %zu-%zu of %zu (PgUp PgDn)", vs->top + 1,
		    i, vs->e.n);
	else
		buf_adds(&b, "HOST");
	buf_printf(&b, "%*s %-10s %-10s %8s %10s", hostw - (int)b.len, "",
	    "STATE", "BUSY/SLOTS", "DONE", "RTT");
	wattrset(w, console_attr(c, STYLE_DIM));
	console_text(w, y + 1, 0, 1, "", true);
	console_text(w, y + 1, 1, wd - 1, b.data, true);
	buf_free(&b);
}

static void
view_sets_draw(struct view *v, struct console *c, WINDOW *w)
{
	struct view_sets *vs = v->data;
	int h, wd, y, i, top, barw = 16, fill, k, list, avail, need;

	/* Columns: tag 0-15, state 16-25, bar 26-41, then the numbers. */
	struct buf b;
	const struct nb_counts *n;

	getmaxyx(w, h, wd);
	buf_init(&b);
	wattrset(w, console_attr(c, STYLE_DIM));
	buf_printf(&b, " %-14s %-9s %-*s %6s %8s %8s %6s  %s", "TAG", "STATE",
	    barw, "PROGRESS", "READY", "JOBS", "OK", "FAILED", "DESCRIPTION");
	console_text(w, 0, 0, wd, b.data, true);
	if (c->nsets == 0) {
		wattrset(w, console_attr(c, STYLE_NORMAL));
		console_text(w, 2, 1, wd - 1, "No result sets in this notebook "
		    "yet.", false);
		console_text(w, 3, 1, wd - 1, "Press n to define a campaign, "
		    "or run one with 'labrat run' in a shell.", false);
		buf_free(&b);
		return;
	}
	/* The sets' rows; a remote set's engines get the rest, but leave
	 * the sets a few rows. */
	list = h - 1;
	if (vs->remote) {
		avail = h - 1 - VIEW_SETS_ENGINES_HEAD;
		need = view_sets_engine_lines(&vs->e, vs->top, wd, avail);
		if (need < 1)
			need = 1;
		list = avail - need;
		if (list < VIEW_SETS_MIN_SETS)
			list = VIEW_SETS_MIN_SETS;
		if (list > (int)c->nsets)
			list = (int)c->nsets;
	}
	top = (int)c->cur >= list ? (int)c->cur - list + 1 : 0;
	for (y = 1, i = top; y <= list && i < (int)c->nsets; y++, i++) {
		n = &c->counts[i];
		buf_reset(&b);
		buf_printf(&b, " %s ", c->sets[i].tag);
		wattrset(w, console_attr(c, (size_t)i == c->cur ?
		    STYLE_SELECTED : STYLE_NORMAL));
		console_text(w, y, 0, 16, b.data, true);
		wattrset(w, console_attr(c, (size_t)i == c->cur ?
		    STYLE_SELECTED : view_sets_state_style(c->states[i])));
		buf_reset(&b);
		buf_printf(&b, "%-9s ", c->sets[i].locked ? "locked" :
		    campaign_state_name(c->states[i]));
		console_text(w, y, 16, 10, b.data, true);
		buf_reset(&b);
		fill = (int)floor(n->ready * barw);
		for (k = 0; k < barw; k++)
			buf_adds(&b, k < fill ? (c->utf8 ? "\xe2\x96\x88" : "#") :
			    (c->utf8 ? "\xe2\x96\x91" : "."));
		wattrset(w, console_attr(c, STYLE_OK));
		console_text(w, y, 26, barw, b.data, true);
		buf_reset(&b);
		buf_printf(&b, " %5.1f%% %8" PRIu64 " %8" PRIu64 " %6" PRIu64
		    "  %s", floor(n->ready * 1000) / 10, n->total, n->n[NB_OK],
		    n->n[NB_FAILED], c->sets[i].description);
		wattrset(w, console_attr(c, (size_t)i == c->cur ?
		    STYLE_SELECTED : STYLE_NORMAL));
		console_text(w, y, 26 + barw, wd - 26 - barw, b.data, true);
	}
	if (vs->remote)
		view_sets_draw_engines(vs, c, w, list + 2, h, wd);
	wattrset(w, A_NORMAL);
	buf_free(&b);
}

/* Scroll the engines by a page (forward if down). */
static void
view_sets_page(struct view_sets *vs, struct console *c, bool down)
{
	int page = c->body != NULL ? getmaxy(c->body) / 2 : 8;

	if (page < 1)
		page = 1;
	if (down)
		vs->top = vs->top + (size_t)page < vs->e.n ? vs->top +
		    (size_t)page : vs->top;
	else
		vs->top = vs->top > (size_t)page ? vs->top - (size_t)page : 0;
}

static bool
view_sets_key(struct view *v, struct console *c, int key)
{
	struct view_sets *vs = v->data;

	if (c->nsets == 0)
		return false;
	switch (key) {
	case KEY_NPAGE:
	case KEY_PPAGE:
		if (!vs->remote)
			return false;
		view_sets_page(vs, c, key == KEY_NPAGE);
		return true;
	case KEY_UP:
	case 'k':
		console_select(c, c->cur > 0 ? c->cur - 1 : 0);
		return true;
	case KEY_DOWN:
	case 'j':
		console_select(c, c->cur + 1 < c->nsets ? c->cur + 1 : c->cur);
		return true;
	case KEY_HOME:
	case 'g':
		console_select(c, 0);
		return true;
	case KEY_END:
	case 'G':
		console_select(c, c->nsets - 1);
		return true;
	case '\r':
	case '\n':
	case KEY_ENTER:
		c->view = 3; /* its results */
		return true;
	default:
		return false;
	}
}

/* Read the current set's engines again (the runner rewrites them). */
static void
view_sets_update(struct view *v, struct console *c)
{
	struct view_sets *vs = v->data;
	const struct nb_set *s = console_set(c);

	engines_clear(&vs->e);
	vs->remote = s != NULL && engines_remote(s);
	if (s == NULL || s->id != vs->id)
		vs->top = 0;
	vs->id = s != NULL ? s->id : 0;
	if (!vs->remote)
		return;
	vs->unreadable = engines_parse(s->engines, c->utf8 ? 0 :
	    UTIL_TEXT_ASCII, &vs->e) != 0;
	if (vs->top >= vs->e.n)
		vs->top = vs->e.n > 0 ? vs->e.n - 1 : 0;
}

static void
view_sets_free(struct view *v)
{
	struct view_sets *vs = v->data;

	engines_clear(&vs->e);
	free(vs);
}

static const struct view_ops view_sets_ops = {
	"sets", '1', view_sets_draw, view_sets_key, view_sets_update,
	view_sets_free,
};

struct view *
view_sets_new(void)
{
	struct view *v = xcalloc(1, sizeof *v);

	v->ops = &view_sets_ops;
	v->data = xcalloc(1, sizeof(struct view_sets));
	return v;
}
