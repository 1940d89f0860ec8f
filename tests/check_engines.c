/*
 * check_engines.c -- the engines suite: the runner's engines JSON read
 * into rows and totals (hostile text cleaned, odd values read as not
 * known), the header's engines words for local and remote sets, the
 * header line cut to fit, and the sets view listing the engines of a
 * remote set on a bare ncurses screen, over a temporary notebook whose
 * set is made live by holding its runner lock.
 */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "../tui/console_int.h"
#include "../tui/engines.h"
#include "lock.h"
#include "notebook.h"
#include "testutil.h"
#include "util.h"

/* Three hosts as the SSH backend writes them: two up, one down whose
 * error holds an escape sequence. */
static const char t_engines[] =
    "{\"node1\":{\"slots\":4,\"busy\":3,\"state\":\"up\",\"done\":120,"
    "\"rtt_ms\":1.2},"
    "\"alice@node2:2222\":{\"slots\":8,\"busy\":2,\"state\":\"up\","
    "\"done\":77,\"rtt_ms\":23.4},"
    "\"node3\":{\"slots\":0,\"busy\":0,\"state\":\"down\",\"done\":0,"
    "\"rtt_ms\":0.0,\"error\":\"cannot connect to node3: \\u001b[31mrefused"
    "\\u001b[0m\\u009b2J: check that sshd runs there\"}}";
static const char t_args[] =
    "{\"hosts\":\"node1/4,alice@node2:2222/8,node3\",\"key\":\"ab\"}";

/* Set a UTF-8 locale for the test (and "C" again after it). */
static void
t_utf8(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL &&
	    setlocale(LC_ALL, "C.utf8") == NULL &&
	    setlocale(LC_ALL, "en_US.UTF-8") == NULL)
		ck_abort_msg("no UTF-8 locale (C.UTF-8) on this system");
}

/* True if s holds a control character (an escape would reach the
 * terminal). */
static bool
t_has_control(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return true;
		/* C1 controls, U+0080..U+009F, as UTF-8. */
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return true;
	}
	return false;
}

START_TEST(test_parse)
{
	struct engines e;

	ck_assert_int_eq(engines_parse(t_engines, 0, &e), 0);
	ck_assert_uint_eq(e.n, 3);
	ck_assert_str_eq(e.rows[0].name, "node1");
	ck_assert_str_eq(e.rows[0].state, "up");
	ck_assert_int_eq(engines_state(&e.rows[0]), ENGINE_UP);
	ck_assert_int_eq(e.rows[0].slots, 4);
	ck_assert_int_eq(e.rows[0].busy, 3);
	ck_assert_int_eq(e.rows[0].done, 120);
	ck_assert(e.rows[0].rtt_ms > 1.19 && e.rows[0].rtt_ms < 1.21);
	ck_assert_ptr_null(e.rows[0].error);
	ck_assert_str_eq(e.rows[1].name, "alice@node2:2222");
	ck_assert_int_eq(engines_state(&e.rows[2]), ENGINE_DOWN);
	ck_assert_ptr_nonnull(e.rows[2].error);
	/* The escapes (ESC and the C1 CSI) are cleaned away. */
	ck_assert_str_eq(e.rows[2].error, "cannot connect to node3: ?[31m"
	    "refused?[0m?2J: check that sshd runs there");
	/* Totals over the hosts that are up. */
	ck_assert_uint_eq(e.up, 2);
	ck_assert_int_eq(e.slots, 12);
	ck_assert_int_eq(e.busy, 5);
	ck_assert_int_eq(e.all_slots, 12);
	engines_clear(&e);

	/* Whatever the notebook holds: odd values read as not known, a
	 * host that is not an object too, hostile names are cleaned. */
	ck_assert_int_eq(engines_parse("{\"a\":{\"slots\":-1,\"busy\":1.5,"
	    "\"state\":\"connecting\",\"done\":\"x\",\"rtt_ms\":-3},"
	    "\"b\":7,\"\\u001b]0;pwned\\u0007\":{\"state\":\"up\","
	    "\"slots\":99999999999,\"busy\":2},"
	    "\"c\":{\"state\":\"bogus\\u001b[H\"}}", 0, &e), 0);
	ck_assert_uint_eq(e.n, 4);
	ck_assert_int_eq(engines_state(&e.rows[0]), ENGINE_CONNECTING);
	ck_assert_int_eq(e.rows[0].slots, -1);
	ck_assert_int_eq(e.rows[0].busy, -1);
	ck_assert_int_eq(e.rows[0].done, -1);
	ck_assert(e.rows[0].rtt_ms < 0);
	ck_assert_str_eq(e.rows[1].name, "b");
	ck_assert_str_eq(e.rows[1].state, "?");
	ck_assert_int_eq(engines_state(&e.rows[1]), ENGINE_UNKNOWN);
	ck_assert_str_eq(e.rows[2].name, "?]0;pwned?");
	ck_assert_int_eq(e.rows[2].slots, -1);
	ck_assert_str_eq(e.rows[3].state, "bogus?[H");
	ck_assert_int_eq(engines_state(&e.rows[3]), ENGINE_UNKNOWN);
	ck_assert_uint_eq(e.up, 1);
	ck_assert_int_eq(e.slots, 0);
	ck_assert_int_eq(e.busy, 2);
	engines_clear(&e);

	/* ASCII terminals: non-ASCII text is '?' too. */
	ck_assert_int_eq(engines_parse("{\"n\\u00e9ud\":{\"state\":\"up\"}}",
	    UTIL_TEXT_ASCII, &e), 0);
	ck_assert_str_eq(e.rows[0].name, "n?ud");
	engines_clear(&e);

	/* Not an object: nothing. */
	ck_assert_int_eq(engines_parse("[1,2]", 0, &e), -1);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_int_eq(engines_parse("{\"a\":", 0, &e), -1);
	ck_assert_int_eq(engines_parse("{}", 0, &e), 0);
	ck_assert_uint_eq(e.n, 0);
	engines_clear(&e);
}
END_TEST

