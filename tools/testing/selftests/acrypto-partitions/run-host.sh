#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host.sh - run the acrypto-partitions suite in one QEMU guest with a
# virtio-crypto device; TAP on stdout.
#
# Called by tools/testing/run-tests.sh with an image that already holds the
# modules and this suite at /acrypto/tests/acrypto-partitions/:
#
#	run-host.sh --initrd IMG --kernel IMG --timeout-scale N
#
# Without --initrd it builds what it needs itself: the modules (make in the
# repository), lbload and errno_of, and an initramfs with mkinitramfs.sh.
#
# Other options:
#   --kdir DIR      kernel build tree for the modules (standalone only)
#   --test NAME     run only this test of run.sh (repeatable): abi
#                   isolation move keys nodev
#   --console-log F keep the guest's kernel console in F
#   --out DIR       work directory (standalone; default
#                   .vm/acrypto-partitions)

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
VM=$ROOT/tools/testing/vm
GUEST_DIR=/acrypto/tests/acrypto-partitions

INITRD='' KERNEL='' SCALE=1 KDIR='' OUT='' CONSOLE=()
TESTS=()

usage() {
	sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--initrd) INITRD=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	--kdir) KDIR=${2:?}; shift 2 ;;
	--test) TESTS+=("${2:?}"); shift 2 ;;
	--console-log) CONSOLE=(--console-log "${2:?}"); shift 2 ;;
	--out) OUT=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "run-host: unknown option '$1'" >&2; usage ;;
	esac
done

if [ -z "$INITRD" ]; then
	OUT=${OUT:-$ROOT/.vm/acrypto-partitions}
	mkdir -p "$OUT"
	make -s -C "$ROOT" ${KDIR:+KDIR="$KDIR"} modules >&2
	rm -rf "$OUT/suite"
	make -s -C "$HERE" O="$OUT/suite" >&2
	bash "$VM/mkinitramfs.sh" \
		--extra "$ROOT/crypto" --extra "$ROOT/drivers" \
		--extra "$ROOT/tools/testing/acrypto_testdev" \
		--files "$OUT/suite:$GUEST_DIR" \
		--out "$OUT/initrd.cpio.gz" >&2
	INITRD=$OUT/initrd.cpio.gz
fi

KARGS=()
[ -n "$KERNEL" ] && KARGS=(--kernel "$KERNEL")
ARGS="-t,$((300 * SCALE))"
if [ ${#TESTS[@]} -gt 0 ]; then
	ARGS=$ARGS,$(IFS=,; echo "${TESTS[*]}")
fi

# A few minutes under TCG with Debian's kernel; leave a wide margin.
exec bash "$VM/run-vm.sh" --initrd "$INITRD" "${KARGS[@]}" "${CONSOLE[@]}" \
	--virtio-crypto 1 --run "$GUEST_DIR/run.sh" --args "$ARGS" \
	--timeout $((1200 * SCALE)) \
	--ignore-warning 'alg: extra crypto tests enabled'
