#!/bin/sh
# run.sh -- labrat's benchmarks, each against a peer in the same run.
# `make bench` runs them all; sizes (defaults are those of
# doc/performance.md, CI runs small ones):
#   BENCH_JOBS           jobs of the dispatch benchmark (10000)
#   BENCH_INGEST         jobs of the notebook ingest benchmark (20000)
#   BENCH_FRAME_RESULTS  results of the console frame notebook (1000000)
#   BENCH_FRAME_DB       that notebook, built once and kept
#                        (default: bench/frame-N.db beside the binary)
#   BENCH_SSH_JOBS       jobs of the SSH dispatch benchmark (2000); it is
#                        skipped, saying why, where no private sshd starts
#   BENCH_WORKER_POINTS  points of the Python worker benchmark (10000)
#   BENCH_WORKER_C_POINTS points of the C worker benchmark (200000)
# Every labrat campaign is timed with --wait: run alone detaches at once.
# Results are recorded in doc/performance.md.
. "$(dirname "$0")/common.sh"

N=${BENCH_JOBS:-10000}
INGEST=${BENCH_INGEST:-20000}
FRAME_N=${BENCH_FRAME_RESULTS:-1000000}
SSH_N=${BENCH_SSH_JOBS:-2000}
WORKER_N=${BENCH_WORKER_POINTS:-10000}
WORKER_C_N=${BENCH_WORKER_C_POINTS:-200000}
CORES=2
echo "labrat benchmarks on $(nproc) CPU(s), $(date -u +%Y-%m-%d)"

# 1. Dispatch of a trivial command, committing every result.
echo
echo "== 1. $N trivial jobs (/bin/true) on $CORES engines"
timeit t_labrat "$LABRAT" run --wait -t dispatch --cores $CORES -p "x=1..$N" -- true
[ "$(status_field dispatch ok)" -eq "$N" ] ||
	{ echo "bench: not every job was recorded" >&2; exit 1; }
timeit t_xargs sh -c "seq $N | xargs -P$CORES -n1 true"
printf '  %-28s %8.3f s  %7s jobs/s  %6s ms/job\n' "labrat (every result committed)" \
	"$t_labrat" "$(rate $N "$t_labrat")" "$(ms "$t_labrat" $N)"
printf '  %-28s %8.3f s  %7s jobs/s  %6s ms/job\n' "xargs -P$CORES -n1" \
	"$t_xargs" "$(rate $N "$t_xargs")" "$(ms "$t_xargs" $N)"
if command -v parallel >/dev/null 2>&1; then
	timeit t_par sh -c "seq $N | parallel --will-cite -j$CORES true"
	printf '  %-28s %8.3f s  %7s jobs/s  %6s ms/job\n' "GNU parallel -j$CORES" \
		"$t_par" "$(rate $N "$t_par")" "$(ms "$t_par" $N)"
	echo "  ratio: labrat is $(ratio "$t_xargs" "$t_labrat")x the speed of xargs," \
		"$(ratio "$t_par" "$t_labrat")x that of GNU parallel"
else
	echo "  ratio: labrat is $(ratio "$t_xargs" "$t_labrat")x the speed of xargs" \
		"(GNU parallel not installed)"
fi

# 2. Parallel efficiency on 10 ms jobs that burn CPU.
echo
echo "== 2. 400 jobs of ~10 ms CPU each on $CORES engines"
SPIN="$BENCH_TMP/spin"
cat >"$SPIN.c" <<'SPINC'
#include <stdio.h>
#include <time.h>
int main(void) {
	struct timespec t0, t;
	volatile double x = 0;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	do {
		for (int i = 0; i < 10000; i++) x += i * 0.5;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6 < 10);
	printf("x=%g\n", x);
	return 0;
}
SPINC
cc -O2 -o "$SPIN" "$SPIN.c"
timeit t_seq sh -c "for i in \$(seq 40); do '$SPIN'; done"
per_job=$(echo "$t_seq / 40" | bc -l)
timeit t_eff "$LABRAT" run --wait -t efficiency --cores $CORES -p 'x=1..400' -- "$SPIN"
[ "$(status_field efficiency ok)" -eq 400 ] ||
	{ echo "bench: not every job was recorded" >&2; exit 1; }
