/*
 * check_define.c -- the define suite: the "new campaign" form's logic
 * (its rows and edits, the check that parses it with the core into a
 * preview or an error at a column, the argv of `labrat run` it builds, the
 * cores rule's text), and the space view drawn on an ncurses screen whose
 * terminal is /dev/null: a stored set of a temporary notebook, and the
 * form filled key by key through the real command line.
 */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check_suites.h"
#include "../tui/cmdline.h"
#include "../tui/console_int.h"
#include "../tui/define.h"
#include "experiment.h"
#include "pool.h"
#include "space.h"
#include "testutil.h"
#include "util.h"

/* Set a UTF-8 locale for the test (and "C" again after it). */
static void
t_utf8(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL &&
	    setlocale(LC_ALL, "C.utf8") == NULL &&
	    setlocale(LC_ALL, "en_US.UTF-8") == NULL)
		ck_abort_msg("no UTF-8 locale (C.UTF-8) on this system");
}

/* A form with the logistic example: 3 parameters, 1803 points. */
static void
t_logistic(struct define_form *f)
{
	define_form_init(f);
	define_form_set(f, DEFINE_PARAMS, 0, "r=2.8..4:0.002");
	define_form_set(f, DEFINE_PARAMS, 1, "x0={0.1,0.3,0.7}");
	define_form_set(f, DEFINE_PARAMS, 2, "k=1");
	define_form_set(f, DEFINE_COMMAND, 0, "./examples/logistic {r} {x0}");
}

/* Compare a NULL-terminated vector with the expected words. */
static void
t_words_eq(char **v, const char *const *want)
{
	size_t i;

	ck_assert_ptr_nonnull(v);
	for (i = 0; want[i] != NULL; i++) {
		ck_assert_msg(v[i] != NULL, "word %zu missing: want '%s'", i,
		    want[i]);
		ck_assert_str_eq(v[i], want[i]);
	}
	ck_assert_msg(v[i] == NULL, "extra word %zu: '%s'", i, v[i]);
}

START_TEST(test_form_edit)
{
	struct define_form f;
	struct define_row *rows;
	size_t n;

	define_form_init(&f);
	/* Every field a row but the hosts (the backend is local); an empty
	 * list still has one. */
	n = define_form_rows(&f, &rows);
	ck_assert_uint_eq(n, DEFINE_NFIELDS - 1);
	ck_assert_int_eq(rows[DEFINE_PARAMS].field, DEFINE_PARAMS);
	ck_assert(rows[DEFINE_PARAMS].empty);
	ck_assert_int_eq(rows[DEFINE_BACKEND].field, DEFINE_BACKEND);
	ck_assert_int_eq(rows[DEFINE_BACKEND + 1].field, DEFINE_CORES);
	free(rows);
	ck_assert_str_eq(define_form_get(&f, DEFINE_BACKEND, 0), "local");
	ck_assert_str_eq(define_form_get(&f, DEFINE_HOSTS, 0), "");
	ck_assert_str_eq(define_form_get(&f, DEFINE_CORES, 0), "0");
	ck_assert_str_eq(define_form_get(&f, DEFINE_REPEAT, 0), "1");
	ck_assert_str_eq(define_form_get(&f, DEFINE_SHELL, 0), "no");
	ck_assert_str_eq(define_form_get(&f, DEFINE_ORDER, 0), "random");

	define_form_set(&f, DEFINE_PARAMS, 0, "  x=1..3 ");
	define_form_set(&f, DEFINE_PARAMS, 5, "y={a, b}");
	define_form_set(&f, DEFINE_PARAMS, 2, "   ");
	ck_assert_uint_eq(f.nparams, 2);
	ck_assert_str_eq(f.params[0], "x=1..3");
	ck_assert_str_eq(f.params[1], "y={a, b}");
	ck_assert_ptr_null(f.params[2]);
	n = define_form_rows(&f, &rows);
	ck_assert_uint_eq(n, DEFINE_NFIELDS);
	ck_assert_int_eq(rows[3].field, DEFINE_PARAMS);
	ck_assert_uint_eq(rows[3].item, 1);
	ck_assert(!rows[3].empty);
	ck_assert_int_eq(rows[4].field, DEFINE_ZIPS);
	free(rows);

	/* An empty text removes an item; remove resets a field. */
	define_form_set(&f, DEFINE_PARAMS, 0, "");
	ck_assert_uint_eq(f.nparams, 1);
	ck_assert_str_eq(f.params[0], "y={a, b}");
	define_form_set(&f, DEFINE_CORES, 0, "-1");
	define_form_remove(&f, DEFINE_CORES, 0);
	ck_assert_str_eq(define_form_get(&f, DEFINE_CORES, 0), "0");
	define_form_toggle(&f, DEFINE_SHELL);
	define_form_toggle(&f, DEFINE_ORDER);
	ck_assert_str_eq(define_form_get(&f, DEFINE_SHELL, 0), "yes");
	ck_assert_str_eq(define_form_get(&f, DEFINE_ORDER, 0), "sequential");
	define_form_remove(&f, DEFINE_SHELL, 0);
	ck_assert(!f.shell);

	/* The ssh backend: the hosts take the place of the cores. */
	define_form_toggle(&f, DEFINE_BACKEND);
	ck_assert_str_eq(define_form_get(&f, DEFINE_BACKEND, 0), "ssh");
	n = define_form_rows(&f, &rows);
	ck_assert_uint_eq(n, DEFINE_NFIELDS - 1);
	ck_assert_int_eq(rows[DEFINE_BACKEND].field, DEFINE_BACKEND);
	ck_assert_int_eq(rows[DEFINE_BACKEND + 1].field, DEFINE_HOSTS);
	ck_assert_int_eq(rows[DEFINE_BACKEND + 2].field, DEFINE_TIMEOUT);
	free(rows);
	define_form_set(&f, DEFINE_HOSTS, 0, " node1/4,node2 ");
	ck_assert_str_eq(define_form_get(&f, DEFINE_HOSTS, 0), "node1/4,node2");
	define_form_set(&f, DEFINE_BACKEND, 0, "local");
	ck_assert(!f.ssh);
	define_form_set(&f, DEFINE_BACKEND, 0, "ssh");
	ck_assert(f.ssh);
	define_form_remove(&f, DEFINE_BACKEND, 0);
	ck_assert(!f.ssh);
	ck_assert(define_field_is_toggle(DEFINE_BACKEND));
	ck_assert(!define_field_is_toggle(DEFINE_HOSTS));
	ck_assert_str_eq(define_field_label(DEFINE_HOSTS), "hosts");
	define_form_clear(&f);
}
END_TEST

