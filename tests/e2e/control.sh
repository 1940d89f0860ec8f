#!/bin/sh
# Control requests are ordered and answered: the last request wins and
# each command says what will happen, however quickly they follow each
# other; a stale runner pid is never signalled; locked and finished sets
# get a clear answer; a runner that cannot start says so with its own exit
# status; a dead campaign says why.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

# Jobs wait at the gate (lib.sh) until the test lets them go: the
# campaign outlives every step below by construction, not by timing.
# 1. pause then resume at once: the campaign runs on and finishes.
expect_exit 0 "$LABRAT" run -t pr --cores 2 -p 'x=1..20' -- "$GATED" {x}
expect_exit 0 "$LABRAT" pause pr
contains out "pr: paused"
[ "$(status_word pr)" = paused ] || fail "pause returned before the runner paused"
expect_exit 0 "$LABRAT" resume pr
contains out "pr: running (runner pid"
[ "$(status_word pr)" = running ] || fail "resume returned, campaign is $(status_word pr)"
# Many requests in a row: the last one wins.
for i in 1 2 3; do
	"$LABRAT" pause pr >/dev/null 2>&1 || fail "pause $i"
	"$LABRAT" resume pr >/dev/null 2>&1 || fail "resume $i"
done
[ "$(status_word pr)" = running ] || fail "after pause/resume x3: $(status_word pr)"
gate_open main
expect_exit 0 "$LABRAT" wait pr --timeout 60
[ "$(status_field pr ok)" = 20 ] || fail "pr: 20 ok expected"

# 2. Locked sets: every command says so, never "(null)", exit 3.
expect_exit 0 "$LABRAT" lock pr
for cmd in retry cancel purge resume pause; do
	expect_exit 3 "$LABRAT" $cmd pr
	contains err "locked"
	lacks err "(null)"
done

# 3. cancel of a finished campaign leaves it finished.
expect_exit 0 "$LABRAT" run --wait -t done1 -p 'x=1..3' -- sh -c 'echo y=1'
expect_exit 0 "$LABRAT" cancel done1
contains out "nothing to cancel"
[ "$(status_word done1)" = finished ] || fail "cancel turned done1 into $(status_word done1)"

# 4. Concurrent resumes of a dead campaign: one runner, and each command
# names it (never the dead runner's pid, never pid 0).
gate_close main
expect_exit 0 "$LABRAT" run -t dead --cores 1 -p 'x=1..5' -- "$GATED" {x}
old=$(status_field dead runner_pid)
kill -9 "$old"
wait_until "the runner of dead is gone" state_is dead dead
expect_exit 0 "$LABRAT" status dead
contains out "dead"
contains out "vanished"
"$LABRAT" resume dead >r1 2>&1 &
p1=$!
"$LABRAT" resume dead >r2 2>&1 &
p2=$!
wait $p1 || { cat r1 >&2; fail "first resume failed"; }
wait $p2 || { cat r2 >&2; fail "second resume failed"; }
new=$(status_field dead runner_pid)
[ -n "$new" ] && [ "$new" != 0 ] && [ "$new" != "$old" ] ||
	fail "no new runner ($old -> $new)"
for f in r1 r2; do
	contains $f "pid $new"
	lacks $f "pid $old"
	lacks $f "pid 0)"
done
gate_open main
expect_exit 0 "$LABRAT" wait dead --timeout 60
[ "$(status_field dead ok)" = 5 ] || fail "dead: 5 ok expected"

# 5. A stale pid is never signalled: a process that has the dead
# runner's pid now (here: the recorded pid points at a live sleep, as if
# it had been recycled) gets no SIGUSR1, whose default action kills it.
gate_close main
expect_exit 0 "$LABRAT" run -t stale --cores 1 -p 'x=1..3' -- "$GATED" {x}
sleep 600 &
victim=$!
sql "update resultset set runner_pid = $victim where tag = 'stale'"
expect_exit 0 "$LABRAT" pause stale
kill -0 $victim 2>/dev/null || fail "a process with a recorded runner pid was killed by SIGUSR1"
kill $victim
gate_open main
expect_exit 0 "$LABRAT" resume stale
expect_exit 0 "$LABRAT" wait stale --timeout 60

# 6. A runner that cannot start: its own exit status (not 70) and why.
gate_close main
mkdir sub
(cd sub && "$LABRAT" run -t nodir --cores 1 -p 'x=1..3' -- "$GATED" {x}) >/dev/null ||
	fail "run nodir"
kill -9 "$(status_field nodir runner_pid)"
wait_until "the runner of nodir is gone" state_is nodir dead
rmdir sub
expect_exit 6 "$LABRAT" resume nodir
contains err "did not start"
lacks err "(null)"
gate_open main

# 7. A runner at full speed on trivial jobs never shuts the user's
# commands out of the notebook: it holds the write lock only while it
# commits, never between commits.
expect_exit 0 "$LABRAT" run -t fast --cores 2 -p 'x=1..100000' -- true
for i in 1 2 3; do
	expect_exit 0 "$LABRAT" pause fast
	lacks err "busy"
	expect_exit 0 "$LABRAT" resume fast
	lacks err "busy"
done
expect_exit 0 "$LABRAT" cancel fast
contains out "cancelled"
exit 0
