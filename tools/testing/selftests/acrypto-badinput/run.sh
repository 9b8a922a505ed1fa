#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the acrypto bad-input catalogue in the guest (busybox sh), one
# TAP stream.  Each case gives one kind of bad input and checks the errno;
# the list with the expected behaviour of each is
# Documentation/crypto/bad-input.rst.
#
#   1. module parameters out of range (before anything is loaded);
#   2. the AF_ALG cases (badinput): key, length, IV, AEAD and hash inputs;
#   3. the in-kernel cases (acrypto_badinput.ko): XTS weak keys with
#      CRYPTO_TFM_REQ_FORBID_WEAK_KEYS, foreign hash states;
#   4. sysfs: /sys/class/crypto_lb/lbs, .../<device>/broken, balancer
#      parameters, read-only attributes, overlong strings;
#   5. the test device's debugfs knobs;
#   6. the virtio device writing back bad values (the fault hook of
#      drivers/crypto/virtio/fault.c, kernels with
#      CONFIG_FAULT_INJECTION_DEBUG_FS: make check-debug).
#
# Usage: run.sh [SECTION...]   sections: params afalg kernel sysfs testdev virtio

. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
E=$HERE/errno_of
REL=$(uname -r)
SECTIONS=${*:-params afalg kernel sysfs testdev virtio}

# expect NAME ERRNO CMD...: one result, ok when errno_of prints ERRNO.
expect() {
	_name=$1 _want=$2
	shift 2
	_got=$("$E" "$@" 2>&1)
	check_eq "$_name" "$_want" "$_got"
}

# expect_w NAME ERRNO FILE STRING [FILE-TO-READ-BACK]: write STRING; the
# value read back must not change when the write fails.
expect_w() {
	_name=$1 _want=$2 _file=$3 _str=$4
	if [ ! -e "$_file" ]; then
		tap_skip "$_name" "$_file does not exist"
		return
	fi
	_before=$(cat "$_file" 2>/dev/null)
	_got=$("$E" write "$_file" "$_str")
	_after=$(cat "$_file" 2>/dev/null)
	if [ "$_got" != "$_want" ]; then
		tap_fail "$_name" "write '$(echo "$_str" | cut -c1-40)' to $_file: got $_got, expected $_want"
	elif [ "$_want" != 0 ] && [ -r "$_file" ] && [ "$_before" != "$_after" ]; then
		tap_fail "$_name" "failed write changed $_file from '$_before' to '$_after'"
	else
		tap_ok "$_name"
	fi
}

echo 20480 >/proc/sys/net/core/optmem_max

# ---- 1. module parameters ----------------------------------------------------
section_params() {
	A=$(kmod_path acrypto) S=$(kmod_path acrypto_soft) T=$(kmod_path acrypto_testdev)
	if [ -z "$A" ] || [ -z "$S" ]; then
		tap_bail "acrypto.ko or acrypto_soft.ko not in the image"
	fi
	# What acrypto needs from the kernel (authenc, ...), then acrypto out.
	modprobe acrypto && rmmod acrypto ||
		tap_bail "cannot load and unload acrypto"

	expect "param-acrypto-priority-negative" EINVAL load "$A" "priority=-1"
	expect "param-acrypto-priority-not-a-number" EINVAL load "$A" "priority=high"
	expect "param-acrypto-max-retries-overflow" ERANGE load "$A" "max_retries=4294967296"
	expect "param-acrypto-max-backlog-negative" EINVAL load "$A" "max_backlog=-5"
	expect "param-acrypto-stall-timeout-garbage" EINVAL load "$A" "stall_timeout_ms=5s"
	# An unknown parameter is ignored with a warning (kernel rule), the
	# module loads.
	_got=$("$E" load "$A" "no_such_param=1")
	check_eq "param-acrypto-unknown-ignored" 0 "$_got"
	[ "$_got" = 0 ] || modprobe acrypto

	expect "param-soft-qlen-zero" EINVAL load "$S" "qlen=0"
	expect "param-soft-qlen-not-a-number" EINVAL load "$S" "qlen=lots"
	expect "param-soft-qlen-overflow" ERANGE load "$S" "qlen=4294967296"

	if [ -n "$T" ]; then
		expect "param-testdev-instances-zero" EINVAL load "$T" "instances=0"
		expect "param-testdev-instances-17" EINVAL load "$T" "instances=17"
		expect "param-testdev-qlen-zero" EINVAL load "$T" "qlen=0"
		expect "param-testdev-qlen-65537" EINVAL load "$T" "qlen=65537"
		expect "param-testdev-latency-too-long" EINVAL load "$T" "latency_us=10000001"
		expect "param-testdev-class-unknown" EINVAL load "$T" "class=quantum"
		expect "param-testdev-modes-unknown" EINVAL load "$T" "modes=cbc+ofb"
	else
		tap_skip "param-testdev" "acrypto_testdev.ko not in the image"
	fi

	P=/sys/module/acrypto/parameters
	expect_w "param-runtime-max-backlog-garbage" EINVAL "$P/max_backlog" "many"
	expect_w "param-runtime-max-retries-negative" EINVAL "$P/max_retries" "-1"
	expect_w "param-runtime-priority-read-only" EACCES "$P/priority" "100"
}

