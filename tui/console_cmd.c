/*
 * console_cmd.c -- what the console does when asked: its own commands
 * (quit, view, set, new, ...), the CLI's commands (pause, export, run,
 * ...) run as children of the console with their output in the event log,
 * the key bindings (each a command line, as in tmux), and completion.
 * Running the CLI's own code in a child keeps one command table for the
 * CLI, the command line and the keys, and keeps the console responsive.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "console_int.h"
#include "space.h"

struct console_child {
	pid_t pid;
	int fd;             /* its stdout and stderr, -1 once at EOF */
	char *what;         /* the command, for the log */
	struct buf partial; /* an unfinished line */
};

/* A key and the command line it runs; %t is the current tag. */
struct console_binding {
	int key;
	const char *command;
	const char *help;
};

static const struct console_binding console_bindings[] = {
	{ 'q', "quit", "quit the console (campaigns go on)" },
	{ 'n', "new", "define a new campaign" },
	{ 'p', "pause %t", "pause the current campaign" },
	{ 'r', "resume %t", "resume it (or restart a dead runner)" },
	{ 'c', "cancel %t", "cancel it (running jobs are killed)" },
	{ 'R', "retry %t", "run its failed jobs again" },
	{ 'P', "purge %t", "give up on its stuck jobs" },
	{ 'L', "lock %t", "lock it: results become final" },
	{ 'd', "show %t", "describe it (in the log view)" },
	{ 'e', "export -t %t -o %t.csv", "export it to TAG.csv" },
	{ ']', "set +1", "next result set" },
	{ '[', "set -1", "previous result set" },
	{ 0, NULL, NULL },
};

/* Console commands (not run as children). */
static void console_cmd_quit(struct console *, char **);
static void console_cmd_view(struct console *, char **);
static void console_cmd_set(struct console *, char **);
static void console_cmd_new(struct console *, char **);
static void console_cmd_start(struct console *, char **);
static void console_cmd_keys(struct console *, char **);

static const struct {
	const char *name;
	const char *args;
	const char *help;
	void (*fn)(struct console *, char **);
} console_cmds[] = {
	{ "quit", "", "leave the console (campaigns go on)",
	  console_cmd_quit },
	{ "view", "NAME", "show a view: sets, space, jobs, results, plot, log, "
	  "help", console_cmd_view },
	{ "set", "TAG|+1|-1", "make a result set current", console_cmd_set },
	{ "new", "", "define and start a new campaign", console_cmd_new },
	{ "start", "", "start the campaign the new-campaign form defines",
	  console_cmd_start },
	{ "keys", "", "list the key bindings in the log", console_cmd_keys },
};

const char *
console_binding_help(size_t i, int *key, const char **command)
{
	if (console_bindings[i].key == 0)
		return NULL;
	*key = console_bindings[i].key;
	*command = console_bindings[i].command;
	return console_bindings[i].help;
}

const char *
console_command_help(size_t i, const char **name, const char **args)
{
	if (i >= UTIL_ARRLEN(console_cmds))
		return NULL;
	*name = console_cmds[i].name;
	*args = console_cmds[i].args;
	return console_cmds[i].help;
}

static void
console_cmd_quit(struct console *c, char **argv)
{
	(void)argv;
	c->quit = true;
}

static void
console_cmd_view(struct console *c, char **argv)
{
	size_t i;

	for (i = 0; argv[1] != NULL && i < c->nviews; i++) {
		if (strncmp(c->views[i]->ops->name, argv[1],
		    strlen(argv[1])) == 0) {
			c->view = i;
			return;
		}
	}
	console_message(c, true, "view: no view '%s' (sets, space, jobs, "
	    "results, plot, log, help)", argv[1] != NULL ? argv[1] : "");
}

static void
console_cmd_set(struct console *c, char **argv)
{
	size_t i;

	if (argv[1] == NULL || c->nsets == 0) {
		console_message(c, true, "set: give a tag ('sets' view lists "
		    "them)");
		return;
	}
	if (strcmp(argv[1], "+1") == 0) {
		console_select(c, (c->cur + 1) % c->nsets);
		return;
	}
	if (strcmp(argv[1], "-1") == 0) {
		console_select(c, (c->cur + c->nsets - 1) % c->nsets);
		return;
	}
	for (i = 0; i < c->nsets; i++) {
		if (strcmp(c->sets[i].tag, argv[1]) == 0) {
			console_select(c, i);
			return;
		}
	}
	console_message(c, true, "set: no result set '%s'", argv[1]);
}

