#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# model-bench.sh - virtio_acrypto on virtio_crypto_model's devices (the
# in-guest virtio-crypto device of selftests/acrypto-virtio), in one guest
# boot: the many-keys case in stateless against session mode (through
# AF_ALG and in the kernel), the scaling of a stateless device with 1, 2
# and 4 data queues under two submitting CPUs, and Debian's virtio_crypto
# on the same model (session mode, the only one it has).  Runs
# model-bench-guest.sh there and prints a table of the medians of its
# passes and their ratios.
#
# Usage: model-bench.sh [--secs N] [--passes N] [--kernel IMG] [--kdir DIR]
#                       [--raw FILE]
#
#   --secs N      seconds per measurement (default 3)
#   --passes N    passes, every case once per pass (default 3)
#   --kernel IMG  guest kernel (default: run-vm.sh's)
#   --kdir DIR    kernel build tree for the model and vac_test (default: the
#                 newest Debian 6.1 headers)
#   --raw FILE    also keep the guest's result lines in FILE
#
# A figure, not a test: the exit status only says whether the guest ran.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
VM=$ROOT/tools/testing/vm
SUITE=$ROOT/tools/testing/selftests/acrypto-virtio
SECS=3 PASSES=3 KERNEL='' KDIR='' RAW=''

usage() {
	sed -n '6,24s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--secs) SECS=${2:?}; shift 2 ;;
	--passes) PASSES=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--kdir) KDIR=${2:?}; shift 2 ;;
	--raw) RAW=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "model-bench.sh: unknown option '$1'" >&2; usage ;;
	esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/model-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The model and vac_test (the suite's kmod/, built with the other
# modules), afalg_bench as the suite builds it.
make -s -C "$ROOT" ${KDIR:+KDIR="$KDIR"} modules >&2
make -s -C "$SUITE" OUTPUT="$WORK/suite" "$WORK/suite/afalg_bench" >&2
mkdir -p "$WORK/bench"
for f in suite/afalg_bench vcm.sh kmod/virtio_crypto_model.ko kmod/vac_test.ko; do
	case $f in
	suite/*) src=$WORK/$f ;;
	*) src=$SUITE/$f ;;
	esac
	[ -f "$src" ] || {
		echo "model-bench.sh: $src was not built" >&2
		exit 1
	}
	cp "$src" "$WORK/bench/"
done
install -m 0755 "$HERE/model-bench-guest.sh" "$WORK/bench/"
bash "$VM/mkinitramfs.sh" --extra "$ROOT/crypto" --extra "$ROOT/drivers" \
	--files "$WORK/bench:/acrypto/bench" --out "$WORK/initrd.cpio.gz" >&2

opts=(--initrd "$WORK/initrd.cpio.gz"
	--run /acrypto/bench/model-bench-guest.sh --args "$SECS,$PASSES"
	--timeout $((PASSES * 12 * (SECS + 3) + 300)))
[ -n "$KERNEL" ] && opts+=(--kernel "$KERNEL")

bash "$VM/run-vm.sh" "${opts[@]}" | tee "$WORK/out" | grep -v '^BENCH' || true
grep '^BENCH' "$WORK/out" >"$WORK/bench.txt" || {
	echo "model-bench.sh: no results from the guest" >&2
	exit 1
}
[ -n "$RAW" ] && cp "$WORK/bench.txt" "$RAW"

awk '
	function val(k,   i, kv) {
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == k)
				return kv[2]
		}
		return ""
	}
	function median(key,   n, i, j, t, a) {
		n = cnt[key]
		for (i = 1; i <= n; i++)
			a[i] = ops[key, i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		if (!n)
			return 0
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function row(what, a, b) {
		printf "%-52s %10.0f %10.0f %7.2fx\n", what, a, b, b ? a / b : 0
	}
	{
		key = val("case") " " val("mode") " " val("depth") " " val("queues")
		ops[key, ++cnt[key]] = val("ops_s")
		err += val("errors")
	}
	END {
		printf "\n%-52s %10s %10s %8s\n", "case (ops/s, medians)", "subject", "baseline", "ratio"
		for (d = 1; d <= 16; d += 15)
			row("many keys, AF_ALG 64 B, " d " in flight: stateless/session",
			    median("keys stateless " d " 1"), median("keys session " d " 1"))
		row("many keys, in-kernel 16 B, 2 threads: stateless/session",
		    median("kkeys stateless 2 1"), median("kkeys session 2 1"))
		for (d = 1; d <= 16; d += 15)
			row("many keys, AF_ALG 64 B, " d " in flight: stateless/virtio_crypto",
			    median("keys stateless " d " 1"), median("keys debian " d " 1"))
		for (d = 1; d <= 16; d += 15)
			row("many keys, AF_ALG 64 B, " d " in flight: session/virtio_crypto",
			    median("keys session " d " 1"), median("keys debian " d " 1"))
		row("2 CPUs, 4 KiB: 2 data queues / 1", median("queues stateless 8 2"),
		    median("queues stateless 8 1"))
		row("2 CPUs, 4 KiB: 4 data queues (2 used) / 1", median("queues stateless 8 4"),
		    median("queues stateless 8 1"))
		printf "\nmedians of %d passes; errors and mismatches: %d\n",
		       cnt["keys session 1 1"], err
	}' "$WORK/bench.txt"
