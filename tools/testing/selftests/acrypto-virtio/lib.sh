# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers shared by the acrypto-virtio guest tests (busybox ash). Sourced
# after the harness's lib.sh; VAC_DIR is the directory of the tests.

VAC_DIR=${VAC_DIR:-$(cd "$(dirname "$0")" && pwd)}
BENCH=$VAC_DIR/afalg_bench
CLS=/sys/class/acrypto
# The kernel's own AES-NI CBC: the reference for every output check.
# shellcheck disable=SC2034 # used by the tests that source this
REF=cbc-aes-aesni

# Load the engine, optionally the software device, and our driver.
# algif_skcipher too: left to autoloading, concurrent first AF_ALG binds
# race on it and some fail with ENOENT.
# vac_load [soft]
vac_load() {
	kmod_load aesni_intel algif_skcipher acrypto || return 1
	if [ "${1:-}" = soft ]; then
		kmod_load acrypto_soft || return 1
	fi
	if [ ! -d /sys/module/virtio_acrypto ]; then
		VAC_LOAD_MARK=vac-load-$(cut -d' ' -f1 /proc/uptime)
		kmsg_mark "$VAC_LOAD_MARK"
		kmod_load virtio_acrypto || return 1
	fi
	vac_wait_registered
}

# vac_wait_registered [SECONDS]: probe waits a while (probe_wait_ms) for a
# device's registration, which runs the crypto API self-tests through it,
# then leaves it to finish in the background: wait for those that did not
# finish (by the driver's log since the mark in VAC_LOAD_MARK).
vac_wait_registered() {
	[ -n "${VAC_LOAD_MARK:-}" ] || return 0
	_vr_n=$((${1:-120} * 10))
	for _vr_d in $(kmsg_since "$VAC_LOAD_MARK" | sed -n 's/.*registration of \(virtio_crypto[0-9]*\) continues.*/\1/p'); do
		while ! kmsg_since "$VAC_LOAD_MARK" | grep -q "registered as acrypto device $_vr_d\$"; do
			[ "$_vr_n" -gt 0 ] || return 1
			sleep 0.1
			_vr_n=$((_vr_n - 1))
		done
	done
	return 0
}

# Unload our driver and the engine (and the soft device).
vac_unload() {
	for m in virtio_acrypto acrypto_soft acrypto; do
		[ -d "/sys/module/$m" ] && rmmod "$m"
	done
	return 0
}

# vac_counter DEV NAME: a counter of /sys/class/acrypto/DEV (0 if absent).
vac_counter() {
	cat "$CLS/$1/$2" 2>/dev/null || echo 0
}

# The acrypto devices of our driver, one name per line.
vac_devices() {
	for d in "$CLS"/virtio_crypto*; do
		[ -e "$d" ] && basename "$d"
	done
}

# vac_broken DEV 0|1: take a device out of service or back.
vac_broken() {
	echo "$2" >"$CLS/$1/broken"
}

# vac_wait SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
vac_wait() {
	_vw_n=$(($1 * 10))
	shift
	while [ "$_vw_n" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		_vw_n=$((_vw_n - 1))
	done
	return 1
}

# bench_ok LINE: afalg_bench's result line reports ops, no error, no mismatch.
bench_ok() {
	case $1 in
	*" ops=0 "*) return 1 ;;
	*" errors=0 mismatches=0"*) return 0 ;;
	esac
	return 1
}

# bench_field LINE KEY: one value of afalg_bench's result line.
bench_field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# check_bench NAME ARGS...: run afalg_bench, one result from its line.
check_bench() {
	_cb_name=$1
	shift
	_cb_out=$("$BENCH" "$@" 2>&1)
	if bench_ok "$_cb_out"; then
		tap_ok "$_cb_name"
		tap_diag "$_cb_out"
		return 0
	fi
	tap_fail "$_cb_name" "$_cb_out"
	return 1
}

# ok_if, kmsg_mark, kmsg_since: lib.sh's.

