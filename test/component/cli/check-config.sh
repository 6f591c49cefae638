#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# @file --check-config, --help and bad arguments of both programs, run as
# an operator would (TAP output).
# usage: check-config.sh VOXGATE_DP VOXGATE_CP SOURCE_ROOT
set -u
dp=$1 cp=$2 root=$3
work=$(mktemp -d /tmp/vg-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

# Three mistakes: a wrong type, an unknown key, a cross-field rule.
cat > "$work/bad.toml" <<'TOML'
[dataplane]
burst_size = "32"
brust_size = 32

[media]
port_min = 30000
port_max = 20000
TOML

echo "1..14"
for prog in "$dp" "$cp"; do
	name=$(basename "$prog")
	out=$("$prog" --check-config "$root/conf/voxgate.toml" 2>&1)
	check "$name: the reference configuration is ok" \
		'[ $? -eq 0 ] && [ "$out" = ok ]'
	"$prog" --check-config "$work/bad.toml" > "$work/out" 2> "$work/err"
	rc=$?
	check "$name: a bad configuration exits 1" '[ $rc -eq 1 ]'
	check "$name: three mistakes, three errors" \
		'[ "$(grep -c "^$work/bad.toml:[0-9]*:[0-9]*: " "$work/err")" -eq 3 ]'
	check "$name: the type error names its place" \
		'grep -q "^$work/bad.toml:2:14: .*burst_size" "$work/err"'
	check "$name: the unknown key suggests the known one" \
		'grep -q "^$work/bad.toml:3:1: .*brust_size.*did you mean .burst_size" "$work/err"'
	"$prog" --help > "$work/help" 2>&1
	check "$name: --help exits 0 and shows the options" \
		'[ $? -eq 0 ] && grep -q -- "--check-config" "$work/help"'
	"$prog" --no-such-option > /dev/null 2>&1
	check "$name: an unknown option exits 2" '[ $? -eq 2 ]'
done
[ "$fails" -eq 0 ]