static void
console_cmd_new(struct console *c, char **argv)
{
	(void)argv;
	console_define_open(c);
}

static void
console_cmd_start(struct console *c, char **argv)
{
	(void)argv;
	console_define_start(c);
}

static void
console_cmd_keys(struct console *c, char **argv)
{
	size_t i;

	(void)argv;
	for (i = 0; console_bindings[i].key != 0; i++)
		console_log(c, "key %c: %s", console_bindings[i].key,
		    console_bindings[i].command);
}

char **
console_split(const char *line, char **err)
{
	char **v = xcalloc(1, sizeof *v);
	size_t n = 0;
	struct buf w;
	char quote = 0;
	bool in_word = false;
	const char *p;

	buf_init(&w);
	for (p = line;; p++) {
		if (*p == '\0' || (quote == 0 && (*p == ' ' || *p == '\t'))) {
			if (quote != 0 && *p == '\0') {
				*err = xasprintf("unbalanced %c quote: add "
				    "a closing %c", quote, quote);
				buf_free(&w);
				util_strv_free(v);
				return NULL;
			}
			if (in_word) {
				v = xreallocarray(v, n + 2, sizeof *v);
				v[n++] = buf_steal(&w);
				v[n] = NULL;
				in_word = false;
			}
			if (*p == '\0')
				break;
			continue;
		}
		in_word = true;
		if (quote == 0 && (*p == '\'' || *p == '"')) {
			quote = *p;
			buf_add(&w, "", 0);
		} else if (quote != 0 && *p == quote)
			quote = 0;
		else if (*p == '\\' && quote != '\'' && p[1] != '\0')
			buf_addc(&w, *++p);
		else
			buf_addc(&w, *p);
	}
	buf_free(&w);
	return v;
}

/* Replace %t in each word by the current tag. */
static void
console_expand(struct console *c, char **argv)
{
	const struct nb_set *s = console_set(c);
	struct buf b;
	char *p;
	size_t i;

	for (i = 0; argv[i] != NULL; i++) {
		if (strstr(argv[i], "%t") == NULL)
			continue;
		buf_init(&b);
		for (p = argv[i]; *p != '\0'; p++) {
			if (p[0] == '%' && p[1] == 't') {
				buf_adds(&b, s != NULL ? s->tag : "");
				p++;
			} else
				buf_addc(&b, *p);
		}
		free(argv[i]);
		argv[i] = buf_steal(&b);
	}
}

/* Start "labrat -n NOTEBOOK ARGV..." with its output in a pipe. */
static void
console_spawn(struct console *c, char **argv)
{
	struct console_child *ch;
	char **args;
	size_t n = util_strv_len(argv), i;
	int fd[2], devnull;
	pid_t pid;
	struct buf what;

	if (c->nchildren >= CONSOLE_MAX_CHILDREN) {
		console_message(c, true, "%zu commands are still running: wait "
		    "for one to end", c->nchildren);
		return;
	}
	if (pipe2(fd, O_CLOEXEC) != 0) {
		console_message(c, true, "cannot run %s: %s", argv[0],
		    strerror(errno));
		return;
	}
	args = xcalloc(n + 4, sizeof *args);
	args[0] = (char *)"labrat";
	args[1] = (char *)"-n";
	args[2] = c->nb_path;
	for (i = 0; i < n; i++)
		args[3 + i] = argv[i];
	pid = fork();
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		signal(SIGPIPE, SIG_DFL);
		execv("/proc/self/exe", args);
		_exit(127);
	}
	free(args);
	close(fd[1]);
	if (pid == -1) {
		close(fd[0]);
		console_message(c, true, "cannot run %s: %s", argv[0],
		    strerror(errno));
		return;
	}
	fcntl(fd[0], F_SETFL, O_NONBLOCK);
	c->children = xreallocarray(c->children, c->nchildren + 1,
	    sizeof *c->children);
	ch = &c->children[c->nchildren++];
	ch->pid = pid;
	ch->fd = fd[0];
	buf_init(&ch->partial);
	buf_init(&what);
	for (i = 0; i < n; i++)
		buf_printf(&what, "%s%s", i ? " " : "", argv[i]);
	ch->what = buf_steal(&what);
	console_log(c, "$ labrat %s", ch->what);
}

