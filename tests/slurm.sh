# slurm.sh -- a private single-node SLURM cluster for tests, sourced by
# them (POSIX sh: dash runs it).  slurmh_start starts, as root, a munged of
# its own (its own key and socket: a system munge is never touched),
# slurmctld and slurmd with a slurm.conf it writes, all in a directory of
# the test's own, on free ports, and waits until the node is idle; the
# client commands (sbatch, squeue, scontrol, scancel, sinfo) then reach it
# through the exported SLURM_CONF.  slurmh_stop ends the daemons and every
# job process of the cluster.  No file outside that directory is written.
#
#	. "$LABRAT_SRCDIR/tests/slurm.sh"
#	trap 'slurmh_stop; rm -rf "$T"' EXIT
#	trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM
#	slurmh_start "$T/slurm"
#	case $? in 0) ;; 1) skip "$SLURMH_ERROR" ;; *) fail "$SLURMH_ERROR" ;; esac
#	job=$(sbatch --parsable --array=0-9 -o "$T/%A_%a.out" --wrap 'echo hi')
#	slurmh_wait_job "$job" 60 || fail "$SLURMH_ERROR"
#
# Every function returns 0 when done, 1 with SLURMH_ERROR when this machine
# cannot do it (skip the test: exit 77), 2 with SLURMH_ERROR on a fault
# (fail the test).  When LABRAT_CI is set (and not 0), as .ci/run does, a
# cluster that cannot start is a fault, not a skip: CI runs as root with
# the packages installed, so a skip there could only hide a broken harness.
# Call the functions in the test's own shell, never in $(...): they set
# variables and start the daemons as its children.  Without the HUP/INT/
# TERM traps above, a signal would end dash without running the EXIT trap,
# leaving daemons behind.  The prefix is SLURMH_, not SLURM_: SLURM_* and
# SBATCH_* are SLURM's own environment (sbatch reads them).
#
# THE CLUSTER
#   slurmh_start DIR  start munged, slurmctld and slurmd with their config,
#       state, spool, logs and munge socket in DIR (created; an absolute
#       path of plain characters) and wait until the node is IDLE, at most
#       SLURMH_START_TIMEOUT seconds.  1 (skip) when not root, when a
#       package is missing or a daemon cannot start; 2 on a fault.
#   slurmh_stop       stop the daemons and kill every process of the
#       cluster's jobs (slurmstepd and what it started, even orphaned).
#       Harmless twice or before slurmh_start; 2 with SLURMH_ERROR if a
#       process of the cluster is still there.
#
# FAULTS
#   slurmh_kill_slurmd     SIGKILL slurmd and wait until it is gone; the
#       running jobs' slurmstepd go on, as on a node whose slurmd crashed.
#   slurmh_start_slurmd    start slurmd again (same port and spool) and
#       wait until it has registered with slurmctld (the node's
#       SlurmdStartTime changes and it responds).
#   slurmh_stop_slurmctld  SIGTERM slurmctld (it saves its state) and wait
#       until it is gone.  Clients retry about 10 s, then fail.
#   slurmh_start_slurmctld start it again without -c (state recovered: jobs
#       and job ids go on) and wait until it answers.
#   slurmh_restart_slurmctld  both.
#
# QUERIES (each client command bounded by SLURMH_CMD_TIMEOUT seconds)
#   slurmh_run CMD...      run a client command bounded by timeout: exits
#       as CMD did, 124 on timeout.
#   slurmh_node_state      print the node's State as scontrol shows it
#       (IDLE, MIXED, ALLOCATED, DOWN+NOT_RESPONDING, IDLE+DRAIN ...).
#   slurmh_wait_node STATE [SECS]  wait until the node's State is exactly
#       STATE (default bound SLURMH_START_TIMEOUT).
#   slurmh_job_states JOB  print one line per record of JOB (a job, an
#       array, or an array task J_T) that slurmctld still holds (MinJobAge
#       after the end): "ID STATE REASON EXITCODE RESTARTS", ID as J_T for
#       array tasks (J_[3-9%2] for the array's pending rest), else J.
#   slurmh_job_done JOB    0 if slurmctld knows JOB and every record of it
#       is in a final state (COMPLETED, FAILED, CANCELLED, TIMEOUT,
#       NODE_FAIL, OUT_OF_MEMORY, PREEMPTED, BOOT_FAIL, DEADLINE).
#   slurmh_wait_job JOB [SECS]  wait until slurmh_job_done JOB (bound 60).
#   slurmh_jobcomp JOB     print the lines of the completion log
#       (jobcomp/filetxt) of JOB and of its array tasks.
#   slurmh_procs           print the pids of every live process of the
#       cluster: daemons, slurmstepd and the processes of jobs.
#   slurmh_task_pids       print the pids of the processes of jobs only.
#   slurmh_alive PID       0 if process PID exists and is not a zombie.
#
#   After slurmh_start:
#   SLURM_CONF (exported) and SLURMH_CONF  the generated slurm.conf
#   SLURMH_DIR, SLURMH_CLUSTER (ClusterName, unique to the run: jobs get it
#                     as SLURM_CLUSTER_NAME), SLURMH_NODE (hostname -s),
#   SLURMH_PARTITION (debug, the default), SLURMH_CTLD_PORT,
#   SLURMH_SLURMD_PORT, SLURMH_CTLD_PID, SLURMH_SLURMD_PID,
#   SLURMH_MUNGED_PID, SLURMH_MUNGE_SOCKET, SLURMH_CTLD_LOG,
#   SLURMH_SLURMD_LOG, SLURMH_MUNGE_LOG, SLURMH_JOBCOMP (completion log),
#   SLURMH_STATE_DIR, SLURMH_SPOOL_DIR, SLURMH_UP_MS (milliseconds from
#   the first daemon's start to an idle node).
#
# Set before slurmh_start to change (defaults in brackets):
#   SLURMH_CPUS [this machine's]   CPUs the node advertises; more than the
#       real ones are allowed (config_overrides) and let more tasks start
#       per scheduler pass
#   SLURMH_MEMORY [this machine's, MB]  RealMemory
#   SLURMH_DEF_MEM_PER_CPU [100]   MB a task gets when it asks nothing
#   SLURMH_MAX_ARRAY_SIZE [101]    MaxArraySize: indices 0..100
#   SLURMH_MAX_JOB_COUNT [10000]   MaxJobCount (array tasks count)
#   SLURMH_MIN_JOB_AGE [300]       s a finished job stays in scontrol
#   SLURMH_SLURMD_TIMEOUT [300]    s without slurmd before the node is DOWN
#   SLURMH_KILL_WAIT [5]           s between SIGTERM and SIGKILL of a job
#   SLURMH_EXTRA_CONFIG            lines appended to slurm.conf
#   SLURMH_START_TIMEOUT [60], SLURMH_CMD_TIMEOUT [60]
#
# The directory must be reachable by a user who submits: for non-root
# submitters (and munge's clients) make it and its parents searchable
# (mktemp -d makes 0700 directories).

