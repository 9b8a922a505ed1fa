#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dmcrypt.sh - dm-crypt on a loop device through the acrypto skciphers.
#
# For each mapping (plain aes-cbc-essiv:sha256, plain aes-xts-plain64,
# capi: names with our driver names and with a crypto API name, 4 KiB
# sectors, dm-crypt's no-workqueue mode, LUKS2 with PBKDF2):
#   - cryptsetup opens it and `dmsetup table` shows the cipher (and, for
#     plain mappings, the key we gave);
#   - /proc/crypto: the refcnt of our driver (acrypto-xts-aes or
#     acrypto-cbc-aes) rises while the mapping is open and drops back after
#     it is closed: dm-crypt (which refuses CRYPTO_ALG_ALLOCATES_MEMORY)
#     picked the acrypto algorithm;
#   - 4 MiB of random data written through the mapping (O_DIRECT) cost the
#     soft device exactly one request per dm-crypt sector, no errors;
#   - the loop device holds ciphertext, not the plaintext, and sample
#     sectors of it decrypt to the plaintext with the kernel's generic
#     implementation (AF_ALG, bound by driver name): the data on disk is
#     what the standard mode gives, not just something that reads back;
#   - closed and reopened, the mapping reads the data back (sha256 equal),
#     again one request per sector;
#   (LUKS2: what luksFormat and open cost the soft device is shown; the
#   keyslot is cryptsetup's business, its backend may do it in userspace.)
# Then authenticated dm-crypt, capi:authenc(hmac(sha256),cbc(aes)) with
# random and ESSIV IVs over dm-integrity: exactly two steps per sector
# written and read, data read back intact, and with another key every read
# fails after the MAC step, the cipher step never running.
#
# dmcrypt.sh stress (needs acrypto_testdev): dm-crypt on the asynchronous
# test device alone (soft out of service), with a queue of 4 and the
# engine's max_backlog at 8, so that dm-crypt gets -EBUSY and waits for the
# backlog notification, with and without dm-crypt's read workqueue
# (without, it calls in from softirq and requeues on -EBUSY); then with both devices
# while the test device breaks and recovers every 100 ms; and while it is
# unloaded.  Data written must read back intact, every request counted
# exactly once.
#
# Usage: dmcrypt.sh [basic|stress] [MiB]   (default basic, 4 MiB)

# shellcheck source=../../vm/lib.sh
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib-consumers.sh
. "$HERE/lib-consumers.sh"

MODE=${1:-basic}
MB=${2:-4}
BYTES=$((MB * 1024 * 1024))
W=/tmp/dmcrypt
mkdir -p "$W"

consumers_setup || tap_bail "cannot load acrypto_soft"
kmod_load loop dm_crypt || tap_bail "cannot load loop, dm_crypt"

dd if=/dev/urandom of="$W/plain" bs=1M count="$MB" 2>/dev/null
PLAIN_SHA=$(sha "$W/plain")
truncate -s $((16 + MB * 2 + 8))M "$W/disk.img"
LOOP=$(losetup -f --show "$W/disk.img") || tap_bail "losetup failed"
tap_diag "loop device $LOOP, $MB MiB of random data, sha256 $PLAIN_SHA"
echo passphrase-for-the-test >"$W/pw"

# Mapping currently under test.
NAME='' TYPE='' CIPHER='' KEYBITS='' DRIVER='' REF='' OPTS=''

open_mapping() {
	if [ "$TYPE" = luks2 ]; then
		# shellcheck disable=SC2086 # options are words
		cryptsetup open --key-file "$W/pw" $OPTS "$LOOP" "$NAME"
	else
		# shellcheck disable=SC2086
		cryptsetup open --type plain --cipher "$CIPHER" \
			--key-size "$KEYBITS" --key-file "$W/key" $OPTS \
			"$LOOP" "$NAME"
	fi
}