START_TEST(test_header)
{
	struct nb_set s;
	struct buf b, hosts;

	memset(&s, 0, sizeof s);
	buf_init(&b);
	buf_init(&hosts);
	s.backend = (char *)"local";
	s.backend_args = (char *)"{}";
	s.engines = (char *)"{\"localhost\":{\"slots\":4,\"busy\":1}}";
	s.cores = -1;
	ck_assert(!engines_remote(&s));
	engines_header(&s, true, 1, 4, &b, &hosts);
	ck_assert_str_eq(b.data, "engines 1/3");
	ck_assert_uint_eq(hosts.len, 0);

	/* A live remote set: its busy engines over those of its hosts that
	 * are up, and how many hosts are up when not all are. */
	s.backend = (char *)"ssh";
	s.backend_args = (char *)t_args;
	s.engines = (char *)t_engines;
	ck_assert(engines_remote(&s));
	ck_assert_uint_eq(engines_hosts_given(&s), 3);
	buf_reset(&b);
	engines_header(&s, true, 99, 4, &b, &hosts);
	ck_assert_str_eq(b.data, "engines 5/12");
	ck_assert_str_eq(hosts.data, "2/3 hosts up");

	/* Every host up: no word about hosts. */
	s.engines = (char *)"{\"a\":{\"slots\":2,\"busy\":2,\"state\":\"up\"}}";
	buf_reset(&b);
	buf_reset(&hosts);
	engines_header(&s, true, 0, 4, &b, &hosts);
	ck_assert_str_eq(b.data, "engines 2/2");
	ck_assert_uint_eq(hosts.len, 0);

	/* Before the runner wrote of them: none of the hosts given is up. */
	s.engines = (char *)"{}";
	buf_reset(&b);
	engines_header(&s, true, 0, 4, &b, &hosts);
	ck_assert_str_eq(b.data, "engines 0/0");
	ck_assert_str_eq(hosts.data, "0/3 hosts up");

	/* No live runner: nothing busy, the engines as last seen, and no
	 * word about hosts nobody is connected to. */
	s.engines = (char *)t_engines;
	buf_reset(&b);
	buf_reset(&hosts);
	engines_header(&s, false, 0, 4, &b, &hosts);
	ck_assert_str_eq(b.data, "engines 0/12");
	ck_assert_uint_eq(hosts.len, 0);

	/* Unreadable arguments give no hosts. */
	s.backend_args = (char *)"{\"hosts\":\"a b\"}";
	ck_assert_uint_eq(engines_hosts_given(&s), 0);
	s.backend_args = (char *)"nope";
	ck_assert_uint_eq(engines_hosts_given(&s), 0);
	buf_free(&b);
	buf_free(&hosts);
}
END_TEST