SLURMH_ERROR=
SLURMH_DIR=
_slurmh_started=
SLURMH_CTLD_PID=
SLURMH_SLURMD_PID=
SLURMH_MUNGED_PID=
SLURMH_CLUSTER=

# 0 if process $1 exists and is not a zombie (PID 1 here may reap orphans
# late: a killed process can linger as a zombie for seconds).
slurmh_alive() {
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	# "pid (comm) state ...": comm may hold blanks and parentheses.
	_a_state=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) ||
		return 1
	[ -n "$_a_state" ] && [ "$_a_state" != Z ]
}

# Poll "$@" (output discarded) every 0.1 s until it succeeds, at most $1
# seconds of wall time (a try may itself block): 0 or 1.
_slurmh_poll() {
	_p_end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_p_end" ] || return 1
		sleep 0.1
	done
	return 0
}

# The size of file $1 in bytes; 0 if it is missing.
_slurmh_size() {
	if [ -f "$1" ]; then
		wc -c <"$1"
	else
		echo 0
	fi
}

_slurmh_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Print program $1's path: on PATH, else in /usr/sbin (root's PATH may
# lack it under make); nothing if missing.
_slurmh_prog() {
	command -v "$1" 2>/dev/null && return 0
	[ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"
}

slurmh_run() {
	if command -v timeout >/dev/null 2>&1; then
		timeout "${SLURMH_CMD_TIMEOUT:-60}" "$@"
	else
		"$@"
	fi
}

# End our child $1: signal $2, then SIGKILL if it is still there after $3
# seconds; wait until it is gone.
_slurmh_end() {
	[ -n "$1" ] || return 0
	kill -s "$2" "$1" 2>/dev/null
	if ! _slurmh_poll_fast "$3" _slurmh_gone "$1"; then
		kill -s KILL "$1" 2>/dev/null
		_slurmh_poll_fast 10 _slurmh_gone "$1"
	fi
	wait "$1" 2>/dev/null
	return 0
}

_slurmh_gone() {
	! slurmh_alive "$1"
}

# Poll "$@" every 20 ms, at most $1 seconds: 0 or 1.
_slurmh_poll_fast() {
	_f_n=$(($1 * 50))
	shift
	until "$@"; do
		_f_n=$((_f_n - 1))
		[ "$_f_n" -gt 0 ] || return 1
		sleep 0.02
	done
	return 0
}

# The last $3 (4) lines of file $1 from byte $2 on, on one line.
_slurmh_tail() {
	tail -c +"${2:-1}" "$1" 2>/dev/null | grep -v '^$' | tail -n "${3:-4}" |
	    tr '\n' ' '
}

# Why daemon $1 failed: what it wrote to stderr (file $2) from byte $3
# on, else its log (file $4) from byte $5 on.
_slurmh_why() {
	_y=$(_slurmh_tail "$2" "$3" 3)
	[ -n "$_y" ] || _y=$(_slurmh_tail "$4" "$5" 3)
	printf '%s' "$_y"
}

# 0 if TCP port $1 is free: nothing listens on it, no socket uses it.
_slurmh_port_free() {
	_pf_hex=$(printf '%04X' "$1")
	! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
	    awk -v p="$_pf_hex" 'NR > 1 { split($2, a, ":"); if (a[2] == p) f = 1 }
		END { exit !f }'
}

# Set _pp_port to a port from a random start in 10000-32767 (below the
# kernel's ephemeral range, so an outgoing connection cannot take it
# between the check and the bind) such that it and the next are free.
_slurmh_pick_ports() {
	_pp_port=$(od -An -N2 -tu2 /dev/urandom 2>/dev/null | tr -d ' ')
	_pp_port=$((10000 + (${_pp_port:-$$} % 11383) * 2))
	_pp_n=0
	while [ "$_pp_n" -lt 200 ]; do
		if _slurmh_port_free "$_pp_port" &&
		    _slurmh_port_free $((_pp_port + 1)); then
			return 0
		fi
		_pp_port=$((10000 + (_pp_port - 10000 + 7918) % 22766))
		_pp_n=$((_pp_n + 1))
	done
	SLURMH_ERROR="no two free ports in 10000-32767"
	return 1
}

# Write slurm.conf for the current ports.
_slurmh_write_conf() {
	_w_d=$SLURMH_DIR
	{
		echo "# Written by tests/slurm.sh for one test run."
		echo "ClusterName=$SLURMH_CLUSTER"
		echo "SlurmctldHost=$SLURMH_NODE(127.0.0.1)"
		echo "SlurmctldPort=$SLURMH_CTLD_PORT"
		echo "SlurmdPort=$SLURMH_SLURMD_PORT"
		echo "SlurmUser=root"
		echo "SlurmdUser=root"
		echo "AuthType=auth/munge"
		echo "CredType=cred/munge"
		# Both read the socket from here: our munged, not the system's.
		echo "AuthInfo=socket=$SLURMH_MUNGE_SOCKET"
		echo "StateSaveLocation=$SLURMH_STATE_DIR"
		echo "SlurmdSpoolDir=$SLURMH_SPOOL_DIR"
		echo "SlurmctldPidFile=$_w_d/run/slurmctld.pid"
		echo "SlurmdPidFile=$_w_d/run/slurmd.pid"
		echo "SlurmctldLogFile=$SLURMH_CTLD_LOG"
		echo "SlurmdLogFile=$SLURMH_SLURMD_LOG"
		echo "ProctrackType=proctrack/linuxproc"
		echo "TaskPlugin=task/none"
		echo "JobAcctGatherType=jobacct_gather/linux"
		echo "AccountingStorageType=accounting_storage/none"
		echo "JobCompType=jobcomp/filetxt"
		echo "JobCompLoc=$SLURMH_JOBCOMP"
		echo "MailProg=/bin/true"
		echo "SchedulerType=sched/backfill"
		# Array tasks start on a scheduler pass: once a second, not 3.
		echo "SchedulerParameters=batch_sched_delay=0"
		echo "SelectType=select/cons_tres"
		echo "SelectTypeParameters=CR_CPU_Memory"
		# Without it a task takes the node's memory: one at a time.
		echo "DefMemPerCPU=${SLURMH_DEF_MEM_PER_CPU:-100}"
		echo "ReturnToService=2"
		# The node may advertise more CPUs than the machine has.
		echo "SlurmdParameters=config_overrides"
		echo "MpiDefault=none"
		echo "MinJobAge=${SLURMH_MIN_JOB_AGE:-300}"
		echo "MaxArraySize=${SLURMH_MAX_ARRAY_SIZE:-101}"
		echo "MaxJobCount=${SLURMH_MAX_JOB_COUNT:-10000}"
		echo "SlurmdTimeout=${SLURMH_SLURMD_TIMEOUT:-300}"
		echo "KillWait=${SLURMH_KILL_WAIT:-5}"
		echo "NodeName=$SLURMH_NODE NodeAddr=127.0.0.1" \
		    "CPUs=$SLURMH_NODE_CPUS RealMemory=$SLURMH_NODE_MEMORY" \
		    "State=UNKNOWN"
		echo "PartitionName=$SLURMH_PARTITION Nodes=$SLURMH_NODE" \
		    "Default=YES MaxTime=INFINITE State=UP"
		if [ -n "${SLURMH_EXTRA_CONFIG:-}" ]; then
			printf '%s\n' "$SLURMH_EXTRA_CONFIG"
		fi
	} >"$SLURMH_CONF.tmp" && mv "$SLURMH_CONF.tmp" "$SLURMH_CONF"
}

# 0 if our munged encodes and decodes a credential.
_slurmh_munge_ok() {
	"$_sh_munge" -S "$SLURMH_MUNGE_SOCKET" -n 2>/dev/null |
	    "$_sh_unmunge" -S "$SLURMH_MUNGE_SOCKET" >/dev/null 2>&1
}

_slurmh_start_munged() {
	_m_dir=$SLURMH_DIR/munge
	if ! mkdir -p "$_m_dir" || ! chmod 755 "$_m_dir"; then
		SLURMH_ERROR="cannot create '$_m_dir'"
		return 2
	fi
	# A key of the run's own (munged wants at least 32 bytes; 1024 as
	# mungekey makes), readable by its owner only.
	rm -f "$_m_dir/munge.key"
	if ! (umask 077 && dd if=/dev/urandom of="$_m_dir/munge.key" bs=1024 \
	    count=1 2>/dev/null); then
		SLURMH_ERROR="cannot write the munge key in $_m_dir"
		return 2
	fi
	chmod 400 "$_m_dir/munge.key"
	: >"$SLURMH_MUNGE_LOG"
	# --force: munged runs as root here, and the test's directory above
	# is 0700, which munged would otherwise refuse for its socket.
	"$_sh_munged" -F --force --socket="$SLURMH_MUNGE_SOCKET" \
	    --key-file="$_m_dir/munge.key" --pid-file="$_m_dir/munged.pid" \
	    --seed-file="$_m_dir/munged.seed" --log-file="$SLURMH_MUNGE_LOG" \
	    </dev/null >>"$SLURMH_MUNGE_LOG" 2>&1 &
	SLURMH_MUNGED_PID=$!
	_m_end=$(($(date +%s) + 10))
	until _slurmh_munge_ok; do
		if ! slurmh_alive "$SLURMH_MUNGED_PID"; then
			wait "$SLURMH_MUNGED_PID" 2>/dev/null
			SLURMH_MUNGED_PID=
			SLURMH_ERROR="munged exited at startup: $(_slurmh_tail \
			    "$SLURMH_MUNGE_LOG")"
			return 1
		fi
		if [ "$(date +%s)" -ge "$_m_end" ]; then
			SLURMH_ERROR="munged did not answer on its socket within"
			SLURMH_ERROR="$SLURMH_ERROR 10 s: $(_slurmh_tail \
			    "$SLURMH_MUNGE_LOG")"
			return 1
		fi
		sleep 0.02
	done
	return 0
}

# 0 if slurmctld answers.
_slurmh_ctld_up() {
	slurmh_run scontrol ping 2>/dev/null | grep -q ' is UP'
}

# Start slurmctld on the current ports; wait until it answers: 0; 3 if
# its port is taken; 1 with SLURMH_ERROR if it failed otherwise.
_slurmh_spawn_ctld() {
	_c_off=$(($(_slurmh_size "$SLURMH_CTLD_LOG") + 1))
	_c_eoff=$(($(_slurmh_size "$SLURMH_DIR/log/slurmctld.out") + 1))
	"$_sh_slurmctld" -D -f "$SLURMH_CONF" </dev/null \
	    >>"$SLURMH_DIR/log/slurmctld.out" 2>&1 &
	SLURMH_CTLD_PID=$!
	_c_end=$(($(date +%s) + ${SLURMH_START_TIMEOUT:-60}))
	until _slurmh_ctld_up; do
		if ! slurmh_alive "$SLURMH_CTLD_PID"; then
			wait "$SLURMH_CTLD_PID" 2>/dev/null
			SLURMH_CTLD_PID=
			if tail -c +"$_c_off" "$SLURMH_CTLD_LOG" 2>/dev/null |
			    grep -q 'Address already in use'; then
				return 3
			fi
			SLURMH_ERROR="slurmctld exited at startup: $(_slurmh_why \
			    slurmctld "$SLURMH_DIR/log/slurmctld.out" "$_c_eoff" \
			    "$SLURMH_CTLD_LOG" "$_c_off")"
			return 1
		fi
		if [ "$(date +%s)" -ge "$_c_end" ]; then
			SLURMH_ERROR="slurmctld did not answer within"
			SLURMH_ERROR="$SLURMH_ERROR ${SLURMH_START_TIMEOUT:-60} s:"
			SLURMH_ERROR="$SLURMH_ERROR $(_slurmh_tail \
			    "$SLURMH_CTLD_LOG" "$_c_off")"
			_slurmh_end "$SLURMH_CTLD_PID" TERM 10
			SLURMH_CTLD_PID=
			return 1
		fi
		sleep 0.05
	done
	return 0
}

# The node's SlurmdStartTime as slurmctld has it (None before slurmd
# registered).
_slurmh_slurmd_start_time() {
	slurmh_run scontrol -o show node "$SLURMH_NODE" 2>/dev/null |
	    sed -n 's/.* SlurmdStartTime=\([^ ]*\).*/\1/p'
}

# 0 once slurmd registered anew: its start time is not $1, and the node
# responds.
_slurmh_slurmd_registered() {
	_r_now=$(slurmh_run scontrol -o show node "$SLURMH_NODE" 2>/dev/null)
	_r_time=$(printf '%s\n' "$_r_now" |
	    sed -n 's/.* SlurmdStartTime=\([^ ]*\).*/\1/p')
	[ -n "$_r_time" ] && [ "$_r_time" != None ] &&
	    [ "$_r_time" != "$1" ] || return 1
	case $_r_now in
	*" State="*NOT_RESPONDING*) return 1 ;;
	esac
	return 0
}

