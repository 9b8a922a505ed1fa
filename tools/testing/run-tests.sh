#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test runner behind `make check`: installs what is missing, builds the
# modules and the test programs, builds one initramfs holding all of them,
# boots QEMU guests for each suite and prints one TAP stream that ends with
# `N passed, N failed`.  Exits non-zero if anything failed.
#
# A suite is a directory tools/testing/selftests/<suite>/ with a host-side
# `run-host.sh`.  It is called with
#
#	run-host.sh --initrd IMG --kernel IMG --timeout-scale N
#
# must boot its guests with tools/testing/vm/run-vm.sh using that image and
# kernel, and print TAP on stdout.  Inside the image the suite's files are at
# /acrypto/tests/<suite>/ (with the output of its Makefile, if it has one).
# A suite that builds something for the kernel itself (acrypto-dkms) finds
# it in the environment: ACRYPTO_KDIR, ACRYPTO_KVER, ACRYPTO_MODDIR.
#
# Another kernel (the debug kernel of `make check-debug`) is used with
# --kdir (its build tree, for the modules), --kernel and --moddir.

set -euo pipefail

usage() {
	cat <<EOF
Usage: $0 [--kdir DIR] [--kernel IMG] [--moddir DIR] [--kver VER]
          [--suite NAME]... [--out DIR] [--timeout-scale N] [--no-setup]

  --kdir DIR         kernel build tree for the modules (default: newest
                     /lib/modules/6.1.*-amd64/build)
  --kernel IMG       kernel the guests boot (default /boot/vmlinuz-VER)
  --moddir DIR       module tree of that kernel (default /lib/modules/VER)
  --kver VER         its release (default: from --kdir)
  --suite NAME       run only this suite (repeatable); default: all of
                     $(cd "$(dirname "$0")/selftests" && echo */ | tr -d /)
  --out DIR          work directory (default .vm/ in the repository)
  --timeout-scale N  multiply guest timeouts (slow debug kernels)
  --no-setup         do not check for missing packages
  --no-lint          skip the static checks (checkpatch, W=1, sparse)
EOF
	exit "${1:-2}"
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM=$ROOT/tools/testing/vm
KDIR='' KERNEL='' MODDIR='' KVER='' OUT='' SCALE=1 SETUP=1 LINT=1
SUITES=()

while [ $# -gt 0 ]; do
	case $1 in
	--kdir) KDIR=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--moddir) MODDIR=${2:?}; shift 2 ;;
	--kver) KVER=${2:?}; shift 2 ;;
	--suite) SUITES+=("${2:?}"); shift 2 ;;
	--out) OUT=${2:?}; shift 2 ;;
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	--no-setup) SETUP=0; shift ;;
	--no-lint) LINT=0; shift ;;
	-h|--help) usage 0 ;;
	*) echo "run-tests: unknown option '$1'" >&2; usage ;;
	esac
done

log() { echo "run-tests: $*" >&2; }

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


if [ "$SETUP" = 1 ]; then
	bash "$VM/setup-host.sh" >&2
fi

if [ -z "$KDIR" ]; then
	KDIR=$(ls -d /lib/modules/6.1.*-amd64/build 2>/dev/null | sort -V | tail -n 1)
	[ -n "$KDIR" ] || { log "no 6.1 kernel headers found"; exit 1; }
fi
KVER=${KVER:-$(kver_of "$KDIR")}
KERNEL=${KERNEL:-/boot/vmlinuz-$KVER}
MODDIR=${MODDIR:-/lib/modules/$KVER}
OUT=${OUT:-$ROOT/.vm/$KVER}
mkdir -p "$OUT"

if [ ${#SUITES[@]} -eq 0 ]; then
	for d in "$ROOT"/tools/testing/selftests/*/; do
		[ -x "$d/run-host.sh" ] && SUITES+=("$(basename "$d")")
	done
fi

log "kernel $KVER ($KERNEL), modules built against $KDIR"
log "suites: ${SUITES[*]}"

# Build the modules and the test programs.
make -s -C "$ROOT" KDIR="$KDIR" modules >&2

rm -rf "$OUT/tests"
mkdir -p "$OUT/tests"
for suite in "${SUITES[@]}"; do
	src=$ROOT/tools/testing/selftests/$suite
	[ -d "$src" ] || { log "no suite '$suite'"; exit 2; }
	cp -r "$src" "$OUT/tests/$suite"
	if [ -f "$src/Makefile" ]; then
		make -s -C "$src" O="$OUT/tests/$suite" >&2
	fi
done

# One image for every suite: our modules, the test programs.
extra=()
for d in crypto drivers tools/testing; do
	[ -d "$ROOT/$d" ] && extra+=(--extra "$ROOT/$d")
done
bash "$VM/mkinitramfs.sh" --kver "$KVER" --moddir "$MODDIR" "${extra[@]}" \
	--files "$OUT/tests:/acrypto/tests" --out "$OUT/initrd.cpio.gz" >&2

# Run the suites, one TAP stream after the other.
run_suites() {
	local suite rc=0

	if [ "$LINT" = 1 ]; then
		echo "# suite: lint (host)"
		# Rebuilds the modules with W=1 C=2; the image has its copies.
		bash "$ROOT/tools/testing/lint.sh" --kdir "$KDIR" || rc=1
	fi

	for suite in "${SUITES[@]}"; do
		echo "# suite: $suite"
		if ! ACRYPTO_KDIR=$KDIR ACRYPTO_KVER=$KVER ACRYPTO_MODDIR=$MODDIR \
			"$ROOT/tools/testing/selftests/$suite/run-host.sh" \
			--initrd "$OUT/initrd.cpio.gz" --kernel "$KERNEL" \
			--timeout-scale "$SCALE"; then
			rc=1
			echo "# suite $suite exited non-zero"
		fi
	done
	return $rc
}

set +e
run_suites | tee "$OUT/tap.log" | bash "$VM/tap-summary.sh"
status=("${PIPESTATUS[@]}")
set -e

log "TAP log: $OUT/tap.log"
if [ "${status[0]}" != 0 ] || [ "${status[2]}" != 0 ]; then
	exit 1
fi
exit 0