timeit t_xeff sh -c "seq 400 | xargs -P$CORES -n1 '$SPIN'"
ideal=$(echo "400 * $per_job / $CORES" | bc -l)
printf '  one job alone: %.2f ms; ideal wall time on %d engines: %.3f s\n' \
	"$(echo "$per_job * 1000" | bc -l)" $CORES "$ideal"
printf '  labrat %.3f s: parallel efficiency %.1f%%\n' "$t_eff" \
	"$(echo "100 * $ideal / $t_eff" | bc -l)"
printf '  xargs  %.3f s: parallel efficiency %.1f%%\n' "$t_xeff" \
	"$(echo "100 * $ideal / $t_xeff" | bc -l)"

# 3. Notebook ingest rate.
echo
echo "== 3. notebook ingest (job start + finish, one commit each / batched; peer: plain SQLite rows)"
echo "  $INGEST jobs"
"$(dirname "$LABRAT")/bench/ingest" "$BENCH_TMP/ingest.db" "$INGEST"

# 4. Memory of the runner does not depend on the size of the space.
echo
echo "== 4. peak RSS of the runner after 1,000 jobs: 10^9-point vs 10^4-point space"
# The campaign runs in the foreground (--wait) of a background process, so
# that process is the runner itself: its VmHWM is the runner's.
peak_rss() { # peak_rss TAG PARAMS...: VmHWM (kB) after 1,000 jobs, then stop
	_tag=$1
	shift
	"$LABRAT" run --wait -t "$_tag" --cores $CORES "$@" -- true >/dev/null 2>&1 &
	_pid=$!
	_i=0
	until [ "$(status_field "$_tag" ok)" -ge 1000 ] 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 3000 ] && { kill $_pid; echo "bench: no progress" >&2; exit 1; }
		sleep 0.01
	done
	[ "$(status_field "$_tag" runner_pid)" = "$_pid" ] ||
		{ kill $_pid; echo "bench: $_tag is not run by the process measured" >&2; exit 1; }
	_hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$_pid/status)
	kill -INT $_pid
	wait $_pid || true
	echo "$_hwm"
}
big=$(peak_rss huge -p 'x=1..1000' -p 'y=1..1000' -p 'z=1..1000')
small=$(peak_rss small -p 'x=1..10000')
echo "  10^9 points: $big kB   10^4 points: $small kB   ratio $(ratio "$big" "$small")"
"$LABRAT" status huge | tail -1 | sed 's/^/  /'

# 5. Console frames on a result set of 1,000,000 results.
echo
echo "== 5. console frame time, $FRAME_N results (target: under 50 ms at 1000000)"
FRAME_DB=${BENCH_FRAME_DB:-$(dirname "$LABRAT")/bench/frame-$FRAME_N.db}
"$(dirname "$LABRAT")/bench/frame" "$FRAME_DB" "$FRAME_N"
# The peer: what a user would type in sqlite3 without labrat's indexes --
# sort the results by a JSON field for one screenful.
timeit t_naive sqlite3 "$FRAME_DB" "select point, json_extract(results,'\$.lyapunov') as l from job order by l limit 19"
echo "  peer: sqlite3 sorting by json_extract for one page: $(ms "$t_naive" 1) ms"

# 6. Dispatch over SSH: one private sshd on loopback (tests/sshhosts.sh: its
# own host key, port and client HOME; remote commands do not read
# ~/.bashrc), 8 slots (and labrat with 1 slot: one job's round trip).
# labrat keeps one libssh connection and runs the jobs through two bash
# shells on it (a fork each); GNU parallel --sshlogin opens an OpenSSH
# connection per job (its default: no ControlMaster).  Both as the client
# HOME of the harness: labrat reads $HOME/.ssh, OpenSSH is given its
# config with -F.
echo
echo "== 6. $SSH_N trivial jobs over SSH, one loopback host with 8 slots" \
	"(target: about 2 ms a job, 5x GNU parallel --sshlogin)"
