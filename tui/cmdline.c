/*
 * cmdline.c -- the console's command line: GNU readline in callback mode
 * inside a one-line ncurses window.  ncurses owns the terminal; readline
 * only edits a buffer.  Each key the console feeds becomes the bytes
 * readline's keymaps know (KEY_LEFT is "\033[D"), queued so that
 * rl_getc_function hands them over one at a time while
 * rl_input_available_hook tells readline whether more of a sequence is
 * there.  readline's own output, signal handling and terminal modes are
 * switched off; rl_redisplay_function draws the prompt and the line into
 * the window, scrolling the text sideways to keep the cursor in view.
 *
 * A lone Escape reaches cmdline_key already assembled by ncurses (arrow
 * keys arrive as KEY_* codes), so it cancels at once instead of waiting
 * as readline's meta prefix; the price is that Alt-key bindings are out
 * of reach (Shift-Left and Shift-Right move by words instead).
 *
 * The line handler only records the line and removes itself; the accept
 * callback runs after rl_callback_read_char has returned, so it may start
 * the next prompt.  Readline is global state: one command line at a time.
 *
 * The history file is read and written here, not by readline's
 * read_history and write_history, which follow links, block on a FIFO
 * and write through a temporary of a guessable name: it is opened with
 * util_file_open and rewritten through util_file_create_temp.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <readline/readline.h>
#include <readline/history.h>

#include "cmdline.h"
#include "util.h"

#define CMDLINE_HISTORY_MAX 1000
#define CMDLINE_HISTORY_FIX "remove it (labrat makes a new one)"
#define CMDLINE_QUEUE_MAX 16
#define CMDLINE_CTRL(c) ((c) & 0x1f)
#define CMDLINE_ESC 0x1b
/* What an empty queue answers if readline ever reads beyond the key it
 * was fed: Ctrl-G aborts whatever readline was waiting for. */
#define CMDLINE_NO_INPUT CMDLINE_CTRL('G')

struct cmdline {
	WINDOW *win;
	char *history_path;
	int history_added;		/* lines added since open */
	cmdline_accept_fn accept;
	cmdline_complete_fn complete;
	void *arg;
	FILE *devnull;			/* readline's rl_outstream */

	bool active;			/* the line handler is installed */
	unsigned char queue[CMDLINE_QUEUE_MAX];
	size_t qpos, qlen;		/* bytes of the key being fed */

	bool done;			/* the line handler ran, */
	char *line;			/* with this (NULL: Ctrl-D) */

	char **cands;			/* candidates of the completion */
	size_t cand_next;		/* under way */
	char list_sep;			/* they are lists of items separated
					   by it (0: words) */
	char **matches;			/* listed by Tab Tab */
	size_t match_skip;		/* bytes of directory (or of the
					   list's first items) not shown */

	int hscroll;			/* first text column shown */
};

/* The ncurses keys, as byte sequences bound in every keymap to the
 * function given unless the user's inputrc bound them already. */
static const struct cmdline_keyseq {
	int key;
	const char *seq;
	const char *fn;
} cmdline_keyseqs[] = {
	{ KEY_UP, "\033[A", "previous-history" },
	{ KEY_DOWN, "\033[B", "next-history" },
	{ KEY_RIGHT, "\033[C", "forward-char" },
	{ KEY_LEFT, "\033[D", "backward-char" },
	{ KEY_HOME, "\033[H", "beginning-of-line" },
	{ KEY_END, "\033[F", "end-of-line" },
	{ KEY_DC, "\033[3~", "delete-char" },
	{ KEY_IC, "\033[2~", "overwrite-mode" },
	{ KEY_PPAGE, "\033[5~", "history-search-backward" },
	{ KEY_NPAGE, "\033[6~", "history-search-forward" },
	{ KEY_SLEFT, "\033[1;5D", "backward-word" },
	{ KEY_SRIGHT, "\033[1;5C", "forward-word" },
	{ KEY_BACKSPACE, "\177", NULL },
	{ KEY_ENTER, "\r", NULL },
};

static const char *const cmdline_keymaps[] = {
	"emacs", "vi-insert", "vi-command"
};

/* One character of the line as drawn: control characters show as ^X,
 * bytes that do not make a printable character as '?'. */
enum cmdline_kind {
	CMDLINE_TEXT,
	CMDLINE_CONTROL,
	CMDLINE_BAD
};

struct cmdline_glyph {
	const char *s;
	size_t len;
	int width;
	enum cmdline_kind kind;
};

