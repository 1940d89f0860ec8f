#!/bin/sh
# Fault injection: the runner is killed with SIGKILL at random moments, at
# least 50 times, and resumed each time.  Afterwards every point has
# exactly one successful result, nothing was recorded twice, and the
# results equal those of an uninterrupted run.  LABRAT_CRASH_KILLS sets the
# number of kills.  The same holds for a campaign of persistent workers
# (--worker), killed LABRAT_CRASH_WORKER_KILLS times (20), and no worker
# is left running.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

KILLS=${LABRAT_CRASH_KILLS:-50}
N=2000
# Jobs of 0-6 ms with a result that depends only on the point.
job='sleep 0.00$(($1 % 7)); echo "y=$(($1 * $1 % 1009))"; echo "z=x$1"'

# A few random milliseconds from /dev/urandom (dash has no $RANDOM).
rand_ms() {
	od -An -N2 -tu2 /dev/urandom | awk -v lo="$1" -v span="$2" \
		'{ printf "%.3f", (lo + $1 % span) / 1000 }'
}

# Campaigns are started one after the other until the runner has been
# killed KILLS times (a fast or slow build finishes them at its own pace).
# $prefix names them; the arguments of new_set run the job.
new_set() {
	sets=$((sets + 1))
	tag=$prefix$sets
	expect_exit 0 "$LABRAT" run -t $tag --cores 2 -p "x=1..$N" "$@"
}

# Results the uninterrupted run gives.
expected_sum=$(awk -v n=$N 'BEGIN { s = 0; for (x = 1; x <= n; x++) s += x * x % 1009; print s }')

# check_sets: every campaign $prefix1.. has each point's result once.
check_sets() {
	i=1
	while [ $i -le $sets ]; do
		t=$prefix$i
		expect_exit 0 "$LABRAT" status --json $t
		contains out '"status":"finished"'
		contains out "\"ok\":$N"
		contains out '"failed":0'
		q() { sql "select $1 from job j join resultset s on s.id = j.set_id where s.tag = '$t' $2"; }
		# Exactly one ok job per point, and no other current job.
		[ "$(q 'count(*)' 'and j.current')" = $N ] ||
			fail "$t: not exactly one current job per point"
		[ "$(q 'count(*)' "and j.state = 'ok'")" = $N ] ||
			fail "$t: a result was recorded twice (or lost)"
		[ "$(q 'count(distinct j.point)' "and j.state = 'ok'")" = $N ] ||
			fail "$t: a point has two results"
		[ "$(q 'count(*)' "and j.state in ('running', 'queued')")" = 0 ] ||
			fail "$t: jobs left running or queued"
		[ "$(q "sum(json_extract(j.results, '\$.y'))" "and j.state = 'ok'")" = "$expected_sum" ] ||
			fail "$t: results differ from an uninterrupted run: $(q "sum(json_extract(j.results, '\$.y'))" "and j.state = 'ok'") vs $expected_sum"
		[ "$(q 'count(*)' "and j.state = 'ok' and json_extract(j.results, '\$.z') = 'x' || json_extract(j.params, '\$.x')")" = $N ] ||
			fail "$t: a result is attached to the wrong point"
		i=$((i + 1))
	done
}

# crash KILLS PREFIX RUN-ARGS...: kill the runner of campaigns PREFIX1,
# PREFIX2, ... KILLS times at random moments, resuming it each time, then
# check every campaign.
crash() {
	kills_wanted=$1 prefix=$2 sets=0 kills=0
	shift 2
	new_set "$@"
	while [ $kills -lt $kills_wanted ]; do
		# Wait for a live runner, let it work a random while, kill it.
		wait_until "a runner runs $tag" sh -c "
			s=\$(\"$LABRAT\" status --json $tag)
			case \$s in *'\"status\":\"running\"'*) exit 0;; esac
			case \$s in *'\"status\":\"finished\"'*) exit 0;; esac
			exit 1"
		if state_is $tag finished; then
			new_set "$@"
			continue
		fi
		# The campaign may end in between: no pid then (and never kill
		# 0, the test's own process group).
		pid=$(status_field $tag runner_pid)
		[ "${pid:-0}" -gt 0 ] || continue
		sleep "$(rand_ms 5 120)"
		kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
		wait_until "the killed runner is gone" sh -c "! kill -0 $pid"
		expect_exit 0 "$LABRAT" resume $tag
	done
	echo "killed the runner $kills times over $sets campaign(s) of $N jobs ($prefix)"
	expect_exit 0 "$LABRAT" wait --timeout 300
	check_sets
}

crash "$KILLS" crash -- sh -c "$job" sh {x}

# The same with persistent workers (when there is a Python to run them):
# a worker killed with its runner loses nothing and is never left behind.
PY=${PYTHON3:-$(command -v python3)}
if [ -n "$PY" ]; then
	cat >"$T/crash_worker.py" <<'EOF'
import json, sys, time
for line in sys.stdin:
    x = json.loads(line)["x"]
    time.sleep((x % 7) / 1000)
    print(json.dumps({"y": x * x % 1009, "z": "x%d" % x}), flush=True)
EOF
	crash "${LABRAT_CRASH_WORKER_KILLS:-20}" wcrash --worker -- \
		"$PY" "$T/crash_worker.py"
	wait_until "no worker is left" sh -c \
		"! ps -eo args | grep -F '$T/crash_worker.py' | grep -v grep"
fi
echo "$(sql "select count(*) from job where state = 'interrupted'") interrupted jobs were re-queued and run again"
exit 0
