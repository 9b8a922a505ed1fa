#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# model.sh - virtio_acrypto against virtio_crypto_model (kmod/vcm_*.c): a
# virtio-crypto device implemented in this guest's kernel on a virtio
# transport of its own, offering what QEMU 7.2's device does not (AES ECB,
# CTR and XTS besides CBC, more than one data queue) and checking every
# request of the driver against the virtio specification.
#
# Three model instances, each with the cipher, hash (SHA-1, SHA-256), MAC
# (their HMAC) and AEAD (AES-GCM) services: 0 with one data queue,
# offering indirect descriptors (which the driver declines); 1 with two
# data queues and VIRTIO_CRYPTO_F_REVISION_1 (session mode with the
# revision's flag, op_flf sizes and destroy layout); 2 with two data
# queues and the four services' stateless modes.  The software device is
# loaded but out of service, so the model devices do every step:
#  - all three bind and register the four AES cipher modes, GCM and RFC
#    4106, SHA-1, SHA-256 and their HMAC, the hashes for whole messages
#    only (capabilities, /proc/crypto self-tests passed), each in the mode
#    it negotiated;
#  - skcipher_kat (the acrypto suite's program and vector set: SP 800-38A
#    ECB/CBC/CTR, IEEE 1619 XTS, every AF_ALG interface) through them;
#  - kcapi_aead (the consumers suite's: GCM and RFC 4106 vectors, round
#    trips against the kernel's generic GCM, EBADMSG, bad sizes) through
#    each device alone, its counters accounting for every operation; the
#    stateless device with no control queue request;
#  - vac_test's AEAD requests (kmod/vac_test.c) through instance 1 alone
#    and instance 2 alone, on chains AF_ALG cannot make: GCM and RFC 4106
#    (assoclen 16 and 20), in place and out of place, both directions and
#    wrong tags, no AAD, no text, one byte, 4 KiB and 64 KiB (the driver's
#    long tables), entries of plain sizes, with empty ones between them,
#    ending at the AAD/text/tag boundaries or at offsets beyond PAGE_SIZE,
#    and one entry past the end; every output right against the kernel's
#    generic GCM, every request served by the device, no violation (an
#    empty descriptor is one);
#  - vac_test's hash requests through each instance alone: SHA-1, SHA-256
#    and their HMAC (keys of 1 to 200 bytes), 0 bytes to 64 KiB on chains
#    of every shape, digest() and init() + finup(), each against the
#    kernel's generic implementation and a request of the device; partial
#    hashes (update) right and left to the kernel's implementation; the
#    stateless device with no control queue request;
#  - IPsec ESP with rfc4106(gcm(aes)) between two network namespaces over
#    instance 1 and over instance 2, each alone: pings up to 64 KiB and a
#    TCP transfer, every packet's AEAD step on the device; a TCP transfer
#    intact across five dirty-destination faults; then ESP with cbc(aes)
#    and hmac(sha256), every packet's CBC step and HMAC step on the
#    device;
#  - dm-crypt over instance 1 and over instance 2, each alone, through
#    its three services: aes-xts-plain64 (cipher), authenc(hmac(sha256),
#    cbc(aes)) and gcm(aes) with random IVs on dm-integrity (cipher and
#    MAC; AEAD): 512 KiB written by the device and read back by the
#    software device, and the other way round, every step of every sector
#    counted on the device that did it, nothing declined; the GCM sectors
#    under another key fail on the device with an I/O error (a kernel
#    without dm-integrity, the debug kernel, runs the cipher case only);
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
#  - DEVICE_NEEDS_RESET set under a checked load: the driver resets the
#    device and sets it up again, nothing wrong or lost, and it serves a
#    checked stream alone afterwards (new sessions);
#  - each fault of the model (error, bad status, short and long used
#    length, a dirty destination before an error) on five requests of
#    every device under a checked load that only they serve: every output
#    right, each device served its fault and came back into service; a
#    stall of all three under load with the software device in service;
#  - instance 3, with small limits (max_size 2048, 16-byte AES keys,
#    HMAC keys up to 32 bytes) and only the cipher and MAC services
#    stateless: the capabilities follow them, what does not fit goes
#    elsewhere (never declined, never over max_size), every output right,
#    each service in its own mode;
#  - the model saw no violation of the specification; the devices unbind.

# shellcheck source=/dev/null
. "$ACRYPTO_LIB"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=vcm.sh
. "$(dirname "$0")/vcm.sh"

VCM_KO=$(kmod_path virtio_crypto_model)
KAT=$VAC_DIR/skcipher_kat
AEAD=$VAC_DIR/kcapi_aead
HASHP=$VAC_DIR/kcapi_hash