static struct cmdline *cmdline_current;

/* Hand readline the next queued byte. */
static int
cmdline_getc(FILE *f)
{
	struct cmdline *cl = cmdline_current;

	(void)f;
	if (cl == NULL || cl->qpos == cl->qlen)
		return CMDLINE_NO_INPUT;
	return cl->queue[cl->qpos++];
}

/* Tell readline whether more bytes of the key are queued. */
static int
cmdline_input_available(void)
{
	struct cmdline *cl = cmdline_current;

	return cl != NULL && cl->qpos < cl->qlen;
}

/* Redraw for readline. */
static void
cmdline_redisplay(void)
{
	if (cmdline_current != NULL)
		cmdline_draw(cmdline_current);
}

/* Leave the terminal modes to ncurses. */
static void
cmdline_prep_term(int meta)
{
	(void)meta;
}

/* Leave the terminal modes to ncurses. */
static void
cmdline_deprep_term(void)
{
}

/* Take the line readline finished; the accept callback runs later. */
static void
cmdline_handle_line(char *line)
{
	struct cmdline *cl = cmdline_current;

	rl_callback_handler_remove();
	cl->active = false;
	cl->done = true;
	cl->line = line;
}

/* Give readline the candidates one by one. */
static char *
cmdline_generate(const char *text, int state)
{
	struct cmdline *cl = cmdline_current;

	(void)text;
	if (state == 0)
		cl->cand_next = 0;
	if (cl->cands == NULL || cl->cands[cl->cand_next] == NULL)
		return NULL;
	return xstrdup(cl->cands[cl->cand_next++]);
}

/* Complete text from the console's candidates, never from file names. */
static char **
cmdline_attempt(const char *text, int start, int end)
{
	struct cmdline *cl = cmdline_current;
	char **cands, **m;
	size_t i, n, tlen = strlen(text), mlen;

	(void)end;
	rl_attempted_completion_over = 1;
	if (cl == NULL || cl->complete == NULL)
		return NULL;
	cl->list_sep = 0;
	cands = cl->complete(rl_line_buffer, text, start, cl->arg);
	if (cands == NULL)
		return NULL;
	for (i = n = 0; cands[i] != NULL; i++) {
		if (strncmp(cands[i], text, tlen) == 0)
			cands[n++] = cands[i];
		else
			free(cands[i]);
	}
	cands[n] = NULL;
	cl->cands = cands;
	m = rl_completion_matches(text, cmdline_generate);
	cl->cands = NULL;
	util_strv_free(cands);
	/* A directory is completed further, not followed by a space; so
	 * is a list, which may go on. */
	if (m != NULL && m[1] == NULL && (mlen = strlen(m[0])) > 0 &&
	    (m[0][mlen - 1] == '/' || cl->list_sep != 0))
		rl_completion_suppress_append = 1;
	return m;
}

/* Keep the matches readline would list, for cmdline_draw. */
static void
cmdline_list_matches(char **matches, int n, int max)
{
	struct cmdline *cl = cmdline_current;
	const char *slash = strrchr(matches[0], cl->list_sep != 0 ?
	    cl->list_sep : '/');
	int i;

	(void)max;
	util_strv_free(cl->matches);
	cl->matches = xcalloc((size_t)n + 1, sizeof *cl->matches);
	for (i = 0; i < n; i++)
		cl->matches[i] = xstrdup(matches[i + 1]);
	/* File names show without the directory they all share, items of
	 * a list without the items before them. */
	cl->match_skip = slash != NULL ? (size_t)(slash - matches[0]) + 1 : 0;
}

/* Drop the listed matches. */
static void
cmdline_clear_matches(struct cmdline *cl)
{
	util_strv_free(cl->matches);
	cl->matches = NULL;
}

/* Bind the sequences cmdline_key produces where the user did not. */
static void
cmdline_bind_keys(void)
{
	const struct cmdline_keyseq *k;
	rl_command_func_t *fn;
	Keymap map;
	size_t i, j;

	for (i = 0; i < UTIL_ARRLEN(cmdline_keymaps); i++) {
		if ((map = rl_get_keymap_by_name(cmdline_keymaps[i])) == NULL)
			continue;
		for (j = 0; j < UTIL_ARRLEN(cmdline_keyseqs); j++) {
			k = &cmdline_keyseqs[j];
			if (k->fn != NULL &&
			    (fn = rl_named_function(k->fn)) != NULL)
				rl_bind_keyseq_if_unbound_in_map(k->seq, fn,
				    map);
		}
	}
}

