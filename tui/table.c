/*
 * table.c -- the pure part of the jobs and results views: how a JSON
 * value reads in a cell, how text is fitted to a column (UTF-8 aware,
 * with the same widths console_text draws), column widths and which
 * columns fit a screen, the state filters and their counts from the
 * notebook's counters, sort cycling, and the status and selector lines.
 * Nothing here touches a terminal or the notebook, so it is tested as it
 * is.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "table.h"

static const char *const table_filter_names[TABLE_NFILTERS] = {
	"all", "ok", "failed", "running", "pending", "cancelled"
};

static const enum table_filter table_job_states[TABLE_JOB_STATES] = {
	TABLE_RUNNING, TABLE_FAILED, TABLE_OK, TABLE_PENDING, TABLE_CANCELLED
};

/* The i-th state of the jobs view's selector. */
enum table_filter
table_job_state(size_t i)
{
	return table_job_states[i % TABLE_JOB_STATES];
}

/* Name a filter. */
const char *
table_filter_name(enum table_filter f)
{
	return f < TABLE_NFILTERS ? table_filter_names[f] : "?";
}

/* The filter after f, back to all after the last. */
enum table_filter
table_filter_next(enum table_filter f)
{
	return (enum table_filter)((f + 1) % TABLE_NFILTERS);
}

/* The states a filter lets through. */
unsigned
table_filter_states(enum table_filter f)
{
	switch (f) {
	case TABLE_OK:
		return NB_STATE_BIT(NB_OK);
	case TABLE_FAILED:
		return NB_STATE_BIT(NB_FAILED);
	case TABLE_RUNNING:
		return NB_STATE_BIT(NB_RUNNING);
	case TABLE_PENDING:
		return NB_STATE_BIT(NB_QUEUED);
	case TABLE_CANCELLED:
		return NB_STATE_BIT(NB_CANCELLED);
	default:
		return 0;
	}
}

/* Count the current rows a filter lets through. */
uint64_t
table_filter_rows(enum table_filter f, const struct nb_counts *n)
{
	uint64_t rows = 0;
	int s;

	if (n == NULL)
		return 0;
	switch (f) {
	case TABLE_OK:
		return n->n[NB_OK];
	case TABLE_FAILED:
		return n->n[NB_FAILED];
	case TABLE_RUNNING:
		return n->n[NB_RUNNING];
	case TABLE_PENDING:
		return n->n[NB_QUEUED];
	case TABLE_CANCELLED:
		return n->n[NB_CANCELLED];
	default:
		for (s = 0; s < NB_NSTATES; s++)
			rows += n->n[s];
		return rows;
	}
}

/* Count the jobs a filter stands for. */
uint64_t
table_filter_count(enum table_filter f, const struct nb_counts *n)
{
	if (n == NULL)
		return 0;
	if (f == TABLE_PENDING)
		return n->pending;
	if (f == TABLE_ALL)
		return n->total;
	return table_filter_rows(f, n);
}

/*
 * Decode the next character of s[0..*len) the way console_text draws it:
 * an invalid byte is one '?', a control character a space, a character
 * wcwidth refuses a '?'.  Sets out (its UTF-8 bytes, *outlen of them) and
 * returns its display width; advances *s and *len.
 */
static int
table_next(const char **s, size_t *len, mbstate_t *st, char *out,
    size_t *outlen)
{
	wchar_t wc;
	size_t n;
	int w;

	n = mbrtowc(&wc, *s, *len, st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		memset(st, 0, sizeof *st);
		n = 1;
		wc = L'?';
	}
	*s += n;
	*len -= n;
	if (wc < 0x20 || wc == 0x7f) {
		out[0] = ' ';
		*outlen = 1;
		return 1;
	}
	if (wc < 0x80 || (w = wcwidth(wc)) < 0) {
		out[0] = wc < 0x80 ? (char)wc : '?';
		*outlen = 1;
		return 1;
	}
	memcpy(out, *s - n, n);
	*outlen = n;
	return w;
}

/* Count the display columns of s[0..len). */
static int
table_width_n(const char *s, size_t len)
{
	mbstate_t st;
	size_t n;
	char ch[MB_LEN_MAX];
	int w = 0;

	memset(&st, 0, sizeof st);
	while (len > 0)
		w += table_next(&s, &len, &st, ch, &n);
	return w;
}

/* Count the display columns of text. */
int
table_width(const char *text)
{
	return table_width_n(text, strlen(text));
}

/* Append text fitted to exactly width columns. */
void
table_fit(struct buf *b, const char *text, int width,
    enum table_align align, bool utf8)
{
	mbstate_t st;
	struct buf t;
	size_t len, n;
	char ch[MB_LEN_MAX];
	int w, cw, room;