if [ ! -r "$VCM_KO" ]; then
	tap_plan 1
	tap_skip "virtio_crypto_model" "no virtio_crypto_model.ko in this image"
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
		insmod "$VCM_KO" instances=4 dataqueues=1,2,2,1 \
			indirect=1,0,0,0 revision1=0,1,0,1 stateless=0,0,1,1 \
			stateless_services=15,15,15,5 \
			aead=1,1,1,1 hash=1,1,1,1 mac=1,1,1,1 \
			max_size=1048576,1048576,1048576,2048 \
			max_cipher_key_len=64,64,64,16 \
			max_auth_key_len=64,64,64,32
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

# vcm_cipher N: cipher requests instance N computed (the others are AEAD,
# hash or MAC ones).
vcm_cipher() {
	echo $(( $(vcm_total "$1" requests) - $(vcm_total "$1" aead) -
		 $(vcm_total "$1" hash) - $(vcm_total "$1" mac) ))
}

# vcm_resets N: resets of instance N that cleared DEVICE_NEEDS_RESET.
vcm_resets() {
	sed -n 's/^resets //p' $VCM/"$1"/stats
}

# resets_above N COUNT: instance N was reset more than COUNT times.
resets_above() {
	[ "$(vcm_resets "$1")" -gt "$2" ]
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

# vt_cases aead|hash NAME WANT CASE...: one result, ok if vac_test's aead
# or hash command (vt_aead, vt_hash) prints WANT for each CASE, a command
# line; they are counted in VT_N.
vt_cases() {
	_va_cmd=vt_$1
	_va_name=$2
	_va_want=$3
	shift 3
	_va_bad=''
	for _va_c in "$@"; do
		# shellcheck disable=SC2086 # the command's words
		_va_r=$($_va_cmd $_va_c 2>&1)
		VT_N=$((VT_N + 1))
		[ "$_va_r" = "$_va_want" ] ||
			_va_bad="$_va_bad
$_va_c: ${_va_r:-no result}"
	done
	if [ -z "$_va_bad" ]; then
		tap_ok "$_va_name ($# requests)"
	else
		tap_fail "$_va_name" "expected '$_va_want' from:$_va_bad"
		return 1
	fi
}

# no_sessions N: instance N holds no session.
no_sessions() {
	[ "$(vcm_sessions "$1")" = 0 ]
}

# only DEV: take every acrypto device but DEV out of service.
only() {
	for _o_d in soft "$D0" "$D1" "$D2" "$D3"; do
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
tap_plan $((43 + 5 * 5 + 37 + 2 * 10 + 2 * 8 + 1 + 3 * 6 + 2 * 9 + 14))

check "load virtio_crypto_model (4 instances)" vcm_load
check "load acrypto, acrypto_soft, virtio_acrypto" vac_load soft
D0=$(vcm_dev 0)
D1=$(vcm_dev 1)
D2=$(vcm_dev 2)
D3=$(vcm_dev 3)
check "instance 0 bound: ${D0:-none}" test -n "$D0"
check "instance 1 bound: ${D1:-none}" test -n "$D1"
check "instance 2 bound: ${D2:-none}" test -n "$D2"
check "instance 3 bound: ${D3:-none}" test -n "$D3"
if [ -z "$D0" ] || [ -z "$D1" ] || [ -z "$D2" ] || [ -z "$D3" ]; then
	tap_bail "the driver did not bind to the model"
fi
# Instance 3 (small limits) serves only in its own test, near the end.
check "$D3 out of service until its test" vac_broken "$D3" 1
check_eq "$D0 negotiated no revision" \
	"legacy, cipher sessions, hash sessions, MAC sessions, AEAD sessions" \
	"$(mode_of 0)"
check_eq "$D1 negotiated revision 1" \
	"revision 1, cipher sessions, hash sessions, MAC sessions, AEAD sessions" \
	"$(mode_of 1)"
check_eq "$D2 negotiated the stateless cipher, hash, MAC and AEAD modes" \
	"revision 1, cipher stateless, hash stateless, MAC stateless, AEAD stateless" \
	"$(mode_of 2)"
for d in "$D0" "$D1" "$D2"; do
	check_eq "$d registered ECB, CBC, CTR, XTS, GCM, RFC 4106, SHA-1, SHA-256 and their HMAC" \
		"aes-cbc aes-ctr aes-ecb aes-gcm aes-rfc4106 aes-xts sha1-hash sha1-hmac sha256-hash sha256-hmac" \
		"$(cut -d' ' -f1 "$CLS/$d/capabilities" | sort | tr '\n' ' ' | sed 's/ $//')"
done
check_eq "$D1's hashes take whole messages only (digest), HMAC keys up to 64 bytes" \
	"sha1-hash digest keysize 0-0|sha1-hmac digest keysize 1-64|sha256-hash digest keysize 0-0|sha256-hmac digest keysize 1-64" \
	"$(grep '^sha' "$CLS/$D1/capabilities" | sed 's/ qlen.*//' | sort | tr '\n' '|' | sed 's/|$//')"
passed=0
for m in ecb-aes cbc-aes ctr-aes xts-aes gcm-aes rfc4106-gcm-aes; do
	grep -A12 "^driver *: acrypto-$m\$" /proc/crypto | grep -q "selftest *: passed" &&
		passed=$((passed + 1))
done
check_eq "acrypto-{ecb,cbc,ctr,xts,gcm}-aes, acrypto-rfc4106-gcm-aes passed their self-tests" \
	6 $passed
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

# The AEAD service, each device alone: kcapi_aead (the consumers suite's
# program: GCM specification and testmgr vectors, round trips against the
# kernel's generic gcm for key, AAD, text and tag sizes, wrong tags failing
# with EBADMSG, bad sizes refused, every AF_ALG interface), which checks
# that the device's counters account for every operation.
kmod_load algif_aead crypto_user
c2=$(vcm_stat 2 controlq requests)
l2=$(vcm_total 2 stateless)
for i in 0 1 2; do
	d=$(vcm_dev $i)
	only "$d"
	a0=$(vcm_total $i aead)
	for a in gcm rfc4106; do
		if "$AEAD" -q -a $a -d "$d" >/tmp/model.aead 2>&1; then
			tap_ok "$d: kcapi_aead $a: $(grep -c '^ok' /tmp/model.aead) checks"
		else
			tap_fail "$d: kcapi_aead $a" "$(grep -v '^ok' /tmp/model.aead | tail -n 20)"
		fi
	done
	check_ge "instance $i served the AEAD requests" \
		$(($(vcm_total $i aead) - a0)) 100
done
check_eq "$D2: no control queue request for AEAD keys" 0 \
	$(($(vcm_stat 2 controlq requests) - c2))
check_ge "$D2: AEAD requests served stateless" $(($(vcm_total 2 stateless) - l2)) 100

# AEAD requests on chains AF_ALG cannot make (vac_test's aead command),
# instance 1 (sessions) and instance 2 (stateless) each alone: in place
# and out of place (the destination's entries cut elsewhere), every chain
# running on past the end; the 64 KiB requests of 24 and 40 entries take
# the driver's long tables.  Each output is checked against the kernel's
# generic GCM, every request must reach the device (none declined to the
# kernel's fallback), and no empty entry a descriptor (a violation).
if vt_load; then
	for i in 1 2; do
		d=$(vcm_dev $i)
		only "$d"
		a0=$(vcm_total $i aead)
		VT_N=0
		ok="err=0 match=1"
		vt_cases aead "$d: vac_test GCM, plain chains" "$ok" \
			"gcm inplace enc 0 0 1 plain" \
			"gcm outofplace dec 0 0 1 plain" \
			"gcm inplace dec 16 1 3 plain" \
			"gcm outofplace enc 16 1 3 plain" \
			"gcm outofplace dec 16 1 3 plain" \
			"gcm inplace enc 20 4096 4 plain" \
			"gcm outofplace dec 0 4096 5 plain"
		vt_cases aead "$d: vac_test GCM, empty entries everywhere" "$ok" \
			"gcm inplace enc 0 0 2 holes" \
			"gcm outofplace enc 0 1 2 holes" \
			"gcm inplace dec 13 1 4 holes" \
			"gcm outofplace dec 13 0 3 holes" \
			"gcm outofplace enc 32 4096 6 holes" \
			"gcm inplace dec 32 4096 6 holes"
		vt_cases aead "$d: vac_test GCM, entries ending at AAD, text, tag" "$ok" \
			"gcm inplace enc 16 0 2 boundary" \
			"gcm outofplace dec 16 0 2 boundary" \
			"gcm inplace dec 16 1 3 boundary" \
			"gcm outofplace enc 16 1 3 boundary" \
			"gcm inplace enc 0 4096 4 boundary" \
			"gcm outofplace dec 20 4096 7 boundary"
		vt_cases aead "$d: vac_test GCM, offsets beyond PAGE_SIZE" "$ok" \
			"gcm inplace enc 0 0 1 bigoff" \
			"gcm outofplace dec 16 0 2 bigoff" \
			"gcm inplace dec 16 1 2 bigoff" \
			"gcm outofplace enc 13 1 3 bigoff" \
			"gcm inplace enc 32 4096 5 bigoff" \
			"gcm outofplace dec 32 4096 5 bigoff"
		vt_cases aead "$d: vac_test GCM and RFC 4106, 64 KiB (long tables)" "$ok" \
			"gcm inplace enc 16 65504 40 plain" \
			"gcm outofplace dec 0 65520 24 holes" \
			"gcm inplace dec 0 65520 40 bigoff" \
			"rfc4106 inplace dec 20 65500 40 boundary" \
			"rfc4106 outofplace enc 16 65504 24 bigoff" \
			"rfc4106 outofplace dec 20 65500 24 plain"
		vt_cases aead "$d: vac_test RFC 4106, assoclen 16" "$ok" \
			"rfc4106 inplace enc 16 0 1 plain" \
			"rfc4106 outofplace dec 16 1 3 plain" \
			"rfc4106 inplace dec 16 4096 6 holes" \
			"rfc4106 outofplace enc 16 64 4 boundary" \
			"rfc4106 inplace enc 16 1400 5 boundary" \
			"rfc4106 outofplace dec 16 1400 4 bigoff"
		vt_cases aead "$d: vac_test RFC 4106, assoclen 20" "$ok" \
			"rfc4106 outofplace enc 20 0 2 holes" \
			"rfc4106 inplace dec 20 1 2 plain" \
			"rfc4106 inplace enc 20 1400 5 boundary" \
			"rfc4106 outofplace dec 20 4096 8 boundary" \
			"rfc4106 outofplace enc 20 1 3 bigoff" \
			"rfc4106 inplace enc 20 4096 4 bigoff"
		vt_cases aead "$d: vac_test, wrong tags: EBADMSG" "err=-74 match=0" \
			"gcm inplace dec 0 0 1 plain badtag" \
			"gcm outofplace dec 16 4096 6 holes badtag" \
			"rfc4106 inplace dec 16 1 4 boundary badtag" \
			"rfc4106 outofplace dec 20 1400 4 bigoff badtag" \
			"gcm inplace dec 16 65504 40 plain badtag"
		check_eq "$d served all $VT_N of vac_test's AEAD requests" \
			"$VT_N" $(($(vcm_total $i aead) - a0))
		check_eq "instance $i: no violation after vac_test's AEAD chains" 0 \
			"$(vcm_violations $i)"
	done
else
	for d in "$D1" "$D2"; do
		for c in plain holes boundary bigoff 64k rfc4106-16 rfc4106-20 \
			 badtag served violations; do
			tap_skip "$d: vac_test AEAD, $c" "no vac_test.ko in this image"
		done
	done
fi

# The hash and MAC services, each device alone: kcapi_hash (the consumers
# suite's program) with -r, whole messages of 0 to 4096 bytes spliced in
# one page (a digest()) or none (init() and final()), each right and one
# step of the device; then vac_test's hash command:
# whole messages (digest(), init() then finup()) of 0 bytes to 64 KiB on
# chains of every shape, HMAC keys from 1 byte to longer than a block,
# each against the kernel's generic implementation; every one of them a
# request of the device.  Partial hashes (init, update, finup) come out
# right too, and the device, which keeps no state, serves none of their
# steps (no empty entries there: the kernel's own ahash walk, which does
# them, stops at an empty entry and leaves its page mapped, a bug of Linux
# 6.1's crypto_hash_walk_first()).  The stateless device sends no control
# queue request.
kmod_load algif_hash
for i in 0 1 2; do
	d=$(vcm_dev $i)
	only "$d"
	if "$HASHP" -q -r "$d" >/tmp/model.hash 2>&1; then
		tap_ok "$d: kcapi_hash, whole messages through AF_ALG: $(grep -c '^ok' /tmp/model.hash) checks"
	else
		tap_fail "$d: kcapi_hash, whole messages through AF_ALG" "$(grep -v '^ok' /tmp/model.hash | tail -n 20)"
	fi
done
if vt_load; then
	for i in 0 1 2; do
		d=$(vcm_dev $i)
		only "$d"
		h0=$(( $(vcm_total $i hash) + $(vcm_total $i mac) ))
		c0=$(vcm_stat $i controlq requests)
		VT_N=0
		ok="err=0 match=1"
		vt_cases hash "$d: vac_test SHA-1 and SHA-256, whole messages" "$ok" \
			"sha1 digest 0 0 plain" \
			"sha256 finup 0 0 plain" \
			"sha1 finup 1 1 plain" \
			"sha256 digest 55 3 holes" \
			"sha256 digest 64 2 bigoff" \
			"sha1 digest 4096 6 holes" \
			"sha256 finup 4097 5 bigoff" \
			"sha1 finup 65536 40 plain" \
			"sha256 digest 65536 24 holes"
		vt_cases hash "$d: vac_test HMAC-SHA1 and HMAC-SHA256, keys of 1 to 200 bytes" "$ok" \
			"hmac-sha1 digest 0 0 plain 20" \
			"hmac-sha256 finup 0 0 plain 32" \
			"hmac-sha256 digest 1 1 plain 1" \
			"hmac-sha1 digest 1400 5 holes 64" \
			"hmac-sha256 finup 4096 4 bigoff 64" \
			"hmac-sha1 finup 64 3 plain 65" \
			"hmac-sha256 digest 65536 40 holes 200"
		n=$VT_N
		vt_cases hash "$d: vac_test partial hashes (init, update, finup) elsewhere" "$ok" \
			"sha1 split 100 2 plain" \
			"sha256 split 4096 4 bigoff" \
			"hmac-sha256 split 1500 3 bigoff 32" \
			"hmac-sha1 split 65536 8 plain 100"
		check_eq "$d served the $n whole messages and no partial hash" "$n" \
			$(( $(vcm_total $i hash) + $(vcm_total $i mac) - h0 ))
		if [ $i = 2 ]; then
			check_eq "$d: no control queue request for hash and MAC keys" 0 \
				$(($(vcm_stat 2 controlq requests) - c0))
		else
			check_ge "$d: hash and MAC sessions created" \
				$(($(vcm_stat $i controlq requests) - c0)) 4
		fi
	done
else
	for d in "$D0" "$D1" "$D2"; do
		for c in sha hmac partial served controlq; do
			tap_skip "$d: vac_test hash, $c" "no vac_test.ko in this image"
		done
	done
fi

# IPsec ESP with rfc4106(gcm(aes)) between two network namespaces, over the
# AEAD service of instance 1 (sessions) and of instance 2 (stateless),
# each alone: pings up to 64 KiB and a TCP transfer, one AEAD request per
# packet and direction on the device; then a TCP transfer while the device
# fails requests with a dirty destination, which TCP retransmits.
kmod_load veth esp4 xfrm_user || tap_bail "cannot load veth, esp4, xfrm_user"
check "two network namespaces joined by veth" ipsec_netns ||
	tap_bail "network namespaces"
for i in 1 2; do
	d=$(vcm_dev $i)
	only "$d"
	a0=$(vcm_total $i aead)
	n0=$(vac_counter "$d" declined)
	check "$d: ESP SAs, rfc4106(gcm(aes))" ipsec_xfrm rfc4106 ||
		tap_bail "xfrm"
	for sz in 56 1400 16000 65000; do
		check "$d: ping -s $sz through ESP" \
			$IP netns exec ipa ping -c 2 -W 10 -s "$sz" $IPSEC_B
	done
	ok_if "$d: 1 MiB over TCP through ESP, received intact" ipsec_bulk 1024
	# shellcheck disable=SC2046 # two numbers
	set -- $(ipsec_stats)
	check_eq "$d: no integrity failures" 0 "$2"
	check_eq "$d did the AEAD step of every ESP packet ($1)" "$1" \
		$(($(vcm_total $i aead) - a0))
	check_eq "$d: nothing declined (a 64 KiB packet's 45 fragments fit)" 0 \
		$(($(vac_counter "$d" declined) - n0))
	if [ $i = 1 ]; then
		f0=$(fault_count 1)
		echo "dirty 5" >$VCM/1/fault
		ok_if "$d: 1 MiB over TCP through ESP with 5 dirty failures, received intact" \
			ipsec_bulk 1024
		check_eq "$d: the five faults were served" 5 \
			$(($(fault_count 1) - f0))
		echo none >$VCM/1/fault
		check "$d back in service" vac_wait 30 in_service "$d"
	fi
	ipsec_flush

	# authenc(hmac(sha256),cbc(aes)): the cipher step and the MAC step of
	# every packet on the device, one request each.
	r0=$(vcm_cipher $i)
	m0=$(vcm_total $i mac)
	n0=$(vac_counter "$d" declined)
	check "$d: ESP SAs, cbc(aes) with hmac(sha256)" ipsec_xfrm cbc ||
		tap_bail "xfrm"
	for sz in 56 16000 65000; do
		check "$d: ping -s $sz through ESP (CBC, HMAC)" \
			$IP netns exec ipa ping -c 2 -W 10 -s "$sz" $IPSEC_B
	done
	ok_if "$d: 1 MiB over TCP through ESP (CBC, HMAC), received intact" \
		ipsec_bulk 1024
	# shellcheck disable=SC2046 # two numbers
	set -- $(ipsec_stats)
	check_eq "$d: no integrity failures (HMAC)" 0 "$2"
	check_eq "$d did the CBC step of every ESP packet ($1)" "$1" \
		$(($(vcm_cipher $i) - r0))
	check_eq "$d did the HMAC step of every ESP packet ($1)" "$1" \
		$(($(vcm_total $i mac) - m0))
	check_eq "$d: nothing declined (CBC, HMAC)" 0 \
		$(($(vac_counter "$d" declined) - n0))
	ipsec_flush
done
ipsec_cleanup

# dm-crypt over instance 1 (session mode) and instance 2 (stateless), each
# alone, through its three services: the cipher service (aes-xts-plain64
# on the loop device), the cipher and MAC services
# (authenc(hmac(sha256),cbc(aes)), random IVs, on dm-integrity) and the
# AEAD service (gcm(aes), random IVs, on dm-integrity).  What the model
# device writes, the software device (the kernel's implementations) reads
# back, and the other way round: the model's sectors are the standard
# ones, not just something it reads back itself.  Each step of every
# sector is counted on the device that did it.
DM=/tmp/model-dm
DM_KB=512
DM_T0=$(cut -d. -f1 /proc/uptime)
DM_SEC=$((DM_KB * 2))
mkdir -p $DM
kmod_load loop dm_crypt || tap_bail "loop, dm_crypt"
# A kernel without dm-integrity (the debug kernel) runs the cipher case.
DM_INT=1
kmod_load dm_integrity || DM_INT=0
truncate -s 4M $DM/disk.img
DM_LOOP=$(losetup -f --show $DM/disk.img) || tap_bail "losetup"

# dm_tag KIND: the dm-integrity tag of a sector, its random IV and its MAC
# (authenc: 16 + 32) or GCM tag (gcm: 12 + 16).
dm_tag() {
	if [ "$1" = gcm ]; then echo 28; else echo 48; fi
}

# dm_open KIND KEY: /dev/mapper/acm, KIND xts, authenc or gcm, on DM_LOOP
# (the latter two over dm-integrity, /dev/mapper/acmint); its sectors
# in DM_PDS.
dm_open() {
	case $1 in
	xts)
		DM_PDS=$DM_SEC
		dmsetup create acm --table "0 $DM_PDS crypt aes-xts-plain64 $2 0 $DM_LOOP 0"
		return
		;;
	authenc) _dm_c='authenc(hmac(sha256),cbc(aes))' ;;
	gcm) _dm_c='gcm(aes)' ;;
	esac
	_dm_t=$(dm_tag "$1")
	dmsetup create acmint --table "0 $DM_PDS integrity $DM_LOOP 0 $_dm_t D 0" &&
		dmsetup create acm --table "0 $DM_PDS crypt capi:$_dm_c-random $2 0 /dev/mapper/acmint 0 1 integrity:$_dm_t:aead"
}

