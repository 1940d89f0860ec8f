/*
 * hosts.c -- the hosts of remote backends as users write them
 * (doc/hosts.md): a host spec "[user@]host[:port][/slots]" (GNU parallel's
 * --sshlogin habit, also in its "slots/host" order), lists of specs from
 * --hosts and from host files (--sshloginfile).  Whatever a shell or ssh
 * could misread is refused, and every refusal says where (column, or
 * file, line and column), what is wrong and what to write instead.  No
 * libssh here: the CLI, the runner and the console all use this file
 * (hosts_names.c reads the names offered for completion).
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hosts_int.h"

/* Longest stretch of input quoted in a message. */
#define HOSTS_QUOTE_MAX 40
/* printf arguments for "%.*s%s": s[0..n) cut to HOSTS_QUOTE_MAX bytes. */
#define HOSTS_QUOTE(s, n) \
	(int)((n) > HOSTS_QUOTE_MAX ? HOSTS_QUOTE_MAX : (n)), (s), \
	((n) > HOSTS_QUOTE_MAX ? "..." : "")
/* What every message about the form of a spec shows. */
#define HOSTS_FORM "[user@]host[:port][/slots], like alice@node1:2222/4"

/* The refusal of one spec: the spec's text, and where and why. */
struct hosts_parse {
	const char *text;
	size_t at;
	char *err;
};

/* Refuse the spec at p with a formatted message; return -1. */
static int UTIL_PRINTF(3, 4)
hosts_fail(struct hosts_parse *ps, const char *p, const char *fmt, ...)
{
	va_list ap;

	free(ps->err);
	va_start(ap, fmt);
	ps->err = xvasprintf(fmt, ap);
	va_end(ap);
	ps->at = (size_t)(p - ps->text);
	return -1;
}

/* True for the characters of user and host names: ASCII letters, digits,
 * '.', '-' and '_'. */
static bool
hosts_is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

/* Tell a blank (space, tab) from the rest. */
bool
hosts_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The number written s[0..n) in decimal digits (values over 10^6 read as
 * 10^6), or -1 if it is empty or holds anything else. */
static long
hosts_number(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v < 1000000)
			v = v * 10 + (s[i] - '0');
	}
	return v > 1000000 ? 1000000 : v;
}

/* The column (from 1, counting characters) of p in the line at line. */
static size_t
hosts_column(const char *line, const char *p)
{
	size_t col = 1;

	for (; line < p; line++) {
		if (((unsigned char)*line & 0xc0) != 0x80)
			col++;
	}
	return col;
}

/* Refuse the first byte of s[0..len) that no part of a spec may hold:
 * blanks, control characters, ',', and all but ASCII. */
static int
hosts_check_bytes(struct hosts_parse *ps, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n, bad;
	uint32_t cp;

	for (i = 0; i < len; i++) {
		if (u[i] == ' ' || u[i] == '\t')
			return hosts_fail(ps, s + i, "a blank is not allowed "
			    "in a host spec: write " HOSTS_FORM ", without "
			    "blanks (specs are separated by ',' alone; ssh "
			    "options belong in ~/.ssh/config, under a Host "
			    "alias)");
		if (u[i] < 0x20 || u[i] == 0x7f)
			return hosts_fail(ps, s + i, "control character "
			    "\\x%02x is not allowed in a host spec: write "
			    HOSTS_FORM, u[i]);
		if (u[i] == ',')
			return hosts_fail(ps, s + i, "',' separates host "
			    "specs: give one spec here, " HOSTS_FORM);
		if (u[i] < 0x80)
			continue;
		if (!util_utf8_valid(s + i, len - i, &bad) && bad == 0)
			return hosts_fail(ps, s + i, "byte \\x%02x is not "
			    "UTF-8: write a host spec in ASCII, " HOSTS_FORM,
			    u[i]);
		cp = u[i] & (u[i] >= 0xf0 ? 0x07 : u[i] >= 0xe0 ? 0x0f : 0x1f);
		for (n = 1; i + n < len && (u[i + n] & 0xc0) == 0x80; n++)
			cp = (cp << 6) | (u[i + n] & 0x3f);
		return hosts_fail(ps, s + i, "character U+%04X is not allowed "
		    "in a host spec: user and host names are ASCII letters, "
		    "digits, '.', '-' and '_' (write an international domain "
		    "name in its xn-- form)", (unsigned)cp);
	}
	return 0;
}

