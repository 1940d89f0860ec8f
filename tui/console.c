/*
 * console.c -- the console's frame: the terminal (ncurses in cbreak mode,
 * colours unless NO_COLOR, UTF-8 or ASCII glyphs), the main loop (keys,
 * signals, children, a timer), the refresh of what it shows from the
 * notebook, the header, the tab bar and the message line.  Views draw the
 * body; the command line is readline (cmdline.c).  The terminal is
 * restored on every way out: quit, error, signal, crash, and Ctrl-Z.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "cmdline.h"
#include "pool.h"
#include "console.h"
#include "console_int.h"
/* Last: it defines a macro for every terminfo capability name. */
#include <term.h>

/* The smallest screen the console draws on. */
#define CONSOLE_MIN_COLS 80
#define CONSOLE_MIN_ROWS 24
/* Seconds between refreshes of the clock-driven fields. */
#define CONSOLE_TICK 1.0

static const view_new_fn console_view_list[] = {
	view_sets_new, view_space_new, view_jobs_new, view_results_new,
	view_plot_new, view_log_new, view_help_new,
};

static volatile sig_atomic_t console_signal;
static int console_wake_fd = -1;
static bool console_curses_on;

static void
console_on_signal(int sig)
{
	int saved = errno;

	if (sig != SIGCHLD && sig != SIGWINCH)
		console_signal = sig;
	if (console_wake_fd != -1)
		(void)write(console_wake_fd, "", 1);
	errno = saved;
}