dm_close() {
	dmsetup remove acm && { [ ! -e /dev/mapper/acmint ] || dmsetup remove acmint; }
}

# dm_format KIND: a fresh dm-integrity with KIND's tags on DM_LOOP (none
# for xts); sets DM_PDS, its usable sectors.
dm_format() {
	dd if=/dev/zero of="$DM_LOOP" bs=1M count=1 2>/dev/null
	[ "$1" = xts ] && return
	_dm_t=$(dm_tag "$1")
	dmsetup create acmint --table "0 8 integrity $DM_LOOP 0 $_dm_t D 0" || return 1
	DM_PDS=$(dmsetup status acmint | awk '{ print $5 }')
	dmsetup remove acmint
	[ "$DM_PDS" -ge $DM_SEC ]
}

# dm_steps N KIND: "cipher mac aead" requests model instance N computed so
# far, or the software device's completed steps (N soft).
dm_steps() {
	if [ "$1" = soft ]; then
		vac_counter soft scompleted
	else
		echo "$(vcm_cipher "$1") $(vcm_total "$1" mac) $(vcm_total "$1" aead)"
	fi
}

# dm_want KIND: the model's "cipher mac aead" steps for DM_SEC sectors.
dm_want() {
	case $1 in
	xts) echo "$DM_SEC 0 0" ;;
	authenc) echo "$DM_SEC $DM_SEC 0" ;;
	gcm) echo "0 0 $DM_SEC" ;;
	esac
}

