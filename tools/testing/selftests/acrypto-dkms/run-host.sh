#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-host.sh - acrypto through DKMS, as on a real host: Debian's dkms adds,
# builds and installs the repository (dkms.conf) for the kernel under test,
# into scratch trees; `make install` installs the same modules; then a
# guest boots with the modules DKMS installed and runs run.sh: a fresh
# host's `modprobe acrypto`, and the core suite.  Called by
# tools/testing/run-tests.sh.
#
# Usage: run-host.sh [--initrd IMG] [--kernel IMG] [--timeout-scale N]
#                    [--keep]
#
#   --initrd IMG   ignored: the guest gets an image of its own
#   --keep         keep the work directory (.vm/acrypto-dkms/<release>)
#
# Environment (run-tests.sh sets it): ACRYPTO_KDIR, the kernel build tree
# (default: the newest /lib/modules/6.1.*-amd64/build), ACRYPTO_KVER, its
# release, ACRYPTO_MODDIR, its module tree.
#
# Nothing outside the work directory changes: dkms runs with --sourcetree,
# --dkmstree, --installtree and --no-depmod, in a mount namespace where
# /var/lib/dkms (its module signing key) is a scratch directory too; where
# no mount namespace can be made, a key dkms created there is removed.
# Needs root (dkms install does); skipped without root or without dkms.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
VM=$ROOT/tools/testing/vm
KERNEL='' SCALE=1 KEEP=0

usage() {
	sed -n '11,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--initrd) shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	--keep) KEEP=1; shift ;;
	--args) echo "run-host.sh: acrypto-dkms has no tests to choose (--args)" >&2
		exit 2 ;;
	-h|--help) usage ;;
	*) echo "run-host.sh: unknown option '$1'" >&2; usage ;;
	esac
done

# shellcheck disable=SC2012 # release names, no odd characters
KDIR=${ACRYPTO_KDIR:-$(ls -d /lib/modules/6.1.*-amd64/build 2>/dev/null | sort -V | tail -n 1)}
KVER=${ACRYPTO_KVER:-$(basename "$(dirname "$KDIR")")}
MODDIR=${ACRYPTO_MODDIR:-/lib/modules/$KVER}
KERNEL=${KERNEL:-/boot/vmlinuz-$KVER}
PRODUCT="acrypto acrypto_soft adaptive_lb failover_lb rr_lb size_lb virtio_acrypto"
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$ROOT/dkms.conf")

echo "# acrypto-dkms: dkms.conf for $KVER ($KDIR), version $VERSION"
skip() {
	echo "1..1"
	echo "ok 1 - acrypto through DKMS # SKIP $*"
	exit 0
}
command -v dkms >/dev/null || skip "dkms is not installed (tools/testing/vm/setup-host.sh installs it)"
[ "$(id -u)" = 0 ] || skip "dkms install needs root"
[ -n "$VERSION" ] || skip "no PACKAGE_VERSION in dkms.conf"

W=$ROOT/.vm/acrypto-dkms/$KVER
rm -rf "$W"
mkdir -p "$W"/{stage,src,tree,lib/"$KVER",var,mi} || exit 1
KEY_BEFORE=$(ls /var/lib/dkms/mok.key /var/lib/dkms/mok.pub 2>/dev/null)
cleanup() {
	# A signing key dkms created outside a mount namespace.
	if [ -z "$KEY_BEFORE" ]; then
		rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	fi
	[ "$KEEP" = 1 ] || rm -rf "$W"
}
trap cleanup EXIT

n=0 failed=0
result() {	# result STATUS NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | tail -n 30 | sed 's/^/# /'
	fi
	return "$1"
}

# dkms in a private mount namespace, /var/lib/dkms a scratch directory.
NS=0
if unshare -m --propagation private true 2>/dev/null; then
	NS=1
fi
dkms_run() {
	local opts=(--sourcetree "$W/src" --dkmstree "$W/tree")

	if [ "$NS" = 1 ]; then
		# shellcheck disable=SC2016 # expanded by the inner bash
		unshare -m --propagation private bash -c \
			'mount --bind "$1" /var/lib/dkms && shift && exec dkms "$@"' \
			_ "$W/var" "$@" "${opts[@]}"
	else
		dkms "$@" "${opts[@]}"
	fi
}

echo "1..10"

# 1. The source as a checkout has it: tracked files, and new ones not ignored.
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	out=$(cd "$ROOT" && git ls-files -z -co --exclude-standard |
		xargs -0 cp --parents -t "$W/stage" 2>&1)
