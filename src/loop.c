/*
 * loop.c -- the runner's poll loop: watched descriptors with callbacks,
 * and timers.  The poll set is rebuilt at every turn from the watches
 * (a handful per engine), which is as cheap as keeping it and lets
 * callbacks add and remove watches freely: a watch removed during a turn
 * is never called afterwards, even if its descriptor was ready.  Timers
 * are few (one per owner): a list.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "util.h"

struct loop_watch {
	int fd;
	short events;
	loop_fn fn;
	void *arg;
	unsigned long id;       /* tells a renewed watch of the same fd */
};

struct loop_timer {
	double at;
	loop_timer_fn fn;
	void *arg;
};

struct loop {
	struct loop_watch *watches;
	size_t nwatches, cap;
	unsigned long next_id;
	struct loop_timer *timers;
	size_t ntimers, tcap;
	struct pollfd *pfd;     /* the poll set of a turn */
	unsigned long *ids;     /* the watch each entry was made from */
	size_t pcap;
};

struct loop *
loop_new(void)
{
	return xcalloc(1, sizeof(struct loop));
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	free(l->watches);
	free(l->timers);
	free(l->pfd);
	free(l->ids);
	free(l);
}

/* The watch of fd, or NULL. */
static struct loop_watch *
loop_find(struct loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nwatches; i++) {
		if (l->watches[i].fd == fd)
			return &l->watches[i];
	}
	return NULL;
}

void
loop_watch(struct loop *l, int fd, short events, loop_fn fn, void *arg)
{
	struct loop_watch *w = loop_find(l, fd);

	if (w == NULL) {
		if (l->nwatches == l->cap) {
			l->cap = l->cap == 0 ? 16 : l->cap * 2;
			l->watches = xreallocarray(l->watches, l->cap,
			    sizeof *l->watches);
		}
		w = &l->watches[l->nwatches++];
	}
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->arg = arg;
	w->id = ++l->next_id;
}

void
loop_unwatch(struct loop *l, int fd)
{
	struct loop_watch *w = loop_find(l, fd);

	if (w != NULL)
		*w = l->watches[--l->nwatches];
}

void
loop_timer(struct loop *l, double at, loop_timer_fn fn, void *arg)
{
	size_t i;

	for (i = 0; i < l->ntimers; i++) {
		if (l->timers[i].arg != arg)
			continue;
		if (at == 0)
			l->timers[i] = l->timers[--l->ntimers];
		else {
			l->timers[i].at = at;
			l->timers[i].fn = fn;
		}
		return;
	}
	if (at == 0)
		return;
	if (l->ntimers == l->tcap) {
		l->tcap = l->tcap == 0 ? 8 : l->tcap * 2;
		l->timers = xreallocarray(l->timers, l->tcap,
		    sizeof *l->timers);
	}
	l->timers[l->ntimers].at = at;
	l->timers[l->ntimers].fn = fn;
	l->timers[l->ntimers++].arg = arg;
}

/* Call the functions of the timers that are due (each once: a function
 * may set its timer again). */
static int
loop_fire(struct loop *l)
{
	struct loop_timer t;
	double now = util_monotonic();
	size_t i = 0;
	int called = 0;

	while (i < l->ntimers) {
		if (l->timers[i].at > now) {
			i++;
			continue;
		}
		t = l->timers[i];
		l->timers[i] = l->timers[--l->ntimers];
		t.fn(t.arg);
		called++;
		/* The list may have changed: look again from the start. */
		i = 0;
		now = util_monotonic();
		if (called > 1000)
			break;
	}
	return called;
}

/* The poll timeout: timeout_ms, or less to meet the nearest timer. */
static int
loop_timeout(struct loop *l, int timeout_ms)
{
	double now = util_monotonic(), ms;
	size_t i;
	int t = timeout_ms;

	for (i = 0; i < l->ntimers; i++) {
		ms = ceil((l->timers[i].at - now) * 1000);
		if (ms < 0)
			ms = 0;
		if (ms > INT_MAX)
			ms = INT_MAX;
		if (t < 0 || ms < t)
			t = (int)ms;
	}
	return t;
}

int
loop_run_once(struct loop *l, int timeout_ms)
{
	struct loop_watch *w;
	size_t n = l->nwatches, i;
	int ready, called = 0, error;

	if (n > l->pcap) {
		l->pcap = n;
		l->pfd = xreallocarray(l->pfd, n, sizeof *l->pfd);
		l->ids = xreallocarray(l->ids, n, sizeof *l->ids);
	}
	for (i = 0; i < n; i++) {
		l->pfd[i].fd = l->watches[i].fd;
		l->pfd[i].events = l->watches[i].events;
		l->pfd[i].revents = 0;
		l->ids[i] = l->watches[i].id;
	}
	ready = poll(l->pfd, n, loop_timeout(l, timeout_ms));
	error = errno;
	for (i = 0; i < n && ready > 0; i++) {
		if (l->pfd[i].revents == 0)
			continue;
		ready--;
		/* Still the same watch? A callback may have dropped it. */
		w = loop_find(l, l->pfd[i].fd);
		if (w == NULL || w->id != l->ids[i])
			continue;
		w->fn(l->pfd[i].fd, l->pfd[i].revents, w->arg);
		called++;
	}
	called += loop_fire(l);
	return called == 0 && ready == -1 && error == EINTR ? -1 : called;
}
