#!/bin/sh
# The multi-host SSH harness (tests/sshhosts.sh), proved with OpenSSH's own
# client before the SSH backend's tests rely on it: every alias logs in with
# strict host key checking (plain and hashed known_hosts, and user@addr
# specs); a changed key, a key of another type and an unknown host are
# refused; a key with a passphrase works through the private agent and not
# without it; a stopped host ends its sessions and comes back on the same
# port with the same key; dropping a host's connections ends an open session
# but leaves the listener and the remote job; and, as root where network
# namespaces work (else that part is skipped), a host in a namespace is
# reachable, unreachable once its link is cut, and reachable again once it
# is restored.  Teardown leaves nothing behind.  Every ssh is bounded by
# timeout; every wait is for a condition.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"
. "$LABRAT_SRCDIR/tests/sshhosts.sh"

# sess: the pid of the test's own background ssh session, if any.
sess=
cut_ms=
trap '[ -z "$sess" ] || kill "$sess" 2>/dev/null; sshh_teardown; rm -rf "$T"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

sshh_setup "$T/ssh" 2
case $? in
0) ;;
1) skip "no private sshd hosts: $SSHH_ERROR" ;;
*) fail "$SSHH_ERROR" ;;
esac
SSHH_SSH_TIMEOUT=30

dump() {
	echo "--- stdout" >&2; cat out >&2
	echo "--- stderr" >&2; cat err >&2
}

# login NAME [SSH-OPTION...]: a command on NAME's alias runs, on that host.
login() {
	_n=$1
	shift
	sshh_ssh "$@" "$_n" 'echo "$LABRAT_SSHH_HOST"' </dev/null >out 2>err ||
		{ dump; fail "no login to $_n (exit $?)"; }
	case $(cat out) in
	*."$_n") ;;
	*) dump; fail "the command for $_n ran elsewhere" ;;
	esac
}

# refused NAME TEXT [SSH-OPTION...]: ssh to NAME fails (255) saying TEXT.
refused() {
	_n=$1
	_text=$2
	shift 2
	sshh_ssh "$@" "$_n" true </dev/null >out 2>err
	_rc=$?
	[ $_rc -eq 255 ] || { dump; fail "ssh to $_n exited $_rc, not 255"; }
	contains err "$_text"
}

gone() {
	! sshd_alive "$1"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# until_ok SECONDS WHAT CMD...: run CMD until it succeeds, for at most
# SECONDS of wall time (CMD may block: wait_until counts tries).
until_ok() {
	_end=$(($(date +%s) + $1))
	_what=$2
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_end" ] ||
			fail "timed out waiting until $_what"
		sleep 0.1
	done
}

# session NAME FILE [SSH-OPTION...]: in the background, a session on NAME
# that prints "up", then waits; its pid in $sess once it is up.
session() {
	_n=$1
	_f=$2
	shift 2
	timeout 120 ssh -F "$SSHH_CONFIG" "$@" "$_n" 'echo up; exec sleep 300' \
	    </dev/null >"$_f.out" 2>"$_f.err" &
	sess=$!
	wait_until "a session on $_n is up" grep -qx up "$_f.out"
}

# 1. The client files, then a login to every alias, by alias and by spec.
[ "$SSHH_ALIASES" = "h1 h2" ] || fail "aliases '$SSHH_ALIASES', not 'h1 h2'"
[ "$SSHH_h1_PORT" != "$SSHH_h2_PORT" ] || fail "h1 and h2 share a port"
[ "$SSHH_SPECS" = "$SSHH_USER@127.0.0.1:$SSHH_h1_PORT,$SSHH_USER@127.0.0.1:$SSHH_h2_PORT" ] ||
	fail "SSHH_SPECS is '$SSHH_SPECS'"
[ "$(sshh_hosts 3 h2 h1)" = "$SSHH_h2_SPEC/3,$SSHH_h1_SPEC/3" ] ||
	fail "sshh_hosts 3 h2 h1 gave '$(sshh_hosts 3 h2 h1)'"
[ "$SSHH_CONFIG" = "$SSHH_HOME/.ssh/config" ] &&
    [ "$SSHH_KNOWN_HOSTS" = "$SSHH_HOME/.ssh/known_hosts" ] &&
    [ "$SSHH_CLIENT_KEY" = "$SSHH_HOME/.ssh/id_ed25519" ] ||
	fail "the client files are not in \$SSHH_HOME/.ssh"
for h in h1 h2; do
	contains "$SSHH_CONFIG" "Host $h"
	eval "port=\$SSHH_${h}_PORT key=\$SSHH_${h}_HOST_KEY"
	contains "$SSHH_KNOWN_HOSTS" \
	    "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$key.pub")"
	[ -f "$key" ] && [ -f "$SSHH_DIR/$h/sshd.log" ] ||
		fail "no host key or log of its own for $h"
	login "$h"
