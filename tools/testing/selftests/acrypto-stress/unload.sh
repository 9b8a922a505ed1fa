#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# unload.sh - module unload in every order while the engine is busy (in
# the debug kernel, every position: see ORDERS).
#
# The modules: the devices (acrypto_soft, acrypto_testdev, virtio_acrypto
# when the guest has a virtio-crypto device), the module of the current
# balancer (rr_lb when present), and the engine (acrypto).  For every
# order of the devices and the balancer, with AF_ALG workers running on
# every algorithm: load everything, make the balancer current, start the
# workers, unload the modules in that order one by one (-t apart),
# then try the engine while a transform set up before still exists (its
# devices are gone), stop the workers and the holder and unload the
# engine.  Each unload must succeed or be refused (EAGAIN, in use), never
# anything else; the engine must be refused while a transform exists and
# go once none is left; workers may see only the
# errors of algorithms losing their devices (ENODEV on a transform whose
# devices left, ENOENT or EAGAIN for a new transform of an algorithm no
# device serves); no wrong output, no lost request, no crash.
#
# Usage: unload.sh [-t SECONDS]   (between two unloads, default 0.5)

. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib-stress.sh"
E=$HERE/errno_of

T=0.5
[ "${1:-}" = -t ] && T=$2
W=/tmp/unload
mkdir -p $W

stress_load "instances=2 latency_us=300" || tap_bail "cannot load the engine"
# The algorithms register afresh in every order: their self-tests, run
# elsewhere, would cost seconds each time.
NOTESTS=/sys/module/cryptomgr/parameters/notests
[ -w $NOTESTS ] && echo 1 >$NOTESTS

SET="acrypto_soft acrypto_testdev"
[ "$HAVE_VIRTIO" = 1 ] && SET="$SET virtio_acrypto"
LB=''
case " $LB_MODULES " in *" rr_lb "*) LB=rr_lb; SET="$SET rr_lb" ;; esac
# The other balancers would keep the engine loaded: out of the way.
for m in $LB_MODULES; do
	[ "$m" = "$LB" ] || rmmod "$m"
done
# The debug kernel (lockdep) is about ten times slower here: there the
# rotations of the order and of its reverse, each module unloaded at every
# position and both before and after every other one; Debian's kernel
# runs every order.
ORDERS=permutations
[ -e /proc/lockdep ] && ORDERS=rotations
tap_diag "unloading in $ORDERS of: $SET, then acrypto"

permutations() {
	echo "$*" | awk '
	function perm(pre, rest, n,   i, j, r) {
		if (n == 0) { print substr(pre, 2); return }
		for (i = 1; i <= n; i++) {
			r = ""
			for (j = 1; j <= n; j++) if (j != i) r = r " " w[rest, j]
			split(substr(r, 2), tmp, " ")
			for (j = 1; j < n; j++) w[rest + 1, j] = tmp[j]
			perm(pre " " w[rest, i], rest + 1, n - 1)
		}
	}
	{ for (i = 1; i <= NF; i++) w[0, i] = $i; perm("", 0, NF) }'
}

# rotations WORD...: the rotations of the words and of their reverse, one
# order per line.
rotations() {
	echo "$*" | awk '{
		for (r = 0; r < 2; r++)
			for (s = 0; s < NF; s++) {
				o = ""
				for (k = 0; k < NF; k++) {
					j = (s + k) % NF + 1
					if (r)
						j = NF + 1 - j
					o = o " " $j
				}
				print substr(o, 2)
			}
	}'
}

load_set() {
	kmod_load crypto_user aesni_intel sha256_ssse3 sha1_ssse3 >/dev/null 2>&1
	modprobe acrypto_soft || return 1
	[ -d /sys/module/acrypto_testdev ] || modprobe acrypto_testdev instances=2 latency_us=300 || return 1
	if [ "$HAVE_VIRTIO" = 1 ]; then modprobe virtio_acrypto || return 1; fi
	if [ -n "$LB" ]; then
		modprobe $LB && echo $LB >$LBS || return 1
	fi
	wait_algs
}

i=0
for order in $($ORDERS $SET | tr ' ' ,); do
	i=$((i + 1))
	t0=$(cut -d' ' -f1 /proc/uptime)
	order=$(echo "$order" | tr , ' ')
	name="order $i: $order, acrypto"
	if ! load_set; then
		tap_fail "$name" "cannot load the modules"
		continue
	fi
	rm -f $W/stop
	"$HERE/stress_afalg" -t 600 -S $W/stop -w 3 -k 2 -T 60 \
		-e ENODEV,ENOENT,EAGAIN >$W/workers.out 2>&1 &
	wpid=$!
	# A transform that outlives its devices: it holds the engine.
	"$E" hold skcipher acrypto-cbc-aes 16 $W/stop >$W/hold.out 2>&1 &
	hpid=$!
	sleep "$T"
	held=$(head -n 1 $W/hold.out)
	bad=''
	for m in $order; do
		r=$("$E" unload $m)
		case $r in
		0|EAGAIN) echo "$m:$r" >>$W/log ;;
		*) bad="$bad rmmod $m: $r;" ;;
		esac
		sleep "$T"
	done
	# A transform is alive (the holder's): the engine must stay.
	r=$("$E" unload acrypto)
	case $r in
	EAGAIN) ;;
	0) bad="$bad acrypto unloaded while a transform exists (holder: $held);" ;;
	*) bad="$bad rmmod acrypto (busy): $r;" ;;
	esac
	touch $W/stop
	wait $wpid
	wrc=$?
	wait $hpid
	[ $wrc = 0 ] || bad="$bad workers: exit $wrc ($(grep '^stress_afalg:' $W/workers.out));"
	# Whatever is left, then the engine: now it must go.
	for m in $order; do
		[ -d /sys/module/$m ] && { r=$("$E" unload $m); [ "$r" = 0 ] || bad="$bad rmmod $m (idle): $r;"; }
	done
	r='' _try=0
	while [ $_try -lt 50 ]; do
		r=$("$E" unload acrypto)
		[ "$r" = 0 ] && break
		usleep 200000	# algorithms of the last transforms go in a worker
		_try=$((_try + 1))
	done
	[ "$r" = 0 ] || bad="$bad rmmod acrypto (idle): $r;"
	if [ -z "$bad" ]; then
		tap_ok "$name"
		tap_diag "$(grep '^stress_afalg:' $W/workers.out)," \
			"$(awk -v s="$t0" '{ printf "%.1f", $1 - s }' /proc/uptime) s"
	else
		tap_fail "$name" "$bad"
		grep '^#' $W/workers.out | head -n 5 | tap_diag
	fi
done

[ -w $NOTESTS ] && echo 0 >$NOTESTS
check_eq "no acrypto class left" "" "$(ls /sys/class/acrypto 2>/dev/null)"
leak_check "unload: no leaks (kmemleak)"
tap_done
