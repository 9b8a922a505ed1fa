#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: installs what is missing, builds the modules, boots Debian's
# 6.1 kernel in QEMU with a virtio-crypto device and shows the acrypto
# engine at work, as a narrated session of steps with a verdict each
# (tools/testing/demo/guest-demo.sh): the devices and their known-answer
# tests, AF_ALG, balancers selected through sysfs, dm-crypt, IPsec, a device
# failing under load and coming back, a partition, a trace and acryptostat.
# Exits non-zero if a verdict failed.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM=$ROOT/tools/testing/vm
KDIR=''

# The release of the kernel a build tree belongs to: /lib/modules/<rel>/build
# (Debian's headers report the upstream version, not the package's release),
# else what the tree itself says.
kver_of() {
	case $1 in
	/lib/modules/*/build|/lib/modules/*/build/)
		basename "$(dirname "$1")" ;;
	*)
		make -s -C "$1" kernelrelease ;;
	esac
}

while [ $# -gt 0 ]; do
	case $1 in
	--kdir) KDIR=${2:?}; shift 2 ;;
	*) echo "usage: $0 [--kdir DIR]" >&2; exit 2 ;;
	esac
done

bash "$VM/setup-host.sh" >&2
if [ -z "$KDIR" ]; then
	KDIR=$(ls -d /lib/modules/6.1.*-amd64/build | sort -V | tail -n 1)
fi
KVER=$(kver_of "$KDIR")
OUT=$ROOT/.vm/$KVER
mkdir -p "$OUT"

make -s -C "$ROOT" KDIR="$KDIR" modules >&2
# The load generator of the balancer tests checks every output.
make -s -C "$ROOT/tools/testing/selftests/acrypto-lb" OUTPUT="$OUT/demo-bin" >&2

extra=()
for d in crypto drivers tools/testing/selftests/acrypto-common/testdev; do
	[ -d "$ROOT/$d" ] && extra+=(--extra "$ROOT/$d")
done
bash "$VM/mkinitramfs.sh" --kver "$KVER" "${extra[@]}" \
	--files "$ROOT/tools/testing/demo/guest-demo.sh:/acrypto/demo.sh" \
	--files "$OUT/demo-bin/lbload:/acrypto/lbload" \
	--files "$ROOT/tools/acrypto/acryptostat:/usr/bin/acryptostat" \
	--out "$OUT/demo.cpio.gz" >&2

echo "Booting the guest (QEMU, TCG): the demonstration takes about two minutes." >&2
exec bash "$VM/run-vm.sh" --initrd "$OUT/demo.cpio.gz" --kernel "/boot/vmlinuz-$KVER" \
	--virtio-crypto 1 --run /acrypto/demo.sh --timeout 400