/* Parse the slots s[0..n) (after or before the '/') into sp. */
static int
hosts_parse_slots(struct hosts_parse *ps, struct host_spec *sp,
    const char *s, size_t n)
{
	long v;

	if (n == 4 && memcmp(s, "auto", 4) == 0) {
		sp->slots_auto = true;
		return 0;
	}
	if (n == 0)
		return hosts_fail(ps, s, "missing slots after '/': write a "
		    "whole number from 1 to %d, or auto (one slot per core), "
		    "like node1/4", HOSTS_SLOTS_MAX);
	if ((v = hosts_number(s, n)) < 0)
		return hosts_fail(ps, s, "slots '%.*s%s' is not a whole "
		    "number: write 1 to %d, or auto (one slot per core), like "
		    "node1/4 (the port goes before: node1:2222/4)",
		    HOSTS_QUOTE(s, n), HOSTS_SLOTS_MAX);
	if (v == 0)
		return hosts_fail(ps, s, "0 slots would run nothing on the "
		    "host: write 1 to %d, or leave the host out",
		    HOSTS_SLOTS_MAX);
	if (v > HOSTS_SLOTS_MAX)
		return hosts_fail(ps, s, "%.*s%s slots are more than %d: "
		    "write 1 to %d, or auto (one slot per core)",
		    HOSTS_QUOTE(s, n), HOSTS_SLOTS_MAX, HOSTS_SLOTS_MAX);
	sp->slots = (int)v;
	return 0;
}

/* Parse the port s[0..n) (after the ':') into sp. */
static int
hosts_parse_port(struct hosts_parse *ps, struct host_spec *sp,
    const char *s, size_t n)
{
	long v;

	if (n == 0)
		return hosts_fail(ps, s, "missing port after ':': write a "
		    "number from 1 to %d, like node1:2222, or leave out ':'",
		    HOSTS_PORT_MAX);
	if ((v = hosts_number(s, n)) < 0)
		return hosts_fail(ps, s, "port '%.*s%s' is not a number: "
		    "write 1 to %d, like node1:2222 (slots go after '/': "
		    "node1/4)", HOSTS_QUOTE(s, n), HOSTS_PORT_MAX);
	if (v == 0 || v > HOSTS_PORT_MAX)
		return hosts_fail(ps, s, "port %.*s%s is out of range: write "
		    "1 to %d, like node1:2222", HOSTS_QUOTE(s, n),
		    HOSTS_PORT_MAX);
	sp->port = (int)v;
	return 0;
}

/* Parse the user name s[0..n) (before the '@') into sp. */
static int
hosts_parse_user(struct hosts_parse *ps, struct host_spec *sp,
    const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return hosts_fail(ps, s, "missing user name before '@': "
		    "write user@host, or the host alone for the user ssh "
		    "chooses");
	if (n > HOSTS_NAME_MAX)
		return hosts_fail(ps, s, "user name '%.*s%s' is longer than "
		    "%d bytes: write the login name", HOSTS_QUOTE(s, n),
		    HOSTS_NAME_MAX);
	if (s[0] == '-')
		return hosts_fail(ps, s, "user name '%.*s%s' starts with "
		    "'-', which ssh would read as an option: write the login "
		    "name, which never starts with '-'", HOSTS_QUOTE(s, n));
	for (i = 0; i < n; i++) {
		if (s[i] == ':')
			return hosts_fail(ps, s + i, "a password cannot be "
			    "given in a host spec: write user@host (ssh logs "
			    "in with your keys or ssh-agent)");
		if (!hosts_is_name_char(s[i]))
			return hosts_fail(ps, s + i, "character '%c' is not "
			    "allowed in a user name: write letters, digits, "
			    "'.', '-' and '_' only", s[i]);
	}
	sp->user = xstrndup(s, n);
	return 0;
}

