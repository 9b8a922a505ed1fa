#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# faults.sh - memory pressure on the engine's allocation paths: each
# allocation of an operation fails in turn (failnth: fail-nth with
# failslab, then with fail_page_alloc), while AF_ALG workers keep keys and
# requests going on the other devices.  Operations: transform creation
# (bind), setkey of each family, registration of a device (acrypto_testdev,
# with live keys to prepare), of a balancer (rr_lb) and of the software
# device (whose algorithms register with the crypto API).  Each step must
# end with ENOMEM or succeed, leave the transform or module usable, and
# leak nothing (kmemleak after each group).  The request path allocates
# nothing and is not covered here.
#
# Needs CONFIG_FAULT_INJECTION_DEBUG_FS with FAILSLAB and FAIL_PAGE_ALLOC
# (the debug kernel of make check-debug); skipped cleanly otherwise.
#
# Usage: faults.sh [-m MAXSTEPS]

. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib-stress.sh"

MAX=400
[ "${1:-}" = -m ] && MAX=$2
FS=/sys/kernel/debug/failslab
FP=/sys/kernel/debug/fail_page_alloc
W=/tmp/faults
mkdir -p $W

if [ ! -d $FS ] || [ ! -d $FP ] || [ ! -e /proc/self/fail-nth ]; then
	for t in slab page; do
		tap_skip "faults-$t" "kernel without failslab/fail_page_alloc and fail-nth"
	done
	tap_done
	exit 0
fi

stress_load "instances=2 latency_us=100" || tap_bail "cannot load the engine"
# Self-tests would run at every module load below: they are not what is
# tested here (the other tests and the boot run them), and they would make
# each step cost seconds.
NOTESTS=/sys/module/cryptomgr/parameters/notests
[ -w $NOTESTS ] && echo 1 >$NOTESTS

# fail-nth decides which allocation fails; these decide which count.
# verbose=0: no "forcing a failure" stack dumps in the log.
slab_mode() {
	echo N >$FS/ignore-gfp-wait
	echo 0 >$FS/verbose
	echo Y >$FP/ignore-gfp-wait
	echo 11 >$FP/min-order		# no page allocation counts
	echo 0 >$FP/verbose
}
page_mode() {
	echo Y >$FS/ignore-gfp-wait	# sleeping slab allocations do not count
	echo 0 >$FS/verbose
	echo N >$FP/ignore-gfp-wait
	echo N >$FP/ignore-gfp-highmem
	echo 0 >$FP/min-order
	echo 0 >$FP/verbose
}

# failnth NAME [FAILNTH-OPTION...] OP ARGS...: one result.
fn() {
	_name=$1
	shift
	if "$HERE/failnth" -m "$MAX" "$@" >$W/out 2>&1; then
		tap_ok "$_name"
	else
		tap_fail "$_name" "failnth $* exited $?"
	fi
	grep -v '^$' $W/out | tail -n 12 | sed 's/^# //' | tap_diag
}

# Registration: the last allocations of a module load are its init's.
# fn_load NAME KO MODULE PARAMS LAST STRIDE: fail every STRIDE-th of the
# last LAST allocations (and the few after, that a slower path may add).
fn_load() {
	_name=$1 _ko=$2 _mod=$3 _params=$4 _last=$5 _stride=${6:-1}
	if [ -z "$_ko" ]; then
		tap_skip "$_name" "module not in the image"
		return
	fi
	_n=$("$HERE/failnth" -c load "$_ko" "$_mod" "$_params" | awk '{ print $2 }')
	if [ -z "$_n" ] || [ "$_n" -le 0 ]; then
		tap_fail "$_name" "cannot count the allocations of loading $_mod"
		return
	fi
	_from=$((_n > _last ? _n - _last : 1))
	tap_diag "$_mod: $_n allocations per load, failing every ${_stride}th from $_from"
	fn "$_name" -S $_from -i $_stride -m $(( (_last + 20) / _stride )) \
		load "$_ko" "$_mod" "$_params"
}

