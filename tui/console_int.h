/*
 * console_int.h -- what the console's own files share beyond console.h:
 * commands and key bindings (console_cmd.c), children running CLI
 * commands, completion.
 */
#ifndef LABRAT_CONSOLE_INT_H
#define LABRAT_CONSOLE_INT_H

#include <poll.h>
#include <stdbool.h>

#include "console.h"

/* Most CLI commands running at once from the console. */
#define CONSOLE_MAX_CHILDREN 8

/* Make set i current. */
void console_select(struct console *c, size_t i);
/* Re-read the sets, counts and states from the notebook. */
void console_refresh(struct console *c);
/* Tell every view the data changed (calls their update). */
void console_update_views(struct console *c);
/*
 * Header line 1 for a screen width columns wide into b: the current set,
 * its runner's state and pid, its engines ("engines 5/12", and "2/3 hosts
 * up" for a live remote set whose hosts are not all up), the backend and
 * the notebook's path; cores is how many this machine has.  What does not
 * fit goes in this order: the path (cut at the edge), the backend's
 * name, the pid, then the end of the tag.
 */
void console_header_text(const struct console *c, int width, int cores,
    struct buf *b);
/* Run the global binding of key (p pause, r resume, ...): true if any. */
bool console_key_binding(struct console *c, int key);
/* Completion candidates for the command line. */
char **console_complete(struct console *c, const char *line,
    const char *text, int start);

/* Fill pfd with the children's output pipes; returns how many. */
nfds_t console_children_poll(struct console *c, struct pollfd *pfd);
/* Read what the children wrote, log it, reap those that ended. */
void console_children_read(struct console *c, struct pollfd *pfd, nfds_t n);
void console_children_free(struct console *c);

/* Split a command line into words (blanks separate; '...' and "..."
 * quote; backslash escapes); NULL-terminated, owned; NULL and *err on an
 * unbalanced quote. */
char **console_split(const char *line, char **err);

/* The i-th key binding: its help (NULL past the last), key and command. */
const char *console_binding_help(size_t i, int *key, const char **command);
/* The i-th console command: its help (NULL past the last), name, args. */
const char *console_command_help(size_t i, const char **name,
    const char **args);

/* Run the labrat command argv ("run", "-t", ...) as a child, like
 * console_command but without splitting a line: each word is passed as
 * it is.  argv stays the caller's. */
void console_run_argv(struct console *c, char **argv);

/* The form that defines a new campaign (view_space.c): open it (and the
 * space view), and start the campaign it defines. */
void console_define_open(struct console *c);
void console_define_start(struct console *c);

#endif
