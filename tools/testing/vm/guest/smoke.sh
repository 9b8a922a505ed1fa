#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness smoke test (guest side): the image has what the real tests need.
# Debian modules load, AF_ALG works through libkcapi (NIST SP 800-38A F.2.1
# AES-128-CBC), dm-crypt over a loop device round-trips, network namespaces
# work, and Debian's virtio_crypto is present but never auto-loaded.
#
# Host: run-vm.sh --initrd IMG --overlay tools/testing/vm/guest \
#           --run /smoke.sh [--virtio-crypto 1] | tap-summary.sh

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"

tap_plan 13

check "modprobe aesni_intel" kmod_load aesni_intel
check "modprobe cbc (built in)" kmod_load cbc
check "modprobe dm-crypt loop veth esp4 xfrm_user" kmod_load dm-crypt loop veth esp4 xfrm_user

# NIST SP 800-38A F.2.1, first block (16 bytes). kcapi-enc takes the key
# from an fd.
# shellcheck source=../../selftests/acrypto-common/vectors.sh
. "$ACRYPTO_VECTORS"
hex2bin "$SP800_38A_KEY128" >/tmp/key
ct=$(hex2bin "$(printf %.32s "$SP800_38A_PTEXT")" |
	kcapi-enc -e -c 'cbc(aes)' --iv "$SP800_38A_CBC_IV" \
		--keyfd 3 3</tmp/key | bin2hex)
check_eq "AF_ALG cbc(aes) SP 800-38A F.2.1" \
	"$(printf %.32s "$SP800_38A_CBC_AES128")" "$ct"

# dm-crypt (plain mode) over a loop device: data reads back, the loop
# device holds something else.
dd if=/dev/zero of=/tmp/disk bs=1M count=8 2>/dev/null
check "losetup" losetup -f /tmp/disk
loopdev=$(losetup -j /tmp/disk | cut -d: -f1)
head -c 32 /dev/urandom >/tmp/dmkey
check "cryptsetup open --type plain" cryptsetup open --type plain \
	--cipher aes-cbc-essiv:sha256 --key-size 256 --key-file /tmp/dmkey \
	"$loopdev" smoke
head -c 1048576 /dev/urandom >/tmp/pattern
dd if=/tmp/pattern of=/dev/mapper/smoke bs=64k conv=fsync 2>/dev/null
echo 3 >/proc/sys/vm/drop_caches
want=$(sha256sum </tmp/pattern | cut -d' ' -f1)
check_eq "dm-crypt reads back what it wrote" "$want" \
	"$(head -c 1048576 /dev/mapper/smoke | sha256sum | cut -d' ' -f1)"
if [ "$(head -c 1048576 "$loopdev" | sha256sum | cut -d' ' -f1)" != "$want" ]; then
	tap_ok "loop device holds ciphertext"
else
	tap_fail "loop device holds ciphertext"
fi
cryptsetup close smoke
losetup -d "$loopdev"

netns() {
	ip netns add smoke && ip -n smoke link set lo up &&
		ip netns exec smoke ip addr show lo | grep -q 127.0.0.1
}
check "ip netns add + exec" netns

# An ESP state with an AEAD that is not loaded yet: the kernel must autoload
# gcm and the rfc4106 template through /sbin/modprobe (busybox). No traffic.
check "ip xfrm state add rfc4106(gcm(aes)) (template autoload)" \
	ip -n smoke xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 \
	mode transport aead 'rfc4106(gcm(aes))' \
	0x000102030405060708090a0b0c0d0e0f10111213 128

# virtio-crypto (run-vm.sh --virtio-crypto N): the device is on the virtio
# bus, and nothing loaded Debian's driver for it.
if grep -qx 0x0014 /sys/bus/virtio/devices/*/device 2>/dev/null; then
	tap_ok "virtio-crypto device (id 0x0014) on the virtio bus"
else
	tap_skip "virtio-crypto device (id 0x0014) on the virtio bus" "no device"
fi
check_fail "virtio_crypto not auto-loaded" grep -q '^virtio_crypto ' /proc/modules
check_fail "virtio_crypto modalias does not resolve" modprobe virtio:d00000014v00001AF4

tap_done
