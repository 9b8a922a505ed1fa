#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# model.sh - virtio_acrypto against virtio_crypto_model (kmod/vcm_*.c): a
# virtio-crypto device implemented in this guest's kernel on a virtio
# transport of its own, offering what QEMU 7.2's device does not (AES ECB,
# CTR and XTS besides CBC, more than one data queue) and checking every
# request of the driver against the virtio specification.
#
# Three model instances: 0 with one data queue, offering indirect
# descriptors (which the driver declines); 1 with two data queues and
# VIRTIO_CRYPTO_F_REVISION_1 (session mode with the revision's flag and
# destroy layout); 2 with two data queues and CIPHER_STATELESS_MODE.  The
# software device is loaded but out of service, so the model devices do
# every step:
#  - all three bind and register the four AES modes (capabilities,
#    /proc/crypto self-tests passed), each in the mode it negotiated;
#  - skcipher_kat (the acrypto suite's program and vector set: SP 800-38A
#    ECB/CBC/CTR, IEEE 1619 XTS, every AF_ALG interface) through them;
#  - a checked AF_ALG AIO stream of each mode, outputs compared with the
#    kernel's AES-NI drivers;
#  - instance 1 alone, one stream pinned to each CPU: both of its data
#    queues serve (the driver uses the submitting CPU's queue); its
#    sessions are all destroyed once the keys close;
#  - instance 2 alone: checked streams with 64 keys and with a new key per
#    request are served in stateless mode, with no control queue request;
#    the many-keys rate (64 B, a new key per request) against instance 1's
#    session mode is reported;
#  - HW_READY cleared and set again under a checked load: the device leaves
#    service and comes back, nothing wrong or lost;
#  - each fault of the model (error, bad status, short and long used
#    length, a dirty destination before an error) on five requests of
#    every device under a checked load that only they serve: every output
#    right, each device served its fault and came back into service; a
#    stall of all three under load with the software device in service;
#  - the model saw no violation of the specification; both devices unbind.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=vcm.sh
. "$(dirname "$0")/vcm.sh"

VCM_KO=$VAC_DIR/virtio_crypto_model.ko
KAT=$VAC_DIR/skcipher_kat

if [ ! -r "$VCM_KO" ]; then
	tap_plan 1
	tap_skip "virtio_crypto_model" "no virtio_crypto_model.ko in this image (no kernel build tree)"
	tap_done
	exit
fi

# vcm_stat N QUEUE FIELD: a counter of model instance N's stats file
# ("missing", which no arithmetic takes, if it has none).
vcm_stat() {
	awk -v q="$2" -v f="$3" \
		'$1 == q { for (i = 2; i < NF; i++) if ($i == f) v = $(i + 1) }
		END { print v == "" ? "missing" : v }' $VCM/"$1"/stats
}

# ok_bench NAME FILE...: one result, ok if every afalg_bench output in the
# files reports requests, no error and no mismatch.
ok_bench() {
	_ob_name=$1
	shift
	for _ob_f in "$@"; do
		if ! bench_ok "$(cat "$_ob_f")"; then
			tap_fail "$_ob_name" "$(cat "$@")"
			return 1
		fi
	done
	tap_ok "$_ob_name"
}

# fault_count N: data requests instance N failed on purpose so far.
fault_count() {
	cut -d' ' -f3 $VCM/"$1"/fault
}

# all_in_service: every model device online.
all_in_service() {
	for _ai_d in "$D0" "$D1" "$D2"; do
		vac_wait 30 in_service "$_ai_d" || return 1
	done
}

# vcm_violations N: the count, then the first violation if any.
vcm_violations() {
	cat $VCM/"$1"/violations
}

vcm_load() {
	grep -q " /sys/kernel/debug debugfs " /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	# insmod does not load what the module needs.
	kmod_load virtio virtio_ring aesni_intel &&
		insmod "$VCM_KO" instances=3 dataqueues=1,2,2 indirect=1,0,0 \
			revision1=0,1,0 stateless=0,0,1
}

