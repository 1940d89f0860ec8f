/*
 * console.h -- the ncurses console: the state every view shares, and the
 * view interface.  The console is a monitor of the notebook: it re-reads
 * what it shows when PRAGMA data_version moves (and every second for the
 * clock-driven fields), never blocks on a runner, and runs commands (the
 * CLI's table) as child processes whose output goes to the event log.
 */
#ifndef LABRAT_CONSOLE_H
#define LABRAT_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#include "campaign.h"
#include "notebook.h"
#include "util.h"

struct console;
struct view;

/* Styles (colour pairs with colour, attributes without). */
enum console_style {
	STYLE_NORMAL,
	STYLE_HEADER,     /* the header lines */
	STYLE_TAB,        /* an inactive view's tab */
	STYLE_TAB_ACTIVE,
	STYLE_SELECTED,   /* the selected row */
	STYLE_DIM,        /* secondary text */
	STYLE_OK,
	STYLE_FAILED,
	STYLE_RUNNING,
	STYLE_PENDING,
	STYLE_ERROR,      /* error messages, error positions */
	STYLE_SERIES0,    /* plot series colours, 6 of them */
	STYLE_COUNT = STYLE_SERIES0 + 6
};

struct view_ops {
	const char *name;    /* for ":view NAME" and the tab bar */
	int key;             /* its key: '1'..'7' */
	/* Draw into w (its whole area).  */
	void (*draw)(struct view *v, struct console *c, WINDOW *w);
	/* Handle a key: true if used. */
	bool (*key_fn)(struct view *v, struct console *c, int key);
	/* The notebook or the current set changed: reload what is shown. */
	void (*update)(struct view *v, struct console *c);
	void (*free)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	void *data;
};

/* A view's constructor. */
typedef struct view *(*view_new_fn)(void);
struct view *view_sets_new(void);
struct view *view_space_new(void);
struct view *view_jobs_new(void);
struct view *view_results_new(void);
struct view *view_plot_new(void);
struct view *view_log_new(void);
struct view *view_help_new(void);

#define CONSOLE_LOG_MAX 500

struct console {
	struct notebook *nb;
	char *nb_path;
	/* The result sets, their counts and states, as of the last refresh. */
	struct nb_set *sets;
	struct nb_counts *counts;
	enum campaign_state *states;
	size_t nsets;
	size_t cur;          /* the current set (index in sets) */
	int64_t cur_id;      /* its id, to find it again after a reload */
	int64_t version;     /* data_version at the last refresh */
	double refreshed;    /* monotonic time of the last refresh */
	/* Throughput of the current set: finished jobs at two times. */
	double rate;         /* jobs per second, smoothed */
	uint64_t rate_done;
	double rate_time;

	struct view **views;
	size_t nviews;
	size_t view;         /* the current view */

	WINDOW *header, *body, *msg, *cmdwin;
	struct cmdline *cl;
	/* When set, the next line accepted on the command line goes here
	 * instead of console_command (a view editing a field); cleared
	 * before the call, and when the ':' prompt opens. */
	void (*edit_done)(struct console *, const char *line, void *arg);
	void *edit_arg;
	/* While edit_done is set: completion candidates for the field (as
	 * console_complete), or NULL for the command line's own. */
	char **(*edit_complete)(struct console *, const char *line,
	    const char *text, int start, void *arg);
	int rows, cols;
	bool color;
	bool utf8;
	bool dirty;          /* redraw everything */
	bool loading;        /* a view's update() stopped early to keep the
	                        frame short and wants another turn at once */
	bool quit;

	char *message;       /* the message line */
	bool message_error;
	char *log[CONSOLE_LOG_MAX]; /* the event log, oldest first */
	size_t nlog;
	uint64_t log_total;  /* lines ever logged */

	/* Commands running as children. */
	struct console_child *children;
	size_t nchildren;
	const struct cmd_entry *commands;
	int sigpipe[2];
};

/* The current set, or NULL when the notebook has none. */
const struct nb_set *console_set(const struct console *c);
const struct nb_counts *console_counts(const struct console *c);

/* Say something on the message line (and in the event log). */
void console_message(struct console *c, bool error, const char *fmt, ...)
    UTIL_PRINTF(3, 4);
/* Add a line to the event log. */
void console_log(struct console *c, const char *fmt, ...) UTIL_PRINTF(2, 3);

/* Run a command line: a console command (quit, view, set, ...) or a labrat
 * command (pause TAG, export ...) run as a child process. */
void console_command(struct console *c, const char *line);
/* Open the command line with an initial text. */
void console_prompt(struct console *c, const char *initial);

/* The attribute of a style (colour pair or plain attributes). */
attr_t console_attr(const struct console *c, enum console_style s);
/* Draw text at (y, x) in w, cut to width display columns (UTF-8 aware),
 * padded with spaces to width when pad. */
void console_text(WINDOW *w, int y, int x, int width, const char *text,
    bool pad);
/* Display columns of a UTF-8 string (wcwidth). */
int console_width(const char *s);

struct cmd_entry;
/* Open the console on the notebook at path (selecting the set tagged
 * select_tag, or the newest); commands is the CLI's command table, which
 * the command line and the key bindings run.  Returns the exit status. */
int console_main(const char *notebook_path, const char *select_tag,
    const struct cmd_entry *commands);

#endif
