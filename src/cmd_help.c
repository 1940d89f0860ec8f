/*
 * cmd_help.c -- `labrat help [COMMAND|TOPIC]`: the command list, one
 * command's usage and help, or a reference page compiled in from doc/.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd_int.h"

const char cmd_help_help[] =
"With no argument, list the commands and reference topics.  With a\n"
"command, show its usage and options.  With a topic (parameters,\n"
"experiment, worker, ...), show that reference page.\n";

/* Topics that are a section of another: its heading, to the next. */
const struct help_section help_sections[] = {
	{ "worker", "experiment", "## Workers\n" },
	{ NULL, NULL, NULL },
};

/* Print the section of topic text that starts with heading. */
static int
cmd_help_section(const struct help_section *sec)
{
	const struct help_topic *t;
	const char *start, *end;

	for (t = help_topics; t->name != NULL; t++) {
		if (strcmp(t->name, sec->topic) != 0 ||
		    (start = strstr(t->text, sec->heading)) == NULL)
			continue;
		end = strstr(start + 1, "\n## ");
		fwrite(start, 1, end != NULL ? (size_t)(end - start) + 1 :
		    strlen(start), stdout);
		return CMD_EXIT_OK;
	}
	cmd_error("topic '%s' lacks its section '%s'", sec->topic,
	    sec->heading);
	return CMD_EXIT_USAGE;
}

int
cmd_help(int argc, char **argv)
{
	const struct cmd_entry *e;
	const struct help_topic *t;
	const struct help_section *sec;

	if (argc < 2) {
		cmd_print_usage(stdout);
		return CMD_EXIT_OK;
	}
	for (t = help_topics; t->name != NULL; t++) {
		if (strcmp(t->name, argv[1]) == 0) {
			fputs(t->text, stdout);
			return CMD_EXIT_OK;
		}
	}
	for (sec = help_sections; sec->name != NULL; sec++) {
		if (strcmp(sec->name, argv[1]) == 0)
			return cmd_help_section(sec);
	}
	if ((e = cmd_find(argv[1])) == NULL) {
		cmd_error("no command or topic '%s'; 'labrat help' lists them",
		    argv[1]);
		return CMD_EXIT_USAGE;
	}
	printf("usage: labrat %s %s\n\n%s", e->name, e->args, e->help);
	return CMD_EXIT_OK;
}
