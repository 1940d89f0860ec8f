/*
 * cmd_int.h -- what the CLI's command files share: their entry points and
 * help texts, and the helpers of cmd.c.
 */
#ifndef LABRAT_CMD_INT_H
#define LABRAT_CMD_INT_H

#include <stdio.h>

#include "cmd.h"
#include "notebook.h"
#include <stdbool.h>

#include "util.h"

/* -n FILE given before the command, or NULL. */
extern const char *cmd_notebook_arg;

int cmd_run(int, char **);
int cmd_resume(int, char **);
int cmd_demo(int, char **);
int cmd_sets(int, char **);
int cmd_status(int, char **);
int cmd_show(int, char **);
int cmd_export(int, char **);
int cmd_lock(int, char **);
int cmd_pause(int, char **);
int cmd_cancel(int, char **);
int cmd_retry(int, char **);
int cmd_purge(int, char **);
int cmd_wait(int, char **);
int cmd_console(int, char **);
int cmd_help(int, char **);

extern const char cmd_run_args[], cmd_export_args[];
extern const char cmd_run_help[], cmd_resume_help[], cmd_demo_help[],
    cmd_sets_help[], cmd_status_help[], cmd_show_help[], cmd_export_help[],
    cmd_lock_help[], cmd_help_help[], cmd_pause_help[], cmd_cancel_help[],
    cmd_retry_help[], cmd_purge_help[], cmd_wait_help[], cmd_console_help[];

/* Print "labrat: MESSAGE" on stderr. */
void cmd_error(const char *fmt, ...) UTIL_PRINTF(1, 2);
/* Print "labrat NAME: MESSAGE", the usage line and where to get help;
 * returns CMD_EXIT_USAGE. */
int cmd_usage(const char *name, const char *fmt, ...) UTIL_PRINTF(2, 3);
/* The notebook to use: -n FILE, else $LABRAT_NOTEBOOK, else labrat.db. */
const char *cmd_notebook_path(void);
/* Open it as how says (readers never create, migrate or write one),
 * reporting failure; returns 0 or an exit code. */
int cmd_open_notebook(struct notebook **nb, enum nb_open how);
bool cmd_notebook_exists(void);
/* Find a set, reporting failure; returns 0 or an exit code. */
int cmd_find_set(struct notebook *nb, const char *tag, struct nb_set *s);
void cmd_print_usage(FILE *f);

/* Run the campaign tag in the foreground and print its summary (with
 * log, the runner's events go to stderr; ready_fd, if not -1, is closed
 * once the runner has recorded its start); returns the exit code
 * (cmd_run.c, shared with resume and demo). */
int cmd_run_campaign(struct notebook *nb, const char *tag, bool log,
    int ready_fd);
/* Open the console on the notebook, on set tag (or the newest). */
int cmd_open_console(const char *tag);
/* Start a detached runner for tag and report it (cmd_control.c). */
int cmd_start_detached(struct notebook *nb, const char *tag);
/* Print the status table of the sets (cmd_info.c, shared with demo). */
int cmd_print_status(struct notebook *nb, struct nb_set *sets, size_t n,
    bool json);

#endif
