/*
 * export.c -- CSV export.  Columns: the parameters (in the order of the
 * space), the results (in order of first appearance), then the metadata of
 * each job (epyc's names where they exist: status, start_time, end_time,
 * elapsed_time).  Several result sets make one table whose columns are the
 * union of theirs, with the tag in a column.  No two headers are the same,
 * whatever the parameters and results are called (export_name_columns):
 * readers that key columns by name lose none.  Text is UTF-8 end to end;
 * lines end in CRLF as RFC 4180 says.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "json.h"
#include "summary.h"

/* Metadata columns, after parameters and results. */
static const char *const export_meta[] = {
	"tag", "point", "repetition", "attempt", "status", "error",
	"start_time", "end_time", "elapsed_time", "exit_code", "signal",
	"host", "engine", "max_rss_kb", "cpu_time", "truncated", NULL,
};
/* With --summary: the statistics of each result, then the metadata. */
static const char *const export_summary_stats[] = {
	"mean", "median", "variance", "min", "max", "count", NULL,
};
static const char *const export_summary_meta[] = {
	"tag", "point", "repetitions", NULL,
};

/* A set of header names (open addressing over owned copies). */
struct export_names {
	char **slot;
	size_t cap, n;
};

struct export_ctx {
	FILE *out;
	bool escape;          /* quote text cells that look like formulas */
	char **params;        /* union of parameter names */
	char **results;       /* union of result names */
	char **param_headers; /* the parameter columns' header names */
	char **headers;       /* the result columns' header names (with
	                         --summary, what "_mean" and so on follow) */
	const struct nb_set *set;
	struct buf line;
	/* summary: the values of the current point */
	bool summary;
	bool have_point;
	uint64_t point;
	char *point_params;
	double **vals;        /* per result: values */
	size_t *nvals, *capvals;
	int err;
};

void
export_csv_field(struct buf *b, const char *s, size_t len)
{
	size_t i;

	if (strcspn(s, ",\"\r\n") >= len) {
		buf_add(b, s, len);
		return;
	}
	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			buf_addc(b, '"');
		buf_addc(b, s[i]);
	}
	buf_addc(b, '"');
}

/* True if a spreadsheet would take text s[0..len) for a formula: it
 * starts with =, +, -, @, a tab or a CR, and is not a number (-1.5). */
static bool
export_is_formula(const char *s, size_t len)
{
	return len > 0 && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL &&
	    !json_number_valid(s, len);
}

/* Append text as a cell, behind a single quote if it would be a formula
 * and the export escapes them. */
static void
export_text_cell(struct export_ctx *x, const char *s, size_t len)
{
	struct buf quoted;

	if (!x->escape || !export_is_formula(s, len)) {
		export_csv_field(&x->line, s, len);
		return;
	}
	buf_init(&quoted);
	buf_addc(&quoted, '\'');
	buf_add(&quoted, s, len);
	export_csv_field(&x->line, quoted.data, quoted.len);
	buf_free(&quoted);
}

/* Append a text cell (NULL: empty), after a comma unless it is first. */
static void
export_field(struct export_ctx *x, bool first, const char *s)
{
	if (!first)
		buf_addc(&x->line, ',');
	if (s != NULL)
		export_text_cell(x, s, strlen(s));
}

/* Add name to the NULL-terminated vector *v unless it is there. */
static void
export_union_add(char ***v, const char *name)
{
	size_t n = util_strv_len(*v);

	if (util_strv_index((const char *const *)*v, name, strlen(name)) >= 0)
		return;
	*v = xreallocarray(*v, n + 2, sizeof **v);
	(*v)[n] = xstrdup(name);
	(*v)[n + 1] = NULL;
}

/* Append a member's value as a cell: strings as text, numbers as written,
 * null as empty. */
static void
export_member_cell(struct export_ctx *x, const struct json_member *m)
{
	if (m == NULL || m->type == JSON_NULL)
		return;
	if (m->type == JSON_NUMBER)
		export_csv_field(&x->line, m->text, m->len);
	else
		export_text_cell(x, m->text, m->len);
}

static void
export_time(struct buf *b, double t)
{
	time_t sec;
	struct tm tm;
	char tmp[64];

	if (t <= 0)
		return;
	sec = (time_t)floor(t);
	gmtime_r(&sec, &tm);
	strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_printf(b, "%s.%03dZ", tmp, (int)((t - (double)sec) * 1000));
}

static void
export_flush(struct export_ctx *x)
{
	buf_adds(&x->line, "\r\n");
	if (fwrite(x->line.data, 1, x->line.len, x->out) != x->line.len)
		x->err = 1;
	buf_reset(&x->line);
}