# ---- the modules for the rest -----------------------------------------------
load_all() {
	kmod_load crypto_user aesni_intel sha256_ssse3 sha1_ssse3 2>/dev/null
	kmod_load acrypto_soft || tap_bail "cannot load acrypto_soft"
	for m in rr_lb size_lb failover_lb adaptive_lb; do
		have=$(kmod_path $m)
		[ -n "$have" ] && modprobe $m
	done
	[ -n "$(kmod_path acrypto_testdev)" ] && modprobe acrypto_testdev instances=1
	# The engine's algorithms are registered once a device serves them.
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		grep -q acrypto-hmac-sha256 /proc/crypto && break
		sleep 1
	done
}

# ---- 2. AF_ALG ------------------------------------------------------------------
section_afalg() {
	# badinput prints TAP of its own; fold its results into this stream.
	"$HERE/badinput" >/tmp/badinput.tap 2>&1
	_rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) _n=${line#ok * - }; tap_ok "afalg-${_n%%: *}"
			tap_diag "${_n#*: }" ;;
		"not ok "*) _n=${line#not ok * - }
			tap_fail "afalg-${_n%%: *}" "${_n#*: }" ;;
		"Bail out!"*) tap_fail "afalg" "$line" ;;
		"#"*) echo "$line" ;;
		esac
	done </tmp/badinput.tap
	if [ $_rc -gt 1 ]; then
		tap_fail "afalg-exit" "badinput exited $_rc"
	fi
}

# ---- 3. in the kernel -----------------------------------------------------------
section_kernel() {
	K=$(kmod_path acrypto_badinput)
	if [ -z "$K" ]; then
		tap_skip "kernel-cases" "acrypto_badinput.ko not in the image"
		return
	fi
	_got=$("$E" load "$K")
	if [ "$_got" != 0 ]; then
		tap_fail "kernel-cases-load" "loading acrypto_badinput.ko: $_got"
		return
	fi
	while IFS= read -r line; do
		case $line in
		"ok "*) _n=${line#ok }; tap_ok "kernel-${_n%%:*}"; tap_diag "${_n#*: }" ;;
		"not ok "*) _n=${line#not ok }; tap_fail "kernel-${_n%%:*}" "${_n#*: }" ;;
		esac
	done </sys/kernel/debug/acrypto_badinput/results
	rmmod acrypto_badinput
}

# ---- 4. sysfs -----------------------------------------------------------------
section_sysfs() {
	LBS=/sys/class/crypto_lb/lbs
	D=/sys/class/acrypto/soft
	long=$(head -c 3000 /dev/zero | tr '\0' x)

	expect_w "sysfs-lbs-unknown" EINVAL $LBS "no_such_lb"
	expect_w "sysfs-lbs-empty" EINVAL $LBS "
"
	expect_w "sysfs-lbs-trailing-garbage" EINVAL $LBS "simple_lb x"
	expect_w "sysfs-lbs-case" EINVAL $LBS "SIMPLE_LB"
	expect_w "sysfs-lbs-overlong" EINVAL $LBS "$long"
	expect "sysfs-lbs-page-size" EINVAL writelen $LBS x 4096
	expect_w "sysfs-lbs-known" 0 $LBS "simple_lb
"
	expect_w "sysfs-broken-garbage" EINVAL $D/broken "garbage"
	expect_w "sysfs-broken-2" EINVAL $D/broken "2"
	expect_w "sysfs-broken-negative" EINVAL $D/broken "-1"
	expect_w "sysfs-broken-newline" EINVAL $D/broken "
"
	expect_w "sysfs-broken-overlong" EINVAL $D/broken "$long"
	expect_w "sysfs-sstarted-read-only" EACCES $D/sstarted "0"
	expect_w "sysfs-capabilities-read-only" EACCES $D/capabilities "aes-cbc"
	expect_w "sysfs-queue-len-read-only" EACCES /sys/class/acrypto/crypto_sessions/queue_len "0"
	check_eq "sysfs-soft-still-in-service" 0 "$(cat $D/broken)"

	B=/sys/class/crypto_lb
	expect_w "lb-size-threshold-garbage" EINVAL $B/size_lb/threshold "big"
	expect_w "lb-size-threshold-negative" EINVAL $B/size_lb/threshold "-1"
	expect_w "lb-size-threshold-hex" EINVAL $B/size_lb/threshold "0x100"
	expect_w "lb-size-threshold-overflow" ERANGE $B/size_lb/threshold "4294967296"
	expect_w "lb-size-threshold-overlong" EINVAL $B/size_lb/threshold "$long"
	expect_w "lb-rr-skip-full-garbage" EINVAL $B/rr_lb/skip_full "maybe"
	expect_w "lb-failover-stall-ms-garbage" EINVAL $B/failover_lb/stall_ms "1s"
	expect_w "lb-failover-stall-ms-overflow" ERANGE $B/failover_lb/stall_ms "4294967296"
	expect_w "lb-failover-max-backlog-negative" EINVAL $B/failover_lb/max_backlog "-3"
	expect_w "lb-failover-failovers-read-only" EACCES $B/failover_lb/failovers "0"
	expect_w "lb-adaptive-ewma-shift-zero" EINVAL $B/adaptive_lb/ewma_shift "0"
	expect_w "lb-adaptive-ewma-shift-too-big" EINVAL $B/adaptive_lb/ewma_shift "64"
	expect_w "lb-adaptive-explore-every-garbage" EINVAL $B/adaptive_lb/explore_every "often"
	expect_w "lb-adaptive-stale-ms-overflow" ERANGE $B/adaptive_lb/stale_ms "99999999999"
}

