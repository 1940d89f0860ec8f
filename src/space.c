/*
 * space.c -- the parameter space as a model.  Each parameter, parsed by
 * space_parse.c, is a compact description: an integer or real range, a
 * linspace or logspace, or an explicit list.  Only lists are stored value
 * by value; the k-th value of the other forms is computed from k, so a
 * parameter of 10^12 values costs nothing.  Zip groups pair parameters
 * element-wise; space_finish turns parameters and groups into axes whose
 * mixed-radix product numbers the points.  Also here: describing a space
 * for a human, and saving it as JSON and rebuilding it from that.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "space_int.h"

/* Longest spec shown by space_describe. */
#define SPACE_DESCRIBE_SPEC 60
/* Longest string value shown by space_describe. */
#define SPACE_DESCRIBE_VALUE 24

/* Round d to 15 significant digits, so 0.1 * 3 is 0.3; keep d if that
 * would overflow, and never give -0. */
double
space_normalise(double d)
{
	char tmp[40];
	double r;

	snprintf(tmp, sizeof tmp, "%.15g", d);
	r = strtod(tmp, NULL);
	if (!isfinite(r))
		r = d;
	return r == 0 ? 0.0 : r;
}

/* The raw k-th value of a real range, halving start and step where
 * k * step alone would overflow. */
double
space_range_at(const struct space_param *p, uint64_t k)
{
	double d = p->start + (double)k * p->step;

	if (!isfinite(d))
		d = 2 * (p->start / 2 + (double)k * (p->step / 2));
	return d;
}

/* Create an empty space. */
struct space *
space_new(void)
{
	return xcalloc(1, sizeof(struct space));
}

/* Free a parameter's memory. */
void
space_param_free(struct space_param *p)
{
	free(p->name);
	free(p->spec);
	free(p->items);
	free(p->strings);
}

/* Free a space and everything it holds. */
void
space_free(struct space *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nparams; i++)
		space_param_free(&s->params[i]);
	free(s->params);
	for (i = 0; i < s->ngroups; i++) {
		free(s->groups[i].text);
		util_strv_free(s->groups[i].names);
		free(s->groups[i].params);
	}
	free(s->groups);
	free(s->axes);
	free(s);
}

/* Resolve group g's names to parameters and check their lengths. */
static int
space_resolve_group(struct space *s, size_t gi, struct space_error *e)
{
	struct space_group *g = &s->groups[gi];
	struct space_param *p;
	struct buf b;
	size_t i, j, first = 0;
	int k;

	g->params = xcalloc(g->n, sizeof *g->params);
	g->len = 1;
	for (i = 0; i < g->n; i++) {
		k = space_index(s, g->names[i], strlen(g->names[i]));
		if (k < 0) {
			buf_init(&b);
			for (j = 0; j < s->nparams; j++)
				buf_printf(&b, "%s%s", j ? ", " : "",
				    s->params[j].name);
			space_fail(e, NULL, NULL, "--zip %s: no parameter "
			    "named '%s' (%s%s)", g->text, g->names[i],
			    s->nparams ? "parameters: " :
			    "no parameters are defined",
			    b.len ? b.data : "");
			buf_free(&b);
			return -1;
		}
		p = &s->params[k];
		if (p->group >= 0)
			return space_fail(e, NULL, NULL, "--zip %s: '%s' is "
			    "already zipped by --zip %s; a parameter can be in "
			    "one zip group only (name all its partners in one: "
			    "--zip %s,...)", g->text, p->name,
			    s->groups[p->group].text, s->groups[p->group].text);
		p->group = (int)gi;
		g->params[i] = (size_t)k;
		if (p->count != 1 && g->len == 1) {
			g->len = p->count;
			first = i;
		}
	}
	for (i = 0; i < g->n; i++) {
		p = &s->params[g->params[i]];
		if (p->count == 1 || p->count == g->len)
			continue;
		buf_init(&b);
		buf_printf(&b, "--zip %s: %s has %" PRIu64 " values but ",
		    g->text, s->params[g->params[first]].name, g->len);
		for (j = i; j < g->n; j++) {
			p = &s->params[g->params[j]];
			if (p->count == 1 || p->count == g->len)
				continue;
			buf_printf(&b, "%s%s has %" PRIu64, j > i ? " and " :
			    "", p->name, p->count);
		}
		buf_adds(&b, "; zipped lists must have equal lengths (a "
		    "single value is broadcast)");
		space_fail(e, NULL, NULL, "%s", b.data);
		buf_free(&b);
		return -1;
	}
	return 0;
}