/* Hash a name (FNV-1a). */
static uint64_t
export_names_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* The slot of name in the set: where it is, or the empty one it would
 * take. */
static size_t
export_names_slot(const struct export_names *v, const char *name)
{
	size_t i = export_names_hash(name) & (v->cap - 1);

	while (v->slot[i] != NULL && strcmp(v->slot[i], name) != 0)
		i = (i + 1) & (v->cap - 1);
	return i;
}

/* True if the set holds name. */
static bool
export_names_has(const struct export_names *v, const char *name)
{
	return v->cap > 0 && v->slot[export_names_slot(v, name)] != NULL;
}

/* Add a copy of name to the set (if it is not there). */
static void
export_names_add(struct export_names *v, const char *name)
{
	struct export_names bigger;
	size_t i;

	if (2 * (v->n + 1) > v->cap) {
		bigger.cap = v->cap == 0 ? 64 : 2 * v->cap;
		bigger.n = v->n;
		bigger.slot = xcalloc(bigger.cap, sizeof *bigger.slot);
		for (i = 0; i < v->cap; i++) {
			if (v->slot[i] != NULL)
				bigger.slot[export_names_slot(&bigger,
				    v->slot[i])] = v->slot[i];
		}
		free(v->slot);
		*v = bigger;
	}
	i = export_names_slot(v, name);
	if (v->slot[i] == NULL) {
		v->slot[i] = xstrdup(name);
		v->n++;
	}
}

/* Free the set's names and slots. */
static void
export_names_free(struct export_names *v)
{
	size_t i;

	for (i = 0; i < v->cap; i++)
		free(v->slot[i]);
	free(v->slot);
	memset(v, 0, sizeof *v);
}

/* The header of a column of result base: base itself, or with --summary
 * base_STAT for statistic k. */
static char *
export_result_header(const struct export_ctx *x, const char *base, size_t k)
{
	if (!x->summary)
		return xstrdup(base);
	return xasprintf("%s_%s", base, export_summary_stats[k]);
}

/* Count the columns of one result. */
static size_t
export_result_ncols(const struct export_ctx *x)
{
	return x->summary ? UTIL_ARRLEN(export_summary_stats) - 1 : 1;
}

/* Look up (add unset) or add (add set) the headers of the columns of a
 * parameter or a result named base; true if none was in v. */
static bool
export_names_columns(const struct export_ctx *x, struct export_names *v,
    const char *base, bool result, bool add)
{
	size_t k, n = result ? export_result_ncols(x) : 1;
	bool none = true;
	char *h;

	for (k = 0; k < n; k++) {
		h = result ? export_result_header(x, base, k) : xstrdup(base);
		if (add)
			export_names_add(v, h);
		else if (export_names_has(v, h))
			none = false;
		free(h);
	}
	return none;
}

/*
 * Name the columns so that no two headers are the same, whatever the names
 * of parameters and results.  A column keeps its own name unless one of
 * higher rank has it: metadata, then parameters, then results (with
 * --summary, a result's columns NAME_mean ... go together).  The others,
 * in column order, become param_NAME or result_NAME, or if a column has
 * that name too, that name followed by _2, _3, ... (the first no column
 * has).
 */
static void
export_name_columns(struct export_ctx *x)
{
	const char *const *meta = x->summary ? export_summary_meta :
	    export_meta;
	size_t np = util_strv_len(x->params), nr = util_strv_len(x->results);
	struct export_names above = { NULL, 0, 0 }, taken = { NULL, 0, 0 };
	bool *keep = xcalloc(np + nr + 1, sizeof *keep), result;
	const char *name;
	char *base, **header;
	size_t i, k;

	/* Who keeps their name: taken holds the names kept, above those of
	 * higher rank than the columns looked at. */
	for (i = 0; meta[i] != NULL; i++) {
		export_names_add(&above, meta[i]);
		export_names_add(&taken, meta[i]);
	}
	for (i = 0; i < np + nr; i++) {
		if (i == np) {
			for (k = 0; k < np; k++)
				export_names_add(&above, x->params[k]);
		}
		result = i >= np;
		name = result ? x->results[i - np] : x->params[i];
		keep[i] = export_names_columns(x, &above, name, result, false);
		if (keep[i])
			export_names_columns(x, &taken, name, result, true);
	}

	x->param_headers = xcalloc(np + 1, sizeof *x->param_headers);
	x->headers = xcalloc(nr + 1, sizeof *x->headers);
	for (i = 0; i < np + nr; i++) {
		result = i >= np;
		name = result ? x->results[i - np] : x->params[i];
		header = result ? &x->headers[i - np] : &x->param_headers[i];
		if (keep[i]) {
			*header = xstrdup(name);
			continue;
		}
		base = xasprintf("%s_%s", result ? "result" : "param", name);
		for (k = 2; !export_names_columns(x, &taken, base, result,
		    false); k++) {
			free(base);
			base = xasprintf("%s_%s_%zu", result ? "result" :
			    "param", name, k);
		}
		export_names_columns(x, &taken, base, result, true);
		*header = base;
	}
	export_names_free(&above);
	export_names_free(&taken);
	free(keep);
}

