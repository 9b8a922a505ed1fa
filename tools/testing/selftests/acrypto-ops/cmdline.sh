#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cmdline.sh - the balancer chosen at boot: the guest was booted with
# acrypto.balancer=adaptive_lb on the kernel command line, as an
# administrator would set it in GRUB.  modprobe (busybox's, kmod's) hands
# it to acrypto when it loads; the engine loads adaptive_lb and makes it
# current.

OPS=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib-ops.sh source-path=SCRIPTDIR
. "$OPS/lib-ops.sh"

tap_plan 5

check "acrypto.balancer=adaptive_lb on the command line" grep -qw acrypto.balancer=adaptive_lb /proc/cmdline
check "busybox: modprobe acrypto_soft" load_soft
check "adaptive_lb loaded and current" wait_for 100 is_current adaptive_lb
unload_all
check "kmod: modprobe acrypto" "$KMOD" acrypto
check "adaptive_lb current, soft loaded" \
	sh -c ". $OPS/lib-ops.sh; wait_for 100 is_current adaptive_lb && loaded acrypto_soft"
unload_all
tap_done
