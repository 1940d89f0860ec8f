/*
 * check_runner.c -- the runner suite: real campaigns in a real notebook,
 * driven through a fake backend whose behaviour each test scripts -- jobs
 * that end out of order, starts refused for a while, a host lost with
 * jobs on it, engines that come and go -- checking that every point ends
 * recorded exactly once and that nothing the backend is to blame for
 * counts as a job's failure.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "check_suites.h"
#include "experiment.h"
#include "loop.h"
#include "notebook.h"
#include "runner.h"
#include "space.h"
#include "testutil.h"
#include "util.h"

/* How the fake backend behaves, set by each test. */
static struct fake_script {
	int slots;            /* engines */
	int refuse;           /* refuse this many starts first */
	bool reverse;         /* end jobs in the reverse order of starts */
	int fail_point;       /* this point exits 1 (-1: none) */
	int lose_after;       /* after this many starts, lose every running
	                         job once (0: never) */
	bool never_started;   /* lose them as "never started" instead */
	bool record_first;    /* reserve at start, run at launch */
} fake;

/* What the fake backend saw. */
static struct fake_seen {
	int starts;           /* jobs started */
	int refused;
	int lost;
	int max_busy;
	int reclaimed;
	int launched;
	int launched_unrecorded; /* launched before their row named them */
} seen;

struct fake_job {
	bool busy;
	bool done;
	void *udata;
	uint64_t point;
	int order;            /* start number */
	enum backend_end end;
	int code;
	int serial;           /* names the job in its handle */
	bool launched;        /* running, not only reserved */
};

struct fake {
	struct backend b;
	struct fake_job *jobs;
	int slots;
	int busy;
	int done;             /* jobs reaped */
	bool lost_once;
};

/* The point of a job, from its environment. */
static uint64_t
fake_point(const struct backend_job *job)
{
	char **e;

	for (e = job->env; e != NULL && *e != NULL; e++) {
		if (strncmp(*e, "LABRAT_POINT=", 13) == 0)
			return strtoull(*e + 13, NULL, 10);
	}
	return UINT64_MAX;
}

static int
fake_slots(struct backend *b)
{
	return ((struct fake *)b)->slots;
}

static int
fake_busy(struct backend *b)
{
	return ((struct fake *)b)->busy;
}

/* End the next job: the oldest or (reverse) the newest busy one. */
static void
fake_on_timer(void *arg)
{
	struct fake *f = arg;
	struct fake_job *pick = NULL;
	int i;

	for (i = 0; i < f->slots; i++) {
		struct fake_job *j = &f->jobs[i];

		if (!j->busy || j->done || !j->launched)
			continue;
		if (pick == NULL || (fake.reverse ? j->order > pick->order :
		    j->order < pick->order))
			pick = j;
	}
	if (pick == NULL)
		return;
	pick->done = true;
	pick->end = BACKEND_EXITED;
	pick->code = (int)pick->point == fake.fail_point ? 1 : 0;
	loop_timer(f->b.loop, util_monotonic() + 0.001, fake_on_timer, f);
}

static int
fake_start(struct backend *b, const struct backend_job *job, char **why)
{
	struct fake *f = (struct fake *)b;
	int i;

	if (seen.refused < fake.refuse) {
		seen.refused++;
		*why = xstrdup("the fake backend refuses for now");
		return BACKEND_REFUSED;
	}
	for (i = 0; i < f->slots && f->jobs[i].busy; i++)
		;
	if (i == f->slots) {
		*why = xstrdup("no free engine");
		return -1;
	}
	memset(&f->jobs[i], 0, sizeof f->jobs[i]);
	f->jobs[i].busy = true;
	f->jobs[i].udata = job->udata;
	f->jobs[i].point = fake_point(job);
	f->jobs[i].order = ++seen.starts;
	f->jobs[i].serial = seen.starts;
	f->jobs[i].launched = !fake.record_first;
	f->busy++;
	if (f->busy > seen.max_busy)
		seen.max_busy = f->busy;
	/* A host goes down with every job it runs, once. */
	if (fake.lose_after > 0 && seen.starts >= fake.lose_after &&
	    !f->lost_once && f->busy == f->slots) {
		int k;

		f->lost_once = true;
		for (k = 0; k < f->slots; k++) {
			if (!f->jobs[k].busy || f->jobs[k].done)
				continue;
			f->jobs[k].done = true;
			f->jobs[k].end = fake.never_started ?
			    BACKEND_NOT_STARTED : BACKEND_HOST_LOST;
			seen.lost++;
		}
	}
	if (!fake.record_first)
		loop_timer(b->loop, util_monotonic() + 0.001, fake_on_timer,
		    f);
	return i;
}