LABRAT_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
. "$LABRAT_SRCDIR/tests/sshhosts.sh"
BENCH_CLEANUP="sshh_teardown 2>/dev/null; $BENCH_CLEANUP"
# In a condition, so that set -e leaves the harness alone.
if sshh_setup "$BENCH_TMP/ssh" 1; then sshh_rc=0; else sshh_rc=$?; fi
if [ $sshh_rc -eq 1 ]; then
	echo "  skipped: no private sshd can run here: $SSHH_ERROR"
elif [ $sshh_rc -ne 0 ]; then
	echo "bench: the private sshd does not work: $SSHH_ERROR" >&2
	exit 1
else
	# bench_ssh TAG SLOTS LABEL: time SSH_N jobs on h1 with SLOTS into
	# t_ssh, every one checked ok.
	bench_ssh() {
		timeit t_ssh env HOME="$SSHH_HOME" "$LABRAT" run --wait -t "$1" \
			--backend ssh --hosts "$(sshh_hosts "$2" h1)" -p "x=1..$SSH_N" -- true
		[ "$(status_field "$1" ok)" -eq "$SSH_N" ] ||
			{ echo "bench: not every SSH job was recorded ok" >&2; exit 1; }
		printf '  %-36s %8.3f s  %7s jobs/s  %6s ms/job\n' "$3" \
			"$t_ssh" "$(rate "$SSH_N" "$t_ssh")" "$(ms "$t_ssh" "$SSH_N")"
	}
	bench_ssh ssh1 1 "labrat --backend ssh, 1 slot"
	bench_ssh ssh 8 "labrat --backend ssh (1 connection)"
	if command -v parallel >/dev/null 2>&1; then
		timeit t_sshpar env HOME="$SSHH_HOME" sh -c "seq $SSH_N |
			parallel --will-cite -j8 --ssh 'ssh -F $SSHH_CONFIG' --sshlogin 8/h1 true"
		printf '  %-36s %8.3f s  %7s jobs/s  %6s ms/job\n' \
			"GNU parallel -j8 --sshlogin 8/h1" \
			"$t_sshpar" "$(rate "$SSH_N" "$t_sshpar")" "$(ms "$t_sshpar" "$SSH_N")"
		echo "  ratio: labrat is $(ratio "$t_sshpar" "$t_ssh")x the speed of" \
			"GNU parallel --sshlogin"
	else
		echo "  (GNU parallel not installed: no peer)"
	fi
	sshh_teardown || { echo "bench: $SSHH_ERROR" >&2; exit 1; }
fi

# 7. Persistent workers: a trivial Python experiment as a worker (--worker,
# started once per engine) against the same script one process per point;
# a trivial C worker on 2 engines, every result committed and checked ok.
echo
echo "== 7. persistent workers: $WORKER_N trivial Python points, worker vs" \
	"one process per point (target 50x); $WORKER_C_N trivial C points" \
	"(target 50,000/s)"
# The interpreter itself, not a wrapper (pyenv's shims are shell scripts
# that would add their own start-up to every process).
PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)
if [ -z "$PYTHON" ]; then
	echo "  skipped: no python3"
else
	# The same script serves one point (one process per point) or many.
	cat >"$BENCH_TMP/triv.py" <<'TRIVPY'
import json, sys
for line in sys.stdin:
    p = json.loads(line)
    print(json.dumps({"y": p["x"] * 2}), flush=True)
