/*
 * view_space.c -- the space view (key 2).  Normally it describes the
 * current result set: its parameters and zip groups, points and jobs,
 * order and seed, command, backend and cores, limits and working
 * directory.  In define mode (n anywhere, or :new) it is the form that
 * defines a new campaign: each field is edited on the console's command
 * line, the whole form is checked by the core after every edit and while
 * a field is typed, and s (or :start) runs `labrat run` with the form's
 * words.  The new set is made current when it shows up in the notebook.
 * The form's logic lives in define.c; this file draws it and binds keys.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "console_int.h"
#include "define.h"
#include "pool.h"

/* Rows of the form's preview (the summary, or an error, its text and a
 * caret), at the bottom of the view. */
#define VIEW_SPACE_PREVIEW 4
/* Columns of the labels; the values start one column after. */
#define VIEW_SPACE_LABEL 13

struct view_space {
	/* The description of the current set. */
	char **lines;
	int64_t shown_id;
	bool shown_locked;
	int top;

	/* The form, kept while the console runs. */
	bool define;
	struct define_form form;
	size_t row;
	size_t form_top;
	bool editing;              /* a field is on the command line */
	enum define_field edit_field;
	size_t edit_item;

	/* A campaign started from the form, until its set shows up. */
	bool pending;
	char *pending_tag;         /* NULL: the first new set */
	int64_t pending_after;     /* the newest set's id at the start */

	int cores;                 /* cores available on this machine */
};

static const struct view_ops view_space_ops;

/* The space view of the console, or NULL. */
static struct view *
view_space_find(struct console *c, size_t *index)
{
	size_t i;

	for (i = 0; i < c->nviews; i++) {
		if (c->views[i]->ops == &view_space_ops) {
			if (index != NULL)
				*index = i;
			return c->views[i];
		}
	}
	return NULL;
}

/* The tags in use, for the form's check (owned vector, strings not). */
static char **
view_space_tags(struct console *c)
{
	char **tags = xcalloc(c->nsets + 1, sizeof *tags);
	size_t i;

	for (i = 0; i < c->nsets; i++)
		tags[i] = c->sets[i].tag;
	return tags;
}

/* Check the form, with the text being typed if a field is edited. */
static void
view_space_check(struct view_space *vs, struct console *c,
    struct define_check *out)
{
	struct define_edit ed;
	const char *typed = NULL;
	char **tags = view_space_tags(c);

	if (vs->editing && c->cl != NULL && cmdline_active(c->cl))
		typed = cmdline_text(c->cl);
	ed.field = vs->edit_field;
	ed.item = vs->edit_item;
	ed.text = typed;
	define_check(&vs->form, typed != NULL ? &ed : NULL, tags, out);
	free(tags);
}

/* Forget an edit the user cancelled (Escape on the command line). */
static void
view_space_sync_edit(struct view *v, struct console *c)
{
	struct view_space *vs = v->data;

	if (!vs->editing || (c->cl != NULL && cmdline_active(c->cl)))
		return;
	vs->editing = false;
	if (c->edit_arg == v) {
		c->edit_done = NULL;
		c->edit_complete = NULL;
	}
}

/* Select the row of a field's item. */
static void
view_space_select(struct view_space *vs, enum define_field field,
    size_t item)
{
	struct define_row *rows;
	size_t n = define_form_rows(&vs->form, &rows), i;

	for (i = 0; i < n; i++) {
		if (rows[i].field == field && (rows[i].item == item ||
		    rows[i].empty)) {
			vs->row = i;
			break;
		}
	}
	free(rows);
}

/* The command line accepted the text of the field being edited. */
static void
view_space_edit_done(struct console *c, const char *line, void *arg)
{
	struct view *v = arg;
	struct view_space *vs = v->data;
	size_t n;

	vs->editing = false;
	define_form_set(&vs->form, vs->edit_field, vs->edit_item, line);
	if (define_field_is_list(vs->edit_field)) {
		n = vs->edit_field == DEFINE_PARAMS ? vs->form.nparams :
		    vs->form.nzips;
		view_space_select(vs, vs->edit_field, vs->edit_item < n ?
		    vs->edit_item : n > 0 ? n - 1 : 0);
	}
	c->dirty = true;
}

/* Complete the host after the last comma of the hosts being typed, from
 * the names in ~/.ssh/config and ~/.ssh/known_hosts. */
