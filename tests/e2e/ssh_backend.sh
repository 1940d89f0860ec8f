#!/bin/sh
# SSH engines against real OpenSSH servers (tests/sshhosts.sh: two hosts
# on loopback, a client HOME of the test's own): a full campaign on both;
# hostile parameter values arriving byte for byte on the remote side;
# host keys refused (changed) or accepted only with --accept-new-hosts;
# staging with the execute bit; a dropped connection, a host stopped for
# good, kill -9 of the runner -- and every point recorded exactly once,
# no job running twice.  Jobs wait at the test's gate, so every fault
# lands while they run.  Skips (77) where no sshd can be started.
. "$LABRAT_SRCDIR/tests/e2e/lib.sh"
. "$LABRAT_SRCDIR/tests/sshhosts.sh"

trap 'sshh_teardown; rm -rf "$T"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

sshh_setup "$T/ssh" 2
case $? in
0) ;;
1) skip "no private sshd: $SSHH_ERROR" ;;
*) fail "$SSHH_ERROR" ;;
esac
export HOME="$SSHH_HOME"
HOSTS=$(sshh_hosts 2 h1 h2)
# The hosts are this machine: their home is the account's, not $HOME.
RHOME=$(sshh_ssh h1 'echo "$HOME"') || fail "no remote home"

# started TAG N: N jobs of TAG have really started on their hosts.
started() {
	_key=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = '$1'")
	[ "$(ls "$RHOME/.labrat/campaigns/$_key/jobs/"*/pid 2>/dev/null | wc -l)" -ge "$2" ]
}

# none_rerun TAG: no job of TAG was interrupted and run again (running
# jobs were adopted or collected).
none_rerun() {
	[ "$(sql "select count(*) from job j join resultset s on s.id = j.set_id where s.tag = '$1' and j.state = 'interrupted'")" = 0 ]
}

# every_point_once TAG N: N points, each with exactly one ok current job,
# and no point ran two attempts at once (attempts overlapping in time).
every_point_once() {
	[ "$(status_field "$1" ok)" = "$2" ] ||
		fail "$1: $2 ok expected, got $(status_field "$1" ok)"
	[ "$(sql "select count(distinct point) from current_job where tag = '$1' and state = 'ok'")" = "$2" ] ||
		fail "$1: a point is missing or recorded twice"
	[ "$(sql "select count(*) from job a join job b on a.set_id = b.set_id and a.point = b.point and a.id < b.id join resultset s on s.id = a.set_id where s.tag = '$1' and a.state = 'ok' and b.state = 'ok'")" = 0 ] ||
		fail "$1: a point has two ok attempts"
}

# 1. A full campaign on two hosts: results, host and handle recorded.
expect_exit 0 "$LABRAT" run --wait -t full --hosts "$HOSTS" -p 'x=1..40' -- \
	sh -c 'echo "y=$(($1 * 2))"' sh {x}
every_point_once full 40
[ "$(sql "select sum(json_extract(results, '\$.y')) from current_job where tag = 'full'")" = 1640 ] ||
	fail "full: the results do not add up"
[ "$(sql "select count(distinct host) from current_job where tag = 'full'")" = 2 ] ||
	fail "full: both hosts should have run jobs"
[ "$(sql "select count(*) from current_job where tag = 'full' and handle like 'ssh:%'")" = 40 ] ||
	fail "full: every job should have an ssh handle"
# A remote job's peak memory is not measured: unknown, never a made-up 0.
# Its CPU time is, by the host shell (bash's times); on a channel of its
# own (no host shell) it is unknown too.
[ "$(sql "select count(*) from current_job where tag = 'full' and maxrss_kb is not null")" = 0 ] ||
	fail "full: remote jobs should have no peak memory"
if [ -n "${LABRAT_SSH_NO_SHELL:-}" ]; then
	cpu_jobs=0 cpu_cells=
else
	cpu_jobs=40 cpu_cells=cpu
fi
[ "$(sql "select count(*) from current_job where tag = 'full' and cpu_user >= 0 and cpu_sys >= 0")" = $cpu_jobs ] ||
	fail "full: $cpu_jobs remote jobs should have their cpu time"
expect_exit 0 "$LABRAT" export -t full
[ "$(wc -l <out)" -eq 41 ] && [ "$(tr -d '\r' <out | awk -F, 'NR > 1 && $(NF-1) != "" { print "cpu" }' | head -1)" = "$cpu_cells" ] ||
	fail "full: export's cpu_time should be ${cpu_cells:-empty} for remote jobs"
