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
"experiment), show that reference page.\n";

int
cmd_help(int argc, char **argv)
{
	const struct cmd_entry *e;
	const struct help_topic *t;

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
	if ((e = cmd_find(argv[1])) == NULL) {
		cmd_error("no command or topic '%s'; 'labrat help' lists them",
		    argv[1]);
		return CMD_EXIT_USAGE;
	}
	printf("usage: labrat %s %s\n\n%s", e->name, e->args, e->help);
	return CMD_EXIT_OK;
}
