#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test runner behind `make check`: installs what is missing, builds the
# modules and the test programs, builds one initramfs holding all of them,
# boots QEMU guests for each suite and prints one TAP stream that ends with
# `N passed, N failed`.  Exits non-zero if anything failed.
#
# A suite is a directory tools/testing/selftests/<suite>/: a kselftest
# target (a Makefile on the kernel's lib.mk, TEST_PROGS := run.sh) with a
# `settings` file: "timeout=SECONDS" (kselftest's limit for run.sh) and
# what this runner needs to boot its guest:
#
#	virtio_crypto=N		QEMU virtio-crypto devices (default none)
#	test_timeout=SECONDS	run.sh's limit per test, passed as "-t,N"
#	ignore_warning=TEXT	a kernel warning the suite causes on purpose
#				(repeatable; run-vm.sh --ignore-warning;
#				'TEXT' if it has spaces)
#
# or its guests, one after the other, each a fresh boot:
#
#	guest='NAME|SECONDS|TEST_SECONDS|ARGUMENTS|RUN-VM OPTIONS'
#
# (repeatable): the guest's time limit, run.sh's limit per test (-t),
# run.sh's arguments (its tests) and run-vm.sh's options (devices, kernel
# command line) of each.  --args then names the guests to boot.
#
# Inside the image the suites are installed as kselftest installs them
# (vm/ksft-install.sh): /acrypto/tests/<suite>/, run_kselftest.sh and its
# list.  The guest runs the suite's run.sh through kselftest's runner,
# which prints the standard kselftest TAP: run.sh's own TAP nested with
# a "# " prefix, then one result for run.sh.  The time limits are
# multiplied by --timeout-scale.
#
# A suite that needs host-side actions (a build on the host, hot-unplug)
# has a hook instead, `run-host.sh`, called with
#
#	run-host.sh --initrd IMG --kernel IMG --timeout-scale N [--args LIST]
#
# which must boot its guests with tools/testing/vm/run-vm.sh using that
# image and kernel (--kselftest <suite>: run.sh through kselftest's
# runner, its arguments in --args), and print TAP on stdout.  Its --args,
# comma-separated, chooses among its tests (guest configurations).  A
# suite that builds something for the kernel itself (acrypto-dkms) finds
# it in the environment: ACRYPTO_KDIR, ACRYPTO_KVER, ACRYPTO_MODDIR.
#
# Another kernel (the debug kernel of `make check-debug`) is used with
# --kdir (its build tree, for the modules), --kernel and --moddir.

set -euo pipefail

usage() {
	cat <<EOF
Usage: $0 [--kdir DIR] [--kernel IMG] [--moddir DIR] [--kver VER]
          [--suite NAME]... [--args LIST] [--out DIR] [--timeout-scale N]
          [--no-setup] [--no-lint] [-- RUN-VM-OPTION...]

  --kdir DIR         kernel build tree for the modules (default: newest
                     /lib/modules/6.1.*-amd64/build)
  --kernel IMG       kernel the guests boot (default /boot/vmlinuz-VER)
  --moddir DIR       module tree of that kernel (default /lib/modules/VER)
  --kver VER         its release (default: from --kdir)
  --suite NAME       run only this suite (repeatable); default: all of
                     $(cd "$(dirname "$0")/selftests" &&
		       for d in */; do
			       [ -e "$d/settings" ] || [ -e "$d/run-host.sh" ] &&
				       echo -n "${d%/} "
		       done)
  --args LIST        comma-separated arguments for the suites' run.sh:
                     tests or groups to run, their options; for a suite
                     of several guests, the guests; a hook's --args (its
                     guest configurations)
  --out DIR          work directory (default .vm/ in the repository)
  --timeout-scale N  multiply guest timeouts (slow debug kernels)
  --no-setup         do not check for missing packages
  --no-lint          skip the static checks (checkpatch, W=1, sparse)
  -- OPTION...       passed to run-vm.sh for suites without a hook
                     (--console-log FILE, say)
EOF
	exit "${1:-2}"
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM=$ROOT/tools/testing/vm
KDIR='' KERNEL='' MODDIR='' KVER='' OUT='' SCALE=1 SETUP=1 LINT=1 ARGS=''
SUITES=() VM_OPTS=()

