# sshd.sh -- a private OpenSSH server on loopback for tests, sourced by
# them (POSIX sh: dash runs it).  sshd_start makes a host key, a client key
# and a config in a directory of the test's own, starts /usr/sbin/sshd on
# 127.0.0.1 at a free high port and waits until it listens; ssh_run logs in
# with the client key, checking the real host key; sshd_stop ends the
# server.  Nothing of the system's sshd or of ~/.ssh is read or changed.
#
#	. "$LABRAT_SRCDIR/tests/sshd.sh"
#	sshd_start "$T/sshd"
#	case $? in 0) ;; 1) skip "$SSHD_ERROR" ;; *) fail "$SSHD_ERROR" ;; esac
#	trap 'sshd_stop; rm -rf "$T"' EXIT
#	ssh_run 'echo ok'
#
# After sshd_start: SSHD_HOST (127.0.0.1), SSHD_PORT, SSHD_PID, SSHD_USER,
# SSHD_CONFIG, SSHD_LOG (the server's log), SSHD_HOST_KEY (private; .pub
# beside it), SSHD_CLIENT_KEY (private; .pub beside it), SSHD_KNOWN_HOSTS
# (holds the host key) and SSH_OPTS, the OpenSSH client options that reach
# the server (word-split them: the directory has no blanks or wildcards).
#
# Set before sshd_start to change: SSHD_USER (the account to log in as; by
# default the current one, the only one possible unless running as root)
# and SSHD_EXTRA_CONFIG (lines appended to the server's config; not a
# SetEnv line: sshd takes only the first, which the harness writes).  The
# sanitizer variables ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS are sent
# to the remote commands when set.  Remote commands get SHLVL=1 so that the
# account's ~/.bashrc is not run for them (see sshd_config_lines).
#
# tests/sshhosts.sh builds several hosts, an agent, namespaces and faults on
# the helpers below (sshd_config_lines, sshd_spawn, sshd_kill_wait,
# sshd_alive, ssh_quote).

SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}

# Wait up to this many seconds for the server to listen.
SSHD_START_TIMEOUT=${SSHD_START_TIMEOUT:-10}

# Quote each argument for a POSIX shell and print them joined by spaces:
# ssh_run "cd $(ssh_quote "$dir") && ls".
ssh_quote() {
	_q_sep=
	for _q in "$@"; do
		printf "%s'%s'" "$_q_sep" \
		    "$(printf '%s' "$_q" | sed "s/'/'\\\\''/g")"
		_q_sep=' '
	done
}

# Run a remote command on the test server (arguments joined by spaces, as
# ssh does) with the caller's standard input; exits as the remote command
# did, 255 if ssh failed, 124 if it ran past SSH_RUN_TIMEOUT seconds.
ssh_run() {
	# shellcheck disable=SC2086
	if command -v timeout >/dev/null 2>&1; then
		timeout "${SSH_RUN_TIMEOUT:-120}" ssh $SSH_OPTS "$SSHD_HOST" "$@"
	else
		ssh $SSH_OPTS "$SSHD_HOST" "$@"
	fi
}

# 0 if process $1 exists and is not a zombie.
sshd_alive() {
	if [ -r "/proc/$1/stat" ]; then
		# The command name in field 2 is "(sshd)": no blanks.
		read -r _a_pid _a_comm _a_state _a_rest <"/proc/$1/stat" ||
			return 1
		[ "$_a_state" != Z ]
	else
		kill -0 "$1" 2>/dev/null
	fi
}

# Print the config every test server shares: port $1, listening on
# address $2, host key $3, pid file $4, authorized keys file $5, the one
# user allowed $6, and $7 (may be empty) more NAME=VALUE words for the
# environment of the remote commands.  sshd honours only its first SetEnv
# line: a caller's own variables go in $7, not in a second SetEnv.
sshd_config_lines() {
	echo "Port $1"
	echo "ListenAddress $2"
	echo "AddressFamily inet"
	echo "HostKey $3"
	echo "PidFile $4"
	echo "AuthorizedKeysFile $5"
	echo "AllowUsers $6"
	echo "PubkeyAuthentication yes"
	echo "PasswordAuthentication no"
	echo "KbdInteractiveAuthentication no"
	echo "UsePAM no"
	# The keys live under /tmp, writable by all.
	echo "StrictModes no"
	echo "PermitRootLogin prohibit-password"
	echo "PrintMotd no"
	echo "PrintLastLog no"
	echo "X11Forwarding no"
	echo "AcceptEnv ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS"
	# Debian's bash runs ~/.bashrc for every command sshd starts (a heavy
	# one costs 100 ms and more a command) unless SHLVL says it is not a
	# top-level shell: remote commands run as if through a plain sh.
	echo "SetEnv SHLVL=1${7:+ $7}"
	echo "Subsystem sftp internal-sftp"
	echo "LogLevel INFO"
}