# Start slurmd; wait until it is registered anew (start time not $1): 0;
# 3 if its port is taken; 1 with SLURMH_ERROR otherwise.
_slurmh_spawn_slurmd() {
	_d_off=$(($(_slurmh_size "$SLURMH_SLURMD_LOG") + 1))
	_d_eoff=$(($(_slurmh_size "$SLURMH_DIR/log/slurmd.out") + 1))
	"$_sh_slurmd" -D -N "$SLURMH_NODE" -f "$SLURMH_CONF" </dev/null \
	    >>"$SLURMH_DIR/log/slurmd.out" 2>&1 &
	SLURMH_SLURMD_PID=$!
	_d_end=$(($(date +%s) + ${SLURMH_START_TIMEOUT:-60}))
	until _slurmh_slurmd_registered "$1"; do
		if ! slurmh_alive "$SLURMH_SLURMD_PID"; then
			wait "$SLURMH_SLURMD_PID" 2>/dev/null
			SLURMH_SLURMD_PID=
			if tail -c +"$_d_off" "$SLURMH_SLURMD_LOG" 2>/dev/null |
			    grep -q 'Address already in use'; then
				return 3
			fi
			SLURMH_ERROR="slurmd exited at startup: $(_slurmh_why \
			    slurmd "$SLURMH_DIR/log/slurmd.out" "$_d_eoff" \
			    "$SLURMH_SLURMD_LOG" "$_d_off")"
			return 1
		fi
		if [ "$(date +%s)" -ge "$_d_end" ]; then
			SLURMH_ERROR="slurmd did not register within"
			SLURMH_ERROR="$SLURMH_ERROR ${SLURMH_START_TIMEOUT:-60} s:"
			SLURMH_ERROR="$SLURMH_ERROR $(_slurmh_tail \
			    "$SLURMH_SLURMD_LOG" "$_d_off")"
			_slurmh_end "$SLURMH_SLURMD_PID" TERM 10
			SLURMH_SLURMD_PID=
			return 1
		fi
		sleep 0.05
	done
	return 0
}