nfds_t
console_children_poll(struct console *c, struct pollfd *pfd)
{
	size_t i;
	nfds_t n = 0;

	for (i = 0; i < c->nchildren; i++) {
		if (c->children[i].fd == -1)
			continue;
		pfd[n].fd = c->children[i].fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

/* Log the complete lines of a child's output. */
static void
console_child_lines(struct console *c, struct console_child *ch, bool all)
{
	char *nl, *start = ch->partial.data;

	if (start == NULL)
		return;
	while ((nl = strchr(start, '\n')) != NULL) {
		*nl = '\0';
		if (*start != '\0')
			console_log(c, "  %s", start);
		start = nl + 1;
	}
	if (all && *start != '\0') {
		console_log(c, "  %s", start);
		start += strlen(start);
	}
	memmove(ch->partial.data, start, strlen(start) + 1);
	ch->partial.len = strlen(ch->partial.data);
}

void
console_children_read(struct console *c, struct pollfd *pfd, nfds_t n)
{
	char tmp[4096];
	ssize_t r;
	size_t i;
	int status;
	struct console_child *ch;

	(void)pfd;
	(void)n;
	for (i = 0; i < c->nchildren; i++) {
		ch = &c->children[i];
		while (ch->fd != -1) {
			r = read(ch->fd, tmp, sizeof tmp);
			if (r > 0) {
				util_utf8_sanitize(&ch->partial, tmp,
				    (size_t)r);
				console_child_lines(c, ch, false);
				continue;
			}
			if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				close(ch->fd);
				ch->fd = -1;
				console_child_lines(c, ch, true);
			}
			break;
		}
	}
	/* Reap those that ended, and say how. */
	for (i = 0; i < c->nchildren;) {
		ch = &c->children[i];
		if (ch->fd != -1 || waitpid(ch->pid, &status, WNOHANG) == 0) {
			i++;
			continue;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			console_message(c, false, "done: %s", ch->what);
			/* A campaign started here becomes the current one. */
			if (strncmp(ch->what, "run ", 4) == 0) {
				console_refresh(c);
				if (c->nsets > 0)
					console_select(c, c->nsets - 1);
			}
		}
		else if (WIFEXITED(status))
			console_message(c, true, "'%s' failed (exit %d): see "
			    "the log view (6)", ch->what,
			    WEXITSTATUS(status));
		else
			console_message(c, true, "'%s' was killed", ch->what);
		free(ch->what);
		buf_free(&ch->partial);
		memmove(ch, ch + 1, (c->nchildren - i - 1) * sizeof *ch);
		c->nchildren--;
	}
}

void
console_children_free(struct console *c)
{
	size_t i;

	/* Commands still running (an export, say) finish on their own. */
	for (i = 0; i < c->nchildren; i++) {
		if (c->children[i].fd != -1)
			close(c->children[i].fd);
		free(c->children[i].what);
		buf_free(&c->children[i].partial);
	}
	free(c->children);
	c->children = NULL;
	c->nchildren = 0;
}

/* The CLI command named name, or by a unique prefix (as cmd_find). */
static const struct cmd_entry *
console_find_command(struct console *c, const char *name)
{
	const struct cmd_entry *e, *found = NULL;
	size_t len = strlen(name);

	for (e = c->commands; e != NULL && e->name != NULL; e++) {
		if (strcmp(e->name, name) == 0)
			return e;
		if (len > 0 && strncmp(e->name, name, len) == 0) {
			if (found != NULL)
				return NULL;
			found = e;
		}
	}
	return found;
}

/* CLI commands that act on one result set: the current one by default. */
static bool
console_takes_tag(const char *name)
{
	static const char *const names[] = { "pause", "resume", "cancel",
		"retry", "purge", "lock", "show", "wait", NULL };

	return util_strv_index(names, name, strlen(name)) >= 0;
}

void
console_command(struct console *c, const char *line)
{
	const struct cmd_entry *e;
	char **argv, *err = NULL;
	size_t i, n;
	bool has_arg = false;

	if ((argv = console_split(line, &err)) == NULL) {
		console_message(c, true, "%s", err);
		free(err);
		return;
	}
	if (argv[0] == NULL) {
		util_strv_free(argv);
		return;
	}
	console_expand(c, argv);
	for (i = 0; i < UTIL_ARRLEN(console_cmds); i++) {
		if (strcmp(console_cmds[i].name, argv[0]) == 0 ||
		    (strcmp(argv[0], "q") == 0 && i == 0)) {
			console_cmds[i].fn(c, argv);
			util_strv_free(argv);
			return;
		}
	}
	if (strcmp(argv[0], "console") == 0 || strcmp(argv[0], "demo") == 0 ||
	    (e = console_find_command(c, argv[0])) == NULL) {
		console_message(c, true, "unknown command '%s': press ? for "
		    "the list", argv[0]);
		util_strv_free(argv);
		return;
	}
	/* "pause" alone means the current set. */
	n = util_strv_len(argv);
	for (i = 1; i < n; i++)
		has_arg = has_arg || argv[i][0] != '-';
	if (console_takes_tag(e->name) && !has_arg && console_set(c) != NULL) {
		argv = xreallocarray(argv, n + 2, sizeof *argv);
		argv[n] = xstrdup(console_set(c)->tag);
		argv[n + 1] = NULL;
	}
	free(argv[0]);
	argv[0] = xstrdup(e->name);
	console_spawn(c, argv);
	util_strv_free(argv);
}

void
console_run_argv(struct console *c, char **argv)
{
	const struct cmd_entry *e;
	char **v;
	size_t n = util_strv_len(argv);

	if (n == 0)
		return;
	if ((e = console_find_command(c, argv[0])) == NULL) {
		console_message(c, true, "unknown command '%s': press ? for "
		    "the list", argv[0]);
		return;
	}
	v = xcalloc(n + 1, sizeof *v);
	memcpy(v, argv, n * sizeof *v);
	v[0] = (char *)e->name;
	console_spawn(c, v);
	free(v);
}

bool
console_key_binding(struct console *c, int key)
{
	size_t i;

	for (i = 0; console_bindings[i].key != 0; i++) {
		if (console_bindings[i].key != key)
			continue;
		if (strstr(console_bindings[i].command, "%t") != NULL &&
		    console_set(c) == NULL) {
			console_message(c, true, "no result set yet: press n "
			    "to define a campaign");
			return true;
		}
		console_command(c, console_bindings[i].command);
		return true;
	}
	return false;
}

/* Add s to the candidates if it starts with text. */
static void
console_candidate(char ***v, size_t *n, const char *s, const char *text)
{
	if (strncmp(s, text, strlen(text)) != 0)
		return;
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

/* File names in the directory part of text. */
static void
console_complete_files(char ***v, size_t *n, const char *text)
{
	const char *slash = strrchr(text, '/');
	char *dir = slash != NULL ? xstrndup(text, (size_t)(slash - text + 1)) :
	    xstrdup("");
	DIR *d = opendir(*dir != '\0' ? dir : ".");
	struct dirent *de;
	char *full;

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (slash ? slash[1] : text[0]) != '.')
			continue;
		full = xasprintf("%s%s%s", dir, de->d_name,
		    de->d_type == DT_DIR ? "/" : "");
		console_candidate(v, n, full, text);
		free(full);
	}
	if (d != NULL)
		closedir(d);
	free(dir);
}

