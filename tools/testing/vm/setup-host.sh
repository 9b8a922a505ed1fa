#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian (bookworm) packages that the module build, the VM
# harness and the guest tests need, only those not installed yet. Idempotent:
# on a machine that has everything it installs nothing and needs no root.
#
# Usage: setup-host.sh [--dev]
#   --dev   also install developer tools (shellcheck)

set -euo pipefail

PACKAGES=(
	# guest kernel and out-of-tree module build
	linux-image-amd64 linux-headers-amd64 gcc make libc6-dev
	# the VM and its initramfs
	qemu-system-x86 busybox-static cpio gzip kmod socat
	# userspace copied into the guest
	kcapi-tools libkcapi-dev cryptsetup-bin dmsetup iproute2 util-linux
	e2fsprogs pciutils procps xz-utils
	# static checks: sparse (make C=2), checkpatch from the kernel source;
	# kselftest (lib.mk, its runner) from the kernel source too, whose
	# install rule copies with rsync (the runner's GNU timeout and perl
	# come with every Debian system)
	sparse linux-source-6.1 rsync
	# the debug kernel of make check-debug (tools/testing/debug-kernel)
	build-essential flex bison bc libelf-dev libssl-dev lz4
	# the DKMS path of a real host (selftests/acrypto-dkms)
	dkms
)

case ${1:-} in
--dev) PACKAGES+=(shellcheck) ;;
'') ;;
*) echo "Usage: $0 [--dev]" >&2; exit 2 ;;
esac

MISSING=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || MISSING+=("$pkg")
done

if [ ${#MISSING[@]} -eq 0 ]; then
	echo "setup-host: all ${#PACKAGES[@]} packages already installed"
	exit 0
fi

echo "setup-host: installing: ${MISSING[*]}"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "setup-host: need root (or sudo)" >&2; exit 1; }
	SUDO=(sudo env DEBIAN_FRONTEND=noninteractive)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${MISSING[@]}"
echo "setup-host: done"
