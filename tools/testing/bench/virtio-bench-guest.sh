#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# virtio-bench-guest.sh - the guest half of virtio-bench.sh: measure AES-CBC
# through one virtio-crypto device with our driver (acrypto + virtio_acrypto,
# no software device: the virtio device does all the work) and with Debian's
# virtio_crypto on the same device, in turns (PASSES of each, interleaved, so
# that a change of the host's load hits both).  One result line per
# measurement:
#
#   BENCH driver=ours|debian pass=N size=BYTES depth=N keys=one|per-request
#         ops_s=... MBps=... errors=N
#
# Usage: virtio-bench-guest.sh [SECONDS [SIZES [DEPTHS [PASSES]]]]
# (lists separated by spaces or underscores: the kernel command line that
# carries them splits at spaces)

HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$HERE/afalg_bench
SECS=${1:-3}
SIZES=$(echo "${2:-16 64 256 1024 4096 16384 65536}" | tr _ ' ')
DEPTHS=$(echo "${3:-1 16}" | tr _ ' ')
PASSES=${4:-3}

# run DRIVER PASS ALG: every measurement of one driver
run() {
	for depth in $DEPTHS; do
		for size in $SIZES; do
			line=$("$BENCH" -q -c "$3" -s "$size" -d "$depth" -T "$SECS")
			echo "BENCH driver=$1 pass=$2 size=$size depth=$depth keys=one $(echo "$line" | tr ' ' '\n' | grep -E '^(ops_s|MBps|errors)=' | tr '\n' ' ')"
		done
		line=$("$BENCH" -q -c "$3" -s 64 -d "$depth" -K -T "$SECS")
		echo "BENCH driver=$1 pass=$2 size=64 depth=$depth keys=per-request $(echo "$line" | tr ' ' '\n' | grep -E '^(ops_s|MBps|errors)=' | tr '\n' ' ')"
	done
}

# wait_alg DRIVER: until the crypto API lists a driver name
wait_alg() {
	n=0
	while ! grep -q "^driver *: $1\$" /proc/crypto; do
		n=$((n + 1))
		[ $n -gt 100 ] && return 1
		sleep 0.1
	done
}

echo "# virtio-bench: $(uname -r), $(nproc) CPUs, $SECS s per point, $PASSES passes"
modprobe algif_skcipher || exit 1
modprobe acrypto || exit 1
pass=1
while [ $pass -le "$PASSES" ]; do
	modprobe virtio_acrypto || exit 1
	wait_alg acrypto-cbc-aes || exit 1
	run ours $pass acrypto-cbc-aes
	rmmod virtio_acrypto

	modprobe virtio_crypto || exit 1
	wait_alg virtio_crypto_aes_cbc || exit 1
	run debian $pass virtio_crypto_aes_cbc
	rmmod virtio_crypto
	pass=$((pass + 1))
done
echo "# virtio-bench: done"
