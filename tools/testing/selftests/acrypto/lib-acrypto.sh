# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# lib-acrypto.sh - what the acrypto suite's shell tests share, over the
# guest's TAP library (tools/testing/vm/lib.sh).  Source it:
#
#	. "$(dirname "$0")/lib-acrypto.sh"

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"

ACR_MODES="ecb cbc ctr xts"

# Load what the tests need; idempotent.
acr_load() {
	modprobe aesni_intel 2>/dev/null
	modprobe crypto_user 2>/dev/null
	modprobe acrypto_soft
}

# Write VALUE to FILE with echo (busybox's echo reports a failed write as
# "write error: <strerror>"; its printf does not); "-n" first for no
# newline.  Sets WRITE_ERR to the shell's complaint (empty on success) and
# WRITE_RC to the exit status of the echo.
# shellcheck disable=SC2034,SC3037 # WRITE_ERR is for the callers; echo -n
# is what is being tested.
write_attr() {	# [-n] FILE VALUE
	_nl=1
	if [ "$1" = "-n" ]; then
		_nl=0
		shift
	fi
	if [ "$_nl" = 1 ]; then
		WRITE_ERR=$( (echo "$2" >"$1") 2>&1)
	else
		WRITE_ERR=$( (echo -n "$2" >"$1") 2>&1)
	fi
	WRITE_RC=$?
	return "$WRITE_RC"
}

# "driver : NAME" present in /proc/crypto?
proc_has_driver() {
	grep -q "^driver *: $1\$" /proc/crypto
}

# FIELD of the /proc/crypto entry of driver NAME.
proc_field() {	# driver field
	awk -v d="$1" -v f="$2" '
		/^$/ { hit = 0 }
		$1 == "driver" && $3 == d { hit = 1 }
		hit && $1 == f { print $3; exit }' /proc/crypto
}

# All four acrypto algorithms registered with a passed self-test.
acr_algs_ok() {
	for _m in $ACR_MODES; do
		_d=acrypto-$_m-aes
		if [ "$(proc_field "$_d" selftest)" != passed ]; then
			echo "$_d: selftest '$(proc_field "$_d" selftest)'"
			return 1
		fi
		if [ "$(proc_field "$_d" module)" != acrypto ]; then
			echo "$_d: module '$(proc_field "$_d" module)'"
			return 1
		fi
	done
}

# Wait up to SECONDS (tenths) until none of the drivers is in /proc/crypto.
wait_drivers_gone() {	# tenths driver...
	_t=$1
	shift
	while :; do
		_left=''
		for _d in "$@"; do
			proc_has_driver "$_d" && _left="$_left $_d"
		done
		[ -z "$_left" ] && return 0
		[ "$_t" -le 0 ] && break
		_t=$((_t - 1))
		usleep 100000
	done
	echo "still registered:$_left"
	return 1
}

# Wait up to TENTHS for a line matching the extended REGEX in FILE.
wait_line() {	# tenths file regex
	_t=$1
	while ! grep -Eq "$3" "$2" 2>/dev/null; do
		if [ "$_t" -le 0 ]; then
			echo "no line matching '$3' in $2:"
			cat "$2" 2>/dev/null
			return 1
		fi
		_t=$((_t - 1))
		usleep 100000
	done
}

# Kernel problems in the kernel log (the harness scans the console too).
dmesg_clean() {
	_bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace|refcount_t:|list_(add|del) corruption|sleeping function called|circular locking|inconsistent lock state')
	[ -z "$_bad" ] && return 0
	printf '%s\n' "$_bad" | head -n 20
	return 1
}
