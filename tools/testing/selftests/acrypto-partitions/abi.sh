#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# abi.sh - the partition ABI's errors (Documentation/crypto/partitions.rst,
# "Errors"; the cases are listed in Documentation/crypto/bad-input.rst,
# "Partitions").
#
# Every invalid name, assignment and removal is written with one write(2)
# (errno_of, so the errno is the kernel's, not busybox's) and must fail with
# its documented errno and leave the state unchanged: the list, every
# partition's devices and algorithms, every device's partition and state
# (part_state).  The valid writes do what the ABI says: a partition gets
# its directory and, once a device serves them, its algorithm instances
# (acrypto-<partition>-<mode>-<alg> at priority 50, self-tests passed);
# assigning a device to its own partition again changes nothing.

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
# shellcheck source=lib-part.sh
. "${PART_DIR:-$(dirname "$0")}/lib-part.sh"

part_load || tap_bail "cannot load the engine and the devices"
part_reset || tap_bail "cannot remove the partitions left over"

# long N: N characters "a".
long() {
	printf "%0${1}d" 0 | tr 0 a
}

# --- creating --------------------------------------------------------------

expect_w "create tenant1" 0 "$P/create" "tenant1
"
files=''
for f in assign_device unassign_device devices algorithms requests bytes \
	errors nodev; do
	[ -e "$P/tenant1/$f" ] || files="$files $f"
done
if [ -z "$files" ] && [ "$(part_list)" = tenant1 ] &&
   [ -z "$(cat "$P/tenant1/devices")" ] &&
   [ -z "$(cat "$P/tenant1/algorithms")" ] &&
   [ "$(part_ctrs tenant1)" = "0 0 0 0" ]; then
	tap_ok "tenant1: listed, its directory has every attribute, no device, no algorithm, counters 0"
else
	tap_fail "tenant1's directory" "missing:$files; list: $(part_list)"
fi
expect_w "create t_2 (digits, underscore, no newline)" 0 "$P/create" t_2
expect_w "name-15-chars accepted" 0 "$P/create" "$(long 15)"
expect_w "remove the 15-character one" 0 "$P/remove" "$(long 15)"

expect_w "name-empty (a lone newline)" EINVAL "$P/create" "
"
expect_w "name-no-bytes (a write of nothing does nothing)" 0 "$P/create" ""
expect_w "name-uppercase Tenant3" EINVAL "$P/create" Tenant3
expect_w "name-hyphen ten-3" EINVAL "$P/create" ten-3
expect_w "name-space 'ten 3'" EINVAL "$P/create" "ten 3"
expect_w "name-slash a/b" EINVAL "$P/create" a/b
expect_w "name-dot .." EINVAL "$P/create" ..
expect_w "name-latin1 t\\351 (an e-acute in Latin-1)" EINVAL "$P/create" \
	"$(printf 't\351')"
expect_w "name-shared" EINVAL "$P/create" shared
expect_w "name-shared-newline" EINVAL "$P/create" "shared
"
expect_w "name-two-lines 'a\\nb'" EINVAL "$P/create" "a
b"
expect_w "name-two-newlines 'a\\n\\n'" EINVAL "$P/create" "a

"
expect_w "name-16-chars" ENAMETOOLONG "$P/create" "$(long 16)"
expect_w "name-3000-chars" ENAMETOOLONG "$P/create" "$(long 3000)"
expect_w "name-duplicate tenant1" EEXIST "$P/create" tenant1
for n in create remove list uevent power subsystem; do
	expect_w "name-taken $n (an entry of partitions/)" EEXIST "$P/create" "$n"
done

# At most 16: tenant1 and t_2 plus 14 more, then the 17th.
ok=1
i=3
while [ $i -le 16 ]; do
	[ "$(errno_of_write "$P/create" "p$i")" = 0 ] || ok=0
	i=$((i + 1))
done
if [ $ok = 1 ] && [ "$(part_list | wc -l)" = 16 ]; then
	tap_ok "16 partitions created"
else
	tap_fail "16 partitions created" "list: $(part_list | tr '\n' ' ')"
