/*
 * check_cmdline.c -- the cmdline suite: readline in callback mode driven
 * key by key as the console drives it, drawing into a 1x40 window of an
 * ncurses screen whose terminal is /dev/null (no tty needed), in a UTF-8
 * locale, with the history in a temporary XDG_STATE_HOME.
 */
#include "config.h"

#include <sys/stat.h>

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "../tui/cmdline.h"
#include "testutil.h"
#include "util.h"

#define T_CTRL(c) ((c) & 0x1f)
#define T_ESC 0x1b
#define T_MAX_ACCEPTED 8

static FILE *t_out, *t_in;
static SCREEN *t_screen;
static WINDOW *t_win;
static struct cmdline *t_cl;
static char *t_dir;
static char *t_accepted[T_MAX_ACCEPTED];
static int t_naccepted;
static char *t_comp_line, *t_comp_text;
static int t_comp_start;

/* What the tests change in the process, put back for the suites that run
 * after them without fork (CK_FORK=no). */
static const char *const t_env_names[] = {
	"HOME", "XDG_STATE_HOME", "INPUTRC"
};
static char *t_env_saved[UTIL_ARRLEN(t_env_names)];
static char *t_locale_saved;

/* What the console would offer, unfiltered: the command line must keep
 * only the candidates that start with the word. */
static const char *const t_words[] = {
	"status", "stop", "seed", "x0", "r", "results/", "dir/a.csv",
	"dir/b.csv", NULL
};

/* When set, what is offered instead, as a comma-separated list of hosts
 * (the console's hosts field). */
static const char *const *t_list_words;

static void
t_on_accept(const char *line, void *arg)
{
	ck_assert_ptr_eq(arg, &t_naccepted);
	ck_assert_int_lt(t_naccepted, T_MAX_ACCEPTED);
	t_accepted[t_naccepted++] = xstrdup(line);
	if (strcmp(line, "ask") == 0)
		cmdline_start(t_cl, "sure? ", "y");
}

static char **
t_on_complete(const char *line, const char *text, int start, void *arg)
{
	char **v;
	size_t i;

	ck_assert_ptr_eq(arg, &t_naccepted);
	free(t_comp_line);
	free(t_comp_text);
	t_comp_line = xstrdup(line);
	t_comp_text = xstrdup(text);
	t_comp_start = start;
	if (t_list_words != NULL) {
		cmdline_complete_list(t_cl, ',');
		v = xcalloc(8, sizeof *v);
		for (i = 0; t_list_words[i] != NULL; i++)
			v[i] = xstrdup(t_list_words[i]);
		return v;
	}
	v = xcalloc(UTIL_ARRLEN(t_words), sizeof *v);
	for (i = 0; t_words[i] != NULL; i++)
		v[i] = xstrdup(t_words[i]);
	return v;
}

static void
t_open(const char *history)
{
	t_cl = cmdline_open(t_win, history, t_on_accept, t_on_complete,
	    &t_naccepted);
}

static void
setup(void)
{
	const char *v;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(t_env_names); i++) {
		v = getenv(t_env_names[i]);
		t_env_saved[i] = v != NULL ? xstrdup(v) : NULL;
	}
	t_locale_saved = xstrdup(setlocale(LC_ALL, NULL));
	if (setlocale(LC_ALL, "C.UTF-8") == NULL &&
	    setlocale(LC_ALL, "C.utf8") == NULL &&
	    setlocale(LC_ALL, "en_US.UTF-8") == NULL)
		ck_abort_msg("no UTF-8 locale (C.UTF-8) on this system");
	setenv("INPUTRC", "/dev/null", 1);	/* not the user's bindings */
	t_dir = testutil_tempdir();
	setenv("XDG_STATE_HOME", t_dir, 1);
	t_out = fopen("/dev/null", "w");
	t_in = fopen("/dev/null", "r");
	ck_assert_ptr_nonnull(t_out);
	ck_assert_ptr_nonnull(t_in);
	use_env(FALSE);	/* 80x24 from terminfo, whatever $LINES */
	t_screen = newterm("xterm", t_out, t_in);
	ck_assert_msg(t_screen != NULL, "no terminfo entry for xterm");
	t_win = newwin(1, 40, 0, 0);
	ck_assert_ptr_nonnull(t_win);
	t_naccepted = 0;
	t_open(NULL);
}