static char **
view_space_complete_hosts(struct console *c, const char *line,
    const char *text, int start, void *arg)
{
	char **names = define_host_names(), **v;

	(void)line;
	(void)start;
	(void)arg;
	cmdline_complete_list(c->cl, ',');
	v = define_hosts_complete(text, names);
	util_strv_free(names);
	return v;
}

/* Edit a field (or item; item == the list's length adds one) on the
 * command line. */
static void
view_space_edit(struct view *v, struct console *c, enum define_field field,
    size_t item)
{
	static const char *const prompts[DEFINE_NFIELDS] = {
		[DEFINE_TAG] = "tag (empty: named after the command): ",
		[DEFINE_DESCRIPTION] = "description: ",
		[DEFINE_PARAMS] = "parameter (name=values): ",
		[DEFINE_ZIPS] = "zip group (x,y): ",
		[DEFINE_COMMAND] = "command ({name} takes a value): ",
		[DEFINE_HOSTS] = "hosts (a/4,bob@b:2222; Tab completes): ",
		[DEFINE_CORES] = "cores (0 all, N, -N all but N): ",
		[DEFINE_TIMEOUT] = "timeout (30, 1.5s, 2m, 1h; empty: none): ",
		[DEFINE_MEM] = "memory (512M, 2G; empty: none): ",
		[DEFINE_RETRIES] = "retries: ",
		[DEFINE_REPEAT] = "repeat: ",
		[DEFINE_SEED] = "seed (empty: drawn at start): ",
	};
	struct view_space *vs = v->data;

	free(c->message);
	c->message = NULL;
	vs->editing = true;
	vs->edit_field = field;
	vs->edit_item = item;
	c->edit_done = view_space_edit_done;
	c->edit_complete = field == DEFINE_HOSTS ? view_space_complete_hosts :
	    NULL;
	c->edit_arg = v;
	cmdline_start(c->cl, prompts[field], define_form_get(&vs->form, field,
	    item));
}

/* Draw a line of the description: its label dim, its text normal. */
static void
view_space_draw_line(struct console *c, WINDOW *w, int y, int wd,
    const char *line)
{
	const char *tab = strchr(line, '\t');
	char *label = xstrndup(line, tab != NULL ? (size_t)(tab - line) : 0);

	wattrset(w, console_attr(c, STYLE_DIM));
	console_text(w, y, 1, VIEW_SPACE_LABEL, label, false);
	wattrset(w, console_attr(c, STYLE_NORMAL));
	console_text(w, y, VIEW_SPACE_LABEL + 1, wd - VIEW_SPACE_LABEL - 1,
	    tab != NULL ? tab + 1 : line, false);
	free(label);
}

/* The current set's space, command, backend and limits. */
static void
view_space_draw_set(struct view_space *vs, struct console *c, WINDOW *w)
{
	int h, wd, y, n;

	getmaxyx(w, h, wd);
	if (vs->lines == NULL) {
		wattrset(w, console_attr(c, STYLE_NORMAL));
		console_text(w, 1, 1, wd - 1, "No result set yet.", false);
		console_text(w, 2, 1, wd - 1, "Press n to define a campaign: "
		    "its parameters, command, cores and limits.", false);
		return;
	}
	n = (int)util_strv_len(vs->lines);
	if (vs->top > n + 2 - h)
		vs->top = n + 2 - h;
	if (vs->top < 0)
		vs->top = 0;
	for (y = 0; y < h && vs->top + y < n; y++)
		view_space_draw_line(c, w, y, wd, vs->lines[vs->top + y]);
	if (y + 1 < h) {
		wattrset(w, console_attr(c, STYLE_DIM));
		console_text(w, y + 1, 1, wd - 1, "Press n to define a new "
		    "campaign.", false);
	}
	wattrset(w, A_NORMAL);
}

/* Draw the offending text at row y with a caret under column col,
 * scrolled so the caret shows. */
static void
view_space_draw_caret(struct console *c, WINDOW *w, int y, int wd,
    const char *text, bool has_col, int col)
{
	const char *from = text;
	int skipped = 0, room = wd - 4;

	if (has_col && col > room - 8)
		from = define_skip_columns(text, col - (room - 8), &skipped);
	wattrset(w, console_attr(c, STYLE_NORMAL));
	console_text(w, y, 2, room, from, false);
	if (!has_col)
		return;
	wattrset(w, console_attr(c, STYLE_ERROR));
	console_text(w, y + 1, 2 + col - skipped, 1, "^", false);
}

