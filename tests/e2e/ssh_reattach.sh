#!/bin/sh
# Reattaching over SSH, as a user would: start a campaign in an ssh session
# that returns at once (the detached runner must not hold the channel), log
# in again to see it running, log in once more to wait for it, and find
# every point done exactly once.  Runs against a private sshd on loopback
# (tests/sshd.sh); skips where none can be started.  Every phase is
# reached by a condition, never by time: the campaign cannot end before
# the test opens the gate its jobs wait at (lib.sh).
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"
. "$LABRAT_SRCDIR/tests/sshd.sh"

# 120 jobs on 2 cores; the first 10 points run at once, the others wait
# until the test has seen the campaign running from a second session.
N=120
FREE=10

# Stop any process (the runner) still holding a file of this test's
# directory open, so that a failed test leaves nothing running.
stop_runners() {
	for fd in /proc/[0-9]*/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in
		"$T"/*)
			pid=${fd#/proc/}
			pid=${pid%%/*}
			[ "$pid" != $$ ] && kill "$pid" 2>/dev/null ;;
		esac
	done
}
trap 'stop_runners; sshd_stop; rm -rf "$T"' EXIT

sshd_start "$T/sshd"
case $? in
0) ;;
1) skip "no private sshd: $SSHD_ERROR" ;;
*) fail "$SSHD_ERROR" ;;
esac

# remote ARG...: in a new ssh session, run labrat with ARG... in the test
# directory on the test notebook; stdout/stderr in out/err.
remote() {
	ssh_run "cd $(ssh_quote "$T") &&" \
	    "LABRAT_NOTEBOOK=$(ssh_quote "$LABRAT_NOTEBOOK")" \
	    "exec $(ssh_quote "$LABRAT" "$@")" </dev/null >out 2>err
}

# field NAME: a string or number of the JSON object in out.
field() {
	sed -n "s/.*\"$1\":\"\{0,1\}\([a-z0-9.]*\).*/\1/p" out
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

dump() {
	echo "--- stdout" >&2; cat out >&2
	echo "--- stderr" >&2; cat err >&2
}

# 1. Start the campaign; the session ends while jobs are still pending.
t0=$(now_ms)
remote run -t remote --cores 2 --order sequential -p "x=1..$N" -- \
    sh -c '[ "$1" -le '$FREE' ] || "$0" run || exit 9; echo y=$(($1 * 2))' \
    "$GATE" '{x}'
rc=$?
took=$(($(now_ms) - t0))
[ $rc -eq 0 ] || { dump; fail "labrat run over ssh exited $rc"; }
contains out remote
"$LABRAT" status --json remote >out 2>err || { dump; fail "no status"; }
pending=$(field pending)
if [ "$(field status)" = finished ] || [ "${pending:-0}" -eq 0 ]; then
	dump
	fail "the ssh session of 'labrat run' ended after $took ms, once" \
	    "the campaign was over: the runner is not detached from it"
fi

# 2. A new session sees the campaign running, with results coming in (the
# free points), and the rest still to do (the gate is closed).
tries=0
while :; do
	remote status --json remote || { dump; fail "status over ssh failed"; }
	[ "$(field ok)" -ge $FREE ] 2>/dev/null && break
	tries=$((tries + 1))
	[ $tries -lt 300 ] || { dump; fail "not $FREE jobs ok 300 sessions after start"; }
	sleep 0.1
done
[ "$(field status)" = running ] || { dump; fail "campaign not running"; }
[ "$(field pending)" -gt 0 ] || { dump; fail "no job pending any more"; }

# 3. A third session waits for the end, once the gate is open.
gate_open run
remote wait remote --timeout 120
rc=$?
[ $rc -eq 0 ] || { dump; fail "labrat wait over ssh exited $rc"; }
remote status --json remote || { dump; fail "status over ssh failed"; }
[ "$(field status)" = finished ] || { dump; fail "not finished after wait"; }
[ "$(field ok)" = $N ] || { dump; fail "not $N ok after wait"; }
[ "$(field failed)" = 0 ] || { dump; fail "some jobs failed"; }

# 4. Every point exactly once, with the right result.
[ "$(sql "select count(*) from job")" = $N ] || fail "not $N job rows"
[ "$(sql "select count(distinct point) from job where state='ok'")" = $N ] ||
	fail "a point is missing"
[ "$(sql "select sum(json_extract(results,'\$.y')) from job")" = \
    $((N * (N + 1))) ] || fail "wrong results"

# The runner exits once done, without a sanitizer report in its log.
tries=0
until "$LABRAT" status --json remote >out 2>err &&
    [ "$(field runner_pid)" = 0 ]; do
	tries=$((tries + 1))
	[ $tries -lt 250 ] || { dump; fail "the runner did not exit"; }
	sleep 0.02
done
if grep -rlE 'Sanitizer|runtime error:' "$T" --exclude-dir=sshd >&2; then
	fail "sanitizer report in the files above"
fi
echo "ssh_reattach: 'labrat run' over ssh returned in $took ms"
exit 0