static struct notebook *t_nb;


/* Count the running rows named handle, over every set. */
static int
fake_count_handle(const struct nb_job *j, void *arg)
{
	struct { const char *want; int n; } *c = arg;

	if (j->handle != NULL && strcmp(j->handle, c->want) == 0)
		c->n++;
	return 0;
}

/* True if a committed running row is named handle. */
static bool
fake_row_named(const char *handle)
{
	struct { const char *want; int n; } c = { handle, 0 };
	struct nb_set *sets = NULL;
	size_t n = 0, k;
	char *err = NULL;

	testutil_ok(notebook_set_list(t_nb, &sets, &n, &err), err, "list");
	for (k = 0; k < n; k++) {
		testutil_ok(notebook_jobs_each(t_nb, sets[k].id,
		    NB_STATE_BIT(NB_RUNNING), true, fake_count_handle, &c, &err),
		    err, "each");
		notebook_set_clear(&sets[k]);
	}
	free(sets);
	return c.n == 1;
}

/* Run a reserved job: its row must name it already. */
static void
fake_launch(struct backend *b, int engine)
{
	struct fake *f = (struct fake *)b;
	char handle[64];

	snprintf(handle, sizeof handle, "fake:%d:%d", engine,
	    f->jobs[engine].serial);
	if (!fake_row_named(handle))
		seen.launched_unrecorded++;
	f->jobs[engine].launched = true;
	seen.launched++;
	loop_timer(b->loop, util_monotonic() + 0.001, fake_on_timer, f);
}

static void
fake_describe(struct backend *b, int engine, char *host, size_t hlen,
    char *handle, size_t len)
{
	snprintf(host, hlen, "fakehost%d", engine % 2);
	snprintf(handle, len, "fake:%d:%d", engine,
	    ((struct fake *)b)->jobs[engine].serial);
}

static void
fake_signal(struct backend *b, int engine, int sig)
{
	(void)b;
	(void)engine;
	(void)sig;
}

static int
fake_reap(struct backend *b, struct backend_result *r)
{
	struct fake *f = (struct fake *)b;
	struct fake_job *j;
	int i;

	memset(r, 0, sizeof *r);
	for (i = 0; i < f->slots; i++) {
		j = &f->jobs[i];
		if (!j->busy || !j->done)
			continue;
		r->udata = j->udata;
		r->engine = i;
		snprintf(r->host, sizeof r->host, "fakehost%d", i % 2);
		r->end = j->end;
		r->code = j->code;
		r->out = xasprintf("y=%" PRIu64 "\n", j->point * 2);
		r->out_len = strlen(r->out);
		r->err = xstrdup(j->code != 0 ? "boom\n" : "");
		r->err_len = strlen(r->err);
		r->start = util_now();
		r->end_time = r->start + 0.001;
		r->maxrss_kb = -1;
		j->busy = false;
		f->busy--;
		f->done++;
		return 1;
	}
	return 0;
}

static int
fake_reclaim(struct backend *b, const struct backend_recorded *jobs,
    size_t n, bool adopt, enum backend_fate *fates, int *engines, char **why,
    char **err)
{
	size_t i;

	(void)b;
	(void)adopt;
	(void)engines;
	(void)jobs;
	(void)why;
	(void)err;
	for (i = 0; i < n; i++)
		fates[i] = BACKEND_GONE;
	seen.reclaimed += (int)n;
	return 0;
}

static void
fake_engines(struct backend *b, struct buf *json)
{
	buf_printf(json, "{\"fakehost\":{\"slots\":%d,\"done\":%d}}",
	    ((struct fake *)b)->slots, ((struct fake *)b)->done);
}

