/*
 * console_base.c -- the console state every view and command uses, with
 * no terminal loop: the current set and its refresh from the notebook,
 * the event log and message line, selection, the header's line that says
 * where you are, and drawing text and styles into a window.  Kept apart
 * from console.c so views can be tested on a bare ncurses screen.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "console_int.h"
#include "engines.h"

/* Display columns a tag keeps at least when the header cuts it. */
#define CONSOLE_TAG_MIN 8

const struct nb_set *
console_set(const struct console *c)
{
	return c->nsets > 0 ? &c->sets[c->cur] : NULL;
}

const struct nb_counts *
console_counts(const struct console *c)
{
	return c->nsets > 0 ? &c->counts[c->cur] : NULL;
}

void
console_log(struct console *c, const char *fmt, ...)
{
	va_list ap;
	char when[16], *text, *line;
	time_t now = time(NULL);
	struct tm tm;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	line = xasprintf("%s %s", when, text);
	free(text);
	if (c->nlog == CONSOLE_LOG_MAX) {
		free(c->log[0]);
		memmove(c->log, c->log + 1, (CONSOLE_LOG_MAX - 1) *
		    sizeof *c->log);
		c->nlog--;
	}
	c->log[c->nlog++] = line;
	c->log_total++;
	c->dirty = true;
}

void
console_message(struct console *c, bool error, const char *fmt, ...)
{
	va_list ap;

	free(c->message);
	va_start(ap, fmt);
	c->message = xvasprintf(fmt, ap);
	va_end(ap);
	c->message_error = error;
	console_log(c, "%s%s", error ? "error: " : "", c->message);
}

int
console_width(const char *s)
{
	mbstate_t st;
	wchar_t wc;
	size_t n, len = strlen(s);
	int w = 0, cw;

	memset(&st, 0, sizeof st);
	while (len > 0) {
		n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof st);
			n = 1;
			cw = 1;
		} else {
			if (n == 0)
				n = 1;
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		w += cw;
		s += n;
		len -= n;
	}
	return w;
}

/* Draw text at (y, x) in at most width columns, cleaned by
 * util_clean_text; a character this locale cannot show is a '?'. */
void
console_text(WINDOW *w, int y, int x, int width, const char *text,
    bool pad)
{
	mbstate_t st;
	wchar_t wc;
	struct buf clean;
	const char *p;
	size_t n, len;
	int col = 0, cw;
	char ch;

	if (width <= 0)
		return;
	buf_init(&clean);
	util_clean_text(&clean, text, strlen(text), 0);
	p = clean.data;
	len = clean.len;
	wmove(w, y, x);
	memset(&st, 0, sizeof st);
	while (len > 0) {
		n = mbrtowc(&wc, p, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
			wc = L'?';
		}
		cw = wcwidth(wc);
		if (cw < 0) {
			wc = L'?';
			cw = 1;
		}
		if (col + cw > width)
			break;
		if (wc < 0x80) {
			ch = (char)wc;
			waddnstr(w, &ch, 1);
		} else
			waddnwstr(w, &wc, 1);
		col += cw;
		p += n;
		len -= n;
	}
	while (pad && col++ < width)
		waddch(w, ' ');
	buf_free(&clean);
}

/* Append s (clean text) to b cut to cols display columns, its end marked
 * by an ellipsis ('~' in ASCII) when something was cut. */
static void
console_cut(struct buf *b, const char *s, int cols, bool utf8)
{
	mbstate_t st;
	wchar_t wc;
	size_t n, len = strlen(s);
	int col = 0, cw;

	if (console_width(s) <= cols) {
		buf_adds(b, s);
		return;
	}
	memset(&st, 0, sizeof st);
	while (len > 0) {
		n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
			cw = 1;
		} else if ((cw = wcwidth(wc)) < 0)
			cw = 1;
		if (col + cw > cols - 1)
			break;
		buf_add(b, s, n);
		col += cw;
		s += n;
		len -= n;
	}
	buf_adds(b, utf8 ? "\xe2\x80\xa6" : "~");
}

void
console_header_text(const struct console *c, int width, int cores,
    struct buf *b)
{
	const struct nb_set *s = console_set(c);
	const struct nb_counts *n = console_counts(c);
	struct buf tag, eng, hosts, pid, backend;
	bool live;
	int rest;

