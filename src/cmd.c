/*
 * cmd.c -- the command table and the CLI's front door: global options,
 * command lookup (a unique prefix is enough, as in tmux), and the helpers
 * every command shares (opening the notebook, reporting errors the same
 * way).
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_int.h"

const char *cmd_notebook_arg;

const struct cmd_entry cmd_table[] = {
	{ "console", "[-n FILE] [-t TAG]",
	  "open the console (also: labrat with no command)",
	  cmd_console_help, cmd_console },
	{ "run", cmd_run_args, "start a campaign over a parameter space",
	  cmd_run_help, cmd_run },
	{ "status", "[-n FILE] [--json] [TAG...]",
	  "runner state, counts by state and ready fraction per result set",
	  cmd_status_help, cmd_status },
	{ "wait", "[-n FILE] [--timeout S] [TAG...]",
	  "block until campaigns are finished",
	  cmd_wait_help, cmd_wait },
	{ "pause", "[-n FILE] TAG", "start no new jobs; running ones finish",
	  cmd_pause_help, cmd_pause },
	{ "resume", "[-n FILE] [--wait [--log]] TAG",
	  "continue a paused, stopped or dead campaign",
	  cmd_resume_help, cmd_resume },
	{ "cancel", "[-n FILE] TAG",
	  "kill running jobs and stop; keep everything recorded",
	  cmd_cancel_help, cmd_cancel },
	{ "retry", "[-n FILE] [--failed] [--cancelled] [--wait] TAG",
	  "run failed jobs again", cmd_retry_help, cmd_retry },
	{ "purge", "[-n FILE] [--older-than T] TAG",
	  "give up on stuck jobs or jobs of a vanished runner",
	  cmd_purge_help, cmd_purge },
	{ "demo", "[-n FILE]",
	  "run the bundled demo campaign (logistic map) and show it",
	  cmd_demo_help, cmd_demo },
	{ "sets", "[-n FILE]", "list the result sets in the notebook",
	  cmd_sets_help, cmd_sets },
	{ "show", "[-n FILE] TAG",
	  "describe a result set: space, experiment, progress, results",
	  cmd_show_help, cmd_show },
	{ "export", cmd_export_args, "write results as RFC 4180 CSV",
	  cmd_export_help, cmd_export },
	{ "lock", "[-n FILE] TAG",
	  "mark a result set final: no more jobs run in it",
	  cmd_lock_help, cmd_lock },
	{ "help", "[COMMAND|TOPIC]", "show help on a command or a topic",
	  cmd_help_help, cmd_help },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry *
cmd_find(const char *name)
{
	const struct cmd_entry *e, *found = NULL;
	size_t len = strlen(name);

	for (e = cmd_table; e->name != NULL; e++) {
		if (strcmp(e->name, name) == 0)
			return e;
		if (strncmp(e->name, name, len) == 0) {
			if (found != NULL)
				return NULL; /* ambiguous */
			found = e;
		}
	}
	return len > 0 ? found : NULL;
}

void
cmd_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("labrat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cmd_usage(const char *name, const char *fmt, ...)
{
	const struct cmd_entry *e = cmd_find(name);
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "labrat %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (e != NULL)
		fprintf(stderr, "usage: labrat %s %s\n(see: labrat help %s)\n",
		    e->name, e->args, e->name);
	return CMD_EXIT_USAGE;
}

const char *
cmd_notebook_path(void)
{
	const char *env = getenv("LABRAT_NOTEBOOK");

	if (cmd_notebook_arg != NULL)
		return cmd_notebook_arg;
	if (env != NULL && *env != '\0')
		return env;
	return NOTEBOOK_DEFAULT;
}

bool
cmd_notebook_exists(void)
{
	return access(cmd_notebook_path(), F_OK) == 0;
}

int
cmd_open_notebook(struct notebook **nb, enum nb_open how)
{
	char *err = NULL;

	*nb = NULL;
	if (notebook_open(cmd_notebook_path(), how, nb, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		return CMD_EXIT_NOTEBOOK;
	}
	return 0;
}

int
cmd_find_set(struct notebook *nb, const char *tag, struct nb_set *s)
{
	char *err = NULL;

	if (notebook_set_find(nb, tag, s, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		return CMD_EXIT_USAGE;
	}
	return 0;
}

void
cmd_print_usage(FILE *f)
{
	const struct cmd_entry *e;
	const struct help_topic *t;
	const struct help_section *s;

	fprintf(f, "usage: labrat [-n NOTEBOOK] COMMAND [ARGS...]\n\n"
	    "labrat runs parameter-sweep experiments and keeps every result "
	    "in a\nSQLite notebook (default ./%s, or -n FILE, or "
	    "$LABRAT_NOTEBOOK).\n\ncommands:\n", NOTEBOOK_DEFAULT);
	for (e = cmd_table; e->name != NULL; e++)
		fprintf(f, "  %-8s %s\n", e->name, e->summary);
	fprintf(f, "\nreference topics (labrat help TOPIC):\n");
	for (t = help_topics; t->name != NULL; t++)
		fprintf(f, "  %s\n", t->name);
	for (s = help_sections; s->name != NULL; s++)
		fprintf(f, "  %s (in %s)\n", s->name, s->topic);
	fprintf(f, "\n'labrat help COMMAND' describes a command; "
	    "'man labrat' has it all.\n");
}

int
cmd_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "notebook", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *e;
	int c;

	/* Commands wait for their children (a runner's double fork, the
	 * console's commands, jobs): an ignored SIGCHLD inherited from the
	 * parent would have them reaped unseen. */
	signal(SIGCHLD, SIG_DFL);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+n:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			cmd_notebook_arg = optarg;
			break;
		case 'h':
			cmd_print_usage(stdout);
			return CMD_EXIT_OK;
		case 'V':
			printf("labrat %s\n", PACKAGE_VERSION);
			return CMD_EXIT_OK;
		default:
			cmd_error("unknown option '%s' (see: labrat help)",
			    argv[optind - 1]);
			return CMD_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		/* labrat alone: the console on a terminal, help otherwise. */
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			return cmd_open_console(NULL);
		cmd_print_usage(stdout);
		return CMD_EXIT_OK;
	}
	if ((e = cmd_find(argv[optind])) == NULL) {
		cmd_error("unknown command '%s' ('labrat help' lists them)",
		    argv[optind]);
		return CMD_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	optind = 0; /* each command parses its own options afresh */
	opterr = 0;
	return e->exec(argc, argv);
}