/* Resolve zip groups, build the axes and compute the size. */
int
space_finish(struct space *s, struct space_error *e)
{
	struct space_param *p;
	size_t i, *group_axis = NULL;
	uint64_t size = 1;
	double approx = 1;
	bool over = false;
	int rc = -1;

	if (s->finished)
		return space_fail(e, NULL, NULL, "the space is already "
		    "finished");
	for (i = 0; i < s->ngroups; i++) {
		if (space_resolve_group(s, i, e) != 0)
			goto out;
	}
	group_axis = xcalloc(s->ngroups + 1, sizeof *group_axis);
	s->axes = xcalloc(s->nparams + 1, sizeof *s->axes);
	for (i = 0; i < s->nparams; i++) {
		p = &s->params[i];
		if (p->group >= 0 && group_axis[p->group] != 0) {
			p->axis = group_axis[p->group] - 1;
			continue;
		}
		p->axis = s->naxes++;
		s->axes[p->axis].len = p->group >= 0 ?
		    s->groups[p->group].len : p->count;
		if (p->group >= 0)
			group_axis[p->group] = p->axis + 1;
	}
	for (i = 0; i < s->naxes; i++) {
		approx *= (double)s->axes[i].len;
		if (size > SPACE_MAX_POINTS / s->axes[i].len)
			over = true;
		else
			size *= s->axes[i].len;
	}
	if (over) {
		space_fail(e, NULL, NULL, "the space has about %.3g points, "
		    "more than the %" PRIu64 " allowed: use fewer values, "
		    "or zip parameters that go together (--zip x,y)", approx,
		    SPACE_MAX_POINTS);
		goto out;
	}
	for (i = s->naxes; i > 0; i--)
		s->axes[i - 1].stride = i == s->naxes ? 1 :
		    s->axes[i].stride * s->axes[i].len;
	s->size = size;
	s->finished = true;
	rc = 0;
out:
	free(group_axis);
	if (rc != 0) {
		for (i = 0; i < s->ngroups; i++) {
			free(s->groups[i].params);
			s->groups[i].params = NULL;
		}
		for (i = 0; i < s->nparams; i++)
			s->params[i].group = -1;
		free(s->axes);
		s->axes = NULL;
		s->naxes = 0;
	}
	return rc;
}

/* Points in the space. */
uint64_t
space_size(const struct space *s)
{
	return s->size;
}

/* Number of parameters. */
size_t
space_nparams(const struct space *s)
{
	return s->nparams;
}

/* Name of parameter i. */
const char *
space_name(const struct space *s, size_t i)
{
	return s->params[i].name;
}

/* Values of parameter i as written. */
const char *
space_spec(const struct space *s, size_t i)
{
	return s->params[i].spec;
}

/* Number of values of parameter i. */
uint64_t
space_count(const struct space *s, size_t i)
{
	return s->params[i].count;
}

/* Index of the parameter named name[0..len), or -1. */
int
space_index(const struct space *s, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < s->nparams; i++) {
		if (strlen(s->params[i].name) == len &&
		    memcmp(s->params[i].name, name, len) == 0)
			return (int)i;
	}
	return -1;
}

/* Compute the k-th value of parameter i. */
void
space_value(const struct space *s, size_t i, uint64_t k,
    struct value *out)
{
	space_param_value(&s->params[i], k, out);
}

/* Compute the k-th value of parameter p. */
void
space_param_value(const struct space_param *p, uint64_t k,
    struct value *out)
{
	const struct space_item *it;
	double t, d;

