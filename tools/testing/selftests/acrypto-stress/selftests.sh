#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# selftests.sh - the crypto API's self-tests of acrypto's algorithms, with
# the extra tests (CONFIG_CRYPTO_MANAGER_EXTRA_TESTS: random inputs and
# buffer layouts compared with the generic implementations) at full
# strength where the kernel has them.
#
# The debug kernel boots with cryptomgr.noextratests=1: fuzzing every
# algorithm at every module load costs half a minute of TCG time per
# guest.  Here, once, the kernel's own AES-NI and SHA modules load as
# usual, then the extra tests are turned on with -n fuzz iterations
# (default 100) while acrypto_soft registers the engine's eleven
# algorithms, which the self-tests run through the engine.  Then:
#   - every acrypto algorithm is registered and /proc/crypto says
#     "selftest : passed";
#   - no "alg:" failure and no skipped comparison for an acrypto
#     algorithm in the kernel log (the generic implementations were there).
# In Debian's kernel (no extra tests) the ordinary self-tests are checked.
#
# Usage: selftests.sh [-n FUZZ-ITERATIONS]

. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib-stress.sh"

FUZZ=100
[ "${1:-}" = -n ] && FUZZ=$2
P=/sys/module/cryptomgr/parameters
DRIVERS="acrypto-ecb-aes acrypto-cbc-aes acrypto-ctr-aes acrypto-xts-aes
acrypto-gcm-aes acrypto-rfc4106-gcm-aes acrypto-authenc-hmac-sha256-cbc-aes
acrypto-sha1 acrypto-sha256 acrypto-hmac-sha1 acrypto-hmac-sha256"

if [ -d /sys/module/acrypto_soft ]; then
	tap_bail "acrypto_soft is loaded already: its algorithms were tested before"
fi
kmod_load crypto_user aesni_intel sha256_ssse3 sha1_ssse3 >/dev/null 2>&1

extra=0
if [ -w $P/noextratests ] && [ -w $P/fuzz_iterations ]; then
	old_fuzz=$(cat $P/fuzz_iterations)
	echo "$FUZZ" >$P/fuzz_iterations
	echo 0 >$P/noextratests
	extra=1
	tap_diag "extra self-tests on, $FUZZ fuzz iterations per algorithm"
else
	tap_diag "kernel without CONFIG_CRYPTO_MANAGER_EXTRA_TESTS: ordinary self-tests"
fi
mark_log selftests
t0=$(cut -d' ' -f1 /proc/uptime)
check "acrypto_soft loads, its algorithms register" kmod_load acrypto_soft
wait_algs
tap_diag "registration and self-tests took $(awk -v s="$t0" '{ printf "%d", $1 - s }' /proc/uptime) s"
if [ $extra = 1 ]; then
	echo 1 >$P/noextratests
	echo "$old_fuzz" >$P/fuzz_iterations
fi

for d in $DRIVERS; do
	st=$(awk -v d="$d" '$1 == "driver" { f = ($3 == d) }
		f && $1 == "selftest" { print $3; exit }' /proc/crypto)
	check_eq "$d: selftest ${st:-(not registered)}" passed "$st"
done

bad=$(log_since selftests | grep 'alg: ' |
	grep -v 'No test for\|self-tests for .* passed\|extra crypto tests enabled')
if [ -z "$bad" ]; then
	tap_ok "no self-test failure or skipped comparison in the kernel log"
else
	tap_fail "no self-test failure or skipped comparison in the kernel log"
	echo "$bad" | head -n 20 | tap_diag
fi
tap_done