# dm_delta BEFORE AFTER: the difference of two dm_steps.
dm_delta() {
	echo "$1 $2" | awk 'NF == 2 { print $2 - $1; exit }
		{ print $4 - $1, $5 - $2, $6 - $3 }'
}

# dm_io write|read FILE: DM_KB KiB of FILE to /dev/mapper/acm, or from it
# into FILE, direct I/O.
dm_io() {
	if [ "$1" = write ]; then
		dd if="$2" of=/dev/mapper/acm bs=64k oflag=direct 2>/dev/null
	else
		dd if=/dev/mapper/acm of="$2" bs=64k count=$((DM_KB / 64)) \
			iflag=direct 2>/dev/null
	fi
}

# dm_case N DEV KIND WRITER READER: DM_KB KiB written through a fresh
# mapping with only WRITER in service, read back through a new mapping
# with only READER in service; the model's steps are counted on instance N.
dm_case() {
	_dc_i=$1 _dc_d=$2 _dc_k=$3 _dc_w=$4 _dc_r=$5
	_dc_t="$_dc_d: dm-crypt $_dc_k, written by $_dc_w, read by $_dc_r"
	if ! dm_format "$_dc_k"; then
		tap_fail "$_dc_t: format" "$(dmsetup status 2>&1)"
		return 1
	fi
	_dc_key=$(head -c 64 /dev/urandom | xxd -p | tr -d '\n')
	[ "$_dc_k" = gcm ] && _dc_key=$(echo "$_dc_key" | cut -c1-64)
	head -c $((DM_KB * 1024)) /dev/urandom >$DM/plain
	for _dc_s in w r; do
		if [ $_dc_s = w ]; then _dc_o=$_dc_w; else _dc_o=$_dc_r; fi
		only "$_dc_o"
		if ! dm_open "$_dc_k" "$_dc_key"; then
			tap_fail "$_dc_t: open" "$(dmsetup table 2>&1)"
			dm_close 2>/dev/null
			return 1
		fi
		if [ "$_dc_o" = soft ]; then _dc_n=soft; else _dc_n=$_dc_i; fi
		_dc_0=$(dm_steps "$_dc_n")
		_dc_m=$(dm_steps "$_dc_i")
		if [ $_dc_s = w ]; then
			dm_io write $DM/plain
		else
			rm -f $DM/back
			dm_io read $DM/back
		fi
		_dc_rc=$?
		_dc_g=$(dm_delta "$_dc_0" "$(dm_steps "$_dc_n")")
		if [ "$_dc_o" = soft ]; then
			# Two steps per sector for authenc, one otherwise;
			# none on the model.
			_dc_e=$DM_SEC
			[ "$_dc_k" = authenc ] && _dc_e=$((2 * DM_SEC))
			_dc_mg=$(dm_delta "$_dc_m" "$(dm_steps "$_dc_i")")
			[ "$_dc_mg" = "0 0 0" ] || _dc_g="$_dc_g (model: $_dc_mg)"
		else
			_dc_e=$(dm_want "$_dc_k")
		fi
		dm_close
		if [ $_dc_rc != 0 ] || [ "$_dc_g" != "$_dc_e" ]; then
			tap_fail "$_dc_t: $_dc_s" "dd exit $_dc_rc; steps $_dc_g, expected $_dc_e"
			return 1
		fi
	done
	if ! cmp -s $DM/plain $DM/back; then
		tap_fail "$_dc_t" "the data read back differs"
		return 1
	fi
	tap_ok "$_dc_t: $DM_SEC sectors, every step counted, read back intact"
}