TRIVPY
	timeit t_pyw "$LABRAT" run --wait -t pyworker --worker --cores $CORES \
		-p "x=1..$WORKER_N" -- "$PYTHON" "$BENCH_TMP/triv.py"
	[ "$(status_field pyworker ok)" -eq "$WORKER_N" ] ||
		{ echo "bench: not every worker point was recorded ok" >&2; exit 1; }
	timeit t_pyj "$LABRAT" run --wait -t pyjobs --cores $CORES \
		-p "x=1..$WORKER_N" -- "$PYTHON" "$BENCH_TMP/triv.py"
	[ "$(status_field pyjobs ok)" -eq "$WORKER_N" ] ||
		{ echo "bench: not every job was recorded ok" >&2; exit 1; }
	printf '  %-36s %8.3f s  %7s points/s  %6s ms/point\n' \
		"python3 worker (--worker)" "$t_pyw" "$(rate "$WORKER_N" "$t_pyw")" \
		"$(ms "$t_pyw" "$WORKER_N")"
	printf '  %-36s %8.3f s  %7s points/s  %6s ms/point\n' \
		"python3 one process per point" "$t_pyj" "$(rate "$WORKER_N" "$t_pyj")" \
		"$(ms "$t_pyj" "$WORKER_N")"
	echo "  ratio: the worker is $(ratio "$t_pyj" "$t_pyw")x the speed of" \
		"one process per point"
	# The same points in epyc's in-process ParallelLab, the lab our
	# users come from (its source beside the project, as
	# ../shared/peers/README.md says; it needs Debian's numpy & co).
	EPYC_SRC=$(cd "$(dirname "$0")/../.." && pwd)/shared/peers/epyc-1.7.2
	EPYC_PY=
	for py in "$PYTHON" /usr/bin/python3; do
		if [ -d "$EPYC_SRC" ] && PYTHONPATH="$EPYC_SRC" "$py" -c \
		    'import epyc' >/dev/null 2>&1; then
			EPYC_PY=$py
			break
		fi
	done
	if [ -z "$EPYC_PY" ]; then
		echo "  epyc ParallelLab: skipped (no epyc in $EPYC_SRC, or" \
			"its Python packages missing: ../shared/peers/README.md)"
	else
		t_epyc=$(PYTHONPATH="$EPYC_SRC" "$EPYC_PY" \
		    "$(dirname "$0")/epyc_lab.py" "$WORKER_N" $CORES) ||
			{ echo "bench: epyc_lab.py failed" >&2; exit 1; }
		printf '  %-36s %8.3f s  %7s points/s  %6s ms/point\n' \
			"epyc ParallelLab, in-process" "$t_epyc" \
			"$(rate "$WORKER_N" "$t_epyc")" "$(ms "$t_epyc" "$WORKER_N")"
		echo "  ratio: the worker is $(ratio "$t_epyc" "$t_pyw")x the" \
			"speed of epyc's ParallelLab (every result committed)"
	fi
fi
cat >"$BENCH_TMP/triv.c" <<'TRIVC'
#include <stdio.h>
int main(void) {
	char line[4096];
	while (fgets(line, sizeof line, stdin) != NULL) {
		fputs("{\"y\":1}\n", stdout);
		fflush(stdout);
	}
	return 0;
}
TRIVC
cc -O2 -o "$BENCH_TMP/triv" "$BENCH_TMP/triv.c"
for depth in 2 16; do
	timeit t_cw "$LABRAT" run --wait -t cworker$depth --worker \
		--worker-depth $depth --cores $CORES -p "x=1..$WORKER_C_N" -- \
		"$BENCH_TMP/triv"
	[ "$(status_field cworker$depth ok)" -eq "$WORKER_C_N" ] ||
		{ echo "bench: not every C worker point was recorded ok" >&2; exit 1; }
	printf '  %-36s %8.3f s  %7s points/s  %6s ms/point\n' \
		"C worker, 2 engines, depth $depth" "$t_cw" \
		"$(rate "$WORKER_C_N" "$t_cw")" "$(ms "$t_cw" "$WORKER_C_N")"
done
