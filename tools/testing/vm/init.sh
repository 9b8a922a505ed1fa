#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the acrypto test guest (busybox ash; installed as /init).
#
# Kernel command line (each also accepted with the prefix "acrypto." as first
# specified; run-vm.sh uses "acrypto_vm." because busybox modprobe hands
# "acrypto.X=Y" words to our module named acrypto as parameters):
#   acrypto_vm.run=PATH     run PATH (a script or program in the image) with
#                           stdout/stderr on /dev/ttyS1, the TAP channel; then
#                           print "ACRYPTO-VM-DONE rc=N" there and power off.
#                           Without it: a shell on ttyS0, power off on exit.
#   acrypto_vm.args=a,b,c   arguments for PATH (commas become spaces)
#   acrypto_vm.kselftest=C  run the installed kselftest collection C
#                           (/acrypto/tests/run_kselftest.sh -c C) instead
#                           of PATH; the arguments go to its run.sh
#                           (KSELFTEST_RUN_SH_ARGS)
#   acrypto_vm.panic_on_warn=1
#                           set kernel.panic_on_warn before running PATH
#   acrypto_vm.kmemleak=0   skip the kmemleak scan after PATH (done by
#                           default when the kernel has kmemleak)
# Kernel messages stay on ttyS0 (the console). After PATH, the kernel log at
# warning level and above is dumped to ttyS0 too: with loglevel=4 on the
# command line, WARN() splats would otherwise never reach the host's scan.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=linux
export ACRYPTO_LIB=/usr/share/acrypto/lib.sh
# No udev: libdevmapper (cryptsetup, dmsetup) creates its nodes itself.
export DM_DISABLE_UDEV=1

TAP=/dev/ttyS1

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# What udev would link (kselftest's runner writes to /dev/stdout).
ln -sf /proc/self/fd /dev/fd
ln -sf fd/0 /dev/stdin
ln -sf fd/1 /dev/stdout
ln -sf fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /run/cryptsetup /run/lock
hostname acrypto-vm

# Nothing loads drivers by modalias: no udev/mdev runs, and the uevent
# helper (if the kernel has one) is cleared. Tests load modules explicitly.
[ -w /proc/sys/kernel/hotplug ] && echo >/proc/sys/kernel/hotplug
echo 1 >/proc/sys/kernel/panic_on_oops
echo 20480 >/proc/sys/net/core/optmem_max
ip link set lo up
# libkcapi looks algorithms up over NETLINK_CRYPTO.
modprobe crypto_user || echo "init: modprobe crypto_user failed" >/dev/console
# AF_ALG front ends, loaded now: concurrent first binds race on autoloading
# them and some fail with ENOENT.
for m in af_alg algif_skcipher algif_aead algif_hash algif_rng; do
	modprobe "$m" 2>/dev/null
done
# Bind virtio PCI devices (virtio-crypto) to the virtio bus, so tests find
# them under /sys/bus/virtio; their drivers are not loaded here.
if grep -qx 0x1af4 /sys/bus/pci/devices/*/vendor 2>/dev/null; then
	modprobe virtio_pci || echo "init: modprobe virtio_pci failed" >/dev/console
fi

run='' args='' panic_on_warn=0 kmemleak=1 kselftest=''
# shellcheck disable=SC2013 # the command line is a list of words
for word in $(cat /proc/cmdline); do
	case $word in
	acrypto.run=*|acrypto_vm.run=*) run=${word#*=} ;;
	acrypto.args=*|acrypto_vm.args=*) args=$(echo "${word#*=}" | tr , ' ') ;;
	acrypto.panic_on_warn=*|acrypto_vm.panic_on_warn=*) panic_on_warn=${word#*=} ;;
	acrypto.kmemleak=*|acrypto_vm.kmemleak=*) kmemleak=${word#*=} ;;
	acrypto_vm.kselftest=*) kselftest=${word#*=} ;;
	esac
done
if [ -n "$kselftest" ]; then
	export KSELFTEST_RUN_SH_ARGS="$args"
	run=/acrypto/tests/run_kselftest.sh args="-c $kselftest"
fi

power_off() {
	sync
	poweroff -f
	# Without ACPI power-off: -no-reboot makes QEMU exit on reboot.
	sleep 5
	reboot -f
}

if [ -z "$run" ]; then
	echo "init: no acrypto_vm.run= given; shell on ttyS0, power off on exit" >/dev/console
	setsid cttyhack sh -l
	power_off
fi

[ "$panic_on_warn" = 1 ] && echo 1 >/proc/sys/kernel/panic_on_warn
leakcheck=''
if [ "$kmemleak" = 1 ] && [ -w /sys/kernel/debug/kmemleak ]; then
	leakcheck=/sys/kernel/debug/kmemleak
	echo clear >"$leakcheck"
fi

# The TAP channel: raw, so lines end in \n rather than \r\n.
stty -F "$TAP" raw -echo 2>/dev/null
read -r uptime _ </proc/uptime
echo "# acrypto-vm: $(uname -r), userspace at ${uptime}s, running $run $args${kselftest:+ (run.sh $KSELFTEST_RUN_SH_ARGS)}" >"$TAP"

if [ ! -e "$run" ]; then
	echo "init: $run: not found" >"$TAP"
	rc=127
else
	# Arguments are split at spaces on purpose; no globbing.
	set -f
	if [ -n "$kselftest" ]; then
		# kselftest's runner exits 0 whatever its tests did: the
		# exit status is whether it reported a test as not ok.
		# shellcheck disable=SC2086
		"$run" $args 2>&1 </dev/null | tee /tmp/kselftest.tap >"$TAP"
		! grep -q '^not ok' /tmp/kselftest.tap
	elif [ -x "$run" ]; then
		# shellcheck disable=SC2086
		"$run" $args >"$TAP" 2>&1 </dev/null
	else
		# shellcheck disable=SC2086
		sh "$run" $args >"$TAP" 2>&1 </dev/null
	fi
	rc=$?
	set +f
fi

if [ -n "$leakcheck" ]; then
	# Two scans: an object is reported only once it was unreferenced in a
	# previous scan too.
	echo scan >"$leakcheck"
	echo scan >"$leakcheck"
	while IFS= read -r line; do
		echo "kmemleak: $line"
	done <"$leakcheck" >/dev/console
fi

# Kernel log at KERN_WARNING and above (the console shows < 4 only).
{
	echo "ACRYPTO-DMESG-BEGIN (level <= warning)"
	dmesg -r | awk 'match($0, /^<[0-9]+>/) {
		lvl = substr($0, 2, RLENGTH - 2) % 8
		if (lvl <= 4) print substr($0, RLENGTH + 1)
	}'
	echo "ACRYPTO-DMESG-END"
} >/dev/console

read -r uptime _ </proc/uptime
echo "# acrypto-vm: done at ${uptime}s" >"$TAP"
echo "ACRYPTO-VM-DONE rc=$rc" >"$TAP"
power_off