# dm_badkey N DEV: the GCM sectors under another key, with only DEV in
# service: every tag fails on the device and dm-crypt returns an I/O
# error, no data.
dm_badkey() {
	only "$2"
	_db_key=$(head -c 32 /dev/urandom | xxd -p | tr -d '\n')
	if ! dm_open gcm "$_db_key"; then
		tap_fail "$2: dm-crypt gcm, another key: open"
		dm_close 2>/dev/null
		return 1
	fi
	_db_0=$(vcm_total "$1" aead)
	dd if=/dev/mapper/acm of=$DM/bad bs=4k count=1 iflag=direct 2>/dev/null
	_db_rc=$?
	_db_n=$(($(vcm_total "$1" aead) - _db_0))
	dm_close
	if [ $_db_rc != 0 ] && [ $_db_n -gt 0 ] && [ ! -s $DM/bad ]; then
		tap_ok "$2: dm-crypt gcm, another key: the device finds every tag wrong ($_db_n requests), an I/O error"
	else
		tap_fail "$2: dm-crypt gcm, another key: an I/O error" \
			"dd exit $_db_rc, $_db_n AEAD requests, $(wc -c <$DM/bad) bytes read"
	fi
}

for i in 1 2; do
	d=$(vcm_dev $i)
	n0=$(vac_counter "$d" declined)
	for k in xts authenc gcm; do
		if [ $k != xts ] && [ $DM_INT = 0 ]; then
			tap_skip "$d: dm-crypt $k, written by $d, read by soft" "no dm-integrity in this kernel"
			tap_skip "$d: dm-crypt $k, written by soft, read by $d" "no dm-integrity in this kernel"
			continue
		fi
		dm_case $i "$d" $k "$d" soft
		dm_case $i "$d" $k soft "$d"
	done
	if [ $DM_INT = 1 ]; then
		dm_badkey $i "$d"
	else
		tap_skip "$d: dm-crypt gcm, another key" "no dm-integrity in this kernel"
	fi
	check_eq "$d: dm-crypt: nothing declined" 0 \
		$(($(vac_counter "$d" declined) - n0))
