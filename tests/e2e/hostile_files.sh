#!/bin/sh
# Files labrat creates or writes never follow a planted symbolic link and
# never hang on a FIFO: a link (to a file, or dangling) or a FIFO at the
# runners' log, the runner lock, the export's output, the demo's CSV and
# the console's history is refused (the console goes on without it) with a
# message that names the path,
# and nothing outside is created or written.  Every command is bounded by
# `timeout 20`, so a hang fails the test instead of stalling the suite.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

command -v mkfifo >/dev/null 2>&1 || skip "mkfifo is not installed"
command -v timeout >/dev/null 2>&1 || skip "timeout is not installed"

# Messages name files by their real path (the notebook's directory with
# its links resolved).
R=$(pwd -P)
LOG="$R/test.db.log"
LOCK="$R/test.db.lock"
mkdir outside
printf 'precious\n' >outside/victim

# untouched: nothing outside was written or created.
untouched() {
	[ "$(cat outside/victim)" = precious ] ||
		fail "$1: a file outside was written through a link"
	[ ! -e outside/new ] ||
		fail "$1: a file outside was created through a dangling link"
}

# refused CODE PATH CMD...: CMD exits with CODE (not hanging) and names
# PATH on stderr.
refused() {
	_code=$1 _path=$2
	shift 2
	timeout -k 5 20 "$@" >out 2>err
	_got=$?
	[ "$_got" -eq 124 ] || [ "$_got" -eq 137 ] &&
		fail "'$*' hung (killed after 20 s)"
	if [ "$_got" -ne "$_code" ]; then
		echo "--- stdout" >&2; cat out >&2
		echo "--- stderr" >&2; cat err >&2
		fail "'$*' exited $_got, expected $_code"
	fi
	contains err "$_path"
}

# plant PATH KIND: a link to outside/victim, a dangling link to
# outside/new, or a FIFO at PATH.
plant() {
	rm -f "$1"
	case $2 in
	link) ln -s "$R/outside/victim" "$1" ;;
	dangling) ln -s "$R/outside/new" "$1" ;;
	fifo) mkfifo "$1" ;;
	esac
}

expect_exit 0 timeout -k 5 20 "$LABRAT" run --wait -t base -p 'x=1..3' -- true
rm -f "$LOG"

# The runners' log: `labrat run` opens it before starting the runner and
# refuses it with the notebook's exit status; the campaign stays recorded.
n=0
for kind in link dangling fifo; do
	n=$((n + 1))
	plant "$LOG" $kind
	refused 3 "$LOG" "$LABRAT" run -t log$n -p 'x=1..3' -- true
	untouched "log $kind"
	contains err "labrat resume log$n"
	case $kind in
	fifo) contains err "FIFO" ;;
	*) contains err "symbolic link" ;;
	esac
	[ -L "$LOG" ] || [ -p "$LOG" ] || fail "the planted log was replaced"
done
rm -f "$LOG"

# The runner lock: status never hangs on it, and no runner (detached or
# in the foreground) starts on it.
n=0
for kind in link dangling fifo; do
	n=$((n + 1))
	plant "$LOCK" $kind
	expect_exit 0 timeout -k 5 20 "$LABRAT" status base
	contains out "finished"
	refused 3 "$LOCK" "$LABRAT" run -t lock$n -p 'x=1..3' -- true
	refused 3 "$LOCK" "$LABRAT" resume --wait lock$n
	untouched "lock $kind"
done
rm -f "$LOCK"

# The export's output, given with -o: a link is refused (give the real
# path), and so is a FIFO or a directory; nothing half-written remains.
for kind in link dangling fifo; do
	plant out.csv $kind
	refused 1 out.csv "$LABRAT" export -t base -o out.csv
	untouched "export $kind"
	[ -L out.csv ] || [ -p out.csv ] || fail "export replaced out.csv"
done
contains err "real path"
rm -f out.csv
mkdir dir.csv
refused 1 dir.csv "$LABRAT" export -t base -o dir.csv
ls -A | grep -q '\.tmp\.' && fail "a temporary file was left behind"
# Its temporary file has a name nobody can plant in advance: before, it
# was FILE.tmp.PID, and a link there was written through.
expect_exit 0 timeout -k 5 20 sh -c \
	'ln -s "$1/outside/victim" out.csv.tmp.$$ && exec "$2" export -t base -o out.csv' \
	sh "$R" "$LABRAT"
untouched "export temporary"
[ -f out.csv ] && [ ! -L out.csv ] || fail "export did not write out.csv"
[ "$(wc -l <out.csv)" -eq 4 ] || fail "out.csv: expected 3 rows and a header"
rm -f out.csv out.csv.tmp.*
expect_exit 0 timeout -k 5 20 "$LABRAT" export -t base -o "$R/outside/victim"
[ "$(wc -l <outside/victim)" -eq 4 ] || fail "export to a plain file failed"
printf 'precious\n' >outside/victim

# The demo's CSV, TAG.csv in the current directory (its tags are demo,
# demo-2, demo-3), written after the run: a trivial experiment keeps it
# fast, even under sanitizers.
printf '#!/bin/sh\necho lyapunov=0\n' >fast
chmod +x fast
csv=demo.csv n=1
for kind in link dangling fifo; do
	plant $csv $kind
	refused 1 $csv env LABRAT_DEMO_EXPERIMENT="$R/fast" "$LABRAT" demo
	untouched "demo's CSV $kind"
	n=$((n + 1)) csv=demo-$n.csv
done
rm -f demo*.csv

# The console's command history, in a terminal (tmux): refused -- never
# read nor written through a link, never waited on as a FIFO (it used to
# be both) -- and the console goes on without it, saying so in its log.
command -v tmux >/dev/null 2>&1 || exit 0
. "$LABRAT_SRCDIR/tests/e2e/screen.sh"
mkdir -p "$T/state/labrat"
H="$T/state/labrat/history"
for kind in link dangling fifo; do
	plant "$H" $kind
	screen_start 200 30 timeout --foreground -k 5 20 "$LABRAT" console
	wait_screen "1-7 views"
	keys 6
	wait_screen "cannot use the command history"
	screen_has "$H is" || { screen >&2; fail "the log does not name $H"; }
	keys :
	type_text "sets"
	keys Enter
	keys q
	wait_screen "CONSOLE-EXITED-0"
	screen_stop
	untouched "history $kind"
done
rm -f "$H"

exit 0