static void
fake_close(struct backend *b, enum backend_close_mode mode)
{
	struct fake *f = (struct fake *)b;

	(void)mode;
	loop_timer(b->loop, 0, fake_on_timer, f);
	free(f->jobs);
	free(f);
}

static const struct backend_ops fake_ops_first = {
	.name = "fake",
	.record_first = true,
	.slots = fake_slots,
	.busy = fake_busy,
	.start = fake_start,
	.launch = fake_launch,
	.describe = fake_describe,
	.signal = fake_signal,
	.reap = fake_reap,
	.reclaim = fake_reclaim,
	.engines = fake_engines,
	.close = fake_close,
};

static const struct backend_ops fake_ops = {
	.name = "fake",
	.slots = fake_slots,
	.busy = fake_busy,
	.start = fake_start,
	.describe = fake_describe,
	.signal = fake_signal,
	.reap = fake_reap,
	.reclaim = fake_reclaim,
	.engines = fake_engines,
	.close = fake_close,
};

static struct backend *
fake_open(const struct nb_set *s, struct loop *loop, char **err)
{
	struct fake *f = xcalloc(1, sizeof *f);

	(void)s;
	(void)err;
	f->b.ops = fake.record_first ? &fake_ops_first : &fake_ops;
	f->b.loop = loop;
	f->slots = fake.slots;
	f->jobs = xcalloc((size_t)f->slots, sizeof *f->jobs);
	return &f->b;
}

static char *t_dir;

static void
setup(void)
{
	char *path, *err = NULL;

	t_dir = testutil_tempdir();
	path = testutil_path(t_dir, "labrat.db");
	testutil_ok(notebook_open(path, NOTEBOOK_CREATE, &t_nb, &err), err,
	    "open");
	free(path);
	backend_register("fake", fake_open);
	memset(&seen, 0, sizeof seen);
	memset(&fake, 0, sizeof fake);
	fake.slots = 3;
	fake.fail_point = -1;
}

static void
teardown(void)
{
	notebook_close(t_nb);
	testutil_rmtree(t_dir);
	free(t_dir);
}

/* Record a campaign of n points of `true` on the fake backend. */
static void
make_campaign(const char *tag, uint64_t n, int retries)
{
	struct space_error se = { NULL, 0, false };
	struct experiment e;
	struct space *sp = space_new();
	struct nb_set s;
	struct buf sj, ej;
	char *err = NULL, *param, *argv[] = { "true", NULL };

	param = xasprintf("x=0..%" PRIu64, n - 1);
	ck_assert_int_eq(space_add(sp, param, &se), 0);
	ck_assert_int_eq(space_finish(sp, &se), 0);
	testutil_ok(experiment_init(&e, argv, 1, false, &err), err, "exp");
	buf_init(&sj);
	buf_init(&ej);
	space_to_json(sp, &sj);
	experiment_to_json(&e, &ej);
	memset(&s, 0, sizeof s);
	s.tag = (char *)tag;
	s.space = sj.data;
	s.experiment = ej.data;
	s.backend = (char *)"fake";
	s.retries = retries;
	s.repeat = 1;
	s.npoints = n;
	s.njobs = n;
	s.sequential = true;
	testutil_ok(notebook_set_create(t_nb, &s, &err), err, "create");
	free(s.cwd);
	free(s.status);
	free(s.control);
	free(s.reason);
	buf_free(&sj);
	buf_free(&ej);
	experiment_free(&e);
	space_free(sp);
	free(param);
}

/* Run the campaign to its end through the runner. */
static struct runner_report
run_campaign(const char *tag)
{
	struct runner_opts o;
	struct runner_report r;
	char *err = NULL;

	memset(&o, 0, sizeof o);
	o.ready_fd = -1;
	testutil_ok(runner_run(t_nb, tag, &o, &r, &err), err, "runner_run");
	return r;
}

/* The counts of set tag. */
static struct nb_counts
counts(const char *tag)
{
	struct nb_set s;
	struct nb_counts c;
	char *err = NULL;

	testutil_ok(notebook_set_find(t_nb, tag, &s, &err), err, "find");
	testutil_ok(notebook_counts(t_nb, &s, &c, &err), err, "counts");
	notebook_set_clear(&s);
	return c;
}

