/*
 * hostsh.c -- the host shell (hostsh.h): the bash that runs a campaign's
 * jobs on a host, fed commands over one SSH channel, and what it says
 * back parsed into the backend's callbacks.
 *
 * A job costs the host a fork for its wrapper and whatever the job runs:
 * its input is written with printf, its status with echo, its output read
 * back with read -d '' -- builtins, not programs.  Directories are made
 * ahead (hostsh_prepare: one mkdir for many jobs) and removed in batches
 * (one rm -rf for many).  What the shell answers on its standard output:
 *
 *     A ready | A none                      it is ready, or there is no bash
 *     C ID RC OUTLEN ERRLEN\n OUT ERR       a job's end: status, output and
 *                                           the tail of its standard error
 *     R ID                                  it still runs
 *     G ID                                  nothing is left of it
 *
 * and on its standard error, from a job's wrapper as it ends: "E ID".
 * Every other line there (bash's own words) is ignored.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "hostsh.h"
#include "remote.h"
#include "util.h"

/* Job directories whose removal waits for one rm -rf. */
#define HOSTSH_RM_BATCH 64

/* The command of the channel: bash reading commands from its input, or a
 * word that there is none. */
#define HOSTSH_CMD \
	"command -v bash >/dev/null 2>&1 || { echo 'A none'; exit 0; }; " \
	"exec bash --noprofile --norc -s"

/*
 * What the shell is told first (after "cd" to the campaign's directory).
 * s ID INPUT SCRIPT starts a job: its wrapper is a subshell in a process
 * group of its own (set -m; $! is its group), away from the channel
 * (only fd 3, the channel's stderr, is kept, to say "E ID" once rc is
 * written); it writes the job's input itself, so that the shell's own
 * loop does as little as it can for a job.  Another shell on the same
 * host may have made the directory just now: mkdir failing is fine if
 * the directory is there.  c ID answers C, R or G.  k SIG ID signals a job's group.
 * With job control bash keeps every job that ended in its table until it
 * says so (jobs), and each new job costs more as the table grows: s
 * empties it every 32 jobs.
 * Output with a NUL in it cannot be held in a variable: it is sent with
 * wc and head instead.  The last 4096 bytes of err are handed over.
 */
static const char hostsh_prelude[] =
	"exec 3>&2 2>/dev/null\n"
	"set -m\n"
	"s() {\n"
	"	local d=jobs/$1\n"
	"	[ -d \"$d\" ] || mkdir \"$d\" || [ -d \"$d\" ] ||\n"
	"		{ printf 'C %s 126 0 0\\n' \"$1\"; return; }\n"
	"	( cd \"$d\" || exit; if printf '%s' \"$2\" > in; then"
	" { eval \"$3\"; } < in > out 2> err 3>&-; { echo $?; times; } > rc;"
	" else echo 126 > rc; fi; printf 'E %s\\n' \"$1\" >&3 )"
	" > /dev/null 2>&1 < /dev/null &\n"
	"	echo $! > \"$d/pid\"\n"
	"	(( ++n_ % 32 )) || jobs > /dev/null\n"
	"}\n"
	"c() {\n"
	"	local LC_ALL=C d=jobs/$1 r= p= o= e= n= ol=0 u= y=\n"
	"	if ! read -r r < \"$d/rc\"; then\n"
	"		read -r p < \"$d/pid\"\n"
	"		if [ -n \"$p\" ] && kill -0 \"$p\"; then printf 'R %s\\n' \"$1\"; return; fi\n"
	"		read -r r < \"$d/rc\" || { printf 'G %s\\n' \"$1\"; return; }\n"
	"	fi\n"
	"	{ read -r u; read -r u; read -r u y; } < \"$d/rc\"\n"
	"	if [ -s \"$d/out\" ]; then\n"
	"		if IFS= read -r -d '' o < \"$d/out\"; then\n"
	"			o=; n=1; ol=$(($(wc -c < \"$d/out\")))\n"
	"		else ol=${#o}; fi\n"
	"	fi\n"
	"	[ -s \"$d/err\" ] && { e=$(tail -c 4096 \"$d/err\"; echo x);"
	" e=${e%x}; }\n"
	"	printf 'C %s %s %s %s %s %s\\n' \"$1\" \"$r\" \"$ol\" \"${#e}\""
	" \"${u:--}\" \"${y:--}\"\n"
	"	if [ -n \"$n\" ]; then head -c \"$ol\" \"$d/out\"; else printf '%s' \"$o\"; fi\n"
	"	printf '%s' \"$e\"\n"
	"}\n"
	"k() {\n"
	"	local p=\n"
	"	read -r p < \"jobs/$2/pid\" && [ -n \"$p\" ] &&"
	" { kill -\"$1\" -- -\"$p\" || kill -\"$1\" \"$p\"; }\n"
	"}\n"
	"printf 'A ready\\n'\n";