static void
teardown(void)
{
	int i;

	if (t_cl != NULL)
		cmdline_close(t_cl);
	t_cl = NULL;
	delwin(t_win);
	endwin();
	delscreen(t_screen);
	fclose(t_out);
	fclose(t_in);
	testutil_rmtree(t_dir);
	free(t_dir);
	for (i = 0; i < t_naccepted; i++)
		free(t_accepted[i]);
	free(t_comp_line);
	free(t_comp_text);
	t_comp_line = t_comp_text = NULL;
	for (i = 0; i < (int)UTIL_ARRLEN(t_env_names); i++) {
		if (t_env_saved[i] != NULL)
			setenv(t_env_names[i], t_env_saved[i], 1);
		else
			unsetenv(t_env_names[i]);
		free(t_env_saved[i]);
	}
	setlocale(LC_ALL, t_locale_saved);
	free(t_locale_saved);
}

/* Feed the bytes of s one key at a time. */
static void
t_type(const char *s)
{
	while (*s != '\0')
		cmdline_key(t_cl, (unsigned char)*s++);
}

/* The window's text without trailing blanks; the cursor stays. */
static const char *
t_screen_text(void)
{
	static char buf[1024];
	int y, x;
	size_t n;

	getyx(t_win, y, x);
	if (mvwinnstr(t_win, 0, 0, buf, (int)sizeof buf - 1) == ERR)
		buf[0] = '\0';
	wmove(t_win, y, x);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return buf;
}

/* Replace the window by one cols wide, as the console does on a
 * resize. */
static void
t_set_window(int cols)
{
	WINDOW *old = t_win;

	t_win = newwin(1, cols, 0, 0);
	ck_assert_ptr_nonnull(t_win);
	cmdline_set_window(t_cl, t_win);
	delwin(old);
}

/* Type s, press Enter, and check that exactly want was accepted. */
static void
t_enter(const char *s, const char *want)
{
	int before = t_naccepted;

	t_type(s);
	cmdline_key(t_cl, '\r');
	ck_assert_int_eq(t_naccepted, before + 1);
	ck_assert_str_eq(t_accepted[before], want);
}

START_TEST(test_accept)
{
	ck_assert(!cmdline_active(t_cl));
	cmdline_start(t_cl, ":", "");
	ck_assert(cmdline_active(t_cl));
	ck_assert_str_eq(t_screen_text(), ":");
	t_type("status demo");
	ck_assert_str_eq(t_screen_text(), ":status demo");
	ck_assert_int_eq(getcurx(t_win), 12);
	ck_assert_str_eq(cmdline_text(t_cl), "status demo");
	ck_assert_int_eq(t_naccepted, 0);
	cmdline_key(t_cl, '\r');
	ck_assert_int_eq(t_naccepted, 1);
	ck_assert_str_eq(t_accepted[0], "status demo");
	ck_assert(!cmdline_active(t_cl));
	ck_assert_ptr_null(cmdline_text(t_cl));
	ck_assert_str_eq(t_screen_text(), "");

	/* Keys while inactive are the console's, not the line's. */
	t_type("x\r");
	ck_assert_int_eq(t_naccepted, 1);

	/* An initial text, and KEY_ENTER from the keypad. */
	cmdline_start(t_cl, ":", "view ");
	ck_assert_str_eq(t_screen_text(), ":view");
	ck_assert_int_eq(getcurx(t_win), 6);
	t_type("plot");
	cmdline_key(t_cl, KEY_ENTER);
	ck_assert_int_eq(t_naccepted, 2);
	ck_assert_str_eq(t_accepted[1], "view plot");
}
END_TEST