# Parse `dmsetup table`: sets T_CIPHER T_KEY T_IVOFF T_OFF T_SECTOR T_LARGE.
parse_table() {
	# shellcheck disable=SC2046 # the table is words
	set -- $(dmsetup table --showkeys "$NAME")
	T_CIPHER=$4 T_KEY=$5 T_IVOFF=$6 T_OFF=$8
	T_SECTOR=512 T_LARGE=0
	shift 8
	for o in "$@"; do
		case $o in
		sector_size:*) T_SECTOR=${o#sector_size:} ;;
		iv_large_sectors) T_LARGE=1 ;;
		esac
	done
}

# Decrypt sector $1 (in dm-crypt sectors) of the loop device with the
# kernel's generic implementation; compare with the plaintext.
check_sector() {
	_s=$1
	_ivn=$((T_IVOFF + (T_LARGE ? _s : _s * T_SECTOR / 512)))
	region "$LOOP" $((T_OFF * 512 + _s * T_SECTOR)) "$T_SECTOR" >"$W/cs"
	region "$W/plain" $((_s * T_SECTOR)) "$T_SECTOR" >"$W/ps"
	"$HERE/kcapi_crypt" -d -c "$REF" -k "$W/key" -v "$(le64_iv "$_ivn")" \
		<"$W/cs" >"$W/ds" && cmp -s "$W/ds" "$W/ps"
}

run_mapping() {	# title
	title=$1
	before_ref=$(refcnt "$DRIVER")

	if [ "$TYPE" = luks2 ]; then
		a=$(ctr_snap soft)
		# shellcheck disable=SC2086
		check "$title: luksFormat (PBKDF2, 1000 iterations)" \
			cryptsetup luksFormat --batch-mode --type luks2 \
			--pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
			--cipher "$CIPHER" --key-size "$KEYBITS" \
			--sector-size 512 --volume-key-file "$W/key" \
			--key-file "$W/pw" "$LOOP"
		fmt=$(ctr_delta "$a" "$(ctr_snap soft)")
	fi

	a=$(ctr_snap soft)
	if ! check "$title: cryptsetup open" open_mapping; then
		cryptsetup close "$NAME" 2>/dev/null
		return
	fi
	opened=$(ctr_delta "$a" "$(ctr_snap soft)")
	if [ "$TYPE" = luks2 ]; then
		# cryptsetup's own crypto backend (OpenSSL) does the keyslot
		# when it can, so this is information, not a requirement.
		tap_diag "$title: soft during luksFormat $(ctr_show "$fmt"), during open $(ctr_show "$opened")"
	fi

	parse_table
	want_key=$(xxd -p "$W/key" | tr -d '\n')
	if [ "$T_CIPHER" != "$CIPHER" ]; then
		tap_fail "$title: dmsetup table shows the cipher" \
			"table: $(dmsetup table "$NAME")"
	elif [ "$TYPE" = plain ] && [ "$T_KEY" != "$want_key" ]; then
		tap_fail "$title: dmsetup table shows our key" \
			"table: $(dmsetup table "$NAME")"
	else
		tap_ok "$title: dmsetup table: crypt $T_CIPHER, sector size $T_SECTOR, data at sector $T_OFF"
	fi

	open_ref=$(refcnt "$DRIVER")
	if [ -n "$before_ref" ] && [ -n "$open_ref" ] &&
	   [ "$open_ref" -gt "$before_ref" ]; then
		tap_ok "$title: /proc/crypto: $DRIVER refcnt $before_ref -> $open_ref while open"
	else
		tap_fail "$title: /proc/crypto: $DRIVER refcnt rises while open" \
			"refcnt before '$before_ref', open '$open_ref'"
		grep -B1 -A4 "driver.*acrypto" /proc/crypto | tap_diag
	fi

	nreq=$((BYTES / T_SECTOR))
	a=$(ctr_snap soft)
	dd if="$W/plain" of="/dev/mapper/$NAME" bs=64k oflag=direct \
		conv=fsync 2>"$W/err"
	rc=$?
	d=$(ctr_delta "$a" "$(ctr_snap soft)")
	if [ $rc -ne 0 ]; then
		tap_fail "$title: write $MB MiB" "$(cat "$W/err")"
	elif [ "$d" = "$nreq $nreq $nreq 0" ]; then
		tap_ok "$title: wrote $MB MiB through the mapping: soft $(ctr_show "$d") ($nreq sectors)"
	else
		tap_fail "$title: write: one soft request per sector" \
			"expected $nreq each and no errors, got $(ctr_show "$d")"
	fi

	region "$LOOP" $((T_OFF * 512)) "$BYTES" >"$W/cipher"
	if ! cmp -s "$W/cipher" "$W/plain" &&
	   [ "$(sha "$W/cipher")" != "$PLAIN_SHA" ]; then
		tap_ok "$title: the loop device holds ciphertext, not the plaintext"
	else
		tap_fail "$title: the loop device holds the plaintext"
	fi

	last=$((BYTES / T_SECTOR - 1))
	bad=''
	for s in 0 1 $((last / 2 + 3)) "$last"; do
		check_sector "$s" || bad="$bad $s"
	done
	if [ -z "$bad" ]; then
		tap_ok "$title: sectors 0, 1, $((last / 2 + 3)), $last decrypt with $REF to the plaintext"
	else
		tap_fail "$title: sectors decrypt with $REF" \
			"sectors$bad do not (IV offset $T_IVOFF, large IVs $T_LARGE)"
	fi

	check "$title: close" cryptsetup close "$NAME"
	if ! check "$title: reopen" open_mapping; then
		cryptsetup close "$NAME" 2>/dev/null
		return
	fi
	a=$(ctr_snap soft)
	dd if="/dev/mapper/$NAME" of="$W/back" bs=64k \
		count=$((BYTES / 65536)) iflag=direct 2>"$W/err"
	d=$(ctr_delta "$a" "$(ctr_snap soft)")
	got=$(sha "$W/back")
	if [ "$got" != "$PLAIN_SHA" ]; then
		tap_fail "$title: read back after reopening" \
			"sha256 $got, wrote $PLAIN_SHA; $(cat "$W/err")"
	elif [ "$d" != "$nreq $nreq $nreq 0" ]; then
		tap_fail "$title: read back: one soft request per sector" \
			"expected $nreq each and no errors, got $(ctr_show "$d")"
	else
		tap_ok "$title: reopened, read back $MB MiB, sha256 matches: soft $(ctr_show "$d")"
	fi
	check "$title: close" cryptsetup close "$NAME"
	after_ref=$(refcnt "$DRIVER")
	check_eq "$title: /proc/crypto: $DRIVER refcnt back to $before_ref after close" \
		"$before_ref" "$after_ref"
}