	memset(out, 0, sizeof *out);
	switch (p->form) {
	case SPACE_INTS:
		out->kind = VALUE_INT;
		out->i = (int64_t)((uint64_t)p->istart +
		    k * (uint64_t)p->istep);
		break;
	case SPACE_REALS:
		out->kind = VALUE_REAL;
		out->r = k == 0 ? p->start :
		    space_normalise(space_range_at(p, k));
		break;
	case SPACE_LINSPACE:
		out->kind = VALUE_REAL;
		if (k == 0 || p->count == 1)
			out->r = p->start;
		else if (k == p->count - 1)
			out->r = p->stop;
		else {
			t = (double)k / (double)(p->count - 1);
			d = p->stop - p->start;
			out->r = space_normalise(isfinite(d) ?
			    p->start + d * t :
			    p->start * (1 - t) + p->stop * t);
		}
		break;
	case SPACE_LOGSPACE:
		out->kind = VALUE_REAL;
		if (k == 0 || p->count == 1)
			out->r = p->start;
		else if (k == p->count - 1)
			out->r = p->stop;
		else {
			t = (double)k / (double)(p->count - 1);
			out->r = space_normalise(pow(10, p->lstart +
			    (p->lstop - p->lstart) * t));
			if (p->negative)
				out->r = -out->r;
		}
		break;
	case SPACE_LIST:
		it = &p->items[k];
		out->kind = it->kind;
		out->i = it->i;
		out->r = it->r;
		if (it->kind == VALUE_STRING) {
			out->s = p->strings + it->off;
			out->len = it->len;
		}
		break;
	}
}

/* Compute the values of point p, one per parameter. */
void
space_point(const struct space *s, uint64_t p, struct value *vals)
{
	const struct space_param *pa;
	const struct space_axis *ax;
	uint64_t k;
	size_t i;

	for (i = 0; i < s->nparams; i++) {
		pa = &s->params[i];
		ax = &s->axes[pa->axis];
		k = pa->count == 1 ? 0 : (p / ax->stride) % ax->len;
		space_value(s, i, k, &vals[i]);
	}
}

/* True if string value v needs quotes to read as itself in a list. */
static bool
space_needs_quotes(const struct value *v)
{
	bool integer;
	size_t i;

	if (v->len == 0 || space_is_number(v->s, v->len, &integer) ||
	    space_is_blank(v->s[0]) || space_is_blank(v->s[v->len - 1]))
		return true;
	for (i = 0; i < v->len; i++) {
		if (strchr("\",{}", v->s[i]) != NULL ||
		    (unsigned char)v->s[i] < 0x20)
			return true;
	}
	return false;
}

/* Append value v for space_describe. */
static void
space_describe_value(struct buf *b, const struct value *v)
{
	if (v->kind != VALUE_STRING) {
		value_format(v, b);
		return;
	}
	if (!space_needs_quotes(v)) {
		space_escape(b, v->s, v->len, SPACE_DESCRIBE_VALUE);
		return;
	}
	buf_addc(b, '"');
	space_escape(b, v->s, v->len, SPACE_DESCRIBE_VALUE);
	buf_addc(b, '"');
}

/* Describe the space for a human, one line per parameter and group. */
void
space_describe(const struct space *s, struct buf *b)
{
	const struct space_param *p;
	const struct space_group *g;
	struct value v;
	uint64_t k, n;
	size_t i, j, nb;

	for (i = 0; i < s->nparams; i++) {
		p = &s->params[i];
		n = p->count;
		buf_printf(b, "  %s = ", p->name);
		space_escape(b, p->spec, strlen(p->spec), SPACE_DESCRIBE_SPEC);
		buf_printf(b, "  (%" PRIu64 " value%s: ", n, n == 1 ? "" : "s");
		for (k = 0; k < n; k++) {
			if (n > 5 && k == 3) {
				buf_adds(b, ", ...");
				k = n - 1;
			}
			space_value(s, i, k, &v);
			if (k > 0)
				buf_adds(b, ", ");
			space_describe_value(b, &v);
		}
		buf_adds(b, ")\n");
	}
	for (i = 0; i < s->ngroups; i++) {
		g = &s->groups[i];
		buf_printf(b, "  zip %s  (%" PRIu64 " value%s, paired "
		    "element-wise", g->text, g->len, g->len == 1 ? "" : "s");
		nb = 0;
		for (j = 0; j < g->n && g->len > 1; j++) {
			if (s->finished &&
			    s->params[g->params[j]].count == 1)
				buf_printf(b, "%s%s", nb++ ? ", " :
				    "; broadcast: ", g->names[j]);
		}
		buf_adds(b, ")\n");
	}
}

