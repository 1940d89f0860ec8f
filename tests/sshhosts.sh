# sshhosts.sh -- several private OpenSSH "hosts" for tests, sourced by them
# (POSIX sh: dash runs it) after tests/sshd.sh's helpers (sourced here; its
# own API keeps working).  Each host is a /usr/sbin/sshd of its own with its
# own host key, port, pid file and log; one client key is authorised on all
# of them; a private client HOME holds .ssh/config (an alias per host),
# .ssh/known_hosts and .ssh/id_ed25519.  Nothing of the system's sshd or of
# the real ~/.ssh is read or changed.
#
#	. "$LABRAT_SRCDIR/tests/sshhosts.sh"
#	trap 'sshh_teardown; rm -rf "$T"' EXIT
#	trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM
#	sshh_setup "$T/ssh" 2
#	case $? in 0) ;; 1) skip "$SSHH_ERROR" ;; *) fail "$SSHH_ERROR" ;; esac
#	sshh_ssh h1 'echo ok'
#	HOME=$SSHH_HOME "$LABRAT" run --backend ssh --hosts "$(sshh_hosts 4 h1 h2)" ...
#
# Every function returns 0 when done, 1 with SSHH_ERROR when this machine
# cannot do it (skip the test: exit 77), 2 with SSHH_ERROR on a fault (fail
# the test).  Call them in the test's own shell, never in $(...): they set
# variables and start the servers and the agent as its children.  Without
# the HUP/INT/TERM traps above, a signal would end dash without running the
# EXIT trap, leaving servers (and namespaces) behind.
#
# HOSTS
#   sshh_setup DIR [N]  make the client key, the client HOME and N hosts
#       (2 by default) h1..hN on 127.0.0.1 in directory DIR (absolute, plain
#       characters: no blanks), and check that OpenSSH's client logs in to
#       each alias with strict host key checking.  Unsets SSH_AUTH_SOCK, so
#       that no agent of the caller's takes part.
#   sshh_add_host NAME [KIND]  one more host on 127.0.0.1.  KIND: trusted
#       (the default: known_hosts holds its key), changed (known_hosts holds
#       another ed25519 key for its address: "the key has changed"), other
#       (known_hosts holds only a key of another type, ECDSA, for it) or
#       unknown (known_hosts has no entry for it).  NAME: a letter, then
#       letters, digits or _; it is the alias and part of variable names.
#   sshh_ssh [SSH-OPTION...] NAME [COMMAND...]  OpenSSH's client with
#       -F $SSHH_CONFIG and the caller's stdin, bounded by SSHH_SSH_TIMEOUT
#       seconds (60): exits as the remote command did, 255 if ssh failed,
#       124 on timeout.
#   sshh_hosts SLOTS NAME...  print the hosts as --hosts takes them:
#       user@addr:port/SLOTS joined by commas (no /SLOTS if SLOTS is "").
#   sshh_known_hosts_form plain|hashed  rewrite the client HOMEs'
#       known_hosts in that form (hashed: ssh-keygen -H, Debian's default).
#
#   After sshh_setup:
#   SSHH_DIR, SSHH_USER (the account logged in to on every host)
#   SSHH_HOME         the client's HOME; its .ssh holds config, known_hosts
#                     and id_ed25519 (.pub beside it)
#   SSHH_SSH_DIR      $SSHH_HOME/.ssh
#   SSHH_CONFIG       $SSHH_HOME/.ssh/config: per host "Host NAME" with
#                     HostName, Port, User, IdentityFile, UserKnownHostsFile
#                     and StrictHostKeyChecking yes; then "Host *" with the
#                     same key, known_hosts and checking for user@addr specs,
#                     IdentitiesOnly, GlobalKnownHostsFile /dev/null,
#                     UpdateHostKeys no, BatchMode yes, ConnectTimeout 10
#   SSHH_KNOWN_HOSTS  $SSHH_HOME/.ssh/known_hosts ([127.0.0.1]:PORT entries)
#   SSHH_KNOWN_HOSTS_PLAIN, SSHH_KNOWN_HOSTS_HASHED  both forms, kept current
#   SSHH_CLIENT_KEY   $SSHH_HOME/.ssh/id_ed25519 (no passphrase)
#   SSHH_HOSTS        every host made, in order of making
#   SSHH_ALIASES      the hosts a login must work to (trusted and netns)
#   SSHH_SPECS        SSHH_ALIASES as user@addr:port, joined by commas
#   and per host, e.g. $SSHH_h1_PORT:
#   SSHH_<name>_KIND  trusted, changed, other, unknown or netns
#   SSHH_<name>_ADDR, SSHH_<name>_PORT, SSHH_<name>_SPEC (user@addr:port)
#   SSHH_<name>_PID   the listening sshd; empty while the host is stopped
#   SSHH_<name>_DIR, SSHH_<name>_LOG (the server's log; a restart appends),
#   SSHH_<name>_CONFIG (sshd's), SSHH_<name>_PIDFILE,
#   SSHH_<name>_HOST_KEY (private; .pub beside it),
#   SSHH_<name>_KNOWN_KEY  the public key file known_hosts holds for the
#                     host (its own, another or none: by KIND)
#
# FAULTS
#   sshh_stop NAME    stop the host entirely: its listener and the sshd
#       processes of all its connections (their clients see them drop).
#       Commands started through it go on running, as on a machine whose
#       sshd died: sshh_kill_jobs ends them.
#   sshh_start NAME   start a stopped host again: same port, same host key.
#   sshh_drop NAME    kill only the sshd processes of the host's
#       connections (dropped connections): the listener stays, new logins
#       work, the remote commands go on (no PTY: no SIGHUP).
#   sshh_jobs NAME    print the pids of the processes remote commands
#       started on the host: sshd gives them LABRAT_SSHH_HOST=<run>.<name>
#       (a command that clears its environment escapes this).
#   sshh_kill_jobs NAME  SIGKILL them and wait until they are gone.
#
# AGENT
#   sshh_agent_start  start a private ssh-agent (its socket in SSHH_DIR)
#       holding a key made with a passphrase, authorised on every host.
#   sshh_agent_stop   stop it (sshh_teardown does).
#   After sshh_agent_start:
#   SSHH_AGENT_SOCK   the agent's socket: set SSH_AUTH_SOCK to it for the
#                     commands that should use the agent
#   SSHH_AGENT_PID, SSHH_AGENT_PASSPHRASE (secret)
#   SSHH_AGENT_HOME   a second client HOME like SSHH_HOME (same aliases and
#                     known_hosts) whose only key, .ssh/id_ed25519, is the
#                     passphrase-protected one
#   SSHH_AGENT_CONFIG, SSHH_AGENT_KEY  its .ssh/config and that key
#
# NETWORK NAMESPACES (root only, where ip netns works; else 1)
#   sshh_add_netns_host NAME  a host in a network namespace of its own,
#       linked by a veth pair, with a /30 of 10.200.0.0/16 of its own (.1
#       on this side, .2 inside; a blackhole route for the /30 at metric
#       4000 keeps its traffic from ever leaving another way), sshd inside
#       on port SSHH_NETNS_PORT (22).  Adds SSHH_<name>_NETNS, _VETH (this
#       side), _VETH_NS (inside), _NET (the /30).  Names carry the run's id.
#   sshh_link_down NAME  cut the link silently: the inside end goes down;
#       packets to the host vanish, a connect times out, an open connection
#       hears nothing (TCP keeps retrying).
#   sshh_link_up NAME    restore it; returns once this side has carrier.
#
# sshh_teardown  stop the agent, every host and every remote command of
#   this run, and delete exactly the namespaces, veth pairs and routes this
#   run made.  Harmless twice or before sshh_setup; 2 with SSHH_ERROR if
#   something it made is still there.
#
# Set to change: SSHH_USER (before sshh_setup; the account to log in as,
# by default the current one, the only one possible unless root; it must
# be able to read DIR), SSHH_EXTRA_CONFIG (lines appended to the sshd
# config of each host started from then on; no SetEnv: sshd.sh),
# SSHH_NETNS_PORT, SSHH_SSH_TIMEOUT, SSHD_START_TIMEOUT (sshd.sh).
# Remote commands get SHLVL=1 (no ~/.bashrc: sshd.sh) and
# LABRAT_SSHH_HOST; ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS are passed on.
#
# libssh 0.10 and OpenSSH's ssh both find ~/.ssh through the passwd entry,
# not $HOME: HOME=$SSHH_HOME alone makes neither read $SSHH_HOME/.ssh.
# OpenSSH needs -F $SSHH_CONFIG (sshh_ssh does it; its paths are absolute);
# libssh needs SSH_OPTIONS_SSH_DIR set to $SSHH_SSH_DIR before
# ssh_options_parse_config (e.g. a backend that takes it from $HOME).