/* Write the header row. */
static void
export_header(struct export_ctx *x)
{
	const char *const *meta;
	size_t i, k;
	bool first = true;
	char *h;

	for (i = 0; x->params[i] != NULL; i++, first = false)
		export_field(x, first, x->param_headers[i]);
	for (i = 0; x->results[i] != NULL; i++) {
		for (k = 0; k < export_result_ncols(x); k++, first = false) {
			h = export_result_header(x, x->headers[i], k);
			export_field(x, first, h);
			free(h);
		}
	}
	meta = x->summary ? export_summary_meta : export_meta;
	for (i = 0; meta[i] != NULL; i++, first = false)
		export_field(x, first, meta[i]);
	export_flush(x);
}

/* Append the parameter cells of a params JSON object. */
static void
export_param_cells(struct export_ctx *x, const char *params)
{
	struct json_object p = { NULL, 0 };
	char *err = NULL;
	size_t pos, i;

	if (params == NULL ||
	    json_parse_object(params, strlen(params), &p, &err, &pos) != 0)
		free(err);
	for (i = 0; x->params[i] != NULL; i++) {
		if (i > 0)
			buf_addc(&x->line, ',');
		export_member_cell(x, json_object_get(&p, x->params[i]));
	}
	json_object_free(&p);
}

static int
export_job_row(const struct nb_job *j, void *arg)
{
	struct export_ctx *x = arg;
	struct json_object r = { NULL, 0 };
	char *err = NULL;
	size_t pos, i;
	bool first = x->params[0] == NULL;

	export_param_cells(x, j->params);
	if (j->results != NULL && json_parse_object(j->results,
	    strlen(j->results), &r, &err, &pos) != 0)
		free(err);
	for (i = 0; x->results[i] != NULL; i++, first = false) {
		if (!first)
			buf_addc(&x->line, ',');
		export_member_cell(x, json_object_get(&r, x->results[i]));
	}
	json_object_free(&r);

	export_field(x, first, x->set->tag);
	buf_printf(&x->line, ",%" PRIu64 ",%d,%d,", j->point, j->rep,
	    j->attempt);
	buf_adds(&x->line, notebook_state_name(j->state));
	export_field(x, false, j->error);
	buf_addc(&x->line, ',');
	export_time(&x->line, j->start);
	buf_addc(&x->line, ',');
	export_time(&x->line, j->end);
	buf_addc(&x->line, ',');
	if (j->start > 0 && j->end > 0)
		buf_printf(&x->line, "%.6f", j->end - j->start);
	buf_addc(&x->line, ',');
	if (j->exit_code >= 0)
		buf_printf(&x->line, "%d", j->exit_code);
	buf_addc(&x->line, ',');
	if (j->signal > 0)
		buf_printf(&x->line, "%d", j->signal);
	export_field(x, false, j->host);
	buf_addc(&x->line, ',');
	if (j->engine >= 0)
		buf_printf(&x->line, "%d", j->engine);
	buf_addc(&x->line, ',');
	if (j->maxrss_kb >= 0 && j->end > 0)
		buf_printf(&x->line, "%" PRId64, j->maxrss_kb);
	buf_addc(&x->line, ',');
	if (j->end > 0 && j->cpu_user >= 0)
		buf_printf(&x->line, "%.6f", j->cpu_user + j->cpu_sys);
	buf_addc(&x->line, ',');
	buf_adds(&x->line, j->truncated ? "true" : "false");
	export_flush(x);
	return x->err;
}

