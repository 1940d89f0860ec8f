#!/bin/sh
# Parameter values full of shell metacharacters reach the experiment byte
# for byte -- in argv, in the environment and in the JSON on stdin -- and
# are never interpreted by a shell, with or without --shell.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

mkdir work && cd work || exit 99
# The experiment writes what it received to files named by the point.
cat >../probe.sh <<'PROBE'
#!/bin/sh
printf '%s' "$1" >"arg.$LABRAT_POINT"
printf '%s' "$LABRAT_PARAM_v" >"env.$LABRAT_POINT"
cat >"stdin.$LABRAT_POINT"
echo "ok=1"
PROBE
chmod +x ../probe.sh

# Quoted list items: a newline escape, quotes, $( ), backticks, ;, |, &, *
values='{"'"'"'; touch pwned'"'"'", "$(touch pwned2)", "`touch pwned3`", "a\nb", "x; rm -rf /tmp/nothing", "* ? [a]", "|&<>", "\\n literal", "\"quoted\"", "tab\there"}'
expect_exit 0 "$LABRAT" run --wait -t meta --order sequential --cores 2 \
	-p "v=$values" -- ../probe.sh {v}

for f in pwned pwned2 pwned3 ../pwned; do
	[ -e "$f" ] && fail "a parameter value was run by a shell: $f exists"
done

# Expected bytes, written by printf (not by labrat).
printf '%s' "'; touch pwned'" >exp.0
printf '%s' '$(touch pwned2)' >exp.1
printf '%s' '`touch pwned3`' >exp.2
printf 'a\nb' >exp.3
printf '%s' 'x; rm -rf /tmp/nothing' >exp.4
printf '%s' '* ? [a]' >exp.5
printf '%s' '|&<>' >exp.6
printf '%s' '\n literal' >exp.7
printf '%s' '"quoted"' >exp.8
printf 'tab\there' >exp.9
for i in 0 1 2 3 4 5 6 7 8 9; do
	cmp -s "exp.$i" "arg.$i" || fail "argv of point $i differs: $(od -c "arg.$i" | head -3)"
	cmp -s "exp.$i" "env.$i" || fail "environment of point $i differs"
done
# stdin carries the same value as JSON.
contains stdin.3 '{"v":"a\nb"}'
contains stdin.0 "{\"v\":\"'; touch pwned'\"}"
contains stdin.8 '{"v":"\"quoted\""}'

# With --shell the template goes through sh, but every value is quoted.
rm -f arg.* env.* stdin.*
expect_exit 0 "$LABRAT" run --wait -t meta-shell --shell --order sequential \
	-p "v=$values" -- 'printf "%s" {v} >"arg.$LABRAT_POINT"; echo ok=1'
for f in pwned pwned2 pwned3; do
	[ -e "$f" ] && fail "--shell interpreted a value: $f exists"
done
for i in 0 1 2 3 4 5 6 7 8 9; do
	cmp -s "exp.$i" "arg.$i" || fail "--shell: point $i differs: $(od -c "arg.$i" | head -3)"
done
exit 0