/* ---- a console over a temporary notebook ---- */

static char *t_dir, *t_nbpath;
static struct console t_c;
static int t_lock = -1;
static FILE *t_out, *t_in;
static SCREEN *t_screen;
static WINDOW *t_body;

/* Record a set tagged tag on backend (with its arguments and engines);
 * make its runner live (its lock held, its pid recorded) if live. */
static int64_t
t_set(const char *tag, const char *backend, const char *args,
    const char *engines, bool live)
{
	struct nb_set s;
	char *err = NULL;
	int64_t id;

	memset(&s, 0, sizeof s);
	s.tag = xstrdup(tag);
	s.description = xstrdup("");
	s.attributes = xstrdup("{}");
	s.space = xstrdup("{}");
	s.experiment = xstrdup("{\"argv\":[\"true\"]}");
	s.backend = xstrdup(backend);
	s.backend_args = xstrdup(args);
	s.repeat = 1;
	s.npoints = s.njobs = 10;
	s.cwd = xstrdup("/srv/lab");
	testutil_ok(notebook_set_create(t_c.nb, &s, &err), err, "set_create");
	id = s.id;
	notebook_set_clear(&s);
	testutil_ok(notebook_set_engines(t_c.nb, id, engines, &err), err,
	    "set_engines");
	if (live) {
		testutil_ok(notebook_set_status(t_c.nb, id, "running", 4242, 0,
		    NULL, &err), err, "set_status");
		ck_assert_int_eq(lock_acquire(t_nbpath, id, &t_lock, &err), 0);
	}
	return id;
}

static void
t_setup(void)
{
	char *err = NULL;

	t_utf8();
	t_dir = testutil_tempdir();
	t_nbpath = testutil_path(t_dir, "nb.db");
	memset(&t_c, 0, sizeof t_c);
	t_c.sigpipe[0] = t_c.sigpipe[1] = -1;
	t_c.utf8 = true;
	if (notebook_open(t_nbpath, NOTEBOOK_CREATE, &t_c.nb, &err) != 0)
		ck_abort_msg("notebook_open: %s", err);
	t_c.nb_path = xstrdup(t_nbpath);
	t_c.nviews = 1;
	t_c.views = xcalloc(1, sizeof *t_c.views);
	t_c.views[0] = view_sets_new();
	t_out = fopen("/dev/null", "w");
	t_in = fopen("/dev/null", "r");
	use_env(FALSE);
	t_screen = newterm("xterm", t_out, t_in);
	ck_assert_msg(t_screen != NULL, "no terminfo entry for xterm");
	t_body = newwin(19, 80, 3, 0);
	t_c.body = t_body;
	t_c.rows = 24;
	t_c.cols = 80;
}

static void
t_teardown(void)
{
	size_t i;

	lock_release(t_lock);
	t_lock = -1;
	if (t_c.views[0]->ops->free != NULL)
		t_c.views[0]->ops->free(t_c.views[0]);
	free(t_c.views[0]);
	free(t_c.views);
	for (i = 0; i < t_c.nsets; i++)
		notebook_set_clear(&t_c.sets[i]);
	free(t_c.sets);
	free(t_c.counts);
	free(t_c.states);
	for (i = 0; i < t_c.nlog; i++)
		free(t_c.log[i]);
	free(t_c.message);
	notebook_close(t_c.nb);
	free(t_c.nb_path);
	delwin(t_body);
	endwin();
	delscreen(t_screen);
	fclose(t_out);
	fclose(t_in);
	testutil_rmtree(t_dir);
	free(t_dir);
	free(t_nbpath);
	setlocale(LC_ALL, "C");
}

