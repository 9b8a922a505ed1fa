#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# concurrency.sh - the engine under concurrent load while its devices
# break and recover and the balancers switch, with every output checked
# and every counter reconciled.
#
# Phase 1 (exact accounting, -q seconds, default 15): AF_ALG AIO workers on the AES
# modes only; testdev0 fails every 7th request with EBADMSG (not a device
# error: the session ends with it), testdev1 every 5th with EIO (a device
# error: the engine retries elsewhere).  Afterwards:
#   - every output was right, every request completed (stress_afalg);
#   - requests that failed == testdev0's injected failures, all EBADMSG;
#   - sessions finished on all devices == requests submitted;
#   - per testdev: accepted == sstarted, completed == scompleted,
#     failed == errors, accepted == completed + cancelled;
#   - soft: sstarted == scompleted; nothing left queued anywhere.
#
# Phase 2 (everything at once, -d seconds, default 45): AF_ALG workers on every
# algorithm, a dm-crypt mapping (aes-xts-plain64) under O_DIRECT writes and
# read-back, an IPsec transfer between two network namespaces (ESP
# rfc4106(gcm(aes)) one way, authenc(hmac(sha256),cbc(aes)) the other),
# while the current balancer changes every few hundred milliseconds and the
# test devices break, stall, fail requests (EIO, retried) and recover, and
# the virtio device (if any) is taken out of service and back.  Afterwards:
# no wrong output, no lost request, no user-visible error; dm-crypt and
# IPsec data intact; no ESP errors; counters reconcile as above (per
# device: nothing in flight, sstarted == scompleted + given back).
#
# Usage: concurrency.sh [-q SECONDS] [-d SECONDS] [-w WORKERS]

. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib-stress.sh"

QUIET=15 DUR=45 WORKERS=4
while [ $# -gt 0 ]; do
	case $1 in
	-q) QUIET=$2; shift 2 ;;
	-d) DUR=$2; shift 2 ;;
	-w) WORKERS=$2; shift 2 ;;
	*) echo "concurrency.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

W=/tmp/stress
rm -rf $W
mkdir -p $W
STOP=$W/stop

stress_load "instances=2 latency_us=200,500 qlen=32,16" ||
	tap_bail "cannot load the engine and its devices"
[ -d "$TDK/testdev0" ] && [ -d "$TDK/testdev1" ] ||
	tap_bail "acrypto_testdev with two instances is needed"
tap_diag "devices: $(devices | tr '\n' ' ')balancers:$LB_MODULES virtio: $HAVE_VIRTIO"
# The stall watchdog notices stalled devices sooner.
echo 2000 >/sys/module/acrypto/parameters/stall_timeout_ms
mark_log concurrency

# Per-device reconciliation between snapshots $1 and $2 (snap) and testdev
# stats $3 and $4 (tdsnap).  One result, named $5.
reconcile() {
	_bad=''
	for _d in $(devices); do
		_ss=$(( $(field $_d 2 "$2") - $(field $_d 2 "$1") ))
		_sc=$(( $(field $_d 3 "$2") - $(field $_d 3 "$1") ))
		_er=$(( $(field $_d 5 "$2") - $(field $_d 5 "$1") ))
		case $_d in
		testdev*)
			_ac=$(( $(field $_d 2 "$4") - $(field $_d 2 "$3") ))
			_co=$(( $(field $_d 3 "$4") - $(field $_d 3 "$3") ))
			_fa=$(( $(field $_d 4 "$4") - $(field $_d 4 "$3") ))
			_ca=$(( $(field $_d 5 "$4") - $(field $_d 5 "$3") ))
			[ $_ac = $_ss ] || _bad="$_bad $_d: accepted $_ac != sstarted $_ss;"
			[ $_co = $_sc ] || _bad="$_bad $_d: completed $_co != scompleted $_sc;"
			[ $_fa = $_er ] || _bad="$_bad $_d: failed $_fa != errors $_er;"
			[ $_ac = $((_co + _ca)) ] ||
				_bad="$_bad $_d: accepted $_ac != completed $_co + cancelled $_ca;"
			;;
		soft)
			[ $_ss = $_sc ] || _bad="$_bad soft: sstarted $_ss != scompleted $_sc;"
			;;
		*)
			[ $_ss -ge $_sc ] || _bad="$_bad $_d: sstarted $_ss < scompleted $_sc;"
			;;
		esac
		[ "$(cat $CLS/$_d/sessions)" = 0 ] || _bad="$_bad $_d: $(cat $CLS/$_d/sessions) sessions left;"
		[ "$(cat $CLS/$_d/backlog)" = 0 ] || _bad="$_bad $_d: $(cat $CLS/$_d/backlog) backlogged;"
	done
	_q=$(cat $CLS/crypto_sessions/queue_len)
	[ "$_q" = 0 ] || _bad="$_bad queue_len $_q;"
	if [ -z "$_bad" ]; then
		tap_ok "$5"
	else
		tap_fail "$5" "$_bad"
		engine_state | tap_diag
	fi
}