done
[ "$SSHH_h1_HOST_KEY" != "$SSHH_h2_HOST_KEY" ] &&
    ! cmp -s "$SSHH_h1_HOST_KEY" "$SSHH_h2_HOST_KEY" ||
	fail "h1 and h2 share a host key"
sshh_ssh -p "$SSHH_h2_PORT" "$SSHH_USER@127.0.0.1" true </dev/null >out 2>err ||
	{ dump; fail "no login by the spec of h2"; }
# sshd sets SHLVL, so that bash as the login shell skips ~/.bashrc (1 as
# dash leaves it, 2 once bash counted itself).
sshh_ssh h1 'echo "$SHLVL"' </dev/null >out 2>err || { dump; fail "no SHLVL"; }
case $(cat out) in
1 | 2) ;;
*) dump; fail "remote commands do not get SHLVL=1 from sshd" ;;
esac

# The same with hashed known_hosts, then back.
sshh_known_hosts_form hashed || fail "$SSHH_ERROR"
lacks "$SSHH_KNOWN_HOSTS" 127.0.0.1
contains "$SSHH_KNOWN_HOSTS" '|1|'
cmp -s "$SSHH_KNOWN_HOSTS" "$SSHH_KNOWN_HOSTS_HASHED" ||
	fail "known_hosts is not the hashed form"
for h in $SSHH_ALIASES; do
	login "$h"
done
sshh_known_hosts_form plain || fail "$SSHH_ERROR"
cmp -s "$SSHH_KNOWN_HOSTS" "$SSHH_KNOWN_HOSTS_PLAIN" ||
	fail "known_hosts is not back to the plain form"

# 2. Host keys known_hosts is wrong about, or silent on: refused.
for kind in changed other unknown; do
	sshh_add_host "$kind" "$kind" || fail "$SSHH_ERROR"
done
case " $SSHH_ALIASES " in
*" changed "* | *" other "* | *" unknown "*)
	fail "a host with a wrong or no key in SSHH_ALIASES: $SSHH_ALIASES" ;;
esac
refused changed 'REMOTE HOST IDENTIFICATION HAS CHANGED'
contains err 'Host key verification failed'
# A changed key is no new host: accept-new refuses it too.
refused changed 'Host key verification failed' \
    -o StrictHostKeyChecking=accept-new
refused other 'Host key verification failed'
contains err 'Offending ECDSA key'
refused unknown "No ED25519 host key is known for [127.0.0.1]:$SSHH_unknown_PORT"
# ...while accept-new takes the unknown one, into a copy of known_hosts.
cp "$SSHH_KNOWN_HOSTS" kh.copy
login unknown -o StrictHostKeyChecking=accept-new \
    -o UserKnownHostsFile="$T/kh.copy"
contains kh.copy "[127.0.0.1]:$SSHH_unknown_PORT ssh-ed25519"
lacks "$SSHH_KNOWN_HOSTS" "[127.0.0.1]:$SSHH_unknown_PORT"
# Passing the hashed form over adds nothing: the same refusals.
sshh_known_hosts_form hashed || fail "$SSHH_ERROR"
refused changed 'REMOTE HOST IDENTIFICATION HAS CHANGED'
refused unknown 'No ED25519 host key is known'
sshh_known_hosts_form plain || fail "$SSHH_ERROR"