# Checks on the kernel log of a group: expected noise is page allocation
# failure reports (fail_page_alloc: "page allocation failure", "vmalloc
# error"), and the crypto core's WARN_ON_ONCE in
# crypto_wait_for_test() when cryptomgr cannot start a self-test; anything
# else the host would count as a problem fails the group here.  The log is
# cleared afterwards so that the expected reports do not reach the host.
log_check() {
	log_since "$2" | awk -v bad="$PROBLEMS" '
		/page allocation failure|vmalloc error: size/ { pa = NR }
		/crypto_wait_for_test/ { cw = NR }
		$0 ~ bad {
			if (/Call Trace/ && (NR - pa <= 6 || NR - cw <= 12)) next
			if (/WARNING:.*crypto_wait_for_test/) next
			print
		}' >$W/problems
	if [ -s $W/problems ]; then
		tap_fail "$1" "kernel problems:"
		head -n 20 $W/problems | tap_diag
		log_since "$2" | head -n 80 | tap_diag
	else
		tap_ok "$1"
	fi
	dmesg -c >/dev/null
}

# Workers on the other tasks, keys coming and going, all the while.
"$HERE/stress_afalg" -t 100000 -w 1 -m cbc,xts,gcm,hmac256 -k 2 \
	-e ENOENT,ENODEV,EAGAIN >$W/workers.out 2>&1 &
WORKERS_PID=$!

for mode in slab page; do
	${mode}_mode
	leak_clear
	mark_log "faults-$mode"
	# The socket's own inode comes first: sock_alloc() says ENFILE.
	fn "$mode: bind acrypto-cbc-aes (transform init)" -e ENFILE bind skcipher acrypto-cbc-aes
	fn "$mode: bind acrypto-gcm-aes" -e ENFILE bind aead acrypto-gcm-aes
	fn "$mode: bind acrypto-sha256 (init sets the empty key)" -e ENFILE bind hash acrypto-sha256
	fn "$mode: setkey acrypto-xts-aes" setkey skcipher acrypto-xts-aes 64 "xts(ecb(aes-generic))"
	fn "$mode: setkey acrypto-cbc-aes" setkey skcipher acrypto-cbc-aes 24 "cbc(aes-generic)"
	fn "$mode: setkey acrypto-gcm-aes" setkey aead acrypto-gcm-aes 32 \
		"gcm_base(ctr(aes-generic),ghash-generic)"
	fn "$mode: setkey acrypto-authenc" setkey aead acrypto-authenc-hmac-sha256-cbc-aes 16 \
		"authenc(hmac(sha256-generic),cbc(aes-generic))"
	fn "$mode: setkey acrypto-hmac-sha256" setkey hash acrypto-hmac-sha256 40 \
		"hmac(sha256-generic)"

	# Registration.  acrypto_testdev joins with the workers' keys live.
	rmmod acrypto_testdev
	fn_load "$mode: register acrypto_testdev (device, live keys)" \
		"$(kmod_path acrypto_testdev)" acrypto_testdev "instances=2" 45 3
	modprobe acrypto_testdev instances=2
	if [ -d /sys/module/rr_lb ]; then
		rmmod rr_lb
		fn_load "$mode: register rr_lb (balancer)" "$(kmod_path rr_lb)" rr_lb "" 24 3
		modprobe rr_lb
	else
		tap_skip "$mode: register rr_lb (balancer)" "rr_lb not in the image"
	fi
	# The software device: its algorithms (AEAD, hashes) register with
	# the crypto API when it joins.  The workers use them: stop them.
	kill $WORKERS_PID 2>/dev/null
	wait $WORKERS_PID 2>/dev/null
	rmmod acrypto_soft
	fn_load "$mode: register acrypto_soft (device, algorithms)" \
		"$(kmod_path acrypto_soft)" acrypto_soft "" 80 4
	modprobe acrypto_soft && wait_algs
	"$HERE/stress_afalg" -t 100000 -w 1 -m cbc,xts,gcm,hmac256 -k 2 \
		-e ENOENT,ENODEV,EAGAIN >$W/workers.out 2>&1 &
	WORKERS_PID=$!

	log_check "$mode: no unexpected kernel problems" "faults-$mode"
	leak_check "$mode: no leaks (kmemleak)"
done

# Back to normal.
echo Y >$FS/ignore-gfp-wait
echo Y >$FP/ignore-gfp-wait
echo 1 >$FP/min-order
[ -w $NOTESTS ] && echo 0 >$NOTESTS
kill $WORKERS_PID 2>/dev/null
wait $WORKERS_PID 2>/dev/null
grep '^stress_afalg:' $W/workers.out | tap_diag
quiesce 30 || engine_state | tap_diag
check_eq "the engine is idle again" 0 "$(cat $CLS/crypto_sessions/queue_len)"
tap_done