/* Write the summary row of the point gathered so far. */
static void
export_summary_flush(struct export_ctx *x)
{
	struct summary s;
	size_t i, reps = 0;
	bool first = x->params[0] == NULL;

	if (!x->have_point)
		return;
	export_param_cells(x, x->point_params);
	for (i = 0; x->results[i] != NULL; i++) {
		summary_compute(x->vals[i], x->nvals[i], &s);
		if (x->nvals[i] > reps)
			reps = x->nvals[i];
		if (!first)
			buf_addc(&x->line, ',');
		first = false;
		if (s.count == 0) {
			buf_adds(&x->line, ",,,,,0");
			continue;
		}
		util_format_double(&x->line, s.mean);
		buf_addc(&x->line, ',');
		util_format_double(&x->line, s.median);
		buf_addc(&x->line, ',');
		util_format_double(&x->line, s.variance);
		buf_addc(&x->line, ',');
		util_format_double(&x->line, s.min);
		buf_addc(&x->line, ',');
		util_format_double(&x->line, s.max);
		buf_printf(&x->line, ",%" PRIu64, s.count);
		x->nvals[i] = 0;
	}
	export_field(x, first, x->set->tag);
	buf_printf(&x->line, ",%" PRIu64 ",%zu", x->point, reps);
	export_flush(x);
	free(x->point_params);
	x->point_params = NULL;
	x->have_point = false;
}

static int
export_summary_row(const struct nb_job *j, void *arg)
{
	struct export_ctx *x = arg;
	struct json_object r = { NULL, 0 };
	const struct json_member *m;
	char *err = NULL;
	size_t pos, i;

	if (x->have_point && j->point != x->point)
		export_summary_flush(x);
	if (!x->have_point) {
		x->have_point = true;
		x->point = j->point;
		x->point_params = xstrdup(j->params);
	}
	if (j->results == NULL || json_parse_object(j->results,
	    strlen(j->results), &r, &err, &pos) != 0) {
		free(err);
		return 0;
	}
	for (i = 0; x->results[i] != NULL; i++) {
		m = json_object_get(&r, x->results[i]);
		if (m == NULL || m->type != JSON_NUMBER)
			continue;
		if (x->nvals[i] == x->capvals[i]) {
			x->capvals[i] = x->capvals[i] ? 2 * x->capvals[i] : 8;
			x->vals[i] = xreallocarray(x->vals[i], x->capvals[i],
			    sizeof **x->vals);
		}
		x->vals[i][x->nvals[i]++] = strtod(m->text, NULL);
	}
	json_object_free(&r);
	return x->err;
}

int
export_csv(struct notebook *nb, const struct nb_set *sets, size_t n,
    const struct export_opts *o, FILE *out, char **err)
{
	struct export_ctx x;
	char **names;
	size_t i, k, nres = 0;
	int rc = -1;

	memset(&x, 0, sizeof x);
	x.out = out;
	x.escape = o->escape_formulas;
	x.summary = o->summary;
	buf_init(&x.line);
	x.params = xcalloc(1, sizeof *x.params);
	x.results = xcalloc(1, sizeof *x.results);
	for (i = 0; i < n; i++) {
		for (k = 0; k < 2; k++) {
			if (notebook_names(nb, sets[i].id, k == 0 ?
			    NB_NAME_PARAM : NB_NAME_RESULT, &names, err) != 0)
				goto out;
			for (char **p = names; *p != NULL; p++)
				export_union_add(k == 0 ? &x.params :
				    &x.results, *p);
			util_strv_free(names);
		}
	}
	export_name_columns(&x);
	nres = util_strv_len(x.results);
	x.vals = xcalloc(nres + 1, sizeof *x.vals);
	x.nvals = xcalloc(nres + 1, sizeof *x.nvals);
	x.capvals = xcalloc(nres + 1, sizeof *x.capvals);

	export_header(&x);
	for (i = 0; i < n && x.err == 0; i++) {
		x.set = &sets[i];
		if (o->summary) {
			if (notebook_jobs_each(nb, sets[i].id,
			    NB_STATE_BIT(NB_OK), true, export_summary_row, &x,
			    err) != 0)
				goto out;
			export_summary_flush(&x);
		} else if (notebook_jobs_each(nb, sets[i].id, o->states,
		    !o->all_attempts, export_job_row, &x, err) != 0)
			goto out;
	}
	if (x.err != 0 || fflush(out) != 0 || ferror(out)) {
		*err = xstrdup("cannot write the CSV output (disk full or "
		    "pipe closed?)");
		rc = EXPORT_WRITE_FAILED;
		goto out;
	}
	rc = 0;
out:
	for (i = 0; x.vals != NULL && i < nres; i++)
		free(x.vals[i]);
	free(x.vals);
	free(x.nvals);
	free(x.capvals);
	free(x.point_params);
	util_strv_free(x.params);
	util_strv_free(x.results);
	util_strv_free(x.param_headers);
	util_strv_free(x.headers);
	buf_free(&x.line);
	return rc;
}
