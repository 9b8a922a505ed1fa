#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the acrypto-partitions tests in the guest (busybox sh).
#
# Usage: run.sh [-t SECONDS] [TEST...]
#
#   abi        every invalid name, assignment and removal fails with its
#              documented errno and changes nothing; the valid ones do what
#              the ABI says
#   isolation  tenant1 = {virtio_crypto0}, tenant2 = {testdev0, testdev1},
#              soft shared: a dm-crypt volume per partition, an AF_ALG
#              stream bound to tenant2 and shared traffic at once; each
#              device's counters move only with its partition's traffic;
#              the data reads back after the volumes are reopened
#   move       testdev1 moved from tenant2 to tenant1 under a checked AF_ALG
#              load: refused (EBUSY) without force, done with force,
#              nothing lost; then it serves tenant1 only
#   keys       the key-crossing probe (the test devices' key logs)
#   nodev      a partition without a usable device fails with ENODEV, no
#              fallback; shared traffic unaffected; devices come back
#
# -t: time limit per test (default 300).  Each test is one TAP document; a
# last one has a result per test (its exit status).

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=300
if [ "${1:-}" = -t ]; then
	TIMEOUT=${2:?}
	shift 2
fi
TESTS=${*:-abi isolation move keys nodev}

export PART_DIR="$HERE"
for t in $TESTS; do
	tap_run "acrypto-partitions: $t" "$TIMEOUT" sh "$HERE/$t.sh"
done
tap_run_done