expect_exit 0 "$LABRAT" show full
contains out "hosts"
# Nothing is left behind on the hosts once the campaign is over (the
# account's ~/.labrat may hold other tests' campaigns meanwhile).
key=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = 'full'")
[ -n "$key" ] || fail "full: no campaign key"
[ ! -e "$RHOME/.labrat/campaigns/$key" ] ||
	fail "full: the campaign's directory was left on the hosts"

# 2. Hostile values reach the remote job byte for byte, never a shell.
mkdir got
values='{"'"'"'; touch pwned'"'"'", "$(touch pwned2)", "`touch pwned3`", "a\nb", "\"q\"", "*", "-n", " lead", "tail ", "back\\\\slash"}'
expect_exit 0 "$LABRAT" run --wait -t hostile --order sequential --hosts "$HOSTS" \
	-p "v=$values" -- sh -c 'printf "%s" "$1" > "$2/$LABRAT_POINT"; printf "%s" "$LABRAT_PARAM_v" > "$2/env.$LABRAT_POINT"; echo ok=1' \
	sh {v} "$T/got"
every_point_once hostile 10
for f in pwned pwned2 pwned3; do
	[ -n "$(find "$RHOME/.labrat" "$T" -name "$f" 2>/dev/null)" ] &&
		fail "a value was run by a shell: $f exists"
done
printf '%s' "'; touch pwned'" >exp0
printf '%s' 'a
b' >exp3
printf '%s' 'back\\slash' >exp9
for k in 0 3 9; do
	cmp -s "exp$k" "got/$k" || fail "value $k changed on its way: $(cat "got/$k")"
	cmp -s "exp$k" "got/env.$k" || fail "LABRAT_PARAM_v $k changed on its way"
done

# 3. Host keys: a changed key is refused, naming host, type and
# fingerprint; an unknown host is refused unless --accept-new-hosts.
sshh_add_host bad changed || fail "$SSHH_ERROR"
expect_exit 2 "$LABRAT" run -t bad --hosts "$SSHH_bad_SPEC" -p 'x=1' -- true
contains err "does NOT match"
contains err "SHA256:"
lacks err "(null)"
sshh_add_host newh unknown || fail "$SSHH_ERROR"
expect_exit 2 "$LABRAT" run -t new --hosts "$SSHH_newh_SPEC" -p 'x=1' -- true
contains err "not in"
contains err "--accept-new-hosts"
before=$(wc -l <"$SSHH_KNOWN_HOSTS")
expect_exit 0 "$LABRAT" run --wait -t new --accept-new-hosts --hosts "$SSHH_newh_SPEC" \
	-p 'x=1..3' -- sh -c 'echo y=1'
every_point_once new 3
[ "$(wc -l <"$SSHH_KNOWN_HOSTS")" -gt "$before" ] || fail "the new host key was not recorded"

# 4. Staging: a script with its execute bit, and a directory.
mkdir kit
printf '#!/bin/sh\necho "y=$(($1 + 1))"\n' >kit/step
chmod 755 kit/step
printf 'data\n' >kit/data.txt
expect_exit 0 "$LABRAT" run --wait -t staged --hosts "$HOSTS" --stage kit -p 'x=1..6' -- \
	sh -c 'test -f kit/data.txt && ./kit/step "$1"' sh {x}
every_point_once staged 6

# 5. A dropped connection mid-job: the jobs go on, are collected, and
# every point ends once.
expect_exit 0 "$LABRAT" run -t drop --hosts "$HOSTS" -p 'x=1..8' -- "$GATED" {x}
wait_until "4 jobs run on their hosts" started drop 4
sshh_drop h1 || fail "$SSHH_ERROR"
gate_open main
expect_exit 0 "$LABRAT" wait drop --timeout 120
every_point_once drop 8
gate_close main

# 5b. The shell that runs a host's jobs is killed mid-job: its jobs go on
# (process groups of their own), labrat starts another and collects them.
if [ "${LABRAT_SSH_NO_SHELL:-}" != 1 ]; then
	expect_exit 0 "$LABRAT" run -t shk --hosts "$HOSTS" -p 'x=1..8' -- "$GATED" {x}
	wait_until "4 jobs of shk run on their hosts" started shk 4
	n=0
	for p in $(sshh_jobs h1) $(sshh_jobs h2); do
		# The shell itself, not the forks of it that wrap jobs: its
		# parent is sshd.
		pp=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$p/status" 2>/dev/null)
		case $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") in
		"bash --noprofile --norc -s "*)
			[ "$(cat "/proc/$pp/comm" 2>/dev/null)" = sshd ] &&
				kill -9 "$p" && n=$((n + 1)) ;;
		esac
	done
	[ "$n" -ge 2 ] || fail "shk: no shell of labrat's found on the hosts ($n)"
	wait_until "the shells' end is noticed" grep -q "shk.*its shell on the host ended" \
		"$LABRAT_NOTEBOOK.log"
	gate_open main
	expect_exit 0 "$LABRAT" wait shk --timeout 120
	every_point_once shk 8
	none_rerun shk || fail "shk: jobs were run again instead of collected"
	gate_close main
