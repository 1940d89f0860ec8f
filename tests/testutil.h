/* testutil.h -- helpers shared by the Check suites: temporary directories
 * and files that clean up after themselves. */
#ifndef LABRAT_TESTUTIL_H
#define LABRAT_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* A fresh empty directory under $TMPDIR (or /tmp); the caller frees the
 * string and removes it with testutil_rmtree. */
char *testutil_tempdir(void);
/* Remove a directory tree (rm -rf). */
void testutil_rmtree(const char *path);
/* Path dir/name, owned by the caller. */
char *testutil_path(const char *dir, const char *name);
/* Write len bytes to path (created or truncated). */
void testutil_write_file(const char *path, const char *data, size_t len);
/* Read the whole file; *len gets its size; NUL-terminated; NULL if it
 * cannot be read. */
char *testutil_read_file(const char *path, size_t *len);

/* Fail the current Check test with err (owned, freed) if rc is not 0. */
void testutil_ok(int rc, char *err, const char *what);

/* Remember which result set a job started in, and tell it back (0 if
 * unknown): test helpers that finish a job by its id alone need it. */
void testutil_job_in_set(int64_t job_id, int64_t set_id);
int64_t testutil_job_set(int64_t job_id);

#endif
