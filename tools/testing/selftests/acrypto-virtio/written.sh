#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# written.sh - in-kernel requests (kmod/vac_test.c) that the virtio device
# must decline, or that it fails after it may have written their output,
# with the software device in service to take what is retried:
#
#  - chains longer than the request, to be cut by the driver: 20 entries
#    each way out of place, 40 in place (more than the VAC_REQ_SGS of the
#    request's own area: a long table of the device's pool, VAC_LONG_SGS
#    entries) are served by the device itself; 100 and 200 are declined
#    (-EOPNOTSUPP: the device's "declined" counter moves, "errors" does
#    not) and done by soft, right;
#  - a burst of 48 requests with 12-entry chains in flight at once: every
#    output right, nothing declined.  With the debug kernel's
#    hold_completions the device keeps what it took: exactly its 32 long
#    tables' worth (VAC_LONG_MAX); the other 16 are refused with -ENOSPC
#    (back-pressure, not a decline) and wait in the engine or go to soft,
#    and all 48 finish right once the device answers again;
#  - with the fault hook of the debug kernel (fail_writeback): a bad status
#    or a short used length on a request the device did run.  Out of place
#    the engine runs it again on soft and the output is right; in place
#    (source = destination, already overwritten by the device) it must fail
#    (-EIO), never succeed with wrong data.  A refusal (NOTSUPP) of a
#    request the device did not touch is declined and done by soft.
#
# Every output is compared with AES-CBC computed by the module; "err=0
# match=0" (success with wrong data) fails every case.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DEV=virtio_crypto0
VF=/sys/kernel/debug/virtio_acrypto

tap_plan 22
check "load acrypto, acrypto_soft, virtio_acrypto" vac_load soft
if ! vt_load; then
	for i in $(seq 21); do
		tap_skip "written: case $i" "no vac_test.ko in this image (no kernel build tree)"
	done
	tap_done
	exit
fi
vac_broken soft 0
# failover_lb: the virtio device (hardware class) gets every first attempt;
# the default balancer would give these requests to whichever device it
# expects to finish first.
modprobe failover_lb && printf failover_lb >/sys/class/crypto_lb/lbs

# vcase NAME EXPECT ERRORS DECLINED ONE-ARGS...: one request through
# vt_one.  EXPECT: ok (err=0 match=1) or an errno number (err=-N).
# ERRORS, DECLINED: how much $DEV's counters must move; SOFT is set to how
# many requests soft started.
vcase() {
	_vn=$1 _vx=$2 _ve=$3 _vd=$4
	shift 4
	_e0=$(vac_counter $DEV errors) _d0=$(vac_counter $DEV declined)
	_v0=$(vac_counter $DEV sstarted) _s0=$(vac_counter soft sstarted)
	_out=$(vt_one "$@" 2>&1)
	_e=$(($(vac_counter $DEV errors) - _e0))
	_d=$(($(vac_counter $DEV declined) - _d0))
	_v=$(($(vac_counter $DEV sstarted) - _v0))
	SOFT=$(($(vac_counter soft sstarted) - _s0))
	_err=$(vt_field "$_out" err) _match=$(vt_field "$_out" match)
	_why=''
	[ "$_err" = 0 ] && [ "$_match" != 1 ] &&
		_why="$_why SUCCESS WITH WRONG DATA;"
	if [ "$_vx" = ok ]; then
		[ "$_err" = 0 ] && [ "$_match" = 1 ] || _why="$_why expected success;"
	else
		[ "$_err" = "-$_vx" ] || _why="$_why expected err=-$_vx;"
	fi
	[ "$_v" -ge 1 ] || _why="$_why $DEV never got it;"
	[ "$_e" = "$_ve" ] || _why="$_why errors +$_e, expected +$_ve;"
	[ "$_d" = "$_vd" ] || _why="$_why declined +$_d, expected +$_vd;"
	_msg="'$*': $_out; $DEV started +$_v errors +$_e declined +$_d, soft +$SOFT"
	if [ -z "$_why" ]; then
		tap_ok "$_vn"
		tap_diag "$_msg"
	else
		tap_fail "$_vn" "$_why $_msg"
	fi
}

# Chains: VAC_REQ_SGS entries fit in the per-request area.
vcase "20-entry chains, out of place: served by $DEV" ok 0 0 outofplace enc 4096 20
vcase "40-entry chain, in place: served by $DEV" ok 0 0 inplace dec 4096 40
vcase "100-entry chains: declined by $DEV, done by soft" ok 0 1 outofplace dec 8192 100
check_eq "  ... soft did it" 1 "$SOFT"
vcase "200-entry chain, in place: declined, done by soft" ok 0 1 inplace enc 16384 200

