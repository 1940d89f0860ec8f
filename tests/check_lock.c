/* check_lock.c -- the runner lock: one holder per result set, seen by
 * others, and a lock file that is a link or a FIFO refused, never
 * followed or waited on. */
#include "config.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "lock.h"
#include "testutil.h"

static char *dir, *nb, *lockfile;

static void
setup(void)
{
	dir = testutil_tempdir();
	nb = testutil_path(dir, "nb.db");
	lockfile = testutil_path(dir, "nb.db.lock");
	testutil_write_file(nb, "", 0);
}

static void
teardown(void)
{
	testutil_rmtree(dir);
	free(lockfile);
	free(nb);
	free(dir);
}

/* Every way to use the lock file refuses it, naming it and what it is. */
static void
t_refused(const char *what)
{
	char *err = NULL;
	int fd = -1;

	ck_assert_int_eq(lock_held(nb, 1), -1);
	ck_assert_int_eq(lock_acquire(nb, 1, &fd, &err), -1);
	ck_assert_int_eq(fd, -1);
	ck_assert_msg(strstr(err, lockfile) != NULL && strstr(err, what) !=
	    NULL && strstr(err, "remove it") != NULL, "%s", err);
	free(err);
	err = NULL;
	ck_assert_int_eq(lock_create(nb, &err), -1);
	ck_assert_msg(strstr(err, lockfile) != NULL, "%s", err);
	free(err);
}

START_TEST(test_lock)
{
	char *err = NULL, *path;
	struct stat st;
	int fd = -1, fd2 = -1;

	path = lock_path(nb);
	ck_assert_str_eq(path, lockfile);
	free(path);

	/* No lock file: nobody holds it, and asking creates nothing. */
	ck_assert_int_eq(lock_held(nb, 1), 0);
	ck_assert_int_eq(access(lockfile, F_OK), -1);

	testutil_ok(lock_acquire(nb, 1, &fd, &err), err, "acquire");
	ck_assert_int_eq(lstat(lockfile, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(lock_held(nb, 1), 1);
	ck_assert_int_eq(lock_held(nb, 2), 0);
	err = NULL;
	ck_assert_int_eq(lock_acquire(nb, 1, &fd2, &err), 1);
	testutil_ok(lock_create(nb, &err), err, "create an existing one");
	ck_assert_int_eq(lock_held(nb, 1), 1);
	lock_release(fd);
	ck_assert_int_eq(lock_held(nb, 1), 0);
}
END_TEST

START_TEST(test_lock_link)
{
	char *target = testutil_path(dir, "target"), *text;

	testutil_write_file(target, "precious\n", 9);
	ck_assert_int_eq(symlink(target, lockfile), 0);
	t_refused("is a symbolic link");
	text = testutil_read_file(target, NULL);
	ck_assert_str_eq(text, "precious\n");
	free(text);

	/* A dangling link does not create its target. */
	ck_assert_int_eq(unlink(target), 0);
	t_refused("is a symbolic link");
	ck_assert_int_eq(access(target, F_OK), -1);
	free(target);
}
END_TEST

START_TEST(test_lock_fifo)
{
	/* lock_held used to open it to read and wait for a writer forever. */
	ck_assert_int_eq(mkfifo(lockfile, 0600), 0);
	t_refused("is a FIFO");
}
END_TEST

Suite *
suite_lock(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("lock");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lock);
	tcase_add_test(tc, test_lock_link);
	tcase_add_test(tc, test_lock_fifo);
	suite_add_tcase(s, tc);
	return s;
}
