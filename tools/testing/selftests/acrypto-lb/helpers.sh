# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# helpers.sh - shared by the acrypto-lb guest tests (busybox ash).
#
# Counters, not clocks: the tests wait for the engine's per-device counters
# (/sys/class/acrypto/<dev>/sstarted ...) to move, with generous time
# limits, and assert on counts and on the outputs lbload checks.  Under
# TCG everything may be slow, never wrong.

ACR=/sys/class/acrypto
LBDIR=/sys/class/crypto_lb
LBS=$LBDIR/lbs
TDDBG=/sys/kernel/debug/acrypto_testdev
# shellcheck disable=SC2034 # used by the scripts that source this
ACRPARAM=/sys/module/acrypto/parameters
LOAD=${LOAD:-$HERE/lbload}
T=${T:-/tmp/acrypto-lb}
mkdir -p "$T"

# ---------------------------------------------------------------------------
# Devices and counters
# ---------------------------------------------------------------------------

# cnt, tdstat, knob, check_knob, td_unload, lb_select, check_cmp: lib.sh's.

# snap DEV...: remember sstarted of each device, for delta.
snap() {
	for _d in "$@"; do
		eval "SNAP_$_d=$(cnt "$_d" sstarted)"
	done
}

# snap_td: snap every test device.
snap_td() {
	for _d in "$ACR"/testdev*; do
		[ -e "$_d" ] && snap "${_d##*/}"
	done
}

# delta DEV: sessions DEV accepted since snap.
delta() {
	eval "echo \$(( \$(cnt $1 sstarted) - \${SNAP_$1:-0} ))"
}

# wait_until SECONDS CMD [ARG...]: poll every 50 ms until CMD succeeds.
wait_until() {
	_wu_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -ge "$_wu_end" ] && return 1
		usleep 50000
	done
}

# at_least DEV N: DEV accepted N sessions since snap.
at_least() {
	[ "$(delta "$1")" -ge "$2" ]
}

# td_load ARG...: (re)load acrypto_testdev with these parameters.
td_load() {
	if grep -q '^acrypto_testdev ' /proc/modules; then
		rmmod acrypto_testdev || return 1
	fi
	modprobe acrypto_testdev "$@"
}

lb_current() {
	sed -n 's/^\([^ ]*\) .*\[current\].*/\1/p' "$LBS"
}

# ---------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------

# load_start NAME ARG...: run lbload in the background; output in $T/NAME.
load_start() {
	_ls_name=$1
	shift
	rm -f "$T/$_ls_name.out"
	"$LOAD" "$@" >"$T/$_ls_name.out" 2>&1 &
	eval "LOADPID_$_ls_name=$!"
}

# load_pid NAME: process id of a background lbload.
load_pid() {
	eval "echo \$LOADPID_$1"
}

# load_done PID NAME: lbload printed its counters, or died.
load_done() {
	grep -q '^lbload: submitted=' "$T/$2.out" 2>/dev/null ||
		[ ! -d "/proc/$1" ] || grep -q "^State:.*Z" "/proc/$1/status" 2>/dev/null
}

# load_wait NAME [SECONDS]: wait for a background lbload; 0 if it passed.
# A run with requests still in the kernel after its deadline is reported
# and abandoned: a thread stuck in the kernel cannot be reaped.
load_wait() {
	_lw_pid=$(load_pid "$1")
	if ! wait_until "${2:-300}" load_done "$_lw_pid" "$1"; then
		echo "lbload $1 still running after ${2:-300}s" >>"$T/$1.out"
		return 1
	fi
	[ "$(load_field "$1" lost)" = 0 ] || return 1
	wait "$_lw_pid"
}

# load_result NAME: lbload's counter line.
load_result() {
	grep '^lbload: submitted=' "$T/$1.out" | tail -n 1
}

# load_field NAME FIELD: one counter of lbload's line.
load_field() {
	load_result "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# check_load NAME WHAT: one TAP result for a finished background run.
check_load() {
	if load_wait "$1"; then
		tap_ok "$2: $(load_result "$1" | sed 's/^lbload: //')"
	else
		tap_fail "$2" "lbload failed"
		tap_diag <"$T/$1.out"
		return 1
	fi
}

# run_load NAME WHAT ARG...: run lbload in the foreground, one TAP result.
run_load() {
	_rl_name=$1 _rl_what=$2
	shift 2
	load_start "$_rl_name" "$@"
	check_load "$_rl_name" "$_rl_what"
}

# within VALUE EXPECTED PERCENT: |VALUE - EXPECTED| <= PERCENT% of EXPECTED.
within() {
	_w_d=$(($1 - $2))
	[ "$_w_d" -lt 0 ] && _w_d=$((-_w_d))
	[ $((_w_d * 100)) -le $(($2 * $3)) ]
}

# debug_scale N: N in a debug kernel (lockdep, KASAN: make check-debug),
# whose CPU cost per request is several times Debian's, else 1; test
# devices that must stay the bottleneck are made slower by it.
debug_scale() {
	if [ -e /proc/lockdep ]; then echo "$1"; else echo 1; fi
}

# check_explored DEV N CLASSES MS: the N requests a slower device got in a
# one-at-a-time stream of MS milliseconds over CLASSES request-size classes
# are no more than the cost model's measurements: per class, at most one
# every cost_stale_ms, plus the first and one at the start of the run.
check_explored() {
	_ce_stale=$(cat "$ACRPARAM/cost_stale_ms")
	_ce_max=$(($3 * ($4 / _ce_stale + 2)))
	check_cmp "$1 got only the balancer's measurements: $2 in $4 ms, $3 size class(es), cost_stale_ms $_ce_stale" \
		"$2" -le "$_ce_max"
}

# devdiag DEV...: engine and test device counters, as TAP comments.
devdiag() {
	for _d in "$@"; do
		tap_diag "$_d: sstarted=$(cnt "$_d" sstarted) scompleted=$(cnt "$_d" scompleted) errors=$(cnt "$_d" errors) sessions=$(cnt "$_d" sessions) backlog=$(cnt "$_d" backlog) broken=$(cnt "$_d" broken) $(tr '\n' ' ' <"$TDDBG/$_d/stats" 2>/dev/null)"
	done
}
