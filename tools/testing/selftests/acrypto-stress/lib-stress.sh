# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers of the acrypto-stress guest scripts (busybox ash).  Source after
# $ACRYPTO_LIB:
#
#	. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
#	. "$HERE/lib-stress.sh"

REL=$(uname -r)
CLS=/sys/class/acrypto
LBS=/sys/class/crypto_lb/lbs
TDK=/sys/kernel/debug/acrypto_testdev

# The engine with every device and balancer the image has.  $1: testdev
# parameters.  Leaves the balancer module names in $LB_MODULES and whether
# virtio_acrypto is bound in $HAVE_VIRTIO.
stress_load() {
	echo 20480 >/proc/sys/net/core/optmem_max
	kmod_load crypto_user aesni_intel sha256_ssse3 sha1_ssse3 >/dev/null 2>&1
	kmod_load acrypto_soft || return 1
	LB_MODULES=''
	for _m in rr_lb size_lb failover_lb adaptive_lb; do
		if [ -n "$(kmod_path $_m)" ] && modprobe $_m; then
			LB_MODULES="$LB_MODULES $_m"
		fi
	done
	if [ -n "$(kmod_path acrypto_testdev)" ] && [ ! -d /sys/module/acrypto_testdev ]; then
		# shellcheck disable=SC2086 # parameters are words
		modprobe acrypto_testdev ${1:-instances=2} || return 1
	fi
	HAVE_VIRTIO=0
	if [ -n "$(kmod_path virtio_acrypto)" ] && ls /sys/bus/virtio/devices/*/ >/dev/null 2>&1 &&
	   grep -qs 0x0014 /sys/bus/virtio/devices/*/device; then
		kmod_load virtio_acrypto && HAVE_VIRTIO=1
	fi
	wait_algs
}

# The engine's algorithms are registered once devices serve them (their
# self-tests run then): wait for the last ones.
wait_algs() {
	_t=0
	while [ $_t -lt 600 ]; do
		grep -q 'acrypto-hmac-sha256' /proc/crypto &&
			grep -q 'acrypto-xts-aes' /proc/crypto && return 0
		usleep 500000
		_t=$((_t + 1))
	done
	return 1
}

devices() {	# registered acrypto devices
	for _d in "$CLS"/*/sstarted; do
		[ -e "$_d" ] || continue
		basename "$(dirname "$_d")"
	done
}

testdevs() {
	for _d in "$TDK"/testdev*; do
		[ -d "$_d" ] && basename "$_d"
	done
}

# One line per device: "dev sstarted scompleted sfinished errors".
snap() {
	for _d in $(devices); do
		echo "$_d $(cat $CLS/$_d/sstarted) $(cat $CLS/$_d/scompleted)" \
			"$(cat $CLS/$_d/sfinished) $(cat $CLS/$_d/errors)"
	done
}

# testdev stats as "dev accepted completed failed cancelled".
tdsnap() {
	for _d in $(testdevs); do
		awk -v d="$_d" '{ v[$1] = $2 } END { print d, v["accepted"]+0,
			v["completed"]+0, v["failed"]+0, v["cancelled"]+0 }' "$TDK/$_d/stats"
	done
}

# field DEV COL SNAPSHOT: a value of a snapshot, 0 if the device is absent.
field() {
	echo "$3" | awk -v d="$1" -v c="$2" '$1 == d { print $c; f = 1 } END { if (!f) print 0 }'
}

# Wait until the engine holds no session: queue_len, every device's
# sessions and backlog at 0.  $1: seconds (default 60).
quiesce() {
	_t=$(( ${1:-60} * 5 ))
	while [ $_t -gt 0 ]; do
		_busy=$(cat $CLS/crypto_sessions/queue_len 2>/dev/null || echo 0)
		for _d in $(devices); do
			_busy=$((_busy + $(cat $CLS/$_d/sessions) + $(cat $CLS/$_d/backlog)))
		done
		[ "$_busy" = 0 ] && return 0
		usleep 200000
		_t=$((_t - 1))
	done
	return 1
}

engine_state() {	# for diagnostics
	echo "queue_len $(cat $CLS/crypto_sessions/queue_len 2>/dev/null)"
	for _d in $(devices); do
		echo "$_d: sessions $(cat $CLS/$_d/sessions) backlog $(cat $CLS/$_d/backlog)" \
			"broken $(cat $CLS/$_d/broken) sstarted $(cat $CLS/$_d/sstarted)" \
			"scompleted $(cat $CLS/$_d/scompleted) sfinished $(cat $CLS/$_d/sfinished)" \
			"errors $(cat $CLS/$_d/errors)"
	done
}

# Every device back in service, every testdev fault off.
recover_all() {
	for _d in $(testdevs); do
		for _k in fail_every break_after break_ms stall; do
			echo 0 >"$TDK/$_d/$_k" 2>/dev/null
		done
		echo 5 >"$TDK/$_d/fail_errno" 2>/dev/null
	done
	for _d in $(devices); do
		echo 0 >"$CLS/$_d/broken" 2>/dev/null
	done
}

# The kernel log since the marker $1 (a line written with mark_log), with
# lines the host would count as problems (run-vm.sh's list).  Problems
# that are expected are filtered by the caller.
PROBLEMS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|kernel BUG at'
PROBLEMS="$PROBLEMS|possible circular locking|possible recursive locking|inconsistent lock state"
PROBLEMS="$PROBLEMS|suspicious RCU usage|sleeping function called from invalid context"
PROBLEMS="$PROBLEMS|kmemleak|unreferenced object|Call Trace|Kernel panic|list_(add|del) corruption"
PROBLEMS="$PROBLEMS|refcount_t: |soft lockup|blocked for more than"

mark_log() {
	echo "acrypto-stress: mark $1" >/dev/kmsg
}

log_since() {
	dmesg | awk -v m="acrypto-stress: mark $1" 'f; index($0, m) { f = 1 }'
}

# kmemleak: scan now and report leaks as a failed result (name $1).  The
# objects stay reported, so the host's own scan sees them as well.
leak_check() {
	_k=/sys/kernel/debug/kmemleak
	if [ ! -w $_k ]; then
		tap_skip "$1" "kernel without kmemleak"
		return
	fi
	echo scan >$_k
	echo scan >$_k
	_leaks=$(cat $_k)
	if [ -z "$_leaks" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "kmemleak reports $(echo "$_leaks" | grep -c 'unreferenced object') objects"
		echo "$_leaks" | head -n 60 | tap_diag
	fi
}

leak_clear() {
	[ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak
}
