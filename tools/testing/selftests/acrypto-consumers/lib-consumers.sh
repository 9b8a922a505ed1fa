# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers shared by the acrypto-consumers guest scripts (busybox ash).
# Source after $ACRYPTO_LIB:
#
#	. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
#	. "$(dirname "$0")/lib-consumers.sh"

# The engine and its software device, with the fast implementations the
# soft device prefers; crypto_user for libkcapi.
consumers_setup() {
	echo 20480 >/proc/sys/net/core/optmem_max
	kmod_load crypto_user aesni_intel sha256_ssse3 sha1_ssse3 &&
		kmod_load acrypto_soft &&
		[ -d /sys/class/acrypto/soft ]
}

# Counters of an acrypto device: "sstarted scompleted sfinished errors".
ctr_snap() {
	_d=/sys/class/acrypto/$1
	if [ -d "$_d" ]; then
		echo "$(cat "$_d/sstarted") $(cat "$_d/scompleted")" \
			"$(cat "$_d/sfinished") $(cat "$_d/errors")"
	else
		echo "0 0 0 0"
	fi
}

# ctr_delta "A" "B": B - A, field by field.
ctr_delta() {
	echo "$1 $2" | awk '{ print $5-$1, $6-$2, $7-$3, $8-$4 }'
}

# Field N (1 sstarted, 2 scompleted, 3 sfinished, 4 errors) of a snapshot.
ctr_field() {
	echo "$1" | awk -v n="$2" '{ print $n }'
}

# Sum of the same counters over every acrypto device.
ctr_snap_all() {
	_sum="0 0 0 0"
	for _d in /sys/class/acrypto/*/sstarted; do
		[ -e "$_d" ] || continue
		_n=$(basename "$(dirname "$_d")")
		_sum=$(echo "$_sum $(ctr_snap "$_n")" |
			awk '{ print $1+$5, $2+$6, $3+$7, $4+$8 }')
	done
	echo "$_sum"
}

ctr_show() {	# DELTA -> readable
	echo "$1" | awk '{ printf "sstarted +%d scompleted +%d sfinished +%d errors +%d", $1, $2, $3, $4 }'
}

# refcnt of the algorithm with this driver name in /proc/crypto (empty if
# there is none).
refcnt() {
	awk -v d="$1" '$1 == "driver" { f = ($3 == d) }
		f && $1 == "refcnt" { print $3; exit }' /proc/crypto
}

# Is there an algorithm whose driver name is exactly $1?
have_driver() {
	[ -n "$(refcnt "$1")" ]
}

# 16-byte IV, hex: 64-bit little-endian number, zero padded (plain64).
le64_iv() {
	_n=$1
	_h=''
	_i=0
	while [ $_i -lt 8 ]; do
		_h=$_h$(printf '%02x' $((_n & 255)))
		_n=$((_n >> 8))
		_i=$((_i + 1))
	done
	echo "${_h}0000000000000000"
}

# Bytes of a file region, to stdout: file offset length.
region() {
	dd if="$1" bs=512 skip=$(($2 / 512)) count=$(($3 / 512)) 2>/dev/null
}

sha() {
	sha256sum "$@" | cut -d' ' -f1
}

# Wait up to $2 seconds (default 10) for command $1 to succeed.
wait_for() {
	_t=$(( ${2:-10} * 10 ))
	while [ $_t -gt 0 ]; do
		sh -c "$1" >/dev/null 2>&1 && return 0
		usleep 100000
		_t=$((_t - 1))
	done
	return 1
}

# Is module $1 in this image (loaded or not)?
have_module() {
	modinfo "$1" >/dev/null 2>&1
}