# check_ge NAME VALUE MIN
check_ge() {
	if [ "$2" -ge "$3" ]; then
		tap_ok "$1 ($2 >= $3)"
	else
		tap_fail "$1" "got $2, expected at least $3"
		return 1
	fi
}

# load_start SECONDS [removal]: three AF_ALG AIO streams in the background,
# the concurrency that makes the balancer use more than one device: checked
# requests over 64 keys (both directions: 128 device sessions), checked
# requests with a new key each, and unchecked 64 KiB requests.
#
# With "removal" the new-key stream is replaced by checked requests of random
# sizes under one key: a transform closing while a device unregisters hits
# an engine race (acrypto_key_exit() vs acrypto_device_unregister(): the key
# is never released on the device), so removal tests keep every transform
# open until the device is gone and stop the load with load_stop.
load_start() {
	LOAD_FILES="/tmp/load.keys /tmp/load.bulk"
	"$BENCH" -l keys -c acrypto-cbc-aes -s 16-16384 -d 8 -m 64 -o both \
		-T "$1" -V "$REF" >/tmp/load.keys 2>&1 &
	LOAD_PIDS=$!
	"$BENCH" -l bulk -c acrypto-cbc-aes -s 65536 -d 16 -T "$1" \
		>/tmp/load.bulk 2>&1 &
	LOAD_PIDS="$LOAD_PIDS $!"
	if [ "${2:-}" = removal ]; then
		"$BENCH" -l sizes -c acrypto-cbc-aes -s 16-65536 -d 8 -o both \
			-T "$1" -V "$REF" >/tmp/load.sizes 2>&1 &
		LOAD_FILES="$LOAD_FILES /tmp/load.sizes"
	else
		"$BENCH" -l new-keys -c acrypto-cbc-aes -s 16-1024 -d 8 -K \
			-o both -T "$1" -V "$REF" >/tmp/load.new 2>&1 &
		LOAD_FILES="$LOAD_FILES /tmp/load.new"
	fi
	LOAD_PIDS="$LOAD_PIDS $!"
}

# load_stop: end load_start's streams now (they finish what is in flight).
load_stop() {
	# shellcheck disable=SC2086 # a list of pids
	kill -TERM $LOAD_PIDS 2>/dev/null
}

# check_load NAME: wait for load_start's streams; one result: every request
# of every stream completed, with the right output where checked.
check_load() {
	_cl_bad=''
	for _cl_p in $LOAD_PIDS; do
		wait "$_cl_p"
	done
	for _cl_f in $LOAD_FILES; do
		bench_ok "$(cat "$_cl_f")" || _cl_bad="$_cl_bad $(cat "$_cl_f")"
	done
	if [ -z "$_cl_bad" ]; then
		tap_ok "$1"
		# shellcheck disable=SC2086 # a list of files
		cat $LOAD_FILES | tap_diag
	else
		tap_fail "$1" "$_cl_bad"
		return 1
	fi
}

# removal_log DEV: the driver's log line when DEV's removal started.
removal_log() {
	dmesg | grep "removing $1 with" | tail -n 1 | sed 's/^\[[^]]*\] //'
}

# removal_inflight DEV: requests on DEV's rings when its removal started.
removal_inflight() {
	removal_log "$1" | sed -n 's/.* with \([0-9]*\) requests in flight.*/\1/p'
}

# slow_device: ask run-host.sh to put QEMU's main thread (the device
# models) on one host CPU at nice 19, so the device lags behind the busy
# guest and requests wait on its rings (a no-op without run-host.sh).
slow_device() {
	echo "# ACRYPTO-VIRTIO-SLOW-DEVICE: host, slow the device down now"
	sleep 2
}

# check_held NAME COUNT: requests a device held when it was removed.
# Whether any were on its rings at that moment is timing (slow_device makes
# it likely): none is a skip, not a failure.
check_held() {
	if [ "${2:-0}" -ge 1 ] 2>/dev/null; then
		tap_ok "$1 ($2)"
	else
		tap_skip "$1" "the device had answered everything (timing)"
	fi
}

