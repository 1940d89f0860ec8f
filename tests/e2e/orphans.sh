#!/bin/sh
# What is left of a job after its runner died -- the grandchildren of
# `sh -c`, a background job in a process group of its own -- is killed
# before the point runs again (resume, retry), and when the user gives up
# on it (cancel, purge): a job never runs beside its replacement.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

# The processes of this test's jobs: sleeps with a duration no other
# program uses.
mark=$(( ($$ % 1000) + 3000 ))
pids() {
	pgrep -f "^sleep $mark\$" | sort
}
cleanup() {
	pkill -9 -f "^sleep $mark\$" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# A job whose real work is its grandchildren: one in the shell's own
# group, one in a process group of its own, as make or a Python
# subprocess would leave behind.
job="perl -e 'setpgrp(0, 0); exec \"sleep\", \"$mark\"' & sleep $mark & sleep $mark; echo y=1"

# alive PID: the process exists and is not a zombie (a killed orphan is
# reaped by init whenever init gets to it).
alive() {
	_st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -n "$_st" ] && [ "$_st" != Z ] && [ "$_st" != X ]
}
# count: the live ones.
count() {
	_n=0
	for _p in $(pids); do alive "$_p" && _n=$((_n + 1)); done
	echo $_n
}

runner_of() {
	status_field "$1" runner_pid
}
count_is() {
	[ "$(count)" -eq "$1" ]
}

# 1. kill -9 of the runner, then resume: the old processes are gone before
# the new jobs start, and never more than one job per point runs.
expect_exit 0 "$LABRAT" run -t o --cores 2 -p 'x=1..2' -- sh -c "$job"
wait_until "2 jobs of 3 sleeps run" count_is 6
kill -9 "$(runner_of o)"
wait_until "the runner of o is gone" state_is o dead
old=$(pids)
[ "$(echo "$old" | wc -l)" -eq 6 ] || fail "the orphans should still run: $old"
expect_exit 0 "$LABRAT" resume o
for p in $old; do
	alive "$p" && fail "orphan $p of an interrupted job runs beside its replacement"
done
wait_until "the replacements run" count_is 6
[ "$(count)" -le 6 ] || fail "more than 2 jobs' processes run: $(count)"
sql "select count(*) from job where state = 'interrupted'" >n
[ "$(cat n)" = 2 ] || fail "2 interrupted jobs expected, got $(cat n)"

# 2. cancel with a live runner leaves nothing behind.
expect_exit 0 "$LABRAT" cancel o
wait_until "cancel killed every process" count_is 0

# 3. kill -9 of the runner, then cancel (no live runner): the orphans die.
expect_exit 0 "$LABRAT" run -t c --cores 2 -p 'x=1..2' -- sh -c "$job"
wait_until "2 jobs of 3 sleeps run" count_is 6
kill -9 "$(runner_of c)"
wait_until "the runner of c is gone" state_is c dead
expect_exit 0 "$LABRAT" cancel c
[ "$(count)" -eq 0 ] || fail "cancel left $(count) orphan(s) running"
[ "$(status_word c)" = cancelled ] || fail "c is $(status_word c)"

# 4. The same for purge.
expect_exit 0 "$LABRAT" run -t p --cores 1 -p 'x=1' -- sh -c "$job"
wait_until "1 job of 3 sleeps runs" count_is 3
kill -9 "$(runner_of p)"
wait_until "the runner of p is gone" state_is p dead
expect_exit 0 "$LABRAT" purge p
[ "$(count)" -eq 0 ] || fail "purge left $(count) orphan(s) running"

# 5. retry after a dead runner: failed points run again, the interrupted
# one only once its orphans are gone.
expect_exit 0 "$LABRAT" run -t r --cores 1 --order sequential -p 'x=1..2' -- \
	sh -c "if [ \$1 = 1 ]; then exit 1; fi; $job" sh {x}
wait_until "the second job runs" count_is 3
kill -9 "$(runner_of r)"
wait_until "the runner of r is gone" state_is r dead
old=$(pids)
expect_exit 0 "$LABRAT" retry r
for p in $old; do
	alive "$p" && fail "orphan $p runs beside its replacement after retry"
done
expect_exit 0 "$LABRAT" cancel r
wait_until "cancel killed every process" count_is 0
exit 0