# Write the server's config for port $1.
sshd_write_config() {
	{
		sshd_config_lines "$1" "$SSHD_HOST" "$SSHD_HOST_KEY" \
		    "$SSHD_DIR/sshd.pid" "$SSHD_DIR/authorized_keys" \
		    "$SSHD_USER" ""
		if [ -n "${SSHD_EXTRA_CONFIG:-}" ]; then
			printf '%s\n' "$SSHD_EXTRA_CONFIG"
		fi
	} >"$SSHD_CONFIG"
}

# End process $1, a child of this shell: SIGTERM, then SIGKILL if it is
# still there after 2 s.
sshd_kill_wait() {
	kill "$1" 2>/dev/null
	_k_tries=100
	while sshd_alive "$1" && [ "$_k_tries" -gt 0 ]; do
		sleep 0.02
		_k_tries=$((_k_tries - 1))
	done
	sshd_alive "$1" && kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# Run CMD... (an sshd started with -D -e, or a command that execs one) in
# the background, its output appended to file $1, and wait until it
# listens on address $2 port $3: 0 when it does, with its pid in
# SSHD_SPAWN_PID; 2 if the port is taken; 1 with SSHD_ERROR if the server
# failed otherwise or did not listen within SSHD_START_TIMEOUT seconds
# (then it is stopped).  Only what CMD writes from now on is looked at.
sshd_spawn() {
	_w_log=$1
	_w_addr=$2
	_w_port=$3
	shift 3
	_w_off=$(($(wc -c <"$_w_log" 2>/dev/null || echo 0) + 1))
	"$@" </dev/null >>"$_w_log" 2>&1 &
	SSHD_SPAWN_PID=$!
	_w_tries=$((SSHD_START_TIMEOUT * 20))
	while [ "$_w_tries" -gt 0 ]; do
		if tail -c +"$_w_off" "$_w_log" | grep -q \
		    "^Server listening on $_w_addr port $_w_port"; then
			return 0
		fi
		if ! sshd_alive "$SSHD_SPAWN_PID"; then
			wait "$SSHD_SPAWN_PID" 2>/dev/null
			SSHD_SPAWN_PID=
			if tail -c +"$_w_off" "$_w_log" |
			    grep -q 'Address already in use'; then
				return 2
			fi
			SSHD_ERROR="sshd exited at startup: $(tail -c \
			    +"$_w_off" "$_w_log" | tail -n 3 | tr '\n' ' ')"
			return 1
		fi
		sleep 0.05
		_w_tries=$((_w_tries - 1))
	done
	SSHD_ERROR="sshd did not listen on $_w_addr port $_w_port within"
	SSHD_ERROR="$SSHD_ERROR $SSHD_START_TIMEOUT s: $(tail -c +"$_w_off" \
	    "$_w_log" | tail -n 3 | tr '\n' ' ')"
	sshd_kill_wait "$SSHD_SPAWN_PID"
	SSHD_SPAWN_PID=
	return 1
}

# Start sshd on port $1 and wait until it listens: 0 when it does, 2 if
# the port is taken, 1 (with SSHD_ERROR) if the server failed otherwise.
sshd_try_port() {
	sshd_write_config "$1"
	: >"$SSHD_LOG"
	sshd_spawn "$SSHD_LOG" "$SSHD_HOST" "$1" \
	    "$SSHD_BIN" -f "$SSHD_CONFIG" -D -e
	_t_rc=$?
	SSHD_PID=$SSHD_SPAWN_PID
	return $_t_rc
}

# _sshd_can_run FUNC DIR: OpenSSH's server and client are here and DIR is
# an absolute plain path that configs can carry.  0, or 1 (skip) or 2
# (fault) with SSHD_ERROR; FUNC names the caller in the message.
_sshd_can_run() {
	if [ ! -x "$SSHD_BIN" ]; then
		SSHD_ERROR="$SSHD_BIN is missing (install openssh-server)"
		return 1
	fi
	for _s_prog in ssh ssh-keygen; do
		if ! command -v "$_s_prog" >/dev/null 2>&1; then
			SSHD_ERROR="$_s_prog is missing (install openssh-client)"
			return 1
		fi
	done
	case $2 in
	/*) ;;
	*) SSHD_ERROR="$1 needs an absolute directory, not '$2'"
	   return 2 ;;
	esac
	case $2 in
	*[!A-Za-z0-9._/+-]*)
		SSHD_ERROR="the directory '$2' has characters that the configs"
		SSHD_ERROR="$SSHD_ERROR cannot carry: set TMPDIR to a plain path"
		return 1 ;;
	esac
	return 0
}

# Start a private sshd with its keys and config in directory $1 (created if
# missing).  0 when a login with the client key works; 1 with SSHD_ERROR if
# this machine cannot run one (no sshd or ssh, a failed config test, no
# start, a locked account: skip the test); 2 with SSHD_ERROR if the server
# runs but refuses the login (a fault of the harness or the machine's setup).
sshd_start() {
	SSHD_ERROR=
	SSHD_PID=
	SSHD_HOST=127.0.0.1
	_sshd_can_run sshd_start "$1" || return
	SSHD_DIR=$1
	mkdir -p "$SSHD_DIR" || {
		SSHD_ERROR="cannot create '$SSHD_DIR'"
		return 2
	}
	SSHD_USER=${SSHD_USER:-$(id -un)}
	SSHD_CONFIG=$SSHD_DIR/sshd_config
	SSHD_LOG=$SSHD_DIR/sshd.log
	SSHD_HOST_KEY=$SSHD_DIR/host_ed25519
	SSHD_CLIENT_KEY=$SSHD_DIR/client_ed25519
	SSHD_KNOWN_HOSTS=$SSHD_DIR/known_hosts

	rm -f "$SSHD_HOST_KEY" "$SSHD_HOST_KEY.pub" "$SSHD_CLIENT_KEY" \
	    "$SSHD_CLIENT_KEY.pub"
	if ! ssh-keygen -q -t ed25519 -N '' -C labrat-test-host \
	    -f "$SSHD_HOST_KEY" </dev/null >"$SSHD_LOG" 2>&1 ||
	    ! ssh-keygen -q -t ed25519 -N '' -C labrat-test-client \
	    -f "$SSHD_CLIENT_KEY" </dev/null >>"$SSHD_LOG" 2>&1; then
		SSHD_ERROR="ssh-keygen failed: $(tr '\n' ' ' <"$SSHD_LOG")"
		return 1
	fi
	# sshd reads the keys as the target user.
	cp "$SSHD_CLIENT_KEY.pub" "$SSHD_DIR/authorized_keys"
	chmod 644 "$SSHD_DIR/authorized_keys"
	chmod 755 "$SSHD_DIR"

	# A root sshd needs its privilege separation directory.
	if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
		mkdir -p /run/sshd && chmod 755 /run/sshd
	fi

	# Ports from a random start in 20000-59999; a taken one is skipped.
	_s_port=$(od -An -N2 -tu2 /dev/urandom 2>/dev/null | tr -d ' ')
	_s_port=$((20000 + ${_s_port:-$$} % 40000))
	sshd_write_config "$_s_port"
	if ! "$SSHD_BIN" -t -f "$SSHD_CONFIG" >"$SSHD_LOG" 2>&1; then
		SSHD_ERROR="sshd -t rejects the test config: $(tr '\n' ' ' \
		    <"$SSHD_LOG")"
		return 1
	fi
	_s_try=0
	while :; do
		sshd_try_port "$_s_port"
		case $? in
		0) break ;;
		1) return 1 ;;
		esac
		_s_try=$((_s_try + 1))
		if [ "$_s_try" -ge 20 ]; then
			SSHD_ERROR="no free port for sshd after 20 tries"
			return 1
		fi
		_s_port=$((20000 + (_s_port - 20000 + 7919) % 40000))
	done
	SSHD_PORT=$_s_port

	# The real host key, under the name ssh looks up for a port not 22.
	printf '[%s]:%s %s\n' "$SSHD_HOST" "$SSHD_PORT" \
	    "$(cut -d' ' -f1,2 "$SSHD_HOST_KEY.pub")" >"$SSHD_KNOWN_HOSTS"
	SSH_OPTS="-F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes"
	SSH_OPTS="$SSH_OPTS -o UserKnownHostsFile=$SSHD_KNOWN_HOSTS"
	SSH_OPTS="$SSH_OPTS -o GlobalKnownHostsFile=/dev/null"
	SSH_OPTS="$SSH_OPTS -o IdentitiesOnly=yes -o IdentityAgent=none"
	SSH_OPTS="$SSH_OPTS -i $SSHD_CLIENT_KEY -o ConnectTimeout=10"
	SSH_OPTS="$SSH_OPTS -o LogLevel=ERROR -l $SSHD_USER -p $SSHD_PORT"
	for _s_var in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		if eval "[ -n \"\${$_s_var:-}\" ]"; then
			SSH_OPTS="$SSH_OPTS -o SendEnv=$_s_var"
		fi
	done

	if ! _s_out=$(ssh_run 'echo sshd-harness-ok' </dev/null 2>&1) ||
	    [ "$_s_out" != sshd-harness-ok ]; then
		if grep -q 'account is locked' "$SSHD_LOG"; then
			SSHD_ERROR="the account '$SSHD_USER' is locked for"
			SSHD_ERROR="$SSHD_ERROR key logins (usermod -p '*')"
			sshd_stop
			return 1
		fi
		SSHD_ERROR="login as '$SSHD_USER' failed: $_s_out;"
		SSHD_ERROR="$SSHD_ERROR sshd log: $(tail -n 5 "$SSHD_LOG" |
		    tr '\n' ' ')"
		sshd_stop
		return 2
	fi
	return 0
}

# Stop the server started by sshd_start (harmless if none is running).
# Sessions still open keep their own processes until their clients end.
sshd_stop() {
	[ -n "${SSHD_PID:-}" ] || return 0
	sshd_kill_wait "$SSHD_PID"
	SSHD_PID=
	return 0
}
