#!/bin/sh
# Persistent workers (--worker): the C and Python example workers give the
# results one process per point gives; every point gets its job record;
# @error, malformed and over-long answers fail their point; a worker that
# dies, hangs past --timeout, exceeds --mem, closes its output or answers
# twice fails only the point it was on and is restarted; one that dies at
# start-up stops the campaign, failing nothing; floods are bounded; pause,
# resume, cancel, purge and retry work; no worker outlives its campaign.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

PY=${PYTHON3:-$(command -v python3)}
[ -n "$PY" ] || skip "no python3 for the Python workers"
CW=$LABRAT_EXAMPLES/logistic_worker
PW=$LABRAT_SRCDIR/examples/logistic_worker.py
[ -x "$CW" ] || fail "$CW is not built"

# q TAG WHAT [WHERE]: a query on TAG's jobs.
q() {
	sql "select $2 from job j join resultset s on s.id = j.set_id where s.tag = '$1' ${3:-}"
}

# results TAG: each point's parameters and results, in point order.
results() {
	q "$1" "j.params || ' ' || j.results" "and j.state = 'ok' order by j.point"
}

# no_worker_left PATTERN: no process runs with PATTERN in its command.
no_worker_left() {
	! ps -eo args | grep -F -- "$1" | grep -v grep >/dev/null
}

# 1. The C worker answers what examples/logistic answers, at any depth;
# so does the Python worker, as a worker and one process per point.
space="-p r=2.8..4:0.05 -p x0={0.1,0.3}"
expect_exit 0 "$LABRAT" run --wait -t cjob --cores 2 $space -- \
	"$LABRAT_EXAMPLES/logistic" {r} {x0}
expect_exit 0 "$LABRAT" run --wait -t cwork --worker --cores 2 $space -- "$CW"
contains out "cwork: 50 ok, 0 failed"
expect_exit 0 "$LABRAT" run --wait -t cwork1 --worker --worker-depth 1 \
	--cores 1 $space -- "$CW"
expect_exit 0 "$LABRAT" run --wait -t cwork8 --worker --worker-depth 8 \
	--cores 3 $space -- "$CW"
results cjob >cjob.txt
[ "$(wc -l <cjob.txt)" = 50 ] || fail "cjob: 50 results expected"
for t in cwork cwork1 cwork8; do
	results $t >$t.txt
	cmp -s cjob.txt $t.txt || { diff cjob.txt $t.txt >&2; fail "$t: results differ from one process per point"; }
done
expect_exit 0 "$LABRAT" run --wait -t pjob --cores 2 $space -- "$PY" "$PW"
expect_exit 0 "$LABRAT" run --wait -t pwork --worker --cores 2 $space -- "$PY" "$PW"
results pjob >pjob.txt
results pwork >pwork.txt
cmp -s pjob.txt pwork.txt || { diff pjob.txt pwork.txt >&2; fail "the Python worker's results differ from one process per point"; }

# Every point has its job record: engine, host, handle, times, cpu, memory.
[ "$(q pwork 'count(*)' "and j.state = 'ok' and j.host = 'localhost' and j.engine in (0, 1) and j.handle like 'local:%' and j.end >= j.start and j.cpu_user is not null and j.maxrss_kb > 0 and j.attempt = 1")" = 50 ] ||
	fail "pwork: a job record is incomplete: $(q pwork 'engine, host, handle, start, end, cpu_user, maxrss_kb' 'limit 3')"
# Two engines, one worker process each.
[ "$(q pwork 'count(distinct j.handle)')" = 2 ] || fail "pwork: one worker per engine expected"
# The worker flag is kept with the experiment (resume and retry keep it).
[ "$(sql "select json_extract(experiment, '\$.worker') || json_extract(experiment, '\$.depth') from resultset where tag = 'pwork'")" = 12 ] ||
	fail "the result set does not record the worker"
no_worker_left "$PW" || fail "a Python worker outlived its campaign"

# 2. @error fails that point with its message; the worker goes on.
expect_exit 1 "$LABRAT" run --wait -t err --worker --cores 1 -p 'r={3,5,3.5}' \
	-p x0=0.1 -- "$PY" "$PW"
[ "$(status_field err ok)" = 2 ] || fail "err: 2 ok expected"
q err 'j.error' "and j.state = 'failed'" >err.txt
contains err.txt "ValueError: r=5.0 x0=0.1 iterations=20000 out of range"
[ "$(q err 'count(distinct j.handle)')" = 1 ] || fail "err: the worker was restarted after @error"

