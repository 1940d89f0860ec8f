#!/bin/sh
# run -> status -> show -> export on a small campaign, compared with the
# expected CSV; the notebook read back with sqlite3 as a user would.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

expect_exit 0 "$LABRAT" run --wait -t small -d "a small sweep" -a owner=me \
	--order sequential --cores 2 \
	-p 'n=1..4' -p 'word={alpha, "b c", é}' -- \
	sh -c 'echo "noise line"; echo "sq=$(($1 * $1))"; echo "word=$2"' sh {n} {word}
contains out "small: 12 point(s)"
contains out "12 ok, 0 failed"

expect_exit 0 "$LABRAT" status
contains out "small"
contains out "100.0%"
[ "$(status_field small ok)" = 12 ] || fail "status --json ok != 12"
[ "$(status_field small ready)" = "1.000000" ] || fail "ready fraction != 1"

expect_exit 0 "$LABRAT" sets
contains out "a small sweep"

expect_exit 0 "$LABRAT" show small
contains out "a small sweep"
contains out "\"owner\":\"me\""
contains out "n = 1..4"
contains out "sq"

# The CSV: header, one row per job in point order, RFC 4180 line ends.
expect_exit 0 "$LABRAT" export -t small -o small.csv
[ -s small.csv ] || fail "export wrote nothing"
[ "$(head -c 200 small.csv | tr -d -c '\r' | wc -c)" -ge 1 ] ||
	fail "CSV lines do not end in CRLF"
tr -d '\r' <small.csv | cut -d, -f1-10 >got.csv
diff -u "$LABRAT_SRCDIR/tests/e2e/expected_small.csv" got.csv ||
	fail "exported CSV differs from the expected one"
head -1 small.csv | tr -d '\r' >header
contains header "start_time,end_time,elapsed_time,exit_code,signal,host,engine,max_rss_kb,cpu_time,truncated"

# To standard output, and filtered by state.
expect_exit 0 "$LABRAT" export -t small -o -
[ "$(wc -l <out)" -eq 13 ] || fail "export to stdout: expected 13 lines"
expect_exit 0 "$LABRAT" export -t small --state failed
[ "$(wc -l <out)" -eq 1 ] || fail "--state failed: expected only the header"
expect_exit 2 "$LABRAT" export -t small --state bogus
contains err "unknown state 'bogus'"

# A failed export leaves no partial file behind.
expect_exit 1 "$LABRAT" export -t small -o /nonexistent-dir/x.csv
contains err "cannot write"

# The notebook is plain SQLite: json_extract works on params and results.
[ "$(sql "select sum(json_extract(results,'\$.sq')) from job")" = 90 ] ||
	fail "sum of sq in sqlite3 is not 90"
[ "$(sql "select json_extract(params,'\$.word') from job where point=2")" = "é" ] ||
	fail "UTF-8 parameter did not survive the notebook"

# Repetitions and the summary export.
expect_exit 0 "$LABRAT" run --wait -t rep --repeat 3 --order sequential \
	-p 'x={1,2}' -- sh -c 'echo "v=$(($1 * 10 + LABRAT_REP))"' sh {x}
expect_exit 0 "$LABRAT" export -t rep --summary
contains out "x,v_mean,v_median,v_variance,v_min,v_max,v_count,tag,point,repetitions"
tr -d '\r' <out | sed -n 2p >row
contains row "1,11,11,0.666666666666666"
contains row ",10,12,3,rep,0,3"

# Several sets make one table with the union of their columns.
expect_exit 0 "$LABRAT" export
contains out "n,word,x,sq,result_word,v,tag"
[ "$(wc -l <out)" -eq 19 ] || fail "exporting both sets: expected 19 lines"

# Locking makes a set final.
expect_exit 0 "$LABRAT" lock small
expect_exit 0 "$LABRAT" status small
contains out "locked"
expect_exit 3 "$LABRAT" resume small
contains err "locked"
exit 0
