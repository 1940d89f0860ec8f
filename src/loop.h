/*
 * loop.h -- the one poll loop a runner owns.  Whoever needs to hear about
 * a descriptor (a backend's pidfds and pipes, an SSH session's socket,
 * the runner's own signal pipe) watches it here with a callback, and
 * whoever needs to act at a time (a job's timeout, a keepalive, a
 * scheduler's polling interval) sets a timer.  Nothing else calls
 * poll().
 */
#ifndef LABRAT_LOOP_H
#define LABRAT_LOOP_H

#include <stdbool.h>

struct loop;

/* Called from loop_run_once when fd is ready (revents as poll gives). */
typedef void (*loop_fn)(int fd, short revents, void *arg);
/* Called from loop_run_once once a timer is due. */
typedef void (*loop_timer_fn)(void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Watch fd for events (POLLIN, POLLOUT), replacing an earlier watch of
 * the same fd; fn(fd, revents, arg) is called when it is ready. */
void loop_watch(struct loop *l, int fd, short events, loop_fn fn, void *arg);
/* Stop watching fd (before closing it). */
void loop_unwatch(struct loop *l, int fd);

/* Call fn(arg) once at (a util_monotonic() time) or soon after: one
 * timer per arg, replacing its earlier one; at 0 clears it. */
void loop_timer(struct loop *l, double at, loop_timer_fn fn, void *arg);

/*
 * Wait up to timeout_ms (-1: no limit), or until the nearest timer, for
 * watched descriptors to become ready, and call their functions, then
 * those of the timers that are due.  Returns the number of functions
 * called: 0 when the time passed, -1 when a signal interrupted the wait
 * and nothing was called.
 */
int loop_run_once(struct loop *l, int timeout_ms);

#endif
