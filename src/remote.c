/*
 * remote.c -- SSH connections with libssh, the only file of labrat that
 * includes it (CI checks).  What libssh does not do the OpenSSH way is
 * done here:
 *
 *   - ~ is $HOME (libssh asks the password database): the config file,
 *     known_hosts and the default keys are looked up under $HOME/.ssh.
 *   - Host keys: ssh_session_is_known_server's CHANGED and OTHER are always
 *     refused, UNKNOWN (and a missing known_hosts) unless the user opted
 *     in; libssh leaves no message for a refused key, so it is written
 *     here with the key's type and fingerprint.
 *   - Authentication never prompts: the agent, then the default keys
 *     without a passphrase; a key that needs one fails with a message
 *     that says to add it to ssh-agent.
 *   - TCP_NODELAY (off by default in libssh: 47 ms per short command) and
 *     TCP_USER_TIMEOUT, so that a silent network cut is noticed in
 *     seconds once keepalives are sent (ssh-testing.md).
 *
 * Channels of jobs are driven without blocking: the session is switched
 * to non-blocking once connected, callbacks receive output, the exit
 * status or signal and the close, and remote_pump lets libssh process
 * what came in (ssh_event_dopoll with no wait) when the runner's loop
 * says the socket is readable.  ssh_channel_get_exit_status is never
 * called: it blocks the whole session.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "remote.h"

/* Seconds without an acknowledgement before the kernel drops the
 * connection (with keepalives every second: a cut is seen in ~5 s). */
#define REMOTE_USER_TIMEOUT_MS 5000
/* Bytes read from a channel at once. */
#define REMOTE_READ_SIZE 65536

struct remote_chan {
	struct remote *r;
	ssh_channel ch;
	struct ssh_channel_callbacks_struct cb;
	const struct remote_chan_ops *ops;
	void *arg;
	bool exited;          /* exit status or signal seen */
	bool closed;          /* closed() was called */
	bool held;            /* its owner frees it (remote_chan_free) */
	bool opening;         /* remote_exec has not returned it yet */
	bool early_close;     /* closed while opening: closed() is due */
	struct remote_chan *next;
};

struct remote {
	ssh_session s;
	ssh_event ev;
	char *name;
	struct remote_chan *chans;
	int nchans;
	bool lost;
};

/* $HOME/.ssh, or NULL to let libssh decide. */
static char *
remote_ssh_dir(void)
{
	const char *home = getenv("HOME");

	if (home == NULL || *home != '/')
		return NULL;
	return xasprintf("%s/.ssh", home);
}

/* The key of the host as "TYPE SHA256:..." into a new string. */
static char *
remote_key_text(ssh_session s)
{
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp, *text;

	if (ssh_get_server_publickey(s, &key) != SSH_OK)
		return xstrdup("(no key)");
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != 0) {
		ssh_key_free(key);
		return xstrdup(ssh_key_type_to_char(ssh_key_type(key)));
	}
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	text = xasprintf("%s %s", ssh_key_type_to_char(ssh_key_type(key)),
	    fp != NULL ? fp : "?");
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	return text;
}

/* Check the host's key against known_hosts: 0, or -1 with *err. */
static int
remote_check_key(struct remote *r, const char *known, const struct remote_opts *o,
    char **err)
{
	enum ssh_known_hosts_e k = ssh_session_is_known_server(r->s);
	char *key;

	if (k == SSH_KNOWN_HOSTS_OK)
		return 0;
	key = remote_key_text(r->s);
	switch (k) {
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		*err = xasprintf("host %s presented a %s key that does NOT "
		    "match %s: this can be an attack, or the host was "
		    "reinstalled; check the key with its administrator, then "
		    "remove the old entry (ssh-keygen -R %s) -- labrat never "
		    "connects to a host whose key changed", r->name, key,
		    known, r->name);
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (o->accept_new) {
			if (ssh_session_update_known_hosts(r->s) == SSH_OK) {
				free(key);
				return 0;
			}
			*err = xasprintf("host %s: cannot record its key in "
			    "%s: %s", r->name, known, ssh_get_error(r->s));
			break;
		}
		*err = xasprintf("host %s is not in %s (its key: %s): check "
		    "the key, then log in once with ssh, or run with "
		    "--accept-new-hosts to record it", r->name, known, key);
		break;
	default:
		*err = xasprintf("host %s: cannot read %s: %s", r->name, known,
		    ssh_get_error(r->s));
		break;
	}
	free(key);
	return -1;
}