sum_finished() {	# sfinished between snapshots, all devices
	echo "$1
$2" | awk '{ if (seen[$1]++) d += $4 - v[$1]; else v[$1] = $4 }
		END { print d + 0 }'
}

# ---- phase 1: exact accounting ------------------------------------------------
recover_all
echo 7 >$TDK/testdev0/fail_every
echo 74 >$TDK/testdev0/fail_errno	# EBADMSG: ends the session
echo 5 >$TDK/testdev1/fail_every
echo 5 >$TDK/testdev1/fail_errno	# EIO: retried on another device
quiesce 30
S0=$(snap) T0=$(tdsnap)
"$HERE/stress_afalg" -t "$QUIET" -w "$WORKERS" -m ecb,cbc,ctr,xts -e EBADMSG \
	-k 4 >$W/phase1.out 2>&1
rc=$?
recover_all
quiesce 60 || tap_diag "engine not idle after phase 1"
S1=$(snap) T1=$(tdsnap)
line=$(grep '^stress_afalg:' $W/phase1.out)
grep '^#' $W/phase1.out
tap_diag "$line"
check_eq "phase1: workers: every output right, every request done" 0 $rc ||
	tail -n 20 $W/phase1.out | tap_diag
submitted=$(echo "$line" | awk '{ print $3 }')
failed=$(echo "$line" | awk '{ print $7 }')
sessions=$(echo "$line" | awk '{ print $15 }')
badmsg=$(echo "$line" | sed -n 's/.*EBADMSG=\([0-9]*\).*/\1/p')
injected=$(( $(field testdev0 4 "$T1") - $(field testdev0 4 "$T0") ))
tap_diag "submitted $submitted failed $failed (EBADMSG ${badmsg:-0}), testdev0 injected $injected"
check_eq "phase1: failed requests == testdev0's injected failures" "$injected" "${badmsg:-0}"
check_eq "phase1: every failure was EBADMSG" "$failed" "${badmsg:-0}"
check_eq "phase1: sessions finished by the devices == sessions submitted" \
	"$sessions" "$(sum_finished "$S0" "$S1")"
reconcile "$S0" "$S1" "$T0" "$T1" "phase1: device counters reconcile, nothing left in flight"

# ---- phase 2: everything at once --------------------------------------------
# dm-crypt on a loop device, O_DIRECT writes of a pattern and read-back.
dm_setup() {
	truncate -s 48M $W/dm.img
	LOOP=$(losetup -f --show $W/dm.img) || return 1
	key=$(head -c 64 /dev/urandom | xxd -p | tr -d '\n')
	dmsetup create stress_dm --table "0 98304 crypt aes-xts-plain64 $key 0 $LOOP 0" ||
		return 1
	dd if=/dev/urandom of=$W/dm.pattern bs=64k count=64 2>/dev/null
	DM_SHA=$(sha256sum $W/dm.pattern | cut -d' ' -f1)
}
dm_loop() {
	_n=0 _ok=0 _err=0
	while [ ! -e $STOP ]; do
		_off=$(( (_n % 5) * 64 ))
		if dd if=$W/dm.pattern of=/dev/mapper/stress_dm bs=64k seek=$_off \
			oflag=direct conv=fsync 2>$W/dm.err &&
		   _s=$(dd if=/dev/mapper/stress_dm bs=64k skip=$_off count=64 \
			iflag=direct 2>>$W/dm.err | sha256sum | cut -d' ' -f1) &&
		   [ "$_s" = "$DM_SHA" ]; then
			_ok=$((_ok + 1))
		else
			_err=$((_err + 1))
		fi
		_n=$((_n + 1))
	done
	echo "$_n $_ok $_err" >$W/dm.result
}

