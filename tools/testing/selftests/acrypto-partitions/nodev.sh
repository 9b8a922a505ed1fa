#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# nodev.sh - a partition with no usable device: no fallback.
#
# tenant1 = {virtio_crypto0}, tenant2 = {testdev0}, soft and testdev1
# shared.
#   - virtio_crypto0 taken out of service (broken = 1): every tenant1
#     request fails with ENODEV; crypto_sessions/fallback does not move (the
#     kernel's cbc-aes-aesni is not used) and no device's counters do;
#     tenant1's counters count the requests as errors and nodev; the
#     engine logs "partition tenant1: no usable device ..."; shared
#     traffic (cbc(aes) by name) goes on, on the shared devices;
#   - virtio_crypto0 back (broken = 0): tenant1 works again;
#   - testdev0 reported broken by its driver (not-ready): the same for
#     tenant2; reported recovered, it serves tenant2 again;
#   - testdev0 stalls under tenant2's load: the watchdog takes it out, the
#     requests it held end with ENODEV (none wrong, none lost), and once it
#     completes again its known-answer test returns it to service and it
#     serves tenant2.

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
# shellcheck source=lib-part.sh
. "${PART_DIR:-$(dirname "$0")}/lib-part.sh"

part_load || tap_bail "cannot load the engine and the devices"
part_reset || tap_bail "cannot remove the partitions left over"

setup() {
	part_make tenant1 "$VDEV" && part_make tenant2 testdev0
}
ok_if "tenant1 = {$VDEV}, tenant2 = {testdev0}" setup ||
	tap_bail "cannot set the partitions up"

check_lb "tenant1 serves: 50 requests" -c acrypto-tenant1-cbc-aes -n 50 \
	-j 2 -z 1024 -b 0

# not_online DEV: DEV is out of service.
not_online() {
	! dev_online "$1"
}

# nodev_case PART DRIVER WHAT: with PART's device out of service (WHAT),
# its requests fail with ENODEV and nothing else moves.
nodev_case() {
	_p=$1 _drv=$2 _what=$3
	# The log line is rate-limited (10 in 5 s): let the last case's pass.
	[ -n "${NODEV_AT:-}" ] && wait_until 10 sh -c \
		"[ \$(cut -d. -f1 /proc/uptime) -ge $((NODEV_AT + 6)) ]"
	NODEV_AT=$(cut -d. -f1 /proc/uptime)
	_fb=$(fallback)
	_c=$(part_ctrs "$_p")
	_a=$(ctr_snap)
	kmsg_mark "nodev-$_p"
	check_lb "$_p, $_what: 20 requests all fail with ENODEV" -c "$_drv" \
		-n 20 -j 1 -z 1024 -b 0 -e ENODEV
	_b=$(ctr_snap)
	check_eq "$_p, $_what: crypto_sessions/fallback unchanged (no kernel implementation used)" \
		"$_fb" "$(fallback)"
	# shellcheck disable=SC2046 # the device names are words
	if ctr_quiet "$_a" "$_b" $(all_devs); then
		tap_ok "$_p, $_what: no device's counters moved"
	else
		tap_fail "$_p, $_what: no device's counters moved" "$_b"
	fi
	check_eq "$_p, $_what: its counters: requests +20, errors +20, nodev +20" \
		"20 20 20" "$(tenant_delta "$_p" "$_c" | awk '{ print $1, $3, $4 }')"
	_l=$(kmsg_since "nodev-$_p" | grep "partition $_p: no usable device" |
		head -n 1)
	if [ -n "$_l" ]; then
		tap_ok "$_p, $_what: logged: ${_l#*] }"
	else
		tap_fail "$_p, $_what: a log line" "$(kmsg_since "nodev-$_p" | tail -n 5)"
	fi
}

echo 1 >"$CLS/$VDEV/broken"
check_eq "$VDEV out of service" offline "$(cat "$CLS/$VDEV/state")"
nodev_case tenant1 acrypto-tenant1-cbc-aes "$VDEV offline"
a=$(ctr_snap)
fb=$(fallback)
check_lb "shared traffic meanwhile: cbc(aes) by name, 200 requests" \
	-c 'cbc(aes)' -n 200 -j 2 -z 1024