/* Save the space as JSON. */
void
space_to_json(const struct space *s, struct buf *b)
{
	struct buf item;
	size_t i;

	buf_init(&item);
	buf_adds(b, "{\"params\":[");
	for (i = 0; i < s->nparams; i++) {
		buf_reset(&item);
		buf_printf(&item, "%s=%s", s->params[i].name,
		    s->params[i].spec);
		if (i > 0)
			buf_addc(b, ',');
		json_append_string(b, item.data, item.len);
	}
	buf_adds(b, "],\"zip\":[");
	for (i = 0; i < s->ngroups; i++) {
		if (i > 0)
			buf_addc(b, ',');
		json_append_string(b, s->groups[i].text,
		    strlen(s->groups[i].text));
	}
	buf_adds(b, "]}");
	buf_free(&item);
}

/* Read the string array member name of obj into *strv (empty if absent
 * and optional). */
static int
space_json_strings(const struct json_object *obj, const char *name,
    bool optional, char ***strv, char **err)
{
	const struct json_member *m = json_object_get(obj, name);
	char *why = NULL;

	*strv = NULL;
	if (m == NULL && optional) {
		*strv = xcalloc(1, sizeof **strv);
		return 0;
	}
	if (m == NULL || m->type != JSON_ARRAY) {
		*err = xasprintf("saved space: \"%s\" is %s: expected an "
		    "array of strings", name, m == NULL ? "missing" :
		    "not an array");
		return -1;
	}
	if (json_parse_string_array(m->text, m->len, strv, &why) != 0) {
		*err = xasprintf("saved space: \"%s\": %s", name,
		    why != NULL ? why : "not an array of strings");
		free(why);
		return -1;
	}
	return 0;
}

/* Rebuild a finished space from space_to_json's JSON. */
struct space *
space_from_json(const char *json, char **err)
{
	struct json_object obj;
	struct space_error e = { NULL, 0, false };
	struct space *s = NULL;
	char **params = NULL, **zips = NULL, *why = NULL;
	size_t errpos = 0, i;

	memset(&obj, 0, sizeof obj);
	if (json_parse_object(json, strlen(json), &obj, &why, &errpos) != 0) {
		*err = xasprintf("saved space is not valid JSON (at byte "
		    "%zu): %s", errpos, why != NULL ? why : "parse error");
		free(why);
		return NULL;
	}
	if (space_json_strings(&obj, "params", false, &params, err) != 0 ||
	    space_json_strings(&obj, "zip", true, &zips, err) != 0)
		goto fail;
	s = space_new();
	for (i = 0; params[i] != NULL; i++) {
		if (space_add(s, params[i], &e) != 0) {
			*err = xasprintf("saved space, parameter %zu: %s",
			    i + 1, e.msg);
			goto fail;
		}
	}
	for (i = 0; zips[i] != NULL; i++) {
		if (space_zip(s, zips[i], &e) != 0) {
			*err = xasprintf("saved space, zip group %zu: %s",
			    i + 1, e.msg);
			goto fail;
		}
	}
	if (space_finish(s, &e) != 0) {
		*err = xasprintf("saved space: %s", e.msg);
		goto fail;
	}
	util_strv_free(params);
	util_strv_free(zips);
	json_object_free(&obj);
	return s;
fail:
	space_error_clear(&e);
	space_free(s);
	util_strv_free(params);
	util_strv_free(zips);
	json_object_free(&obj);
	return NULL;
}