while [ $# -gt 0 ]; do
	case $1 in
	--kdir) KDIR=${2:?}; shift 2 ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--moddir) MODDIR=${2:?}; shift 2 ;;
	--kver) KVER=${2:?}; shift 2 ;;
	--suite) SUITES+=("${2:?}"); shift 2 ;;
	--args) ARGS=${2?}; shift 2 ;;
	--out) OUT=${2:?}; shift 2 ;;
	--timeout-scale) SCALE=${2:?}; shift 2 ;;
	--no-setup) SETUP=0; shift ;;
	--no-lint) LINT=0; shift ;;
	--) shift; VM_OPTS=("$@"); break ;;
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
		[ -e "$d/settings" ] || [ -x "$d/run-host.sh" ] &&
			SUITES+=("$(basename "$d")")
	done
fi

log "kernel $KVER ($KERNEL), modules built against $KDIR"
log "suites: ${SUITES[*]}"

# Build the modules and the test programs.
make -s -C "$ROOT" KDIR="$KDIR" modules >&2

for suite in "${SUITES[@]}"; do
	src=$ROOT/tools/testing/selftests/$suite
	[ -e "$src/settings" ] || [ -x "$src/run-host.sh" ] ||
		{ log "no suite '$suite'"; exit 2; }
done
# The suites as kselftest installs them, with its runner; their test
# modules (kmod/) are in the image's module tree.
bash "$VM/ksft-install.sh" --out "$OUT/tests" --build "$OUT/build" \
	--timeout-scale "$SCALE" "${SUITES[@]}"

# One image for every suite: our modules, the test programs.
extra=()
for d in crypto drivers tools/testing; do
	[ -d "$ROOT/$d" ] && extra+=(--extra "$ROOT/$d")
done
bash "$VM/mkinitramfs.sh" --kver "$KVER" --moddir "$MODDIR" "${extra[@]}" \
	--files "$OUT/tests:/acrypto/tests" --out "$OUT/initrd.cpio.gz" >&2

# setting SUITE KEY: the values of KEY in the suite's settings, one a line.
# A value with spaces is in single quotes (kselftest's runner evals each
# line as an assignment).
setting() {
	sed -n "s/^$2=//p" "$ROOT/tools/testing/selftests/$1/settings" |
		sed "s/^'\(.*\)'\$/\1/"
}

# run_guest SUITE SECONDS TEST_SECONDS ARGUMENTS [RUN-VM OPTION...]: one
# guest whose kselftest runner runs the suite's run.sh (ARGUMENTS, commas
# between them) within SECONDS; the guest's own limit is two minutes
# longer, for its boot and the runner's report.  All scaled.
run_guest() {
	local suite=$1 t=$2 tt=$3 args=$4 w opts
	shift 4

	opts=(--initrd "$OUT/initrd.cpio.gz" --kernel "$KERNEL"
	      --kselftest "$suite" --timeout $((t * SCALE + 120)) "$@")
	args=${tt:+-t,$((tt * SCALE))}${tt:+${args:+,}}$args
	[ -n "$args" ] && opts+=(--args "$args")
	while IFS= read -r w; do
		opts+=(--ignore-warning "$w")
	done < <(setting "$suite" ignore_warning)

	echo "# $suite: run.sh ${args//,/ }"
	bash "$VM/run-vm.sh" "${opts[@]}" "${VM_OPTS[@]}"
}

# A suite without a hook: its guest, or each of its guests in turn.
run_suite() {
	local suite=$1 t tt n g name args opt rc=0 guests=()

	mapfile -t guests < <(setting "$suite" guest)
	if [ ${#guests[@]} -eq 0 ]; then
		t=$(setting "$suite" timeout | tail -n 1)
		tt=$(setting "$suite" test_timeout | tail -n 1)
		n=$(setting "$suite" virtio_crypto | tail -n 1)
		run_guest "$suite" "${t:-300}" "$tt" "$ARGS" \
			${n:+--virtio-crypto "$n"}
		return
	fi
	for g in "${guests[@]}"; do
		IFS='|' read -r name t tt args opt <<<"$g"
		if [ -n "$ARGS" ] && [[ ",$ARGS," != *",$name,"* ]]; then
			continue
		fi
		echo "# $suite: guest '$name'"
		# shellcheck disable=SC2086 # the options are words
		run_guest "$suite" "$t" "$tt" "${args// /,}" $opt || rc=1
	done
	return $rc
}

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
		if [ ! -x "$ROOT/tools/testing/selftests/$suite/run-host.sh" ]; then
			run_suite "$suite" || {
				rc=1
				echo "# suite $suite exited non-zero"
			}
		elif ! ACRYPTO_KDIR=$KDIR ACRYPTO_KVER=$KVER ACRYPTO_MODDIR=$MODDIR \
			"$ROOT/tools/testing/selftests/$suite/run-host.sh" \
			--initrd "$OUT/initrd.cpio.gz" --kernel "$KERNEL" \
			--timeout-scale "$SCALE" ${ARGS:+--args "$ARGS"}; then
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
