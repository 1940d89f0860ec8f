/*
 * cmd_run.c -- `labrat run`, `labrat resume` and `labrat demo`: build a
 * result set from the command line (space, experiment, limits), record it
 * in the notebook and drive it with the runner; or try one point first
 * (--dry-run, acme's dryrun) and estimate the campaign's wall time.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_int.h"
#include "backend.h"
#include "experiment.h"
#include "hosts.h"
#include "export.h"
#include "json.h"
#include "output.h"
#include "perm.h"
#include "pool.h"
#include "runner.h"
#include "space.h"
#include "worker.h"

const char cmd_run_args[] =
    "[-n FILE] [-t TAG] [-d TEXT] [-a NAME=VALUE]... -p NAME=VALUES... "
    "[--zip X,Y]... [--order random|sequential] [--seed N] [--cores N] "
    "[--timeout T] [--mem SIZE] [--retries N] [--repeat N] [--shell] "
    "[--worker [--worker-depth N]] "
    "[--backend local|ssh|slurm] [--hosts SPEC,...] [--hostfile FILE] "
    "[--stage PATH]... [--reconnections N] [--accept-new-hosts] "
    "[--partition P] [--account A] [--qos Q] [--cpus-per-task N] "
    "[--throttle N] [--points-per-task N] [--sbatch-arg ARG]... "
    "[--spool DIR] [--poll-interval T] "
    "[--dry-run] [--wait] [--] COMMAND [ARG...]";

const char cmd_run_help[] =
"Start a campaign: run COMMAND at every point of the parameter space and\n"
"record each job in the notebook.\n"
"\n"
"  -p, --param NAME=VALUES  a parameter (repeatable); VALUES in the grammar\n"
"                           of 'labrat help parameters': 1..10, 0..1:0.1,\n"
"                           linspace(0,1,11), logspace(1e-3,1,7), {a,b,3}, 5\n"
"      --zip X,Y[,Z]        pair these lists element-wise instead of taking\n"
"                           their product (single values are broadcast)\n"
"  -t, --tag TAG            name of the result set (default: COMMAND-N)\n"
"  -d, --description TEXT   what this campaign is about\n"
"  -a, --attr NAME=VALUE    an attribute of the result set (repeatable)\n"
"      --order ORDER        random (default: a seeded permutation, so partial\n"
"                           results are representative) or sequential\n"
"      --seed N             seed of the random order (default: drawn and\n"
"                           recorded)\n"
"      --cores N            engines: 0 all cores (default), N, or -N all but N\n"
"      --timeout T          stop a job after T (90, 1.5s, 2m, 1h)\n"
"      --mem SIZE           limit a job's address space (512M, 2G)\n"
"      --retries N          run a failed job again up to N times\n"
"      --repeat N           run every point N times (see export --summary)\n"
"      --shell              run COMMAND with /bin/sh -c; each {NAME} becomes\n"
"                           \"${LABRAT_PARAM_NAME}\", never the value, and\n"
"                           unsafe places are refused (help experiment)\n"
"      --worker             start COMMAND once per engine and send it the\n"
"                           points, one JSON line each, on its stdin; it\n"
"                           answers one result line per point (help worker)\n"
"      --worker-depth N     points in flight per worker, 1 to 64 (2)\n"
"      --backend B          where jobs run: local (default), ssh or slurm\n"
"      --hosts SPEC,...     ssh: [user@]host[:port][/slots] (labrat help hosts)\n"
"      --hostfile FILE      ssh: one host spec a line, # comments\n"
"      --stage PATH         ssh: copy a file (or a directory's files) to\n"
"                           every host first; jobs run where it lands\n"
"      --reconnections N    ssh: tries after a dropped connection before a\n"
"                           host is down and its jobs run elsewhere (5)\n"
"      --accept-new-hosts   ssh: record the key of a host not yet in\n"
"                           known_hosts (a changed key is always refused)\n"
"      --partition P, --account A, --qos Q, --cpus-per-task N\n"
"                           slurm: sbatch's options of the same names\n"
"      --throttle N         slurm: at most N tasks of an array at once (%N)\n"
"      --points-per-task N  slurm: points one array task runs in turn (1), or\n"
"                           auto: from one point timed on the cluster, tasks\n"
"                           of about 3 minutes\n"
"      --sbatch-arg ARG     slurm: one more sbatch option, as is (repeatable)\n"
"      --spool DIR          slurm: where tasks write their results, on a file\n"
"                           system the nodes share (~/.labrat/slurm)\n"
"      --poll-interval T    slurm: between looks at the spools and squeue (1s)\n"
"      --dry-run            run one random point, report its time and memory\n"
"                           and estimate the campaign; record nothing\n"
"      --wait               run in the foreground until the end, with a\n"
"                           progress line on a terminal (epyc's ParallelLab)\n"
"\n"
"In COMMAND, {NAME} is replaced by the value of parameter NAME, and {point},\n"
"{rep}, {attempt}, {tag} by the job's numbers and tag.  The command is run\n"
"directly, never by a shell (unless --shell).  Each job also gets its\n"
"parameters as LABRAT_PARAM_NAME variables and as one JSON object on its\n"
"standard input.  Results are read from its standard output: a final JSON\n"
"object line, or NAME=VALUE lines (see 'labrat help experiment').\n"
"\n"
"The campaign is recorded, a detached runner starts it (it goes on when\n"
"you log out) and run returns at once; 'labrat status', 'labrat wait',\n"
"'labrat pause', 'labrat cancel' and 'labrat export' work on it from any\n"
"shell.  With --wait, Ctrl-C stops it and 'labrat resume TAG' carries on.\n"
"A tag that exists is refused: 'labrat resume TAG' continues that campaign.\n"
"Exit status: 0 started (with --wait: all jobs succeeded), 1 some jobs\n"
"failed, 2 bad usage, 3 notebook error, 130 interrupted.\n"
"\n"
"Example:\n"
"  labrat run -t sweep -p 'r=2.5..4:0.01' -p 'seed={1,2,3}' -- \\\n"
"      ./logistic {r} {seed}\n";

const char cmd_demo_help[] =
"Start the bundled demo campaign -- the Lyapunov exponent of the logistic\n"
"map x -> r x (1 - x) over r in 2.8..4 and three starting points -- in the\n"
"notebook (tag 'demo', or 'demo-N' if taken).  On a terminal it opens the\n"
"console on the live campaign (press 5 for the plot); otherwise it runs it\n"
"to the end, prints its status and exports it to TAG.csv.\n";

/* Exit status when a run was stopped by a signal. */
#define CMD_EXIT_INTERRUPTED 130