done
losetup -d "$DM_LOOP"
rm -rf $DM
tap_diag "dm-crypt over the model: $(($(cut -d. -f1 /proc/uptime) - DM_T0)) s"

for d in "$D0" "$D1" "$D2"; do
	vac_broken "$d" 0
done

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

# DEVICE_NEEDS_RESET under load: the driver resets the device and sets it
# up again (a freeze and restore without draining); the requests it held
# go elsewhere, its sessions are created anew.
r0=$(vcm_resets 1)
"$BENCH" -c acrypto-cbc-aes -s 16-16384 -d 8 -o both -T 6 -V "$REF" \
	-l needs_reset >/tmp/model.reset 2>&1 &
pr=$!
sleep 1
echo needs_reset >$VCM/1/fault
check "$D1 reset by the driver after DEVICE_NEEDS_RESET" \
	vac_wait 30 resets_above 1 "$r0"
check "$D1 back in service after the reset" vac_wait 30 in_service "$D1"
wait $pr
ok_bench "every request right across the reset" /tmp/model.reset
only "$D1"
check_bench "$D1 alone after the reset: checked stream, new sessions" \
	-c acrypto-cbc-aes -k 32 -s 16-16384 -d 8 -m 16 -o both -T 2 \
	-V "$REF" -l after-reset
