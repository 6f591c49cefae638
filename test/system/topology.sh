#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# @file The network the demo and the system tests build: three network
# namespaces and two veth pairs, nothing else.
#
#   PREFIX-access              PREFIX-app (the appliance)            PREFIX-core
#   callers (SIPp UAC)   voxgate-dp owns dp-access / dp-core  callee (SIPp UAS)
#   to-app 10.77.1.10 ==== dp-access   [DPDK]   dp-core ==== to-app 10.77.2.10
#                          vg-access 10.77.1.1  vg-core 10.77.2.1
#                          (TAPs made by voxgate-dp: the kernel side, SIP)
#
# The appliance's veth ends (dp-*) are DPDK ports (net_af_packet) and carry
# no kernel address; voxgate-dp creates one exception TAP per port, puts the
# port's address and MAC on it, and the appliance namespace's kernel (so
# voxgate-cp's SIP sockets) owns 10.77.1.1 and 10.77.2.1 through it, as on
# a box whose NICs belong to DPDK.
#
# usage: test/system/topology.sh up|down|show
#    or: . test/system/topology.sh   (then vg_topo_up, vg_topo_down, ...)
#   VG_TOPO_PREFIX=name  namespace prefix (default vgd; 1..8 of [a-z0-9])
#   VG_TOPO_ACCESS_NET   first three octets of the access /24 (10.77.1)
#   VG_TOPO_CORE_NET     first three octets of the core /24 (10.77.2)
#   VG_AF_PACKET_ARGS    more net_af_packet arguments (framecnt=4096)
# Every name lives inside the prefix's namespaces, so two prefixes (the
# demo and a system test) coexist, even with the same subnets. `down` is
# idempotent. Needs root, iproute2, ethtool.

# --- names and addresses (also for the callers that source this) --------
# shellcheck disable=SC2034  # used by the scripts that source this file

VG_TOPO_PREFIX=${VG_TOPO_PREFIX:-vgd}
VG_TOPO_ACCESS_NET=${VG_TOPO_ACCESS_NET:-10.77.1}
VG_TOPO_CORE_NET=${VG_TOPO_CORE_NET:-10.77.2}

VG_NS_APP=$VG_TOPO_PREFIX-app
VG_NS_ACCESS=$VG_TOPO_PREFIX-access
VG_NS_CORE=$VG_TOPO_PREFIX-core

# interfaces: the appliance's DPDK ends, the far ends, the TAPs
VG_IF_DP_ACCESS=dp-access
VG_IF_DP_CORE=dp-core
VG_IF_PEER=to-app
VG_IF_TAP_ACCESS=vg-access
VG_IF_TAP_CORE=vg-core

VG_IP_APP_ACCESS=$VG_TOPO_ACCESS_NET.1
VG_IP_CALLER=$VG_TOPO_ACCESS_NET.10
VG_IP_APP_CORE=$VG_TOPO_CORE_NET.1
VG_IP_CALLEE=$VG_TOPO_CORE_NET.10
VG_TOPO_PLEN=24

# the [[port]] device strings of voxgate-dp. framecnt: the packet socket's
# ring (default 512 frames) holds 4096, some seconds of the demo's RTP, so
# a worker that does not get its core for a while (a host shared with
# other pollers) does not lose media in the kernel.
VG_AF_PACKET_ARGS=${VG_AF_PACKET_ARGS:-framecnt=4096}
VG_DEV_ACCESS="net_af_packet0,iface=$VG_IF_DP_ACCESS${VG_AF_PACKET_ARGS:+,$VG_AF_PACKET_ARGS}"
VG_DEV_CORE="net_af_packet1,iface=$VG_IF_DP_CORE${VG_AF_PACKET_ARGS:+,$VG_AF_PACKET_ARGS}"

vg_topo_log() { echo "topology: $*" >&2; }

# vg_topo_in app|access|core CMD... : run CMD in that namespace
vg_topo_in() {
	local ns
	case "$1" in
	app) ns=$VG_NS_APP ;;
	access) ns=$VG_NS_ACCESS ;;
	core) ns=$VG_NS_CORE ;;
	*) vg_topo_log "unknown side '$1'"; return 2 ;;
	esac
	shift
	ip netns exec "$ns" "$@"
}

vg_topo_check_prefix() {
	[[ "$VG_TOPO_PREFIX" =~ ^[a-z0-9]{1,8}$ ]] || {
		vg_topo_log "VG_TOPO_PREFIX '$VG_TOPO_PREFIX': 1..8 of [a-z0-9]"
		return 1
	}
}

vg_topo_exists() { [ -e "/run/netns/$1" ]; }

# Offloads that break a packet socket on a veth: a checksum left for the
# "hardware" (CHECKSUM_PARTIAL) is never filled in on the af_packet path,
# and GRO/GSO/TSO hand it frames larger than the MTU. Off on both ends.
vg_topo_offloads_off() { # ns ifname
	local ns=$1 dev=$2 f
	ip netns exec "$ns" ethtool -K "$dev" rx off tx off >/dev/null 2>&1 ||
		{ vg_topo_log "ethtool -K $dev rx off tx off failed in $ns"; return 1; }
	for f in gro gso tso sg; do
		ip netns exec "$ns" ethtool -K "$dev" "$f" off >/dev/null 2>&1 || true
	done
}

