/* check_util.c -- buffers, UTF-8 checks, number formatting and parsing,
 * and the safe opening of files labrat writes, against planted links,
 * FIFOs, directories and devices. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "testutil.h"
#include "util.h"

START_TEST(test_buf)
{
	struct buf b;
	char *s;
	int i;

	buf_init(&b);
	for (i = 0; i < 10000; i++)
		buf_printf(&b, "%d,", i);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	buf_add(&b, "\0x", 2);
	ck_assert_int_eq(b.data[b.len], '\0');
	s = buf_steal(&b);
	ck_assert_ptr_null(b.data);
	free(s);
	s = buf_steal(&b);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_utf8)
{
	struct buf b;
	size_t bad;

	ck_assert(util_utf8_valid("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
	    14, NULL));
	ck_assert(!util_utf8_valid("ab\xff", 3, &bad));
	ck_assert_uint_eq(bad, 2);
	ck_assert(!util_utf8_valid("\xc0\xaf", 2, &bad));     /* overlong */
	ck_assert(!util_utf8_valid("\xed\xa0\x80", 3, &bad)); /* surrogate */
	ck_assert(!util_utf8_valid("\xe6\x97", 2, &bad));     /* cut */
	buf_init(&b);
	util_utf8_sanitize(&b, "a\xff" "b\0c\xc3\xa9", 7);
	ck_assert_str_eq(b.data, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xc3\xa9");
	buf_free(&b);
}
END_TEST

START_TEST(test_format_double)
{
	struct buf b;

	buf_init(&b);
	util_format_double(&b, 0.1);
	ck_assert_str_eq(b.data, "0.1");
	buf_reset(&b);
	util_format_double(&b, 0.1 + 0.2);
	ck_assert_str_eq(b.data, "0.30000000000000004");
	buf_reset(&b);
	util_format_double(&b, 1e-300);
	ck_assert_str_eq(b.data, "1e-300");
	buf_reset(&b);
	util_format_double(&b, 10);
	ck_assert_str_eq(b.data, "10");
	buf_reset(&b);
	util_format_double(&b, -120);
	ck_assert_str_eq(b.data, "-120");
	buf_reset(&b);
	util_format_double(&b, 1e20);
	ck_assert_str_eq(b.data, "1e+20");
	buf_reset(&b);
	util_format_double(&b, 123456789012345678.0);
	ck_assert_str_eq(b.data, "1.2345678901234568e+17");
	buf_reset(&b);
	util_format_double(&b, -INFINITY);
	ck_assert_str_eq(b.data, "-inf");
	buf_free(&b);
}
END_TEST

START_TEST(test_parsers)
{
	double d;
	uint64_t u;

	ck_assert_int_eq(util_parse_duration("90", &d), 0);
	ck_assert_double_eq(d, 90);
	ck_assert_int_eq(util_parse_duration("1.5s", &d), 0);
	ck_assert_double_eq(d, 1.5);
	ck_assert_int_eq(util_parse_duration("2m", &d), 0);
	ck_assert_double_eq(d, 120);
	ck_assert_int_eq(util_parse_duration("1h", &d), 0);
	ck_assert_double_eq(d, 3600);
	ck_assert_int_eq(util_parse_duration("-1", &d), -1);
	ck_assert_int_eq(util_parse_duration("5x", &d), -1);
	ck_assert_int_eq(util_parse_duration("", &d), -1);
	ck_assert_int_eq(util_parse_size("512M", &u), 0);
	ck_assert_uint_eq(u, 512ull << 20);
	ck_assert_int_eq(util_parse_size("2GiB", &u), 0);
	ck_assert_uint_eq(u, 2ull << 30);
	ck_assert_int_eq(util_parse_size("1.5k", &u), 0);
	ck_assert_uint_eq(u, 1536);
	ck_assert_int_eq(util_parse_size("12Q", &u), -1);
	ck_assert_int_eq(util_parse_uint("18446744073709551615", &u), 0);
	ck_assert_int_eq(util_parse_uint("18446744073709551616", &u), -1);
	ck_assert_int_eq(util_parse_uint("-1", &u), -1);
	{
		static const char *const v[] = { "point", "rep", NULL };

		ck_assert_int_eq(util_strv_index(v, "rep", 3), 1);
		ck_assert_int_eq(util_strv_index(v, "repx", 3), 1);
		ck_assert_int_eq(util_strv_index(v, "re", 2), -1);
		ck_assert_int_eq(util_strv_index(NULL, "rep", 3), -1);
	}
	ck_assert(util_is_ident("_a1", 3));
	ck_assert(!util_is_ident("1a", 2));
	ck_assert(!util_is_ident("", 0));
}
END_TEST