/* Read the notebook and draw the view, as the console does. */
static void
t_draw(void)
{
	struct view *v = t_c.views[0];

	console_refresh(&t_c);
	v->ops->update(v, &t_c);
	werase(t_body);
	v->ops->draw(v, &t_c, t_body);
}

/* Row y of the body, without trailing blanks. */
static const char *
t_row(int y)
{
	static char line[512];
	int n;

	n = mvwinnstr(t_body, y, 0, line, 80 * 4);
	ck_assert_int_ge(n, 0);
	line[n] = '\0';
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
	return line;
}

/* The first row of the body holding text, or -1. */
static int
t_find(const char *text)
{
	int y;

	for (y = 0; y < 19; y++) {
		if (strstr(t_row(y), text) != NULL)
			return y;
	}
	return -1;
}

/* Check that some row holds text. */
static void
t_assert_row(const char *text)
{
	int y;

	if (t_find(text) >= 0)
		return;
	for (y = 0; y < 19; y++)
		fprintf(stderr, "%2d|%s|\n", y, t_row(y));
	ck_abort_msg("no row holds '%s'", text);
}

START_TEST(test_header_text)
{
	struct buf b, want;
	char *head;

	buf_init(&b);
	buf_init(&want);
	t_set("remote", "ssh", t_args, t_engines, true);
	console_refresh(&t_c);
	ck_assert_uint_eq(t_c.nsets, 1);
	ck_assert(campaign_live(t_c.states[0]));
	console_header_text(&t_c, 80, 2, &b);
	buf_printf(&want, " labrat  set remote  runner running (pid 4242)  "
	    "engines 5/12  2/3 hosts up  ssh  %s", t_nbpath);
	ck_assert_str_eq(b.data, want.data);

	/* Narrower: the backend's name goes, then the pid; the engines and
	 * the hosts up stay within the width. */
	buf_reset(&b);
	console_header_text(&t_c, 76, 2, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "(pid 4242)  engines 5/12  "
	    "2/3 hosts up  /"));
	buf_reset(&b);
	console_header_text(&t_c, 66, 2, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "runner running  engines 5/12  "
	    "2/3 hosts up  /"));
	lock_release(t_lock);
	t_lock = -1;

	/* A tag too long for the line is cut (with an ellipsis), so that
	 * the engines still show in 80 columns. */
	t_set("a-very-long-tag-named-after-a-long-experiment-command-42",
	    "ssh", t_args, t_engines, true);
	console_refresh(&t_c);
	ck_assert_uint_eq(t_c.nsets, 2);
	t_c.cur = 1;
	buf_reset(&b);
	console_header_text(&t_c, 80, 2, &b);
	head = xstrndup(b.data, strstr(b.data, "  /") - b.data);
	ck_assert_msg(console_width(head) <= 80, "'%s' is %d columns", head,
	    console_width(head));
	ck_assert_ptr_nonnull(strstr(head, "set a-very-long-tag"));
	ck_assert_ptr_nonnull(strstr(head, "\xe2\x80\xa6  runner running  "
	    "engines 5/12  2/3 hosts up"));
	free(head);
	/* ASCII terminals: '~'. */
	t_c.utf8 = false;
	buf_reset(&b);
	console_header_text(&t_c, 80, 2, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "~  runner running"));
	t_c.utf8 = true;

	/* The first set's runner is gone: nothing busy, no hosts word. */
	t_c.cur = 0;
	buf_reset(&b);
	console_header_text(&t_c, 80, 2, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "runner dead  engines 0/12  "
	    "ssh  /"));

	/* A local set: its running jobs over its cores rule. */
	t_set("here", "local", "{}", "{}", false);
	console_refresh(&t_c);
	t_c.cur = 2;
	buf_reset(&b);
	console_header_text(&t_c, 80, 2, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "set here  runner new  "
	    "engines 0/2  local  /"));
	buf_free(&b);
	buf_free(&want);
}
END_TEST

