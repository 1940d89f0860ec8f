#!/bin/sh
# The SLURM backend against a real one-node cluster (tests/slurm.sh): a
# full campaign of points packed into array tasks, with the same results
# as the local backend; hostile parameter values reaching the experiment
# byte for byte through the task script; failing and timed-out points
# recorded with their reasons; cancel ending the arrays with scancel.
# Skips (77) where the cluster cannot start.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"
. "$LABRAT_SRCDIR/tests/slurm.sh"

trap 'slurmh_stop; rm -rf "$T"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

SLURMH_CPUS=16
# Arrays of at most 11 tasks (indices 0..10): campaigns bigger than that
# are split.
SLURMH_MAX_ARRAY_SIZE=11
slurmh_start "$T/slurm"
case $? in
0) ;;
1) skip "no private SLURM cluster: $SLURMH_ERROR" ;;
*) fail "$SLURMH_ERROR" ;;
esac
SPOOL="$T/spool"
S="--backend slurm --spool $SPOOL --poll-interval 0.3"

# every_point_once TAG N: N points, each with exactly one ok current job.
every_point_once() {
	[ "$(status_field "$1" ok)" = "$2" ] ||
		fail "$1: $2 ok expected, got $(status_field "$1" ok)"
	[ "$(sql "select count(distinct point) from current_job where tag = '$1' and state = 'ok'")" = "$2" ] ||
		fail "$1: a point is missing or recorded twice"
}

# 1. A full campaign: 36 points, 5 a task (8 tasks), the same results as
# the local backend's.
expect_exit 0 "$LABRAT" run --wait -t full $S --points-per-task 5 \
	-p 'x=1..12' -p 'y={a, "b c", 3}' -- \
	sh -c 'echo "{\"s\":\"$1-$2\",\"n\":$(($1 * 3))}"' sh {x} {y}
every_point_once full 36
[ "$(sql "select count(*) from current_job where tag = 'full' and handle like 'slurm:%'")" = 36 ] ||
	fail "full: every job should have a slurm handle"
expect_exit 0 "$LABRAT" run --wait -t full_local \
	-p 'x=1..12' -p 'y={a, "b c", 3}' -- \
	sh -c 'echo "{\"s\":\"$1-$2\",\"n\":$(($1 * 3))}"' sh {x} {y}
[ "$(sql "select group_concat(point || '=' || results, ';') from (select point, results from current_job where tag = 'full' order by point)")" = \
  "$(sql "select group_concat(point || '=' || results, ';') from (select point, results from current_job where tag = 'full_local' order by point)")" ] ||
	fail "full: results differ from the local backend's"
expect_exit 0 "$LABRAT" show full
contains out "slurm"

# 2. Hostile values reach the experiment byte for byte through the task
# script, in argv, environment and standard input; never a shell.
mkdir got
values='{"'"'"'; touch pwned'"'"'", "$(touch pwned2)", "`touch pwned3`", "a\nb", "\"q\"", "*", "-n", " lead", "tail ", "back\\\\slash", "%A_%a"}'
expect_exit 0 "$LABRAT" run --wait -t hostile $S --points-per-task 4 --order sequential \
	-p "v=$values" -- sh -c 'printf "%s" "$1" > "$2/$LABRAT_POINT"; printf "%s" "$LABRAT_PARAM_v" > "$2/env.$LABRAT_POINT"; cat > "$2/in.$LABRAT_POINT"; echo ok=1' \
	sh {v} "$T/got"
every_point_once hostile 11
for f in pwned pwned2 pwned3; do
	[ -n "$(find "$SPOOL" "$T" -name "$f" 2>/dev/null)" ] &&
		fail "a value was run by a shell: $f exists"
done
printf '%s' "'; touch pwned'" >exp0
printf '%s' 'a
b' >exp3
printf '%s' 'back\\slash' >exp9
printf '%s' '%A_%a' >exp10
for k in 0 3 9 10; do
	cmp -s "exp$k" "got/$k" || fail "value $k changed on its way: $(cat "got/$k")"
	cmp -s "exp$k" "got/env.$k" || fail "LABRAT_PARAM_v $k changed on its way"
