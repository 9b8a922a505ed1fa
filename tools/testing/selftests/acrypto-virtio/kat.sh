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
# shellcheck source=../acrypto-common/vectors.sh
. "$ACRYPTO_VECTORS"

DEV=virtio_crypto0
IV=$SP800_38A_CBC_IV
PT=$SP800_38A_PTEXT

# name key ciphertext
VECTORS="
F.2.1/2-CBC-AES128 $SP800_38A_KEY128 $SP800_38A_CBC_AES128
F.2.3/4-CBC-AES192 $SP800_38A_KEY192 $SP800_38A_CBC_AES192
F.2.5/6-CBC-AES256 $SP800_38A_KEY256 $SP800_38A_CBC_AES256
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