/* Check the host name or IPv4 address s[0..n) and keep it, in lower
 * case, as sp->host. */
static int
hosts_parse_name(struct hosts_parse *ps, struct host_spec *sp,
    const char *s, size_t n)
{
	char name[HOSTS_NAME_MAX + 1], canon[INET_ADDRSTRLEN];
	bool numeric = true;
	struct in_addr a;
	size_t i;

	if (n == 0)
		return hosts_fail(ps, s, "missing host name: write a name or "
		    "an address, like node1, 10.0.0.7 or [::1]");
	if (n > HOSTS_NAME_MAX)
		return hosts_fail(ps, s, "host name '%.*s%s' is longer than "
		    "%d bytes: write a shorter name, or an alias from "
		    "~/.ssh/config", HOSTS_QUOTE(s, n), HOSTS_NAME_MAX);
	if (s[0] == '-')
		return hosts_fail(ps, s, "host name '%.*s%s' starts with '-', "
		    "which ssh would read as an option: write the name "
		    "without it", HOSTS_QUOTE(s, n));
	for (i = 0; i < n; i++) {
		if (s[i] == '[' || s[i] == ']')
			return hosts_fail(ps, s + i, "'%c' is only allowed "
			    "around an IPv6 address, at the start of the host: "
			    "write [::1] or [::1]:2222", s[i]);
		if (!hosts_is_name_char(s[i]))
			return hosts_fail(ps, s + i, "character '%c' is not "
			    "allowed in a host name: write letters, digits, "
			    "'.', '-' and '_' only", s[i]);
		if (s[i] == '.' && (i == 0 || s[i - 1] == '.'))
			return hosts_fail(ps, s + i, "host name '%.*s%s' has "
			    "an empty part before a '.': write a name like "
			    "node1.example.org", HOSTS_QUOTE(s, n));
		if (s[i] != '.' && (s[i] < '0' || s[i] > '9'))
			numeric = false;
	}
	memcpy(name, s, n);
	name[n] = '\0';
	/* The resolver reads "10.1", "010.0.0.1" (octal) and "0x7f.1" as
	 * addresses: only the plain dotted quad is taken as written. */
	if (inet_aton(name, &a) != 0) {
		inet_ntop(AF_INET, &a, canon, sizeof canon);
		if (strcmp(name, canon) != 0)
			return hosts_fail(ps, s, "'%s' would be read as the "
			    "IPv4 address %s (a leading 0 means octal, 0x "
			    "hexadecimal, and missing parts are zeros): write "
			    "the address as four numbers from 0 to 255, like "
			    "%s", name, canon, canon);
	} else if (numeric)
		return hosts_fail(ps, s, "'%s' is not an IPv4 address: write "
		    "four numbers from 0 to 255, like 192.168.1.7", name);
	for (i = 0; i < n; i++) {
		if (name[i] >= 'A' && name[i] <= 'Z')
			name[i] = (char)(name[i] - 'A' + 'a');
	}
	sp->host = xstrdup(name);
	return 0;
}

/* Check the IPv6 address written in brackets, s[0..n), with its %zone if
 * any, and keep it in canonical form as sp->host. */
