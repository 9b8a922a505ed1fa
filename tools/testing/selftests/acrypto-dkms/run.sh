#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - a guest whose acrypto modules are the ones DKMS built and
# installed (run-host.sh): what a fresh host gets, then the core suite
# (tools/testing/selftests/acrypto) on them.
#
#  - the image holds the seven product modules and no test module;
#  - kmod's `modprobe acrypto` alone gives a working engine: acrypto_soft
#    with it (soft dependency), device soft online, acrypto-cbc-aes
#    registered with a passed self-test, requests served;
#  - a write to lbs loads a balancer module by its alias.
#
# Usage: run.sh [CORE-RUN.SH-ARGUMENTS]   (passed to the core suite)

HERE=$(cd "$(dirname "$0")" && pwd)
CORE=$HERE/../acrypto
KMOD=$HERE/kmod/modprobe
AC=/sys/class/acrypto
LBS=/sys/class/crypto_lb/lbs
# shellcheck source=/dev/null # the harness's lib.sh, in the image
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"

tap_plan 7
M=/lib/modules/$(uname -r)

check_eq "the image's acrypto modules: the seven DKMS installed" \
	"acrypto acrypto_soft adaptive_lb failover_lb rr_lb size_lb virtio_acrypto " \
	"$(find "$M/extra" -name '*.ko' | sed 's|.*/||; s/\.ko$//' | sort | tr '\n' ' ')"
check "no test module (modprobe acrypto_testdev fails)" \
	sh -c "! modprobe acrypto_testdev 2>/dev/null"
for m in aesni_intel sha256_ssse3 sha1_ssse3; do modprobe "$m" 2>/dev/null; done
check "kmod: modprobe acrypto" "$KMOD" acrypto
check "acrypto_soft came along, soft online" \
	sh -c "[ -d /sys/module/acrypto_soft ] && [ \"\$(cat $AC/soft/state)\" = online ]"
check "acrypto-cbc-aes registered, self-test passed" \
	sh -c "awk '/^driver/ { d = \$3 } /^selftest/ && d == \"acrypto-cbc-aes\" { print \$3 }' /proc/crypto | grep -qx passed"
check "kcapi-enc cbc(aes) through soft" sh -c "
	before=\$(cat $AC/soft/scompleted)
	head -c 16 /dev/zero >/tmp/key; head -c 64 /dev/zero >/tmp/plain
	kcapi-enc -e -c 'cbc(aes)' --iv 00000000000000000000000000000000 \
		--keyfd 3 3</tmp/key -i /tmp/plain -o /tmp/cipher &&
	[ \$(cat $AC/soft/scompleted) -gt \$before ]"
check "echo rr_lb > lbs loads rr_lb" \
	sh -c "echo rr_lb >$LBS && [ -d /sys/module/rr_lb ] && grep -q 'rr_lb \[current\]' $LBS && echo simple_lb >$LBS && rmmod rr_lb"
tap_done
rc=$?

for m in acrypto_soft acrypto; do rmmod "$m" 2>/dev/null; done
echo "# the core suite on the DKMS-installed modules"
"$CORE/run.sh" "$@" || rc=1
exit $rc
