/*
 * cmd_control.c -- the commands that steer a campaign: resume, pause,
 * cancel, retry, purge and wait.  A request is written to the notebook
 * (the control column, re-queued rows, a purge time) and the runner is
 * woken with SIGUSR1; when no runner is alive, the command starts one
 * (resume, retry) or does the work itself (cancel, purge).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign.h"
#include "cmd_int.h"
#include "lock.h"
#include "runner.h"

const char cmd_resume_help[] =
"Continue the campaign TAG.  A paused runner starts new jobs again; if\n"
"the campaign has no runner (stopped, cancelled, or its runner died), a\n"
"new detached runner kills what is left of the jobs that were\n"
"interrupted, re-queues them, then runs the rest.  Finished jobs are never\n"
"run again and never recorded twice.  Exit status 6 if no runner starts.\n"
"  --wait   run in the foreground until the end instead\n"
"  --log    with --wait: write the runner's events to standard error\n";

const char cmd_pause_help[] =
"Pause the campaign TAG: its runner starts no new jobs; jobs already\n"
"running finish and are recorded.  'labrat resume TAG' carries on.\n"
"Requests are ordered (the last one wins) and answered: pause returns\n"
"once the runner has paused.\n";

const char cmd_cancel_help[] =
"Cancel the campaign TAG: its running jobs are killed and recorded as\n"
"cancelled; everything recorded so far is kept, and pending points stay\n"
"pending ('labrat resume TAG' would run them).\n";

const char cmd_retry_help[] =
"Run again the failed jobs of TAG (each gets a new attempt; the failed\n"
"attempt stays in the notebook), starting a runner if none is alive.\n"
"  --failed      re-queue failed jobs (the default)\n"
"  --cancelled   re-queue cancelled (and purged) jobs\n"
"  --wait        run them in the foreground\n";

const char cmd_purge_help[] =
"Give up on running jobs of TAG that are stuck, or whose runner is gone,\n"
"so that they stop holding the campaign back (epyc's updateResults with\n"
"purge): they are recorded as cancelled.  With a live runner, it kills\n"
"them; without one, their rows are closed.\n"
"  --older-than T   only jobs running for longer than T (30, 5m, 2h)\n";

const char cmd_wait_help[] =
"Block until the campaigns TAG (default: every result set) are finished,\n"
"like epyc's ClusterLab.wait().  Exit status 0 when they are, 4 when the\n"
"timeout passes first, 5 when one has no runner to finish it (resume it).\n"
"  --timeout S   give up after S seconds (30, 5m, 2h)\n";

/* How long a started runner gets to show up, a request to be answered,
 * and a cancel to finish. */
#define CMD_CONTROL_START_TIMEOUT 10.0
#define CMD_CONTROL_ACK_TIMEOUT 10.0
#define CMD_CONTROL_STOP_TIMEOUT 30.0

/* Parse -n/--wait/--log/... options common to these commands. */
struct control_args {
	bool wait;
	bool log;
	bool failed;
	bool cancelled;
	double older_than;
	double timeout;
	bool has_timeout;
	int ready_fd;
};

