#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# manykeys.sh - more keys in use at once than the device has sessions
# (QEMU's builtin backend holds 256): every request still succeeds with the
# right output, the keys the device refuses are declined (no error) and go
# to the software device, and closing the keys gives the device its
# sessions back.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DEV=virtio_crypto0

tap_plan 9
check "load acrypto, acrypto_soft, virtio_acrypto" vac_load soft

# One request at a time, failover_lb current: its primary, the virtio
# device (hardware class), gets every first attempt, so keys 1..256 get
# device sessions and the other 44 are refused.  (The default balancer
# would send these small requests to soft, the faster device here.)
modprobe failover_lb && echo -n failover_lb >/sys/class/crypto_lb/lbs
kmsg_mark manykeys
v0=$(vac_counter $DEV sstarted)
e0=$(vac_counter $DEV errors)
d0=$(vac_counter $DEV declined)
s0=$(vac_counter soft sstarted)
check_bench "300 keys open at once, 900 requests, every output checked" \
	-c acrypto-cbc-aes -s 64 -d 1 -m 300 -n 900 -V "$REF"
e=$(($(vac_counter $DEV errors) - e0))
d=$(($(vac_counter $DEV declined) - d0))
s=$(($(vac_counter soft sstarted) - s0))
v=$(($(vac_counter $DEV sstarted) - v0 - d))
check_ge "$DEV served the keys it holds (requests)" "$v" 768
check_ge "refused keys went to the software device (requests)" "$s" 132
# Refused once by the device, then at once by the driver: no round trip;
# declined, not failed.
check_eq "$DEV declined exactly the 44 keys beyond its table, 3 times each, no error" \
	"132 0" "$d $e"
check_ge "the device's refusals were logged" \
	"$(kmsg_since manykeys | grep -c "device refused a session")" 1

# All 300 transforms are closed: the device must have its 256 sessions
# back.  A refusal now would be declined and done by the kernel's own
# implementation (soft is out of service): the declined counter shows it.
d1=$(vac_counter $DEV declined)
vac_broken soft 1
check_bench "256 new keys, software device out of service: no session leaked" \
	-c acrypto-cbc-aes -s 64 -d 16 -m 256 -n 1024 -V "$REF"
check_bench "a new key per request, 16 in flight" \
	-c acrypto-cbc-aes -s 64 -d 16 -K -n 2000 -V "$REF"
vac_broken soft 0
echo -n simple_lb >/sys/class/crypto_lb/lbs
rmmod failover_lb
check_eq "$DEV: no errors, and no key refused once the 300 were closed" \
	"0 0" "$(($(vac_counter $DEV errors) - e0)) $(($(vac_counter $DEV declined) - d1))"
tap_done