vg_topo_sysctl() { # ns key value
	ip netns exec "$1" sysctl -qw "$2=$3" >/dev/null 2>&1 ||
		vg_topo_log "sysctl $2=$3 in $1 failed (ignored)"
}

# One side: the veth pair between the appliance and an end namespace.
vg_topo_side() { # dp-ifname end-ns end-ip
	local dpif=$1 ns=$2 ip=$3
	ip -n "$VG_NS_APP" link add "$dpif" type veth peer name "$VG_IF_PEER" \
		netns "$ns" || return 1
	vg_topo_offloads_off "$VG_NS_APP" "$dpif" || return 1
	vg_topo_offloads_off "$ns" "$VG_IF_PEER" || return 1
	# The appliance kernel must not act on frames of the DPDK port
	# itself (it sees them: a veth is no NIC bound to vfio-pci). It has
	# no address there, but Linux answers ARP for any local address on
	# any interface and accepts IP for them too (weak host model):
	# arp_ignore=8 stops the first, strict reverse-path filtering the
	# second (the sources are reached through the TAP, not this port).
	vg_topo_sysctl "$VG_NS_APP" "net.ipv4.conf.$dpif.arp_ignore" 8
	vg_topo_sysctl "$VG_NS_APP" "net.ipv4.conf.$dpif.rp_filter" 1
	vg_topo_sysctl "$VG_NS_APP" "net.ipv6.conf.$dpif.disable_ipv6" 1
	ip -n "$VG_NS_APP" link set "$dpif" up || return 1
	ip -n "$ns" addr add "$ip/$VG_TOPO_PLEN" dev "$VG_IF_PEER" || return 1
	ip -n "$ns" link set "$VG_IF_PEER" up || return 1
	ip -n "$ns" link set lo up || return 1
}

vg_topo_up() {
	vg_topo_check_prefix || return 1
	vg_topo_down
	local ns
	for ns in "$VG_NS_APP" "$VG_NS_ACCESS" "$VG_NS_CORE"; do
		ip netns add "$ns" || { vg_topo_down; return 1; }
		# IPv4 only: no router/neighbour solicitations on the wire
		vg_topo_sysctl "$ns" net.ipv6.conf.all.disable_ipv6 1
		vg_topo_sysctl "$ns" net.ipv6.conf.default.disable_ipv6 1
	done
	if ! ip -n "$VG_NS_APP" link set lo up ||
			! vg_topo_side "$VG_IF_DP_ACCESS" "$VG_NS_ACCESS" \
				"$VG_IP_CALLER" ||
			! vg_topo_side "$VG_IF_DP_CORE" "$VG_NS_CORE" \
				"$VG_IP_CALLEE"; then
		vg_topo_log "set-up failed; removing what was made"
		vg_topo_down
		return 1
	fi
	# SIP bursts of a few hundred registrations: bigger socket buffers
	# for the appliance (voxgate-cp cannot set SO_RCVBUF through libre)
	# and the SIPp ends.
	for ns in "$VG_NS_APP" "$VG_NS_ACCESS" "$VG_NS_CORE"; do
		vg_topo_sysctl "$ns" net.core.rmem_default 4194304
		vg_topo_sysctl "$ns" net.core.rmem_max 8388608
	done
	return 0
}

vg_topo_down() {
	local ns
	for ns in "$VG_NS_APP" "$VG_NS_ACCESS" "$VG_NS_CORE"; do
		# deleting a namespace deletes the veth ends inside it; a veth
		# pair goes with either end
		if vg_topo_exists "$ns"; then
			ip netns del "$ns" 2>/dev/null ||
				vg_topo_log "cannot delete namespace $ns"
		fi
	done
	return 0
}

# vg_topo_wait_tap IFNAME ADDR SECONDS: until the TAP voxgate-dp made in
# the appliance namespace is up and carries ADDR.
vg_topo_wait_tap() {
	local dev=$1 addr=$2 end=$((SECONDS + $3))
	while [ "$SECONDS" -le "$end" ]; do
		if ip -n "$VG_NS_APP" -4 -o addr show dev "$dev" 2>/dev/null |
				grep -q " $addr/" &&
			ip -n "$VG_NS_APP" link show dev "$dev" 2>/dev/null |
				grep -q "[<,]UP[,>]"; then
			return 0
		fi
		sleep 0.2
	done
	return 1
}

vg_topo_show() {
	local ns
	for ns in "$VG_NS_APP" "$VG_NS_ACCESS" "$VG_NS_CORE"; do
		if vg_topo_exists "$ns"; then
			echo "== $ns"
			ip -n "$ns" -br addr
		else
			echo "== $ns (absent)"
		fi
	done
}

# --- as a command ----------------------------------------------------------

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	[ "$(id -u)" -eq 0 ] || { vg_topo_log "run as root"; exit 1; }
	case "${1:-}" in
	up) vg_topo_up && vg_topo_show ;;
	down) vg_topo_down ;;
	show) vg_topo_show ;;
	*) echo "usage: $0 up|down|show  (VG_TOPO_PREFIX=$VG_TOPO_PREFIX)" >&2
	   exit 2 ;;
	esac
fi
