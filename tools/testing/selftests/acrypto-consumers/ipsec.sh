#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ipsec.sh - IPsec ESP between two network namespaces through the acrypto
# AEADs: rfc4106(gcm(aes)) and authenc(hmac(sha256),cbc(aes)) (the kernel
# wraps them in seqiv and echainiv), transport and tunnel mode.
#
#   ipsec.sh [basic]   the four combinations: ping, a checksummed bulk TCP
#                      transfer, `ip -s xfrm state` packet counts (and no
#                      integrity failures), /proc/crypto showing our drivers
#                      in use, and the device counters adding up exactly:
#                      one session per ESP packet (sfinished), one step per
#                      packet for rfc4106 and two (cipher, MAC) for authenc
#   ipsec.sh stress    the same traffic while the balancer is switched over
#                      and over (needs loadable balancers), and while a test
#                      device that takes the CBC steps breaks and recovers
#                      (needs acrypto_testdev): nothing lost, every session
#                      finished once
#   ipsec.sh virtio    with the QEMU virtio-crypto device (AES-CBC only)
#                      next to soft: authenc's CBC steps partly there,
#                      rfc4106 never; the counters add up exactly
#
# Namespaces "ipa" (10.99.0.1, inner 172.16.1.1) and "ipb" (10.99.0.2,
# inner 172.16.2.1) joined by veth.  The real iproute2 is called by full
# path: busybox's applet would shadow it.

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib-consumers.sh
. "$HERE/lib-consumers.sh"

IP=/usr/sbin/ip
MODE=${1:-basic}
W=/tmp/ipsec
BULK_KB=${ACRYPTO_IPSEC_KB:-2048}
A_OUT=10.99.0.1 B_OUT=10.99.0.2
A_IN=172.16.1.1 B_IN=172.16.2.1
mkdir -p "$W"

consumers_setup || tap_bail "cannot load acrypto_soft"
kmod_load veth esp4 xfrm_user || tap_bail "cannot load veth, esp4, xfrm_user"

setup_netns() {
	$IP netns add ipa && $IP netns add ipb &&
	$IP link add va netns ipa type veth peer name vb netns ipb &&
	$IP -n ipa addr add $A_OUT/24 dev va &&
	$IP -n ipb addr add $B_OUT/24 dev vb &&
	$IP -n ipa link set lo up && $IP -n ipb link set lo up &&
	$IP -n ipa link set va up && $IP -n ipb link set vb up &&
	$IP -n ipa addr add $A_IN/32 dev lo &&
	$IP -n ipb addr add $B_IN/32 dev lo &&
	$IP -n ipa route add $B_IN/32 via $B_OUT src $A_IN &&
	$IP -n ipb route add $A_IN/32 via $A_OUT src $B_IN
}

check "two network namespaces joined by veth" setup_netns ||
	tap_bail "network namespaces"
wait_for "$IP netns exec ipa ping -c 1 -W 1 $B_OUT" 10 ||
	tap_diag "veth: no plain ping yet"

hexkey() {	# bytes
	head -c "$1" /dev/urandom | xxd -p | tr -d '\n'
}

xfrm_flush() {
	for ns in ipa ipb; do
		$IP -n $ns xfrm policy flush
		$IP -n $ns xfrm state flush
	done
}

