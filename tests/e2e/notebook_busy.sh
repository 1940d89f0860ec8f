#!/bin/sh
# Another program holding the notebook's write lock (a database browser, a
# forgotten sqlite3 shell) never kills the runner: it waits, says so in
# its log and in status ("stalled"), keeps its jobs running, holds their
# results, and writes them all once the notebook is free -- every point
# recorded exactly once.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

PY=${PYTHON3:-python3}
command -v "$PY" >/dev/null 2>&1 || skip "no python3 to hold the notebook's lock"

# Hold BEGIN IMMEDIATE on the notebook until the file 'release' exists.
cat >hold.py <<'EOF'
import os, sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
con.execute("BEGIN IMMEDIATE")
open("held", "w").close()
for _ in range(12000):
    if os.path.exists("release"):
        break
    time.sleep(0.01)
con.execute("COMMIT")
EOF

N=300
expect_exit 0 "$LABRAT" run -t busy --cores 2 -p "x=1..$N" -- \
	sh -c 'sleep 0.02; echo y=$(($1 * 3))' sh {x}
wait_until "some jobs are done" count_at_least busy ok 5
pid=$(status_field busy runner_pid)

"$PY" hold.py "$LABRAT_NOTEBOOK" &
holder=$!
wait_until "the lock is held" test -e held
# The runner notices, says why, and stays alive past its old 5 s limit.
wait_until "the runner logs that it waits" \
	grep -q "cannot be written now" "$LABRAT_NOTEBOOK.log"
i=0
until state_is busy stalled; do
	i=$((i + 1)); [ $i -gt 1500 ] && fail "status never showed 'stalled'"
	kill -0 "$pid" 2>/dev/null || fail "the runner died while the notebook was busy"
	sleep 0.02
done
expect_exit 0 "$LABRAT" status busy
contains out "stalled"
contains out "write lock"
kill -0 "$pid" 2>/dev/null || fail "the runner died while the notebook was busy"
touch release
wait $holder

expect_exit 0 "$LABRAT" wait busy --timeout 120
[ "$(status_field busy runner_pid)" = 0 ] || true
[ "$(status_field busy ok)" = $N ] || fail "busy: $N ok expected, got $(status_field busy ok)"
[ "$(sql "select count(*) from job j join resultset s on s.id = j.set_id where s.tag = 'busy'")" = $N ] ||
	fail "a job was recorded twice or run again"
[ "$(sql "select sum(json_extract(results, '\$.y')) from current_job where tag = 'busy'")" = $((3 * N * (N + 1) / 2)) ] ||
	fail "the results do not add up"
grep -q "takes writes again" "$LABRAT_NOTEBOOK.log" ||
	fail "the log does not say the notebook came back"
# The same runner did it all.
[ "$(grep -c "busy\[$pid\]: runner started" "$LABRAT_NOTEBOOK.log")" = 1 ] ||
	fail "the runner was restarted"
exit 0