static int
cmd_control_options(const char *name, const char *help, int argc,
    char **argv, struct control_args *a)
{
	enum { OPT_WAIT = 256, OPT_LOG, OPT_FAILED, OPT_CANCELLED, OPT_OLDER,
	    OPT_TIMEOUT, OPT_READY };
	static const struct option longopts[] = {
		{ "notebook", required_argument, NULL, 'n' },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ "log", no_argument, NULL, OPT_LOG },
		{ "failed", no_argument, NULL, OPT_FAILED },
		{ "cancelled", no_argument, NULL, OPT_CANCELLED },
		{ "older-than", required_argument, NULL, OPT_OLDER },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		/* Internal: the pipe a detached runner closes once it has
		 * recorded its start (campaign_detach). */
		{ "ready-fd", required_argument, NULL, OPT_READY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *e = cmd_find(name);
	int c;

	memset(a, 0, sizeof *a);
	a->ready_fd = -1;
	while ((c = getopt_long(argc, argv, "n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			cmd_notebook_arg = optarg;
			break;
		case OPT_WAIT:
			a->wait = true;
			break;
		case OPT_LOG:
			a->log = true;
			break;
		case OPT_FAILED:
			a->failed = true;
			break;
		case OPT_CANCELLED:
			a->cancelled = true;
			break;
		case OPT_OLDER:
			if (util_parse_duration(optarg, &a->older_than) != 0)
				return cmd_usage(name, "--older-than needs a "
				    "duration such as 30, 5m or 2h, not '%s'",
				    optarg);
			break;
		case OPT_READY:
			a->ready_fd = atoi(optarg);
			break;
		case OPT_TIMEOUT:
			if (util_parse_duration(optarg, &a->timeout) != 0)
				return cmd_usage(name, "--timeout needs a "
				    "duration such as 30, 5m or 2h, not '%s'",
				    optarg);
			a->has_timeout = true;
			break;
		case 'h':
			printf("usage: labrat %s %s\n\n%s", e->name, e->args,
			    help);
			return -1;
		default:
			return cmd_usage(name, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	return 0;
}

/* Open the notebook and load the one set named by the only argument. */
static int
cmd_control_set(const char *name, int argc, char **argv,
    struct notebook **nb, struct nb_set *s)
{
	int rc;

	*nb = NULL;
	if (optind != argc - 1)
		return cmd_usage(name, "give the tag of one result set "
		    "('labrat sets' lists them)");
	if ((rc = cmd_open_notebook(nb, NOTEBOOK_WRITE)) != 0)
		return rc;
	if ((rc = cmd_find_set(*nb, argv[optind], s)) != 0) {
		notebook_close(*nb);
		*nb = NULL;
	}
	return rc;
}

/* The set's state now (re-reading its row). */
static int
cmd_control_state(struct notebook *nb, struct nb_set *s,
    enum campaign_state *st, struct nb_counts *c)
{
	struct nb_counts tmp;
	char *err = NULL;
	int64_t id = s->id;

	notebook_set_clear(s);
	if (notebook_set_get(nb, id, s, &err) != 0 ||
	    notebook_counts(nb, s, c != NULL ? c : &tmp, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		return CMD_EXIT_NOTEBOOK;
	}
	*st = campaign_state(notebook_path(nb), s, c != NULL ? c : &tmp);
	return 0;
}

static void
cmd_control_sleep(int ms)
{
	poll(NULL, 0, ms);
}

/* Report a notebook write that failed (rc != 0, *err owned); 0 or an exit
 * code.  err is read after the call that fills it. */
static int
cmd_control_write(int rc, char **err)
{
	if (rc == 0)
		return 0;
	cmd_error("%s", *err != NULL ? *err : "the notebook refused a write");
	free(*err);
	*err = NULL;
	return CMD_EXIT_NOTEBOOK;
}

/* Refuse to steer a locked set: CMD_EXIT_NOTEBOOK, or 0 if not locked. */
static int
cmd_control_unlocked(const struct nb_set *s)
{
	if (!s->locked)
		return 0;
	cmd_error("result set '%s' is locked: its results are final and "
	    "nothing runs in it; start a new tag to run more", s->tag);
	return CMD_EXIT_NOTEBOOK;
}

/* Print the campaign's state and, if there is one, why. */
static void
cmd_control_report(struct notebook *nb, const struct nb_set *s,
    enum campaign_state st, const char *what)
{
	char *why = campaign_reason(notebook_path(nb), s, st);

	if (campaign_live(st))
		printf("%s: %s%s (runner pid %" PRId64 ")\n", s->tag, what,
		    campaign_state_name(st), s->runner_pid);
	else
		printf("%s: %s%s\n", s->tag, what, campaign_state_name(st));
	if (why != NULL)
		printf("  %s\n", why);
	free(why);
}

/*
 * Record control request control for the set; *seq is its number.
 * Requests are ordered: the last one wins.
 */
static int
cmd_control_request(struct notebook *nb, struct nb_set *s,
    const char *control, int64_t *seq)
{
	char *err = NULL;

	return cmd_control_write(notebook_set_control(nb, s->id, control, seq,
	    &err), &err);
}

/*
 * Wake the live runner and wait until it has acted on request seq (or is
 * gone): 0 acted on, 1 no runner any more, 2 not yet answered (it will
 * act on it when it can), or an exit code.  *st is the state then.
 */
static int
cmd_control_await(struct notebook *nb, struct nb_set *s, int64_t seq,
    enum campaign_state *st)
{
	double until = util_monotonic() + CMD_CONTROL_ACK_TIMEOUT;
	double nudged = 0;
	int rc;

	for (;;) {
		if ((rc = cmd_control_state(nb, s, st, NULL)) != 0)
			return rc;
		if (!campaign_live(*st))
			return s->control_ack >= seq ? 0 : 1;
		if (s->control_ack >= seq)
			return 0;
		/* Nudge again now and then: a runner that was starting may
		 * not have recorded its pid at the first try. */
		if (util_monotonic() - nudged >= 0.5) {
			campaign_nudge(notebook_path(nb), s);
			nudged = util_monotonic();
		}
		if (util_monotonic() > until)
			return 2;
		cmd_control_sleep(10);
	}
}

/* Say that the runner of s did not start, with what its log says. */
static void
cmd_control_no_start(struct notebook *nb, const struct nb_set *s)
{
	char *log = campaign_log_path(notebook_path(nb));
	char *last = campaign_log_last(notebook_path(nb), s->tag);

	cmd_error("the runner of '%s' did not start%s%s; its log is %s",
	    s->tag, last != NULL ? ": " : "", last != NULL ? last : "", log);
	free(last);
	free(log);
}

int
cmd_start_detached(struct notebook *nb, const char *tag)
{
	struct nb_set s;
	struct pollfd pfd;
	enum campaign_state st;
	char *err = NULL, *log;
	double until;
	int64_t seq = 0;
	int rc, ready = -1;

	if ((rc = cmd_find_set(nb, tag, &s)) != 0)
		return rc;
	if ((rc = cmd_control_request(nb, &s, "run", &seq)) != 0)
		goto out;
	if ((rc = campaign_detach(notebook_path(nb), tag, &ready, &err)) != 0) {
		cmd_error("%s", err);
		free(err);
		rc = rc == CAMPAIGN_REFUSED ? CMD_EXIT_NOTEBOOK : CMD_EXIT_RUNNER;
		goto out;
	}
	/*
	 * Wait until a runner has taken the request: it then holds the
	 * lock and has recorded its pid, or it has ended already.  The
	 * ready pipe reaches its end as soon as either happens.  With
	 * several starts at once, one runner wins and answers them all.
	 */
	until = util_monotonic() + CMD_CONTROL_START_TIMEOUT;
	pfd.fd = ready;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, (int)(CMD_CONTROL_START_TIMEOUT * 1000)) == -1 &&
	    errno == EINTR)
		;
	close(ready);
	for (;;) {
		if ((rc = cmd_control_state(nb, &s, &st, NULL)) != 0)
			goto out;
		if (s.control_ack >= seq)
			break;
		/* The runner ended without a word: it failed to start (a
		 * live one would hold the lock). */
		if (util_monotonic() > until || lock_held(notebook_path(nb),
		    s.id) == 0) {
			cmd_control_no_start(nb, &s);
			rc = CMD_EXIT_RUNNER;
			goto out;
		}
		cmd_control_sleep(10);
	}
	if (!campaign_live(st)) {
		/* It ended already: say how. */
		cmd_control_report(nb, &s, st, "");
		if (st != CAMPAIGN_FINISHED && st != CAMPAIGN_CANCELLED)
			rc = CMD_EXIT_RUNNER;
		goto out;
	}
	log = campaign_log_path(notebook_path(nb));
	printf("%s: runner %s (pid %" PRId64 "), detached: it goes on if "
	    "you log out\n", tag, campaign_state_name(st), s.runner_pid);
	printf("  labrat status %s       progress and ready fraction\n"
	    "  labrat wait %s         block until it is finished\n"
	    "  labrat export -t %s    the results so far, as CSV\n"
	    "  labrat pause|cancel %s\n"
	    "  log: %s\n", tag, tag, tag, tag, log);
	free(log);
out:
	notebook_set_clear(&s);
	return rc;
}

/* After re-queuing work or resuming: the live runner carries on (told
 * to run), or a new one starts. */
static int
cmd_control_wake_or_start(struct notebook *nb, struct nb_set *s,
    const struct control_args *a)
{
	enum campaign_state st;
	double until = util_monotonic() + CMD_CONTROL_STOP_TIMEOUT;
	int64_t seq = 0;
	int rc;

	for (;;) {
		if ((rc = cmd_control_state(nb, s, &st, NULL)) != 0)
			return rc;
		if (!campaign_live(st))
			break;
		/* A runner that already wrote its last word is on its way
		 * out: let it go, then start a new one for the new work. */
		if (strcmp(s->status, "finished") != 0 &&
		    strcmp(s->status, "stopped") != 0 &&
		    strcmp(s->status, "cancelled") != 0) {
			if ((rc = cmd_control_request(nb, s, "run", &seq)) != 0)
				return rc;
			switch (rc = cmd_control_await(nb, s, seq, &st)) {
			case 0:
				cmd_control_report(nb, s, st, "");
				return CMD_EXIT_OK;
			case 1:
				/* It ended meanwhile: start another. */
				continue;
			case 2:
				printf("%s: resume recorded; the runner (pid %"
				    PRId64 ") acts on it as soon as it can\n",
				    s->tag, s->runner_pid);
				return CMD_EXIT_OK;
			default:
				return rc;
			}
		}
		if (util_monotonic() > until) {
			cmd_error("the runner of '%s' (pid %" PRId64 ") does not "
			    "exit", s->tag, s->runner_pid);
			return CMD_EXIT_RUNNER;
		}
		cmd_control_sleep(10);
	}
	if (a->wait) {
		if ((rc = cmd_control_request(nb, s, "run", &seq)) != 0)
			return rc;
		return cmd_run_campaign(nb, s->tag, a->log, a->ready_fd);
	}
	return cmd_start_detached(nb, s->tag);
}

int
cmd_resume(int argc, char **argv)
{
	struct control_args a;
	struct notebook *nb;
	struct nb_set s;
	struct nb_counts c;
	enum campaign_state st;
	int rc;

	if ((rc = cmd_control_options("resume", cmd_resume_help, argc, argv,
	    &a)) != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	if ((rc = cmd_control_set("resume", argc, argv, &nb, &s)) != 0)
		return rc;
	if ((rc = cmd_control_unlocked(&s)) == 0 &&
	    (rc = cmd_control_state(nb, &s, &st, &c)) == 0) {
		if (st == CAMPAIGN_FINISHED && c.pending == 0 &&
		    c.n[NB_RUNNING] == 0)
			printf("%s: finished, nothing to resume ('labrat retry "
			    "%s' runs failed jobs again)\n", s.tag, s.tag);
		else
			rc = cmd_control_wake_or_start(nb, &s, &a);
	}
	notebook_set_clear(&s);
	notebook_close(nb);
	return rc;
}

int
cmd_pause(int argc, char **argv)
{
	struct control_args a;
	struct notebook *nb;
	struct nb_set s;
	enum campaign_state st;
	int64_t seq = 0;
	int rc;

	if ((rc = cmd_control_options("pause", cmd_pause_help, argc, argv,
	    &a)) != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	if ((rc = cmd_control_set("pause", argc, argv, &nb, &s)) != 0)
		return rc;
	if ((rc = cmd_control_unlocked(&s)) != 0 ||
	    (rc = cmd_control_state(nb, &s, &st, NULL)) != 0)
		goto out;
	if (!campaign_live(st)) {
		cmd_error("'%s' has no live runner to pause (it is %s)", s.tag,
		    campaign_state_name(st));
		rc = CMD_EXIT_USAGE;
		goto out;
	}
	if ((rc = cmd_control_request(nb, &s, "pause", &seq)) != 0)
		goto out;
	switch (rc = cmd_control_await(nb, &s, seq, &st)) {
	case 0:
		if (st == CAMPAIGN_PAUSED)
			printf("%s: paused; running jobs finish, no new ones "
			    "start ('labrat resume %s' carries on)\n", s.tag,
			    s.tag);
		else
			cmd_control_report(nb, &s, st, "");
		rc = CMD_EXIT_OK;
		break;
	case 1:
		cmd_control_report(nb, &s, st, "not paused: its runner ended; "
		    "it is ");
		rc = CMD_EXIT_OK;
		break;
	case 2:
		printf("%s: pause recorded; the runner (pid %" PRId64 ") acts "
		    "on it as soon as it can\n", s.tag, s.runner_pid);
		rc = CMD_EXIT_OK;
		break;
	}
out:
	notebook_set_clear(&s);
	notebook_close(nb);
	return rc;
}

/*
 * With no live runner: kill what is left of the set's running jobs (those
 * started before `before`, 0: all), then record them as cancelled with
 * reason.  *n is how many.
 */
static int
cmd_control_give_up(struct notebook *nb, struct nb_set *s, double before,
    const char *reason, uint64_t *n)
{
	uint64_t done = 0, left = 0;
	char *err = NULL, *why = NULL;
	int rc;

	if (runner_reclaim(nb, s, NULL, before, false, &done, &left, &why,
	    &err) != 0)
		return cmd_control_write(-1, &err);
	if (why != NULL)
		cmd_error("%" PRIu64 " job(s) could not be stopped: %s", left,
		    why);
	free(why);
	rc = notebook_purge(nb, s->id, before, reason, n, &err);
	return cmd_control_write(rc, &err);
}

int
cmd_cancel(int argc, char **argv)
{
	struct control_args a;
	struct notebook *nb;
	struct nb_set s;
	struct nb_counts c;
	enum campaign_state st;
	uint64_t n = 0;
	int64_t seq = 0;
	double until = util_monotonic() + CMD_CONTROL_STOP_TIMEOUT;
	char *err = NULL;
	int rc;

	if ((rc = cmd_control_options("cancel", cmd_cancel_help, argc, argv,
	    &a)) != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	if ((rc = cmd_control_set("cancel", argc, argv, &nb, &s)) != 0)
		return rc;
	if ((rc = cmd_control_unlocked(&s)) != 0 ||
	    (rc = cmd_control_state(nb, &s, &st, &c)) != 0)
		goto out;
	if (!campaign_live(st) && (st == CAMPAIGN_FINISHED ||
	    st == CAMPAIGN_CANCELLED)) {
		printf("%s: %s, nothing to cancel\n", s.tag,
		    campaign_state_name(st));
		goto out;
	}
	if ((rc = cmd_control_request(nb, &s, "cancel", &seq)) != 0)
		goto out;
	if (campaign_live(st)) {
		/* The runner kills its jobs and records them. */
		campaign_nudge(notebook_path(nb), &s);
		while (lock_held(notebook_path(nb), s.id) == 1) {
			if (util_monotonic() > until) {
				cmd_error("the runner of '%s' (pid %" PRId64
				    ") does not stop", s.tag, s.runner_pid);
				rc = CMD_EXIT_RUNNER;
				goto out;
			}
			campaign_nudge(notebook_path(nb), &s);
			cmd_control_sleep(10);
		}
	} else {
		/* No runner: stop and close what it left running. */
		if ((rc = cmd_control_give_up(nb, &s, 0,
		    "cancelled by 'labrat cancel'", &n)) != 0 ||
		    (rc = cmd_control_write(notebook_set_status(nb, s.id,
		    "cancelled", 0, 0, "cancelled by 'labrat cancel'", &err),
		    &err)) != 0)
			goto out;
	}
	if ((rc = cmd_control_state(nb, &s, &st, NULL)) == 0)
		printf("%s: %s; everything recorded is kept\n", s.tag,
		    campaign_state_name(st));
out:
	notebook_set_clear(&s);
	notebook_close(nb);
	return rc;
}

int
cmd_retry(int argc, char **argv)
{
	struct control_args a;
	struct notebook *nb;
	struct nb_set s;
	unsigned mask = 0;
	uint64_t n = 0;
	char *err = NULL;
	int rc;

	if ((rc = cmd_control_options("retry", cmd_retry_help, argc, argv,
	    &a)) != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	if ((rc = cmd_control_set("retry", argc, argv, &nb, &s)) != 0)
		return rc;
	if ((rc = cmd_control_unlocked(&s)) != 0)
		goto out;
	if (a.failed || !a.cancelled)
		mask |= NB_STATE_BIT(NB_FAILED);
	if (a.cancelled)
		mask |= NB_STATE_BIT(NB_CANCELLED);
	rc = notebook_requeue(nb, s.id, mask, &n, &err);
	if ((rc = cmd_control_write(rc, &err)) != 0)
		goto out;
	printf("%s: %" PRIu64 " job(s) queued to run again\n", s.tag, n);
	if (n > 0)
		rc = cmd_control_wake_or_start(nb, &s, &a);
out:
	notebook_set_clear(&s);
	notebook_close(nb);
	return rc;
}

int
cmd_purge(int argc, char **argv)
{
	struct control_args a;
	struct notebook *nb;
	struct nb_set s;
	struct nb_counts c;
	enum campaign_state st;
	double before;
	uint64_t n = 0;
	char *err = NULL;
	int rc;

	if ((rc = cmd_control_options("purge", cmd_purge_help, argc, argv,
	    &a)) != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	if ((rc = cmd_control_set("purge", argc, argv, &nb, &s)) != 0)
		return rc;
	before = util_now() - a.older_than;
	if ((rc = cmd_control_unlocked(&s)) != 0 ||
	    (rc = cmd_control_state(nb, &s, &st, &c)) != 0)
		goto out;
	if (campaign_live(st)) {
		rc = notebook_set_purge_before(nb, s.id, before, &err);
		if ((rc = cmd_control_write(rc, &err)) != 0)
			goto out;
		campaign_nudge(notebook_path(nb), &s);
		printf("%s: the runner gives up on its jobs running for more "
		    "than %g s (of %" PRIu64 " running)\n", s.tag,
		    a.older_than, c.n[NB_RUNNING]);
	} else {
		if ((rc = cmd_control_give_up(nb, &s, before,
		    "purged: its runner was gone", &n)) != 0)
			goto out;
		printf("%s: %" PRIu64 " job(s) left running by a runner that is "
		    "gone are now cancelled\n", s.tag, n);
	}
out:
	notebook_set_clear(&s);
	notebook_close(nb);
	return rc;
}

int
cmd_wait(int argc, char **argv)
{
	struct control_args a;
	struct notebook *nb;
	struct nb_set *sets = NULL;
	struct nb_counts c;
	enum campaign_state st;
	size_t n = 0, i, left = 0;
	int64_t version = -1, v;
	double until, last_check = 0;
	char *err = NULL;
	int rc;

	if ((rc = cmd_control_options("wait", cmd_wait_help, argc, argv,
	    &a)) != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	if ((rc = cmd_open_notebook(&nb, NOTEBOOK_READ)) != 0)
		return rc;
	if (optind == argc) {
		if (notebook_set_list(nb, &sets, &n, &err) != 0) {
			rc = cmd_control_write(-1, &err);
			goto out;
		}
	} else {
		sets = xcalloc((size_t)(argc - optind), sizeof *sets);
		for (; optind < argc; optind++, n++) {
			if ((rc = cmd_find_set(nb, argv[optind], &sets[n])) !=
			    0)
				goto out;
		}
	}
	until = util_monotonic() + a.timeout;
	for (;;) {
		/* Look again when the notebook changed, or every second for
		 * runners that die without a word. */
		v = notebook_data_version(nb);
		if (v != version || util_monotonic() - last_check >= 1) {
			version = v;
			last_check = util_monotonic();
			for (i = 0, left = 0; i < n; i++) {
				if ((rc = cmd_control_state(nb, &sets[i], &st,
				    &c)) != 0)
					goto out;
				if (st == CAMPAIGN_FINISHED ||
				    st == CAMPAIGN_CANCELLED)
					continue;
				if (!campaign_live(st)) {
					cmd_error("'%s' is %s: no runner will "
					    "finish it ('labrat resume %s')",
					    sets[i].tag, campaign_state_name(st),
					    sets[i].tag);
					rc = CMD_EXIT_NORUNNER;
					goto out;
				}
				left++;
			}
			if (left == 0)
				break;
		}
		if (a.has_timeout && util_monotonic() >= until) {
			cmd_error("timed out after %g s with %zu campaign(s) "
			    "still running", a.timeout, left);
			rc = CMD_EXIT_TIMEOUT;
			goto out;
		}
		cmd_control_sleep(50);
	}
	rc = cmd_print_status(nb, sets, n, false);
out:
	for (i = 0; i < n; i++)
		notebook_set_clear(&sets[i]);
	free(sets);
	notebook_close(nb);
	return rc;
}
