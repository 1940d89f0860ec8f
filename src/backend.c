/*
 * backend.c -- the table of backends labrat knows, by the name a result
 * set records, and what every backend shares.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "backend_int.h"
#include "experiment.h"
#include "notebook.h"
#include "util.h"

/* The backends, by name: how to open one, and how to try it first (NULL:
 * nothing to try). */
static const struct {
	const char *name;
	backend_open_fn open;
	int (*check)(const struct nb_set *s, char **warn, char **err);
} backend_table[] = {
	{ "local", backend_local_open, NULL },
	{ "ssh", backend_ssh_open, backend_ssh_check },
	{ "slurm", backend_slurm_open, backend_slurm_check },
};

int
backend_check(const struct nb_set *s, char **warn, char **err)
{
	const char *name = s->backend != NULL && *s->backend != '\0' ?
	    s->backend : "local";
	size_t i;

	*warn = NULL;
	for (i = 0; i < UTIL_ARRLEN(backend_table); i++) {
		if (strcmp(name, backend_table[i].name) == 0)
			return backend_table[i].check == NULL ? 0 :
			    backend_table[i].check(s, warn, err);
	}
	return 0;
}

/* One backend added at run time (a test's), or none. */
static const char *backend_extra_name;
static backend_open_fn backend_extra_open;

void
backend_register(const char *name, backend_open_fn open)
{
	backend_extra_name = name;
	backend_extra_open = open;
}

struct backend *
backend_open(const struct nb_set *s, struct loop *loop, char **err)
{
	const char *name = s->backend != NULL && *s->backend != '\0' ?
	    s->backend : "local";
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(backend_table); i++) {
		if (strcmp(name, backend_table[i].name) == 0)
			return backend_table[i].open(s, loop, err);
	}
	if (backend_extra_name != NULL &&
	    strcmp(name, backend_extra_name) == 0)
		return backend_extra_open(s, loop, err);
	*err = xasprintf("result set '%s' runs on backend '%s', which this "
	    "labrat does not know: upgrade labrat", s->tag, name);
	return NULL;
}

void
backend_result_clear(struct backend_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof *r);
}

void
backend_job_shell(const struct backend_job *job, uint64_t mem_limit,
    struct buf *b)
{
	const char *eq;
	char **p;

	for (p = job->env; p != NULL && *p != NULL; p++) {
		if ((eq = strchr(*p, '=')) == NULL ||
		    !util_is_ident(*p, (size_t)(eq - *p)))
			continue;
		buf_printf(b, "export %.*s=", (int)(eq - *p), *p);
		experiment_shell_quote(b, eq + 1, strlen(eq + 1));
		buf_addc(b, '\n');
	}
	if (mem_limit > 0)
		buf_printf(b, "ulimit -v %" PRIu64 " || exit 126\n",
		    mem_limit / 1024);
	buf_adds(b, "exec");
	for (p = job->argv; *p != NULL; p++) {
		buf_addc(b, ' ');
		experiment_shell_quote(b, *p, strlen(*p));
	}
}

void
backend_log(struct backend *b, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (b->log == NULL)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	b->log(b->log_arg, msg);
	free(msg);
}
