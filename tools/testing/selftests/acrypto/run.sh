#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - run the acrypto selftests in the guest (busybox sh is enough).
#
# Usage: run.sh [-t SECONDS] [TEST [-OPTION [VALUE]]...]...
#
#   run.sh                          every test, in the order below
#   run.sh counters lb_sysfs        a subset
#   run.sh skcipher_roundtrip -s 42 -n 100
#                                   words after a test name are its arguments
#
# Tests: skcipher_kat skcipher_roundtrip counters lb_sysfs modules
# (".sh" may be left out).  modules runs last in the default order: it
# unloads and reloads the modules.  -t: time limit per test in seconds
# (default 300, or $ACRYPTO_TEST_TIMEOUT).
#
# Output: each test's TAP document as it is, each opening with its own
# plan, then one more document with one result per test (its exit status:
# catches a test that crashed, hung or printed a wrong plan; lib.sh's
# tap_run).  Exit status 0 only if every test passed.

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
ALL="skcipher_kat skcipher_roundtrip counters lb_sysfs.sh modules.sh"
TIMEOUT=${ACRYPTO_TEST_TIMEOUT:-300}
if [ "${1:-}" = -t ]; then
	TIMEOUT=${2:?}
	shift 2
fi

program_of() {	# name -> file name, or nothing if unknown
	for t in $ALL; do
		case $1 in
		"$t" | "${t%.sh}") echo "$t"; return ;;
		esac
	done
}

# Tests to run, one per line: "program args...".
LIST=''
while [ $# -gt 0 ]; do
	prog=$(program_of "$1")
	if [ -z "$prog" ]; then
		echo "run.sh: unknown test '$1' (tests: $ALL)" >&2
		exit 2
	fi
	shift
	args=''
	while [ $# -gt 0 ] && [ -z "$(program_of "$1")" ]; do
		args="$args $1"
		shift
	done
	LIST="$LIST$prog$args
"
done
if [ -z "$LIST" ]; then
	for t in $ALL; do
		LIST="$LIST$t
"
	done
fi

# Set-up: AF_ALG needs more socket option memory than the default for
# larger requests; libkcapi needs crypto_user; the engine needs a device.
echo 20480 >/proc/sys/net/core/optmem_max
for m in crypto_user aesni_intel; do
	modprobe "$m" 2>/dev/null || echo "# run.sh: modprobe $m failed"
done
if ! modprobe acrypto_soft; then
	echo "Bail out! run.sh: modprobe acrypto_soft failed"
	exit 1
fi

echo "# acrypto selftests: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
OLDIFS=$IFS
IFS='
'
for line in $LIST; do
	IFS=$OLDIFS
	# shellcheck disable=SC2086 # the arguments are words
	set -- $line
	prog=$1
	shift
	tap_run "selftests: acrypto: $prog${*:+ $*}" "$TIMEOUT" "$HERE/$prog" "$@"
	IFS='
'
done
IFS=$OLDIFS

# One result per test.
tap_run_done