# A worker that misbehaves as FAULT=KIND=X says, at the point x = X (once
# only if ONCE names a file), and waits at the gate before each answer
# when GATE_FILE is set.
FW=$T/fw.py
cat >"$FW" <<'EOF'
import json, os, sys, time
kind, _, at = os.environ.get("FAULT", "").partition("=")
at = int(at) if at else -1
once = os.environ.get("ONCE")
gate = os.environ.get("GATE_FILE")
print("worker %d up" % os.getpid(), file=sys.stderr, flush=True)
if kind == "startup":
    print("ImportError: No module named 'numpy'", file=sys.stderr, flush=True)
    sys.exit(1)
for line in sys.stdin:
    x = json.loads(line)["x"]
    for _ in range(6000):
        if not gate or os.path.exists(gate) or not os.path.isdir(os.path.dirname(gate)):
            break
        time.sleep(0.02)
    hit = x == at and not (once and os.path.exists(once))
    if hit and once:
        open(once, "w").close()
    if hit:
        if kind == "die":
            print("dying at %d" % x, file=sys.stderr, flush=True)
            os._exit(3)
        if kind == "hang":
            time.sleep(600)
        if kind == "mem":
            print("allocating", file=sys.stderr, flush=True)
            hog = bytearray(1 << 30)
        if kind == "error":
            print(json.dumps({"@error": "no result at x=%d" % x}), flush=True)
            continue
        if kind == "malformed":
            print("oops, not json", flush=True)
            continue
        if kind == "long":
            sys.stdout.write("{" + '"a":1,' * 400000 + '"b":2}\n')
            sys.stdout.flush()
            continue
        if kind == "flood":
            sys.stderr.write("e" * 5000000 + "\n")
            sys.stderr.flush()
        if kind == "close":
            os.close(1)
            time.sleep(600)
        if kind == "twice":
            sys.stdout.write('{"y": %d}\n{"y": -1}\n' % (x * x))
            sys.stdout.flush()
            continue
    print(json.dumps({"y": x * x, "pid": os.getpid()}), flush=True)
EOF

# fault TAG KIND ERROR [RUN OPTIONS]: a campaign of 12 points whose worker
# misbehaves once at x = 5 and is retried: all 12 end ok, with one failed
# attempt whose error says ERROR.
fault() {
	tag=$1 kind=$2 want=$3
	shift 3
	rm -f "$T/once"
	FAULT=$kind=5 ONCE=$T/once expect_exit 0 "$LABRAT" run --wait -t $tag \
		--worker --cores 2 --retries 1 --order sequential "$@" \
		-p 'x=1..12' -- "$PY" "$FW"
	[ "$(status_field $tag ok)" = 12 ] || fail "$tag: 12 ok expected"
	[ "$(q $tag 'count(*)' "and j.state = 'failed'")" = 1 ] ||
		fail "$tag: exactly one failed attempt expected: $(q $tag 'point, state, error' "and j.state != 'ok'")"
	q $tag "j.error || ' | ' || coalesce(j.stderr_tail, '')" "and j.state = 'failed'" >$tag.err
	contains $tag.err "$want"
	[ "$(q $tag 'json_extract(j.params, "$.x")' "and j.state = 'failed'")" = 5 ] ||
		fail "$tag: the failed attempt is not x=5's"
	[ "$(q $tag 'sum(json_extract(j.results, "$.y"))' "and j.state = 'ok'")" = 650 ] ||
		fail "$tag: results differ"
	no_worker_left "$FW" || fail "$tag: a worker outlived its campaign"
}

# 3. Faults of a worker fail only the point it was on, and it restarts.
# One engine, so that the points after the death can only be answered by
# a new worker (with two, the other may answer them all).
fault die die "the worker exited with status 3 before answering it" --cores 1
contains die.err "dying at 5"
[ "$(q die 'count(distinct json_extract(j.results, "$.pid"))' "and j.state = 'ok'")" = 2 ] ||
	fail "die: the worker was not restarted"
fault malformed malformed "the worker's answer is not a JSON object: 'oops, not json'"
fault long long "the worker's answer is longer than 1048576 bytes (discarded): '{\"a\":1,"
fault hang hang "timed out after 1 s" --timeout 1
fault mem mem "it may have hit its memory limit" --mem 300M
contains mem.err "MemoryError"
fault close close "the worker closed its standard output before answering it"
# A flood on stderr is bounded and fails nothing.
rm -f "$T/once"
FAULT=flood=5 ONCE=$T/once expect_exit 0 "$LABRAT" run --wait -t flood --worker \
	--cores 1 -p 'x=1..12' -- "$PY" "$FW"
[ "$(status_field flood ok)" = 12 ] || fail "flood: 12 ok expected"
# An answer with no request (a second answer) breaks the protocol: the
# worker is restarted, nothing fails, nothing is recorded twice.
rm -f "$T/once"
FAULT=twice=5 ONCE=$T/once expect_exit 0 "$LABRAT" run -t twice --worker \
	--worker-depth 1 --cores 1 -p 'x=1..12' -- "$PY" "$FW"
