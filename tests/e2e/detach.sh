#!/bin/sh
# Asynchronous campaigns: run returns at once and the detached runner goes
# on after the shell that started it is gone; status tells running,
# paused, finished, cancelled, stopped and dead; pause, resume, cancel,
# retry, purge and wait steer it from any shell; one runner per campaign.
# A campaign that must still be running at some step has jobs that wait at
# a gate the test opens (lib.sh), never jobs that merely take a while.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

# job GATE: a job that waits at GATE, then answers y = 2x (for sh -c,
# its x in $1; $GATE has no blank or quote: mktemp names it).
job() {
	echo "$GATE $1; echo \"y=\$((\$1 * 2))\""
}

# run returns at once, from a shell that then goes away.
sh -c "\"$LABRAT\" run -t bg --cores 2 -p 'x=1..60' -- sh -c '$(job bg)' sh {x} >run.out 2>&1" &
wait $!
contains run.out "detached"
contains run.out "labrat wait bg"
state_is bg running || fail "bg is $(status_word bg)"
[ "$(status_field bg pending)" -gt 0 ] || fail "run did not return before the campaign ended"
[ -s "$LABRAT_NOTEBOOK.log" ] || fail "no runner log beside the notebook"

# A second runner for the same campaign is refused by the lock.
expect_exit 0 "$LABRAT" resume bg
contains out "bg: running (runner pid"
expect_exit 0 "$LABRAT" resume --wait bg
contains out "bg: running (runner pid"

# Pause: running jobs finish, then nothing new starts.
expect_exit 0 "$LABRAT" pause bg
contains out "paused"
gate_open bg
wait_until "bg is paused with no job running" sh -c \
	"[ \"\$(\"$LABRAT\" status --json bg | sed -n 's/.*\"status\":\"\\([a-z]*\\)\".*/\\1/p')\" = paused ] &&
	 [ \"\$(\"$LABRAT\" status --json bg | sed -n 's/.*\"running\":\\([0-9]*\\).*/\\1/p')\" = 0 ]"
c1=$(sql "select cursor from resultset where tag='bg'")
sleep 0.3   # a window in which a running campaign would start ~12 jobs
c2=$(sql "select cursor from resultset where tag='bg'")
[ "$c1" = "$c2" ] || fail "jobs started while paused ($c1 -> $c2)"

# Resume, then wait for the end.
expect_exit 0 "$LABRAT" resume bg
contains out "bg: running (runner pid"
expect_exit 0 "$LABRAT" wait bg --timeout 60
[ "$(status_word bg)" = finished ] || fail "bg should be finished"
[ "$(status_field bg ok)" = 60 ] || fail "bg: 60 ok expected"
[ "$(sql "select sum(json_extract(results,'\$.y')) from current_job where tag='bg'")" = 3660 ] ||
	fail "bg: results differ"
contains "$LABRAT_NOTEBOOK.log" "paused"

# wait --timeout gives up with its own exit status.
expect_exit 0 "$LABRAT" run -t slow --cores 1 -p 'x=1..5' -- "$GATE" slow
wait_until "a job of slow runs" count_at_least slow running 1
expect_exit 4 "$LABRAT" wait slow --timeout 0.3
contains err "timed out"

# Cancel kills the running job, keeps what was recorded, leaves the rest.
expect_exit 0 "$LABRAT" cancel slow
contains out "cancelled"
[ "$(status_word slow)" = cancelled ] || fail "slow should be cancelled"
[ "$(status_field slow cancelled)" = 1 ] || fail "slow: the running job should be cancelled"
[ "$(status_field slow running)" = 0 ] || fail "slow: jobs still running after cancel"
pgrep -f "$GATE slow" >/dev/null && fail "the cancelled job is still running"
expect_exit 0 "$LABRAT" wait slow
expect_exit 0 "$LABRAT" retry --cancelled slow
contains out "1 job(s) queued"
expect_exit 0 "$LABRAT" cancel slow

# A runner killed with -9 is dead; wait says so; resume brings it back.
expect_exit 0 "$LABRAT" run -t victim --cores 2 -p 'x=1..40' -- sh -c "$(job victim)" sh {x}
wait_until "a job of victim runs" count_at_least victim running 1
pid=$(status_field victim runner_pid)
[ "${pid:-0}" -gt 0 ] || fail "no runner pid for victim"
kill -9 "$pid"
gate_open victim  # the jobs it left behind end
wait_until "victim is dead" state_is victim dead
expect_exit 5 "$LABRAT" wait victim
contains err "labrat resume victim"
# purge with no runner: its running rows stop holding the campaign.
expect_exit 0 "$LABRAT" purge victim
contains out "now cancelled"
[ "$(status_field victim running)" = 0 ] || fail "purge left running rows"
expect_exit 0 "$LABRAT" resume victim
expect_exit 0 "$LABRAT" wait victim --timeout 60
[ "$(status_field victim ok)" -ge 38 ] || fail "victim did not finish after resume"
[ "$(sql "select count(*) - count(distinct point) from current_job where tag='victim'")" = 0 ] ||
	fail "victim: a point is current twice"

# purge with a live runner: a stuck job is killed and recorded cancelled.
expect_exit 0 "$LABRAT" run -t stuck --cores 1 -p 'x={1,2}' -- \
	sh -c 'if [ "$1" = 1 ]; then sleep 601; fi; echo y=1' sh {x}
wait_until "a job of stuck runs" count_at_least stuck running 1
expect_exit 0 "$LABRAT" purge stuck
expect_exit 0 "$LABRAT" wait stuck --timeout 30
[ "$(status_field stuck cancelled)" = 1 ] && [ "$(status_field stuck ok)" = 1 ] ||
	fail "stuck: expected 1 purged and 1 ok"
sql "select error from current_job where tag='stuck' and state='cancelled'" >e
contains e "purged"

# Killing a job (not the runner) records a failure, retried per --retries.
expect_exit 0 "$LABRAT" run -t jobkill --retries 1 --cores 1 -p 'x=1' -- \
	sh -c 'if [ "$LABRAT_ATTEMPT" = 1 ]; then sleep 602; fi; echo y=1'
wait_until "the job of jobkill runs" count_at_least jobkill running 1
pkill -9 -f "sleep 602"
expect_exit 0 "$LABRAT" wait jobkill --timeout 30
[ "$(status_field jobkill ok)" = 1 ] || fail "jobkill: the retry should succeed"
sql "select error from job j join resultset s on s.id=j.set_id where s.tag='jobkill' and j.attempt=1" >e
contains e "SIGKILL"

# retry --failed starts a runner for failed jobs.
expect_exit 1 "$LABRAT" run --wait -t flaky -p 'x=1..3' -- \
	sh -c 'if [ "$LABRAT_ATTEMPT" = 1 ] && [ "$1" = 2 ]; then exit 1; fi; echo y=$1' sh {x}
expect_exit 0 "$LABRAT" retry flaky --wait
[ "$(status_field flaky ok)" = 3 ] || fail "flaky: retry did not fix it"

# status reads any notebook without a runner; pause with none is refused.
expect_exit 2 "$LABRAT" pause flaky
contains err "no live runner"
expect_exit 0 "$LABRAT" status
contains out "finished"
contains out "cancelled"
exit 0
