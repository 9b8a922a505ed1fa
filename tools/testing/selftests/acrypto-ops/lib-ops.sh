# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034 # variables for the scripts that source this
#
# Helpers of the acrypto-ops guest scripts (busybox ash), sourced after
# the harness's TAP library.

# shellcheck source=/dev/null # the harness's lib.sh, in the image
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"

OPS=${OPS:-$(cd "$(dirname "$0")" && pwd)}
# kmod's modprobe (soft dependencies, which busybox's ignores); /sbin/modprobe
# stays busybox, the kernel's request_module() helper.
KMOD=$OPS/kmod/modprobe
OPSREQ=$OPS/opsreq
ACRYPTOSTAT=$OPS/acryptostat
AC=/sys/class/acrypto
LBS=/sys/class/crypto_lb/lbs
PARAM=/sys/module/acrypto/parameters
TD=/sys/kernel/debug/acrypto_testdev
TRACE=/sys/kernel/tracing
MODULES="acrypto_testdev virtio_acrypto rr_lb size_lb failover_lb adaptive_lb acrypto_soft acrypto"

loaded() { [ -d "/sys/module/$1" ]; }

# Unload every acrypto module; true when acrypto is gone.
unload_all() {
	for _m in $MODULES; do
		loaded "$_m" && rmmod "$_m"
	done
	! loaded acrypto
}

# The engine with its CPU device, as the tests of the other suites load it.
load_soft() {
	for _m in aesni_intel sha256_ssse3 sha1_ssse3 ghash_clmulni_intel; do
		modprobe "$_m" 2>/dev/null
	done
	modprobe acrypto_soft
}

current_lb() { sed -n 's/ \[current\].*//p' "$LBS"; }

# wait_for TENTHS CMD...: CMD succeeds within TENTHS tenths of a second.
wait_for() {
	_n=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		usleep 100000
	done
}

is_current() { [ "$(current_lb)" = "$1" ]; }

# val FILE: its content, one line.
val() { cat "$1" 2>/dev/null; }

# write FILE VALUE: 0, or the shell's error message (and non-zero).  echo,
# not printf: busybox's printf does not report a failed write.
write() {
	_err=$( { echo "$2" >"$1"; } 2>&1 )
	_rc=$?
	printf '%s' "$_err"
	return $_rc
}

# A device of the test module, fast and healthy.
load_testdev() {	# [params...]
	modprobe acrypto_testdev instances=1 latency_us=100 "$@"
}

td_set() {	# knob value [device]
	echo "$2" >"$TD/${3:-testdev0}/$1"
}

# The registered acrypto-* driver for cra_name $1 has passed its self-test.
alg_ok() {	# driver
	awk -v d="$1" '/^driver/ { cur = $3 } /^selftest/ && cur == d { print $3 }' \
		/proc/crypto | grep -qx passed
}
