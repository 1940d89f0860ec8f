/*
 * capture.h -- a job's output kept within bounds (capture.c): the first
 * head_max bytes whole, then the last tail_max, handed over as whole
 * lines only.
 */
#ifndef LABRAT_CAPTURE_H
#define LABRAT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"
#include "util.h"

/* One captured stream: a head kept whole, then a ring of the last bytes,
 * and where its last non-blank line lies. */
struct capture {
	struct buf	 head;
	size_t		 head_max;
	char		*ring;		/* ring_size + 1 bytes, made on
					   overflow: the tail and the byte
					   before it */
	size_t		 ring_size;
	size_t		 ring_pos;	/* where the next byte goes */
	size_t		 ring_len;
	uint64_t	 total;
	char		 past_head;	/* the first byte the head missed */
	struct output_tracker lines;
};

/* Prepare an empty capture keeping head_max bytes then ring_size. */
void capture_init(struct capture *c, size_t head_max, size_t ring_size);
/* Free its memory (it can be initialised again). */
void capture_free(struct capture *c);
/* Keep n more bytes of the stream. */
void capture_add(struct capture *c, const char *data, size_t n);
/*
 * Hand over what was captured (owned; the capture is left empty).  Nothing
 * lost: the bytes as they came.  Otherwise, with at_line, only the whole
 * lines of the head and of the tail, and *cut (if not NULL) says whether
 * the stream's last non-blank line is among them; without, the head, a
 * newline if there is a head, and the last bytes.  *truncated tells if
 * bytes were lost.
 */
char *capture_take(struct capture *c, bool at_line, size_t *len,
    bool *truncated, enum output_cut *cut);

#endif
