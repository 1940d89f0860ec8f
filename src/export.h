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
};

/* Write the sets (n >= 1) as one CSV table to out.  0 or -1 with *err. */
int export_csv(struct notebook *nb, const struct nb_set *sets, size_t n,
    const struct export_opts *o, FILE *out, char **err);

/* Append one CSV field (quoted when it holds a comma, quote, CR or LF). */
void export_csv_field(struct buf *b, const char *s, size_t len);

#endif