/* The worker toggle: --worker on the run line; a placeholder of a value
 * or the ssh backend is refused, saying why. */
START_TEST(test_worker)
{
	static const char *const want[] = {
		"run", "-p", "x=1..3", "--cores", "0", "--retries", "0",
		"--repeat", "1", "--order", "random", "--worker", "--",
		"python3", "w.py", NULL,
	};
	struct define_form f;
	struct define_check chk;
	char **v, *err = NULL;

	define_form_init(&f);
	ck_assert_str_eq(define_form_get(&f, DEFINE_WORKER, 0), "no");
	ck_assert(define_field_is_toggle(DEFINE_WORKER));
	define_form_set(&f, DEFINE_PARAMS, 0, "x=1..3");
	define_form_set(&f, DEFINE_COMMAND, 0, "python3 w.py");
	define_form_toggle(&f, DEFINE_WORKER);
	ck_assert_str_eq(define_form_get(&f, DEFINE_WORKER, 0), "yes");
	define_check(&f, NULL, NULL, &chk);
	ck_assert(chk.ok);
	define_check_clear(&chk);
	v = define_argv(&f, &err);
	t_words_eq(v, want);
	util_strv_free(v);
	define_form_set(&f, DEFINE_COMMAND, 0, "python3 w.py {x}");
	define_check(&f, NULL, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert_ptr_nonnull(strstr(chk.error, "no placeholder"));
	define_check_clear(&chk);
	define_form_set(&f, DEFINE_COMMAND, 0, "python3 w.py");
	define_form_toggle(&f, DEFINE_BACKEND);
	define_form_set(&f, DEFINE_HOSTS, 0, "node1/4");
	define_check(&f, NULL, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert_int_eq(chk.field, DEFINE_WORKER);
	ck_assert_ptr_nonnull(strstr(chk.error, "local backend"));
	define_check_clear(&chk);
	define_form_remove(&f, DEFINE_WORKER, 0);
	ck_assert(!f.worker);
	define_form_clear(&f);
}
END_TEST

START_TEST(test_argv)
{
	static const char *const want[] = {
		"run", "-t", "sweep one", "-d",
		"it's \"quoted\" & $HOME; rm -rf /",
		"-p", "r=2.8..4:0.002", "-p", "s={\"a b\", 'c;d', `x`}",
		"--zip", "r,s",
		"--cores", "-1", "--timeout", "2m", "--mem", "512M",
		"--retries", "2", "--repeat", "3", "--order", "sequential",
		"--seed", "42", "--",
		"./exp", "{r}", "a b", "c $d", "x;y", "{s}", "*", NULL,
	};
	static const char *const plain[] = {
		"run", "-p", "x=1..3", "--cores", "0", "--retries", "0",
		"--repeat", "1", "--order", "random", "--shell", "--",
		"./e", "{x}", "|", "tee", "out", NULL,
	};
	static const char *const ssh[] = {
		"run", "-p", "x=1..3", "--backend", "ssh", "--hosts",
		"node1/4,alice@node2:2222", "--retries", "0", "--repeat", "1",
		"--order", "random", "--", "./e", "{x}", "|", "tee", "out",
		NULL,
	};
	struct define_form f;
	char **v, *err = NULL;

	define_form_init(&f);
	define_form_set(&f, DEFINE_TAG, 0, "sweep one");
	define_form_set(&f, DEFINE_DESCRIPTION, 0,
	    "it's \"quoted\" & $HOME; rm -rf /");
	define_form_set(&f, DEFINE_PARAMS, 0, "r=2.8..4:0.002");
	define_form_set(&f, DEFINE_PARAMS, 1, "s={\"a b\", 'c;d', `x`}");
	define_form_set(&f, DEFINE_ZIPS, 0, "r,s");
	define_form_set(&f, DEFINE_COMMAND, 0,
	    "./exp {r} \"a b\" 'c $d' x\\;y {s} '*'");
	define_form_set(&f, DEFINE_CORES, 0, "-1");
	define_form_set(&f, DEFINE_TIMEOUT, 0, "2m");
	define_form_set(&f, DEFINE_MEM, 0, "512M");
	define_form_set(&f, DEFINE_RETRIES, 0, "2");
	define_form_set(&f, DEFINE_REPEAT, 0, "3");
	define_form_set(&f, DEFINE_SEED, 0, "42");
	define_form_toggle(&f, DEFINE_ORDER);
	v = define_argv(&f, &err);
	t_words_eq(v, want);
	util_strv_free(v);
	define_form_clear(&f);

	/* Defaults: no tag, description, limits or seed words. */
	define_form_init(&f);
	define_form_set(&f, DEFINE_PARAMS, 0, "x=1..3");
	define_form_set(&f, DEFINE_COMMAND, 0, "./e {x} | tee out");
	define_form_set(&f, DEFINE_TIMEOUT, 0, "none");
	define_form_toggle(&f, DEFINE_SHELL);
	v = define_argv(&f, &err);
	t_words_eq(v, plain);
	util_strv_free(v);

	/* The ssh backend: its hosts as one word, and no cores. */
	define_form_toggle(&f, DEFINE_SHELL);
	define_form_toggle(&f, DEFINE_BACKEND);
	define_form_set(&f, DEFINE_HOSTS, 0, "node1/4,alice@node2:2222");
	v = define_argv(&f, &err);
	t_words_eq(v, ssh);
	util_strv_free(v);
	define_form_toggle(&f, DEFINE_BACKEND);

	/* A command that cannot be split. */
	define_form_set(&f, DEFINE_COMMAND, 0, "./e 'unclosed {x}");
	ck_assert_ptr_null(define_argv(&f, &err));
	ck_assert_ptr_nonnull(strstr(err, "unbalanced"));
	free(err);
	define_form_clear(&f);
}
END_TEST

START_TEST(test_preview)
{
	struct define_form f;
	struct define_check chk;

	struct buf want;

	t_logistic(&f);
	define_check(&f, NULL, NULL, &chk);
	ck_assert_msg(chk.ok, "%s", chk.error);
	ck_assert_str_eq(chk.summary,
	    "3 parameters, 1803 points x repeat 1 = 1803 jobs");
	ck_assert_uint_eq(chk.jobs, 1803);
	/* Where the jobs run: the engines of this machine. */
	buf_init(&want);
	buf_adds(&want, "backend local, ");
	define_cores_text(0, pool_cores_available(), &want);
	ck_assert_str_eq(chk.where, want.data);
	buf_free(&want);
	define_check_clear(&chk);

	define_form_set(&f, DEFINE_REPEAT, 0, "2");
	define_form_remove(&f, DEFINE_PARAMS, 2);
	define_check(&f, NULL, NULL, &chk);
	ck_assert_msg(chk.ok, "%s", chk.error);
	ck_assert_str_eq(chk.summary,
	    "2 parameters, 1803 points x repeat 2 = 3606 jobs");
	define_check_clear(&chk);
	define_form_clear(&f);

	define_form_init(&f);
	define_form_set(&f, DEFINE_PARAMS, 0, "x=5");
	define_form_set(&f, DEFINE_COMMAND, 0,
	    "python3 -c 'print({\"a\": 1})' {x} {point}");
	define_check(&f, NULL, NULL, &chk);
	ck_assert_msg(chk.ok, "%s", chk.error);
	ck_assert_str_eq(chk.summary,
	    "1 parameter, 1 point x repeat 1 = 1 job");
	define_check_clear(&chk);

	/* Nothing yet: no parameters, then no command. */
	define_form_remove(&f, DEFINE_PARAMS, 0);
	define_check(&f, NULL, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert_int_eq(chk.field, DEFINE_PARAMS);
	ck_assert_ptr_nonnull(strstr(chk.error, "no parameters"));
	define_check_clear(&chk);
	define_form_set(&f, DEFINE_PARAMS, 0, "x=5");
	define_form_set(&f, DEFINE_COMMAND, 0, "");
	define_check(&f, NULL, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert_int_eq(chk.field, DEFINE_COMMAND);
	ck_assert_ptr_nonnull(strstr(chk.error, "no command"));
	define_check_clear(&chk);
	define_form_clear(&f);
}
END_TEST

/* Check f as the form does and expect an error in the hosts field, at
 * display column col (-1: none), saying what. */
static void
t_hosts_error(struct define_form *f, const struct define_edit *ed, int col,
    const char *what)
{
	struct define_check chk;

	define_check(f, ed, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert_int_eq(chk.field, DEFINE_HOSTS);
	ck_assert_msg(strstr(chk.error, what) != NULL, "'%s' lacks '%s'",
	    chk.error, what);
	if (col < 0)
		ck_assert(!chk.has_col);
	else {
		ck_assert(chk.has_col);
		ck_assert_int_eq(chk.col, col);
		ck_assert_str_eq(chk.text, ed != NULL ? ed->text :
		    define_form_get(f, DEFINE_HOSTS, 0));
	}
	define_check_clear(&chk);
}

/* Check f and expect it ok, its jobs running where says. */
static void
t_hosts_ok(struct define_form *f, const char *hosts, const char *where)
{
	struct define_check chk;

	define_form_set(f, DEFINE_HOSTS, 0, hosts);
	define_check(f, NULL, NULL, &chk);
	ck_assert_msg(chk.ok, "%s: %s", hosts, chk.error);
	ck_assert_str_eq(chk.where, where);
	define_check_clear(&chk);
}

START_TEST(test_hosts)
{
	struct define_form f;
	struct define_edit ed;
	struct define_check chk;

	t_logistic(&f);
	/* Local: the hosts field is not shown, nor checked. */
	define_form_set(&f, DEFINE_HOSTS, 0, "not a host");
	define_check(&f, NULL, NULL, &chk);
	ck_assert_msg(chk.ok, "%s", chk.error);
	ck_assert_ptr_nonnull(strstr(chk.where, "backend local, "));
	define_check_clear(&chk);
	/* ssh: hosts_list_parse says what is wrong, with its column. */
	define_form_toggle(&f, DEFINE_BACKEND);
	define_form_set(&f, DEFINE_HOSTS, 0, "");
	t_hosts_error(&f, NULL, -1, "hosts: no host given: write "
	    "[user@]host[:port][/slots]");
	define_form_set(&f, DEFINE_HOSTS, 0, "node1/4,node2:0");
	t_hosts_error(&f, NULL, 14, "hosts column 15: ");
	define_form_set(&f, DEFINE_HOSTS, 0, "node1,bob@n2,Node1/2");
	t_hosts_error(&f, NULL, 13, "hosts column 14: host node1 is given "
	    "twice, first at hosts column 1");
	/* While it is typed (blanks are kept then). */
	ed.field = DEFINE_HOSTS;
	ed.item = 0;
	ed.text = "node1/4, node2";
	t_hosts_error(&f, &ed, 8, "hosts column 9: a blank is not allowed");
	/* Columns are display columns, from characters. */
	ed.text = "\xe6\x97\xa5";
	t_utf8();
	t_hosts_error(&f, &ed, 0, "hosts column 1: ");
	ed.text = "n,\xe6\x97\xa5";
	t_hosts_error(&f, &ed, 2, "hosts column 3: ");
	setlocale(LC_ALL, "C");
	/* An error of a field above comes first, unless the hosts are
	 * being typed. */
	define_form_set(&f, DEFINE_COMMAND, 0, "");
	define_check(&f, NULL, NULL, &chk);
	ck_assert_int_eq(chk.field, DEFINE_COMMAND);
	define_check_clear(&chk);
	ed.text = "node1/4,node2 ,x";
	t_hosts_error(&f, &ed, 13, "hosts column 14: a blank");
	ed.text = "node1/4";
	define_check(&f, &ed, NULL, &chk);
	ck_assert_int_eq(chk.field, DEFINE_COMMAND);
	define_check_clear(&chk);
	define_form_set(&f, DEFINE_COMMAND, 0, "./examples/logistic {r} {x0}");

	/* The preview: hosts and slots. */
	t_hosts_ok(&f, "node1/4,alice@node2:2222/8,node3",
	    "backend ssh, 3 hosts, 12 slots (+1 auto)");
	t_hosts_ok(&f, "node1/1", "backend ssh, 1 host, 1 slot");
	t_hosts_ok(&f, "a,b/auto",
	    "backend ssh, 2 hosts, slots auto (one per core of each)");
	define_form_clear(&f);
}
END_TEST

START_TEST(test_hosts_complete)
{
	static char *names[] = {
		(char *)"build", (char *)"gpu7.lab", (char *)"node1",
		(char *)"node2", (char *)"node4:2222", NULL,
	};
	static const char *const all[] = {
		"build", "gpu7.lab", "node1", "node2", "node4:2222", NULL,
	};
	static const char *const no[] = {
		"node1", "node2", "node4:2222", NULL,
	};
	static const char *const after[] = {
		"node1/4,node2", "node1/4,node4:2222", NULL,
	};
	static const char *const user[] = {
		"x,alice@node1", "x,alice@node2", "x,alice@node4:2222", NULL,
	};
	char **v, *dir, *ssh, *path;
	const char *home = getenv("HOME");
	char *saved = home != NULL ? xstrdup(home) : NULL;

	v = define_hosts_complete("", names);
	t_words_eq(v, all);
	util_strv_free(v);
	v = define_hosts_complete("no", names);
	t_words_eq(v, no);
	util_strv_free(v);
	/* The word after the last comma; hosts given already are left
	 * out. */
	v = define_hosts_complete("node1/4,no", names);
	t_words_eq(v, after);
	util_strv_free(v);
	/* A user stays; the same host as another user is another login. */
	v = define_hosts_complete("x,alice@no", names);
	t_words_eq(v, user);
	util_strv_free(v);
	v = define_hosts_complete("x,alice@node2,alice@no", names);
	ck_assert_str_eq(v[0], "x,alice@node2,alice@node1");
	ck_assert_str_eq(v[1], "x,alice@node2,alice@node4:2222");
	ck_assert_ptr_null(v[2]);
	util_strv_free(v);
	/* Hosts are compared as ssh would: Node1 is node1, node1:22 is
	 * another login. */
	v = define_hosts_complete("Node1:22/3,bob@node2,no", names);
	ck_assert_str_eq(v[0], "Node1:22/3,bob@node2,node1");
	util_strv_free(v);
	v = define_hosts_complete("Node1/3,bob@node2,no", names);
	ck_assert_str_eq(v[0], "Node1/3,bob@node2,node2");
	util_strv_free(v);
	ck_assert_ptr_null(define_hosts_complete("zz", names));
	ck_assert_ptr_null(define_hosts_complete("a,", NULL));

	/* The names come from ~/.ssh/config and ~/.ssh/known_hosts. */
	dir = testutil_tempdir();
	ssh = testutil_path(dir, ".ssh");
	ck_assert_int_eq(mkdir(ssh, 0700), 0);
	path = testutil_path(ssh, "config");
	testutil_write_file(path, "Host node1 node2 *.corp\n", 24);
	free(path);
	path = testutil_path(ssh, "known_hosts");
	testutil_write_file(path, "[node4]:2222 ssh-ed25519 AAAA\n", 30);
	free(path);
	setenv("HOME", dir, 1);
	v = define_host_names();
	t_words_eq(v, no);
	util_strv_free(v);
	unsetenv("HOME");
	v = define_host_names();
	ck_assert_ptr_null(v[0]);
	util_strv_free(v);
	if (saved != NULL)
		setenv("HOME", saved, 1);
	free(saved);
	testutil_rmtree(dir);
	free(dir);
	free(ssh);
}
END_TEST

START_TEST(test_param_error)
{
	struct define_form f;
	struct define_check chk;
	struct define_edit ed;

	t_logistic(&f);
	define_form_set(&f, DEFINE_PARAMS, 1, "x=linspace(0,1)");
	define_check(&f, NULL, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert(chk.has_field);
	ck_assert_int_eq(chk.field, DEFINE_PARAMS);
	ck_assert_uint_eq(chk.item, 1);
	ck_assert_str_eq(chk.text, "x=linspace(0,1)");
	ck_assert_ptr_nonnull(strstr(chk.error, "linspace needs 3"));
	ck_assert(chk.has_col);
	ck_assert_int_eq(chk.col, 10); /* under the "(" */
	define_check_clear(&chk);
	define_form_clear(&f);

	/* While typing: the text being edited replaces an item, or adds
	 * one, in the check. */
	t_logistic(&f);
	ed.field = DEFINE_PARAMS;
	ed.item = 3;
	ed.text = "y=1..";
	define_check(&f, &ed, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert_uint_eq(chk.item, 3);
	ck_assert_str_eq(chk.text, "y=1..");
	ck_assert_int_eq(chk.col, 3);
	define_check_clear(&chk);
	ed.item = 0;
	ed.text = "r=1..4";
	define_check(&f, &ed, NULL, &chk);
	ck_assert_msg(chk.ok, "%s", chk.error);
	ck_assert_uint_eq(chk.points, 12);
	define_check_clear(&chk);
	define_form_clear(&f);

	/* The caret counts display columns, not bytes. */
	t_utf8();
	define_form_init(&f);
	define_form_set(&f, DEFINE_PARAMS, 0, "s=\xc3\xa9\xc3\xa9\xc3\xa9,1");
	define_form_set(&f, DEFINE_COMMAND, 0, "./e {s}");
	define_check(&f, NULL, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert(chk.has_col);
	ck_assert_int_eq(chk.col, 5);
	define_check_clear(&chk);
	define_form_clear(&f);
	setlocale(LC_ALL, "C");
}
END_TEST

START_TEST(test_placeholder)
{
	struct define_form f;
	struct define_check chk;

	define_form_init(&f);
	define_form_set(&f, DEFINE_PARAMS, 0, "x=1..3");
	define_form_set(&f, DEFINE_COMMAND, 0, "./exp {x} --y={y}");
	define_check(&f, NULL, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert_int_eq(chk.field, DEFINE_COMMAND);
	ck_assert_ptr_nonnull(strstr(chk.error, "no parameter is named 'y'"));
	ck_assert_ptr_nonnull(strstr(chk.error, "{x}"));
	ck_assert_str_eq(chk.text, "./exp {x} --y={y}");
	ck_assert(chk.has_col);
	ck_assert_int_eq(chk.col, 15);
	define_check_clear(&chk);

	/* Adding the parameter fixes it. */
	define_form_set(&f, DEFINE_PARAMS, 1, "y={a,b}");
	define_check(&f, NULL, NULL, &chk);
	ck_assert_msg(chk.ok, "%s", chk.error);
	ck_assert_uint_eq(chk.points, 6);
	define_check_clear(&chk);
	define_form_clear(&f);
}
END_TEST

START_TEST(test_zip)
{
	struct define_form f;
	struct define_check chk;

	define_form_init(&f);
	define_form_set(&f, DEFINE_PARAMS, 0, "x=1..3");
	define_form_set(&f, DEFINE_PARAMS, 1, "y=1..2");
	define_form_set(&f, DEFINE_PARAMS, 2, "a={p,q}");
	define_form_set(&f, DEFINE_PARAMS, 3, "b=linspace(0,1,2)");
	define_form_set(&f, DEFINE_ZIPS, 0, "a,b");
	define_form_set(&f, DEFINE_ZIPS, 1, "x,y");
	define_form_set(&f, DEFINE_COMMAND, 0, "./e {x} {y} {a} {b}");
	define_check(&f, NULL, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert(chk.has_field);
	ck_assert_int_eq(chk.field, DEFINE_ZIPS);
	ck_assert_uint_eq(chk.item, 1);
	ck_assert_str_eq(chk.text, "x,y");
	ck_assert_ptr_nonnull(strstr(chk.error, "equal lengths"));
	ck_assert(!chk.has_col);
	define_check_clear(&chk);

	/* A single value is broadcast. */
	define_form_set(&f, DEFINE_PARAMS, 1, "y=7");
	define_check(&f, NULL, NULL, &chk);
	ck_assert_msg(chk.ok, "%s", chk.error);
	ck_assert_uint_eq(chk.points, 6);
	define_check_clear(&chk);

	/* A bad name in a group, at its position. */
	define_form_set(&f, DEFINE_ZIPS, 1, "x,,y");
	define_check(&f, NULL, NULL, &chk);
	ck_assert(!chk.ok);
	ck_assert_int_eq(chk.field, DEFINE_ZIPS);
	ck_assert_uint_eq(chk.item, 1);
	ck_assert(chk.has_col);
	ck_assert_int_eq(chk.col, 2);
	define_check_clear(&chk);
	define_form_clear(&f);
}
END_TEST

START_TEST(test_limits)
{
	static const struct {
		enum define_field field;
		const char *text;
	} bad[] = {
		{ DEFINE_CORES, "all" }, { DEFINE_TIMEOUT, "soon" },
		{ DEFINE_TIMEOUT, "-1" }, { DEFINE_MEM, "10k" },
		{ DEFINE_RETRIES, "-1" }, { DEFINE_REPEAT, "0" },
		{ DEFINE_SEED, "x" },
	};
	char *const tags[] = { (char *)"demo", (char *)"other", NULL };
	struct define_form f;
	struct define_check chk;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(bad); i++) {
		t_logistic(&f);
		define_form_set(&f, bad[i].field, 0, bad[i].text);
		define_check(&f, NULL, NULL, &chk);
		ck_assert_msg(!chk.ok, "%s '%s' accepted",
		    define_field_label(bad[i].field), bad[i].text);
		ck_assert_int_eq(chk.field, bad[i].field);
		ck_assert_ptr_nonnull(strstr(chk.error, bad[i].text));
		define_check_clear(&chk);
		define_form_clear(&f);
	}

	/* Limits written as none, and a tag already in the notebook. */
	t_logistic(&f);
	define_form_set(&f, DEFINE_TIMEOUT, 0, "0");
	define_form_set(&f, DEFINE_MEM, 0, "none");
	define_form_set(&f, DEFINE_TAG, 0, "demo");
	define_check(&f, NULL, tags, &chk);
	ck_assert(!chk.ok);
	ck_assert_int_eq(chk.field, DEFINE_TAG);
	ck_assert_ptr_nonnull(strstr(chk.error, "'demo' is taken"));
	define_check_clear(&chk);
	define_form_set(&f, DEFINE_TAG, 0, "demo-2");
	define_check(&f, NULL, tags, &chk);
	ck_assert_msg(chk.ok, "%s", chk.error);
	define_check_clear(&chk);
	define_form_clear(&f);
}
END_TEST

START_TEST(test_cores_text)
{
	static const struct {
		int rule, available;
		const char *want;
	} cases[] = {
		{ 0, 8, "all cores: 8 engines on this machine" },
		{ 0, 1, "all cores: 1 engine on this machine" },
		{ 3, 8, "3 engines (this machine has 8 cores)" },
		{ 1, 1, "1 engine (this machine has 1 core)" },
		{ 16, 8, "16 engines (this machine has 8 cores)" },
		{ -2, 8, "all cores but 2: 6 engines on this machine" },
		{ -8, 8, "all cores but 8: 1 engine on this machine (never "
		  "fewer than 1)" },
	};
	struct define_form f;
	struct buf b;
	char *hint;
	size_t i;

	buf_init(&b);
	for (i = 0; i < UTIL_ARRLEN(cases); i++) {
		buf_reset(&b);
		define_cores_text(cases[i].rule, cases[i].available, &b);
		ck_assert_str_eq(b.data, cases[i].want);
	}
	buf_free(&b);

	/* The form shows it beside the cores field. */
	define_form_init(&f);
	define_form_set(&f, DEFINE_CORES, 0, "-1");
	hint = define_form_hint(&f, DEFINE_CORES, 4);
	ck_assert_str_eq(hint, "all cores but 1: 3 engines on this machine");
	free(hint);
	define_form_set(&f, DEFINE_CORES, 0, "many");
	hint = define_form_hint(&f, DEFINE_CORES, 4);
	ck_assert_str_eq(hint, "");
	free(hint);
	define_form_clear(&f);
}
END_TEST

/* The backend line of the description of a set on backend, with args. */
static char *
t_backend_line(const char *backend, const char *args)
{
	struct nb_set s;
	char **lines, *line = NULL;
	size_t i;

	memset(&s, 0, sizeof s);
	s.tag = (char *)"far";
	s.description = (char *)"";
	s.space = (char *)"{}";
	s.experiment = (char *)"{}";
	s.backend = (char *)backend;
	s.backend_args = (char *)args;
	s.cwd = (char *)"";
	s.repeat = 1;
	lines = define_describe_set(&s, 4);
	for (i = 0; lines[i] != NULL; i++) {
		if (strncmp(lines[i], "backend\t", 8) == 0)
			line = xstrdup(lines[i] + 8);
	}
	util_strv_free(lines);
	ck_assert_ptr_nonnull(line);
	return line;
}

START_TEST(test_describe_backend)
{
	char *line;

	/* A remote set: its hosts, not this machine's cores. */
	line = t_backend_line("ssh", "{\"hosts\":\"node1/4,alice@node2:2222\","
	    "\"key\":\"ab\"}");
	ck_assert_str_eq(line, "ssh, 2 hosts: node1/4,alice@node2:2222");
	free(line);
	line = t_backend_line("ssh", "{\"key\":\"ab\"}");
	ck_assert_str_eq(line, "ssh, no hosts recorded");
	free(line);
	line = t_backend_line("ssh", "{\"hosts\":\"a b\"}");
	ck_assert_ptr_nonnull(strstr(line, "ssh, its hosts cannot be read: "
	    "hosts column 2: a blank"));
	free(line);
	line = t_backend_line("local", "{}");
	ck_assert_str_eq(line, "local, cores 0: all cores: 4 engines on this "
	    "machine");
	free(line);
}
END_TEST

START_TEST(test_text_layout)
{
	char **v;
	int skipped;
	const char *rest;

	v = define_wrap("the command uses {y} but no parameter is named", 20);
	ck_assert_str_eq(v[0], "the command uses {y}");
	ck_assert_str_eq(v[1], "but no parameter is");
	ck_assert_str_eq(v[2], "named");
	ck_assert_ptr_null(v[3]);
	util_strv_free(v);
	v = define_wrap("abcdefghij kl", 4);
	ck_assert_str_eq(v[0], "abcd");
	ck_assert_str_eq(v[1], "efgh");
	ck_assert_str_eq(v[2], "ij");
	ck_assert_str_eq(v[3], "kl");
	ck_assert_ptr_null(v[4]);
	util_strv_free(v);

	t_utf8();
	ck_assert_int_eq(define_column("\xc3\xa9t\xc3\xa9", 3), 2);
	ck_assert_int_eq(define_column("\xe6\x97\xa5x", 3), 2);
	rest = define_skip_columns("\xc3\xa9t\xc3\xa9x", 3, &skipped);
	ck_assert_str_eq(rest, "x");
	ck_assert_int_eq(skipped, 3);
	setlocale(LC_ALL, "C");
}
END_TEST

/* ---- the view on a screen ---- */

static FILE *t_out, *t_in;
static SCREEN *t_screen;
static WINDOW *t_body, *t_cmdwin;
static char *t_dir, *t_nbpath;
static struct console t_c;

/* What console.c does with an accepted line. */
static void
t_on_accept(const char *line, void *arg)
{
	struct console *c = arg;
	void (*done)(struct console *, const char *, void *) = c->edit_done;

	c->edit_done = NULL;
	c->edit_complete = NULL;
	if (done != NULL)
		done(c, line, c->edit_arg);
	else
		console_command(c, line);
}

/* What console.c does to complete. */
static char **
t_on_complete(const char *line, const char *text, int start, void *arg)
{
	return console_complete(arg, line, text, start);
}

static void
t_screen_setup(void)
{
	char *err = NULL;

	t_utf8();
	setenv("INPUTRC", "/dev/null", 1);
	t_dir = testutil_tempdir();
	t_nbpath = testutil_path(t_dir, "nb.db");
	memset(&t_c, 0, sizeof t_c);
	t_c.sigpipe[0] = t_c.sigpipe[1] = -1;
	if (notebook_open(t_nbpath, NOTEBOOK_CREATE, &t_c.nb, &err) != 0)
		ck_abort_msg("notebook_open: %s", err);
	t_c.nb_path = xstrdup(t_nbpath);
	t_c.nviews = 1;
	t_c.views = xcalloc(1, sizeof *t_c.views);
	t_c.views[0] = view_space_new();
	t_out = fopen("/dev/null", "w");
	t_in = fopen("/dev/null", "r");
	use_env(FALSE);
	t_screen = newterm("xterm", t_out, t_in);
	ck_assert_msg(t_screen != NULL, "no terminfo entry for xterm");
	t_body = newwin(19, 80, 3, 0);
	t_cmdwin = newwin(1, 80, 23, 0);
	t_c.rows = 24;
	t_c.cols = 80;
}

static void
t_screen_teardown(void)
{
	size_t i;

	if (t_c.cl != NULL)
		cmdline_close(t_c.cl);
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
	delwin(t_cmdwin);
	endwin();
	delscreen(t_screen);
	fclose(t_out);
	fclose(t_in);
	testutil_rmtree(t_dir);
	free(t_dir);
	free(t_nbpath);
	setlocale(LC_ALL, "C");
}

/* Record the logistic campaign in the notebook. */
static void
t_store_set(void)
{
	struct space *sp = space_new();
	struct space_error se = { NULL, 0, false };
	struct experiment ex;
	char *argv[] = { (char *)"./examples/logistic", (char *)"{r}",
	    (char *)"{x0}", NULL };
	struct nb_set s;
	struct buf b;
	char *err = NULL;

	ck_assert_int_eq(space_add(sp, "r=2.8..4:0.002", &se), 0);
	ck_assert_int_eq(space_add(sp, "x0={0.1,0.3,0.7}", &se), 0);
	ck_assert_int_eq(space_finish(sp, &se), 0);
	ck_assert_int_eq(experiment_init(&ex, argv, 3, false, &err), 0);
	memset(&s, 0, sizeof s);
	s.tag = xstrdup("demo");
	s.description = xstrdup("the logistic map");
	s.attributes = xstrdup("{}");
	buf_init(&b);
	space_to_json(sp, &b);
	s.space = buf_steal(&b);
	experiment_to_json(&ex, &b);
	s.experiment = buf_steal(&b);
	s.backend = xstrdup("local");
	s.cores = -1;
	s.timeout = 90;
	s.mem_limit = UINT64_C(512) << 20;
	s.retries = 2;
	s.repeat = 1;
	s.seed = 1234;
	s.npoints = space_size(sp);
	s.njobs = s.npoints;
	s.cwd = xstrdup("/srv/lab");
	if (notebook_set_create(t_c.nb, &s, &err) != 0)
		ck_abort_msg("notebook_set_create: %s", err);
	notebook_set_clear(&s);
	experiment_free(&ex);
	space_free(sp);
}

/* Redraw the view into the body window. */
static void
t_draw(void)
{
	struct view *v = t_c.views[0];

	werase(t_body);
	v->ops->draw(v, &t_c, t_body);
}

/* Row y of the body, without trailing blanks. */
static const char *
t_row(int y)
{
	static char line[256];
	int n;

	n = mvwinnstr(t_body, y, 0, line, 80);
	ck_assert_int_ge(n, 0);
	line[n] = '\0';
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
	return line;
}

/* The first row of the body starting with prefix, or -1. */
static int
t_find(const char *prefix)
{
	int y;

	for (y = 0; y < 19; y++) {
		if (strncmp(t_row(y), prefix, strlen(prefix)) == 0)
			return y;
	}
	return -1;
}

/* Check that some row starts with prefix. */
static void
t_assert_row(const char *prefix)
{
	int y;

	if (t_find(prefix) >= 0)
		return;
	for (y = 0; y < 19; y++)
		fprintf(stderr, "%2d|%s|\n", y, t_row(y));
	ck_abort_msg("no row starts with '%s'", prefix);
}

/* Press a key in the view, as the console does. */
static void
t_key(int key)
{
	struct view *v = t_c.views[0];

	if (t_c.cl != NULL && cmdline_active(t_c.cl))
		cmdline_key(t_c.cl, key);
	else
		v->ops->key_fn(v, &t_c, key);
}

/* Type text on the command line. */
static void
t_type(const char *s)
{
	while (*s != '\0')
		cmdline_key(t_c.cl, (unsigned char)*s++);
}

START_TEST(test_draw_set)
{
	struct view *v;
	char want[128];
	int avail = pool_cores_available();

	t_draw();
	t_assert_row(" No result set yet.");
	t_store_set();
	console_refresh(&t_c);
	ck_assert_uint_eq(t_c.nsets, 1);
	v = t_c.views[0];
	v->ops->update(v, &t_c);
	t_draw();
	t_assert_row(" result set   demo: the logistic map");
	t_assert_row(" parameters   2, 1803 points");
	t_assert_row("              r = 2.8..4:0.002  (601 values: 2.8, 2.802, "
	    "2.804, ..., 4)");
	t_assert_row("              x0 = {0.1,0.3,0.7}  (3 values: 0.1, 0.3, "
	    "0.7)");
	t_assert_row(" jobs         1803 points x repeat 1 = 1803 jobs");
	t_assert_row(" order        random, seed 1234");
	t_assert_row(" command      ./examples/logistic {r} {x0}");
	t_assert_row(" limits       timeout 90s, memory 512M, retries 2, "
	    "repeat 1");
	t_assert_row(" directory    /srv/lab");
	t_assert_row(" Press n to define a new campaign.");
	/* The backend line says what the cores rule gives here. */
	snprintf(want, sizeof want, " backend      local, cores -1: all cores "
	    "but 1: %d engine%s on this machine%s", avail > 2 ? avail - 1 : 1,
	    avail > 2 ? "s" : "", avail > 1 ? "" : " (never fewer than 1)");
	t_assert_row(want);
}
END_TEST

START_TEST(test_draw_form)
{
	struct view *v = t_c.views[0];
	int y;

	t_c.cl = cmdline_open(t_cmdwin, NULL, t_on_accept, NULL, &t_c);
	ck_assert_ptr_nonnull(t_c.cl);
	console_define_open(&t_c);
	ck_assert_uint_eq(t_c.view, 0);
	t_draw();
	t_assert_row(" New campaign");
	t_assert_row("!parameters   (none: press a to add one");
	t_assert_row(" error: no parameters");

	/* a adds a parameter on the command line; Enter stores it. */
	t_key('a');
	ck_assert(cmdline_active(t_c.cl));
	t_type("r=2.8..4:0.002");
	t_key('\r');
	ck_assert(!cmdline_active(t_c.cl));
	ck_assert_ptr_null(t_c.edit_done);
	t_key('a');
	t_type("x0={0.1,0.3,0.7}");
	t_key('\r');
	t_draw();
	t_assert_row(" parameters   r=2.8..4:0.002");
	t_assert_row("              x0={0.1,0.3,0.7}");
	t_assert_row(" error: no command");

	/* Down to the command (tag, description, r, x0, zip groups). */
	for (y = 0; y < 10; y++)
		t_key(KEY_UP);
	for (y = 0; y < 5; y++)
		t_key('j');
	t_key('\r');
	t_type("./examples/logistic {r} {x0} {y}");
	/* The preview follows the typing. */
	t_draw();
	t_assert_row(" error: the command uses {y} but no parameter is named");
	t_key(KEY_BACKSPACE);
	t_key(KEY_BACKSPACE);
	t_key(KEY_BACKSPACE);
	t_key(KEY_BACKSPACE);
	t_draw();
	t_assert_row(" 2 parameters, 1803 points x repeat 1 = 1803 jobs");
	t_key('\r');
	t_draw();
	t_assert_row(" command      ./examples/logistic {r} {x0}");
	t_assert_row(" 2 parameters, 1803 points x repeat 1 = 1803 jobs");

	/* A bad parameter: the error, its text and a caret under it. */
	t_key('a');
	t_type("k=linspace(0,1)");
	t_draw();
	t_assert_row(" error: linspace needs 3 arguments");
	t_key('\r');
	t_draw();
	t_assert_row("!             k=linspace(0,1)");
	y = t_find("  k=linspace(0,1)");
	ck_assert_int_ge(y, 0);
	ck_assert_str_eq(t_row(y + 1), "            ^");

	/* Enter on the shell field flips it. */
	y = t_find(" shell        no");
	ck_assert_int_ge(y, 0);
	for (y = 0; y < 20; y++)
		t_key(KEY_UP);
	for (y = 0; y < 7; y++)
		t_key(KEY_DOWN);
	t_key('\r');
	t_draw();
	t_assert_row(" shell        yes  run by /bin/sh -c");

	/* s refuses an invalid form (and runs nothing). */
	t_key('s');
	ck_assert(t_c.message_error);
	ck_assert_ptr_nonnull(strstr(t_c.message, "cannot start"));
	ck_assert_uint_eq(t_c.nchildren, 0);

	/* Escape cancels an edit, then leaves the form; it comes back
	 * as it was. */
	t_key(KEY_UP);
	t_key('e');
	ck_assert(cmdline_active(t_c.cl));
	ck_assert_str_eq(cmdline_text(t_c.cl), "./examples/logistic {r} {x0}");
	t_key(KEY_BACKSPACE);
	t_key(27);
	ck_assert(!cmdline_active(t_c.cl));
	t_draw();
	ck_assert_ptr_null(t_c.edit_done);
	t_assert_row(" command      ./examples/logistic {r} {x0}");
	t_key(27);
	t_draw();
	t_assert_row(" No result set yet.");
	console_define_open(&t_c);
	t_draw();
	t_assert_row(" parameters   r=2.8..4:0.002");
	t_assert_row("!             k=linspace(0,1)");
	(void)v;
}
END_TEST

START_TEST(test_draw_hosts)
{
	char *ssh, *path, *saved = getenv("HOME") != NULL ?
	    xstrdup(getenv("HOME")) : NULL;
	int y;

	ssh = testutil_path(t_dir, ".ssh");
	ck_assert_int_eq(mkdir(ssh, 0700), 0);
	path = testutil_path(ssh, "config");
	testutil_write_file(path, "Host node1 node2 build\n", 23);
	setenv("HOME", t_dir, 1);
	t_c.cl = cmdline_open(t_cmdwin, NULL, t_on_accept, t_on_complete,
	    &t_c);
	console_define_open(&t_c);
	t_draw();
	t_assert_row(" backend      local  on this machine");
	t_assert_row(" cores        0  ");
	ck_assert_int_lt(t_find(" hosts "), 0);
	/* No note about SSH coming later. */
	ck_assert_ptr_null(strstr(t_row(0), "SSH"));

	/* Enter flips the backend to ssh: hosts instead of cores. */
	for (y = 0; y < 7; y++)
		t_key('j');
	t_key('\r');
	t_draw();
	t_assert_row(" backend      ssh  on other machines over ssh");
	t_assert_row(" hosts        e.g. node1/4,alice@node2:2222 (Tab "
	    "completes names)");
	ck_assert_int_lt(t_find(" cores "), 0);

	/* A bad host list: the error, the text and a caret under it, as
	 * it is typed. */
	t_key('j');
	t_key('\r');
	ck_assert(cmdline_active(t_c.cl));
	t_type("node1/4,node2 ,x");
	t_draw();
	t_assert_row(" error: hosts column 14: a blank is not allowed in a "
	    "host spec");
	y = t_find("  node1/4,node2 ,x");
	ck_assert_int_ge(y, 0);
	ck_assert_str_eq(t_row(y + 1), "               ^");
	t_assert_row("!hosts        node1/4,node2 ,x");

	/* Tab completes the host after the last comma, from ~/.ssh, with
	 * no space after it. */
	cmdline_key(t_c.cl, 'u' & 0x1f);
	t_type("node1/4,bu\t");
	ck_assert_str_eq(cmdline_text(t_c.cl), "node1/4,build");
	t_type(",no\t");
	ck_assert_str_eq(cmdline_text(t_c.cl), "node1/4,build,node2");
	t_key('\r');
	ck_assert(!cmdline_active(t_c.cl));
	t_draw();
	t_assert_row(" hosts        node1/4,build,node2");

	/* A whole form: the preview says where the jobs run. */
	t_key('a');
	t_type("x=1..3\r");
	t_key('j');
	t_key('j');
	t_key('\r');
	t_type("echo {x}\r");
	t_draw();
	t_assert_row(" 1 parameter, 3 points x repeat 1 = 3 jobs");
	t_assert_row(" backend ssh, 3 hosts, 4 slots (+2 auto)");
	t_assert_row(" Press s to start it.");
	if (saved != NULL)
		setenv("HOME", saved, 1);
	else
		unsetenv("HOME");
	free(saved);
	free(path);
	free(ssh);
}
END_TEST

Suite *
suite_define(void)
{
	Suite *s = suite_create("define");
	TCase *tc = tcase_create("form");
	TCase *screen = tcase_create("screen");

	tcase_add_test(tc, test_form_edit);
	tcase_add_test(tc, test_argv);
	tcase_add_test(tc, test_worker);
	tcase_add_test(tc, test_preview);
	tcase_add_test(tc, test_hosts);
	tcase_add_test(tc, test_hosts_complete);
	tcase_add_test(tc, test_param_error);
	tcase_add_test(tc, test_placeholder);
	tcase_add_test(tc, test_zip);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_cores_text);
	tcase_add_test(tc, test_describe_backend);
	tcase_add_test(tc, test_text_layout);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(screen, t_screen_setup, t_screen_teardown);
	tcase_add_test(screen, test_draw_set);
	tcase_add_test(screen, test_draw_form);
	tcase_add_test(screen, test_draw_hosts);
	suite_add_tcase(s, screen);
	return s;
}
