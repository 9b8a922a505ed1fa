#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - run the acrypto-virtio tests of one guest configuration.
#
# Usage: run.sh [-t SECONDS] CONFIG
#
#   one      one virtio-crypto device: probe kat roundtrip manykeys remove
#            written
#   two      two devices: probe 2, spread
#   unplug   two devices on a q35 machine, host sends device_del: unplug
#   solo     one device, no software device: ipsec freeze
#   stuck    two devices on a q35 machine, host sends device_del: stuck
#   model    no QEMU device: virtio_crypto_model's devices (model)
#
# -t: time limit per test (default 600).  Output: each test's TAP document,
# then one more with a result per test (its exit status).

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=600
if [ "${1:-}" = -t ]; then
	TIMEOUT=${2:?}
	shift 2
fi

case ${1:-} in
one) TESTS="probe.sh kat.sh roundtrip.sh manykeys.sh remove.sh written.sh" ;;
two) TESTS="probe.sh,2 spread.sh" ;;
unplug) TESTS="unplug.sh" ;;
solo) TESTS="ipsec.sh freeze.sh" ;;
stuck) TESTS="stuck.sh" ;;
model) TESTS="model.sh" ;;
*)
	echo "usage: $0 [-t SECONDS] one|two|unplug|solo|stuck|model" >&2
	exit 2
	;;
esac

export VAC_DIR="$HERE"
for t in $TESTS; do
	script=${t%%,*}
	args=''
	[ "$script" != "$t" ] && args=${t#*,}
	# shellcheck disable=SC2086 # args are words
	tap_run "acrypto-virtio: $script${args:+ $args}" "$TIMEOUT" \
		sh "$HERE/$script" $args
done
tap_run_done