fi
expect_w "partition-17th" ENOSPC "$P/create" p17
i=3
while [ $i -le 16 ]; do
	errno_of_write "$P/remove" "p$i" >/dev/null
	i=$((i + 1))
done
check_eq "back to two partitions" "tenant1 t_2" "$(part_list | tr '\n' ' ' | sed 's/ $//')"

# --- assigning ---------------------------------------------------------------

A=$P/tenant1/assign_device
U=$P/tenant1/unassign_device
expect_w "assign-unknown-device nosuchdev" ENODEV "$A" nosuchdev
expect_w "assign-unknown-device-force" ENODEV "$A" "nosuchdev force"
expect_w "assign-not-a-device crypto_sessions" ENODEV "$A" crypto_sessions
expect_w "assign-not-a-device partitions" ENODEV "$A" partitions
expect_w "assign-empty (a lone newline)" EINVAL "$A" "
"
expect_w "assign-leading-space ' soft'" EINVAL "$A" " soft"
expect_w "assign-bad-option 'soft please'" EINVAL "$A" "soft please"
expect_w "assign-two-spaces 'soft  force'" EINVAL "$A" "soft  force"
expect_w "assign-extra-word 'soft force now'" EINVAL "$A" "soft force now"
expect_w "assign-device-name-32-chars" ENAMETOOLONG "$A" "$(long 32)"
expect_w "assign-device-name-45-chars" ENAMETOOLONG "$A" "$(long 45)"
expect_w "assign-device-name-3000-chars force" ENAMETOOLONG "$A" \
	"$(long 3000) force"
expect_w "assign-long-option" EINVAL "$A" "soft $(long 40)"
expect_w "assign-unknown-partition (no such directory)" ENOENT \
	"$P/nosuch/assign_device" "$VDEV"

expect_w "assign $VDEV to tenant1" 0 "$A" "$VDEV"
if [ "$(part_devices tenant1)" = "$VDEV" ] &&
   [ "$(cat "$CLS/$VDEV/partition")" = tenant1 ] && dev_online "$VDEV"; then
	tap_ok "tenant1 lists $VDEV, $VDEV/partition says tenant1, online"
else
	tap_fail "$VDEV in tenant1" "$(part_state)"
fi
# The virtio device does AES-CBC under QEMU: that instance, no other.
check_eq "tenant1's algorithms: acrypto-tenant1-cbc-aes only" \
	acrypto-tenant1-cbc-aes "$(cat "$P/tenant1/algorithms")"