mapping() {	# name type cipher keybits driver ref [opts...]
	NAME=$1 TYPE=$2 CIPHER=$3 KEYBITS=$4 DRIVER=$5 REF=$6
	shift 6
	OPTS="$*"
	head -c $((KEYBITS / 8)) /dev/urandom >"$W/key"
	dd if=/dev/zero of="$LOOP" bs=1M count=$((16 + MB)) 2>/dev/null
	run_mapping "$NAME ($TYPE $CIPHER${OPTS:+ $OPTS})"
}

# Authenticated dm-crypt: authenc(hmac(sha256),cbc(aes)) on dm-integrity,
# set up with dmsetup (cryptsetup's LUKS2 insists on checking the data
# cipher in userspace first).  dm-crypt hands the AEAD four-part
# scatterlists: sector number, IV, data, tag.
aead_mapping() {	# ivmode tag_bytes
	iv=$1 tag=$2
	title="authenc $iv (dm-crypt on dm-integrity)"
	drv=acrypto-authenc-hmac-sha256-cbc-aes
	amb=1
	nsec=$((amb * 2048))
	dd if=/dev/zero of="$LOOP" bs=1M count=1 2>/dev/null
	# dm-integrity formats itself; its status tells the usable size.
	# Mode D: no journal (nothing here needs crash consistency).
	if ! dmsetup create acint --table "0 8 integrity $LOOP 0 $tag D 0"; then
		tap_fail "$title: dm-integrity with $tag-byte tags"
		return
	fi
	pds=$(dmsetup status acint | awk '{ print $5 }')
	dmsetup remove acint
	key=$(head -c 64 /dev/urandom | xxd -p | tr -d '\n')
	r0=$(refcnt "$drv")
	if ! check "$title: dm-integrity and dm-crypt with integrity:$tag:aead" \
		sh -c "dmsetup create acint --table '0 $pds integrity $LOOP 0 $tag D 0' &&
		       dmsetup create acaead --table '0 $pds crypt capi:authenc(hmac(sha256),cbc(aes))-$iv $key 0 /dev/mapper/acint 0 1 integrity:$tag:aead'"; then
		dmsetup remove acaead 2>/dev/null
		dmsetup remove acint 2>/dev/null
		return
	fi
	r1=$(refcnt "$drv")
	if [ -n "$r0" ] && [ -n "$r1" ] && [ "$r1" -gt "$r0" ]; then
		tap_ok "$title: /proc/crypto: $drv refcnt $r0 -> $r1 while open"
	else
		tap_fail "$title: /proc/crypto: $drv refcnt rises while open" \
			"refcnt '$r0' -> '$r1'"
	fi

	head -c $((amb * 1048576)) "$W/plain" >"$W/aplain"
	a=$(ctr_snap soft)
	dd if="$W/aplain" of=/dev/mapper/acaead bs=64k oflag=direct \
		2>"$W/err"
	rc=$?
	d=$(ctr_delta "$a" "$(ctr_snap soft)")
	want="$((2 * nsec)) $((2 * nsec)) $nsec 0"
	if [ $rc -eq 0 ] && [ "$d" = "$want" ]; then
		tap_ok "$title: wrote $amb MiB: cipher and MAC step per sector: soft $(ctr_show "$d")"
	else
		tap_fail "$title: write $amb MiB, two steps per sector" \
			"dd: $rc $(cat "$W/err"); expected $want, got $(ctr_show "$d")"
	fi
	a=$(ctr_snap soft)
	got=$(dd if=/dev/mapper/acaead bs=64k count=$((amb * 16)) \
		iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	d=$(ctr_delta "$a" "$(ctr_snap soft)")
	if [ "$got" = "$(sha "$W/aplain")" ] && [ "$d" = "$want" ]; then
		tap_ok "$title: read back, sha256 matches: soft $(ctr_show "$d")"
	else
		tap_fail "$title: read back" \
			"sha256 $got; expected $want, got $(ctr_show "$d")"
	fi

	# The same sectors under another key: every tag fails, dm-crypt
	# returns an I/O error, and no cipher step ever runs (one MAC step
	# per session, each the last).
	dmsetup remove acaead
	key=$(head -c 64 /dev/urandom | xxd -p | tr -d '\n')
	dmsetup create acaead --table "0 $pds crypt capi:authenc(hmac(sha256),cbc(aes))-$iv $key 0 /dev/mapper/acint 0 1 integrity:$tag:aead"
	a=$(ctr_snap soft)
	if dd if=/dev/mapper/acaead of="$W/bad" bs=4k count=1 iflag=direct \
		2>/dev/null; then
		tap_fail "$title: reading with the wrong key fails"
	else
		d=$(ctr_delta "$a" "$(ctr_snap soft)")
		# shellcheck disable=SC2086 # four numbers
		set -- $d
		if [ "$1" -gt 0 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ] &&
		   [ "$4" = 0 ]; then
			tap_ok "$title: the wrong key gives an I/O error, MAC steps only: soft $(ctr_show "$d")"
		else
			tap_fail "$title: wrong key: MAC steps only" \
				"soft $(ctr_show "$d")"
		fi
	fi
	check "$title: remove" sh -c "dmsetup remove acaead && dmsetup remove acint"
	check_eq "$title: /proc/crypto: $drv refcnt back to $r0" "$r0" \
		"$(refcnt "$drv")"
}

# Write fresh random data through mapping $NAME (open), reopen, read back.
# Sets SW_DELTA and SR_DELTA (counters of device $1, or of all devices if
# "all"), XW_DELTA (of device $EXTRA_DEV during the write) and fails
# (reporting it) if the data does not come back.
write_reopen_read() {	# device-for-counters title
	dev=$1 title=$2
	dd if=/dev/urandom of="$W/plain" bs=1M count="$MB" 2>/dev/null
	PLAIN_SHA=$(sha "$W/plain")
	a=$(ctr_snap_dev "$dev")
	x=$(ctr_snap "${EXTRA_DEV:-soft}")
	if ! timeout 120 dd if="$W/plain" of="/dev/mapper/$NAME" bs=64k \
		oflag=direct 2>"$W/err"; then
		tap_fail "$title: write $MB MiB" "$(cat "$W/err")"
		return 1
	fi
	SW_DELTA=$(ctr_delta "$a" "$(ctr_snap_dev "$dev")")
	XW_DELTA=$(ctr_delta "$x" "$(ctr_snap "${EXTRA_DEV:-soft}")")
	if ! cryptsetup close "$NAME" || ! open_mapping; then
		tap_fail "$title: reopen"
		return 1
	fi
	a=$(ctr_snap_dev "$dev")
	got=$(timeout 120 dd if="/dev/mapper/$NAME" bs=64k \
		count=$((BYTES / 65536)) iflag=direct 2>/dev/null | sha256sum |
		cut -d' ' -f1)
	SR_DELTA=$(ctr_delta "$a" "$(ctr_snap_dev "$dev")")
	if [ "$got" != "$PLAIN_SHA" ]; then
		tap_fail "$title: read back $MB MiB" "sha256 $got, wrote $PLAIN_SHA"
		return 1
	fi
}

ctr_snap_dev() {
	if [ "$1" = all ]; then ctr_snap_all; else ctr_snap "$1"; fi
}

basic() {
	ESSIV_REF='essiv(cbc(aes-generic),sha256-generic)'
	XTS_REF='xts(ecb(aes-generic))'

	# With a driver name for the cipher, ESSIV's hash must be a driver
	# name too: the crypto API looks "essiv(acrypto-cbc-aes,sha256-generic)"
	# up as the driver name of the instance it creates.
	mapping capi-essiv plain 'capi:acrypto-cbc-aes-essiv:sha256-generic' \
		256 acrypto-cbc-aes "$ESSIV_REF"
	mapping essiv plain aes-cbc-essiv:sha256 256 acrypto-cbc-aes \
		"$ESSIV_REF"
	mapping xts plain aes-xts-plain64 512 acrypto-xts-aes "$XTS_REF"
	mapping capi-xts-4k plain 'capi:acrypto-xts-aes-plain64' 256 \
		acrypto-xts-aes "$XTS_REF" --sector-size 4096
	mapping capi-xts-nowq plain 'capi:xts(aes)-plain64' 512 \
		acrypto-xts-aes "$XTS_REF" --perf-no_read_workqueue \
		--perf-no_write_workqueue
	mapping luks2 luks2 aes-xts-plain64 512 acrypto-xts-aes "$XTS_REF"

	if kmod_load dm_integrity; then
		aead_mapping random 48
		aead_mapping essiv:sha256 32
	else
		tap_skip "authenticated dm-crypt" "no dm-integrity module"
	fi
}

stress() {
	if ! have_module acrypto_testdev; then
		tap_skip "dm-crypt on the test device" \
			"pending: acrypto_testdev is not in this image"
		return
	fi
	check "load acrypto_testdev: queue of 4, 200 us per request" \
		modprobe acrypto_testdev qlen=4 latency_us=200 || return
	td=''
	for d in /sys/class/acrypto/testdev*; do
		[ -d "$d" ] && td=$(basename "$d") && break
	done
	params=/sys/module/acrypto/parameters
	old_backlog=$(cat $params/max_backlog)
	echo 8 >$params/max_backlog
	echo 1 >/sys/class/acrypto/soft/broken
	NAME=stress TYPE=plain CIPHER=aes-xts-plain64 KEYBITS=512
	head -c 64 /dev/urandom >"$W/key"
	nreq=$((BYTES / 512))

	# Not --perf-no_write_workqueue: with an asynchronous cipher, 6.1's
	# dm-crypt then submits the encrypted clone from the completion
	# callback (kcryptd_crypt_write_io_submit(io, 1)), which runs in
	# softirq, and submit_bio_noacct() may sleep (the debug kernel's
	# DEBUG_ATOMIC_SLEEP reports it).  The basic test covers that flag
	# with the synchronous soft device, which completes in the caller.
	for OPTS in '' '--perf-no_read_workqueue'; do
		t="dm-crypt xts on $td alone (soft broken), max_backlog 8${OPTS:+, no read workqueue}"
		if ! open_mapping; then
			tap_fail "$t: open"
			continue
		fi
		( while :; do cat "/sys/class/acrypto/$td/backlog"; usleep 10000; done ) \
			>"$W/backlog" 2>/dev/null &
		sampler=$!
		if write_reopen_read "$td" "$t"; then
			if [ "$SW_DELTA" = "$nreq $nreq $nreq 0" ] &&
			   [ "$SR_DELTA" = "$nreq $nreq $nreq 0" ]; then
				tap_ok "$t: $MB MiB written and read back; $td did every request (write $(ctr_show "$SW_DELTA"))"
			else
				tap_fail "$t: every request once, on $td" \
					"expected $nreq each; write $(ctr_show "$SW_DELTA"); read $(ctr_show "$SR_DELTA")"
			fi
		fi
		kill $sampler
		wait $sampler 2>/dev/null
		tap_diag "$t: largest backlog seen $(sort -n "$W/backlog" | tail -n 1) (callers get -EBUSY from 8 on)"
		cryptsetup close "$NAME"
	done
	echo 0 >/sys/class/acrypto/soft/broken

	OPTS=''
	t="dm-crypt xts while $td breaks every 100 ms"
	if open_mapping; then
		( while :; do
			usleep 100000; echo 1 >"/sys/class/acrypto/$td/broken"
			usleep 100000; echo 0 >"/sys/class/acrypto/$td/broken"
		  done ) &
		breaker=$!
		ok=1
		EXTRA_DEV=$td write_reopen_read all "$t" || ok=0
		kill $breaker
		wait $breaker 2>/dev/null
		echo 0 >"/sys/class/acrypto/$td/broken"
		d=$XW_DELTA
		# shellcheck disable=SC2086 # four numbers
		set -- $SW_DELTA
		if [ $ok = 1 ] && [ "$2" = "$nreq" ] && [ "$3" = "$nreq" ] &&
		   [ "$4" = 0 ] && [ "$1" -ge "$nreq" ]; then
			tap_ok "$t: data intact, each request completed once: all devices $(ctr_show "$SW_DELTA"), $td's part $(ctr_show "$d")"
		elif [ $ok = 1 ]; then
			tap_fail "$t: each request completed once" \
				"$nreq requests; write $(ctr_show "$SW_DELTA")"
		fi
		cryptsetup close "$NAME"
	else
		tap_fail "$t: open"
	fi
	echo "$old_backlog" >$params/max_backlog

	# The test device goes away in the middle of a write: its queue moves
	# to soft, the write completes, the data is intact.
	t="dm-crypt xts while $td is unloaded"
	if open_mapping; then
		dd if=/dev/urandom of="$W/plain" bs=1M count="$MB" 2>/dev/null
		PLAIN_SHA=$(sha "$W/plain")
		timeout 120 dd if="$W/plain" of="/dev/mapper/$NAME" bs=64k \
			oflag=direct 2>"$W/err" &
		writer=$!
		wait_for "[ \$(cat /sys/class/acrypto/$td/sstarted) -gt 0 ]" 10
		check "$t: rmmod acrypto_testdev during the write" \
			rmmod acrypto_testdev
		if wait $writer; then
			cryptsetup close "$NAME" && open_mapping
			got=$(dd if="/dev/mapper/$NAME" bs=64k \
				count=$((BYTES / 65536)) iflag=direct 2>/dev/null |
				sha256sum | cut -d' ' -f1)
			check_eq "$t: the write completed, data read back intact" \
				"$PLAIN_SHA" "$got"
		else
			tap_fail "$t: the write completed" "$(cat "$W/err")"
		fi
		cryptsetup close "$NAME"
	else
		tap_fail "$t: open"
		rmmod acrypto_testdev
	fi
}

case $MODE in
basic) basic ;;
stress) stress ;;
*) tap_bail "dmcrypt.sh: unknown mode $MODE" ;;
esac

losetup -d "$LOOP"
rm -rf "$W"
tap_done