. "${LABRAT_SRCDIR:?LABRAT_SRCDIR must name the source tree}/tests/sshd.sh"

SSHH_AGENT_PASSPHRASE=secret
SSHH_ERROR=
SSHH_RUN=
SSHH_HOSTS=
SSHH_ALIASES=
SSHH_SPECS=
SSHH_HOMES=
SSHH_AGENT_PID=
SSHH_AGENT_SOCK=
SSHH_NETNS_N=0
SSHH_NETNS_MADE=
SSHH_VETH_MADE=
SSHH_ROUTES_MADE=
SSHH_KNOWN_HOSTS_FORM=plain

# _sshh_get NAME FIELD: print $SSHH_NAME_FIELD (NAME was checked).
_sshh_get() {
	eval "printf '%s' \"\${SSHH_$1_$2:-}\""
}

# _sshh_set NAME FIELD VALUE
_sshh_set() {
	eval "SSHH_$1_$2=\$3"
}

# Poll "$@" every 20 ms until it succeeds, at most $1 seconds: 0 or 1.
_sshh_poll() {
	_p_n=$(($1 * 50))
	shift
	until "$@"; do
		_p_n=$((_p_n - 1))
		[ "$_p_n" -gt 0 ] || return 1
		sleep 0.02
	done
	return 0
}

# 0 if sshh_setup has run.
_sshh_ready() {
	[ -n "$SSHH_RUN" ] && return 0
	SSHH_ERROR="sshh_setup has not run"
	return 1
}

# _sshh_check_name NAME: 0 if NAME can name a new host.
_sshh_check_name() {
	case $1 in
	'' | [!A-Za-z]* | *[!A-Za-z0-9_]*)
		SSHH_ERROR="host name '$1': a letter, then letters, digits, _"
		return 1 ;;
	esac
	case " $SSHH_HOSTS " in
	*" $1 "*)
		SSHH_ERROR="there is already a host '$1'"
		return 1 ;;
	esac
	return 0
}

