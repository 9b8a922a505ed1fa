#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# stuck.sh - removal of a device whose registration is stuck: the device
# stops answering (the debug kernel's fault hook hold_completions) while
# its registration runs the crypto API self-test of cbc(aes) through it.
#
# Two virtio devices on a q35 machine.  With no device left to serve
# cbc(aes), one is bound again with hold_completions set: the self-test's
# first request waits for its device session, whose create command the
# device never answers.  Probe returns after probe_wait_ms, the
# registration stays stuck.  The software device is loaded meanwhile: its
# own registration waits behind the stuck one, but it takes requests.
#
#  1. driver unbind of the stuck device: returns within drain_ms and a
#     little, the self-test's request comes back untouched and runs on the
#     software device, both registrations finish, the self-test passes;
#  2. the same with PCI hot-unplug (QMP device_del vc1 from the host).
#
# Then the device, answering again, is bound and works.  The harness fails
# the run on any kernel warning, lockdep report or hung task.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DRV=/sys/bus/virtio/drivers/virtio_acrypto
VF=/sys/kernel/debug/virtio_acrypto
P=/sys/module/virtio_acrypto/parameters

tap_plan 19
check "load acrypto and virtio_acrypto (no software device)" vac_load
check_eq "two virtio devices registered" 2 "$(vac_devices | wc -l)"
if [ ! -e $VF/hold_completions ]; then
	for i in $(seq 17); do
		tap_skip "stuck: case $i" "no fault hook: kernel without CONFIG_FAULT_INJECTION_DEBUG_FS (make check-debug runs it)"
	done
	tap_done
	exit
fi
echo 1000 >$P/drain_ms
echo 2000 >$P/probe_wait_ms
# The engine's stall watchdog would take the stuck request back itself
# after 5 s (it waits for a device session, which ->cancel() gives up):
# off, the registration stays stuck until the removal.
STALL=$(cat /sys/module/acrypto/parameters/stall_timeout_ms)
echo 0 >/sys/module/acrypto/parameters/stall_timeout_ms

# The virtio device behind QEMU's vc1: run-vm.sh puts vc<i> on root port
# rp<i>, bus i + 1.
V0='' V1=''
for v in /sys/bus/virtio/devices/*; do
	case $(readlink -f "$v") in
	*/0000:02:00.0/*) V1=$(basename "$v") ;;
	*) V0=$(basename "$v") ;;
	esac
done
tap_diag "vc1 is $V1, the other is $V0"

no_alg() {
	! grep -q '^driver *: acrypto-cbc-aes$' /proc/crypto
}

selftest() {
	awk '/^driver/ { d = $3 } /^selftest/ && d == "acrypto-cbc-aes" { print $3 }' /proc/crypto
}

# bg NAME CMD...: run CMD in the background; bg_done NAME SECONDS: wait
# until it has returned.
bg() {
	_bg=$1
	shift
	rm -f "/tmp/stuck.$_bg.done"
	("$@" >"/tmp/stuck.$_bg.out" 2>&1; touch "/tmp/stuck.$_bg.done") &
}

bg_done() {
	vac_wait "$2" test -e "/tmp/stuck.$1.done"
}

# stuck_bind VDEV MARK: bind VDEV with the device not answering; true once
# probe has returned and left the registration stuck.
stuck_bind() {
	kmsg_mark "$2"
	echo 1 >$VF/hold_completions
	bg bind sh -c "echo $1 >$DRV/bind"
	bg_done bind 60 || return 1
	kmsg_since "$2" | grep -q "registration of virtio_crypto[0-9]* continues in the background"
}

# removal_took_back LOG: the driver's log of a removal says that the
# self-test's request was still waiting for its session, and that the reset
# took the session's create command back from the device.
removal_took_back() {
	printf '%s\n' "$1" | grep -q 'removing .* 1 waiting for a session' &&
		printf '%s\n' "$1" |
		grep -q 'took back 0 requests and 1 session commands'
}

# soft_join: load the software device in the background (its registration
# waits for the stuck one); true once it is a usable device.
soft_join() {
	bg soft modprobe acrypto_soft
	vac_wait 30 test -d $CLS/soft
}

# soft_out: unload the software device; true once cbc(aes) has gone too.
soft_out() {
	rmmod acrypto_soft && vac_wait 30 no_alg
}

echo "$V0" >$DRV/unbind
echo "$V1" >$DRV/unbind
check "no device left: acrypto-cbc-aes goes" vac_wait 30 no_alg

# 1. driver unbind
ok_if "bind with the device not answering: probe returns, registration stuck" \
	stuck_bind "$V0" stuck-unbind
ok_if "the software device joins" soft_join
bg unbind sh -c "echo $V0 >$DRV/unbind"
ok_if "unbind of the stuck device finishes" bg_done unbind 60
ok_if "the software device's registration finishes" bg_done soft 60
check_eq "the cbc(aes) self-test passed (on the software device)" passed "$(selftest)"
log=$(kmsg_since stuck-unbind | grep virtio_acrypto | sed 's/^\[[^]]*\] //')
printf '%s\n' "$log" | tap_diag
check "removal did not wait for the self-test: reset, took back the create" \
	removal_took_back "$log"
check "$V0 unbound" test ! -e "$DRV/$V0"

# 2. hot-unplug: the software device goes first, so that the registration
# runs the self-test again.
echo 0 >$VF/hold_completions
check "software device unloaded, acrypto-cbc-aes goes" soft_out
ok_if "bind vc1 with the device not answering: probe returns, registration stuck" \
	stuck_bind "$V1" stuck-unplug
ok_if "the software device joins" soft_join
echo "# ACRYPTO-VIRTIO-UNPLUG: host, device_del vc1 now"
check "hot-unplug of the stuck device finishes" \
	vac_wait 90 test ! -e "/sys/bus/virtio/devices/$V1"
ok_if "the software device's registration finishes" bg_done soft 60
check_eq "the cbc(aes) self-test passed (on the software device)" passed "$(selftest)"
log=$(kmsg_since stuck-unplug | grep virtio_acrypto | sed 's/^\[[^]]*\] //')
printf '%s\n' "$log" | tap_diag
check "removal did not wait for the self-test: reset, took back the create" \
	removal_took_back "$log"

# The device answers again: bound, registered, working.
echo 0 >$VF/hold_completions
echo "$STALL" >/sys/module/acrypto/parameters/stall_timeout_ms
echo "$V0" >$DRV/bind
check "$V0 registered again" vac_wait 30 sh -c "ls $CLS | grep -q virtio_crypto"
d=$(vac_devices | head -n 1)
vac_broken soft 1
check_bench "$d works: 200 requests, every output checked" \
	-c acrypto-cbc-aes -s 16-4096 -d 4 -n 200 -o both -V "$REF"
vac_broken soft 0
tap_done
