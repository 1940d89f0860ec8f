/*
 * cmdline.h -- the console's command line: GNU readline in callback mode
 * inside a one-line ncurses window.  The console's input loop feeds it
 * keys; readline never reads the terminal itself, never blocks, and never
 * touches signals or terminal modes, so the screen keeps refreshing while
 * the user types.  History persists in a file; completion asks the
 * console for candidates.
 */
#ifndef LABRAT_CMDLINE_H
#define LABRAT_CMDLINE_H

#include <stdbool.h>

#include <curses.h>

/* A line was entered (Enter): the text, without the newline. */
typedef void (*cmdline_accept_fn)(const char *line, void *arg);
/* Candidates for completing the word text, which starts at byte start of
 * the whole line: a NULL-terminated vector of strings (allocated with
 * malloc, freed by the command line), or NULL for none. */
typedef char **(*cmdline_complete_fn)(const char *line, const char *text,
    int start, void *arg);

struct cmdline;

/* Open the command line drawing in win (one line high).  history_path is
 * the history file (read now, written by cmdline_close; NULL: no
 * history). */
struct cmdline *cmdline_open(WINDOW *win, const char *history_path,
    cmdline_accept_fn accept, cmdline_complete_fn complete, void *arg);
void cmdline_close(struct cmdline *cl);

/* Start editing with this prompt (e.g. ":") and an initial text. */
void cmdline_start(struct cmdline *cl, const char *prompt,
    const char *initial);
/* Stop editing without accepting (Escape, Ctrl-G, or the console). */
void cmdline_cancel(struct cmdline *cl);
bool cmdline_active(const struct cmdline *cl);

/* Feed one key as ncurses' wgetch returned it (a byte of UTF-8, or a
 * KEY_* code such as KEY_LEFT, KEY_BACKSPACE, KEY_HOME).  May call the
 * accept callback. */
void cmdline_key(struct cmdline *cl, int key);
/* Draw the line into its window (after a resize or a full redraw); the
 * caller then refreshes.  The cursor is left where the user types. */
void cmdline_draw(struct cmdline *cl);
/* The window was resized or replaced. */
void cmdline_set_window(struct cmdline *cl, WINDOW *win);

/* The default history file: $XDG_STATE_HOME/labrat/history, else
 * ~/.local/state/labrat/history (directories created); owned. */
char *cmdline_history_path(void);

#endif