# _sshh_known HOST: 0 if HOST was made by this run.
_sshh_known() {
	case " $SSHH_HOSTS " in
	*" $1 "*) return 0 ;;
	esac
	SSHH_ERROR="no host '$1' in this run (hosts: $SSHH_HOSTS)"
	return 1
}

# The name known_hosts gives host $1: [addr]:port, or addr for port 22.
_sshh_kh_name() {
	if [ "$(_sshh_get "$1" PORT)" = 22 ]; then
		_sshh_get "$1" ADDR
	else
		printf '[%s]:%s' "$(_sshh_get "$1" ADDR)" "$(_sshh_get "$1" PORT)"
	fi
}

# Write both forms of known_hosts, then each client HOME's .ssh/config and
# .ssh/known_hosts (in the form chosen) for every host with a port.
_sshh_client_files() {
	for _f_n in $SSHH_HOSTS; do
		_f_key=$(_sshh_get "$_f_n" KNOWN_KEY)
		[ -n "$_f_key" ] && [ -n "$(_sshh_get "$_f_n" PORT)" ] ||
			continue
		printf '%s %s\n' "$(_sshh_kh_name "$_f_n")" \
		    "$(cut -d' ' -f1,2 "$_f_key")"
	done >"$SSHH_KNOWN_HOSTS_PLAIN.tmp" &&
	    mv "$SSHH_KNOWN_HOSTS_PLAIN.tmp" "$SSHH_KNOWN_HOSTS_PLAIN" || {
		SSHH_ERROR="cannot write $SSHH_KNOWN_HOSTS_PLAIN"
		return 1
	}
	cp "$SSHH_KNOWN_HOSTS_PLAIN" "$SSHH_KNOWN_HOSTS_HASHED.tmp" &&
	    ssh-keygen -q -H -f "$SSHH_KNOWN_HOSTS_HASHED.tmp" \
	    >/dev/null 2>&1 &&
	    mv "$SSHH_KNOWN_HOSTS_HASHED.tmp" "$SSHH_KNOWN_HOSTS_HASHED" || {
		SSHH_ERROR="ssh-keygen -H failed on $SSHH_KNOWN_HOSTS_PLAIN"
		return 1
	}
	rm -f "$SSHH_KNOWN_HOSTS_HASHED.tmp.old"
	if [ "$SSHH_KNOWN_HOSTS_FORM" = hashed ]; then
		_f_kh=$SSHH_KNOWN_HOSTS_HASHED
	else
		_f_kh=$SSHH_KNOWN_HOSTS_PLAIN
	fi
	for _f_home in $SSHH_HOMES; do
		_f_dir=$_f_home/.ssh
		cp "$_f_kh" "$_f_dir/known_hosts.tmp" &&
		    mv "$_f_dir/known_hosts.tmp" "$_f_dir/known_hosts" || {
			SSHH_ERROR="cannot write $_f_dir/known_hosts"
			return 1
		}
		{
			echo "# Written by tests/sshhosts.sh for one test run."
			for _f_n in $SSHH_HOSTS; do
				[ -n "$(_sshh_get "$_f_n" PORT)" ] || continue
				echo
				echo "Host $_f_n"
				echo "	HostName $(_sshh_get "$_f_n" ADDR)"
				echo "	Port $(_sshh_get "$_f_n" PORT)"
				echo "	User $SSHH_USER"
				echo "	IdentityFile $_f_dir/id_ed25519"
				echo "	UserKnownHostsFile $_f_dir/known_hosts"
				echo "	StrictHostKeyChecking yes"
			done
			echo
			echo "Host *"
			echo "	User $SSHH_USER"
			echo "	IdentityFile $_f_dir/id_ed25519"
			echo "	IdentitiesOnly yes"
			echo "	UserKnownHostsFile $_f_dir/known_hosts"
			echo "	GlobalKnownHostsFile /dev/null"
			echo "	StrictHostKeyChecking yes"
			echo "	UpdateHostKeys no"
			echo "	BatchMode yes"
			echo "	ConnectTimeout 10"
			echo "	SendEnv ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS"
		} >"$_f_dir/config.tmp" &&
		    chmod 600 "$_f_dir/config.tmp" &&
		    mv "$_f_dir/config.tmp" "$_f_dir/config" || {
			SSHH_ERROR="cannot write $_f_dir/config"
			return 1
		}
	done
	return 0
}

# _sshh_keygen FILE TYPE COMMENT [PASSPHRASE]: a new key pair.
_sshh_keygen() {
	rm -f "$1" "$1.pub"
	if ! _g_out=$(ssh-keygen -q -t "$2" -N "${4:-}" -C "$3" -f "$1" \
	    </dev/null 2>&1); then
		SSHH_ERROR="ssh-keygen -t $2 failed: $_g_out"
		return 1
	fi
	return 0
}

