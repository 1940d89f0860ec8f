/*
 * console_base.c -- the console state every view and command uses, with
 * no terminal loop: the current set and its refresh from the notebook,
 * the event log and message line, selection, and drawing text and styles
 * into a window.  Kept apart from console.c so views can be tested on a
 * bare ncurses screen.
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

