#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# spread.sh - two virtio devices and the software device: the engine spreads
# concurrent load over both virtio devices, a device unbound under load
# hands its work to the other, and keys beyond what the devices hold go to
# the software device.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

A=virtio_crypto0
B=virtio_crypto1

tap_plan 11
check "load acrypto, acrypto_soft, virtio_acrypto" vac_load soft
check_eq "two virtio devices registered" 2 "$(vac_devices | wc -l)"

# The software device completes in ->process(): it would look idle and
# take everything.  Out of service, the two virtio devices share the load.
# A device answers faster than one submitter sends and the balancer gives
# ties to the first device: concurrent streams are what spreads the load.
vac_broken soft 1
a0=$(vac_counter $A sstarted)
b0=$(vac_counter $B sstarted)
load_start 6
check_load "three concurrent streams: every request completed, right output"
a=$(($(vac_counter $A sstarted) - a0))
b=$(($(vac_counter $B sstarted) - b0))
tap_diag "$A started $a, $B started $b"
check_ge "$A share of the requests (%)" $((a * 100 / (a + b + 1))) 5
check_ge "$B share of the requests (%)" $((b * 100 / (a + b + 1))) 5

# Unbind one device under load: its requests complete on the other one.
# With the device slowed down, requests are on its ring when it goes.
slow_device
vdev=$(basename "$(readlink -f $CLS/$B/device)")
load_start 120 removal
sleep 3
b0=$(vac_counter $B sstarted)
echo "$vdev" >/sys/bus/virtio/drivers/virtio_acrypto/unbind
sleep 2
load_stop
check_load "unbind $B under load: every request completed, right output"
tap_diag "$(removal_log $B)"
check_ge "$B was working when unbound (requests)" "$b0" 10
check_held "$B held requests on its ring when unbound" "$(removal_inflight $B)"
check "bind it again" sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_acrypto/bind"

vac_broken soft 0
check_bench "300 keys open at once, 16 in flight" \
	-c acrypto-cbc-aes -s 64 -d 16 -m 300 -n 1500 -V "$REF"
check_eq "no driver errors in the kernel log" 0 "$(driver_errors)"
tap_done
