# screen.sh -- drive the real console inside a private tmux server and
# read the screen as a person would (sourced by the console tests).
# Needs lib.sh first.

command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"
SOCK="labrat-test-$$"
export LC_ALL=C.UTF-8
tmx() { tmux -L "$SOCK" "$@"; }
# screen_stop: end the server and wait until it is gone (a new server
# started on the same socket too early exits at once).
screen_stop() {
	tmx kill-server >/dev/null 2>&1 || true
	_i=0
	while tmx has-session >/dev/null 2>&1 && [ $_i -lt 250 ]; do
		_i=$((_i + 1))
		sleep 0.02
	done
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
}
trap 'screen_stop; rm -rf "$T"' EXIT

# screen_start COLS ROWS CMD: a new session running CMD in a shell.
screen_start() {
	_c=$1 _r=$2
	shift 2
	_n=0
	until tmx -f /dev/null new-session -d -s main -x "$_c" -y "$_r" \
		"env TERM=xterm-256color LABRAT_NOTEBOOK='$LABRAT_NOTEBOOK' XDG_STATE_HOME='$T/state' $* ; echo CONSOLE-EXITED-\$?; sleep 600"; do
		_n=$((_n + 1))
		[ $_n -ge 5 ] && skip "tmux cannot start a session here"
		screen_stop
	done
	tmx set-option -t main remain-on-exit on >/dev/null 2>&1 || true
}

screen() { tmx capture-pane -p -J -t main "$@"; }

# screen_has TEXT: the screen shows TEXT now.
screen_has() { screen | grep -qF -- "$1"; }

# wait_screen TEXT: until the screen shows TEXT (bounded).
wait_screen() {
	_i=0
	until screen_has "$1"; do
		_i=$((_i + 1))
		if [ $_i -gt 2500 ]; then
			echo "--- the screen:" >&2
			screen >&2
			fail "the screen never showed '$1'"
		fi
		sleep 0.02
	done
}

# keys KEY...: send keys (tmux names: Enter, Escape, Tab, C-c, ...).
keys() { tmx send-keys -t main "$@"; }
# type TEXT: type literal text.
type_text() { tmx send-keys -t main -l -- "$1"; }
