/*
 * campaign.c -- the state of a campaign as users see it, and how the CLI
 * (later the console) reaches its runner.  The notebook says what the
 * runner last wrote (status) and what was asked of it (control); the lock
 * says whether a runner is alive.  A control request is a write to the
 * notebook followed by SIGUSR1 to the runner, which re-reads its row.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <time.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "campaign.h"
#include "lock.h"
#include "proc.h"
#include "util.h"

static const char *const campaign_names[] = {
	"new", "running", "paused", "finished", "cancelled", "stopped",
	"dead", "stalled",
};

/* Bytes at the end of the log searched for a runner's last line. */
#define CAMPAIGN_LOG_TAIL 65536

const char *
campaign_state_name(enum campaign_state s)
{
	return (size_t)s < UTIL_ARRLEN(campaign_names) ? campaign_names[s] :
	    "?";
}

bool
campaign_live(enum campaign_state s)
{
	return s == CAMPAIGN_RUNNING || s == CAMPAIGN_PAUSED ||
	    s == CAMPAIGN_STALLED;
}

enum campaign_state
campaign_state(const char *notebook_path, const struct nb_set *s,
    const struct nb_counts *c)
{
	bool work_left = c->pending > 0 || c->n[NB_RUNNING] > 0;

	if (lock_held(notebook_path, s->id) == 1) {
		if (s->heartbeat > 0 &&
		    util_now() - s->heartbeat > CAMPAIGN_STALL_AFTER)
			return CAMPAIGN_STALLED;
		if (strcmp(s->status, "paused") == 0)
			return CAMPAIGN_PAUSED;
		return CAMPAIGN_RUNNING;
	}
	if (strcmp(s->status, "cancelled") == 0)
		return CAMPAIGN_CANCELLED;
	if (!work_left)
		return CAMPAIGN_FINISHED;
	if (s->locked)
		return CAMPAIGN_STOPPED;
	if (strcmp(s->status, "new") == 0)
		return CAMPAIGN_NEW;
	if (strcmp(s->status, "running") == 0 ||
	    strcmp(s->status, "paused") == 0)
		return CAMPAIGN_DEAD;
	return CAMPAIGN_STOPPED;
}

char *
campaign_log_path(const char *notebook_path)
{
	char *real = realpath(notebook_path, NULL), *path;

	/* The runner's own, however the notebook is named (as lock_path). */
	path = xasprintf("%s.log", real != NULL ? real : notebook_path);
	free(real);
	return path;
}

/* Open the runners' log at path to append to: 0 with *fd, or -1 with
 * *err. */
static int
campaign_open_log(const char *path, int *fd, char **err)
{
	char *why = NULL;

	if (util_file_open(path, O_WRONLY | O_APPEND | O_CREAT, 0644,
	    "remove it (labrat makes a new one)", fd, &why) == 0)
		return 0;
	*err = xasprintf("cannot use the runners' log: %s", why);
	free(why);
	return -1;
}

/* In the grandchild: become the detached runner writing to log, or say
 * why not there. */
