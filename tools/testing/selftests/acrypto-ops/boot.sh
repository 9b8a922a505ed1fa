#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# boot.sh - acrypto on a fresh host: what loads by itself, and the
# boot-time configuration.
#
#  - kmod's `modprobe acrypto` alone loads acrypto_soft too (its soft
#    dependency): device soft online, the acrypto-* algorithms registered
#    with passed self-tests, requests served;
#  - the shipped /etc/modprobe.d/acrypto.conf: as installed it changes
#    nothing; its commented "softdep acrypto post:" keeps soft out, its
#    "options acrypto balancer=adaptive_lb" selects adaptive_lb;
#  - the balancer parameter: `modprobe acrypto balancer=rr_lb` loads rr_lb
#    (the engine asks for acrypto-lb-rr_lb) and makes it current, and so
#    does an `options acrypto balancer=...` line in modprobe.d, with
#    busybox's modprobe (loading acrypto as a dependency) and kmod's;
#  - a write to lbs or to the parameter loads the balancer's module;
#    unknown or malformed names fail with EINVAL and change nothing;
#    unloading the current balancer returns to simple_lb, the parameter
#    too;
#  - the shipped acrypto-virtio.conf: the virtio-crypto device's modalias
#    resolves to virtio_crypto and virtio_acrypto without it, to
#    virtio_acrypto alone with it; loading by the alias binds the device
#    to virtio_acrypto and leaves virtio_crypto out; kmod loads
#    virtio_acrypto before an explicit virtio_crypto (softdep).
#
# The kernel command line case (acrypto.balancer=, a reboot) is
# cmdline.sh, in a guest of its own.

OPS=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib-ops.sh source-path=SCRIPTDIR
. "$OPS/lib-ops.sh"

tap_plan 34

cleanup() {
	rm -f /etc/modprobe.d/zz-ops-*.conf /etc/modprobe.d/acrypto-virtio.conf \
		/etc/modprobe.d/acrypto.conf
	[ -e /tmp/harness-acrypto.conf ] &&
		mv /tmp/harness-acrypto.conf /etc/modprobe.d/acrypto-vm.conf
	[ -e /tmp/modules.alias.orig ] &&
		cp /tmp/modules.alias.orig "/lib/modules/$(uname -r)/modules.alias"
}
trap cleanup EXIT

unload_all || tap_bail "cannot unload the acrypto modules"
for m in aesni_intel sha256_ssse3 sha1_ssse3 ghash_clmulni_intel; do
	modprobe "$m" 2>/dev/null
done

# --- modprobe acrypto on a fresh host ----------------------------------------

check "kmod: modprobe acrypto" "$KMOD" acrypto
check "acrypto_soft came along (soft dependency)" loaded acrypto_soft
check "device soft registered and online" \
	sh -c "grep -qx soft $AC/crypto_sessions/devices && [ \"\$(cat $AC/soft/state)\" = online ]"
check "acrypto-cbc-aes registered, self-test passed" alg_ok acrypto-cbc-aes
check "acrypto-sha256 registered, self-test passed" alg_ok acrypto-sha256
before=$(val $AC/soft/scompleted)
check "cbc(aes) requests served" "$OPSREQ" cipher 'cbc(aes)' 4 64
check_eq "... by soft" $((before + 4)) "$(val $AC/soft/scompleted)"

unload_all
cp "$OPS/etc/acrypto.conf" /etc/modprobe.d/acrypto.conf
check "kmod: the shipped acrypto.conf as it is changes nothing" \
	sh -c "$KMOD acrypto && [ -d /sys/module/acrypto_soft ]"
unload_all
sed 's/^#softdep acrypto post:/softdep acrypto post:/' "$OPS/etc/acrypto.conf" \
	>/etc/modprobe.d/acrypto.conf
check "kmod: its 'softdep acrypto post:' uncommented keeps soft out" \
	sh -c "$KMOD acrypto && ! [ -d /sys/module/acrypto_soft ]"
sed 's/^#options acrypto balancer=adaptive_lb/options acrypto balancer=adaptive_lb/' \
	"$OPS/etc/acrypto.conf" >/etc/modprobe.d/acrypto.conf
unload_all
check "kmod: its 'options acrypto balancer=adaptive_lb' uncommented" "$KMOD" acrypto
check "adaptive_lb current" wait_for 100 is_current adaptive_lb
rm -f /etc/modprobe.d/acrypto.conf

# --- the balancer parameter ---------------------------------------------------

unload_all
check "modprobe acrypto balancer=rr_lb" modprobe acrypto balancer=rr_lb
check "rr_lb loaded by the engine and current" wait_for 100 is_current rr_lb
check_eq "parameter balancer reads rr_lb" rr_lb "$(val $PARAM/balancer)"
load_soft
check "requests served under rr_lb" "$OPSREQ" cipher acrypto-cbc-aes 4 256

unload_all
echo "options acrypto balancer=failover_lb" >/etc/modprobe.d/zz-ops-lb.conf
check "modprobe.d options, busybox: modprobe acrypto_soft" load_soft
check "failover_lb current (options applied to acrypto loaded as a dependency)" \
	wait_for 100 is_current failover_lb