/* The form's preview: the summary, or the error where it is. */
static void
view_space_draw_preview(struct console *c, WINDOW *w, int y, int wd,
    const struct define_check *chk)
{
	char **lines, *msg;
	int i, max;

	if (chk->ok) {
		wattrset(w, console_attr(c, STYLE_OK));
		console_text(w, y, 1, wd - 1, chk->summary, false);
		wattrset(w, console_attr(c, STYLE_NORMAL));
		console_text(w, y + 1, 1, wd - 1, chk->where, false);
		wattrset(w, console_attr(c, STYLE_DIM));
		console_text(w, y + 2, 1, wd - 1, "Press s to start it.",
		    false);
		return;
	}
	msg = xasprintf("error: %s", chk->error);
	lines = define_wrap(msg, wd - 2);
	free(msg);
	max = chk->text != NULL ? VIEW_SPACE_PREVIEW - 2 : VIEW_SPACE_PREVIEW;
	wattrset(w, console_attr(c, STYLE_ERROR));
	for (i = 0; i < max && lines[i] != NULL; i++)
		console_text(w, y + i, 1, wd - 1, lines[i], false);
	util_strv_free(lines);
	if (chk->text != NULL)
		view_space_draw_caret(c, w, y + i, wd, chk->text, chk->has_col,
		    chk->col);
}

/* One row of the form. */
static void
view_space_draw_row(struct view_space *vs, struct console *c, WINDOW *w,
    int y, int wd, const struct define_row *r, bool selected,
    const struct define_check *chk, const char *typed)
{
	const char *value, *label = "";
	char *hint;
	bool bad;
	int x = VIEW_SPACE_LABEL + 1;

	bad = !chk->ok && chk->has_field && chk->field == r->field &&
	    (!define_field_is_list(r->field) || chk->item == r->item);
	if (!define_field_is_list(r->field) || r->item == 0)
		label = define_field_label(r->field);
	wattrset(w, console_attr(c, selected ? STYLE_SELECTED : STYLE_DIM));
	console_text(w, y, 0, x, "", true);
	console_text(w, y, 1, VIEW_SPACE_LABEL, label, false);
	if (bad) {
		wattrset(w, console_attr(c, STYLE_ERROR));
		console_text(w, y, 0, 1, "!", false);
	}
	if (r->empty) {
		wattrset(w, console_attr(c, selected ? STYLE_SELECTED :
		    STYLE_DIM));
		console_text(w, y, x, wd - x, r->field == DEFINE_PARAMS ?
		    "(none: press a to add one, e.g. x=1..10)" :
		    "(none: press a to pair lists, e.g. x,y)", true);
		return;
	}
	value = typed != NULL ? typed : define_form_get(&vs->form, r->field,
	    r->item);
	wattrset(w, console_attr(c, selected ? STYLE_SELECTED : bad ?
	    STYLE_ERROR : STYLE_NORMAL));
	console_text(w, y, x, wd - x, value, true);
	if (define_field_is_list(r->field))
		return;
	hint = define_form_hint(&vs->form, r->field, vs->cores);
	if (*hint != '\0') {
		x += console_width(value) + (*value != '\0' ? 2 : 0);
		wattrset(w, console_attr(c, selected ? STYLE_SELECTED :
		    STYLE_DIM));
		if (x < wd)
			console_text(w, y, x, wd - x, hint, false);
	}
	free(hint);
}

