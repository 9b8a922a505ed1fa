#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the acrypto test guest under QEMU (TCG), stream its TAP channel
# (ttyS1) to stdout, keep the kernel console (ttyS0) in a log file, and turn
# the outcome into an exit status:
#   guest rc   from the "ACRYPTO-VM-DONE rc=N" line
#   124        timeout (QEMU killed)
#   125        the guest died without printing the token (panic, ...)
#   126        kernel problems in the console log (BUG, WARNING, Oops, failed
#              self-tests, ...), unless --allow-kernel-warnings
# On 124/125/126 a "Bail out!" line is added to stdout, so a TAP consumer
# (tap-summary.sh) counts the run as failed.

set -euo pipefail

usage() {
	cat <<EOF
Usage: $0 --initrd FILE [--kernel IMG] [--kver VER] [--extra-initrd FILE]...
          [--overlay DIR]... [--run PATH | --kselftest C] [--args a,b]
          [--smp N] [--mem MiB]
          [--virtio-crypto N] [--q35] [--qmp SOCK] [--timeout SEC]
          [--console-log FILE] [--tap-log FILE] [--append ARGS]
          [--allow-kernel-warnings] [--ignore-warning REGEX]...
          [--interactive] [--qemu-arg ARG]...

  --kernel IMG          kernel image (default /boot/vmlinuz-VER)
  --kver VER            for the default --kernel (default: newest
                        /lib/modules/6.1.*-amd64)
  --initrd FILE         image from mkinitramfs.sh
  --extra-initrd FILE   cpio (gzip'ed or not) appended to the image: per-run
                        scripts without rebuilding it (repeatable)
  --overlay DIR         pack DIR as an extra cpio rooted at / (repeatable)
  --run PATH --args a,b guest command and its arguments (acrypto_vm.run/args);
                        without --run the guest starts a shell on ttyS0
  --kselftest C         run the installed kselftest collection C (a suite)
                        through kselftest's runner, --args for its run.sh
  --smp N --mem MiB     CPUs (default 2), memory (default 2048)
  --virtio-crypto N     N virtio-crypto-pci devices (ids vc0.., builtin backend)
  --q35                 q35 machine, one pcie-root-port (rp0..) per
                        virtio-crypto device so it can be hot-unplugged
  --qmp SOCK            QMP server on unix socket SOCK (see qmp.sh)
  --timeout SEC         kill QEMU after SEC seconds (default 600)
  --console-log FILE    kernel console (ttyS0) log (default: a temp file,
                        removed on success)
  --tap-log FILE        also keep the TAP channel (ttyS1) in FILE
  --append ARGS         extra kernel command line
  --panic-on-warn       acrypto_vm.panic_on_warn=1
  --allow-kernel-warnings  report kernel problems but do not fail on them
  --ignore-warning REGEX   console lines matching REGEX are not problems
                        (repeatable; e.g. a known virtio_crypto RSA warning)
  --interactive         console on this terminal (implies no --timeout
                        unless given)
  --qemu-arg ARG        passed to QEMU as is (repeatable)
EOF
	exit "${1:-2}"
}

die() { echo "run-vm: $*" >&2; exit 2; }

KERNEL='' KVER='' INITRD='' RUN='' KSELFTEST='' ARGS='' APPEND='' QMP='' CONSOLE_LOG='' TAP_LOG=''
SMP=2 MEM=2048 VCRYPTO=0 Q35=0 TIMEOUT='' ALLOW_WARN=0 INTERACTIVE=0 PANIC_ON_WARN=0
EXTRA_INITRDS=() OVERLAYS=() QEMU_ARGS=() IGNORE=()

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--kver) KVER=${2:?}; shift 2 ;;
	--initrd) INITRD=${2:?}; shift 2 ;;
	--extra-initrd) EXTRA_INITRDS+=("${2:?}"); shift 2 ;;
	--overlay) OVERLAYS+=("${2:?}"); shift 2 ;;
	--run) RUN=${2:?}; shift 2 ;;
	--kselftest) KSELFTEST=${2:?}; shift 2 ;;
	--args) ARGS=${2?}; shift 2 ;;
	--smp) SMP=${2:?}; shift 2 ;;
	--mem) MEM=${2:?}; shift 2 ;;
	--virtio-crypto) VCRYPTO=${2:?}; shift 2 ;;
	--q35) Q35=1; shift ;;
	--qmp) QMP=${2:?}; shift 2 ;;
	--timeout) TIMEOUT=${2:?}; shift 2 ;;
	--console-log) CONSOLE_LOG=${2:?}; shift 2 ;;
	--tap-log) TAP_LOG=${2:?}; shift 2 ;;
	--append) APPEND=${2?}; shift 2 ;;
	--panic-on-warn) PANIC_ON_WARN=1; shift ;;
	--allow-kernel-warnings) ALLOW_WARN=1; shift ;;
	--ignore-warning) IGNORE+=("${2:?}"); shift 2 ;;
	--interactive) INTERACTIVE=1; shift ;;
	--qemu-arg) QEMU_ARGS+=("${2?}"); shift 2 ;;
	-h|--help) usage 0 ;;
	*) echo "run-vm: unknown option '$1'" >&2; usage ;;
	esac
