/*
 * check_proc.c -- the proc suite: processes named by pid and start time,
 * signals that never reach a process that got a recycled pid, job handles
 * and killing what is left of a job's session.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "proc.h"
#include "testutil.h"
#include "util.h"

START_TEST(test_start_time)
{
	uint64_t t, now = proc_ticks_now();

	ck_assert_int_eq(proc_start_time(getpid(), &t), 0);
	ck_assert_uint_gt(t, 0);
	ck_assert_uint_le(t, now);
	ck_assert_int_eq(proc_start_time(0, &t), -1);
	ck_assert_int_eq(proc_start_time(-1, &t), -1);
	ck_assert_str_ne(proc_boot_id(), "");
}
END_TEST

START_TEST(test_signal_checks_start)
{
	uint64_t t;
	pid_t pid;
	int status, fds[2];
	char c;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		/* Not the harness's handler: the default action. */
		signal(SIGTERM, SIG_DFL);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	close(fds[0]);
	/* Read the start time once it has one (fork returned). */
	ck_assert_int_eq(proc_start_time(pid, &t), 0);
	/* A wrong start time: another process with the same pid. */
	errno = 0;
	ck_assert_int_eq(proc_signal(pid, t + 1, NULL, SIGTERM), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_assert_int_eq(kill(pid, 0), 0);
	/* The right one. */
	/* The right start time, another program. */
	ck_assert_int_eq(proc_signal(pid, t, "no-such-prog", SIGTERM), -1);
	ck_assert_int_eq(kill(pid, 0), 0);
	ck_assert_int_eq(proc_signal(pid, t, NULL, SIGTERM), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	/* Gone. */
	ck_assert_int_eq(proc_signal(pid, t, NULL, SIGTERM), -1);
}
END_TEST

START_TEST(test_handles)
{
	struct proc_job j = { 4242, 123456 }, k;
	char buf[128], *other;
	bool other_boot;

	proc_job_format(&j, buf, sizeof buf);
	ck_assert_int_eq(proc_job_parse(buf, &k, &other_boot), 0);
	ck_assert(!other_boot);
	ck_assert_int_eq(k.sid, 4242);
	ck_assert_uint_eq(k.ticks, 123456);
	ck_assert_int_eq(proc_job_parse("local:nope:1:2", &k, &other_boot),
	    -1);
	ck_assert(other_boot);
	other = xasprintf("local:%s:0:2", proc_boot_id());
	ck_assert_int_eq(proc_job_parse(other, &k, &other_boot), -1);
	free(other);
	other = xasprintf("local:%s:12:x", proc_boot_id());
	ck_assert_int_eq(proc_job_parse(other, &k, &other_boot), -1);
	free(other);
	ck_assert_int_eq(proc_job_parse(NULL, &k, &other_boot), -1);
	ck_assert_int_eq(proc_job_parse("ssh:host:1", &k, &other_boot), -1);
	ck_assert_int_eq(proc_job_parse("", &k, &other_boot), -1);
}
END_TEST

START_TEST(test_kill_session)
{
	struct proc_job j;
	size_t left[2] = { 9, 9 };
	int why = 0, status, fds[2];
	pid_t leader;
	char c;

	/* A session of three processes; another job's session of one is
	 * left alone. */
	ck_assert_int_eq(pipe(fds), 0);
	j.ticks = proc_ticks_now();
	leader = fork();
	ck_assert_int_ne(leader, -1);
	if (leader == 0) {
		close(fds[0]);
		if (setsid() == -1)
			_exit(1);
		if (fork() == 0) {
			close(fds[1]);
			for (;;)
				pause();
		}
		if (fork() == 0) {
			setpgid(0, 0);
			close(fds[1]);
			for (;;)
				pause();
		}
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	close(fds[0]);
	j.sid = leader;
	ck_assert_int_eq(proc_kill_jobs(&j, 1, 5, left, &why), 0);
	ck_assert_uint_eq(left[0], 0);
	ck_assert_int_eq(waitpid(leader, &status, 0), leader);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* A job that started after its session's leader did not: a
	 * recycled session is not the job's. */
	j.sid = getsid(0);
	j.ticks = proc_ticks_now() + 1000000;
	ck_assert_int_eq(proc_kill_jobs(&j, 1, 0, left, &why), 0);
	ck_assert_uint_eq(left[0], 0);
}
END_TEST

Suite *
suite_proc(void)
{
	Suite *s = suite_create("proc");
	TCase *tc = tcase_create("proc");

	tcase_add_test(tc, test_start_time);
	tcase_add_test(tc, test_signal_checks_start);
	tcase_add_test(tc, test_handles);
	tcase_add_test(tc, test_kill_session);
	suite_add_tcase(s, tc);
	return s;
}
