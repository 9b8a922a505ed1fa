#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host.sh - boot one guest that runs the session API tests (run.sh) and
# print its TAP stream; called by tools/testing/run-tests.sh.
#
# Usage: run-host.sh --initrd IMG [--kernel IMG] [--timeout-scale N]

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM=$(cd "$HERE/../../vm" && pwd)
INITRD='' KERNEL='' SCALE=1

while [ $# -gt 0 ]; do
	case $1 in
	--initrd) INITRD=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	*) echo "usage: $0 --initrd IMG [--kernel IMG] [--timeout-scale N]" >&2
	   exit 2 ;;
	esac
done
[ -n "$INITRD" ] || { echo "run-host.sh: --initrd is required" >&2; exit 2; }

opts=(--initrd "$INITRD" --run /acrypto/tests/acrypto-session/run.sh
      --timeout $((300 * SCALE)))
[ -n "$KERNEL" ] && opts+=(--kernel "$KERNEL")
echo "# acrypto session API tests"
exec bash "$VM/run-vm.sh" "${opts[@]}"