# _slurmh_can_run DIR: root, the packages, a plain absolute DIR.
_slurmh_can_run() {
	if [ "$(id -u)" -ne 0 ]; then
		SLURMH_ERROR="a SLURM cluster needs root: slurmd starts jobs as"
		SLURMH_ERROR="$SLURMH_ERROR their users (running as $(id -un))"
		return 1
	fi
	for _s_p in munged:munge munge:munge unmunge:munge \
	    slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client \
	    squeue:slurm-client scontrol:slurm-client scancel:slurm-client \
	    sinfo:slurm-client; do
		if [ -z "$(_slurmh_prog "${_s_p%%:*}")" ]; then
			SLURMH_ERROR="${_s_p%%:*} is missing (install ${_s_p#*:};"
			SLURMH_ERROR="$SLURMH_ERROR ./bootstrap does)"
			return 1
		fi
	done
	_sh_munged=$(_slurmh_prog munged)
	_sh_munge=$(_slurmh_prog munge)
	_sh_unmunge=$(_slurmh_prog unmunge)
	_sh_slurmctld=$(_slurmh_prog slurmctld)
	_sh_slurmd=$(_slurmh_prog slurmd)
	case $1 in
	/*) ;;
	*) SLURMH_ERROR="slurmh_start needs an absolute directory, not '$1'"
	   return 2 ;;
	esac
	case $1 in
	*[!A-Za-z0-9._/+-]*)
		SLURMH_ERROR="the directory '$1' has characters that slurm.conf"
		SLURMH_ERROR="$SLURMH_ERROR cannot carry: set TMPDIR to a plain path"
		return 1 ;;
	esac
	# sun_path holds 108 bytes.
	if [ ${#1} -gt 80 ]; then
		SLURMH_ERROR="the directory '$1' is too long for munge's socket:"
		SLURMH_ERROR="$SLURMH_ERROR set TMPDIR to a short path"
		return 1
	fi
	return 0
}

_slurmh_start() {
	_slurmh_can_run "$1" || return
	SLURMH_DIR=$1
	_slurmh_started=1
	if ! mkdir -p "$SLURMH_DIR/state" "$SLURMH_DIR/spool" \
	    "$SLURMH_DIR/run" "$SLURMH_DIR/log" ||
	    ! chmod 755 "$SLURMH_DIR" "$SLURMH_DIR/log"; then
		SLURMH_ERROR="cannot create '$SLURMH_DIR'"
		return 2
	fi
	# The run's id names the cluster; its jobs carry it in their
	# environment (SLURM_CLUSTER_NAME), which is how slurmh_procs finds
	# them among other runs' jobs.
	SLURMH_CLUSTER=lr$(printf '%x%s' $$ "$(od -An -N2 -tx1 /dev/urandom |
	    tr -d ' \n')")
	SLURMH_NODE=$(hostname -s 2>/dev/null || uname -n)
	SLURMH_NODE=${SLURMH_NODE%%.*}
	SLURMH_PARTITION=debug
	SLURMH_NODE_CPUS=${SLURMH_CPUS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null ||
	    echo 1)}
	SLURMH_NODE_MEMORY=${SLURMH_MEMORY:-$(awk \
	    '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)}
	SLURMH_CONF=$SLURMH_DIR/slurm.conf
	SLURMH_STATE_DIR=$SLURMH_DIR/state
	SLURMH_SPOOL_DIR=$SLURMH_DIR/spool
	SLURMH_CTLD_LOG=$SLURMH_DIR/log/slurmctld.log
	SLURMH_SLURMD_LOG=$SLURMH_DIR/log/slurmd.log
	SLURMH_MUNGE_LOG=$SLURMH_DIR/munge/munged.log
	SLURMH_JOBCOMP=$SLURMH_DIR/log/jobcomp.txt
	SLURMH_MUNGE_SOCKET=$SLURMH_DIR/munge/munge.socket
	SLURM_CONF=$SLURMH_CONF
	export SLURM_CONF
	_st_t0=$(_slurmh_ms)

	_slurmh_start_munged || return

	_st_try=0
	while :; do
		_slurmh_pick_ports || return 1
		SLURMH_CTLD_PORT=$_pp_port
		SLURMH_SLURMD_PORT=$((_pp_port + 1))
		if ! _slurmh_write_conf; then
			SLURMH_ERROR="cannot write $SLURMH_CONF"
			return 2
		fi
		_slurmh_spawn_ctld
		case $? in
		0) ;;
		3) _st_try=$((_st_try + 1))
		   [ "$_st_try" -lt 10 ] && continue
		   SLURMH_ERROR="no free port for slurmctld in 10 tries"
		   return 1 ;;
		*) return 1 ;;
		esac
		_slurmh_spawn_slurmd None
		case $? in
		0) break ;;
		3) # Its port was taken after the check: both move.
		   _slurmh_end "$SLURMH_CTLD_PID" TERM 10
		   SLURMH_CTLD_PID=
		   _st_try=$((_st_try + 1))
		   [ "$_st_try" -lt 10 ] && continue
		   SLURMH_ERROR="no free port for slurmd in 10 tries"
		   return 1 ;;
		*) return 1 ;;
		esac
	done
	if ! slurmh_wait_node IDLE; then
		SLURMH_ERROR="the node is $(slurmh_node_state), not IDLE,"
		SLURMH_ERROR="$SLURMH_ERROR ${SLURMH_START_TIMEOUT:-60} s after"
		SLURMH_ERROR="$SLURMH_ERROR start: $(_slurmh_tail \
		    "$SLURMH_CTLD_LOG")"
		return 2
	fi
	SLURMH_UP_MS=$(($(_slurmh_ms) - _st_t0))
	return 0
}

slurmh_start() {
	SLURMH_ERROR=
	if [ -n "$_slurmh_started" ]; then
		SLURMH_ERROR="slurmh_start has run already (slurmh_stop first)"
		return 2
	fi
	_slurmh_start "$1"
	_st_rc=$?
	[ $_st_rc -eq 0 ] && return 0
	# Half a cluster is no cluster: stop what did start.
	_st_err=$SLURMH_ERROR
	slurmh_stop
	SLURMH_ERROR=$_st_err
	if [ $_st_rc -eq 1 ]; then
		case ${LABRAT_CI:-0} in
		0 | '') ;;
		*) SLURMH_ERROR="$SLURMH_ERROR (LABRAT_CI is set: CI must run"
		   SLURMH_ERROR="$SLURMH_ERROR the SLURM tests, not skip them)"
		   _st_rc=2 ;;
		esac
	fi
	return $_st_rc
}

# 0 if slurmh_start has run (and slurmh_stop has not).
_slurmh_ready() {
	[ -n "$_slurmh_started" ] && return 0
	SLURMH_ERROR="no cluster: slurmh_start has not run"
	return 1
}

slurmh_kill_slurmd() {
	SLURMH_ERROR=
	_slurmh_ready || return 2
	_slurmh_end "$SLURMH_SLURMD_PID" KILL 10
	SLURMH_SLURMD_PID=
	return 0
}

slurmh_start_slurmd() {
	SLURMH_ERROR=
	_slurmh_ready || return 2
	if slurmh_alive "$SLURMH_SLURMD_PID"; then
		return 0
	fi
	_ss_prev=$(_slurmh_slurmd_start_time)
	# A start in the same second as the last one would look the same
	# (SlurmdStartTime has seconds): let that second pass.
	while [ "$(date +%Y-%m-%dT%H:%M:%S)" = "$_ss_prev" ]; do
		sleep 0.05
	done
	_slurmh_spawn_slurmd "$_ss_prev"
	case $? in
	0) return 0 ;;
	3) SLURMH_ERROR="slurmd's port $SLURMH_SLURMD_PORT is taken"
	   return 2 ;;
	*) return 2 ;;
	esac
}

slurmh_stop_slurmctld() {
	SLURMH_ERROR=
	_slurmh_ready || return 2
	# It saves its state on SIGTERM: give it time to.
	_slurmh_end "$SLURMH_CTLD_PID" TERM 30
	SLURMH_CTLD_PID=
	return 0
}

slurmh_start_slurmctld() {
	SLURMH_ERROR=
	_slurmh_ready || return 2
	if slurmh_alive "$SLURMH_CTLD_PID"; then
		return 0
	fi
	_slurmh_spawn_ctld
	case $? in
	0) return 0 ;;
	3) SLURMH_ERROR="slurmctld's port $SLURMH_CTLD_PORT is taken"
	   return 2 ;;
	*) return 2 ;;
	esac
}

slurmh_restart_slurmctld() {
	slurmh_stop_slurmctld && slurmh_start_slurmctld
}

slurmh_node_state() {
	slurmh_run scontrol -o show node "$SLURMH_NODE" 2>/dev/null |
	    sed -n 's/.* State=\([^ ]*\).*/\1/p'
}