/* Each point's current job is ok with y = 2x, exactly once. */
struct check_once {
	uint64_t n;
	unsigned char *seen;
	int bad;
};

static int
check_once_fn(const struct nb_job *j, void *arg)
{
	struct check_once *c = arg;
	char want[64];

	snprintf(want, sizeof want, "{\"y\":%" PRIu64 "}", j->point * 2);
	if (j->point >= c->n || c->seen[j->point]++ != 0 ||
	    j->state != NB_OK || j->results == NULL ||
	    strcmp(j->results, want) != 0 || j->host == NULL ||
	    strncmp(j->host, "fakehost", 8) != 0 || j->handle == NULL)
		c->bad++;
	return 0;
}

/* Count the interrupted jobs whose error starts with what. */
struct count_why {
	const char *what;
	int n;
};

static int
count_why_fn(const struct nb_job *j, void *arg)
{
	struct count_why *c = arg;

	if (j->error != NULL &&
	    strncmp(j->error, c->what, strlen(c->what)) == 0)
		c->n++;
	return 0;
}

static int
interrupted_saying(const char *tag, const char *what)
{
	struct count_why c = { what, 0 };
	struct nb_set s;
	char *err = NULL;

	testutil_ok(notebook_set_find(t_nb, tag, &s, &err), err, "find");
	testutil_ok(notebook_jobs_each(t_nb, s.id,
	    NB_STATE_BIT(NB_INTERRUPTED), false, count_why_fn, &c, &err), err,
	    "each");
	notebook_set_clear(&s);
	return c.n;
}

static void
assert_all_once(const char *tag, uint64_t n)
{
	struct check_once c = { n, xcalloc(n, 1), 0 };
	struct nb_set s;
	char *err = NULL;
	uint64_t i;

	testutil_ok(notebook_set_find(t_nb, tag, &s, &err), err, "find");
	testutil_ok(notebook_jobs_each(t_nb, s.id, 0, true, check_once_fn, &c,
	    &err), err, "each");
	notebook_set_clear(&s);
	ck_assert_int_eq(c.bad, 0);
	for (i = 0; i < n; i++)
		ck_assert_msg(c.seen[i] == 1, "point %" PRIu64 " seen %d times",
		    i, c.seen[i]);
	free(c.seen);
}

START_TEST(test_out_of_order)
{
	struct runner_report r;

	fake.reverse = true;
	make_campaign("ooo", 40, 0);
	r = run_campaign("ooo");
	ck_assert(r.complete);
	ck_assert_uint_eq(r.ok, 40);
	ck_assert_uint_eq(r.failed, 0);
	ck_assert_int_eq(seen.max_busy, 3);
	assert_all_once("ooo", 40);
}
END_TEST

START_TEST(test_refused_starts)
{
	struct runner_report r;
	struct nb_counts c;

	/* Refused starts are retried, never counted as failures, and
	 * never use up an attempt. */
	fake.refuse = 5;
	make_campaign("refuse", 10, 0);
	r = run_campaign("refuse");
	ck_assert(r.complete);
	ck_assert_int_eq(seen.refused, 5);
	ck_assert_uint_eq(r.ok, 10);
	ck_assert_uint_eq(r.failed, 0);
	c = counts("refuse");
	ck_assert_uint_eq(c.n[NB_OK], 10);
	assert_all_once("refuse", 10);
}
END_TEST

START_TEST(test_host_lost)
{
	struct runner_report r;

	/* A host lost with jobs on it: they run again (new attempts), are
	 * not failures and use no retry (retries 0). */
	fake.lose_after = 3;
	make_campaign("lost", 20, 0);
	r = run_campaign("lost");
	ck_assert(r.complete);
	ck_assert_int_eq(seen.lost, 3);
	ck_assert_uint_eq(r.ok, 20);
	ck_assert_uint_eq(r.failed, 0);
	ck_assert_uint_eq(r.requeued, 3);
	assert_all_once("lost", 20);
	/* Their rows say why they ran again, not that a runner stopped. */
	ck_assert_int_eq(interrupted_saying("lost", "lost with its host "), 3);
}
END_TEST

