# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The TAP library of every guest test script (busybox ash); the image has
# it as /usr/share/acrypto/lib.sh.  Source it:
#
#	. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
#	tap_plan 3			# optional; tap_done prints it otherwise
#	check "aesni loads" modprobe aesni_intel
#	check_fail "no such module" modprobe no_such_module
#	check_eq "sum" "$expected" "$(sha256sum </tmp/x | cut -d' ' -f1)"
#	tap_skip "virtio" "no device"
#	tap_done			# returns non-zero if anything failed
#
# Output goes to stdout, which init connects to the TAP serial port. Each
# script is one TAP document with its own plan: "TAP version 13" and the
# plan first when the script knows its count (tap_plan), else the plan
# last (tap_done).  A runner that runs several scripts in one guest gives
# several documents, which tap-summary.sh on the host accepts.  The C
# programs print the same way (selftests/acrypto-common/tap.h).

TAP_N=0		# results printed so far
TAP_PASS=0
TAP_FAIL=0
TAP_SKIP=0
TAP_PLANNED=''	# count from tap_plan, empty if none was printed

# The plan: leading (before any result, with the version line) or, from
# tap_done, trailing.
tap_plan() {
	TAP_PLANNED=$1
	[ "$TAP_N" -eq 0 ] && echo "TAP version 13"
	echo "1..$1"
}

# Comment lines, one "# " per line of input or of the arguments.
tap_diag() {
	if [ $# -gt 0 ]; then
		printf '%s\n' "$*" | sed 's/^/# /'
	else
		sed 's/^/# /'
	fi
}

tap_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_PASS=$((TAP_PASS + 1))
	echo "ok $TAP_N - $1"
}

tap_fail() {	# name [reason]
	TAP_N=$((TAP_N + 1))
	TAP_FAIL=$((TAP_FAIL + 1))
	echo "not ok $TAP_N - $1"
	[ -n "${2:-}" ] && tap_diag "$2"
	return 0
}

tap_skip() {	# name [reason]
	TAP_N=$((TAP_N + 1))
	TAP_SKIP=$((TAP_SKIP + 1))
	echo "ok $TAP_N - $1 # SKIP ${2:-}"
}

# Abort the whole stream: the host counts the rest of the plan as failed.
tap_bail() {
	echo "Bail out! $*"
	exit 1
}

# check NAME CMD [ARG...]: one result, ok if CMD exits 0. CMD's output is
# shown as diagnostics when it fails, kept quiet otherwise.
check() {
	_tap_name=$1
	shift
	_tap_out=$("$@" 2>&1)
	_tap_rc=$?
	if [ $_tap_rc -eq 0 ]; then
		tap_ok "$_tap_name"
	else
		tap_fail "$_tap_name" "'$*' exited $_tap_rc"
		[ -n "$_tap_out" ] && printf '%s\n' "$_tap_out" | tail -n 20 | tap_diag
	fi
	return $_tap_rc
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "expected '$2', got '$3'"
		return 1
	fi
}

# check_fail NAME CMD [ARG...]: ok if CMD fails (negative tests).  CMD
# runs in this shell (a function may set variables for the caller), its
# output discarded.
check_fail() {
	_tap_name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		tap_fail "$_tap_name" "'$*' succeeded, expected a failure"
		return 1
	fi
	tap_ok "$_tap_name"
}

# Summary line and exit status for the script: 0 only if nothing failed and
# the plan (if any) was met.
tap_done() {
	[ -z "$TAP_PLANNED" ] && tap_plan "$TAP_N"
	echo "# passed $TAP_PASS, failed $TAP_FAIL, skipped $TAP_SKIP"
	if [ "$TAP_N" -ne "$TAP_PLANNED" ]; then
		echo "# planned $TAP_PLANNED tests but ran $TAP_N"
		return 1
	fi
	[ "$TAP_FAIL" -eq 0 ]
}

