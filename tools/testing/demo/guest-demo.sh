#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The acrypto demonstration, run inside the guest by tools/testing/demo.sh:
# a short narrated session.  Each step says what it shows, shows it, and
# ends with a one-line verdict; the script exits non-zero if any verdict
# failed, so CI can run it.

# shellcheck source=/dev/null
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
# shellcheck source=../selftests/acrypto-common/vectors.sh
. "$ACRYPTO_VECTORS"

ACR=/sys/class/acrypto
LBS=/sys/class/crypto_lb/lbs
TDDBG=/sys/kernel/debug/acrypto_testdev
LBLOAD=/acrypto/lbload
IP=/usr/sbin/ip
W=/tmp/demo
mkdir -p "$W"

STEP=0 PASSED=0 FAILED=0

step() {	# title, then what it shows
	STEP=$((STEP + 1))
	printf '\n=== %d. %s\n' "$STEP" "$1"
	shift
	[ $# -gt 0 ] && printf '    %s\n' "$@"
}
say() { printf '    %s\n' "$*"; }
run() { printf '  $ %s\n' "$*"; sh -c "$*" 2>&1 | sed 's/^/    /'; }
verdict() {	# ok|fail text
	if [ "$1" = ok ]; then
		PASSED=$((PASSED + 1))
		printf '  -> ok: %s\n' "$2"
	else
		FAILED=$((FAILED + 1))
		printf '  -> FAILED: %s\n' "$2"
	fi
}
# check_verdict TEXT CMD...: ok if CMD succeeds.
check_verdict() {
	_t=$1
	shift
	if "$@"; then verdict ok "$_t"; else verdict fail "$_t"; fi
}

devices() { grep -vx crypto_sessions "$ACR/crypto_sessions/devices"; }
sum_started() {
	_n=0
	for _d in $(devices); do _n=$((_n + $(cnt "$_d" sstarted))); done
	echo "$_n"
}
# MB/s a device does at a size class, from the engine's cost model.
rate() {	# dev file bytes
	_ns=$(cnt "$1" "cost/$2")
	[ "$_ns" -gt 0 ] 2>/dev/null && echo $(($3 * 1000 / _ns)) || echo -
}
snap() { for _d in $(devices); do eval "S_$_d=$(cnt "$_d" sstarted)"; done; }
delta() { eval "echo \$(( \$(cnt $1 sstarted) - \${S_$1:-0} ))"; }
hex2bin() { printf '%s' "$1" | sed 's/../\\x&/g' | xargs -0 printf; }
# Wait up to $2 seconds for command $1 to succeed.
wait_for() {
	_t=$(($2 * 10))
	while [ $_t -gt 0 ]; do
		sh -c "$1" >/dev/null 2>&1 && return 0
		usleep 100000
		_t=$((_t - 1))
	done
	return 1
}

# ---------------------------------------------------------------------------
step "The engine and its devices" \
	"acrypto.ko, the CPU as a synchronous device (acrypto_soft) and the" \
	"virtio-crypto device through our driver (virtio_acrypto).  Each device" \
	"passed a known-answer test of every capability before it was given work."
run "modprobe aesni_intel; modprobe sha256_ssse3; modprobe acrypto_soft; modprobe virtio_acrypto"
wait_for "[ -d $ACR/virtio_crypto0 ]" 10 >/dev/null 2>&1
for d in $(devices); do
	printf '    %-16s class %-11s state %-8s capabilities: %s\n' "$d" \
		"$(cnt "$d" class)" "$(cnt "$d" state)" \
		"$(cut -d' ' -f1 "$ACR/$d/capabilities" | tr '\n' ' ')"
done
say "algorithms registered with the crypto API:"
awk '/^name/ {n=$3} /^driver/ {d=$3} /^priority/ {p=$3}
     /^selftest/ {if (d ~ /^acrypto-/) printf "      %-32s %-36s prio %-5s selftest %s\n", n, d, p, $3}' /proc/crypto
online=0
for d in $(devices); do [ "$(cnt "$d" state)" = online ] && online=$((online + 1)); done
algs=$(awk '/^driver/ {d=$3} /^selftest/ {if (d ~ /^acrypto-/) print $3}' /proc/crypto)
check_verdict "$online devices online, $(echo "$algs" | grep -c passed) algorithms, every self-test passed" \
	sh -c "[ $online -ge 2 ] && [ -n '$algs' ] && ! echo '$algs' | grep -qv passed"

# ---------------------------------------------------------------------------
step "AF_ALG from user space (libkcapi): known answers and a round trip" \
	"cbc(aes) by name picks the engine (priority 500 > AES-NI's 400)."
# F.2.1's first block (16 bytes)
f21_pt=$(printf %.32s "$SP800_38A_PTEXT")
f21_ct=$(printf %.32s "$SP800_38A_CBC_AES128")
hex2bin "$SP800_38A_KEY128" >"$W/k128"
hex2bin "$f21_pt" >"$W/pt"
kcapi-enc -e -c 'cbc(aes)' --iv "$SP800_38A_CBC_IV" --keyfd 3 3<"$W/k128" \
	-i "$W/pt" -o "$W/ct" 2>/dev/null
ct=$(od -An -tx1 "$W/ct" | tr -d ' \n')
say "SP 800-38A F.2.1 CBC-AES128: $ct"
dg=$(printf abc | kcapi-dgst -c sha256 --hex 2>/dev/null)
say "SHA-256(\"abc\"):              $dg"
dd if=/dev/urandom of="$W/plain" bs=1024 count=1024 2>/dev/null
hex2bin 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >"$W/key"
kcapi-enc -e -c 'cbc(aes)' --iv 00112233445566778899aabbccddeeff --keyfd 3 3<"$W/key" \
	-i "$W/plain" -o "$W/cipher" 2>/dev/null
kcapi-enc -d -c 'cbc(aes)' --iv 00112233445566778899aabbccddeeff --nounpad \
	--keyfd 3 3<"$W/key" -i "$W/cipher" -o "$W/back" 2>/dev/null
check_verdict "known answers right, 1 MiB round trip identical" sh -c \
	"[ $ct = $f21_ct ] &&
	 [ $dg = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ] &&
	 cmp -s $W/plain $W/back"

# ---------------------------------------------------------------------------
step "Load balancers: the default against round robin" \
	"The same workload twice, 4 threads of 64 B and 64 KiB requests, every" \
	"output checked.  simple_lb sends each request where the engine's cost" \
	"model expects it to finish first; rr_lb takes the devices in turn."
run "cat $LBS"
workload() {	# name
	snap
	"$LBLOAD" -n 600 -j 4 -z 64,65536 >"$W/$1.out" 2>&1
	_rc=$?
	for _d in soft virtio_crypto0; do eval "D_$1_$_d=$(delta $_d)"; done
	return $_rc
}
workload simple
ok_simple=$?
run "modprobe rr_lb && echo -n rr_lb > $LBS && cat $LBS"
workload rr
ok_rr=$?
printf '    %-16s %10s %10s %14s %14s\n' device simple_lb rr_lb "64 B (MB/s)" "64 KiB (MB/s)"
a='' b='' rr_soft=0 rr_v=0
for d in soft virtio_crypto0; do
	eval "a=\$D_simple_$d b=\$D_rr_$d"
	printf '    %-16s %10s %10s %14s %14s\n' "$d" "$a" "$b" \
		"$(rate "$d" cbc-aes_64 64)" "$(rate "$d" cbc-aes_large 65536)"
done
say "(requests per device; MB/s as the engine measured each device)"
say "an unknown name is refused:"
printf '  $ echo -n no_such_lb > %s\n' "$LBS"
if (echo -n no_such_lb >"$LBS") 2>"$W/err"; then refused=0; else refused=1; fi
sed 's/^/    /' "$W/err"
dmesg | grep "no balancer named" | tail -n 1 | sed 's/^/    /'
run "rmmod rr_lb; cat $LBS"
current=$(sed -n 's/^\([^ ]*\) .*\[current\].*/\1/p' "$LBS")
eval "rr_soft=\$D_rr_soft rr_v=\$D_rr_virtio_crypto0"
check_verdict "both runs right; rr_lb split evenly ($rr_soft/$rr_v); EINVAL for a bad name; simple_lb current after rmmod" \
	sh -c "[ $ok_simple = 0 ] && [ $ok_rr = 0 ] && [ $refused = 1 ] &&
	       grep -q 'Invalid argument' $W/err && [ $current = simple_lb ] &&
	       [ $rr_soft -gt 250 ] && [ $rr_v -gt 250 ]"

# ---------------------------------------------------------------------------
step "dm-crypt: a volume over a loop device, read back after it is reopened" \
	"dm-crypt uses the engine's xts(aes) unchanged (it needs algorithms that" \
	"do not allocate per request)."
kmod_load loop dm-crypt >/dev/null 2>&1
dd if=/dev/zero of="$W/disk" bs=1M count=16 2>/dev/null
head -c 64 /dev/urandom >"$W/dmkey"
dd if=/dev/urandom of="$W/data" bs=1M count=4 2>/dev/null
s0=$(sum_started)
(
	set -e
	LOOP=$(/usr/sbin/losetup -f --show "$W/disk")
	echo "$LOOP" >"$W/loop"
	cryptsetup open --type plain --cipher aes-xts-plain64 --key-size 512 \
		--key-file "$W/dmkey" "$LOOP" demo
	dd if="$W/data" of=/dev/mapper/demo bs=1M oflag=direct 2>/dev/null
	cryptsetup close demo
	cryptsetup open --type plain --cipher aes-xts-plain64 --key-size 512 \
		--key-file "$W/dmkey" "$LOOP" demo
	dd if=/dev/mapper/demo of="$W/readback" bs=1M count=4 iflag=direct 2>/dev/null
	dmsetup table demo | sed 's/ [0-9a-f]\{64,\} / <key> /'
	cryptsetup close demo
	/usr/sbin/losetup -d "$LOOP"
) >"$W/dm.out" 2>&1
dm_rc=$?
sed 's/^/    /' "$W/dm.out"
dm_steps=$(($(sum_started) - s0))
say "the engine's devices did $dm_steps steps for it"
check_verdict "4 MiB written, the volume closed and reopened, read back identical" \
	sh -c "[ $dm_rc = 0 ] && cmp -s $W/data $W/readback && [ $dm_steps -ge 1024 ]"

# ---------------------------------------------------------------------------
step "IPsec: ESP with rfc4106(gcm(aes)) between two network namespaces" \
	"The kernel's xfrm uses the engine's AEAD unchanged."
kmod_load veth esp4 xfrm_user >/dev/null 2>&1
key() { head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
K1=$(key) K2=$(key)
(
	set -e
	$IP netns add ipa
	$IP netns add ipb
	$IP link add va netns ipa type veth peer name vb netns ipb
	$IP -n ipa addr add 10.99.0.1/24 dev va
	$IP -n ipb addr add 10.99.0.2/24 dev vb
	$IP -n ipa link set va up
	$IP -n ipb link set vb up
	for ns in ipa ipb; do
		$IP -n $ns xfrm state add src 10.99.0.1 dst 10.99.0.2 proto esp \
			spi 0x1000 reqid 1 mode transport \
			aead 'rfc4106(gcm(aes))' "0x$K1" 128
		$IP -n $ns xfrm state add src 10.99.0.2 dst 10.99.0.1 proto esp \
			spi 0x2000 reqid 2 mode transport \
			aead 'rfc4106(gcm(aes))' "0x$K2" 128
	done
	$IP -n ipa xfrm policy add src 10.99.0.1/32 dst 10.99.0.2/32 dir out \
		tmpl src 10.99.0.1 dst 10.99.0.2 proto esp reqid 1 mode transport
	$IP -n ipb xfrm policy add src 10.99.0.1/32 dst 10.99.0.2/32 dir in \
		tmpl src 10.99.0.1 dst 10.99.0.2 proto esp reqid 1 mode transport
	$IP -n ipb xfrm policy add src 10.99.0.2/32 dst 10.99.0.1/32 dir out \
		tmpl src 10.99.0.2 dst 10.99.0.1 proto esp reqid 2 mode transport
	$IP -n ipa xfrm policy add src 10.99.0.2/32 dst 10.99.0.1/32 dir in \
		tmpl src 10.99.0.2 dst 10.99.0.1 proto esp reqid 2 mode transport
) >"$W/ipsec.out" 2>&1
setup_rc=$?
s0=$(sum_started)
run "$IP netns exec ipa ping -c 5 -i 0.2 -W 2 10.99.0.2 | tail -2"
pkts=$($IP -n ipb -s xfrm state 2>/dev/null |
	awk '/\(packets\)/ { n = $2; sub(/\(packets\)/, "", n); t += n } END { print t + 0 }')
esp_steps=$(($(sum_started) - s0))
say "ESP packets on ipb's SAs: $pkts; engine steps: $esp_steps"
check_verdict "5 pings answered through ESP, every packet through the engine" \
	sh -c "[ $setup_rc = 0 ] && $IP netns exec ipa ping -c 1 -W 2 10.99.0.2 >/dev/null &&
	       [ $pkts -ge 10 ] && [ $esp_steps -ge 20 ]"
$IP netns del ipa 2>/dev/null
$IP netns del ipb 2>/dev/null

# ---------------------------------------------------------------------------
step "A device that stops working under load, and comes back by itself" \
	"A test device takes its turn of a load (rr_lb, so that it surely gets" \
	"work); then it stalls.  The engine's watchdog takes it out of service" \
	"and takes back what it held; when it works again, a known-answer test" \
	"returns it to service by itself.  The load checks every output and" \
	"counts every request."
echo 1000 >/sys/module/acrypto/parameters/stall_timeout_ms
echo 500 >/sys/module/acrypto/parameters/probe_interval_ms
run "modprobe acrypto_testdev modes=cbc latency_us=300 && modprobe rr_lb && echo -n rr_lb > $LBS"
"$LBLOAD" -n 4000 -j 8 -z 4096 >"$W/fail.out" 2>&1 &
LOAD=$!
usleep 500000
states=''
note() { states="$states $(cnt testdev0 state)"; }
note
run "echo 1 > $TDDBG/testdev0/stall"
wait_for "[ \$(cat $ACR/testdev0/state) != online ]" 10 >/dev/null 2>&1
note
say "testdev0 is $(cnt testdev0 state); the others carry the load"
usleep 500000
run "echo 0 > $TDDBG/testdev0/stall"
wait_for "[ \$(cat $ACR/testdev0/state) = online ]" 15 >/dev/null 2>&1
note
wait "$LOAD"
load_rc=$?
sed 's/^/    /' "$W/fail.out"
# Back in service, it takes its turn again.
t0=$(cnt testdev0 sstarted)
"$LBLOAD" -n 400 -j 4 -z 4096 >"$W/back.out" 2>&1
back_rc=$?
took=$(($(cnt testdev0 sstarted) - t0))
say "testdev0 states seen:$states; of 400 more requests it took $took"
dmesg | grep -E 'testdev0: (stalled|out of service|in service|took back)' |
	tail -5 | sed 's/^/    /'
case $states in
" online "*" online") back=1 ;;
*) back=0 ;;
esac
check_verdict "all 4000 requests right and none lost; testdev0 out of service, then online again by itself" \
	sh -c "[ $load_rc = 0 ] && [ $back_rc = 0 ] && [ $back = 1 ] && [ $took -gt 0 ]"
