/*
 * capture.c -- a job's output kept within bounds, whatever its size: the
 * first bytes whole, then a ring of the last ones, and where the stream's
 * last non-blank line lies (output.c's tracker), so that a line cut by a
 * bound is never handed over as if it were whole.  Every backend captures
 * its jobs' standard output and error through it: the local pool from
 * pipes, remote engines from their channels.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "capture.h"

/* Prepare an empty capture keeping head_max bytes then ring_size. */
void
capture_init(struct capture *c, size_t head_max, size_t ring_size)
{
	memset(c, 0, sizeof *c);
	buf_init(&c->head);
	c->head_max = head_max;
	c->ring_size = ring_size;
	output_track_init(&c->lines);
}

/* Free the capture's memory. */
void
capture_free(struct capture *c)
{
	buf_free(&c->head);
	free(c->ring);
	c->ring = NULL;
}

/*
 * Keep n more bytes: into the head while it has room, then the ring, which
 * holds one byte more than the tail handed over, so that it is known
 * whether the tail starts a line.
 */
void
capture_add(struct capture *c, const char *data, size_t n)
{
	size_t k, size = c->ring_size + 1;

	output_track_bytes(&c->lines, data, n);
	c->total += n;
	if (c->head.len < c->head_max) {
		k = c->head_max - c->head.len;
		if (k > n)
			k = n;
		buf_add(&c->head, data, k);
		data += k;
		n -= k;
	}
	if (n == 0)
		return;
	if (c->ring == NULL) {
		/* Room for the whole result, so it never doubles later. */
		k = c->head.len + 1 + c->ring_size + 1;
		if (c->head.cap < k) {
			c->head.data = xrealloc(c->head.data, k);
			c->head.data[c->head.len] = '\0';
			c->head.cap = k;
		}
		c->ring = xmalloc(size);
		c->past_head = data[0];
	}
	if (n >= size) {
		memcpy(c->ring, data + n - size, size);
		c->ring_pos = 0;
		c->ring_len = size;
		return;
	}
	k = size - c->ring_pos;
	if (k > n)
		k = n;
	memcpy(c->ring + c->ring_pos, data, k);
	memcpy(c->ring, data + k, n - k);
	c->ring_pos = (c->ring_pos + n) % size;
	c->ring_len += n;
	if (c->ring_len > size)
		c->ring_len = size;
}

/*
 * Hand over what was captured.  Nothing lost: the bytes as they came.
 * Otherwise, when at_line is set, only the lines wholly inside the head or
 * the last ring_size bytes (a line cut by a bound is never handed over as
 * if it were whole; one whose newline was the first byte lost gets it
 * back), and *cut (if not NULL) says whether the stream's last non-blank
 * line is among them; else the head, a newline if there is a head, and
 * those last bytes.
 */
char *
capture_take(struct capture *c, bool at_line, size_t *len,
    bool *truncated, enum output_cut *cut)
{
	struct buf *b = &c->head;
	size_t size = c->ring_size + 1, keep, oldest, first, tail;
	char before = '\n', *nl;

	*truncated = c->total > (uint64_t)b->len + c->ring_size;
	if (cut != NULL)
		*cut = *truncated ? output_track_cut(&c->lines, b->len,
		    c->total - c->ring_size) : OUTPUT_WHOLE;
	if (*truncated && at_line) {
		if (c->past_head == '\n')
			buf_addc(b, '\n');	/* its last line ended there */
		else {
			/* Its last line goes on into lost bytes. */
			nl = memrchr(b->data, '\n', b->len);
			b->len = nl == NULL ? 0 : (size_t)(nl + 1 - b->data);
		}
	} else if (*truncated && b->len > 0)
		buf_addc(b, '\n');
	if (c->ring_len > 0) {
		keep = c->ring_len;
		oldest = (c->ring_pos + size - c->ring_len) % size;
		if (*truncated) {
			/* The byte before the tail says whether the tail's
			 * first line is whole. */
			before = c->ring[oldest];
			oldest = (oldest + 1) % size;
			keep--;
		}
		first = size - oldest;
		if (first > keep)
			first = keep;
		tail = b->len;
		buf_add(b, c->ring + oldest, first);
		buf_add(b, c->ring, keep - first);
		if (*truncated && at_line && before != '\n') {
			/* Its first line goes back into lost bytes. */
			nl = memchr(b->data + tail, '\n', b->len - tail);
			first = nl == NULL ? b->len :
			    (size_t)(nl + 1 - b->data);
			memmove(b->data + tail, b->data + first,
			    b->len - first);
			b->len -= first - tail;
		}
	}
	if (b->data != NULL)
		b->data[b->len] = '\0';
	*len = b->len;
	return buf_steal(b);
}