START_TEST(test_editing)
{
	cmdline_start(t_cl, ":", "");
	t_type("abd");
	cmdline_key(t_cl, KEY_LEFT);
	cmdline_key(t_cl, KEY_BACKSPACE);
	ck_assert_str_eq(t_screen_text(), ":ad");
	ck_assert_int_eq(getcurx(t_win), 2);
	t_type("bc");
	cmdline_key(t_cl, KEY_HOME);
	t_type(">");
	cmdline_key(t_cl, KEY_END);
	t_enter("e", ">abcde");

	cmdline_start(t_cl, ":", "");
	t_type("middle");
	cmdline_key(t_cl, T_CTRL('A'));
	t_type("[");
	cmdline_key(t_cl, T_CTRL('E'));
	t_enter("]", "[middle]");

	cmdline_start(t_cl, ":", "");
	t_type("one two three");
	cmdline_key(t_cl, T_CTRL('W'));
	ck_assert_str_eq(t_screen_text(), ":one two");
	cmdline_key(t_cl, T_CTRL('A'));
	cmdline_key(t_cl, KEY_RIGHT);
	cmdline_key(t_cl, KEY_RIGHT);
	cmdline_key(t_cl, KEY_RIGHT);
	cmdline_key(t_cl, T_CTRL('K'));
	ck_assert_str_eq(t_screen_text(), ":one");
	cmdline_key(t_cl, KEY_HOME);
	cmdline_key(t_cl, KEY_DC);
	t_enter("", "ne");

	/* Shift-Right moves by words (Alt-f is out of reach). */
	cmdline_start(t_cl, ":", "");
	t_type("set x0");
	cmdline_key(t_cl, KEY_HOME);
	cmdline_key(t_cl, KEY_SRIGHT);
	t_enter("s", "sets x0");
}
END_TEST

START_TEST(test_history)
{
	cmdline_start(t_cl, ":", "");
	t_enter("first", "first");
	cmdline_start(t_cl, ":", "");
	t_enter("second", "second");
	cmdline_start(t_cl, ":", "");
	t_enter("second", "second");	/* no consecutive duplicate */
	cmdline_start(t_cl, ":", "");
	t_enter("   ", "   ");		/* blank: not remembered */

	cmdline_start(t_cl, ":", "");
	cmdline_key(t_cl, KEY_UP);
	ck_assert_str_eq(t_screen_text(), ":second");
	ck_assert_int_eq(getcurx(t_win), 7);
	cmdline_key(t_cl, KEY_UP);
	ck_assert_str_eq(t_screen_text(), ":first");
	cmdline_key(t_cl, KEY_UP);	/* the oldest: stays */
	ck_assert_str_eq(t_screen_text(), ":first");
	cmdline_key(t_cl, KEY_DOWN);
	ck_assert_str_eq(t_screen_text(), ":second");
	t_enter("!", "second!");

	/* A new line starts from the newest entry again. */
	cmdline_start(t_cl, ":", "");
	cmdline_key(t_cl, KEY_UP);
	ck_assert_str_eq(t_screen_text(), ":second!");
	cmdline_key(t_cl, T_ESC);
}
END_TEST