# IPsec: two namespaces on a veth pair, ESP in transport mode.
ipsec_setup() {
	IP=/usr/sbin/ip
	$IP netns add sa && $IP netns add sb || return 1
	$IP link add va type veth peer name vb || return 1
	$IP link set va netns sa && $IP link set vb netns sb || return 1
	$IP -n sa addr add 10.77.0.1/24 dev va && $IP -n sa link set va up &&
	$IP -n sa link set lo up || return 1
	$IP -n sb addr add 10.77.0.2/24 dev vb && $IP -n sb link set vb up &&
	$IP -n sb link set lo up || return 1
	k1=0x$(head -c 20 /dev/urandom | xxd -p | tr -d '\n')
	k2=0x$(head -c 16 /dev/urandom | xxd -p | tr -d '\n')
	k3=0x$(head -c 32 /dev/urandom | xxd -p | tr -d '\n')
	for ns in sa sb; do
		$IP -n $ns xfrm state add src 10.77.0.1 dst 10.77.0.2 proto esp \
			spi 0x1001 mode transport aead 'rfc4106(gcm(aes))' $k1 128 || return 1
		$IP -n $ns xfrm state add src 10.77.0.2 dst 10.77.0.1 proto esp \
			spi 0x1002 mode transport enc 'cbc(aes)' $k2 \
			auth-trunc 'hmac(sha256)' $k3 128 || return 1
	done
	$IP -n sa xfrm policy add src 10.77.0.1 dst 10.77.0.2 dir out \
		tmpl proto esp mode transport &&
	$IP -n sa xfrm policy add src 10.77.0.2 dst 10.77.0.1 dir in \
		tmpl proto esp mode transport &&
	$IP -n sb xfrm policy add src 10.77.0.2 dst 10.77.0.1 dir out \
		tmpl proto esp mode transport &&
	$IP -n sb xfrm policy add src 10.77.0.1 dst 10.77.0.2 dir in \
		tmpl proto esp mode transport || return 1
	dd if=/dev/urandom of=$W/ipsec.tx bs=64k count=16 2>/dev/null
	TX_SHA=$(sha256sum $W/ipsec.tx | cut -d' ' -f1)
}
ipsec_loop() {
	_n=0 _ok=0 _err=0
	while [ ! -e $STOP ]; do
		rm -f $W/ipsec.rx
		/usr/sbin/ip netns exec sb "$HERE/tcpx" recv 5001 $W/ipsec.rx &
		_r=$!
		/usr/sbin/ip netns exec sa "$HERE/tcpx" send 10.77.0.2 5001 $W/ipsec.tx \
			2>>$W/ipsec.err
		wait $_r
		if [ "$(sha256sum $W/ipsec.rx 2>/dev/null | cut -d' ' -f1)" = "$TX_SHA" ]; then
			_ok=$((_ok + 1))
		else
			_err=$((_err + 1))
		fi
		_n=$((_n + 1))
	done
	echo "$_n $_ok $_err" >$W/ipsec.result
}

# The current balancer, round and round.
lb_loop() {
	_n=0
	while [ ! -e $STOP ]; do
		for _lb in $(awk '{ print $1 }' $LBS); do
			echo "$_lb" >$LBS || echo "lbs: $_lb refused" >>$W/lb.err
			_n=$((_n + 1))
			usleep $(( 100000 + RANDOM % 300000 ))
			[ -e $STOP ] && break
		done
	done
	echo "$_n" >$W/lb.result
}

# Test devices break, stall, fail, shrink and recover.
chaos_loop() {
	_n=0
	while [ ! -e $STOP ]; do
		_d=testdev$((RANDOM % 2))
		case $((RANDOM % 6)) in
		0) echo 1 >$CLS/$_d/broken; usleep $((RANDOM % 500000)); echo 0 >$CLS/$_d/broken ;;
		1) echo 1 >$TDK/$_d/stall; usleep $((500000 + RANDOM % 2500000)); echo 0 >$TDK/$_d/stall
		   echo 0 >$CLS/$_d/broken ;;
		2) echo $((3 + RANDOM % 10)) >$TDK/$_d/fail_every; usleep 400000
		   echo 0 >$TDK/$_d/fail_every ;;
		3) echo $((20 + RANDOM % 100)) >$TDK/$_d/break_after
		   echo $((100 + RANDOM % 400)) >$TDK/$_d/break_ms ;;
		4) echo $((1 + RANDOM % 8)) >$TDK/$_d/qlen; usleep 300000; echo 32 >$TDK/$_d/qlen ;;
		5) if [ "$HAVE_VIRTIO" = 1 ]; then
			for _v in $CLS/virtio*; do
				[ -e "$_v/broken" ] || continue
				echo 1 >"$_v/broken"; usleep 300000; echo 0 >"$_v/broken"
			done
		   fi ;;
		esac
		_n=$((_n + 1))
		usleep $((100000 + RANDOM % 200000))
	done
	echo "$_n" >$W/chaos.result
}