# mode_args MODE: afalg_bench's transform, key and IV options, reference.
mode_args() {
	case $1 in
	ecb) echo "-c acrypto-ecb-aes -k 16 -i 0 -V ecb-aes-aesni" ;;
	cbc) echo "-c acrypto-cbc-aes -k 32 -V cbc-aes-aesni" ;;
	ctr) echo "-c acrypto-ctr-aes -k 24 -V ctr-aes-aesni" ;;
	xts) echo "-c acrypto-xts-aes -k 64 -V xts-aes-aesni" ;;
	esac
}

# in_service DEV: the device is online.
in_service() {
	[ "$(cat "$CLS/$1/state")" = online ]
}

# state_is DEV WORD
state_is() {
	[ "$(cat "$CLS/$1/state")" = "$2" ]
}

# vcm_total N FIELD: FIELD summed over instance N's data queues.
vcm_total() {
	awk -v f="$2" '$1 ~ /^dataq/ { for (i = 2; i < NF; i++) if ($i == f) t += $(i + 1) }
		END { print t + 0 }' $VCM/"$1"/stats
}

# vcm_sessions N: sessions instance N holds.
vcm_sessions() {
	sed -n 's/^sessions //p' $VCM/"$1"/stats
}

# vt_run: vac_test's stream for 3 s, two threads, 16 B, a key per
# request; its counters in VT_LINE.
vt_run() {
	vt_stream start 2 16 1
	sleep 3
	vt_stream stop
	VT_LINE=$(vt_stream)
}

# no_sessions N: instance N holds no session.
no_sessions() {
	[ "$(vcm_sessions "$1")" = 0 ]
}

# only DEV: take every acrypto device but DEV out of service.
only() {
	for _o_d in soft "$D0" "$D1" "$D2"; do
		if [ "$_o_d" = "$1" ]; then
			vac_broken "$_o_d" 0
		else
			vac_broken "$_o_d" 1
		fi
	done
}

# mode_of N: what the driver said it negotiated with instance N.
mode_of() {
	dmesg | sed -n "s/.*virtio_acrypto $(cat $VCM/"$1"/name): \(.*\), [0-9]* data queues\$/\1/p" | tail -n 1
}

FAULTS="error badstatus short long dirty"
tap_plan $((43 + 5 * 5))

check "load virtio_crypto_model (3 instances)" vcm_load
check "load acrypto, acrypto_soft, virtio_acrypto" vac_load soft
D0=$(vcm_dev 0)
D1=$(vcm_dev 1)
D2=$(vcm_dev 2)
check "instance 0 bound: ${D0:-none}" test -n "$D0"
check "instance 1 bound: ${D1:-none}" test -n "$D1"
check "instance 2 bound: ${D2:-none}" test -n "$D2"
if [ -z "$D0" ] || [ -z "$D1" ] || [ -z "$D2" ]; then
	tap_bail "the driver did not bind to the model"
fi
check_eq "$D0 negotiated no revision" "cipher sessions" "$(mode_of 0)"
check_eq "$D1 negotiated revision 1" "revision 1, cipher sessions" "$(mode_of 1)"
check_eq "$D2 negotiated the stateless cipher mode" \
	"revision 1, stateless cipher requests" "$(mode_of 2)"
for d in "$D0" "$D1" "$D2"; do
	check_eq "$d registered ECB, CBC, CTR and XTS" "aes-cbc aes-ctr aes-ecb aes-xts" \
		"$(cut -d' ' -f1 "$CLS/$d/capabilities" | sort | tr '\n' ' ' | sed 's/ $//')"
done
passed=0
for m in ecb cbc ctr xts; do
	grep -A12 "^driver *: acrypto-$m-aes\$" /proc/crypto | grep -q "selftest *: passed" &&
		passed=$((passed + 1))
done
check_eq "acrypto-{ecb,cbc,ctr,xts}-aes passed their self-tests" 4 $passed
check "software device out of service" vac_broken soft 1

