#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host.sh - run the acrypto-virtio tests: boot one guest per device
# configuration, one after the other, and print their combined TAP.
#
# Usage: run-host.sh [--initrd IMG] [--kernel IMG] [--timeout-scale N]
#                    [--config NAME]... [--args NAME,...] [--keep DIR]
#
#   --initrd IMG       image holding our modules and these tests, installed
#                      for kselftest's runner (tools/testing/run-tests.sh
#                      builds one); without it the modules, the tests and
#                      an image are built here
#   --kernel IMG       guest kernel (run-vm.sh's default otherwise)
#   --timeout-scale N  multiply the time limits (slow kernels)
#   --config NAME      one, two, unplug, solo, stuck or model
#                      (repeatable; default all six):
#                      one   1 device:  probe kat roundtrip manykeys remove
#                            written
#                      two   2 devices: probe spread
#                      unplug 2 devices, q35, QMP device_del of vc1
#                      solo  1 device, no software device: ipsec freeze
#                      stuck 2 devices, q35, QMP device_del of vc1: stuck
#                      model no QEMU device, the in-guest device model:
#                            model
#   --args a,b         the same as --config a --config b (run-tests.sh's
#                      --args)
#   --keep DIR         keep the console logs in DIR
#
# Exit status: 0 if every configuration passed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
VM=$ROOT/tools/testing/vm
INITRD='' KERNEL='' SCALE=1 KEEP=''
CONFIGS=()

usage() {
	sed -n '6,/^# Exit status/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--initrd) INITRD=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	--config) CONFIGS+=("${2:?}"); shift 2 ;;
	--args) IFS=, read -ra _a <<<"${2?}"; CONFIGS+=("${_a[@]}"); shift 2 ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "run-host.sh: unknown option '$1'" >&2; usage ;;
	esac
done
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(one two unplug solo stuck model)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/acrypto-virtio.XXXXXX")
VM_PID=''
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -n "$VM_PID" ] && kill "$VM_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "$INITRD" ]; then
	echo "# acrypto-virtio: building the modules, the tests and an image" >&2
	make -s -C "$ROOT" modules >&2
	bash "$VM/ksft-install.sh" --out "$WORK/tests" acrypto-virtio >&2
	bash "$VM/mkinitramfs.sh" --extra "$ROOT/crypto" --extra "$ROOT/drivers" \
		--extra "$HERE/kmod" --files "$WORK/tests:/acrypto/tests" \
		--out "$WORK/initrd.cpio.gz" >&2
	INITRD=$WORK/initrd.cpio.gz
fi

T=$((600 * SCALE))
common=(--initrd "$INITRD" --kselftest acrypto-virtio --timeout $((3 * T + 120))
	# Informational on kernels with CONFIG_CRYPTO_MANAGER_EXTRA_TESTS (the
	# debug kernel), but run-vm.sh counts every "alg: " line as a problem.
	--ignore-warning 'alg: extra crypto tests enabled')
[ -n "$KERNEL" ] && common+=(--kernel "$KERNEL")

# console_opts NAME: where run-vm.sh keeps the console log.
console_opts() {
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP"
		echo "--console-log $KEEP/$1.console.log"
	fi
}

# The main thread of the QEMU of this configuration (the one that runs the
# device models), or nothing.
qemu_main_pid() {
	pgrep -f "^qemu-system-x86_64 .*$1" | head -n 1
}

# slow_qemu PID: QEMU's main thread (the device models) on one host CPU at
# nice 19: whenever a vCPU thread runs on that CPU, the device waits.
slow_qemu() {
	local cpu

	cpu=$(taskset -pc "$1" | sed 's/.*: *//; s/[,-].*//')
	taskset -pc "$cpu" "$1" >/dev/null 2>&1 || true
	renice -n 19 -p "$1" >/dev/null || true
}

# Boot one configuration and serve the guest's requests on its TAP channel:
#   ACRYPTO-VIRTIO-SLOW-DEVICE  slow_qemu: with busy vCPUs the device then
#                               answers late, so requests stay on its
#                               rings (removal tests)
#   ACRYPTO-VIRTIO-UNPLUG       QMP device_del vc1, wait for DEVICE_DELETED
# run_config NAME RUN-VM-OPTIONS...
run_config() {
	local name=$1 tap=$WORK/$1.tap out=$WORK/$1.out sock=$WORK/$1.qmp
	local slowed=0 unplugged=0 pid rc=0
	shift

	: >"$tap"
	# shellcheck disable=SC2046 # console_opts prints words
	bash "$VM/run-vm.sh" "${common[@]}" --args "-t,$T,$name" \
		--tap-log "$tap" --qmp "$sock" $(console_opts "$name") "$@" \
		>"$out" &
	VM_PID=$!
	while kill -0 "$VM_PID" 2>/dev/null; do
		if [ $slowed = 0 ] && grep -q 'ACRYPTO-VIRTIO-SLOW-DEVICE' "$tap"; then
			slowed=1
			pid=$(qemu_main_pid "$tap")
			echo "# acrypto-virtio: host: QEMU ${pid:-?} main thread on one CPU at nice 19" >&2
			[ -n "$pid" ] && slow_qemu "$pid"
		fi
		if [ $unplugged = 0 ] && grep -q 'ACRYPTO-VIRTIO-UNPLUG' "$tap"; then
			unplugged=1
			echo "# acrypto-virtio: host: device_del vc1" >&2
			bash "$VM/qmp.sh" -t 60 -e '"DEVICE_DELETED".*"vc1"' "$sock" \
				'{"execute":"device_del","arguments":{"id":"vc1"}}' >&2 ||
				echo "# acrypto-virtio: QMP device_del failed" >&2
		fi
		sleep 0.2
	done
	wait "$VM_PID" || rc=$?
	VM_PID=''
	cat "$out"
	return $rc
}

status=0
for config in "${CONFIGS[@]}"; do
	echo "# acrypto-virtio: configuration $config"
	rc=0
	case $config in
	one) run_config one --virtio-crypto 1 || rc=$? ;;
	two) run_config two --virtio-crypto 2 || rc=$? ;;
	unplug) run_config unplug --virtio-crypto 2 --q35 || rc=$? ;;
	solo) run_config solo --virtio-crypto 1 || rc=$? ;;
	stuck) run_config stuck --virtio-crypto 2 --q35 || rc=$? ;;
	model) run_config model || rc=$? ;;
	*)
		echo "run-host.sh: unknown configuration '$config'" >&2
		exit 2
		;;
	esac
	if [ $rc -ne 0 ]; then
		echo "# acrypto-virtio: configuration $config failed (status $rc)"
		status=1
	fi
done
exit $status