START_TEST(test_cancel)
{
	static const int keys[] = { T_ESC, T_CTRL('G'), T_CTRL('C') };
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(keys); i++) {
		cmdline_start(t_cl, ":", "");
		t_type("abc");
		cmdline_key(t_cl, keys[i]);
		ck_assert_msg(!cmdline_active(t_cl), "key %d", keys[i]);
		ck_assert_str_eq(t_screen_text(), "");
		ck_assert_int_eq(t_naccepted, 0);
	}
	/* Nothing of the cancelled line is left, not even its undo list. */
	cmdline_start(t_cl, ":", "");
	ck_assert_str_eq(t_screen_text(), ":");
	cmdline_key(t_cl, T_CTRL('_'));
	t_enter("", "");

	/* Ctrl-D on an empty line ends it without a line. */
	cmdline_start(t_cl, ":", "");
	cmdline_key(t_cl, T_CTRL('D'));
	ck_assert(!cmdline_active(t_cl));
	ck_assert_int_eq(t_naccepted, 1);

	/* Cancelled half-way through a prefix key or a quoted insert,
	 * readline starts the next line afresh. */
	cmdline_start(t_cl, ":", "");
	cmdline_key(t_cl, T_CTRL('X'));
	cmdline_key(t_cl, T_ESC);
	ck_assert(!cmdline_active(t_cl));
	cmdline_start(t_cl, ":", "");
	cmdline_key(t_cl, T_CTRL('V'));
	cmdline_key(t_cl, T_CTRL('C'));
	ck_assert(!cmdline_active(t_cl));
	cmdline_start(t_cl, ":", "");
	t_type("ok");
	cmdline_key(t_cl, KEY_LEFT);
	t_type("-");
	cmdline_key(t_cl, KEY_LEFT);
	cmdline_key(t_cl, KEY_LEFT);
	t_enter("<", "<o-k");

	/* The console cancels, e.g. on a resize it cannot handle. */
	cmdline_start(t_cl, ":", "half");
	cmdline_cancel(t_cl);
	ck_assert(!cmdline_active(t_cl));
	cmdline_cancel(t_cl);
	ck_assert_int_eq(t_naccepted, 2);
}
END_TEST

START_TEST(test_search)
{
	cmdline_start(t_cl, ":", "");
	t_enter("status demo", "status demo");
	cmdline_start(t_cl, ":", "");
	t_enter("view plot", "view plot");

	/* Escape ends a Ctrl-R search instead of the line. */
	cmdline_start(t_cl, ":", "");
	cmdline_key(t_cl, T_CTRL('R'));
	t_type("dem");
	ck_assert_str_eq(t_screen_text(),
	    "(reverse-i-search)`dem': status demo");
	cmdline_key(t_cl, T_ESC);
	ck_assert(cmdline_active(t_cl));
	ck_assert_str_eq(t_screen_text(), ":status demo");
	t_enter("", "status demo");

	/* Ctrl-G aborts the search, a second one the line. */
	cmdline_start(t_cl, ":", "");
	t_type("x");
	cmdline_key(t_cl, T_CTRL('R'));
	t_type("vie");
	cmdline_key(t_cl, T_CTRL('G'));
	ck_assert(cmdline_active(t_cl));
	ck_assert_str_eq(t_screen_text(), ":x");
	cmdline_key(t_cl, T_CTRL('G'));
	ck_assert(!cmdline_active(t_cl));
	ck_assert_int_eq(t_naccepted, 3);
}
END_TEST

START_TEST(test_complete_unique)
{
	cmdline_start(t_cl, ":", "");
	t_type("sta\t");
	ck_assert_str_eq(t_comp_line, "sta");
	ck_assert_str_eq(t_comp_text, "sta");
	ck_assert_int_eq(t_comp_start, 0);
	ck_assert_str_eq(t_screen_text(), ":status");
	ck_assert_int_eq(getcurx(t_win), 8);
	ck_assert_ptr_null(cmdline_matches(t_cl));
	t_enter("", "status ");

	/* The word after a blank or '='; a directory gets no space. */
	cmdline_start(t_cl, ":", "");
	t_type("export re\t");
	ck_assert_str_eq(t_comp_text, "re");
	ck_assert_int_eq(t_comp_start, 7);
	t_enter("", "export results/");
	cmdline_start(t_cl, ":", "");
	t_type("plot y=x\t");
	ck_assert_str_eq(t_comp_text, "x");
	ck_assert_int_eq(t_comp_start, 7);
	t_enter("", "plot y=x0 ");

	/* No candidate: nothing changes, and no file names either. */
	cmdline_start(t_cl, ":", "");
	t_enter("zz\t", "zz");
}
END_TEST