# Security associations and policies for one combination, in both
# namespaces.  $1: rfc4106|authenc, $2: transport|tunnel
# shellcheck disable=SC2086 # selectors are words
xfrm_setup() {
	alg=$1 mode=$2
	if [ "$alg" = rfc4106 ]; then
		set -- aead 'rfc4106(gcm(aes))' "0x$(hexkey 20)" 128
		set -- "$@" '|' aead 'rfc4106(gcm(aes))' "0x$(hexkey 20)" 128
	else
		set -- enc 'cbc(aes)' "0x$(hexkey 16)" \
			auth-trunc 'hmac(sha256)' "0x$(hexkey 32)" 128
		set -- "$@" '|' enc 'cbc(aes)' "0x$(hexkey 16)" \
			auth-trunc 'hmac(sha256)' "0x$(hexkey 32)" 128
	fi
	# split "$@" at '|': algorithms of a->b, then of b->a
	ab='' ba='' side=ab
	for w in "$@"; do
		if [ "$w" = '|' ]; then side=ba; continue; fi
		if [ $side = ab ]; then ab="$ab '$w'"; else ba="$ba '$w'"; fi
	done
	if [ "$mode" = tunnel ]; then
		sel_ab="src $A_IN/32 dst $B_IN/32"
		sel_ba="src $B_IN/32 dst $A_IN/32"
	else
		sel_ab="src $A_OUT/32 dst $B_OUT/32"
		sel_ba="src $B_OUT/32 dst $A_OUT/32"
	fi
	for ns in ipa ipb; do
		eval "$IP -n $ns xfrm state add src $A_OUT dst $B_OUT proto esp \
			spi 0x1000 reqid 1 mode $mode $ab" || return 1
		eval "$IP -n $ns xfrm state add src $B_OUT dst $A_OUT proto esp \
			spi 0x2000 reqid 2 mode $mode $ba" || return 1
	done
	$IP -n ipa xfrm policy add $sel_ab dir out \
		tmpl src $A_OUT dst $B_OUT proto esp reqid 1 mode $mode &&
	$IP -n ipa xfrm policy add $sel_ba dir in \
		tmpl src $B_OUT dst $A_OUT proto esp reqid 2 mode $mode &&
	$IP -n ipb xfrm policy add $sel_ba dir out \
		tmpl src $B_OUT dst $A_OUT proto esp reqid 2 mode $mode &&
	$IP -n ipb xfrm policy add $sel_ab dir in \
		tmpl src $A_OUT dst $B_OUT proto esp reqid 1 mode $mode
}

# Packets and integrity failures over every SA of both namespaces:
# prints "packets failed sa_without_packets".
xfrm_packets() {
	for ns in ipa ipb; do
		$IP -n $ns -s xfrm state
	done | awk '
		/^src / { sa++ }
		/\(bytes\), .*\(packets\)/ {
			n = $2; sub(/\(packets\)/, "", n); pk += n
			if (n + 0 == 0) zero++
		}
		/stats:/ { for (i = 1; i < NF; i++) if ($i == "failed") f += $(i + 1) }
		END { print pk + 0, f + 0, zero + 0, sa + 0 }'
}

# A bulk TCP transfer from ipa to ipb, checksummed.  $1: destination.
# busybox nc -l quits when its stdin ends: a FIFO held open by a sleeping
# writer keeps it open, and the server quits when the client's data ends.
bulk() {
	dst=$1
	rm -f "$W/recv" "$W/hold"
	mkfifo "$W/hold"
	sleep 120 >"$W/hold" &
	holder=$!
	$IP netns exec ipb timeout 60 nc -l -p 5001 <"$W/hold" >"$W/recv" &
	srv=$!
	wait_for "$IP netns exec ipb netstat -ltn | grep -q ':5001 '" 10
	start=$(date +%s)
	timeout 60 $IP netns exec ipa nc "$dst" 5001 <"$W/send"
	crc=$?
	wait_for "! kill -0 $srv" 30
	kill $srv $holder 2>/dev/null
	wait $srv $holder 2>/dev/null
	BULK_SECS=$(($(date +%s) - start))
	[ $crc -eq 0 ] && [ "$(sha "$W/recv")" = "$SEND_SHA" ]
}

dd if=/dev/urandom of="$W/send" bs=1k count="$BULK_KB" 2>/dev/null
SEND_SHA=$(sha "$W/send")

# Drivers that must be in use while the SAs exist.
driver_of() {
	[ "$1" = rfc4106 ] && echo acrypto-rfc4106-gcm-aes ||
		echo acrypto-authenc-hmac-sha256-cbc-aes
}

