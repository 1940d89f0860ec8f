#!/bin/sh
# Durations for people, at any size: the dry run's estimate of a campaign
# of 10^18 jobs (years, never a negative number of days from an int
# overflow), of days and of years; the console's ETA on the same
# campaign.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

# estimate: the "about ... of wall time" of the dry run in out.
estimate() {
	sed -n 's/.*: about \(.*\) of wall time.*/\1/p' out
}

# 10^18 jobs of about a millisecond on 2 engines: millions of years.
expect_exit 0 "$LABRAT" run --dry-run --cores 2 -p 'x=1..1000000' \
	-p 'y=1..1000000' -p 'z=1..1000000' -- true
contains out "1000000000000000000 job(s) on 2 engine(s)"
echo "$(estimate)" | grep -Eq '^more than [0-9]+0 years$' ||
	{ cat out >&2; fail "10^18 jobs: estimate '$(estimate)'"; }

# Jobs of a second: 200000 of them on one engine take days, 10^8 years.
expect_exit 0 "$LABRAT" run --dry-run --cores 1 -p 'x=1..200000' -- sleep 1
echo "$(estimate)" | grep -Eq '^[0-9] d [0-9]+ h$' ||
	{ cat out >&2; fail "200000 s: estimate '$(estimate)'"; }
expect_exit 0 "$LABRAT" run --dry-run --cores 1 -p 'x=1..100000000' -- sleep 1
echo "$(estimate)" | grep -Eq '^[0-9] y [0-9]+ d$' ||
	{ cat out >&2; fail "10^8 s: estimate '$(estimate)'"; }

# The console's ETA on a campaign of 10^18 jobs (of 50 ms: a runner kept
# busy by trivial jobs would make the final cancel wait for the notebook).
. "$LABRAT_SRCDIR/tests/e2e/screen.sh"
# Whatever happens, the campaign of 10^18 jobs does not outlive the test.
trap '"$LABRAT" cancel huge >/dev/null 2>&1; screen_stop; rm -rf "$T"' EXIT
expect_exit 0 "$LABRAT" run -t huge --cores 2 -p 'x=1..1000000' \
	-p 'y=1..1000000' -p 'z=1..1000000' -- sleep 0.05
screen_start 200 30 "$LABRAT" console -t huge
wait_screen "set huge"
eta_known() { screen | grep -Eq 'ETA [^ ]{2}'; }
wait_until "the console shows an ETA" eta_known
screen | grep -Eq 'ETA (>1000y|[0-9]+y[0-9]{3}d)$' ||
	{ screen >&2; fail "the console's ETA of 10^18 jobs is not in years"; }
keys q
wait_screen "CONSOLE-EXITED-0"
expect_exit 0 "$LABRAT" cancel huge
exit 0
