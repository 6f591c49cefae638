#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# @file The voxgate demo in one command, on a fresh Debian 12 machine as
# root: installs packages and reserves hugepages (test/host-setup.sh),
# builds, creates the network of test/system/topology.sh (an access side
# with the callers, the appliance, a core side with the carrier), starts
# voxgate-dp and voxgate-cp in the appliance's namespace, then with SIPp:
#   1. registers a few hundred subscribers (REGISTER / 401 / REGISTER / 200)
#   2. places calls from the access side to the core at a steady rate for
#      about a minute, each the reference flow (INVITE / 407 / ACK / INVITE
#      / 100 / 180 / 200 / ACK / RTP both ways for a few seconds / BYE):
#      most callers speak plain PCMA to the trunk's PCMU (transcoded), a
#      share speak SRTP with PCMU (SRTP <-> RTP, the codec relayed)
#   3. shows progress every few seconds
#   4. prints a summary whose last line is, for scripts,
#      demo: registrations=OK/TOTAL calls=OK/TOTAL rtp_packets=N
#            rtp_loss=X% transcoded_frames=N srtp_packets=N
#   5. stops everything it started (by process id, also on failure or
#      Ctrl-C), removes the network, gives back the hugepages.
# Exit status 0 when every registration and call succeeded and RTP loss
# stayed within VG_DEMO_MAX_LOSS.
#
# usage: ./demo.sh
#   VG_DEMO_USERS=n      subscribers registered (default 300)
#   VG_DEMO_CPS=n        calls per second (default 5)
#   VG_DEMO_SECONDS=n    how long calls are placed (default 60)
#   VG_DEMO_MEDIA_MS=n   RTP per call, ms (default 3000)
#   VG_DEMO_MAX_LOSS=x   RTP loss accepted, percent (default 1)
#   VG_DEMO_SRTP_PCT=n   percent of the calls placed by SRTP callers
#                        (default 25; 0: none)
#   VG_DEMO_DIR=dir      where configuration, logs, CDRs go (default a new
#                        /tmp/voxgate-demo.XXXXXX; kept afterwards)
#   VG_BUILD_DIR=dir     build directory (default build/release)
#   VG_TOPO_PREFIX=name  network namespace and DPDK file prefix (default vgd)
#   VG_DEMO_SKIP_SETUP=1 skip host-setup.sh (packages/hugepages are there)
set -uo pipefail

src=$(cd "$(dirname "$0")" && pwd)
build=${VG_BUILD_DIR:-$src/build/release}
n_users=${VG_DEMO_USERS:-300}
cps=${VG_DEMO_CPS:-5}
call_s=${VG_DEMO_SECONDS:-60}
media_ms=${VG_DEMO_MEDIA_MS:-3000}
max_loss=${VG_DEMO_MAX_LOSS:-1}
srtp_pct=${VG_DEMO_SRTP_PCT:-25}
media_port=6000           # SIPp's RTP port on either side
srtp_media_port=6010      # the SRTP callers' (a SIPp of their own)
# The SRTP callers' master key||salt (RFC 4568 inline:, base64 of 30
# bytes): a fixed demo key, no secret. The appliance keys its own
# direction toward them with a fresh key per call.
srtp_key=dm94Z2F0ZSBkZW1vOiBTUlRQIGtleSAmIHNhbHQu
srtp_ssrc=0x5eed0001      # the SSRC of the replayed SRTP stream
realm=voxgate.demo
sys_dir=$src/test/system
scen=$sys_dir/scenarios
export VG_TOPO_PREFIX=${VG_TOPO_PREFIX:-vgd}
# shellcheck source=test/system/topology.sh
. "$sys_dir/topology.sh"
dpdk_prefix=$VG_TOPO_PREFIX