# Run traffic for one combination; optional $3: a command run in the
# background during the bulk transfer (balancer switching, breaking).
# Sets RES_PACKETS and RES_DELTA (summed over all acrypto devices).
traffic() {
	alg=$1 mode=$2 bg=${3:-}
	t="$alg $mode"
	[ -n "$bg" ] && t="$t, $4"
	xfrm_flush
	drv=$(driver_of "$alg")
	# SAs of the previous round are freed in the background
	wait_for "[ \"\$(awk -v d=$drv '\$1 == \"driver\" { f = (\$3 == d) } f && \$1 == \"refcnt\" { print \$3; exit }' /proc/crypto)\" = 1 ]" 10
	r0=$(refcnt "$drv")
	if ! check "$t: ip xfrm state/policy add" xfrm_setup "$alg" "$mode"; then
		return 1
	fi
	r1=$(refcnt "$drv")
	if [ -n "$r0" ] && [ -n "$r1" ] && [ "$r1" -gt "$r0" ]; then
		tap_ok "$t: /proc/crypto: $drv refcnt $r0 -> $r1 with the SAs"
	else
		tap_fail "$t: /proc/crypto: $drv in use by the SAs" \
			"refcnt '$r0' -> '$r1'"
		grep -E '^(name|driver)' /proc/crypto | grep -B1 "$drv" |
			tap_diag
	fi
	[ "$mode" = tunnel ] && dst=$B_IN || dst=$B_OUT
	c0=$(ctr_snap_all)
	check "$t: ping through ESP" \
		$IP netns exec ipa ping -c 4 -W 2 "$dst"
	if [ -n "$bg" ]; then
		sh -c "$bg" &
		bgpid=$!
	fi
	if bulk "$dst"; then
		tap_ok "$t: bulk TCP transfer of $BULK_KB KiB, sha256 matches (${BULK_SECS}s)"
	else
		tap_fail "$t: bulk TCP transfer of $BULK_KB KiB" \
			"sha256 $(sha "$W/recv" 2>/dev/null), sent $SEND_SHA, $(wc -c <"$W/recv" 2>/dev/null) bytes"
	fi
	if [ -n "$bg" ]; then
		kill "$bgpid" 2>/dev/null
		wait "$bgpid" 2>/dev/null
	fi
	# let deferred completions settle before reading the counters
	wait_for "[ \$(cat /sys/class/acrypto/crypto_sessions/queue_len) = 0 ]" 10
	c1=$(ctr_snap_all)
	RES_DELTA=$(ctr_delta "$c0" "$c1")
	# shellcheck disable=SC2046 # four numbers
	set -- $(xfrm_packets)
	RES_PACKETS=$1
	if [ "$1" -gt 0 ] && [ "$2" -eq 0 ] && [ "$3" -eq 0 ] && [ "$4" -eq 4 ]; then
		tap_ok "$t: ip -s xfrm state: $1 packets over 4 SAs, 0 integrity failures"
	else
		tap_fail "$t: ip -s xfrm state: every SA carried packets, none failed" \
			"packets $1, failed $2, SAs without packets $3, SAs $4"
		for ns in ipa ipb; do $IP -n $ns -s xfrm state; done | tap_diag
	fi
}

