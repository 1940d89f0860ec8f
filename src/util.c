/*
 * util.c -- allocation that never fails, growable buffers, clocks, UTF-8
 * validation, a few number parsers, and safe opening of the files labrat
 * writes, shared by the core, the CLI and the console.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void
util_fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("labrat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(70);
}

static void
out_of_memory(size_t size)
{
	fprintf(stderr, "labrat: out of memory (allocating %zu bytes)\n", size);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		out_of_memory(size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory(n * size);
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (q == NULL)
		out_of_memory(size);
	return q;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		out_of_memory(strlen(fmt));
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_grow(struct buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		out_of_memory(SIZE_MAX);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap < 64)
		b->cap = 64;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
buf_steal(struct buf *b)
{
	char *p;

	if (b->data == NULL)
		return xstrdup("");
	p = b->data;
	buf_init(b);
	return p;
}

double
util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
util_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Length of the valid UTF-8 sequence at s (at most len bytes), 0 if bad. */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	uint32_t cp;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool
util_utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(u + i, len - i)) == 0) {
			if (bad != NULL)
				*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}

void
util_utf8_sanitize(struct buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, n;

	buf_grow(b, len);
	while (i < len) {
		if (u[i] != 0 && u[i] < 0x80) {
			i++;
			continue;
		}
		n = u[i] == 0 ? 0 : utf8_seq(u + i, len - i);
		if (n != 0) {
			i += n;
			continue;
		}
		buf_add(b, s + start, i - start);
		buf_adds(b, "\xef\xbf\xbd");
		start = ++i;
	}
	buf_add(b, s + start, len - start);
}

void
util_clean_text(struct buf *b, const char *s, size_t len, int flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, n;
	unsigned char c;
	char sub;

	buf_grow(b, len);
	while (i < len) {
		c = u[i];
		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		n = c < 0x80 ? 1 : utf8_seq(u + i, len - i);
		/* U+0080..U+009F, the C1 controls, are 0xc2 0x80..0x9f. */
		if (n == 2 && c == 0xc2 && u[i + 1] < 0xa0)
			sub = '?';
		else if (n > 1 && !(flags & UTIL_TEXT_ASCII)) {
			i += n;
			continue;
		} else if ((c == '\n' || c == '\t') &&
		    (flags & UTIL_TEXT_LINES)) {
			i++;
			continue;
		} else if (c == '\n' || c == '\t' || c == '\r')
			sub = ' ';
		else
			sub = '?';
		buf_add(b, s + start, i - start);
		buf_addc(b, sub);
		i += n == 0 ? 1 : n;
		start = i;
	}
	buf_add(b, s + start, len - start);
}

bool
util_is_utf8_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v = NULL;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(vars); i++) {
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			break;
	}
	return v != NULL && (strcasestr(v, "UTF-8") != NULL ||
	    strcasestr(v, "UTF8") != NULL);
}

bool
util_is_ident(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < len; i++) {
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	}
	return true;
}

