# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# lib-part.sh - shared by the acrypto-partitions guest tests (busybox ash).
# Source after the harness's lib.sh; PART_DIR is the directory of the
# tests (errno_of, lbload and the scripts).
#
# The devices of every test: soft (the CPU, always in the shared pool),
# the virtio device ($VDEV, virtio_crypto0: AES-CBC only under QEMU's
# builtin backend), testdev0 (CBC, XTS, HMAC-SHA256: with authenc, four
# instances in a partition; few, because the debug kernel's extra
# self-tests of every instance run through the device each time it joins a
# partition) and testdev1 (CBC and XTS).

PART_DIR=${PART_DIR:-$(cd "$(dirname "$0")" && pwd)}
CLS=/sys/class/acrypto
P=$CLS/partitions
# shellcheck disable=SC2034 # used by the scripts that source this
TD=/sys/kernel/debug/acrypto_testdev
E=$PART_DIR/errno_of
LB=$PART_DIR/lbload
W=/tmp/acrypto-partitions
mkdir -p "$W"
VDEV=virtio_crypto0

# ---------------------------------------------------------------------------
# Modules and devices
# ---------------------------------------------------------------------------

# dev_online DEV: the device is in service.
dev_online() {
	[ "$(cat "$CLS/$1/state" 2>/dev/null)" = online ]
}

# wait_until SECONDS CMD [ARG...]: poll every 100 ms until CMD succeeds.
wait_until() {
	_wu_n=$(($1 * 10))
	shift
	until "$@"; do
		[ "$_wu_n" -gt 0 ] || return 1
		usleep 100000
		_wu_n=$((_wu_n - 1))
	done
}

# part_load: the engine, soft, our virtio driver and two test devices, each
# in service (idempotent: every script calls it).  soft first, so that the
# shared algorithms' self-tests run through it.
part_load() {
	echo 20480 >/proc/sys/net/core/optmem_max
	kmod_load crypto_user aesni_intel algif_skcipher algif_hash \
		acrypto acrypto_soft || return 1
	if [ ! -d /sys/module/virtio_acrypto ]; then
		kmod_load virtio_acrypto || return 1
	fi
	# The driver may finish registering in the background.
	wait_until 120 dev_online "$VDEV" || {
		tap_diag "$VDEV not in service: $(cat "$CLS/$VDEV/state" 2>&1)"
		return 1
	}
	if [ ! -d /sys/module/acrypto_testdev ]; then
		modprobe acrypto_testdev instances=2 \
			modes=cbc+xts+hmac-sha256,cbc+xts ||
			return 1
	fi
	wait_until 60 dev_online testdev0 && wait_until 60 dev_online testdev1
}

# ---------------------------------------------------------------------------
# Partitions
# ---------------------------------------------------------------------------

# part_list: the partitions, one per line.
part_list() {
	cat "$P/list"
}

# part_devices PART: its devices, space-separated, sorted.
part_devices() {
	sort "$P/$1/devices" | tr '\n' ' ' | sed 's/ $//'
}

# part_has_alg PART DRIVER: PART's instance DRIVER is registered.
part_has_alg() {
	grep -qx "$2" "$P/$1/algorithms"
}

# part_ctr PART NAME: one of a partition's counters.
part_ctr() {
	cat "$P/$1/$2"
}

# part_ctrs PART: "requests bytes errors nodev".
part_ctrs() {
	echo "$(part_ctr "$1" requests) $(part_ctr "$1" bytes)" \
		"$(part_ctr "$1" errors) $(part_ctr "$1" nodev)"
}

# tenant_delta PART "BEFORE": "requests bytes errors nodev" of PART since
# part_ctrs printed BEFORE.
tenant_delta() {
	echo "$2 $(part_ctrs "$1")" |
		awk '{ print $5 - $1, $6 - $2, $7 - $3, $8 - $4 }'
}

# part_state: everything the partition ABI shows, one text: the list, each
# partition's devices and algorithms, each device's partition and state.
# (One process: it runs twice for every case of abi.sh.)
part_state() {
	grep -H . "$P/list" "$P"/*/devices "$P"/*/algorithms \
		"$CLS"/*/partition "$CLS"/*/state 2>/dev/null
}

# part_reset: every device back to the shared pool, every partition gone.
part_reset() {
	for _pr in $(part_list); do
		for _pd in $(part_devices "$_pr"); do
			echo "$_pd force" >"$P/$_pr/unassign_device" ||
				tap_diag "cannot unassign $_pd from $_pr"
		done
		# Transforms of its instances may be going away still.
		wait_until 10 part_try_remove "$_pr" ||
			tap_diag "cannot remove partition $_pr"
	done
	[ -z "$(part_list)" ]
}

part_try_remove() {
	[ "$(errno_of_write "$P/remove" "$1")" = 0 ]
}