enum hostsh_state {
	HOSTSH_STARTING,
	HOSTSH_READY,
	HOSTSH_NONE,          /* the host has no bash */
};

struct hostsh {
	struct remote *conn;
	struct remote_chan *chan; /* NULL once closed */
	const struct hostsh_ops *ops;
	void *arg;
	enum hostsh_state state;
	bool dead;
	struct buf out;       /* its standard output, not parsed yet */
	struct buf err;       /* its standard error, not parsed yet */
	struct buf cmds;      /* commands not sent yet */
	struct buf rm;        /* directories to remove */
	size_t nrm;
};

/* Drop the first n bytes of b. */
static void
hostsh_consume(struct buf *b, size_t n)
{
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

/* The word after the first space of line (an id), into id. */
static int
hostsh_word(const char *line, size_t n, size_t at, char *id, size_t idlen)
{
	size_t e = at;

	while (e < n && line[e] != ' ')
		e++;
	if (e == at || e - at >= idlen)
		return -1;
	memcpy(id, line + at, e - at);
	id[e - at] = '\0';
	return (int)e;
}

/* One CPU time as bash's times prints it ("1m2.345s", with the host's
 * decimal point), in seconds at *t, or "-" for none (-1); *end after it.
 * 0, or -1 if it is neither. */
static int
hostsh_times(const char *p, char **end, double *t)
{
	double sec = 0, unit = 1;
	long m;

	if (*p == '-') {
		*end = (char *)p + 1;
		*t = -1;
		return 0;
	}
	m = strtol(p, end, 10);
	if (*end == p || **end != 'm' || m < 0)
		return -1;
	for (p = *end + 1; *p >= '0' && *p <= '9'; p++)
		sec = sec * 10 + (*p - '0');
	if (*p == '.' || *p == ',')
		for (p++; *p >= '0' && *p <= '9'; p++)
			sec += (*p - '0') * (unit /= 10);
	if (*p != 's')
		return -1;
	*end = (char *)p + 1;
	*t = (double)m * 60 + sec;
	return 0;
}

/* Parse what the shell said on its standard output. */
static void
hostsh_parse_out(struct hostsh *s)
{
	char id[64], *nl, *end;
	size_t hl;
	long rc, ol, el;
	double cpu[2];
	int e;

	while (!s->dead && s->out.len > 0 &&
	    (nl = memchr(s->out.data, '\n', s->out.len)) != NULL) {
		hl = (size_t)(nl - s->out.data) + 1;
		*nl = '\0';
		if (strcmp(s->out.data, "A ready") == 0)
			s->state = HOSTSH_READY;
		else if (strcmp(s->out.data, "A none") == 0)
			s->state = HOSTSH_NONE;
		else if (s->state == HOSTSH_STARTING)
			;   /* what a login script printed: not ours */
		else if (s->out.data[0] == 'C' && s->out.data[1] == ' ') {
			if ((e = hostsh_word(s->out.data, hl - 1, 2, id,
			    sizeof id)) < 0)
				goto bad;
			rc = strtol(s->out.data + e, &end, 10);
			ol = strtol(end, &end, 10);
			el = strtol(end, &end, 10);
			cpu[0] = cpu[1] = -1;
			if (*end == ' ' && (hostsh_times(end + 1, &end,
			    &cpu[0]) != 0 || *end != ' ' ||
			    hostsh_times(end + 1, &end, &cpu[1]) != 0))
				goto bad;
			if (*end != '\0' || ol < 0 || el < 0)
				goto bad;
			if (s->out.len < hl + (size_t)ol + (size_t)el) {
				*nl = '\n';
				return;     /* the rest is on its way */
			}
			s->ops->result(s->arg, id, (int)rc, s->out.data + hl,
			    (size_t)ol, s->out.data + hl + ol, (size_t)el,
			    cpu[0], cpu[1]);
			hl += (size_t)ol + (size_t)el;
		} else if ((s->out.data[0] == 'R' || s->out.data[0] == 'G') &&
		    s->out.data[1] == ' ') {
			if (hostsh_word(s->out.data, hl - 1, 2, id,
			    sizeof id) < 0)
				goto bad;
			if (s->out.data[0] == 'R')
				s->ops->running(s->arg, id);
			else
				s->ops->gone(s->arg, id);
		} else
			goto bad;
		hostsh_consume(&s->out, hl);
	}
	return;
bad:
	/* Not what it says: trust nothing more from it. */
	s->dead = true;
}

/* Parse what the shell said on its standard error: "E ID" lines. */
static void
hostsh_parse_err(struct hostsh *s)
{
	char id[64], *nl;
	size_t hl;

	while (s->err.len > 0 &&
	    (nl = memchr(s->err.data, '\n', s->err.len)) != NULL) {
		hl = (size_t)(nl - s->err.data) + 1;
		*nl = '\0';
		if (s->err.data[0] == 'E' && s->err.data[1] == ' ' &&
		    hostsh_word(s->err.data, hl - 1, 2, id, sizeof id) ==
		    (int)hl - 1 && s->state == HOSTSH_READY)
			s->ops->ended(s->arg, id);
		hostsh_consume(&s->err, hl);
	}
	/* A line that never ends is not ours. */
	if (s->err.len > 4096)
		buf_reset(&s->err);
}

static void
hostsh_on_data(void *arg, const char *data, size_t len, bool is_stderr)
{
	struct hostsh *s = arg;

	if (is_stderr) {
		buf_add(&s->err, data, len);
		hostsh_parse_err(s);
	} else {
		buf_add(&s->out, data, len);
		hostsh_parse_out(s);
	}
}

/* The shell ended: its channel may stay open long after (the wrappers of
 * running jobs hold its stderr), so this is its end. */
static void
hostsh_on_exit(void *arg, int status, const char *signal)
{
	struct hostsh *s = arg;

	(void)status;
	(void)signal;
	s->dead = true;
}

static void
hostsh_on_closed(void *arg, bool lost)
{
	struct hostsh *s = arg;

	s->chan = NULL;
	s->dead = true;
	if (s->state == HOSTSH_READY)
		s->ops->closed(s->arg, lost);
}

static const struct remote_chan_ops hostsh_chan_ops = {
	hostsh_on_data, hostsh_on_exit, hostsh_on_closed,
};

struct hostsh *
hostsh_start(struct remote *conn, const char *key, double timeout,
    const struct hostsh_ops *ops, void *arg, char **err)
{
	struct hostsh *s = xcalloc(1, sizeof *s);
	double until = util_monotonic() + timeout;
	struct buf d;

	*err = NULL;
	s->conn = conn;
	s->ops = ops;
	s->arg = arg;
	buf_init(&s->out);
	buf_init(&s->err);
	buf_init(&s->cmds);
	buf_init(&s->rm);
	if ((s->chan = remote_start(conn, HOSTSH_CMD, &hostsh_chan_ops, s,
	    err)) == NULL)
		goto fail;
	buf_init(&d);
	buf_printf(&d, ".labrat/campaigns/%s", key);
	buf_adds(&s->cmds, "d=");
	experiment_shell_quote(&s->cmds, d.data, d.len);
	buf_adds(&s->cmds, "; mkdir -p \"$d/jobs\" && cd \"$d\" || exit 1\n");
	buf_adds(&s->cmds, hostsh_prelude);
	buf_free(&d);
	if (hostsh_flush(s, false, err) != 0)
		goto fail;
	while (s->state == HOSTSH_STARTING && !s->dead) {
		if (util_monotonic() > until) {
			*err = xasprintf("host %s: its shell did not answer in "
			    "%.0f s", remote_name(conn), timeout);
			goto fail;
		}
		if (remote_pump_wait(conn, 100) != 0)
			break;
	}
	if (s->state == HOSTSH_READY)
		return s;
	if (s->state != HOSTSH_NONE && *err == NULL)
		*err = xasprintf("host %s: its shell ended as it started",
		    remote_name(conn));
fail:
	hostsh_free(s);
	return NULL;
}

void
hostsh_free(struct hostsh *s)
{
	if (s == NULL)
		return;
	if (s->chan != NULL)
		remote_chan_free(s->chan);
	buf_free(&s->out);
	buf_free(&s->err);
	buf_free(&s->cmds);
	buf_free(&s->rm);
	free(s);
}

bool
hostsh_dead(const struct hostsh *s)
{
	return s->dead;
}

void
hostsh_launch(struct hostsh *s, const char *id, const char *input,
    size_t len, const char *script)
{
	buf_adds(&s->cmds, "s ");
	experiment_shell_quote(&s->cmds, id, strlen(id));
	buf_addc(&s->cmds, ' ');
	experiment_shell_quote(&s->cmds, input != NULL ? input : "",
	    input != NULL ? len : 0);
	buf_addc(&s->cmds, ' ');
	experiment_shell_quote(&s->cmds, script, strlen(script));
	buf_addc(&s->cmds, '\n');
}

void
hostsh_collect(struct hostsh *s, const char *id)
{
	buf_adds(&s->cmds, "c ");
	experiment_shell_quote(&s->cmds, id, strlen(id));
	buf_addc(&s->cmds, '\n');
}

void
hostsh_kill(struct hostsh *s, const char *id, int sig)
{
	buf_printf(&s->cmds, "k %s ", sigabbrev_np(sig));
	experiment_shell_quote(&s->cmds, id, strlen(id));
	buf_addc(&s->cmds, '\n');
}

void
hostsh_prepare(struct hostsh *s, char *const *ids, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	buf_adds(&s->cmds, "mkdir");
	for (i = 0; i < n; i++) {
		buf_adds(&s->cmds, " jobs/");
		experiment_shell_quote(&s->cmds, ids[i], strlen(ids[i]));
	}
	buf_addc(&s->cmds, '\n');
}

void
hostsh_remove(struct hostsh *s, const char *id)
{
	buf_adds(&s->rm, " jobs/");
	experiment_shell_quote(&s->rm, id, strlen(id));
	s->nrm++;
}

int
hostsh_flush(struct hostsh *s, bool force, char **err)
{
	int rc;

	if (s->nrm > 0 && (force || s->nrm >= HOSTSH_RM_BATCH)) {
		buf_printf(&s->cmds, "rm -rf --%s\n", s->rm.data);
		buf_reset(&s->rm);
		s->nrm = 0;
	}
	if (s->cmds.len == 0)
		return 0;
	if (s->chan == NULL) {
		*err = xasprintf("host %s: its shell is gone",
		    remote_name(s->conn));
		s->dead = true;
		return -1;
	}
	rc = remote_chan_write(s->chan, s->cmds.data, s->cmds.len, err);
	buf_reset(&s->cmds);
	if (rc != 0)
		s->dead = true;
	return rc;
}
