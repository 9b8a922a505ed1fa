#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# freeze.sh - suspend and resume (the driver's freeze and restore) while
# requests flow, with the virtio device as the only acrypto device (no
# acrypto_soft, so it does all the work): `echo devices >/sys/power/pm_test;
# echo freeze >/sys/power/state` several times under
#
#  - two AF_ALG AIO streams (afalg_bench), 100 keys open at once in both
#    directions (200 device sessions) and random sizes up to 64 KiB, every
#    output checked against the kernel's AES-NI (the processes are frozen
#    during the cycle: the device drains what they had sent);
#  - an in-kernel stream (kmod/vac_test.c) whose threads the freezer leaves
#    running: their requests reach the frozen device, wait in the engine,
#    and complete after the resume; a new key every 4 requests;
#
# Asserts: each cycle succeeds and the device works after it; every output
# is right and nothing is lost (every stream ends with no error, the
# device's started and completed counts agree, nothing left in flight, no
# error, nothing declined); each cycle is logged (suspended, resumed); and
# no device session leaks across the cycles (QEMU's builtin backend holds
# 256 and keeps them across a reset): the cycles create more than 256, and
# afterwards 256 new keys all get one.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DEV=virtio_crypto0
CYCLES=4
T=$((CYCLES * 12 + 10))

tap_plan $((14 + 2 * CYCLES))
check "load acrypto and virtio_acrypto (no software device)" vac_load
if [ ! -w /sys/power/pm_test ] || ! grep -qw freeze /sys/power/state; then
	for i in $(seq $((13 + 2 * CYCLES))); do
		tap_skip "freeze: case $i" "no /sys/power/pm_test or no freeze state"
	done
	tap_done
	exit
fi
check "no software device" test ! -d $CLS/soft
echo devices >/sys/power/pm_test
# pm_test's wait with the devices suspended: 1 s, not 5, to keep the test
# short.  The in-kernel stream's requests wait in the engine for the whole
# cycle; the driver tells the engine the device is suspended
# (acrypto_device_suspend()), so the stall watchdog (stall_timeout_ms, 5 s
# by default, left as it is) does not take a sleeping device for a stalled
# one, however long a cycle of the debug kernel takes under TCG.
[ -w /sys/module/suspend/parameters/pm_test_delay ] &&
	echo 1 >/sys/module/suspend/parameters/pm_test_delay
echo 20480 >/proc/sys/net/core/optmem_max

kmsg_mark freeze
e0=$(vac_counter $DEV errors) d0=$(vac_counter $DEV declined)
"$BENCH" -l keys -c acrypto-cbc-aes -s 16-16384 -d 8 -m 100 -o both \
	-T $T -V "$REF" >/tmp/fz.keys 2>&1 &
p1=$!
"$BENCH" -l sizes -c acrypto-cbc-aes -s 16-65536 -d 8 -o both -T $T \
	-V "$REF" >/tmp/fz.sizes 2>&1 &
p2=$!
KSTREAM=0
if vt_load && vt_stream start 2 16384 4; then
	KSTREAM=1
fi

i=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	sleep 4
	echo freeze >/sys/power/state
	rc=$?
	check_eq "cycle $i: echo freeze >/sys/power/state" 0 $rc
	c0=$(vac_counter $DEV scompleted)
	sleep 3
	check_ge "cycle $i: $DEV works after the resume (requests completed)" \
		$(($(vac_counter $DEV scompleted) - c0)) 10
done

# The streams end by themselves; a device that lost requests keeps them
# waiting forever.
if vac_wait $((T + 60)) sh -c "! kill -0 $p1 2>/dev/null && ! kill -0 $p2 2>/dev/null"; then
	tap_ok "the AF_ALG streams ended"
else
	tap_fail "the AF_ALG streams ended" "still waiting for their requests"
	kill -KILL $p1 $p2 2>/dev/null
fi
wait $p1 $p2 2>/dev/null
for f in /tmp/fz.keys /tmp/fz.sizes; do
	if bench_ok "$(cat $f)"; then
		tap_ok "$(basename $f): every request completed, right output"
		tap_diag "$(cat $f)"
	else
		tap_fail "$(basename $f): every request completed, right output" \
			"$(cat $f)"
	fi
done

if [ $KSTREAM = 1 ]; then
	line=$(vt_stream)
	vt_stream stop
	line2=$(vt_stream)
	tap_diag "in-kernel stream: $line2"
	if [ "$(vt_field "$line2" errors)" = 0 ] &&
	   [ "$(vt_field "$line2" mismatches)" = 0 ] &&
	   [ "$(vt_field "$line2" done)" -gt 100 ]; then
		tap_ok "in-kernel stream through the cycles: every request right (longest wait $(vt_field "$line2" max_ms) ms)"
	else
		tap_fail "in-kernel stream through the cycles: every request right" "$line2 (before stop: $line)"
	fi
else
	tap_skip "in-kernel stream through the cycles" "no vac_test.ko in this image"
fi

vac_wait 10 sh -c "[ \$(cat $CLS/$DEV/sessions) = 0 ]"
check_eq "$DEV holds nothing" 0 "$(vac_counter $DEV sessions)"
check_eq "$DEV: as many requests completed as started" \
	"$(vac_counter $DEV sstarted)" "$(vac_counter $DEV scompleted)"
check_eq "$DEV: no errors" 0 $(($(vac_counter $DEV errors) - e0))
check_eq "$DEV: nothing declined (no session refused)" 0 \
	$(($(vac_counter $DEV declined) - d0))
in_service() {
	[ "$(cat $CLS/$DEV/broken)" = 0 ] &&
		! kmsg_since freeze | grep -q "acrypto $DEV: stalled"
}
ok_if "$DEV was never taken out of service" in_service
check_eq "each cycle suspended and resumed the device" "$CYCLES $CYCLES" \
	"$(kmsg_since freeze | grep -c 'virtio_acrypto.*: suspended:') $(kmsg_since freeze | grep -c 'virtio_acrypto.*: resumed')"
kmsg_since freeze | grep 'virtio_acrypto.*: suspended:' | sed 's/^\[[^]]*\] //' | tap_diag

# 100 AF_ALG keys in both directions and the in-kernel keys, again after
# every resume: far more than the 256 sessions QEMU holds.
keys=$((200 * (CYCLES + 1)))
[ $KSTREAM = 1 ] && keys=$((keys + $(vt_field "$line2" keys)))
check_ge "device sessions created across the cycles (at least)" "$keys" 257
check_bench "256 new keys after the cycles: no device session leaked" \
	-c acrypto-cbc-aes -s 64 -d 16 -m 256 -n 1024 -V "$REF"
tap_done
