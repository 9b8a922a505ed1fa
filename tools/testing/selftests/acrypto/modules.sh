#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# modules.sh - loading and unloading acrypto and acrypto_soft.
#
#  - rmmod acrypto is refused (EAGAIN/EBUSY) while acrypto_soft is loaded;
#  - three unload/reload cycles: acrypto_soft's device and the acrypto-*
#    algorithms leave, cbc(aes) falls back to the kernel's own driver,
#    acrypto unloads, both come back with passed self-tests and known
#    answers;
#  - a held AF_ALG transform of acrypto-cbc-aes: rmmod acrypto_soft
#    succeeds, the unused algorithms leave, the held one stays and its
#    requests fail with ENODEV, new transforms of it cannot be made,
#    cbc(aes) still works (the kernel's own implementation), rmmod acrypto is
#    refused; reloading acrypto_soft revives the held transform (same
#    output); once the holder exits the algorithm leaves within 2 s and
#    acrypto unloads;
#  - rmmod acrypto_soft and modprobe acrypto_soft while other processes
#    send requests: results are right or fail cleanly (ENODEV, or no
#    algorithm to bind), never wrong;
#  - no kernel warnings.
#
# Leaves acrypto_soft loaded.

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib-acrypto.sh
. "$HERE/lib-acrypto.sh"
TOOL=$HERE/acrypto_tool
T=$(mktemp -d /tmp/acrypto-modules.XXXXXX)
HOLDER=''
LOOPS=''

tap_plan 52

cleanup() {
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
	for p in $LOOPS; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
	acr_load >/dev/null 2>&1
}
trap cleanup EXIT

acr_load || tap_bail "cannot load acrypto_soft"

loaded() {	# module...
	for _m in "$@"; do
		[ -d "/sys/module/$_m" ] || { echo "$_m not loaded"; return 1; }
	done
}

unloaded() {	# module...
	for _m in "$@"; do
		[ -d "/sys/module/$_m" ] && { echo "$_m still loaded"; return 1; }
	done
	return 0
}

# rmmod MODULE must fail with EAGAIN or EBUSY and leave the module loaded.
rmmod_refused() {
	_out=$(rmmod "$1" 2>&1)
	_rc=$?
	echo "$_out"
	[ "$_rc" -ne 0 ] || return 1
	case $_out in
	*"Resource temporarily unavailable"* | *"Device or resource busy"*) ;;
	*) echo "unexpected error"; return 1 ;;
	esac
	loaded "$1"
}

ALL_DRIVERS="acrypto-ecb-aes acrypto-cbc-aes acrypto-ctr-aes acrypto-xts-aes"

soft_gone() {
	[ -e /sys/class/acrypto/soft ] && { echo "soft still in sysfs"; return 1; }
	grep -qx soft /sys/class/acrypto/crypto_sessions/devices 2>/dev/null &&
		{ echo "soft still in crypto_sessions/devices"; return 1; }
	# shellcheck disable=SC2086 # a list of names
	wait_drivers_gone 20 $ALL_DRIVERS
}

engine_gone() {
	unloaded acrypto acrypto_soft || return 1
	for d in /sys/class/acrypto /sys/class/crypto_lb; do
		[ -e "$d" ] && { echo "$d still there"; return 1; }
	done
	return 0
}

# cbc(aes) by cra_name, with no acrypto algorithm registered, must work
# and must not be acrypto.
fallback_works() {
	best=$(awk '/^name/ { n = $3 } /^driver/ { d = $3 } /^priority/ { p = $3 }
		/^$/ { if (n == "cbc(aes)" && p > bp) { bp = p; bd = d } }
		END { print bd }' /proc/crypto)
	case $best in
	acrypto-*) echo "best cbc(aes) is still $best"; return 1 ;;
	esac
	"$TOOL" crypt 'cbc(aes)' 256
}

# --- rmmod acrypto while acrypto_soft is loaded ------------------------------

check "acrypto-* registered, module acrypto, selftest passed" acr_algs_ok
check "rmmod acrypto is refused while acrypto_soft is loaded" rmmod_refused acrypto
check "known answers after the refused rmmod" "$TOOL" kat

# --- unload/reload cycles ----------------------------------------------------

for cycle in 1 2 3; do
	check "cycle $cycle: rmmod acrypto_soft" rmmod acrypto_soft
	check "cycle $cycle: soft and the acrypto-* algorithms are gone" soft_gone
	check "cycle $cycle: cbc(aes) falls back to the kernel's own driver" fallback_works
	check "cycle $cycle: rmmod acrypto" rmmod acrypto
	check "cycle $cycle: no acrypto module, class or balancer left" engine_gone
	check "cycle $cycle: modprobe acrypto_soft loads both modules" \
		sh -c "modprobe acrypto_soft && [ -d /sys/module/acrypto ] && [ -d /sys/class/acrypto/soft ]"
	check "cycle $cycle: acrypto-* registered again, selftest passed" acr_algs_ok
	check "cycle $cycle: known answers" "$TOOL" kat
done

# --- a held transform --------------------------------------------------------

"$TOOL" hold acrypto-cbc-aes >"$T/hold" 2>&1 &
HOLDER=$!
check "holder: transform of acrypto-cbc-aes bound, first request OK" \
	wait_line 50 "$T/hold" '^ready OK$'

