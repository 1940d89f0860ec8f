/*
 * util.h -- the few helpers every labrat module uses: allocation that never
 * returns NULL, a growable byte buffer, clocks, UTF-8 checks, and the one
 * safe way to open the files labrat creates or writes.
 */
#ifndef LABRAT_UTIL_H
#define LABRAT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#define UTIL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define UTIL_NORETURN __attribute__((noreturn))
#define UTIL_ARRLEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: on failure these print a message and abort; they never
 * return NULL. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) UTIL_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) UTIL_PRINTF(1, 0);

/* Print "labrat: MESSAGE" to stderr and exit with status 70 (internal). */
void util_fatal(const char *fmt, ...) UTIL_PRINTF(1, 2) UTIL_NORETURN;

/* A growable byte buffer, always NUL-terminated after buf_* calls. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) UTIL_PRINTF(2, 3);
/* Hand the contents to the caller (never NULL) and reset the buffer. */
char *buf_steal(struct buf *b);

/* Seconds since the epoch (wall clock) and on a monotonic clock. */
double util_now(void);
double util_monotonic(void);

/* True if s[0..len) is valid UTF-8 (no overlongs, no surrogates); on false
 * *bad (if not NULL) is the offset of the first bad byte. */
bool util_utf8_valid(const char *s, size_t len, size_t *bad);
/* Append s[0..len) to b, replacing each invalid UTF-8 sequence and each NUL
 * byte with U+FFFD. */
void util_utf8_sanitize(struct buf *b, const char *s, size_t len);

/* Flags of util_clean_text. */
#define UTIL_TEXT_LINES 0x1 /* keep newlines and tabs: text of many lines */
#define UTIL_TEXT_ASCII 0x2 /* show every non-ASCII character as '?' too */
/* Append s[0..len) to b as text safe to print on a terminal, the way the
 * console draws it: each control character (C0, DEL, C1) and each invalid
 * UTF-8 byte becomes '?', so no escape sequence gets through; tab, newline
 * and carriage return become a space, but with UTIL_TEXT_LINES newline and
 * tab are kept. */
void util_clean_text(struct buf *b, const char *s, size_t len, int flags);
/* True if the user's locale (LC_ALL, else LC_CTYPE, else LANG) is UTF-8,
 * read from the environment as tmux does, without calling setlocale. */
bool util_is_utf8_locale(void);

/* True if s is a name: [A-Za-z_][A-Za-z0-9_]*. */
bool util_is_ident(const char *s, size_t len);

/* Free a NULL-terminated array of strings and the array itself. */
void util_strv_free(char **v);
size_t util_strv_len(char *const *v);
/* Index of name[0..len) in the NULL-terminated list v, or -1. */
int util_strv_index(const char *const *v, const char *name, size_t len);

/* Format a double in the shortest form that reads back to the same value
 * (at most 17 significant digits); "nan", "inf", "-inf" for non-finite. */
void util_format_double(struct buf *b, double d);

/* Parse a non-negative integer / a duration in seconds ("90", "1.5",
 * "2m", "1h") / a byte size ("512M", "2G", "1024k"): 0 on success. */
int util_parse_uint(const char *s, uint64_t *out);
int util_parse_duration(const char *s, double *seconds);
int util_parse_size(const char *s, uint64_t *bytes);

/*
 * Every file labrat creates or writes (the runners' log and lock beside
 * the notebook, an export, the demo's CSV, the console's history) is
 * opened here, never with open() or fopen() at the call site: a symbolic
 * link at path is never followed (not even a dangling one), a FIFO never
 * blocks, and anything but a regular file is refused, as is a file with
 * other hard links when it is opened for writing.  The descriptor is
 * checked after opening (fstat), so nothing can be swapped in between.
 *
 * flags are open(2)'s (O_RDONLY, O_WRONLY | O_APPEND | O_CREAT, ...; O_PATH
 * only looks at what is there); O_CLOEXEC is always added and O_TRUNC
 * truncates only once the file passed.  mode is that of a created file
 * (less the umask).  fix says what to do about a refused file ("remove
 * it"): it ends the message.  0 with *fd, or -1 with *err naming path;
 * errno is then ENOENT if the file does not exist (flags without
 * O_CREAT).
 */
int util_file_open(const char *path, int flags, mode_t mode, const char *fix,
    int *fd, char **err);
/* Create a new file beside path, PATH.tmp.RANDOM, exclusively (O_EXCL:
 * never an existing file or link) and write-only, with mode: 0 with *fd
 * and *tmp (its name, owned), or -1 with *err ("cannot write PATH: ...")
 * and errno.  Rename it over path once written. */
int util_file_create_temp(const char *path, mode_t mode, int *fd, char **tmp,
    char **err);

#endif