START_TEST(test_complete_several)
{
	char *const *m;

	cmdline_start(t_cl, ":", "");
	t_type("s\t");
	ck_assert_ptr_null(cmdline_matches(t_cl));
	ck_assert_str_eq(t_screen_text(), ":s");
	t_type("\t");
	m = cmdline_matches(t_cl);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m[0], "seed");
	ck_assert_str_eq(m[1], "status");
	ck_assert_str_eq(m[2], "stop");
	ck_assert_ptr_null(m[3]);
	ck_assert_str_eq(t_screen_text(), ":s  seed  status  stop");
	ck_assert_int_eq(getcurx(t_win), 2);

	/* The next key ends the listing. */
	t_type("t");
	ck_assert_ptr_null(cmdline_matches(t_cl));
	ck_assert_str_eq(t_screen_text(), ":st");
	cmdline_cancel(t_cl);

	/* Files show without their shared directory. */
	cmdline_start(t_cl, ":", "");
	t_type("d\t");
	ck_assert_str_eq(t_screen_text(), ":dir/");
	/* That Tab changed the line: the next one only rings, as in bash. */
	t_type("\t");
	ck_assert_ptr_null(cmdline_matches(t_cl));
	t_type("\t");
	ck_assert_str_eq(t_screen_text(), ":dir/  a.csv  b.csv");
	cmdline_cancel(t_cl);

	/* In a narrow window, as many as fit and how many did not. */
	t_set_window(20);
	cmdline_start(t_cl, ":", "");
	t_type("s\t\t");
	ck_assert_str_eq(t_screen_text(), ":s  seed  status  +1");
	ck_assert_int_eq(getcurx(t_win), 2);
}
END_TEST

START_TEST(test_complete_list)
{
	static const char *const one[] = { "a/4,node1", NULL };
	static const char *const two[] = { "a/4,node1", "a/4,node2", NULL };

	/* A list of hosts goes on after a match: no space. */
	t_list_words = one;
	cmdline_start(t_cl, "hosts: ", "");
	t_type("a/4,no\t");
	ck_assert_str_eq(t_comp_text, "a/4,no");
	ck_assert_str_eq(t_screen_text(), "hosts: a/4,node1");
	t_enter(",b", "a/4,node1,b");

	/* Matches are listed by their last item. */
	t_list_words = two;
	cmdline_start(t_cl, "hosts: ", "");
	t_type("a/4,n\t");
	ck_assert_str_eq(t_screen_text(), "hosts: a/4,node");
	t_type("\t\t");
	ck_assert_str_eq(t_screen_text(), "hosts: a/4,node  node1  node2");
	cmdline_cancel(t_cl);

	/* The next completion of words is as before. */
	t_list_words = NULL;
	cmdline_start(t_cl, ":", "");
	t_enter("sta\t", "status ");
}
END_TEST

START_TEST(test_utf8)
{
	cmdline_start(t_cl, ":", "");
	t_type("set name=é");
	ck_assert_str_eq(t_screen_text(), ":set name=é");
	ck_assert_int_eq(getcurx(t_win), 11);
	t_enter(" 日本", "set name=é 日本");

	/* Movement is by characters, columns by display width. */
	cmdline_start(t_cl, ":", "");
	t_type("日本");
	ck_assert_int_eq(getcurx(t_win), 5);
	cmdline_key(t_cl, KEY_LEFT);
	ck_assert_int_eq(getcurx(t_win), 3);
	t_type("x");
	ck_assert_str_eq(t_screen_text(), ":日x本");
	ck_assert_int_eq(getcurx(t_win), 4);
	cmdline_key(t_cl, KEY_BACKSPACE);
	cmdline_key(t_cl, KEY_BACKSPACE);
	t_enter("é", "é本");

	/* A control character shows as ^X, two columns. */
	cmdline_start(t_cl, ":", "");
	t_type("a");
	cmdline_key(t_cl, T_CTRL('V'));
	cmdline_key(t_cl, T_CTRL('B'));
	t_type("b");
	ck_assert_str_eq(t_screen_text(), ":a^Bb");
	ck_assert_int_eq(getcurx(t_win), 5);
	t_enter("", "a\002b");
}
END_TEST