# Every vector of the shared set, through every AF_ALG interface.
s0=$(vac_counter soft sstarted)
m0=$(( $(vcm_total 0 requests) + $(vcm_total 1 requests) + $(vcm_total 2 requests) ))
"$KAT" >/tmp/model.kat 2>&1
rc=$?
grep -q "^ok\|^not ok" /tmp/model.kat || rc=1
if [ $rc -eq 0 ]; then
	tap_ok "skcipher_kat through the model: $(grep -c '^ok' /tmp/model.kat) checks"
else
	tap_fail "skcipher_kat through the model" "$(grep -v '^ok' /tmp/model.kat | tail -n 20)"
fi
m1=$(( $(vcm_total 0 requests) + $(vcm_total 1 requests) + $(vcm_total 2 requests) ))
check_ge "the model served skcipher_kat's requests" $((m1 - m0)) 100
check_eq "the software device served none" 0 $(($(vac_counter soft sstarted) - s0))

# A checked stream of each mode, random sizes, both directions.
for m in ecb cbc ctr xts; do
	# shellcheck disable=SC2046 # options
	check_bench "$m: checked AIO stream through the model" $(mode_args $m) \
		-s 16-16384 -d 8 -o both -T 2 -l "model-$m"
done

# Instance 1 alone; one stream on each CPU: both data queues serve.
only "$D1"
q0=$(vcm_stat 1 dataq0 requests)
q1=$(vcm_stat 1 dataq1 requests)
"$BENCH" -c acrypto-cbc-aes -s 4096 -d 4 -T 2 -C 0 -V "$REF" -l cpu0 >/tmp/model.c0 2>&1 &
p0=$!
"$BENCH" -c acrypto-cbc-aes -s 4096 -d 4 -T 2 -C 1 -V "$REF" -l cpu1 >/tmp/model.c1 2>&1
wait $p0
ok_bench "two CPUs, one checked stream each, on $D1" /tmp/model.c0 /tmp/model.c1
q0=$(($(vcm_stat 1 dataq0 requests) - q0))
q1=$(($(vcm_stat 1 dataq1 requests) - q1))
tap_diag "$D1: dataq0 $q0 requests, dataq1 $q1"
check_ge "$D1's dataq0 served CPU 0's requests" $q0 100
check_ge "$D1's dataq1 served CPU 1's requests" $q1 100
check "$D1's sessions all destroyed once the keys closed" \
	vac_wait 20 no_sessions 1

# Instance 2 alone: stateless mode, no control queue request at all.
only "$D2"
c0=$(vcm_stat 2 controlq requests)
s0=$(vcm_total 2 stateless)
check_bench "$D2: checked stream over 64 keys, stateless" \
	-c acrypto-cbc-aes -k 32 -s 16-16384 -d 8 -m 64 -o both -T 2 \
	-V "$REF" -l stateless-keys
check_bench "$D2: checked stream, a new key per request, stateless" \
	-c acrypto-xts-aes -k 64 -s 16-4096 -d 8 -K -o both -T 2 \
	-V xts-aes-aesni -l stateless-newkey
check_eq "$D2: no control queue request" 0 $(($(vcm_stat 2 controlq requests) - c0))
check_ge "$D2: requests served stateless" $(($(vcm_total 2 stateless) - s0)) 100
check_eq "$D2 holds no session" 0 "$(vcm_sessions 2)"

# The many-keys case, 64 B with a new key per request: stateless against
# session mode (a create and a destroy per key), same model, same queues.
sl=$("$BENCH" -q -c acrypto-cbc-aes -s 64 -d 8 -K -T 3 -l stateless)
only "$D1"
ss=$("$BENCH" -q -c acrypto-cbc-aes -s 64 -d 8 -K -T 3 -l session)
tap_diag "$sl"
tap_diag "$ss"
a=$(bench_field "$sl" ops_s)
b=$(bench_field "$ss" ops_s)
if bench_ok "$sl" && bench_ok "$ss"; then
	tap_ok "many keys, 64 B: stateless $a/s, session mode $b/s ($(awk "BEGIN { printf \"%.2f\", $a / $b }")x)"
else
	tap_fail "many keys, 64 B: stateless and session mode" "$sl $ss"
