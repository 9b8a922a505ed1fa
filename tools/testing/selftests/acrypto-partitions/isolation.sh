#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# isolation.sh - two partitions and the shared pool, all busy at once.
#
# tenant1 = {virtio_crypto0}, tenant2 = {testdev0, testdev1}, soft shared.
#   - each partition registers the instances its devices serve
#     (tenant1: acrypto-tenant1-cbc-aes only; tenant2: cbc, xts,
#     hmac-sha256 and authenc of the two), at
#     priority 50; cbc(aes) asked by name is the shared acrypto-cbc-aes;
#   - a dm-crypt volume bound to each partition by driver name with
#     cryptsetup's capi: syntax (tenant1: capi:acrypto-tenant1-cbc-aes-
#     plain64, 4 KiB sectors, raw; tenant2: capi:acrypto-tenant2-xts-aes-
#     plain64 with ext4 on it, raw where the kernel has no ext4, as the
#     debug kernel), an AF_ALG stream bound to tenant2
#     (lbload -c acrypto-tenant2-cbc-aes, every output checked) and shared
#     AF_ALG traffic (lbload -c 'cbc(aes)', by name), all at once;
#   - per-device counters prove no session crossed: virtio_crypto0
#     finished exactly the tenant1 volume's sessions (one per 4 KiB
#     sector), the test devices exactly tenant2's sessions (its partition
#     counter), soft exactly the shared requests; no error, no fallback;
#     the partitions' counters add up (requests, bytes, errors, nodev);
#   - closed and reopened (ext4 remounted), both volumes read back what
#     was written, again each on its partition's devices only;
#   - IPsec: ip xfrm refuses a partition's driver name (it knows algorithms
#     by name); a state by name binds the shared instance.

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
# shellcheck source=lib-part.sh
. "${PART_DIR:-$(dirname "$0")}/lib-part.sh"

part_load || tap_bail "cannot load the engine and the devices"
part_reset || tap_bail "cannot remove the partitions left over"
kmod_load loop dm_crypt xfrm_user esp4 ||
	tap_bail "cannot load loop, dm_crypt, xfrm_user, esp4"
# ext4 on tenant2's volume where the kernel has it (not the debug kernel).
FS=ext4
modprobe ext4 2>/dev/null
grep -qw ext4 /proc/filesystems || FS=raw

MB=4
V1=part1 V2=part2 MNT=/mnt/part2
C1=capi:acrypto-tenant1-cbc-aes-plain64
C2=capi:acrypto-tenant2-xts-aes-plain64
NS=2000		# shared requests of 4 KiB per phase
N2=2000		# tenant2's AF_ALG requests of 4 KiB
mkdir -p "$MNT"

setup() {
	part_make tenant1 "$VDEV" && part_make tenant2 testdev0 testdev1
}
ok_if "tenant1 = {$VDEV}, tenant2 = {testdev0, testdev1}" setup ||
	tap_bail "cannot set the partitions up"
want2="acrypto-tenant2-authenc-hmac-sha256-cbc-aes acrypto-tenant2-cbc-aes acrypto-tenant2-hmac-sha256 acrypto-tenant2-xts-aes"
got2=$(sort "$P/tenant2/algorithms" | tr '\n' ' ' | sed 's/ $//')
if [ "$(cat "$P/tenant1/algorithms")" = acrypto-tenant1-cbc-aes ] &&
   [ "$got2" = "$want2" ]; then
	tap_ok "instances: tenant1 acrypto-tenant1-cbc-aes (virtio: CBC only), tenant2 $want2"
else
	tap_fail "the partitions' instances" "tenant1: $(cat "$P/tenant1/algorithms"); tenant2: $got2"
fi

