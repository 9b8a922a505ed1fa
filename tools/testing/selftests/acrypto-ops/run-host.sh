#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host.sh - the acrypto-ops suite: boot-time configuration, trace
# events, statistics and acryptostat, in two guests: one with a
# virtio-crypto device that runs boot, trace, stats and tool, one booted
# with acrypto.balancer=adaptive_lb on the kernel command line (cmdline).
# Called by tools/testing/run-tests.sh.
#
# Usage: run-host.sh --initrd IMG [--kernel IMG] [--timeout-scale N]
#                    [--args TEST,...]
#
#   --args a,b   run.sh's tests for the first guest (boot trace stats
#                tool); the second guest runs only when not given

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM=$(cd "$HERE/../../vm" && pwd)
INITRD='' KERNEL='' SCALE=1 ARGS=''

usage() {
	sed -n '10,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--initrd) INITRD=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	--args) ARGS=${2?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "run-host.sh: unknown option '$1'" >&2; usage ;;
	esac
done
[ -n "$INITRD" ] || usage

common=(--initrd "$INITRD" --kselftest acrypto-ops)
[ -n "$KERNEL" ] && common+=(--kernel "$KERNEL")

# About 90 s under TCG with Debian's kernel.
echo "# acrypto-ops: boot trace stats tool"
rc=0
bash "$VM/run-vm.sh" "${common[@]}" --virtio-crypto 1 \
	--timeout $((900 * SCALE + 120)) \
	--args "-t,$((300 * SCALE))${ARGS:+,${ARGS}}" || rc=$?
[ -n "$ARGS" ] && exit $rc

echo "# acrypto-ops: cmdline (acrypto.balancer=adaptive_lb)"
bash "$VM/run-vm.sh" "${common[@]}" --timeout $((300 * SCALE + 120)) \
	--append acrypto.balancer=adaptive_lb --args "-t,$((120 * SCALE)),cmdline" || rc=$?
exit $rc