sshh_setup() {
	SSHH_ERROR=
	if [ -n "$SSHH_RUN" ]; then
		SSHH_ERROR="sshh_setup has run already"
		return 2
	fi
	case ${2:-2} in
	'' | *[!0-9]*) SSHH_ERROR="sshh_setup: '$2' is not a number of hosts"
		return 2 ;;
	esac
	_sshd_can_run sshh_setup "$1"
	_s_rc=$?
	if [ $_s_rc -ne 0 ]; then
		SSHH_ERROR=$SSHD_ERROR
		return $_s_rc
	fi
	SSHH_DIR=$1
	if ! mkdir -p "$SSHH_DIR" || ! chmod 755 "$SSHH_DIR"; then
		SSHH_ERROR="cannot create '$SSHH_DIR'"
		return 2
	fi
	SSHH_USER=${SSHH_USER:-$(id -un)}
	# The run's id, in every name this run gives a process tag, a
	# namespace or a device: the shell's pid and a random byte, in hex.
	SSHH_RUN=$(printf '%x%s' $$ "$(od -An -N1 -tx1 /dev/urandom |
	    tr -d ' \n')")
	unset SSH_AUTH_SOCK SSH_AGENT_PID

	SSHH_HOME=$SSHH_DIR/home
	SSHH_SSH_DIR=$SSHH_HOME/.ssh
	SSHH_CONFIG=$SSHH_SSH_DIR/config
	SSHH_KNOWN_HOSTS=$SSHH_SSH_DIR/known_hosts
	SSHH_KNOWN_HOSTS_PLAIN=$SSHH_DIR/known_hosts.plain
	SSHH_KNOWN_HOSTS_HASHED=$SSHH_DIR/known_hosts.hashed
	SSHH_CLIENT_KEY=$SSHH_SSH_DIR/id_ed25519
	if ! mkdir -p "$SSHH_SSH_DIR" ||
	    ! chmod 700 "$SSHH_HOME" "$SSHH_SSH_DIR"; then
		SSHH_ERROR="cannot create '$SSHH_SSH_DIR'"
		return 2
	fi
	_sshh_keygen "$SSHH_CLIENT_KEY" ed25519 labrat-test-client || return 1
	# sshd reads the keys as the target user.
	cp "$SSHH_CLIENT_KEY.pub" "$SSHH_DIR/authorized_keys" &&
	    chmod 644 "$SSHH_DIR/authorized_keys" || {
		SSHH_ERROR="cannot write $SSHH_DIR/authorized_keys"
		return 2
	}
	# A root sshd needs its privilege separation directory.
	if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
		mkdir -p /run/sshd && chmod 755 /run/sshd
	fi
	SSHH_HOMES=$SSHH_HOME
	_sshh_client_files || return 2

	_s_i=1
	while [ "$_s_i" -le "${2:-2}" ]; do
		sshh_add_host "h$_s_i" trusted || return $?
		_s_i=$((_s_i + 1))
	done
	return 0
}

# _sshh_new_host NAME KIND ADDR: the directory, keys and variables of a
# new host (not started).
_sshh_new_host() {
	_n_dir=$SSHH_DIR/$1
	if ! mkdir -p "$_n_dir" || ! chmod 755 "$_n_dir"; then
		SSHH_ERROR="cannot create '$_n_dir'"
		return 2
	fi
	_sshh_keygen "$_n_dir/host_ed25519" ed25519 "labrat-test-$1" || return 1
	case $2 in
	trusted | netns) _n_known=$_n_dir/host_ed25519.pub ;;
	changed)
		_sshh_keygen "$_n_dir/known_ed25519" ed25519 \
		    "labrat-test-$1-changed" || return 1
		_n_known=$_n_dir/known_ed25519.pub ;;
	other)
		_sshh_keygen "$_n_dir/known_ecdsa" ecdsa \
		    "labrat-test-$1-other" || return 1
		_n_known=$_n_dir/known_ecdsa.pub ;;
	unknown) _n_known= ;;
	esac
	_sshh_set "$1" KIND "$2"
	_sshh_set "$1" ADDR "$3"
	_sshh_set "$1" PORT ""
	_sshh_set "$1" SPEC ""
	_sshh_set "$1" PID ""
	_sshh_set "$1" DIR "$_n_dir"
	_sshh_set "$1" LOG "$_n_dir/sshd.log"
	_sshh_set "$1" CONFIG "$_n_dir/sshd_config"
	_sshh_set "$1" PIDFILE "$_n_dir/sshd.pid"
	_sshh_set "$1" HOST_KEY "$_n_dir/host_ed25519"
	_sshh_set "$1" KNOWN_KEY "$_n_known"
	_sshh_set "$1" NETNS ""
	: >"$_n_dir/sshd.log"
	SSHH_HOSTS="${SSHH_HOSTS:+$SSHH_HOSTS }$1"
	return 0
}

# _sshh_write_sshd_config NAME PORT
_sshh_write_sshd_config() {
	{
		sshd_config_lines "$2" "$(_sshh_get "$1" ADDR)" \
		    "$(_sshh_get "$1" HOST_KEY)" "$(_sshh_get "$1" PIDFILE)" \
		    "$SSHH_DIR/authorized_keys" "$SSHH_USER" \
		    "LABRAT_SSHH_HOST=$SSHH_RUN.$1"
		if [ -n "${SSHH_EXTRA_CONFIG:-}" ]; then
			printf '%s\n' "$SSHH_EXTRA_CONFIG"
		fi
	} >"$(_sshh_get "$1" CONFIG)"
}

