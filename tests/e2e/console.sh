#!/bin/sh
# The console, driven in tmux like a person: open it on a live campaign,
# watch the header, every view and the plot; define -> run -> watch ->
# export a campaign from its form; steer with keys and the command line;
# 80x24 and larger, resize, NO_COLOR, ASCII; quitting never stops a
# campaign.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"
. "$LABRAT_SRCDIR/tests/e2e/screen.sh"

# A live campaign with failures to show; the points above r = 3 wait at a
# gate (lib.sh) until the test has watched and steered it while running.
cat >exp.sh <<'EXP'
#!/bin/sh
sleep 0.05
if awk -v r="$1" 'BEGIN { exit !(r > 3) }'; then "$3" live || exit 9; fi
if [ "$2" = 7 ]; then echo "boom at r=$1" >&2; exit 3; fi
awk -v r="$1" -v x="$2" 'BEGIN { printf "{\"lyapunov\": %.4f, \"x\": %s}\n", r * 2 - 5, x }'
EXP
chmod +x exp.sh
expect_exit 0 "$LABRAT" run -t live --cores 2 --order sequential \
	-p 'r=2.5..4:0.01' -p 'x0={1, 7}' -- ./exp.sh {r} {x0} "$GATE"

screen_start 80 24 "$LABRAT" console
wait_screen "set live"
wait_screen "runner running"
screen >s1
contains s1 "labrat"
contains s1 "engines"
contains s1 "1 sets"
contains s1 "5 plot"
# The results view comes first: parameters, results, metadata columns.
wait_screen "rows 1-"
wait_screen "lyapunov"
# Every line fits 80 columns.
[ "$(screen | wc -L)" -le 80 ] || fail "a line is wider than 80 columns"

# Sets view: the campaign, its state and progress bar.
keys 1
wait_screen "TAG"
screen >s
contains s "live"
contains s "running"
# Jobs view: failed jobs show their reason and stderr tail.
keys 3
wait_screen "failed"
keys f
i=0
until screen_has "exited with status 3"; do
	i=$((i + 1)); [ $i -gt 10 ] && break
	keys f; sleep 0.1
done
wait_screen "exited with status 3"
wait_screen "boom at r="
# Plot view: dots appear (braille in UTF-8).
keys 5
wait_screen "lyapunov vs r"
screen | grep -qP '[\x{2801}-\x{28ff}]' ||
	{ screen >&2; fail "the plot shows no braille dots"; }
# Space view, log view, help.
keys 2
wait_screen "r = 2.5..4:0.01"
keys 6
wait_screen "console opened on"
keys '?'
wait_screen "KEYS"
wait_screen "pause"

# Pause and resume from the keys; the header follows.
keys p
wait_screen "runner paused"
keys r
wait_screen "runner running"
# The command line: a labrat command, its output in the log.
keys :
type_text "status live"
keys Enter
keys 6
wait_screen "$ labrat status live"
wait_screen "done: status live"

# Wait for the end, as the header tells it.
gate_open live
wait_screen "runner finished"
wait_screen "100.0%"
keys 4
wait_screen "rows 1-"

# Export with a key.
keys e
wait_screen "done: export -t live -o live.csv"
[ -s live.csv ] || fail "e did not export live.csv"
[ "$(wc -l <live.csv)" -eq 303 ] || fail "live.csv: expected 302 jobs and a header"

# Define -> run -> watch -> export, from the form.
keys n
wait_screen "New campaign"
wait_screen "no parameters"
keys j j a
type_text "x=linspace(0,1)"
wait_screen "linspace needs 3 arguments"
wait_screen "^"
keys BSpace
type_text ",5)"
keys Enter
keys j j Enter
type_text "sh -c 'echo y=\$1' sh {x}"
keys Enter
keys k k k k Enter
type_text "fromform"
keys Enter
wait_screen "1 parameter, 5 points x repeat 1 = 5 jobs"
keys s
wait_screen "set fromform"
wait_screen "runner finished"
wait_screen "rows 1-5 of 5"
screen >s
contains s "0.25"
keys e
wait_screen "done: export -t fromform -o fromform.csv"
[ "$(wc -l <fromform.csv)" -eq 6 ] || fail "fromform.csv: expected 5 jobs"