done
grep -q '"v":"a\\nb"' got/in.3 || fail "the JSON on stdin of point 3 is wrong: $(cat got/in.3)"

# 3. A failing point and a point past its timeout fail with their
# reasons and standard error; the others of their tasks still run.
expect_exit 1 "$LABRAT" run --wait -t fails $S --points-per-task 3 --timeout 2 \
	--order sequential -p 'x=0..5' -- \
	sh -c 'case $1 in 2) echo oops >&2; exit 3 ;; 4) exec sleep 30 ;; esac; echo y=$1' sh {x}
[ "$(status_field fails ok)" = 4 ] || fail "fails: 4 ok expected"
[ "$(status_field fails failed)" = 2 ] || fail "fails: 2 failed expected"
[ "$(sql "select error from current_job where tag = 'fails' and point = 2")" = "exited with status 3" ] ||
	fail "fails: point 2: $(sql "select error from current_job where tag = 'fails' and point = 2")"
contains_sql() {
	sql "$1" >sqlout
	grep -q -- "$2" sqlout || fail "expected '$2' in: $(cat sqlout)"
}
contains_sql "select stderr_tail from current_job where tag = 'fails' and point = 2" oops
contains_sql "select error from current_job where tag = 'fails' and point = 4" "timed out after 2 s"

# 4. cancel ends the arrays with scancel: nothing of them runs on.
expect_exit 0 "$LABRAT" run -t cancelme $S --points-per-task 2 -p 'x=1..6' -- sleep 60
key=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = 'cancelme'")
wait_until "points run on the cluster" sh -c "ls '$SPOOL/$key'/b0/t*.spool >/dev/null 2>&1"
job=$(cat "$SPOOL/$key/b0/jobid") || fail "cancelme: no job id recorded"
expect_exit 0 "$LABRAT" cancel cancelme
wait_until "the campaign ends cancelled" sh -c "'$LABRAT' status cancelme | grep -q cancelled"
slurmh_wait_job "$job" 30 || fail "cancelme: the array goes on: $SLURMH_ERROR"
slurmh_job_states "$job" | grep -qv CANCELLED && fail "cancelme: a task was not cancelled: $(slurmh_job_states "$job")"
[ "$(status_field cancelme cancelled)" = 6 ] || fail "cancelme: 6 cancelled expected"

# 5. Options the cluster refuses are refused before anything is recorded.
expect_exit 2 "$LABRAT" run -t badpart $S --partition nosuch -p 'x=1..2' -- true
contains err "refuses"
contains err "nosuch"
[ "$(sql "select count(*) from resultset where tag = 'badpart'")" = 0 ] ||
	fail "badpart: recorded although refused"
expect_exit 0 "$LABRAT" show full
contains out "points a task"

# 6. kill -9 of the runner mid-campaign leaves the arrays running; resume
# adopts the recorded points by their handles and collects them as their
# tasks go on: every point once, none run again.  The points wait at a
# gate, so the kill lands while they run.
GATE="$T/gate"
expect_exit 0 "$LABRAT" run -t dead $S --points-per-task 2 -p 'x=1..8' -- \
	sh -c 'while [ ! -e "$2" ]; do sleep 0.1; done; echo y=$1' sh {x} "$GATE"
dkey=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = 'dead'")
tasks_started() {
	[ "$(cat "$SPOOL/$1"/b*/t*.spool 2>/dev/null | grep -c '^S')" -ge "$2" ]
}
wait_until "4 tasks run their first point" tasks_started "$dkey" 4
kill -9 "$(status_field dead runner_pid)"
wait_until "the runner is gone" state_is dead dead
djob=$(cat "$SPOOL/$dkey/b0/jobid") || fail "dead: no job id recorded"
slurmh_job_done "$djob" && fail "dead: the array ended with its runner"
expect_exit 0 "$LABRAT" resume dead
touch "$GATE"
expect_exit 0 "$LABRAT" wait dead --timeout 120
every_point_once dead 8
[ "$(sql "select count(*) from job j join resultset s on s.id = j.set_id where s.tag = 'dead' and j.state = 'interrupted'")" = 0 ] ||
	fail "dead: running points were run again instead of adopted"