# 0 if the node's state is $1.
_slurmh_node_is() {
	[ "$(slurmh_node_state)" = "$1" ]
}

slurmh_wait_node() {
	SLURMH_ERROR=
	if ! _slurmh_poll "${2:-${SLURMH_START_TIMEOUT:-60}}" \
	    _slurmh_node_is "$1"; then
		SLURMH_ERROR="the node is $(slurmh_node_state), not $1, after"
		SLURMH_ERROR="$SLURMH_ERROR ${2:-${SLURMH_START_TIMEOUT:-60}} s"
		return 2
	fi
	return 0
}

slurmh_job_states() {
	slurmh_run scontrol -o show job "$1" 2>/dev/null | awk '
	{
		id = ""; aj = ""; at = ""; st = ""; re = ""; ex = ""; rs = ""
		for (i = 1; i <= NF; i++) {
			k = $i; sub(/=.*/, "", k)
			v = $i; sub(/^[^=]*=/, "", v)
			if (k == "JobId") id = v
			else if (k == "ArrayJobId") aj = v
			else if (k == "ArrayTaskId") at = v
			else if (k == "JobState") st = v
			else if (k == "Reason") re = v
			else if (k == "ExitCode") ex = v
			else if (k == "Restarts") rs = v
		}
		if (id == "")
			next
		if (aj != "")
			id = (at ~ /^[0-9]+$/) ? aj "_" at : aj "_[" at "]"
		print id, st, re, ex, rs
	}'
}

