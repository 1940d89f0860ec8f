#!/bin/sh
# The console on a terminal it cannot draw on (TERM=dumb, TERM unset or
# empty, a TERM without a terminfo entry): instead of a blank screen it
# says why and what to do on stderr, and exits with status 2 before it
# writes a single escape sequence to the terminal.  Runs labrat on a
# pseudo-terminal with script(1).
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

command -v script >/dev/null 2>&1 || skip "script(1) is not installed"
command -v timeout >/dev/null 2>&1 || skip "timeout(1) is not installed"

expect_exit 0 "$LABRAT" run --wait -t one -p 'x=1' -- true

# on_tty ENV... -- ARG...: run labrat ARG... on a new pseudo-terminal under
# env ENV...; what the terminal received goes to tty.out, ending with
# "EXIT=<status>".  A console that starts and waits for keys is stopped
# after 60 s (the test then fails: no EXIT line).
on_tty() {
	_env=
	while [ "$1" != -- ]; do
		_env="$_env '$1'"
		shift
	done
	shift
	timeout 60 script -qec "env $_env '$LABRAT' $*; echo EXIT=\$?" \
		/dev/null </dev/null >tty.out 2>&1
}

# refused WHAT TEXT: tty.out shows the console refused with TEXT, exit 2,
# and no escape sequence reached the terminal.
refused() {
	contains tty.out "EXIT=2"
	contains tty.out "$2"
	contains tty.out "TERM=xterm-256color"
	contains tty.out "labrat status"
	if grep -q "$(printf '\033')" tty.out; then
		od -c tty.out >&2
		fail "$1: the console wrote escape sequences to the terminal"
	fi
}

on_tty TERM=dumb --
refused "TERM=dumb" "TERM=dumb cannot move the cursor"
on_tty TERM=dumb -- console -t one
refused "console -t one, TERM=dumb" "TERM=dumb cannot move the cursor"
on_tty -u TERM --
refused "no TERM" "TERM is not set"
on_tty TERM= --
refused "empty TERM" "TERM is not set"
on_tty TERM=no-such-terminal-xyz --
refused "unknown TERM" "TERM=no-such-terminal-xyz has no terminfo entry"
# A TERM full of escapes is shown cleaned.
on_tty "TERM=$(printf 'x\033[2Jy')" --
refused "TERM with escapes" "TERM=x?[2Jy has no terminfo entry"
exit 0
