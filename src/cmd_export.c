/*
 * cmd_export.c -- `labrat export`: the notebook's jobs as RFC 4180 CSV, by
 * tag and state, to a file or standard output.  A file is written under a
 * new temporary name (random, created exclusively) and renamed at the
 * end, so a failed export never leaves half a file behind and nothing
 * planted beside it is written through.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_int.h"
#include "export.h"

const char cmd_export_args[] =
    "[-n FILE] [-t TAG]... [--state STATE[,STATE]] [--summary] "
    "[--all-attempts] [--escape-formulas] [-o FILE|-]";

const char cmd_export_help[] =
"Write jobs as CSV (RFC 4180): a header row, then one row per job with its\n"
"parameters, its results and its metadata (tag, point, repetition, attempt,\n"
"status, error, start_time, end_time, elapsed_time, exit_code, signal,\n"
"host, engine, max_rss_kb, cpu_time, truncated).  Missing values are empty\n"
"cells; text is UTF-8.  Every header is unique: a parameter named like a\n"
"metadata column is written param_NAME, a result named like one or like a\n"
"parameter result_NAME, followed by _2, _3... if that name is taken too\n"
"(doc/notebook.md has the rule).\n"
"\n"
"  -t, --tag TAG       export this result set (repeatable; default: all)\n"
"      --state STATES  only jobs in these states, comma-separated: ok,\n"
"                      failed, running, queued (or pending), cancelled,\n"
"                      interrupted (never current: add --all-attempts)\n"
"      --summary       one row per point: mean, median, variance, min, max\n"
"                      and count of each numeric result over its ok\n"
"                      repetitions (epyc's SummaryExperiment)\n"
"      --all-attempts  also the earlier attempts of retried jobs\n"
"      --escape-formulas\n"
"                      put a ' before each text cell that starts with =, +,\n"
"                      -, @, a tab or a CR, which spreadsheets would run as\n"
"                      a formula; numbers (-1.5) stay as they are\n"
"  -o, --output FILE   write to FILE (default, or '-': standard output);\n"
"                      FILE is replaced at the end, and must be a regular\n"
"                      file or missing: not a link, FIFO or device\n"
"\n"
"Exit status 1 if the CSV could not be written, 3 if the notebook could\n"
"not be read.\n";

/* Start writing to out: a new temporary file beside it (*tmp), renamed
 * over out at the end; 0 or an exit code. */
static int
cmd_export_open(const char *out, FILE **f, char **tmp)
{
	char *err = NULL;
	int fd, e;

	/* rename() would replace a link or a FIFO at out without following
	 * it, but whoever named one meant something else: say so. */
	if (util_file_open(out, O_PATH, 0, "give the real path of a regular "
	    "file instead (or - for standard output)", &fd, &err) == 0)
		close(fd);
	else {
		e = errno;
		if (e != ENOENT) {
			cmd_error("%s", err);
			free(err);
			return CMD_EXIT_FAILED;
		}
		free(err);
		err = NULL;
	}
	if (util_file_create_temp(out, 0666, &fd, tmp, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		return CMD_EXIT_FAILED;
	}
	if ((*f = fdopen(fd, "w")) == NULL) {
		cmd_error("cannot write %s: %s", *tmp, strerror(errno));
		close(fd);
		return CMD_EXIT_FAILED;
	}
	return 0;
}

/* Parse "ok,failed" into a mask of states. */
static int
cmd_export_states(const char *arg, unsigned *mask)
{
	char *copy = xstrdup(arg), *tok, *save = NULL;
	enum nb_state st;
	int rc = 0;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (notebook_state_parse(tok, &st) != 0) {
			rc = cmd_usage("export", "unknown state '%s': states "
			    "are ok, failed, running, queued (or pending), "
			    "cancelled, interrupted", tok);
			break;
		}
		*mask |= NB_STATE_BIT(st);
	}
	free(copy);
	return rc;
}

/* Index of the set tagged tag in sets[0..n), or n. */
static size_t
cmd_export_find(const struct nb_set *sets, size_t n, const char *tag)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (sets[i].tag != NULL && strcmp(sets[i].tag, tag) == 0)
			break;
	}
	return i;
}

/*
 * The sets to export: every set, or those tagged, in the order given and
 * each once.  Read as one list, so that a notebook that cannot be read
 * says so (exit 3) rather than passing for a missing tag (exit 2).
 * Returns 0 or an exit code.
 */
