/*
 * export.h -- RFC 4180 CSV export of result sets: a header row, then one
 * row per job with its parameters, its results and its metadata (missing
 * values are empty cells), or with --summary one row per point with the
 * statistics of its repetitions.
 */
#ifndef LABRAT_EXPORT_H
#define LABRAT_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "notebook.h"
#include "util.h"

struct export_opts {
	unsigned states;     /* NB_STATE_BIT mask, 0: every state */
	bool all_attempts;   /* include superseded attempts */
	bool summary;        /* one row per point: statistics of numeric
	                        results over its ok repetitions */
	bool escape_formulas; /* a text cell that starts with =, +, -, @, tab
	                         or CR and is not a number gets a leading '
	                         so that spreadsheets do not run it */
};

/* export_csv's answer when out could not be written (disk full, pipe
 * closed), as opposed to -1 for a notebook that could not be read. */
#define EXPORT_WRITE_FAILED 1
/*
 * Write the sets (n >= 1) as one CSV table to out.  0, -1 with *err if the
 * notebook could not be read, or EXPORT_WRITE_FAILED with *err if out
 * could not be written.
 */
int export_csv(struct notebook *nb, const struct nb_set *sets, size_t n,
    const struct export_opts *o, FILE *out, char **err);

/* Append one CSV field (quoted when it holds a comma, quote, CR or LF). */
void export_csv_field(struct buf *b, const char *s, size_t len);

#endif
