#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# @file voxgatectl as an operator runs it (TAP output): against nothing,
# then against a real voxgate-dp on two net_null ports, then with a real
# voxgate-cp beside it. Needs root and free 2 MB hugepages (reserved by
# test/run-tests.sh); skips itself, saying why, without them.
# usage: test-voxgatectl.sh VOXGATECTL VOXGATE_DP VOXGATE_CP
set -u
ctl=$1 dp=$2 cp=$3
prefix=vg-ctl-$$            # vg-* hugepage files are swept by run-tests.sh
sock=/run/voxgate/$prefix-cp.sock
work=$(mktemp -d /tmp/vg-ctl.XXXXXX)
dp_pid= cp_pid=
n=0 fails=0

# Stop one process we started: SIGTERM, a bounded wait, then SIGKILL.
stop() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}
cleanup() {
	stop "$cp_pid"
	stop "$dp_pid"
	rm -rf "$work" "/var/run/dpdk/$prefix"
	rm -f /dev/hugepages/"$prefix"map_* "$sock"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; return 1; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
# Run voxgatectl with the test's configuration: $out, $err and $rc.
run() {
	"$ctl" --config "$work/vg.toml" "$@" > "$work/out" 2> "$work/err"
	rc=$?
	out=$(cat "$work/out")
	err=$(cat "$work/err")
}
# Show what a failed case saw.
diag() { sed 's/^/# /' "$work/out" "$work/err" "$@" 2>/dev/null; }

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root (DPDK secondary, /run/voxgate)"
	exit 0
fi
free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
if [ "${free:-0}" -lt 160 ]; then
	echo "1..0 # SKIP needs 160 free 2 MB hugepages, $free free" \
		"(run test/run-tests.sh or test/host-setup.sh)"
	exit 0
fi
sip_port=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# Two net_null ports that receive nothing (no-rx) and drop what is sent.
cat > "$work/vg.toml" <<TOML
[eal]
file_prefix = "$prefix"
main_lcore = 0
worker_lcores = [1]
huge = true
memory_mb = 256

[dataplane]
mempool_size = 8191
mempool_cache = 32
max_sessions = 64
idle_sleep_us = 200

[[port]]
name = "a"
device = "net_null0,no-rx=1"
address = "192.0.2.1/24"
queues = 1
exception = "none"

[[port]]
name = "b"
device = "net_null1,no-rx=1"
address = "198.51.100.1/24"
queues = 1
exception = "none"

[media]
port_min = 20000
port_max = 20999

[limits]
max_calls = 64

[sip]
realm = "voxgatectl.test"

[[sip.listen]]
transport = "udp"
address = "127.0.0.1"
port = $sip_port

[sip.registrar]
file = "$work/registrations.db"

[log]
level = "info"
TOML
# A value of the wrong type.
cat > "$work/bad.toml" <<'TOML'
[eal]
file_prefix = 42
TOML

echo "1..26"

# ---- no configuration needed -----------------------------------------------
"$ctl" --help > "$work/out" 2>&1
check "--help exits 0 and lists the commands" \
	'[ $? -eq 0 ] && grep -q "session ID" "$work/out" &&
	 grep -q "registrations" "$work/out"'
"$ctl" --config "$work/bad.toml" status > "$work/out" 2> "$work/err"
rc=$?
check "a bad configuration exits 1" '[ $rc -eq 1 ]'
check "the error names file:line:col" \
	'grep -q "^$work/bad.toml:2:[0-9]*: .*file_prefix" "$work/err"' ||
	diag

# ---- nothing running ---------------------------------------------------------
run status
check "status with nothing running exits 3" '[ $rc -eq 3 ]' || diag
check "status says the data plane is not running" \
	'grep -q "voxgate-dp is not running (file prefix $prefix)" <<<"$out"'
check "status still reports the control plane" \
	'grep -q "^control plane  not running" <<<"$out"'
run calls
check "calls with no voxgate-cp exits 2 and says so" \
	'[ $rc -eq 2 ] && grep -q "voxgate-cp is not running" <<<"$err"' ||
	diag
run sessions
check "sessions with no voxgate-dp exits 3" \
	'[ $rc -eq 3 ] && grep -q "voxgate-dp is not running" <<<"$err"' ||
	diag

# ---- a real voxgate-dp ---------------------------------------------------------
"$dp" --config "$work/vg.toml" > "$work/dp.log" 2>&1 &
dp_pid=$!
for i in $(seq 60); do
	run status
	[ $rc -eq 0 ] && break
	kill -0 "$dp_pid" 2>/dev/null || break
	sleep 0.5
done
check "status exits 0 once voxgate-dp runs" '[ $rc -eq 0 ]' ||
	diag "$work/dp.log"
check "status shows the data plane running and its sessions" \
	'grep -q "^data plane     running (file prefix $prefix" <<<"$out" &&
	 grep -q "^sessions       0 of 64" <<<"$out"' || diag
check "status shows both ports, found and up" \
	'grep -Eq "^  a +net_null0,no-rx=1 +[0-9]+ +up " <<<"$out" &&
	 grep -Eq "^  b +net_null1,no-rx=1 +[0-9]+ +up " <<<"$out"' || diag
check "status shows the main and the worker lcore" \
	'grep -Eq "^  0 +main +[0-9.]+%" <<<"$out" &&
	 grep -Eq "^  1 +worker +[0-9.]+%" <<<"$out"' || diag
check "status says the control plane is not running" \
	'grep -q "^control plane  not running" <<<"$out"'
run --json status
check "status --json is one valid JSON document" \
	'[ $rc -eq 0 ] && python3 -m json.tool "$work/out" > /dev/null' ||
	diag
check "status --json has the ports, the lcores and the sessions" \
	'python3 - "$work/out" <<PY
import json, sys
d = json.load(open(sys.argv[1]))["data_plane"]
assert d["running"] and d["state"] == "running", d
assert [p["name"] for p in d["ports"]] == ["a", "b"], d["ports"]
assert all(p["visible"] and p["link_up"] for p in d["ports"]), d["ports"]
assert [l["role"] for l in d["lcores"]] == ["main", "worker"], d["lcores"]
assert d["sessions"] == 0 and d["max_sessions"] == 64, d
PY' || diag
run sessions
check "sessions with none exits 0 and prints the header only" \
	'[ $rc -eq 0 ] && [ "$(wc -l <<<"$out")" -eq 1 ] &&
	 grep -q "^ID  *COOKIE" <<<"$out"' || diag
run --json sessions
check "sessions --json is an empty list" \
	'[ $rc -eq 0 ] && [ "$out" = "{\"sessions\":[]}" ]' || diag
run session 12345
check "session 12345 is not found, clearly" \
	'[ $rc -eq 1 ] && grep -q "no session 12345 in voxgate-dp" <<<"$err"' ||
	diag
run session twelve
check "session with a word instead of an id exits 1" \
	'[ $rc -eq 1 ] && grep -q "not a session id" <<<"$err"' || diag

# ---- a real voxgate-cp beside it -------------------------------------------------
"$cp" --config "$work/vg.toml" > "$work/cp.log" 2>&1 &
cp_pid=$!
for i in $(seq 100); do
	[ -S "$sock" ] && break
	kill -0 "$cp_pid" 2>/dev/null || break
	sleep 0.1
done
run status
check "status pings voxgate-cp and shows its pid" \
	'[ $rc -eq 0 ] &&
	 grep -q "^control plane  running (pid $cp_pid, $sock)" <<<"$out"' ||
	diag "$work/cp.log"
run --json status
check "status --json has the control plane's pid" \
	'python3 -c "import json, sys
c = json.load(open(sys.argv[1]))[\"control_plane\"]
assert c[\"running\"] and c[\"pid\"] == $cp_pid, c" "$work/out"' || diag
run --json calls
check "calls --json is voxgate-cp's list of calls" \
	'[ $rc -eq 0 ] && python3 -c "import json, sys
assert json.load(open(sys.argv[1]))[\"calls\"] == []" "$work/out"' || diag
run --json registrations
check "registrations --json is voxgate-cp's list" \
	'[ $rc -eq 0 ] && python3 -c "import json, sys
assert json.load(open(sys.argv[1]))[\"registrations\"] == []" "$work/out"' ||
	diag
run stats
check "stats prints voxgate-cp's counters" \
	'[ $rc -eq 0 ] && grep -Eq "^calls_active +0$" <<<"$out"' || diag

stop "$cp_pid"
cp_pid=
run status
check "voxgate-cp removed its socket when it stopped" \
	'[ ! -e "$sock" ] && [ $rc -eq 0 ] &&
	 grep -q "^control plane  not running" <<<"$out"' || diag

stop "$dp_pid"
dp_pid=
run status
check "status exits 3 again once voxgate-dp stopped" \
	'[ $rc -eq 3 ] && grep -q "voxgate-dp is not running" <<<"$out"' ||
	diag
[ "$fails" -eq 0 ]