# Request N on the held transform must give RESULT.
held_request() {	# n result
	kill -USR1 "$HOLDER" || return 1
	wait_line 50 "$T/hold" "^result $1 " || return 1
	grep -q "^result $1 $2\$" "$T/hold" && return 0
	grep "^result $1 " "$T/hold"
	return 1
}

check "rmmod acrypto_soft succeeds while a transform is held" rmmod acrypto_soft
check "unused acrypto-ecb/ctr/xts-aes leave /proc/crypto within 2 s" \
	wait_drivers_gone 20 acrypto-ecb-aes acrypto-ctr-aes acrypto-xts-aes
check "held acrypto-cbc-aes stays in /proc/crypto" proc_has_driver acrypto-cbc-aes
check "request on the held transform: the kernel's own implementation, same output" \
	held_request 1 OK
check "no new transform of acrypto-cbc-aes can be made" \
	"$TOOL" crypt -e ANY -s bind acrypto-cbc-aes
# The orphaned algorithm refuses new transforms with EAGAIN, which makes the
# crypto API mark it dying and fall back to the kernel's cbc-aes-aesni: new
# cbc(aes) users must not notice the missing device.
check "cbc(aes) by cra_name still works while acrypto-cbc-aes has no device" \
	"$TOOL" crypt 'cbc(aes)' 256
check "rmmod acrypto is refused while a transform is held" rmmod_refused acrypto
check "modprobe acrypto_soft while the transform is held" modprobe acrypto_soft
check "the held transform works again, same output" held_request 2 OK
check "acrypto-* registered, selftest passed, with the held one" acr_algs_ok
check "rmmod acrypto_soft again" rmmod acrypto_soft
check "the held transform falls back to the kernel's implementation again" \
	held_request 3 OK

# Not inside check: wait works only in the shell that started the holder.
kill -TERM "$HOLDER"
wait "$HOLDER"
rc=$?
HOLDER=''
check "holder exits cleanly" sh -c "cat '$T/hold'; [ $rc -eq 0 ] && grep -qx exit '$T/hold'"
check "acrypto-cbc-aes leaves /proc/crypto within 2 s of the holder's exit" \
	wait_drivers_gone 20 acrypto-cbc-aes
check "rmmod acrypto once the holder is gone" rmmod acrypto
check "modprobe acrypto_soft" modprobe acrypto_soft
check "acrypto-* registered again, selftest passed" acr_algs_ok
check "known answers after the reload" "$TOOL" kat

# --- unloading and loading under traffic -------------------------------------

field() {	# file name -> value after "name" in a loop summary
	awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$1"
}

# The loop summary in FILE: no wrong output, some good results, only the
# errors in the extended regex ALLOWED, outcome LAST at the end, at most
# MAXCHANGES switches between success and failure.
loop_ok() {	# file allowed last maxchanges
	cat "$1"
	grep -q '^total ' "$1" || return 1
	[ "$(field "$1" wrong)" = 0 ] || return 1
	[ "$(field "$1" ok)" -gt 0 ] || return 1
	field "$1" errors | tr , '\n' | grep -Evx "$2|-" && return 1
	case $3 in
	fail) [ "$(field "$1" last)" != OK ] || return 1 ;;
	ok) [ "$(field "$1" last)" = OK ] || return 1 ;;
	esac
	[ "$(field "$1" changes)" -le "$4" ]
}

# Loops run until $T/stop exists (60 s at most).
"$TOOL" loop -f "$T/stop" acrypto-cbc-aes 60000 >"$T/held" 2>&1 &
LOOPS="$!"
"$TOOL" loop -n -f "$T/stop" acrypto-xts-aes 60000 >"$T/fresh" 2>&1 &
LOOPS="$LOOPS $!"
wait_line 100 "$T/held" '^started OK' >/dev/null
wait_line 100 "$T/fresh" '^started OK' >/dev/null
usleep 300000
check "rmmod acrypto_soft while two processes send requests" rmmod acrypto_soft
usleep 500000
touch "$T/stop"
# shellcheck disable=SC2086 # a list of PIDs
wait $LOOPS
LOOPS=''
rm -f "$T/stop"
check "held-transform traffic: right results throughout, no error" \
	loop_ok "$T/held" '-' ok 0
check "fresh-transform traffic: right results, then refused cleanly" \
	loop_ok "$T/fresh" '(bind|setkey|crypt):ENODEV|bind:ENOENT' fail 1

"$TOOL" loop -n -f "$T/stop" acrypto-cbc-aes 60000 >"$T/load" 2>&1 &
LOOPS="$!"
wait_line 100 "$T/load" '^started ' >/dev/null
usleep 300000
check "modprobe acrypto_soft while a process keeps binding" modprobe acrypto_soft
usleep 500000
touch "$T/stop"
# shellcheck disable=SC2086 # a list of PIDs
wait $LOOPS
LOOPS=''
check "that traffic: refused until the algorithm is back, then right results" \
	loop_ok "$T/load" '(bind|setkey|crypt):ENODEV|bind:ENOENT' ok 1

check "no kernel warnings" dmesg_clean

tap_done
