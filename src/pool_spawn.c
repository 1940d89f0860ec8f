/*
 * pool_spawn.c -- starting a job of the pool (pool.c): its standard input,
 * its output pipes, its environment, the PATH search, and the vfork child
 * that becomes the job.
 *
 * A job is started with vfork and execve.  Measured on this project's
 * machine, vfork costs what posix_spawn costs (both share the parent's
 * memory until exec) while fork grows with the runner's resident size; and
 * unlike posix_spawn, the vfork child can also set RLIMIT_AS and ask to be
 * killed when the runner dies (PR_SET_PDEATHSIG).  Each job leads a session
 * of its own, so that whatever it starts can be found again by a later
 * runner if this one dies (pool_reclaim).  The child only makes
 * system calls on memory the parent prepared, and reports a failed exec by
 * writing errno into the parent's frame, which vfork keeps suspended until
 * then.  Jobs start with default signal dispositions, an empty signal mask
 * and no descriptor beyond 0, 1 and 2.
 *
 * Standard input is /dev/null or a memfd holding the request's input, so a
 * large input never blocks anything.  Standard output and error are pipes
 * whose non-blocking read ends go to the job's captures.  The environment
 * is the runner's with the request's "NAME=value" entries merged in.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool_int.h"
#include "proc.h"

extern char **environ;

/* The search path when the environment has no PATH (as execvp). */
#define POOL_DEFAULT_PATH "/bin:/usr/bin"

/* Everything the vfork child needs, prepared by the parent. */
struct pool_spawn {
	char *const	*argv;
	char *const	*envp;
	const char	*path;
	const char	*cwd;
	int		 fd[3];
	uint64_t	 mem_limit;
	const struct rlimit *nofile;
	pid_t		 ppid;
	volatile int	 error;
};

/* True if environment entries a and b name the same variable. */
static bool
pool_env_same(const char *a, const char *b)
{
	const char *eq = strchr(a, '=');
	size_t n = eq != NULL ? (size_t)(eq - a) : strlen(a);

	return strncmp(a, b, n) == 0 && (b[n] == '=' || b[n] == '\0');
}

/* True if environment entry e is replaced by one of extra. */
static bool
pool_env_replaced(const char *e, char **extra)
{
	for (; extra != NULL && *extra != NULL; extra++) {
		if (strchr(*extra, '=') != NULL && pool_env_same(*extra, e))
			return true;
	}
	return false;
}

/* The runner's environment with the request's "NAME=value" entries added
 * or replacing (the last of several with one name wins); the array is
 * owned by the caller, the strings are not. */
static char **
pool_env_merge(char **extra)
{
	char **envp, **e, **x;
	size_t n;

	n = util_strv_len(environ) + util_strv_len(extra) + 1;
	envp = xcalloc(n, sizeof *envp);
	n = 0;
	for (e = environ; e != NULL && *e != NULL; e++) {
		if (!pool_env_replaced(*e, extra))
			envp[n++] = *e;
	}
	for (x = extra; x != NULL && *x != NULL; x++) {
		if (strchr(*x, '=') != NULL && !pool_env_replaced(*x, x + 1))
			envp[n++] = *x;
	}
	envp[n] = NULL;
	return envp;
}

/* The PATH of an environment, or the default search path. */
static const char *
pool_env_path(char *const *envp)
{
	for (; *envp != NULL; envp++) {
		if (strncmp(*envp, "PATH=", 5) == 0)
			return *envp + 5;
	}
	return POOL_DEFAULT_PATH;
}

/* Exec argv[0] as execvp does, but never through a shell (ENOEXEC is an
 * error).  Returns the errno to report. */
static int
pool_child_execvp(const struct pool_spawn *s)
{
	const char *name = s->argv[0], *dir, *end;
	char file[PATH_MAX];
	size_t dlen, nlen = strlen(name);
	bool eacces = false;

	if (nlen == 0)
		return ENOENT;
	if (strchr(name, '/') != NULL) {
		execve(name, s->argv, s->envp);
		return errno;
	}
	for (dir = s->path;; dir = end + 1) {
		end = strchrnul(dir, ':');
		dlen = end - dir;
		if (dlen + 1 + nlen + 1 <= sizeof file) {
			memcpy(file, dir, dlen);
			if (dlen == 0)
				file[dlen++] = '.';
			file[dlen] = '/';
			memcpy(file + dlen + 1, name, nlen + 1);
			execve(file, s->argv, s->envp);
			switch (errno) {
			case EACCES:
				eacces = true;
				break;
			case ENOENT:
			case ENOTDIR:
			case ESTALE:
			case ENODEV:
			case ETIMEDOUT:
			case ENAMETOOLONG:
				break;
			default:
				return errno;
			}
		}
		if (*end == '\0')
			break;
	}
	return eacces ? EACCES : ENOENT;
}

/*
 * Become the job, in the vfork child.  Only system calls on memory the
 * parent prepared: the parent is suspended until exec or _exit, and reads
 * s->error afterwards.  All signals are blocked on entry (by the parent),
 * so no handler of the runner can run here; they are reset to their
 * defaults before the mask is cleared.
 */