fi

# 6. kill -9 of the runner mid-campaign, then resume: the remote jobs are
# adopted (still attempt 1) or collected, every point once.
expect_exit 0 "$LABRAT" run -t dead --hosts "$HOSTS" -p 'x=1..8' -- "$GATED" {x}
wait_until "4 jobs run on their hosts" started dead 4
kill -9 "$(status_field dead runner_pid)"
wait_until "the runner is gone" state_is dead dead
expect_exit 0 "$LABRAT" resume dead
gate_open main
expect_exit 0 "$LABRAT" wait dead --timeout 120
every_point_once dead 8
none_rerun dead || fail "dead: running jobs were re-run instead of adopted"
gate_close main

# 6a. A campaign paused, then stopped, keeps its directory on the hosts
# (its jobs run on, for the next runner); once it ends, nothing is left.
expect_exit 0 "$LABRAT" run -t held --hosts "$HOSTS" -p 'x=1..6' -- "$GATED" {x}
wait_until "4 jobs of held run on their hosts" started held 4
hkey=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = 'held'")
expect_exit 0 "$LABRAT" pause held
[ -d "$RHOME/.labrat/campaigns/$hkey" ] || fail "held: paused, its directory is gone"
kill -TERM "$(status_field held runner_pid)"
wait_until "the runner of held stops" state_is held stopped
[ -d "$RHOME/.labrat/campaigns/$hkey/jobs" ] || fail "held: stopped, its directory is gone"
expect_exit 0 "$LABRAT" resume held
gate_open main
expect_exit 0 "$LABRAT" wait held --timeout 120
every_point_once held 6
[ ! -e "$RHOME/.labrat/campaigns/$hkey" ] ||
	fail "held: the campaign's directory was left once it ended"
gate_close main

# A cancelled campaign leaves nothing either: its jobs are killed, its
# directory (staged files too) removed.
expect_exit 0 "$LABRAT" run -t gone --hosts "$HOSTS" --stage kit -p 'x=1..6' -- "$GATED" {x}
wait_until "4 jobs of gone run on their hosts" started gone 4
gkey=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = 'gone'")
expect_exit 0 "$LABRAT" cancel gone
wait_until "gone is cancelled" state_is gone cancelled
runner_gone() {
	[ "$(status_field "$1" runner_pid)" = 0 ]
}
wait_until "the runner of gone exits" runner_gone gone
[ ! -e "$RHOME/.labrat/campaigns/$gkey" ] ||
	fail "gone: the cancelled campaign's directory was left on the hosts"

# 6b. A host with more engines than a connection has channels (OpenSSH's
# MaxSessions is 10) runs them all at once; after kill -9 of the runner
# with every job ended unwatched, resume collects them all -- each
# collection ends at once, in the packets that answer its start.
hid=$(sshh_hosts 20 h1)
expect_exit 0 "$LABRAT" run -t many --hosts "$hid" -p 'x=1..20' -- "$GATED" {x}
wait_until "20 jobs run at once on one host" started many 20
kill -9 "$(status_field many runner_pid)"
wait_until "the runner of many is gone" state_is many dead
gate_open main
mkey=$(sql "select json_extract(backend_args, '\$.key') from resultset where tag = 'many'")
ended_unwatched() {
	[ "$(ls "$RHOME/.labrat/campaigns/$mkey/jobs/"*/rc 2>/dev/null | wc -l)" -ge 20 ]
}
wait_until "the 20 jobs end on their host" ended_unwatched
expect_exit 0 "$LABRAT" resume many
if ! "$LABRAT" wait many --timeout 120 >out 2>err; then
	cat err >&2
	"$LABRAT" status many >&2
	fail "many: the jobs that ended unwatched were not all collected"
fi
every_point_once many 20
none_rerun many || fail "many: jobs were re-run instead of collected"
gate_close main

# 6c. A host whose sshd allows fewer sessions than labrat would take on
# a connection.  Its shell runs every job on one channel; with a channel
# a job (LABRAT_SSH_NO_SHELL=1, as on a host without bash) the refusal is
# noticed, and more connections carry its jobs.
SSHH_EXTRA_CONFIG='MaxSessions 4'
sshh_add_host few || fail "$SSHH_ERROR"
SSHH_EXTRA_CONFIG=
expect_exit 0 "$LABRAT" run -t few --hosts "$(sshh_hosts 8 few)" -p 'x=1..8' -- "$GATED" {x}
wait_until "8 jobs run at once on a host of MaxSessions 4" started few 8
gate_open main
expect_exit 0 "$LABRAT" wait few --timeout 120
every_point_once few 8
if [ "${LABRAT_SSH_NO_SHELL:-}" = 1 ]; then
	grep -q "few.*refused a channel" "$LABRAT_NOTEBOOK.log" ||
		fail "few: the refused channel should be in the log"
