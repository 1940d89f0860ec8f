/*
 * view_help.c -- every key and every command, generated from the same
 * tables the console and the CLI run, so it cannot go stale.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "console_int.h"

struct view_help {
	int top;
};

static void
view_help_line(struct buf *b, char ***lines, size_t *n)
{
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[(*n)++] = buf_steal(b);
}

/* All the lines of the help screen. */
static char **
view_help_lines(struct console *c, size_t *n)
{
	static const char *const keys[] = {
		"1-7, Tab      switch views (sets space jobs results plot log "
		"help)",
		":             command line (Tab completes, Up/Down history)",
		"j k, arrows   move; Enter selects; PgUp PgDn page",
		"Ctrl-L        redraw the screen; Ctrl-Z suspends",
		"results:      < > or h l scroll columns, o sort by the next "
		"column,",
		"              O reverse, f filter by state",
		"jobs:         f next state (running, failed, ok, ...)",
		"plot:         x next parameter, y next result, s series by "
		"parameter,",
		"              b braille or block dots",
		"sets:         ] and [ (any view) next and previous set;",
		"              PgUp PgDn scroll the engines of a remote set",
		NULL,
	};
	const struct cmd_entry *e;
	const char *help, *cmd, *name, *args;
	char **lines = NULL;
	struct buf b;
	size_t i;
	int key;

	*n = 0;
	buf_init(&b);
	buf_adds(&b, "KEYS");
	view_help_line(&b, &lines, n);
	for (i = 0; keys[i] != NULL; i++) {
		buf_printf(&b, "  %s", keys[i]);
		view_help_line(&b, &lines, n);
	}
	for (i = 0; (help = console_binding_help(i, &key, &cmd)) != NULL;
	    i++) {
		buf_printf(&b, "  %c             %-38s :%s", key, help, cmd);
		view_help_line(&b, &lines, n);
	}
	buf_adds(&b, "");
	view_help_line(&b, &lines, n);
	buf_adds(&b, "CONSOLE COMMANDS (after :)");
	view_help_line(&b, &lines, n);
	for (i = 0; (help = console_command_help(i, &name, &args)) != NULL;
	    i++) {
		buf_printf(&b, "  %-6s %-10s %s", name, args, help);
		view_help_line(&b, &lines, n);
	}
	buf_adds(&b, "");
	view_help_line(&b, &lines, n);
	buf_adds(&b, "LABRAT COMMANDS (after :, as in a shell; the current "
	    "set is the default TAG)");
	view_help_line(&b, &lines, n);
	for (e = c->commands; e != NULL && e->name != NULL; e++) {
		if (strcmp(e->name, "demo") == 0 ||
		    strcmp(e->name, "console") == 0)
			continue;
		buf_printf(&b, "  %-8s %s", e->name, e->summary);
		view_help_line(&b, &lines, n);
		buf_printf(&b, "           %s", e->args);
		view_help_line(&b, &lines, n);
	}
	buf_free(&b);
	return lines;
}

static void
view_help_draw(struct view *v, struct console *c, WINDOW *w)
{
	struct view_help *vh = v->data;
	char **lines;
	size_t n, i;
	int h, wd, y;

	getmaxyx(w, h, wd);
	lines = view_help_lines(c, &n);
	if (vh->top > (int)n - h)
		vh->top = (int)n - h > 0 ? (int)n - h : 0;
	for (y = 0, i = (size_t)vh->top; y < h && i < n; y++, i++) {
		wattrset(w, console_attr(c, lines[i][0] != ' ' ? STYLE_RUNNING :
		    STYLE_NORMAL));
		console_text(w, y, 1, wd - 1, lines[i], false);
	}
	wattrset(w, A_NORMAL);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static bool
view_help_key(struct view *v, struct console *c, int key)
{
	struct view_help *vh = v->data;

	(void)c;
	switch (key) {
	case KEY_DOWN:
	case 'j':
		vh->top++;
		return true;
	case KEY_UP:
	case 'k':
		vh->top = vh->top > 0 ? vh->top - 1 : 0;
		return true;
	case KEY_NPAGE:
	case ' ':
		vh->top += 10;
		return true;
	case KEY_PPAGE:
		vh->top = vh->top > 10 ? vh->top - 10 : 0;
		return true;
	default:
		return false;
	}
}

static void
view_help_free(struct view *v)
{
	free(v->data);
}

static const struct view_ops view_help_ops = {
	"help", '7', view_help_draw, view_help_key, NULL, view_help_free,
};

struct view *
view_help_new(void)
{
	struct view *v = xcalloc(1, sizeof *v);

	v->ops = &view_help_ops;
	v->data = xcalloc(1, sizeof(struct view_help));
	return v;
}