struct run_args {
	const char *tag;
	const char *description;
	struct buf attrs;       /* JSON members */
	struct space *space;
	struct experiment exp;
	int cores;
	double timeout;
	uint64_t mem;
	int retries;
	int repeat;
	bool sequential;
	bool seed_given;
	uint64_t seed;
	bool dry_run;
	bool shell;
	bool worker;
	int worker_depth;       /* 0: --worker-depth not given */
	bool wait;
	const char *backend;    /* "local" (default) or "ssh" */
	struct host_list hosts; /* --hosts and --hostfile */
	char **stage;           /* --stage: absolute paths */
	int reconnections;
	bool accept_new;
	char *backend_args;     /* the JSON the result set records */
	struct {                /* --backend slurm's options */
		const char *partition, *account, *qos, *spool;
		long cpus, throttle, ppt;
		double interval;
		char **sbatch;
		bool given;
	} slurm;
};

/* Print a grammar error with a caret under the offending byte. */
static void
cmd_run_space_error(const char *what, const char *text,
    const struct space_error *e)
{
	size_t col = 0, i;

	fprintf(stderr, "labrat run: bad %s '%s': %s\n", what, text, e->msg);
	if (!e->has_pos || strchr(text, '\n') != NULL || strlen(text) > 200)
		return;
	for (i = 0; i < e->pos && text[i] != '\0'; i++) {
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			col++;
	}
	fprintf(stderr, "    %s\n    %*s^\n", text, (int)col, "");
}

static int
cmd_run_parse_int(const char *opt, const char *arg, long min, long max,
    long *out)
{
	char *end;
	long v;

	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || v < min || v > max)
		return cmd_usage("run", "%s needs a whole number from %ld to "
		    "%ld, not '%s'", opt, min, max, arg);
	*out = v;
	return 0;
}

/* Add -a NAME=VALUE to the attributes (numbers stay numbers). */
static int
cmd_run_attr(struct run_args *a, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t vlen;

	if (eq == NULL || !util_is_ident(arg, (size_t)(eq - arg)))
		return cmd_usage("run", "-a needs NAME=VALUE with NAME made of "
		    "letters, digits and '_', not '%s'", arg);
	vlen = strlen(eq + 1);
	if (a->attrs.len > 0)
		buf_addc(&a->attrs, ',');
	json_append_string(&a->attrs, arg, (size_t)(eq - arg));
	buf_addc(&a->attrs, ':');
	if (json_number_valid(eq + 1, vlen))
		buf_add(&a->attrs, eq + 1, vlen);
	else
		json_append_string(&a->attrs, eq + 1, vlen);
	return 0;
}

/* Add --stage PATH: a file (or the files of a directory) to copy to
 * every host; recorded as an absolute path. */
static int
cmd_run_stage(struct run_args *a, const char *path)
{
	char *abs = realpath(path, NULL);
	size_t n = util_strv_len(a->stage);
	struct stat sb;

	if (abs == NULL || stat(abs, &sb) != 0 ||
	    !(S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode))) {
		free(abs);
		return cmd_usage("run", "--stage needs a file or a directory "
		    "that exists, not '%s'", path);
	}
	a->stage = xreallocarray(a->stage, n + 2, sizeof *a->stage);
	a->stage[n] = abs;
	a->stage[n + 1] = NULL;
	return 0;
}

static int cmd_run_slurm_args(struct run_args *a, const char *key,
    struct buf *b);

/* Check the backend's options and build what the result set records:
 * 0 or an exit code. */
static int
cmd_run_backend_args(struct run_args *a)
{
	struct buf b, hosts;
	uint8_t key[8];
	size_t i;
	int rc;

	if (a->backend == NULL)
		a->backend = a->hosts.n > 0 ? "ssh" : "local";
	if (a->slurm.given && strcmp(a->backend, "slurm") != 0)
		return cmd_usage("run", "--partition, --account, --qos, "
		    "--cpus-per-task, --throttle, --points-per-task, "
		    "--sbatch-arg, --spool and --poll-interval are for "
		    "--backend slurm");
	if (strcmp(a->backend, "slurm") == 0) {
		if (a->hosts.n > 0 || a->stage != NULL || a->accept_new)
			return cmd_usage("run", "--hosts, --hostfile, --stage "
			    "and --accept-new-hosts are for --backend ssh");
		if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key)
			util_fatal("cannot draw a campaign key: %s",
			    strerror(errno));
		buf_init(&hosts);
		for (i = 0; i < sizeof key; i++)
			buf_printf(&hosts, "%02x", key[i]);
		buf_init(&b);
		rc = cmd_run_slurm_args(a, hosts.data, &b);
		if (rc == 0)
			a->backend_args = buf_steal(&b);
		buf_free(&b);
		buf_free(&hosts);
		return rc;
	}
	if (strcmp(a->backend, "local") == 0) {
		if (a->hosts.n > 0 || a->stage != NULL || a->accept_new)
			return cmd_usage("run", "--hosts, --hostfile, --stage "
			    "and --accept-new-hosts are for --backend ssh");
		a->backend_args = xstrdup("{}");
		return 0;
	}
	if (a->hosts.n == 0)
		return cmd_usage("run", "--backend ssh needs hosts: --hosts "
		    "'[user@]host[:port][/slots],...' or --hostfile FILE "
		    "(see 'labrat help hosts')");
	if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key)
		util_fatal("cannot draw a campaign key: %s", strerror(errno));
	buf_init(&b);
	buf_init(&hosts);
	hosts_list_format(&a->hosts, &hosts);
	buf_adds(&b, "{\"hosts\":");
	json_append_string(&b, hosts.data, hosts.len);
	buf_adds(&b, ",\"key\":\"");
	for (i = 0; i < sizeof key; i++)
		buf_printf(&b, "%02x", key[i]);
	buf_printf(&b, "\",\"reconnections\":%d,\"accept_new\":%s",
	    a->reconnections, a->accept_new ? "true" : "false");
	if (a->stage != NULL) {
		buf_adds(&b, ",\"stage\":[");
		for (i = 0; a->stage[i] != NULL; i++) {
			if (i > 0)
				buf_addc(&b, ',');
			json_append_string(&b, a->stage[i],
			    strlen(a->stage[i]));
		}
		buf_addc(&b, ']');
	}
	buf_addc(&b, '}');
	a->backend_args = buf_steal(&b);
	buf_free(&hosts);
	return 0;
}

