#!/bin/sh
# Text that came from a job or a user never reaches the terminal as
# control characters: a job whose standard error and results are full of
# escape sequences (CSI, OSC 52 clipboard writes, C1 controls, BEL,
# backspace, CR), a description, attribute, tag and command carrying them;
# `labrat show`, `sets`, `status` and `run --dry-run` print them as '?',
# keep newlines where the text has lines, and keep other UTF-8 on a UTF-8
# locale only.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"

ESC=$(printf '\033')
C1=$(printf '\302\233')   # U+009B, the one-character CSI, in UTF-8
FFFD=$(printf '\357\277\275') # what the notebook keeps of an invalid byte

cat >exp.sh <<'EXP'
#!/bin/sh
printf 'first line\n\033[2J\033[H\033]52;c;ZXZpbA==\007\033]0;title\033\\\n' >&2
printf 'bs\b\b cr\r c1 \302\233 31m raw \233 del \177 caf\303\251\n' >&2
printf '{"\\u001b[31mkey": 1, "s": "\\u009b2J\\u0007", "t": "\\u001b]52;c;aGk=\\u0007"}\n'
[ "$1" = 2 ] && exit 3
exit 0
EXP
chmod +x exp.sh

# clean FILE: FILE has no C0 control but tab and newline, no DEL, no C1
# control (raw or in UTF-8), and is valid UTF-8.
clean() {
	_n=$(LC_ALL=C tr -d '\011\012\040-\176\200-\377' <"$1" | wc -c)
	[ "$_n" -eq 0 ] || {
		od -c "$1" >&2
		fail "$1 has $_n C0 control or DEL byte(s)"
	}
	if LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1"; then
		od -c "$1" >&2
		fail "$1 has a C1 control character"
	fi
	iconv -f UTF-8 -t UTF-8 <"$1" >/dev/null 2>&1 || {
		od -c "$1" >&2
		fail "$1 is not valid UTF-8 (a raw C1 byte?)"
	}
}

# ascii FILE: FILE is plain printable ASCII, tabs and newlines.
ascii() {
	_n=$(LC_ALL=C tr -d '\011\012\040-\176' <"$1" | wc -c)
	[ "$_n" -eq 0 ] || { od -c "$1" >&2; fail "$1 is not plain ASCII"; }
}

tag="esc${C1}tag"
expect_exit 1 "$LABRAT" run --wait -t "$tag" --order sequential \
	-d "desc ${ESC}]52;c;aGk=$(printf '\007') ${ESC}[2J caf$(printf '\303\251')" \
	-a "note=${ESC}[31mred" -p 'v={1,2}' -p "w={\"${ESC}[1mbold\"}" -- \
	./exp.sh {v} "${ESC}[5m"

export LC_ALL=C.UTF-8
expect_exit 0 "$LABRAT" show "$tag"
clean out
# What is shown is still there, its controls as '?'.
contains out "result set  esc?tag"
contains out "description desc ?]52;c;aGk=? ?[2J café"
contains out "exited with status 3"
contains out "    | first line"
contains out "    | ?[2J?[H?]52;c;ZXZpbA==??]0;title?\\"
contains out "    | bs?? cr  c1 ? 31m raw $FFFD del ? café"
contains out "?[31mkey"
contains out "?[5m"
expect_exit 0 "$LABRAT" sets
clean out
contains out "esc?tag"
contains out "desc ?]52;c;aGk=? ?[2J café"
expect_exit 0 "$LABRAT" status
clean out
contains out "esc?tag"

# A dry run prints the results and the standard error it got.
expect_exit 0 "$LABRAT" run --dry-run -p 'v=1' -- ./exp.sh {v}
clean out
contains out "results:"
contains out '"s":"?2J\u0007"'
expect_exit 1 "$LABRAT" run --dry-run -p 'v=2' -- ./exp.sh {v}
clean out
contains out "exited with status 3"
contains out "?[2J?[H?]52;c;ZXZpbA==??]0;title?\\"
contains out "bs?? cr  c1 ? 31m raw $FFFD del ? café"

# Without a UTF-8 locale, every non-ASCII character is a '?' too.
export LC_ALL=C
for cmd in "show $tag" sets status; do
	# shellcheck disable=SC2086
	expect_exit 0 "$LABRAT" $cmd
	ascii out
done
contains out "esc?tag"
expect_exit 1 "$LABRAT" run --dry-run -p 'v=2' -- ./exp.sh {v}
ascii out
contains out "del ? caf?"
exit 0
