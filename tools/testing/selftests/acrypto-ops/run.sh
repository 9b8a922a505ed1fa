#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the acrypto-ops tests in the guest.
#
# Usage: run.sh [-t SECONDS] [TEST]...
#
# Tests: boot trace stats tool (the default, in this order) and cmdline
# (for a guest booted with acrypto.balancer=adaptive_lb, the second guest
# of the suite's settings).  Each prints its TAP document; a last one gives each
# test's exit status.  -t: time limit per test (default 300).

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=300
if [ "${1:-}" = -t ]; then
	TIMEOUT=${2:?}
	shift 2
fi
TESTS=${*:-boot trace stats tool}

echo 20480 >/proc/sys/net/core/optmem_max
modprobe crypto_user 2>/dev/null
echo "# acrypto-ops: $(uname -r), tests: $TESTS"

for t in $TESTS; do
	tap_run "acrypto-ops: $t" "$TIMEOUT" "$HERE/$t.sh"
done
tap_run_done
