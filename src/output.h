/*
 * output.h -- reading an experiment's results from its standard output
 * (doc/experiment.md): a final JSON-object line, or name=value lines.
 */
#ifndef LABRAT_OUTPUT_H
#define LABRAT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/*
 * How much of an output the parser is shown.  An output longer than its
 * capture's bound loses bytes in the middle; the capture then hands over
 * only whole lines, and says what became of the last non-blank line, the
 * one that decides between a JSON object and name=value lines.
 */
enum output_cut {
	OUTPUT_WHOLE,		/* every byte */
	OUTPUT_CUT,		/* lines were lost; the last one is whole */
	OUTPUT_CUT_LAST,	/* the last line was cut; it was no JSON */
	OUTPUT_CUT_JSON,	/* the last line, a JSON object, was cut */
};

/*
 * Where the last non-blank line of a stream lies, followed as the stream
 * is written, so that a capture that keeps only some of the bytes knows
 * whether that line is among them.  Offsets count from the stream's start.
 */
struct output_tracker {
	uint64_t	 total;		/* bytes seen */
	uint64_t	 line;		/* where the current line starts */
	bool		 line_blank;	/* it holds only blanks so far */
	bool		 found;		/* some line holds more than blanks */
	uint64_t	 last_start;	/* the last such line starts here, */
	uint64_t	 last_end;	/* ends at this newline (UINT64_MAX:
					   not ended yet), */
	bool		 last_json;	/* and starts with '{' after blanks */
};

/* Start following a stream. */
void output_track_init(struct output_tracker *t);
/* Follow the stream's next n bytes. */
void output_track_bytes(struct output_tracker *t, const char *data,
    size_t n);
/*
 * Tell how the stream was cut when its bytes [0, head) and [tail, total)
 * were kept, the lines wholly inside either handed over (a line of the
 * head whose newline is the byte at head too), and the rest lost:
 * OUTPUT_WHOLE if tail <= head, else whether the last non-blank line is
 * whole among them.
 */
enum output_cut output_track_cut(const struct output_tracker *t,
    uint64_t head, uint64_t tail);

/*
 * Parse the captured standard output out[0..len), cut as cut says.  If the
 * last non-blank line starts with '{' it must be one JSON object: its
 * members are the results (-1 with *err naming the problem and its column
 * if it does not parse).  Otherwise every line of the form name=value
 * (name a parameter identifier [A-Za-z_][A-Za-z0-9_.-]*, optional blanks
 * around the line and around the value) is a result; values that are JSON
 * numbers become numbers, the rest strings; the last of repeated names
 * wins.  Other lines are ignored.  With OUTPUT_CUT_LAST the last line of
 * the output is not in out, and was no JSON object: out's lines are read
 * as name=value lines; with OUTPUT_CUT_JSON the results are lost and the
 * parse fails, saying so.  Invalid UTF-8 never fails the parse: it is
 * replaced with U+FFFD in string values.  Returns 0 (results may be empty)
 * or -1.
 */
int output_parse(const char *out, size_t len, enum output_cut cut,
    struct json_object *results, char **err);

#endif
