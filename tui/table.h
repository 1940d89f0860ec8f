/*
 * table.h -- what the jobs and results views show, decided without a
 * terminal: cells formatted from JSON values, text fitted to a width with
 * an ellipsis, column widths and which columns fit, the state filters and
 * their counts, sort cycling, and the status and selector lines.
 */
#ifndef LABRAT_TABLE_H
#define LABRAT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "notebook.h"
#include "util.h"

/* The widest a column gets, in display columns. */
#define TABLE_MAX_WIDTH 16

enum table_align {
	TABLE_LEFT,      /* text */
	TABLE_RIGHT,     /* numbers */
};

/* The state filters, in the order the results view's 'f' cycles them. */
enum table_filter {
	TABLE_ALL,
	TABLE_OK,
	TABLE_FAILED,
	TABLE_RUNNING,
	TABLE_PENDING,   /* queued rows; never-started positions have none */
	TABLE_CANCELLED,
	TABLE_NFILTERS
};

/* The states of the jobs view's selector line, in its order. */
#define TABLE_JOB_STATES 5
enum table_filter table_job_state(size_t i);

/* "all", "ok", "failed", "running", "pending", "cancelled". */
const char *table_filter_name(enum table_filter f);
enum table_filter table_filter_next(enum table_filter f);
/* The NB_STATE_BIT mask of a filter (0 for all). */
unsigned table_filter_states(enum table_filter f);
/* Rows a filter lets through, from the counts (never a COUNT(*)): the
 * current job rows, which never-started positions do not have. */
uint64_t table_filter_rows(enum table_filter f, const struct nb_counts *n);
/* The jobs a filter stands for, as the selector line counts them:
 * pending includes the positions that have not started yet. */
uint64_t table_filter_count(enum table_filter f, const struct nb_counts *n);

/* Display columns of text as table_fit counts them. */
int table_width(const char *text);
/*
 * Append text fitted to exactly width display columns: control
 * characters become spaces, text too wide is cut with an ellipsis ("…",
 * or "~" without UTF-8), and the rest is padded with spaces on the side
 * away from align.
 */
void table_fit(struct buf *b, const char *text, int width,
    enum table_align align, bool utf8);

/* Append a JSON number token compactly: integers as written, others
 * with %.6g unless the token is shorter. */
void table_number(struct buf *b, const char *token, size_t len);
/* Append a JSON value as a cell shows it; *align is where it goes. */
void table_value(struct buf *b, const struct json_member *m,
    enum table_align *align);
/* Append a duration: "0.42s", "12.3s", "2m03s", "1h02m", "2d03h"; "-"
 * when negative or not finite. */
void table_duration(struct buf *b, double seconds);
/* Append a time of day "15:04:05", with the date ("01-02 15:04") when
 * it is more than 20 hours from now; "-" for 0. */
void table_clock(struct buf *b, double when, double now);
/* Append a job's parameters (a JSON object) as "r=3.1 x0=0.3"; text
 * that does not parse is appended as it is. */
void table_params(struct buf *b, const char *json);

/* The column header: the name and, when sorted on, "▲"/"▼" (" ^"/" v"
 * without UTF-8: "lyapunovv" would read as a name). */
void table_header(struct buf *b, const char *name, bool sorted, bool desc,
    bool utf8);
/*
 * Column widths: the widest of the header (with room for the sort
 * marker) and the cells (cells[row * ncols + col], NULL for none),
 * capped at cap and at least 1.
 */
void table_widths(char *const *headers, size_t ncols, char *const *cells,
    size_t nrows, int cap, int *widths);
/*
 * The columns shown in width display columns (one space between
 * columns): the first pinned ones, then those from left on, as many as
 * fit; at least one.  Fills shown (room for ncols) and returns how many.
 */
size_t table_layout(const int *widths, size_t ncols, size_t pinned,
    size_t left, int width, size_t *shown);
/* The last useful left: beyond it, scrolling shows no new column. */
size_t table_left_max(const int *widths, size_t ncols, size_t pinned,
    int width);
/* The column after the one named sort (the first if none is). */
size_t table_sort_next(char *const *cols, size_t ncols, const char *sort);

/*
 * How to read rows [top, top + n) of total rows in some order: straight
 * (false, with *offset top), or -- when the page is nearer the end and
 * the order reverses exactly -- in the opposite order from *offset, then
 * reversed (true): an OFFSET costs as many steps as it skips.
 */
bool table_page_plan(uint64_t total, uint64_t top, uint64_t n,
    bool reversible, uint64_t *offset);

/* Append the status line: "rows 1-18 of 1803 · sort r ▲ · filter all". */
void table_status(struct buf *b, uint64_t offset, uint64_t shown,
    uint64_t total, const char *sort, bool desc, enum table_filter f,
    bool utf8);
/*
 * Append the jobs view's selector line: "running 2 · failed 14 · ok 1203
 * · pending 584 · cancelled 0"; *from and *to are the display columns
 * [from, to) of selected's part, to highlight it.
 */
void table_state_line(struct buf *b, const struct nb_counts *n,
    size_t selected, bool utf8, int *from, int *to);

/*
 * Split text into display lines of at most width columns: at newlines
 * (a trailing one ends the text), and where a line is too wide.
 * NULL-terminated, owned (util_strv_free); *n is how many.
 */
char **table_wrap(const char *text, int width, size_t *n);

#endif
