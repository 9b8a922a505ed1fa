#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host.sh - boot one guest that runs the acrypto-faults suite (run.sh)
# and print its TAP stream; the entry point tools/testing/run-tests.sh
# calls.
#
# Usage: run-host.sh --initrd IMG [--kernel IMG] [--timeout-scale N]
#                    [--guest-dir DIR] [--args GROUP,...]
#                    [-- RUN-VM-OPTION...]
#
#   --initrd IMG       image from tools/testing/vm/mkinitramfs.sh holding
#                      our modules (acrypto_testdev, acrypto_fault_test)
#                      and this suite (built with O=) at --guest-dir
#   --kernel IMG       guest kernel (run-vm.sh's default otherwise)
#   --timeout-scale N  multiply the guest's time limit (slow kernels)
#   --guest-dir DIR    where the suite is in the image
#                      (default /acrypto/tests/acrypto-faults)
#   --args a,b         groups of run.sh (caps faults dmcrypt selftest),
#                      comma-separated; default all
#
# Exit status: run-vm.sh's (the guest's, or 124-126 on timeout, crash or
# kernel problems in the log).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM=$(cd "$HERE/../../vm" && pwd)
INITRD='' KERNEL='' SCALE=1 GUEST_DIR=/acrypto/tests/acrypto-faults ARGS=''
EXTRA=()

usage() {
	sed -n '8,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--initrd) INITRD=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	--guest-dir) GUEST_DIR=${2:?}; shift 2 ;;
	--args) ARGS=${2?}; shift 2 ;;
	--) shift; EXTRA=("$@"); break ;;
	-h|--help) usage ;;
	*) echo "run-host.sh: unknown option '$1'" >&2; usage ;;
	esac
done
[ -n "$INITRD" ] || usage

# About two minutes under TCG with Debian's kernel.
opts=(--initrd "$INITRD" --run "$GUEST_DIR/run.sh" --timeout $((600 * SCALE)))
[ -n "$KERNEL" ] && opts+=(--kernel "$KERNEL")
[ -n "$ARGS" ] && opts+=(--args "$ARGS")

echo "# acrypto-faults: $GUEST_DIR/run.sh ${ARGS//,/ }"
exec bash "$VM/run-vm.sh" "${opts[@]}" "${EXTRA[@]}"