/* The arguments of --backend slurm as JSON into b, with campaign key
 * key (hex): 0 or an exit code. */
static int
cmd_run_slurm_args(struct run_args *a, const char *key, struct buf *b)
{
	const char *home = getenv("HOME");
	char *dir, *abs, cwd[PATH_MAX];
	size_t i;

	if (a->slurm.spool != NULL)
		dir = xasprintf("%s/%s", a->slurm.spool, key);
	else if (home != NULL && *home == '/')
		dir = xasprintf("%s/.labrat/slurm/%s", home, key);
	else
		return cmd_usage("run", "--backend slurm needs --spool DIR "
		    "(HOME is not set)");
	if (*dir != '/') {
		if (getcwd(cwd, sizeof cwd) == NULL)
			util_fatal("cannot tell the working directory: %s",
			    strerror(errno));
		abs = xasprintf("%s/%s", cwd, dir);
		free(dir);
		dir = abs;
	}
	if (strpbrk(dir, "%\n:") != NULL) {
		free(dir);
		return cmd_usage("run", "--spool: sbatch cannot take a "
		    "directory whose name has '%%', ':' or a newline");
	}
	buf_printf(b, "{\"key\":\"%s\",\"dir\":", key);
	json_append_string(b, dir, strlen(dir));
	free(dir);
	if (a->slurm.partition != NULL) {
		buf_adds(b, ",\"partition\":");
		json_append_string(b, a->slurm.partition,
		    strlen(a->slurm.partition));
	}
	if (a->slurm.account != NULL) {
		buf_adds(b, ",\"account\":");
		json_append_string(b, a->slurm.account,
		    strlen(a->slurm.account));
	}
	if (a->slurm.qos != NULL) {
		buf_adds(b, ",\"qos\":");
		json_append_string(b, a->slurm.qos, strlen(a->slurm.qos));
	}
	buf_printf(b, ",\"cpus_per_task\":%ld,\"throttle\":%ld,"
	    "\"points_per_task\":%ld,\"interval\":", a->slurm.cpus,
	    a->slurm.throttle, a->slurm.ppt > 0 ? a->slurm.ppt : 1);
	util_format_double(b, a->slurm.interval > 0 ? a->slurm.interval : 1);
	if (a->slurm.sbatch != NULL) {
		buf_adds(b, ",\"sbatch\":[");
		for (i = 0; a->slurm.sbatch[i] != NULL; i++) {
			if (i > 0)
				buf_addc(b, ',');
			json_append_string(b, a->slurm.sbatch[i],
			    strlen(a->slurm.sbatch[i]));
		}
		buf_addc(b, ']');
	}
	buf_addc(b, '}');
	return 0;
}

/* Try the campaign's backend before anything is recorded: 0 or an exit
 * code (the message printed). */