void
util_strv_free(char **v)
{
	char **p;

	if (v == NULL)
		return;
	for (p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

size_t
util_strv_len(char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

int
util_strv_index(const char *const *v, const char *name, size_t len)
{
	int i;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (strlen(v[i]) == len && memcmp(v[i], name, len) == 0)
			return i;
	}
	return -1;
}

void
util_format_double(struct buf *b, double d)
{
	char tmp[64];
	int prec, exp10;

	if (isnan(d)) {
		buf_adds(b, "nan");
		return;
	}
	if (isinf(d)) {
		buf_adds(b, d < 0 ? "-inf" : "inf");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* %g writes 120 as 1.2e+02 at precision 2: below 1e17, write whole
	 * digits instead. */
	exp10 = d == 0 ? 0 : (int)floor(log10(fabs(d)));
	if (exp10 >= prec && exp10 < 17)
		snprintf(tmp, sizeof tmp, "%.*g", exp10 + 1, d);
	buf_adds(b, tmp);
}

int
util_parse_uint(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* Read the non-negative number s starts with: 0 with *v and *end (the
 * unit that follows), or -1. */
static int
util_leading_number(const char *s, double *v, char **end)
{
	if (s == NULL || !(isdigit((unsigned char)*s) || *s == '.'))
		return -1;
	errno = 0;
	*v = strtod(s, end);
	if (errno != 0 || *end == s || !isfinite(*v) || *v < 0)
		return -1;
	return 0;
}

int
util_parse_duration(const char *s, double *seconds)
{
	double v, mul = 1;
	char *end;

	if (util_leading_number(s, &v, &end) != 0)
		return -1;
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		mul = 1;
	else if (strcmp(end, "ms") == 0)
		mul = 0.001;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mul = 60;
	else if (strcmp(end, "h") == 0)
		mul = 3600;
	else if (strcmp(end, "d") == 0)
		mul = 86400;
	else
		return -1;
	*seconds = v * mul;
	return 0;
}

int
util_parse_size(const char *s, uint64_t *bytes)
{
	double v, mul = 1;
	char *end;

	if (util_leading_number(s, &v, &end) != 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		mul = 1024.0;
		break;
	case 'M':
		mul = 1024.0 * 1024;
		break;
	case 'G':
		mul = 1024.0 * 1024 * 1024;
		break;
	case 'T':
		mul = 1024.0 * 1024 * 1024 * 1024;
		break;
	default:
		return -1;
	}
	if (*end != '\0') {
		end++;
		if (toupper((unsigned char)*end) == 'I')
			end++;
		if (toupper((unsigned char)*end) == 'B')
			end++;
		if (*end != '\0')
			return -1;
	}
	if (v * mul >= 18446744073709551615.0)
		return -1;
	*bytes = (uint64_t)(v * mul);
	return 0;
}

/* What a file of mode m is, for a message: "a FIFO", or NULL. */
static const char *
util_file_kind(mode_t m)
{
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	return NULL;
}

/* The message refusing path, which st describes; fix ends it. */
static char *
util_file_refusal(const char *path, const struct stat *st, const char *fix)
{
	const char *kind = util_file_kind(st->st_mode), *sep = ": ";

	if (fix == NULL)
		sep = fix = "";
	if (S_ISLNK(st->st_mode))
		return xasprintf("%s is a symbolic link, and labrat does not "
		    "follow links to the files it writes%s%s", path, sep, fix);
	if (S_ISREG(st->st_mode))
		return xasprintf("%s has %ju hard links, and labrat does not "
		    "write to a file that has other names%s%s", path,
		    (uintmax_t)st->st_nlink, sep, fix);
	if (kind == NULL)
		return xasprintf("%s is not a regular file%s%s", path, sep,
		    fix);
	return xasprintf("%s is %s, not a regular file%s%s", path, kind, sep,
	    fix);
}

int
util_file_open(const char *path, int flags, mode_t mode, const char *fix,
    int *fd, char **err)
{
	bool look = (flags & O_PATH) != 0;
	bool writing = !look && (flags & O_ACCMODE) != O_RDONLY;
	struct stat st;
	int f, fl, e;

	/* O_NONBLOCK: opening a FIFO returns at once (or fails with ENXIO)
	 * instead of waiting for the other end; it is cleared below. */
	f = open(path, (flags & ~O_TRUNC) | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC, mode);
	if (f == -1) {
		e = errno;
		/* A link (ELOOP), a directory opened to write (EISDIR), a
		 * FIFO with no reader or a socket (ENXIO): say which. */
		if ((e == ELOOP || e == EISDIR || e == ENXIO) &&
		    lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
			*err = util_file_refusal(path, &st, fix);
		else
			*err = xasprintf("cannot open %s: %s", path,
			    strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(f, &st) == -1) {
		e = errno;
		*err = xasprintf("cannot open %s: %s", path, strerror(e));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || (writing && st.st_nlink > 1)) {
		e = S_ISLNK(st.st_mode) ? ELOOP : EINVAL;
		*err = util_file_refusal(path, &st, fix);
		goto fail;
	}
	if (!look && ((fl = fcntl(f, F_GETFL)) == -1 ||
	    fcntl(f, F_SETFL, fl & ~O_NONBLOCK) == -1)) {
		e = errno;
		*err = xasprintf("cannot open %s: %s", path, strerror(e));
		goto fail;
	}
	if (writing && (flags & O_TRUNC) && ftruncate(f, 0) == -1) {
		e = errno;
		*err = xasprintf("cannot truncate %s: %s", path, strerror(e));
		goto fail;
	}
	*fd = f;
	return 0;
fail:
	close(f);
	errno = e;
	return -1;
}

int
util_file_create_temp(const char *path, mode_t mode, int *fd, char **tmp,
    char **err)
{
	uint64_t r;
	char *name;
	int i, e;

	/* A name nobody can guess, created with O_EXCL: a file or link
	 * planted there in advance makes this try fail, never write. */
	for (i = 0; i < 100; i++) {
		if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
			r = ((uint64_t)getpid() << 32) ^
			    (uint64_t)(util_monotonic() * 1e9) ^ (uint64_t)i;
		name = xasprintf("%s.tmp.%012" PRIx64, path,
		    r & UINT64_C(0xffffffffffff));
		if (util_file_open(name, O_WRONLY | O_CREAT | O_EXCL, mode,
		    NULL, fd, err) == 0) {
			*tmp = name;
			return 0;
		}
		e = errno;
		free(name);
		free(*err);
		*err = NULL;
		if (e != EEXIST) {
			*err = xasprintf("cannot write %s: %s", path,
			    strerror(e));
			errno = e;
			return -1;
		}
	}
	*err = xasprintf("cannot write %s: 100 random names for a file "
	    "beside it were all taken", path);
	errno = EEXIST;
	return -1;
}