static int
hosts_parse_ipv6(struct hosts_parse *ps, struct host_spec *sp,
    const char *s, size_t n)
{
	char addr[INET6_ADDRSTRLEN], canon[INET6_ADDRSTRLEN];
	const char *pct = memchr(s, '%', n), *zone;
	size_t an = pct != NULL ? (size_t)(pct - s) : n, zn, i;
	struct in6_addr a;

	if (n == 0)
		return hosts_fail(ps, s, "empty brackets: write an IPv6 "
		    "address in them, like [::1]");
	if (memchr(s, ':', an) == NULL)
		return hosts_fail(ps, s, "brackets are only for IPv6 "
		    "addresses: write '%.*s%s' without them (with a port: "
		    "node1:2222)", HOSTS_QUOTE(s, n));
	if (an >= sizeof addr)
		return hosts_fail(ps, s, "'%.*s%s' is not an IPv6 address: "
		    "write one like [2001:db8::7] or [::1]", HOSTS_QUOTE(s, an));
	memcpy(addr, s, an);
	addr[an] = '\0';
	if (inet_pton(AF_INET6, addr, &a) != 1)
		return hosts_fail(ps, s, "'%s' is not an IPv6 address: write "
		    "one like [2001:db8::7] or [::1]", addr);
	zone = pct != NULL ? pct + 1 : s + n;
	zn = (size_t)(s + n - zone);
	if (pct != NULL && zn == 0)
		return hosts_fail(ps, zone, "missing zone after '%%': write "
		    "the interface, like [fe80::1%%eth0], or leave out '%%'");
	for (i = 0; i < zn; i++) {
		if (!hosts_is_name_char(zone[i]))
			return hosts_fail(ps, zone + i, "character '%c' is not "
			    "allowed in a zone: write the interface name, like "
			    "[fe80::1%%eth0]", zone[i]);
	}
	inet_ntop(AF_INET6, &a, canon, sizeof canon);
	sp->host = xasprintf("%s%s%.*s", canon, pct != NULL ? "%" : "",
	    (int)zn, zone);
	return 0;
}

/* True if s[0..n) is written as slots are: digits, or "auto". */
static bool
hosts_is_slots(const char *s, size_t n)
{
	return (n == 4 && memcmp(s, "auto", 4) == 0) || hosts_number(s, n) >= 0;
}

/* Parse the spec s[0..len) into sp (which starts empty). */
static int
hosts_parse_spec(struct hosts_parse *ps, struct host_spec *sp, const char *s,
    size_t len)
{
	const char *end = s + len, *hp = s, *he = end, *slash, *r, *at;
	const char *again, *rb, *colon;

	if (len == 0)
		return hosts_fail(ps, s, "empty host spec: write " HOSTS_FORM);
	if (hosts_check_bytes(ps, s, len) != 0)
		return -1;
	if (len == 1 && *s == ':')
		return hosts_fail(ps, s, "':' is GNU parallel's name for this "
		    "computer: labrat runs jobs here without --hosts (the "
		    "local lab), or write localhost to go through ssh");
	if ((slash = memchr(s, '/', len)) != NULL) {
		r = slash + 1;
		if ((again = memchr(r, '/', (size_t)(end - r))) != NULL)
			return hosts_fail(ps, again, "a second '/': write the slots "
			    "once, after the host, like node1:2222/4");
		/* GNU parallel's "4/host" is taken too, when only the part
		 * before the '/' reads as slots. */
		if (hosts_is_slots(r, (size_t)(end - r)) ||
		    !hosts_is_slots(s, (size_t)(slash - s))) {
			if (hosts_parse_slots(ps, sp, r, (size_t)(end - r)))
				return -1;
			he = slash;
		} else {
			if (hosts_parse_slots(ps, sp, s, (size_t)(slash - s)))
				return -1;
			hp = r;
		}
	}
	if ((at = memchr(hp, '@', (size_t)(he - hp))) != NULL) {
		if ((again = memchr(at + 1, '@', (size_t)(he - at - 1))))
			return hosts_fail(ps, again, "a second '@': write "
			    "user@host, with one '@'");
		if (hosts_parse_user(ps, sp, hp, (size_t)(at - hp)) != 0)
			return -1;
		hp = at + 1;
	}
	if (hp < he && *hp == '[') {
		if ((rb = memchr(hp, ']', (size_t)(he - hp))) == NULL)
			return hosts_fail(ps, hp, "'[' without ']': write an "
			    "IPv6 address in brackets, like [::1] or "
			    "[::1]:2222");
		if (hosts_parse_ipv6(ps, sp, hp + 1, (size_t)(rb - hp - 1)))
			return -1;
		colon = rb + 1 < he ? rb + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return hosts_fail(ps, colon, "after ']' come ':' and a "
			    "port, or nothing: write [::1] or [::1]:2222");
	} else {
		colon = memchr(hp, ':', (size_t)(he - hp));
		if (colon != NULL &&
		    memchr(colon + 1, ':', (size_t)(he - colon - 1)) != NULL)
			return hosts_fail(ps, hp, "'%.*s%s' has more than one "
			    "':': write an IPv6 address in brackets, with any "
			    "port after them, like [2001:db8::7]:2222",
			    HOSTS_QUOTE(hp, (size_t)(he - hp)));
		if (hosts_parse_name(ps, sp, hp,
		    (size_t)((colon != NULL ? colon : he) - hp)) != 0)
			return -1;
	}
	if (colon != NULL &&
	    hosts_parse_port(ps, sp, colon + 1, (size_t)(he - colon - 1)))
		return -1;
	return 0;
}