printf simple_lb >"$LBS"
rmmod rr_lb
echo 5000 >/sys/module/acrypto/parameters/stall_timeout_ms
echo 1000 >/sys/module/acrypto/parameters/probe_interval_ms

# ---------------------------------------------------------------------------
step "A partition, a trace and acryptostat" \
	"A partition reserves devices for one consumer: the engine registers its" \
	"algorithms under their own driver names (acrypto-<partition>-...), at a" \
	"priority nothing takes by accident, and only its devices run them.  The" \
	"trace events show a request's path; acryptostat reads the statistics."
run "echo demo > $ACR/partitions/create && echo testdev0 > $ACR/partitions/demo/assign_device"
wait_for "[ \$(cat $ACR/testdev0/state) = online ]" 15 >/dev/null 2>&1
run "cat $ACR/partitions/demo/algorithms $ACR/testdev0/partition"
snap
# The same key, IV and plaintext as step 2's round trip: the same
# ciphertext, through the partition's own instance.
kcapi-enc -e -c acrypto-demo-cbc-aes --iv 00112233445566778899aabbccddeeff \
	--keyfd 3 3<"$W/key" -i "$W/plain" -o "$W/pcipher" 2>/dev/null
p_td=$(delta testdev0) p_other=0
for d in $(devices); do
	[ "$d" = testdev0 ] || p_other=$((p_other + $(delta "$d")))