slurmh_job_done() {
	_j_states=$(slurmh_job_states "$1") && [ -n "$_j_states" ] || return 1
	printf '%s\n' "$_j_states" | awk '
	$2 !~ /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)$/ {
		exit 1
	}'
}

slurmh_wait_job() {
	SLURMH_ERROR=
	if ! _slurmh_poll "${2:-60}" slurmh_job_done "$1"; then
		SLURMH_ERROR="job $1 not done after ${2:-60} s: $(slurmh_job_states \
		    "$1" | tr '\n' ';')"
		return 2
	fi
	return 0
}

slurmh_jobcomp() {
	_jc_id=${1%%_*}
	[ -f "${SLURMH_JOBCOMP:-}" ] || return 0
	grep -E "^JobId=$_jc_id |ArrayJobId=$_jc_id " "$SLURMH_JOBCOMP"
}

# Print the pids of the processes whose comm matches the extended regular
# expression $1 and that hold a file of $SLURMH_DIR open: slurmstepd keeps
# its slurmd's log, slurmctld's slurmscriptd its log, munged its log.
_slurmh_holders() {
	for _sd_f in $(grep -lxE "$1" /proc/[0-9]*/comm 2>/dev/null); do
		_sd_p=${_sd_f#/proc/}
		_sd_p=${_sd_p%/comm}
		for _sd_fd in /proc/"$_sd_p"/fd/*; do
			case $(readlink "$_sd_fd" 2>/dev/null) in
			"$SLURMH_DIR"/*) echo "$_sd_p"; break ;;
			esac
		done
	done
}

# Print the pids of processes $1 (a list) and of all their descendants.
_slurmh_with_descendants() {
	[ -n "$1" ] || return 0
	# /proc/PID/stat: "pid (comm) state ppid ...", comm may hold blanks.
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v roots="$1" '
	{
		rest = $0
		sub(/^.*\) /, "", rest)
		split(rest, f, " ")
		parent[$1] = f[2]
		pids[++n] = $1
	}
	END {
		split(roots, r, " ")
		for (i in r)
			mark[r[i]] = 1
		do {
			more = 0
			for (i = 1; i <= n; i++)
				if (!(pids[i] in mark) && (parent[pids[i]] in mark)) {
					mark[pids[i]] = 1
					more = 1
				}
		} while (more)
		for (p in mark)
			print p
	}'
}

slurmh_task_pids() {
	[ -n "$SLURMH_CLUSTER" ] || return 0
	{
		# Children of our slurmstepds (a task may clear its env)...
		_slurmh_with_descendants "$(_slurmh_holders slurmstepd |
		    tr '\n' ' ')"
		# ...and every process with the cluster's name in its
		# environment, even orphaned by a killed slurmstepd.
		grep -l -a -z -x -e "SLURM_CLUSTER_NAME=$SLURMH_CLUSTER" \
		    /proc/[0-9]*/environ 2>/dev/null |
		    sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p'
	} | sort -un | while read -r _tp; do
		slurmh_alive "$_tp" && echo "$_tp"
	done
}

