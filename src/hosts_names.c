/*
 * hosts_names.c -- the host names the console offers for completion
 * (doc/hosts.md, "Completion"): the aliases of the Host lines of the
 * user's ssh config, following Include as ssh does when it is simple, and
 * the hosts of known_hosts, each kept only if it is a valid host spec, in
 * canonical form.  Completion never fails: what cannot be read offers
 * nothing.
 */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hosts_int.h"

/* The largest ssh config or known_hosts file read, the deepest Include
 * followed (as ssh) and the most config files read. */
#define HOSTS_NAMES_FILE_MAX (16 * 1024 * 1024)
#define HOSTS_INCLUDE_DEPTH 16
#define HOSTS_INCLUDE_FILES 64

/* Names gathered so far, and the config files read. */
struct hosts_names {
	char **v;
	size_t n;
	size_t cap;
	int files;
};

/* Add the canonical text of the host (and port) written text[0..len) to
 * the names, if labrat takes it as a host. */
static void
hosts_names_add(struct hosts_names *nm, const char *text, size_t len)
{
	struct host_spec sp;
	struct buf b;
	size_t at;
	char *err;

	if (memchr(text, '@', len) != NULL || memchr(text, '/', len) != NULL)
		return;
	if (hosts_spec_parse(&sp, text, len, &at, &err) != 0) {
		free(err);
		return;
	}
	buf_init(&b);
	hosts_spec_format(&sp, &b);
	hosts_spec_free(&sp);
	if (nm->n == nm->cap) {
		nm->cap = nm->cap == 0 ? 16 : nm->cap * 2;
		nm->v = xreallocarray(nm->v, nm->cap, sizeof *nm->v);
	}
	nm->v[nm->n++] = buf_steal(&b);
}

/* True if a pattern of ssh's holds a wildcard or a negation. */
static bool
hosts_is_pattern(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '*' || s[i] == '?' || s[i] == '!')
			return true;
	}
	return false;
}

/* The next word of an ssh config line at *p (before end), unquoted: its
 * start and *n, or NULL at the end of the line or at a '#'. */
static const char *
hosts_config_word(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *w;

	while (s < end && hosts_is_blank(*s))
		s++;
	if (s >= end || *s == '#') {
		*p = end;
		return NULL;
	}
	if (*s == '"') {
		for (w = ++s; s < end && *s != '"'; s++)
			;
		*n = (size_t)(s - w);
		*p = s < end ? s + 1 : end;
		return w;
	}
	for (w = s; s < end && !hosts_is_blank(*s); s++)
		;
	*n = (size_t)(s - w);
	*p = s;
	return w;
}

static void hosts_names_config(struct hosts_names *nm, const char *path,
    const char *dir, int depth);

/* Follow "Include word" of an ssh config: "~/" is $HOME, a relative path
 * is in dir, globs are expanded; anything with ssh's %tokens or ${VAR}
 * is not followed. */
static void
hosts_names_include(struct hosts_names *nm, const char *w, size_t n,
    const char *dir, int depth)
{
	const char *home = getenv("HOME");
	char *pattern;
	glob_t g;
	size_t i;

	if (memchr(w, '%', n) != NULL || memchr(w, '$', n) != NULL)
		return;
	if (n >= 2 && w[0] == '~' && w[1] == '/' && home != NULL)
		pattern = xasprintf("%s%.*s", home, (int)(n - 1), w + 1);
	else if (w[0] == '~')
		return;
	else if (w[0] == '/')
		pattern = xstrndup(w, n);
	else
		pattern = xasprintf("%s/%.*s", dir, (int)n, w);
	memset(&g, 0, sizeof g);
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			hosts_names_config(nm, g.gl_pathv[i], dir, depth + 1);
	}
	globfree(&g);
	free(pattern);
}

/* Add the Host aliases of the ssh config at path and of what it
 * includes (relative Include paths are in dir, as ssh reads them). */
