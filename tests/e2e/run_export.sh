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

# --state takes every state, and its help lists them all.
expect_exit 0 "$LABRAT" export -t small --state interrupted --all-attempts
[ "$(wc -l <out)" -eq 1 ] || fail "--state interrupted: expected the header"
expect_exit 0 "$LABRAT" help export
contains out "interrupted"
contains out "queued"

# A notebook that cannot be read is exit 3, not 1 (could not write) or 2
# (no such tag), whichever read fails.
cp "$LABRAT_NOTEBOOK" broken.db
sqlite3 broken.db "DROP TABLE name"
expect_exit 3 "$LABRAT" -n broken.db export -t small -o broken.csv
contains err "no such table: name"
[ ! -e broken.csv ] || fail "a failed export left broken.csv"
expect_exit 3 "$LABRAT" -n broken.db export --summary
cp "$LABRAT_NOTEBOOK" broken.db
sqlite3 broken.db "DROP VIEW current_job; ALTER TABLE resultset RENAME TO rs"
expect_exit 3 "$LABRAT" -n broken.db export -t small
contains err "no such table: resultset"
expect_exit 2 "$LABRAT" export -t nosuchtag
contains err "no result set 'nosuchtag'"

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

# Every header is unique, whatever the names: parameters and results named
# like metadata columns, like each other, like the names they would be
# renamed to, and like summary columns; python3's csv module loses nothing.
cat >clash.sh <<'EOF2'
echo '{"status": 1, "result_status": 2, "error": 3, "v": 4, "param_host": 5,' \
	'"tag": 6, "point": 7, "result_status_2": 8}'
EOF2
expect_exit 0 "$LABRAT" run --wait -t clash -p 'status={a}' -p 'host={h}' \
	-p 'param_host={ph}' -p 'v_mean=1' -p 'repetitions={r}' -p 'x=1..2' -- \
	sh clash.sh
cat >headers.py <<'EOF2'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
head = rows[0]
dup = sorted(set(h for h in head if head.count(h) > 1))
if dup:
    sys.exit("duplicate headers %s in %s" % (dup, head))
got = dict(zip(head, rows[1]))
for name, value in zip(sys.argv[2::2], sys.argv[3::2]):
    if got.get(name) != value:
        sys.exit("%s is %r, not %r, in %s" % (name, got.get(name), value, got))
EOF2
# headers FILE [NAME VALUE]...: FILE's header has no name twice, and its
# first row has these values (checked with python3's csv module when there
# is one).
headers() {
	_f=$1
	shift
	head -1 "$_f" | tr -d '\r' | tr ',' '\n' | sort | uniq -d >dups
	[ ! -s dups ] || fail "$_f has duplicate headers: $(cat dups)"
	[ -z "${PYTHON3:-}" ] || "$PYTHON3" headers.py "$_f" "$@"
}
expect_exit 0 "$LABRAT" export -t clash -o clash.csv
headers clash.csv status ok param_status a param_host ph param_host_2 h \
	v_mean 1 repetitions r result_status 2 result_status_2 8 \
	result_status_3 1 result_error 3 error "" v 4 result_param_host 5 \
	result_tag 6 tag clash result_point 7 point 0 ||
	fail "plain export: a column was lost"
expect_exit 0 "$LABRAT" export -t clash --all-attempts -o clash.csv
headers clash.csv param_status a result_status_3 1 ||
	fail "--all-attempts: a column was lost"
expect_exit 0 "$LABRAT" export -t clash --summary -o clash.csv
headers clash.csv status a v_mean 1 result_v_mean 4 status_mean 1 \
	tag_mean 6 tag clash point_mean 7 point 0 param_host ph \
	param_host_mean 5 param_repetitions r repetitions 1 ||
	fail "--summary: a column was lost"

