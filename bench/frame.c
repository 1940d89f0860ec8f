/*
 * frame.c -- console frame time on a result set of 1,000,000 results:
 * every view's update() (what the console does when the notebook changes)
 * and draw() into an 80x24 and a 200x60 screen, timed over repeated
 * frames.  The notebook is built once (FILE is kept for later runs).
 * usage: frame FILE [N]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console_int.h"
#include "notebook.h"

static void
build(const char *path, uint64_t n)
{
	struct notebook *nb;
	struct nb_set s = { 0 };
	struct nb_work w;
	struct nb_outcome o = { 0 };
	char *err = NULL, params[128], results[128];
	uint64_t i;

	if (notebook_open(path, NOTEBOOK_CREATE, &nb, &err) != 0)
		util_fatal("%s", err);
	s.tag = (char *)"big";
	s.description = (char *)"a million results";
	s.attributes = (char *)"{}";
	s.space = (char *)"{\"params\":[\"r=1..1000\",\"x0=1..1000\"],"
	    "\"zip\":[]}";
	s.experiment = (char *)"{\"argv\":[\"true\"],\"shell\":false}";
	s.backend = (char *)"local";
	s.repeat = 1;
	s.npoints = s.njobs = n;
	if (notebook_set_create(nb, &s, &err) != 0)
		util_fatal("%s", err);
	o.state = NB_OK;
	o.exit_code = 0;
	for (i = 0; i < n; i++) {
		if (i % 4096 == 0 && notebook_begin(nb, &err) != 0)
			util_fatal("%s", err);
		memset(&w, 0, sizeof w);
		w.pos = w.point = i;
		w.attempt = 1;
		snprintf(params, sizeof params, "{\"r\":%llu,\"x0\":%llu}",
		    (unsigned long long)(i / 1000 + 1),
		    (unsigned long long)(i % 1000 + 1));
		snprintf(results, sizeof results, "{\"lyapunov\":%.6f,"
		    "\"x\":%.6f}", ((double)((i * 7919) % 100000)) / 50000 - 1,
		    (double)(i % 977) / 977);
		o.results_json = results;
		o.start = o.end = util_now();
		if (notebook_job_start(nb, s.id, &w, params, o.start, "localhost",
		    0, NULL, &err) != 0 || notebook_job_finish(nb, s.id, w.job_id, &o,
		    &err) != 0)
			util_fatal("%s", err);
		if ((i % 4096 == 4095 || i == n - 1) &&
		    notebook_commit(nb, &err) != 0)
			util_fatal("%s", err);
		if (i % 100000 == 99999)
			fprintf(stderr, "  built %llu jobs\n",
			    (unsigned long long)i + 1);
	}
	free(s.status);
	free(s.control);
	free(s.cwd);
	notebook_close(nb);
}

int
main(int argc, char **argv)
{
	static const struct { int rows, cols; } sizes[] = { { 24, 80 },
		{ 60, 200 } };
	struct console c;
	FILE *out, *in;
	SCREEN *scr;
	WINDOW *w;
	char *err = NULL;
	uint64_t n = 1000000;
	size_t v, k;
	int frames = 20, f;
	double t0, worst, total;

	if (argc < 2 || (argc == 3 && util_parse_uint(argv[2], &n) != 0)) {
		fprintf(stderr, "usage: frame FILE [N]\n");
		return 2;
	}
	if (access(argv[1], F_OK) != 0) {
		fprintf(stderr, "building %s with %llu results (once)\n",
		    argv[1], (unsigned long long)n);
		build(argv[1], n);
	}
	memset(&c, 0, sizeof c);
	if (notebook_open(argv[1], NOTEBOOK_CREATE, &c.nb, &err) != 0)
		util_fatal("%s", err);
	c.nb_path = xstrdup(argv[1]);
	c.utf8 = true;
	console_refresh(&c);
	c.nviews = 7;
	c.views = xcalloc(c.nviews, sizeof *c.views);
	c.views[0] = view_sets_new();
	c.views[1] = view_space_new();
	c.views[2] = view_jobs_new();
	c.views[3] = view_results_new();
	c.views[4] = view_plot_new();
	c.views[5] = view_log_new();
	c.views[6] = view_help_new();
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	scr = newterm("xterm", out, in);
	set_term(scr);
	printf("console frames on %zu result set(s), %llu jobs in the "
	    "current one\n", c.nsets, (unsigned long long)c.counts[c.cur].total);
	for (k = 0; k < 2; k++) {
		resizeterm(sizes[k].rows, sizes[k].cols);
		w = newwin(sizes[k].rows - 5, sizes[k].cols, 3, 0);
		printf("  %dx%d:\n", sizes[k].cols, sizes[k].rows);
		for (v = 0; v < c.nviews; v++) {
			worst = total = 0;
			/* The plot loads its points over several updates;
			 * let it finish first, as a user would see it. */
			for (f = 0; f < (v == 4 ? 100 : 1) &&
			    c.views[v]->ops->update != NULL; f++)
				c.views[v]->ops->update(c.views[v], &c);
			for (f = 0; f < frames; f++) {
				t0 = util_monotonic();
				console_refresh(&c);
				if (c.views[v]->ops->update != NULL)
					c.views[v]->ops->update(c.views[v],
					    &c);
				werase(w);
				c.views[v]->ops->draw(c.views[v], &c, w);
				wnoutrefresh(w);
				doupdate();
				t0 = util_monotonic() - t0;
				total += t0;
				if (t0 > worst)
					worst = t0;
			}
			printf("    %-8s mean %7.2f ms   worst %7.2f ms\n",
			    c.views[v]->ops->name, total / frames * 1000,
			    worst * 1000);
		}
		delwin(w);
	}
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return 0;
}
