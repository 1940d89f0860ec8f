/*
 * check_pool.c -- the pool suite: real jobs (/bin/sh scripts and standard
 * tools) run through the local pool, checking their ends, captured output,
 * input, environment, limits, process groups and descriptors.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_suites.h"
#include "pool.h"
#include "proc.h"
#include "testutil.h"
#include "util.h"

/* A job's argv and request, kept together so the argv outlives the
 * request's use. */
struct tjob {
	char			*argv[6];
	struct backend_job	 req;
};

/* Prepare j to run script with /bin/sh -c (arg, if any, becomes $1). */
static struct backend_job *
tjob_sh(struct tjob *j, const char *script, const char *arg)
{
	memset(j, 0, sizeof *j);
	j->argv[0] = "/bin/sh";
	j->argv[1] = "-c";
	j->argv[2] = (char *)script;
	if (arg != NULL) {
		j->argv[3] = "sh";
		j->argv[4] = (char *)arg;
	}
	j->req.argv = j->argv;
	return &j->req;
}

/* Wait for the next result of p, failing after 30 seconds. */
static void
wait_result(struct pool *p, struct backend_result *r)
{
	double until = util_monotonic() + 30;

	while (pool_wait(p, 1000, r) == 0)
		ck_assert_msg(util_monotonic() < until, "no job ended in 30 s");
}

/* Run one request on a pool of one engine; r gets its result. */
static void
run_one(const struct backend_job *req, struct backend_result *r)
{
	struct pool *p = pool_new(1, NULL);

	ck_assert_int_eq(pool_start(p, req), 0);
	wait_result(p, r);
	ck_assert_int_eq(pool_busy(p), 0);
	pool_free(p);
}

/* Run script with sh -c on a pool of one engine. */
static void
run_sh(const char *script, struct backend_result *r)
{
	struct tjob j;

	run_one(tjob_sh(&j, script, NULL), r);
}

/* Count this process's open descriptors. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

/* Become (on) or stop being (off) the reaper of orphaned descendants, so
 * that they can be waited for here rather than by init. */
static void
set_subreaper(bool on)
{
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0), 0);
}

/* Reap children (adopted orphans included) until kill(pid, 0) says no
 * such process; false if no child ends for 10 seconds before that.
 * *status gets the wait status when pid itself was reaped. */
