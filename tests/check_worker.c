/*
 * check_worker.c -- the worker suite: the protocol's request lines, its
 * framing of answers however the bytes arrive, pipelining, malformed,
 * huge and stray answers (worker.c); and the worker backend driven with
 * real worker processes (backend_worker.c): answers, @error, a worker
 * that dies, closes its output, never reads, or dies at start-up.
 */
#include "config.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "check_suites.h"
#include "experiment.h"
#include "loop.h"
#include "notebook.h"
#include "util.h"
#include "worker.h"

/* What the answers said, one line per answer: "SLOT KIND TEXT". */
struct seen {
	struct buf log;
	int n;
};

static void
on_answer(const struct worker_answer *a, void *arg)
{
	struct seen *s = arg;
	static const char *kinds[] = { "results", "error", "malformed",
	    "too_long" };

	buf_printf(&s->log, "%d %s ", a->slot, kinds[a->kind]);
	if (a->kind == WORKER_RESULTS)
		buf_add(&s->log, a->line, a->len);
	else
		buf_adds(&s->log, a->message);
	buf_addc(&s->log, '\n');
	s->n++;
}

/* Feed text in chunks of step bytes; the stray line, if any (owned). */
static char *
feed(struct worker_proto *w, struct seen *s, const char *text, size_t step)
{
	size_t i, n, len = strlen(text);
	char *stray = NULL;

	for (i = 0; i < len; i += n) {
		n = len - i < step ? len - i : step;
		if (worker_proto_feed(w, text + i, n, on_answer, s,
		    &stray) != 0)
			return stray;
	}
	return NULL;
}

START_TEST(test_request)
{
	struct buf b;

	buf_init(&b);
	worker_request(&b, "{\"r\":2.5,\"x0\":0.1}", 18, 3, 0, 1, "sweep");
	ck_assert_str_eq(b.data, "{\"r\":2.5,\"x0\":0.1,\"point\":3,\"rep\":0,"
	    "\"attempt\":1,\"tag\":\"sweep\"}\n");
	buf_reset(&b);
	worker_request(&b, "{}", 2, 0, 2, 3, "a\"b\n");
	ck_assert_str_eq(b.data, "{\"point\":0,\"rep\":2,\"attempt\":3,"
	    "\"tag\":\"a\\\"b\\n\"}\n");
	buf_free(&b);
}
END_TEST

START_TEST(test_request_from_experiment)
{
	struct experiment e;
	struct experiment_job j;
	struct space *sp;
	struct value vals[2];
	char *argv[] = { "w", NULL }, *err = NULL, *bad[] = { "w", "{x}",
	    NULL };
	struct space_error se;
	struct buf b;

	sp = space_new();
	ck_assert_int_eq(space_add(sp, "x=1..3", &se), 0);
	ck_assert_int_eq(space_finish(sp, &se), 0);
	ck_assert_int_eq(experiment_init(&e, argv, 1, false, &err), 0);
	ck_assert_int_eq(experiment_set_worker(&e, 4, &err), 0);
	ck_assert_int_eq(experiment_check(&e, sp, &err), 0);
	space_point(sp, 1, vals);
	experiment_prepare(&e, sp, vals, 1, 0, 2, "t", &j);
	ck_assert_str_eq(j.input.data, "{\"x\":2,\"point\":1,\"rep\":0,"
	    "\"attempt\":2,\"tag\":\"t\"}\n");
	ck_assert_str_eq(j.argv[0], "w");
	experiment_job_clear(&j);
	/* The worker flag and depth survive the notebook. */
	buf_init(&b);
	experiment_to_json(&e, &b);
	ck_assert_str_eq(b.data, "{\"argv\":[\"w\"],\"shell\":false,"
	    "\"worker\":true,\"depth\":4}");
	experiment_free(&e);
	ck_assert_int_eq(experiment_from_json(&e, b.data, &err), 0);
	ck_assert(e.worker);
	ck_assert_int_eq(e.depth, 4);
	experiment_free(&e);
	buf_free(&b);
	/* A placeholder of a value is refused; other braces are not. */
	ck_assert_int_eq(experiment_init(&e, bad, 2, false, &err), 0);
	ck_assert_int_eq(experiment_set_worker(&e, 2, &err), 0);
	ck_assert_int_eq(experiment_check(&e, sp, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "{x}"));
	ck_assert_ptr_nonnull(strstr(err, "standard input"));
	free(err);
	experiment_free(&e);
	bad[1] = "{other}";
	ck_assert_int_eq(experiment_init(&e, bad, 2, false, &err), 0);
	ck_assert_int_eq(experiment_set_worker(&e, 2, &err), 0);
	ck_assert_int_eq(experiment_check(&e, sp, &err), 0);
	ck_assert_int_eq(experiment_set_worker(&e, 65, &err), -1);
	free(err);
	experiment_free(&e);
	space_free(sp);
}
END_TEST

