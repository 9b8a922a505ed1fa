# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for virtio_crypto_model's devices (busybox ash), shared by
# model.sh and tools/testing/bench/model-bench-guest.sh.

VCM=/sys/kernel/debug/virtio_crypto_model
CLS=${CLS:-/sys/class/acrypto}

# vcm_dev N: the acrypto device of model instance N (virtio_acrypto's
# device whose parent is the instance's virtio device).
vcm_dev() {
	_vd_v=$(cat $VCM/"$1"/name) || return 1
	for _vd_d in "$CLS"/virtio_crypto*; do
		[ -e "$_vd_d/device" ] || continue
		if [ "$(basename "$(readlink "$_vd_d/device")")" = "$_vd_v" ]; then
			basename "$_vd_d"
			return 0
		fi
	done
	return 1
}
