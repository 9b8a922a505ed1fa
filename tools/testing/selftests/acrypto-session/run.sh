#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The engine's session API, tested from inside the kernel by
# acrypto_session_test.ko (tools/testing/acrypto_session_test/) on two
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

tap_plan 17

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
echo 2 >"$TD/testdev0/qlen"
echo 1 >"$TD/testdev0/stall"
check "testdev0 full: 2 accepted, 6 bulk and latency sessions wait" \
	run priority_start testdev0
check_eq "six sessions on testdev0's backlog" 6 "$(cat "$ACR/testdev0/backlog")"
echo 0 >"$TD/testdev0/stall"
check "latency sessions left the backlog before bulk ones" run priority_check
check_eq "backlog empty again" 0 "$(cat "$ACR/testdev0/backlog")"

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

check_eq "main queue empty" 0 "$(cat "$ACR/crypto_sessions/queue_len")"
check "unload the session tests and the test device" \
	sh -c 'rmmod acrypto_session_test && rmmod acrypto_testdev'

tap_done
