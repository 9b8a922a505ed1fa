#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# keys.sh - the key-crossing probe: which keys each partition's test device
# was given (acrypto_testdev's key log, /sys/kernel/debug/acrypto_testdev/
# <dev>/keys: mode, length and the first four bytes of every key
# ->key_prepare() received).
#
# tenant1 = {virtio_crypto0, testdev1}, tenant2 = {testdev0}, soft shared.
# Keys of known bytes, each used once through AF_ALG (output compared with
# the kernel's generic implementation) or by a dm-crypt volume:
#   tenant1: xts 11.., cbc a1.., a dm-crypt CBC volume key 5b..;
#   tenant2: xts 22.., cbc a2.., hmac(sha256) 24.., a dm-crypt XTS volume
#            key 5a..;
#   shared (by name): xts(aes) 33.., cbc(aes) a3.., hmac(sha256) 34...
# Each tenant's keys appear in its own test device's log, prepared and
# later released, and never in the other's; the shared keys in neither.
# Then, with a transform of each partition held open, testdev1 moves from
# tenant1 through the shared pool to tenant2: tenant1's key is released
# from it before it leaves, a shared key held open is prepared on it while
# it is shared and released when it joins tenant2, and tenant2's key is
# prepared on it when it joins; tenant1's key is never prepared again.

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
# shellcheck source=lib-part.sh
. "${PART_DIR:-$(dirname "$0")}/lib-part.sh"

part_load || tap_bail "cannot load the engine and the devices"
part_reset || tap_bail "cannot remove the partitions left over"
kmod_load loop dm_crypt || tap_bail "cannot load loop, dm_crypt"

setup() {
	part_make tenant1 "$VDEV" testdev1 && part_make tenant2 testdev0
}
ok_if "tenant1 = {$VDEV, testdev1}, tenant2 = {testdev0}" setup ||
	tap_bail "cannot set the partitions up"
for d in testdev0 testdev1; do
	echo 0 >"$TD/$d/keys"
done

IV=000102030405060708090a0b0c0d0e0f
head -c 64 /dev/urandom >"$W/msg"

# crypt NAME DRIVER REF BYTE KEYLEN: encrypt the message with DRIVER under
# KEYLEN bytes of BYTE; one result: the same output as REF.
crypt() {
	fill_key "$W/k" "$4" "$5"
	_got=$(kcapi-enc -e -c "$2" --iv $IV --keyfd 3 3<"$W/k" <"$W/msg" | bin2hex)
	_want=$(kcapi-enc -e -c "$3" --iv $IV --keyfd 3 3<"$W/k" <"$W/msg" | bin2hex)
	if [ -n "$_got" ] && [ "$_got" = "$_want" ]; then
		tap_ok "$1: $2, key $4.. ($5 bytes): output as $3's"
	else
		tap_fail "$1: $2 with key $4.." "got '$_got', $3 gives '$_want'"
	fi
}

# mac NAME DRIVER REF BYTE KEYLEN: the same for an HMAC.
mac() {
	fill_key "$W/k" "$4" "$5"
	_got=$(kcapi-dgst --hex -c "$2" --keyfd 3 3<"$W/k" <"$W/msg")
	_want=$(kcapi-dgst --hex -c "$3" --keyfd 3 3<"$W/k" <"$W/msg")
	if [ -n "$_got" ] && [ "$_got" = "$_want" ]; then
		tap_ok "$1: $2, key $4.. ($5 bytes): digest as $3's"
	else
		tap_fail "$1: $2 with key $4.." "got '$_got', $3 gives '$_want'"
	fi
}

# volume NAME CIPHER KEYBYTE KEYBITS: a dm-crypt volume under that key,
# 1 MiB written and read back, closed.
volume() {
	fill_key "$W/vk" "$3" $(($4 / 8))
	truncate -s 1M "$W/vol.img"
	_l=$(losetup -f --show "$W/vol.img")
	if cryptsetup open --type plain --cipher "$2" --key-size "$4" \
		--key-file "$W/vk" "$_l" pk &&
	   dd if="$W/vk" of=/dev/mapper/pk bs=64k count=1 conv=sync \
		oflag=direct 2>/dev/null &&
	   dd if=/dev/mapper/pk of=/dev/null bs=64k iflag=direct 2>/dev/null &&
	   cryptsetup close pk; then
		tap_ok "$1: dm-crypt $2, key $3.. ($4 bits): written, read, closed"
	else
		tap_fail "$1: dm-crypt $2 with key $3.."
		cryptsetup close pk 2>/dev/null
	fi
	losetup -d "$_l"
}

crypt tenant1 acrypto-tenant1-xts-aes 'xts(ecb(aes-generic))' 11 32
crypt tenant1 acrypto-tenant1-cbc-aes 'cbc(aes-generic)' a1 16
volume tenant1 capi:acrypto-tenant1-cbc-aes-plain64 5b 256
crypt tenant2 acrypto-tenant2-xts-aes 'xts(ecb(aes-generic))' 22 32
crypt tenant2 acrypto-tenant2-cbc-aes 'cbc(aes-generic)' a2 16
mac tenant2 acrypto-tenant2-hmac-sha256 'hmac(sha256-generic)' 24 32
volume tenant2 capi:acrypto-tenant2-xts-aes-plain64 5a 512
crypt shared 'xts(aes)' 'xts(ecb(aes-generic))' 33 32
crypt shared 'cbc(aes)' 'cbc(aes-generic)' a3 16
mac shared 'hmac(sha256)' 'hmac(sha256-generic)' 34 32

