/*
 * cmd_console.c -- `labrat console` (and `labrat` alone): open the ncurses
 * console on the notebook.  The console itself lives in tui/.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd_int.h"
#include "console.h"

const char cmd_console_help[] =
"Open the console on the notebook: the result sets, the parameter space,\n"
"jobs by state, a sortable results table, a live plot and an event log,\n"
"with a command line (':') that runs every labrat command.  It shows the\n"
"notebook as it is -- running, finished or empty -- and needs no runner;\n"
"quitting it never stops a campaign.  '?' lists every key.  It needs a\n"
"TERM that can move the cursor (not dumb), e.g. TERM=xterm-256color.\n"
"  -t, --tag TAG   start on this result set (default: the newest)\n";

int
cmd_console(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "notebook", required_argument, NULL, 'n' },
		{ "tag", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *tag = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "n:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			cmd_notebook_arg = optarg;
			break;
		case 't':
			tag = optarg;
			break;
		case 'h':
			printf("usage: labrat console [-n FILE] [-t TAG]\n\n%s",
			    cmd_console_help);
			return CMD_EXIT_OK;
		default:
			return cmd_usage("console", "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage("console", "unexpected argument '%s'",
		    argv[optind]);
	return cmd_open_console(tag);
}

int
cmd_open_console(const char *tag)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cmd_error("the console needs a terminal; in scripts use "
		    "'labrat status', 'labrat wait' and 'labrat export'");
		return CMD_EXIT_USAGE;
	}
	return console_main(cmd_notebook_path(), tag, cmd_table);
}
