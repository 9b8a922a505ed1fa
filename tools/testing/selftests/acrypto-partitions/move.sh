#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# move.sh - a device moved between partitions under load.
#
# tenant1 = {virtio_crypto0}, tenant2 = {testdev0, testdev1}, the test
# devices at 3 ms a request, and an AF_ALG load bound to tenant2 (lbload -c
# acrypto-tenant2-cbc-aes, 8 threads, every output compared with
# cbc(aes-generic)):
#   - testdev1 stalls (keeps what it accepted) so that it surely holds
#     sessions: without force, unassigning it fails with EBUSY and changes
#     nothing; assigning it to tenant1 fails with EBUSY (it belongs to
#     tenant2), with or without force;
#   - "testdev1 force": testdev1 gives back what it holds (testdev0 does
#     it), every key of tenant2 it held is released (its key log), and it
#     is in the shared pool; assigned to tenant1 it brings
#     acrypto-tenant1-xts-aes; the load goes on, on testdev0 alone
#     (testdev1's counters stand still), and ends with every request
#     completed and right, none lost, the partition's counter equal to the
#     requests sent;
#   - testdev1 then serves tenant1 only: a tenant1 XTS stream runs on it, a
#     tenant2 stream never reaches it;
#   - a busy shared device: testdev1 back in the shared pool with soft out
#     of service and shared traffic on it (stalled again): assigning it to
#     tenant1 fails with EBUSY without force; working again, with force it
#     moves under the load, the shared requests fall back to the kernel's
#     implementation while no shared device is usable, and none is lost or
#     wrong.

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
# shellcheck source=lib-part.sh
. "${PART_DIR:-$(dirname "$0")}/lib-part.sh"

part_load || tap_bail "cannot load the engine and the devices"
part_reset || tap_bail "cannot remove the partitions left over"

setup() {
	part_make tenant1 "$VDEV" && part_make tenant2 testdev0 testdev1
}
ok_if "tenant1 = {$VDEV}, tenant2 = {testdev0, testdev1}" setup ||
	tap_bail "cannot set the partitions up"
for d in testdev0 testdev1; do
	echo 3000 >"$TD/$d/latency_us"
done
# testdev1 stalls on purpose below; the watchdog must not step in.
PARAM=/sys/module/acrypto/parameters
stall=$(cat $PARAM/stall_timeout_ms)
echo 120000 >$PARAM/stall_timeout_ms
echo 0 >"$TD/testdev1/keys"

# sessions_on DEV: DEV holds sessions now.
sessions_on() {
	[ "$(cat "$CLS/$1/sessions")" -gt 0 ]
}

# held_before SEQ: records of testdev1's key log up to SEQ still held.
held_before() {
	awk -v s="$1" '$1 <= s && $5 == "held"' "$TD/testdev1/keys"
}

c2=$(part_ctrs tenant2)
rm -f "$W/stop"
"$LB" -c acrypto-tenant2-cbc-aes -n 10000000 -j 8 -z 4096 -S "$W/stop" \
	-T 240 >"$W/load" 2>&1 &
load=$!
if wait_until 60 sessions_on testdev1 && wait_until 60 sessions_on testdev0; then
	tap_ok "load on tenant2: testdev0 and testdev1 hold sessions"
else
	tap_fail "load on tenant2 reaches both test devices" "$(cat "$W/load")"
fi
seq=$(tail -n 1 "$TD/testdev1/keys" | cut -d' ' -f1)
heldkeys=$(held_before "$seq" | wc -l)
if [ "$heldkeys" -ge 1 ] && held_before "$seq" | grep -q ' cbc 16 '; then
	tap_ok "testdev1 holds $heldkeys key(s) of tenant2, the load's (cbc, 16 bytes) among them"
else
	tap_fail "testdev1 holds tenant2's keys" "$(cat "$TD/testdev1/keys")"
fi

# Without force: refused, nothing changes.  testdev1 stalls meanwhile (it
# accepts and completes nothing), so it surely holds sessions when asked.
echo 1 >"$TD/testdev1/stall"
wait_until 10 sessions_on testdev1
held=$(cat "$CLS/testdev1/sessions")
kmsg_mark busy
expect_w "move-busy: unassign testdev1 from tenant2 under load, no force" \
	EBUSY "$P/tenant2/unassign_device" testdev1
