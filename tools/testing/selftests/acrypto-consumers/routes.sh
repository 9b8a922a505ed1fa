#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# routes.sh - authenc(hmac(sha256),cbc(aes)) as a route of two devices.
#
#   routes.sh [testdev]  acrypto_testdev loaded with AES-CBC only (modes=cbc)
#   routes.sh virtio     the QEMU virtio-crypto device (virtio_acrypto),
#                        which has AES-CBC and nothing else
#
# A cipher device without MAC, like a crypto card with no hash engine.
# The default balancer would give the cipher steps to whichever device
# finishes them first (soft, for these small requests): failover_lb, whose
# primary is the hardware-class device, makes the routes deterministic.
# Then:
#   - kcapi_aead -r: every authenc operation takes its CBC step to that
#     device and its HMAC step to the soft device (encryption: cipher then
#     MAC, the soft device finishes; decryption: MAC and tag check first,
#     the cipher device finishes; a wrong tag never reaches it), proven by
#     the exact counters of both devices, with the right output (known
#     answers, round trips against the kernel's implementation, sync,
#     stream and AIO; both devices complete asynchronously).  With the
#     test device, the same when every third CBC step fails there: the
#     engine retries it on the soft device.  gcm(aes) and rfc4106(gcm(aes))
#     never touch the cipher device.
#   - the hashes never touch it either.
# Several TAP documents, one per part.  Without the device or its driver
# in the guest the whole test is skipped (pending).

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib-consumers.sh
. "$HERE/lib-consumers.sh"

KIND=${1:-testdev}
rc=0
# A new TAP document: lib.sh's counters start again.
# shellcheck disable=SC2034 # lib.sh's variables
tap_reset() {
	TAP_N=0 TAP_PASS=0 TAP_FAIL=0 TAP_SKIP=0 TAP_PLANNED=''
}
doc_done() {
	tap_done || rc=1
	tap_reset
}

consumers_setup || tap_bail "cannot load acrypto_soft"
case $KIND in
testdev)
	MOD=acrypto_testdev PATTERN=testdev
	if ! have_module $MOD; then
		tap_skip "routes: authenc across a cipher-only device and soft" \
			"pending: acrypto_testdev is not in this image"
		tap_done
		exit 0
	fi
	check "load acrypto_testdev with AES-CBC only" \
		modprobe $MOD modes=cbc || { tap_done; exit 1; } ;;
virtio)
	MOD=virtio_acrypto PATTERN=virtio
	if ! have_module $MOD || ! ls /sys/bus/virtio/devices/*/ >/dev/null 2>&1; then
		tap_skip "routes: authenc across virtio-crypto and soft" \
			"pending: no virtio_acrypto module or no virtio device"
		tap_done
		exit 0
	fi
	check "load virtio_acrypto" modprobe $MOD || { tap_done; exit 1; }
	wait_for "ls -d /sys/class/acrypto/$PATTERN*" 10 ;;
*)
	tap_bail "routes.sh: unknown device kind $KIND" ;;
esac

TD=''
for d in /sys/class/acrypto/"$PATTERN"*; do
	[ -d "$d" ] && TD=$d && break
done
TDN=$(basename "${TD:-none}")
caps=$(cat "$TD/capabilities" 2>/dev/null)
case $caps in
aes-cbc*)
	if [ "$(echo "$caps" | wc -l)" -eq 1 ]; then
		tap_ok "$TDN offers AES-CBC only: $caps"
	else
		tap_fail "$TDN offers AES-CBC only" "capabilities: $caps"
	fi ;;
*)	tap_fail "$TDN offers AES-CBC only" "capabilities: '$caps'" ;;
esac
check "authenc is still served (its HMAC step only by soft)" \
	have_driver acrypto-authenc-hmac-sha256-cbc-aes
KNOB=''
if [ "$KIND" = testdev ]; then
	KNOB=/sys/kernel/debug/acrypto_testdev/$TDN/fail_every
	if [ -w "$KNOB" ]; then
		tap_ok "$TDN fault injection knob $KNOB"
	else
		tap_fail "$TDN fault injection knob" "no $KNOB"
		KNOB=''
	fi
fi
doc_done

# The AEADs in route mode: authenc's cipher steps on the cipher device.
modprobe failover_lb && echo -n failover_lb >/sys/class/crypto_lb/lbs ||
	tap_diag "cannot make failover_lb current"
"$HERE/kcapi_aead" -q -r "$TDN" ${KNOB:+-f "$KNOB"} || rc=1
echo -n simple_lb >/sys/class/crypto_lb/lbs
rmmod failover_lb

# The hashes: all on soft, nothing on the cipher device.
t0=$(ctr_snap "$TDN")
"$HERE/kcapi_hash" -q || rc=1
d=$(ctr_delta "$t0" "$(ctr_snap "$TDN")")
check_eq "hashes never reach $TDN (it has no hash)" "0 0 0 0" "$d"
check "unload $MOD" rmmod $MOD
doc_done
exit $rc