/* Authenticate with the agent or a default key, never prompting. */
static int
remote_auth(struct remote *r, char **err)
{
	int rc;

	rc = ssh_userauth_none(r->s, NULL);
	if (rc == SSH_AUTH_SUCCESS)
		return 0;
	if (rc == SSH_AUTH_ERROR)
		goto fail;
	if (getenv("SSH_AUTH_SOCK") != NULL &&
	    ssh_userauth_agent(r->s, NULL) == SSH_AUTH_SUCCESS)
		return 0;
	/* No passphrase: a key that needs one is skipped. */
	rc = ssh_userauth_publickey_auto(r->s, NULL, NULL);
	if (rc == SSH_AUTH_SUCCESS)
		return 0;
fail:
	*err = xasprintf("host %s refused every key offered (%s): labrat "
	    "never asks for a password or a passphrase -- load your key into "
	    "ssh-agent (ssh-add) and check that the host accepts it "
	    "(ssh %s true)", r->name, rc == SSH_AUTH_ERROR ?
	    ssh_get_error(r->s) : "agent and default keys", r->name);
	return -1;
}

/* TCP_NODELAY and TCP_USER_TIMEOUT on the connection's socket. */
static void
remote_tune_socket(struct remote *r)
{
	int fd = ssh_get_fd(r->s), one = 1;
	unsigned int ms = REMOTE_USER_TIMEOUT_MS;

	if (fd < 0)
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof ms);
}

int
remote_connect(const char *host, const char *user, int port,
    const struct remote_opts *o, struct remote **rp, char **err)
{
	struct remote *r;
	char *dir = remote_ssh_dir(), *config = NULL, *known = NULL;
	long timeout = o->timeout > 0 ? (long)o->timeout : 10;
	bool refused = false;
	int one = 1;

	*rp = NULL;
	r = xcalloc(1, sizeof *r);
	r->name = xstrdup(host);
	if ((r->s = ssh_new()) == NULL)
		util_fatal("out of memory for an SSH session");
	ssh_options_set(r->s, SSH_OPTIONS_HOST, host);
	if (dir != NULL) {
		config = xasprintf("%s/config", dir);
		known = xasprintf("%s/known_hosts", dir);
		ssh_options_set(r->s, SSH_OPTIONS_SSH_DIR, dir);
		ssh_options_set(r->s, SSH_OPTIONS_KNOWNHOSTS, known);
	}
	/* The config first: what the user gave on the command line wins. */
	if (config != NULL && access(config, F_OK) == 0 &&
	    ssh_options_parse_config(r->s, config) != 0) {
		*err = xasprintf("host %s: cannot read %s: %s", host, config,
		    ssh_get_error(r->s));
		goto fail;
	}
	if (dir != NULL)
		ssh_options_set(r->s, SSH_OPTIONS_PROCESS_CONFIG, &(int){ 0 });
	if (user != NULL)
		ssh_options_set(r->s, SSH_OPTIONS_USER, user);
	if (port > 0)
		ssh_options_set(r->s, SSH_OPTIONS_PORT, &port);
	ssh_options_set(r->s, SSH_OPTIONS_NODELAY, &one);
	ssh_options_set(r->s, SSH_OPTIONS_TIMEOUT, &timeout);
	if (ssh_connect(r->s) != SSH_OK) {
		*err = xasprintf("cannot connect to %s: %s", host,
		    ssh_get_error(r->s));
		goto fail;
	}
	remote_tune_socket(r);
	if (remote_check_key(r, known != NULL ? known :
	    "~/.ssh/known_hosts", o, err) != 0 || remote_auth(r, err) != 0) {
		refused = true;
		goto fail;
	}
	r->ev = ssh_event_new();
	if (r->ev == NULL || ssh_event_add_session(r->ev, r->s) != SSH_OK) {
		*err = xasprintf("host %s: cannot watch the connection", host);
		goto fail;
	}
	free(dir);
	free(config);
	free(known);
	*rp = r;
	return 0;
fail:
	free(dir);
	free(config);
	free(known);
	remote_close(r);
	return refused ? REMOTE_REFUSED : -1;
}

const char *
remote_name(const struct remote *r)
{
	return r->name;
}

int
remote_fd(const struct remote *r)
{
	return ssh_get_fd(r->s);
}

int
remote_channels(const struct remote *r)
{
	return r->nchans;
}

/* Tell a channel's owner it is closed, once. */
static void
remote_chan_closed(struct remote_chan *c, bool lost)
{
	if (c->closed)
		return;
	c->closed = true;
	if (c->ops != NULL && c->ops->closed != NULL)
		c->ops->closed(c->arg, lost);
}

