#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - `make bench`: the engine's cost, scaling and balancing gain,
# every figure a ratio against a baseline measured in the same guest boot.
#
# Builds the modules (acrypto_loadgen included) and afalg_bench, boots
#   1. a 2-CPU guest with one virtio-crypto device running bench-guest.sh:
#      engine overhead, 1 vs 2 threads, allocations per request, the
#      profile of the hottest case, AF_ALG, the default balancer on three
#      device mixes, the other balancers, device shares over time;
#   2. a 1-CPU guest for the 1 vs 2 guest CPUs comparison (cross-boot);
#   3. virtio-bench.sh (our virtio driver against Debian's, its own boot);
#   4. model-bench.sh (stateless against session mode, data queue scaling,
#      on virtio_crypto_model's devices, its own boot);
# then bench-report.sh prints one table and writes it as CSV and as PNG
# plots (gnuplot, installed from Debian's packages when missing) to the
# results folder, with the raw guest output and the profiles.
#
# Usage: bench.sh [--kdir DIR] [--kernel IMG] [--out DIR] [--ms N]
#                 [--slice N] [--rounds N] [--quick] [--no-smp1]
#                 [--no-virtio-bench] [--no-model-bench] [--sections LIST]
#
#   --kdir DIR        kernel build tree (default: newest 6.1 headers)
#   --kernel IMG      guest kernel (default /boot/vmlinuz-<release of KDIR>)
#   --out DIR         results folder (default results/bench-<date>)
#   --ms N            milliseconds per interleaved generator run (default 3000)
#   --slice N         milliseconds per slice of an interleaved run (default 25)
#   --rounds N        rounds of the non-interleaved runs (default 2)
#   --mix-ms N        milliseconds per run of a device mix (default 4000)
#   --quick           short runs, one round: a smoke test of the suite
#   --no-smp1         skip the 1-CPU guest
#   --no-virtio-bench skip virtio-bench.sh
#   --no-model-bench  skip model-bench.sh
#   --sections LIST   sections of the 2-CPU guest (default: all of
#                     "overhead scaling alloc profile afalg mix balancers
#                     shares virtio";
#                     "fgraph", one request under function_graph, is
#                     opt-in)
#
# A figure, not a test: the exit status only says whether the guests ran.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
VM=$ROOT/tools/testing/vm

KDIR='' KERNEL='' OUT='' MS=3000 SLICE=25 ROUNDS=2 QUICK=0 SMP1=1 VBENCH=1
MBENCH=1
MIX_MS=4000 AF_SECS=5
SECTIONS="overhead scaling alloc profile afalg mix balancers shares virtio"

usage() {
	sed -n '3,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--kdir) KDIR=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--out) OUT=${2:?}; shift 2 ;;
	--ms) MS=${2:?}; shift 2 ;;
	--slice) SLICE=${2:?}; shift 2 ;;
	--rounds) ROUNDS=${2:?}; shift 2 ;;
	--mix-ms) MIX_MS=${2:?}; shift 2 ;;
	--quick) QUICK=1; shift ;;
	--no-smp1) SMP1=0; shift ;;
	--no-virtio-bench) VBENCH=0; shift ;;
	--no-model-bench) MBENCH=0; shift ;;
	--sections) SECTIONS=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "bench.sh: unknown option '$1'" >&2; usage ;;
	esac
done

log() { echo "bench: $*" >&2; }

VSECS=2
if [ "$QUICK" = 1 ]; then
	MS=800 ROUNDS=1 MIX_MS=800 AF_SECS=1 VSECS=1
fi

# gnuplot for the plot: from Debian's packages, like the rest of the tools.
if ! command -v gnuplot >/dev/null; then
	log "installing gnuplot-nox"
	SUDO=()
	[ "$(id -u)" -ne 0 ] && SUDO=(sudo env DEBIAN_FRONTEND=noninteractive)
	{ "${SUDO[@]}" apt-get install -y --no-install-recommends gnuplot-nox ||
	  { "${SUDO[@]}" apt-get update && "${SUDO[@]}" apt-get install -y \
		--no-install-recommends gnuplot-nox; }; } >&2 ||
		log "gnuplot not installed: no plot"
fi

if [ -z "$KDIR" ]; then
	KDIR=$(printf '%s\n' /lib/modules/6.1.*-amd64/build | sort -V | tail -n 1)
	[ -d "$KDIR" ] || { log "no 6.1 kernel headers (make check installs them)"; exit 1; }
fi
case $KDIR in
/lib/modules/*/build|/lib/modules/*/build/) KVER=$(basename "$(dirname "$KDIR")") ;;
*) KVER=$(make -s -C "$KDIR" kernelrelease) ;;
esac
KERNEL=${KERNEL:-/boot/vmlinuz-$KVER}