expect_exit 0 "$LABRAT" wait twice --timeout 60
[ "$(status_field twice ok)" = 12 ] || fail "twice: 12 ok expected"
[ "$(q twice 'sum(json_extract(j.results, "$.y"))' "and j.state = 'ok'")" = 650 ] ||
	fail "twice: results differ"
contains "$LABRAT_NOTEBOOK.log" "broke the protocol, a line with no request to answer: '{\"y\": -1}'"

# 4. A worker that dies at start-up stops the campaign with a clear
# reason, failing no point.
# The runner may stop before `run` looks: `run` then says how, exit 6.
run_may_stop() {
	"$LABRAT" "$@" >out 2>err
	_rc=$?
	[ $_rc = 0 ] || [ $_rc = 6 ] ||
		{ cat out err >&2; fail "'labrat $*' exited $_rc, expected 0 or 6"; }
}
FAULT=startup run_may_stop run -t startup --worker --cores 2 \
	-p 'x=1..50' -- "$PY" "$FW"
wait_until "the campaign stops" state_is startup stopped
expect_exit 0 "$LABRAT" status startup
contains out "died before answering its first point 3 times in a row"
contains out "No module named 'numpy'"
[ "$(status_field startup failed)" = 0 ] || fail "startup: points failed"
[ "$(q startup 'count(*)' "and j.state in ('ok', 'failed', 'running')")" = 0 ] ||
	fail "startup: points ran or failed"
# A command that cannot run at all says so.
run_may_stop run -t nocmd --worker -p 'x=1..5' -- "$T/no-such-worker"
wait_until "the campaign stops" state_is nocmd stopped
expect_exit 0 "$LABRAT" status nocmd
contains out "cannot be started: No such file or directory"

# 5. Pause, resume, cancel, purge and retry.
GATE_FILE=$T/gate.main
export GATE_FILE
gate_close main
expect_exit 0 "$LABRAT" run -t pr --worker --cores 2 -p 'x=1..20' -- "$PY" "$FW"
wait_until "points are in flight" count_at_least pr running 1
expect_exit 0 "$LABRAT" pause pr
gate_open main
wait_until "the points in flight end" sh -c "[ \"\$(\"$LABRAT\" status --json pr | sed -n 's/.*\"running\":\([0-9]*\).*/\1/p')\" = 0 ]"
ok=$(status_field pr ok)
[ "$ok" -lt 20 ] || fail "pr: points started while paused"
[ "$(status_word pr)" = paused ] || fail "pr: not paused"
expect_exit 0 "$LABRAT" resume pr
expect_exit 0 "$LABRAT" wait pr --timeout 60
[ "$(status_field pr ok)" = 20 ] || fail "pr: 20 ok expected"

gate_close main
expect_exit 0 "$LABRAT" run -t cx --worker --cores 2 -p 'x=1..20' -- "$PY" "$FW"
wait_until "points are in flight" count_at_least cx running 1
expect_exit 0 "$LABRAT" cancel cx
wait_until "the campaign is cancelled" state_is cx cancelled
[ "$(q cx 'count(*)' "and j.state in ('running', 'queued')")" = 0 ] ||
	fail "cx: points left running or queued"
wait_until "no worker is left" no_worker_left "$FW"

expect_exit 0 "$LABRAT" run -t pg --worker --cores 1 --worker-depth 2 \
	-p 'x=1..6' -- "$PY" "$FW"
wait_until "points are in flight" count_at_least pg running 2
expect_exit 0 "$LABRAT" purge pg
gate_open main
expect_exit 0 "$LABRAT" wait pg --timeout 60
[ "$(q pg 'count(*)' "and j.state = 'cancelled'")" = 2 ] ||
	fail "pg: the 2 points in flight were not purged: $(q pg 'point, state, error')"
[ "$(q pg 'count(*)' "and j.state = 'failed'")" = 0 ] || fail "pg: a point failed"
[ "$(status_field pg ok)" = 4 ] || fail "pg: the 4 other points should be ok"
unset GATE_FILE

FAULT=error=4 expect_exit 1 "$LABRAT" run --wait -t rt --worker -p 'x=1..8' -- "$PY" "$FW"
[ "$(status_field rt failed)" = 1 ] || fail "rt: 1 failed expected"
[ "$(q rt 'j.error' "and j.state = 'failed'")" = "no result at x=4" ] ||
	fail "rt: the failed point's error is not the worker's message"
expect_exit 0 "$LABRAT" retry rt
expect_exit 0 "$LABRAT" wait rt --timeout 60
[ "$(status_field rt ok)" = 8 ] || fail "rt: 8 ok expected after retry"
[ "$(q rt 'count(distinct j.handle)' "and j.state = 'ok' and json_extract(j.params, '\$.x') = 4")" = 1 ] ||
	fail "rt: x=4 has no ok result"
no_worker_left "$FW" || fail "a worker outlived its campaign"
exit 0