unload_all
check "modprobe.d options, kmod: modprobe acrypto" "$KMOD" acrypto
check "failover_lb current, soft loaded" \
	sh -c ". $OPS/lib-ops.sh; wait_for 100 is_current failover_lb && loaded acrypto_soft"
rm -f /etc/modprobe.d/zz-ops-lb.conf
unload_all
check "without options: simple_lb current, parameter simple_lb" \
	sh -c ". $OPS/lib-ops.sh; load_soft && is_current simple_lb && [ \"\$(val $PARAM/balancer)\" = simple_lb ]"

# --- balancers loaded on demand -----------------------------------------------

check "adaptive_lb not loaded" sh -c "! [ -d /sys/module/adaptive_lb ]"
check "echo adaptive_lb > lbs loads it and makes it current" \
	sh -c ". $OPS/lib-ops.sh; write $LBS adaptive_lb && loaded adaptive_lb && is_current adaptive_lb"
check_eq "parameter balancer follows lbs" adaptive_lb "$(val $PARAM/balancer)"
check "echo size_lb > parameter balancer loads and selects it" \
	sh -c ". $OPS/lib-ops.sh; write $PARAM/balancer size_lb && is_current size_lb"
err=$(write $PARAM/balancer nosuch_lb)
check "parameter: an unknown balancer fails with EINVAL, size_lb stays" \
	sh -c "case '$err' in *'Invalid argument'*) ;; *) exit 1 ;; esac; . $OPS/lib-ops.sh; is_current size_lb"
err=$(write $LBS 'Bad/Name')
check "lbs: a malformed name fails with EINVAL, size_lb stays" \
	sh -c "case '$err' in *'Invalid argument'*) ;; *) exit 1 ;; esac; . $OPS/lib-ops.sh; is_current size_lb"
check "rmmod size_lb: simple_lb current, parameter simple_lb" \
	sh -c ". $OPS/lib-ops.sh; rmmod size_lb && is_current simple_lb && [ \"\$(val $PARAM/balancer)\" = simple_lb ]"

# --- virtio_acrypto over virtio_crypto (acrypto-virtio.conf) -----------------

alias=''
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device" 2>/dev/null)" = 0x0014 ] && alias=$(cat "$d/modalias") && vdev=$d
done
if [ -z "$alias" ]; then
	for i in 1 2 3 4 5 6 7; do tap_skip "acrypto-virtio.conf case $i" "no virtio-crypto device"; done
else
	M=/lib/modules/$(uname -r)
	# The harness drops virtio_crypto's alias and blacklists it: undo both,
	# as on a host.  A kernel built without virtio_crypto (the debug
	# kernel) has no competitor to order against.
	vc_alias=$(modinfo -F alias virtio_crypto 2>/dev/null)
	cp "$M/modules.alias" /tmp/modules.alias.orig
	[ -n "$vc_alias" ] &&
		echo "alias $vc_alias virtio_crypto" >>"$M/modules.alias"
	mv /etc/modprobe.d/acrypto-vm.conf /tmp/harness-acrypto.conf
	deps=$(modprobe -D "$alias" 2>&1)
	if [ -n "$vc_alias" ]; then
		check "without the file, the device's alias gives both drivers" \
			sh -c "echo '$deps' | grep -q '/virtio_crypto.ko' && echo '$deps' | grep -q '/virtio_acrypto.ko'"
	else
		tap_skip "without the file, the device's alias gives both drivers" "$(uname -r) has no virtio_crypto module"
	fi
	cp "$OPS/etc/acrypto-virtio.conf" /etc/modprobe.d/
	deps=$(modprobe -D "$alias" 2>&1)
	check "with acrypto-virtio.conf, virtio_acrypto alone" \
		sh -c "echo '$deps' | grep -q '/virtio_acrypto.ko' && ! echo '$deps' | grep -q '/virtio_crypto.ko'"
	if [ -n "$vc_alias" ]; then
		deps=$("$KMOD" --show-depends virtio_crypto 2>&1)
		check "kmod: virtio_crypto's soft dependency puts virtio_acrypto first" \
			sh -c "echo '$deps' | awk '/virtio_acrypto.ko/ { a = NR } /virtio_crypto.ko/ { c = NR } END { exit !(a && c && a < c) }'"
	else
		tap_skip "kmod: virtio_crypto's soft dependency puts virtio_acrypto first" "$(uname -r) has no virtio_crypto module"
	fi
	check "modprobe by the device's alias" modprobe "$alias"
	check "virtio_acrypto loaded, virtio_crypto not" \
		sh -c ". $OPS/lib-ops.sh; loaded virtio_acrypto && ! loaded virtio_crypto"
	check_eq "the device is bound to virtio_acrypto" virtio_acrypto \
		"$(basename "$(readlink "$vdev/driver")")"
	check "its acrypto device registered" \
		sh -c "grep -q virtio $AC/crypto_sessions/devices"
fi

unload_all
tap_done
