/*
 * testutil.c -- temporary directories and small file helpers for the
 * Check suites.
 */
#include "config.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "util.h"

char *
testutil_tempdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *t = xasprintf("%s/labrat-test.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");

	if (mkdtemp(t) == NULL)
		util_fatal("mkdtemp %s failed", t);
	return t;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
testutil_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
testutil_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

void
testutil_write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		util_fatal("cannot write %s", path);
	if (len > 0 && fwrite(data, 1, len, f) != len)
		util_fatal("short write to %s", path);
	fclose(f);
}

char *
testutil_read_file(const char *path, size_t *len)
{
	struct buf b;
	char tmp[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	buf_init(&b);
	buf_add(&b, "", 0);
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	fclose(f);
	if (len != NULL)
		*len = b.len;
	return buf_steal(&b);
}

void
testutil_ok(int rc, char *err, const char *what)
{
	if (rc != 0)
		ck_abort_msg("%s: %s", what, err != NULL ? err : "?");
	free(err);
}

/* Job ids and their sets, in the order jobs were started. */
static struct {
	int64_t job, set;
} *testutil_jobs;
static size_t testutil_njobs;

void
testutil_job_in_set(int64_t job_id, int64_t set_id)
{
	testutil_jobs = xreallocarray(testutil_jobs, testutil_njobs + 1,
	    sizeof *testutil_jobs);
	testutil_jobs[testutil_njobs].job = job_id;
	testutil_jobs[testutil_njobs++].set = set_id;
}

int64_t
testutil_job_set(int64_t job_id)
{
	size_t i;

	/* The latest first: a job id may be reused in a new notebook. */
	for (i = testutil_njobs; i > 0; i--) {
		if (testutil_jobs[i - 1].job == job_id)
			return testutil_jobs[i - 1].set;
	}
	return 0;
}