/* Say which file *err is about: the command history. */
static void
cmdline_history_error(char **err)
{
	char *why = *err;

	*err = xasprintf("cannot use the command history: %s", why);
	free(why);
}

/* Append the history file at path to b: 0 (a missing file is no
 * history), or -1 with *err (a link, a FIFO, unreadable). */
static int
cmdline_history_load(const char *path, struct buf *b, char **err)
{
	char tmp[4096];
	ssize_t n;
	int fd;

	if (util_file_open(path, O_RDONLY, 0, CMDLINE_HISTORY_FIX, &fd,
	    err) != 0) {
		if (errno != ENOENT) {
			cmdline_history_error(err);
			return -1;
		}
		free(*err);
		*err = NULL;
		return 0;
	}
	while ((n = read(fd, tmp, sizeof tmp)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*err = xasprintf("cannot read the command history %s: "
			    "%s", path, strerror(errno));
			close(fd);
			return -1;
		}
		buf_add(b, tmp, (size_t)n);
	}
	close(fd);
	return 0;
}

/* Split text into its non-empty lines (in place), appended to *v. */
static void
cmdline_history_lines(char *text, char ***v, size_t *nv)
{
	char *p, *next;
	size_t len;

	for (p = text; p != NULL && *p != '\0'; p = next) {
		len = strcspn(p, "\n");
		next = p + len + (p[len] == '\n');
		p[len] = '\0';
		if (len > 0) {
			*v = xreallocarray(*v, *nv + 1, sizeof **v);
			(*v)[(*nv)++] = p;
		}
	}
}

/* Read the history file at path into readline's list, an entry a line
 * (stifled to the last CMDLINE_HISTORY_MAX); a file that cannot be read
 * is no history (the console checked it before it started). */
static void
cmdline_history_read(const char *path)
{
	struct buf b;
	char *err = NULL, **v = NULL;
	size_t nv = 0, i;

	buf_init(&b);
	if (cmdline_history_load(path, &b, &err) != 0)
		free(err);
	cmdline_history_lines(b.data, &v, &nv);
	for (i = 0; i < nv; i++)
		add_history(v[i]);
	free(v);
	buf_free(&b);
}

struct cmdline *
cmdline_open(WINDOW *win, const char *history_path,
    cmdline_accept_fn accept, cmdline_complete_fn complete, void *arg)
{
	struct cmdline *cl;

	if (cmdline_current != NULL)
		util_fatal("cmdline_open: a command line is already open");
	cl = xcalloc(1, sizeof *cl);
	cl->win = win;
	cl->accept = accept;
	cl->complete = complete;
	cl->arg = arg;
	if ((cl->devnull = fopen("/dev/null", "we")) == NULL)
		util_fatal("cannot open /dev/null: %s", strerror(errno));
	cmdline_current = cl;

	rl_readline_name = "labrat";
	rl_outstream = cl->devnull;
	rl_getc_function = cmdline_getc;
	rl_input_available_hook = cmdline_input_available;
	/* Also keeps readline from loading terminfo behind ncurses' back. */
	rl_redisplay_function = cmdline_redisplay;
	rl_prep_term_function = cmdline_prep_term;
	rl_deprep_term_function = cmdline_deprep_term;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_attempted_completion_function = cmdline_attempt;
	rl_completion_display_matches_hook = cmdline_list_matches;
	/* Words are separated by blanks, quotes and '=' (x0=...). */
	rl_completer_word_break_characters = " \t\n\"'=";
	rl_initialize();
	/* UTF-8 bytes are text, not meta keys, whatever the inputrc says. */
	rl_variable_bind("input-meta", "on");
	rl_variable_bind("convert-meta", "off");
	rl_variable_bind("output-meta", "on");
	cmdline_bind_keys();

	stifle_history(CMDLINE_HISTORY_MAX);
	if (history_path != NULL) {
		cl->history_path = xstrdup(history_path);
		cmdline_history_read(history_path);
	}
	return cl;
}

int
cmdline_history_check(const char *path, char **err)
{
	struct buf b;
	int rc;

	buf_init(&b);
	rc = cmdline_history_load(path, &b, err);
	buf_free(&b);
	return rc;
}

/* Write text to the new file tmp (fd, closed) and rename it over path:
 * 0, or -1 with *err. */