# _sshh_launch NAME [PORT]: start the host's sshd on PORT, or on a free
# random port, and wait until it listens.
_sshh_launch() {
	_l_name=$1
	_l_cfg=$(_sshh_get "$1" CONFIG)
	_l_log=$(_sshh_get "$1" LOG)
	_l_addr=$(_sshh_get "$1" ADDR)
	_l_ns=$(_sshh_get "$1" NETNS)
	if [ -n "${2:-}" ]; then
		_l_port=$2
		_l_tries=1
	else
		# From a random start in 20000-59999; a taken one is skipped.
		_l_port=$(od -An -N2 -tu2 /dev/urandom 2>/dev/null | tr -d ' ')
		_l_port=$((20000 + ${_l_port:-$$} % 40000))
		_l_tries=20
	fi
	_sshh_write_sshd_config "$_l_name" "$_l_port"
	if ! _l_out=$("$SSHD_BIN" -t -f "$_l_cfg" 2>&1); then
		SSHH_ERROR="sshd -t rejects the config of $_l_name: $_l_out"
		return 1
	fi
	while :; do
		_sshh_write_sshd_config "$_l_name" "$_l_port"
		SSHD_ERROR=
		if [ -n "$_l_ns" ]; then
			sshd_spawn "$_l_log" "$_l_addr" "$_l_port" \
			    ip netns exec "$_l_ns" "$SSHD_BIN" -f "$_l_cfg" -D -e
		else
			sshd_spawn "$_l_log" "$_l_addr" "$_l_port" \
			    "$SSHD_BIN" -f "$_l_cfg" -D -e
		fi
		case $? in
		0) break ;;
		1) SSHH_ERROR="$_l_name: $SSHD_ERROR"
		   return 1 ;;
		esac
		_l_tries=$((_l_tries - 1))
		if [ "$_l_tries" -le 0 ]; then
			if [ -n "${2:-}" ]; then
				SSHH_ERROR="$_l_name: port $_l_port is taken"
				return 2
			fi
			SSHH_ERROR="$_l_name: no free port for sshd in 20 tries"
			return 1
		fi
		_l_port=$((20000 + (_l_port - 20000 + 7919) % 40000))
	done
	_sshh_set "$_l_name" PID "$SSHD_SPAWN_PID"
	_sshh_set "$_l_name" PORT "$_l_port"
	_sshh_set "$_l_name" SPEC "$SSHH_USER@$_l_addr:$_l_port"
	return 0
}

# _sshh_check_login NAME: log in with OpenSSH's client through the alias
# (host key not checked for the hosts known_hosts is wrong about); a host a
# login must work to joins SSHH_ALIASES and SSHH_SPECS.
_sshh_check_login() {
	case $(_sshh_get "$1" KIND) in
	trusted | netns)
		_c_out=$(sshh_ssh "$1" 'echo sshh-ok' </dev/null 2>&1) ;;
	*)
		_c_out=$(sshh_ssh -o StrictHostKeyChecking=no \
		    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		    "$1" 'echo sshh-ok' </dev/null 2>&1) ;;
	esac
	if [ "$_c_out" != sshh-ok ]; then
		_c_log=$(_sshh_get "$1" LOG)
		if grep -q 'account is locked' "$_c_log"; then
			SSHH_ERROR="the account '$SSHH_USER' is locked for"
			SSHH_ERROR="$SSHH_ERROR key logins (usermod -p '*')"
			return 1
		fi
		SSHH_ERROR="login to $1 as '$SSHH_USER' failed: $_c_out;"
		SSHH_ERROR="$SSHH_ERROR sshd log: $(tail -n 5 "$_c_log" |
		    tr '\n' ' ')"
		return 2
	fi
	case $(_sshh_get "$1" KIND) in
	trusted | netns)
		SSHH_ALIASES="${SSHH_ALIASES:+$SSHH_ALIASES }$1"
		SSHH_SPECS="${SSHH_SPECS:+$SSHH_SPECS,}$(_sshh_get "$1" SPEC)" ;;
	esac
	return 0
}

sshh_add_host() {
	SSHH_ERROR=
	_sshh_ready || return 2
	_sshh_check_name "$1" || return 2
	case ${2:-trusted} in
	trusted | changed | other | unknown) ;;
	*) SSHH_ERROR="host kind '$2': trusted, changed, other or unknown"
	   return 2 ;;
	esac
	_sshh_new_host "$1" "${2:-trusted}" 127.0.0.1 || return $?
	_sshh_launch "$1" || return $?
	_sshh_client_files || return 2
	_sshh_check_login "$1"
}

sshh_ssh() {
	if command -v timeout >/dev/null 2>&1; then
		timeout "${SSHH_SSH_TIMEOUT:-60}" ssh -F "$SSHH_CONFIG" "$@"
	else
		ssh -F "$SSHH_CONFIG" "$@"
	fi
}

sshh_hosts() {
	_h_slots=$1
	shift
	_h_list=
	for _h_n in "$@"; do
		_sshh_known "$_h_n" || {
			echo "sshh_hosts: $SSHH_ERROR" >&2
			return 2
		}
		_h_list="${_h_list:+$_h_list,}$(_sshh_get "$_h_n" SPEC)"
		_h_list="$_h_list${_h_slots:+/$_h_slots}"
	done
	printf '%s\n' "$_h_list"
}

sshh_known_hosts_form() {
	SSHH_ERROR=
	_sshh_ready || return 2
	case $1 in
	plain | hashed) SSHH_KNOWN_HOSTS_FORM=$1 ;;
	*) SSHH_ERROR="known_hosts form '$1': plain or hashed"
	   return 2 ;;
	esac
	_sshh_client_files || return 2
}