OUT=${OUT:-$ROOT/results/bench-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/raw"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/acrypto-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

hostload() { cut -d' ' -f1-3 /proc/loadavg; }
START=$(date +%s)

{
	echo "date=$(date -Is)"
	echo "git=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "host_cpus=$(nproc)"
	echo "host_cpu=\"$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')\""
	echo "qemu=\"$(qemu-system-x86_64 --version | head -n 1)\""
	echo "kernel=$KVER"
	echo "ms=$MS slice=$SLICE rounds=$ROUNDS mix_ms=$MIX_MS af_secs=$AF_SECS virtio_secs=$VSECS"
	echo "host_load_start=\"$(hostload)\""
} >"$OUT/meta.txt"
if awk -v l="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN { exit !(l >= 1.5) }'; then
	log "host load is $(hostload): ratios hold, absolute figures are low"
fi

log "building the modules and afalg_bench"
make -s -C "$ROOT" KDIR="$KDIR" modules >&2
mkdir -p "$WORK/bench"
# Built as the virtio suite builds it (with the selftests' AF_ALG helpers).
make -s -C "$ROOT/tools/testing/selftests/acrypto-virtio" OUTPUT="$WORK/bench" \
	"$WORK/bench/afalg_bench" >&2
install -m 0755 "$HERE/bench-guest.sh" "$WORK/bench/"
extra=()
for d in crypto drivers tools/testing/selftests/acrypto-common/testdev tools/testing/bench/acrypto_loadgen; do
	[ -d "$ROOT/$d" ] && extra+=(--extra "$ROOT/$d")
done
bash "$VM/mkinitramfs.sh" --kver "$KVER" "${extra[@]}" \
	--files "$WORK/bench:/acrypto/bench" --out "$WORK/initrd.cpio.gz" >&2

# guest NAME SMP VIRTIO ARGS: boot, keep the output in raw/NAME.log
guest() {
	local name=$1 smp=$2 vc=$3 args=$4 rc=0

	echo "host_load_before_$name=\"$(hostload)\"" >>"$OUT/meta.txt"
	log "guest $name: $smp CPU(s), $args"
	# Debian's virtio_crypto registers an RSA akcipher that fails its
	# self-test on QEMU 7.2 (raw RSA is not supported there).
	bash "$VM/run-vm.sh" --initrd "$WORK/initrd.cpio.gz" --kernel "$KERNEL" \
		--smp "$smp" --virtio-crypto "$vc" \
		--ignore-warning virtio-crypto-rsa \
		--ignore-warning 'alg: akcipher: encrypt test failed' \
		--run /acrypto/bench/bench-guest.sh --args "$args" \
		--timeout 1800 --console-log "$OUT/raw/$name-console.log" \
		>"$OUT/raw/$name.log" 2>"$OUT/raw/$name.err" || rc=$?
	echo "host_load_after_$name=\"$(hostload)\"" >>"$OUT/meta.txt"
	if [ "$rc" != 0 ]; then
		log "guest $name exited $rc (see $OUT/raw/$name.err)"
		return 1
	fi
	grep -q '^INFO done=1' "$OUT/raw/$name.log" || {
		log "guest $name did not finish (see $OUT/raw/$name.log)"
		return 1
	}
}

status=0
common="ms=$MS,slice=$SLICE,rounds=$ROUNDS"
guest main 2 1 "$common,sections=${SECTIONS// /_},mix_ms=$MIX_MS,af_secs=$AF_SECS" ||
	status=1
if [ "$SMP1" = 1 ]; then
	guest smp1 1 0 "$common,sections=scaling" || status=1
fi
if [ "$VBENCH" = 1 ]; then
	echo "host_load_before_virtio=\"$(hostload)\"" >>"$OUT/meta.txt"
	log "virtio-bench.sh --secs $VSECS"
	bash "$HERE/virtio-bench.sh" --secs "$VSECS" --kernel "$KERNEL" \
		--raw "$OUT/raw/virtio-bench.txt" >"$OUT/raw/virtio-bench.log" 2>&1 ||
		{ log "virtio-bench.sh failed (see $OUT/raw/virtio-bench.log)"; status=1; }
	echo "host_load_after_virtio=\"$(hostload)\"" >>"$OUT/meta.txt"
fi
if [ "$MBENCH" = 1 ]; then
	echo "host_load_before_model=\"$(hostload)\"" >>"$OUT/meta.txt"
	log "model-bench.sh --secs $VSECS"
	bash "$HERE/model-bench.sh" --secs "$VSECS" --kernel "$KERNEL" \
		${KDIR:+--kdir "$KDIR"} --raw "$OUT/raw/model-bench.txt" \
		>"$OUT/raw/model-bench.log" 2>&1 ||
		{ log "model-bench.sh failed (see $OUT/raw/model-bench.log)"; status=1; }
	echo "host_load_after_model=\"$(hostload)\"" >>"$OUT/meta.txt"
fi
echo "host_load_end=\"$(hostload)\"" >>"$OUT/meta.txt"
echo "elapsed_s=$(($(date +%s) - START))" >>"$OUT/meta.txt"

bash "$HERE/bench-report.sh" "$OUT"
log "results in $OUT"
exit $status