/* Answers are matched first in, first out, however the bytes arrive. */
START_TEST(test_framing)
{
	static const char text[] = "{\"y\":1}\n{\"y\":2}\r\n{\"y\":3}\n";
	struct worker_proto w;
	struct seen s;
	size_t step;

	for (step = 1; step <= sizeof text; step++) {
		worker_proto_init(&w, 3, 1024);
		buf_init(&s.log);
		s.n = 0;
		ck_assert_int_eq(worker_proto_push(&w, NULL, 7), 0);
		ck_assert_int_eq(worker_proto_push(&w, NULL, 8), 0);
		ck_assert_int_eq(worker_proto_push(&w, NULL, 9), 0);
		ck_assert(worker_proto_full(&w));
		ck_assert_int_eq(worker_proto_push(&w, NULL, 10), -1);
		ck_assert_ptr_null(feed(&w, &s, text, step));
		ck_assert_int_eq(s.n, 3);
		ck_assert_str_eq(s.log.data, "7 results {\"y\":1}\n"
		    "8 results {\"y\":2}\n9 results {\"y\":3}\n");
		ck_assert_int_eq(w.n, 0);
		buf_free(&s.log);
		worker_proto_free(&w);
	}
}
END_TEST

/* Pipelined: points are pushed as answers come, the ring wraps. */
START_TEST(test_pipelining)
{
	struct worker_proto w;
	struct seen s;
	char line[32];
	int i, next = 0;

	worker_proto_init(&w, 2, 64);
	buf_init(&s.log);
	s.n = 0;
	for (i = 0; i < 100; i++) {
		while (!worker_proto_full(&w))
			worker_proto_push(&w, NULL, next++);
		snprintf(line, sizeof line, "{\"i\":%d}\n", i);
		ck_assert_ptr_null(feed(&w, &s, line, 5));
		ck_assert_int_eq(worker_proto_held(&w, 0)->slot, i + 1);
		ck_assert_ptr_null(worker_proto_held(&w, 1));
	}
	ck_assert_int_eq(s.n, 100);
	ck_assert_ptr_nonnull(strstr(s.log.data, "99 results {\"i\":99}\n"));
	buf_free(&s.log);
	worker_proto_free(&w);
}
END_TEST

START_TEST(test_error_and_malformed)
{
	struct worker_proto w;
	struct seen s;

	worker_proto_init(&w, 8, 1024);
	buf_init(&s.log);
	s.n = 0;
	for (int i = 0; i < 6; i++)
		worker_proto_push(&w, NULL, i);
	ck_assert_ptr_null(feed(&w, &s,
	    "{\"@error\":\"no convergence at r=3\"}\n"
	    "not json at all\n"
	    "\n"
	    "  {\"y\": 1, \"label\": \"@error\"}\n"
	    "{\"@error\": 42}\n"
	    "{\"@error\":\"bad\\u0001\" \n", 4));
	ck_assert_str_eq(s.log.data,
	    "0 error no convergence at r=3\n"
	    "1 malformed the worker's answer is not a JSON object: "
	    "'not json at all'\n"
	    "2 malformed the worker's answer is not a JSON object: ''\n"
	    "3 results   {\"y\": 1, \"label\": \"@error\"}\n"
	    "4 error 42\n"
	    "5 results {\"@error\":\"bad\\u0001\" \n");
	buf_free(&s.log);
	worker_proto_free(&w);
}
END_TEST