# Larger, then too small, then back.
tmx resize-window -t main -x 132 -y 40
wait_screen "rows 1-5 of 5"
[ "$(screen | wc -l)" -ge 40 ] || fail "the console did not use the larger screen"
tmx resize-window -t main -x 60 -y 20
wait_screen "at least 80x24"
tmx resize-window -t main -x 80 -y 24
wait_screen "rows 1-5 of 5"

# Quitting never stops a campaign.
keys :
type_text "run -t after -p x=1..40 -- sleep 0.1"
keys Enter
wait_screen "set after"
keys q
wait_screen "CONSOLE-EXITED-0"
state_is after running || state_is after finished ||
	fail "quitting the console stopped the campaign"
expect_exit 0 "$LABRAT" wait after --timeout 60
screen_stop

# kill -9 of the console: the terminal is the tmux pane's; the campaign
# goes on.
expect_exit 0 "$LABRAT" run -t killed -p 'x=1..20' -- sleep 0.1
screen_start 80 24 "$LABRAT" console
wait_screen "set killed"
pid=$(pgrep -xf "$LABRAT console") || fail "no console process"
kill -9 $pid
wait_screen "CONSOLE-EXITED-137"
expect_exit 0 "$LABRAT" wait killed --timeout 60
screen_stop

# NO_COLOR and an ASCII terminal: no colour escapes, no braille.
screen_start 80 24 env NO_COLOR=1 LC_ALL=C "$LABRAT" console -t live
wait_screen "set live"
keys 5
wait_screen "lyapunov vs r"
screen | grep -q '[.:*]' || fail "the ASCII plot shows no dots"
tmx capture-pane -e -p -t main >esc
if grep -q "$(printf '\033')\[[0-9;]*3[0-7]m\|38;5;" esc; then
	fail "NO_COLOR: the console used colours"
fi
screen | grep -qP '[\x{2801}-\x{28ff}]' && fail "an ASCII terminal got braille"
keys q
wait_screen "CONSOLE-EXITED-0"
screen_stop

# The command line's history is kept across sessions (XDG state dir).
grep -qx "status live" "$T/state/labrat/history" ||
	fail "the command history was not saved in \$XDG_STATE_HOME/labrat/history"

# Ctrl-Z suspends to the shell with the terminal restored; fg resumes.
screen_start 80 24 bash --norc --noprofile -i
wait_screen 'bash'
type_text "PS1='sh> ' ; \"$LABRAT\" console -t live"
keys Enter
wait_screen "set live"
keys C-z
wait_screen "Stopped"
wait_screen "sh> "
screen_has "set live" && fail "the console screen stayed up after Ctrl-Z"
type_text "fg"
keys Enter
wait_screen "set live"
wait_screen "1 sets"
keys :
keys Up
wait_screen ":run -t after -p x=1..40"
keys Escape q
wait_screen "sh> "
screen_stop

# A notebook without result sets opens too.
expect_exit 0 "$LABRAT" -n "$T/empty.db" run --wait -t gone -p x=1 -- true
sqlite3 "$T/empty.db" "DELETE FROM resultset"
LABRAT_NOTEBOOK="$T/empty.db" screen_start 80 24 "$LABRAT" -n "$T/empty.db" console
wait_screen "no result sets yet"
keys q
wait_screen "CONSOLE-EXITED-0"
screen_stop

# The console only reads: a missing or empty file is no notebook, and
# stays as it was (never created, never given a schema).
for f in "$T/missing.db" "$T/zero.db"; do
	case $f in *zero.db) : >"$f" ;; esac
	screen_start 80 24 "$LABRAT" -n "$f" console
	wait_screen "CONSOLE-EXITED-3"
	screen_has "there is no notebook $f here" ||
		{ screen >&2; fail "no clear message for $f"; }
	screen_stop
done
[ -e "$T/missing.db" ] && fail "the console created $T/missing.db"
[ -s "$T/zero.db" ] && fail "the console wrote into the empty $T/zero.db"
exit 0
