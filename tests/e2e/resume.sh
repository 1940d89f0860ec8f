#!/bin/sh
# Stopping a run with a signal (Ctrl-C) and resuming it: every point ends
# with exactly one successful job, none recorded twice, none lost.  The
# points after the first 100 wait at a gate (lib.sh) that opens only after
# the interrupt, so the run is stopped half-way however slow the machine.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

"$LABRAT" run --wait -t long --cores 2 --order sequential -p 'x=1..200' -- \
	sh -c '[ "$1" -le 100 ] || "$0" long; echo "y=$(($1 * 2))"' "$GATE" {x} \
	>run.out 2>&1 &
pid=$!
# Wait (bounded) until some jobs are recorded, then interrupt.
i=0
until [ "$(sql "select count(*) from job where state='ok'" 2>/dev/null || echo 0)" -ge 20 ]; do
	i=$((i + 1))
	[ $i -gt 500 ] && { kill $pid; fail "no progress"; }
	sleep 0.02
done
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] || { cat run.out >&2; fail "interrupted run exited $rc, expected 130"; }
contains run.out "labrat resume long"
[ "$(sql "select count(*) from job where state='running'")" = 0 ] ||
	fail "jobs left running after the runner stopped"
done1=$(sql "select count(*) from job where state='ok'")
[ "$done1" -le 100 ] || fail "the run got past the gate before the interrupt"
gate_open long

expect_exit 0 "$LABRAT" resume --wait long
[ "$(sql "select count(*) from job where state='ok'")" = 200 ] || fail "not 200 ok after resume"
[ "$(sql "select count(distinct point) from job where state='ok'")" = 200 ] ||
	fail "a point was recorded twice"
[ "$(sql "select sum(json_extract(results,'\$.y')) from job where state='ok'")" = 40200 ] ||
	fail "results differ from an uninterrupted run"
expect_exit 0 "$LABRAT" status --json long
contains out '"status":"finished"'
exit 0
