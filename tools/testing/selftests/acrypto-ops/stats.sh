#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# stats.sh - /sys/class/acrypto/<dev>/stats/ counts exactly.
#
#  - the files: the totals, reset (write-only), and for each capability
#    <mode>-<alg>_{requests,bytes_in,bytes_out,errors,retries,latency};
#    latency has 22 buckets;
#  - writing 0 to reset zeroes every count of that device only; other
#    values fail with EINVAL and change nothing;
#  - with every step timed (cost_sample_every=1): N cbc(aes) requests of
#    4 KiB: requests N, bytes in and out N * 4096, no error, N latency
#    samples, in the totals and in cbc-aes_*, and requests moved as
#    scompleted did; GCM (64 bytes, 16 of associated data, 16-byte tag):
#    80 bytes in and 96 out each; SHA-256 of 1000 bytes: 1000 in, 32 out
#    each; the totals are the sums of the algorithms';
#  - a test device failing every request (failover_lb's primary): its
#    requests, errors and retries are N each, no bytes; soft's requests N,
#    no error; declines count as requests, not errors nor retries.

OPS=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib-ops.sh source-path=SCRIPTDIR
. "$OPS/lib-ops.sh"

tap_plan 36
N=16

unload_all || tap_bail "cannot unload the acrypto modules"
load_soft || tap_bail "cannot load acrypto_soft"
SAMPLE=$(val "$PARAM/cost_sample_every")
trap 'echo "$SAMPLE" >"$PARAM/cost_sample_every"' EXIT
S=$AC/soft/stats

# cnt DEV NAME: one count, e.g. cnt soft cbc-aes_requests
cnt() { val "$AC/$1/stats/$2"; }
# The sum of a latency histogram.
lat_sum() { cnt "$1" "$2" | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s + 0 }'; }

# --- the files ----------------------------------------------------------------

missing=''
for f in requests bytes_in bytes_out errors retries latency reset; do
	[ -e "$S/$f" ] || missing="$missing $f"
done
check_eq "stats/ has the totals and reset" "" "$missing"
missing=''
# shellcheck disable=SC2013 # one word per capability
for c in $(awk '{ split($1, a, "-"); print a[2] "-" a[1] }' "$AC/soft/capabilities"); do
	for f in requests bytes_in bytes_out errors retries latency; do
		[ -e "$S/${c}_$f" ] || missing="$missing ${c}_$f"
	done
done
check_eq "stats/ has <mode>-<alg>_* for every capability" "" "$missing"
check_eq "reset is write-only" 200 "$(stat -c %a "$S/reset")"
check_eq "latency has 22 buckets" 22 "$(cnt soft latency | wc -w)"

# --- reset --------------------------------------------------------------------

"$OPSREQ" cipher acrypto-cbc-aes 4 64 >/dev/null
check "echo 0 > reset" write "$S/reset" 0
zero=1
for f in requests bytes_in bytes_out errors retries cbc-aes_requests; do
	[ "$(cnt soft $f)" = 0 ] || zero=0
done
check "every count is 0 after the reset" test $zero = 1
check_eq "and the latency histogram" 0 "$(lat_sum soft latency)"
"$OPSREQ" cipher acrypto-cbc-aes 4 64 >/dev/null
for bad in 1 x -1 ''; do
	err=$(write "$S/reset" "$bad")
	check "reset: '$bad' fails with EINVAL, counts kept" \
		sh -c "case '$err' in *'Invalid argument'*) ;; *) exit 1 ;; esac; [ \$(cat $S/requests) = 4 ]"
done

# --- counts of known workloads ------------------------------------------------