# The counters summed over all devices add up to the ESP packets.
check_sessions() {	# title steps_per_packet exact_starts
	p=$RES_PACKETS
	spp=$2
	# shellcheck disable=SC2086 # four numbers
	set -- "$1" "$2" "$3" $RES_DELTA
	ok=1
	[ "$5" -eq $((p * spp)) ] || ok=0	# scompleted: each step once
	[ "$6" -eq "$p" ] || ok=0		# sfinished: each session once
	[ "$7" -eq 0 ] || ok=0			# errors
	if [ "$3" = exact ]; then
		[ "$4" -eq $((p * spp)) ] || ok=0
	else
		[ "$4" -ge $((p * spp)) ] || ok=0
	fi
	if [ $ok = 1 ]; then
		tap_ok "$1: acrypto did the work: $p packets, $(ctr_show "$RES_DELTA")"
	else
		tap_fail "$1: acrypto counters add up to the ESP packets" \
			"$p packets: expected $((p * spp)) steps, $p sessions, no errors; got $(ctr_show "$RES_DELTA")"
		for d in /sys/class/acrypto/*/sstarted; do
			dd=$(dirname "$d")
			tap_diag "$(basename "$dd"): $(ctr_snap "$(basename "$dd")")"
		done
	fi
}

steps_of() {
	[ "$1" = rfc4106 ] && echo 1 || echo 2
}

basic() {
	for alg in rfc4106 authenc; do
		for mode in transport tunnel; do
			traffic "$alg" "$mode" || continue
			check_sessions "$alg $mode" "$(steps_of "$alg")" exact
		done
	done
}

stress() {
	# Balancers: the built-in one and whatever the image has.
	lbs=simple_lb
	for m in rr_lb size_lb failover_lb adaptive_lb; do
		have_module "$m" && kmod_load "$m" && lbs="$lbs $m"
	done
	if [ "$lbs" = simple_lb ]; then
		tap_skip "balancer switching during IPsec" \
			"pending: no loadable balancer (crypto/lb) in this image"
	else
		tap_diag "balancers: $(tr '\n' ' ' </sys/class/crypto_lb/lbs)"
		sw="while :; do for l in $lbs; do echo \$l >/sys/class/crypto_lb/lbs; usleep 20000; done; done"
		for alg in rfc4106 authenc; do
			traffic "$alg" tunnel "$sw" "balancer switched every 20 ms" ||
				continue
			check_sessions "$alg tunnel, balancers switched" \
				"$(steps_of "$alg")" exact
		done
		echo simple_lb >/sys/class/crypto_lb/lbs
	fi

	if ! have_module acrypto_testdev; then
		tap_skip "a device breaking during IPsec" \
			"pending: acrypto_testdev is not in this image"
		return
	fi
	if ! kmod_load acrypto_testdev; then
		tap_fail "load acrypto_testdev"
		return
	fi
	td=''
	for d in /sys/class/acrypto/testdev*; do
		[ -d "$d" ] && td=$d && break
	done
	if [ -z "$td" ]; then
		tap_fail "acrypto_testdev registered a device"
		return
	fi
	tdn=$(basename "$td")
	tap_diag "$tdn: $(tr '\n' ';' <"$td/capabilities")"
	t0=$(ctr_snap "$tdn")
	brk="while :; do usleep 150000; echo 1 >$td/broken; usleep 100000; echo 0 >$td/broken; done"
	traffic authenc tunnel "$brk" "$tdn breaking every 250 ms" && {
		echo 0 >"$td/broken"
		check_sessions "authenc tunnel, $tdn breaking" 2 atleast
		d=$(ctr_delta "$t0" "$(ctr_snap "$tdn")")
		if [ "$(ctr_field "$d" 2)" -gt 0 ]; then
			tap_ok "$tdn did part of the CBC steps: $(ctr_show "$d")"
		else
			tap_fail "$tdn took CBC steps during the transfer" \
				"$(ctr_show "$d")"
		fi
	}
	echo 0 >"$td/broken"
	xfrm_flush
	rmmod acrypto_testdev 2>/dev/null
}

# ESP with the QEMU virtio-crypto device (AES-CBC only) next to soft:
# authenc's CBC steps partly on it, rfc4106 never.
virtio() {
	if ! have_module virtio_acrypto ||
	   ! ls /sys/bus/virtio/devices/*/ >/dev/null 2>&1; then
		tap_skip "IPsec with virtio-crypto" \
			"pending: no virtio_acrypto module or no virtio device"
		return
	fi
	check "load virtio_acrypto" kmod_load virtio_acrypto || return
	wait_for "ls -d /sys/class/acrypto/virtio*" 10
	vd=''
	for d in /sys/class/acrypto/virtio*; do
		[ -d "$d" ] && vd=$(basename "$d") && break
	done
	for alg in authenc rfc4106; do
		v0=$(ctr_snap "$vd")
		traffic "$alg" tunnel || continue
		check_sessions "$alg tunnel next to $vd" "$(steps_of "$alg")" exact
		d=$(ctr_delta "$v0" "$(ctr_snap "$vd")")
		if [ "$alg" = rfc4106 ]; then
			check_eq "$alg: $vd (no AEAD) never got a session" \
				"0 0 0 0" "$d"
		elif [ "$(ctr_field "$d" 2)" -gt 0 ] &&
		     [ "$(ctr_field "$d" 4)" = 0 ]; then
			tap_ok "$alg: $vd did part of the CBC steps: $(ctr_show "$d")"
		else
			tap_fail "$alg: $vd took CBC steps" "$(ctr_show "$d")"
		fi
	done
	xfrm_flush
	wait_for "[ \$(cat /sys/class/acrypto/crypto_sessions/queue_len) = 0 ]" 10
	check "unload virtio_acrypto" rmmod virtio_acrypto
}

case $MODE in
basic) basic ;;
stress) stress ;;
virtio) virtio ;;
*) tap_bail "ipsec.sh: unknown mode $MODE" ;;
esac

xfrm_flush
$IP netns del ipa
$IP netns del ipb
rm -rf "$W"
tap_done
