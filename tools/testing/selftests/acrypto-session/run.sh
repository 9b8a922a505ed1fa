#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The engine's session API, tested from inside the kernel by
# acrypto_session_test.ko (kmod/acrypto_session_test.c) on two
# instances of the test device: sessions bound to a device, routes of
# several steps, advance() failing between steps, priorities on a full
# device's backlog, and the crypto API backlog protocol.  This script turns
# the test device's knobs between the steps of a case and checks the
# per-device counters.

# shellcheck source=/dev/null
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"

ACR=/sys/class/acrypto
TD=/sys/kernel/debug/acrypto_testdev
ST=/sys/kernel/debug/acrypto_session_test
PARAM=/sys/module/acrypto/parameters

# run CASE [DEV]: one case; its log on failure.
run() {
	if echo "$*" >"$ST/run" 2>/dev/null; then
		return 0
	fi
	cat "$ST/log"
	return 1
}

counter() { cat "$ACR/$1/$2"; }

tap_plan 23

check "load acrypto, soft, two test devices and the session tests" \
	kmod_load aesni_intel acrypto_soft acrypto_session_test
check "two test device instances" \
	modprobe acrypto_testdev instances=2 latency_us=200

# --- binding -----------------------------------------------------------------
# simple_lb would spread these; bound, they must all go to testdev1.
s0=$(counter testdev0 scompleted)
s1=$(counter testdev1 scompleted)
soft=$(counter soft scompleted)
check "32 sessions bound to testdev1: right output, done there" run bind testdev1
check_eq "testdev1 completed exactly 32" 32 $(($(counter testdev1 scompleted) - s1))
check_eq "testdev0 and soft completed none of them" 0 \
	$(($(counter testdev0 scompleted) - s0 + $(counter soft scompleted) - soft))

echo 1 >"$ACR/testdev1/broken"
check "a session bound to a broken device ends with ENODEV" run bind_broken testdev1
echo 0 >"$ACR/testdev1/broken"

# --- routes --------------------------------------------------------------------
f=$(counter soft sfinished)
c=$(($(counter soft scompleted) + $(counter testdev0 scompleted) + $(counter testdev1 scompleted)))
check "three steps with two keys, advance() between them" run route
check_eq "three device steps for one session" 3 \
	$(($(counter soft scompleted) + $(counter testdev0 scompleted) + $(counter testdev1 scompleted) - c))
check "advance() failing ends the session, the next step never runs" run advance_error

# --- priorities on a full device ---------------------------------------------
# Aging off: every session here waits longer than max_wait_ms on a slow
# kernel, and would then go in order of arrival (see the aging case).
wait_ms=$(cat "$PARAM/max_wait_ms")
echo 0 >"$PARAM/max_wait_ms"
echo 2 >"$TD/testdev0/qlen"
echo 1 >"$TD/testdev0/stall"
check "testdev0 full: 2 accepted, 6 bulk and latency sessions wait" \
	run priority_start testdev0
check_eq "six sessions on testdev0's backlog" 6 "$(cat "$ACR/testdev0/backlog")"
echo 0 >"$TD/testdev0/stall"
check "latency sessions left the backlog before bulk ones" run priority_check
check_eq "backlog empty again" 0 "$(cat "$ACR/testdev0/backlog")"
echo "$wait_ms" >"$PARAM/max_wait_ms"

# --- the crypto API backlog protocol -----------------------------------------
old_backlog=$(cat "$PARAM/max_backlog")
echo 2 >"$PARAM/max_backlog"
echo 1 >"$TD/testdev0/qlen"
echo 1 >"$TD/testdev0/stall"
check "EINPROGRESS, EBUSY beyond max_backlog with MAY_BACKLOG, ENOSPC without" \
	run backlog_start testdev0
echo 0 >"$TD/testdev0/stall"
check "the EBUSY session is told EINPROGRESS first, then its result" \
	run backlog_check
echo "$old_backlog" >"$PARAM/max_backlog"
echo 64 >"$TD/testdev0/qlen"

# --- aging: a flood of latency sessions does not hold a normal one -----------
# testdev0 takes one session at a time, 2 ms each: a normal session queued
# behind one latency session and before 200 more would wait 400 ms without
# aging.  With max_wait_ms it goes once it has waited that long: by about
# max_wait_ms / 2 ms completions (50 at the default 100 ms).  Bound: by
# completion #100 and within max_wait_ms + 150 ms (TCG timer slack).
echo 1 >"$TD/testdev0/qlen"
echo 2000 >"$TD/testdev0/latency_us"
check "a normal session behind a flood of 200 latency sessions, all right" \
	run aging testdev0
pos=$(sed -n 's/^aging: normal finished #\([0-9]*\) .*/\1/p' "$ST/log")
ms=$(sed -n 's/^aging: .* after \([0-9]*\) ms;.*/\1/p' "$ST/log")
tap_diag "$(cat "$ST/log")"
check "aging: it finished by completion #100 (max_wait_ms $wait_ms, 2 ms each)" test \
	"${pos:-999}" -le 100
check "aging: within max_wait_ms + 150 ms" test "${ms:-99999}" -le $((wait_ms + 150))
echo 0 >"$PARAM/max_wait_ms"
check "the same with aging off (max_wait_ms 0)" run aging testdev0
pos0=$(sed -n 's/^aging: normal finished #\([0-9]*\) .*/\1/p' "$ST/log")
tap_diag "$(cat "$ST/log")"
check "without aging it waits for the whole flood (#${pos0:-?} of 202)" test \
	"${pos0:-0}" -ge 200
echo "$wait_ms" >"$PARAM/max_wait_ms"
check "max_wait_ms restored" test "$(cat "$PARAM/max_wait_ms")" -eq "$wait_ms"
echo 200 >"$TD/testdev0/latency_us"
echo 64 >"$TD/testdev0/qlen"

check_eq "main queue empty" 0 "$(cat "$ACR/crypto_sessions/queue_len")"
check "unload the session tests and the test device" \
	sh -c 'rmmod acrypto_session_test && rmmod acrypto_testdev'

tap_done