# The volumes: raw for tenant1 (exact session counts), ext4 for tenant2.
dd if=/dev/urandom of="$W/plain1" bs=1M count=$MB 2>/dev/null
dd if=/dev/urandom of="$W/plain2" bs=1M count=$MB 2>/dev/null
SHA1=$(sha256sum <"$W/plain1" | cut -d' ' -f1)
SHA2=$(sha256sum <"$W/plain2" | cut -d' ' -f1)
truncate -s ${MB}M "$W/vol1.img"
truncate -s 16M "$W/vol2.img"
L1=$(losetup -f --show "$W/vol1.img") || tap_bail "losetup"
L2=$(losetup -f --show "$W/vol2.img") || tap_bail "losetup"
fill_key "$W/key1" a1 32
fill_key "$W/key2" b2 64

open1() {
	cryptsetup open --type plain --cipher "$C1" --key-size 256 \
		--sector-size 4096 --key-file "$W/key1" "$L1" "$V1"
}
open2() {
	cryptsetup open --type plain --cipher "$C2" --key-size 512 \
		--key-file "$W/key2" "$L2" "$V2"
}

refcnt() {
	awk -v d="$1" '$1 == "driver" { f = ($3 == d) }
		f && $1 == "refcnt" { print $3; exit }' /proc/crypto
}
r1=$(refcnt acrypto-tenant1-cbc-aes)
r2=$(refcnt acrypto-tenant2-xts-aes)
ok_if "cryptsetup open $C1 (4 KiB sectors)" open1 || tap_bail "no volume"
ok_if "cryptsetup open $C2" open2 || tap_bail "no volume"
t1=$(dmsetup table "$V1" | cut -d' ' -f4)
t2=$(dmsetup table "$V2" | cut -d' ' -f4)
if [ "$t1" = "$C1" ] && [ "$t2" = "$C2" ] &&
   [ "$(refcnt acrypto-tenant1-cbc-aes)" -gt "$r1" ] &&
   [ "$(refcnt acrypto-tenant2-xts-aes)" -gt "$r2" ]; then
	tap_ok "dmsetup table shows the driver names; their /proc/crypto refcnt rose ($r1 -> $(refcnt acrypto-tenant1-cbc-aes), $r2 -> $(refcnt acrypto-tenant2-xts-aes))"
else
	tap_fail "dm-crypt bound by driver name" "tables '$t1' '$t2'"
fi
if [ $FS = ext4 ]; then
	check "mke2fs -t ext4 on $V2" mke2fs -q -t ext4 "/dev/mapper/$V2"
else
	tap_skip "mke2fs -t ext4 on $V2" "no ext4 in this kernel: $V2 raw"
fi

# write2, read2: the data through tenant2's volume, on ext4 or raw.
write2() {
	if [ $FS = ext4 ]; then
		mount "/dev/mapper/$V2" "$MNT" && cp "$W/plain2" "$MNT/data" &&
			sync && umount "$MNT"
	else
		dd if="$W/plain2" of="/dev/mapper/$V2" bs=64k oflag=direct \
			conv=fsync
	fi
}
read2() {
	if [ $FS = ext4 ]; then
		mount -o ro "/dev/mapper/$V2" "$MNT" &&
			sha256sum <"$MNT/data" | cut -d' ' -f1 && umount "$MNT"
	else
		dd if="/dev/mapper/$V2" bs=64k count=$((MB * 16)) iflag=direct \
			2>/dev/null | sha256sum | cut -d' ' -f1
	fi
}