static int
cmd_run_check_backend(struct run_args *a)
{
	struct nb_set s;
	char *err = NULL, *warn = NULL;

	memset(&s, 0, sizeof s);
	s.tag = (char *)(a->tag != NULL ? a->tag : "run");
	s.backend = (char *)a->backend;
	s.backend_args = a->backend_args;
	if (backend_check(&s, &warn, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		return CMD_EXIT_USAGE;
	}
	if (warn != NULL) {
		cmd_error("warning: %s", warn);
		free(warn);
	}
	return 0;
}

/* Parse run's command line into a; 0 or an exit code. */
static int
cmd_run_parse(int argc, char **argv, struct run_args *a)
{
	enum { OPT_ZIP = 256, OPT_ORDER, OPT_SEED, OPT_CORES, OPT_TIMEOUT,
	    OPT_MEM, OPT_RETRIES, OPT_REPEAT, OPT_DRY, OPT_WAIT, OPT_SHELL,
	    OPT_BACKEND, OPT_HOSTS, OPT_HOSTFILE, OPT_STAGE, OPT_RECONNECT,
	    OPT_ACCEPT_NEW, OPT_WORKER, OPT_WORKER_DEPTH, OPT_PARTITION,
	    OPT_ACCOUNT, OPT_QOS, OPT_CPT, OPT_THROTTLE, OPT_PPT, OPT_SBATCH,
	    OPT_SPOOL, OPT_POLL };
	static const struct option longopts[] = {
		{ "notebook", required_argument, NULL, 'n' },
		{ "tag", required_argument, NULL, 't' },
		{ "description", required_argument, NULL, 'd' },
		{ "attr", required_argument, NULL, 'a' },
		{ "param", required_argument, NULL, 'p' },
		{ "zip", required_argument, NULL, OPT_ZIP },
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "cores", required_argument, NULL, OPT_CORES },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ "shell", no_argument, NULL, OPT_SHELL },
		{ "worker", no_argument, NULL, OPT_WORKER },
		{ "worker-depth", required_argument, NULL, OPT_WORKER_DEPTH },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "hosts", required_argument, NULL, OPT_HOSTS },
		{ "hostfile", required_argument, NULL, OPT_HOSTFILE },
		{ "stage", required_argument, NULL, OPT_STAGE },
		{ "reconnections", required_argument, NULL, OPT_RECONNECT },
		{ "accept-new-hosts", no_argument, NULL, OPT_ACCEPT_NEW },
		{ "partition", required_argument, NULL, OPT_PARTITION },
		{ "account", required_argument, NULL, OPT_ACCOUNT },
		{ "qos", required_argument, NULL, OPT_QOS },
		{ "cpus-per-task", required_argument, NULL, OPT_CPT },
		{ "throttle", required_argument, NULL, OPT_THROTTLE },
		{ "points-per-task", required_argument, NULL, OPT_PPT },
		{ "sbatch-arg", required_argument, NULL, OPT_SBATCH },
		{ "spool", required_argument, NULL, OPT_SPOOL },
		{ "poll-interval", required_argument, NULL, OPT_POLL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct space_error se = { NULL, 0, false };
	char *err = NULL;
	long v;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+n:t:d:a:p:h", longopts,
	    NULL)) != -1) {
		rc = 0;
		switch (c) {
		case 'n':
			cmd_notebook_arg = optarg;
			break;
		case 't':
			a->tag = optarg;
			break;
		case 'd':
			a->description = optarg;
			break;
		case 'a':
			rc = cmd_run_attr(a, optarg);
			break;
		case 'p':
			if (space_add(a->space, optarg, &se) != 0) {
				cmd_run_space_error("parameter", optarg, &se);
				space_error_clear(&se);
				return CMD_EXIT_USAGE;
			}
			break;
		case OPT_ZIP:
			if (space_zip(a->space, optarg, &se) != 0) {
				cmd_run_space_error("--zip", optarg, &se);
				space_error_clear(&se);
				return CMD_EXIT_USAGE;
			}
			break;
		case OPT_ORDER:
			if (strcmp(optarg, "random") == 0)
				a->sequential = false;
			else if (strcmp(optarg, "sequential") == 0)
				a->sequential = true;
			else
				rc = cmd_usage("run", "--order is random or "
				    "sequential, not '%s'", optarg);
			break;
		case OPT_SEED:
			if (util_parse_uint(optarg, &a->seed) != 0)
				rc = cmd_usage("run", "--seed needs a "
				    "non-negative whole number, not '%s'",
				    optarg);
			a->seed_given = true;
			break;
		case OPT_CORES:
			rc = cmd_run_parse_int("--cores", optarg, -100000,
			    100000, &v);
			a->cores = (int)v;
			break;
		case OPT_TIMEOUT:
			if (util_parse_duration(optarg, &a->timeout) != 0 ||
			    a->timeout <= 0)
				rc = cmd_usage("run", "--timeout needs a "
				    "duration such as 30, 1.5s, 2m or 1h, not "
				    "'%s'", optarg);
			break;
		case OPT_MEM:
			if (util_parse_size(optarg, &a->mem) != 0 ||
			    a->mem < 1024 * 1024)
				rc = cmd_usage("run", "--mem needs a size of "
				    "at least 1M such as 512M or 2G, not '%s'",
				    optarg);
			break;
		case OPT_RETRIES:
			rc = cmd_run_parse_int("--retries", optarg, 0, 1000,
			    &v);
			a->retries = (int)v;
			break;
		case OPT_REPEAT:
			rc = cmd_run_parse_int("--repeat", optarg, 1, 1000000,
			    &v);
			a->repeat = (int)v;
			break;
		case OPT_DRY:
			a->dry_run = true;
			break;
		case OPT_WAIT:
			a->wait = true;
			break;
		case OPT_SHELL:
			a->shell = true;
			break;
		case OPT_WORKER:
			a->worker = true;
			break;
		case OPT_WORKER_DEPTH:
			rc = cmd_run_parse_int("--worker-depth", optarg, 1,
			    WORKER_DEPTH_MAX, &v);
			a->worker_depth = (int)v;
			break;
		case OPT_BACKEND:
			if (strcmp(optarg, "local") != 0 &&
			    strcmp(optarg, "ssh") != 0 &&
			    strcmp(optarg, "slurm") != 0)
				rc = cmd_usage("run", "--backend is local, ssh or slurm, "
				    "not '%s'", optarg);
			a->backend = optarg;
			break;
		case OPT_HOSTS:
			if (hosts_list_parse(&a->hosts, optarg, "--hosts",
			    &err) != 0) {
				rc = cmd_usage("run", "%s", err);
				free(err);
				err = NULL;
			}
			break;
		case OPT_HOSTFILE:
			if (hosts_list_read_file(&a->hosts, optarg, &err) != 0) {
				rc = cmd_usage("run", "%s", err);
				free(err);
				err = NULL;
			}
			break;
		case OPT_STAGE:
			rc = cmd_run_stage(a, optarg);
			break;
		case OPT_RECONNECT:
			rc = cmd_run_parse_int("--reconnections", optarg, 0,
			    1000, &v);
			a->reconnections = (int)v;
			break;
		case OPT_ACCEPT_NEW:
			a->accept_new = true;
			break;
		case OPT_PARTITION:
		case OPT_ACCOUNT:
		case OPT_QOS:
		case OPT_SPOOL:
			a->slurm.given = true;
			*(c == OPT_PARTITION ? &a->slurm.partition :
			    c == OPT_ACCOUNT ? &a->slurm.account :
			    c == OPT_QOS ? &a->slurm.qos : &a->slurm.spool) =
			    optarg;
			break;
		case OPT_PPT:
			if (strcmp(optarg, "auto") == 0) {
				a->slurm.given = true;
				a->slurm.ppt = -1;
				break;
			}
			/* FALLTHROUGH */
		case OPT_CPT:
		case OPT_THROTTLE:
			a->slurm.given = true;
			rc = cmd_run_parse_int(argv[optind - 1], optarg, 1,
			    1000000, &v);
			*(c == OPT_CPT ? &a->slurm.cpus : c == OPT_THROTTLE ?
			    &a->slurm.throttle : &a->slurm.ppt) = v;
			break;
		case OPT_SBATCH:
			a->slurm.given = true;
			v = (long)util_strv_len(a->slurm.sbatch);
			a->slurm.sbatch = xreallocarray(a->slurm.sbatch,
			    (size_t)v + 2, sizeof *a->slurm.sbatch);
			a->slurm.sbatch[v] = xstrdup(optarg);
			a->slurm.sbatch[v + 1] = NULL;
			break;
		case OPT_POLL:
			a->slurm.given = true;
			if (util_parse_duration(optarg, &a->slurm.interval) !=
			    0 || a->slurm.interval < 0.1)
				rc = cmd_usage("run", "--poll-interval takes a "
				    "duration of at least 0.1s, not '%s'",
				    optarg);
			break;
		case 'h':
			printf("usage: labrat run %s\n\n%s", cmd_run_args,
			    cmd_run_help);
			return -1;
		default:
			return cmd_usage("run", "unknown option '%s'",
			    argv[optind - 1]);
		}
		if (rc != 0)
			return rc;
	}
	if (space_nparams(a->space) == 0)
		return cmd_usage("run", "no parameters: add at least one with "
		    "-p NAME=VALUES (e.g. -p 'x=1..10')");
	if ((rc = cmd_run_backend_args(a)) != 0)
		return rc;
	if (a->worker_depth != 0 && !a->worker)
		return cmd_usage("run", "--worker-depth is for --worker");
	if (a->worker && strcmp(a->backend, "local") != 0)
		return cmd_usage("run", "--worker runs on the local backend for "
		    "now: workers over SSH or SLURM are not supported yet (drop "
		    "--worker to run one process per point)");
	if (space_finish(a->space, &se) != 0) {
		fprintf(stderr, "labrat run: %s\n", se.msg);
		space_error_clear(&se);
		return CMD_EXIT_USAGE;
	}
	if (experiment_init(&a->exp, argv + optind, argc - optind, a->shell,
	    &err) != 0 || (a->worker && experiment_set_worker(&a->exp,
	    a->worker_depth != 0 ? a->worker_depth : WORKER_DEPTH_DEFAULT,
	    &err) != 0) || experiment_check(&a->exp, a->space, &err) != 0) {
		rc = cmd_usage("run", "%s", err);
		free(err);
		return rc;
	}
	if (space_size(a->space) > SPACE_MAX_POINTS / (uint64_t)a->repeat)
		return cmd_usage("run", "%" PRIu64 " points times --repeat %d "
		    "is too many jobs", space_size(a->space), a->repeat);
	if (!a->seed_given && getrandom(&a->seed, sizeof a->seed, 0) !=
	    (ssize_t)sizeof a->seed)
		a->seed = (uint64_t)util_now();
	a->seed &= (uint64_t)INT64_MAX;
	return 0;
}

