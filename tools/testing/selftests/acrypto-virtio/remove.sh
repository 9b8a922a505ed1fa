#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# remove.sh - take the virtio device away while AF_ALG AIO traffic runs
# through it: every request completes with the right output, on the software
# device once the virtio device is gone.  rmmod virtio_acrypto: the device
# sessions are destroyed (a reloaded driver finds all 256 free).  Driver
# unbind with drain_ms=0: the device is reset at once and the requests it
# held are taken back and run elsewhere.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DEV=virtio_crypto0
DRV=/sys/bus/virtio/drivers/virtio_acrypto

# remove_under_load NAME CMD...: start traffic on the virtio device alone,
# bring the software device back, run CMD while the traffic runs.
remove_under_load() {
	_name=$1
	shift
	vac_broken soft 1
	load_start 120 removal
	sleep 3
	started=$(vac_counter $DEV sstarted)
	vac_broken soft 0
	"$@"
	_rc=$?
	[ $_rc -eq 0 ] || tap_diag "'$*' exited $_rc"
	# The transforms close only now that the device is gone.
	sleep 2
	load_stop
	check_load "$_name: every request completed, with the right output"
	tap_diag "$(removal_log $DEV)"
	check_ge "$_name: $DEV was working when removed (requests)" "$started" 100
}

tap_plan 12
check "load acrypto, acrypto_soft, virtio_acrypto" vac_load soft

remove_under_load "rmmod virtio_acrypto" rmmod virtio_acrypto
check "$DEV unregistered" test ! -e $CLS/$DEV
check "virtio_acrypto loads again" kmod_load virtio_acrypto
check "$DEV registered again" vac_wait 10 test -e $CLS/$DEV

# Removal destroyed the device sessions of the keys in use: with the
# software device out of service, 256 new keys must all get one.
vac_broken soft 1
check_bench "256 keys after the removal: no device session leaked" \
	-c acrypto-cbc-aes -s 64 -d 16 -m 256 -n 1024 -V "$REF"
vac_broken soft 0

# drain_ms=0: removal resets the device at once and takes back what it
# holds.  Whether requests are on the ring at that moment is up to timing:
# the host slows the device down, and the test unbinds and binds again until
# a removal caught some, at most 8 times (the driver logs what it took
# back).  (QEMU keeps the sessions of a reset device:
# no leak check after this.)
rmmod virtio_acrypto
check "virtio_acrypto loads with drain_ms=0" modprobe virtio_acrypto drain_ms=0
slow_device
vac_wait 10 test -e $CLS/$DEV
vdev=$(basename "$(readlink -f $CLS/$DEV/device)")
cycles=0 held=0 bad=''
while [ $cycles -lt 8 ] && [ "$held" -eq 0 ]; do
	cycles=$((cycles + 1))
	kmsg_mark "cycle$cycles"
	vac_broken soft 1
	load_start 120 removal
	sleep 2
	vac_broken soft 0
	echo "$vdev" >$DRV/unbind
	sleep 1
	load_stop
	for p in $LOAD_PIDS; do
		wait "$p"
	done
	for f in $LOAD_FILES; do
		bench_ok "$(cat "$f")" || bad="$bad $(cat "$f")"
	done
	line=$(kmsg_since "cycle$cycles" | grep "reset, took back" | tail -n 1 |
		sed 's/^\[[^]]*\] //')
	tap_diag "cycle $cycles: ${line:-nothing to take back}"
	n=$(echo "$line" | sed -n 's/.*took back \([0-9]*\) requests.*/\1/p')
	held=$((held + ${n:-0}))
	echo "$vdev" >$DRV/bind
	vac_wait 10 test -e $CLS/$DEV
done
if [ -z "$bad" ]; then
	tap_ok "$cycles unbinds at once under load: every request completed, right output"
else
	tap_fail "$cycles unbinds at once under load: every request completed, right output" "$bad"
fi
check_held "requests taken back from the reset device and run elsewhere" "$held"
check "$vdev bound again" test -e $CLS/$DEV
check_eq "no driver errors in the kernel log" 0 "$(driver_errors)"
tap_done
