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

IP=/usr/sbin/ip
DEV=virtio_crypto0
A=10.99.0.1 B=10.99.0.2
SIZES="56 1400 8000 16000 24000 32000 48000 60000 65000"
W=/tmp/vac-ipsec
mkdir -p $W

tap_plan 20
check "load acrypto and virtio_acrypto (no software device)" vac_load
check "no software device" test ! -d $CLS/soft
if ! kmod_load veth esp4 xfrm_user authenc hmac echainiv ||
   ! { kmod_load sha256_ssse3 || kmod_load sha256_generic; }; then
	tap_bail "cannot load veth, esp4, xfrm_user, authenc, hmac, sha256"
fi

setup_netns() {
	$IP netns add ipa && $IP netns add ipb &&
	$IP link add va netns ipa type veth peer name vb netns ipb &&
	$IP -n ipa addr add $A/24 dev va && $IP -n ipb addr add $B/24 dev vb &&
	$IP -n ipa link set lo up && $IP -n ipb link set lo up &&
	$IP -n ipa link set va up && $IP -n ipb link set vb up
}

hexkey() {	# bytes
	head -c "$1" /dev/urandom | xxd -p | tr -d '\n'
}

# ESP transport mode, one SA per direction, the same in both namespaces.
setup_xfrm() {
	k1=$(hexkey 16) a1=$(hexkey 32) k2=$(hexkey 32) a2=$(hexkey 32)
	for ns in ipa ipb; do
		$IP -n $ns xfrm state add src $A dst $B proto esp spi 0x1000 \
			reqid 1 mode transport enc 'cbc(aes)' "0x$k1" \
			auth-trunc 'hmac(sha256)' "0x$a1" 128 || return 1
		$IP -n $ns xfrm state add src $B dst $A proto esp spi 0x2000 \
			reqid 2 mode transport enc 'cbc(aes)' "0x$k2" \
			auth-trunc 'hmac(sha256)' "0x$a2" 128 || return 1
	done
	$IP -n ipa xfrm policy add src $A/32 dst $B/32 dir out \
		tmpl src $A dst $B proto esp reqid 1 mode transport &&
	$IP -n ipa xfrm policy add src $B/32 dst $A/32 dir in \
		tmpl src $B dst $A proto esp reqid 2 mode transport &&
	$IP -n ipb xfrm policy add src $B/32 dst $A/32 dir out \
		tmpl src $B dst $A proto esp reqid 2 mode transport &&
	$IP -n ipb xfrm policy add src $A/32 dst $B/32 dir in \
		tmpl src $A dst $B proto esp reqid 1 mode transport
}

# Packets and integrity failures over the SAs of both namespaces.
xfrm_stats() {
	for ns in ipa ipb; do
		$IP -n $ns -s xfrm state
	done | awk '
		/\(bytes\), .*\(packets\)/ { n = $2; sub(/\(packets\)/, "", n); pk += n }
		/stats:/ { for (i = 1; i < NF; i++) if ($i == "failed") f += $(i + 1) }
		END { print pk + 0, f + 0 }'
}

check "two network namespaces joined by veth" setup_netns ||
	tap_bail "network namespaces"
check "ESP SAs and policies, cbc(aes) + hmac(sha256)" setup_xfrm ||
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
		$IP netns exec ipa ping -c 2 -W 10 -s "$s" $B && n=$((n + 2))
done

# TCP: skbs with page frags.  busybox nc -l quits when its stdin ends: a
# FIFO held open by a sleeping writer keeps it open.
bulk() {
	rm -f $W/recv $W/hold
	mkfifo $W/hold
	sleep 120 >$W/hold 2>/dev/null &
	holder=$!
	$IP netns exec ipb timeout 100 nc -l -p 5001 <$W/hold >$W/recv 2>/dev/null &
	srv=$!
	vac_wait 10 sh -c "$IP netns exec ipb netstat -ltn | grep -q ':5001 '"
	timeout 100 $IP netns exec ipa nc $B 5001 <$W/send >/dev/null 2>&1
	rc=$?
	vac_wait 30 sh -c "! kill -0 $srv"
	kill $srv $holder 2>/dev/null
	wait $srv $holder 2>/dev/null
	[ $rc -eq 0 ] && cmp -s $W/send $W/recv
}
head -c 1048576 /dev/urandom >$W/send
ok_if "1 MiB over TCP through ESP, received intact" bulk

# shellcheck disable=SC2046 # two numbers
set -- $(xfrm_stats)
check_ge "ESP packets over the SAs" "$1" $((n * 2))
check_eq "no integrity failures" 0 "$2"
check_ge "$DEV did the CBC steps (4 per echo, TCP more)" \
	$(($(vac_counter $DEV sstarted) - v0)) $((n * 2))
check_eq "$DEV: no errors" 0 $(($(vac_counter $DEV errors) - e0))
check_eq "$DEV: nothing declined (every chain fits)" 0 \
	$(($(vac_counter $DEV declined) - d0))

for ns in ipa ipb; do
	$IP -n $ns xfrm policy flush
	$IP -n $ns xfrm state flush
done
$IP netns del ipa
$IP netns del ipb
rm -rf $W
tap_done
