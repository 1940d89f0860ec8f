/*
 * lock.h -- one runner per campaign.  A runner holds an open file
 * description lock (F_OFD_SETLK) on byte SET_ID of the file NOTEBOOK.lock;
 * the kernel drops it when the runner exits or is killed, so a held lock
 * means a live runner and nothing has to be cleaned up after a crash.
 * The lock file is opened with util_file_open: a link, a FIFO or any other
 * non-regular file there is refused, never followed or waited on.
 */
#ifndef LABRAT_LOCK_H
#define LABRAT_LOCK_H

#include <stdint.h>

/* The lock file of a notebook: NOTEBOOK.lock (owned by the caller). */
char *lock_path(const char *notebook_path);

/* Take the runner lock of set_id: 0 with *fd (keep it open while running;
 * lock_release drops it), 1 if another runner holds it, -1 with *err. */
int lock_acquire(const char *notebook_path, int64_t set_id, int *fd,
    char **err);
void lock_release(int fd);

/* Create the lock file, or check the one there, without locking it (the
 * CLI does so before starting a detached runner, to report a refused
 * lock file itself): 0, or -1 with *err. */
int lock_create(const char *notebook_path, char **err);

/* 1 if a runner holds the lock of set_id, 0 if none, -1 on error (a lock
 * file that is a link or a FIFO, say: no runner can hold that one).  Never
 * creates the lock file, never blocks. */
int lock_held(const char *notebook_path, int64_t set_id);

#endif
