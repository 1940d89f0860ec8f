/*
 * cmdline.h -- the console's command line: GNU readline in callback mode
 * inside a one-line ncurses window.  The console's input loop feeds it
 * keys; readline never reads the terminal itself, never blocks, and never
 * touches signals or terminal modes, so the screen keeps refreshing while
 * the user types.  History persists in a file; completion asks the
 * console for candidates.
 *
 * Readline is global state, so there is one command line per process:
 * cmdline_open while one is open aborts.
 */
#ifndef LABRAT_CMDLINE_H
#define LABRAT_CMDLINE_H

#include <stdbool.h>

#include <curses.h>

/* A line was entered (Enter): the text, without the newline. */
typedef void (*cmdline_accept_fn)(const char *line, void *arg);
/* Candidates for completing the word text, which starts at byte start of
 * the whole line: a NULL-terminated vector of strings (allocated with
 * malloc, freed by the command line), or NULL for none.  Candidates that
 * do not start with text are ignored; a lone candidate ending in '/' gets
 * no space after it. */
typedef char **(*cmdline_complete_fn)(const char *line, const char *text,
    int start, void *arg);

struct cmdline;

/* Open the command line drawing in win (one line high).  history_path is
 * the history file (read now, written by cmdline_close; NULL: no
 * history; one that cannot be read is no history: check it first with
 * cmdline_history_check).  Set the locale (setlocale(LC_CTYPE, ""))
 * first: readline decides at its first use whether input is UTF-8. */
struct cmdline *cmdline_open(WINDOW *win, const char *history_path,
    cmdline_accept_fn accept, cmdline_complete_fn complete, void *arg);
void cmdline_close(struct cmdline *cl);

/* 0 if the history file at path can be used: missing, or a regular file
 * (not a link, FIFO, directory or device) that can be read; -1 with *err
 * naming it otherwise. */
int cmdline_history_check(const char *path, char **err);
/* Save this session's lines now (cmdline_close does it otherwise): the
 * file's lines, then these, the last 1000, written to a new file (mode
 * 0600) renamed over it.  0, or -1 with *err (a link or a FIFO there). */
int cmdline_history_save(struct cmdline *cl, char **err);

/* Start editing with this prompt (e.g. ":") and an initial text. */
void cmdline_start(struct cmdline *cl, const char *prompt,
    const char *initial);
/* Stop editing without accepting (Escape, Ctrl-G, or the console). */
void cmdline_cancel(struct cmdline *cl);
bool cmdline_active(const struct cmdline *cl);

/* Feed one key as ncurses' wgetch returned it (a byte of UTF-8, or a
 * KEY_* code such as KEY_LEFT, KEY_BACKSPACE, KEY_HOME).  May call the
 * accept callback (which may call cmdline_start again).  Escape, Ctrl-G
 * and Ctrl-C cancel, and so does Ctrl-D on an empty line, except that
 * Escape and Ctrl-G end a history search (Ctrl-R) and Escape enters
 * command mode with readline's vi editing mode.  The line is drawn into
 * the window; the caller refreshes.  When editing stops the window is
 * erased. */
void cmdline_key(struct cmdline *cl, int key);
/* Draw the line into its window (after a resize or a full redraw); the
 * caller then refreshes.  The cursor is left where the user types.  The
 * prompt stays put and the text scrolls sideways to keep the cursor in
 * view.  After a completion listed several matches (Tab Tab), they are
 * shown after the text as far as they fit, until the next key. */
void cmdline_draw(struct cmdline *cl);
/* The window was resized or replaced. */
void cmdline_set_window(struct cmdline *cl, WINDOW *win);

/* Called by the complete function: the word being completed is a list
 * of items separated by sep ("node1,node2/4"), whose candidates are the
 * list with its last item completed.  A lone match gets no space after
 * it (the list may go on), and listed matches show their last item
 * only. */
void cmdline_complete_list(struct cmdline *cl, char sep);

/* The text being typed (valid until the next call), or NULL when the
 * line is not being edited. */
const char *cmdline_text(const struct cmdline *cl);

/* The matches the last completion listed (NULL-terminated), for a console
 * that shows them elsewhere too; NULL when there are none.  Valid until
 * the next key. */
char *const *cmdline_matches(const struct cmdline *cl);

/* The default history file: $XDG_STATE_HOME/labrat/history, else
 * ~/.local/state/labrat/history (directories created, mode 0700); owned.
 * NULL when neither variable is set or the directory cannot be made. */
char *cmdline_history_path(void);

#endif