static char *t_dir;

static void
t_file_setup(void)
{
	t_dir = testutil_tempdir();
}

static void
t_file_teardown(void)
{
	testutil_rmtree(t_dir);
	free(t_dir);
}

/* util_file_open(name in t_dir, ...) must refuse with a message that
 * names the file and says want and "remove it"; errno is not ENOENT. */
static void
t_refused(const char *name, int flags, const char *want)
{
	char *path = testutil_path(t_dir, name), *err = NULL;
	int fd = -1;

	ck_assert_int_eq(util_file_open(path, flags, 0644, "remove it", &fd,
	    &err), -1);
	ck_assert_int_ne(errno, ENOENT);
	ck_assert_int_eq(fd, -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, path) != NULL, "'%s' names no path", err);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks '%s'", err, want);
	ck_assert_msg(strstr(err, ": remove it") != NULL, "'%s': no fix", err);
	free(err);
	free(path);
}

/* The content of the file name in t_dir, or NULL if there is none. */
static char *
t_read(const char *name)
{
	char *path = testutil_path(t_dir, name), *text;

	text = testutil_read_file(path, NULL);
	free(path);
	return text;
}

START_TEST(test_file_regular)
{
	char *path = testutil_path(t_dir, "f"), *err = NULL, *text;
	struct stat st;
	mode_t old;
	int fd;

	/* O_CREAT makes a new file with mode less the umask. */
	old = umask(022);
	testutil_ok(util_file_open(path, O_WRONLY | O_APPEND | O_CREAT, 0666,
	    NULL, &fd, &err), err, "create");
	umask(old);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(write(fd, "ab\n", 3), 3);
	close(fd);

	/* An existing file: appended to, read, truncated. */
	testutil_ok(util_file_open(path, O_WRONLY | O_APPEND | O_CREAT, 0666,
	    NULL, &fd, &err), err, "append");
	ck_assert_int_eq(write(fd, "cd\n", 3), 3);
	close(fd);
	testutil_ok(util_file_open(path, O_RDONLY, 0, NULL, &fd, &err), err,
	    "read");
	close(fd);
	text = t_read("f");
	ck_assert_str_eq(text, "ab\ncd\n");
	free(text);
	testutil_ok(util_file_open(path, O_WRONLY | O_TRUNC, 0, NULL, &fd,
	    &err), err, "truncate");
	close(fd);
	text = t_read("f");
	ck_assert_str_eq(text, "");
	free(text);
	testutil_ok(util_file_open(path, O_PATH, 0, NULL, &fd, &err), err,
	    "look");
	close(fd);

	/* A missing file without O_CREAT: ENOENT, with a message. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(util_file_open(path, O_RDONLY, 0, NULL, &fd, &err),
	    -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(err, path));
	free(err);
	free(path);
}
END_TEST

START_TEST(test_file_links)
{
	char *target = testutil_path(t_dir, "target");
	char *missing = testutil_path(t_dir, "missing");
	char *lnk = testutil_path(t_dir, "link");
	char *dangling = testutil_path(t_dir, "dangling");
	char *hard = testutil_path(t_dir, "hard"), *text, *err = NULL;
	int fd;

	testutil_write_file(target, "precious\n", 9);
	ck_assert_int_eq(symlink(target, lnk), 0);
	ck_assert_int_eq(symlink(missing, dangling), 0);

	/* A link to an existing file is never followed, in any mode. */
	t_refused("link", O_RDONLY, "is a symbolic link");
	t_refused("link", O_WRONLY | O_APPEND | O_CREAT, "is a symbolic link");
	t_refused("link", O_RDWR | O_CREAT | O_TRUNC, "is a symbolic link");
	t_refused("link", O_PATH, "is a symbolic link");
	text = t_read("target");
	ck_assert_str_eq(text, "precious\n");
	free(text);

	/* A dangling link does not create its target. */
	t_refused("dangling", O_WRONLY | O_CREAT, "is a symbolic link");
	t_refused("dangling", O_RDWR | O_CREAT, "is a symbolic link");
	t_refused("dangling", O_PATH, "is a symbolic link");
	ck_assert_int_eq(access(missing, F_OK), -1);

	/* A hard link is read but not written, nor truncated. */
	ck_assert_int_eq(link(target, hard), 0);
	testutil_ok(util_file_open(hard, O_RDONLY, 0, NULL, &fd, &err), err,
	    "read a hard link");
	close(fd);
	t_refused("hard", O_WRONLY | O_APPEND, "has 2 hard links");
	t_refused("hard", O_WRONLY | O_TRUNC, "has 2 hard links");
	text = t_read("target");
	ck_assert_str_eq(text, "precious\n");
	free(text);

	free(hard);
	free(dangling);
	free(lnk);
	free(missing);
	free(target);
}
END_TEST