# 3. A key with a passphrase, through the agent and without it.
sshh_agent_start
case $? in
0) ;;
1) skip "no private ssh-agent: $SSHH_ERROR" ;;
*) fail "$SSHH_ERROR" ;;
esac
if ssh-keygen -y -P '' -f "$SSHH_AGENT_KEY" >/dev/null 2>&1; then
	fail "the agent's key opens without its passphrase"
fi
ssh-keygen -y -P "$SSHH_AGENT_PASSPHRASE" -f "$SSHH_AGENT_KEY" >out 2>err ||
	{ dump; fail "the agent's key does not open with its passphrase"; }
[ "$(cut -d' ' -f1,2 out)" = "$(cut -d' ' -f1,2 "$SSHH_AGENT_KEY.pub")" ] ||
	fail "the agent's key and its .pub differ"
fp=$(ssh-keygen -lf "$SSHH_AGENT_KEY.pub" | cut -d' ' -f2)
for h in $SSHH_ALIASES; do
	SSH_AUTH_SOCK=$SSHH_AGENT_SOCK timeout 30 ssh -F "$SSHH_AGENT_CONFIG" \
	    "$h" 'echo agent-ok' </dev/null >out 2>err ||
		{ dump; fail "no login to $h through the agent"; }
	contains out agent-ok
	eval "contains \"\$SSHH_${h}_LOG\" \"\$fp\""
done
timeout 30 ssh -F "$SSHH_AGENT_CONFIG" h1 true </dev/null >out 2>err
rc=$?
[ $rc -eq 255 ] || { dump; fail "the passphrase key alone: exit $rc, not 255"; }
contains err 'Permission denied (publickey)'
agent=$SSHH_AGENT_PID
sshh_agent_stop
gone "$agent" || fail "the agent outlives sshh_agent_stop"
[ ! -e "$SSHH_AGENT_SOCK" ] || fail "the agent's socket outlives it"

# 4. A host stopped entirely ends its sessions (killing the listener alone
# would not), refuses logins, and comes back the same.
session h2 stop
port=$SSHH_h2_PORT
listener=$SSHH_h2_PID
[ -n "$(sshh_jobs h2)" ] || fail "sshh_jobs finds no remote job on h2"
sshh_stop h2 || fail "$SSHH_ERROR"
[ -z "$SSHH_h2_PID" ] || fail "SSHH_h2_PID still set once stopped"
gone "$listener" || fail "h2's listener outlives sshh_stop"
wait_until "the session on h2 ends with its host" gone "$sess"
wait "$sess"
rc=$?
sess=
[ $rc -eq 255 ] || { cat stop.err >&2; fail "the session on h2 exited $rc"; }
refused h2 'Connection refused'
# Its remote job is left running, as on a machine whose sshd died.
[ -n "$(sshh_jobs h2)" ] || fail "the remote job of h2 went with its sshd"
sshh_kill_jobs h2 || fail "$SSHH_ERROR"
[ -z "$(sshh_jobs h2)" ] || fail "sshh_kill_jobs h2 left $(sshh_jobs h2)"
sshh_start h2 || fail "$SSHH_ERROR"
[ "$SSHH_h2_PORT" = "$port" ] || fail "h2 came back on port $SSHH_h2_PORT"
[ -n "$SSHH_h2_PID" ] && [ "$SSHH_h2_PID" != "$listener" ] ||
	fail "h2 came back without a new listener"
login h2 # strict checking: the same host key