char **
console_complete(struct console *c, const char *line, const char *text,
    int start)
{
	char **v = NULL;
	size_t n = 0, i, k;
	const struct cmd_entry *e;
	struct space *sp;
	char *err = NULL;

	/* A view editing a field completes it its own way. */
	if (c->edit_done != NULL && c->edit_complete != NULL)
		return c->edit_complete(c, line, text, start, c->edit_arg);
	if (start == 0 || strspn(line, " ") == (size_t)start) {
		/* The command word. */
		for (i = 0; i < UTIL_ARRLEN(console_cmds); i++)
			console_candidate(&v, &n, console_cmds[i].name, text);
		for (e = c->commands; e != NULL && e->name != NULL; e++) {
			if (strcmp(e->name, "demo") != 0)
				console_candidate(&v, &n, e->name, text);
		}
		return v;
	}
	/* Then tags, view names, parameter names and files. */
	for (i = 0; i < c->nsets; i++)
		console_candidate(&v, &n, c->sets[i].tag, text);
	if (strncmp(line, "view ", 5) == 0) {
		for (i = 0; i < c->nviews; i++)
			console_candidate(&v, &n, c->views[i]->ops->name, text);
	}
	if (console_set(c) != NULL &&
	    (sp = space_from_json(console_set(c)->space, &err)) != NULL) {
		for (k = 0; k < space_nparams(sp); k++)
			console_candidate(&v, &n, space_name(sp, k), text);
		space_free(sp);
	}
	free(err);
	if (strchr(text, '/') != NULL || *text == '.' || n == 0)
		console_complete_files(&v, &n, text);
	return v;
}