/* A tag from the command's name: NAME-1, NAME-2, ... the first free. */
static char *
cmd_run_default_tag(struct notebook *nb, const char *argv0)
{
	char *copy = xstrdup(argv0), *base = basename(copy), *tag, *p, *e;
	struct nb_set s;
	int n;

	for (p = base; *p != '\0'; p++) {
		if (!util_is_ident(p, 1) && *p != '-' && *p != '.' &&
		    !(*p >= '0' && *p <= '9'))
			*p = '_';
	}
	for (n = 1;; n++) {
		tag = xasprintf("%s-%d", *base != '\0' ? base : "run", n);
		e = NULL;
		if (notebook_set_find(nb, tag, &s, &e) != 0) {
			free(e);
			break;
		}
		notebook_set_clear(&s);
		free(tag);
	}
	free(copy);
	return tag;
}

/* Seconds in a day and in a year of 365 days, for durations. */
#define CMD_RUN_DAY 86400.0
#define CMD_RUN_YEAR (365 * CMD_RUN_DAY)

/* Append a duration for people, for any double: 850 ms, 12.0 s, 3 min
 * 20 s, 2 h 5 min, 3 d 4 h, 2 y 40 d, more than 1000 years.  A negative
 * one (a clock that stepped back) is 0 ms. */
static void
cmd_run_duration(struct buf *b, double s)
{
	double years;
	int e;

	if (isnan(s))
		buf_adds(b, "an unknown time");
	else if (s < 1)
		buf_printf(b, "%.0f ms", fmax(s, 0) * 1000);
	else if (s < 60)
		buf_printf(b, "%.1f s", s);
	else if (s < 3600)
		buf_printf(b, "%d min %d s", (int)(s / 60), (int)fmod(s, 60));
	else if (s < CMD_RUN_DAY)
		buf_printf(b, "%d h %d min", (int)(s / 3600),
		    (int)fmod(s / 60, 60));
	else if (s < CMD_RUN_YEAR)
		buf_printf(b, "%d d %d h", (int)(s / CMD_RUN_DAY),
		    (int)fmod(s / 3600, 24));
	else if ((years = s / CMD_RUN_YEAR) < 1000)
		buf_printf(b, "%d y %d d", (int)years,
		    (int)(fmod(s, CMD_RUN_YEAR) / CMD_RUN_DAY));
	else if (years < 1e15) {
		/* The power of ten below: more than 10000 years. */
		e = (int)floor(log10(years));
		buf_printf(b, "more than %.0f years", pow(10, e));
	} else
		buf_adds(b, "more than 10^15 years");
}

/* The engines a campaign of a would have, for the estimate: the cores
 * rule here, the hosts' slots over SSH (a host of unknown size counted
 * as one). */
static int
cmd_run_engines(const struct run_args *a)
{
	size_t i;
	int n = 0;

	if (a->hosts.n == 0)
		return pool_cores_rule(a->cores, pool_cores_available());
	for (i = 0; i < a->hosts.n; i++)
		n += a->hosts.specs[i].slots > 0 ? a->hosts.specs[i].slots : 1;
	return n;
}

/* Seconds an array task of --points-per-task auto aims at: scheduling a
 * task costs tens to hundreds of milliseconds, a few minutes of work
 * make it negligible. */
#define CMD_RUN_TASK_AIM 180.0

/* The job and the set through which a point is tried before anything is
 * recorded (the dry run, --points-per-task auto): ej's point as the
 * campaign would run it, on the backend it names. */
static void
cmd_run_try_job(const struct run_args *a, struct experiment_job *ej,
    struct backend_job *req, struct nb_set *s)
{
	memset(req, 0, sizeof *req);
	req->argv = ej->argv;
	req->env = ej->env;
	req->input = ej->input.data;
	req->input_len = ej->input.len;
	req->timeout = a->timeout;
	req->mem_limit = a->mem;
	memset(s, 0, sizeof *s);
	s->tag = (char *)(a->tag != NULL ? a->tag : "dry-run");
	s->backend = (char *)(a->backend != NULL ? a->backend : "local");
	s->backend_args = a->backend_args;
}