info=$(awk '$1 == "name" { f = 0 }
	$1 == "driver" { f = ($3 == "acrypto-tenant1-cbc-aes") }
	f && ($1 == "priority" || $1 == "selftest") { print $3 }' \
	/proc/crypto | tr '\n' ' ')
check_eq "/proc/crypto: acrypto-tenant1-cbc-aes at priority 50, self-test passed" \
	"50 passed " "$info"

expect_w "assign-again (its own partition: nothing changes)" 0 "$A" "$VDEV"
expect_w "assign-again-force" 0 "$A" "$VDEV force"
if [ "$(part_devices tenant1)" = "$VDEV" ] && dev_online "$VDEV"; then
	tap_ok "assigning again changed nothing"
else
	tap_fail "assigning again changed nothing" "$(part_state)"
fi
expect_w "assign-overlap: $VDEV (tenant1's) to t_2" EBUSY \
	"$P/t_2/assign_device" "$VDEV"
expect_w "assign-overlap-force: the same with force" EBUSY \
	"$P/t_2/assign_device" "$VDEV force"

# --- unassigning -------------------------------------------------------------

expect_w "unassign-not-here: $VDEV from t_2" ENXIO "$P/t_2/unassign_device" \
	"$VDEV"
expect_w "unassign-shared: soft from tenant1" ENXIO "$U" soft
expect_w "unassign-unknown-device" ENODEV "$U" nosuchdev
expect_w "unassign-empty" EINVAL "$U" "
"
expect_w "unassign-bad-option" EINVAL "$U" "$VDEV now"

# --- removing ----------------------------------------------------------------

expect_w "remove-unknown nosuch" ENOENT "$P/remove" nosuch
expect_w "remove-shared" EINVAL "$P/remove" shared
expect_w "remove-bad-name" EINVAL "$P/remove" Bad-Name
expect_w "remove-empty" EINVAL "$P/remove" "
"
expect_w "remove-16-chars" ENAMETOOLONG "$P/remove" "$(long 16)"
expect_w "remove-with-devices: tenant1 (has $VDEV)" EBUSY "$P/remove" tenant1

# A partition in use by a transform and with no device left: testdev1
# joins t_2, a transform of acrypto-t_2-cbc-aes is bound and keyed, testdev1
# leaves (nothing in flight: no force needed), and t_2 cannot go while the
# transform exists.
expect_w "assign testdev1 to t_2" 0 "$P/t_2/assign_device" testdev1
rm -f "$W/release"
"$E" hold skcipher acrypto-t_2-cbc-aes 16 "$W/release" >"$W/hold" 2>&1 &
hold=$!
wait_until 10 grep -q . "$W/hold"
check_eq "a transform of acrypto-t_2-cbc-aes bound and keyed" 0 \
	"$(cat "$W/hold")"
expect_w "unassign testdev1 from t_2 (idle transform: no force needed)" 0 \
	"$P/t_2/unassign_device" testdev1
if [ -z "$(cat "$P/t_2/devices")" ] && part_has_alg t_2 acrypto-t_2-cbc-aes; then
	tap_ok "t_2: no device; its instance stays while the transform uses it"
else
	tap_fail "t_2 after testdev1 left" "$(part_state)"
fi
expect_w "remove-in-use: t_2 (a transform of its instance exists)" EBUSY \
	"$P/remove" t_2
expect_w "assign-to-a-partition-in-use: testdev1 to t_2 again works" 0 \
	"$P/t_2/assign_device" testdev1
expect_w "unassign testdev1 from t_2" 0 "$P/t_2/unassign_device" testdev1
touch "$W/release"
wait $hold
if wait_until 10 part_try_remove t_2 && [ "$(part_list)" = tenant1 ] &&
   [ ! -e "$P/t_2" ] && ! grep -q 'acrypto-t_2-' /proc/crypto; then
	tap_ok "once the transform is gone t_2 is removed, its instances too"
else
	tap_fail "remove t_2 after its transform" "$(part_state)"
fi

# --- read-only and write-only attributes ---------------------------------

for f in "$P/list" "$P/tenant1/devices" "$P/tenant1/algorithms" \
	"$P/tenant1/requests" "$P/tenant1/bytes" "$P/tenant1/errors" \
	"$P/tenant1/nodev" "$CLS/$VDEV/partition"; do
	expect_w "read-only ${f#"$CLS"/}" EACCES "$f" x
done
if ! cat "$P/create" >/dev/null 2>&1 && ! cat "$P/tenant1/assign_device" \
	>/dev/null 2>&1; then
	tap_ok "write-only create and assign_device cannot be read"
else
	tap_fail "write-only attributes cannot be read"
fi

# --- the test device's key log (the probe of keys.sh) ---------------------

K=$TD/testdev0/keys
for v in 1 x -1; do
	got=$(errno_of_write "$K" "$v")
	if [ "$got" = EINVAL ] && [ "$(errno_of_write "$K" 0)" = 0 ]; then
		tap_ok "testdev-keys-not-zero: '$v' to testdev0/keys (EINVAL); 0 empties it"
	else
		tap_fail "testdev-keys-not-zero: '$v' to testdev0/keys" "got $got"
	fi
done

# --- the end: tenant1 removed once its device left ------------------------

expect_w "unassign $VDEV from tenant1" 0 "$U" "$VDEV"
if [ "$(cat "$CLS/$VDEV/partition")" = shared ] && dev_online "$VDEV" &&
   [ -z "$(cat "$P/tenant1/algorithms")" ] &&
   ! grep -q acrypto-tenant1-cbc-aes /proc/crypto; then
	tap_ok "$VDEV back in the shared pool, online; tenant1's instance unregistered"
else
	tap_fail "$VDEV back to shared" "$(part_state)"
fi
expect_w "remove tenant1 (newline)" 0 "$P/remove" "tenant1
"
check_eq "no partition left" "" "$(part_list)"

tap_done
