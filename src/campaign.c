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
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "campaign.h"
#include "lock.h"
#include "util.h"

static const char *const campaign_names[] = {
	"new", "running", "paused", "finished", "cancelled", "stopped",
	"dead",
};

const char *
campaign_state_name(enum campaign_state s)
{
	return (size_t)s < UTIL_ARRLEN(campaign_names) ? campaign_names[s] :
	    "?";
}

enum campaign_state
campaign_state(const char *notebook_path, const struct nb_set *s,
    const struct nb_counts *c)
{
	bool work_left = c->pending > 0 || c->n[NB_RUNNING] > 0;

	if (lock_held(notebook_path, s->id) == 1) {
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
campaign_exec_runner(const char *self, const char *abs, int log,
    const char *tag)
{
	int fd;

	signal(SIGHUP, SIG_IGN);
	/* Out of 0-2 first, should the parent have had one of them closed. */
	if (log <= 2 && (log = fcntl(log, F_DUPFD_CLOEXEC, 3)) == -1)
		_exit(127);
	if ((fd = open("/dev/null", O_RDONLY)) != -1 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	dup2(log, 1);
	dup2(log, 2);
	close_range(3, ~0U, 0);
	execl(self, "labrat", "-n", abs, "resume", "--wait", "--log", "--",
	    tag, (char *)NULL);
	fprintf(stderr, "labrat: cannot start the runner %s: %s\n", self,
	    strerror(errno));
	_exit(127);
}

int
campaign_detach(const char *notebook_path, const char *tag, char **err)
{
	char self[PATH_MAX], *abs, *log, *why = NULL;
	ssize_t n;
	pid_t pid;
	int status, fd;

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
		return -1;
	}
	free(log);
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		*err = xasprintf("cannot start the runner: %s",
		    strerror(errno));
		close(fd);
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
		campaign_exec_runner(self, abs, fd, tag);
	}
	close(fd);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	free(abs);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*err = xstrdup("cannot start the runner: fork failed");
		return -1;
	}
	return 0;
}

bool
campaign_nudge(const char *notebook_path, const struct nb_set *s)
{
	if (s->runner_pid <= 0 || lock_held(notebook_path, s->id) != 1)
		return false;
	return kill((pid_t)s->runner_pid, SIGUSR1) == 0;
}