/* --points-per-task auto: time one point on the cluster, then record as
 * many points a task as fill CMD_RUN_TASK_AIM.  0 or an exit code. */
static int
cmd_run_slurm_auto(struct run_args *a)
{
	uint64_t n = space_size(a->space);
	struct perm perm;
	struct value *vals;
	struct experiment_job ej;
	struct backend_job req;
	struct backend_result pr;
	struct nb_set s;
	double took;
	char *err = NULL;
	long ppt = 1;

	perm_init(&perm, n, a->seed, a->sequential);
	vals = xcalloc(space_nparams(a->space) + 1, sizeof *vals);
	space_point(a->space, perm_at(&perm, 0), vals);
	experiment_prepare(&a->exp, a->space, vals, perm_at(&perm, 0), 0, 1,
	    a->tag != NULL ? a->tag : "dry-run", &ej);
	cmd_run_try_job(a, &ej, &req, &s);
	s.timeout = a->timeout;
	s.mem_limit = a->mem;
	fprintf(stderr, "labrat run: timing one point on the cluster for "
	    "--points-per-task auto...\n");
	if (runner_try(&s, &req, &pr, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		experiment_job_clear(&ej);
		free(vals);
		return CMD_EXIT_RUNNER;
	}
	took = pr.end_time - pr.start;
	if (pr.end == BACKEND_EXITED && pr.code == 0) {
		ppt = (long)ceil(CMD_RUN_TASK_AIM / fmax(took, 0.001));
		ppt = ppt < 1 ? 1 : ppt > 100000 ? 100000 : ppt;
		fprintf(stderr, "labrat run: a point took %.3f s: %ld point(s) "
		    "a task (about %.0f s a task)\n", took, ppt,
		    CMD_RUN_TASK_AIM);
	} else
		fprintf(stderr, "labrat run: the timed point failed: 1 point a "
		    "task\n");
	backend_result_clear(&pr);
	experiment_job_clear(&ej);
	free(vals);
	a->slurm.ppt = ppt;
	free(a->backend_args);
	a->backend_args = NULL;
	return cmd_run_backend_args(a);
}

/* Run one random point without recording it; estimate the campaign. */
static int
cmd_run_dry(struct run_args *a)
{
	uint64_t n = space_size(a->space), njobs = n * (uint64_t)a->repeat;
	struct perm perm;
	struct value *vals;
	struct experiment_job ej;
	struct backend_job req;
	struct backend_result pr;
	struct nb_set s;
	struct nb_outcome o;
	struct buf line, results, error, tail, clean, ex;
	uint64_t point;
	size_t i;
	int cores = cmd_run_engines(a);
	/* What the job and the user wrote reaches the terminal cleaned. */
	int text = util_is_utf8_locale() ? 0 : UTIL_TEXT_ASCII;
	double took;
	char *err = NULL;
	int rc;

	perm_init(&perm, n, a->seed, a->sequential);
	point = perm_at(&perm, 0);
	vals = xcalloc(space_nparams(a->space) + 1, sizeof *vals);
	space_point(a->space, point, vals);
	experiment_prepare(&a->exp, a->space, vals, point, 0, 1,
	    a->tag != NULL ? a->tag : "dry-run", &ej);
	buf_init(&line);
	buf_init(&results);
	buf_init(&error);
	buf_init(&tail);
	buf_init(&clean);
	for (i = 0; i < space_nparams(a->space); i++) {
		buf_printf(&line, "%s%s=", i ? ", " : "",
		    space_name(a->space, i));
		value_format(&vals[i], &line);
	}
	util_clean_text(&clean, line.data, line.len, text);
	printf("dry run of point %" PRIu64 " (%s)\n", point, clean.data);
	buf_reset(&line);
	buf_reset(&clean);
	for (i = 0; ej.argv[i] != NULL; i++) {
		if (i > 0)
			buf_addc(&line, ' ');
		experiment_shell_quote(&line, ej.argv[i], strlen(ej.argv[i]));
	}
	util_clean_text(&clean, line.data, line.len, text);
	printf("  command:  %s\n", clean.data);
	buf_reset(&clean);

	cmd_run_try_job(a, &ej, &req, &s);
	s.cores = 1;
	/* A worker is tried as a worker: started, sent the point, killed. */
	buf_init(&ex);
	experiment_to_json(&a->exp, &ex);
	s.experiment = ex.data;
	s.timeout = a->timeout;
	s.mem_limit = a->mem;
	rc = runner_try(&s, &req, &pr, &err);
	buf_free(&ex);
	if (rc != 0) {
		cmd_error("%s", err);
		free(err);
		rc = CMD_EXIT_RUNNER;
		goto out;
	}
	runner_outcome(&pr, a->timeout, a->mem, &o, &results, &error, &tail);
	took = pr.end_time - pr.start;
	buf_reset(&line);
	cmd_run_duration(&line, took);
	if (o.state == NB_OK) {
		if (pr.maxrss_kb >= 0)
			printf("  ok in %s, peak memory %.1f MiB, cpu %.3f s\n",
			    line.data, (double)pr.maxrss_kb / 1024,
			    pr.cpu_user + pr.cpu_sys);
		else
			printf("  ok in %s on %s (its memory and cpu are not "
			    "measured there)\n", line.data, pr.host);
		util_clean_text(&clean, o.results_json,
		    strlen(o.results_json), text);
		printf("  results:  %s\n", clean.data);
		buf_reset(&line);
		cmd_run_duration(&line, took * (double)njobs / cores);
		printf("campaign: %" PRIu64 " job(s) on %d engine(s): about "
		    "%s of wall time (estimated from this one job)\n", njobs,
		    cores, line.data);
		if (a->worker)
			printf("  (an overestimate: this one point paid the "
			    "worker's start-up, which a campaign pays once "
			    "per engine)\n");
		printf("nothing was recorded: run again without --dry-run to "
		    "start it\n");
	} else {
		util_clean_text(&clean, o.error, strlen(o.error), text);
		printf("  FAILED after %s: %s\n", line.data, clean.data);
		buf_reset(&clean);
		if (o.stderr_tail != NULL) {
			util_clean_text(&clean, o.stderr_tail,
			    strlen(o.stderr_tail), text | UTIL_TEXT_LINES);
			printf("  standard error (end):\n%s\n", clean.data);
		}
		printf("nothing was recorded: fix the experiment, then try "
		    "--dry-run again\n");
	}
	rc = o.state == NB_OK ? CMD_EXIT_OK : CMD_EXIT_FAILED;
	backend_result_clear(&pr);
out:
	experiment_job_clear(&ej);
	free(vals);
	buf_free(&line);
	buf_free(&results);
	buf_free(&error);
	buf_free(&tail);
	buf_free(&clean);
	return rc;
}

int
cmd_run_campaign(struct notebook *nb, const char *tag, bool log, int ready_fd)
{
	struct runner_opts o;
	struct runner_report r;
	struct buf took;
	char *err = NULL;
	double rate;

	memset(&o, 0, sizeof o);
	o.progress = !log && isatty(STDERR_FILENO) ? stderr : NULL;
	o.log = log ? stderr : NULL;
	o.ready_fd = ready_fd;
	if (runner_run(nb, tag, &o, &r, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		return CMD_EXIT_NOTEBOOK;
	}
	buf_init(&took);
	cmd_run_duration(&took, r.elapsed);
	rate = (double)(r.ok + r.failed) / fmax(r.elapsed, 1e-6);
	printf("%s: %" PRIu64 " ok, %" PRIu64 " failed in %s (%.0f jobs/s)\n",
	    tag, r.ok, r.failed, took.data, rate);
	buf_free(&took);
	if (r.cancelled) {
		printf("cancelled: everything recorded is kept\n");
		return CMD_EXIT_OK;
	}
	if (r.interrupted) {
		printf("stopped before the end: 'labrat resume %s' carries "
		    "on where it stopped\n", tag);
		return CMD_EXIT_INTERRUPTED;
	}
	if (r.failed > 0) {
		printf("some jobs failed: 'labrat show %s' says why\n", tag);
		return CMD_EXIT_FAILED;
	}
	return CMD_EXIT_OK;
}

/* Record the result set described by a; its tag is set in *tag. */
static int
cmd_run_create(struct notebook *nb, struct run_args *a, char **tag)
{
	struct nb_set s;
	struct buf sp, ex, at;
	char *err = NULL;
	int rc;

	memset(&s, 0, sizeof s);
	buf_init(&sp);
	buf_init(&ex);
	buf_init(&at);
	space_to_json(a->space, &sp);
	experiment_to_json(&a->exp, &ex);
	buf_printf(&at, "{%s}", a->attrs.data != NULL ? a->attrs.data : "");
	*tag = a->tag != NULL ? xstrdup(a->tag) :
	    cmd_run_default_tag(nb, a->exp.argv[0]);
	s.tag = *tag;
	s.description = (char *)(a->description != NULL ? a->description : "");
	s.attributes = at.data;
	s.space = sp.data;
	s.experiment = ex.data;
	s.backend = (char *)(a->backend != NULL ? a->backend : "local");
	s.backend_args = a->backend_args;
	s.cores = a->cores;
	s.timeout = a->timeout;
	s.mem_limit = a->mem;
	s.retries = a->retries;
	s.repeat = a->repeat;
	s.sequential = a->sequential;
	s.seed = a->seed;
	s.cwd = getcwd(NULL, 0);
	s.npoints = space_size(a->space);
	s.njobs = s.npoints * (uint64_t)a->repeat;
	if (s.cwd == NULL) {
		cmd_error("cannot read the current directory: %s",
		    strerror(errno));
		rc = CMD_EXIT_USAGE;
		goto out;
	}
	rc = notebook_set_create(nb, &s, &err);
	if (rc != 0) {
		cmd_error("%s", err);
		free(err);
		rc = CMD_EXIT_USAGE;
	}
out:
	free(s.cwd);
	free(s.status); /* filled in by notebook_set_create */
	free(s.control);
	free(s.reason);
	buf_free(&sp);
	buf_free(&ex);
	buf_free(&at);
	return rc;
}

static bool
cmd_run_tag_ok(const char *tag)
{
	size_t i, n = strlen(tag);

	if (n == 0 || n > 200 || !util_utf8_valid(tag, n, NULL))
		return false;
	for (i = 0; i < n; i++) {
		if ((unsigned char)tag[i] < 0x20 || tag[i] == 0x7f)
			return false;
	}
	return true;
}

int
cmd_run(int argc, char **argv)
{
	struct run_args a;
	struct notebook *nb = NULL;
	char *tag = NULL;
	int rc;

	memset(&a, 0, sizeof a);
	hosts_list_init(&a.hosts);
	a.reconnections = 5;
	a.repeat = 1;
	a.space = space_new();
	buf_init(&a.attrs);
	if ((rc = cmd_run_parse(argc, argv, &a)) != 0) {
		rc = rc < 0 ? CMD_EXIT_OK : rc;
		goto out;
	}
	if (a.tag != NULL && !cmd_run_tag_ok(a.tag)) {
		rc = cmd_usage("run", "a tag is 1 to 200 characters of UTF-8 "
		    "text without control characters");
		goto out;
	}
	if (a.dry_run) {
		rc = cmd_run_dry(&a);
		goto out;
	}
	/* A host that would need a password, or whose key is not known,
	 * is refused now, not by the runner after it detached. */
	if ((rc = cmd_run_check_backend(&a)) != 0)
		goto out;
	if (a.slurm.ppt < 0 && (rc = cmd_run_slurm_auto(&a)) != 0)
		goto out;
	if ((rc = cmd_open_notebook(&nb, NOTEBOOK_CREATE)) != 0)
		goto out;
	if ((rc = cmd_run_create(nb, &a, &tag)) != 0)
		goto out;
	printf("%s: %" PRIu64 " point(s) x %d = %" PRIu64 " job(s), recorded "
	    "in %s\n", tag, space_size(a.space), a.repeat,
	    space_size(a.space) * (uint64_t)a.repeat, notebook_path(nb));
	fflush(stdout);
	rc = a.wait ? cmd_run_campaign(nb, tag, false, -1) :
	    cmd_start_detached(nb, tag);
out:
	free(tag);
	notebook_close(nb);
	space_free(a.space);
	experiment_free(&a.exp);
	buf_free(&a.attrs);
	hosts_list_free(&a.hosts);
	util_strv_free(a.stage);
	util_strv_free(a.slurm.sbatch);
	free(a.backend_args);
	return rc;
}

/* The demo's experiment: beside this binary (build tree) or installed. */
static char *
cmd_demo_experiment(void)
{
	char self[PATH_MAX], *dir, *path;
	const char *env = getenv("LABRAT_DEMO_EXPERIMENT");
	ssize_t n;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		dir = dirname(self);
		path = xasprintf("%s/examples/logistic", dir);
		if (access(path, X_OK) == 0)
			return path;
		free(path);
	}
	return xstrdup(LABRAT_PKGLIBEXECDIR "/logistic");
}

/* Export set s to csv, the demo's TAG.csv in the current directory: 0,
 * or -1 with *err. */
static int
cmd_demo_export(struct notebook *nb, struct nb_set *s, const char *csv,
    char **err)
{
	struct export_opts eo;
	FILE *f;
	int fd, rc;

	if (util_file_open(csv, O_WRONLY | O_CREAT | O_TRUNC, 0666, "remove "
	    "it, or run the demo in another directory", &fd, err) != 0)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		*err = xasprintf("cannot write %s: %s", csv, strerror(errno));
		close(fd);
		return -1;
	}
	memset(&eo, 0, sizeof eo);
	rc = export_csv(nb, s, 1, &eo, f, err);
	if (fclose(f) != 0 && rc == 0) {
		*err = xasprintf("cannot write %s: %s", csv, strerror(errno));
		rc = -1;
	}
	return rc;
}