void
remote_close(struct remote *r)
{
	struct remote_chan *c, *next;

	if (r == NULL)
		return;
	for (c = r->chans; c != NULL; c = next) {
		next = c->next;
		remote_chan_closed(c, true);
		/* libssh frees its channels with the session. */
		c->r = NULL;
		if (!c->held)
			free(c);
	}
	if (r->ev != NULL) {
		ssh_event_remove_session(r->ev, r->s);
		ssh_event_free(r->ev);
	}
	if (r->s != NULL) {
		ssh_disconnect(r->s);
		ssh_free(r->s);
	}
	free(r->name);
	free(r);
}

static int
remote_on_data(ssh_session s, ssh_channel ch, void *data, uint32_t len,
    int is_stderr, void *arg)
{
	struct remote_chan *c = arg;

	(void)s;
	(void)ch;
	if (c->ops->data != NULL && !c->closed)
		c->ops->data(c->arg, data, len, is_stderr != 0);
	return (int)len;
}

static void
remote_on_exit_status(ssh_session s, ssh_channel ch, int status, void *arg)
{
	struct remote_chan *c = arg;

	(void)s;
	(void)ch;
	c->exited = true;
	if (c->ops->exit != NULL && !c->closed)
		c->ops->exit(c->arg, status, NULL);
}

static void
remote_on_exit_signal(ssh_session s, ssh_channel ch, const char *signal,
    int core, const char *msg, const char *lang, void *arg)
{
	struct remote_chan *c = arg;

	(void)s;
	(void)ch;
	(void)core;
	(void)msg;
	(void)lang;
	c->exited = true;
	if (c->ops->exit != NULL && !c->closed)
		c->ops->exit(c->arg, -1, signal);
}

static void
remote_on_close(ssh_session s, ssh_channel ch, void *arg)
{
	struct remote_chan *c = arg;

	(void)s;
	(void)ch;
	/* A command that ends at once closes its channel in the packets
	 * that answer its start: its owner learns of it once remote_exec
	 * has handed it over. */
	if (c->opening)
		c->early_close = true;
	else
		remote_chan_closed(c, false);
}

/* Tell the owners of the channels that closed while they opened. */
static void
remote_early_closes(struct remote *r)
{
	struct remote_chan *c, *next;

	for (c = r->chans; c != NULL; c = next) {
		next = c->next;
		if (c->early_close && !c->opening) {
			c->early_close = false;
			remote_chan_closed(c, false);
		}
	}
}

/* Open channel ch (its callbacks set: what the command says as it
 * starts is not lost) and start cmd on it, blocking (one round trip each
 * on a fast link): 0, or -1 with *err. */
static int
remote_open_exec(struct remote *r, ssh_channel ch, const char *cmd,
    char **err)
{
	ssh_set_blocking(r->s, 1);
	if (ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		*err = xasprintf("host %s: cannot start a command: %s",
		    r->name, ssh_get_error(r->s));
		if (!ssh_is_connected(r->s))
			r->lost = true;
		ssh_set_blocking(r->s, 0);
		return -1;
	}
	return 0;
}

/* Write input to ch and send EOF (blocking). */
static int
remote_send_input(struct remote *r, ssh_channel ch, const char *input,
    size_t len, char **err)
{
	size_t off = 0;
	int n;

	while (off < len) {
		n = ssh_channel_write(ch, input + off, (uint32_t)(len - off >
		    UINT32_MAX ? UINT32_MAX : len - off));
		if (n <= 0) {
			*err = xasprintf("host %s: cannot send a job's input: "
			    "%s", r->name, ssh_get_error(r->s));
			return -1;
		}
		off += (size_t)n;
	}
	if (ssh_channel_send_eof(ch) != SSH_OK) {
		*err = xasprintf("host %s: %s", r->name, ssh_get_error(r->s));
		return -1;
	}
	return 0;
}