else
	grep -q "few.*refused a channel" "$LABRAT_NOTEBOOK.log" &&
		fail "few: its shell needs one channel, yet one was refused"
fi
gate_close main

# 7. A host stopped for good mid-campaign: its work goes to the other;
# when it comes back, what it still ran is killed.
expect_exit 0 "$LABRAT" run -t stop --reconnections 1 --hosts "$HOSTS" -p 'x=1..8' -- "$GATED" {x}
wait_until "4 jobs run on their hosts" started stop 4
sshh_stop h2 || fail "$SSHH_ERROR"
gate_open main
expect_exit 0 "$LABRAT" wait stop --timeout 180
every_point_once stop 8
expect_exit 0 "$LABRAT" status stop
contains "$LABRAT_NOTEBOOK.log" "is down after"
gate_close main

# 8. A key with a passphrase: refused with a message that says to use
# ssh-agent, and accepted through the agent.  Nothing is ever prompted.
if sshh_agent_start; then
	HOME=$SSHH_AGENT_HOME expect_exit 2 "$LABRAT" run -t noagent \
		--hosts "$(sshh_hosts 1 h1)" -p 'x=1' -- true </dev/null
	contains err "ssh-agent"
	HOME=$SSHH_AGENT_HOME SSH_AUTH_SOCK=$SSHH_AGENT_SOCK expect_exit 0 \
		"$LABRAT" run --wait -t agent --hosts "$(sshh_hosts 1 h1)" \
		-p 'x=1..3' -- sh -c 'echo y=1'
	every_point_once agent 3
fi

# 9. A timeout kills the job's whole process group on its host; purge of
# a campaign whose runner died kills its remote jobs.
live_sleeps() {
	_n=0
	for _p in $(pgrep -f "^sleep $1\$"); do
		_st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' \
		    "/proc/$_p/status" 2>/dev/null)
		[ -n "$_st" ] && [ "$_st" != Z ] && _n=$((_n + 1))
	done
	echo $_n
}
sleeps_are() {
	[ "$(live_sleeps "$1")" = "$2" ]
}
mark=$(( ($$ % 1000) + 4000 ))
expect_exit 1 "$LABRAT" run --wait -t slow --timeout 1 --hosts "$(sshh_hosts 1 h1)" \
	-p 'x=1' -- sh -c "sleep $mark & sleep $mark; echo y=1"
sql "select error from current_job where tag = 'slow'" >e
contains e "timed out"
wait_until "the timed-out job's processes are gone" sleeps_are $mark 0
expect_exit 0 "$LABRAT" run -t pk --hosts "$(sshh_hosts 2 h1)" -p 'x=1..2' -- \
	sh -c "sleep $mark; echo y=1"
wait_until "2 remote jobs run" sleeps_are $mark 2
kill -9 "$(status_field pk runner_pid)"
wait_until "the runner of pk is gone" state_is pk dead
expect_exit 0 "$LABRAT" purge pk
[ "$(live_sleeps $mark)" = 0 ] || fail "purge left the remote jobs running"

# 10. A network link cut silently mid-campaign (root, namespaces): the cut
# is noticed, the host comes back when the link does, its jobs are
# collected, every point once.
sshh_add_netns_host far
case $? in
0)
	expect_exit 0 "$LABRAT" run -t cut --hosts "$(sshh_hosts 2 far)" \
		-p 'x=1..6' -- "$GATED" {x}
	wait_until "2 jobs run" count_at_least cut running 2
	sshh_link_down far || fail "$SSHH_ERROR"
	wait_until "the cut is noticed" grep -q "cut\\[.*reconnecting" \
		"$LABRAT_NOTEBOOK.log"
	gate_open main
	sshh_link_up far || fail "$SSHH_ERROR"
	if ! "$LABRAT" wait cut --timeout 180 >out 2>err; then
		cat err >&2
		"$LABRAT" status cut >&2
		fail "cut: the campaign did not end after the link came back"
	fi
	every_point_once cut 6
	gate_close main
	;;
1) echo "note: no network namespaces here ($SSHH_ERROR): link cut not tried" ;;
*) fail "$SSHH_ERROR" ;;
esac
exit 0
