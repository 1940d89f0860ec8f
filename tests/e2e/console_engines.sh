#!/bin/sh
# The console and remote engines, driven in tmux at 80x24 with no real
# host: a live campaign whose result set is turned into an SSH one with
# sqlite3, its engines written as the SSH runner writes them.  The header
# counts the remote engines and says how many hosts are up; the sets view
# lists every host, with the last error of the one down, escapes in it
# made harmless; NO_COLOR and ASCII still work.  Then the campaign form:
# the backend and hosts fields, a bad hosts value's error under a caret,
# the preview, and `labrat run --backend ssh --hosts ...` started from it.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"
. "$LABRAT_SRCDIR/tests/e2e/screen.sh"

# A live runner, two jobs waiting at the gate: its lock is held, so the
# console sees it running.  Once it has written its (local) engines, it
# writes them again only when they change, which they do not while the
# jobs wait: the engines below stay as written.
expect_exit 0 "$LABRAT" run -t far --cores 2 -p 'x=1..20' -- "$GATED" {x}
local_engines() {
	[ "$(sql "SELECT engines FROM resultset WHERE tag='far'")" = \
		'{"localhost":{"slots":2,"busy":2,"state":"up"}}' ]
}
wait_until "two jobs wait at the gate" local_engines

# Three hosts: two up, one down whose error and name hold escapes (a CSI
# colour and an OSC that would retitle the terminal).
sql "UPDATE resultset SET backend = 'ssh',
	backend_args = '{\"hosts\":\"node1/4,alice@node2:2222/8,node3\",\"key\":\"ab\"}',
	engines = '{\"node1\":{\"slots\":4,\"busy\":3,\"state\":\"up\",\"done\":120,\"rtt_ms\":1.2},\"alice@node2:2222\":{\"slots\":8,\"busy\":2,\"state\":\"up\",\"done\":77,\"rtt_ms\":23.4},\"node3\\u001b]2;pwned\\u0007\":{\"slots\":0,\"busy\":0,\"state\":\"down\",\"done\":0,\"rtt_ms\":0.0,\"error\":\"cannot connect to node3: \\u001b[31mrefused\\u001b[0m: check that sshd runs there\"}}'
	WHERE tag = 'far'" || fail "cannot write the engines"

screen_start 80 24 "$LABRAT" console -t far
wait_screen "set far"
# The header: busy over the slots of the hosts up, and the hosts up.
wait_screen "engines 5/12  2/3 hosts up"
screen | head -1 | grep -q "runner running (pid [0-9]*)  engines 5/12  2/3 hosts up  ssh" ||
	{ screen >&2; fail "the header does not count the remote engines"; }

# The sets view lists every engine.
keys 1
wait_screen "ENGINES of far over ssh: 2/3 hosts up, 5/12 engines busy"
screen >s
contains s "HOST                                  STATE      BUSY/SLOTS     DONE        RTT"
contains s " node1                                 up            3/4          120     1.2 ms"
contains s " alice@node2:2222                      up            2/8           77    23.4 ms"
contains s " node3?]2;pwned?                       down          0/-            0          -"
# The error is text, not a colour; the title is not the host's.
contains s "    last error: cannot connect to node3: ?[31mrefused?[0m: check that sshd"
[ "$(tmx display-message -p -t main '#{pane_title}')" = pwned ] &&
	fail "a host name retitled the terminal"
# Every line fits 80 columns.
[ "$(screen | wc -L)" -le 80 ] || { screen >&2; fail "a line is wider than 80 columns"; }

# The space view says where the jobs run.
keys 2
wait_screen "backend      ssh, 3 hosts: node1/4,alice@node2:2222/8,node3"

# The form: no note about SSH to come; a backend and a hosts field.
keys n
wait_screen "New campaign"
screen_has "SSH hosts come" && fail "the form still says SSH hosts come later"
keys j j a
type_text "x=1..3"
keys Enter
keys j j Enter
type_text "echo {x}"
keys Enter
wait_screen "1 parameter, 3 points x repeat 1 = 3 jobs"
wait_screen "backend local, "
# Down to the backend (shell, worker, then backend); Enter makes it ssh.
keys j j j Enter
wait_screen "backend      ssh  on other machines over ssh"
wait_screen "!hosts        e.g. node1/4,alice@node2:2222"
wait_screen "error: hosts: no host given"
# A bad hosts value: the error, the text and a caret under the blank.
keys j Enter
type_text "node1/4,node2 ,x"
wait_screen "error: hosts column 14: a blank is not allowed in a host spec"
screen >s
[ "$(grep -A1 -F '  node1/4,node2 ,x' s | tail -1)" = "               ^" ] ||
	{ cat s >&2; fail "no caret under the blank of the hosts"; }
# Fixed, it says where the jobs will run.
keys C-u
type_text "127.0.0.1:1/4,localhost:1"
keys Enter
wait_screen "backend ssh, 2 hosts, 4 slots (+1 auto)"
[ "$(screen | wc -L)" -le 80 ] || { screen >&2; fail "a line is wider than 80 columns"; }
# s runs labrat run with the ssh backend and the hosts as typed; with no
# host that answers, its refusal ends in the log.
keys s
keys 6
wait_screen "$ labrat run -p x=1..3 --backend ssh --hosts 127.0.0.1:1/4,localhost:1"
wait_screen "labrat: no host can be reached: cannot connect to 127.0.0.1"
keys q
wait_screen "CONSOLE-EXITED-0"
screen_stop

# NO_COLOR and an ASCII terminal: the same, without colours.
screen_start 80 24 env NO_COLOR=1 LC_ALL=C "$LABRAT" console -t far
wait_screen "engines 5/12  2/3 hosts up"
keys 1
wait_screen "last error: cannot connect to node3"
tmx capture-pane -e -p -t main >esc
if grep -q "$(printf '\033')\[[0-9;]*3[0-7]m\|38;5;" esc; then
	fail "NO_COLOR: the console used colours"
fi
keys q
wait_screen "CONSOLE-EXITED-0"
screen_stop

expect_exit 0 "$LABRAT" cancel far
gate_open main
expect_exit 0 "$LABRAT" wait far --timeout 60
exit 0