/* A line over the bound fails its point and is skipped to its newline;
 * the next line answers the next point. */
START_TEST(test_huge_line)
{
	struct worker_proto w;
	struct seen s;
	struct buf big;
	size_t i;

	worker_proto_init(&w, 2, 100);
	buf_init(&s.log);
	buf_init(&big);
	s.n = 0;
	worker_proto_push(&w, NULL, 0);
	worker_proto_push(&w, NULL, 1);
	buf_addc(&big, '{');
	for (i = 0; i < 100000; i++)
		buf_addc(&big, 'a' + i % 26);
	buf_adds(&big, "}\n{\"y\":2}\n");
	ck_assert_ptr_null(feed(&w, &s, big.data, 333));
	ck_assert_int_eq(s.n, 2);
	ck_assert_ptr_nonnull(strstr(s.log.data, "0 too_long the worker's "
	    "answer is longer than 100 bytes (discarded): '{abcdefghij"));
	ck_assert_ptr_nonnull(strstr(s.log.data, "...'\n1 results "
	    "{\"y\":2}\n"));
	/* Exactly the bound is fine. */
	buf_reset(&big);
	buf_addc(&big, '{');
	for (i = 0; i < 98; i++)
		buf_addc(&big, ' ');
	buf_adds(&big, "}\n");
	worker_proto_push(&w, NULL, 5);
	ck_assert_ptr_null(feed(&w, &s, big.data, 7));
	ck_assert_int_eq(s.n, 3);
	ck_assert_ptr_nonnull(strstr(s.log.data, "5 results {"));
	buf_free(&big);
	buf_free(&s.log);
	worker_proto_free(&w);
}
END_TEST

/* An answer with nothing held -- out of turn, or a second answer -- is a
 * protocol error; the bytes after it are not read. */
START_TEST(test_stray)
{
	struct worker_proto w;
	struct seen s;
	char *stray;

	worker_proto_init(&w, 2, 1024);
	buf_init(&s.log);
	s.n = 0;
	stray = feed(&w, &s, "{\"y\":0}\n", 100);
	ck_assert_ptr_nonnull(stray);
	ck_assert_str_eq(stray, "a line with no request to answer: "
	    "'{\"y\":0}'");
	free(stray);
	worker_proto_reset(&w);
	worker_proto_push(&w, NULL, 1);
	stray = feed(&w, &s, "{\"y\":1}\n{\"y\":1}\n{\"y\":9}\n", 100);
	ck_assert_ptr_nonnull(stray);
	ck_assert_int_eq(s.n, 1);
	ck_assert_str_eq(s.log.data, "1 results {\"y\":1}\n");
	free(stray);
	/* A partial line is no answer yet. */
	worker_proto_reset(&w);
	ck_assert_ptr_null(feed(&w, &s, "{\"y\":", 100));
	buf_free(&s.log);
	worker_proto_free(&w);
}
END_TEST

/* ---- the worker backend, with real workers ---- */

/* Open a worker backend running sh -c script with depth and timeout. */
static struct backend *
open_worker(struct loop *loop, const char *script, int depth, double timeout)
{
	struct nb_set s;
	struct experiment e;
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL }, *err = NULL;
	struct buf ex;
	struct backend *b;

	ck_assert_int_eq(experiment_init(&e, argv, 3, false, &err), 0);
	ck_assert_int_eq(experiment_set_worker(&e, depth, &err), 0);
	buf_init(&ex);
	experiment_to_json(&e, &ex);
	experiment_free(&e);
	memset(&s, 0, sizeof s);
	s.tag = "t";
	s.backend = "local";
	s.cores = 1;
	s.timeout = timeout;
	s.experiment = ex.data;
	b = backend_open(&s, loop, &err);
	ck_assert_ptr_nonnull(b);
	buf_free(&ex);
	return b;
}