# ---- 5. the test device's knobs ---------------------------------------------
section_testdev() {
	K=/sys/kernel/debug/acrypto_testdev/testdev0
	if [ ! -d "$K" ]; then
		tap_skip "testdev-knobs" "acrypto_testdev not loaded"
		return
	fi
	expect_w "testdev-qlen-zero" EINVAL $K/qlen "0"
	expect_w "testdev-qlen-65537" EINVAL $K/qlen "65537"
	expect_w "testdev-fail-errno-zero" EINVAL $K/fail_errno "0"
	expect_w "testdev-fail-errno-4096" EINVAL $K/fail_errno "4096"
	expect_w "testdev-stall-2" EINVAL $K/stall "2"
	expect_w "testdev-latency-too-long" EINVAL $K/latency_us "10000001"
	expect_w "testdev-break-ms-garbage" EINVAL $K/break_ms "soon"
	expect_w "testdev-stats-not-writable" EINVAL $K/stats "0"
}

# ---- 6. virtio ------------------------------------------------------------------
# vfault NAME WHAT K ERRNO LOG: the next K requests virtio_crypto0 returns
# come back with status WHAT (a number) or, for WHAT=short, a used length
# one byte short (the fault hook of drivers/crypto/virtio/fault.c).
# AF_ALG traffic on acrypto-cbc-aes, every output checked against
# cbc(aes-generic): ERRNO "-" means the engine retries the K requests on
# soft and none fails, else exactly K fail with ERRNO.  The device's
# errors counter grows by K and the kernel log shows LOG K times (LOG
# empty: the driver logs nothing for it).
vfault() {
	_name=$1 _what=$2 _k=$3 _errno=$4 _log=$5
	if [ "$_what" = short ]; then
		echo Y >$VF/fail_writeback_short
	else
		echo N >$VF/fail_writeback_short
		echo "$_what" >$VF/fail_writeback_status
	fi
	_e0=$(cat $VD/errors) _c0=$(cat $VD/scompleted)
	_l0=0
	[ -n "$_log" ] && _l0=$(dmesg | grep -c "$_log")
	echo "$_k" >$VF/fail_writeback/times
	if [ "$_errno" = - ]; then
		_out=$("$HERE/stress_afalg" -m cbc -w 1 -t 4 -k 4 -q 2>&1)
	else
		_out=$("$HERE/stress_afalg" -m cbc -w 1 -t 4 -k 4 -e "$_errno" 2>&1)
	fi
	_rc=$?
	_left=$(cat $VF/fail_writeback/times)
	echo 0 >$VF/fail_writeback/times
	_e1=$(cat $VD/errors) _c1=$(cat $VD/scompleted)
	_l1=$_l0
	[ -n "$_log" ] && _l1=$(dmesg | grep -c "$_log")
	_line=$(echo "$_out" | grep '^stress_afalg:')
	_failed=$(echo "$_line" | sed -n 's/.* failed \([0-9]*\).*/\1/p')
	_why=''
	[ "$_rc" = 0 ] || _why="$_why traffic: exit $_rc ($_line);"
	[ "$_left" = 0 ] || _why="$_why only $((_k - _left)) of $_k faults fired;"
	[ $((_e1 - _e0)) = "$_k" ] ||
		_why="$_why errors +$((_e1 - _e0)), expected +$_k;"
	if [ "$_errno" = - ]; then
		[ "$_failed" = 0 ] || _why="$_why $_failed requests failed;"
	else
		[ "$_failed" = "$_k" ] &&
			echo "$_line" | grep -q "$_errno=$_k" ||
			_why="$_why expected $_k failed with $_errno: $_line;"
	fi
	[ -z "$_log" ] || [ $((_l1 - _l0)) = "$_k" ] ||
		_why="$_why '$_log' logged $((_l1 - _l0)) times, expected $_k;"
	if [ -z "$_why" ]; then
		tap_ok "$_name"
		tap_diag "$_line; $VDEV scompleted +$((_c1 - _c0))"
	else
		tap_fail "$_name" "$_why"
	fi
}