START_TEST(test_scroll)
{
	char line[64], want[128], wide[128];
	int i;

	for (i = 0; i < 60; i++)
		line[i] = (char)('0' + i % 10);
	line[60] = '\0';
	cmdline_start(t_cl, ":", "");
	t_type(line);
	/* The prompt stays, the text's end and the cursor show. */
	ck_assert_int_eq(getcurx(t_win), 39);
	snprintf(want, sizeof want, ":%s", line + 22);
	ck_assert_str_eq(t_screen_text(), want);
	cmdline_key(t_cl, KEY_HOME);
	ck_assert_int_eq(getcurx(t_win), 1);
	snprintf(want, sizeof want, ":%.39s", line);
	ck_assert_str_eq(t_screen_text(), want);
	/* Moving right within the view does not scroll it. */
	for (i = 0; i < 38; i++)
		cmdline_key(t_cl, KEY_RIGHT);
	ck_assert_int_eq(getcurx(t_win), 39);
	ck_assert_str_eq(t_screen_text(), want);
	cmdline_key(t_cl, KEY_RIGHT);
	ck_assert_int_eq(getcurx(t_win), 39);
	snprintf(want, sizeof want, ":%.39s", line + 1);
	ck_assert_str_eq(t_screen_text(), want);
	/* Deleting pulls the text back so that no column is wasted. */
	cmdline_key(t_cl, KEY_END);
	for (i = 0; i < 30; i++)
		cmdline_key(t_cl, KEY_BACKSPACE);
	snprintf(want, sizeof want, ":%.30s", line);
	ck_assert_str_eq(t_screen_text(), want);
	ck_assert_int_eq(getcurx(t_win), 31);
	t_enter("", "012345678901234567890123456789");

	/* Wide characters are never cut in half. */
	wide[0] = '\0';
	for (i = 0; i < 30; i++)
		strcat(wide, "日");
	cmdline_start(t_cl, ":", "");
	t_type(wide);
	ck_assert_int_eq(getcurx(t_win), 39);
	snprintf(want, sizeof want, ":%s", wide + 11 * strlen("日"));
	ck_assert_str_eq(t_screen_text(), want);
	t_type("a");
	ck_assert_int_eq(getcurx(t_win), 39);
	snprintf(want, sizeof want, ": %sa", wide + 12 * strlen("日"));
	ck_assert_str_eq(t_screen_text(), want);
	cmdline_cancel(t_cl);

	/* A smaller window after a resize. */
	cmdline_start(t_cl, ":", "");
	t_type("abcdefghijklmnopqrstuvwxyz");
	t_set_window(20);
	ck_assert_str_eq(t_screen_text(), ":ijklmnopqrstuvwxyz");
	ck_assert_int_eq(getcurx(t_win), 19);
}
END_TEST