static void __attribute__((noreturn))
campaign_exec_runner(const char *self, const char *abs, int log, int ready,
    const char *tag)
{
	int fd;

	signal(SIGHUP, SIG_IGN);
	/* Well above 0-3 first, should the parent have had some of them
	 * closed: 1 and 2 become the log, 3 the ready pipe. */
	if ((log = fcntl(log, F_DUPFD_CLOEXEC, 10)) == -1 ||
	    (ready = fcntl(ready, F_DUPFD_CLOEXEC, 10)) == -1)
		_exit(127);
	if ((fd = open("/dev/null", O_RDONLY)) != -1 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	dup2(log, 1);
	dup2(log, 2);
	dup2(ready, 3);
	close_range(4, ~0U, 0);
	execl(self, "labrat", "-n", abs, "resume", "--wait", "--log",
	    "--ready-fd", "3", "--", tag, (char *)NULL);
	fprintf(stderr, "labrat: cannot start the runner %s: %s\n", self,
	    strerror(errno));
	_exit(127);
}

int
campaign_detach(const char *notebook_path, const char *tag, int *ready,
    char **err)
{
	char self[PATH_MAX], *abs, *log, *why = NULL;
	ssize_t n;
	pid_t pid, got;
	int status = 0, fd, pipefd[2];

	*ready = -1;
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		*err = xasprintf("cannot find the labrat binary: %s",
		    strerror(errno));
		return -1;
	}
	self[n] = '\0';
	if ((abs = realpath(notebook_path, NULL)) == NULL) {
		*err = xasprintf("cannot find %s: %s", notebook_path,
		    strerror(errno));
		return -1;
	}
	/* The log and the lock are opened here, not in the runner, so that
	 * a refused one is reported to the user instead of lost. */
	log = campaign_log_path(abs);
	if (lock_create(abs, &why) != 0 ||
	    campaign_open_log(log, &fd, &why) != 0) {
		*err = xasprintf("cannot start the runner of '%s': %s; then "
		    "run 'labrat resume %s'", tag, why, tag);
		free(why);
		free(abs);
		free(log);
		return CAMPAIGN_REFUSED;
	}
	free(log);
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		*err = xasprintf("cannot start the runner: %s",
		    strerror(errno));
		close(fd);
		free(abs);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		*err = xasprintf("cannot start the runner: %s",
		    strerror(errno));
		close(fd);
		close(pipefd[0]);
		close(pipefd[1]);
		free(abs);
		return -1;
	}
	if (pid == 0) {
		/* A new session, then a second fork so that the runner is
		 * no session leader and never gets a terminal. */
		if (setsid() == -1 || (pid = fork()) == -1)
			_exit(1);
		if (pid > 0)
			_exit(0);
		campaign_exec_runner(self, abs, fd, pipefd[1], tag);
	}
	close(fd);
	close(pipefd[1]);
	free(abs);
	while ((got = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
		;
	if (got == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*err = xasprintf("cannot start the runner: %s", got == -1 ?
		    strerror(errno) : "its fork failed");
		close(pipefd[0]);
		return -1;
	}
	*ready = pipefd[0];
	return 0;
}

bool
campaign_nudge(const char *notebook_path, const struct nb_set *s)
{
	if (s->runner_pid <= 0 || s->runner_start == 0 ||
	    lock_held(notebook_path, s->id) != 1)
		return false;
	return proc_signal((pid_t)s->runner_pid, s->runner_start, "labrat",
	    SIGUSR1) == 0;
}

/* The last line of the log written by the runner of tag, or NULL. */
char *
campaign_log_last(const char *notebook_path, const char *tag)
{
	char *path = campaign_log_path(notebook_path), *buf, *line = NULL;
	char *p, *end, *needle;
	ssize_t n;
	off_t size;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	free(path);
	if (fd == -1)
		return NULL;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0) {
		close(fd);
		return NULL;
	}
	n = size > CAMPAIGN_LOG_TAIL ? CAMPAIGN_LOG_TAIL : size;
	buf = xmalloc((size_t)n + 1);
	n = pread(fd, buf, (size_t)n, size - n);
	close(fd);
	if (n <= 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	/* Lines are "DATE TIME TAG[PID]: MESSAGE". */
	needle = xasprintf(" %s[", tag);
	for (end = buf + n; end > buf && line == NULL; end = p) {
		for (p = end; p > buf && p[-1] != '\n'; p--)
			;
		if (end > p && memmem(p, (size_t)(end - p), needle,
		    strlen(needle)) != NULL)
			line = xstrndup(p, (size_t)(end - p - (end[-1] == '\n')));
		if (p > buf)
			p--;
	}
	free(needle);
	free(buf);
	return line;
}

char *
campaign_reason(const char *notebook_path, const struct nb_set *s,
    enum campaign_state st)
{
	char when[32], *last, *r;
	time_t t = (time_t)s->heartbeat;
	struct tm tm;

	switch (st) {
	case CAMPAIGN_STOPPED:
	case CAMPAIGN_CANCELLED:
		return s->reason != NULL && *s->reason != '\0' ?
		    xstrdup(s->reason) : NULL;
	case CAMPAIGN_STALLED:
		return xasprintf("its runner (pid %" PRId64 ") has not written "
		    "to the notebook for %.0f s: another program may hold the "
		    "notebook's write lock; its jobs go on", s->runner_pid,
		    util_now() - s->heartbeat);
	case CAMPAIGN_DEAD:
		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		last = campaign_log_last(notebook_path, s->tag);
		r = xasprintf("its runner (pid %" PRId64 ") vanished without a "
		    "word after %s (killed?)%s%s; 'labrat resume %s' carries "
		    "on", s->runner_pid, s->heartbeat > 0 ? when : "it started",
		    last != NULL ? "; its log's last line: " : "",
		    last != NULL ? last : "", s->tag);
		free(last);
		return r;
	default:
		return NULL;
	}
}