for d in soft "$D0" "$D1" "$D2"; do
	vac_broken "$d" 0
done

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

# Instance 3, small limits: max_size 2048, AES keys of 16 bytes (so no
# XTS, whose keys are 32 bytes or more), HMAC keys up to 32 bytes; and
# stateless for the cipher and MAC services only.  The capabilities say
# so; what does not fit goes to the kernel's implementation and never to
# the device (nothing declined, no request over max_size, a stateless
# request's key counted); every output right.
check_eq "$D3 negotiated stateless cipher and MAC, hash and AEAD sessions" \
	"revision 1, cipher stateless, hash sessions, MAC stateless, AEAD sessions" \
	"$(mode_of 3)"
check_eq "$D3 registered AES-128 only, no XTS, HMAC keys up to 32 bytes" \
	"aes-cbc 16-16|aes-ctr 16-16|aes-ecb 16-16|aes-gcm 16-16|aes-rfc4106 20-20|sha1-hash 0-0|sha1-hmac 1-32|sha256-hash 0-0|sha256-hmac 1-32" \
	"$(awk '{ print $1, $4 }' "$CLS/$D3/capabilities" | sort | tr '\n' '|' | sed 's/|$//')"
only "$D3"
r0=$(vcm_cipher 3)
s0=$(vcm_total 3 stateless)
n0=$(vac_counter "$D3" declined)
# A fixed number of requests, not a time: about one in ten fits, and a
# debug kernel runs six times fewer in the same time.
check_bench "$D3: checked stream of 16 B to 8 KiB, AES-128" \
	-c acrypto-cbc-aes -k 16 -s 16-8192 -d 8 -o both -n 1000 -V "$REF" \
	-l limits