# check_crossing PHASE A B T1BEFORE T2BEFORE SHARED T1SESSIONS T2MIN
# T1BYTES: the counters between snapshots A and B: every device finished
# exactly its own partition's (or the shared pool's) sessions.
check_crossing() {
	_ph=$1 _a=$2 _b=$3 _ns=$6 _n1=$7 _n2min=$8 _bytes1=$9
	_d1=$(tenant_delta tenant1 "$4")
	_d2=$(tenant_delta tenant2 "$5")
	_fv=$(ctr_fin "$_a" "$_b" "$VDEV")
	_ft=$(ctr_fin "$_a" "$_b" testdev0 testdev1)
	_fs=$(ctr_fin "$_a" "$_b" soft)
	_req1=${_d1%% *} _req2=${_d2%% *}
	if [ "$_fv" = "$_n1" ] && [ "$_req1" = "$_n1" ]; then
		tap_ok "$_ph: $VDEV finished $_fv sessions, exactly tenant1's ($_n1 sectors)"
	else
		tap_fail "$_ph: $VDEV finished exactly tenant1's sessions" \
			"$VDEV $_fv, tenant1 requests $_req1, volume $_n1"
	fi
	if [ "$_ft" = "$_req2" ] && [ "$_req2" -ge "$_n2min" ]; then
		tap_ok "$_ph: testdev0 + testdev1 finished $_ft sessions, exactly tenant2's"
	else
		tap_fail "$_ph: the test devices finished exactly tenant2's sessions" \
			"testdevs $_ft, tenant2 requests $_req2 (at least $_n2min)"
	fi
	if [ "$_fs" = "$_ns" ]; then
		tap_ok "$_ph: soft finished $_fs sessions, exactly the shared requests"
	else
		tap_fail "$_ph: soft finished exactly the shared requests" \
			"soft $_fs, shared $_ns"
	fi
	_err=0
	for _dv in $(all_devs); do
		_e=$(ctr_delta "$_a" "$_b" "$_dv" | cut -d' ' -f4)
		_err=$((_err + _e))
	done
	# shellcheck disable=SC2086 # four numbers each
	set -- $_d1 $_d2
	if [ "$_err" = 0 ] && [ "$3$4$7$8" = 0000 ] && [ "$2" = "$_bytes1" ]; then
		tap_ok "$_ph: no device error; partition counters: tenant1 $1 requests $2 bytes, tenant2 $5 requests $6 bytes, no error, no nodev"
	else
		tap_fail "$_ph: partition counters add up" \
			"device errors $_err; tenant1 '$_d1' ($_bytes1 bytes expected), tenant2 '$_d2'"
	fi
}

# --- phase 1: write through both volumes, AF_ALG streams, all at once --

SEC1=$((MB * 1024 * 1024 / 4096))
fb=$(fallback)
c1=$(part_ctrs tenant1)
c2=$(part_ctrs tenant2)
a=$(ctr_snap)
dd if="$W/plain1" of="/dev/mapper/$V1" bs=64k oflag=direct conv=fsync \
	2>"$W/dd1.err" &
p1=$!
write2 >"$W/fs2.err" 2>&1 &
p2=$!
"$LB" -c acrypto-tenant2-cbc-aes -n $N2 -j 4 -z 4096 >"$W/lb2" 2>&1 &
p3=$!
"$LB" -c 'cbc(aes)' -n $NS -j 4 -z 4096 >"$W/lbs" 2>&1 &
p4=$!
wait $p1; s1=$?
wait $p2; s2=$?
wait $p3; s3=$?
wait $p4; s4=$?
b=$(ctr_snap)
if [ $s1 = 0 ]; then
	tap_ok "wrote $MB MiB through $V1 (O_DIRECT)"
else
	tap_fail "write through $V1" "$(cat "$W/dd1.err")"
fi
if [ $s2 = 0 ]; then
	tap_ok "$V2 ($FS): wrote $MB MiB, synced"
else
	tap_fail "write through $V2 ($FS)" "$(cat "$W/fs2.err")"
fi
if [ $s3 = 0 ]; then
	tap_ok "AF_ALG acrypto-tenant2-cbc-aes: $N2 requests, every output right"
else
	tap_fail "AF_ALG bound to tenant2" "$(cat "$W/lb2")"
fi
if [ $s4 = 0 ]; then
	tap_ok "AF_ALG cbc(aes) by name (shared): $NS requests, every output right"
else
	tap_fail "shared AF_ALG" "$(cat "$W/lbs")"
fi
tap_diag "$(cat "$W/lb2" "$W/lbs")"
check_crossing "write" "$a" "$b" "$c1" "$c2" $NS $SEC1 $N2 \
	$((MB * 1024 * 1024))
check_eq "write: no step fell back to the kernel's implementation" "$fb" \
	"$(fallback)"