START_TEST(test_file_special)
{
	char *fifo = testutil_path(t_dir, "fifo");
	char *dir = testutil_path(t_dir, "dir"), *err = NULL;
	int fd;

	/* A FIFO never blocks, whether opened to read or to write (no
	 * reader: the test would hang before the fix). */
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	t_refused("fifo", O_RDONLY, "is a FIFO, not a regular file");
	t_refused("fifo", O_WRONLY | O_APPEND | O_CREAT, "is a FIFO");
	t_refused("fifo", O_RDWR | O_CREAT, "is a FIFO");
	t_refused("fifo", O_PATH, "is a FIFO");

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	t_refused("dir", O_RDONLY, "is a directory, not a regular file");
	t_refused("dir", O_WRONLY | O_CREAT, "is a directory");
	t_refused("dir", O_PATH, "is a directory");

	ck_assert_int_eq(util_file_open("/dev/null", O_WRONLY | O_APPEND,
	    0644, NULL, &fd, &err), -1);
	ck_assert_str_eq(err, "/dev/null is a character device, not a "
	    "regular file");
	free(err);

	free(dir);
	free(fifo);
}
END_TEST

START_TEST(test_file_temp)
{
	char *path = testutil_path(t_dir, "out.csv"), *tmp1, *tmp2, *err = NULL;
	char *prefix = testutil_path(t_dir, "out.csv.tmp."), *bad;
	struct stat st;
	mode_t old;
	int fd1, fd2;

	old = umask(077);
	testutil_ok(util_file_create_temp(path, 0666, &fd1, &tmp1, &err), err,
	    "temp 1");
	umask(old);
	testutil_ok(util_file_create_temp(path, 0666, &fd2, &tmp2, &err), err,
	    "temp 2");
	ck_assert_str_ne(tmp1, tmp2);
	ck_assert_int_eq(strncmp(tmp1, prefix, strlen(prefix)), 0);
	ck_assert_uint_ge(strlen(tmp1), strlen(prefix) + 12);
	ck_assert_int_eq(fstat(fd1, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(write(fd1, "x", 1), 1);
	ck_assert_int_eq(rename(tmp1, path), 0);
	ck_assert_int_eq(access(path, F_OK), 0);
	close(fd1);
	close(fd2);
	free(tmp1);
	free(tmp2);

	/* A directory that does not exist: the message names path. */
	bad = testutil_path(t_dir, "nodir/out.csv");
	ck_assert_int_eq(util_file_create_temp(bad, 0666, &fd1, &tmp1, &err),
	    -1);
	ck_assert_msg(strstr(err, bad) != NULL && strstr(err, "No such") !=
	    NULL, "%s", err);
	free(err);
	free(bad);
	free(prefix);
	free(path);
}
END_TEST

/* Clean s (of len bytes) with flags and compare with want. */
static void
check_clean(const char *s, size_t len, int flags, const char *want)
{
	struct buf b;

	buf_init(&b);
	util_clean_text(&b, s, len, flags);
	ck_assert_msg(strcmp(b.data, want) == 0, "cleaned '%s', want '%s'",
	    b.data, want);
	buf_free(&b);
}
#define CHECK_CLEAN(s, flags, want) check_clean(s, sizeof(s) - 1, flags, want)

START_TEST(test_clean_text)
{
	/* CSI, OSC 52 ending in BEL and in ST, backspace, CR, DEL, NUL. */
	CHECK_CLEAN("a\033[2Jb", 0, "a?[2Jb");
	CHECK_CLEAN("\033]52;c;aGk=\007x", 0, "?]52;c;aGk=?x");
	CHECK_CLEAN("\033]0;t\033\\", 0, "?]0;t?\\");
	CHECK_CLEAN("ab\b\bc\rd\177e", 0, "ab??c d?e");
	CHECK_CLEAN("a\0b", 0, "a?b");
	/* C1 controls: U+0080..U+009F in UTF-8, and raw bytes (invalid). */
	CHECK_CLEAN("x\302\233y\302\200z\302\237", 0, "x?y?z?");
	CHECK_CLEAN("x\233y\377", 0, "x?y?");
	/* Other UTF-8 stays, or becomes one '?' per character in ASCII. */
	CHECK_CLEAN("caf\303\251 \302\240\360\237\230\200", 0,
	    "caf\303\251 \302\240\360\237\230\200");
	CHECK_CLEAN("caf\303\251 \360\237\230\200!", UTIL_TEXT_ASCII,
	    "caf? ?!");
	/* A cut sequence is one '?' per byte. */
	CHECK_CLEAN("\342\202", 0, "??");
	/* Lines: newline and tab kept only with UTIL_TEXT_LINES. */
	CHECK_CLEAN("a\tb\nc\r\n", 0, "a b c  ");
	CHECK_CLEAN("a\tb\nc\r\n", UTIL_TEXT_LINES, "a\tb\nc \n");
	CHECK_CLEAN("", 0, "");
}
END_TEST

START_TEST(test_utf8_locale)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	char *saved[3];
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		saved[i] = v != NULL ? xstrdup(v) : NULL;
		unsetenv(vars[i]);
	}
	ck_assert(!util_is_utf8_locale());
	setenv("LANG", "en_US.UTF-8", 1);
	ck_assert(util_is_utf8_locale());
	setenv("LC_CTYPE", "C", 1);
	ck_assert(!util_is_utf8_locale());
	setenv("LC_ALL", "C.utf8", 1);
	ck_assert(util_is_utf8_locale());
	setenv("LC_ALL", "", 1);
	ck_assert(!util_is_utf8_locale());
	for (i = 0; i < 3; i++) {
		if (saved[i] != NULL)
			setenv(vars[i], saved[i], 1);
		else
			unsetenv(vars[i]);
		free(saved[i]);
	}
}
END_TEST

Suite *
suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_format_double);
	tcase_add_test(tc, test_parsers);
	tcase_add_test(tc, test_clean_text);
	tcase_add_test(tc, test_utf8_locale);
	suite_add_tcase(s, tc);
	tc = tcase_create("file");
	tcase_add_checked_fixture(tc, t_file_setup, t_file_teardown);
	tcase_add_test(tc, test_file_regular);
	tcase_add_test(tc, test_file_links);
	tcase_add_test(tc, test_file_special);
	tcase_add_test(tc, test_file_temp);
	suite_add_tcase(s, tc);
	return s;
}