slurmh_procs() {
	[ -n "$SLURMH_CLUSTER" ] || return 0
	{
		echo "$SLURMH_CTLD_PID"
		echo "$SLURMH_SLURMD_PID"
		echo "$SLURMH_MUNGED_PID"
		# A daemon's helpers (slurmscriptd), even once it is gone.
		_slurmh_with_descendants "$(_slurmh_holders \
		    'slurm.*|munged' | tr '\n' ' ')"
		slurmh_task_pids
	} | sort -un | while read -r _pp; do
		slurmh_alive "$_pp" && echo "$_pp"
	done
}

# SIGKILL what $1 (a function) prints until it prints nothing: 0, or 2.
_slurmh_kill_all() {
	_k_n=0
	while _k_pids=$("$1") && [ -n "$_k_pids" ]; do
		# shellcheck disable=SC2086
		kill -s KILL $_k_pids 2>/dev/null
		_k_n=$((_k_n + 1))
		if [ "$_k_n" -ge 500 ]; then
			SLURMH_ERROR="processes $_k_pids outlive SIGKILL"
			return 2
		fi
		sleep 0.02
	done
	return 0
}

slurmh_stop() {
	_z_err=
	[ -n "$_slurmh_started" ] || return 0
	# The daemons first, so that nothing new is started; then the jobs
	# (slurmd leaves them running when it stops); munged last.
	_slurmh_end "$SLURMH_CTLD_PID" TERM 30
	SLURMH_CTLD_PID=
	_slurmh_end "$SLURMH_SLURMD_PID" TERM 10
	SLURMH_SLURMD_PID=
	_slurmh_kill_all slurmh_task_pids || _z_err="$_z_err $SLURMH_ERROR;"
	_slurmh_end "$SLURMH_MUNGED_PID" TERM 10
	SLURMH_MUNGED_PID=
	# What is left (slurmscriptd of a slurmctld that had to be killed).
	_slurmh_kill_all slurmh_procs || _z_err="$_z_err $SLURMH_ERROR;"
	_z_left=$(slurmh_procs | tr '\n' ' ')
	[ -z "$_z_left" ] || _z_err="$_z_err processes $_z_left are left;"
	_slurmh_started=
	if [ -n "$_z_err" ]; then
		SLURMH_ERROR="slurmh_stop:$_z_err"
		return 2
	fi
	return 0
}