# errno_of_write FILE STRING: write(2) STRING to FILE, print the errno name
# ("0" on success).  errno_of knows no ENAMETOOLONG by name.
errno_of_write() {
	_eo=$("$E" write "$1" "$2" 2>&1)
	[ "$_eo" = "errno 36" ] && _eo=ENAMETOOLONG
	echo "$_eo"
}

# part_make NAME DEV...: create partition NAME and assign the devices.
part_make() {
	_pm=$1
	shift
	echo "$_pm" >"$P/create" || return 1
	for _pd in "$@"; do
		echo "$_pd" >"$P/$_pm/assign_device" || return 1
	done
}

# expect_w NAME ERRNO FILE STRING: one result: writing STRING (no newline
# added) to FILE fails with ERRNO ("0": succeeds) and, when it fails,
# leaves every partition, assignment and device state as it was.
expect_w() {
	_ew_name=$1 _ew_want=$2 _ew_file=$3 _ew_str=$4
	_ew_before=$(part_state)
	_ew_got=$(errno_of_write "$_ew_file" "$_ew_str")
	_ew_after=$(part_state)
	if [ "$_ew_got" != "$_ew_want" ]; then
		tap_fail "$_ew_name" "write '$(printf '%s' "$_ew_str" | cut -c1-40)' to $_ew_file: got $_ew_got, expected $_ew_want"
		return 1
	elif [ "$_ew_want" != 0 ] && [ "$_ew_before" != "$_ew_after" ]; then
		tap_fail "$_ew_name" "the failed write changed the state"
		printf 'before:\n%s\nafter:\n%s\n' "$_ew_before" "$_ew_after" |
			tap_diag
		return 1
	fi
	tap_ok "$_ew_name ($_ew_want)"
}

# ---------------------------------------------------------------------------
# Counters
# ---------------------------------------------------------------------------

# The devices of the tests, in a fixed order.
all_devs() {
	echo "soft $VDEV testdev0 testdev1"
}

# ctr_snap: "DEV sstarted scompleted sfinished errors" for every device.
ctr_snap() {
	for _cs in $(all_devs); do
		echo "$_cs $(cat "$CLS/$_cs/sstarted") $(cat "$CLS/$_cs/scompleted")" \
			"$(cat "$CLS/$_cs/sfinished") $(cat "$CLS/$_cs/errors")"
	done
}

# ctr_delta "SNAP1" "SNAP2" DEV: "sstarted scompleted sfinished errors" of
# DEV between the snapshots.
ctr_delta() {
	printf '%s\n%s\n' "$1" "$2" | awk -v d="$3" '
		$1 == d && !seen { a2 = $2; a3 = $3; a4 = $4; a5 = $5; seen = 1; next }
		$1 == d { print $2 - a2, $3 - a3, $4 - a4, $5 - a5 }'
}

# ctr_fin "SNAP1" "SNAP2" DEV...: sessions the devices finished between the
# snapshots (sfinished), summed.
ctr_fin() {
	_cf_a=$1 _cf_b=$2 _cf_sum=0
	shift 2
	for _cf in "$@"; do
		_cf_sum=$((_cf_sum + $(ctr_delta "$_cf_a" "$_cf_b" "$_cf" |
			cut -d' ' -f3)))
	done
	echo "$_cf_sum"
}

# ctr_quiet "SNAP1" "SNAP2" DEV...: none of the devices' counters moved.
ctr_quiet() {
	_cq_a=$1 _cq_b=$2
	shift 2
	for _cq in "$@"; do
		[ "$(ctr_delta "$_cq_a" "$_cq_b" "$_cq")" = "0 0 0 0" ] || return 1
	done
}

# fallback: steps the kernel's own implementations did.
fallback() {
	cat "$CLS/crypto_sessions/fallback"
}

# ---------------------------------------------------------------------------
# Traffic
# ---------------------------------------------------------------------------

# lb_ok OUTPUT: lbload's line says every request completed right.
lb_ok() {
	case $1 in
	*" failed=0 wrong=0 lost=0 "*) return 0 ;;
	esac
	return 1
}

# lb_field OUTPUT KEY: one value of lbload's line.
lb_field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# check_lb NAME ARGS...: run lbload; one result: exit 0 (every request
# completed, every output right or the expected errno).
check_lb() {
	_cl_name=$1
	shift
	_cl_out=$("$LB" "$@" 2>&1)
	_cl_rc=$?
	if [ $_cl_rc -eq 0 ]; then
		tap_ok "$_cl_name"
		tap_diag "$(echo "$_cl_out" | grep '^lbload: submitted')"
		return 0
	fi
	tap_fail "$_cl_name" "lbload $* exited $_cl_rc: $_cl_out"
	return 1
}

# fill_key FILE BYTE N: N bytes of BYTE (two hex digits) in FILE.
fill_key() {
	hex2bin "$(printf "%0${3}d" 0 | sed "s/0/$2/g")" >"$1"
}

# ok_if, kmsg_mark, kmsg_since: lib.sh's.