/* Send point i (its request line) as job udata (intptr) i. */
static int
send(struct backend *b, int i)
{
	struct backend_job j;
	char line[64];
	char *why = NULL;
	int slot;

	snprintf(line, sizeof line, "{\"x\":%d,\"point\":%d,\"rep\":0,"
	    "\"attempt\":1,\"tag\":\"t\"}\n", i, i);
	memset(&j, 0, sizeof j);
	j.input = line;
	j.input_len = strlen(line);
	j.udata = (void *)(intptr_t)i;
	slot = backend_start(b, &j, &why);
	if (slot < 0)
		ck_abort_msg("start: %s", why);
	return slot;
}

/* Wait for the next end, the points sent so far written out first (as
 * the runner flushes after a run of starts). */
static void
next_end(struct backend *b, struct loop *loop, struct backend_result *r)
{
	double until = util_monotonic() + 30;

	backend_flush(b);
	while (backend_reap(b, r) == 0) {
		ck_assert(util_monotonic() < until);
		loop_run_once(loop, 100);
	}
}

/* A worker that echoes x as y, answering pipelined points in order. */
START_TEST(test_backend_answers)
{
	struct loop *loop = loop_new();
	struct backend *b = open_worker(loop, "while read -r l; do "
	    "x=${l#*\\\"x\\\":}; echo \"{\\\"y\\\":${x%%,*}}\"; done", 3, 0);
	struct backend_result r;
	int i;

	ck_assert_int_eq(backend_slots(b), 3);
	for (i = 0; i < 3; i++)
		send(b, i);
	ck_assert_int_eq(backend_busy(b), 3);
	for (i = 0; i < 3; i++) {
		next_end(b, loop, &r);
		ck_assert_int_eq((int)(intptr_t)r.udata, i);
		ck_assert_int_eq(r.end, BACKEND_EXITED);
		ck_assert_int_eq(r.code, 0);
		ck_assert_int_eq(atoi(strchr(r.out, ':') + 1), i);
		ck_assert_str_eq(r.host, "localhost");
		ck_assert_ptr_nonnull(strstr(r.handle, "local:"));
		backend_result_clear(&r);
	}
	ck_assert_int_eq(backend_busy(b), 0);
	backend_close(b, false);
	loop_free(loop);
}
END_TEST

/* A worker that dies holding two points: the oldest fails with its
 * stderr, the other runs again; the next point starts a new worker. */