if [ "$(part_devices tenant2)" = "testdev0 testdev1" ] && dev_online testdev1 &&
   [ "$(cat "$CLS/testdev1/sessions")" -ge "$held" ]; then
	tap_ok "testdev1 still in tenant2, online, its $held sessions still with it"
else
	tap_fail "testdev1 unchanged after the refused move" "$(part_state)"
fi
line=$(kmsg_since busy | grep 'testdev1 is busy with' | head -n 1)
if [ -n "$line" ]; then
	tap_ok "logged: ${line#*] }"
else
	tap_fail "the refused move is logged" "$(kmsg_since busy | tail -n 5)"
fi
expect_w "move-overlap: assign testdev1 (tenant2's) to tenant1" EBUSY \
	"$P/tenant1/assign_device" testdev1
expect_w "move-overlap-force: the same with force" EBUSY \
	"$P/tenant1/assign_device" "testdev1 force"

# Forced: out of tenant2 under load, into tenant1.  What testdev1 holds
# it gives back (->cancel()), and testdev0 does it.
kmsg_mark forced
expect_w "move forced: 'testdev1 force' to tenant2's unassign_device under load" \
	0 "$P/tenant2/unassign_device" "testdev1 force"
echo 0 >"$TD/testdev1/stall"
line=$(kmsg_since forced | grep 'testdev1: took back' | head -n 1)
if [ -n "$line" ]; then
	tap_ok "logged: ${line#*] }"
else
	tap_fail "testdev1 gave its sessions back" "$(kmsg_since forced | tail -n 5)"
fi
if [ "$(cat "$CLS/testdev1/partition")" = shared ] &&
   [ "$(part_devices tenant2)" = testdev0 ] &&
   [ "$(cat "$CLS/testdev1/sessions")" = 0 ] && dev_online testdev1 &&
   kill -0 $load 2>/dev/null; then
	tap_ok "testdev1 drained, in the shared pool, online; tenant2 = {testdev0}; the load runs on"
else
	tap_fail "testdev1 out of tenant2" "$(part_state); sessions $(cat "$CLS/testdev1/sessions")"
fi
if [ -z "$(held_before "$seq")" ]; then
	tap_ok "every key testdev1 held for tenant2 was released when it left ($heldkeys)"
else
	tap_fail "tenant2's keys released from testdev1" "$(cat "$TD/testdev1/keys")"
fi
# Fast again: joining tenant1 runs the self-tests of its new instances
# through it.
echo 100 >"$TD/testdev1/latency_us"
expect_w "assign testdev1 to tenant1 (idle in the shared pool)" 0 \
	"$P/tenant1/assign_device" testdev1
if [ "$(cat "$CLS/testdev1/partition")" = tenant1 ] &&
   [ "$(part_devices tenant1)" = "testdev1 $VDEV" ] &&
   part_has_alg tenant1 acrypto-tenant1-xts-aes &&
   part_has_alg tenant2 acrypto-tenant2-xts-aes; then
	tap_ok "tenant1 = {testdev1, $VDEV}: it gained acrypto-tenant1-xts-aes; tenant2 kept its instances"
else
	tap_fail "testdev1 in tenant1" "$(part_state)"
fi

a=$(ctr_snap)
a0=$(cat "$CLS/testdev0/sstarted")
wait_until 30 sh -c "[ \$(cat $CLS/testdev0/sstarted) -ge $((a0 + 500)) ]"
touch "$W/stop"
wait $load
rc=$?
b=$(ctr_snap)
out=$(grep '^lbload: submitted' "$W/load")
if [ $rc = 0 ] && lb_ok "$out"; then
	tap_ok "the load: every request completed and right, none lost"
	tap_diag "$out"
else
	tap_fail "the load completed without loss" "status $rc: $(cat "$W/load")"
fi
if ctr_quiet "$a" "$b" testdev1 soft "$VDEV" &&
   [ "$(ctr_fin "$a" "$b" testdev0)" -ge 500 ]; then
	tap_ok "after the move tenant2's load ran on testdev0 only ($(ctr_fin "$a" "$b" testdev0) sessions); testdev1 stood still"
