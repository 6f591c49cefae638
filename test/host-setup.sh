#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# @file One-time host set-up for voxgate on Debian 12, as root: installs
# every Debian package the project needs (idempotent, fast when done) and
# reserves and mounts 2 MB hugepages.
#
# usage: test/host-setup.sh [--packages-only|--hugepages-only|--restore]
#   VG_HUGEPAGES=N   hugepages of 2 MB to have reserved (default 512)
#
# With $VG_HOST_STATE set to a file that does not exist yet, it writes there
# what it changed (the hugepage count before and after, a mount it made);
# --restore with the same VG_HOST_STATE gives that back and removes the
# file: the hugepage count only if nobody changed it since.
set -euo pipefail

die() { echo "host-setup: $*" >&2; exit 1; }

PACKAGES=(
	# build
	build-essential meson ninja-build pkg-config clang lld
	libclang-rt-14-dev python3
	# libraries
	libdpdk-dev dpdk dpdk-dev libre-dev libsrtp2-dev libssl-dev libpcap-dev
	googletest libgtest-dev
	libbcg729-dev libspandsp-dev libopus-dev libspeexdsp-dev
	# tools the tests drive
	sip-tester tshark iproute2 procps kmod ethtool
	# speech for the transcoding quality tests
	espeak-ng sox
)

install_packages() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
				grep -q "install ok installed"; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "host-setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer once.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections 2>/dev/null || true
	apt-get update -qq || die "apt-get update failed (is a Debian mirror reachable?)"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install failed for: ${missing[*]}"
}

reserve_hugepages() {
	local want=${VG_HUGEPAGES:-512} nr_file=/proc/sys/vm/nr_hugepages have
	[ -w "$nr_file" ] || die "cannot write $nr_file (not root, or no hugepage support in this kernel)"
	have=$(cat "$nr_file")
	if [ -n "${VG_HOST_STATE:-}" ] && [ ! -e "$VG_HOST_STATE" ]; then
		echo "nr_hugepages=$have" > "$VG_HOST_STATE"
	fi
	if [ "$have" -lt "$want" ]; then
		echo "$want" > "$nr_file" || die "cannot reserve $want hugepages"
		have=$(cat "$nr_file")
		[ "$have" -ge "$want" ] ||
			die "asked for $want hugepages of 2 MB, the kernel gave $have (memory too fragmented? try at boot: hugepages=$want)"
		[ -n "${VG_HOST_STATE:-}" ] &&
			echo "reserved=$have" >> "$VG_HOST_STATE"
	fi
	if ! grep -qs ' hugetlbfs ' /proc/mounts; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs nodev /dev/hugepages ||
			die "cannot mount hugetlbfs on /dev/hugepages"
		[ -n "${VG_HOST_STATE:-}" ] && echo "mounted=/dev/hugepages" >> "$VG_HOST_STATE"
	fi
	return 0
}

# Give back what a set-up with this VG_HOST_STATE took.
restore_host() {
	local f=${VG_HOST_STATE:-} k v before= after= mounts=()
	[ -n "$f" ] && [ -f "$f" ] || return 0
	while IFS='=' read -r k v; do
		case "$k" in
		nr_hugepages) before=$v ;;
		reserved) after=$v ;;
		mounted) mounts+=("$v") ;;
		esac
	done < "$f"
	if [ -n "$before" ] && [ -n "$after" ] &&
			[ "$(cat /proc/sys/vm/nr_hugepages)" = "$after" ]; then
		echo "$before" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
	fi
	for v in "${mounts[@]}"; do umount "$v" 2>/dev/null || true; done
	rm -f "$f"
}

[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and reserves hugepages)"
grep -qs 'bookworm\|^12' /etc/debian_version /etc/os-release ||
	echo "host-setup: warning: not Debian 12; package names may differ" >&2

case "${1:-}" in
--packages-only) install_packages ;;
--hugepages-only) reserve_hugepages ;;
--restore) restore_host ;;
"") install_packages; reserve_hugepages ;;
*) die "unknown argument $1" ;;
esac
