#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# probe.sh [NDEV] - binding, registration and capabilities of NDEV (default
# 1) virtio-crypto devices of QEMU's builtin backend, with no software
# device loaded: the crypto API self-test of cbc(aes) runs through ours.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

NDEV=${1:-1}

tap_plan $((5 + 5 * NDEV))
check "load acrypto and virtio_acrypto (no software device)" vac_load
bound=0
for v in /sys/bus/virtio/drivers/virtio_acrypto/virtio*; do
	[ -e "$v" ] && bound=$((bound + 1))
done
check_eq "virtio devices bound to virtio_acrypto" "$NDEV" "$bound"
check_eq "acrypto devices registered" "$NDEV" "$(vac_devices | wc -l)"

i=0
while [ $i -lt "$NDEV" ]; do
	d=virtio_crypto$i
	check_eq "$d: class" hardware "$(cat $CLS/$d/class 2>/dev/null)"
	parent=$(readlink -f $CLS/$d/device 2>/dev/null)
	drv=$(basename "$(readlink -f "$parent/driver" 2>/dev/null)")
	check_eq "$d: parent is a virtio device bound to virtio_acrypto" \
		"virtio_acrypto" "$drv"
	# QEMU 7.2's builtin backend advertises AES-CBC (cipher_algo_l bit
	# 3), keys up to 64 bytes: AES keys of 16 to 32 bytes; and SHA-1
	# (hash_algo bit 2), whose sessions it refuses (NOTSUPP, at the
	# engine's known-answer test): the driver withdraws it.
	caps=$(sed 's/ qlen [0-9]*$//' $CLS/$d/capabilities 2>/dev/null |
		tr '\n' '|' | sed 's/|$//')
	check_eq "$d: capabilities: what the device advertises and does" \
		"aes-cbc encrypt,decrypt keysize 16-32" "$caps"
	check "$d: SHA-1 sessions refused, SHA-1 withdrawn" \
		sh -c "dmesg | grep -q \"$(basename "$parent"): device advertises algorithm 2 of service 1 but refuses its sessions\""
	tap_diag "$d: $(vac_counter $d sstarted) requests started"
	check_eq "$d: no errors" 0 "$(vac_counter $d errors)"
	i=$((i + 1))
done

# Self-test of the algorithm: with no other device it ran through ours.
st=$(awk '/^driver/ { d = $3 } /^selftest/ && d == "acrypto-cbc-aes" { print $3 }' /proc/crypto)
check_eq "acrypto-cbc-aes registered, self-test passed" passed "$st"
total=0
for d in $(vac_devices); do
	total=$((total + $(vac_counter "$d" scompleted)))
done
check_ge "self-test requests completed by the virtio devices" "$total" 10
tap_done