/* Parse one spec, or say what is wrong with it and where. */
int
hosts_spec_parse(struct host_spec *spec, const char *text, size_t len,
    size_t *at, char **err)
{
	struct hosts_parse ps = { text, 0, NULL };

	memset(spec, 0, sizeof *spec);
	if (hosts_parse_spec(&ps, spec, text, len) == 0)
		return 0;
	hosts_spec_free(spec);
	*at = ps.at;
	*err = ps.err;
	return -1;
}

/* Free what a spec holds. */
void
hosts_spec_free(struct host_spec *spec)
{
	free(spec->user);
	free(spec->host);
	memset(spec, 0, sizeof *spec);
}

/* Write a spec back as its canonical text. */
void
hosts_spec_format(const struct host_spec *spec, struct buf *b)
{
	if (spec->user != NULL)
		buf_printf(b, "%s@", spec->user);
	if (strchr(spec->host, ':') != NULL)
		buf_printf(b, "[%s]", spec->host);
	else
		buf_adds(b, spec->host);
	if (spec->port != 0)
		buf_printf(b, ":%d", spec->port);
	if (spec->slots_auto)
		buf_adds(b, "/auto");
	else if (spec->slots != 0)
		buf_printf(b, "/%d", spec->slots);
}

/* True if a and b log in the same way: same user, host and port. */
static bool
hosts_same_login(const struct host_spec *a, const struct host_spec *b)
{
	if (a->port != b->port || strcmp(a->host, b->host) != 0)
		return false;
	if (a->user == NULL || b->user == NULL)
		return a->user == b->user;
	return strcmp(a->user, b->user) == 0;
}

/* Hash the user, host and port of sp (FNV-1a). */
static size_t
hosts_login_hash(const struct host_spec *sp)
{
	const char *parts[2] = { sp->user != NULL ? sp->user : "", sp->host };
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *p;
	size_t i;

	for (i = 0; i < 2; i++) {
		for (p = parts[i]; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
		h = (h ^ '@') * 0x100000001b3ULL;
	}
	return (size_t)((h ^ (uint64_t)sp->port) * 0x100000001b3ULL);
}

/* The index slot of sp's login: the one holding it, or the empty one
 * where it goes. */
static size_t *
hosts_index_slot(const struct host_list *l, const struct host_spec *sp)
{
	size_t mask = l->nindex - 1, i = hosts_login_hash(sp) & mask;

	while (l->index[i] != 0 && !hosts_same_login(&l->specs[l->index[i] - 1],
	    sp))
		i = (i + 1) & mask;
	return &l->index[i];
}

/* Build the index of the list's hosts afresh, at most a quarter full. */
static void
hosts_index_build(struct host_list *l)
{
	size_t i;

	free(l->index);
	for (l->nindex = 16; l->nindex < 4 * (l->n + 1); l->nindex *= 2)
		;
	l->index = xcalloc(l->nindex, sizeof *l->index);
	for (i = 0; i < l->n; i++)
		*hosts_index_slot(l, &l->specs[i]) = i + 1;
}

/* Drop the hosts after the first n: what a failed call added. */
static void
hosts_list_truncate(struct host_list *l, size_t n)
{
	if (l->n == n)
		return;
	while (l->n > n) {
		l->n--;
		hosts_spec_free(&l->specs[l->n]);
		free(l->where[l->n]);
	}
	hosts_index_build(l);
}

/* Start an empty list. */
void
hosts_list_init(struct host_list *l)
{
	memset(l, 0, sizeof *l);
}

/* Free a list and everything in it. */
void
hosts_list_free(struct host_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		hosts_spec_free(&l->specs[i]);
		free(l->where[i]);
	}
	free(l->specs);
	free(l->where);
	free(l->index);
	hosts_list_init(l);
}

