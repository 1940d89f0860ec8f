/*
 * proc.c -- processes identified beyond doubt, read from /proc.  A pid
 * alone names whatever process has it now; pid plus start time names one
 * process for the life of the boot.  Signals go through a pidfd opened
 * before the start time is checked: if the process is still alive when
 * the signal is sent, the pid was not recycled in between, so the check
 * was of the same process.
 *
 * A job of the local lab leads its own session (pool_spawn.c), so what is
 * left of it after its runner died -- the grandchildren of `sh -c`, make,
 * Python's subprocess -- is every process of that session started no
 * earlier than the job, whichever process group it moved to.
 */
#include "config.h"

#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "util.h"

/* One process as /proc/PID/stat shows it. */
struct proc_stat {
	pid_t pid;
	pid_t sid;
	char state;
	uint64_t ticks;
	uint64_t cpu;           /* utime + stime + cutime + cstime, ticks */
	char comm[16];          /* the name of its program (truncated) */
};

/* Read /proc/PID/NAME (its first size - 1 bytes) into buf as a string:
 * 0, or -1 if the process is gone. */
static int
proc_read_file(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

const char *
proc_boot_id(void)
{
	static char id[64];
	static bool done;
	ssize_t n;
	int fd;

	if (done)
		return id;
	done = true;
	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return id;
	n = read(fd, id, sizeof id - 1);
	close(fd);
	if (n < 0)
		n = 0;
	while (n > 0 && !isalnum((unsigned char)id[n - 1]))
		n--;
	id[n] = '\0';
	/* A handle is colon-separated: keep only what a uuid holds. */
	if (strspn(id, "0123456789abcdef-") != (size_t)n)
		id[0] = '\0';
	return id;
}

/* Clock ticks per second of /proc's start times. */
static uint64_t
proc_hz(void)
{
	long hz = sysconf(_SC_CLK_TCK);

	return hz > 0 ? (uint64_t)hz : 100;
}

uint64_t
proc_ticks_now(void)
{
	struct timespec ts;
	uint64_t hz = proc_hz();

	if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * hz +
	    (uint64_t)ts.tv_nsec / (1000000000 / hz);
}

/* Read /proc/PID/stat into *ps: 0, or -1 if the process is gone. */
static int
proc_read_stat(pid_t pid, struct proc_stat *ps)
{
	char buf[1024], *p, *end;
	unsigned long long v;
	int field;

	if (proc_read_file(pid, "stat", buf, sizeof buf) != 0)
		return -1;
	/* The command name may hold spaces and ')': skip to the last. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' ||
	    (end = strchr(buf, '(')) == NULL || end > p)
		return -1;
	memset(ps, 0, sizeof *ps);
	snprintf(ps->comm, sizeof ps->comm, "%.*s", (int)(p - end - 1),
	    end + 1);
	ps->pid = pid;
	ps->state = p[2];
	p += 3;
	/* Fields after the state: 4 ppid, 5 pgrp, 6 session, ... 22
	 * starttime. */
	for (field = 4; field <= 22; field++) {
		while (*p == ' ')
			p++;
		errno = 0;
		v = strtoull(p, &end, 10);
		if (end == p || errno != 0) {
			/* Negative fields (tty_nr's tpgid) parse as signed. */
			if (*p != '-')
				return -1;
			strtoll(p, &end, 10);
		}
		if (field == 6)
			ps->sid = (pid_t)v;
		else if (field >= 14 && field <= 17)
			ps->cpu += v;
		else if (field == 22)
			ps->ticks = v;
		p = end;
	}
	return 0;
}

int
proc_start_time(pid_t pid, uint64_t *ticks)
{
	struct proc_stat ps;

	if (pid <= 0 || proc_read_stat(pid, &ps) != 0)
		return -1;
	*ticks = ps.ticks;
	return 0;
}

int
proc_usage(pid_t pid, uint64_t *cpu_ticks, int64_t *hwm_kb)
{
	struct proc_stat ps;
	char buf[4096], *p;

	if (pid <= 0 || proc_read_stat(pid, &ps) != 0)
		return -1;
	*cpu_ticks = ps.cpu;
	if (hwm_kb == NULL)
		return 0;
	if (proc_read_file(pid, "status", buf, sizeof buf) != 0 ||
	    (p = strstr(buf, "\nVmHWM:")) == NULL)
		return -1;
	*hwm_kb = strtoll(p + 7, NULL, 10);
	return 0;
}

int
proc_signal(pid_t pid, uint64_t ticks, const char *comm, int sig)
{
	struct proc_stat ps;
	int fd, rc;

	if (pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	if ((fd = pidfd_open(pid, 0)) == -1)
		return -1;
	if (proc_read_stat(pid, &ps) != 0 || ps.ticks != ticks ||
	    (comm != NULL && strncmp(ps.comm, comm, sizeof ps.comm - 1) != 0)) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	rc = pidfd_send_signal(fd, sig, NULL, 0);
	close(fd);
	return rc;
}

/* The index in jobs of the job process ps belongs to, or -1. */
static ssize_t
proc_job_of(const struct proc_stat *ps, const struct proc_job *jobs,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ps->sid == jobs[i].sid && ps->ticks >= jobs[i].ticks)
			return (ssize_t)i;
	}
	return -1;
}