START_TEST(test_history_file)
{
	char *path, *want, *text, *dir;
	struct stat st;

	path = cmdline_history_path();
	want = testutil_path(t_dir, "labrat/history");
	ck_assert_str_eq(path, want);
	dir = testutil_path(t_dir, "labrat");
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0700);

	/* No file yet: fine; close writes it. */
	cmdline_close(t_cl);
	t_open(path);
	cmdline_start(t_cl, ":", "");
	t_enter("alpha", "alpha");
	cmdline_start(t_cl, ":", "");
	t_enter("beta", "beta");
	cmdline_close(t_cl);
	t_cl = NULL;
	text = testutil_read_file(path, NULL);
	ck_assert_str_eq(text, "alpha\nbeta\n");
	free(text);

	/* Read back; the next session's lines are appended. */
	t_open(path);
	cmdline_start(t_cl, ":", "");
	cmdline_key(t_cl, KEY_UP);
	ck_assert_str_eq(t_screen_text(), ":beta");
	cmdline_key(t_cl, KEY_UP);
	ck_assert_str_eq(t_screen_text(), ":alpha");
	cmdline_cancel(t_cl);
	cmdline_start(t_cl, ":", "");
	t_enter("gamma", "gamma");
	cmdline_close(t_cl);
	t_cl = NULL;
	text = testutil_read_file(path, NULL);
	ck_assert_str_eq(text, "alpha\nbeta\ngamma\n");
	free(text);
	t_open(NULL);

	free(dir);
	free(want);
	free(path);
}
END_TEST

START_TEST(test_history_path)
{
	char *path, *want;

	unsetenv("XDG_STATE_HOME");
	setenv("HOME", t_dir, 1);
	path = cmdline_history_path();
	want = testutil_path(t_dir, ".local/state/labrat/history");
	ck_assert_str_eq(path, want);
	free(path);
	free(want);
	want = testutil_path(t_dir, ".local/state/labrat");
	ck_assert_int_eq(access(want, W_OK), 0);
	free(want);

	setenv("XDG_STATE_HOME", "relative", 1);	/* ignored */
	unsetenv("HOME");
	ck_assert_ptr_null(cmdline_history_path());
	unsetenv("XDG_STATE_HOME");
	ck_assert_ptr_null(cmdline_history_path());

	/* A file where the directory should be. */
	want = testutil_path(t_dir, "file");
	testutil_write_file(want, "x", 1);
	setenv("XDG_STATE_HOME", want, 1);
	ck_assert_ptr_null(cmdline_history_path());
	free(want);
}
END_TEST

/* One session on the history file path: read it, enter line, close. */
static void
t_session(const char *path, const char *line)
{
	if (t_cl != NULL)
		cmdline_close(t_cl);
	t_open(path);
	cmdline_start(t_cl, ":", "");
	t_enter(line, line);
	cmdline_close(t_cl);
	t_cl = NULL;
}

START_TEST(test_history_hostile)
{
	char *path = cmdline_history_path(), *text;
	char *victim = testutil_path(t_dir, "victim");
	char *missing = testutil_path(t_dir, "missing");

	/* A link to a file: neither read into the history nor written. */
	testutil_write_file(victim, "secret\n", 7);
	ck_assert_int_eq(symlink(victim, path), 0);
	cmdline_close(t_cl);
	t_open(path);
	cmdline_start(t_cl, ":", "");
	cmdline_key(t_cl, KEY_UP);
	ck_assert_str_eq(t_screen_text(), ":");
	cmdline_cancel(t_cl);
	t_session(path, "alpha");
	text = testutil_read_file(victim, NULL);
	ck_assert_str_eq(text, "secret\n");
	free(text);

	/* A dangling link: its target is not created. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(missing, path), 0);
	t_session(path, "beta");
	ck_assert_int_eq(access(missing, F_OK), -1);

	/* A FIFO: nothing waits for a writer (this hung in read_history). */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	t_session(path, "gamma");
	ck_assert_int_eq(unlink(path), 0);

	t_open(NULL);
	free(missing);
	free(victim);
	free(path);
}
END_TEST

