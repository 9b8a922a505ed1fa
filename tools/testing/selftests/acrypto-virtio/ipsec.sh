#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ipsec.sh - IPsec ESP with cbc(aes) + hmac(sha256) between two network
# namespaces joined by veth (MTU 1500), with the virtio device as the only
# acrypto device (no acrypto_soft): the kernel's authenc template then runs
# its CBC steps on acrypto-cbc-aes, which is virtio_crypto0.  ESP hands the
# cipher long scatterlists, in place: one entry per IP fragment of a large
# ping once reassembled (about 45 for 64 KiB), and skbs with page frags for
# TCP.  Pings of 56 bytes to 65000 bytes and a checksummed TCP transfer
# must all get through, every CBC step done by the device: its counters
# move, with no error and nothing declined.
#
# The set-up follows selftests/acrypto-consumers/ipsec.sh (transport mode
# here).

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DEV=virtio_crypto0
SIZES="56 1400 8000 16000 24000 32000 48000 60000 65000"

tap_plan 20
check "load acrypto and virtio_acrypto (no software device)" vac_load
check "no software device" test ! -d $CLS/soft
if ! kmod_load veth esp4 xfrm_user authenc hmac echainiv ||
   ! { kmod_load sha256_ssse3 || kmod_load sha256_generic; }; then
	tap_bail "cannot load veth, esp4, xfrm_user, authenc, hmac, sha256"
fi

check "two network namespaces joined by veth" ipsec_netns ||
	tap_bail "network namespaces"
check "ESP SAs and policies, cbc(aes) + hmac(sha256)" ipsec_xfrm cbc ||
	tap_bail "xfrm"

e0=$(vac_counter $DEV errors) d0=$(vac_counter $DEV declined)
v0=$(vac_counter $DEV sstarted)
# The SAs' transforms: the kernel's authenc over our cbc(aes).
inst=$(awk '$1 == "driver" && $3 ~ /^authenc\(hmac\(sha256.*acrypto-cbc-aes\)$/ { print $3; exit }' /proc/crypto)
if [ -n "$inst" ]; then
	tap_ok "the SAs use $inst"
else
	tap_fail "the SAs use authenc over acrypto-cbc-aes" \
		"$(grep 'authenc' /proc/crypto | tr '\n' ' ')"
fi

n=0
for s in $SIZES; do
	check "ping -s $s through ESP" \
		$IP netns exec ipa ping -c 2 -W 10 -s "$s" $IPSEC_B && n=$((n + 2))
done

ok_if "1 MiB over TCP through ESP, received intact" ipsec_bulk 1024

# shellcheck disable=SC2046 # two numbers
set -- $(ipsec_stats)
check_ge "ESP packets over the SAs" "$1" $((n * 2))
check_eq "no integrity failures" 0 "$2"
check_ge "$DEV did the CBC steps (4 per echo, TCP more)" \
	$(($(vac_counter $DEV sstarted) - v0)) $((n * 2))
check_eq "$DEV: no errors" 0 $(($(vac_counter $DEV errors) - e0))
check_eq "$DEV: nothing declined (every chain fits)" 0 \
	$(($(vac_counter $DEV declined) - d0))

ipsec_cleanup
tap_done