# A suite's run.sh runs its tests with tap_run, each printing its own TAP
# document(s), then tap_run_done prints one more document with one result
# per test, from its exit status: it catches a test that crashed, hung or
# broke its plan.
#
#	for t in $TESTS; do
#		tap_run "acrypto-ops: $t" "$TIMEOUT" "$HERE/$t.sh"
#	done
#	tap_run_done			# returns non-zero if a test failed
#
# tap_run NAME SECONDS CMD [ARG...]: CMD under (busybox's) timeout.  Its
# output (stdout and stderr) goes through the function named by
# $TAP_RUN_FILTER once CMD ended, if that is set, else straight out.  The
# result is "ok I - NAME", or "not ok I - NAME (WHY)": "timed out after
# SECONDSs", "missing" (CMD, a path, is not executable) or "exit status N".
_tap_run_n=0
_tap_run_results=''

tap_run() {
	_tap_rn_name=$1 _tap_t=$2
	shift 2
	echo "# $_tap_rn_name"
	_tap_start=$(cut -d' ' -f1 /proc/uptime)
	if [ "${1#*/}" != "$1" ] && [ ! -x "$1" ]; then
		echo "# $1: missing"
		_tap_why=missing
	else
		if [ -n "${TAP_RUN_FILTER:-}" ]; then
			_tap_out=${TMPDIR:-/tmp}/tap_run.$$
			timeout "$_tap_t" "$@" >"$_tap_out" 2>&1
			_tap_rc=$?
			"$TAP_RUN_FILTER" <"$_tap_out"
			rm -f "$_tap_out"
		else
			timeout "$_tap_t" "$@"
			_tap_rc=$?
		fi
		case $_tap_rc in
		0) _tap_why='' ;;
		124 | 137 | 143) _tap_why="timed out after ${_tap_t}s" ;;
		*) _tap_why="exit status $_tap_rc" ;;
		esac
	fi
	echo "# $_tap_rn_name: ${_tap_why:-exit status 0}, $(awk -v s="$_tap_start" \
		'{ printf "%d", $1 - s }' /proc/uptime) s"
	_tap_run_n=$((_tap_run_n + 1))
	_tap_run_results="$_tap_run_results$_tap_why|$_tap_rn_name
"
}

tap_run_done() {
	tap_plan "$_tap_run_n"
	while IFS='|' read -r _tap_why _tap_name; do
		[ -n "$_tap_name" ] || continue
		if [ -z "$_tap_why" ]; then
			tap_ok "$_tap_name"
		else
			tap_fail "$_tap_name ($_tap_why)"
		fi
	done <<EOF
$_tap_run_results
EOF
	tap_done
}

# ok_if NAME CMD...: one result, ok if CMD exits 0.  Unlike check, CMD runs
# in this shell: it may be a function, set variables and leave processes
# in the background (check waits for whatever holds its output open).
ok_if() {
	_tap_oi_name=$1
	shift
	if "$@"; then
		tap_ok "$_tap_oi_name"
	else
		tap_fail "$_tap_oi_name" "'$*' failed"
		return 1
	fi
}

# check_cmp NAME A OP B: ok if [ A OP B ], with the numbers in the name.
check_cmp() {
	if test "$2" "$3" "$4"; then
		tap_ok "$1 ($2 $3 $4)"
	else
		tap_fail "$1" "expected $2 $3 $4"
	fi
}

# kmsg_mark NAME: a marker in the kernel log; kmsg_since NAME: the log after
# it.  (Clearing the log would hide warnings from the harness's final scan.)
kmsg_mark() {
	echo "acrypto-test: mark $1" >/dev/kmsg
}

kmsg_since() {
	dmesg | sed -n "/acrypto-test: mark $1\$/,\$p"
}

# The engine's devices (/sys/class/acrypto), balancers and test devices
# (acrypto_testdev, its debugfs).
#
# cnt DEV FIELD: an engine counter of a device, 0 if the device is gone.
cnt() {
	cat "/sys/class/acrypto/$1/$2" 2>/dev/null || echo 0
}