section_virtio() {
	VF=/sys/kernel/debug/virtio_acrypto
	if [ -z "$(kmod_path virtio_acrypto)" ] || ! ls /sys/bus/virtio/devices/*/ >/dev/null 2>&1; then
		tap_skip "virtio-bad-writeback" "no virtio_acrypto or no virtio-crypto device"
		return
	fi
	[ -n "$LOADED" ] || { load_all; LOADED=1; }
	modprobe virtio_acrypto
	VDEV=''
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		for _d in /sys/class/acrypto/virtio_crypto*; do
			[ -d "$_d" ] && VDEV=$(basename "$_d")
		done
		[ -n "$VDEV" ] && break
		sleep 1
	done
	if [ -z "$VDEV" ]; then
		tap_fail "virtio-bad-writeback" "virtio_acrypto registered no device"
		return
	fi
	if [ ! -d $VF/fail_writeback ]; then
		# Debian's kernel has no CONFIG_FAULT_INJECTION_DEBUG_FS.
		tap_skip "virtio-bad-writeback" "no fault hook: kernel without CONFIG_FAULT_INJECTION_DEBUG_FS (make check-debug runs it)"
		rmmod virtio_acrypto
		return
	fi
	VD=/sys/class/acrypto/$VDEV
	# virtio (hardware class) and soft only: soft takes the retries.
	for _d in /sys/class/acrypto/testdev*; do
		[ -d "$_d" ] && echo 1 >"$_d/broken"
	done
	echo 100 >$VF/fail_writeback/probability
	echo 1 >$VF/fail_writeback/interval
	echo 0 >$VF/fail_writeback/verbose

	# Values from include/uapi/linux/virtio_crypto.h.
	vfault "virtio-status-err" 1 4 - "failed: status 1$"
	vfault "virtio-status-out-of-spec" 200 4 - "failed: status 200$"
	vfault "virtio-status-notsupp" 3 4 - ""
	vfault "virtio-status-invsess" 4 3 - "device lost session"
	# BADMSG says a tag did not match: a cipher request has none, so from
	# one it is a device error like ERR, and the request is retried.
	vfault "virtio-status-badmsg" 2 3 - "failed: status 2$"
	vfault "virtio-used-len-short" short 4 - "device wrote"

	# And it still works once the device behaves.
	_c0=$(cat $VD/scompleted)
	_out=$("$HERE/stress_afalg" -m cbc -w 1 -t 2 -k 4 -q 2>&1)
	_rc=$?
	_c1=$(cat $VD/scompleted)
	if [ "$_rc" = 0 ] && [ "$_c1" -gt "$_c0" ]; then
		tap_ok "virtio-works-afterwards"
		tap_diag "$(echo "$_out" | grep '^stress_afalg:'); $VDEV scompleted +$((_c1 - _c0))"
	else
		tap_fail "virtio-works-afterwards" "exit $_rc, $VDEV scompleted +$((_c1 - _c0)): $_out"
	fi
	for _d in /sys/class/acrypto/testdev*; do
		[ -d "$_d" ] && echo 0 >"$_d/broken"
	done
	check "virtio-rmmod" rmmod virtio_acrypto
}

echo "# acrypto bad-input catalogue: $REL"
for s in $SECTIONS; do
	case $s in
	params) section_params ;;
	afalg|kernel|sysfs|testdev)
		[ -n "$LOADED" ] || { load_all; LOADED=1; }
		section_$s ;;
	virtio) section_virtio ;;
	*) echo "run.sh: unknown section '$s'" >&2; exit 2 ;;
	esac
done
tap_done
