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
NAMES='' RCS='' N=0
for t in $TESTS; do
	case $t in
	concurrency) args="-d $DUR" ;;
	selftests|faults|unload) args='' ;;
	*) echo "run.sh: unknown test $t" >&2; exit 2 ;;
	esac
	N=$((N + 1))
	echo "# selftests: acrypto-stress: $t $args"
	start=$(cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2086
	timeout "$LIMIT" "$HERE/$t.sh" $args
	rc=$?
	echo "# $t: exit $rc after $(awk -v s="$start" '{ printf "%d", $1 - s }' /proc/uptime) s"
	NAMES="$NAMES $t" RCS="$RCS $rc"
done

echo "1..$N"
i=0 failed=0
# shellcheck disable=SC2086
set -- $RCS
for t in $NAMES; do
	i=$((i + 1))
	rc=$1
	shift
	if [ "$rc" = 0 ]; then
		echo "ok $i selftests: acrypto-stress: $t"
	else
		failed=$((failed + 1))
		case $rc in 124|137|143) why="timed out after ${LIMIT}s" ;; *) why="exit status $rc" ;; esac
		echo "not ok $i selftests: acrypto-stress: $t ($why)"
	fi
done
[ $failed = 0 ]