# driver_errors: error lines of the driver in the kernel log (a refused
# device session is not one).
driver_errors() {
	dmesg | grep virtio_acrypto | grep -c "device wrote\|failed: status\|rejected\|still holds\|lost session\|cannot"
}

# The in-kernel request module (kmod/vac_test.c), if this image has one.
VT_KO=$(kmod_path vac_test)
VT=/sys/kernel/debug/vac_test

# vt_load: load vac_test.ko (with debugfs mounted); 1 if not in the image.
vt_load() {
	[ -d $VT ] && return 0
	[ -r "$VT_KO" ] || return 1
	grep -q " /sys/kernel/debug debugfs " /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	insmod "$VT_KO"
}

# vt_one inplace|outofplace enc|dec LEN [SEGS]: one checked request through
# acrypto-cbc-aes; prints "err=E match=M".
vt_one() {
	echo "$*" >$VT/one && cat $VT/one
}

# vt_aead gcm|rfc4106 inplace|outofplace enc|dec ALEN TLEN SEGS SHAPE [badtag]:
# one checked AEAD request through acrypto-gcm-aes or
# acrypto-rfc4106-gcm-aes on chains of SHAPE (plain, holes, boundary,
# bigoff); prints "err=E match=M".
vt_aead() {
	echo "$*" >$VT/aead && cat $VT/aead
}

# vt_hash ALG digest|finup|split LEN SEGS SHAPE [KEYLEN]: one checked hash
# through the engine's ALG (sha1, sha256, hmac-sha1, hmac-sha256); prints
# "err=E match=M".
vt_hash() {
	echo "$*" >$VT/hash && cat $VT/hash
}

# vt_stream start THREADS MAXLEN KEYEVERY | stop | (nothing: the counters)
vt_stream() {
	if [ $# -gt 0 ]; then
		echo "$*" >$VT/stream
	else
		cat $VT/stream
	fi
}

# vt_field LINE KEY: one value of a vac_test line.
vt_field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# IPsec ESP in transport mode between two network namespaces, ipa
# ($IPSEC_A) and ipb ($IPSEC_B), joined by veth (MTU 1500).  The real
# iproute2 is called by full path: busybox's applet would shadow it.
IP=/usr/sbin/ip
IPSEC_A=10.99.0.1
IPSEC_B=10.99.0.2
IPSEC_W=/tmp/vac-ipsec

# ipsec_netns: the namespaces and the veth pair.
ipsec_netns() {
	mkdir -p $IPSEC_W &&
	$IP netns add ipa && $IP netns add ipb &&
	$IP link add va netns ipa type veth peer name vb netns ipb &&
	$IP -n ipa addr add $IPSEC_A/24 dev va &&
	$IP -n ipb addr add $IPSEC_B/24 dev vb &&
	$IP -n ipa link set lo up && $IP -n ipb link set lo up &&
	$IP -n ipa link set va up && $IP -n ipb link set vb up
}

# ipsec_hexkey BYTES: a random key in hex.
ipsec_hexkey() {
	head -c "$1" /dev/urandom | xxd -p | tr -d '\n'
}

# ipsec_algo KIND AESBYTES: the algorithm words of `ip xfrm state add`
# with new keys: cbc (cbc(aes) + hmac(sha256), 128-bit tag) or rfc4106
# (AES-GCM, the key followed by its salt, 128-bit tag).
ipsec_algo() {
	case $1 in
	cbc) echo "enc cbc(aes) 0x$(ipsec_hexkey "$2") auth-trunc hmac(sha256) 0x$(ipsec_hexkey 32) 128" ;;
	rfc4106) echo "aead rfc4106(gcm(aes)) 0x$(ipsec_hexkey $(($2 + 4))) 128" ;;
	esac
}