# Print the pids of the children of process $1 whose command is sshd.
_sshh_sshd_children() {
	# /proc/PID/stat: "pid (comm) state ppid ...", comm may hold blanks.
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v parent="$1" '{
		rest = $0
		sub(/^.*\) /, "", rest)
		split(rest, f, " ")
		comm = $0
		sub(/^[^(]*\(/, "", comm)
		sub(/\)[^)]*$/, "", comm)
		if (f[2] == parent && comm == "sshd")
			print $1
	}'
}

# 0 once none of the pids in $1 is alive.
_sshh_all_gone() {
	for _g_pid in $1; do
		sshd_alive "$_g_pid" && return 1
	done
	return 0
}

# Kill the connections of listener $1 (the sshd processes forked for them,
# each connection a process group of its own: sshd calls setsid) and wait
# until they are gone.
_sshh_kill_conns() {
	_k_pids=$(_sshh_sshd_children "$1")
	for _k_pid in $_k_pids; do
		# A child not yet a group leader has no group of its pid.
		kill -s KILL -- "-$_k_pid" 2>/dev/null ||
			kill -s KILL "$_k_pid" 2>/dev/null
	done
	if ! _sshh_poll 10 _sshh_all_gone "$_k_pids"; then
		SSHH_ERROR="sshd processes $_k_pids still there 10 s after SIGKILL"
		return 2
	fi
	return 0
}

sshh_stop() {
	SSHH_ERROR=
	_sshh_known "$1" || return 2
	_t_pid=$(_sshh_get "$1" PID)
	[ -n "$_t_pid" ] || return 0
	# Frozen, the listener forks no new connection while its current
	# ones are killed; the SIGTERM is waiting for it when it thaws.
	kill -s STOP "$_t_pid" 2>/dev/null
	_sshh_kill_conns "$_t_pid"
	_t_rc=$?
	kill -s TERM "$_t_pid" 2>/dev/null
	kill -s CONT "$_t_pid" 2>/dev/null
	sshd_kill_wait "$_t_pid"
	_sshh_set "$1" PID ""
	return $_t_rc
}

sshh_start() {
	SSHH_ERROR=
	_sshh_known "$1" || return 2
	_r_pid=$(_sshh_get "$1" PID)
	if [ -n "$_r_pid" ] && sshd_alive "$_r_pid"; then
		return 0
	fi
	_sshh_launch "$1" "$(_sshh_get "$1" PORT)"
}

sshh_drop() {
	SSHH_ERROR=
	_sshh_known "$1" || return 2
	_d_pid=$(_sshh_get "$1" PID)
	if [ -z "$_d_pid" ]; then
		SSHH_ERROR="$1 is stopped: no connection to drop"
		return 2
	fi
	_sshh_kill_conns "$_d_pid"
}

# Print the pids of the processes whose environment has an entry that
# the basic regular expression $1 matches whole.
_sshh_tagged() {
	grep -l -a -z -x -e "$1" /proc/[0-9]*/environ 2>/dev/null |
	    sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p'
}

# SIGKILL the processes _sshh_tagged "$1" finds until none is left.
_sshh_kill_tagged() {
	_j_n=500
	while _j_pids=$(_sshh_tagged "$1") && [ -n "$_j_pids" ]; do
		# shellcheck disable=SC2086
		kill -s KILL $_j_pids 2>/dev/null
		_j_n=$((_j_n - 1))
		if [ "$_j_n" -le 0 ]; then
			SSHH_ERROR="remote commands $_j_pids outlive SIGKILL"
			return 2
		fi
		sleep 0.02
	done
	return 0
}

sshh_jobs() {
	_sshh_known "$1" || return 2
	_sshh_tagged "LABRAT_SSHH_HOST=$SSHH_RUN\\.$1"
}

sshh_kill_jobs() {
	SSHH_ERROR=
	_sshh_known "$1" || return 2
	_sshh_kill_tagged "LABRAT_SSHH_HOST=$SSHH_RUN\\.$1"
}