r0=$(($(vcm_cipher 3) - r0))
check_ge "$D3 served the requests within max_size" $r0 50
check_eq "$D3 served them stateless" $r0 $(($(vcm_total 3 stateless) - s0))
check_eq "$D3 declined none: the engine keeps longer ones away" 0 \
	$(($(vac_counter "$D3" declined) - n0))
r0=$(vcm_cipher 3)
check_bench "$D3: checked stream with AES-256 keys" \
	-c acrypto-cbc-aes -k 32 -s 16-1024 -d 4 -T 1 -V "$REF" -l limits-256
check_eq "$D3 served none of the AES-256 requests" 0 $(($(vcm_cipher 3) - r0))
if vt_load; then
	h0=$(( $(vcm_total 3 hash) + $(vcm_total 3 mac) ))
	s0=$(vcm_total 3 stateless)
	VT_N=0
	vt_cases hash "$D3: hashes within and beyond its limits, right" \
		"err=0 match=1" \
		"hmac-sha256 digest 1000 2 plain 32" \
		"hmac-sha256 digest 1000 2 plain 33" \
		"sha256 digest 2016 3 plain" \
		"sha256 digest 2017 3 plain" \
		"sha1 digest 2028 2 holes" \
		"sha1 digest 4096 2 plain"
	check_eq "$D3 hashed the three that fit (key of 32, max_size with the digest)" \
		3 $(( $(vcm_total 3 hash) + $(vcm_total 3 mac) - h0 ))
	check_eq "$D3: the HMAC one stateless, the two hashes in sessions" \
		1 $(($(vcm_total 3 stateless) - s0))
else
	for c in "hashes within and beyond its limits" "hashed the three that fit" \
		 "HMAC stateless, hashes in sessions"; do
		tap_skip "$D3: $c" "no vac_test.ko in this image"
	done
fi
vac_broken "$D3" 1

for i in 0 1 2 3; do
	check_eq "instance $i: no violation of the specification" 0 "$(vcm_violations $i)"
done
check "virtio_acrypto unloads" vac_unload
check "virtio_crypto_model unloads" rmmod virtio_crypto_model
tap_done