rm -f "$GATE"

# 6b. kill -9 of the runner, then every task ends unwatched: resume
# collects it all from the spools.
expect_exit 0 "$LABRAT" run -t dead2 $S --points-per-task 3 -p 'x=1..9' -- \
	sh -c 'while [ ! -e "$2" ]; do sleep 0.1; done; echo y=$1' sh {x} "$GATE"
d2key=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = 'dead2'")
wait_until "3 tasks run their first point" tasks_started "$d2key" 3
kill -9 "$(status_field dead2 runner_pid)"
wait_until "the runner is gone" state_is dead2 dead
touch "$GATE"
d2job=$(cat "$SPOOL/$d2key/b0/jobid") || fail "dead2: no job id recorded"
slurmh_wait_job "$d2job" 60 || fail "dead2: $SLURMH_ERROR"
expect_exit 0 "$LABRAT" resume dead2
expect_exit 0 "$LABRAT" wait dead2 --timeout 120
every_point_once dead2 9
[ "$(sql "select count(*) from job j join resultset s on s.id = j.set_id where s.tag = 'dead2' and j.state = 'interrupted'")" = 0 ] ||
	fail "dead2: points that ended unwatched were run again"
rm -f "$GATE"

# 7. A campaign bigger than MaxArraySize runs as several arrays, each
# within the limit, every point once.
expect_exit 0 "$LABRAT" run --wait -t big $S -p 'x=1..40' -- sh -c 'echo y=$1' sh {x}
every_point_once big 40
bkey=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = 'big'")
# What the completion log says of its arrays (the spool is gone).
# (A task is logged as it ends, maybe after its last record.)
big_logged() {
	[ "$(grep -c "Name=labrat-$bkey-" "$SLURMH_JOBCOMP")" -ge 40 ]
}
wait_until "the 40 tasks of big are in the completion log" big_logged
grep "Name=labrat-$bkey-" "$SLURMH_JOBCOMP" >bigjobs
narrays=$(sed -n 's/.* ArrayJobId=\([0-9]*\) .*/\1/p' bigjobs | sort -u | wc -l)
[ "$narrays" -ge 4 ] || fail "big: 40 points in arrays of 11 tasks at most need 4 arrays, not $narrays"
maxtask=$(sed -n 's/.* ArrayTaskId=\([0-9]*\) .*/\1/p' bigjobs | sort -n | tail -1)
[ "$maxtask" -le 10 ] || fail "big: a task index $maxtask (MaxArraySize 11)"
[ "$(wc -l <bigjobs)" -eq 40 ] || fail "big: 40 tasks expected, $(wc -l <bigjobs) ran"

# gated_run TAG PPT N: a campaign of N points, PPT a task, that wait at
# the gate; its key in $key once its tasks have started their first point.
gated_run() {
	expect_exit 0 "$LABRAT" run -t "$1" $S --points-per-task "$2" -p "x=1..$3" -- \
		sh -c 'while [ ! -e "$2" ]; do sleep 0.1; done; echo y=$1' sh {x} "$GATE"
	key=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = '$1'")
	wait_until "the tasks of $1 start" tasks_started "$key" $((($3 + $2 - 1) / $2))
}

# 8. scancel from outside: the points of the cancelled tasks fail, with
# the scheduler's word in their standard error; the campaign ends.
gated_run outside 2 4
scancel "$(cat "$SPOOL/$key/b0/jobid")" || fail "scancel failed"
expect_exit 0 "$LABRAT" wait outside --timeout 60
[ "$(status_field outside failed)" = 4 ] || fail "outside: 4 failed expected"
contains_sql "select group_concat(stderr_tail) from current_job where tag = 'outside'" CANCELLED

