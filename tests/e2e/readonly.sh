#!/bin/sh
# Commands that only read never create, migrate or write a notebook: a
# missing or empty file is "no notebook here".  Only commands that record
# create one, never through a symbolic link nor into a second name of a
# live notebook (which looks empty while its pages are in the other
# name's write-ahead log: a schema written there was copied over the real
# data).  A result set deleted by hand is never reborn under its id, and
# its runner stops without writing.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

# 1. Readers on a missing file: nothing is created.
for cmd in "status" "sets" "show t" "export -t t" "wait t --timeout 1"; do
	# shellcheck disable=SC2086
	"$LABRAT" -n missing.db $cmd >out 2>err
	[ -e missing.db ] && fail "'labrat $cmd' created missing.db"
done
expect_exit 3 "$LABRAT" -n missing.db show t
contains err "there is no notebook missing.db here"

# 2. Readers on an empty file: it stays empty.
: >zero.db
for cmd in "status" "sets" "show t" "export -t t" "wait t --timeout 1"; do
	# shellcheck disable=SC2086
	"$LABRAT" -n zero.db $cmd >out 2>err
	[ "$(stat -c %s zero.db)" = 0 ] || fail "'labrat $cmd' wrote into the empty zero.db"
	contains err "no notebook zero.db here"
done

# 3. A second name (hard link) of a live notebook whose data is still in
# its write-ahead log.
expect_exit 0 "$LABRAT" run -t live --cores 2 -p 'x=1..6' -- "$GATED" {x}
ln "$LABRAT_NOTEBOOK" other.db
size=$(stat -c %s other.db)
for cmd in "status" "sets" "show live" "export -t live"; do
	# shellcheck disable=SC2086
	"$LABRAT" -n other.db $cmd >out 2>err
	[ "$(stat -c %s other.db)" = "$size" ] || fail "'labrat -n other.db $cmd' wrote into it"
done
expect_exit 3 "$LABRAT" -n other.db run -t clobber -p 'x=1' -- true
contains err "hard links"
[ "$(stat -c %s other.db)" = "$size" ] || fail "run wrote into other.db"
gate_open main
expect_exit 0 "$LABRAT" wait live --timeout 60
[ "$(status_field live ok)" = 6 ] || fail "live lost results: $(status_field live ok) ok"
[ "$(sql "select count(*) from job")" = 6 ] || fail "the notebook's jobs were wiped"
gate_close main

# 4. A symbolic link where a notebook is to be created is refused, and
# its target is not created.
ln -s "$T/target.db" link.db
expect_exit 3 "$LABRAT" -n link.db run -t l -p 'x=1' -- true
contains err "symbolic link"
[ -e target.db ] && fail "run created the symbolic link's target"

# 5. A notebook that cannot be created says why (not "No such file").
expect_exit 3 "$LABRAT" -n "$T/nodir/x.db" run -t n -p 'x=1' -- true
contains err "its directory $T/nodir does not exist"
if [ "$(id -u)" != 0 ]; then
	mkdir ro && chmod 555 ro
	expect_exit 3 "$LABRAT" -n ro/x.db run -t n -p 'x=1' -- true
	contains err "its directory ro is not writable"
fi

# 6. A result set deleted with sqlite3 while its runner runs: its id is
# never given to a new set, and the old runner writes nothing more.
expect_exit 0 "$LABRAT" run -t doomed --cores 1 -p 'x=1..3' -- "$GATED" {x}
id=$(sql "select id from resultset where tag = 'doomed'")
pid=$(status_field doomed runner_pid)
sql "PRAGMA foreign_keys = ON; DELETE FROM resultset WHERE tag = 'doomed'"
expect_exit 0 "$LABRAT" run -t newborn --cores 1 -p 'x=1..3' -- "$GATED" {x}
new=$(sql "select id from resultset where tag = 'newborn'")
[ "$new" -gt "$id" ] || fail "the new set took the deleted set's id $id"
gate_open main
wait_until "the old runner stops" sh -c "! kill -0 $pid 2>/dev/null"
expect_exit 0 "$LABRAT" wait newborn --timeout 60
[ "$(sql "select count(*) from job where set_id = $new")" = 3 ] ||
	fail "newborn should have exactly its own 3 jobs"
[ "$(sql "select count(*) from job where set_id = $id")" = 0 ] ||
	fail "the deleted set's runner wrote jobs after it was deleted"
contains "$LABRAT_NOTEBOOK.log" "was deleted from the notebook"
exit 0