START_TEST(test_sets_view)
{
	struct view *v = t_c.views[0];
	struct buf many;
	char *err = NULL;
	int y, i;

	/* A local set: no engines part. */
	t_set("here", "local", "{}", "{\"localhost\":{\"slots\":2,"
	    "\"busy\":0,\"state\":\"up\"}}", false);
	t_draw();
	t_assert_row(" here ");
	ck_assert_int_eq(t_find("ENGINES"), -1);

	/* A live remote set: every host with its state, busy/slots, jobs
	 * done and round trip, and the last error of the one down. */
	t_set("remote", "ssh", t_args, t_engines, true);
	console_refresh(&t_c);
	console_select(&t_c, 1);
	t_draw();
	t_assert_row("ENGINES of remote over ssh: 2/3 hosts up, 5/12 "
	    "engines busy");
	t_assert_row(" HOST                                  STATE      "
	    "BUSY/SLOTS     DONE        RTT");
	t_assert_row(" node1                                 up            "
	    "3/4          120     1.2 ms");
	t_assert_row(" alice@node2:2222                      up            "
	    "2/8           77    23.4 ms");
	t_assert_row(" node3                                 down          "
	    "0/-            0          -");
	y = t_find(" node3 ");
	ck_assert_str_eq(t_row(y + 1), "    last error: cannot connect to "
	    "node3: ?[31mrefused?[0m?2J: check that sshd");
	ck_assert_str_eq(t_row(y + 2), "    runs there");
	for (y = 0; y < 19; y++)
		ck_assert_msg(!t_has_control(t_row(y)), "row %d: '%s'", y,
		    t_row(y));

	/* Many hosts: the view says which it shows, PgDn scrolls. */
	buf_init(&many);
	buf_addc(&many, '{');
	for (i = 0; i < 40; i++)
		buf_printf(&many, "%s\"h%02d\":{\"slots\":1,\"busy\":1,"
		    "\"state\":\"up\"}", i > 0 ? "," : "", i);
	buf_addc(&many, '}');
	testutil_ok(notebook_set_engines(t_c.nb, t_c.sets[1].id, many.data,
	    &err), err, "set_engines");
	buf_free(&many);
	t_draw();
	t_assert_row("40/40 hosts up, 40/40 engines busy");
	t_assert_row(" HOST 1-13 of 40 (PgUp PgDn)           STATE      "
	    "BUSY/SLOTS");
	/* Both sets keep a row. */
	t_assert_row(" here ");
	t_assert_row(" remote ");
	t_assert_row(" h00 ");
	ck_assert(v->ops->key_fn(v, &t_c, KEY_NPAGE));
	werase(t_body);
	v->ops->draw(v, &t_c, t_body);
	ck_assert_int_eq(t_find(" h00 "), -1);
	t_assert_row(" HOST 10-22 of 40 (PgUp PgDn)");
	t_assert_row(" h09 ");
	ck_assert(v->ops->key_fn(v, &t_c, KEY_PPAGE));
	werase(t_body);
	v->ops->draw(v, &t_c, t_body);
	t_assert_row(" h00 ");

	/* Its runner gone: the engines as last seen, said so. */
	lock_release(t_lock);
	t_lock = -1;
	t_draw();
	t_assert_row("ENGINES of remote over ssh, as its runner last saw them "
	    "(runner dead)");

	/* Unreadable engines are said to be. */
	testutil_ok(notebook_set_engines(t_c.nb, t_c.sets[1].id, "{oops",
	    &err), err, "set_engines");
	t_draw();
	t_assert_row("ENGINES of remote over ssh: what its runner recorded of "
	    "them cannot be read");

	/* Back to the local set: PgDn is not the view's. */
	console_select(&t_c, 0);
	t_draw();
	ck_assert_int_eq(t_find("ENGINES"), -1);
	ck_assert(!v->ops->key_fn(v, &t_c, KEY_NPAGE));
}
END_TEST

Suite *
suite_engines(void)
{
	Suite *s = suite_create("engines");
	TCase *tc = tcase_create("model");
	TCase *screen = tcase_create("screen");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_header);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(screen, t_setup, t_teardown);
	tcase_add_test(screen, test_header_text);
	tcase_add_test(screen, test_sets_view);
	suite_add_tcase(s, screen);
	return s;
}
