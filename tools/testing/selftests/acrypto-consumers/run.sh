#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - run acrypto-consumers tests in the guest (busybox sh).
#
# Usage: run.sh [-t SECONDS] [-q] [TEST]...
#
#   skcipher      kcapi_skcipher   AES modes through AF_ALG (dm-crypt's)
#   aead          kcapi_aead       gcm, rfc4106, authenc through AF_ALG
#   hash          kcapi_hash       sha1, sha256, hmac() through AF_ALG
#   dmcrypt       dmcrypt.sh       dm-crypt: plain, capi:, LUKS2, authenc
#   ipsec         ipsec.sh basic   ESP, transport and tunnel
#   ipsec-stress  ipsec.sh stress  ESP while balancers switch, devices break
#   dmcrypt-stress dmcrypt.sh stress  dm-crypt on the test device: -EBUSY,
#                                  breaking
#   routes        routes.sh        authenc across the test device and soft
#   ipsec-virtio  ipsec.sh virtio  ESP next to the virtio-crypto device
#   routes-virtio routes.sh virtio authenc across virtio-crypto and soft
#                                  (these two need a guest with a
#                                  virtio-crypto device)
#
# Default: all of them, in that order.  The suite's settings spread them
# over several guests (tools/testing/run-tests.sh boots them), so that the crypto API instances one group leaves (the
# kernel's own authenc that the AF_ALG tests bind as a reference, say)
# cannot change what another measures.  -t: timeout per test (default
# 300 s); -q: fewer random cases in the C programs.
#
# Output: each test's TAP document(s), with their plans moved to the front
# (see leading_plans), then one more document with one result per test,
# from its exit status (catches a test that crashed, hung or printed a wrong
# plan; lib.sh's tap_run).  Exit status 0 only if every test passed.

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
ALL="skcipher aead hash dmcrypt ipsec ipsec-stress dmcrypt-stress routes"
ALL="$ALL ipsec-virtio routes-virtio"
TIMEOUT=300
QUICK=''

while [ $# -gt 0 ]; do
	case $1 in
	-t) TIMEOUT=$2; shift 2 ;;
	-q) QUICK=-q; shift ;;
	*) break ;;
	esac
done
# shellcheck disable=SC2086 # a list of words
[ $# -eq 0 ] && set -- $ALL

cmd_of() {
	case $1 in
	skcipher) echo "$HERE/kcapi_skcipher $QUICK" ;;
	aead) echo "$HERE/kcapi_aead $QUICK" ;;
	hash) echo "$HERE/kcapi_hash $QUICK" ;;
	dmcrypt) echo "$HERE/dmcrypt.sh" ;;
	ipsec) echo "$HERE/ipsec.sh basic" ;;
	ipsec-stress) echo "$HERE/ipsec.sh stress" ;;
	dmcrypt-stress) echo "$HERE/dmcrypt.sh stress" ;;
	routes) echo "$HERE/routes.sh testdev" ;;
	ipsec-virtio) echo "$HERE/ipsec.sh virtio" ;;
	routes-virtio) echo "$HERE/routes.sh virtio" ;;
	esac
}

for t in "$@"; do
	if [ -z "$(cmd_of "$t")" ]; then
		echo "run.sh: unknown test '$t' (tests: $ALL)" >&2
		exit 2
	fi
done

# What every test needs: AF_ALG socket memory, crypto_user for libkcapi,
# the engine and its software device with the fast implementations.
echo 20480 >/proc/sys/net/core/optmem_max
for m in crypto_user aesni_intel sha256_ssse3 sha1_ssse3; do
	modprobe "$m" 2>/dev/null || echo "# run.sh: modprobe $m failed"
done
if ! modprobe acrypto_soft || [ ! -d /sys/class/acrypto/soft ]; then
	echo "Bail out! run.sh: modprobe acrypto_soft failed"
	exit 1
fi
echo "# acrypto-consumers: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, tests: $*"

# The tests print their plans last.  Print each document with its plan
# first instead: a leading plan always starts a new document, whatever the
# stream held before (tap-summary.sh takes a plan that follows a complete
# document with a leading plan for the leading plan of the next one).  A
# test that stops without a final plan gets a "Bail out!".
leading_plans() {
	awk '
		/^1\.\.[0-9]+/ {
			print
			for (i = 0; i < n; i++)
				print buf[i]
			n = 0
			trailer = 1	# comments right after a plan close it
			fflush()
			next
		}
		trailer && /^#/ { print; next }
		{ trailer = 0; buf[n++] = $0 }
		END {
			for (i = 0; i < n; i++)
				if (buf[i] ~ /^(not )?ok([ \t]|$)/) {
					print "Bail out! the test ended without a plan"
					break
				}
			for (i = 0; i < n; i++)
				print buf[i]
		}'
}

TAP_RUN_FILTER=leading_plans
for t in "$@"; do
	# shellcheck disable=SC2046 # the command is words
	tap_run "acrypto-consumers: $t" "$TIMEOUT" $(cmd_of "$t")
done
tap_run_done