else
	tap_fail "after the move tenant2's load on testdev0 only" \
		"testdev1 $(ctr_delta "$a" "$b" testdev1), testdev0 $(ctr_delta "$a" "$b" testdev0)"
fi
sent=$(lb_field "$out" submitted)
d2=$(tenant_delta tenant2 "$c2")
check_eq "tenant2's counters: $sent requests, no error, no nodev" \
	"$sent 0 0" "$(echo "$d2" | awk '{ print $1, $3, $4 }')"

# testdev1 serves tenant1 only.
echo 100 >"$TD/testdev0/latency_us"
a=$(ctr_snap)
check_lb "tenant1's XTS stream (300 requests)" -m xts \
	-c acrypto-tenant1-xts-aes -n 300 -j 4 -z 4096
b=$(ctr_snap)
if [ "$(ctr_fin "$a" "$b" testdev1)" = 300 ] &&
   ctr_quiet "$a" "$b" testdev0 soft "$VDEV"; then
	tap_ok "it ran on testdev1, nowhere else"
else
	tap_fail "tenant1's XTS stream on testdev1" "testdev1 $(ctr_delta "$a" "$b" testdev1)"
fi
a=$(ctr_snap)
check_lb "tenant2's CBC stream (300 requests)" -c acrypto-tenant2-cbc-aes \
	-n 300 -j 4 -z 4096
b=$(ctr_snap)
if [ "$(ctr_fin "$a" "$b" testdev0)" = 300 ] &&
   ctr_quiet "$a" "$b" testdev1 soft "$VDEV"; then
	tap_ok "it ran on testdev0; testdev1 never saw it"
else
	tap_fail "tenant2's stream not on testdev1" "testdev1 $(ctr_delta "$a" "$b" testdev1)"
fi

# A busy shared device.
expect_w "unassign testdev1 from tenant1 (idle)" 0 \
	"$P/tenant1/unassign_device" testdev1
echo 3000 >"$TD/testdev1/latency_us"
echo 1 >"$CLS/soft/broken"
fb=$(fallback)
rm -f "$W/stop"
"$LB" -c 'cbc(aes)' -n 10000000 -j 8 -z 4096 -S "$W/stop" -T 240 \
	>"$W/load" 2>&1 &
load=$!
if wait_until 60 sessions_on testdev1; then
	tap_ok "shared load (soft out of service) on testdev1"
else
	tap_fail "shared load on testdev1" "$(cat "$W/load")"
fi
echo 1 >"$TD/testdev1/stall"
expect_w "assign-busy: testdev1 (busy with shared sessions) to tenant1, no force" \
	EBUSY "$P/tenant1/assign_device" testdev1
# Working again before it joins: tenant1's XTS instance is registered
# afresh then, and its self-test runs through testdev1.
echo 100 >"$TD/testdev1/latency_us"
echo 0 >"$TD/testdev1/stall"
expect_w "assign-busy-force: the same with force, under the shared load" 0 \
	"$P/tenant1/assign_device" "testdev1 force"
f0=$(fallback)
if [ "$(cat "$CLS/testdev1/partition")" = tenant1 ] &&
   wait_until 10 sh -c "[ \$(cat $CLS/crypto_sessions/fallback) -gt $f0 ]"; then
	tap_ok "testdev1 in tenant1; the shared requests fall back to the kernel's implementation (no shared device usable)"
else
	tap_fail "forced move of the last usable shared device" "$(part_state); fallback $fb -> $(fallback)"
fi
echo 0 >"$CLS/soft/broken"
a=$(ctr_snap)
wait_until 30 sh -c "[ \$(cat $CLS/soft/sstarted) -ge \
	$(($(cat "$CLS/soft/sstarted") + 200)) ]"
touch "$W/stop"
wait $load
rc=$?
b=$(ctr_snap)
out=$(grep '^lbload: submitted' "$W/load")
if [ $rc = 0 ] && lb_ok "$out" && ctr_quiet "$a" "$b" testdev1; then
	tap_ok "shared load: every request completed and right, none lost; soft back, testdev1 untouched since"
	tap_diag "$out"
else
	tap_fail "shared load completed without loss" "status $rc: $(cat "$W/load"); testdev1 $(ctr_delta "$a" "$b" testdev1)"
fi

echo "$stall" >$PARAM/stall_timeout_ms
check "partitions removed" part_reset
tap_done