static int
cmdline_history_replace(const char *path, const char *tmp, int fd,
    const struct buf *text, char **err)
{
	size_t off = 0;
	ssize_t n;
	int e = 0;

	while (off < text->len && e == 0) {
		if ((n = write(fd, text->data + off, text->len - off)) >= 0)
			off += (size_t)n;
		else if (errno != EINTR)
			e = errno;
	}
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, path) != 0)
		e = errno;
	if (e != 0) {
		*err = xasprintf("cannot write the command history %s: %s",
		    path, strerror(e));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
cmdline_history_save(struct cmdline *cl, char **err)
{
	HIST_ENTRY **list = history_list();
	struct buf old, text;
	char **v = NULL, *tmp;
	size_t nv = 0, i;
	int n = cl->history_added, fd, rc = -1;

	if (n > history_length)
		n = history_length;
	cl->history_added = 0;
	if (cl->history_path == NULL || n <= 0 || list == NULL)
		return 0;
	/* The file's lines as they are now (other consoles may have added
	 * theirs since), then this session's: the last
	 * CMDLINE_HISTORY_MAX of them. */
	buf_init(&old);
	buf_init(&text);
	if (cmdline_history_load(cl->history_path, &old, err) != 0)
		goto out;
	cmdline_history_lines(old.data, &v, &nv);
	v = xreallocarray(v, nv + (size_t)n, sizeof *v);
	for (i = 0; i < (size_t)n; i++)
		v[nv++] = list[history_length - n + (int)i]->line;
	for (i = nv > CMDLINE_HISTORY_MAX ? nv - CMDLINE_HISTORY_MAX : 0;
	    i < nv; i++) {
		buf_adds(&text, v[i]);
		buf_addc(&text, '\n');
	}
	if (util_file_create_temp(cl->history_path, 0600, &fd, &tmp,
	    err) != 0) {
		cmdline_history_error(err);
		goto out;
	}
	rc = cmdline_history_replace(cl->history_path, tmp, fd, &text, err);
	free(tmp);
out:
	free(v);
	buf_free(&old);
	buf_free(&text);
	return rc;
}

void
cmdline_close(struct cmdline *cl)
{
	char *err = NULL;

	if (cl == NULL)
		return;
	cmdline_cancel(cl);
	if (cmdline_history_save(cl, &err) != 0)
		free(err);
	rl_clear_history();
	cmdline_clear_matches(cl);
	free(cl->history_path);
	rl_outstream = NULL;
	fclose(cl->devnull);
	cmdline_current = NULL;
	free(cl);
}

void
cmdline_start(struct cmdline *cl, const char *prompt, const char *initial)
{
	cmdline_cancel(cl);
	cmdline_clear_matches(cl);
	cl->hscroll = 0;
	cl->active = true;
	rl_callback_handler_install(prompt, cmdline_handle_line);
	if (initial != NULL && *initial != '\0')
		rl_insert_text(initial);
	cmdline_draw(cl);
}

/* Hand readline the bytes of one key, as long as it reads a line. */
static void
cmdline_feed(struct cmdline *cl)
{
	while (cl->active && cl->qpos < cl->qlen)
		rl_callback_read_char();
	cl->qpos = cl->qlen = 0;	/* what followed Enter */
}

void
cmdline_cancel(struct cmdline *cl)
{
	if (!cl->active)
		return;
	/* Readline's own abort key first: it makes readline let go of a
	 * half-read key sequence, quoted insert or search, freeing what it
	 * holds for them (rl_callback_sigcleanup alone leaks some). */
	cl->queue[0] = CMDLINE_CTRL('G');
	cl->qpos = 0;
	cl->qlen = 1;
	cmdline_feed(cl);
	if (cl->done) {
		/* The inputrc bound Ctrl-G to ending the line. */
		free(cl->line);
		cl->line = NULL;
		cl->done = false;
	} else {
		rl_callback_sigcleanup();
		rl_free_line_state();
		rl_callback_handler_remove();
		cl->active = false;
	}
	cmdline_clear_matches(cl);
	werase(cl->win);
}

bool
cmdline_active(const struct cmdline *cl)
{
	return cl->active;
}

/* Add a line to the history unless blank or the same as the last. */
static void
cmdline_remember(struct cmdline *cl, const char *line)
{
	HIST_ENTRY *last = NULL;

	if (line[strspn(line, " \t")] == '\0')
		return;
	if (history_length > 0)
		last = history_get(history_base + history_length - 1);
	if (last != NULL && strcmp(last->line, line) == 0)
		return;
	add_history(line);
	cl->history_added++;
}

/* Deliver the line the handler took; nothing touches cl after the
 * callback, which may start the next prompt or close the command line. */
static void
cmdline_finish(struct cmdline *cl)
{
	cmdline_accept_fn accept = cl->accept;
	void *arg = cl->arg;
	char *line = cl->line;

	cl->line = NULL;
	cl->done = false;
	werase(cl->win);
	if (line == NULL)
		return; /* Ctrl-D on an empty line */
	cmdline_remember(cl, line);
	accept(line, arg);
	free(line);
}

/* True if key stops editing instead of going to readline. */
static bool
cmdline_cancels(int key)
{
	bool search = RL_ISSTATE(RL_STATE_ISEARCH | RL_STATE_NSEARCH) != 0;

	switch (key) {
	case CMDLINE_CTRL('C'):
		return true;
	case CMDLINE_CTRL('G'):
		return !search;
	case CMDLINE_ESC:
		return !search && rl_editing_mode == 1;
	}
	return false;
}

/* Queue the bytes readline's keymaps know for key; false if none. */
static bool
cmdline_queue_key(struct cmdline *cl, int key)
{
	size_t i;

	cl->qpos = cl->qlen = 0;
	if (key >= 0 && key <= 0xff) {
		cl->queue[cl->qlen++] = (unsigned char)key;
		return true;
	}
	for (i = 0; i < UTIL_ARRLEN(cmdline_keyseqs); i++) {
		if (cmdline_keyseqs[i].key == key) {
			cl->qlen = strlen(cmdline_keyseqs[i].seq);
			memcpy(cl->queue, cmdline_keyseqs[i].seq, cl->qlen);
			return true;
		}
	}
	return false;
}

void
cmdline_key(struct cmdline *cl, int key)
{
	cmdline_clear_matches(cl);
	if (!cl->active)
		return;
	if (cmdline_cancels(key)) {
		cmdline_cancel(cl);
		return;
	}
	if (cmdline_queue_key(cl, key))
		cmdline_feed(cl);
	if (cl->done)
		cmdline_finish(cl);
	else
		cmdline_draw(cl);
}

/* Decode the character at s (len bytes left) for drawing. */
static void
cmdline_glyph(const char *s, size_t len, struct cmdline_glyph *g)
{
	mbstate_t mbs;
	wchar_t wc;
	size_t n;

	memset(&mbs, 0, sizeof mbs);
	g->s = s;
	n = mbrtowc(&wc, s, len, &mbs);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		g->len = 1;
		g->kind = CMDLINE_BAD;
		g->width = 1;
		return;
	}
	g->len = n;
	if (wc < 0x20 || wc == 0x7f) {
		g->kind = CMDLINE_CONTROL;
		g->width = 2;
	} else if ((g->width = wcwidth(wc)) < 0) {
		g->kind = CMDLINE_BAD;
		g->width = 1;
	} else
		g->kind = CMDLINE_TEXT;
}