/* The form: a title, the fields, and the preview. */
static void
view_space_draw_form(struct view_space *vs, struct console *c, WINDOW *w)
{
	struct define_check chk;
	struct define_row *rows;
	const char *typed = NULL;
	size_t n, i;
	int h, wd, area, y;

	getmaxyx(w, h, wd);
	view_space_check(vs, c, &chk);
	if (vs->editing && c->cl != NULL && cmdline_active(c->cl))
		typed = cmdline_text(c->cl);
	n = define_form_rows(&vs->form, &rows);
	if (vs->row >= n)
		vs->row = n - 1;
	area = h - 1 - VIEW_SPACE_PREVIEW;
	if (area < 1)
		area = 1;
	if (vs->row < vs->form_top)
		vs->form_top = vs->row;
	if (vs->row >= vs->form_top + (size_t)area)
		vs->form_top = vs->row - (size_t)area + 1;

	wattrset(w, console_attr(c, STYLE_NORMAL) | A_BOLD);
	console_text(w, 0, 1, wd - 1, "New campaign", false);
	wattrset(w, console_attr(c, STYLE_DIM));
	console_text(w, 0, 14, wd - 14, " Enter edits, Space flips, "
	    "s starts, Esc leaves", false);
	for (y = 1, i = vs->form_top; y <= area && i < n; y++, i++)
		view_space_draw_row(vs, c, w, y, wd, &rows[i], i == vs->row,
		    &chk, typed != NULL && rows[i].field == vs->edit_field &&
		    !rows[i].empty && rows[i].item == vs->edit_item ? typed :
		    NULL);
	if (h > VIEW_SPACE_PREVIEW)
		view_space_draw_preview(c, w, h - VIEW_SPACE_PREVIEW, wd, &chk);
	wattrset(w, A_NORMAL);
	free(rows);
	define_check_clear(&chk);
}

static void
view_space_draw(struct view *v, struct console *c, WINDOW *w)
{
	struct view_space *vs = v->data;

	view_space_sync_edit(v, c);
	if (vs->define)
		view_space_draw_form(vs, c, w);
	else
		view_space_draw_set(vs, c, w);
}

/* Stop waiting for a started campaign's set. */
static void
view_space_forget(struct view_space *vs)
{
	vs->pending = false;
	free(vs->pending_tag);
	vs->pending_tag = NULL;
}

/* Leave define mode (the form is kept). */
static void
view_space_leave(struct view_space *vs, struct console *c)
{
	vs->define = false;
	view_space_forget(vs);
	c->dirty = true;
}

/* A key of the form: true if used. */
static bool
view_space_form_key(struct view *v, struct console *c, int key)
{
	struct view_space *vs = v->data;
	struct define_row *rows, r;
	size_t n = define_form_rows(&vs->form, &rows);

	r = rows[vs->row < n ? vs->row : n - 1];
	free(rows);
	switch (key) {
	case KEY_UP:
	case 'k':
		if (vs->row > 0)
			vs->row--;
		return true;
	case KEY_DOWN:
	case 'j':
		if (vs->row + 1 < n)
			vs->row++;
		return true;
	case KEY_PPAGE:
		vs->row = vs->row > 10 ? vs->row - 10 : 0;
		return true;
	case KEY_NPAGE:
		vs->row = vs->row + 10 < n ? vs->row + 10 : n - 1;
		return true;
	case KEY_HOME:
	case 'g':
		vs->row = 0;
		return true;
	case KEY_END:
	case 'G':
		vs->row = n - 1;
		return true;
	case ' ':
		if (define_field_is_toggle(r.field))
			define_form_toggle(&vs->form, r.field);
		return true;
	case '\r':
	case '\n':
	case KEY_ENTER:
	case 'e':
		if (define_field_is_toggle(r.field))
			define_form_toggle(&vs->form, r.field);
		else
			view_space_edit(v, c, r.field, r.item);
		return true;
	case 'a':
		if (!define_field_is_list(r.field))
			r.field = DEFINE_PARAMS;
		view_space_edit(v, c, r.field, r.field == DEFINE_PARAMS ?
		    vs->form.nparams : vs->form.nzips);
		return true;
	case 'd':
	case KEY_DC:
		if (!r.empty)
			define_form_remove(&vs->form, r.field, r.item);
		return true;
	case 's':
		console_define_start(c);
		return true;
	case 27: /* Escape */
		view_space_leave(vs, c);
		console_message(c, false, "the form is kept: press n to come "
		    "back to it");
		return true;
	case 'q': case ':': case '?': case '\t': case KEY_BTAB: case 12:
		return false;
	default:
		/* View keys pass; keys acting on the current set do not. */
		return key < '1' || key > '7';
	}
}

static bool
view_space_key(struct view *v, struct console *c, int key)
{
	struct view_space *vs = v->data;

	view_space_sync_edit(v, c);
	if (vs->define)
		return view_space_form_key(v, c, key);
	switch (key) {
	case KEY_UP:
	case 'k':
		if (vs->top > 0)
			vs->top--;
		return true;
	case KEY_DOWN:
	case 'j':
		vs->top++;
		return true;
	case KEY_HOME:
	case 'g':
		vs->top = 0;
		return true;
	default:
		return false;
	}
}

