#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the acrypto-ops tests in the guest.
#
# Usage: run.sh [-t SECONDS] [TEST]...
#
# Tests: boot trace stats tool (the default, in this order) and cmdline
# (for a guest booted with acrypto.balancer=adaptive_lb, the second guest
# of the suite's settings).  Each prints its TAP document; a last one gives each
# test's exit status.  -t: time limit per test (default 300).

HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=300
if [ "${1:-}" = -t ]; then
	TIMEOUT=${2:?}
	shift 2
fi
TESTS=${*:-boot trace stats tool}

echo 20480 >/proc/sys/net/core/optmem_max
modprobe crypto_user 2>/dev/null
echo "# acrypto-ops: $(uname -r), tests: $TESTS"

n=0 failed=0 results=''
for t in $TESTS; do
	n=$((n + 1))
	echo "# acrypto-ops: $t"
	if [ -x "$HERE/$t.sh" ]; then
		timeout "$TIMEOUT" "$HERE/$t.sh"
		rc=$?
	else
		echo "# $HERE/$t.sh: missing"
		rc=127
	fi
	[ "$rc" = 0 ] || failed=$((failed + 1))
	results="$results$n $t $rc
"
done

echo "1..$n"
printf '%s' "$results" | while read -r i t rc; do
	if [ "$rc" = 0 ]; then
		echo "ok $i acrypto-ops: $t"
	else
		echo "not ok $i acrypto-ops: $t (exit status $rc)"
	fi
done
[ "$failed" = 0 ]