/* Start cmd on a new channel; with eof, send it input and EOF. */
static struct remote_chan *
remote_exec_common(struct remote *r, const char *cmd, const char *input,
    size_t len, bool eof, const struct remote_chan_ops *ops, void *arg,
    char **err)
{
	struct remote_chan *c;
	ssh_channel ch;

	if (r->lost) {
		*err = xasprintf("host %s: the connection is lost", r->name);
		return NULL;
	}
	if ((ch = ssh_channel_new(r->s)) == NULL) {
		*err = xasprintf("host %s: cannot start a command: %s",
		    r->name, ssh_get_error(r->s));
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->r = r;
	c->ch = ch;
	c->ops = ops;
	c->arg = arg;
	c->opening = true;
	c->cb.userdata = c;
	c->cb.channel_data_function = remote_on_data;
	c->cb.channel_exit_status_function = remote_on_exit_status;
	c->cb.channel_exit_signal_function = remote_on_exit_signal;
	c->cb.channel_close_function = remote_on_close;
	ssh_callbacks_init(&c->cb);
	ssh_set_channel_callbacks(ch, &c->cb);
	c->next = r->chans;
	r->chans = c;
	r->nchans++;
	if (remote_open_exec(r, ch, cmd, err) != 0 || (eof &&
	    remote_send_input(r, ch, input != NULL ? input : "",
	    input != NULL ? len : 0, err) != 0)) {
		ssh_set_blocking(r->s, 0);
		/* Its owner never hears of it. */
		c->closed = true;
		remote_chan_free(c);
		return NULL;
	}
	ssh_set_blocking(r->s, 0);
	c->opening = false;
	return c;
}

struct remote_chan *
remote_exec(struct remote *r, const char *cmd, const char *input, size_t len,
    const struct remote_chan_ops *ops, void *arg, char **err)
{
	return remote_exec_common(r, cmd, input, len, true, ops, arg, err);
}

struct remote_chan *
remote_start(struct remote *r, const char *cmd,
    const struct remote_chan_ops *ops, void *arg, char **err)
{
	return remote_exec_common(r, cmd, NULL, 0, false, ops, arg, err);
}

int
remote_chan_write(struct remote_chan *c, const char *data, size_t len,
    char **err)
{
	struct remote *r = c->r;
	size_t off = 0;
	int n;

	if (r == NULL || r->lost || c->closed) {
		*err = xasprintf("host %s: the channel is closed", r != NULL ?
		    r->name : "?");
		return -1;
	}
	/* Blocking: it waits only while the peer's window is full. */
	ssh_set_blocking(r->s, 1);
	while (off < len) {
		n = ssh_channel_write(c->ch, data + off, (uint32_t)(len - off >
		    UINT32_MAX ? UINT32_MAX : len - off));
		if (n <= 0) {
			*err = xasprintf("host %s: cannot write to a channel: "
			    "%s", r->name, ssh_get_error(r->s));
			if (!ssh_is_connected(r->s))
				r->lost = true;
			ssh_set_blocking(r->s, 0);
			return -1;
		}
		off += (size_t)n;
	}
	ssh_set_blocking(r->s, 0);
	return 0;
}

void
remote_chan_free(struct remote_chan *c)
{
	struct remote_chan **pp;

	if (c == NULL)
		return;
	c->closed = true;
	if (c->r != NULL) {
		for (pp = &c->r->chans; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == c) {
				*pp = c->next;
				break;
			}
		}
		c->r->nchans--;
		if (ssh_is_connected(c->r->s) && !ssh_channel_is_closed(c->ch))
			ssh_channel_close(c->ch);
		ssh_channel_free(c->ch);
	}
	free(c);
}

/* Free the channels that are closed and that no owner holds: outside of
 * libssh's callbacks, where they may not be freed. */
static void
remote_sweep(struct remote *r)
{
	struct remote_chan *c, *next;

	for (c = r->chans; c != NULL; c = next) {
		next = c->next;
		if (c->closed && !c->held)
			remote_chan_free(c);
	}
}

int
remote_pump(struct remote *r)
{
	return remote_pump_wait(r, 0);
}

int
remote_pump_wait(struct remote *r, int ms)
{
	struct remote_chan *c, *next;

	remote_early_closes(r);
	if (!r->lost && ssh_event_dopoll(r->ev, ms) == SSH_ERROR)
		r->lost = true;
	if (!r->lost && !ssh_is_connected(r->s))
		r->lost = true;
	if (!r->lost) {
		remote_sweep(r);
		return 0;
	}
	for (c = r->chans; c != NULL; c = next) {
		next = c->next;
		remote_chan_closed(c, true);
	}
	return -1;
}

int
remote_keepalive(struct remote *r)
{
	if (r->lost || ssh_send_ignore(r->s, "") != SSH_OK) {
		r->lost = true;
		return remote_pump(r);
	}
	return 0;
}

/* What remote_run collects. */
struct remote_run_state {
	struct buf *out;
	int status;
	bool done;
	bool lost;
};