	/* Most important first: what is cut at the right edge is the
	 * notebook's path. */
	buf_adds(b, " labrat");
	if (s == NULL) {
		buf_printf(b, "  no result sets yet: press n to define one  %s",
		    c->nb_path);
		return;
	}
	live = campaign_live(c->states[c->cur]);
	buf_init(&tag);
	buf_init(&eng);
	buf_init(&hosts);
	buf_init(&pid);
	buf_init(&backend);
	/* Each holds a string, even when empty. */
	buf_adds(&tag, "");
	buf_adds(&hosts, "");
	buf_adds(&pid, "");
	util_clean_text(&tag, s->tag, strlen(s->tag), c->utf8 ? 0 :
	    UTIL_TEXT_ASCII);
	buf_adds(&eng, "  ");
	engines_header(s, live, n->n[NB_RUNNING], cores, &eng, &hosts);
	if (live)
		buf_printf(&pid, " (pid %" PRId64 ")", s->runner_pid);
	buf_printf(&backend, "  %s", s->backend);
	/* When all this does not fit, the backend's name goes first, then
	 * the runner's pid, then the tag is cut: the engines and the hosts
	 * that are not up always show. */
	rest = 7 + 6 + 9 + (int)strlen(campaign_state_name(
	    c->states[c->cur])) + console_width(eng.data) +
	    (hosts.len > 0 ? 2 + console_width(hosts.data) : 0);
	if (rest + console_width(tag.data) + console_width(pid.data) +
	    console_width(backend.data) > width)
		buf_reset(&backend);
	if (rest + console_width(tag.data) + console_width(pid.data) > width)
		buf_reset(&pid);
	buf_adds(b, "  set ");
	rest = width - rest;
	console_cut(b, tag.data, rest > CONSOLE_TAG_MIN ? rest :
	    CONSOLE_TAG_MIN, c->utf8);
	buf_printf(b, "  runner %s%s%s", campaign_state_name(
	    c->states[c->cur]), pid.data, eng.data);
	if (hosts.len > 0)
		buf_printf(b, "  %s", hosts.data);
	buf_printf(b, "%s  %s", backend.data, c->nb_path);
	buf_free(&tag);
	buf_free(&eng);
	buf_free(&hosts);
	buf_free(&pid);
	buf_free(&backend);
}

attr_t
console_attr(const struct console *c, enum console_style s)
{
	static const attr_t mono[STYLE_COUNT] = {
		[STYLE_HEADER] = A_REVERSE,
		[STYLE_TAB] = A_NORMAL,
		[STYLE_TAB_ACTIVE] = A_REVERSE | A_BOLD,
		[STYLE_SELECTED] = A_REVERSE,
		[STYLE_DIM] = A_DIM,
		[STYLE_FAILED] = A_BOLD,
		[STYLE_ERROR] = A_BOLD,
		[STYLE_RUNNING] = A_BOLD,
	};

	if (!c->color)
		return mono[s];
	switch (s) {
	case STYLE_NORMAL:
		return A_NORMAL;
	case STYLE_TAB_ACTIVE:
	case STYLE_SELECTED:
		return COLOR_PAIR(s) | A_BOLD;
	default:
		return COLOR_PAIR(s);
	}
}

/* Re-read the sets, their counts and states; keep the current one. */
void
console_refresh(struct console *c)
{
	struct nb_set *sets = NULL;
	size_t n = 0, i;
	char *err = NULL;
	double now = util_monotonic();
	uint64_t done;

	c->version = notebook_data_version(c->nb);
	c->refreshed = now;
	if (notebook_set_list(c->nb, &sets, &n, &err) != 0) {
		console_message(c, true, "%s", err);
		free(err);
		return;
	}
	for (i = 0; i < c->nsets; i++)
		notebook_set_clear(&c->sets[i]);
	free(c->sets);
	free(c->counts);
	free(c->states);
	c->sets = sets;
	c->nsets = n;
	c->counts = xcalloc(n + 1, sizeof *c->counts);
	c->states = xcalloc(n + 1, sizeof *c->states);
	c->cur = n > 0 ? n - 1 : 0;
	for (i = 0; i < n; i++) {
		if (notebook_counts(c->nb, &sets[i], &c->counts[i], &err) !=
		    0) {
			console_message(c, true, "%s", err);
			free(err);
			err = NULL;
		}
		c->states[i] = campaign_state(c->nb_path, &sets[i],
		    &c->counts[i]);
		if (sets[i].id == c->cur_id)
			c->cur = i;
	}
	if (n == 0)
		return;
	if (c->sets[c->cur].id != c->cur_id) {
		c->cur_id = c->sets[c->cur].id;
		c->rate = 0;
		c->rate_time = 0;
	}
	/* Throughput over windows of at least a second, smoothed. */
	done = c->counts[c->cur].n[NB_OK] + c->counts[c->cur].n[NB_FAILED] +
	    c->counts[c->cur].n[NB_CANCELLED];
	if (c->rate_time == 0 || done < c->rate_done) {
		c->rate_time = now;
		c->rate_done = done;
	} else if (now - c->rate_time >= 1) {
		double r = (double)(done - c->rate_done) / (now - c->rate_time);

		c->rate = c->rate == 0 ? r : 0.5 * c->rate + 0.5 * r;
		c->rate_time = now;
		c->rate_done = done;
	}
	if (!campaign_live(c->states[c->cur]))
		c->rate = 0;
}

/* Tell every view the data changed. */
void
console_update_views(struct console *c)
{
	size_t i;

	for (i = 0; i < c->nviews; i++) {
		if (c->views[i]->ops->update != NULL)
			c->views[i]->ops->update(c->views[i], c);
	}
	c->dirty = true;
}

/* Make the set with this index current. */
void
console_select(struct console *c, size_t i)
{
	if (i >= c->nsets || i == c->cur)
		return;
	c->cur = i;
	c->cur_id = c->sets[i].id;
	c->rate = 0;
	c->rate_time = 0;
	console_update_views(c);
}

