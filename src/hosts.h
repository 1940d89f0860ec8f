/*
 * hosts.h -- the hosts of remote backends as users write them
 * (doc/hosts.md): one host spec "[user@]host[:port][/slots]", lists of
 * them from --hosts and from host files, and the host names the console
 * offers for completion, read from an ssh config and a known_hosts file.
 * Pure parsing: no libssh, no network, no name lookups.
 */
#ifndef LABRAT_HOSTS_H
#define LABRAT_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define HOSTS_PORT_MAX 65535
#define HOSTS_SLOTS_MAX 1024
/* Longest user or host name, in bytes. */
#define HOSTS_NAME_MAX 255
/* Most hosts in one list, and the largest host file, in bytes. */
#define HOSTS_LIST_MAX 10000
#define HOSTS_FILE_MAX (1024 * 1024)

/* One host as written "[user@]host[:port][/slots]" (or "slots/host"). */
struct host_spec {
	char	*user;		/* NULL: ssh config or the local login decides */
	char	*host;		/* a name (in lower case, as ssh uses it), a
				   dotted IPv4 address, or an IPv6 address in
				   canonical form without brackets, with its
				   "%zone" if one was given */
	int	 port;		/* 1..HOSTS_PORT_MAX; 0: not given (ssh config
				   decides, else 22) */
	int	 slots;		/* 1..HOSTS_SLOTS_MAX; 0: not given */
	bool	 slots_auto;	/* "/auto": one slot per core of the host,
				   counted there by the backend (nproc) */
};

/*
 * Parse the spec text[0..len) (any bytes) into *spec: 0, or -1 with *err
 * (owned) saying what is wrong and what to write, and *at the byte offset
 * in text where the problem is (at most len).  spec needs no setup and is
 * left empty on failure.
 */
int hosts_spec_parse(struct host_spec *spec, const char *text, size_t len,
    size_t *at, char **err);
/* Free what spec holds and empty it (it can be parsed into again). */
void hosts_spec_free(struct host_spec *spec);
/* Append the canonical text of spec to b: it parses back to the same
 * spec ("[::1]:2222/4", "alice@node1", "node2/auto"). */
void hosts_spec_format(const struct host_spec *spec, struct buf *b);

/*
 * A list of hosts, each given once (the same user, host and port twice is
 * refused, whatever the slots), with where each was written, for
 * messages: "hosts.txt:3:1" or "--hosts column 5".
 */
struct host_list {
	struct host_spec *specs;
	char	**where;
	size_t	  n;
	/* Private: capacity, and a hash of user@host:port to position + 1. */
	size_t	  cap;
	size_t	 *index;
	size_t	  nindex;
};

void hosts_list_init(struct host_list *l);
void hosts_list_free(struct host_list *l);
/* Add a copy of spec, written at where: 0, or -1 with *err (starting with
 * where) if the host is already in the list (naming both places) or the
 * list is full (HOSTS_LIST_MAX). */
int hosts_list_add(struct host_list *l, const struct host_spec *spec,
    const char *where, char **err);
/* Add the hosts of text, specs separated by commas ("a,b/2,bob@c:22"), as
 * given by origin ("--hosts"): 0, or -1 with *err ("--hosts column 4:
 * ...") and the list as it was. */
int hosts_list_parse(struct host_list *l, const char *text,
    const char *origin, char **err);
/*
 * Add the hosts of a host file named name whose bytes are body[0..len):
 * one spec (or a comma list) per line, '#' comments, blank lines, CRLF
 * line ends, blanks around specs.  0, or -1 with *err ("NAME:LINE:COLUMN:
 * ...", or "NAME: ..." for a file without hosts) and the list as it was.
 */
int hosts_list_parse_file(struct host_list *l, const char *name,
    const char *body, size_t len, char **err);
/* Read the host file at path and add its hosts, as hosts_list_parse_file;
 * anything but a regular file, and a file over HOSTS_FILE_MAX bytes, is
 * refused without blocking. */
int hosts_list_read_file(struct host_list *l, const char *path, char **err);
/* Append the list to b as canonical specs separated by commas (what
 * hosts_list_parse reads back). */
void hosts_list_format(const struct host_list *l, struct buf *b);

/*
 * The host names to offer for completion, sorted and each once (free with
 * util_strv_free), as canonical specs: the aliases of the Host lines of
 * the ssh config at ssh_config (patterns with * ? or ! left out; Include
 * followed, see doc/hosts.md), and the hosts of the known_hosts file at
 * known_hosts ("[h]:2222" becomes "h:2222"; hashed entries and @ markers
 * left out).  Either path may be NULL; a file that is missing, unreadable
 * or not a regular file adds nothing; names labrat would refuse are left
 * out.
 */
char **hosts_read_names(const char *ssh_config, const char *known_hosts);

#endif