# 5. Dropped connections: the session ends at once, the host stays.
session h1 drop
listener=$SSHH_h1_PID
t0=$(now_ms)
sshh_drop h1 || fail "$SSHH_ERROR"
wait_until "the session on h1 ends when dropped" gone "$sess"
drop_ms=$(($(now_ms) - t0))
wait "$sess"
rc=$?
sess=
[ $rc -eq 255 ] || { cat drop.err >&2; fail "the dropped session exited $rc"; }
contains drop.err 'closed by remote host'
sshd_alive "$listener" || fail "h1's listener went with its connections"
login h1
[ -n "$(sshh_jobs h1)" ] || fail "the remote job of h1 went with its connection"
sshh_kill_jobs h1 || fail "$SSHH_ERROR"
login h2 # the other host never noticed

# 6. A host in a network namespace of its own, its link cut and restored.
sshh_add_netns_host n1
case $? in
0) netns=ran ;;
1) netns="skipped: $SSHH_ERROR"
   echo "ssh_harness: namespace part $netns" >&2 ;;
*) fail "$SSHH_ERROR" ;;
esac
if [ "$netns" = ran ]; then
	case $SSHH_n1_ADDR in
	10.200.*) ;;
	*) fail "n1's address $SSHH_n1_ADDR is not in 10.200.0.0/16" ;;
	esac
	login n1
	# The remote command runs in the namespace: it sees the inside end.
	sshh_ssh n1 'cat /proc/net/dev' </dev/null >out 2>err ||
		{ dump; fail "no /proc/net/dev from n1"; }
	contains out "$SSHH_n1_VETH_NS:"
	lacks out "$SSHH_n1_VETH:"
	session n1 cut -o ServerAliveInterval=1 -o ServerAliveCountMax=3
	sshh_link_down n1 || fail "$SSHH_ERROR"
	t0=$(now_ms)
	refused n1 'timed out' -o ConnectTimeout=2
	cut_ms=$(($(now_ms) - t0))
	[ $cut_ms -ge 1500 ] ||
		fail "a connect to the cut host failed in $cut_ms ms, not silently"
	# The open session hears nothing: only its keepalives end it.
	until_ok 30 "the session on n1 notices the cut" gone "$sess"
	wait "$sess"
	rc=$?
	sess=
	[ $rc -eq 255 ] || { cat cut.err >&2; fail "the cut session exited $rc"; }
	contains cut.err 'not responding'
	sshh_link_up n1 || fail "$SSHH_ERROR"
	until_ok 60 "n1 is reachable again" \
	    sshh_ssh -o ConnectTimeout=5 n1 true
	login n1
	netns_name=$SSHH_n1_NETNS
	veth=$SSHH_n1_VETH
	net=$SSHH_n1_NET
fi

# 7. Teardown leaves nothing of the run: servers, remote jobs, namespace.
pids=
for h in $SSHH_HOSTS; do
	eval "pids=\"\$pids \$SSHH_${h}_PID\""
done
session h1 last
sshh_teardown || fail "$SSHH_ERROR"
for p in $pids; do
	gone "$p" || fail "sshd $p outlives sshh_teardown"
done
wait_until "the last session ends with teardown" gone "$sess"
wait "$sess"
sess=
for h in $SSHH_HOSTS; do
	[ -z "$(sshh_jobs "$h")" ] || fail "remote jobs of $h outlive teardown"
done
if [ "$netns" = ran ]; then
	if ip netns list | grep -q "^$netns_name\\( \\|\$\\)"; then
		fail "namespace $netns_name outlives teardown"
	fi
	if ip link show dev "$veth" >/dev/null 2>&1; then
		fail "device $veth outlives teardown"
	fi
	[ -z "$(ip -4 route show table all root "$net")" ] ||
		fail "a route in $net outlives teardown"
fi
sshh_teardown || fail "a second teardown: $SSHH_ERROR"

if [ -n "$cut_ms" ]; then
	netns="$netns (a connect to the cut link gave up after $cut_ms ms)"
fi
echo "ssh_harness: $(echo $SSHH_HOSTS | wc -w) hosts; a dropped session" \
    "ended in $drop_ms ms; namespace part $netns"
exit 0
