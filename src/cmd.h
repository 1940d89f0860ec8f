/*
 * cmd.h -- the command table: every labrat command (run, status, export,
 * ...) is one entry with its name, usage, help and function.  The CLI
 * dispatches through it; the console's command line and key bindings will
 * share it.
 */
#ifndef LABRAT_CMD_H
#define LABRAT_CMD_H

/* Exit codes (documented in labrat(1)). */
#define CMD_EXIT_OK 0        /* success */
#define CMD_EXIT_FAILED 1    /* the command ran, but jobs failed */
#define CMD_EXIT_USAGE 2     /* bad command line or input */
#define CMD_EXIT_NOTEBOOK 3  /* the notebook cannot be opened or written */
#define CMD_EXIT_TIMEOUT 4   /* `wait` gave up before the end */
#define CMD_EXIT_NORUNNER 5  /* `wait`: no runner will finish a campaign */
#define CMD_EXIT_RUNNER 6    /* a runner could not be started or stopped */
#define CMD_EXIT_INTERNAL 70 /* a bug: please report it */

struct cmd_entry {
	const char *name;
	const char *args;     /* usage after the name */
	const char *summary;  /* one line */
	const char *help;     /* the full help text */
	int (*exec)(int argc, char **argv);
};

struct help_topic {
	const char *name;
	const char *text;
};
extern const struct help_topic help_topics[];
/* A topic that is one section of another (cmd_help.c). */
struct help_section {
	const char *name;
	const char *topic;
	const char *heading;   /* the section's first line, "## ...\n" */
};
extern const struct help_section help_sections[];

extern const struct cmd_entry cmd_table[];
const struct cmd_entry *cmd_find(const char *name);
int cmd_main(int argc, char **argv);

#endif
