/*
 * output.h -- reading an experiment's results from its standard output
 * (doc/experiment.md): a final JSON-object line, or name=value lines.
 */
#ifndef LABRAT_OUTPUT_H
#define LABRAT_OUTPUT_H

#include <stddef.h>

#include "json.h"

/*
 * Parse the captured standard output out[0..len).  If the last non-blank
 * line starts with '{' it must be one JSON object: its members are the
 * results (-1 with *err naming the problem and its column if it does not
 * parse).  Otherwise every line of the form name=value (name a parameter
 * identifier [A-Za-z_][A-Za-z0-9_.-]*, optional blanks around the line and
 * around the value) is a result; values that are JSON numbers become
 * numbers, the rest strings; the last of repeated names wins.  Other lines
 * are ignored.  Invalid UTF-8 never fails the parse: it is replaced with
 * U+FFFD in string values.  Returns 0 (results may be empty) or -1.
 */
int output_parse(const char *out, size_t len, struct json_object *results,
    char **err);

#endif