static void __attribute__((noreturn))
pool_child_run(struct pool_spawn *s)
{
	struct sigaction sa;
	struct rlimit rl;
	sigset_t none;
	int fd[3], i, sig, error;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);
	}
	if (setsid() == -1)
		goto fail;
	/* Die with the runner; if it is gone already, stop here. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		goto fail;
	if (getppid() != s->ppid) {
		errno = ESRCH;
		goto fail;
	}
	if (s->cwd != NULL && *s->cwd != '\0' && chdir(s->cwd) != 0)
		goto fail;
	if (setrlimit(RLIMIT_NOFILE, s->nofile) != 0)
		goto fail;
	if (s->mem_limit != 0) {
		if (getrlimit(RLIMIT_AS, &rl) != 0)
			goto fail;
		if (rl.rlim_max == RLIM_INFINITY || s->mem_limit < rl.rlim_max)
			rl.rlim_max = s->mem_limit;
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			goto fail;
	}
	/* Move the sources out of 0..2 first so no dup2 clobbers another. */
	for (i = 0; i < 3; i++) {
		fd[i] = s->fd[i];
		if (fd[i] < 3 && (fd[i] = fcntl(fd[i], F_DUPFD_CLOEXEC, 3)) < 0)
			goto fail;
	}
	for (i = 0; i < 3; i++) {
		if (dup2(fd[i], i) != i)
			goto fail;
	}
	close_range(3, ~0U, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	error = pool_child_execvp(s);
	s->error = error != 0 ? error : ENOEXEC;
	_exit(127);

fail:
	s->error = errno != 0 ? errno : EINVAL;
	_exit(127);
}

/* Make a descriptor to read input from: the pool's /dev/null (not to be
 * closed), or a memfd. */
static int
pool_input_open(struct pool *p, const char *input, size_t len)
{
	size_t off = 0;
	ssize_t n;
	int fd, error;

	if (input == NULL)
		len = 0;
	if (len == 0 && p->devnull != -1)
		return p->devnull;
	fd = memfd_create("labrat-input", MFD_CLOEXEC);
	if (fd == -1)
		return -1;
	while (off < len) {
		n = pwrite(fd, input + off, len - off, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			error = n == 0 ? EIO : errno;
			close(fd);
			errno = error;
			return -1;
		}
		off += n;
	}
	return fd;
}

/* Make a pipe whose read end (non-blocking) goes to the capture; *wr gets
 * the write end for the child. */
static int
pool_pipe_open(struct pool_stream *c, int *wr)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	c->fd = fds[0];
	*wr = fds[1];
	return 0;
}

/* Run the child of s with every signal blocked across vfork.  Returns its
 * pid, or -1 with errno set. */
static pid_t
pool_vfork(struct pool_spawn *s)
{
	sigset_t all, old;
	pid_t pid;
	int error;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = vfork();
	if (pid == 0)
		pool_child_run(s);
	error = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = error;
	return pid;
}

/* Start req's command with fds as its standard streams (see pool.h). */
int
pool_spawn_fds(const struct backend_job *req, const int fds[3],
    const struct rlimit *nofile, struct pool_process *pp, bool *in_child)
{
	struct pool_spawn s;
	struct rlimit own;
	char **envp;
	int error = 0;
	pid_t pid;

	*in_child = false;
	memset(pp, 0, sizeof *pp);
	pp->pid = -1;
	pp->pidfd = -1;
	if (req->argv == NULL || req->argv[0] == NULL)
		return EINVAL;
	if (nofile == NULL) {
		if (getrlimit(RLIMIT_NOFILE, &own) != 0)
			own.rlim_cur = own.rlim_max = 1024;
		nofile = &own;
	}
	memset(&s, 0, sizeof s);
	memcpy(s.fd, fds, sizeof s.fd);
	envp = pool_env_merge(req->env);
	s.argv = req->argv;
	s.envp = envp;
	s.path = pool_env_path(envp);
	s.mem_limit = req->mem_limit;
	s.cwd = req->cwd;
	s.nofile = nofile;
	s.ppid = getpid();
	/* No process of the job can have started before this tick. */
	pp->ticks = proc_ticks_now();

	pid = pool_vfork(&s);
	if (pid == -1)
		error = errno;
	free(envp);

	if (pid != -1 && s.error != 0) {
		error = s.error;
		*in_child = true;
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
	} else if (pid != -1) {
		pp->pid = pid;
		pp->pidfd = pidfd_open(pid, 0);
		if (pp->pidfd == -1) {
			error = errno;
			kill(-pid, SIGKILL);
			while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
				;
			pp->pid = -1;
		}
	}
	return error;
}

/*
 * Start the child for job j.  Returns 0, or an errno when it could not be
 * started (the child, if any, already reaped).
 */
int
pool_job_spawn(struct pool *p, struct pool_job *j,
    const struct backend_job *req, bool *in_child)
{
	struct pool_process pp;
	int fd[3] = { -1, -1, -1 };
	int i, error = 0;

	*in_child = false;
	if (req->argv == NULL || req->argv[0] == NULL)
		return EINVAL;
	if ((fd[0] = pool_input_open(p, req->input, req->input_len)) == -1 ||
	    pool_pipe_open(&j->out, &fd[1]) != 0 ||
	    pool_pipe_open(&j->err, &fd[2]) != 0) {
		error = errno;
		goto out;
	}
	error = pool_spawn_fds(req, fd, &p->nofile, &pp, in_child);
	if (error == 0) {
		j->pid = pp.pid;
		j->pidfd = pp.pidfd;
		j->ticks = pp.ticks;
	}
out:
	for (i = 0; i < 3; i++) {
		if (fd[i] != -1 && fd[i] != p->devnull)
			close(fd[i]);
	}
	return error;
}
