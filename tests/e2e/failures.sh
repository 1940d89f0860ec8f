#!/bin/sh
# Failing jobs never stop a campaign: each is recorded with its reason
# (exit status, signal, timeout, unparsable results, missing command) and
# the end of its standard error; retries run again; the exit status of
# `run` says some failed.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

cat >exp.sh <<'EXP'
#!/bin/sh
case $1 in
ok)      echo "value=1" ;;
exit3)   echo "about to fail" >&2; exit 3 ;;
segv)    kill -SEGV $$ ;;
hang)    sleep 30 ;;
badjson) echo '{"a": 1,' ;;
esac
EXP
chmod +x exp.sh
expect_exit 1 "$LABRAT" run --wait -t mixed --order sequential --timeout 1 \
	-p 'mode={ok, exit3, segv, hang, badjson}' -- ./exp.sh {mode}
contains out "1 ok, 4 failed"
contains out "labrat show mixed"

q() { sql "select $1 from job where json_extract(params,'\$.mode')='$2'"; }
[ "$(q state ok)" = ok ] || fail "ok job not ok"
[ "$(q exit_code exit3)" = 3 ] || fail "exit code 3 not recorded"
q error exit3 | grep -q "exited with status 3" || fail "exit3 reason"
q stderr_tail exit3 | grep -q "about to fail" || fail "stderr tail not kept"
[ "$(q signal segv)" = 11 ] || fail "signal 11 not recorded"
q error segv | grep -q "SIGSEGV" || fail "segv reason"
q error hang | grep -q "timed out after 1 s" || fail "timeout reason: $(q error hang)"
q error badjson | grep -q "unparsable results" || fail "badjson reason"

expect_exit 0 "$LABRAT" show mixed
contains out "exited with status 3"
contains out "| about to fail"

# A command that does not exist fails every job with a clear reason.
expect_exit 1 "$LABRAT" run --wait -t missing -p 'x=1..3' -- ./no-such-program {x}
contains out "0 ok, 3 failed"
[ "$(sql "select count(*) from job where error like 'cannot run the command: No such file%'")" = 3 ] ||
	fail "missing command not explained"

# Retries: a job that fails twice then succeeds, with --retries 2.
cat >flaky.sh <<'EXP'
#!/bin/sh
if [ "$LABRAT_ATTEMPT" -lt 3 ]; then echo "attempt $LABRAT_ATTEMPT fails" >&2; exit 1; fi
echo "attempt=$LABRAT_ATTEMPT"
EXP
chmod +x flaky.sh
expect_exit 0 "$LABRAT" run --wait -t flaky --retries 2 -p 'x=1..4' -- ./flaky.sh
[ "$(sql "select count(*) from job j join resultset s on s.id=j.set_id where s.tag='flaky' and j.state='ok' and j.attempt=3")" = 4 ] ||
	fail "retries did not reach attempt 3"
[ "$(status_field flaky ok)" = 4 ] || fail "flaky: 4 ok expected"
[ "$(status_field flaky failed)" = 0 ] || fail "flaky: superseded failures counted"
expect_exit 0 "$LABRAT" export -t flaky
[ "$(wc -l <out)" -eq 5 ] || fail "export shows superseded attempts by default"
expect_exit 0 "$LABRAT" export -t flaky --all-attempts
[ "$(wc -l <out)" -eq 13 ] || fail "--all-attempts should show 12 jobs"

# Not enough retries: the job stays failed after 1 + 1 attempts.
expect_exit 1 "$LABRAT" run --wait -t flaky2 --retries 1 -p 'x=1' -- ./flaky.sh
[ "$(status_field flaky2 failed)" = 1 ] || fail "flaky2 should fail"

# Memory limit: a job that needs more than --mem fails.
if [ -n "${PYTHON3:-}" ]; then
	expect_exit 1 "$LABRAT" run --wait -t mem --mem 64M -p 'x=1' -- \
		"$PYTHON3" -c 'b = bytearray(512 * 1024 * 1024); print("n=1")'
	contains out "0 ok, 1 failed"
fi
exit 0