else
	out=$(cd "$ROOT" && tar -c --exclude=./.vm --exclude=./results \
		--exclude='*.ko' --exclude='*.o' . | tar -x -C "$W/stage" 2>&1)
fi
result $? "source staged with dkms.conf" "$out" || exit 1

# 2-4. dkms add, build, install.
out=$(dkms_run add "$W/stage" 2>&1)
result $? "dkms add: acrypto/$VERSION" "$out" || exit 1
T0=$(date +%s)
out=$(dkms_run build "acrypto/$VERSION" -k "$KVER" --kernelsourcedir "$KDIR" 2>&1)
rc=$?
result $rc "dkms build for $KVER ($(($(date +%s) - T0)) s)" \
	"$out
$(cat "$W/tree/acrypto/$VERSION/build/make.log" 2>/dev/null)" || exit 1
out=$(dkms_run install "acrypto/$VERSION" -k "$KVER" --kernelsourcedir "$KDIR" \
	--installtree "$W/lib" --no-depmod 2>&1)
result $? "dkms install into a scratch tree" "$out" || exit 1

# 5. What it installed: the product, nothing else, for this kernel.
DKMSDIR=$(dirname "$(find "$W/lib/$KVER" -name acrypto.ko | head -n 1)")
got=$(find "$W/lib/$KVER" -name '*.ko*' | sed 's|.*/||; s/\.ko.*//' | sort | tr '\n' ' ')
[ "$got" = "$PRODUCT " ]
result $? "installed the seven product modules, no test module" "got: $got"
vm=$(modinfo -F vermagic "$DKMSDIR/acrypto.ko" 2>&1 | cut -d' ' -f1)
[ "$vm" = "$KVER" ]
result $? "built for $KVER (vermagic)" "vermagic: $vm"
status=$(dkms_run status "acrypto/$VERSION" -k "$KVER" 2>&1)
case $status in
*"$KVER"*installed*) true ;;
*) false ;;
esac
result $? "dkms status: installed for $KVER" "$status"

# 8. The modules' metadata a host's modprobe relies on.
meta=$(modinfo -F softdep "$DKMSDIR/acrypto.ko"; modinfo -F alias "$DKMSDIR/rr_lb.ko")
case $meta in
*"post: acrypto_soft"*acrypto-lb-rr_lb*) true ;;
*) false ;;
esac
result $? "acrypto's soft dependency on acrypto_soft, balancer aliases" "$meta"

# 9. make install: the same modules, the tool, the modprobe.d files.
out=$(make -s -C "$ROOT" KDIR="$KDIR" KVER="$KVER" INSTALL_MOD_PATH="$W/mi" \
	DESTDIR="$W/mi" install 2>&1)
rc=$?
got=$(find "$W/mi/lib/modules/$KVER" -name '*.ko' | sed 's|.*/||; s/\.ko$//' | sort | tr '\n' ' ')
missing=''
for f in usr/local/sbin/acryptostat usr/local/share/man/man8/acryptostat.8 \
	etc/modprobe.d/acrypto.conf usr/local/share/acrypto/acrypto-virtio.conf; do
	[ -e "$W/mi/$f" ] || missing="$missing $f"
done
[ $rc = 0 ] && [ "$got" = "$PRODUCT " ] && [ -z "$missing" ]
result $? "make install: the same seven modules for $KVER, acryptostat, its man page, modprobe.d" \
	"exit $rc; modules: $got; missing:$missing
$out"

# 10. The guest: the DKMS modules, the core suite.
out=$( { bash "$VM/ksft-install.sh" --out "$W/tests" --timeout-scale "$SCALE" \
		acrypto acrypto-dkms &&
	bash "$VM/mkinitramfs.sh" --kver "$KVER" --moddir "$MODDIR" --extra "$DKMSDIR" \
		--files "$W/tests:/acrypto/tests" --out "$W/initrd.cpio.gz"; } 2>&1)
result $? "guest image with the DKMS-installed modules" "$out" || exit 1

# About 45 s under TCG with Debian's kernel.
bash "$VM/run-vm.sh" --initrd "$W/initrd.cpio.gz" --kernel "$KERNEL" \
	--kselftest acrypto-dkms --timeout $((600 * SCALE + 120)) \
	--args "-t,$((300 * SCALE))"
rc=$?
[ "$failed" = 0 ] && [ "$rc" = 0 ]
