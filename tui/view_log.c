/*
 * view_log.c -- the event log: what the console did and saw (commands and
 * their output, state changes of the current campaign, errors), newest at
 * the bottom, scrollable; plus the tail of the runners' log file.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "console_int.h"

struct view_log {
	size_t back;          /* lines scrolled back from the newest */
	enum campaign_state last_state;
	int64_t last_set;
};

static void
view_log_draw(struct view *v, struct console *c, WINDOW *w)
{
	struct view_log *vl = v->data;
	int h, wd, y;
	size_t first, i;

	getmaxyx(w, h, wd);
	if (vl->back > c->nlog)
		vl->back = c->nlog;
	first = c->nlog > (size_t)h + vl->back ? c->nlog - (size_t)h -
	    vl->back : 0;
	for (y = 0, i = first; y < h && i < c->nlog - vl->back; y++, i++) {
		wattrset(w, console_attr(c, strstr(c->log[i], " error: ") !=
		    NULL ? STYLE_ERROR : c->log[i][9] == '$' ? STYLE_RUNNING :
		    STYLE_NORMAL));
		console_text(w, y, 1, wd - 1, c->log[i], false);
	}
	wattrset(w, A_NORMAL);
}

static bool
view_log_key(struct view *v, struct console *c, int key)
{
	struct view_log *vl = v->data;

	switch (key) {
	case KEY_UP:
	case 'k':
		if (vl->back < c->nlog)
			vl->back++;
		return true;
	case KEY_DOWN:
	case 'j':
		if (vl->back > 0)
			vl->back--;
		return true;
	case KEY_PPAGE:
		vl->back = vl->back + 10 < c->nlog ? vl->back + 10 : c->nlog;
		return true;
	case KEY_NPAGE:
		vl->back = vl->back > 10 ? vl->back - 10 : 0;
		return true;
	case KEY_END:
	case 'G':
		vl->back = 0;
		return true;
	default:
		return false;
	}
}

/* Log the current campaign's state changes as they are seen. */
static void
view_log_update(struct view *v, struct console *c)
{
	struct view_log *vl = v->data;
	const struct nb_set *s = console_set(c);

	if (s == NULL)
		return;
	if (s->id == vl->last_set && c->states[c->cur] != vl->last_state)
		console_log(c, "%s is %s", s->tag,
		    campaign_state_name(c->states[c->cur]));
	vl->last_set = s->id;
	vl->last_state = c->states[c->cur];
}

static void
view_log_free(struct view *v)
{
	free(v->data);
}

static const struct view_ops view_log_ops = {
	"log", '6', view_log_draw, view_log_key, view_log_update, view_log_free,
};

struct view *
view_log_new(void)
{
	struct view *v = xcalloc(1, sizeof *v);

	v->ops = &view_log_ops;
	v->data = xcalloc(1, sizeof(struct view_log));
	return v;
}