# --- phase 2: closed, reopened, read back ---------------------------------

check "close both volumes" sh -c "cryptsetup close $V1 && cryptsetup close $V2"
reopen() {
	open1 && open2
}
ok_if "reopen both volumes" reopen
c1=$(part_ctrs tenant1)
c2=$(part_ctrs tenant2)
a=$(ctr_snap)
dd if="/dev/mapper/$V1" bs=64k count=$((MB * 16)) iflag=direct 2>/dev/null |
	sha256sum | cut -d' ' -f1 >"$W/sha1" &
p1=$!
read2 >"$W/sha2" 2>&1 &
p2=$!
"$LB" -c 'cbc(aes)' -n $NS -j 4 -z 4096 -s 2 >"$W/lbs" 2>&1 &
p4=$!
wait $p1 $p2
wait $p4; s4=$?
b=$(ctr_snap)
check_eq "$V1 reopened: read back $MB MiB, sha256 matches" "$SHA1" \
	"$(cat "$W/sha1")"
check_eq "$V2 reopened ($FS, remounted): read back, sha256 matches" "$SHA2" \
	"$(cat "$W/sha2")"
if [ $s4 = 0 ]; then
	tap_ok "shared AF_ALG meanwhile: $NS requests right"
else
	tap_fail "shared AF_ALG while reading" "$(cat "$W/lbs")"
fi
check_crossing "read" "$a" "$b" "$c1" "$c2" $NS $SEC1 1 \
	$((MB * 1024 * 1024))
check_eq "read: no step fell back to the kernel's implementation" "$fb" \
	"$(fallback)"
check "close both volumes" sh -c "cryptsetup close $V1 && cryptsetup close $V2"
losetup -d "$L1"
losetup -d "$L2"

# --- IPsec: xfrm knows algorithms by name ---------------------------------

K16=0x00112233445566778899aabbccddeeff
K32=${K16}00112233445566778899aabbccddeeff
xfrm() {
	/usr/sbin/ip xfrm state add src 10.9.0.1 dst 10.9.0.2 proto esp "$@"
}
if xfrm spi 0x100 enc acrypto-tenant1-cbc-aes $K16 auth 'hmac(sha256)' \
	$K32 2>"$W/xfrm.err"; then
	tap_fail "ip xfrm refuses a partition's driver name"
else
	tap_ok "ip xfrm refuses enc acrypto-tenant1-cbc-aes: $(cat "$W/xfrm.err")"
fi
if xfrm spi 0x101 aead acrypto-tenant2-authenc-hmac-sha256-cbc-aes \
	${K32}${K16} 128 2>"$W/xfrm.err"; then
	tap_fail "ip xfrm refuses a partition's AEAD driver name"
else
	tap_ok "ip xfrm refuses aead acrypto-tenant2-authenc-hmac-sha256-cbc-aes: $(cat "$W/xfrm.err")"
fi
rs=$(refcnt acrypto-authenc-hmac-sha256-cbc-aes)
rp=$(refcnt acrypto-tenant2-authenc-hmac-sha256-cbc-aes)
if xfrm spi 0x102 enc 'cbc(aes)' $K16 auth 'hmac(sha256)' $K32 &&
   [ "$(refcnt acrypto-authenc-hmac-sha256-cbc-aes)" -gt "$rs" ] &&
   [ "$(refcnt acrypto-tenant2-authenc-hmac-sha256-cbc-aes)" = "$rp" ]; then
	tap_ok "an ESP state by name (cbc(aes), hmac(sha256)) binds the shared acrypto-authenc-hmac-sha256-cbc-aes, not tenant2's"
else
	tap_fail "an ESP state by name binds the shared instance" \
		"refcnt shared $rs -> $(refcnt acrypto-authenc-hmac-sha256-cbc-aes), tenant2 $rp -> $(refcnt acrypto-tenant2-authenc-hmac-sha256-cbc-aes)"
fi
/usr/sbin/ip xfrm state flush

check "partitions removed" part_reset
tap_done
