#!/bin/sh
# The SLURM harness (tests/slurm.sh), proved with SLURM's own clients
# before the SLURM backend's tests rely on it: the cluster comes up with
# its private munge, config and ports; a throttled array runs all its
# tasks; a job past its time limit ends TIMEOUT; scancel ends running and
# pending tasks; slurmd killed with SIGKILL mid-array and started again
# loses no task; a restarted slurmctld keeps its jobs and job ids; hostile
# characters in an exported variable reach the task verbatim; MaxArraySize
# bounds arrays; a second cluster runs beside the first without either
# noticing, and a test that fails leaves nothing of its cluster behind.
# Every wait is for a condition, with a bound.  What was seen after each
# fault is printed at the end (the test's log).
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"
. "$LABRAT_SRCDIR/tests/slurm.sh"

trap 'slurmh_stop; rm -rf "$T"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
t_test=$(now_ms)

slurmh_start "$T/slurm"
case $? in
0) ;;
1) skip "no private SLURM cluster: $SLURMH_ERROR" ;;
*) fail "$SLURMH_ERROR" ;;
esac

# report LINE: a fact for the summary at the end.
: >report
report() {
	printf '%s\n' "$*" >>report
}
report "cluster up (munged, slurmctld, slurmd, node IDLE) in $SLURMH_UP_MS ms"

# record ID JOB: the line of slurmh_job_states JOB for record ID.
record() {
	slurmh_job_states "$2" | awk -v id="$1" '$1 == id'
}

# expect_record ID JOB "STATE REASON EXIT": that record says so.
expect_record() {
	_r=$(record "$1" "$2")
	case "$_r " in
	"$1 $3 "*) ;;
	*) slurmh_job_states "$2" >&2
	   fail "record $1: '$_r', expected '$1 $3'" ;;
	esac
}

# submit ARG...: sbatch --parsable ARG..., the job id in $job.
submit() {
	slurmh_run sbatch --parsable "$@" >out 2>err ||
		{ cat err >&2; fail "sbatch $* failed"; }
	job=$(cat out)
	case $job in
	'' | *[!0-9]*) cat out err >&2; fail "sbatch printed '$job', no job id" ;;
	esac
}

# wait_job JOB SECONDS
wait_job() {
	slurmh_wait_job "$1" "$2" || fail "$SLURMH_ERROR"
}

running() {
	[ "$(record "$1" "$2" | cut -d' ' -f2)" = RUNNING ]
}

gone() {
	! slurmh_alive "$1"
}

# 0 if the node takes jobs: IDLE, MIXED or ALLOCATED, no flag.
node_ok() {
	case $(slurmh_node_state) in
	IDLE | MIXED | ALLOCATED) return 0 ;;
	esac
	return 1
}

# 1. The cluster: its config, its own munge and ports, its clients.
[ "$SLURM_CONF" = "$SLURMH_CONF" ] && [ -f "$SLURM_CONF" ] ||
	fail "SLURM_CONF is '$SLURM_CONF', not the harness's slurm.conf"
[ "$(slurmh_node_state)" = IDLE ] || fail "the node is $(slurmh_node_state)"
contains "$SLURM_CONF" "AuthInfo=socket=$SLURMH_MUNGE_SOCKET"
contains "$SLURM_CONF" "SlurmctldPort=$SLURMH_CTLD_PORT"
contains "$SLURM_CONF" "SlurmdPort=$SLURMH_SLURMD_PORT"
contains "$SLURM_CONF" "MaxArraySize=101"
contains "$SLURM_CONF" "JobCompLoc=$SLURMH_JOBCOMP"
[ -S "$SLURMH_MUNGE_SOCKET" ] || fail "no munge socket at $SLURMH_MUNGE_SOCKET"
slurmh_run scontrol show config >out 2>err || fail "scontrol show config"
contains out "$SLURMH_MUNGE_SOCKET"
contains out "ClusterName             = $SLURMH_CLUSTER"
slurmh_run sinfo -h -o '%P %a %D %t' >out 2>err || fail "sinfo failed"
[ "$(cat out)" = "debug* up 1 idle" ] || { cat out >&2; fail "sinfo: $(cat out)"; }
for p in "$SLURMH_CTLD_PID" "$SLURMH_SLURMD_PID" "$SLURMH_MUNGED_PID"; do
	slurmh_alive "$p" || fail "daemon $p is not running"
done
daemons="$SLURMH_CTLD_PID $SLURMH_SLURMD_PID $SLURMH_MUNGED_PID"

