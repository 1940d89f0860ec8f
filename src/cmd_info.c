/*
 * cmd_info.c -- the commands that read the notebook: `sets`, `status`
 * (epyc's readyFraction per result set), `show` (one set in full) and
 * `lock` (epyc's finish()).  None of them needs a runner to be alive.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign.h"
#include "cmd_int.h"
#include "experiment.h"
#include "json.h"
#include "space.h"
#include "summary.h"

const char cmd_sets_help[] =
"List the result sets of the notebook, oldest first: tag, jobs, status,\n"
"creation time and description.\n";

const char cmd_status_help[] =
"Show, for each result set (or the TAGs given), the state of its campaign,\n"
"its jobs by state and the ready fraction: the share of jobs that have\n"
"finished, successfully or not (epyc's readyFraction).  pending = not\n"
"started yet or queued for a retry.  The state is one of:\n"
"  running    a runner is alive and starting jobs\n"
"  paused     a runner is alive but starts no new jobs (labrat resume)\n"
"  finished   nothing left to run\n"
"  cancelled  cancelled by labrat cancel (labrat resume runs the rest)\n"
"  stopped    its runner was stopped (Ctrl-C, a signal, an error); labrat\n"
"             resume\n"
"  dead       its runner vanished with work left; labrat resume\n"
"  stalled    a runner is alive but has not written for 10 s: another\n"
"             program holds the notebook; its jobs go on\n"
"  new        recorded, but no runner has started it yet\n"
"A 'why:' line says why a campaign is stopped, dead, cancelled or\n"
"stalled (\"reason\" in --json).  It needs no runner and writes nothing:\n"
"everything comes from the notebook.\n"
"  --json   one JSON object per set, one per line, for scripts\n";

const char cmd_show_help[] =
"Describe the result set TAG: description and attributes, the parameter\n"
"space, the experiment command, limits, progress by state, a summary\n"
"(count, mean, min, max) of every numeric result, and the latest failures\n"
"with their reasons and the end of their standard error.  Control\n"
"characters in what jobs and users wrote (escape sequences) show as '?'.\n";

const char cmd_lock_help[] =
"Lock the result set TAG (epyc's finish()): its results become final and\n"
"no job can start or finish in it any more.  There is no unlock.\n";

/* Parse the -n/--json/--help options shared by the info commands. */
static int
cmd_info_options(const char *name, const char *help, int argc, char **argv,
    bool *json)
{
	static const struct option longopts[] = {
		{ "notebook", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *e = cmd_find(name);
	int c;

	while ((c = getopt_long(argc, argv, "n:h", longopts, NULL)) != -1) {
		if (c == 'n')
			cmd_notebook_arg = optarg;
		else if (c == 'j' && json != NULL)
			*json = true;
		else if (c == 'h') {
			printf("usage: labrat %s %s\n\n%s", e->name, e->args,
			    help);
			return -1;
		} else
			return cmd_usage(name, "unknown option '%s'",
			    argv[optind - 1]);
	}
	return 0;
}

/*
 * Text from a job or a user (tags, descriptions, commands, names, standard
 * error) cleaned into b for the terminal, the way the console draws it:
 * control characters as '?' so no escape sequence gets through, and
 * non-ASCII characters too unless the locale is UTF-8.  Returns b->data.
 */
static const char *
cmd_info_clean(struct buf *b, const char *s, int flags)
{
	buf_reset(b);
	if (!util_is_utf8_locale())
		flags |= UTIL_TEXT_ASCII;
	util_clean_text(b, s, strlen(s), flags);
	return b->data;
}

/* Format time t (seconds since the epoch) as local date and minutes. */
static void
cmd_info_time(char *out, size_t len, double t)
{
	time_t sec = (time_t)t;
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M", &tm);
}

/* Print the engines of a live campaign on another backend than local:
 * one line per host with its state, and its last error if it is not up.
 * *all_down tells if none is up. */
static void
cmd_info_engines(const struct nb_set *s, int w, bool *all_down)
{
	struct json_object hosts, e;
	const struct json_member *m;
	char *err = NULL;
	struct buf t;
	size_t i;

	*all_down = false;
	if (strcmp(s->backend, "local") == 0 || json_parse_object(s->engines,
	    strlen(s->engines), &hosts, &err, NULL) != 0) {
		free(err);
		return;
	}
	buf_init(&t);
	*all_down = hosts.n > 0;
	for (i = 0; i < hosts.n; i++) {
		if (json_parse_object(hosts.members[i].text,
		    hosts.members[i].len, &e, &err, NULL) != 0) {
			free(err);
			err = NULL;
			continue;
		}
		printf("%*s  host %s", w, "", cmd_info_clean(&t,
		    hosts.members[i].name, 0));
		if ((m = json_object_get(&e, "state")) != NULL) {
			printf(": %s", cmd_info_clean(&t, m->text, 0));
			if (strcmp(m->text, "up") == 0)
				*all_down = false;
		}
		if ((m = json_object_get(&e, "busy")) != NULL)
			printf(", %s", m->text);
		if ((m = json_object_get(&e, "slots")) != NULL)
			printf("/%s engines busy", m->text);
		if ((m = json_object_get(&e, "done")) != NULL)
			printf(", %s done", m->text);
		if ((m = json_object_get(&e, "rtt_ms")) != NULL)
			printf(", rtt %s ms", m->text);
		if ((m = json_object_get(&e, "error")) != NULL)
			printf(" (%s)", cmd_info_clean(&t, m->text, 0));
		printf("\n");
		json_object_free(&e);
	}
	json_object_free(&hosts);
	buf_free(&t);
}

/* Append ,"backend":...,"engines":{...} for a remote set (the engines
 * re-written, so that the output is valid JSON whatever the notebook
 * holds). */
static void
cmd_info_json_engines(struct buf *b, const struct nb_set *s)
{
	struct json_object o;
	char *err = NULL;

	buf_adds(b, ",\"backend\":");
	json_append_string(b, s->backend, strlen(s->backend));
	buf_adds(b, ",\"engines\":");
	if (json_parse_object(s->engines, strlen(s->engines), &o, &err,
	    NULL) == 0) {
		json_append_object(b, &o);
		json_object_free(&o);
	} else {
		buf_adds(b, "{}");
		free(err);
	}
}

/* Print the sbatch options and spool of a SLURM campaign. */
static void
cmd_show_slurm(const struct json_object *o, struct buf *t)
{
	static const char *const strs[] = { "partition", "account", "qos" };
	static const char *const nums[][2] = {
		{ "points_per_task", "points a task" },
		{ "throttle", "tasks at once at most" },
		{ "cpus_per_task", "cpus a task" },
		{ "interval", "s between polls" } };
	const struct json_member *m;
	char *err = NULL, **args = NULL;
	size_t i;

	printf("slurm      ");
	for (i = 0; i < UTIL_ARRLEN(strs); i++) {
		if ((m = json_object_get(o, strs[i])) != NULL &&
		    m->type == JSON_STRING)
			printf(" %s %s,", strs[i], cmd_info_clean(t, m->text, 0));
	}
	for (i = 0; i < UTIL_ARRLEN(nums); i++) {
		if ((m = json_object_get(o, nums[i][0])) != NULL &&
		    m->type == JSON_NUMBER && strcmp(m->text, "0") != 0)
			printf(" %s %s%s", m->text, nums[i][1],
			    i + 1 < UTIL_ARRLEN(nums) ? "," : "");
	}
	putchar('\n');
	if ((m = json_object_get(o, "sbatch")) != NULL &&
	    m->type == JSON_ARRAY &&
	    json_parse_string_array(m->text, m->len, &args, &err) == 0) {
		for (i = 0; args[i] != NULL; i++)
			printf("%s %s\n", i == 0 ? "sbatch     " : "           ",
			    cmd_info_clean(t, args[i], 0));
		util_strv_free(args);
	}
	free(err);
	if ((m = json_object_get(o, "dir")) != NULL && m->type == JSON_STRING)
		printf("spool       %s\n", cmd_info_clean(t, m->text, 0));
}

/* Print the hosts and staged files of a remote campaign. */
static void
cmd_show_backend(const struct nb_set *s, struct buf *t)
{
	struct json_object o;
	const struct json_member *m;
	char *err = NULL, **stage = NULL;
	size_t i;

	if (strcmp(s->backend, "local") == 0 ||
	    json_parse_object(s->backend_args, strlen(s->backend_args), &o,
	    &err, NULL) != 0) {
		free(err);
		return;
	}
	if ((m = json_object_get(&o, "hosts")) != NULL &&
	    m->type == JSON_STRING)
		printf("hosts       %s\n", cmd_info_clean(t, m->text, 0));
	if (strcmp(s->backend, "slurm") == 0)
		cmd_show_slurm(&o, t);
	if ((m = json_object_get(&o, "stage")) != NULL &&
	    m->type == JSON_ARRAY &&
	    json_parse_string_array(m->text, m->len, &stage, &err) == 0) {
		for (i = 0; stage[i] != NULL; i++)
			printf("%s %s\n", i == 0 ? "staged     " : "           ",
			    cmd_info_clean(t, stage[i], 0));
		util_strv_free(stage);
	}
	free(err);
	json_object_free(&o);
}

int
cmd_print_status(struct notebook *nb, struct nb_set *sets, size_t n,
    bool json)
{
	struct nb_counts c;
	enum campaign_state st;
	const char *state;
	struct buf b;
	char *err = NULL, *why = NULL;
	size_t i;
	int w = 3;

	buf_init(&b);
	for (i = 0; i < n && !json; i++) {
		if ((int)strlen(cmd_info_clean(&b, sets[i].tag, 0)) > w)
			w = (int)b.len;
	}
	if (!json && n > 0)
		printf("%-*s  %-9s %6s %9s %9s %7s %7s %9s %9s\n", w, "TAG",
		    "STATUS", "READY", "JOBS", "OK", "FAILED", "RUNNING",
		    "PENDING", "CANCELLED");
	for (i = 0; i < n; i++) {
		if (notebook_counts(nb, &sets[i], &c, &err) != 0) {
			cmd_error("%s", err);
			free(err);
			free(why);
			buf_free(&b);
			return CMD_EXIT_NOTEBOOK;
		}
		st = campaign_state(notebook_path(nb), &sets[i], &c);
		state = campaign_state_name(st);
		free(why);
		why = campaign_reason(notebook_path(nb), &sets[i], st);
		if (json) {
			buf_reset(&b);
			buf_adds(&b, "{\"tag\":");
			json_append_string(&b, sets[i].tag,
			    strlen(sets[i].tag));
			buf_printf(&b, ",\"status\":\"%s\",\"locked\":%s,"
			    "\"ready\":%.6f,\"total\":%" PRIu64 ",\"ok\":%"
			    PRIu64 ",\"failed\":%" PRIu64 ",\"running\":%"
			    PRIu64 ",\"pending\":%" PRIu64 ",\"cancelled\":%"
			    PRIu64 ",\"runner_pid\":%" PRId64, state,
			    sets[i].locked ? "true" : "false", c.ready,
			    c.total, c.n[NB_OK], c.n[NB_FAILED],
			    c.n[NB_RUNNING], c.pending, c.n[NB_CANCELLED],
			    campaign_live(st) ? sets[i].runner_pid : 0);
			if (why != NULL) {
				buf_adds(&b, ",\"reason\":");
				json_append_string(&b, why, strlen(why));
			}
			if (strcmp(sets[i].backend, "local") != 0)
				cmd_info_json_engines(&b, &sets[i]);
			buf_addc(&b, '}');
			puts(b.data);
			continue;
		}
		printf("%-*s  %-9s %5.1f%% %9" PRIu64 " %9" PRIu64 " %7"
		    PRIu64 " %7" PRIu64 " %9" PRIu64 " %9" PRIu64 "\n", w,
		    cmd_info_clean(&b, sets[i].tag, 0), sets[i].locked && st == CAMPAIGN_FINISHED ?
		    "locked" : state, floor(c.ready * 1000) / 10, c.total,
		    c.n[NB_OK],
		    c.n[NB_FAILED], c.n[NB_RUNNING], c.pending,
		    c.n[NB_CANCELLED]);
		if (why != NULL)
			printf("%*s  why: %s\n", w, "", why);
		if (campaign_live(st)) {
			bool all_down;

			cmd_info_engines(&sets[i], w, &all_down);
			if (all_down)
				printf("%*s  why: every host is down: the "
				    "campaign waits until one answers\n", w, "");
		}
	}
	free(why);
	buf_free(&b);
	return CMD_EXIT_OK;
}

/* Load the sets named in argv, or all of them; 0 or an exit code. */
static int
cmd_info_sets(struct notebook *nb, int argc, char **argv,
    struct nb_set **sets, size_t *n)
{
	char *err = NULL;
	int i, rc;

	if (argc == 0) {
		if (notebook_set_list(nb, sets, n, &err) != 0) {
			cmd_error("%s", err);
			free(err);
			return CMD_EXIT_NOTEBOOK;
		}
		return 0;
	}
	*sets = xcalloc((size_t)argc, sizeof **sets);
	for (i = 0, *n = 0; i < argc; i++) {
		if ((rc = cmd_find_set(nb, argv[i], &(*sets)[i])) != 0)
			return rc;
		(*n)++;
	}
	return 0;
}

static void
cmd_info_free_sets(struct nb_set *sets, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		notebook_set_clear(&sets[i]);
	free(sets);
}

int
cmd_status(int argc, char **argv)
{
	struct notebook *nb;
	struct nb_set *sets = NULL;
	size_t n = 0;
	bool json = false;
	int rc;

	if ((rc = cmd_info_options("status", cmd_status_help, argc, argv,
	    &json)) != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	if (!cmd_notebook_exists() && optind == argc) {
		if (!json)
			printf("no notebook %s yet: start a campaign with "
			    "'labrat run' (or try 'labrat demo')\n",
			    cmd_notebook_path());
		return CMD_EXIT_OK;
	}
	if ((rc = cmd_open_notebook(&nb, NOTEBOOK_READ)) != 0)
		return rc;
	rc = cmd_info_sets(nb, argc - optind, argv + optind, &sets, &n);
	if (rc == 0 && n == 0 && !json)
		printf("no result sets in %s yet: start one with 'labrat run' "
		    "(or try 'labrat demo')\n", notebook_path(nb));
	else if (rc == 0)
		rc = cmd_print_status(nb, sets, n, json);
	cmd_info_free_sets(sets, n);
	notebook_close(nb);
	return rc;
}

int
cmd_sets(int argc, char **argv)
{
	struct notebook *nb;
	struct nb_set *sets = NULL;
	struct buf tag, desc;
	size_t n = 0, i;
	char when[64];
	int rc, w = 3;

	if ((rc = cmd_info_options("sets", cmd_sets_help, argc, argv,
	    NULL)) != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	if (optind != argc)
		return cmd_usage("sets", "takes no arguments");
	if (!cmd_notebook_exists()) {
		printf("no notebook %s yet: start a campaign with 'labrat run' "
		    "(or try 'labrat demo')\n", cmd_notebook_path());
		return CMD_EXIT_OK;
	}
	if ((rc = cmd_open_notebook(&nb, NOTEBOOK_READ)) != 0)
		return rc;
	buf_init(&tag);
	buf_init(&desc);
	if ((rc = cmd_info_sets(nb, 0, NULL, &sets, &n)) == 0) {
		for (i = 0; i < n; i++) {
			if ((int)strlen(cmd_info_clean(&tag, sets[i].tag, 0)) >
			    w)
				w = (int)tag.len;
		}
		if (n > 0)
			printf("%-*s  %10s  %-9s %-16s  %s\n", w, "TAG", "JOBS",
			    "STATUS", "CREATED", "DESCRIPTION");
		for (i = 0; i < n; i++) {
			struct nb_counts c;
			char *err = NULL;
			const char *state = "?";

			if (notebook_counts(nb, &sets[i], &c, &err) == 0)
				state = sets[i].locked ? "locked" :
				    campaign_state_name(campaign_state(
				    notebook_path(nb), &sets[i], &c));
			free(err);
			cmd_info_time(when, sizeof when, sets[i].created);
			printf("%-*s  %10" PRIu64 "  %-9s %-16s  %s\n", w,
			    cmd_info_clean(&tag, sets[i].tag, 0),
			    sets[i].njobs, state, when,
			    cmd_info_clean(&desc, sets[i].description, 0));
		}
	}
	buf_free(&tag);
	buf_free(&desc);
	cmd_info_free_sets(sets, n);
	notebook_close(nb);
	return rc;
}

/* Statistics of every numeric result over the set's ok jobs. */
struct show_stats {
	char **names;
	double **vals;
	size_t *n, *cap;
	size_t nnames;
};

static int
cmd_show_collect(const struct nb_job *j, void *arg)
{
	struct show_stats *st = arg;
	struct json_object r;
	const struct json_member *m;
	char *err = NULL;
	size_t pos, i;

	if (j->results == NULL || json_parse_object(j->results,
	    strlen(j->results), &r, &err, &pos) != 0) {
		free(err);
		return 0;
	}
	for (i = 0; i < st->nnames; i++) {
		m = json_object_get(&r, st->names[i]);
		if (m == NULL || m->type != JSON_NUMBER)
			continue;
		if (st->n[i] == st->cap[i]) {
			st->cap[i] = st->cap[i] ? st->cap[i] * 2 : 64;
			st->vals[i] = xreallocarray(st->vals[i], st->cap[i],
			    sizeof **st->vals);
		}
		st->vals[i][st->n[i]++] = strtod(m->text, NULL);
	}
	json_object_free(&r);
	return 0;
}

/* Print one failed job: its reason, parameters and end of stderr. */
static int
cmd_show_failure(const struct nb_job *j, void *arg)
{
	int *left = arg;
	struct buf b;

	if ((*left)-- <= 0)
		return 1;
	buf_init(&b);
	printf("  point %" PRIu64 " rep %d attempt %d: %s\n", j->point, j->rep,
	    j->attempt, cmd_info_clean(&b, j->error != NULL ? j->error :
	    "failed", 0));
	printf("    params %s\n", cmd_info_clean(&b, j->params, 0));
	if (j->stderr_tail != NULL && *j->stderr_tail != '\0') {
		const char *p = j->stderr_tail, *nl;
		size_t len = strlen(p);

		/* The last few lines of standard error, indented. */
		if (len > 400)
			p += len - 400;
		if (p != j->stderr_tail && (nl = strchr(p, '\n')) != NULL)
			p = nl + 1;
		p = cmd_info_clean(&b, p, UTIL_TEXT_LINES);
		while (*p != '\0') {
			nl = strchr(p, '\n');
			printf("    | %.*s\n", nl ? (int)(nl - p) :
			    (int)strlen(p), p);
			p = nl ? nl + 1 : p + strlen(p);
		}
	}
	buf_free(&b);
	return 0;
}

/* Print everything about set s: the body of `labrat show`. */
static int
cmd_show_set(struct notebook *nb, struct nb_set *s)
{
	struct space *sp;
	struct experiment e;
	struct show_stats st;
	struct summary sum;
	struct buf b, t;
	char when[64], *err = NULL;
	size_t i;
	int left = 5;

	buf_init(&b);
	buf_init(&t);
	cmd_info_time(when, sizeof when, s->created);
	printf("result set  %s%s\n", cmd_info_clean(&t, s->tag, 0),
	    s->locked ? "  (locked)" : "");
	if (*s->description != '\0')
		printf("description %s\n", cmd_info_clean(&t, s->description,
		    0));
	if (strcmp(s->attributes, "{}") != 0)
		printf("attributes  %s\n", cmd_info_clean(&t, s->attributes,
		    0));
	printf("created     %s\n", when);
	printf("notebook    %s\n", cmd_info_clean(&t, notebook_path(nb), 0));
	printf("backend     %s, cores %d", cmd_info_clean(&t, s->backend, 0),
	    s->cores);
	if (s->timeout > 0)
		printf(", timeout %g s", s->timeout);
	if (s->mem_limit > 0)
		printf(", memory %" PRIu64 " MiB", s->mem_limit >> 20);
	printf(", retries %d, repeat %d\n", s->retries, s->repeat);
	cmd_show_backend(s, &t);
	printf("order       %s", s->sequential ? "sequential" : "random");
	if (!s->sequential)
		printf(" (seed %" PRIu64 ")", s->seed);
	printf("\n\nspace       %" PRIu64 " point(s)\n", s->npoints);
	if ((sp = space_from_json(s->space, &err)) != NULL) {
		space_describe(sp, &b);
		fputs(cmd_info_clean(&t, b.data != NULL ? b.data : "",
		    UTIL_TEXT_LINES), stdout);
		buf_reset(&b);
		space_free(sp);
	} else {
		printf("  (cannot read the stored space: %s)\n",
		    cmd_info_clean(&t, err, 0));
		free(err);
		err = NULL;
	}
	if (experiment_from_json(&e, s->experiment, &err) == 0) {
		experiment_describe(&e, &b);
		if (e.worker)
			buf_printf(&b, "  (persistent worker, --worker-depth "
			    "%d)", e.depth);
		printf("\nexperiment  %s\n", cmd_info_clean(&t,
		    b.data != NULL ? b.data : "", 0));
		buf_reset(&b);
		experiment_free(&e);
	} else {
		printf("\nexperiment  (cannot read it: %s)\n",
		    cmd_info_clean(&t, err, 0));
		free(err);
		err = NULL;
	}
	printf("\n");
	cmd_print_status(nb, s, 1, false);

	memset(&st, 0, sizeof st);
	if (notebook_names(nb, s->id, NB_NAME_RESULT, &st.names, &err) != 0)
		goto fail;
	st.nnames = util_strv_len(st.names);
	st.vals = xcalloc(st.nnames + 1, sizeof *st.vals);
	st.n = xcalloc(st.nnames + 1, sizeof *st.n);
	st.cap = xcalloc(st.nnames + 1, sizeof *st.cap);
	if (notebook_jobs_each(nb, s->id, NB_STATE_BIT(NB_OK), true,
	    cmd_show_collect, &st, &err) != 0)
		goto fail;
	if (st.nnames > 0)
		printf("\n%-20s %10s %14s %14s %14s %14s\n", "RESULT", "COUNT",
		    "MEAN", "MEDIAN", "MIN", "MAX");
	for (i = 0; i < st.nnames; i++) {
		summary_compute(st.vals[i], st.n[i], &sum);
		cmd_info_clean(&t, st.names[i], 0);
		if (sum.count == 0)
			printf("%-20s %10s  (not a number)\n", t.data, "-");
		else
			printf("%-20s %10" PRIu64 " %14.6g %14.6g %14.6g "
			    "%14.6g\n", t.data, sum.count, sum.mean,
			    sum.median, sum.min, sum.max);
	}
	if (notebook_jobs_each(nb, s->id, NB_STATE_BIT(NB_FAILED), true,
	    cmd_show_failure, &left, &err) != 0)
		goto fail;
fail:
	for (i = 0; i < st.nnames; i++)
		free(st.vals[i]);
	free(st.vals);
	free(st.n);
	free(st.cap);
	util_strv_free(st.names);
	buf_free(&b);
	buf_free(&t);
	if (err != NULL) {
		cmd_error("%s", err);
		free(err);
		return CMD_EXIT_NOTEBOOK;
	}
	return CMD_EXIT_OK;
}

int
cmd_show(int argc, char **argv)
{
	struct notebook *nb;
	struct nb_set s;
	int rc;

	if ((rc = cmd_info_options("show", cmd_show_help, argc, argv,
	    NULL)) != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	if (optind != argc - 1)
		return cmd_usage("show", "give the tag of one result set "
		    "('labrat sets' lists them)");
	if ((rc = cmd_open_notebook(&nb, NOTEBOOK_READ)) != 0)
		return rc;
	if ((rc = cmd_find_set(nb, argv[optind], &s)) == 0) {
		rc = cmd_show_set(nb, &s);
		notebook_set_clear(&s);
	}
	notebook_close(nb);
	return rc;
}

int
cmd_lock(int argc, char **argv)
{
	struct notebook *nb;
	struct nb_set s;
	char *err = NULL;
	int rc;

	if ((rc = cmd_info_options("lock", cmd_lock_help, argc, argv,
	    NULL)) != 0)
		return rc < 0 ? CMD_EXIT_OK : rc;
	if (optind != argc - 1)
		return cmd_usage("lock", "give the tag of one result set");
	if ((rc = cmd_open_notebook(&nb, NOTEBOOK_WRITE)) != 0)
		return rc;
	if ((rc = cmd_find_set(nb, argv[optind], &s)) == 0) {
		if (notebook_set_lock(nb, s.id, &err) != 0) {
			cmd_error("%s", err);
			free(err);
			rc = CMD_EXIT_NOTEBOOK;
		} else {
			struct buf t;

			buf_init(&t);
			printf("%s: locked; its results are final\n",
			    cmd_info_clean(&t, s.tag, 0));
			buf_free(&t);
		}
		notebook_set_clear(&s);
	}
	notebook_close(nb);
	return rc;
}
