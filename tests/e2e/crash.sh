#!/bin/sh
# Fault injection: the runner is killed with SIGKILL at random moments, at
# least 50 times, and resumed each time.  Afterwards every point has
# exactly one successful result, nothing was recorded twice, and the
# results equal those of an uninterrupted run.  LABRAT_CRASH_KILLS sets the
# number of kills.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

KILLS=${LABRAT_CRASH_KILLS:-50}
N=3000
# Jobs of 0-6 ms with a result that depends only on the point.
job='sleep 0.00$(($1 % 7)); echo "y=$(($1 * $1 % 1009))"; echo "z=x$1"'

# A few random milliseconds from /dev/urandom (dash has no $RANDOM).
rand_ms() {
	od -An -N2 -tu2 /dev/urandom | awk -v lo="$1" -v span="$2" \
		'{ printf "%.3f", (lo + $1 % span) / 1000 }'
}

expect_exit 0 "$LABRAT" run -t crash --cores 2 -p "x=1..$N" -- sh -c "$job" sh {x}
kills=0
while [ $kills -lt $KILLS ]; do
	# Wait for a live runner, let it work a random while, kill it.
	wait_until "a runner runs crash" sh -c "
		s=\$(\"$LABRAT\" status --json crash)
		case \$s in *'\"status\":\"running\"'*) exit 0;; esac
		case \$s in *'\"status\":\"finished\"'*) exit 0;; esac
		exit 1"
	state_is crash finished && break
	pid=$(status_field crash runner_pid)
	sleep "$(rand_ms 5 120)"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait_until "the killed runner is gone" sh -c "! kill -0 $pid"
	ok=$(status_field crash ok)
	expect_exit 0 "$LABRAT" resume crash
done
echo "killed the runner $kills times; $ok of $N jobs done at the last kill"
[ $kills -ge "$KILLS" ] || fail "the campaign ended after only $kills kills: make it longer"

expect_exit 0 "$LABRAT" wait crash --timeout 300
expect_exit 0 "$LABRAT" status --json crash
contains out '"status":"finished"'
contains out "\"ok\":$N"
contains out '"failed":0'

# Exactly one ok job per point, and no other current job.
[ "$(sql "select count(*) from current_job where tag='crash'")" = $N ] ||
	fail "not exactly one current job per point"
[ "$(sql "select count(*) from job where state='ok'")" = $N ] ||
	fail "a result was recorded twice (or lost)"
[ "$(sql "select count(distinct point) from job where state='ok'")" = $N ] ||
	fail "a point has two results"
[ "$(sql "select count(*) from job where state in ('running','queued')")" = 0 ] ||
	fail "jobs left running or queued"
# The results are those an uninterrupted run gives.
want=$(awk -v n=$N 'BEGIN { s = 0; for (x = 1; x <= n; x++) s += x * x % 1009; print s }')
[ "$(sql "select sum(json_extract(results,'\$.y')) from job where state='ok'")" = "$want" ] ||
	fail "results differ from an uninterrupted run"
[ "$(sql "select count(*) from job where state='ok' and json_extract(results,'\$.z') = 'x' || (json_extract(params,'\$.x'))")" = $N ] ||
	fail "a result is attached to the wrong point"
interrupted=$(sql "select count(*) from job where state='interrupted'")
echo "$interrupted interrupted jobs were re-queued and run again"
exit 0