# lb_select NAME: make NAME the current balancer.
lb_select() {
	echo "$1" >/sys/class/crypto_lb/lbs
}

# tdstat DEV FIELD: a line of the test device's debugfs stats, 0 if absent.
tdstat() {
	_tap_v=$(sed -n "s/^$2 //p" "/sys/kernel/debug/acrypto_testdev/$1/stats" \
		2>/dev/null)
	echo "${_tap_v:-0}"
}

# knob DEV NAME VALUE: set a test device's knob.
knob() {
	echo "$3" >"/sys/kernel/debug/acrypto_testdev/$1/$2"
}

# check_knob DEV KNOB GOOD BAD...: one result, the knob takes GOOD and
# refuses each BAD; it keeps its old value.
check_knob() {
	_tap_kf=/sys/kernel/debug/acrypto_testdev/$1/$2 _tap_kname=$2 _tap_kgood=$3
	shift 3
	_tap_kold=$(cat "$_tap_kf")
	_tap_ktaken=''
	for _tap_kv in "$@"; do
		echo "$_tap_kv" >"$_tap_kf" 2>/dev/null &&
			_tap_ktaken="$_tap_ktaken $_tap_kv"
	done
	echo "$_tap_kgood" >"$_tap_kf" 2>/dev/null
	check_eq "knob $_tap_kname takes $_tap_kgood, refuses $*" \
		"$_tap_kgood refuses all" \
		"$(cat "$_tap_kf") refuses ${_tap_ktaken:-all}"
	echo "$_tap_kold" >"$_tap_kf"
}

# td_unload: acrypto_testdev unloaded (0 if it was not loaded).
td_unload() {
	! grep -q '^acrypto_testdev ' /proc/modules || rmmod acrypto_testdev
}

# Load modules; 0 if all are loaded or built in. Busybox's modprobe accepts
# a built-in name when modules.builtin lists it; a module that is loaded
# already or listed there is accepted here even if modprobe fails.
kmod_load() {
	for _tap_m in "$@"; do
		if ! modprobe "$_tap_m" 2>/dev/null; then
			_tap_n=$(echo "$_tap_m" | tr - _)
			[ -d "/sys/module/$_tap_n" ] && continue
			grep -q "/$_tap_m\.ko\$\|/$_tap_n\.ko\$" \
				"/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null && continue
			tap_diag "modprobe $_tap_m failed"
			return 1
		fi
	done
}

# kmod_path NAME: the file of module NAME in the image's module tree (ours
# are under extra/), empty if it has none.  For insmod, which takes
# parameters modprobe.d would otherwise hold.
kmod_path() {
	find "/lib/modules/$(uname -r)" -name "$1.ko" 2>/dev/null | head -n 1
}

# The AES known answers of NIST SP 800-38A as shell variables, generated
# from the one vector set (selftests/acrypto-common/vectors.sh, from
# vectors.h): the image has the file next to this one.
#
#	. "$ACRYPTO_VECTORS"
#	check_eq "F.2.1/F.2.2" "$SP800_38A_CBC_AES128" "$(...)"
# shellcheck disable=SC2034 # for the scripts that source this file
ACRYPTO_VECTORS=/usr/share/acrypto/vectors.sh

# Hex string -> binary on stdout, and back (one line, no spaces).
hex2bin() {
	printf "%s" "$1" | xxd -r -p
}

bin2hex() {
	xxd -p | tr -d "\n"
}

# busybox ash runs its own applet for a bare command name even when a real
# binary is in PATH: shadow those applets (ip, losetup, ...) with functions
# calling the real binaries that mkinitramfs.sh copied.
if [ -r /usr/share/acrypto/real-bins ]; then
	while IFS= read -r _tap_bin; do
		[ -x "$_tap_bin" ] || continue
		_tap_fn=$(basename "$_tap_bin")
		case $_tap_fn in *[!a-zA-Z0-9_]*) continue ;; esac
		eval "$_tap_fn() { $_tap_bin \"\$@\"; }"
	done </usr/share/acrypto/real-bins
fi
