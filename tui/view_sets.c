/*
 * view_sets.c -- the result sets of the notebook, one per line with its
 * state and a progress bar; Enter (or the arrows) makes one current.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "console_int.h"

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

static void
view_sets_draw(struct view *v, struct console *c, WINDOW *w)
{
	int h, wd, y, i, top, barw = 16, fill, k;

	/* Columns: tag 0-15, state 16-25, bar 26-41, then the numbers. */
	struct buf b;
	const struct nb_counts *n;

	(void)v;
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
	top = (int)c->cur >= h - 1 ? (int)c->cur - (h - 2) : 0;
	for (y = 1, i = top; y < h && i < (int)c->nsets; y++, i++) {
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
	wattrset(w, A_NORMAL);
	buf_free(&b);
}

static bool
view_sets_key(struct view *v, struct console *c, int key)
{
	(void)v;
	if (c->nsets == 0)
		return false;
	switch (key) {
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

static const struct view_ops view_sets_ops = {
	"sets", '1', view_sets_draw, view_sets_key, NULL, NULL,
};

struct view *
view_sets_new(void)
{
	struct view *v = xcalloc(1, sizeof *v);

	v->ops = &view_sets_ops;
	return v;
}