START_TEST(test_backend_dies)
{
	struct loop *loop = loop_new();
	struct backend *b = open_worker(loop, "read -r l; echo '{\"y\":0}'; "
	    "read -r l; echo dying >&2; exit 4", 3, 0);
	struct backend_result r;

	send(b, 0);
	send(b, 1);
	send(b, 2);
	next_end(b, loop, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	backend_result_clear(&r);
	next_end(b, loop, &r);
	ck_assert_int_eq((int)(intptr_t)r.udata, 1);
	ck_assert_int_eq(r.end, BACKEND_FAILED);
	ck_assert_msg(strstr(r.out, "exited with status 4") != NULL, "%s", r.out);
	ck_assert_ptr_nonnull(strstr(r.err, "dying"));
	backend_result_clear(&r);
	next_end(b, loop, &r);
	ck_assert_int_eq((int)(intptr_t)r.udata, 2);
	ck_assert_int_eq(r.end, BACKEND_WORKER_LOST);
	backend_result_clear(&r);
	/* A new worker serves the next point. */
	send(b, 3);
	next_end(b, loop, &r);
	ck_assert_int_eq((int)(intptr_t)r.udata, 3);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_int_eq(r.code, 0);
	backend_result_clear(&r);
	backend_close(b, false);
	loop_free(loop);
}
END_TEST

/* A worker that closes its output: the point it was on fails, saying
 * so; @error fails a point and the worker goes on. */
START_TEST(test_backend_closes_output)
{
	struct loop *loop = loop_new();
	struct backend *b = open_worker(loop, "read -r l; "
	    "echo '{\"@error\":\"no such r\"}'; read -r l; exec >&-; "
	    "exec sleep 60", 1, 0);
	struct backend_result r;

	send(b, 0);
	next_end(b, loop, &r);
	ck_assert_int_eq(r.end, BACKEND_FAILED);
	ck_assert_str_eq(r.out, "no such r");
	backend_result_clear(&r);
	send(b, 1);
	next_end(b, loop, &r);
	ck_assert_int_eq(r.end, BACKEND_FAILED);
	ck_assert_ptr_nonnull(strstr(r.out, "closed its standard output"));
	backend_result_clear(&r);
	backend_close(b, false);
	loop_free(loop);
}
END_TEST

/* A worker that never reads: its oldest point times out (the clock runs
 * from when it became the oldest), the others run again. */
START_TEST(test_backend_never_reads)
{
	struct loop *loop = loop_new();
	struct backend *b = open_worker(loop, "exec sleep 60", 2, 0.2);
	struct backend_result r;

	send(b, 0);
	send(b, 1);
	next_end(b, loop, &r);
	ck_assert_int_eq((int)(intptr_t)r.udata, 0);
	ck_assert_int_eq(r.end, BACKEND_TIMEOUT);
	backend_result_clear(&r);
	next_end(b, loop, &r);
	ck_assert_int_eq(r.end, BACKEND_WORKER_LOST);
	backend_result_clear(&r);
	backend_close(b, false);
	loop_free(loop);
}
END_TEST

/* A worker that answers twice: the extra line breaks the protocol, the
 * worker is killed and restarted; what it held runs again. */
START_TEST(test_backend_answers_twice)
{
	struct loop *loop = loop_new();
	struct backend *b = open_worker(loop, "read -r l; "
	    "printf '{\"y\":1}\\n{\"y\":2}\\n'; exec sleep 60", 1, 0);
	struct backend_result r;

	send(b, 0);
	next_end(b, loop, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_str_eq(r.out, "{\"y\":1}");
	backend_result_clear(&r);
	/* The worker is gone: the next point starts a new one, which
	 * answers it. */
	send(b, 1);
	next_end(b, loop, &r);
	ck_assert_int_eq(r.end, BACKEND_EXITED);
	ck_assert_str_eq(r.out, "{\"y\":1}");
	backend_result_clear(&r);
	backend_close(b, false);
	loop_free(loop);
}
END_TEST

/* A worker that dies before its first answer, three times in a row: its
 * points run again, then no worker starts any more, saying why. */
START_TEST(test_backend_startup_deaths)
{
	struct loop *loop = loop_new();
	struct backend *b = open_worker(loop, "echo 'no module named numpy' "
	    ">&2; exit 1", 1, 0);
	struct backend_result r;
	struct backend_job j;
	char *why = NULL;
	int i;

	for (i = 0; i < 3; i++) {
		send(b, i);
		next_end(b, loop, &r);
		ck_assert_int_eq(r.end, BACKEND_WORKER_LOST);
		backend_result_clear(&r);
	}
	memset(&j, 0, sizeof j);
	j.input = "{}\n";
	j.input_len = 3;
	ck_assert_int_eq(backend_start(b, &j, &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "3 times in a row"));
	ck_assert_ptr_nonnull(strstr(why, "no module named numpy"));
	free(why);
	backend_close(b, false);
	loop_free(loop);
}
END_TEST

Suite *
suite_worker(void)
{
	Suite *s = suite_create("worker");
	TCase *tc = tcase_create("protocol");
	TCase *tb = tcase_create("backend");

	tcase_add_test(tc, test_request);
	tcase_add_test(tc, test_request_from_experiment);
	tcase_add_test(tc, test_framing);
	tcase_add_test(tc, test_pipelining);
	tcase_add_test(tc, test_error_and_malformed);
	tcase_add_test(tc, test_huge_line);
	tcase_add_test(tc, test_stray);
	suite_add_tcase(s, tc);
	tcase_add_test(tb, test_backend_answers);
	tcase_add_test(tb, test_backend_dies);
	tcase_add_test(tb, test_backend_closes_output);
	tcase_add_test(tb, test_backend_never_reads);
	tcase_add_test(tb, test_backend_answers_twice);
	tcase_add_test(tb, test_backend_startup_deaths);
	suite_add_tcase(s, tb);
	return s;
}
