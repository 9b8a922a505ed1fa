#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kat.sh - NIST SP 800-38A AES-CBC known answers (F.2.1 to F.2.6) through
# the virtio device, bound by driver name (kcapi -c acrypto-cbc-aes), with
# the software device loaded but out of service: the device counters prove
# who did the work.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DEV=virtio_crypto0
IV=000102030405060708090a0b0c0d0e0f
PT=6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710

# name key ciphertext
VECTORS="
F.2.1/2-CBC-AES128 2b7e151628aed2a6abf7158809cf4f3c 7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7
F.2.3/4-CBC-AES192 8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b 4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd
F.2.5/6-CBC-AES256 603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4 f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b
"

# crypt enc|dec KEYHEX DATAHEX -> output hex
crypt() {
	hex2bin "$2" >/tmp/kat.key
	if [ "$1" = enc ]; then
		hex2bin "$3" | kcapi-enc -q -e -c acrypto-cbc-aes --iv $IV \
			--keyfd 3 3</tmp/kat.key | bin2hex
	else
		hex2bin "$3" | kcapi-enc -q -d --nounpad -c acrypto-cbc-aes \
			--iv $IV --keyfd 3 3</tmp/kat.key | bin2hex
	fi
}

tap_plan 10
check "load acrypto, acrypto_soft, virtio_acrypto" vac_load soft
check "software device out of service" vac_broken soft 1

v0=$(vac_counter $DEV sstarted)
s0=$(vac_counter soft sstarted)
while read -r name key ct; do
	[ -n "$name" ] || continue
	check_eq "$name encrypt" "$ct" "$(crypt enc "$key" "$PT")"
	check_eq "$name decrypt" "$PT" "$(crypt dec "$key" "$ct")"
done <<EOV
$VECTORS
EOV
v1=$(vac_counter $DEV sstarted)
s1=$(vac_counter soft sstarted)
check_ge "$DEV started the 6 requests" $((v1 - v0)) 6
check_eq "the software device did none" 0 $((s1 - s0))
vac_broken soft 0
tap_done
