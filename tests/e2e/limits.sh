#!/bin/sh
# What the runner inherits from whoever started it never turns into job
# failures or successes: an ignored SIGCHLD (every failed job looked
# successful), blocked signals (a runner deaf to pause), a low limit on
# open files (jobs "failed" with "Too many open files").
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

PY=${PYTHON3:-python3}
command -v "$PY" >/dev/null 2>&1 || skip "no python3 to set up the runner's inheritance"

# ignoring_chld CMD...: run CMD with SIGCHLD ignored (dash's trap cannot).
ignoring_chld() {
	"$PY" -c '
import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}

# 1. SIGCHLD ignored by the parent, in the foreground and detached: the
# exit status of every job is still known, and a lost one is a failure.
ignoring_chld "$LABRAT" run --wait -t chld -p 'x=1..4' -- \
	sh -c 'if [ $1 -gt 2 ]; then exit 3; fi; echo y=$1' sh {x} >out 2>err
rc=$?
[ $rc -eq 1 ] || { cat out err >&2; fail "run --wait with SIGCHLD ignored exited $rc, expected 1"; }
[ "$(status_field chld ok)" = 2 ] && [ "$(status_field chld failed)" = 2 ] ||
	fail "chld: 2 ok and 2 failed expected, got $(status_field chld ok) ok, $(status_field chld failed) failed"
sql "select error from current_job where tag = 'chld' and state = 'failed'" >e
contains e "exited with status 3"
ignoring_chld "$LABRAT" run -t chld2 -p 'x=1..4' -- \
	sh -c 'if [ $1 -gt 2 ]; then exit 3; fi; echo y=$1' sh {x} >/dev/null 2>&1 ||
	fail "run chld2"
expect_exit 0 "$LABRAT" wait chld2 --timeout 60
[ "$(status_field chld2 failed)" = 2 ] || fail "chld2: 2 failed expected"

# 2. Signals blocked by the parent: the runner still hears pause.
"$PY" -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1, signal.SIGTERM, signal.SIGINT])
os.execv(sys.argv[1], sys.argv[1:])' "$LABRAT" run -t blocked --cores 1 -p 'x=1..200' -- \
	sh -c 'sleep 0.05; echo y=1' >/dev/null 2>&1 || fail "run blocked"
expect_exit 0 "$LABRAT" pause blocked
contains out "blocked: paused"
expect_exit 0 "$LABRAT" cancel blocked
contains out "cancelled"

# 3. A low limit on open files: engines are capped (and the log says so),
# no job fails for the runner's lack of descriptors.
(ulimit -n 200 && "$LABRAT" run --wait -t fds --cores 500 -p 'x=1..400' -- true) >out 2>err
rc=$?
[ $rc -eq 0 ] || { cat out err >&2; fail "run with ulimit -n 200 exited $rc"; }
[ "$(status_field fds ok)" = 400 ] || fail "fds: 400 ok expected, got $(status_field fds ok)"
[ "$(status_field fds failed)" = 0 ] || fail "fds: jobs failed for the runner's lack of descriptors"
(ulimit -n 200 && "$LABRAT" run -t fds2 --cores 500 -p 'x=1..100' -- true) >/dev/null 2>&1 ||
	fail "run fds2"
expect_exit 0 "$LABRAT" wait fds2 --timeout 60
contains "$LABRAT_NOTEBOOK.log" "engines capped at"
contains "$LABRAT_NOTEBOOK.log" "ulimit -n"
exit 0