fi
# The same in the kernel (vac_test's stream, two threads, 16 B, a new
# setkey before every request, every output checked): no socket costs.
if vt_load; then
	only "$D2"
	vt_run
	kl=$VT_LINE
	only "$D1"
	vt_run
	ks=$VT_LINE
	tap_diag "stateless: $kl"
	tap_diag "session:   $ks"
	a=$(vt_field "$kl" "done")
	b=$(vt_field "$ks" "done")
	if [ "$(vt_field "$kl" errors)" = 0 ] && [ "$(vt_field "$ks" errors)" = 0 ] &&
	   [ "$(vt_field "$kl" mismatches)" = 0 ] && [ "$(vt_field "$ks" mismatches)" = 0 ] &&
	   [ "$b" -gt 0 ]; then
		tap_ok "in-kernel many keys, 16 B: stateless $a, session mode $b in 3 s ($(awk "BEGIN { printf \"%.2f\", $a / $b }")x)"
	else
		tap_fail "in-kernel many keys, 16 B" "$kl $ks"
	fi
else
	tap_skip "in-kernel many keys" "no vac_test.ko in this image"
fi
for d in "$D0" "$D1" "$D2"; do
	vac_broken "$d" 0
done

# HW_READY cleared under load, then set: out of service and back.
vac_broken soft 0
"$BENCH" -c acrypto-cbc-aes -s 16-16384 -d 8 -o both -T 6 -V "$REF" \
	-l hw_ready >/tmp/model.ready 2>&1 &
pr=$!
sleep 1
echo 0 >$VCM/0/hw_ready
check "$D0 leaves service when HW_READY clears" vac_wait 10 state_is "$D0" not-ready
sleep 1
echo 1 >$VCM/0/hw_ready
check "$D0 back in service when HW_READY is set" vac_wait 30 in_service "$D0"
wait $pr
ok_bench "every request right across HW_READY off and on" /tmp/model.ready

# Each fault on five requests of every instance, under a checked load that
# only the model devices serve (the engine's kernel fallback when all
# three are out).
vac_broken soft 1
for f in $FAULTS; do
	d0=$(fault_count 0)
	d1=$(fault_count 1)
	d2=$(fault_count 2)
	"$BENCH" -c acrypto-cbc-aes -s 16-16384 -d 8 -o both -T 3 -V "$REF" \
		-l "fault-$f" >/tmp/model.fault 2>&1 &
	pf=$!
	sleep 0.5
	for i in 0 1 2; do
		echo "$f 5" >$VCM/$i/fault
	done
	wait $pf
	ok_bench "fault $f: every output right" /tmp/model.fault
	check_ge "fault $f: served by $D0" $(($(fault_count 0) - d0)) 1
	check_ge "fault $f: served by $D1" $(($(fault_count 1) - d1)) 1
	check_ge "fault $f: served by $D2" $(($(fault_count 2) - d2)) 1
	for i in 0 1 2; do
		echo none >$VCM/$i/fault
	done
	# A device the driver saw fail comes back by itself (probe).
	check "fault $f: every device back in service" all_in_service
done
vac_broken soft 0

# A stall: requests wait on the rings until the watchdog moves them.
"$BENCH" -c acrypto-cbc-aes -s 16-16384 -d 8 -o both -T 6 -V "$REF" \
	-l stall >/tmp/model.stall 2>&1 &
ps=$!
sleep 1
for i in 0 1 2; do
	echo stall >$VCM/$i/fault
done
sleep 3
for i in 0 1 2; do
	echo none >$VCM/$i/fault
done
wait $ps
ok_bench "stall of every model device: every output right" /tmp/model.stall
for d in "$D0" "$D1" "$D2"; do
	check "$d back in service after the stall" vac_wait 60 in_service "$d"
done

for i in 0 1 2; do
	check_eq "instance $i: no violation of the specification" 0 "$(vcm_violations $i)"
done
check "virtio_acrypto unloads" vac_unload
check "virtio_crypto_model unloads" rmmod virtio_crypto_model
tap_done