/* Add a copy of a spec unless its login is already there. */
int
hosts_list_add(struct host_list *l, const struct host_spec *spec,
    const char *where, char **err)
{
	struct host_spec login = *spec, *sp;
	size_t *slot;
	struct buf b;

	if (l->n >= HOSTS_LIST_MAX) {
		*err = xasprintf("%s: more than %d hosts: give at most %d "
		    "(a host runs several jobs at once with /SLOTS)", where,
		    HOSTS_LIST_MAX, HOSTS_LIST_MAX);
		return -1;
	}
	if (2 * (l->n + 1) > l->nindex)
		hosts_index_build(l);
	slot = hosts_index_slot(l, spec);
	if (*slot != 0) {
		buf_init(&b);
		login.slots = 0;
		login.slots_auto = false;
		hosts_spec_format(&login, &b);
		*err = xasprintf("%s: host %s is given twice, first at %s: "
		    "give each host once (to run more jobs at once on it, "
		    "give it once with /SLOTS, like %s/4)", where, b.data,
		    l->where[*slot - 1], b.data);
		buf_free(&b);
		return -1;
	}
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 8 : l->cap * 2;
		l->specs = xreallocarray(l->specs, l->cap, sizeof *l->specs);
		l->where = xreallocarray(l->where, l->cap, sizeof *l->where);
	}
	sp = &l->specs[l->n];
	*sp = *spec;
	sp->user = spec->user != NULL ? xstrdup(spec->user) : NULL;
	sp->host = xstrdup(spec->host);
	l->where[l->n] = xstrdup(where);
	*slot = ++l->n;
	return 0;
}

/*
 * Add the specs of s[0..len), separated by commas, which lie in the line
 * (or argument) starting at line; prefix ("--hosts column ", "FILE:3:")
 * and a column name where each was written.
 */
static int
hosts_list_add_specs(struct host_list *l, const char *s, size_t len,
    const char *line, const char *prefix, char **err)
{
	const char *p = s, *end = s + len, *q;
	struct host_spec sp;
	char *msg, *where;
	size_t at;
	int rc;

	for (;;) {
		if ((q = memchr(p, ',', (size_t)(end - p))) == NULL)
			q = end;
		if (hosts_spec_parse(&sp, p, (size_t)(q - p), &at, &msg)) {
			*err = xasprintf("%s%zu: %s", prefix,
			    hosts_column(line, p + at), msg);
			free(msg);
			return -1;
		}
		where = xasprintf("%s%zu", prefix, hosts_column(line, p));
		rc = hosts_list_add(l, &sp, where, err);
		free(where);
		hosts_spec_free(&sp);
		if (rc != 0)
			return -1;
		if (q == end)
			return 0;
		p = q + 1;
	}
}

/* Add the specs of a comma-separated list, all or none. */
int
hosts_list_parse(struct host_list *l, const char *text, const char *origin,
    char **err)
{
	size_t n0 = l->n;
	char *prefix;
	int rc;

	if (*text == '\0') {
		*err = xasprintf("%s: no host given: write " HOSTS_FORM
		    ", several separated by ','", origin);
		return -1;
	}
	prefix = xasprintf("%s column ", origin);
	rc = hosts_list_add_specs(l, text, strlen(text), text, prefix, err);
	free(prefix);
	if (rc != 0)
		hosts_list_truncate(l, n0);
	return rc;
}

/* Cut the next line out of data, without its line end. */
const char *
hosts_next_line(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	*p = nl != NULL ? nl + 1 : end;
	if (nl == NULL)
		nl = end;
	if (nl > s && nl[-1] == '\r')
		nl--;
	*n = (size_t)(nl - s);
	return s;
}

