#!/bin/sh
# Parameter values full of shell metacharacters reach the experiment byte
# for byte -- in argv, in the environment and in the JSON on stdin -- and
# are never interpreted by a shell, with or without --shell: wherever a
# placeholder sits in a shell's script (--shell, sh -c, bash -c), and
# placements where no value can be passed safely are refused up front.
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

# With --shell the template goes through sh, but no value is in it.
rm -f arg.* env.* stdin.*
expect_exit 0 "$LABRAT" run --wait -t meta-shell --shell --order sequential \
	-p "v=$values" -- 'printf "%s" {v} >"arg.$LABRAT_POINT"; echo ok=1'
for f in pwned pwned2 pwned3; do
	[ -e "$f" ] && fail "--shell interpreted a value: $f exists"
done
for i in 0 1 2 3 4 5 6 7 8 9; do
	cmp -s "exp.$i" "arg.$i" || fail "--shell: point $i differs: $(od -c "arg.$i" | head -3)"
done

# Every placement of a placeholder in a shell's script, times values that
# run `touch pwned` (or change) if a shell parses them.
rm -f arg.* exp.*
hostile=$(cat <<'LIST'
{"'; touch pwned; '", "$(touch pwned)", "`touch pwned`",
 "\"; touch pwned; \"", "\"'\"'\"; touch pwned", "a\nb",
 "x\nEOF\ntouch pwned\nEOF", "$IFS${IFS}", "* ? [a] .*", "a\\b\\n\\",
 "${x}", "-n", "--", "", "a[$(touch pwned)]", "\t lead and trail \t",
 ";|&<>(){}", "~root", "EOF", "\n\n", "é日本"}
LIST
)
printf '%s' "'; touch pwned; '" >exp.0
printf '%s' '$(touch pwned)' >exp.1
printf '%s' '`touch pwned`' >exp.2
printf '%s' '"; touch pwned; "' >exp.3
printf '"\047"\047"; touch pwned' >exp.4
printf 'a\nb' >exp.5
printf 'x\nEOF\ntouch pwned\nEOF' >exp.6
printf '%s' '$IFS${IFS}' >exp.7
printf '%s' '* ? [a] .*' >exp.8
printf '%s' 'a\b\n\' >exp.9
printf '%s' '${x}' >exp.10
printf '%s' '-n' >exp.11
printf '%s' '--' >exp.12
: >exp.13
printf '%s' 'a[$(touch pwned)]' >exp.14
printf '\t lead and trail \t' >exp.15
printf '%s' ';|&<>(){}' >exp.16
printf '%s' '~root' >exp.17
printf '%s' 'EOF' >exp.18
printf '\n\n' >exp.19
printf '%s' 'é日本' >exp.20
nvalues=21

# Placement K prints into pK.POINT what expected K N prints.
script=$(cat <<'SCRIPT'
{ printf %s {v}
} >p0.$LABRAT_POINT
{ printf %s "<{v}>"
} >p1.$LABRAT_POINT
{ printf %s '<{v}>'
} >p2.$LABRAT_POINT
{ printf %s "a'{v}'b"
} >p3.$LABRAT_POINT
{ w=$(printf %s {v}; printf .); printf %s "${w%.}"
} >p4.$LABRAT_POINT
{ cat <<EOF
[{v}]
EOF
} >p5.$LABRAT_POINT
{ printf %s ${LABRAT_UNSET:-{v}}
} >p6.$LABRAT_POINT
{ printf %s {v}-{v}{rep}
} >p7.$LABRAT_POINT
{ printf %s {v} # {v} $(touch pwned) "
} >p8.$LABRAT_POINT
{ printf %s "{v}"'{v}'{v}
} >p9.$LABRAT_POINT
{ printf %s "$(w="$(printf %s '{v}'; printf .)"; printf %s "$w")"
} >p10.$LABRAT_POINT
echo ok=1
SCRIPT
)
nplacements=11
expected() {
	case $1 in
	0|4) cat "exp.$2" ;;
	1|2) printf '<'; cat "exp.$2"; printf '>' ;;
	3) printf "a'"; cat "exp.$2"; printf "'b" ;;
	5) printf '['; cat "exp.$2"; printf ']\n' ;;
	6|8) cat "exp.$2" ;;
	7) cat "exp.$2"; printf '%s' -; cat "exp.$2"; printf 0 ;;
	9) cat "exp.$2" "exp.$2" "exp.$2" ;;
	10) cat "exp.$2"; printf . ;;
	esac
}