# Spreadsheets run text starting with =, +, -, @, tab or CR as a formula:
# --escape-formulas puts a ' before it; numbers, even negative, stay.
cat >formula.sh <<'EOF2'
cat <<'JSON'
{"f": "=1+2", "p": "+x", "m": "-1.5", "n": -2.5, "a": "@SUM(A1)", "t": "\tx", "c": "\rx", "s": "-x", "kv": "x=1", "=bad": "=cmd|x"}
JSON
EOF2
expect_exit 0 "$LABRAT" run --wait -t formula -p 'w={"-w", ok}' \
	--order sequential -- sh formula.sh
expect_exit 0 "$LABRAT" export -t formula --escape-formulas -o esc.csv
headers esc.csv w "'-w" f "'=1+2" p "'+x" m -1.5 n -2.5 a "'@SUM(A1)" \
	t "'	x" c "$(printf "'\rx")" s "'-x" kv x=1 "'=bad" "'=cmd|x" ||
	fail "--escape-formulas"
expect_exit 0 "$LABRAT" export -t formula -o raw.csv
headers raw.csv w -w f =1+2 a "@SUM(A1)" s -x =bad "=cmd|x" ||
	fail "formulas escaped without --escape-formulas"

# Infinities (1e999 reads as one) and sums that would overflow.
expect_exit 0 "$LABRAT" run --wait -t huge --repeat 3 -p 'x=1' -- sh -c \
	'echo v=1e999; [ $((LABRAT_REP % 2)) = 0 ] && echo w=1e308 || echo w=-1e308'
expect_exit 0 "$LABRAT" export -t huge --summary
tr -d '\r' <out | sed -n 2p >row
contains row "1,inf,inf,nan,inf,inf,3,3.33333333333333"
contains row "e+307,1e+308,inf,-1e+308,1e+308,3,huge,0,3"

# Output past the bound (1 MiB head, 64 KiB tail kept): a line cut by it is
# never a result, and a cut JSON last line fails saying so.
cat >cut.sh <<'EOF2'
case $1 in
1)	# The head's bound falls inside y=123456789, and bytes are lost.
	head -c 1048570 /dev/zero | tr '\0' a
	printf '\ny=123456789\n'
	yes b | head -c 71680
	echo z=1 ;;
2)	# Just over 1 MiB, nothing lost: y is whole.
	head -c 1048570 /dev/zero | tr '\0' a
	printf '\ny=123456789\n'
	echo z=1 ;;
3)	# The final JSON line is longer than the tail and starts in lost bytes.
	yes log | head -c 1200000
	printf '{"a": "'; head -c 100000 /dev/zero | tr '\0' x; printf '"}\n' ;;
4)	# One JSON line of 2 MB.
	printf '{"a": "'; head -c 2000000 /dev/zero | tr '\0' x; printf '"}\n' ;;
5)	# A result, then 2 MB without a newline: the cut line is no result.
	echo k=1
	head -c 2000000 /dev/zero | tr '\0' p ;;
esac
EOF2
expect_exit 1 "$LABRAT" run --wait -t cut --order sequential -p 'c=1..5' -- \
	sh cut.sh {c}
row() {
	sql "select state || '|' || coalesce(results, '') || '|' || truncated ||
	    '|' || coalesce(error, '') from job join resultset r on
	    r.id = set_id where tag = 'cut' and point = $1"
}
[ "$(row 0)" = 'ok|{"z":1}|1|' ] || fail "bound inside a line: $(row 0)"
[ "$(row 1)" = 'ok|{"y":123456789,"z":1}|0|' ] ||
	fail "just over 1 MiB: $(row 1)"
for p in 2 3; do
	case "$(row $p)" in
	"failed||1|unparsable results: the last line of output, a JSON object, was cut"*) ;;
	*) fail "cut JSON line (point $p): $(row $p)" ;;
	esac
done
[ "$(row 4)" = 'ok|{"k":1}|1|' ] || fail "cut last line, no JSON: $(row 4)"

# Locking makes a set final.
expect_exit 0 "$LABRAT" lock small
expect_exit 0 "$LABRAT" status small
contains out "locked"
expect_exit 3 "$LABRAT" resume small
contains err "locked"
exit 0
