#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# model-bench-guest.sh - the guest half of model-bench.sh: virtio_acrypto on
# devices of virtio_crypto_model (selftests/acrypto-virtio/kmod), the engine
# with no software device, one model device in service at a time.  PASSES
# passes, every case once per pass:
#
#   keys      AF_ALG, AES-CBC 64 B, a new transform and key per request,
#             1 and 16 in flight: session mode (revision 1) against
#             stateless, one data queue each
#   kkeys     the same in the kernel (vac_test's stream: two threads, 16 B,
#             a setkey before every request, outputs checked)
#   queues    stateless devices with 1, 2 and 4 data queues, two AF_ALG
#             streams (4 KiB, 8 in flight) pinned to the two CPUs (the
#             driver uses the submitting CPU's queue: two CPUs use two of
#             the four)
#   debian    after the passes: Debian's virtio_crypto on a model device
#             without revision 1 (it negotiates none), the keys case
#
# One result line per measurement:
#
#   BENCH case=CASE mode=MODE pass=N depth=N queues=N ops_s=... errors=N
#
# Usage: model-bench-guest.sh [SECONDS [PASSES]]

HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$HERE/afalg_bench
VT=/sys/kernel/debug/vac_test
CLS=/sys/class/acrypto
# shellcheck source=../selftests/acrypto-virtio/vcm.sh
. "$HERE/vcm.sh"
SECS=${1:-3}
PASSES=${2:-3}

# field LINE KEY: a value of a result line, 0 if it has none (a run that
# printed nothing counts as nothing done)
field() {
	_f_v=$(echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p")
	echo "${_f_v:-0}"
}

# only N: model instance N's device alone in service
only() {
	for i in 0 1 2 3 4; do
		b=1
		[ "$i" = "$1" ] && b=0
		echo $b >"$CLS/$(vcm_dev $i)/broken"
	done
}

# result CASE MODE PASS DEPTH QUEUES LINE
result() {
	echo "BENCH case=$1 mode=$2 pass=$3 depth=$4 queues=$5 ops_s=$(field "$6" ops_s) errors=$(($(field "$6" errors) + $(field "$6" mismatches)))"
}

# keys PASS MODE N: the AF_ALG many-keys case on instance N
keys() {
	only "$3"
	for depth in 1 16; do
		line=$("$BENCH" -q -c acrypto-cbc-aes -s 64 -d $depth -K -T "$SECS")
		result keys "$2" "$1" $depth 1 "$line"
	done
}

# kkeys PASS MODE N: the in-kernel many-keys case on instance N
kkeys() {
	only "$3"
	echo "start 2 16 1" >$VT/stream
	sleep "$SECS"
	echo stop >$VT/stream
	line=$(cat $VT/stream)
	ops=$(awk -v d="$(field "$line" "done")" -v s="$SECS" 'BEGIN { printf "%.1f", d / s }')
	echo "BENCH case=kkeys mode=$2 pass=$1 depth=2 queues=1 ops_s=$ops errors=$(($(field "$line" errors) + $(field "$line" mismatches)))"
}

# queues PASS N Q: two pinned streams on instance N (Q data queues)
queues() {
	only "$2"
	"$BENCH" -q -c acrypto-cbc-aes -s 4096 -d 8 -T "$SECS" -C 0 >/tmp/q0 2>&1 &
	p=$!
	l1=$("$BENCH" -q -c acrypto-cbc-aes -s 4096 -d 8 -T "$SECS" -C 1)
	wait $p
	l0=$(cat /tmp/q0)
	ops=$(awk -v a="$(field "$l0" ops_s)" -v b="$(field "$l1" ops_s)" 'BEGIN { printf "%.1f", a + b }')
	err=$(($(field "$l0" errors) + $(field "$l1" errors)))
	echo "BENCH case=queues mode=stateless pass=$1 depth=8 queues=$3 ops_s=$ops errors=$err"
}

echo "# model-bench: $(uname -r), $(nproc) CPUs, $SECS s per point, $PASSES passes"
modprobe virtio || exit 1
modprobe virtio_ring || exit 1
modprobe aesni_intel || exit 1
modprobe algif_skcipher || exit 1
mount -t debugfs none /sys/kernel/debug 2>/dev/null
# 0: legacy; 1: revision 1, sessions; 2-4: stateless, 1, 2 and 4 queues.
insmod "$HERE/virtio_crypto_model.ko" instances=5 dataqueues=1,1,1,2,4 \
	revision1=0,1,1,1,1 stateless=0,0,1,1,1 || exit 1
modprobe acrypto || exit 1
modprobe virtio_acrypto || exit 1
n=0
# ndev: acrypto devices of the driver
ndev() {
	set -- "$CLS"/virtio_crypto*
	[ -e "$1" ] && echo $# || echo 0
}
while ! grep -q "^driver *: acrypto-cbc-aes\$" /proc/crypto || [ "$(ndev)" -lt 5 ]; do
	n=$((n + 1))
	[ $n -gt 300 ] && { echo "# model-bench: devices did not register"; exit 1; }
	sleep 0.1
done
insmod "$HERE/vac_test.ko" || exit 1

pass=1
while [ $pass -le "$PASSES" ]; do
	keys $pass session 1
	keys $pass stateless 2
	kkeys $pass session 1
	kkeys $pass stateless 2
	queues $pass 2 1
	queues $pass 3 2
	queues $pass 4 4
	pass=$((pass + 1))
done
for i in 0 1 2 3 4; do
	echo "# model instance $i: violations $(head -n 1 $VCM/$i/violations)"
done

rmmod vac_test
rmmod virtio_acrypto
rmmod acrypto
rmmod virtio_crypto_model
# Linux 6.1 passes the whole chains, longer than the request: QEMU's
# leniency (strict=0), or its self-test fails.
insmod "$HERE/virtio_crypto_model.ko" instances=1 strict=0 || exit 1
modprobe virtio_crypto || exit 1
n=0
while ! grep -q "^driver *: virtio_crypto_aes_cbc\$" /proc/crypto; do
	n=$((n + 1))
	[ $n -gt 300 ] && { echo "# model-bench: virtio_crypto did not register"; exit 1; }
	sleep 0.1
done
pass=1
while [ $pass -le "$PASSES" ]; do
	for depth in 1 16; do
		line=$("$BENCH" -q -c virtio_crypto_aes_cbc -s 64 -d $depth -K -T "$SECS")
		result keys debian $pass $depth 1 "$line"
	done
	pass=$((pass + 1))
done
echo "# model instance 0 under virtio_crypto: violations $(head -n 1 $VCM/0/violations)"
echo "# model-bench: done"