static bool
reap_until_gone(pid_t pid, int *status)
{
	struct timespec ts = { 10, 0 };
	sigset_t chld, old;
	bool gone;
	pid_t got;
	int st;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	for (;;) {
		while ((got = waitpid(-1, &st, WNOHANG)) > 0) {
			if (got == pid && status != NULL)
				*status = st;
		}
		gone = kill(pid, 0) == -1 && errno == ESRCH;
		if (gone || sigtimedwait(&chld, NULL, &ts) != SIGCHLD)
			break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return gone;
}

/* Reap adopted orphans until no process of group pgid is left. */
static void
assert_group_gone(pid_t pgid)
{
	ck_assert_msg(reap_until_gone(-pgid, NULL),
	    "group %d still has processes after 10 s", (int)pgid);
}

/* Make a FIFO in dir for a job to write to and open its read end; *path
 * gets its name. */
static int
fifo_open(const char *dir, char **path)
{
	int fd;

	*path = testutil_path(dir, "fifo");
	ck_assert_int_eq(mkfifo(*path, 0600), 0);
	fd = open(*path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Read the process id a job writes into the FIFO, within 10 seconds. */
static pid_t
fifo_read_pid(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[32];
	ssize_t n;
	long pid;

	ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
	n = read(fd, buf, sizeof buf - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	ck_assert_int_gt(pid, 1);
	return pid;
}

START_TEST(test_cores_rule)
{
	static const struct {
		int rule, available, want;
	} t[] = {
		{ 0, 4, 4 },
		{ 0, 1, 1 },
		{ 0, 0, 1 },
		{ 1, 4, 1 },
		{ 3, 4, 3 },
		{ 8, 4, 8 },
		{ 1000000, 2, 1000000 },
		{ INT_MAX, 4, INT_MAX },
		{ -1, 4, 3 },
		{ -3, 4, 1 },
		{ -4, 4, 1 },
		{ -5, 4, 1 },
		{ -1, 1, 1 },
		{ -1000000, 2, 1 },
		{ INT_MIN, 4, 1 },
	};
	cpu_set_t set;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(t); i++) {
		ck_assert_msg(pool_cores_rule(t[i].rule, t[i].available) ==
		    t[i].want, "rule %d of %d cores: %d, want %d", t[i].rule,
		    t[i].available, pool_cores_rule(t[i].rule, t[i].available),
		    t[i].want);
	}
	ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
	ck_assert_int_eq(pool_cores_available(), CPU_COUNT(&set));
	ck_assert_int_ge(pool_cores_available(), 1);
}
END_TEST

START_TEST(test_exit_codes)
{
	static const int codes[] = { 0, 1, 3, 255 };
	struct backend_result r;
	struct tjob j;
	char *script;
	size_t i;
	int tag;

	for (i = 0; i < UTIL_ARRLEN(codes); i++) {
		script = xasprintf("exit %d", codes[i]);
		tjob_sh(&j, script, NULL)->udata = &tag;
		run_one(&j.req, &r);
		ck_assert_int_eq(r.end, BACKEND_EXITED);
		ck_assert_int_eq(r.code, codes[i]);
		ck_assert_ptr_eq(r.udata, &tag);
		ck_assert_int_eq(r.engine, 0);
		ck_assert(r.start > 1e9 && r.start <= r.end_time);
		ck_assert_uint_eq(r.out_len, 0);
		ck_assert_str_eq(r.out, "");
		ck_assert_str_eq(r.err, "");
		backend_result_clear(&r);
		free(script);
	}
}
END_TEST

START_TEST(test_crash)
{
	struct backend_result r;

	run_sh("echo before; kill -SEGV $$; echo after", &r);
	ck_assert_int_eq(r.end, BACKEND_SIGNALED);
	ck_assert_int_eq(r.code, SIGSEGV);
	ck_assert_str_eq(r.out, "before\n");
	backend_result_clear(&r);
}
END_TEST

START_TEST(test_timeout_term)
{
	struct backend_result r;
	struct pool *p = pool_new(2, NULL);
	struct tjob a, b;
	double t0 = util_monotonic();
	int i;

	tjob_sh(&a, "sleep 30", NULL)->timeout = 0.2;
	tjob_sh(&b, "trap 'exit 3' TERM; sleep 30 & wait", NULL)->timeout =
	    0.3;
	ck_assert_int_eq(pool_start(p, &a.req), 0);
	ck_assert_int_eq(pool_start(p, &b.req), 1);
	for (i = 0; i < 2; i++) {
		wait_result(p, &r);
		/* Ended by SIGTERM, or exited because of it. */
		ck_assert_int_eq(r.end, BACKEND_TIMEOUT);
		ck_assert_int_eq(r.code, SIGTERM);
		ck_assert_int_eq(r.engine, i);
		ck_assert_double_ge(r.end_time - r.start, i == 0 ? 0.2 : 0.3);
		backend_result_clear(&r);
	}
	ck_assert_double_lt(util_monotonic() - t0, POOL_KILL_GRACE);
	pool_free(p);
}
END_TEST

START_TEST(test_timeout_kill)
{
	struct backend_result r;
	struct tjob j;

	tjob_sh(&j, "trap '' TERM; sleep 30", NULL)->timeout = 0.1;
	run_one(&j.req, &r);
	ck_assert_int_eq(r.end, BACKEND_TIMEOUT);
	ck_assert_int_eq(r.code, SIGKILL);
	ck_assert_double_ge(r.end_time - r.start, 0.1 + POOL_KILL_GRACE);
	ck_assert_double_lt(r.end_time - r.start, 0.1 + POOL_KILL_GRACE + 5);
	backend_result_clear(&r);
}
END_TEST

START_TEST(test_capture_exact)
{
	struct backend_result r;

	run_sh("printf 'a\\000b\\377\\n'; printf 'e\\001\\000r' >&2", &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_eq(r.code, 0);
	ck_assert_uint_eq(r.out_len, 5);
	ck_assert_mem_eq(r.out, "a\0b\377\n", 6);
	ck_assert(!r.out_truncated);
	ck_assert_uint_eq(r.err_len, 4);
	ck_assert_mem_eq(r.err, "e\001\0r", 5);
	ck_assert(!r.err_truncated);
	backend_result_clear(&r);
}
END_TEST

/*
 * What the capture must hand over of a stream all[0..len), restated on the
 * whole stream: everything if nothing is lost; else the lines wholly in
 * the head (one whose newline was the first byte lost included), then the
 * lines wholly in the tail.
 */
static void
want_capture(const char *all, size_t len, struct buf *want)
{
	size_t h = POOL_OUT_HEAD, s = len - POOL_OUT_TAIL, i;

	buf_reset(want);
	if (len <= (size_t)POOL_OUT_HEAD + POOL_OUT_TAIL) {
		buf_add(want, all, len);
		return;
	}
	if (all[h] == '\n')
		buf_add(want, all, h + 1);
	else {
		for (i = h; i > 0 && all[i - 1] != '\n'; i--)
			;
		buf_add(want, all, i);
	}
	for (i = s; i < len && all[i - 1] != '\n'; i++)
		;
	buf_add(want, all + i, len - i);
}

/* Run a job that prints all[0..len) (written to a file in dir first) and
 * check its capture against want_capture and its cut against cut. */
static void
check_capture(const char *dir, const char *all, size_t len,
    enum output_cut cut)
{
	struct backend_result r;
	struct buf want;
	char *path = testutil_path(dir, "out");
	struct tjob j;

	testutil_write_file(path, all, len);
	buf_init(&want);
	want_capture(all, len, &want);
	run_one(tjob_sh(&j, "cat \"$1\"", path), &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_eq(r.code, 0);
	ck_assert_int_eq(r.out_truncated,
	    len > (size_t)POOL_OUT_HEAD + POOL_OUT_TAIL);
	ck_assert_msg(r.out_cut == cut, "%zu bytes: cut %d, not %d", len,
	    (int)r.out_cut, (int)cut);
	ck_assert_uint_eq(r.out_len, want.len);
	ck_assert_msg(memcmp(r.out, want.data, want.len) == 0 &&
	    r.out[r.out_len] == '\0', "the capture of %zu bytes differs", len);
	backend_result_clear(&r);
	buf_free(&want);
	free(path);
}

START_TEST(test_flood)
{
	struct backend_result r;
	struct rusage ru0, ru1;
	size_t i;
	char *want;

	getrusage(RUSAGE_SELF, &ru0);
	run_sh("yes | head -c 50000000", &r);
	getrusage(RUSAGE_SELF, &ru1);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_eq(r.code, 0);
	ck_assert(r.out_truncated);
	ck_assert_int_eq(r.out_cut, OUTPUT_CUT);
	/* "y\n" repeated: head and tail both end and start lines. */
	ck_assert_uint_eq(r.out_len, POOL_OUT_HEAD + POOL_OUT_TAIL);
	want = xmalloc(r.out_len + 1);
	for (i = 0; i < r.out_len; i++)
		want[i] = i % 2 == 0 ? 'y' : '\n';
	want[r.out_len] = '\0';
	ck_assert(memcmp(r.out, want, r.out_len + 1) == 0);
	free(want);
	/* 50 MB went through; memory grew by a few at most. */
	ck_assert_int_lt(ru1.ru_maxrss - ru0.ru_maxrss, 16 * 1024);
	backend_result_clear(&r);
}
END_TEST

START_TEST(test_truncate_lines)
{
	struct backend_result r;
	struct buf all, want;
	char *zeros;
	int i;

	/* seq's lines are ~2 MB: the head's whole lines, then the tail's. */
	buf_init(&all);
	for (i = 1; i <= 300000; i++)
		buf_printf(&all, "%d\n", i);
	buf_init(&want);
	want_capture(all.data, all.len, &want);
	ck_assert_uint_lt(want.len, POOL_OUT_HEAD + POOL_OUT_TAIL);
	run_sh("seq 1 300000", &r);
	ck_assert(r.out_truncated);
	ck_assert_int_eq(r.out_cut, OUTPUT_CUT);
	ck_assert_uint_eq(r.out_len, want.len);
	ck_assert(memcmp(r.out, want.data, want.len) == 0);
	backend_result_clear(&r);
	buf_free(&all);
	buf_free(&want);

	/* Exactly head + tail bytes: nothing lost, nothing added. */
	run_sh("head -c 1114112 /dev/zero", &r);
	ck_assert_uint_eq(POOL_OUT_HEAD + POOL_OUT_TAIL, 1114112);
	ck_assert(!r.out_truncated);
	ck_assert_int_eq(r.out_cut, OUTPUT_WHOLE);
	ck_assert_uint_eq(r.out_len, POOL_OUT_HEAD + POOL_OUT_TAIL);
	zeros = xcalloc(1, r.out_len + 1);
	ck_assert(memcmp(r.out, zeros, r.out_len + 1) == 0);
	free(zeros);
	backend_result_clear(&r);

	/* One more byte and no newline: one line, cut, so nothing. */
	run_sh("head -c 1114112 /dev/zero; printf x", &r);
	ck_assert(r.out_truncated);
	ck_assert_int_eq(r.out_cut, OUTPUT_CUT_LAST);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_str_eq(r.out, "");
	backend_result_clear(&r);
}
END_TEST

/* Append n copies of c to b. */
static void
add_bytes(struct buf *b, char c, size_t n)
{
	buf_grow(b, n);
	memset(b->data + b->len, c, n);
	b->len += n;
	b->data[b->len] = '\0';
}

START_TEST(test_truncate_cut_lines)
{
	size_t h = POOL_OUT_HEAD, t = POOL_OUT_TAIL, i;
	char *dir = testutil_tempdir();
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	struct buf b;

	buf_init(&b);
	/* The head's bound inside y=123456789, bytes lost after it. */
	add_bytes(&b, 'a', h - 6);
	buf_adds(&b, "\ny=123456789\n");
	for (i = 0; i < 40000; i++)
		buf_adds(&b, "b\n");
	buf_adds(&b, "z=1\n");
	check_capture(dir, b.data, b.len, OUTPUT_CUT);
	/* A line ending at the bound: its newline, the first byte lost,
	 * comes back. */
	buf_reset(&b);
	add_bytes(&b, 'a', h - 4);
	buf_adds(&b, "y=1\n");
	add_bytes(&b, '\n', 2 * t);
	buf_adds(&b, "z=1\n");
	check_capture(dir, b.data, b.len, OUTPUT_CUT);
	/* The tail starting right after a newline: its first line is whole;
	 * and one byte later, cut. */
	buf_reset(&b);
	add_bytes(&b, 'a', h + 98);
	buf_adds(&b, "\nk=1\n");
	add_bytes(&b, 'c', t - 4);
	check_capture(dir, b.data, b.len, OUTPUT_CUT);
	ck_assert_ptr_nonnull(strstr(b.data + b.len - t, "k=1"));
	buf_adds(&b, "\n");
	check_capture(dir, b.data, b.len, OUTPUT_CUT);
	/* A last JSON line longer than the tail, starting in lost bytes; one
	 * of 2 MB starting in the head; one lost just before the tail; one
	 * whose newline is the tail's first byte. */
	buf_reset(&b);
	for (i = 0; i < 300000; i++)
		buf_adds(&b, "log\n");
	buf_adds(&b, "{\"a\": \"");
	add_bytes(&b, 'x', t + 10);
	buf_adds(&b, "\"}\n\n \r\n");
	check_capture(dir, b.data, b.len, OUTPUT_CUT_JSON);
	buf_reset(&b);
	buf_adds(&b, "k=1\n  {\"a\": \"");
	add_bytes(&b, 'x', 2 * h);
	buf_adds(&b, "\"}");
	check_capture(dir, b.data, b.len, OUTPUT_CUT_JSON);
	buf_reset(&b);
	add_bytes(&b, '\n', h + 10);
	buf_adds(&b, "{\"a\": 1}\n");
	add_bytes(&b, ' ', t - 1);
	check_capture(dir, b.data, b.len, OUTPUT_CUT_JSON);
	buf_reset(&b);
	add_bytes(&b, '\n', h + 10);
	buf_adds(&b, "{\"a\": 1}");
	add_bytes(&b, '\n', t);
	check_capture(dir, b.data, b.len, OUTPUT_CUT_JSON);
	/* A JSON line whole in the head, then only blank lines. */
	buf_reset(&b);
	buf_adds(&b, "{\"a\": 1}\n");
	add_bytes(&b, '\n', 2 * h);
	check_capture(dir, b.data, b.len, OUTPUT_CUT);
	/* No newline at all, NUL bytes. */
	buf_reset(&b);
	add_bytes(&b, '\0', 2 * h);
	check_capture(dir, b.data, b.len, OUTPUT_CUT_LAST);
	/* Random bytes and newlines around every size of loss. */
	for (i = 0; i < 6; i++) {
		size_t n = h + t + (i < 3 ? i : i * 40000), k;

		buf_reset(&b);
		for (k = 0; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf_addc(&b, x % 5 == 0 ? '\n' : (char)(x >> 32));
		}
		buf_adds(&b, "\nend=1\n");
		check_capture(dir, b.data, b.len, OUTPUT_CUT);
	}
	buf_free(&b);
	testutil_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_stderr_tail)
{
	struct backend_result r;
	struct buf all;
	int i;

	buf_init(&all);
	for (i = 1; i <= 5000; i++)
		buf_printf(&all, "%d\n", i);
	run_sh("echo out; seq 1 5000 >&2; exit 2", &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(r.out, "out\n");
	ck_assert(r.err_truncated);
	ck_assert_uint_eq(r.err_len, POOL_ERR_TAIL);
	ck_assert(memcmp(r.err, all.data + all.len - POOL_ERR_TAIL,
	    POOL_ERR_TAIL) == 0);
	backend_result_clear(&r);
	buf_free(&all);

	run_sh("head -c 4096 /dev/zero >&2", &r);
	ck_assert(!r.err_truncated);
	ck_assert_uint_eq(r.err_len, POOL_ERR_TAIL);
	backend_result_clear(&r);
}
END_TEST

START_TEST(test_stdin)
{
	struct backend_result r;
	struct tjob j;
	char *dir, *path, *script, *input, *got;
	size_t len = 3 * 1024 * 1024 + 7, got_len, i;
	uint32_t x = 12345;

	input = xmalloc(len);
	for (i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		input[i] = x >> 24;
	}
	dir = testutil_tempdir();
	path = testutil_path(dir, "in");

	/* Byte for byte, more than any pipe holds. */
	script = xasprintf("cat > '%s'", path);
	tjob_sh(&j, script, NULL);
	j.req.input = input;
	j.req.input_len = len;
	run_one(&j.req, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_eq(r.code, 0);
	backend_result_clear(&r);
	got = testutil_read_file(path, &got_len);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(got_len, len);
	ck_assert(memcmp(got, input, len) == 0);
	free(got);
	free(script);

	/* A job that reads none of it, or only some, still ends. */
	tjob_sh(&j, "exit 0", NULL);
	j.req.input = input;
	j.req.input_len = len;
	run_one(&j.req, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_eq(r.code, 0);
	backend_result_clear(&r);
	tjob_sh(&j, "head -c 10", NULL);
	j.req.input = input;
	j.req.input_len = len;
	run_one(&j.req, &r);
	ck_assert_uint_eq(r.out_len, 10);
	ck_assert(memcmp(r.out, input, 10) == 0);
	backend_result_clear(&r);

	/* No input: EOF at once. */
	run_sh("wc -c", &r);
	ck_assert_str_eq(r.out, "0\n");
	backend_result_clear(&r);

	free(input);
	free(path);
	testutil_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_env)
{
	static char *env[] = {
		"LABRAT_POOL_NEW=new value",
		"LABRAT_POOL_REPLACE=new",
		"LABRAT_POOL_TWICE=first",
		"LABRAT_POOL_TWICE=second",
		NULL
	};
	static char *argv[] = { "printf", "%s|", "via PATH", NULL };
	struct backend_job req;
	struct backend_result r;
	struct tjob j;

	ck_assert_int_eq(setenv("LABRAT_POOL_INHERIT", "yes", 1), 0);
	ck_assert_int_eq(setenv("LABRAT_POOL_REPLACE", "old", 1), 0);
	tjob_sh(&j, "printf '%s|%s|%s|%s|' \"$LABRAT_POOL_INHERIT\" "
	    "\"$LABRAT_POOL_NEW\" \"$LABRAT_POOL_REPLACE\" "
	    "\"$LABRAT_POOL_TWICE\"; env | grep -c '^LABRAT_POOL_'", NULL);
	j.req.env = env;
	run_one(&j.req, &r);
	ck_assert_str_eq(r.out, "yes|new value|new|second|4\n");
	backend_result_clear(&r);

	/* argv[0] without a slash is looked up in PATH. */
	memset(&req, 0, sizeof req);
	req.argv = argv;
	run_one(&req, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_str_eq(r.out, "via PATH|");
	backend_result_clear(&r);
	unsetenv("LABRAT_POOL_INHERIT");
	unsetenv("LABRAT_POOL_REPLACE");
}
END_TEST

START_TEST(test_spawn_failed)
{
	static char *missing[] = { "labrat-no-such-command", NULL };
	static char *absent[] = { "/nonexistent/labrat/cmd", NULL };
	char *noexec[] = { NULL, NULL }, *garbage[] = { NULL, NULL };
	char *searched[] = { "labrat-noexec", NULL }, *env[] = { NULL, NULL };
	struct backend_job req;
	struct backend_result r;
	struct pool *p;
	char *dir;
	int tag;

	dir = testutil_tempdir();
	noexec[0] = testutil_path(dir, "labrat-noexec");
	testutil_write_file(noexec[0], "#!/bin/sh\n", 10);
	ck_assert_int_eq(chmod(noexec[0], 0644), 0);
	garbage[0] = testutil_path(dir, "garbage");
	testutil_write_file(garbage[0], "\001\002 not a program\n", 18);
	ck_assert_int_eq(chmod(garbage[0], 0755), 0);
	env[0] = xasprintf("PATH=%s", dir);

	memset(&req, 0, sizeof req);
	req.udata = &tag;
	req.argv = missing;
	p = pool_new(1, NULL);
	ck_assert_int_eq(pool_start(p, &req), 0);
	ck_assert_int_eq(pool_busy(p), 1);
	ck_assert_int_eq(pool_start(p, &req), -1);
	ck_assert_int_eq(pool_wait(p, 0, &r), 1);
	ck_assert_int_eq(r.end, BACKEND_SPAWN_FAILED);
	ck_assert_int_eq(r.code, ENOENT);
	ck_assert_ptr_eq(r.udata, &tag);
	ck_assert_int_eq(r.engine, 0);
	ck_assert_str_eq(r.out, "");
	ck_assert_int_eq(pool_busy(p), 0);
	backend_result_clear(&r);
	pool_free(p);

	req.argv = absent;
	run_one(&req, &r);
	ck_assert_int_eq(r.end, BACKEND_SPAWN_FAILED);
	ck_assert_int_eq(r.code, ENOENT);
	backend_result_clear(&r);

	req.argv = noexec;
	run_one(&req, &r);
	ck_assert_int_eq(r.end, BACKEND_SPAWN_FAILED);
	ck_assert_int_eq(r.code, EACCES);
	backend_result_clear(&r);

	/* Found in PATH but not executable: EACCES, as execvp says. */
	req.argv = searched;
	req.env = env;
	run_one(&req, &r);
	ck_assert_int_eq(r.end, BACKEND_SPAWN_FAILED);
	ck_assert_int_eq(r.code, EACCES);
	backend_result_clear(&r);
	req.env = NULL;

	/* Never handed to a shell. */
	req.argv = garbage;
	run_one(&req, &r);
	ck_assert_int_eq(r.end, BACKEND_SPAWN_FAILED);
	ck_assert_int_eq(r.code, ENOEXEC);
	backend_result_clear(&r);

	free(noexec[0]);
	free(garbage[0]);
	free(env[0]);
	testutil_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_mem_limit)
{
	struct backend_result r;
	struct tjob j;
	const char *dd = "dd if=/dev/zero of=/dev/null bs=200M count=1";

	/* dd needs a 200 MB buffer: refused under 100 MB of address
	 * space, fine without a limit. */
	tjob_sh(&j, dd, NULL)->mem_limit = 100 * 1024 * 1024;
	run_one(&j.req, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_ne(r.code, 0);
	ck_assert_ptr_nonnull(strstr(r.err, "memory exhausted"));
	backend_result_clear(&r);

	tjob_sh(&j, dd, NULL);
	run_one(&j.req, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_eq(r.code, 0);
	backend_result_clear(&r);
}
END_TEST

START_TEST(test_slots)
{
	struct backend_result r;
	struct tjob j[20];
	struct pool *p;
	char *dir, *script, *path, *s, num[16];
	int i, started = 0, ended = 0, most = 0, e, seen[3] = { 0 };

	dir = testutil_tempdir();
	script = xasprintf("cd '%s' && touch run/$1 && "
	    "ls run | wc -l > n/$1 && sleep 0.1 && rm run/$1", dir);
	path = testutil_path(dir, "run");
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	path = testutil_path(dir, "n");
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	p = pool_new(3, NULL);
	ck_assert_int_eq(pool_slots(p), 3);
	while (ended < 20) {
		while (started < 20 && pool_busy(p) < 3) {
			snprintf(num, sizeof num, "%d", started);
			tjob_sh(&j[started], script, xstrdup(num));
			e = pool_start(p, &j[started].req);
			ck_assert(e >= 0 && e < 3);
			started++;
		}
		ck_assert_int_eq(pool_busy(p), started - ended);
		if (pool_busy(p) == 3)
			ck_assert_int_eq(pool_start(p, &j[0].req), -1);
		wait_result(p, &r);
		ck_assert_int_eq(r.end, BACKEND_EXITED);
		ck_assert_int_eq(r.code, 0);
		seen[r.engine]++;
		backend_result_clear(&r);
		ended++;
	}
	pool_free(p);
	for (i = 0; i < 20; i++) {
		free(j[i].argv[4]);
		path = xasprintf("%s/n/%d", dir, i);
		s = testutil_read_file(path, NULL);
		ck_assert_ptr_nonnull(s);
		if (atoi(s) > most)
			most = atoi(s);
		free(s);
		free(path);
	}
	ck_assert_int_eq(most, 3);
	ck_assert(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
	free(script);
	testutil_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_engines)
{
	struct backend_result r;
	struct pool *p = pool_new(3, NULL);
	struct tjob a, b, c;
	int ends = 0;

	tjob_sh(&a, "sleep 30", NULL);
	tjob_sh(&b, "read x; exit 4", NULL);
	b.req.input = "go\n";
	b.req.input_len = 3;
	tjob_sh(&c, "sleep 30", NULL);
	ck_assert_int_eq(pool_start(p, &a.req), 0);
	ck_assert_int_eq(pool_start(p, &b.req), 1);
	ck_assert_int_eq(pool_start(p, &c.req), 2);
	ck_assert_int_eq(pool_start(p, &c.req), -1);
	ck_assert_int_eq(pool_busy(p), 3);
	wait_result(p, &r);
	ck_assert_int_eq(r.engine, 1);
	ck_assert_int_eq(r.code, 4);
	backend_result_clear(&r);
	/* The lowest free engine is taken again. */
	ck_assert_int_eq(pool_start(p, &a.req), 1);

	pool_signal_all(p, SIGUSR1);
	while (ends < 3) {
		wait_result(p, &r);
		ck_assert_int_eq(r.end, BACKEND_SIGNALED);
		ck_assert_int_eq(r.code, SIGUSR1);
		backend_result_clear(&r);
		ends++;
	}
	ck_assert_int_eq(pool_busy(p), 0);
	ck_assert_int_eq(pool_wait(p, -1, &r), 0);
	pool_free(p);
}
END_TEST

START_TEST(test_free_kills_group)
{
	struct pool *p;
	struct tjob j;
	char *dir, *fifo, *script;
	double t0;
	pid_t pgid;
	int fd;

	set_subreaper(true);
	dir = testutil_tempdir();
	fd = fifo_open(dir, &fifo);
	/* Children of the job, one deaf to SIGTERM. */
	script = xasprintf("sleep 1000 & sleep 1000 & "
	    "(trap '' TERM; sleep 1000) & echo $$ > '%s'; wait", fifo);
	p = pool_new(2, NULL);
	ck_assert_int_eq(pool_start(p, tjob_sh(&j, script, NULL)), 0);
	pgid = fifo_read_pid(fd);
	ck_assert_int_eq(kill(-pgid, 0), 0);
	t0 = util_monotonic();
	pool_free(p);
	/* The job's shell died of SIGTERM: no grace spent waiting. */
	ck_assert_double_lt(util_monotonic() - t0, POOL_KILL_GRACE);
	assert_group_gone(pgid);
	set_subreaper(false);
	close(fd);
	free(script);
	free(fifo);
	testutil_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_grandchildren)
{
	struct backend_result r;
	pid_t pid, pgid;
	int status = 0;

	set_subreaper(true);

	/* A daemon (own session) holding stdout does not hold the job. */
	run_sh("setsid sleep 1000 & echo $!", &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_double_lt(r.end_time - r.start, 10);
	pid = strtol(r.out, NULL, 10);
	backend_result_clear(&r);
	ck_assert_int_gt(pid, 1);
	ck_assert_int_eq(kill(pid, 0), 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert(reap_until_gone(pid, &status));
	ck_assert(WIFSIGNALED(status));

	/* A background child in the group: killed with the group. */
	run_sh("sleep 1000 & echo $$", &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_double_lt(r.end_time - r.start, 10);
	pgid = strtol(r.out, NULL, 10);
	backend_result_clear(&r);
	ck_assert_int_gt(pgid, 1);
	assert_group_gone(pgid);
	set_subreaper(false);
}
END_TEST

START_TEST(test_fresh_process)
{
	struct backend_result r;
	sigset_t usr1, old;
	void (*pipe_was)(int);
	char *script;
	int fd;

	/* Neither the runner's ignored signals nor its mask are inherited. */
	pipe_was = signal(SIGPIPE, SIG_IGN);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	run_sh("kill -PIPE $$; exit 0", &r);
	ck_assert_int_eq(r.end, BACKEND_SIGNALED);
	ck_assert_int_eq(r.code, SIGPIPE);
	backend_result_clear(&r);
	run_sh("kill -USR1 $$; exit 0", &r);
	ck_assert_int_eq(r.end, BACKEND_SIGNALED);
	ck_assert_int_eq(r.code, SIGUSR1);
	backend_result_clear(&r);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGPIPE, pipe_was);

	/* Nor its descriptors, close-on-exec or not. */
	fd = dup(STDERR_FILENO);
	ck_assert_int_ge(fd, 3);
	script = xasprintf("for f in 0 1 2 %d; do "
	    "[ -e /proc/$$/fd/$f ] && printf '%%s ' $f; done", fd);
	run_sh(script, &r);
	ck_assert_str_eq(r.out, "0 1 2 ");
	backend_result_clear(&r);
	free(script);
	close(fd);
}
END_TEST

START_TEST(test_runner_killed)
{
	struct backend_job *req;
	struct backend_result r;
	struct pool *p;
	struct tjob j;
	char *dir, *fifo, *script;
	pid_t runner, job;
	int fd, status = 0;

	set_subreaper(true);
	dir = testutil_tempdir();
	fd = fifo_open(dir, &fifo);
	script = xasprintf("echo $$ > '%s'; exec sleep 1000", fifo);

	/* A runner with one job, killed with SIGKILL. */
	runner = fork();
	ck_assert_int_ne(runner, -1);
	if (runner == 0) {
		p = pool_new(1, NULL);
		req = tjob_sh(&j, script, NULL);
		if (pool_start(p, req) != 0)
			_exit(1);
		for (;;)
			pool_wait(p, -1, &r);
	}
	job = fifo_read_pid(fd);
	ck_assert_int_eq(kill(runner, SIGKILL), 0);

	/* The job goes with it (it is reaped here, as the subreaper). */
	ck_assert(reap_until_gone(job, &status));
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGKILL);
	set_subreaper(false);

	close(fd);
	free(script);
	free(fifo);
	testutil_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_rusage)
{
	struct backend_result r;
	struct tjob j;
	char *script;

	run_sh("dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null", &r);
	ck_assert_int_eq(r.code, 0);
	ck_assert_int_ge(r.maxrss_kb, 60 * 1024);
	backend_result_clear(&r);

	/* Burn 0.2 s of CPU by the job's own clock, whatever the load. */
	script = xasprintf("while :; do read -r l < /proc/$$/stat; "
	    "set -- ${l##*) }; [ $((${12} + ${13})) -ge %ld ] && break; done",
	    sysconf(_SC_CLK_TCK) / 5);
	run_one(tjob_sh(&j, script, NULL), &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_eq(r.code, 0);
	ck_assert_double_gt(r.cpu_user + r.cpu_sys, 0.1);
	ck_assert_double_lt(r.cpu_user + r.cpu_sys,
	    r.end_time - r.start + 0.1);
	ck_assert_int_gt(r.maxrss_kb, 0);
	backend_result_clear(&r);
	free(script);
}
END_TEST

START_TEST(test_fd_leaks)
{
	static char *missing[] = { "labrat-no-such-command", NULL };
	struct backend_result r;
	struct pool *p;
	struct tjob j;
	int before, i, started = 0, ended = 0;

	before = count_fds();
	p = pool_new(2, NULL);
	while (ended < 200) {
		while (started < 200 && pool_busy(p) < 2) {
			switch (started % 4) {
			case 0:
				tjob_sh(&j, "", NULL);
				j.req.argv = missing;
				break;
			case 1:
				tjob_sh(&j, "cat", NULL);
				j.req.input = "input\n";
				j.req.input_len = 6;
				break;
			case 2:
				tjob_sh(&j, "echo err >&2; exit 1", NULL)
				    ->timeout = 10;
				break;
			default:
				tjob_sh(&j, "true", NULL);
				break;
			}
			ck_assert_int_ge(pool_start(p, &j.req), 0);
			started++;
		}
		wait_result(p, &r);
		backend_result_clear(&r);
		ended++;
	}
	/* The pool keeps one descriptor (/dev/null) between jobs. */
	i = count_fds();
	ck_assert_int_le(i, before + 1);
	pool_free(p);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

START_TEST(test_wakeup)
{
	struct backend_result r;
	struct pool *p = pool_new(1, NULL);
	struct tjob j;
	double t0;
	int fds[2];

	/* Nothing running: at once, even without a time limit. */
	ck_assert_int_eq(pool_wait(p, -1, &r), 0);

	ck_assert_int_eq(pipe(fds), 0);
	pool_set_wakeup_fd(p, fds[0]);
	ck_assert_int_eq(pool_start(p, tjob_sh(&j, "sleep 30", NULL)), 0);
	t0 = util_monotonic();
	ck_assert_int_eq(pool_wait(p, 50, &r), 0);
	ck_assert_double_ge(util_monotonic() - t0, 0.05);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	t0 = util_monotonic();
	ck_assert_int_eq(pool_wait(p, -1, &r), 0);
	ck_assert_double_lt(util_monotonic() - t0, 5);
	ck_assert_int_eq(pool_busy(p), 1);
	pool_free(p);
	close(fds[0]);
	close(fds[1]);
}
END_TEST


/* True if process pid exists and is not a zombie. */
static bool
alive(pid_t pid)
{
	char path[64], *st;
	const char *p;
	bool live;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((st = testutil_read_file(path, NULL)) == NULL)
		return false;
	p = strstr(st, "State:");
	live = p != NULL && strchr("ZX", p[7]) == NULL;
	free(st);
	return live;
}

START_TEST(test_session_handle)
{
	struct backend_job *req;
	struct backend_result r;
	struct pool *p;
	struct tjob j;
	char handle[POOL_HANDLE_MAX], *want;
	int engine;

	/* Each job leads a session of its own; its handle names it. */
	p = pool_new(1, NULL);
	req = tjob_sh(&j, "echo $$ $(ps -o sid= -p $$)", NULL);
	engine = pool_start(p, req);
	ck_assert_int_eq(engine, 0);
	pool_handle(p, engine, handle, sizeof handle);
	wait_result(p, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	want = xasprintf("local:%s:", proc_boot_id());
	ck_assert_msg(strncmp(handle, want, strlen(want)) == 0, "%s", handle);
	free(want);
	{
		long pid = 0, sid = -1;

		ck_assert_int_eq(sscanf(r.out, "%ld %ld", &pid, &sid), 2);
		ck_assert_int_eq(pid, sid);
		want = xasprintf(":%ld:", pid);
		ck_assert_msg(strstr(handle, want) != NULL, "%s", handle);
		free(want);
	}
	backend_result_clear(&r);
	pool_free(p);
}
END_TEST

START_TEST(test_reclaim)
{
	struct backend_job *req;
	struct backend_result r;
	struct pool *p;
	struct tjob j;
	char *dir, *fifo, *script, handle[POOL_HANDLE_MAX], *why = NULL;
	char *err = NULL;
	const char *handles[3];
	pid_t runner, kids[3];
	bool gone[3];
	int fd, hp[2], i, status;
	ssize_t n;

	/* A runner whose job leaves grandchildren, one in a process group
	 * of its own, is killed with SIGKILL: its job's own process dies
	 * with it, the grandchildren live on. */
	set_subreaper(true);
	dir = testutil_tempdir();
	fd = fifo_open(dir, &fifo);
	script = xasprintf("sleep 1000 & a=$!; "
	    "perl -e 'setpgrp(0, 0); sleep 1000' & b=$!; "
	    "echo $$ $a $b > '%s'; wait", fifo);
	ck_assert_int_eq(pipe(hp), 0);
	runner = fork();
	ck_assert_int_ne(runner, -1);
	if (runner == 0) {
		p = pool_new(1, NULL);
		req = tjob_sh(&j, script, NULL);
		if (pool_start(p, req) != 0)
			_exit(1);
		pool_handle(p, 0, handle, sizeof handle);
		if (write(hp[1], handle, strlen(handle) + 1) < 0)
			_exit(1);
		for (;;)
			pool_wait(p, -1, &r);
	}
	close(hp[1]);
	{
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char buf[128];
		long a, b, c;

		ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
		n = read(fd, buf, sizeof buf - 1);
		ck_assert_int_gt(n, 0);
		buf[n] = '\0';
		ck_assert_int_eq(sscanf(buf, "%ld %ld %ld", &a, &b, &c), 3);
		kids[0] = (pid_t)a;
		kids[1] = (pid_t)b;
		kids[2] = (pid_t)c;
	}
	n = read(hp[0], handle, sizeof handle);
	ck_assert_int_gt(n, 0);
	close(hp[0]);
	ck_assert_int_eq(kill(runner, SIGKILL), 0);
	ck_assert(reap_until_gone(kids[0], &status));
	ck_assert(alive(kids[1]));
	ck_assert(alive(kids[2]));

	/* A later runner asks what is left, and it is killed. */
	handles[0] = handle;
	handles[1] = NULL;                       /* an older labrat's row */
	handles[2] = "local:another-boot:123:4"; /* before a reboot */
	gone[0] = gone[1] = gone[2] = false;
	testutil_ok(pool_reclaim(handles, 3, gone, &why, &err), err,
	    "reclaim");
	ck_assert(gone[0] && gone[1] && gone[2]);
	ck_assert_ptr_null(why);
	for (i = 1; i < 3; i++)
		ck_assert_msg(!alive(kids[i]), "grandchild %d survived",
		    (int)kids[i]);
	/* Nothing left: asking again finds nothing. */
	testutil_ok(pool_reclaim(handles, 1, gone, &why, &err), err,
	    "reclaim again");
	ck_assert(gone[0]);
	reap_until_gone(kids[2], &status);
	set_subreaper(false);
	close(fd);
	free(script);
	free(fifo);
	testutil_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_sigchld_ignored)
{
	struct backend_result r;
	struct pool *p;
	struct tjob j;

	/* Inherited SIG_IGN: the pool restores what wait4 needs. */
	signal(SIGCHLD, SIG_IGN);
	p = pool_new(1, NULL);
	ck_assert_int_eq(pool_start(p, tjob_sh(&j, "exit 3", NULL)), 0);
	wait_result(p, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_eq(r.code, 3);
	backend_result_clear(&r);
	/* Ignored behind the pool's back: the status is lost (or, if the
	 * job was reaped before its pidfd was opened, it never properly
	 * started): a failure either way, never an exit status of 0. */
	signal(SIGCHLD, SIG_IGN);
	ck_assert_int_eq(pool_start(p, tjob_sh(&j, "exit 0", NULL)), 0);
	wait_result(p, &r);
	ck_assert_msg(r.end == BACKEND_LOST || r.end == BACKEND_SPAWN_FAILED,
	    "end %d", (int)r.end);
	ck_assert_int_eq(r.code, r.end == BACKEND_LOST ? ECHILD : ESRCH);
	backend_result_clear(&r);
	signal(SIGCHLD, SIG_DFL);
	pool_free(p);
}
END_TEST

START_TEST(test_shortage)
{
	struct backend_result r;
	struct rlimit rl, low;
	struct pool *p;
	struct tjob j;

	/* Out of descriptors: nothing starts, and it is not the job's
	 * failure (no result); once there are some, it starts. */
	p = pool_new(2, NULL);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = (rlim_t)count_fds();
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	errno = 0;
	ck_assert_int_eq(pool_start(p, tjob_sh(&j, "exit 0", NULL)), -1);
	ck_assert_int_eq(errno, EMFILE);
	ck_assert_int_eq(pool_busy(p), 0);
	ck_assert_int_eq(pool_wait(p, 0, &r), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_int_eq(pool_start(p, tjob_sh(&j, "exit 0", NULL)), 0);
	wait_result(p, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	backend_result_clear(&r);
	/* No engine free is another answer. */
	ck_assert_int_ge(pool_start(p, tjob_sh(&j, "sleep 5", NULL)), 0);
	ck_assert_int_ge(pool_start(p, tjob_sh(&j, "sleep 5", NULL)), 0);
	errno = 0;
	ck_assert_int_eq(pool_start(p, tjob_sh(&j, "exit 0", NULL)), -1);
	ck_assert_int_eq(errno, EBUSY);
	pool_free(p);
}
END_TEST

START_TEST(test_fd_cap)
{
	pid_t pid;
	int status;

	/* In a child: the pool holds no more engines than its limit on
	 * open files allows, says so, and jobs get the limit back. */
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		struct rlimit rl = { 100, 100 };
		struct backend_result r;
		struct pool *p;
		struct tjob j;

		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			_exit(10);
		p = pool_new(500, NULL);
		if (pool_slots(p) < 1 || pool_slots(p) > 12)
			_exit(11);
		if (pool_capped_by(p) != 100)
			_exit(12);
		if (pool_start(p, tjob_sh(&j, "ulimit -n", NULL)) < 0)
			_exit(13);
		while (pool_wait(p, 1000, &r) != 1)
			;
		if (r.end != BACKEND_EXITED || strcmp(r.out, "100\n") != 0)
			_exit(14);
		backend_result_clear(&r);
		pool_free(p);
		p = pool_new(2, NULL);
		if (pool_slots(p) != 2 || pool_capped_by(p) != 0)
			_exit(15);
		pool_free(p);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

Suite *
suite_pool(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cores_rule);
	tcase_add_test(tc, test_exit_codes);
	tcase_add_test(tc, test_crash);
	tcase_add_test(tc, test_timeout_term);
	tcase_add_test(tc, test_timeout_kill);
	tcase_add_test(tc, test_capture_exact);
	tcase_add_test(tc, test_flood);
	tcase_add_test(tc, test_truncate_lines);
	tcase_add_test(tc, test_truncate_cut_lines);
	tcase_add_test(tc, test_stderr_tail);
	tcase_add_test(tc, test_stdin);
	tcase_add_test(tc, test_env);
	tcase_add_test(tc, test_spawn_failed);
	tcase_add_test(tc, test_mem_limit);
	tcase_add_test(tc, test_slots);
	tcase_add_test(tc, test_engines);
	tcase_add_test(tc, test_free_kills_group);
	tcase_add_test(tc, test_grandchildren);
	tcase_add_test(tc, test_fresh_process);
	tcase_add_test(tc, test_runner_killed);
	tcase_add_test(tc, test_rusage);
	tcase_add_test(tc, test_fd_leaks);
	tcase_add_test(tc, test_wakeup);
	tcase_add_test(tc, test_session_handle);
	tcase_add_test(tc, test_reclaim);
	tcase_add_test(tc, test_sigchld_ignored);
	tcase_add_test(tc, test_shortage);
	tcase_add_test(tc, test_fd_cap);
	suite_add_tcase(s, tc);
	return s;
}