START_TEST(test_never_started)
{
	struct runner_report r;

	fake.lose_after = 2;
	fake.never_started = true;
	fake.slots = 2;
	make_campaign("ns", 8, 0);
	r = run_campaign("ns");
	ck_assert(r.complete);
	ck_assert_int_eq(seen.lost, 2);
	ck_assert_uint_eq(r.ok, 8);
	ck_assert_uint_eq(r.failed, 0);
	assert_all_once("ns", 8);
	ck_assert_int_eq(interrupted_saying("ns", "it never started on "), 2);
}
END_TEST

START_TEST(test_failure_retried)
{
	struct runner_report r;
	struct nb_counts c;

	/* A real failure is the job's: retried per --retries, then failed. */
	fake.fail_point = 4;
	make_campaign("fail", 10, 2);
	r = run_campaign("fail");
	ck_assert(r.complete);
	ck_assert_uint_eq(r.ok, 9);
	ck_assert_uint_eq(r.failed, 1);
	ck_assert_uint_eq(r.requeued, 2);
	c = counts("fail");
	ck_assert_uint_eq(c.n[NB_FAILED], 1);
	ck_assert_uint_eq(c.n[NB_OK], 9);
}
END_TEST

START_TEST(test_recovery_asks_backend)
{
	struct runner_report r;
	struct nb_work w;
	struct nb_set s;
	char *err = NULL;
	uint64_t i;

	/* A dead runner left 3 jobs running: the backend is asked about
	 * each before any runs again; every point ends once. */
	make_campaign("dead", 12, 0);
	testutil_ok(notebook_set_find(t_nb, "dead", &s, &err), err, "find");
	for (i = 0; i < 3; i++) {
		memset(&w, 0, sizeof w);
		w.pos = w.point = i;
		w.attempt = 1;
		testutil_ok(notebook_job_start(t_nb, s.id, &w, "{\"x\":0}", 1,
		    "fakehost0", (int)i, "fake:old", &err), err, "start");
	}
	notebook_set_clear(&s);
	r = run_campaign("dead");
	ck_assert(r.complete);
	ck_assert_int_eq(seen.reclaimed, 3);
	ck_assert_uint_eq(r.ok, 12);
	assert_all_once("dead", 12);
}
END_TEST

START_TEST(test_record_first)
{
	struct runner_report r;

	/* A backend whose jobs outlive the runner: every job's row names
	 * it before it runs. */
	fake.record_first = true;
	fake.reverse = true;
	make_campaign("first", 30, 0);
	r = run_campaign("first");
	ck_assert(r.complete);
	ck_assert_uint_eq(r.ok, 30);
	ck_assert_int_eq(seen.launched, 30);
	ck_assert_int_eq(seen.launched_unrecorded, 0);
	assert_all_once("first", 30);
}
END_TEST

START_TEST(test_engines_at_end)
{
	struct runner_report r;
	struct nb_set s;
	char *err = NULL;

	/* A campaign shorter than a heartbeat: the engines it leaves in
	 * the notebook count every job done, not the view at its start. */
	make_campaign("short", 5, 0);
	r = run_campaign("short");
	ck_assert(r.complete);
	testutil_ok(notebook_set_find(t_nb, "short", &s, &err), err, "find");
	ck_assert_str_eq(s.engines, "{\"fakehost\":{\"slots\":3,\"done\":5}}");
	notebook_set_clear(&s);
}
END_TEST

Suite *
suite_runner(void)
{
	Suite *s = suite_create("runner");
	TCase *tc = tcase_create("runner");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_out_of_order);
	tcase_add_test(tc, test_refused_starts);
	tcase_add_test(tc, test_host_lost);
	tcase_add_test(tc, test_never_started);
	tcase_add_test(tc, test_failure_retried);
	tcase_add_test(tc, test_recovery_asks_backend);
	tcase_add_test(tc, test_record_first);
	tcase_add_test(tc, test_engines_at_end);
	suite_add_tcase(s, tc);
	return s;
}