/* Display columns of s[0..len). */
static int
cmdline_width(const char *s, size_t len)
{
	struct cmdline_glyph g;
	size_t off;
	int width = 0;

	for (off = 0; off < len; off += g.len) {
		cmdline_glyph(s + off, len - off, &g);
		width += g.width;
	}
	return width;
}

/* Draw one glyph at the cursor. */
static void
cmdline_put(WINDOW *win, const struct cmdline_glyph *g)
{
	switch (g->kind) {
	case CMDLINE_TEXT:
		waddnstr(win, g->s, (int)g->len);
		break;
	case CMDLINE_CONTROL:
		waddch(win, '^');
		waddch(win, (chtype)(((unsigned char)*g->s) ^ 0x40));
		break;
	case CMDLINE_BAD:
		waddch(win, '?');
		break;
	}
}

/* Draw s[0..len) from column x, clipped to the columns [x, max). */
static int
cmdline_put_string(WINDOW *win, int x, int max, const char *s, size_t len)
{
	struct cmdline_glyph g;
	size_t off;

	for (off = 0; off < len; off += g.len) {
		cmdline_glyph(s + off, len - off, &g);
		if (x + g.width > max)
			break;
		wmove(win, 0, x);
		cmdline_put(win, &g);
		x += g.width;
	}
	return x;
}

/* Scroll so that the cursor's character (cursor to cursor + cw) shows in
 * a text area of area columns, wasting none at the end of the line. */
