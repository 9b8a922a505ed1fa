#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# virtio-bench.sh - our virtio-crypto driver against Debian's, on the same
# QEMU virtio-crypto-pci device (builtin backend), in one guest boot.
#
# Builds the modules and afalg_bench, boots a guest with one device and runs
# virtio-bench-guest.sh there: AES-CBC throughput through AF_ALG AIO for 16 B
# to 64 KiB requests with 1 and 16 requests in flight, and a many-keys run
# (a new transform and key for every 64-byte request), with acrypto +
# virtio_acrypto and with Debian's virtio_crypto in turns, --passes times
# each.  Prints a table of the median ops/s of each driver and their ratio
# ours / Debian's.
#
# Usage: virtio-bench.sh [--secs N] [--passes N] [--kernel IMG]
#                        [--sizes "16 64 ..."] [--depths "1 16"] [--raw FILE]
#
#   --secs N      seconds per measurement (default 3)
#   --passes N    measurements of each driver, interleaved (default 3)
#   --kernel IMG  guest kernel (default: run-vm.sh's)
#   --sizes LIST  request sizes (default "16 64 256 1024 4096 16384 65536")
#   --depths LIST requests in flight (default "1 16")
#   --raw FILE    also keep the guest's result lines in FILE
#
# A figure, not a test: the exit status only says whether the guest ran.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
VM=$ROOT/tools/testing/vm
SECS=3 PASSES=3 KERNEL='' RAW=''
SIZES="16 64 256 1024 4096 16384 65536"
DEPTHS="1 16"

usage() {
	sed -n '6,24s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--secs) SECS=${2:?}; shift 2 ;;
	--passes) PASSES=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--sizes) SIZES=${2:?}; shift 2 ;;
	--depths) DEPTHS=${2:?}; shift 2 ;;
	--raw) RAW=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "virtio-bench.sh: unknown option '$1'" >&2; usage ;;
	esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/virtio-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

make -s -C "$ROOT" modules >&2
mkdir -p "$WORK/bench"
# Built as the virtio suite builds it (with the selftests' AF_ALG helpers).
make -s -C "$ROOT/tools/testing/selftests/acrypto-virtio" OUTPUT="$WORK/bench" \
	"$WORK/bench/afalg_bench" >&2
install -m 0755 "$HERE/virtio-bench-guest.sh" "$WORK/bench/"
bash "$VM/mkinitramfs.sh" --extra "$ROOT/crypto" --extra "$ROOT/drivers" \
	--files "$WORK/bench:/acrypto/bench" --out "$WORK/initrd.cpio.gz" >&2

points=$(( $(wc -w <<<"$DEPTHS") * ($(wc -w <<<"$SIZES") + 1) * 2 * PASSES ))
opts=(--initrd "$WORK/initrd.cpio.gz" --virtio-crypto 1
	--run /acrypto/bench/virtio-bench-guest.sh
	--args "$SECS,${SIZES// /_},${DEPTHS// /_},$PASSES"
	--timeout $((points * (SECS + 2) + 300))
	# Debian's driver registers an RSA akcipher that fails its self-test
	# on QEMU 7.2 (raw RSA is not supported there).
	--ignore-warning virtio-crypto-rsa
	--ignore-warning 'alg: akcipher: encrypt test failed')
[ -n "$KERNEL" ] && opts+=(--kernel "$KERNEL")

bash "$VM/run-vm.sh" "${opts[@]}" | tee "$WORK/out" | grep -v '^BENCH' || true
grep '^BENCH' "$WORK/out" >"$WORK/bench.txt" || {
	echo "virtio-bench.sh: no results from the guest" >&2
	exit 1
}
[ -n "$RAW" ] && cp "$WORK/bench.txt" "$RAW"

# Median of each driver's passes per point, then the ratio.
awk '
	function val(k,   i, kv) {
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == k)
				return kv[2]
		}
		return ""
	}
	function median(d, key,   n, i, j, t, a) {
		n = cnt[d, key]
		for (i = 1; i <= n; i++)
			a[i] = ops[d, key, i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		if (!n)
			return 0
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		key = val("size") " " val("depth") " " val("keys")
		if (!(key in seen)) { seen[key] = 1; order[n++] = key }
		d = val("driver")
		ops[d, key, ++cnt[d, key]] = val("ops_s")
		err[d] += val("errors")
	}
	END {
		printf "\n%-7s %-6s %-12s %12s %12s %10s %8s\n", "size", "depth",
		       "keys", "ours ops/s", "debian ops/s", "ours MB/s", "ratio"
		for (i = 0; i < n; i++) {
			split(order[i], k, " ")
			o = median("ours", order[i])
			b = median("debian", order[i])
			printf "%-7s %-6s %-12s %12.0f %12.0f %10.2f %7.2fx\n", k[1],
			       k[2], k[3], o, b, o * k[1] / 1e6, b ? o / b : 0
		}
		printf "\nmedians of %d passes each; errors: ours %d, debian %d\n",
		       cnt["ours", order[0]], err["ours"], err["debian"]
	}' "$WORK/bench.txt"
