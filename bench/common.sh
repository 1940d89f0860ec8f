# common.sh -- helpers for labrat's benchmarks (sourced by bench/run.sh).
set -eu

: "${LABRAT:?LABRAT must name the labrat binary (make bench sets it)}"
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/labrat-bench.XXXXXX")
# At exit, even on failure: BENCH_CLEANUP (shell commands a section adds,
# e.g. stopping its servers), then BENCH_TMP goes.  set +e: a cleanup that
# fails must not stop the rest.  Without the HUP/INT/TERM traps dash would
# die of those signals without running the EXIT trap.
BENCH_CLEANUP=:
bench_exit() {
	set +e
	eval "$BENCH_CLEANUP"
	rm -rf "$BENCH_TMP"
}
trap bench_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
export LABRAT_NOTEBOOK="$BENCH_TMP/bench.db"

# now: seconds since the epoch with nanoseconds.
now() { date +%s.%N; }

# timeit VAR CMD...: run CMD, store its wall time in seconds in VAR.
timeit() {
	_var=$1
	shift
	_t0=$(now)
	"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
	_t1=$(now)
	eval "$_var=\$(echo \"\$_t1 - \$_t0\" | bc -l)"
}

# status_field TAG FIELD: a number from `labrat status --json TAG`.
status_field() {
	"$LABRAT" status --json "$1" 2>/dev/null |
		sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}

# ratio A B: A / B with 2 decimals.
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
rate() { printf '%.0f' "$(echo "$1 / $2" | bc -l)"; }
ms() { printf '%.3f' "$(echo "$1 * 1000 / $2" | bc -l)"; }
