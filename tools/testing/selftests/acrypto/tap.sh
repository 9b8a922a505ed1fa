# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# tap.sh - TAP 13 helpers for the acrypto shell selftests (busybox ash).
#
#	. "$(dirname "$0")/tap.sh"
#	tap_plan 3
#	check "what" cmd args...	# ok if cmd exits 0, its output on failure
#	check_fail "what" cmd args...	# ok if cmd fails
#	check_eq "what" expected actual
#	tap_skip "what" "why"
#	tap_done			# exit status: 0 only if all passed
#
# The plan is printed first: the runner concatenates several documents into
# one stream, and the host-side summary wants each to start with its plan.

TAP_N=0
TAP_FAIL=0
TAP_SKIP=0
TAP_PLANNED=0

tap_plan() {
	TAP_PLANNED=$1
	echo "TAP version 13"
	echo "1..$1"
}

tap_diag() {
	if [ $# -gt 0 ]; then
		printf '%s\n' "$*" | sed 's/^/# /'
	else
		sed 's/^/# /'
	fi
}

tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

tap_fail() {	# name [reason]
	TAP_N=$((TAP_N + 1))
	TAP_FAIL=$((TAP_FAIL + 1))
	echo "not ok $TAP_N - $1"
	[ -n "${2:-}" ] && tap_diag "$2"
	return 0
}

tap_skip() {	# name reason
	TAP_N=$((TAP_N + 1))
	TAP_SKIP=$((TAP_SKIP + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

tap_bail() {
	echo "Bail out! $*"
	exit 1
}

# check NAME CMD [ARG...]: ok if CMD exits 0; its output is shown otherwise.
check() {
	_name=$1
	shift
	_out=$("$@" 2>&1)
	_rc=$?
	if [ "$_rc" -eq 0 ]; then
		tap_ok "$_name"
	else
		tap_fail "$_name" "'$*' exited $_rc"
		[ -n "$_out" ] && printf '%s\n' "$_out" | tail -n 20 | tap_diag
	fi
	return "$_rc"
}

# check_fail NAME CMD [ARG...]: ok if CMD fails.
check_fail() {
	_name=$1
	shift
	_out=$("$@" 2>&1)
	_rc=$?
	if [ "$_rc" -ne 0 ]; then
		tap_ok "$_name"
		return 0
	fi
	tap_fail "$_name" "'$*' succeeded, expected a failure"
	[ -n "$_out" ] && printf '%s\n' "$_out" | tail -n 20 | tap_diag
	return 1
}

# check_todo NAME REASON CMD [ARG...]: like check, but a failure is a
# known problem: "not ok ... # TODO REASON", which counts as no failure.
check_todo() {
	_name=$1
	_why=$2
	shift 2
	_out=$("$@" 2>&1)
	_rc=$?
	TAP_N=$((TAP_N + 1))
	if [ "$_rc" -eq 0 ]; then
		echo "ok $TAP_N - $_name"
		return 0
	fi
	TAP_SKIP=$((TAP_SKIP + 1))
	echo "not ok $TAP_N - $_name # TODO $_why"
	[ -n "$_out" ] && printf '%s\n' "$_out" | tail -n 20 | tap_diag
	return "$_rc"
}

check_eq() {	# name expected actual
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
		return 0
	fi
	tap_fail "$1" "expected '$2', got '$3'"
	return 1
}

tap_done() {
	echo "# passed $((TAP_N - TAP_FAIL - TAP_SKIP)), failed $TAP_FAIL, skipped or todo $TAP_SKIP"
	if [ "$TAP_N" -ne "$TAP_PLANNED" ]; then
		echo "# planned $TAP_PLANNED tests but ran $TAP_N"
		return 1
	fi
	[ "$TAP_FAIL" -eq 0 ]
}

# --- acrypto helpers ---------------------------------------------------------

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
