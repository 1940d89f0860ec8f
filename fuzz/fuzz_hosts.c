/*
 * fuzz_hosts.c -- fuzz target for host specs, host files and the ssh files
 * read for completion.  The input is parsed as a --hosts list (up to a
 * NUL), each of its comma-separated parts alone (NUL bytes and all), as the
 * body of a host file, and as an ssh config and a known_hosts file, given
 * by path to an in-memory file (with every "include" defused first, so no
 * other file is ever read).  A refusal must point inside its input and be
 * printable ASCII; what is accepted must format to text that parses back
 * to the same text; names must be sorted, each once, and parse as specs.
 * Anything else aborts (a finding).
 */
#include "config.h"

#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fuzz.h"
#include "hosts.h"

/* Abort unless the message is printable ASCII: safe on any terminal. */
static void
fuzz_check_message(const char *err)
{
	const char *p;

	if (err == NULL || *err == '\0')
		abort();
	for (p = err; *p != '\0'; p++) {
		if (*p < 0x20 || *p > 0x7e)
			abort();
	}
}

/* Parse one spec; abort on a refusal outside it or an unstable format. */
static void
fuzz_check_spec(const char *s, size_t len)
{
	struct host_spec sp, again;
	struct buf a, b;
	char *err = NULL;
	size_t at = 0;

	if (hosts_spec_parse(&sp, s, len, &at, &err) != 0) {
		if (at > len || sp.host != NULL || sp.user != NULL)
			abort();
		fuzz_check_message(err);
		free(err);
		return;
	}
	buf_init(&a);
	buf_init(&b);
	hosts_spec_format(&sp, &a);
	if (hosts_spec_parse(&again, a.data, a.len, &at, &err) != 0)
		abort();
	hosts_spec_format(&again, &b);
	if (strcmp(a.data, b.data) != 0 || again.port != sp.port ||
	    again.slots != sp.slots || again.slots_auto != sp.slots_auto)
		abort();
	hosts_spec_free(&again);
	hosts_spec_free(&sp);
	buf_free(&a);
	buf_free(&b);
}

/* Check what parsing into the empty list l gave (rc, err): a refusal
 * leaves it empty; a list formats to text that parses back to the same
 * list.  Free l. */
static void
fuzz_check_list(struct host_list *l, int rc, char *err)
{
	struct host_list again;
	struct buf a, b;

	if (rc != 0) {
		if (l->n != 0)
			abort();
		fuzz_check_message(err);
		free(err);
		hosts_list_free(l);
		return;
	}
	buf_init(&a);
	buf_init(&b);
	hosts_list_format(l, &a);
	hosts_list_init(&again);
	if (hosts_list_parse(&again, a.data, "again", &err) != 0)
		abort();
	hosts_list_format(&again, &b);
	if (strcmp(a.data, b.data) != 0 || again.n != l->n)
		abort();
	hosts_list_free(&again);
	hosts_list_free(l);
	buf_free(&a);
	buf_free(&b);
}

/* Read the input as an ssh config and a known_hosts file (an in-memory
 * file, by path) and check the names. */
static void
fuzz_check_names(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64], *copy, **v;
	size_t i;

	if (fd == -1 && (fd = memfd_create("fuzz_hosts", MFD_CLOEXEC)) == -1)
		return;
	copy = xstrndup((const char *)data, size);
	for (i = 0; i + 7 <= size; i++) {
		if (strncasecmp(copy + i, "include", 7) == 0)
			copy[i] = 'X';
	}
	if (ftruncate(fd, 0) != 0 ||
	    pwrite(fd, copy, size, 0) != (ssize_t)size) {
		free(copy);
		return;
	}
	free(copy);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	v = hosts_read_names(path, path);
	for (i = 0; v[i] != NULL; i++) {
		if (i > 0 && strcmp(v[i - 1], v[i]) >= 0)
			abort();
		fuzz_check_spec(v[i], strlen(v[i]));
		if (strchr(v[i], '@') != NULL || strchr(v[i], '/') != NULL)
			abort();
	}
	util_strv_free(v);
}

FUZZ_ENTRY(fuzz_hosts)
{
	const char *s = (const char *)data;
	char *text = xstrndup(s, size), *err = NULL;
	struct host_list l;
	size_t start = 0, i;
	int rc;

	for (i = 0; i <= size; i++) {
		if (i == size || s[i] == ',') {
			fuzz_check_spec(s + start, i - start);
			start = i + 1;
		}
	}

	hosts_list_init(&l);
	rc = hosts_list_parse(&l, text, "--hosts", &err);
	fuzz_check_list(&l, rc, err);
	free(text);
	rc = hosts_list_parse_file(&l, "fuzz", s, size, &err);
	fuzz_check_list(&l, rc, err);

	fuzz_check_names(data, size);
	return 0;
}
