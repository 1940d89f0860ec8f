/*
 * hosts_int.h -- what the hosts module's source files share and nobody
 * else sees:
 *
 *   hosts.c         host specs, lists and host files
 *   hosts_names.c   the names offered for completion, from an ssh config
 *                   and a known_hosts file
 */
#ifndef LABRAT_HOSTS_INT_H
#define LABRAT_HOSTS_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "hosts.h"

/* True for the blanks around specs in a host file and between the words
 * of an ssh config or known_hosts line: space and tab. */
bool hosts_is_blank(char c);
/* The next line of data at *p (before end), its '\n' and the '\r' before
 * it left out: its start and *n, or NULL after the last. */
const char *hosts_next_line(const char **p, const char *end, size_t *n);
/*
 * Read the regular file at path (a what, for messages), at most max bytes,
 * into *data (owned, NUL-terminated) and *len: anything but a regular file
 * is refused without being opened, and never blocks.  0, or -1 with *err
 * and errno (ENOENT: there is no such file).
 */
int hosts_file_load(const char *path, size_t max, const char *what,
    char **data, size_t *len, char **err);

#endif