# burst N SEGS: N in-place 4-KiB requests with SEGS-entry chains at once.
burst_prepare() {
	echo "prepare $1 4096 $2" >$VT/burst
}

burst_go() {
	echo go >$VT/burst && cat $VT/burst
}

e0=$(vac_counter $DEV errors) d0=$(vac_counter $DEV declined)
check "burst of 48 with 12-entry chains: prepared" burst_prepare 48 12
out=$(burst_go 2>&1)
check_eq "burst: 48 right, none wrong, no error ($out)" \
	"done=48 ok=48 wrong=0 errors=0 last_err=0" "$out"
check_eq "burst: no device error, nothing declined" "0 0" \
	"$(($(vac_counter $DEV errors) - e0)) $(($(vac_counter $DEV declined) - d0))"

if [ ! -d $VF/fail_writeback ]; then
	for i in $(seq 13); do
		tap_skip "written: fault case $i" "no fault hook: kernel without CONFIG_FAULT_INJECTION_DEBUG_FS (make check-debug runs it)"
	done
	tap_done
	exit
fi

# The device keeps what it takes: 32 requests hold the 32 long tables and
# the other 16 are refused with -ENOSPC.  Once it answers again (clearing
# hold_completions reaps what it completed meanwhile), the tables come back
# and everything finishes right.
# (The stall watchdog is off meanwhile: the device is not to be taken out
# of service.)
STALL=$(cat /sys/module/acrypto/parameters/stall_timeout_ms)
echo 0 >/sys/module/acrypto/parameters/stall_timeout_ms
d0=$(vac_counter $DEV declined)
burst_prepare 48 12
v0=$(vac_counter $DEV sstarted)
echo 1 >$VF/hold_completions
burst_go >/tmp/burst.out 2>&1 &
bpid=$!
i=0
while [ $(($(vac_counter $DEV sstarted) - v0)) -lt 32 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
v=$(($(vac_counter $DEV sstarted) - v0))
echo 0 >$VF/hold_completions
wait $bpid
echo "$STALL" >/sys/module/acrypto/parameters/stall_timeout_ms
check_eq "device held: it took exactly 32, one per long table" 32 "$v"
check_eq "device answering again: all 48 right, nothing declined" \
	"done=48 ok=48 wrong=0 errors=0 last_err=0 declined=0" \
	"$(cat /tmp/burst.out) declined=$(($(vac_counter $DEV declined) - d0))"

# vfault WHAT [unwritten]: the next request $DEV completes comes back with
# status WHAT (a number) or, for WHAT=short, a used length one byte short.
vfault() {
	echo 100 >$VF/fail_writeback/probability
	echo 1 >$VF/fail_writeback/interval
	echo 0 >$VF/fail_writeback/verbose
	if [ "$1" = short ]; then
		echo Y >$VF/fail_writeback_short
	else
		echo N >$VF/fail_writeback_short
		echo "$1" >$VF/fail_writeback_status
	fi
	if [ "${2:-}" = unwritten ]; then
		echo Y >$VF/fail_writeback_unwritten
	else
		echo N >$VF/fail_writeback_unwritten
	fi
	echo 1 >$VF/fail_writeback/times
}

# check_fired: the fault fired (and no more are pending).
check_fired() {
	check_eq "  ... the fault fired" 0 "$(cat $VF/fail_writeback/times)"
	echo 0 >$VF/fail_writeback/times
}

# Values from include/uapi/linux/virtio_crypto.h: ERR 1, NOTSUPP 3, INVSESS 4.
vfault 1
vcase "status ERR, in place: fails with EIO" 5 1 0 inplace enc 4096
check_fired
vfault 1
vcase "status ERR, out of place: retried on soft, right" ok 1 0 outofplace enc 4096
check_eq "  ... soft did it" 1 "$SOFT"
vfault short
vcase "short used length, in place: fails with EIO" 5 1 0 inplace dec 4096
vfault short
vcase "short used length, out of place: retried on soft, right" ok 1 0 outofplace dec 4096
vfault 4
vcase "status INVSESS after writing, in place: fails with EIO" 5 1 0 inplace enc 4096
vfault 3
vcase "status NOTSUPP after writing, in place: fails with EIO" 5 1 0 inplace enc 4096
vfault 3 unwritten
vcase "status NOTSUPP, nothing written: declined, done by soft" ok 0 1 outofplace enc 4096
check_fired
echo N >$VF/fail_writeback_unwritten
echo N >$VF/fail_writeback_short

vcase "$DEV serves requests again" ok 0 0 inplace enc 4096
printf simple_lb >/sys/class/crypto_lb/lbs
rmmod failover_lb
tap_done