sshh_agent_start() {
	SSHH_ERROR=
	_sshh_ready || return 2
	for _a_prog in ssh-agent ssh-add; do
		if ! command -v "$_a_prog" >/dev/null 2>&1; then
			SSHH_ERROR="$_a_prog is missing (install openssh-client)"
			return 1
		fi
	done
	if [ -n "$SSHH_AGENT_PID" ]; then
		return 0
	fi
	SSHH_AGENT_SOCK=$SSHH_DIR/agent.sock
	# sun_path holds 108 bytes.
	if [ "${#SSHH_AGENT_SOCK}" -ge 100 ]; then
		SSHH_ERROR="the agent's socket path $SSHH_AGENT_SOCK is too long"
		SSHH_ERROR="$SSHH_ERROR for a socket: set TMPDIR to a short path"
		return 1
	fi
	SSHH_AGENT_HOME=$SSHH_DIR/agent-home
	SSHH_AGENT_CONFIG=$SSHH_AGENT_HOME/.ssh/config
	SSHH_AGENT_KEY=$SSHH_AGENT_HOME/.ssh/id_ed25519
	if ! mkdir -p "$SSHH_AGENT_HOME/.ssh" ||
	    ! chmod 700 "$SSHH_AGENT_HOME" "$SSHH_AGENT_HOME/.ssh"; then
		SSHH_ERROR="cannot create '$SSHH_AGENT_HOME/.ssh'"
		return 2
	fi
	if [ ! -f "$SSHH_AGENT_KEY.pub" ]; then
		_sshh_keygen "$SSHH_AGENT_KEY" ed25519 labrat-test-agent \
		    "$SSHH_AGENT_PASSPHRASE" || return 1
		cat "$SSHH_AGENT_KEY.pub" >>"$SSHH_DIR/authorized_keys"
		SSHH_HOMES="$SSHH_HOMES $SSHH_AGENT_HOME"
		_sshh_client_files || return 2
	fi
	# ssh-add asks this program for the passphrase.
	printf '#!/bin/sh\nprintf "%%s\\n" %s\n' \
	    "$(ssh_quote "$SSHH_AGENT_PASSPHRASE")" >"$SSHH_DIR/askpass"
	chmod 700 "$SSHH_DIR/askpass"

	rm -f "$SSHH_AGENT_SOCK"
	ssh-agent -D -a "$SSHH_AGENT_SOCK" </dev/null \
	    >>"$SSHH_DIR/agent.log" 2>&1 &
	SSHH_AGENT_PID=$!
	# ssh-add -l: 1 when the agent answers and holds no key, 2 when there
	# is no agent to answer.
	_a_n=500
	while :; do
		SSH_AUTH_SOCK=$SSHH_AGENT_SOCK ssh-add -l >/dev/null 2>&1
		[ $? -eq 1 ] && break
		_a_n=$((_a_n - 1))
		if ! sshd_alive "$SSHH_AGENT_PID" || [ "$_a_n" -le 0 ]; then
			SSHH_ERROR="ssh-agent did not answer on $SSHH_AGENT_SOCK:"
			SSHH_ERROR="$SSHH_ERROR $(tail -n 3 "$SSHH_DIR/agent.log" |
			    tr '\n' ' ')"
			sshh_agent_stop
			return 1
		fi
		sleep 0.02
	done
	if ! _a_out=$(SSH_AUTH_SOCK=$SSHH_AGENT_SOCK \
	    SSH_ASKPASS=$SSHH_DIR/askpass SSH_ASKPASS_REQUIRE=force \
	    ssh-add "$SSHH_AGENT_KEY" </dev/null 2>&1); then
		SSHH_ERROR="ssh-add of the passphrase key failed: $_a_out"
		return 2
	fi
	_a_fp=$(ssh-keygen -lf "$SSHH_AGENT_KEY.pub" | cut -d' ' -f2)
	if ! SSH_AUTH_SOCK=$SSHH_AGENT_SOCK ssh-add -l 2>&1 |
	    grep -qF -- "$_a_fp"; then
		SSHH_ERROR="the agent does not list the key $_a_fp it was given"
		return 2
	fi
	return 0
}

sshh_agent_stop() {
	[ -n "$SSHH_AGENT_PID" ] || return 0
	sshd_kill_wait "$SSHH_AGENT_PID"
	SSHH_AGENT_PID=
	rm -f "$SSHH_AGENT_SOCK"
	return 0
}

# Claim a /30 of 10.200.0.0/16 that no address or route of this machine
# is in, by adding its blackhole route (which fails if another run added
# it first): _c_net (e.g. 10.200.3.8/30), _c_out (this side's address),
# _c_in (the host's).
_sshh_claim_net() {
	_c_k=$(((0x$SSHH_RUN + SSHH_NETNS_N * 4099) % 16384))
	_c_try=0
	while [ "$_c_try" -lt 64 ]; do
		_c_b=$((_c_k * 4))
		_c_pre=10.200.$((_c_b / 256))
		_c_net=$_c_pre.$((_c_b % 256))/30
		_c_out=$_c_pre.$((_c_b % 256 + 1))
		_c_in=$_c_pre.$((_c_b % 256 + 2))
		if [ -z "$(ip -4 -o addr show to "$_c_net" 2>&1)" ] &&
		    [ -z "$(ip -4 route show table all root "$_c_net" 2>&1)" ] &&
		    ip route add blackhole "$_c_net" metric 4000 2>/dev/null; then
			SSHH_ROUTES_MADE="$SSHH_ROUTES_MADE $_c_net"
			return 0
		fi
		_c_k=$(((_c_k + 7919) % 16384))
		_c_try=$((_c_try + 1))
	done
	SSHH_ERROR="no free /30 in 10.200.0.0/16 after 64 tries"
	return 2
}

# _sshh_ip ARG...: run ip ARG...; on failure SSHH_ERROR says what failed.
_sshh_ip() {
	if ! _i_out=$(ip "$@" 2>&1); then
		SSHH_ERROR="ip $*: $_i_out"
		return 2
	fi
	return 0
}