static void
cmdline_scroll(struct cmdline *cl, int cursor, int cw, int total, int area)
{
	if (cl->hscroll > total + 1 - area)
		cl->hscroll = total + 1 - area;
	if (cl->hscroll < 0)
		cl->hscroll = 0;
	if (cursor < cl->hscroll || cw > area)
		cl->hscroll = cursor;
	else if (cursor + cw > cl->hscroll + area)
		cl->hscroll = cursor + cw - area;
}

/* Show the listed matches from column x as far as they fit, then how many
 * did not. */
static void
cmdline_draw_matches(struct cmdline *cl, int x, int cols)
{
	char more[32];
	const char *m;
	size_t i, n = util_strv_len(cl->matches), left;
	int w, mw;

	wattron(cl->win, A_DIM);
	for (i = 0; i < n; i++) {
		m = cl->matches[i];
		if (strlen(m) > cl->match_skip)
			m += cl->match_skip;
		w = cmdline_width(m, strlen(m));
		left = n - i - 1;
		mw = left > 0 ? 2 + snprintf(more, sizeof more, "+%zu",
		    left) : 0;
		if (x + w + mw > cols)
			break;
		cmdline_put_string(cl->win, x, cols, m, strlen(m));
		x += w + 2;
	}
	if (i < n) {
		snprintf(more, sizeof more, "+%zu", n - i);
		cmdline_put_string(cl->win, x, cols, more, strlen(more));
	}
	wattroff(cl->win, A_DIM);
}

void
cmdline_draw(struct cmdline *cl)
{
	const char *prompt = rl_display_prompt != NULL ? rl_display_prompt : "";
	const char *text = rl_line_buffer != NULL ? rl_line_buffer : "";
	size_t len = rl_line_buffer != NULL ? (size_t)rl_end : 0;
	size_t point = (size_t)rl_point, off;
	struct cmdline_glyph g;
	int cols, tx, area, col, cursor = -1, cw = 1, total;

	if (!cl->active || cl->win == NULL)
		return;
	cols = getmaxx(cl->win);
	werase(cl->win);

	/* The prompt stays put unless it leaves no room to type. */
	tx = cmdline_width(prompt, strlen(prompt));
	if (tx + 2 > cols)
		tx = 0;
	else
		cmdline_put_string(cl->win, 0, tx, prompt, strlen(prompt));
	area = cols - tx;

	for (off = 0, col = 0; off < len; off += g.len, col += g.width) {
		cmdline_glyph(text + off, len - off, &g);
		if (cursor == -1 && off >= point) {
			cursor = col;
			cw = g.width > 0 ? g.width : 1;
		}
	}
	total = col;
	if (cursor == -1)
		cursor = total;
	cmdline_scroll(cl, cursor, cw, total, area);

	for (off = 0, col = 0; off < len; off += g.len, col += g.width) {
		cmdline_glyph(text + off, len - off, &g);
		if (col + g.width > cl->hscroll + area)
			break;
		/* Skip what scrolled off, and marks whose base did. */
		if (col < cl->hscroll || (g.width == 0 && col == cl->hscroll))
			continue;
		wmove(cl->win, 0, tx + col - cl->hscroll);
		cmdline_put(cl->win, &g);
	}

	if (cl->matches != NULL && total - cl->hscroll + 2 < area)
		cmdline_draw_matches(cl, tx + total - cl->hscroll + 2, cols);
	wmove(cl->win, 0, tx + cursor - cl->hscroll);
}

void
cmdline_set_window(struct cmdline *cl, WINDOW *win)
{
	cl->win = win;
	cmdline_draw(cl);
}

char *const *
cmdline_matches(const struct cmdline *cl)
{
	return cl->matches;
}

const char *
cmdline_text(const struct cmdline *cl)
{
	return cl->active ? rl_line_buffer : NULL;
}

/* Make path and its parents (mode 0700): 0, or -1 if it is no
 * directory. */
static int
cmdline_mkdirs(char *path)
{
	struct stat st;
	char *p, c;

	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			*p = c;
			return -1;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

char *
cmdline_history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir, *path;

	/* The XDG spec says to ignore a relative XDG_STATE_HOME. */
	if (state != NULL && state[0] == '/')
		dir = xasprintf("%s/labrat", state);
	else if (home != NULL && home[0] != '\0')
		dir = xasprintf("%s/.local/state/labrat", home);
	else
		return NULL;
	if (cmdline_mkdirs(dir) != 0) {
		free(dir);
		return NULL;
	}
	path = xasprintf("%s/history", dir);
	free(dir);
	return path;
}

void
cmdline_complete_list(struct cmdline *cl, char sep)
{
	cl->list_sep = sep;
}
