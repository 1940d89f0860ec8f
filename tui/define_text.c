/*
 * define_text.c -- the text the space view shows, with no terminal: the
 * lines describing a stored result set (its parameters through
 * space_describe, its command through experiment_describe, its order,
 * backend -- cores here, or hosts elsewhere -- and limits), and the
 * layout helpers for text in display columns: the column of a byte,
 * skipping columns, and wrapping at blanks.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "console.h"
#include "define.h"
#include "experiment.h"
#include "hosts.h"
#include "json.h"
#include "space.h"

/* Append a byte size for people: 2G, 512M, 64k or bytes. */
static void
define_size_text(struct buf *b, uint64_t bytes)
{
	static const char units[] = "TGMk";
	uint64_t mul = (uint64_t)1 << 40;
	int i;

	for (i = 0; units[i] != '\0'; i++, mul >>= 10) {
		if (bytes >= mul && bytes % mul == 0) {
			buf_printf(b, "%" PRIu64 "%c", bytes / mul, units[i]);
			return;
		}
	}
	buf_printf(b, "%" PRIu64 " bytes", bytes);
}

/* Append what a remote set's backend arguments say: its hosts. */
static void
define_backend_args(const struct nb_set *s, struct buf *b)
{
	struct json_object o;
	const struct json_member *m;
	struct host_list l;
	char *err = NULL;

	if (json_parse_object(s->backend_args, strlen(s->backend_args), &o,
	    &err, NULL) != 0) {
		buf_printf(b, "%s, its hosts cannot be read: %s", s->backend,
		    err);
		free(err);
		return;
	}
	hosts_list_init(&l);
	if ((m = json_object_get(&o, "hosts")) == NULL ||
	    m->type != JSON_STRING)
		buf_printf(b, "%s, no hosts recorded", s->backend);
	else if (hosts_list_parse(&l, m->text, "hosts", &err) != 0) {
		buf_printf(b, "%s, its hosts cannot be read: %s", s->backend,
		    err);
		free(err);
	} else
		buf_printf(b, "%s, %zu host%s: %s", s->backend, l.n,
		    l.n == 1 ? "" : "s", m->text);
	hosts_list_free(&l);
	json_object_free(&o);
}

/* Add the line "label\ttext" to v. */
static void UTIL_PRINTF(4, 5)
define_line(char ***v, size_t *n, const char *label, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = xasprintf("%s\t%s", label, text);
	(*v)[*n] = NULL;
	free(text);
}

char **
define_describe_set(const struct nb_set *s, int cores_available)
{
	char **v = xcalloc(1, sizeof *v), *err = NULL, *line, *nl;
	size_t n = 0;
	struct space *sp;
	struct experiment ex;
	struct buf b;
	char when[32];
	time_t t = (time_t)s->created;
	struct tm tm;

	buf_init(&b);
	define_line(&v, &n, "result set", "%s%s%s", s->tag,
	    *s->description != '\0' ? ": " : "", s->description);
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	define_line(&v, &n, "created", "%s%s", when, s->locked ?
	    " (locked: its results are final)" : "");
	if ((sp = space_from_json(s->space, &err)) == NULL) {
		define_line(&v, &n, "parameters", "cannot read the space: %s",
		    err);
		free(err);
		err = NULL;
	} else {
		define_line(&v, &n, "parameters", "%zu, %" PRIu64 " point%s",
		    space_nparams(sp), space_size(sp),
		    space_size(sp) == 1 ? "" : "s");
		space_describe(sp, &b);
		for (line = b.data; line != NULL && *line != '\0';
		    line = nl + 1) {
			if ((nl = strchr(line, '\n')) == NULL)
				nl = line + strlen(line) - 1;
			else
				*nl = '\0';
			define_line(&v, &n, "", "%s", line + strspn(line, " "));
		}
		space_free(sp);
	}
	define_line(&v, &n, "jobs", "%" PRIu64 " point%s x repeat %d = %"
	    PRIu64 " job%s", s->npoints, s->npoints == 1 ? "" : "s",
	    s->repeat, s->njobs, s->njobs == 1 ? "" : "s");
	if (s->sequential)
		define_line(&v, &n, "order", "sequential");
	else
		define_line(&v, &n, "order", "random, seed %" PRIu64, s->seed);
	buf_reset(&b);
	if (experiment_from_json(&ex, s->experiment, &err) != 0) {
		define_line(&v, &n, "command", "cannot read it: %s", err);
		free(err);
	} else {
		experiment_describe(&ex, &b);
		if (ex.worker)
			buf_printf(&b, " (worker, depth %d)", ex.depth);
		define_line(&v, &n, "command", "%s", b.data);
		experiment_free(&ex);
	}
	buf_reset(&b);
	if (strcmp(s->backend, "local") != 0) {
		define_backend_args(s, &b);
		define_line(&v, &n, "backend", "%s", b.data);
	} else {
		define_cores_text(s->cores, cores_available, &b);
		define_line(&v, &n, "backend", "%s, cores %d: %s", s->backend,
		    s->cores, b.data);
	}
	buf_reset(&b);
	if (s->timeout > 0) {
		util_format_double(&b, s->timeout);
		buf_addc(&b, 's');
	} else
		buf_adds(&b, "none");
	buf_adds(&b, ", memory ");
	if (s->mem_limit > 0)
		define_size_text(&b, s->mem_limit);
	else
		buf_adds(&b, "none");
	define_line(&v, &n, "limits", "timeout %s, retries %d, repeat %d",
	    b.data, s->retries, s->repeat);
	define_line(&v, &n, "directory", "%s", *s->cwd != '\0' ? s->cwd :
	    "(not recorded)");
	buf_free(&b);
	return v;
}

