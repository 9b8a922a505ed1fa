#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host.sh - the acrypto-consumers suite on the host: boots one guest per
# group of tests, one after the other, and prints their TAP on stdout.
#
# Usage: run-host.sh --initrd IMG [--kernel IMG] [--timeout-scale N]
#                    [--group NAME]... [--args NAME,...] [--quick]
#
# The image is the one tools/testing/run-tests.sh builds: our modules, and
# this suite installed for kselftest's runner (vm/ksft-install.sh), which
# each guest runs (run-vm.sh --kselftest acrypto-consumers).
#
# Groups (each a fresh guest, so that counters, loaded modules and the
# crypto API's instances of one group cannot disturb another):
#   afalg    AF_ALG through libkcapi: skcipher, aead, hash
#   dmcrypt  dm-crypt on a loop device
#   ipsec    ESP between two network namespaces
#   stress   ESP while balancers switch and a test device breaks; dm-crypt
#            on the test device (-EBUSY back-pressure, breaking); then the
#            authenc route over the test device
#   virtio   with a QEMU virtio-crypto device: ESP, and the authenc route,
#            with its CBC steps on the device
#
# Ends with one TAP document of one result per guest (its exit status:
# run-vm.sh reports timeouts, crashes and kernel warnings).  Exits non-zero
# if anything failed.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
VM=$ROOT/tools/testing/vm

INITRD='' KERNEL='' SCALE=1 QUICK=0
GROUPS_RUN=()

usage() {
	echo "usage: run-host.sh --initrd IMG [--kernel IMG] [--timeout-scale N] [--group afalg|dmcrypt|ipsec|stress|virtio]... [--args GROUP,...] [--quick]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--initrd) INITRD=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	--group) GROUPS_RUN+=("${2:?}"); shift 2 ;;
	--args) IFS=, read -ra _a <<<"${2?}"; GROUPS_RUN+=("${_a[@]}"); shift 2 ;;
	--quick) QUICK=1; shift ;;
	-h|--help) usage ;;
	*) echo "run-host.sh: unknown option '$1'" >&2; usage ;;
	esac
done
[ -n "$INITRD" ] || usage
[ ${#GROUPS_RUN[@]} -gt 0 ] || GROUPS_RUN=(afalg dmcrypt ipsec stress virtio)

# group -> "guest timeout in seconds:tests"; QEMU options of a group
qemu_of() {
	case $1 in
	virtio) echo "--virtio-crypto 1" ;;
	esac
}

spec_of() {
	case $1 in
	afalg) echo "300:skcipher aead hash" ;;
	dmcrypt) echo "300:dmcrypt" ;;
	ipsec) echo "300:ipsec" ;;
	stress) echo "420:ipsec-stress dmcrypt-stress routes" ;;
	virtio) echo "300:ipsec-virtio routes-virtio" ;;
	*) return 1 ;;
	esac
}

kernel_args=()
[ -n "$KERNEL" ] && kernel_args=(--kernel "$KERNEL")

names=() rcs=()
for g in "${GROUPS_RUN[@]}"; do
	spec=$(spec_of "$g") || { echo "run-host.sh: no group '$g'" >&2; exit 2; }
	timeout=$(( ${spec%%:*} * SCALE ))
	tests=${spec#*:}
	args="-t,$(( ${spec%%:*} * SCALE - 20 ))"
	[ "$QUICK" = 1 ] && args="$args,-q"
	args="$args,${tests// /,}"
	echo "# acrypto-consumers: guest '$g': $tests"
	# shellcheck disable=SC2046 # options are words
	bash "$VM/run-vm.sh" --initrd "$INITRD" "${kernel_args[@]}" \
		$(qemu_of "$g") --kselftest acrypto-consumers --args "$args" \
		--timeout $((timeout + 120))
	rc=$?
	names+=("$g")
	rcs+=("$rc")
done

echo "1..${#names[@]}"
failed=0
for i in "${!names[@]}"; do
	rc=${rcs[$i]}
	if [ "$rc" -eq 0 ]; then
		echo "ok $((i + 1)) - acrypto-consumers guest '${names[$i]}'"
		continue
	fi
	case $rc in
	124) why="timed out" ;;
	125) why="the guest died (panic?)" ;;
	126) why="the kernel log shows problems (run-vm.sh's report above)" ;;
	*) why="tests failed (exit status $rc)" ;;
	esac
	failed=$((failed + 1))
	echo "not ok $((i + 1)) - acrypto-consumers guest '${names[$i]}': $why"
done
[ "$failed" -eq 0 ]