int
cmd_demo(int argc, char **argv)
{
	struct run_args a;
	struct notebook *nb = NULL;
	struct nb_set s;
	struct space_error se = { NULL, 0, false };
	char *tag = NULL, *exe = NULL, *err = NULL, *csv = NULL;
	char *words[3];
	int c, rc, n;

	while ((c = getopt(argc, argv, "+n:h")) != -1) {
		if (c == 'n')
			cmd_notebook_arg = optarg;
		else if (c == 'h') {
			printf("usage: labrat demo [-n FILE]\n\n%s",
			    cmd_demo_help);
			return CMD_EXIT_OK;
		} else
			return cmd_usage("demo", "unknown option '%s'",
			    argv[optind - 1]);
	}
	memset(&a, 0, sizeof a);
	hosts_list_init(&a.hosts);
	buf_init(&a.attrs);
	a.repeat = 1;
	a.space = space_new();
	exe = cmd_demo_experiment();
	if (access(exe, X_OK) != 0) {
		cmd_error("the demo experiment %s is missing: build it with "
		    "'make' (or set LABRAT_DEMO_EXPERIMENT)", exe);
		rc = CMD_EXIT_INTERNAL;
		goto out;
	}
	words[0] = exe;
	words[1] = (char *)"{r}";
	words[2] = (char *)"{x0}";
	if (space_add(a.space, "r=2.8..4:0.002", &se) != 0 ||
	    space_add(a.space, "x0={0.1, 0.3, 0.7}", &se) != 0 ||
	    space_finish(a.space, &se) != 0 ||
	    experiment_init(&a.exp, words, 3, false, &err) != 0)
		util_fatal("the demo's space is invalid");
	a.description = "Lyapunov exponent of the logistic map "
	    "x -> r x (1 - x)";
	getrandom(&a.seed, sizeof a.seed, 0);
	a.seed &= (uint64_t)INT64_MAX;
	if ((rc = cmd_open_notebook(&nb, NOTEBOOK_CREATE)) != 0)
		goto out;
	for (n = 1;; n++) {
		tag = n == 1 ? xstrdup("demo") : xasprintf("demo-%d", n);
		if (notebook_set_find(nb, tag, &s, &err) != 0)
			break;
		notebook_set_clear(&s);
		free(tag);
	}
	free(err);
	err = NULL;
	a.tag = tag;
	if ((rc = cmd_run_create(nb, &a, &tag)) != 0)
		goto out;
	free((char *)a.tag);
	printf("demo: %s over r in 2.8..4 and x0 in {0.1, 0.3, 0.7}: %" PRIu64
	    " jobs in %s\n", exe, space_size(a.space), notebook_path(nb));
	fflush(stdout);
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		/* On a terminal: a live campaign, watched in the console. */
		if ((rc = cmd_start_detached(nb, tag)) == 0) {
			notebook_close(nb);
			nb = NULL;
			rc = cmd_open_console(tag);
		}
		goto out;
	}
	if ((rc = cmd_run_campaign(nb, tag, false, -1)) != 0)
		goto out;
	if ((rc = cmd_find_set(nb, tag, &s)) != 0)
		goto out;
	printf("\n");
	cmd_print_status(nb, &s, 1, false);
	csv = xasprintf("%s.csv", tag);
	if (cmd_demo_export(nb, &s, csv, &err) != 0) {
		cmd_error("cannot export the demo to %s: %s", csv, err);
		rc = CMD_EXIT_FAILED;
	} else
		printf("\nexported every job to %s; next:\n"
		    "  labrat show %s          the space, the experiment and a "
		    "summary\n"
		    "  sqlite3 %s \"select json_extract(params,'$.r') r, "
		    "json_extract(results,'$.lyapunov') l from job limit 5\"\n",
		    csv, tag, notebook_path(nb));
	notebook_set_clear(&s);
out:
	free(err);
	free(csv);
	free(exe);
	free(tag);
	notebook_close(nb);
	space_free(a.space);
	experiment_free(&a.exp);
	buf_free(&a.attrs);
	hosts_list_free(&a.hosts);
	util_strv_free(a.stage);
	util_strv_free(a.slurm.sbatch);
	free(a.backend_args);
	return rc;
}