echo 1 >"$PARAM/cost_sample_every"
write "$S/reset" 0
before=$(val $AC/soft/scompleted)
check "$N cbc(aes) requests of 4096 bytes" "$OPSREQ" cipher acrypto-cbc-aes $N 4096
check_eq "requests" $N "$(cnt soft requests)"
check_eq "requests moved as scompleted" $(($(val $AC/soft/scompleted) - before)) "$(cnt soft requests)"
check_eq "bytes_in" $((N * 4096)) "$(cnt soft bytes_in)"
check_eq "bytes_out" $((N * 4096)) "$(cnt soft bytes_out)"
check_eq "errors, retries" "0 0" "$(cnt soft errors) $(cnt soft retries)"
check_eq "latency samples" $N "$(lat_sum soft latency)"
check_eq "cbc-aes: requests, bytes in and out, latency samples" \
	"$N $((N * 4096)) $((N * 4096)) $N" \
	"$(cnt soft cbc-aes_requests) $(cnt soft cbc-aes_bytes_in) $(cnt soft cbc-aes_bytes_out) $(lat_sum soft cbc-aes_latency)"
check_eq "ecb-aes untouched" "0 0" "$(cnt soft ecb-aes_requests) $(cnt soft ecb-aes_bytes_in)"

write "$S/reset" 0
check "8 gcm(aes) encryptions: 64 bytes, 16 associated, 16-byte tag" \
	"$OPSREQ" aead acrypto-gcm-aes 8 64 16 16
check_eq "gcm-aes: requests 8, bytes in 8 * 80, out 8 * 96" "8 640 768" \
	"$(cnt soft gcm-aes_requests) $(cnt soft gcm-aes_bytes_in) $(cnt soft gcm-aes_bytes_out)"

write "$S/reset" 0
check "4 SHA-256 digests of 1000 bytes" "$OPSREQ" hash acrypto-sha256 4 1000
check_eq "hash-sha256: bytes in 4 * 1000, out 4 * 32" "4000 128" \
	"$(cnt soft hash-sha256_bytes_in) $(cnt soft hash-sha256_bytes_out)"
"$OPSREQ" cipher acrypto-cbc-aes 3 32 >/dev/null
sums() {
	for f in requests bytes_in bytes_out errors retries; do
		t=0
		for g in "$S"/*_"$f"; do
			t=$((t + $(cat "$g")))
		done
		printf '%s ' "$t"
	done
}
totals() {
	for f in requests bytes_in bytes_out errors retries; do
		printf '%s ' "$(cnt soft $f)"
	done
}
check_eq "the totals are the sums of the algorithms'" "$(sums)" "$(totals)"
echo "$SAMPLE" >"$PARAM/cost_sample_every"

# --- errors and retries -------------------------------------------------------

# shellcheck disable=SC2119 # no parameters beyond the defaults
check "acrypto_testdev loads" load_testdev
check "failover_lb selected (primary: testdev0)" write "$LBS" failover_lb
T0=$AC/testdev0/stats
td_set fail_every 1
write "$S/reset" 0
write "$T0/reset" 0
check "$N requests, every one failed by testdev0 first" "$OPSREQ" cipher acrypto-cbc-aes $N 256
check_eq "testdev0: requests, errors, retries" "$N $N $N" \
	"$(cnt testdev0 requests) $(cnt testdev0 errors) $(cnt testdev0 retries)"
check_eq "testdev0: cbc-aes errors and retries" "$N $N" \
	"$(cnt testdev0 cbc-aes_errors) $(cnt testdev0 cbc-aes_retries)"
check_eq "testdev0: no bytes" "0 0" "$(cnt testdev0 bytes_in) $(cnt testdev0 bytes_out)"
check_eq "soft: requests, errors, bytes in" "$N 0 $((N * 256))" \
	"$(cnt soft requests) $(cnt soft errors) $(cnt soft bytes_in)"
td_set fail_errno 95
write "$T0/reset" 0
dec=$(val $AC/testdev0/declined)
check "$N requests declined by testdev0" "$OPSREQ" cipher acrypto-cbc-aes $N 256
check_eq "declines: requests N, errors and retries 0" "$N 0 0" \
	"$(cnt testdev0 requests) $(cnt testdev0 errors) $(cnt testdev0 retries)"
check_eq "... as the device's declined counter" $((dec + N)) "$(val $AC/testdev0/declined)"
td_set fail_every 0
td_set fail_errno 5
soft_before=$(cnt soft requests)
check "resetting testdev0 leaves soft's counts" \
	sh -c "echo 0 >$T0/reset && [ \$(cat $T0/requests) = 0 ] && [ \$(cat $S/requests) = $soft_before ]"

unload_all
load_soft
tap_done