# ipsec_xfrm KIND: one SA per direction, the same in both namespaces, and
# the policies that send the traffic between the two addresses through
# them.  AES-128 one way, AES-256 the other.
ipsec_xfrm() {
	_ix_a1=$(ipsec_algo "$1" 16)
	_ix_a2=$(ipsec_algo "$1" 32)
	for _ix_ns in ipa ipb; do
		# shellcheck disable=SC2086 # algorithm words
		$IP -n $_ix_ns xfrm state add src $IPSEC_A dst $IPSEC_B proto esp \
			spi 0x1000 reqid 1 mode transport $_ix_a1 || return 1
		# shellcheck disable=SC2086 # algorithm words
		$IP -n $_ix_ns xfrm state add src $IPSEC_B dst $IPSEC_A proto esp \
			spi 0x2000 reqid 2 mode transport $_ix_a2 || return 1
	done
	$IP -n ipa xfrm policy add src $IPSEC_A/32 dst $IPSEC_B/32 dir out \
		tmpl src $IPSEC_A dst $IPSEC_B proto esp reqid 1 mode transport &&
	$IP -n ipa xfrm policy add src $IPSEC_B/32 dst $IPSEC_A/32 dir in \
		tmpl src $IPSEC_B dst $IPSEC_A proto esp reqid 2 mode transport &&
	$IP -n ipb xfrm policy add src $IPSEC_B/32 dst $IPSEC_A/32 dir out \
		tmpl src $IPSEC_B dst $IPSEC_A proto esp reqid 2 mode transport &&
	$IP -n ipb xfrm policy add src $IPSEC_A/32 dst $IPSEC_B/32 dir in \
		tmpl src $IPSEC_A dst $IPSEC_B proto esp reqid 1 mode transport
}

# ipsec_stats: packets and integrity failures over the SAs of both
# namespaces, as two numbers.
ipsec_stats() {
	for _is_ns in ipa ipb; do
		$IP -n $_is_ns -s xfrm state
	done | awk '
		/\(bytes\), .*\(packets\)/ { n = $2; sub(/\(packets\)/, "", n); pk += n }
		/stats:/ { for (i = 1; i < NF; i++) if ($i == "failed") f += $(i + 1) }
		END { print pk + 0, f + 0 }'
}

# ipsec_bulk KIB: KIB random KiB from ipa to ipb over TCP (skbs with page
# frags), received intact.  busybox nc -l quits when its stdin ends: a FIFO
# held open by a sleeping writer keeps it open.
ipsec_bulk() {
	head -c $(($1 * 1024)) /dev/urandom >$IPSEC_W/send
	rm -f $IPSEC_W/recv $IPSEC_W/hold
	mkfifo $IPSEC_W/hold
	sleep 120 >$IPSEC_W/hold 2>/dev/null &
	_ib_holder=$!
	$IP netns exec ipb timeout 100 nc -l -p 5001 <$IPSEC_W/hold \
		>$IPSEC_W/recv 2>/dev/null &
	_ib_srv=$!
	vac_wait 10 sh -c "$IP netns exec ipb netstat -ltn | grep -q ':5001 '"
	timeout 100 $IP netns exec ipa nc $IPSEC_B 5001 <$IPSEC_W/send \
		>/dev/null 2>&1
	_ib_rc=$?
	vac_wait 30 sh -c "! kill -0 $_ib_srv"
	kill $_ib_srv $_ib_holder 2>/dev/null
	wait $_ib_srv $_ib_holder 2>/dev/null
	[ $_ib_rc -eq 0 ] && cmp -s $IPSEC_W/send $IPSEC_W/recv
}

# ipsec_flush: no SA, no policy (the namespaces stay).
ipsec_flush() {
	for _if_ns in ipa ipb; do
		$IP -n $_if_ns xfrm policy flush
		$IP -n $_if_ns xfrm state flush
	done
}

# ipsec_cleanup: the namespaces and the work directory gone.
ipsec_cleanup() {
	ipsec_flush
	$IP netns del ipa
	$IP netns del ipb
	rm -rf $IPSEC_W
}