sshh_add_netns_host() {
	SSHH_ERROR=
	_sshh_ready || return 2
	_sshh_check_name "$1" || return 2
	if [ "$(id -u)" -ne 0 ]; then
		SSHH_ERROR="network namespaces need root (running as $(id -un))"
		return 1
	fi
	if ! command -v ip >/dev/null 2>&1; then
		SSHH_ERROR="no ip command for network namespaces (iproute2)"
		return 1
	fi
	SSHH_NETNS_N=$((SSHH_NETNS_N + 1))
	_e_ns=labrat-$SSHH_RUN-$1
	# Interface names hold 15 characters: lr + run id (8) + n + r|i.
	_e_out=lr$SSHH_RUN${SSHH_NETNS_N}r
	_e_in=lr$SSHH_RUN${SSHH_NETNS_N}i
	if ! _e_msg=$(ip netns add "$_e_ns" 2>&1); then
		SSHH_ERROR="ip netns add refused here: $_e_msg"
		return 1
	fi
	SSHH_NETNS_MADE="$SSHH_NETNS_MADE $_e_ns"
	_sshh_claim_net || return 2
	if ! _e_msg=$(ip link add "$_e_out" type veth peer name "$_e_in" 2>&1)
	then
		SSHH_ERROR="no veth pair here: $_e_msg"
		return 1
	fi
	SSHH_VETH_MADE="$SSHH_VETH_MADE $_e_out"
	_sshh_ip link set "$_e_in" netns "$_e_ns" &&
	    _sshh_ip addr add "$_c_out/30" dev "$_e_out" &&
	    _sshh_ip link set "$_e_out" up &&
	    _sshh_ip -n "$_e_ns" addr add "$_c_in/30" dev "$_e_in" &&
	    _sshh_ip -n "$_e_ns" link set "$_e_in" up &&
	    _sshh_ip -n "$_e_ns" link set lo up || return 2
	# A cut (the inside end down) leaves this side without carrier: its
	# route must stay in use, whatever the machine's default, or connects
	# would fail at once on the blackhole route instead of timing out.
	echo 0 >"/proc/sys/net/ipv4/conf/$_e_out/ignore_routes_with_linkdown" \
	    2>/dev/null
	# A fixed neighbour entry: with the link cut, packets then vanish
	# silently instead of failing address resolution (No route to host).
	_e_mac=$(ip -n "$_e_ns" -o link show dev "$_e_in" |
	    sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')
	if [ -z "$_e_mac" ]; then
		SSHH_ERROR="no MAC address for $_e_in in $_e_ns"
		return 2
	fi
	_sshh_ip neigh replace "$_c_in" lladdr "$_e_mac" nud permanent \
	    dev "$_e_out" || return 2

	_sshh_new_host "$1" netns "$_c_in" || return $?
	_sshh_set "$1" NETNS "$_e_ns"
	_sshh_set "$1" VETH "$_e_out"
	_sshh_set "$1" VETH_NS "$_e_in"
	_sshh_set "$1" NET "$_c_net"
	_sshh_launch "$1" "${SSHH_NETNS_PORT:-22}" || return $?
	_sshh_client_files || return 2
	_sshh_check_login "$1"
}

# _sshh_netns_of NAME: 0 if NAME is a namespace host of this run.
_sshh_netns_of() {
	_sshh_known "$1" || return 1
	if [ -z "$(_sshh_get "$1" NETNS)" ]; then
		SSHH_ERROR="$1 is not in a network namespace of its own"
		return 1
	fi
	return 0
}

sshh_link_down() {
	SSHH_ERROR=
	_sshh_netns_of "$1" || return 2
	_sshh_ip -n "$(_sshh_get "$1" NETNS)" link set \
	    "$(_sshh_get "$1" VETH_NS)" down
}

# 0 if network device $1 has carrier.
_sshh_carrier() {
	[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]
}

sshh_link_up() {
	SSHH_ERROR=
	_sshh_netns_of "$1" || return 2
	_sshh_ip -n "$(_sshh_get "$1" NETNS)" link set \
	    "$(_sshh_get "$1" VETH_NS)" up || return 2
	if ! _sshh_poll 10 _sshh_carrier "$(_sshh_get "$1" VETH)"; then
		SSHH_ERROR="$(_sshh_get "$1" VETH) has no carrier 10 s after up"
		return 2
	fi
	return 0
}

sshh_teardown() {
	_z_err=
	sshh_agent_stop
	for _z_n in $SSHH_HOSTS; do
		sshh_stop "$_z_n" || _z_err="$_z_err $SSHH_ERROR;"
	done
	if [ -n "$SSHH_RUN" ]; then
		_sshh_kill_tagged "LABRAT_SSHH_HOST=$SSHH_RUN\\..*" ||
			_z_err="$_z_err $SSHH_ERROR;"
	fi
	# Deleting this side of a veth pair deletes both.
	for _z_dev in $SSHH_VETH_MADE; do
		if ip link show dev "$_z_dev" >/dev/null 2>&1 &&
		    ! ip link del "$_z_dev" 2>/dev/null; then
			_z_err="$_z_err cannot delete device $_z_dev;"
		fi
	done
	SSHH_VETH_MADE=
	for _z_ns in $SSHH_NETNS_MADE; do
		if ip netns list 2>/dev/null | grep -q "^$_z_ns\\( \\|\$\\)" &&
		    ! ip netns del "$_z_ns" 2>/dev/null; then
			_z_err="$_z_err cannot delete namespace $_z_ns;"
		fi
	done
	SSHH_NETNS_MADE=
	for _z_net in $SSHH_ROUTES_MADE; do
		if ! ip route del blackhole "$_z_net" metric 4000 2>/dev/null &&
		    [ -n "$(ip -4 route show table all root "$_z_net" 2>/dev/null)" ]
		then
			_z_err="$_z_err cannot delete route blackhole $_z_net;"
		fi
	done
	SSHH_ROUTES_MADE=
	if [ -n "$_z_err" ]; then
		SSHH_ERROR="sshh_teardown:$_z_err"
		return 2
	fi
	return 0
}
