#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# @file Build one libFuzzer target with ASan+UBSan and run it for a bounded
# time from a copy of its seed corpus; report one TAP result.
#
# usage: run-fuzz.sh <clang> <source root> <build dir> <target> <seconds>
#   VG_FUZZ_RE_CFLAGS  libre's defines (meson passes them), for sdp
set -eu

if [ $# -ne 5 ]; then
	echo "usage: $0 <clang> <source root> <build dir> <target> <seconds>" >&2
	exit 2
fi
clang=$1
root=$2
build=$3
target=$4
seconds=$5

echo "1..1"
# each target: the sources under test, and what else it compiles and
# links with
sources=()
# conf/<pattern>.c into sources, less the decoder program (it has main)
conf_sources() {
	local f
	for f in "$root"/conf/$1.c; do
		case $f in
		*/toml_decode.c) ;;
		*) sources+=("$f") ;;
		esac
	done
}
seeds=()
extra=(-I"$root/conf/include" -I"$root/conf")
libs=()
case $target in
toml)
	# the parser
	conf_sources "toml*"
	;;
config)
	# the whole configuration layer on the TOML parser; seeds: the
	# shipped configuration and the demo's (copied in below)
	conf_sources "*"
	seeds=("$root/conf/voxgate.toml" "$root/test/system/demo.toml.in")
	;;
auth)
	# the Authorization header parser
	sources=("$root/controlplane/auth_parse.c")
	extra+=(-I"$root/controlplane/include")
	;;
sdp)
	# SDP in and out, codec choice, SDES a=crypto (on libre's decoder,
	# which is not instrumented: its crashes still fail the run); the
	# defines libre was built with come from meson (VG_FUZZ_RE_CFLAGS)
	sources=("$root/controlplane/b2bua_sdp.c"
		"$root/controlplane/b2bua_codec.c"
		"$root/controlplane/sdp_crypto.c")
	# codec names come from the config library
	conf_sources "*"
	extra+=(-I"$root/controlplane/include" -I"$root/controlplane"
		$(pkg-config --cflags libre) ${VG_FUZZ_RE_CFLAGS:-})
	libs=($(pkg-config --libs libre))
	;;
packet)
	# the data plane's packet stages with the session table, neighbour
	# table and media processing under them, on DPDK's libraries (not
	# instrumented) and the codec and SRTP libraries
	sources=("$root"/dataplane/{sess_table,rtp_stats,pkt_parse,relay,neigh,media}.c
		"$root"/dataplane/codec/*.c "$root"/dataplane/srtp/*.c)
	conf_sources "*"
	extra+=(-DALLOW_EXPERIMENTAL_API -I"$root/dataplane/include"
		-I"$root/dataplane" -I"$root/dataplane/codec"
		-I"$root/dataplane/srtp"
		$(pkg-config --cflags libdpdk spandsp opus speexdsp libsrtp2))
	libs=($(pkg-config --libs libdpdk spandsp opus speexdsp libsrtp2)
		-lbcg729 -lpthread -lm)
	export LSAN_OPTIONS="suppressions=$root/test/fuzz/lsan-packet.supp:print_suppressions=0"
	;;
*)
	echo "not ok 1 - fuzz $target: unknown target"
	exit 1
	;;
esac
case $seconds in
''|*[!0-9]*)
	echo "not ok 1 - fuzz $target: seconds '$seconds' is not a number"
	exit 1
	;;
esac

mkdir -p "$build"
bin=$build/fuzz_$target
work=$build/fuzz-$target.work
corpus=$work/corpus
log=$work/fuzz.log
rm -rf "$work"
mkdir -p "$corpus" "$work/artifacts"

if ! "$clang" -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -D_GNU_SOURCE "${extra[@]}" \
		"${sources[@]}" "$root/test/fuzz/fuzz_$target.c" \
		"${libs[@]}" -o "$bin" >"$work/build.log" 2>&1
then
	echo "not ok 1 - fuzz $target: build failed"
	sed 's/^/# /' "$work/build.log"
	exit 1
fi

if [ -d "$root/test/fuzz/corpus-$target" ]; then
	cp -R "$root/test/fuzz/corpus-$target/." "$corpus/"
fi
for f in "${seeds[@]}"; do
	cp "$f" "$corpus/"
done

# -max_total_time bounds the run; timeout(1) is a backstop against a hang
# outside libFuzzer's own checks.
status=0
timeout --kill-after=30 $((seconds + 120)) "$bin" \
	-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
	-artifact_prefix="$work/artifacts/" -print_final_stats=1 \
	"$corpus" >"$log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
crash=$(find "$work/artifacts" -type f | head -n 1)
if [ "$status" -eq 0 ] && [ -z "$crash" ]; then
	echo "ok 1 - fuzz $target: ${runs:-0} runs"
	exit 0
fi
echo "not ok 1 - fuzz $target: exit $status${crash:+, crash file $crash}"
grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 20 |
	sed 's/^/# /' || true
exit 1