done

if [ -z "$KERNEL" ]; then
	if [ -z "$KVER" ]; then
		KVER=$(find /lib/modules -mindepth 1 -maxdepth 1 -name '6.1.*-amd64' \
			-printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
	fi
	KERNEL=/boot/vmlinuz-$KVER
fi
[ -r "$KERNEL" ] || die "kernel image '$KERNEL' not readable (--kernel)"
[ -n "$INITRD" ] || die "--initrd is required (build one with mkinitramfs.sh)"
[ -r "$INITRD" ] || die "initrd '$INITRD' not readable"
[[ $VCRYPTO =~ ^[0-9]+$ ]] || die "--virtio-crypto wants a number"
[ -n "$RUN" ] && [ -n "$KSELFTEST" ] && die "--run and --kselftest exclude each other"
[ "$INTERACTIVE" = 1 ] && [ -n "$RUN$KSELFTEST" ] && die "--interactive excludes --run and --kselftest"
[ "$INTERACTIVE" = 1 ] || [ -n "$RUN$KSELFTEST" ] || die "--run PATH or --kselftest C is required (or --interactive)"
if [ -z "$TIMEOUT" ]; then
	[ "$INTERACTIVE" = 1 ] && TIMEOUT=0 || TIMEOUT=600
fi
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found; run setup-host.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/acrypto-vm.XXXXXX")
QEMU_PID=''
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ -n "$QEMU_PID" ]; then
		kill "$QEMU_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

KEEP_CONSOLE=1
if [ -z "$CONSOLE_LOG" ]; then
	CONSOLE_LOG=$(mktemp "${TMPDIR:-/tmp}/acrypto-console.XXXXXX.log")
	KEEP_CONSOLE=0
fi
: >"$CONSOLE_LOG"
TAP_FILE=${TAP_LOG:-$WORK/tap.log}
: >"$TAP_FILE"

