#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# roundtrip.sh - random sizes, keys and IVs through the virtio device,
# every output checked against the kernel's AES-NI implementation (the one
# the software device uses); whole files through the virtio device and the
# software device in turn, compared; an authenc AEAD whose cipher step runs
# on the virtio device with scatterlists longer than the step (truncated by
# the driver).

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DEV=virtio_crypto0
IV=f0e1d2c3b4a5968778695a4b3c2d1e0f

# fcrypt enc|dec KEYFILE < in > out: kcapi-enc with the engine's cbc(aes)
fcrypt() {
	if [ "$1" = enc ]; then
		kcapi-enc -q -e -c acrypto-cbc-aes --iv $IV --keyfd 3 3<"$2"
	else
		kcapi-enc -q -d --nounpad -c acrypto-cbc-aes --iv $IV \
			--keyfd 3 3<"$2"
	fi
}

# delta DEV COUNTER BEFORE
delta() {
	echo $(($(vac_counter "$1" "$2") - $3))
}

tap_plan 16
check "load acrypto, acrypto_soft, virtio_acrypto" vac_load soft
vac_broken soft 1
# Errors from here on: loading the software device ran self-tests, some of
# them routed through the virtio device (a refused request is an error).
e0=$(vac_counter $DEV errors)

s0=$(vac_counter soft sstarted)
v0=$(vac_counter $DEV sstarted)
for k in 16 24 32; do
	check_bench "AES-$((k * 8)): 1500 random sizes 16..65536, both directions, 16 in flight" \
		-c acrypto-cbc-aes -k $k -s 16-65536 -d 16 -n 1500 -o both -V $REF
done
check_bench "AES-128: 1000 random sizes 16..4096, one in flight" \
	-c acrypto-cbc-aes -s 16-4096 -d 1 -n 1000 -o both -V $REF
check_ge "$DEV did the work" "$(delta $DEV sstarted "$v0")" 5500
check_eq "the software device did none" 0 "$(delta soft sstarted "$s0")"
check_eq "$DEV: no errors" 0 "$(delta $DEV errors "$e0")"

# Whole files: virtio and software device must agree byte for byte.
head -c 16 /dev/urandom >/tmp/rt.key
head -c $((1048576 + 4096)) /dev/urandom >/tmp/rt.pt
v0=$(vac_counter $DEV sstarted)
fcrypt enc /tmp/rt.key </tmp/rt.pt >/tmp/rt.ct.virtio
check_ge "1 MiB file encrypted by $DEV" "$(delta $DEV sstarted "$v0")" 1

vac_broken soft 0
vac_broken $DEV 1
s0=$(vac_counter soft sstarted)
fcrypt enc /tmp/rt.key </tmp/rt.pt >/tmp/rt.ct.soft
fcrypt dec /tmp/rt.key </tmp/rt.ct.virtio >/tmp/rt.pt.soft
check_ge "the same file encrypted and decrypted by the software device" \
	"$(delta soft sstarted "$s0")" 2
check "ciphertexts of $DEV and the software device are equal" \
	cmp /tmp/rt.ct.virtio /tmp/rt.ct.soft
check "software device decrypts what $DEV encrypted" cmp /tmp/rt.pt /tmp/rt.pt.soft

vac_broken $DEV 0
vac_broken soft 1
fcrypt dec /tmp/rt.key </tmp/rt.ct.soft >/tmp/rt.pt.virtio
check "$DEV decrypts what the software device encrypted" \
	cmp /tmp/rt.pt /tmp/rt.pt.virtio
vac_broken soft 0

# authenc(hmac(sha256),cbc(aes)): the engine routes the cipher step to
# $DEV (idle hardware wins) and the HMAC step to the software device.  The
# cipher step's scatterlists start after the associated data and run on
# over the tag: the driver has to cut them to the step's length.
kmod_load authenc hmac sha256_generic aes_generic >/dev/null 2>&1
AUTHKEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
ENCKEY=8899aabbccddeeff0011223344556677
# struct rtattr { len 8, type CRYPTO_AUTHENC_KEYA_PARAM }, __be32 enckeylen
hex2bin "0800010000000010$AUTHKEY$ENCKEY" >/tmp/ae.key
AAD=feedfacedeadbeeffeedfacedeadbeefabaddad2
head -c 4096 /dev/urandom >/tmp/ae.pt
v0=$(vac_counter $DEV sstarted)
kcapi-enc -q -e -c acrypto-authenc-hmac-sha256-cbc-aes --iv $IV --aad $AAD \
	--taglen 32 --keyfd 3 3</tmp/ae.key </tmp/ae.pt >/tmp/ae.ours 2>/tmp/ae.err
check_ge "authenc: cipher step on $DEV" "$(delta $DEV sstarted "$v0")" 1
kcapi-enc -q -e -c "authenc(hmac(sha256-generic),cbc(aes-generic))" --iv $IV \
	--aad $AAD --taglen 32 --keyfd 3 3</tmp/ae.key </tmp/ae.pt >/tmp/ae.ref \
	2>>/tmp/ae.err
if [ -s /tmp/ae.ref ] && cmp /tmp/ae.ours /tmp/ae.ref >/dev/null 2>&1; then
	tap_ok "authenc output equals the kernel's generic authenc ($(wc -c </tmp/ae.ref) bytes)"
else
	tap_fail "authenc output equals the kernel's generic authenc" \
		"$(wc -c </tmp/ae.ours) vs $(wc -c </tmp/ae.ref 2>/dev/null) bytes; $(cat /tmp/ae.err)"
fi
check_eq "$DEV: no errors" 0 "$(delta $DEV errors "$e0")"
tap_done
