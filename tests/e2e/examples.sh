#!/bin/sh
# The bundled examples (C, POSIX shell, Python) follow the experiment
# contract, and `labrat demo` runs end to end.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

# C: the logistic map.  r=2.5 is stable (negative exponent), r=4 chaotic
# (exponent ln 2).
expect_exit 0 "$LABRAT" run --wait -t logistic --order sequential \
	-p 'r={2.5, 4}' -p 'x0=0.3' -- "$LABRAT_EXAMPLES/logistic" {r} {x0}
l1=$(sql "select json_extract(results,'\$.lyapunov') < 0 from current_job where tag='logistic' and point=0")
l2=$(sql "select abs(json_extract(results,'\$.lyapunov') - 0.693) < 0.01 from current_job where tag='logistic' and point=1")
[ "$l1" = 1 ] && [ "$l2" = 1 ] || fail "logistic: unexpected exponents"
[ "$(sql "select json_extract(results,'\$.iterations') is null from current_job where tag='logistic' and point=0")" = 1 ] ||
	fail "logistic: with a JSON last line, name=value lines are not results"

# POSIX shell, name=value results.
expect_exit 0 "$LABRAT" run --wait -t shell --order sequential \
	-p 'n=1..3' -p 'word={alpha, "gamma delta"}' -- \
	"$LABRAT_SRCDIR/examples/sweep.sh" {n} {word}
[ "$(sql "select json_extract(results,'\$.square') from current_job where tag='shell' and point=5")" = 9 ] ||
	fail "sweep.sh: square of 3"
[ "$(sql "select json_extract(results,'\$.length') from current_job where tag='shell' and point=1")" = 11 ] ||
	fail "sweep.sh: length of 'gamma delta'"

# Python, parameters as JSON on stdin.
if [ -n "${PYTHON3:-}" ]; then
	expect_exit 0 "$LABRAT" run --wait -t py --order sequential \
		-p 'x=linspace(0,1,5)' -p 'k={1,2}' -- \
		"$PYTHON3" "$LABRAT_SRCDIR/examples/json_params.py"
	[ "$(sql "select json_extract(results,'\$.label') from current_job where tag='py' and point=3")" = "x=0.25, k=2" ] ||
		fail "json_params.py: label"
fi

# Dry run: one point, an estimate, nothing recorded.
expect_exit 0 "$LABRAT" run -t dry --dry-run -p 'r=2.8..4:0.01' -p 'x0=0.2' -- \
	"$LABRAT_EXAMPLES/logistic" {r} {x0}
contains out "dry run of point"
contains out "peak memory"
contains out "about"
contains out "nothing was recorded"
[ "$(sql "select count(*) from resultset where tag='dry'")" = 0 ] ||
	fail "--dry-run recorded a result set"
expect_exit 1 "$LABRAT" run --dry-run -p 'x=1' -- sh -c 'echo oops >&2; exit 4'
contains out "exited with status 4"
contains out "oops"

# The demo, as the README runs it.
expect_exit 0 "$LABRAT" demo
contains out "demo:"
contains out "exported every job to demo.csv"
[ "$(wc -l <demo.csv)" -eq 1804 ] || fail "demo.csv: expected 1803 rows and a header"
expect_exit 0 "$LABRAT" demo
contains out "demo-2"
exit 0