# 2. A job past its time limit (one minute, the least SLURM takes: it
# counts minutes): started now, checked at the end, so that the rest of
# the test, faults included, runs during its minute.
# J: where jobs write (the test's directory has no quote nor blank).
J=$T/jobs
mkdir -p "$J"
submit --time=1 -J limit -o "$J/limit.out" \
    --wrap "echo \$\$ >$J/limit.pid; exec sleep 600"
limit=$job
t_limit=$(now_ms)
wait_until "the time-limited job runs" test -s "$J/limit.pid"
limit_pid=$(cat "$J/limit.pid")
expect_record "$limit" "$limit" "RUNNING None 0:0"

# 3. A throttled array of 10 tasks writing files, and a failing job.
t0=$(now_ms)
submit --array=0-9%2 -J arr -o "$J/arr_%A_%a.out" \
    --wrap "echo \$SLURM_ARRAY_JOB_ID \$SLURM_ARRAY_TASK_ID >$J/arr.\$SLURM_ARRAY_TASK_ID"
arr=$job
submit -J three -o "$J/three.out" --wrap 'exit 3'
three=$job
wait_job "$arr" 60
arr_ms=$(($(now_ms) - t0))
wait_job "$three" 30
i=0
while [ $i -lt 10 ]; do
	[ "$(cat "$J/arr.$i")" = "$arr $i" ] ||
		fail "task $i of the array wrote '$(cat "$J/arr.$i")'"
	[ -f "$J/arr_${arr}_$i.out" ] || fail "no output file of task $i"
	expect_record "${arr}_$i" "$arr" "COMPLETED None 0:0"
	i=$((i + 1))
done
[ "$(slurmh_job_states "$arr" | wc -l)" -eq 10 ] ||
	fail "the array has $(slurmh_job_states "$arr" | wc -l) records, not 10"
slurmh_run scontrol -o show job "$arr" >out 2>err || fail "scontrol show job"
contains out "ArrayTaskThrottle=2"
expect_record "$three" "$three" "FAILED NonZeroExitCode 3:0"
# The completion log: one line per task, with the array's id and index.
slurmh_jobcomp "$arr" >out
[ "$(grep -c 'JobState=COMPLETED' out)" -eq 10 ] ||
	{ cat out >&2; fail "the completion log lacks tasks of array $arr"; }
contains out "ArrayJobId=$arr ArrayTaskId=9 "
slurmh_jobcomp "$three" >out
contains out "JobState=FAILED"
contains out "ExitCode=3:0"
report "array 0-9%2: all 10 tasks done in $arr_ms ms (while the" \
    "time-limited job holds one of the node's $SLURMH_NODE_CPUS CPUs)"

# 4. scancel: the running task and the pending rest.
submit --array=0-3 -J cancel -o /dev/null \
    --wrap "echo \$\$ >$J/cancel.\$SLURM_ARRAY_TASK_ID; exec sleep 600"
cancel=$job
wait_until "a task of the array to cancel runs" test -s "$J/cancel.0"
cancel_pid=$(cat "$J/cancel.0")
slurmh_run scancel "$cancel" || fail "scancel $cancel failed"
wait_job "$cancel" 30
wait_until "the cancelled task's process is gone" gone "$cancel_pid"
slurmh_job_states "$cancel" >out
report "scancel of array $cancel (one task running):" \
    "$(tr '\n' ';' <out)"
while read -r id st rest; do
	[ "$st" = CANCELLED ] || fail "record $id of the cancelled array: $st"
done <out
expect_record "${cancel}_0" "$cancel" "CANCELLED None 0:15"
slurmh_jobcomp "$cancel" >out
contains out "JobState=CANCELLED"
report "  its completion log: $(grep -o 'JobState=[A-Z]*' out | sort | uniq -c |
    tr -s ' \n' ' ')"

# 5. slurmd killed with SIGKILL while a task runs, the task ending while
# slurmd is gone, slurmd started again: every task finishes.
gate_close kill
submit --array=0-3%1 -J killd -o "$J/killd_%a.out" \
    --wrap "echo \$\$ >$J/killd.pid.\$SLURM_ARRAY_TASK_ID; $GATE kill || exit 9; echo \$SLURM_ARRAY_TASK_ID >$J/killd.\$SLURM_ARRAY_TASK_ID"