say() { echo "demo: $*"; }
die() { echo "demo: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (packages, hugepages, network namespaces)"
for v in n_users cps call_s media_ms; do
	[[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer"
done
if ! [[ "$srtp_pct" =~ ^[0-9]+$ ]] || [ "$srtp_pct" -gt 100 ]; then
	die "VG_DEMO_SRTP_PCT must be 0..100"
fi
n_calls=$((cps * call_s))
n_srtp=$((n_calls * srtp_pct / 100))    # SRTP <-> RTP calls
n_xc=$((n_calls - n_srtp))              # transcoded calls

# --- what we start, and how it all stops ----------------------------------

pids=()     # background processes, in start order
names=()
state=$(mktemp /tmp/vg-demo-host.XXXXXX)
rm -f "$state"
cleaned=false

# stop_pid PID NAME SECONDS: SIGTERM, then SIGKILL after SECONDS.
stop_pid() {
	local pid=$1 name=$2 bound=$3 end
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	end=$((SECONDS + bound))
	while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "demo: $name (pid $pid) ignored SIGTERM for ${bound}s: SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# bg NAME CMD...: start CMD in the background, output to $run/NAME.out.
# CMD is a program, not a shell function: $! is then its own pid.
bg() {
	local name=$1
	shift
	"$@" > "$run/$name.out" 2>&1 &
	pids+=($!)
	names+=("$name")
}

pid_of() { # name -> pid (the last one started with that name)
	local i
	for ((i = ${#names[@]} - 1; i >= 0; i--)); do
		[ "${names[i]}" = "$1" ] && { echo "${pids[i]}"; return 0; }
	done
	return 1
}

# wait_pid PID SECONDS: until it exits (its status) or the deadline (124).
wait_pid() {
	local pid=$1 end=$((SECONDS + $2))
	while kill -0 "$pid" 2>/dev/null; do
		[ "$SECONDS" -lt "$end" ] || return 124
		sleep 0.2
	done
	wait "$pid"
}

stop_all() {
	local i
	# last started first: SIPp and captures, then voxgate-cp, voxgate-dp
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		case "${names[i]}" in
		voxgate-dp) stop_pid "${pids[i]}" "${names[i]}" 20 ;;
		*) stop_pid "${pids[i]}" "${names[i]}" 10 ;;
		esac
	done
	pids=()
	names=()
}

cleanup() {
	$cleaned && return 0
	cleaned=true
	stop_all
	vg_topo_down
	# what the data plane left in hugetlbfs and DPDK's run directory
	rm -f /dev/hugepages/"${dpdk_prefix}"map_* 2>/dev/null
	rm -rf "/var/run/dpdk/$dpdk_prefix" 2>/dev/null
	# give back what host-setup took for us (as test/run-tests.sh does),
	# but only what it changed and nobody changed since
	VG_HOST_STATE=$state "$src/test/host-setup.sh" --restore
}
trap cleanup EXIT
trap 'echo "demo: interrupted" >&2; exit 130' INT TERM

# --- 1. packages, hugepages, build -----------------------------------------

if [ "${VG_DEMO_SKIP_SETUP:-}" != 1 ]; then
	say "installing packages and reserving hugepages (test/host-setup.sh)"
	VG_HOST_STATE=$state "$src/test/host-setup.sh" ||
		die "host set-up failed"
fi
for t in sipp dumpcap ethtool ip python3; do
	command -v "$t" >/dev/null || die "$t is missing (test/host-setup.sh installs it)"
done

say "building $build"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$src" --buildtype=debugoptimized >/dev/null ||
		die "meson setup $build failed"
fi
targets=(dataplane/voxgate-dp controlplane/voxgate-cp
	test/system/gen-srtp-pcap)
if ninja -C "$build" -t targets all 2>/dev/null |
		grep -q '^controlplane/voxgatectl:'; then
	targets+=(controlplane/voxgatectl)
fi
ninja -C "$build" "${targets[@]}" >/dev/null || die "build failed (ninja -C $build)"
dp_bin=$build/dataplane/voxgate-dp
cp_bin=$build/controlplane/voxgate-cp
ctl_bin=$build/controlplane/voxgatectl
gen_srtp_bin=$build/test/system/gen-srtp-pcap

# --- 2. configuration ------------------------------------------------------

run=${VG_DEMO_DIR:-$(mktemp -d /tmp/voxgate-demo.XXXXXX)}
mkdir -p "$run" || die "cannot create $run"
rm -f "$run"/*.csv "$run"/*.out "$run"/*.log "$run"/*.pcap "$run"/*.json \
	"$run"/cdr.jsonl 2>/dev/null
conf=$run/voxgate.toml
sed -e "s|@PREFIX@|$dpdk_prefix|g" -e "s|@RUN_DIR@|$run|g" \
	-e "s|@ACCESS_DEV@|$VG_DEV_ACCESS|g" -e "s|@CORE_DEV@|$VG_DEV_CORE|g" \
	-e "s|@ACCESS_IP@|$VG_IP_APP_ACCESS|g" -e "s|@CORE_IP@|$VG_IP_APP_CORE|g" \
	-e "s|@CALLER_IP@|$VG_IP_CALLER|g" -e "s|@CALLEE_IP@|$VG_IP_CALLEE|g" \
	-e "s|@PLEN@|$VG_TOPO_PLEN|g" -e "s|@REALM@|$realm|g" \
	"$sys_dir/demo.toml.in" > "$conf" || die "cannot write $conf"
# subscribers 30001.., a fresh password each; the SIPp injection file
# carries the [authentication ...] keyword whole (LIBRE-NOTES: SIPp does
# not expand [fieldN] inside it)
{
	echo "SEQUENTIAL"
	for ((i = 1; i <= n_users; i++)); do
		u=$((30000 + i))
		pw=pw$u-$RANDOM$RANDOM
		printf '\n[[user]]\nname = "%s"\npassword = "%s"\n' "$u" "$pw" >> "$conf"
		echo "$u;[authentication username=$u password=$pw];"
	done
} > "$run/users.csv"
# the callers' injection files: the last share of the subscribers call
# with SRTP, the others plainly (a lone subscriber calls both ways)
n_srtp_users=$((n_users * srtp_pct / 100))
if [ "$n_srtp" -eq 0 ]; then
	n_srtp_users=0
elif [ "$n_xc" -eq 0 ]; then
	n_srtp_users=$n_users
elif [ "$n_srtp_users" -eq 0 ]; then
	n_srtp_users=1
fi
n_xc_users=$((n_users - n_srtp_users))
[ "$n_xc_users" -gt 0 ] || n_xc_users=$n_users
{
	echo "SEQUENTIAL"
	sed -n "2,$((n_xc_users + 1))p" "$run/users.csv"
} > "$run/users_xc.csv"
{
	echo "SEQUENTIAL"
	tail -n "$n_srtp_users" "$run/users.csv"
} > "$run/users_srtp.csv"
check=$("$dp_bin" --check-config "$conf" 2>&1)
[ "$check" = ok ] || die "configuration $conf: $check"
# the callers speak PCMA, the core trunk PCMU: the appliance transcodes
python3 "$sys_dir/gen_ulaw.py" "$run/media.ulaw" 1 440 &&
	python3 "$sys_dir/gen_ulaw.py" "$run/media.alaw" 1 440 ||
	die "cannot write the RTP payload files"
# the SRTP callers' stream (PCMU), protected once with their key: SIPp
# 3.6.1 has no SRTP and replays it as it is (play_pcap_audio)
if [ "$n_srtp" -gt 0 ]; then
	"$gen_srtp_bin" -i "$run/media.ulaw" -k "$srtp_key" -s "$srtp_ssrc" \
		-t 0 -d "$media_ms" -o "$run/srtp.pcap" ||
		die "cannot write the SRTP stream ($gen_srtp_bin)"
fi
cat > "$run/summary.env" <<EOF
users=$n_users
calls=$n_calls
calls_transcoded=$n_xc
calls_srtp=$n_srtp
caller_ip=$VG_IP_CALLER
callee_ip=$VG_IP_CALLEE
media_port=$media_port
caller_media_ports=$media_port,$srtp_media_port
max_loss=$max_loss
EOF

# --- 3. the network and the appliance --------------------------------------

say "network: namespaces $VG_NS_ACCESS ($VG_IP_CALLER) | $VG_NS_APP ($VG_IP_APP_ACCESS, $VG_IP_APP_CORE) | $VG_NS_CORE ($VG_IP_CALLEE)"
vg_topo_up || die "cannot build the network (test/system/topology.sh)"

say "starting voxgate-dp (ports $VG_DEV_ACCESS, $VG_DEV_CORE)"
bg voxgate-dp ip netns exec "$VG_NS_APP" "$dp_bin" --config "$conf"
dp_pid=$(pid_of voxgate-dp)
end=$((SECONDS + 60))
until grep -q '^voxgate-dp: running' "$run/voxgate-dp.out" 2>/dev/null; do
	kill -0 "$dp_pid" 2>/dev/null ||
		die "voxgate-dp exited: $(tail -n 5 "$run/voxgate-dp.out")"
	[ "$SECONDS" -lt "$end" ] ||
		die "voxgate-dp not running after 60 s: $(tail -n 5 "$run/voxgate-dp.out")"
	sleep 0.2
done
if ! vg_topo_wait_tap "$VG_IF_TAP_ACCESS" "$VG_IP_APP_ACCESS" 10 ||
		! vg_topo_wait_tap "$VG_IF_TAP_CORE" "$VG_IP_APP_CORE" 10; then
	die "the exception TAPs did not come up with the ports' addresses"
fi
python3 "$sys_dir/vgdemo.py" wait-dp "$dpdk_prefix" 15 ||
	die "the data plane's ports are not up"

say "starting voxgate-cp"
bg voxgate-cp ip netns exec "$VG_NS_APP" "$cp_bin" --config "$conf"
cp_pid=$(pid_of voxgate-cp)
# it attaches to the data plane's shared memory first (a DPDK secondary)
end=$((SECONDS + 60))
until grep -q 'running (realm' "$run/voxgate.log" 2>/dev/null; do
	kill -0 "$cp_pid" 2>/dev/null ||
		die "voxgate-cp exited: $(tail -n 5 "$run/voxgate.log" "$run/voxgate-cp.out" 2>/dev/null)"
	[ "$SECONDS" -lt "$end" ] || die "voxgate-cp not running after 60 s"
	sleep 0.2
done
# SIP reaches voxgate-cp through the data plane's exception path, both sides
if ! vg_topo_in access python3 "$sys_dir/vgdemo.py" options "$VG_IP_CALLER" \
		"$VG_IP_APP_ACCESS" 10 ||
		! vg_topo_in core python3 "$sys_dir/vgdemo.py" options \
		"$VG_IP_CALLEE" "$VG_IP_APP_CORE" 10; then
	die "no SIP answer through the exception path (see $run/voxgate.log)"
fi
say "SIP answered on $VG_IP_APP_ACCESS and $VG_IP_APP_CORE through the data plane"

# --- 4. registrations --------------------------------------------------------

# SIPp: bounded by -m (calls) and -timeout (whole run); every recv by
# -recv_timeout. Run from $run: the scenarios read their media there.
sipp_common=(-t u1 -nostdin -timeout_error -trace_stat -fd 1 -trace_counts
	-trace_err -max_recv_loops 1000)

# RTP captures at both far ends: what each SIPp sent and what reached it;
# SIP captures, whole, for the summary to tell the calls apart (the media
# ports of both legs, who hung up when). (ip netns exec execs dumpcap: the
# pid we keep is dumpcap's)
bg cap-access ip netns exec "$VG_NS_ACCESS" dumpcap -q -P -s 96 \
	-i "$VG_IF_PEER" -f "udp port $media_port or udp port $srtp_media_port" \
	-w "$run/rtp_access.pcap"
bg cap-core ip netns exec "$VG_NS_CORE" dumpcap -q -P -s 96 \
	-i "$VG_IF_PEER" -f "udp port $media_port" -w "$run/rtp_core.pcap"
bg cap-sip-access ip netns exec "$VG_NS_ACCESS" dumpcap -q -P \
	-i "$VG_IF_PEER" -f "udp port 5060" -w "$run/sip_access.pcap"
bg cap-sip-core ip netns exec "$VG_NS_CORE" dumpcap -q -P \
	-i "$VG_IF_PEER" -f "udp port 5060" -w "$run/sip_core.pcap"

reg_s=$((n_users / 50 + 30))
say "1/2 registering $n_users subscribers (REGISTER / 401 / REGISTER / 200)"
(cd "$run" && exec ip netns exec "$VG_NS_ACCESS" sipp \
	"$VG_IP_APP_ACCESS:5060" -sf "$scen/register.xml" -i "$VG_IP_CALLER" \
	-p 5062 -inf users.csv -auth_uri "$VG_IP_APP_ACCESS:5060" \
	-m "$n_users" -r 100 -l 50 -timeout "${reg_s}s" -recv_timeout 20000 \
	"${sipp_common[@]}" -stf register_stat.csv -error_file register_errors.log \
	> register.out 2>&1) &
pids+=($!)
names+=(sipp-register)
wait_pid "$(pid_of sipp-register)" $((reg_s + 10))
rc=$?
reg_ok=$(python3 "$sys_dir/vgdemo.py" stat "$run/register_stat.csv" \
	'SuccessfulCall(C)')
say "registered $reg_ok of $n_users (SIPp exit $rc)"
[ "$reg_ok" -gt 0 ] ||
	die "no subscriber registered: $(tail -n 5 "$run/register_errors.log" 2>/dev/null)"

# --- 5. calls ------------------------------------------------------------------

limit=$((cps * (media_ms / 1000 + 5)))
calls_s=$((call_s + media_ms / 1000 + 60))
say "2/2 calls: $n_calls from $VG_NS_ACCESS to $VG_NS_CORE, $cps a second for ${call_s}s, ${media_ms} ms of media both ways each: $n_xc transcoded (callers PCMA, trunk PCMU), $n_srtp SRTP <-> RTP (callers SRTP PCMU, trunk RTP PCMU)"
(cd "$run" && exec ip netns exec "$VG_NS_CORE" sipp -sf "$scen/call_uas.xml" \
	-i "$VG_IP_CALLEE" -mi "$VG_IP_CALLEE" -mp "$media_port" -p 5060 \
	-m "$n_calls" -timeout "$((calls_s + 10))s" \
	-recv_timeout $((media_ms + 20000)) "${sipp_common[@]}" \
	-stf calls_uas_stat.csv -error_file calls_uas_errors.log \
	> calls_uas.out 2>&1) &
pids+=($!)
names+=(sipp-callee)
sleep 0.5
python3 "$sys_dir/vgdemo.py" snapshot "$dpdk_prefix" "$run/dp_before.json"
# Two callers side by side, each its share of the calls spread over the
# same ${call_s} s (-r N -rp MS: N calls every MS, evenly).
uac_pids=()
uac_stats=()
if [ "$n_xc" -gt 0 ]; then
	(cd "$run" && exec ip netns exec "$VG_NS_ACCESS" sipp \
		"$VG_IP_APP_ACCESS:5060" -sf "$scen/call_uac.xml" -s 2000 \
		-i "$VG_IP_CALLER" -mi "$VG_IP_CALLER" -mp "$media_port" -p 5064 \
		-inf users_xc.csv -auth_uri "2000@$VG_IP_APP_ACCESS:5060" \
		-m "$n_xc" -r "$n_xc" -rp "$((call_s * 1000))" -l "$limit" \
		-d "$media_ms" -timeout "${calls_s}s" -recv_timeout 20000 \
		"${sipp_common[@]}" -stf calls_uac_stat.csv \
		-error_file calls_uac_errors.log > calls_uac.out 2>&1) &
	pids+=($!)
	names+=(sipp-caller)
	uac_pids+=($!)
	uac_stats+=("$run/calls_uac_stat.csv")
fi
if [ "$n_srtp" -gt 0 ]; then
	# its pause (-d) outlasts the replayed stream a little, so the BYE
	# follows the last packet even when SIPp's replay runs late
	(cd "$run" && exec ip netns exec "$VG_NS_ACCESS" sipp \
		"$VG_IP_APP_ACCESS:5060" -sf "$scen/call_uac_srtp.xml" -s 2000 \
		-i "$VG_IP_CALLER" -mi "$VG_IP_CALLER" -mp "$srtp_media_port" \
		-p 5066 -key srtp_key "$srtp_key" \
		-inf users_srtp.csv -auth_uri "2000@$VG_IP_APP_ACCESS:5060" \
		-m "$n_srtp" -r "$n_srtp" -rp "$((call_s * 1000))" -l "$limit" \
		-d "$((media_ms + 200))" -timeout "${calls_s}s" \
		-recv_timeout 20000 "${sipp_common[@]}" \
		-stf calls_uac_srtp_stat.csv \
		-error_file calls_uac_srtp_errors.log > calls_uac_srtp.out 2>&1) &
	pids+=($!)
	names+=(sipp-caller-srtp)
	uac_pids+=($!)
	uac_stats+=("$run/calls_uac_srtp_stat.csv")
fi
python3 "$sys_dir/vgdemo.py" progress "$dpdk_prefix" \
	"$(IFS=,; echo "${uac_stats[*]}")" "$(IFS=,; echo "${uac_pids[*]}")" \
	$((calls_s + 5)) 5 "$n_calls"
[ $? -lt 128 ] || { echo "demo: interrupted" >&2; exit 130; }
rcs=()
for p in "${uac_pids[@]}"; do
	wait_pid "$p" 10
	rcs+=($?)
done
say "callers done (SIPp exit ${rcs[*]}); waiting for the callee"
wait_pid "$(pid_of sipp-callee)" 20 ||
	say "callee: SIPp exit $? (see $run/calls_uas_errors.log)"
python3 "$sys_dir/vgdemo.py" snapshot "$dpdk_prefix" "$run/dp_after.json"
if [ -x "$ctl_bin" ]; then
	# the operator's view, for the record
	timeout 10 ip netns exec "$VG_NS_APP" "$ctl_bin" --config "$conf" \
		--json status > "$run/voxgatectl-status.json" 2>&1 || true
	timeout 10 ip netns exec "$VG_NS_APP" "$ctl_bin" --config "$conf" \
		stats > "$run/voxgatectl-stats.txt" 2>&1 || true
fi

# --- 6. stop, then the summary (its last line is for scripts) -----------------

say "stopping SIPp, captures, voxgate-cp, voxgate-dp; removing the network"
cleanup
python3 "$sys_dir/vgdemo.py" summary "$run"