static void
hosts_names_config(struct hosts_names *nm, const char *path,
    const char *dir, int depth)
{
	const char *p, *end, *line, *s, *le, *kw, *w;
	size_t len, n, kn;
	char *data, *err;

	if (depth > HOSTS_INCLUDE_DEPTH || nm->files >= HOSTS_INCLUDE_FILES)
		return;
	nm->files++;
	if (hosts_file_load(path, HOSTS_NAMES_FILE_MAX, "ssh config", &data,
	    &len, &err) != 0) {
		free(err);
		return;
	}
	p = data;
	end = data + len;
	while ((line = hosts_next_line(&p, end, &n)) != NULL) {
		le = line + n;
		for (kw = line; kw < le && hosts_is_blank(*kw); kw++)
			;
		/* "Keyword args", "Keyword=args", "Keyword = args". */
		for (s = kw; s < le && !hosts_is_blank(*s) && *s != '='; s++)
			;
		kn = (size_t)(s - kw);
		while (s < le && hosts_is_blank(*s))
			s++;
		if (s < le && *s == '=')
			s++;
		if (kn == 4 && strncasecmp(kw, "host", 4) == 0) {
			while ((w = hosts_config_word(&s, le, &n)) != NULL) {
				if (!hosts_is_pattern(w, n))
					hosts_names_add(nm, w, n);
			}
		} else if (kn == 7 && strncasecmp(kw, "include", 7) == 0) {
			while ((w = hosts_config_word(&s, le, &n)) != NULL)
				hosts_names_include(nm, w, n, dir, depth);
		}
	}
	free(data);
}

/* Add the hosts of the known_hosts file at path. */
static void
hosts_names_known(struct hosts_names *nm, const char *path)
{
	const char *p, *end, *line, *s, *le, *pe, *q, *rb;
	size_t len, n;
	char *data, *err, *text;

	if (hosts_file_load(path, HOSTS_NAMES_FILE_MAX, "known_hosts file",
	    &data, &len, &err) != 0) {
		free(err);
		return;
	}
	p = data;
	end = data + len;
	while ((line = hosts_next_line(&p, end, &n)) != NULL) {
		le = line + n;
		for (s = line; s < le && hosts_is_blank(*s); s++)
			;
		/* Comments, and @cert-authority and @revoked lines. */
		if (s == le || *s == '#' || *s == '@')
			continue;
		for (pe = s; pe < le && !hosts_is_blank(*pe); pe++)
			;
		for (; s < pe; s = q + 1) {
			if ((q = memchr(s, ',', (size_t)(pe - s))) == NULL)
				q = pe;
			n = (size_t)(q - s);
			/* Hashed names (|1|salt|hash) and patterns. */
			if (n == 0 || *s == '|' || hosts_is_pattern(s, n))
				continue;
			rb = *s == '[' ? memchr(s, ']', n) : NULL;
			if (rb != NULL && rb + 1 < q && rb[1] == ':' &&
			    memchr(s, ':', (size_t)(rb - s)) == NULL)
				text = xasprintf("%.*s%.*s", (int)(rb - s - 1),
				    s + 1, (int)(q - rb - 1), rb + 1);
			else if (*s != '[' && memchr(s, ':', n) != NULL)
				text = xasprintf("[%.*s]", (int)n, s);
			else
				text = xstrndup(s, n);
			hosts_names_add(nm, text, strlen(text));
			free(text);
		}
	}
	free(data);
}

/* Order strings for qsort. */
static int
hosts_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Gather, sort and de-duplicate the names to complete. */
char **
hosts_read_names(const char *ssh_config, const char *known_hosts)
{
	struct hosts_names nm = { NULL, 0, 0, 0 };
	const char *slash;
	char *dir;
	size_t i, k = 0;

	if (ssh_config != NULL) {
		slash = strrchr(ssh_config, '/');
		dir = slash == NULL ? xstrdup(".") : slash == ssh_config ?
		    xstrdup("/") : xstrndup(ssh_config,
		    (size_t)(slash - ssh_config));
		hosts_names_config(&nm, ssh_config, dir, 0);
		free(dir);
	}
	if (known_hosts != NULL)
		hosts_names_known(&nm, known_hosts);
	if (nm.n > 0)
		qsort(nm.v, nm.n, sizeof *nm.v, hosts_strcmp);
	for (i = 0; i < nm.n; i++) {
		if (k > 0 && strcmp(nm.v[k - 1], nm.v[i]) == 0)
			free(nm.v[i]);
		else
			nm.v[k++] = nm.v[i];
	}
	nm.v = xreallocarray(nm.v, k + 1, sizeof *nm.v);
	nm.v[k] = NULL;
	return nm.v;
}