# placements WHAT ARGS...: run the campaign labrat run ARGS; no value ran
# anything and every pK.N holds what it should.
placements() {
	_what=$1
	shift
	"$LABRAT" run --wait --order sequential --cores 2 -p "v=$hostile" \
		"$@" >out 2>err
	_status=$?
	[ -n "$(find .. -name 'pwned*')" ] && fail "$_what ran a value: $(find .. -name 'pwned*')"
	_n=0
	while [ $_n -lt $nvalues ]; do
		_k=0
		while [ $_k -lt $nplacements ]; do
			expected $_k $_n >want
			cmp -s want "p$_k.$_n" || fail "$_what: placement $_k, value $_n: got $(od -c "p$_k.$_n" | head -3), want $(od -c want | head -3)"
			_k=$((_k + 1))
		done
		_n=$((_n + 1))
	done
	[ $_status -eq 0 ] || { cat out err >&2; fail "$_what: the campaign exited $_status"; }
	rm -f p*.*
}

placements "--shell" -t placements-shell --shell -- "$script"
placements "sh -c" -t placements-sh-c -- sh -c "$script"
if command -v bash >/dev/null 2>&1; then
	placements "bash -c" -t placements-bash-c -- \
		env LC_ALL=C bash -o pipefail -c "$script"
fi
# Arguments after the script stay data: $1 gets the value as it is.
expect_exit 0 "$LABRAT" run --wait -t sh-c-argument --order sequential \
	--cores 2 -p "v=$hostile" -- \
	sh -c 'printf %s "$1" >"arg.$LABRAT_POINT"; echo ok=1' sh {v}
_n=0
while [ $_n -lt $nvalues ]; do
	cmp -s "exp.$_n" "arg.$_n" || fail "sh -c ... sh {v}: value $_n differs"
	_n=$((_n + 1))
done

# --dry-run shows the command that runs: a reference, not the value.
expect_exit 0 "$LABRAT" run --dry-run --shell -p 'v="$(touch pwned)"' -- \
	'printf %s "{v}" >dry; echo ok=1'
contains out 'printf %s "${LABRAT_PARAM_v}" >dry'
grep 'command:' out | grep -q 'touch' && fail "--dry-run shows the value in the command"
cmp -s exp.1 dry || fail "--dry-run: the value differs"
[ -e pwned ] && fail "--dry-run ran a value"

# refused SAYS ARGS...: labrat run ARGS is refused before anything runs,
# with status 2 and a message that quotes {v} and says SAYS.
refused() {
	_says=$1
	shift
	expect_exit 2 "$LABRAT" run -t refused -p 'v={1, 2}' "$@"
	contains err '{v}'
	contains err "$_says"
}
refused 'use $(...) instead of backticks' --shell -- 'echo `echo {v}`'
refused 'use an unquoted delimiter <<EOF' --shell -- \
	"$(printf "cat <<'EOF'\n{v}\nEOF")"
refused 'use an unquoted delimiter <<EOF' -- sh -c \
	"$(printf 'cat <<\\EOF\n{v}\nEOF')"
refused 'or read "$LABRAT_PARAM_v"' --dry-run --shell -- \
	"$(printf 'cat <<"EOF"\n{v}\nEOF')"
refused "delimiter" --shell -- "$(printf 'cat <<{v}\nx\n{v}')"
refused 'a[$(cmd)] would run cmd' --shell -- 'echo $(( {v} + 1 ))'
refused 'arithmetic' --dry-run -- bash -c '[[ {v} -eq 1 ]]'
refused 'arithmetic' --shell -- 'a[{v}]=1'
refused "\$'...'" -- sh -c "echo \$'{v}'"
refused "variable's name" -- bash -c 'read {v} <<<x'
refused "PS4" --shell -- 'PS4={v} bash -xc :'
refused 'backslash' -- bash -c 'echo \{v}'
refused "eval 'echo \"\$LABRAT_PARAM_v\"'" --shell -- 'eval "echo {v}"'
refused "sh -c 'echo \"\$1\"' sh {v}" --shell -- "sh -c 'echo {v}'"
refused "sh -c 'echo \"\$1\"' sh {v}" --shell -- 'echo {v} | sh'
refused "environment" -- sudo sh -c 'echo {v}'
refused "environment" -- env -i sh -c 'echo {v}'
refused 'its own variable' --shell -- 'echo ${v}'
[ "$(sql "SELECT count(*) FROM resultset WHERE tag = 'refused'")" = 0 ] ||
	fail "a refused campaign was recorded"
exit 0