done
say "1 MiB through acrypto-demo-cbc-aes: testdev0 $p_td steps, every other device $p_other"
TR=/sys/kernel/tracing
[ -e $TR/trace ] || mount -t tracefs nodev $TR 2>/dev/null
echo >$TR/trace
echo 1 >$TR/events/acrypto/enable
printf '0123456789abcdef' >"$W/p16"
kcapi-enc -e -c acrypto-demo-cbc-aes --nounpad \
	--iv 00112233445566778899aabbccddeeff --keyfd 3 3<"$W/key" \
	-i "$W/p16" -o "$W/c16" >/dev/null 2>&1
echo 0 >$TR/events/acrypto/enable
grep acrypto_ $TR/trace |
	sed -E 's/^.* ([0-9]+\.[0-9]+): (acrypto_[a-z_]+): session=[0-9a-f]+ /\1 \2: /' |
	cut -c1-96 >"$W/trace"
say "trace of one 16-byte request:"
sed 's/^/      /' "$W/trace"
run "acryptostat -d testdev0 -d soft"
run "echo testdev0 > $ACR/partitions/demo/unassign_device && echo demo > $ACR/partitions/remove"
check_verdict "the partition's instance: same ciphertext, on testdev0 only; the trace shows submit to done" \
	sh -c "cmp -s $W/cipher $W/pcipher && [ $p_td -gt 0 ] && [ $p_other = 0 ] &&
	       grep -q acrypto_submit $W/trace && grep -q acrypto_done $W/trace &&
	       [ \$(cat $ACR/testdev0/partition) = shared ]"

# ---------------------------------------------------------------------------
step "Which device did the work"
printf '    %-16s %10s %10s %10s %8s %8s %8s %8s\n' device sstarted scompleted \
	sfinished errors migrated sole state
for d in $(devices); do
	printf '    %-16s %10s %10s %10s %8s %8s %8s %8s\n' "$d" "$(cnt "$d" sstarted)" \
		"$(cnt "$d" scompleted)" "$(cnt "$d" sfinished)" "$(cnt "$d" errors)" \
		"$(cnt "$d" migrated)" "$(cnt "$d" sole)" "$(cnt "$d" state)"
done
say "main queue: $(cnt crypto_sessions queue_len) sessions waiting," \
	"$(cnt crypto_sessions fallback) steps done by the kernel's fallback"
check_verdict "nothing left waiting on the main queue" \
	test "$(cnt crypto_sessions queue_len)" = 0

printf '\n=== %d of %d steps passed\n' "$PASSED" "$STEP"
# The summary line CI adds up (.ci/run).
printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
[ "$FAILED" = 0 ]
