# lib.sh -- shared by the end-to-end tests of the real labrat binary.
# Each test sources it, runs in a fresh temporary directory with its own
# notebook, and fails with a message saying what was expected.
set -u

: "${LABRAT:?LABRAT must name the labrat binary (make check sets it)}"
: "${LABRAT_SRCDIR:?LABRAT_SRCDIR must name the source tree}"
: "${LABRAT_EXAMPLES:=$(dirname "$LABRAT")/examples}"

T=$(mktemp -d "${TMPDIR:-/tmp}/labrat-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99
export LABRAT_NOTEBOOK="$T/test.db"
unset LABRAT_DEMO_EXPERIMENT

fail() {
	echo "FAIL: $*" >&2
	# What the runners said, so that a failure in CI can be understood.
	if [ -s "$LABRAT_NOTEBOOK.log" ]; then
		echo "--- the last lines of $LABRAT_NOTEBOOK.log:" >&2
		tail -n 60 "$LABRAT_NOTEBOOK.log" >&2
	fi
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# expect_exit CODE CMD...: run CMD, saving stdout/stderr in out/err.
expect_exit() {
	_want=$1
	shift
	"$@" >out 2>err
	_got=$?
	if [ "$_got" -ne "$_want" ]; then
		echo "--- stdout" >&2; cat out >&2
		echo "--- stderr" >&2; cat err >&2
		fail "'$*' exited $_got, expected $_want"
	fi
}

# contains FILE TEXT: FILE has TEXT (fixed string).
contains() {
	grep -qF -- "$2" "$1" || {
		echo "--- $1:" >&2; cat "$1" >&2
		fail "$1 does not contain '$2'"
	}
}

lacks() {
	if grep -qF -- "$2" "$1"; then
		echo "--- $1:" >&2; cat "$1" >&2
		fail "$1 contains '$2'"
	fi
}

# sql QUERY: run a query on the test notebook.
sql() {
	sqlite3 -batch -cmd ".timeout 20000" "$LABRAT_NOTEBOOK" "$@"
}

# status_field TAG FIELD: a number from `labrat status --json`.
status_field() {
	"$LABRAT" status --json "$1" | sed -n "s/.*\"$2\":\\([0-9.]*\\).*/\\1/p"
}

# wait_until DESCRIPTION CMD...: poll CMD (every 20 ms, at most 30 s)
# until it succeeds; fail with DESCRIPTION if it never does.
wait_until() {
	_what=$1
	shift
	_i=0
	until "$@" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -gt 1500 ] && fail "timed out waiting until $_what"
		sleep 0.02
	done
}

# status_word TAG: the campaign state from `labrat status --json`.
status_word() {
	"$LABRAT" status --json "$1" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'
}

# state_is TAG STATE: true if the campaign is in that state.
state_is() {
	[ "$(status_word "$1")" = "$2" ]
}

# count_at_least TAG FIELD N: true if status --json FIELD >= N.
count_at_least() {
	_v=$(status_field "$1" "$2")
	[ "${_v:-0}" -ge "$3" ]
}

# A gate the test opens, for jobs that must keep a campaign running until
# the test is done with it (never a sleep: a loaded machine can outrun
# any).  In a job, "$GATE" NAME blocks until the test runs gate_open NAME,
# then exits 0; it gives up (exit 1) after 120 s or once the test's
# directory is gone, so no job outlives a failed test for long.
GATE="$T/gate.sh"
cat >"$GATE" <<GATE_EOF
#!/bin/sh
_i=0
until [ -e "$T/gate.\$1" ]; do
	[ -d "$T" ] && [ \$_i -lt 6000 ] || exit 1
	_i=\$((_i + 1))
	sleep 0.02
done
GATE_EOF
chmod +x "$GATE"

# gate_open NAME: let every job waiting at gate NAME through.
gate_open() {
	: >"$T/gate.$1"
}

# gate_close NAME: jobs that reach gate NAME from now on wait again.
gate_close() {
	rm -f "$T/gate.$1"
}

# $GATED: an experiment that waits at gate "main", then prints y=$1.
GATED="$T/gated.sh"
printf '#!/bin/sh\n"%s" main || exit 9\necho "y=$1"\n' "$GATE" >"$GATED"
chmod +x "$GATED"
