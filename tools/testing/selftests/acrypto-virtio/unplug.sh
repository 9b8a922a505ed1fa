#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# unplug.sh - PCI hot-unplug of one of two virtio devices (QMP device_del
# from the host, q35 machine, PCIe root ports) while AF_ALG AIO traffic runs
# through both: every request completes with the right output and the
# remaining device takes over.  Then rmmod under load sends the rest to the
# software device.
#
# Handshake: the script prints "ACRYPTO-VIRTIO-UNPLUG" on the TAP channel;
# the host then sends device_del and the script waits for a device to go.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ndev() {
	vac_devices | wc -l
}

one_left() {
	[ "$(ndev)" -eq 1 ]
}

tap_plan 11
check "load acrypto, acrypto_soft, virtio_acrypto" vac_load soft
check_eq "two virtio devices registered" 2 "$(ndev)"

# With the device slowed down, requests are on its ring when it goes.
slow_device
vac_broken soft 1
load_start 300 removal
sleep 5
for d in $(vac_devices); do
	eval "st_$d=$(vac_counter "$d" sstarted)"
	tap_diag "$d: $(vac_counter "$d" sessions) requests in flight, $(vac_counter "$d" sstarted) started"
done

echo "# ACRYPTO-VIRTIO-UNPLUG: host, device_del vc1 now"
if vac_wait 90 one_left; then
	tap_ok "one device hot-unplugged"
else
	tap_fail "one device hot-unplugged" "still $(ndev) devices"
fi
left=$(vac_devices | head -n 1)
l0=$(vac_counter "$left" sstarted)
sleep 3
load_stop
check_load "every request completed, with the right output"
gone=virtio_crypto0
[ "$left" = virtio_crypto0 ] && gone=virtio_crypto1
g=0
eval "g=\${st_$gone:-0}"
tap_diag "$(removal_log "$gone")"
check_ge "$gone was working before the unplug (requests)" "$g" 10
check_held "$gone held requests on its ring when unplugged" "$(removal_inflight "$gone")"
check_ge "$left took over (requests after the unplug)" \
	$(($(vac_counter "$left" sstarted) - l0)) 10

# The last device: rmmod while traffic runs, the software device in service.
load_start 120 removal
sleep 3
vac_broken soft 0
check "rmmod virtio_acrypto under load" rmmod virtio_acrypto
sleep 2
load_stop
check_load "every request completed, with the right output"
check_eq "no virtio device left" 0 "$(ndev)"
check_eq "no driver errors in the kernel log" 0 "$(driver_errors)"
tap_done