	if (width <= 0)
		return;
	w = table_width(text);
	room = w > width ? width - 1 : width;
	buf_init(&t);
	memset(&st, 0, sizeof st);
	len = strlen(text);
	w = 0;
	while (len > 0) {
		cw = table_next(&text, &len, &st, ch, &n);
		if (w + cw > room)
			break;
		buf_add(&t, ch, n);
		w += cw;
	}
	if (room < width) {
		buf_adds(&t, utf8 ? "\xe2\x80\xa6" : "~");
		w++;
	}
	if (align == TABLE_RIGHT)
		while (w++ < width)
			buf_addc(b, ' ');
	buf_add(b, t.data, t.len);
	if (align == TABLE_LEFT)
		while (w++ < width)
			buf_addc(b, ' ');
	buf_free(&t);
}

/* Append a number token compactly. */
void
table_number(struct buf *b, const char *token, size_t len)
{
	char tok[64], tmp[64];
	size_t i;
	bool integer = len > 0;

	for (i = 0; i < len; i++) {
		if (!(token[i] >= '0' && token[i] <= '9') &&
		    !(i == 0 && token[i] == '-'))
			integer = false;
	}
	if ((integer && len <= 12) || len >= sizeof tok) {
		buf_add(b, token, len);
		return;
	}
	memcpy(tok, token, len);
	tok[len] = '\0';
	snprintf(tmp, sizeof tmp, "%.6g", strtod(tok, NULL));
	buf_adds(b, strlen(tmp) < len ? tmp : tok);
}

/* Append a JSON value as a cell shows it. */
void
table_value(struct buf *b, const struct json_member *m,
    enum table_align *align)
{
	*align = TABLE_LEFT;
	if (m->type == JSON_NUMBER) {
		*align = TABLE_RIGHT;
		table_number(b, m->text, m->len);
	} else
		buf_add(b, m->text, m->len);
}

/* Append a duration in a few characters. */
void
table_duration(struct buf *b, double s)
{
	if (s < 0 || !isfinite(s))
		buf_adds(b, "-");
	else if (s < 9.995)
		buf_printf(b, "%.2fs", s);
	else if (s < 59.95)
		buf_printf(b, "%.1fs", s);
	else if (s < 3599.5)
		buf_printf(b, "%dm%02ds", (int)(s + 0.5) / 60,
		    (int)(s + 0.5) % 60);
	else if (s < 86400)
		buf_printf(b, "%dh%02dm", (int)(s / 3600),
		    (int)fmod(s / 60, 60));
	else
		buf_printf(b, "%dd%02dh", (int)(s / 86400),
		    (int)fmod(s / 3600, 24));
}

/* Append a time of day, with the date when it is not recent. */
void
table_clock(struct buf *b, double when, double now)
{
	time_t t = (time_t)when;
	struct tm tm;
	char tmp[32];

	if (when <= 0 || !isfinite(when) || localtime_r(&t, &tm) == NULL) {
		buf_adds(b, "-");
		return;
	}
	strftime(tmp, sizeof tmp, fabs(now - when) > 20 * 3600 ?
	    "%m-%d %H:%M" : "%H:%M:%S", &tm);
	buf_adds(b, tmp);
}

/* Append a job's parameters as name=value words. */
void
table_params(struct buf *b, const char *json)
{
	struct json_object obj;
	enum table_align align;
	char *err = NULL;
	size_t errpos, i;

	if (json_parse_object(json, strlen(json), &obj, &err, &errpos) != 0) {
		free(err);
		buf_adds(b, json);
		return;
	}
	for (i = 0; i < obj.n; i++) {
		buf_printf(b, "%s%s=", i > 0 ? " " : "", obj.members[i].name);
		table_value(b, &obj.members[i], &align);
	}
	json_object_free(&obj);
}

/* Append a column header with its sort marker. */
void
table_header(struct buf *b, const char *name, bool sorted, bool desc,
    bool utf8)
{
	buf_adds(b, name);
	if (!sorted)
		return;
	if (utf8)
		buf_adds(b, desc ? "\xe2\x96\xbc" : "\xe2\x96\xb2");
	else
		buf_adds(b, desc ? " v" : " ^");
}

/* Work out each column's width from its header and cells. */
void
table_widths(char *const *headers, size_t ncols, char *const *cells,
    size_t nrows, int cap, int *widths)
{
	size_t r, k;
	int w;

	for (k = 0; k < ncols; k++) {
		widths[k] = table_width(headers[k]) + 1;
		for (r = 0; r < nrows; r++) {
			if (cells[r * ncols + k] == NULL)
				continue;
			w = table_width(cells[r * ncols + k]);
			if (w > widths[k])
				widths[k] = w;
		}
		if (widths[k] > cap)
			widths[k] = cap;
		if (widths[k] < 1)
			widths[k] = 1;
	}
}