b=$(ctr_snap)
if [ "$(ctr_fin "$a" "$b" soft testdev1)" = 200 ] &&
   ctr_quiet "$a" "$b" "$VDEV" testdev0 && [ "$(fallback)" = "$fb" ]; then
	tap_ok "shared traffic on the shared devices (soft, testdev1), unaffected"
else
	tap_fail "shared traffic on the shared devices" \
		"soft $(ctr_delta "$a" "$b" soft), testdev1 $(ctr_delta "$a" "$b" testdev1)"
fi
echo 0 >"$CLS/$VDEV/broken"
wait_until 10 dev_online "$VDEV"
check_lb "$VDEV back: tenant1 serves again" -c acrypto-tenant1-cbc-aes \
	-n 50 -j 2 -z 1024 -b 0

echo 1 >"$TD/testdev0/broken"
check_eq "testdev0 reported broken by its driver" not-ready \
	"$(cat "$CLS/testdev0/state")"
nodev_case tenant2 acrypto-tenant2-cbc-aes "testdev0 not-ready"
echo 0 >"$TD/testdev0/broken"
ok_if "testdev0 reported recovered: online" wait_until 20 dev_online testdev0
check_lb "tenant2 serves again" -c acrypto-tenant2-cbc-aes -n 50 -j 2 \
	-z 1024 -b 0

# A stall: the watchdog, then the known-answer test through the partition.
PARAM=/sys/module/acrypto/parameters
stall=$(cat $PARAM/stall_timeout_ms)
echo 1000 >$PARAM/stall_timeout_ms
echo 2000 >"$TD/testdev0/latency_us"
c=$(part_ctrs tenant2)
rm -f "$W/stop"
"$LB" -c acrypto-tenant2-cbc-aes -n 10000000 -j 2 -z 4096 -b 0 -f \
	-S "$W/stop" -T 120 >"$W/load" 2>&1 &
load=$!
wait_until 30 sh -c "[ \$(cat $CLS/testdev0/sessions) -gt 0 ]"
kmsg_mark stall
echo 1 >"$TD/testdev0/stall"
# Back as soon as the watchdog took it out: its known-answer test must not
# run into the stall (the watchdog would back off for a while).
if wait_until 30 not_online testdev0 &&
   wait_until 5 sh -c "dmesg | sed -n '/mark stall\$/,\$p' |
	grep -q 'testdev0: out of service (stalled)'"; then
	tap_ok "testdev0 stalled under tenant2's load: out of service ($(cat "$CLS/testdev0/state"))"
else
	tap_fail "testdev0 stalls" "state $(cat "$CLS/testdev0/state")"
fi
echo 0 >"$TD/testdev0/stall"
if wait_until 30 dev_online testdev0; then
	tap_ok "testdev0 completes again: its known-answer test passed through tenant2, online"
else
	tap_fail "testdev0 back after its stall" "state $(cat "$CLS/testdev0/state"); $(kmsg_since stall | grep testdev0 | tail -n 3)"
fi
touch "$W/stop"
wait $load
rc=$?
out=$(grep '^lbload: submitted' "$W/load")
nodev=$(tenant_delta tenant2 "$c" | cut -d' ' -f4)
if [ $rc = 0 ] && [ "$(lb_field "$out" wrong)" = 0 ] &&
   [ "$(lb_field "$out" lost)" = 0 ] && [ "$nodev" -gt 0 ] &&
   [ "$(lb_field "$out" failed)" = "$(lb_field "$out" errno19)" ]; then
	tap_ok "the load: none wrong, none lost; the $nodev requests without a device failed with ENODEV"
	tap_diag "$out"
else
	tap_fail "the load through the stall" "status $rc: $(cat "$W/load"); nodev $nodev"
fi
echo "$stall" >$PARAM/stall_timeout_ms
echo 100 >"$TD/testdev0/latency_us"
check_lb "tenant2 serves after the stall" -c acrypto-tenant2-cbc-aes -n 50 \
	-j 2 -z 1024 -b 0

check "partitions removed" part_reset
tap_done