/* The view of the campaign just started, once its set is there. */
static void
view_space_pending(struct view *v, struct console *c)
{
	struct view_space *vs = v->data;
	size_t i, self;

	for (i = 0; i < c->nsets; i++) {
		if (vs->pending_tag != NULL ?
		    strcmp(c->sets[i].tag, vs->pending_tag) == 0 :
		    c->sets[i].id > vs->pending_after)
			break;
	}
	if (i == c->nsets) {
		/* Its run ended without a set (refused): the message line
		 * says why.  Stop waiting once the sets are up to date. */
		if (c->nchildren == 0 && c->nb != NULL &&
		    notebook_data_version(c->nb) == c->version)
			view_space_forget(vs);
		return;
	}
	view_space_leave(vs, c);
	console_select(c, i);
	if (view_space_find(c, &self) == v && c->view == self) {
		for (i = 0; i < c->nviews; i++) {
			if (strcmp(c->views[i]->ops->name, "results") == 0)
				c->view = i;
		}
	}
}

static void
view_space_update(struct view *v, struct console *c)
{
	struct view_space *vs = v->data;
	const struct nb_set *s;

	view_space_sync_edit(v, c);
	if (vs->pending)
		view_space_pending(v, c);
	s = console_set(c);
	if (s == NULL) {
		util_strv_free(vs->lines);
		vs->lines = NULL;
		vs->shown_id = 0;
		return;
	}
	if (vs->lines != NULL && s->id == vs->shown_id &&
	    s->locked == vs->shown_locked)
		return;
	if (s->id != vs->shown_id)
		vs->top = 0;
	util_strv_free(vs->lines);
	vs->lines = define_describe_set(s, vs->cores);
	vs->shown_id = s->id;
	vs->shown_locked = s->locked;
}

static void
view_space_free(struct view *v)
{
	struct view_space *vs = v->data;

	util_strv_free(vs->lines);
	define_form_clear(&vs->form);
	free(vs->pending_tag);
	free(vs);
}

static const struct view_ops view_space_ops = {
	"space", '2', view_space_draw, view_space_key, view_space_update,
	view_space_free,
};

struct view *
view_space_new(void)
{
	struct view *v = xcalloc(1, sizeof *v);
	struct view_space *vs = xcalloc(1, sizeof *vs);

	define_form_init(&vs->form);
	vs->cores = pool_cores_available();
	v->ops = &view_space_ops;
	v->data = vs;
	return v;
}

void
console_define_open(struct console *c)
{
	size_t i;
	struct view *v = view_space_find(c, &i);
	struct view_space *vs;

	if (v == NULL)
		return;
	vs = v->data;
	vs->define = true;
	c->view = i;
	c->dirty = true;
	free(c->message);
	c->message = xstrdup("new campaign: Enter edits a field, a adds a "
	    "parameter, d deletes, s starts, Esc leaves");
	c->message_error = false;
}

void
console_define_start(struct console *c)
{
	struct view *v = view_space_find(c, NULL);
	struct view_space *vs;
	struct define_check chk;
	char **argv, *err = NULL;
	size_t i;

	if (v == NULL)
		return;
	vs = v->data;
	view_space_check(vs, c, &chk);
	if (!chk.ok) {
		console_define_open(c);
		console_message(c, true, "cannot start: %s", chk.error);
		define_check_clear(&chk);
		return;
	}
	define_check_clear(&chk);
	if ((argv = define_argv(&vs->form, &err)) == NULL) {
		console_message(c, true, "cannot start: %s", err);
		free(err);
		return;
	}
	console_run_argv(c, argv);
	util_strv_free(argv);
	free(vs->pending_tag);
	vs->pending_tag = *vs->form.text[DEFINE_TAG] != '\0' ?
	    xstrdup(vs->form.text[DEFINE_TAG]) : NULL;
	vs->pending_after = 0;
	for (i = 0; i < c->nsets; i++) {
		if (c->sets[i].id > vs->pending_after)
			vs->pending_after = c->sets[i].id;
	}
	vs->pending = true;
	console_message(c, false, "starting the campaign: it becomes the "
	    "current set once recorded");
}