/* Add the specs of a host file's text, all or none. */
int
hosts_list_parse_file(struct host_list *l, const char *name,
    const char *body, size_t len, char **err)
{
	const char *p = body, *end = body + len, *line, *s, *e;
	size_t n0 = l->n, lineno = 0, n, bad;
	char *prefix;
	int rc;

	/* A byte order mark, as some editors write. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while ((line = hosts_next_line(&p, end, &n)) != NULL) {
		lineno++;
		if (!util_utf8_valid(line, n, &bad)) {
			*err = xasprintf("%s:%zu:%zu: byte \\x%02x is not "
			    "UTF-8: write a host file as UTF-8 text, one host "
			    "per line, like alice@node1:2222/4", name, lineno,
			    hosts_column(line, line + bad),
			    (unsigned char)line[bad]);
			goto fail;
		}
		if ((e = memchr(line, '#', n)) == NULL)
			e = line + n;
		for (s = line; s < e && hosts_is_blank(*s); s++)
			;
		while (e > s && hosts_is_blank(e[-1]))
			e--;
		if (s == e)
			continue;
		prefix = xasprintf("%s:%zu:", name, lineno);
		rc = hosts_list_add_specs(l, s, (size_t)(e - s), line, prefix,
		    err);
		free(prefix);
		if (rc != 0)
			goto fail;
	}
	if (l->n > n0)
		return 0;
	*err = xasprintf("%s: no host in the file: write one host per line, "
	    HOSTS_FORM " ('#' starts a comment)", name);
	return -1;
fail:
	hosts_list_truncate(l, n0);
	return -1;
}

/* Read a regular file whole, within a size, never blocking. */
int
hosts_file_load(const char *path, size_t max, const char *what, char **data,
    size_t *len, char **err)
{
	struct stat st;
	struct buf b;
	ssize_t r;
	int fd = -1, e;

	buf_init(&b);
	/* Nothing but a regular file is opened (opening a device may do
	 * something); one swapped in after stat is refused by fstat, and
	 * O_NONBLOCK makes a FIFO open at once. */
	if (stat(path, &st) == -1 || (S_ISREG(st.st_mode) &&
	    ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) ==
	    -1 || fstat(fd, &st) == -1))) {
		e = errno;
		*err = xasprintf("cannot read %s %s: %s", what, path,
		    strerror(e));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		*err = xasprintf("%s is %s, not a regular file: give the path "
		    "of a %s", path, S_ISDIR(st.st_mode) ? "a directory" :
		    S_ISFIFO(st.st_mode) ? "a FIFO" : "a special file", what);
		goto fail;
	}
	/* The size is checked again as the file is read: it may grow. */
	while (b.len <= max && (uintmax_t)st.st_size <= max) {
		buf_grow(&b, 65536);
		if ((r = read(fd, b.data + b.len, 65536)) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			*err = xasprintf("cannot read %s %s: %s", what, path,
			    strerror(e));
			goto fail;
		}
		if (r == 0) {
			close(fd);
			*len = b.len;
			*data = buf_steal(&b);
			return 0;
		}
		b.len += (size_t)r;
		b.data[b.len] = '\0';
	}
	e = EFBIG;
	*err = xasprintf("%s is larger than a %s may be (%zu bytes): write "
	    "at most %d hosts, one per line", path, what, max, HOSTS_LIST_MAX);
fail:
	if (fd != -1)
		close(fd);
	buf_free(&b);
	errno = e;
	return -1;
}

/* Read a host file and add its specs. */
int
hosts_list_read_file(struct host_list *l, const char *path, char **err)
{
	size_t len;
	char *data;
	int rc;

	if (hosts_file_load(path, HOSTS_FILE_MAX, "host file", &data, &len,
	    err) != 0)
		return -1;
	rc = hosts_list_parse_file(l, path, data, len, err);
	free(data);
	return rc;
}

/* Write a list back as canonical specs separated by commas. */
void
hosts_list_format(const struct host_list *l, struct buf *b)
{
	size_t i;

	buf_add(b, "", 0);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		hosts_spec_format(&l->specs[i], b);
	}
}