# 9. slurmd killed with SIGKILL mid-array and started again: the tasks go
# on, every point once.
gated_run slurmd 2 6
slurmh_kill_slurmd || fail "$SLURMH_ERROR"
touch "$GATE"
sleep 1
slurmh_start_slurmd || fail "$SLURMH_ERROR"
expect_exit 0 "$LABRAT" wait slurmd --timeout 120
every_point_once slurmd 6
rm -f "$GATE"

# 10. slurmctld stopped mid-campaign: squeue fails, the runner backs off
# and stays responsive; results spooled meanwhile arrive while the
# controller is down; once it is back, the campaign ends, every point once.
gated_run ctld 2 6
slurmh_stop_slurmctld || fail "$SLURMH_ERROR"
touch "$GATE"
wait_until "results arrive while slurmctld is down" count_at_least ctld ok 6
expect_exit 0 "$LABRAT" status ctld
slurmh_start_slurmctld || fail "$SLURMH_ERROR"
expect_exit 0 "$LABRAT" wait ctld --timeout 120
every_point_once ctld 6
rm -f "$GATE"
# (Until the node is back in service, sbatch --test-only refuses jobs.)
slurmh_wait_node IDLE 60 || fail "$SLURMH_ERROR"

# 11. Nothing is left in the spool of campaigns that are over (finished
# or cancelled); a campaign whose runner was killed kept its spool for
# resume, which removed it at the end.
for tag in full hostile fails cancelme dead dead2 big outside slurmd ctld; do
	k=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = '$tag'")
	[ ! -e "$SPOOL/$k" ] || fail "$tag: its spool is left: $(ls "$SPOOL/$k")"
done

# 12. A point's CPU time is measured on its node (the task shell's
# `times`); its peak memory is not (unknown, never a made-up 0).
expect_exit 0 "$LABRAT" run --wait -t cpu $S --points-per-task 2 -p 'x=1..2' -- \
	sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i + 1)); done; echo y=$1' sh {x}
every_point_once cpu 2
[ "$(sql "select count(*) from current_job where tag = 'cpu' and cpu_user + cpu_sys > 0.05 and maxrss_kb is null")" = 2 ] ||
	fail "cpu: $(sql "select cpu_user, cpu_sys, maxrss_kb from current_job where tag = 'cpu'")"
[ "$(sql "select count(*) from current_job where tag = 'outside' and cpu_user is null")" -ge 2 ] ||
	fail "outside: points that never ran should have no cpu time"

# 13. --points-per-task auto times one point on the cluster and packs
# tasks of a few minutes: 6 points of 0.2 s share one task.
expect_exit 0 "$LABRAT" run --wait -t auto $S --points-per-task auto -p 'x=1..6' -- \
	sh -c 'sleep 0.2; echo y=$1' sh {x}
contains err "point(s) a task"
every_point_once auto 6
[ "$(sql "select json_extract(backend_args, '\$.points_per_task') >= 100 from resultset where tag = 'auto'")" = 1 ] ||
	fail "auto: $(sql "select backend_args from resultset where tag = 'auto'")"
# A dry run runs its point on the cluster too, and records nothing.
expect_exit 0 "$LABRAT" run --dry-run -t dry $S -p 'x=1..3' -- sh -c 'echo y=$1' sh {x}
contains out "ok in"
[ "$(sql "select count(*) from resultset where tag = 'dry'")" = 0 ] || fail "dry: recorded"

# 14. A point that times out is stopped with what it started: the next
# point of its task finds no process of it left.
expect_exit 1 "$LABRAT" run --wait -t group $S --points-per-task 2 --timeout 1 \
	--order sequential -p 'x=0..1' -- sh -c 'if [ $1 = 0 ]; then sleep 37.25; :; fi
sleep 0.5; if ps -eo args | grep -q "^sleep 37.25"; then echo left=1; else echo left=0; fi' sh {x}
contains_sql "select error from current_job where tag = 'group' and point = 0" "timed out"
[ "$(sql "select json_extract(results, '\$.left') from current_job where tag = 'group' and point = 1")" = 0 ] ||
	fail "group: the timed-out point's child outlived it"

echo "slurm_backend: all passed"
