#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# @file The whole voxgate test suite in one command, on a fresh Debian 12
# machine as root: installs packages, reserves hugepages, builds twice
# (optimised, and debug with AddressSanitizer + UndefinedBehaviorSanitizer),
# runs every suite in both builds (the fuzz suite once), cleans up, and
# ends with the line "N passed, N failed, N skipped" counted over every
# test case that ran.
#
# usage: test/run-tests.sh
#   VG_BUILD_ROOT=dir   where the two builds go (default: build/)
#   VG_FUZZ_SECONDS=n   libFuzzer time per target (default 30)
#   CI=true             a skipped test fails the run
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
broot=${VG_BUILD_ROOT:-$src/build}
fuzz_s=${VG_FUZZ_SECONDS:-30}
state=$(mktemp /tmp/vg-host-state.XXXXXX)
rm -f "$state"

restore_host() {
	# Give back what host-setup took, if it was not there before us.
	VG_HOST_STATE=$state "$src/test/host-setup.sh" --restore
	# Hugepage files left by a test that died, and the EAL runtime
	# directories of the tests' file prefixes (DPDK leaves them behind).
	rm -f /dev/hugepages/vg-* 2>/dev/null
	rm -rf /var/run/dpdk/vg-* /var/run/dpdk/vgsip* 2>/dev/null
}
trap restore_host EXIT
trap 'exit 130' INT TERM

fail() { echo "run-tests: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

VG_HOST_STATE=$state "$src/test/host-setup.sh" || fail "host set-up failed"

setup() { # dir, extra meson args...
	local dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$src" "$@" >/dev/null
	else
		meson setup "$dir" "$src" "$@" >/dev/null
	fi
}

echo "== building (optimised and sanitized)"
setup "$broot/release" --buildtype=debugoptimized --werror \
	-Dfuzz_seconds="$fuzz_s" || fail "meson setup (release) failed"
setup "$broot/sanitize" --buildtype=debug --werror \
	-Db_sanitize=address,undefined -Db_lundef=false \
	-Dfuzz_seconds="$fuzz_s" || fail "meson setup (sanitize) failed"
ninja -C "$broot/release" || fail "build (release) failed"
ninja -C "$broot/sanitize" || fail "build (sanitize) failed"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$src/test/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== tests, optimised build"
meson test -C "$broot/release" --print-errorlogs
echo "== tests, sanitized build"
meson test -C "$broot/sanitize" --print-errorlogs --no-suite fuzz

echo "== results"
python3 "$src/test/count-results.py" \
	"release=$broot/release/meson-logs" \
	"sanitize=$broot/sanitize/meson-logs" |
	tee "$broot/summary.txt"
rc=${PIPESTATUS[0]}
summary=$(tail -n 1 "$broot/summary.txt")
skipped=$(sed -n 's/.*, \([0-9]*\) skipped$/\1/p' <<<"$summary")
if [ "${CI:-}" = true ] && [ "${skipped:-0}" -gt 0 ]; then
	echo "run-tests: $skipped tests skipped; in CI every test must run" >&2
	rc=1
fi
# The summary stays the last line.
echo "$summary"
exit "$rc"