/* Decode the character at s (at most len bytes): its length in bytes
 * and its display width, as console_width counts them. */
static size_t
define_char(const char *s, size_t len, int *width)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;

	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*width = 1;
		return 1;
	}
	*width = wcwidth(wc);
	if (*width < 0)
		*width = 1;
	return n;
}

int
define_column(const char *text, size_t pos)
{
	size_t len = strlen(text), n;
	int col = 0, w;

	if (pos > len)
		pos = len;
	while (pos > 0) {
		n = define_char(text, pos, &w);
		col += w;
		text += n;
		pos -= n;
	}
	return col;
}

const char *
define_skip_columns(const char *text, int cols, int *skipped)
{
	size_t len = strlen(text), n;
	int w;

	*skipped = 0;
	while (*skipped < cols && len > 0) {
		n = define_char(text, len, &w);
		*skipped += w;
		text += n;
		len -= n;
	}
	return text;
}

/* Bytes of the longest prefix of s[0..len) within cols columns (at least
 * one character). */
static size_t
define_fit(const char *s, size_t len, int cols)
{
	size_t at = 0, n;
	int col = 0, w;

	while (at < len) {
		n = define_char(s + at, len - at, &w);
		if (col + w > cols && at > 0)
			break;
		col += w;
		at += n;
	}
	return at;
}

char **
define_wrap(const char *text, int width)
{
	char **v = xcalloc(1, sizeof *v), *word;
	size_t n = 0, len, fit;
	struct buf line;
	int lw = 0, ww;
	const char *p = text;

	if (width < 1)
		width = 1;
	buf_init(&line);
	for (;;) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		len = strcspn(p, " ");
		word = xstrndup(p, len);
		ww = console_width(word);
		free(word);
		if (lw > 0 && lw + 1 + ww <= width) {
			buf_addc(&line, ' ');
			buf_add(&line, p, len);
			lw += 1 + ww;
			p += len;
			continue;
		}
		if (lw > 0) {
			v = xreallocarray(v, n + 2, sizeof *v);
			v[n++] = buf_steal(&line);
			v[n] = NULL;
			lw = 0;
		}
		fit = ww <= width ? len : define_fit(p, len, width);
		buf_add(&line, p, fit);
		word = xstrndup(p, fit);
		lw = console_width(word);
		free(word);
		p += fit;
		if (fit < len) {
			/* A word wider than the line: cut it there. */
			v = xreallocarray(v, n + 2, sizeof *v);
			v[n++] = buf_steal(&line);
			v[n] = NULL;
			lw = 0;
		}
	}
	if (lw > 0) {
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = buf_steal(&line);
		v[n] = NULL;
	}
	buf_free(&line);
	return v;
}