/*
 * Scan /proc once: kill every live process of jobs whose session was not
 * recycled.  left[k] is how many of job k were there, *found their sum;
 * *why the errno of a kill that failed.  0, or -1 if /proc cannot be read.
 */
static int
proc_kill_scan(const struct proc_job *jobs, size_t n, bool *recycled,
    size_t *left, size_t *found, int *why)
{
	struct proc_stat *ps = NULL;
	struct dirent *de;
	size_t len = 0, cap = 0, i;
	ssize_t k;
	uint64_t hz = proc_hz();
	DIR *d;
	char *end;
	long pid;

	*found = 0;
	memset(left, 0, n * sizeof *left);
	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		pid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		if (len == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			ps = xreallocarray(ps, cap, sizeof *ps);
		}
		if (proc_read_stat((pid_t)pid, &ps[len]) != 0 ||
		    ps[len].state == 'Z' || ps[len].state == 'X')
			continue;
		if ((k = proc_job_of(&ps[len], jobs, n)) < 0)
			continue;
		/* A live leader that started well after the job is another
		 * session that got the job's recycled id. */
		if (ps[len].pid == jobs[k].sid &&
		    ps[len].ticks > jobs[k].ticks + hz)
			recycled[k] = true;
		len++;
	}
	closedir(d);
	for (i = 0; i < len; i++) {
		k = proc_job_of(&ps[i], jobs, n);
		if (k < 0 || recycled[k])
			continue;
		(*found)++;
		left[k]++;
		if (proc_signal(ps[i].pid, ps[i].ticks, NULL, SIGKILL) != 0 &&
		    errno != ESRCH)
			*why = errno;
	}
	free(ps);
	return 0;
}

int
proc_kill_jobs(const struct proc_job *jobs, size_t n, double grace,
    size_t *left, int *why)
{
	bool *recycled;
	double until = util_monotonic() + grace;
	size_t found = 0;
	int rc = 0, delay = 1;

	*why = 0;
	if (n == 0)
		return 0;
	recycled = xcalloc(n, sizeof *recycled);
	for (;;) {
		if ((rc = proc_kill_scan(jobs, n, recycled, left, &found,
		    why)) != 0)
			break;
		if (found == 0 || util_monotonic() >= until)
			break;
		/* SIGKILL is delivered at once; the dying take a moment. */
		poll(NULL, 0, delay);
		if (delay < 50)
			delay *= 2;
	}
	free(recycled);
	return rc;
}

void
proc_job_format(const struct proc_job *j, char *buf, size_t len)
{
	snprintf(buf, len, "local:%s:%d:%" PRIu64, proc_boot_id(),
	    (int)j->sid, j->ticks);
}

int
proc_job_parse(const char *handle, struct proc_job *j, bool *other_boot)
{
	const char *boot, *p;
	char *end;
	size_t blen;
	long sid;

	*other_boot = false;
	if (handle == NULL || strncmp(handle, "local:", 6) != 0)
		return -1;
	boot = handle + 6;
	if ((p = strchr(boot, ':')) == NULL)
		return -1;
	blen = (size_t)(p - boot);
	sid = strtol(p + 1, &end, 10);
	if (end == p + 1 || *end != ':' || sid <= 0)
		return -1;
	errno = 0;
	j->sid = (pid_t)sid;
	j->ticks = strtoull(end + 1, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	if (blen != strlen(proc_boot_id()) ||
	    strncmp(boot, proc_boot_id(), blen) != 0 || blen == 0) {
		*other_boot = true;
		return -1;
	}
	return 0;
}