recover_all
for d in $(testdevs); do echo 5 >$TDK/$d/fail_errno; done	# EIO: retried
dm_ok=0 ipsec_ok=0
if kmod_load loop dm_crypt && dm_setup; then dm_ok=1; else tap_diag "dm-crypt set-up failed"; fi
if kmod_load veth esp4 xfrm_user && ipsec_setup; then ipsec_ok=1; else tap_diag "IPsec set-up failed"; fi
[ $dm_ok = 1 ] && tap_diag "dm-crypt on $LOOP: $(grep -A4 'acrypto-xts-aes' /proc/crypto | grep refcnt)"

S0=$(snap) T0=$(tdsnap)
rm -f $STOP
[ $dm_ok = 1 ] && dm_loop &
[ $ipsec_ok = 1 ] && ipsec_loop &
lb_loop &
chaos_loop &
"$HERE/stress_afalg" -t "$DUR" -w "$WORKERS" -k 3 >$W/phase2.out 2>&1
rc=$?
touch $STOP
wait
recover_all
quiesce 120 || tap_diag "engine not idle after phase 2"
S1=$(snap) T1=$(tdsnap)

grep '^#' $W/phase2.out
tap_diag "$(grep '^stress_afalg:' $W/phase2.out)"
tap_diag "balancer switches $(cat $W/lb.result 2>/dev/null), device faults $(cat $W/chaos.result 2>/dev/null)"
check_eq "phase2: AF_ALG workers: every output right, no request lost or failed" 0 $rc ||
	tail -n 20 $W/phase2.out | tap_diag
if [ $dm_ok = 1 ]; then
	set -- $(cat $W/dm.result 2>/dev/null)
	tap_diag "dm-crypt: ${1:-0} rounds, ${2:-0} verified, ${3:-0} bad"
	if [ "${1:-0}" -gt 0 ] && [ "${3:-1}" = 0 ]; then
		tap_ok "phase2: dm-crypt data intact under the chaos"
	else
		tap_fail "phase2: dm-crypt data intact under the chaos" "$(tail -n 5 $W/dm.err)"
	fi
	dmsetup remove stress_dm
	losetup -d "$LOOP"
else
	tap_fail "phase2: dm-crypt data intact under the chaos" "no mapping"
fi
if [ $ipsec_ok = 1 ]; then
	set -- $(cat $W/ipsec.result 2>/dev/null)
	tap_diag "IPsec: ${1:-0} transfers, ${2:-0} intact, ${3:-0} bad"
	if [ "${1:-0}" -gt 0 ] && [ "${3:-1}" = 0 ]; then
		tap_ok "phase2: IPsec transfers intact under the chaos"
	else
		tap_fail "phase2: IPsec transfers intact under the chaos" "$(tail -n 5 $W/ipsec.err)"
	fi
	if [ ! -e /proc/net/xfrm_stat ]; then
		tap_skip "phase2: no ESP errors (xfrm_stat)" "kernel without CONFIG_XFRM_STATISTICS"
	else
		xerr=$(for ns in sa sb; do /usr/sbin/ip netns exec $ns cat /proc/net/xfrm_stat; done |
			awk '$2 != 0 { printf "%s=%s ", $1, $2 }')
		if [ -z "$xerr" ]; then
			tap_ok "phase2: no ESP errors (xfrm_stat)"
		else
			tap_fail "phase2: no ESP errors (xfrm_stat)" "$xerr"
		fi
	fi
	used=$(grep -c 'driver.*: .*acrypto-\(rfc4106-gcm-aes\|authenc-hmac-sha256-cbc-aes\)' /proc/crypto)
	tap_diag "ESP algorithms built on acrypto's: $used"
	/usr/sbin/ip netns del sa
	/usr/sbin/ip netns del sb
else
	tap_fail "phase2: IPsec transfers intact under the chaos" "no set-up"
fi
reconcile "$S0" "$S1" "$T0" "$T1" "phase2: device counters reconcile, nothing left in flight"

# Kernel problems of this test are the host's to find (console log); the
# leak check is per test.
leak_check "concurrency: no leaks (kmemleak)"
tap_done
