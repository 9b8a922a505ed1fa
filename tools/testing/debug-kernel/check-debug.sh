#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh - `make check-debug`: build (or reuse) the debug kernel
# (build.sh), build our modules against it and check they build without a
# warning, then run every test suite in guests booting it
# (tools/testing/run-tests.sh --kdir/--kernel/--moddir).  Any KASAN,
# lockdep, kmemleak, UBSAN, BUG, WARNING or self-test failure in a guest's
# log fails that suite (run-vm.sh).  Ends with one line `N passed, N
# failed` that counts the host checks here and every suite's results.
#
# Usage: check-debug.sh [--timeout-scale N] [--suite NAME]... [--no-setup]
#                       [--jobs N]
#
#   --timeout-scale N  multiply the suites' time limits (default 4: the
#                      debug kernel is about 3-4 times slower under TCG)
#   --suite NAME       run only this suite (repeatable)
#   --no-setup         do not install missing packages
#   --jobs N           parallel jobs of the kernel build (default nproc)
#
# Environment: ACRYPTO_DEBUG_KERNEL_CACHE, the cache of built kernels
# (default ${XDG_CACHE_HOME:-$HOME/.cache}/acrypto/debug-kernel).

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
SCALE=4 SETUP=1 JOBS=$(nproc)
SUITES=()

usage() {
	sed -n '11,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	--suite) SUITES+=(--suite "${2:?}"); shift 2 ;;
	--no-setup) SETUP=0; shift ;;
	--jobs) JOBS=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "check-debug: unknown option '$1'" >&2; usage ;;
	esac
done

log() { echo "check-debug: $*" >&2; }
now() { date +%s; }

PASS=0 FAIL=0 N=0
result() {	# ok|fail NAME [DETAIL]
	N=$((N + 1))
	if [ "$1" = ok ]; then
		PASS=$((PASS + 1))
		echo "ok $N - $2"
	else
		FAIL=$((FAIL + 1))
		echo "not ok $N - $2"
	fi
	[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	return 0
}

# The combined count: the host checks here and the suites'.
summary() {
	echo "$((PASS + ${1:-0})) passed, $((FAIL + ${2:-0})) failed"
}

echo "# suite: debug-kernel (host)"
SETUP_ARGS=()
if [ "$SETUP" = 1 ]; then
	bash "$ROOT/tools/testing/vm/setup-host.sh" >&2 ||
		{ result fail "host packages installed"; echo "1..$N"; summary; exit 1; }
else
	SETUP_ARGS=(--no-setup)
fi

# 1. The kernel: cached, or built now.
T0=$(now)
OUTPUT=$(bash "$HERE/build.sh" --jobs "$JOBS" "${SETUP_ARGS[@]}")
rc=$?
T1=$(now)
KDIR='' KERNEL='' MODDIR='' KVER=''
eval "$(printf '%s\n' "$OUTPUT" | grep -E '^(KDIR|KERNEL|MODDIR|KVER)=')"
if [ $rc != 0 ] || [ -z "$KDIR" ] || [ ! -r "$KERNEL" ]; then
	result fail "debug kernel built" "build.sh exited $rc"
	echo "1..$N"
	summary
	exit 1
fi
result ok "debug kernel $KVER ready ($((T1 - T0)) s)" "$KERNEL"

# 2. Our modules against it, without a warning.
BUILD_LOG=$(mktemp "${TMPDIR:-/tmp}/acrypto-debug-build.XXXXXX")
make -C "$ROOT" KDIR="$KDIR" modules >"$BUILD_LOG" 2>&1
rc=$?
warnings=$(grep -iE 'warning|error' "$BUILD_LOG" | grep -v '^make' || true)
if [ $rc = 0 ] && [ -z "$warnings" ]; then
	result ok "modules build warning-free against $KVER"
else
	result fail "modules build warning-free against $KVER" \
		"$( (echo "make exited $rc"; echo "$warnings") | head -n 40)"
fi
rm -f "$BUILD_LOG"
echo "1..$N"

# 3. Every suite in the debug kernel.  KDIR in the environment: suites that
# build kernel modules of their own (acrypto-badinput) build them against it.
T2=$(now)
TAP_LOG=$(mktemp "${TMPDIR:-/tmp}/acrypto-debug-tap.XXXXXX")
KDIR=$KDIR bash "$ROOT/tools/testing/run-tests.sh" --kdir "$KDIR" \
	--kernel "$KERNEL" --moddir "$MODDIR" --kver "$KVER" \
	--timeout-scale "$SCALE" --no-lint "${SETUP_ARGS[@]}" "${SUITES[@]}" |
	tee "$TAP_LOG"
rc=${PIPESTATUS[0]}
T3=$(now)
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$TAP_LOG" | tail -n 1)
rm -f "$TAP_LOG"
log "kernel ready in $((T1 - T0)) s, suites ran in $((T3 - T2)) s"
if [ -z "$line" ]; then
	echo "Bail out! check-debug: run-tests.sh printed no summary (exit $rc)"
	summary 0 1
	exit 1
fi
# shellcheck disable=SC2086 # "P passed, F failed"
set -- $line
if [ $rc != 0 ] && [ "$3" = 0 ]; then
	echo "Bail out! check-debug: run-tests.sh exited $rc"
	summary "$1" 1
	exit 1
fi
summary "$1" "$3"
[ "$FAIL" = 0 ] && [ "$3" = 0 ]