# The kernel unpacks concatenated archives, compressed or not; QEMU takes one
# file, so join them. Zero padding between archives is skipped by the kernel
# and keeps each one 4-byte aligned, which an uncompressed cpio requires.
pad4() {
	local size
	size=$(stat -c %s "$1")
	head -c $(((4 - size % 4) % 4)) /dev/zero >>"$1"
}
INITRD_ALL=$INITRD
if [ ${#EXTRA_INITRDS[@]} -gt 0 ] || [ ${#OVERLAYS[@]} -gt 0 ]; then
	INITRD_ALL=$WORK/initrd
	cp "$INITRD" "$INITRD_ALL"
	for f in "${EXTRA_INITRDS[@]}"; do
		[ -r "$f" ] || die "extra initrd '$f' not readable"
		pad4 "$INITRD_ALL"
		cat "$f" >>"$INITRD_ALL"
	done
	for d in "${OVERLAYS[@]}"; do
		[ -d "$d" ] || die "overlay '$d' is not a directory"
		pad4 "$INITRD_ALL"
		(cd "$d" && find . -mindepth 1 | LC_ALL=C sort |
			cpio --quiet -o -H newc -R 0:0) >>"$INITRD_ALL"
	done
fi

CMDLINE="console=ttyS0 quiet panic=-1 loglevel=4"
[ -n "$RUN" ] && CMDLINE+=" acrypto_vm.run=$RUN"
[ -n "$KSELFTEST" ] && CMDLINE+=" acrypto_vm.kselftest=$KSELFTEST"
[ -n "$ARGS" ] && CMDLINE+=" acrypto_vm.args=$ARGS"
[ "$PANIC_ON_WARN" = 1 ] && CMDLINE+=" acrypto_vm.panic_on_warn=1"
[ -n "$APPEND" ] && CMDLINE+=" $APPEND"

QEMU=(qemu-system-x86_64 -accel tcg -cpu max -nodefaults -display none -no-reboot
	-smp "$SMP" -m "$MEM" -kernel "$KERNEL" -initrd "$INITRD_ALL"
	-append "$CMDLINE")
if [ "$Q35" = 1 ]; then
	QEMU+=(-machine q35)
else
	QEMU+=(-machine pc)
fi

# ttyS0: the kernel console. ttyS1: the TAP channel, written to a file that
# tail streams to our stdout (works without a terminal, keeps a copy).
if [ "$INTERACTIVE" = 1 ]; then
	QEMU+=(-chardev "stdio,id=con,signal=off,logfile=$CONSOLE_LOG" -serial chardev:con)
else
	QEMU+=(-chardev "file,id=con,path=$CONSOLE_LOG" -serial chardev:con)
fi
QEMU+=(-chardev "file,id=tap,path=$TAP_FILE,append=on" -serial chardev:tap)

for ((i = 0; i < VCRYPTO; i++)); do
	bus=''
	if [ "$Q35" = 1 ]; then
		QEMU+=(-device "pcie-root-port,id=rp$i,chassis=$((i + 1)),slot=$((i + 1))")
		bus=",bus=rp$i"
	fi
	QEMU+=(-object "cryptodev-backend-builtin,id=c$i"
		-device "virtio-crypto-pci,id=vc$i,cryptodev=c$i$bus")
done
if [ -n "$QMP" ]; then
	[ -S "$QMP" ] && rm -f "$QMP"	# left over from a killed run
	QEMU+=(-qmp "unix:$QMP,server=on,wait=off")
fi
QEMU+=("${QEMU_ARGS[@]}")

echo "run-vm: ${QEMU[*]}" >&2
START=$(date +%s.%N)

if [ "$INTERACTIVE" = 1 ]; then
	set +e
	if [ "$TIMEOUT" -gt 0 ]; then
		timeout -k 5 "$TIMEOUT" "${QEMU[@]}"
	else
		"${QEMU[@]}"
	fi
	RC=$?
	[ "$KEEP_CONSOLE" = 1 ] || rm -f "$CONSOLE_LOG"
	exit $RC
fi

# QEMU under timeout(1) in the background; tail follows the TAP file until
# QEMU is gone, then prints what is left and exits.
timeout -k 5 "$TIMEOUT" "${QEMU[@]}" </dev/null &
QEMU_PID=$!
tail -n +1 -s 0.2 --pid="$QEMU_PID" -f "$TAP_FILE" || true
set +e
wait "$QEMU_PID"
QEMU_RC=$?
set -e
QEMU_PID=''
ELAPSED=$(echo "$START $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')

# ---------------------------------------------------------------------------
# Verdict
# ---------------------------------------------------------------------------
# Kernel problems worth failing a run for. testmgr prints "alg: ..." only at
# info level when things are fine ("No test for", "passed"); those lines and
# the harmless "skipping comparison tests" are excluded.
PROBLEMS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|kernel BUG at'
PROBLEMS+='|possible circular locking|possible recursive locking|inconsistent lock state'
PROBLEMS+='|suspicious RCU usage|sleeping function called from invalid context'
PROBLEMS+='|kmemleak|unreferenced object|Call Trace|Kernel panic|list_(add|del) corruption'
PROBLEMS+='|refcount_t: |soft lockup|blocked for more than|self-tests? .*fail|alg: '
NOT_PROBLEMS='alg: No test for|self-tests for .* passed|skipping comparison tests'
NOT_PROBLEMS+='|alg: extra crypto tests enabled'
NOT_PROBLEMS+='|kmemleak: Kernel memory leak detector initialized|kmemleak: Automatic memory scanning thread started'

USER_OK=''
for re in "${IGNORE[@]}"; do USER_OK+="${USER_OK:+|}$re"; done

# Excerpt: each problem line with 3 lines before and 20 after, at most 200
# lines in all; empty when the log is clean. A splat ("cut here" .. "end
# trace") is ignored as a whole when one of its lines matches --ignore-warning.
EXCERPT=$(tr -d '\r' <"$CONSOLE_LOG" | awk -v bad="$PROBLEMS" -v ok="$NOT_PROBLEMS" \
	-v user_ok="$USER_OK" '
	function flush_splat(   i) {
		if (!splat_ignored)
			for (i = splat_from; i <= NR; i++)
				if (i in pending) hit[i] = 1
		split("", pending); in_splat = 0
	}
	{ line[NR] = $0 }
	/-+\[ cut here \]-+/ { in_splat = 1; splat_from = NR; splat_ignored = 0 }
	in_splat && user_ok != "" && $0 ~ user_ok { splat_ignored = 1 }
	$0 ~ bad && $0 !~ ok && (user_ok == "" || $0 !~ user_ok) {
		if (in_splat) pending[NR] = 1; else hit[NR] = 1
	}
	in_splat && /---\[ end trace/ { flush_splat() }
	END {
		if (in_splat) flush_splat()
		out = 0; last = 0
		for (i = 1; i <= NR && out < 200; i++) {
			if (!(i in hit)) continue
			from = i - 3 > last ? i - 3 : last + 1
			if (from < 1) from = 1
			if (from > last + 1 && last) print "  ..."
			for (j = from; j <= i + 20 && j <= NR && out < 200; j++) {
				print (j in hit ? "> " : "  ") line[j]; out++; last = j
			}
		}
	}')


RC='' TOKEN=''
if [ "$QEMU_RC" = 124 ] || [ "$QEMU_RC" = 137 ]; then
	echo "Bail out! run-vm: timeout after ${TIMEOUT}s"
	RC=124
else
	TOKEN=$(tr -d '\r' <"$TAP_FILE" | grep -a -o 'ACRYPTO-VM-DONE rc=[0-9]*' | tail -n 1 || true)
	if [ -z "$TOKEN" ]; then
		echo "Bail out! run-vm: guest died without ACRYPTO-VM-DONE (qemu rc $QEMU_RC)"
		RC=125
	fi
fi
if [ -n "$EXCERPT" ]; then
	{
		echo "run-vm: kernel problems in $CONSOLE_LOG:"
		echo "$EXCERPT"
	} >&2
	if [ "$ALLOW_WARN" = 0 ] && [ -z "$RC" ]; then
		echo "Bail out! run-vm: kernel problems in the console log"
		RC=126
	fi
fi
[ -n "$RC" ] || RC=${TOKEN#*rc=}

echo "run-vm: guest finished in ${ELAPSED}s, exit status $RC" >&2
if [ "$RC" != 0 ] || { [ -n "$EXCERPT" ] && [ "$KEEP_CONSOLE" = 0 ]; }; then
	echo "run-vm: console log: $CONSOLE_LOG" >&2
elif [ "$KEEP_CONSOLE" = 0 ]; then
	rm -f "$CONSOLE_LOG"
fi
exit "$RC"
