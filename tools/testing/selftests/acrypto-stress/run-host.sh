#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host.sh - boot one guest that runs the acrypto fault and stress
# campaign (run.sh) and print its TAP stream; the entry point
# tools/testing/run-tests.sh calls.  The guest has one virtio-crypto
# device, so virtio_acrypto takes part when it is in the image.
#
# Usage: run-host.sh --initrd IMG [--kernel IMG] [--timeout-scale N]
#                    [--guest-dir DIR] [--args ARG,...] [-- RUN-VM-OPTION...]
#
#   --initrd IMG       image from tools/testing/vm/mkinitramfs.sh holding
#                      this suite (built with O=) at --guest-dir
#   --kernel IMG       guest kernel (run-vm.sh's default otherwise)
#   --timeout-scale N  multiply the time limits (slow kernels)
#   --guest-dir DIR    where the suite is in the image
#                      (default /acrypto/tests/acrypto-stress)
#   --args a,b         arguments of run.sh, comma-separated, e.g.
#                      -d,30,concurrency
#
# Exit status: run-vm.sh's (the guest's, or 124-126 on timeout, crash or
# kernel problems in the log).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM=$(cd "$HERE/../../vm" && pwd)
INITRD='' KERNEL='' SCALE=1 GUEST_DIR=/acrypto/tests/acrypto-stress ARGS=''
EXTRA=()

usage() {
	sed -n '9,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
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

# About 5 minutes under TCG with Debian's kernel; per test at most 15
# minutes (scaled), the whole guest 45 (scaled).
opts=(--initrd "$INITRD" --run "$GUEST_DIR/run.sh" --timeout $((2700 * SCALE))
	--virtio-crypto 1
	# The 6.1 crypto core warns once (WARN_ON_ONCE in
	# crypto_wait_for_test) when memory pressure keeps cryptomgr from
	# starting a self-test: faults.sh causes that on purpose.
	--ignore-warning 'crypto_wait_for_test')
[ -n "$KERNEL" ] && opts+=(--kernel "$KERNEL")
opts+=(--args "-t,$((900 * SCALE))${ARGS:+,$ARGS}")

echo "# acrypto stress campaign: $GUEST_DIR/run.sh ${ARGS//,/ }"
exec bash "$VM/run-vm.sh" "${opts[@]}" "${EXTRA[@]}"