static int
cmd_export_sets(struct notebook *nb, char **tags, size_t ntags,
    struct nb_set **sets, size_t *n)
{
	struct nb_set *all, *v;
	size_t nall, i, k, len = 0;
	char *err = NULL;
	int rc = 0;

	if (notebook_set_list(nb, &all, &nall, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		return CMD_EXIT_NOTEBOOK;
	}
	if (ntags == 0 && nall == 0) {
		cmd_error("no result sets in %s to export", notebook_path(nb));
		free(all);
		return CMD_EXIT_USAGE;
	}
	if (ntags == 0) {
		*sets = all;
		*n = nall;
		return 0;
	}
	v = xcalloc(ntags, sizeof *v);
	for (i = 0; i < ntags && rc == 0; i++) {
		if ((k = cmd_export_find(all, nall, tags[i])) < nall) {
			v[len++] = all[k];
			memset(&all[k], 0, sizeof all[k]);
		} else if (cmd_export_find(v, len, tags[i]) == len) {
			cmd_error("no result set '%s' in %s; `labrat sets` "
			    "lists them", tags[i], notebook_path(nb));
			rc = CMD_EXIT_USAGE;
		}
	}
	for (k = 0; k < nall; k++)
		notebook_set_clear(&all[k]);
	free(all);
	*sets = v;
	*n = len;
	return rc;
}

int
cmd_export(int argc, char **argv)
{
	enum { OPT_STATE = 256, OPT_SUMMARY, OPT_ALL, OPT_ESCAPE };
	static const struct option longopts[] = {
		{ "notebook", required_argument, NULL, 'n' },
		{ "tag", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "all-attempts", no_argument, NULL, OPT_ALL },
		{ "escape-formulas", no_argument, NULL, OPT_ESCAPE },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct export_opts eo;
	struct notebook *nb = NULL;
	struct nb_set *sets = NULL;
	const char *out = "-";
	char **tags = NULL, *tmp = NULL, *err = NULL;
	size_t ntags = 0, n = 0, i;
	FILE *f = NULL;
	int c, rc = 0;

	memset(&eo, 0, sizeof eo);
	while ((c = getopt_long(argc, argv, "+n:t:o:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'n':
			cmd_notebook_arg = optarg;
			break;
		case 't':
			tags = xreallocarray(tags, ntags + 1, sizeof *tags);
			tags[ntags++] = optarg;
			break;
		case OPT_STATE:
			rc = cmd_export_states(optarg, &eo.states);
			break;
		case OPT_SUMMARY:
			eo.summary = true;
			break;
		case OPT_ALL:
			eo.all_attempts = true;
			break;
		case OPT_ESCAPE:
			eo.escape_formulas = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: labrat export %s\n\n%s",
			    cmd_export_args, cmd_export_help);
			goto done;
		default:
			rc = cmd_usage("export", "unknown option '%s'",
			    argv[optind - 1]);
			break;
		}
		if (rc != 0)
			goto done;
	}
	if (optind != argc) {
		rc = cmd_usage("export", "unexpected argument '%s' (a tag "
		    "goes after -t)", argv[optind]);
		goto done;
	}
	if ((rc = cmd_open_notebook(&nb, NOTEBOOK_READ)) != 0)
		goto done;
	if ((rc = cmd_export_sets(nb, tags, ntags, &sets, &n)) != 0)
		goto done;
	if (strcmp(out, "-") == 0)
		f = stdout;
	else if ((rc = cmd_export_open(out, &f, &tmp)) != 0)
		goto done;
	if ((rc = export_csv(nb, sets, n, &eo, f, &err)) != 0) {
		rc = rc == EXPORT_WRITE_FAILED ? CMD_EXIT_FAILED :
		    CMD_EXIT_NOTEBOOK;
		goto done;
	}
	if (f != stdout) {
		if (fclose(f) != 0 || rename(tmp, out) != 0) {
			f = NULL;
			cmd_error("cannot write %s: %s", out, strerror(errno));
			rc = CMD_EXIT_FAILED;
			goto done;
		}
		f = NULL;
	}
done:
	if (err != NULL) {
		cmd_error("%s", err);
		free(err);
	}
	if (f != NULL && f != stdout)
		fclose(f);
	if (tmp != NULL && rc != 0)
		unlink(tmp);
	free(tmp);
	for (i = 0; i < n; i++)
		notebook_set_clear(&sets[i]);
	free(sets);
	free(tags);
	notebook_close(nb);
	return rc;
}