/* Choose the columns that fit: the pinned ones, then from left on. */
size_t
table_layout(const int *widths, size_t ncols, size_t pinned, size_t left,
    int width, size_t *shown)
{
	size_t n = 0, k;
	int x = 0, need;

	if (pinned > ncols)
		pinned = ncols;
	if (left < pinned)
		left = pinned;
	for (k = 0; k < ncols; k++) {
		if (k >= pinned && k < left)
			continue;
		need = (n > 0 ? 1 : 0) + widths[k];
		if (n > 0 && x + need > width)
			break;
		shown[n++] = k;
		x += need;
	}
	return n;
}

/* The smallest left whose layout reaches the last column. */
size_t
table_left_max(const int *widths, size_t ncols, size_t pinned, int width)
{
	size_t *shown, left, n;

	if (ncols == 0)
		return 0;
	if (pinned >= ncols)
		pinned = ncols - 1;
	shown = xcalloc(ncols, sizeof *shown);
	for (left = pinned; left + 1 < ncols; left++) {
		n = table_layout(widths, ncols, pinned, left, width, shown);
		if (n > 0 && shown[n - 1] == ncols - 1)
			break;
	}
	free(shown);
	return left;
}

/* The column after the one sorted on. */
size_t
table_sort_next(char *const *cols, size_t ncols, const char *sort)
{
	size_t k;

	if (ncols == 0)
		return 0;
	for (k = 0; sort != NULL && k < ncols; k++) {
		if (strcmp(cols[k], sort) == 0)
			return (k + 1) % ncols;
	}
	return 0;
}

/* Read a page from the nearer end of the order. */
bool
table_page_plan(uint64_t total, uint64_t top, uint64_t n, bool reversible,
    uint64_t *offset)
{
	*offset = top;
	if (!reversible || n > total || top > total - n ||
	    total - n - top >= top)
		return false;
	*offset = total - n - top;
	return true;
}

/* Append the results view's status line. */
void
table_status(struct buf *b, uint64_t offset, uint64_t shown, uint64_t total,
    const char *sort, bool desc, enum table_filter f, bool utf8)
{
	const char *sep = utf8 ? " \xc2\xb7 " : " | ";

	if (shown == 0)
		buf_printf(b, "rows 0 of %llu", (unsigned long long)total);
	else
		buf_printf(b, "rows %llu-%llu of %llu",
		    (unsigned long long)offset + 1,
		    (unsigned long long)(offset + shown),
		    (unsigned long long)total);
	buf_printf(b, "%ssort %s ", sep, sort);
	if (utf8)
		table_header(b, "", true, desc, utf8);
	else
		buf_addc(b, desc ? 'v' : '^');
	buf_printf(b, "%sfilter %s", sep, table_filter_name(f));
}

/* Append the jobs view's selector line. */
void
table_state_line(struct buf *b, const struct nb_counts *n, size_t selected,
    bool utf8, int *from, int *to)
{
	struct buf part;
	enum table_filter f;
	size_t i;
	int col = 0;

	*from = *to = 0;
	buf_init(&part);
	for (i = 0; i < TABLE_JOB_STATES; i++) {
		f = table_job_state(i);
		buf_reset(&part);
		if (i > 0) {
			buf_adds(&part, utf8 ? " \xc2\xb7 " : " | ");
			col += table_width(part.data);
		}
		if (i == selected)
			*from = col;
		buf_add(b, part.data, part.len);
		buf_reset(&part);
		buf_printf(&part, "%s %llu", table_filter_name(f),
		    (unsigned long long)table_filter_count(f, n));
		col += table_width(part.data);
		if (i == selected)
			*to = col;
		buf_add(b, part.data, part.len);
	}
	buf_free(&part);
}

/* Add the line s[0..len) to the vector. */
static void
table_wrap_add(char ***v, size_t *n, const char *s, size_t len)
{
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = xstrndup(s, len);
	(*v)[*n] = NULL;
}

/* Split text into lines of at most width columns. */
char **
table_wrap(const char *text, int width, size_t *n)
{
	char **v = xcalloc(1, sizeof *v), ch[MB_LEN_MAX];
	const char *line, *end, *p, *brk;
	mbstate_t st;
	size_t len, k, left;
	int w, cw;

	*n = 0;
	if (width < 1)
		width = 1;
	for (line = text; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		len = (size_t)(end - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		/* Cut the line where it gets too wide, at a blank in its
		 * second half if there is one. */
		while (table_width_n(line, len) > width) {
			memset(&st, 0, sizeof st);
			p = line;
			left = len;
			w = 0;
			brk = NULL;
			for (;;) {
				const char *at = p;

				cw = table_next(&p, &left, &st, ch, &k);
				if (w + cw > width) {
					p = at;
					break;
				}
				w += cw;
				if (*at == ' ' && w > width / 2)
					brk = p;
			}
			if (brk == NULL || brk == line)
				brk = p > line ? p : line + 1;
			table_wrap_add(&v, n, line, (size_t)(brk - line));
			len -= (size_t)(brk - line);
			line = brk;
		}
		table_wrap_add(&v, n, line, len);
	}
	return v;
}
