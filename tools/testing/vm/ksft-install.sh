#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ksft-install.sh - install acrypto selftest suites the way the kernel's
# kselftest installs its targets, for the guest image's /acrypto/tests/:
# each suite's lib.mk install (its programs, scripts, settings and
# config) in OUT/<suite>/, kselftest-list.txt naming what kselftest's
# runner runs, and the runner itself (run_kselftest.sh, kselftest/) from
# Debian's linux-source-6.1.  The guest runs a suite with
# "run_kselftest.sh -c <suite>" (run-vm.sh --kselftest <suite>).
#
# Usage: ksft-install.sh --out DIR [--build DIR] [--timeout-scale N] SUITE...
#
#   --out DIR          the installation (emptied first)
#   --build DIR        the suites' build output (default: DIR.build)
#   --timeout-scale N  multiply the timeout= of each installed settings
#                      file (slow kernels)

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUT='' BUILD='' SCALE=1

usage() {
	sed -n '13,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--out) OUT=${2:?}; shift 2 ;;
	--build) BUILD=${2:?}; shift 2 ;;
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	-*) echo "ksft-install.sh: unknown option '$1'" >&2; usage ;;
	*) break ;;
	esac
done
{ [ -n "$OUT" ] && [ $# -gt 0 ]; } || usage
BUILD=${BUILD:-$OUT.build}

KSFT=$("$ROOT/tools/testing/linux-source.sh" kselftest)
rm -rf "$OUT"
mkdir -p "$OUT/kselftest"
install -m 0755 "$KSFT/run_kselftest.sh" "$OUT/"
install -m 0644 "$KSFT/kselftest/runner.sh" "$OUT/kselftest/"
install -m 0755 "$KSFT/kselftest/prefix.pl" "$KSFT/kselftest/module.sh" \
	"$OUT/kselftest/"
: >"$OUT/kselftest-list.txt"

for suite in "$@"; do
	src=$ROOT/tools/testing/selftests/$suite
	[ -f "$src/Makefile" ] || { echo "ksft-install.sh: no suite '$suite'" >&2; exit 2; }
	make -s -C "$src" KSFT_DIR="$KSFT" OUTPUT="$BUILD/$suite" \
		INSTALL_PATH="$OUT/$suite" install >&2
	make -s --no-print-directory -C "$src" KSFT_DIR="$KSFT" \
		COLLECTION="$suite" emit_tests >>"$OUT/kselftest-list.txt"
	s=$OUT/$suite/settings
	if [ -f "$s" ] && [ "$SCALE" != 1 ]; then
		t=$(sed -n 's/^timeout=//p' "$s" | tail -n 1)
		[ -n "$t" ] && sed -i "s/^timeout=.*/timeout=$((t * SCALE))/" "$s"
	fi
done