killd=$job
wait_until "task 0 of array $killd runs" test -s "$J/killd.pid.0"
task_pid=$(cat "$J/killd.pid.0")
slurmd_old=$SLURMH_SLURMD_PID
slurmh_kill_slurmd || fail "$SLURMH_ERROR"
gone "$slurmd_old" || fail "slurmd $slurmd_old survives SIGKILL"
slurmh_alive "$task_pid" || fail "the running task went with slurmd"
after_kill="node $(slurmh_node_state), task 0 $(record "${killd}_0" "$killd" |
    cut -d' ' -f2-)"
# Task 0 ends while slurmd is down.
gate_open kill
wait_until "task 0 ends while slurmd is down" test -s "$J/killd.0"
wait_until "task 0's process is gone" gone "$task_pid"
ended_down=$(slurmh_job_states "$killd" | tr '\n' ';')
t0=$(now_ms)
slurmh_start_slurmd || fail "$SLURMH_ERROR"
back_ms=$(($(now_ms) - t0))
[ "$SLURMH_SLURMD_PID" != "$slurmd_old" ] || fail "no new slurmd"
t0=$(now_ms)
wait_job "$killd" 60
rest_ms=$(($(now_ms) - t0))
i=0
while [ $i -lt 4 ]; do
	expect_record "${killd}_$i" "$killd" "COMPLETED None 0:0"
	[ "$(cat "$J/killd.$i")" = $i ] || fail "task $i of $killd did not run"
	i=$((i + 1))
done
slurmh_job_states "$killd" >out
awk '$5 != 0 { exit 1 }' out || { cat out >&2; fail "tasks were restarted"; }
node_ok || fail "the node is $(slurmh_node_state) after slurmd's return"
report "slurmd SIGKILLed while task 0 ran (it went on): right" \
    "after, $after_kill; task 0 ended while slurmd was down: $ended_down" \
    "slurmd registered again in $back_ms ms, the other 3 tasks done" \
    "$rest_ms ms later, none restarted; node then $(slurmh_node_state)" \
    "(the time-limited job still runs)"

# 6. slurmctld restarted while an array runs and waits: jobs and job ids
# go on.
gate_close ctld
submit --array=0-2%1 -J ctld -o /dev/null \
    --wrap "echo \$\$ >$J/ctld.pid.\$SLURM_ARRAY_TASK_ID; $GATE ctld || exit 9; echo \$SLURM_ARRAY_TASK_ID >$J/ctld.\$SLURM_ARRAY_TASK_ID"
ctld=$job
wait_until "task 0 of array $ctld runs" test -s "$J/ctld.pid.0"
ctld_old=$SLURMH_CTLD_PID
t0=$(now_ms)
slurmh_restart_slurmctld || fail "$SLURMH_ERROR"
restart_ms=$(($(now_ms) - t0))
gone "$ctld_old" || fail "the old slurmctld survives"
expect_record "${ctld}_0" "$ctld" "RUNNING None 0:0"
running "$limit" "$limit" || fail "the time-limited job stopped running"
slurmh_job_states "$ctld" >out
after_ctld=$(tr '\n' ';' <out)
gate_open ctld
wait_job "$ctld" 60
for i in 0 1 2; do
	expect_record "${ctld}_$i" "$ctld" "COMPLETED None 0:0"
	[ "$(cat "$J/ctld.$i")" = $i ] || fail "task $i of $ctld did not run"
done
# Finished jobs from before the restart are still known.
expect_record "${arr}_9" "$arr" "COMPLETED None 0:0"
report "slurmctld restarted (SIGTERM, started without -c) in $restart_ms ms;" \
    "right after: $after_ctld; all tasks then completed"

# 7. Hostile characters in an exported variable reach the task verbatim
# (sbatch's default --export=ALL).
LABRAT_HOSTILE=$(printf ' a  b\tc\nd'"'"'e"f$g`h\\i;j|k&l*m?n[o]p{q}r<s>t,u=v%%w\001x $(id) é ')
export LABRAT_HOSTILE
printf '%s\n' "$LABRAT_HOSTILE" >hostile.want
submit -J hostile -o "$J/hostile.out" --wrap "printenv LABRAT_HOSTILE >$J/hostile"
hostile=$job
unset LABRAT_HOSTILE
# Job ids went on through the restart.
[ "$hostile" -gt "$ctld" ] || fail "job id $hostile after $ctld"
wait_job "$hostile" 30
expect_record "$hostile" "$hostile" "COMPLETED None 0:0"
cmp hostile.want "$J/hostile" || fail "the variable reached the task changed"

