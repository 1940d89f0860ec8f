/*
 * space.h -- the parameter space: named parameters, each a list of values
 * written in labrat's grammar (doc/parameters.md), combined by cartesian
 * product, with zip groups that pair lists element-wise.  A point index
 * maps to its values arithmetically, so a space of 10^9 points costs no
 * memory.
 */
#ifndef LABRAT_SPACE_H
#define LABRAT_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "value.h"

/* Most points a space may have (fits SQLite's signed 64-bit integers). */
#define SPACE_MAX_POINTS ((uint64_t)INT64_MAX)
/* Names the experiment template reserves; no parameter may take them. */
#define SPACE_RESERVED_NAMES { "point", "attempt", "tag", "rep", NULL }

struct space;

/* An error in the text given to space_add or space_zip: msg (owned) says
 * what is wrong and how to fix it; when has_pos, pos is the byte offset in
 * that text where the problem is. */
struct space_error {
	char *msg;
	size_t pos;
	bool has_pos;
};
void space_error_clear(struct space_error *e);

struct space *space_new(void);
void space_free(struct space *s);

/* Add one parameter written "name=values" (the grammar of
 * doc/parameters.md).  Refuses bad names, reserved names, duplicates,
 * empty lists, invalid UTF-8 and malformed values. */
int space_add(struct space *s, const char *text, struct space_error *e);
/* Declare a zip group: "x,y[,z...]", names of parameters (added before or
 * after; they are resolved by space_finish). */
int space_zip(struct space *s, const char *names, struct space_error *e);
/* Resolve zip groups (unknown names, a parameter in two groups, lists of
 * unequal length other than single values) and compute the size (refusing
 * more than SPACE_MAX_POINTS points).  Must be called once, after the last
 * space_add/space_zip and before any query below. */
int space_finish(struct space *s, struct space_error *e);

/* Points in the space: the product of the axis lengths (an axis is a
 * parameter outside any zip group, or a zip group whose length is its
 * longest list). */
uint64_t space_size(const struct space *s);
size_t space_nparams(const struct space *s);
/* Parameter i (0-based, in the order added): its name, its values as
 * written after '=', its number of values. */
const char *space_name(const struct space *s, size_t i);
const char *space_spec(const struct space *s, size_t i);
uint64_t space_count(const struct space *s, size_t i);
/* Index of the parameter named name[0..len), or -1. */
int space_index(const struct space *s, const char *name, size_t len);
/* The k-th value (k < space_count) of parameter i. */
void space_value(const struct space *s, size_t i, uint64_t k,
    struct value *out);
/* The values of point p (p < space_size) for every parameter, in order:
 * vals must hold space_nparams values.  Axes are ordered by their first
 * parameter; the first axis varies slowest; a single value in a zip group
 * is broadcast. */
void space_point(const struct space *s, uint64_t p, struct value *vals);

/* A human description, one line per parameter and zip group, e.g.
 * "  r = 2.5..4:0.005  (301 values: 2.5, 2.505, ..., 4)". */
void space_describe(const struct space *s, struct buf *b);

/* Save the space as JSON ({"params":["x=1..3",...],"zip":["x,y"]}) and
 * rebuild it from that JSON (finished). */
void space_to_json(const struct space *s, struct buf *b);
struct space *space_from_json(const char *json, char **err);

#endif
