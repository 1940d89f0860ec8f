#!/bin/sh
# The CLI's help, its usage errors and their exit codes, as a new user
# meets them.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

expect_exit 0 "$LABRAT" help
contains out "commands:"
contains out "export"
contains out "parameters"
expect_exit 0 "$LABRAT" help run
contains out "--zip"
contains out "usage: labrat run"
expect_exit 0 "$LABRAT" help parameters
contains out "linspace"
expect_exit 0 "$LABRAT" help experiment
contains out "LABRAT_PARAM_"
expect_exit 0 "$LABRAT" run --wait --help
contains out "--dry-run"
expect_exit 0 "$LABRAT" --version
contains out "labrat "
expect_exit 2 "$LABRAT" help nosuchthing
contains err "no command or topic"
expect_exit 2 "$LABRAT" frobnicate
contains err "unknown command 'frobnicate'"
# A unique prefix is enough.
expect_exit 0 "$LABRAT" stat
contains out "no notebook"

# run: usage errors name the problem and the fix.
expect_exit 2 "$LABRAT" run --wait -- true
contains err "no parameters"
expect_exit 2 "$LABRAT" run --wait -p 'x=1..3'
contains err "no experiment command"
expect_exit 2 "$LABRAT" run --wait -p 'x=linspace(0,1)' -- true
contains err "linspace"
contains err "^"
expect_exit 2 "$LABRAT" run --wait -p 'x=1..3' -- echo '{y}'
contains err "{y}"
contains err "{x}"
expect_exit 2 "$LABRAT" run --wait -p 'x={1,2,3}' -p 'y={1,2}' --zip x,y -- true
contains err "x has 3 values but y has 2"
expect_exit 2 "$LABRAT" run --wait --cores many -p 'x=1' -- true
contains err "--cores"
expect_exit 2 "$LABRAT" run --wait --timeout soon -p 'x=1' -- true
contains err "--timeout"
expect_exit 2 "$LABRAT" run --wait --mem 12Q -p 'x=1' -- true
contains err "--mem"
expect_exit 2 "$LABRAT" run --wait --order shuffled -p 'x=1' -- true
contains err "random or sequential"
[ -e "$LABRAT_NOTEBOOK" ] && fail "a refused run created the notebook"

# A tag that exists is refused, naming resume and how to start afresh.
expect_exit 0 "$LABRAT" run --wait -t once -p 'x=1..2' -- true
expect_exit 2 "$LABRAT" run --wait -t once -p 'x=1..2' -- true
contains err "labrat resume once"
contains err "-t"
[ "$(sql 'select count(*) from job')" -eq 2 ] || fail "the refused run added jobs"

# Unknown tags, and files that are not notebooks.
expect_exit 2 "$LABRAT" show nosuchtag
contains err "nosuchtag"
echo "hello" >notanotebook.txt
expect_exit 3 "$LABRAT" -n notanotebook.txt status
contains err "not a labrat notebook"
expect_exit 3 "$LABRAT" -n "$T" status
exit 0