static void
remote_run_data(void *arg, const char *data, size_t len, bool is_stderr)
{
	struct remote_run_state *st = arg;

	if (!is_stderr)
		buf_add(st->out, data, len);
}

static void
remote_run_exit(void *arg, int status, const char *signal)
{
	struct remote_run_state *st = arg;

	(void)signal;
	st->status = status;
}

static void
remote_run_closed(void *arg, bool lost)
{
	struct remote_run_state *st = arg;

	st->done = true;
	st->lost = lost;
}

static const struct remote_chan_ops remote_run_ops = {
	remote_run_data, remote_run_exit, remote_run_closed,
};

int
remote_run(struct remote *r, const char *cmd, const char *input, size_t len,
    double timeout, struct buf *out, int *status, char **err)
{
	struct remote_run_state st;
	struct remote_chan *c;
	double until = util_monotonic() + timeout;
	int rc = 0;

	memset(&st, 0, sizeof st);
	st.out = out;
	st.status = -1;
	if ((c = remote_exec(r, cmd, input, len, &remote_run_ops, &st,
	    err)) == NULL)
		return -1;
	c->held = true;
	for (;;) {
		remote_early_closes(r);
		if (st.done)
			break;
		if (util_monotonic() > until) {
			*err = xasprintf("host %s: no answer in %.0f s", r->name,
			    timeout);
			rc = -1;
			break;
		}
		if (ssh_event_dopoll(r->ev, 100) == SSH_ERROR ||
		    !ssh_is_connected(r->s)) {
			r->lost = true;
			remote_pump(r);
		}
	}
	if (rc == 0 && st.lost) {
		*err = xasprintf("host %s: the connection was lost", r->name);
		rc = -1;
	}
	remote_chan_free(c);
	*status = st.status;
	return rc;
}

/* Make the directories of remote_path (mkdir -p) over SFTP. */
static void
remote_sftp_mkdirs(sftp_session sftp, const char *remote_path)
{
	char *dir = xstrdup(remote_path), *p;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		sftp_mkdir(sftp, dir, 0755);
		*p = '/';
	}
	free(dir);
}

int
remote_put(struct remote *r, const char *path, const char *remote_path,
    bool *copied, char **err)
{
	sftp_session sftp;
	sftp_attributes at;
	sftp_file f = NULL;
	struct stat sb;
	struct timeval tv[2];
	char buf[65536];
	ssize_t n;
	int fd = -1, rc = -1;

	*copied = false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*err = xasprintf("cannot stage %s: %s", path, fd == -1 ?
		    strerror(errno) : "not a regular file");
		if (fd != -1)
			close(fd);
		return -1;
	}
	ssh_set_blocking(r->s, 1);
	if ((sftp = sftp_new(r->s)) == NULL || sftp_init(sftp) != SSH_OK) {
		*err = xasprintf("host %s: no SFTP (is the sftp subsystem "
		    "enabled?): %s", r->name, ssh_get_error(r->s));
		goto out;
	}
	/* The same size and time: already there. */
	if ((at = sftp_stat(sftp, remote_path)) != NULL) {
		bool same = at->size == (uint64_t)sb.st_size &&
		    at->mtime == (uint32_t)sb.st_mtime;

		sftp_attributes_free(at);
		if (same) {
			rc = 0;
			goto out;
		}
	}
	remote_sftp_mkdirs(sftp, remote_path);
	f = sftp_open(sftp, remote_path, O_WRONLY | O_CREAT | O_TRUNC,
	    sb.st_mode & 0777);
	if (f == NULL)
		goto sftp_fail;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		if (sftp_write(f, buf, (size_t)n) != n)
			goto sftp_fail;
	}
	if (n < 0) {
		*err = xasprintf("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	sftp_close(f);
	f = NULL;
	/* The mode asked at creation is masked by the server's umask. */
	if (sftp_chmod(sftp, remote_path, sb.st_mode & 0777) != 0)
		goto sftp_fail;
	tv[0].tv_sec = tv[1].tv_sec = sb.st_mtime;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	sftp_utimes(sftp, remote_path, tv);
	*copied = true;
	rc = 0;
	goto out;
sftp_fail:
	*err = xasprintf("host %s: cannot write %s: %s (SFTP error %d)",
	    r->name, remote_path, ssh_get_error(r->s),
	    sftp != NULL ? sftp_get_error(sftp) : -1);
out:
	if (f != NULL)
		sftp_close(f);
	if (sftp != NULL)
		sftp_free(sftp);
	ssh_set_blocking(r->s, 0);
	close(fd);
	return rc;
}
