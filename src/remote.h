/*
 * remote.h -- connections to other machines over SSH (remote.c, the one
 * file of labrat that talks to libssh).  A connection is made the OpenSSH
 * way -- ~/.ssh/config, ssh-agent, the default key files, known_hosts
 * checked -- and never prompts: a host that would need a password or a
 * passphrase is refused with a message that says to load the key into
 * ssh-agent.  On a connection, commands run on channels: to completion
 * (remote_run, for short questions), or driven without blocking from the
 * runner's loop (remote_exec, for jobs), with their output, exit status
 * and end handed to callbacks.  Files are staged over SFTP.
 *
 * "~" is $HOME, as for every program the user runs (tests point it at a
 * directory of their own).
 */
#ifndef LABRAT_REMOTE_H
#define LABRAT_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct remote;
struct remote_chan;

/* How to connect. */
struct remote_opts {
	bool accept_new;      /* record an unknown host key (never a changed
	                         one) in known_hosts instead of refusing */
	double timeout;       /* seconds to connect and authenticate */
};

/*
 * Connect to host (a name from ~/.ssh/config, or an address) as user
 * (NULL: the config's, else the local user) on port (0: the config's,
 * else 22), check its key against known_hosts and authenticate with the
 * agent or the default keys.  0 with *r; or, with *err naming the host
 * and saying what to do (a changed key: its type and fingerprint),
 * REMOTE_REFUSED when the host was reached but refused (its key, no key
 * accepted: trying again will not help), -1 when it could not be reached.
 */
#define REMOTE_REFUSED (-2)
int remote_connect(const char *host, const char *user, int port,
    const struct remote_opts *o, struct remote **r, char **err);
void remote_close(struct remote *r);
/* The socket, for the runner's loop (POLLIN). */
int remote_fd(const struct remote *r);
/* The host as the user named it, for messages. */
const char *remote_name(const struct remote *r);

/*
 * Run cmd (a POSIX shell command line) and wait for it, at most timeout
 * seconds: its standard output in *out (owned), its exit status in
 * *status (-1 if it was killed by a signal).  input (len bytes) goes to
 * its standard input, then EOF.  0, or -1 with *err.
 */
int remote_run(struct remote *r, const char *cmd, const char *input,
    size_t len, double timeout, struct buf *out, int *status, char **err);

/* What a channel started by remote_exec reports. */
struct remote_chan_ops {
	/* Output of the command (is_stderr: its standard error). */
	void (*data)(void *arg, const char *data, size_t len, bool is_stderr);
	/* The command ended: its exit status, or the signal (name as SSH
	 * sends it, e.g. "KILL") that ended it (status -1). */
	void (*exit)(void *arg, int status, const char *signal);
	/* The channel is closed: after exit, or because the connection was
	 * lost (lost true) -- the last call for this channel. */
	void (*closed)(void *arg, bool lost);
};

/*
 * Start cmd on a new channel of r, send it input and EOF, and return
 * without waiting: what it prints and how it ends reach ops as
 * remote_pump processes the connection.  Once ops->closed has been called
 * the channel is freed by the connection: forget it.  NULL with *err.
 */
struct remote_chan *remote_exec(struct remote *r, const char *cmd,
    const char *input, size_t len, const struct remote_chan_ops *ops,
    void *arg, char **err);
/*
 * Start cmd on a new channel of r as remote_exec does, but keep its
 * standard input open: write to it with remote_chan_write (a long-lived
 * shell fed commands).  NULL with *err.
 */
struct remote_chan *remote_start(struct remote *r, const char *cmd,
    const struct remote_chan_ops *ops, void *arg, char **err);
/* Write len bytes to the standard input of c (started by remote_start),
 * waiting only while the peer cannot take more; never from within one of
 * the connection's callbacks.  0, or -1 with *err. */
int remote_chan_write(struct remote_chan *c, const char *data, size_t len,
    char **err);
/* Close and free a channel before its end (ops are not called again):
 * only before ops->closed. */
void remote_chan_free(struct remote_chan *c);
/* Channels open on r. */
int remote_channels(const struct remote *r);

/*
 * Process what the connection has received (call it when its socket is
 * readable, and now and then): output, exits and closes reach the
 * channels' ops.  0, or -1 when the connection is lost (then every open
 * channel is told, closed(lost)).
 */
int remote_pump(struct remote *r);
/* remote_pump, waiting up to ms milliseconds for something to come. */
int remote_pump_wait(struct remote *r, int ms);
/* Send a message the server ignores: without traffic a silent network cut
 * is never noticed.  0, or -1 when the connection is lost. */
int remote_keepalive(struct remote *r);

/*
 * Copy the local file path to remote_path over SFTP, with its execute
 * bit, unless a file of the same size and modification time is there
 * already (*copied tells).  Directories on the way are made.  0, or -1
 * with *err.
 */
int remote_put(struct remote *r, const char *path, const char *remote_path,
    bool *copied, char **err);

#endif