# 8. MaxArraySize=101: indices 0..100, nothing beyond.
submit --array=0-100%1 -H -J big -o /dev/null --wrap true
big=$job
slurmh_job_states "$big" >out
contains out "${big}_[0-100%1] PENDING JobHeldUser"
slurmh_run scancel "$big" || fail "scancel $big failed"
if slurmh_run sbatch --parsable --array=0-101 -H -o /dev/null --wrap true \
    >out 2>err; then
	fail "an array of 102 tasks was accepted: $(cat out)"
fi
contains err "Invalid job array specification"
report "MaxArraySize=101: 0-100 accepted, 0-101 refused: $(head -n 1 err)"

# 9. A second cluster beside this one, in a test that then fails: its own
# ports, munge and jobs, and nothing of it left once it has exited.
sh -c '
	. "$LABRAT_SRCDIR/tests/slurm.sh"
	trap "slurmh_stop" EXIT
	slurmh_start "$1/slurm2" || { echo "$SLURMH_ERROR" >"$1/two.err"; exit 2; }
	job=$(sbatch --parsable -o /dev/null \
	    --wrap "echo \$SLURM_CLUSTER_NAME \$\$ >$1/two.job; exec sleep 600")
	n=0
	until [ -s "$1/two.job" ]; do
		n=$((n + 1)); [ $n -lt 600 ] || exit 2
		sleep 0.05
	done
	echo "$SLURMH_CLUSTER $SLURMH_CTLD_PORT $SLURMH_SLURMD_PORT" \
	    "$SLURMH_MUNGE_SOCKET $SLURM_CONF" >"$1/two.info"
	slurmh_procs | tr "\n" " " >"$1/two.pids"
	exit 1' slurm2 "$T" >two.out 2>&1
rc=$?
[ $rc -eq 1 ] || { cat two.out two.err >&2 2>/dev/null; fail "the second cluster's shell exited $rc"; }
read -r c2 ctld2 slurmd2 sock2 conf2 <two.info
[ "$c2" != "$SLURMH_CLUSTER" ] || fail "both clusters are named $c2"
[ "$ctld2" != "$SLURMH_CTLD_PORT" ] && [ "$ctld2" != "$SLURMH_SLURMD_PORT" ] &&
    [ "$slurmd2" != "$SLURMH_CTLD_PORT" ] &&
    [ "$slurmd2" != "$SLURMH_SLURMD_PORT" ] || fail "the clusters share a port"
[ "$sock2" != "$SLURMH_MUNGE_SOCKET" ] || fail "the clusters share munge"
[ "$conf2" != "$SLURMH_CONF" ] || fail "the clusters share slurm.conf"
[ "$(cut -d' ' -f1 two.job)" = "$c2" ] ||
	fail "the second cluster's job ran in '$(cut -d' ' -f1 two.job)'"
pids2=$(cat two.pids)
[ "$(echo "$pids2" | wc -w)" -ge 4 ] ||
	fail "the second cluster had only processes $pids2"
for p in $pids2 $(cut -d' ' -f2 two.job); do
	wait_until "process $p of the failed test's cluster is gone" gone "$p"
done
node_ok || fail "this cluster's node is $(slurmh_node_state)"

# 10. The time limit: TIMEOUT, in scontrol and in the completion log.
wait_job "$limit" 150
limit_ms=$(($(now_ms) - t_limit))
expect_record "$limit" "$limit" "TIMEOUT TimeLimit 0:15"
wait_until "the timed-out job's process is gone" gone "$limit_pid"
slurmh_jobcomp "$limit" >out
contains out "JobState=TIMEOUT"
report "--time=1: TIMEOUT / TimeLimit / 0:15 after $limit_ms ms; the" \
    "completion log: $(grep -o 'JobState=[A-Z]* .*TimeLimit=[0-9]*' out) ..." \
    "$(grep -o ' ExitCode=[0-9:]*' out)"
slurmh_wait_node IDLE 30 || fail "$SLURMH_ERROR"

# 11. Stop: nothing of the cluster is left; a second stop is harmless.
slurmh_stop || fail "$SLURMH_ERROR"
for p in $daemons "$SLURMH_SLURMD_PID" "$SLURMH_CTLD_PID"; do
	[ -z "$p" ] || gone "$p" || fail "daemon $p outlives slurmh_stop"
done
[ -z "$(slurmh_procs)" ] || fail "slurmh_stop left $(slurmh_procs)"
slurmh_stop || fail "a second stop: $SLURMH_ERROR"
[ ! -S "$SLURMH_MUNGE_SOCKET" ] || fail "munged left its socket"

cat report
echo "slurm_harness: done in $(($(now_ms) - t_test)) ms"
exit 0