/* A crash must not leave the terminal raw: restore it, then die. */
static void
console_on_crash(int sig)
{
	if (console_curses_on)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
console_restore_terminal(void)
{
	if (console_curses_on) {
		endwin();
		console_curses_on = false;
	}
}

/* Colours: a small palette on the terminal's default background. */
static void
console_colors(struct console *c)
{
	static const short fg[STYLE_COUNT] = {
		[STYLE_HEADER] = COLOR_BLACK, [STYLE_TAB] = COLOR_CYAN,
		[STYLE_TAB_ACTIVE] = COLOR_BLACK, [STYLE_SELECTED] = COLOR_BLACK,
		[STYLE_DIM] = COLOR_BLUE, [STYLE_OK] = COLOR_GREEN,
		[STYLE_FAILED] = COLOR_RED, [STYLE_RUNNING] = COLOR_YELLOW,
		[STYLE_PENDING] = COLOR_CYAN, [STYLE_ERROR] = COLOR_RED,
		[STYLE_SERIES0] = COLOR_YELLOW, [STYLE_SERIES0 + 1] = COLOR_CYAN,
		[STYLE_SERIES0 + 2] = COLOR_MAGENTA,
		[STYLE_SERIES0 + 3] = COLOR_GREEN,
		[STYLE_SERIES0 + 4] = COLOR_RED, [STYLE_SERIES0 + 5] = COLOR_BLUE,
	};
	static const short bg[STYLE_COUNT] = {
		[STYLE_HEADER] = COLOR_CYAN, [STYLE_TAB_ACTIVE] = COLOR_CYAN,
		[STYLE_SELECTED] = COLOR_CYAN,
	};
	const char *nc = getenv("NO_COLOR");
	int i;

	c->color = (nc == NULL || *nc == '\0') && has_colors();
	if (!c->color)
		return;
	start_color();
	use_default_colors();
	for (i = 1; i < STYLE_COUNT; i++)
		init_pair((short)i, fg[i], bg[i] != 0 ? bg[i] : -1);
}

/* Format an ETA compactly for any double: 42s, 3m41s, 2h05m, 3d04h,
 * 2y040d (years of 365 days), >1000y; "-" when unknown. */
static void
console_duration(char *out, size_t len, double s)
{
	if (s < 0 || !isfinite(s))
		snprintf(out, len, "-");
	else if (s < 60)
		snprintf(out, len, "%.0fs", s);
	else if (s < 3600)
		snprintf(out, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
	else if (s < 86400)
		snprintf(out, len, "%dh%02dm", (int)(s / 3600),
		    (int)fmod(s / 60, 60));
	else if (s < 365 * 86400.0)
		snprintf(out, len, "%dd%02dh", (int)(s / 86400),
		    (int)fmod(s / 3600, 24));
	else if (s < 1000 * 365 * 86400.0)
		snprintf(out, len, "%dy%03dd", (int)(s / (365 * 86400.0)),
		    (int)(fmod(s, 365 * 86400.0) / 86400));
	else
		snprintf(out, len, ">1000y");
}

/* Header line 1: where we are; line 2: progress of the current set. */
static void
console_draw_header(struct console *c)
{
	const struct nb_counts *n = console_counts(c);
	struct buf b;
	char eta[32];
	uint64_t done;
	int barw, fill, i;

	buf_init(&b);
	werase(c->header);
	wattrset(c->header, console_attr(c, STYLE_HEADER));
	console_header_text(c, c->cols, pool_cores_available(), &b);
	console_text(c->header, 0, 0, c->cols, b.data, true);

	buf_reset(&b);
	if (n != NULL) {
		done = n->n[NB_OK] + n->n[NB_FAILED] + n->n[NB_CANCELLED];
		barw = 12;
		fill = (int)floor(n->ready * barw);
		buf_addc(&b, ' ');
		for (i = 0; i < barw; i++)
			buf_adds(&b, i < fill ? (c->utf8 ? "\xe2\x96\x88" :
			    "#") : (c->utf8 ? "\xe2\x96\x91" : "."));
		console_duration(eta, sizeof eta, c->rate > 0 ?
		    (double)(n->total - done) / c->rate : -1);
		buf_printf(&b, " %5.1f%% %" PRIu64 "/%" PRIu64 " ok %" PRIu64
		    " failed %" PRIu64 " running %" PRIu64 " pending %"
		    PRIu64 " %.0f/s ETA %s", floor(n->ready * 1000) / 10,
		    done, n->total, n->n[NB_OK], n->n[NB_FAILED],
		    n->n[NB_RUNNING], n->pending, c->rate, eta);
	}
	console_text(c->header, 1, 0, c->cols, b.data, true);

	/* The tab bar. */
	wmove(c->header, 2, 0);
	wattrset(c->header, console_attr(c, STYLE_NORMAL));
	wclrtoeol(c->header);
	wmove(c->header, 2, 0);
	for (i = 0; i < (int)c->nviews; i++) {
		const struct view_ops *o = c->views[i]->ops;

		buf_reset(&b);
		buf_printf(&b, " %c %s ", o->key, o->name);
		wattrset(c->header, console_attr(c, (size_t)i == c->view ?
		    STYLE_TAB_ACTIVE : STYLE_TAB));
		waddstr(c->header, b.data);
		wattrset(c->header, console_attr(c, STYLE_NORMAL));
		waddch(c->header, ' ');
	}
	wattrset(c->header, console_attr(c, STYLE_NORMAL));
	buf_free(&b);
}

static void
console_draw_message(struct console *c)
{
	werase(c->msg);
	wattrset(c->msg, console_attr(c, c->message_error ? STYLE_ERROR :
	    STYLE_DIM));
	if (c->message != NULL)
		console_text(c->msg, 0, 0, c->cols, c->message, false);
	else
		console_text(c->msg, 0, 0, c->cols, "1-7 views :command n new "
		    "p pause r resume c cancel e export ? help q quit", false);
	wattrset(c->msg, A_NORMAL);
}

/* (Re)create the windows for the current terminal size. */
static void
console_layout(struct console *c)
{
	getmaxyx(stdscr, c->rows, c->cols);
	if (c->header != NULL) {
		delwin(c->header);
		delwin(c->body);
		delwin(c->msg);
		delwin(c->cmdwin);
	}
	c->header = newwin(3, c->cols, 0, 0);
	c->body = newwin(c->rows > 5 ? c->rows - 5 : 1, c->cols, 3, 0);
	c->msg = newwin(1, c->cols, c->rows > 2 ? c->rows - 2 : 0, 0);
	c->cmdwin = newwin(1, c->cols, c->rows > 1 ? c->rows - 1 : 0, 0);
	if (c->cl != NULL)
		cmdline_set_window(c->cl, c->cmdwin);
	c->dirty = true;
}

static void
console_draw(struct console *c)
{
	struct view *v;

	if (c->rows < CONSOLE_MIN_ROWS || c->cols < CONSOLE_MIN_COLS) {
		erase();
		mvprintw(0, 0, "labrat needs a terminal of at least %dx%d "
		    "(this one is %dx%d)", CONSOLE_MIN_COLS, CONSOLE_MIN_ROWS,
		    c->cols, c->rows);
		refresh();
		return;
	}
	console_draw_header(c);
	werase(c->body);
	v = c->views[c->view];
	v->ops->draw(v, c, c->body);
	console_draw_message(c);
	if (!cmdline_active(c->cl))
		werase(c->cmdwin);
	else
		cmdline_draw(c->cl);
	wnoutrefresh(c->header);
	wnoutrefresh(c->body);
	wnoutrefresh(c->msg);
	wnoutrefresh(c->cmdwin);
	curs_set(cmdline_active(c->cl) ? 1 : 0);
	doupdate();
	c->dirty = false;
}

static void
console_on_accept(const char *line, void *arg)
{
	struct console *c = arg;
	void (*done)(struct console *, const char *, void *) = c->edit_done;

	c->edit_done = NULL;
	c->edit_complete = NULL;
	if (done != NULL)
		done(c, line, c->edit_arg);
	else
		console_command(c, line);
	c->dirty = true;
}

static char **
console_on_complete(const char *line, const char *text, int start,
    void *arg)
{
	return console_complete(arg, line, text, start);
}

void
console_prompt(struct console *c, const char *initial)
{
	free(c->message);
	c->message = NULL;
	c->edit_done = NULL;
	c->edit_complete = NULL;
	cmdline_start(c->cl, ":", initial);
	c->dirty = true;
}

/* A key in normal mode: the view first, then the global bindings. */
static void
console_key(struct console *c, int key)
{
	struct view *v = c->views[c->view];
	size_t i;

	if (key == KEY_RESIZE) {
		console_layout(c);
		return;
	}
	if (v->ops->key_fn != NULL && v->ops->key_fn(v, c, key)) {
		c->dirty = true;
		return;
	}
	for (i = 0; i < c->nviews; i++) {
		if (c->views[i]->ops->key == key) {
			c->view = i;
			c->dirty = true;
			return;
		}
	}
	switch (key) {
	case '\t':
		c->view = (c->view + 1) % c->nviews;
		break;
	case KEY_BTAB:
		c->view = (c->view + c->nviews - 1) % c->nviews;
		break;
	case ':':
		console_prompt(c, "");
		break;
	case '?':
		c->view = c->nviews - 1;
		break;
	case 12: /* Ctrl-L */
		clearok(curscr, TRUE);
		break;
	default:
		if (!console_key_binding(c, key))
			return;
		break;
	}
	c->dirty = true;
}

/* Read every key waiting on the terminal. */
static void
console_read_keys(struct console *c)
{
	int key;

	while ((key = getch()) != ERR) {
		if (key == KEY_RESIZE) {
			console_layout(c);
			continue;
		}
		if (cmdline_active(c->cl)) {
			cmdline_key(c->cl, key);
			c->dirty = true;
		} else {
			free(c->message);
			c->message = NULL;
			console_key(c, key);
		}
		if (c->quit)
			break;
	}
}

static void
console_signals(struct console *c)
{
	struct sigaction sa;

	if (pipe2(c->sigpipe, O_CLOEXEC | O_NONBLOCK) != 0)
		util_fatal("cannot create a pipe: %s", strerror(errno));
	console_wake_fd = c->sigpipe[1];
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = console_on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = console_on_crash;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void
console_free(struct console *c)
{
	size_t i;

	for (i = 0; i < c->nviews; i++) {
		if (c->views[i]->ops->free != NULL)
			c->views[i]->ops->free(c->views[i]);
		free(c->views[i]);
	}
	free(c->views);
	for (i = 0; i < c->nsets; i++)
		notebook_set_clear(&c->sets[i]);
	free(c->sets);
	free(c->counts);
	free(c->states);
	for (i = 0; i < c->nlog; i++)
		free(c->log[i]);
	free(c->message);
	console_children_free(c);
	notebook_close(c->nb);
	free(c->nb_path);
	if (c->sigpipe[0] != -1) {
		close(c->sigpipe[0]);
		close(c->sigpipe[1]);
	}
	console_wake_fd = -1;
}

/* Exit status when the terminal cannot show the console (as cmd.h's
 * CMD_EXIT_USAGE: the user's setup, not a bug). */
#define CONSOLE_EXIT_TERM 2

/*
 * Refuse a terminal the console cannot draw on, without writing to it:
 * TERM unset or empty, a TERM with no terminfo entry (initscr would exit),
 * or one that cannot address the cursor such as dumb (initscr would leave
 * a blank screen).  On refusal *err says which TERM and what to do.
 */
static int
console_check_term(char **err)
{
	static const char use[] = "or use the commands 'labrat status', "
	    "'labrat show TAG' and 'labrat export'";
	const char *term = getenv("TERM");
	struct buf shown;
	char *cup;
	int found = 0, rc = -1;

	if (term == NULL || *term == '\0') {
		*err = xasprintf("TERM is not set, so the console cannot know "
		    "how to draw on this terminal: set it, e.g. "
		    "TERM=xterm-256color, %s", use);
		return -1;
	}
	buf_init(&shown);
	util_clean_text(&shown, term, strlen(term), UTIL_TEXT_ASCII);
	if (setupterm(term, STDOUT_FILENO, &found) != OK) {
		if (found == -1)
			*err = xasprintf("no terminfo database found for "
			    "TERM=%s: install ncurses-base, %s", shown.data,
			    use);
		else
			*err = xasprintf("TERM=%s has no terminfo entry on this "
			    "machine: set TERM=xterm-256color (or install the "
			    "entry, e.g. from ncurses-term), %s", shown.data,
			    use);
		buf_free(&shown);
		return -1;
	}
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1 || tigetflag("hc") > 0 ||
	    tigetflag("gn") > 0)
		*err = xasprintf("TERM=%s cannot move the cursor, which the "
		    "console needs: set TERM=xterm-256color (or your "
		    "terminal's name), %s", shown.data, use);
	else
		rc = 0;
	del_curterm(cur_term);
	buf_free(&shown);
	return rc;
}

int
console_main(const char *notebook_path, const char *select_tag,
    const struct cmd_entry *commands)
{
	struct console c;
	struct pollfd pfd[2 + CONSOLE_MAX_CHILDREN];
	char *err = NULL, *history, *history_err = NULL;
	const char *cs;
	size_t i;
	int64_t v;
	int rc = 0;
	nfds_t n;

	/* A link or a FIFO at the history is refused: never followed nor
	 * waited on.  The console goes on without a history, and says so. */
	history = cmdline_history_path();
	if (history != NULL &&
	    cmdline_history_check(history, &history_err) != 0) {
		free(history);
		history = NULL;
	}
	memset(&c, 0, sizeof c);
	c.sigpipe[0] = c.sigpipe[1] = -1;
	c.commands = commands;
	if (console_check_term(&err) != 0) {
		fprintf(stderr, "labrat: %s\n", err);
		free(err);
		free(history);
		free(history_err);
		return CONSOLE_EXIT_TERM;
	}
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	c.utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	if (notebook_open(notebook_path, NOTEBOOK_READ, &c.nb, &err) != 0) {
		fprintf(stderr, "labrat: %s\n", err);
		free(err);
		free(history);
		free(history_err);
		return 3;
	}
	c.nb_path = xstrdup(notebook_path);
	c.nviews = UTIL_ARRLEN(console_view_list);
	c.views = xcalloc(c.nviews, sizeof *c.views);
	for (i = 0; i < c.nviews; i++)
		c.views[i] = console_view_list[i]();
	console_refresh(&c);
	for (i = 0; select_tag != NULL && i < c.nsets; i++) {
		if (strcmp(c.sets[i].tag, select_tag) == 0) {
			c.cur = i;
			c.cur_id = c.sets[i].id;
		}
	}
	c.view = c.nsets > 0 ? 3 : 0; /* results, or sets when empty */

	console_signals(&c);
	if (initscr() == NULL) {
		console_free(&c);
		free(history);
		free(history_err);
		return 1;
	}
	console_curses_on = true;
	atexit(console_restore_terminal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	console_colors(&c);
	console_layout(&c);
	c.cl = cmdline_open(c.cmdwin, history, console_on_accept,
	    console_on_complete, &c);
	free(history);
	if (history_err != NULL) {
		console_log(&c, "%s -- going on without a command history",
		    history_err);
		free(history_err);
		history_err = NULL;
	}
	console_update_views(&c);
	console_log(&c, "console opened on %s (%zu result set%s)",
	    notebook_path, c.nsets, c.nsets == 1 ? "" : "s");

	while (!c.quit) {
		/* Ctrl-C cancels the command line; otherwise it quits. */
		if (console_signal == SIGINT && cmdline_active(c.cl)) {
			console_signal = 0;
			cmdline_cancel(c.cl);
			c.dirty = true;
		}
		if (console_signal != 0)
			break;
		if (c.dirty)
			console_draw(&c);
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = c.sigpipe[0];
		pfd[1].events = POLLIN;
		n = 2 + console_children_poll(&c, pfd + 2);
		if (poll(pfd, n, c.loading ? 0 : 200) > 0) {
			char tmp[64];

			while (read(c.sigpipe[0], tmp, sizeof tmp) > 0)
				;
		}
		console_children_read(&c, pfd + 2, n - 2);
		console_read_keys(&c);
		/* Reload when the notebook changed, and every second for the
		 * runner state and the clock-driven fields. */
		v = notebook_data_version(c.nb);
		if (v != c.version ||
		    util_monotonic() - c.refreshed >= CONSOLE_TICK) {
			c.loading = false;
			console_refresh(&c);
			console_update_views(&c);
		} else if (c.loading) {
			/* Only the current view gets the extra turn. */
			struct view *cv = c.views[c.view];

			c.loading = false;
			if (cv->ops->update != NULL)
				cv->ops->update(cv, &c);
			c.dirty = true;
		}
	}

	if (cmdline_history_save(c.cl, &err) != 0)
		rc = 1;
	cmdline_close(c.cl);
	console_restore_terminal();
	console_free(&c);
	if (err != NULL) {
		fprintf(stderr, "labrat: %s\n", err);
		free(err);
	}
	if (console_signal != 0 && console_signal != SIGINT)
		return 128 + console_signal;
	return rc;
}