START_TEST(test_history_refused)
{
	char *path = cmdline_history_path(), *err = NULL, *text, *p;
	char *victim = testutil_path(t_dir, "victim");
	struct buf want;
	struct stat st;
	int i;

	/* Missing, then a regular file: fine. */
	testutil_ok(cmdline_history_check(path, &err), err, "missing");
	testutil_write_file(path, "one\n", 4);
	err = NULL;
	testutil_ok(cmdline_history_check(path, &err), err, "regular");

	/* A link planted while the console runs: the save is refused and
	 * says so, naming the file. */
	cmdline_close(t_cl);
	t_open(path);
	cmdline_start(t_cl, ":", "");
	t_enter("two", "two");
	testutil_write_file(victim, "secret\n", 7);
	ck_assert_int_eq(rename(path, victim), 0);
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(cmdline_history_check(path, &err), -1);
	ck_assert_msg(strstr(err, path) != NULL && strstr(err,
	    "is a symbolic link") != NULL && strstr(err, "remove it") != NULL,
	    "%s", err);
	free(err);
	err = NULL;
	ck_assert_int_eq(cmdline_history_save(t_cl, &err), -1);
	ck_assert_msg(strstr(err, path) != NULL, "%s", err);
	free(err);
	err = NULL;
	text = testutil_read_file(victim, NULL);
	ck_assert_str_eq(text, "one\n");
	free(text);

	/* A FIFO: refused at once. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(cmdline_history_check(path, &err), -1);
	ck_assert_msg(strstr(err, "is a FIFO") != NULL, "%s", err);
	free(err);
	err = NULL;
	cmdline_start(t_cl, ":", "");
	t_enter("three", "three");
	ck_assert_int_eq(cmdline_history_save(t_cl, &err), -1);
	free(err);
	err = NULL;

	/* A regular file again, appended to by another console meanwhile:
	 * its lines are kept, ours follow, in a file only we can read. */
	ck_assert_int_eq(unlink(path), 0);
	testutil_write_file(path, "one\nother\n", 10);
	cmdline_start(t_cl, ":", "");
	t_enter("four", "four");
	testutil_ok(cmdline_history_save(t_cl, &err), err, "save");
	text = testutil_read_file(path, NULL);
	ck_assert_str_eq(text, "one\nother\nfour\n");
	free(text);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 077, 0);

	/* At most 1000 lines, the newest. */
	buf_init(&want);
	for (i = 0; i < 1000; i++)
		buf_printf(&want, "line %d\n", i);
	testutil_write_file(path, want.data, want.len);
	cmdline_start(t_cl, ":", "");
	t_enter("five", "five");
	cmdline_close(t_cl);
	t_cl = NULL;
	text = testutil_read_file(path, NULL);
	for (i = 0, p = text; (p = strchr(p, '\n')) != NULL; p++)
		i++;
	ck_assert_int_eq(i, 1000);
	ck_assert_int_eq(strncmp(text, "line 1\n", 7), 0);
	ck_assert_str_eq(text + strlen(text) - 5, "five\n");
	free(text);
	buf_free(&want);
	t_open(NULL);
	free(victim);
	free(path);
}
END_TEST

START_TEST(test_accept_restarts)
{
	cmdline_start(t_cl, ":", "");
	t_type("ask\r");
	ck_assert_int_eq(t_naccepted, 1);
	ck_assert(cmdline_active(t_cl));
	ck_assert_str_eq(t_screen_text(), "sure? y");
	ck_assert_int_eq(getcurx(t_win), 7);
	t_enter("es", "yes");
	ck_assert(!cmdline_active(t_cl));
}
END_TEST

Suite *
suite_cmdline(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("cmdline");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_accept);
	tcase_add_test(tc, test_editing);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_complete_unique);
	tcase_add_test(tc, test_complete_several);
	tcase_add_test(tc, test_complete_list);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_scroll);
	tcase_add_test(tc, test_history_file);
	tcase_add_test(tc, test_history_path);
	tcase_add_test(tc, test_history_hostile);
	tcase_add_test(tc, test_history_refused);
	tcase_add_test(tc, test_accept_restarts);
	suite_add_tcase(s, tc);
	return s;
}