# log_has DEV MODE LEN FP [STATE]: a record of DEV's key log.
log_has() {
	awk -v m="$2" -v l="$3" -v f="$4" -v s="${5:-}" '
		$2 == m && $3 == l && $4 == f && (s == "" || $5 == s) { n++ }
		END { exit !n }' "$TD/$1/keys"
}

# All transforms are closed: their keys go from the devices shortly.
no_held() {
	! grep -q ' held$' "$TD/testdev0/keys" &&
	! grep -q ' held$' "$TD/testdev1/keys"
}
wait_until 10 no_held

T1="xts:32:11111111 cbc:16:a1a1a1a1 cbc:32:5b5b5b5b"
T2="xts:32:22222222 cbc:16:a2a2a2a2 hmac-sha256:32:24242424 xts:64:5a5a5a5a"
SH="xts:32:33333333 cbc:16:a3a3a3a3 hmac-sha256:32:34343434"

# expect_log DEV OWNER WANT-KEYS NOT-KEYS...
expect_log() {
	_dev=$1 _owner=$2 _want=$3
	shift 3
	_miss='' _cross=''
	for _k in $_want; do
		# shellcheck disable=SC2046 # mode, length, fingerprint
		log_has "$_dev" $(echo "$_k" | tr : ' ') released ||
			_miss="$_miss $_k"
	done
	for _k in "$@"; do
		# shellcheck disable=SC2046
		log_has "$_dev" $(echo "$_k" | tr : ' ') && _cross="$_cross $_k"
	done
	if [ -z "$_miss" ]; then
		tap_ok "$_dev's key log: each of $_owner's keys prepared and released"
	else
		tap_fail "$_dev's key log has $_owner's keys" "missing:$_miss"
		tap_diag "$(cat "$TD/$_dev/keys")"
	fi
	if [ -z "$_cross" ]; then
		tap_ok "$_dev's key log: no key of another partition, no shared key"
	else
		tap_fail "$_dev got keys that are not $_owner's" "crossed:$_cross"
		tap_diag "$(cat "$TD/$_dev/keys")"
	fi
}
# shellcheck disable=SC2086 # lists of keys
expect_log testdev1 tenant1 "$T1" $T2 $SH
# shellcheck disable=SC2086
expect_log testdev0 tenant2 "$T2" $T1 $SH
if ! grep -q '^dropped' "$TD/testdev0/keys" "$TD/testdev1/keys"; then
	tap_ok "the logs dropped nothing"
else
	tap_fail "the logs dropped records"
fi

# Held transforms (errno_of hold: key 01 00 00 ...) while testdev1 moves.
rm -f "$W/release"
"$E" hold skcipher acrypto-tenant1-xts-aes 32 "$W/release" >"$W/h1" &
h1=$!
"$E" hold skcipher acrypto-tenant2-cbc-aes 16 "$W/release" >"$W/h2" &
h2=$!
"$E" hold skcipher 'xts(aes)' 64 "$W/release" >"$W/h3" &
h3=$!
for f in h1 h2 h3; do
	wait_until 10 grep -q . "$W/$f"
done
check_eq "three transforms held: tenant1 xts, tenant2 cbc, shared xts" \
	"0 0 0" "$(cat "$W/h1" "$W/h2" "$W/h3" | tr '\n' ' ' | sed 's/ $//')"
FP=01000000
if log_has testdev1 xts 32 $FP held && ! log_has testdev1 cbc 16 $FP &&
   ! log_has testdev1 xts 64 $FP && log_has testdev0 cbc 16 $FP held &&
   ! log_has testdev0 xts 32 $FP && ! log_has testdev0 xts 64 $FP; then
	tap_ok "testdev1 holds tenant1's key only, testdev0 tenant2's only; the shared key neither"
else
	tap_fail "held keys where they belong" "$(cat "$TD/testdev1/keys" "$TD/testdev0/keys")"
fi
expect_w "unassign testdev1 from tenant1 (held transforms are idle)" 0 \
	"$P/tenant1/unassign_device" testdev1
if log_has testdev1 xts 32 $FP released && ! log_has testdev1 xts 32 $FP held &&
   log_has testdev1 xts 64 $FP held && ! log_has testdev1 cbc 16 $FP; then
	tap_ok "testdev1 left tenant1: tenant1's key released; in the shared pool it got the shared key"
else
	tap_fail "testdev1 leaving tenant1" "$(cat "$TD/testdev1/keys")"
fi
expect_w "assign testdev1 to tenant2" 0 "$P/tenant2/assign_device" testdev1
n1=$(grep -c " xts 32 $FP " "$TD/testdev1/keys")
if log_has testdev1 cbc 16 $FP held && log_has testdev1 xts 64 $FP released &&
   ! log_has testdev1 xts 64 $FP held && [ "$n1" = 1 ]; then
	tap_ok "testdev1 joined tenant2: tenant2's key prepared, the shared one released, tenant1's never again"
else
	tap_fail "testdev1 joining tenant2" "$(cat "$TD/testdev1/keys")"
fi
touch "$W/release"
wait $h1 $h2 $h3

check "partitions removed" part_reset
tap_done
