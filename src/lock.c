/*
 * lock.c -- the runner lock: an OFD byte-range lock per result set on one
 * lock file beside the notebook.  OFD locks belong to the open file
 * description, not to the process, so closing some other descriptor of
 * the file never drops them (unlike POSIX record locks), and they vanish
 * with the runner however it ends.  The file is opened through
 * util_file_open, so a link or a FIFO planted there is refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "util.h"

char *
lock_path(const char *notebook_path)
{
	char *real = realpath(notebook_path, NULL), *path;

	/* Every path to the same notebook must find the same lock. */
	path = xasprintf("%s.lock", real != NULL ? real : notebook_path);
	free(real);
	return path;
}

static void
lock_range(struct flock *fl, short type, int64_t set_id)
{
	memset(fl, 0, sizeof *fl);
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)set_id;
	fl->l_len = 1;
}

/* Open (creating) the lock file at path for locking: 0 with *fd, or -1
 * with *err. */
static int
lock_open(const char *path, int *fd, char **err)
{
	char *why = NULL;

	if (util_file_open(path, O_RDWR | O_CREAT, 0644, "remove it (labrat "
	    "makes a new one)", fd, &why) == 0)
		return 0;
	*err = xasprintf("cannot use the runner lock: %s", why);
	free(why);
	return -1;
}

int
lock_acquire(const char *notebook_path, int64_t set_id, int *fd, char **err)
{
	char *path = lock_path(notebook_path);
	struct flock fl;
	int f;

	if (lock_open(path, &f, err) != 0) {
		free(path);
		return -1;
	}
	lock_range(&fl, F_WRLCK, set_id);
	if (fcntl(f, F_OFD_SETLK, &fl) == -1) {
		int e = errno;

		close(f);
		if (e == EAGAIN || e == EACCES) {
			free(path);
			return 1;
		}
		*err = xasprintf("cannot lock %s: %s", path, strerror(e));
		free(path);
		return -1;
	}
	free(path);
	*fd = f;
	return 0;
}

void
lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

int
lock_create(const char *notebook_path, char **err)
{
	char *path = lock_path(notebook_path);
	int f, rc;

	if ((rc = lock_open(path, &f, err)) == 0)
		close(f);
	free(path);
	return rc;
}

int
lock_held(const char *notebook_path, int64_t set_id)
{
	char *path = lock_path(notebook_path), *err = NULL;
	struct flock fl;
	int f, rc, e;

	rc = util_file_open(path, O_RDONLY, 0, NULL, &f, &err);
	e = errno;
	free(path);
	free(err);
	if (rc != 0)
		return e == ENOENT ? 0 : -1;
	lock_range(&fl, F_WRLCK, set_id);
	rc = fcntl(f, F_OFD_GETLK, &fl);
	close(f);
	if (rc == -1)
		return -1;
	return fl.l_type != F_UNLCK;
}
