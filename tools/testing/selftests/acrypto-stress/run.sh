#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the acrypto fault and stress campaign in the guest: each test is
# its own TAP document, then one document with one result per test (its
# exit status: catches a test that crashed, hung or broke its plan).
#
# Usage: run.sh [-t SECONDS] [-d SECONDS] [TEST...]
#   -t   time limit per test (default 900)
#   -d   run time of the concurrency test's mixed phase (default 45)
#   TEST selftests concurrency faults unload (default: all, in this order;
#        selftests must come first: it loads acrypto_soft)

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
LIMIT=900 DUR=45
while [ $# -gt 0 ]; do
	case $1 in
	-t) LIMIT=$2; shift 2 ;;
	-d) DUR=$2; shift 2 ;;
	*) break ;;
	esac
done
TESTS=${*:-selftests concurrency faults unload}

echo "# acrypto stress campaign: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
for t in $TESTS; do
	case $t in
	concurrency) args="-d $DUR" ;;
	selftests|faults|unload) args='' ;;
	*) echo "run.sh: unknown test $t" >&2; exit 2 ;;
	esac
	# shellcheck disable=SC2086 # args are words
	tap_run "selftests: acrypto-stress: $t" "$LIMIT" "$HERE/$t.sh" $args
done
tap_run_done
