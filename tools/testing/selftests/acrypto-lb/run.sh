#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - acrypto balancers and failover, guest side (busybox ash).
#
# Loads acrypto, the four balancers (crypto/lb/) and acrypto_testdev in
# various shapes, and drives AF_ALG load through lbload, which checks every
# output against cbc(aes-generic).  Asserts on the engine's per-device
# counters and on lbload's counts:
#
#  lb_abi        balancers listed and selectable; their parameters read
#                back, refuse garbage with EINVAL
#  testdev       the test device: parameters and knobs refuse garbage, modes
#                and classes as asked, self-tests and every mode through it,
#                its rates bound its speed
#  rr            rr_lb spreads evenly over four equal devices
#  size          size_lb: every request >= threshold on the hardware device,
#                every smaller one on the CPU-class device; threshold moves;
#                without a hardware device everything still completes
#  failover      failover_lb: only the primary until it breaks, the first
#                backup then, the primary again once it recovers; spill over
#                when the primary is full; early move when it stalls
#  adaptive      adaptive_lb: >= 75% of the work on a device 8x faster, some
#                on the slow one; follows a change of speed
#  sched         the default balancer by the engine's cost model: a stream
#                of one request at a time goes to the faster device (the CPU
#                against a slow device, and a fast against a slow device),
#                a deep stream splits in proportion to measured speed, a
#                device registered under load takes over waiting sessions
#                (its migrated counter), the sole-device path is taken and
#                left as devices come and go, the cost model in sysfs
#  faults        under AIO load, every output checked, completed ==
#                submitted: fail every Nth request (retried elsewhere; exact
#                error count with one device), stall (watchdog, ->cancel),
#                stall of a device that cannot cancel (late completions),
#                a device that reports itself broken and recovers, the
#                administrator's broken=1/0, rmmod of the test device
#  race          a device broken while ->process() hands it a session:
#                the watchdog takes it back from the broken, stalled device
#  switch        100 balancer switches and rmmod of the current balancer
#                under load
#  nodevice      no capable device: requests fail with ENODEV; the
#                algorithms leave /proc/crypto once the last transform goes
#
# Usage: run.sh [GROUP...]   (default: all, in the order above)

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "${ACRYPTO_LIB:-/usr/share/acrypto/lib.sh}"
# shellcheck source=helpers.sh
. "$HERE/helpers.sh"

LBMODS="rr_lb size_lb failover_lb adaptive_lb"

# ---------------------------------------------------------------------------
lb_abi() {
	for lb in simple_lb $LBMODS; do
		if grep -q "^$lb\\b" "$LBS" && [ -d "$LBDIR/$lb" ]; then
			tap_ok "$lb listed in lbs, with /sys/class/crypto_lb/$lb/"
		else
			tap_fail "$lb listed in lbs, with /sys/class/crypto_lb/$lb/" \
				"$(cat "$LBS")"
		fi
	done

	# name default good bad...
	while read -r lb param def good bads; do
		f=$LBDIR/$lb/$param
		check_eq "$lb/$param defaults to $def" "$def" "$(cat "$f")"
		echo "$good" >"$f" 2>/dev/null
		check_eq "$lb/$param takes $good" "$good" "$(cat "$f")"
		for bad in $bads; do
			check_fail "$lb/$param refuses '$bad'" \
				sh -c "echo '$bad' > $f"
		done
		check_eq "$lb/$param unchanged by refused writes" "$good" \
			"$(cat "$f")"
		echo "$def" >"$f"
	done <<-EOF
		rr_lb skip_full 0 1 maybe 2x
		size_lb threshold 0 4096 abc -1 12x 99999999999
		failover_lb stall_ms 1000 250 x -5
		failover_lb max_backlog 0 8 eight -1
		adaptive_lb sync_margin_pct 10 25 0 100001 y
		adaptive_lb tune_ms 100 0 -1 60001 x
	EOF
	check_fail "failover_lb/failovers is read-only" \
		sh -c "echo 1 > $LBDIR/failover_lb/failovers"

	for lb in $LBMODS simple_lb; do
		lb_select "$lb"
		check_eq "select $lb" "$lb" "$(lb_current)"
	done
	check_fail "lbs refuses an unknown balancer" \
		sh -c "echo no_such_lb > $LBS"
}

# ---------------------------------------------------------------------------
testdev() {
	for bad in instances=0 instances=17 class=quantum modes=cbc+foo \
		modes=rfc4106 qlen=0 qlen=65537 latency_us=10000001; do
		check_fail "acrypto_testdev refuses $bad" \
			modprobe acrypto_testdev "$bad"
	done

	check "two devices: cbc software, ctr+xts hardware" \
		td_load instances=2 modes=cbc,ctr+xts class=software,hardware
	check_eq "testdev0 offers aes-cbc only" "aes-cbc" \
		"$(cut -d' ' -f1 "$ACR/testdev0/capabilities" | tr '\n' ' ' | sed 's/ $//')"
	check_eq "testdev1 offers aes-ctr and aes-xts" "aes-ctr aes-xts" \
		"$(cut -d' ' -f1 "$ACR/testdev1/capabilities" | tr '\n' ' ' | sed 's/ $//')"
	check_eq "classes software, hardware" "software hardware" \
		"$(cat "$ACR/testdev0/class") $(cat "$ACR/testdev1/class")"
	check_fail "no acrypto-ecb-aes without a device for it" \
		grep -q 'acrypto-ecb-aes' /proc/crypto

	# The crypto API self-tests (IV output included) ran through the test
	# device: it is the only one.
	check "one device, all modes" td_load instances=1 latency_us=200
	for m in ecb cbc ctr xts; do
		check_eq "acrypto-$m-aes self-test through testdev0" passed \
			"$(grep -A 8 "driver *: acrypto-$m-aes" /proc/crypto |
				sed -n 's/^selftest *: //p')"
	done
	run_load td_ecb "ecb through testdev0" -m ecb -n 300 -z 16,1024,4096
	run_load td_ctr "ctr through testdev0" -m ctr -n 300 -z 16,1024,4096
	run_load td_ctr_odd "ctr, odd sizes, one request per call" -m ctr \
		-n 300 -b 0 -z 1,17,1000,4095
	run_load td_xts "xts through testdev0" -m xts -n 300 -z 16,17,1000,4096
	run_load td_cbc_sync "cbc, one request per call" -n 300 -b 0 -z 16,4096

	check_knob testdev0 latency_us 250 x -1 10000001
	check_knob testdev0 bytes_per_sec 1048576 1M -1
	check_knob testdev0 ops_per_sec 1000 1k 4294967296
	check_knob testdev0 qlen 16 0 65537 q
	check_knob testdev0 fail_every 0 never -1
	check_knob testdev0 fail_errno 5 0 4096 EIO
	check_knob testdev0 cancel 1 2 yes
	check_knob testdev0 stall 0 2 on
	check_knob testdev0 break_after 0 -1 soon
	check_knob testdev0 break_ms 0 3600001 x
	check_knob testdev0 process_delay_us 0 1000001 x
	check_fail "stats is read-only" sh -c "echo 0 > $TDDBG/testdev0/stats"

	# Rates bound the speed from above: slowness only adds time, so these
	# lower bounds hold however slow the guest is.
	knob testdev0 latency_us 0
	knob testdev0 ops_per_sec 1000
	run_load td_ops "ops_per_sec 1000: 200 requests" -n 200 -j 8 -z 64
	check_cmp "ops_per_sec 1000: 200 requests take >= 199 ms" \
		"$(load_field td_ops ms)" -ge 199
	knob testdev0 ops_per_sec 0
	knob testdev0 bytes_per_sec 1048576
	run_load td_bps "bytes_per_sec 1 MiB/s: 64 x 4 KiB" -n 64 -j 8 -z 4096
	check_cmp "bytes_per_sec 1 MiB/s: 256 KiB take >= 249 ms" \
		"$(load_field td_bps ms)" -ge 249
	knob testdev0 bytes_per_sec 0
}

# ---------------------------------------------------------------------------
rr() {
	check "4 equal test devices" td_load instances=4 latency_us=300 qlen=256
	lb_select rr_lb
	snap testdev0 testdev1 testdev2 testdev3
	run_load rr "rr_lb: 2000 requests" -n 2000 -j 8 -z 1024
	for d in testdev0 testdev1 testdev2 testdev3; do
		n=$(delta $d)
		if within "$n" 500 3; then
			tap_ok "rr_lb: $d got $n of 2000 (500 +- 3%)"
		else
			tap_fail "rr_lb: $d got $n of 2000 (500 +- 3%)"
			devdiag testdev0 testdev1 testdev2 testdev3
		fi
	done

	# A full device keeps its turn by default; with skip_full it is passed
	# over while the others have room.  testdev0 then takes about one
	# request per service time (latency plus the CPU's cost per request),
	# the others the rest: in a debug kernel (lockdep, KASAN) the CPU's
	# cost is several milliseconds, so there its latency is 10 times
	# longer, or its share would grow towards the others'.
	f=$(debug_scale 10)
	knob testdev0 qlen 1
	knob testdev0 latency_us $((5000 * f))
	echo 1 >"$LBDIR/rr_lb/skip_full"
	snap testdev0 testdev1 testdev2 testdev3
	run_load rr_skip "rr_lb skip_full, testdev0 qlen 1" -n 1000 -j 8 -z 1024
	check_cmp "rr_lb skip_full: full testdev0 gets less than its share" \
		"$(delta testdev0)" -lt 250
	echo 0 >"$LBDIR/rr_lb/skip_full"
	knob testdev0 qlen 256
	knob testdev0 latency_us 300
}

# ---------------------------------------------------------------------------
size() {
	check "hardware and accelerated test devices" \
		td_load instances=2 class=hardware,accelerated latency_us=300 qlen=256
	lb_select size_lb
	echo 512 >"$LBDIR/size_lb/threshold"

	# 16 64 496 are below 512; 512 1024 4096 at or above it.
	snap testdev0 testdev1
	run_load size "size_lb threshold 512" -n 1200 -j 8 \
		-z 16,64,496,512,1024,4096 -t 512
	check_eq "size_lb: every request >= 512 on hardware testdev0" \
		"$(load_field size large)" "$(delta testdev0)"
	check_eq "size_lb: every request < 512 on accelerated testdev1" \
		"$(load_field size small)" "$(delta testdev1)"

	echo 1024 >"$LBDIR/size_lb/threshold"
	snap testdev0 testdev1
	run_load size1k "size_lb threshold 1024" -n 1200 -j 8 \
		-z 16,64,496,512,1024,4096 -t 1024
	check_eq "size_lb threshold 1024: large ones on hardware" \
		"$(load_field size1k large)" "$(delta testdev0)"
	check_eq "size_lb threshold 1024: small ones on accelerated" \
		"$(load_field size1k small)" "$(delta testdev1)"
	echo 512 >"$LBDIR/size_lb/threshold"

	# No hardware device in service: the large ones fall back.
	echo 1 >"$ACR/testdev0/broken"
	snap testdev0 testdev1
	run_load size_fb "size_lb, hardware device broken" -n 600 -j 8 \
		-z 16,4096
	check_eq "size_lb: everything on testdev1 while testdev0 is broken" \
		600 "$(delta testdev1)"
	echo 0 >"$ACR/testdev0/broken"
}

# ---------------------------------------------------------------------------
failover() {
	# Primary: testdev1, the first of the highest class; then testdev2.
	check "accelerated, hardware, hardware test devices" \
		td_load instances=3 class=accelerated,hardware,hardware \
		latency_us=300 qlen=128
	lb_select failover_lb

	snap_td
	run_load fo "failover_lb: 1000 requests" -n 1000 -j 8 -z 1024
	check_eq "failover_lb: all on primary testdev1" 1000 "$(delta testdev1)"
	check_eq "failover_lb: none on testdev0 and testdev2" 0 \
		$(($(delta testdev0) + $(delta testdev2)))

	# The primary breaks under load, then recovers.
	snap_td
	load_start fo_break -n 5000 -j 8 -z 1024
	wait_until 120 at_least testdev1 300
	echo 1 >"$ACR/testdev1/broken"
	s1=$(cnt testdev1 sstarted)
	wait_until 120 at_least testdev2 300
	# A selection made just before the write may still reach it: at most
	# one per thread.
	check_cmp "failover_lb: nothing new to testdev1 while broken" \
		"$(cnt testdev1 sstarted)" -le $((s1 + 8))
	echo 0 >"$ACR/testdev1/broken"
	snap testdev1
	check "failover_lb: back on testdev1 once it recovers" \
		wait_until 120 at_least testdev1 300
	check_load fo_break "failover_lb: primary broken under load"
	check_eq "failover_lb: first backup testdev2 took over, not testdev0" \
		0 "$(delta testdev0)"

	# The primary fills up: the overflow goes to the backup.
	knob testdev1 qlen 2
	knob testdev1 latency_us 5000
	snap_td
	run_load fo_full "failover_lb: primary qlen 2" -n 1000 -j 8 -z 1024
	check_cmp "failover_lb: primary full, backup used" "$(delta testdev2)" -gt 0
	check_cmp "failover_lb: primary still used" "$(delta testdev1)" -gt 0
	knob testdev1 qlen 128
	knob testdev1 latency_us 300

	# The primary stalls holding a request: failover_lb passes it over
	# once it has completed nothing for stall_ms, long before the
	# engine's watchdog (disabled here), and the held request completes,
	# late and right, when the device resumes.
	echo 0 >"$ACRPARAM/stall_timeout_ms"
	echo 200 >"$LBDIR/failover_lb/stall_ms"
	knob testdev1 stall 1
	snap_td
	load_start fo_held -n 1 -j 1 -b 0 -z 1024
	check "failover_lb: stalled primary holds a request" \
		wait_until 60 grep -qx 1 "$ACR/testdev1/sessions"
	sleep 1
	run_load fo_stall "failover_lb: primary stalled" -n 500 -j 4 -z 1024
	check_eq "failover_lb: all 500 on testdev2 while testdev1 stalls" 500 \
		"$(delta testdev2)"
	knob testdev1 stall 0
	check_load fo_held "failover_lb: the held request completes late"
	echo 1000 >"$LBDIR/failover_lb/stall_ms"
	echo 5000 >"$ACRPARAM/stall_timeout_ms"

	snap_td
	run_load fo_after "failover_lb: after the faults" -n 500 -j 8 -z 1024
	check_eq "failover_lb: all on testdev1 again" 500 "$(delta testdev1)"
}

# ---------------------------------------------------------------------------
adaptive() {
	# The devices' latencies must dominate the CPU's cost per request:
	# a lockdep/KASAN kernel (make check-debug) costs several times more
	# per request under TCG, so its devices are 4 times slower (still
	# one 8 times faster than the other).
	f=$(debug_scale 4)
	check "test devices $f ms and $((8 * f)) ms" \
		td_load instances=2 latency_us=$((1000 * f)),$((8000 * f)) qlen=256
	lb_select adaptive_lb
	snap testdev0 testdev1
	run_load ad "adaptive_lb: 2000 requests" -n 2000 -j 16 -z 512
	fast=$(delta testdev0) slow=$(delta testdev1)
	check_cmp "adaptive_lb: 8x faster testdev0 gets >= 75%" \
		$((fast * 100)) -ge $(((fast + slow) * 75))
	check_cmp "adaptive_lb: slow testdev1 still gets some" "$slow" -gt 0

	# The speeds swap: the balancer follows.
	knob testdev0 latency_us $((8000 * f))
	knob testdev1 latency_us $((1000 * f))
	run_load ad_warm "adaptive_lb: speeds swapped, warm-up" -n 500 -j 16 -z 512
	snap testdev0 testdev1
	run_load ad_swap "adaptive_lb: speeds swapped" -n 2000 -j 16 -z 512
	fast=$(delta testdev1) slow=$(delta testdev0)
	check_cmp "adaptive_lb: now testdev1 gets >= 75%" \
		$((fast * 100)) -ge $(((fast + slow) * 75))
	check_cmp "adaptive_lb: and testdev0 still some" "$slow" -gt 0
}

# ---------------------------------------------------------------------------
sched() {
	lb_select simple_lb
	# The devices must be the bottleneck: a debug kernel (lockdep, KASAN)
	# spends milliseconds per request of its own, so there the test
	# devices are made slower by the same factor.
	sf=$(debug_scale 10)

	# The CPU is the faster device: soft against a test device that takes
	# 3 ms a request.  One request at a time, 64 B and 4 KiB: each goes
	# where it finishes first.  The balancer measures the other device now
	# and then, one request per size class every cost_stale_ms: the slower
	# device gets no more than those (check_explored), which is a few
	# percent of the stream, more in a debug kernel, whose requests take
	# longer for the same measurements.
	check "soft and a test device slower than the CPU" \
		sh -c 'modprobe acrypto_soft && rmmod acrypto_testdev 2>/dev/null; modprobe acrypto_testdev latency_us=3000'
	snap soft testdev0
	run_load s_cpu "one at a time, 64 B and 4 KiB, soft + slow testdev0" \
		-n 400 -j 1 -b 0 -z 64,4096
	soft=$(delta soft) td=$(delta testdev0)
	check_cmp "the stream went to soft: $soft of 400 (testdev0 $td, >= 80%)" \
		$((soft * 100)) -ge $(((soft + td) * 80))
	check_explored "testdev0" "$td" 2 "$(load_field s_cpu ms)"
	check_cmp "soft's cost model measured cbc at 4 KiB" \
		"$(cnt soft/cost cbc-aes_4096)" -gt 0
	check_cmp "testdev0's too, slower than soft's" \
		"$(cnt testdev0/cost cbc-aes_4096)" -gt "$(cnt soft/cost cbc-aes_4096)"
	check_cmp "soft: service time per KiB fitted" \
		"$(cnt soft/cost cbc-aes_ns_per_kib)" -gt 0

	# A device faster than another: 300 us against 3 ms, no CPU device.
	check "rmmod acrypto_soft" rmmod acrypto_soft
	check "two test devices, $((300 * sf)) us and $((3 * sf)) ms" \
		td_load instances=2 latency_us=$((300 * sf)),$((3000 * sf)) qlen=64
	snap testdev0 testdev1
	run_load s_fast "one at a time, 4 KiB, testdev0 10x faster" \
		-n 300 -j 1 -b 0 -z 4096
	fast=$(delta testdev0) slow=$(delta testdev1)
	check_cmp "the stream went to testdev0: $fast of 300 (testdev1 $slow, >= 80%)" \
		$((fast * 100)) -ge $(((fast + slow) * 80))
	check_explored "testdev1" "$slow" 1 "$(load_field s_fast ms)"

	# A deep stream over two devices whose throughputs differ 2x (16 and
	# 8 MB/s, serial): split in proportion to measured speed, 2:1, so
	# testdev0 takes 67%; tolerance 55-80%.
	bps=$((16000000 / (4 * sf)))
	n=$((2000 / sf + 400))
	check "two test devices, $((bps / 1000)) and $((bps / 2000)) kB/s" \
		td_load instances=2 latency_us=50 bytes_per_sec=$bps,$((bps / 2)) qlen=64
	run_load s_warm "deep stream, warm-up" -n 200 -j 16 -z 4096
	snap testdev0 testdev1
	run_load s_deep "16 in flight, 4 KiB, $n requests" -n $n -j 16 -z 4096
	fast=$(delta testdev0) slow=$(delta testdev1)
	check_cmp "testdev0 (2x faster) took $fast of $((fast + slow)): >= 55%" \
		$((fast * 100)) -ge $(((fast + slow) * 55))
	check_cmp "testdev1 took $slow: testdev0 <= 80%" \
		$((fast * 100)) -le $(((fast + slow) * 80))

	# A device registered under load takes over waiting sessions: one slow
	# test device with room for 2, 16 requests in flight, 14 waiting on its
	# backlog; then soft registers.
	check "one test device, 4 ms a request, qlen 2" \
		td_load instances=1 latency_us=4000 qlen=2
	load_start s_mig -n 1500 -j 16 -z 1024
	wait_until 60 sh -c "[ \$(cat $ACR/testdev0/backlog) -ge 8 ]"
	check_cmp "testdev0 has a backlog before soft comes" \
		"$(cnt testdev0 backlog)" -ge 8
	check "modprobe acrypto_soft under load" modprobe acrypto_soft
	check_load s_mig "every output right across the registration"
	check_cmp "soft took over waiting sessions: migrated $(cnt soft migrated)" \
		"$(cnt soft migrated)" -gt 0
	check_cmp "and did most of the rest of the work" \
		"$(cnt soft sstarted)" -gt "$(cnt testdev0 sstarted)"
	check_eq "nothing left waiting" "0 0" \
		"$(cnt testdev0 backlog) $(cnt crypto_sessions queue_len)"

	# The sole-device path: with soft the only device, requests skip the
	# balancer and the queues (soft/sole counts them); a second device for
	# the mode ends that, its removal brings it back; every output right.
	check "rmmod acrypto_testdev" rmmod acrypto_testdev
	s0=$(cnt soft sole)
	run_load s_sole "soft alone: 300 requests" -n 300 -j 2 -b 0 -z 64,1024
	check_eq "all 300 on the sole-device path" 300 $(($(cnt soft sole) - s0))
	check "a test device for cbc too" modprobe acrypto_testdev modes=cbc
	s0=$(cnt soft sole)
	snap soft testdev0
	run_load s_two "two devices: 300 requests" -n 300 -j 2 -b 0 -z 64,1024
	check_eq "none on the sole-device path" 0 $(($(cnt soft sole) - s0))
	check_eq "all through the balancer, on the two devices" 300 \
		$(($(delta soft) + $(delta testdev0)))
	load_start s_swap -n 3000 -j 4 -b 0 -z 64,1024
	usleep 300000
	check "rmmod acrypto_testdev under load" rmmod acrypto_testdev
	check_load s_swap "every output right while the sole path comes back"
	s0=$(cnt soft sole)
	run_load s_back "soft alone again: 300 requests" -n 300 -j 2 -b 0 -z 64
	check_eq "all 300 on the sole-device path again" 300 \
		$(($(cnt soft sole) - s0))
	check "rmmod acrypto_soft" rmmod acrypto_soft
}

# ---------------------------------------------------------------------------
faults() {

	# One device failing every 10th request: no other device to retry
	# on, so the kernel's own implementation does those steps; every
	# request comes out right.
	check "one test device" td_load instances=1 latency_us=200
	knob testdev0 fail_every 10
	fb0=$(cat "$ACR/crypto_sessions/fallback")
	e0=$(cnt testdev0 errors)
	run_load fail1 "fail every 10th, one device: all 500 right" \
		-n 500 -j 4 -b 0 -z 1024
	check_eq "fail every 10th: no request failed" 0 \
		"$(load_field fail1 failed)"
	check_eq "fail every 10th: testdev0 failed 50, the kernel's implementation did them" \
		"50 50" "$(($(cnt testdev0 errors) - e0)) $(($(cat "$ACR/crypto_sessions/fallback") - fb0))"

	check "three test devices" td_load instances=3 latency_us=300 qlen=64
	lb_select rr_lb

	# Every 5th request of testdev0 fails: retried on another device.
	knob testdev0 fail_every 5
	snap_td
	run_load fail "fail every 5th on testdev0, retried" -n 2000 -j 8 -z 2048
	check_cmp "testdev0 injected failures" "$(tdstat testdev0 failed)" -gt 0
	check_cmp "engine counted them as testdev0 errors" \
		"$(cnt testdev0 errors)" -ge "$(tdstat testdev0 failed)"
	knob testdev0 fail_every 0

	# Stall: the watchdog marks the device broken and takes back what it
	# holds through ->cancel(); the load does not notice.
	# testdev1 is full when it stalls: once the engine took its sessions
	# back it owes an unblock, or it would stay full after recovery.
	echo 1000 >"$ACRPARAM/stall_timeout_ms"
	knob testdev1 qlen 4
	load_start stall -n 3000 -j 8 -z 2048
	snap_td
	wait_until 120 at_least testdev1 200
	knob testdev1 stall 1
	check "stall: watchdog marks testdev1 broken" \
		wait_until 60 grep -qx 1 "$ACR/testdev1/broken"
	check_load stall "stall of testdev1 under load"
	check_cmp "stall: testdev1 gave sessions back" \
		"$(tdstat testdev1 cancelled)" -gt 0
	knob testdev1 stall 0
	echo 0 >"$ACR/testdev1/broken"
	knob testdev1 qlen 64
	snap_td
	run_load stall_after "after the stall" -n 600 -j 8 -z 2048
	check_cmp "testdev1 back in service" "$(delta testdev1)" -gt 0

	# Stall of a device that cannot give sessions back: they wait for it
	# and complete late, correctly, when it resumes.
	knob testdev1 cancel 0
	c1=$(tdstat testdev1 cancelled)
	load_start stall_nc -n 3000 -j 8 -z 2048
	snap_td
	wait_until 120 at_least testdev1 200
	knob testdev1 stall 1
	check "stall without cancel: watchdog marks testdev1 broken" \
		wait_until 60 grep -qx 1 "$ACR/testdev1/broken"
	sleep 1
	held=$(cnt testdev1 sessions)
	knob testdev1 stall 0
	check_load stall_nc "stall without cancel: $held held sessions complete late"
	check_eq "stall without cancel: nothing given back" "$c1" \
		"$(tdstat testdev1 cancelled)"
	knob testdev1 cancel 1
	echo 0 >"$ACR/testdev1/broken"
	echo 5000 >"$ACRPARAM/stall_timeout_ms"

	# The device reports itself broken after 300 more requests and
	# recovers 500 ms later.
	knob testdev2 break_ms 500
	knob testdev2 break_after 300
	snap_td
	run_load break "testdev2 breaks and recovers under load" \
		-n 3000 -j 8 -z 2048
	check "testdev2 reported itself broken" \
		sh -c "dmesg | grep -q 'testdev2: reporting itself broken'"
	check "testdev2 back in service" \
		wait_until 10 grep -qx 0 "$ACR/testdev2/broken"
	knob testdev2 break_ms 0

	# The administrator takes a device out (broken=1) and puts it back.
	load_start admin -n 6000 -j 8 -z 2048
	snap_td
	wait_until 120 at_least testdev0 200
	echo 1 >"$ACR/testdev0/broken"
	check "broken=1 drains testdev0" \
		wait_until 30 grep -qx 0 "$ACR/testdev0/sessions"
	s1=$(cnt testdev0 sstarted)
	snap testdev1
	wait_until 120 at_least testdev1 300
	check_cmp "broken=1: nothing new to testdev0" \
		"$(cnt testdev0 sstarted)" -le $((s1 + 8))
	echo 0 >"$ACR/testdev0/broken"
	snap testdev0
	check "broken=0: testdev0 gets work again" \
		wait_until 120 at_least testdev0 50
	check_load admin "broken=1 then 0 under load"

	# rmmod of the test device under load: the software device takes over.
	check "modprobe acrypto_soft" kmod_load acrypto_soft
	load_start rmmod -n 6000 -j 8 -z 2048
	snap soft testdev0
	wait_until 120 at_least testdev0 300
	check "rmmod acrypto_testdev under load" rmmod acrypto_testdev
	check_load rmmod "rmmod of the test device under load"
	check_cmp "soft took the rest" "$(delta soft)" -gt 0
	check "rmmod acrypto_soft" rmmod acrypto_soft
}

# ---------------------------------------------------------------------------
# A device taken out of service while ->process() is handing it a session:
# the engine's reclaim asks ->cancel() about a session the driver does not
# hold yet, the driver then accepts it, and if the device also stalls the
# session waits for it forever: the watchdog only watches devices in
# service.  Known engine bug, see the report; the device resumes at the end
# so nothing is left behind.
race() {
	check "software and hardware test devices" \
		td_load instances=2 class=software,hardware latency_us=200
	lb_select failover_lb
	echo 500 >"$ACRPARAM/stall_timeout_ms"
	knob testdev1 stall 1
	knob testdev1 process_delay_us 1000000
	a0=$(tdstat testdev1 accepted)
	load_start race -n 1 -j 1 -b 0 -z 1024 -T 120
	wait_until 60 grep -qx 1 "$ACR/testdev1/sessions"
	echo 1 >"$ACR/testdev1/broken"
	if [ "$(tdstat testdev1 accepted)" = "$a0" ]; then
		snap testdev0
		check "session handed to a device that broke meanwhile moves on" \
			wait_until 30 load_done "$(load_pid race)" race
	else
		tap_skip "session handed to a device that broke meanwhile moves on" \
			"missed the window"
	fi
	knob testdev1 process_delay_us 0
	knob testdev1 stall 0
	check_load race "the session completes once the device resumes"
	echo 0 >"$ACR/testdev1/broken"
	echo 5000 >"$ACRPARAM/stall_timeout_ms"
}

# ---------------------------------------------------------------------------
switch() {
	check "three test devices" td_load instances=3 latency_us=300 qlen=64
	lb_select rr_lb
	snap testdev0
	# The load runs until told to stop, so it surely spans the switches.
	rm -f "$T/switch.stop"
	load_start switch -n 10000000 -j 8 -z 1024 -T 900 -S "$T/switch.stop"
	wait_until 120 at_least testdev0 100
	n=0 i=0
	while [ $i -lt 100 ]; do
		for lb in simple_lb rr_lb size_lb failover_lb adaptive_lb; do
			[ $i -lt 100 ] || break
			lb_select $lb && [ "$(lb_current)" = $lb ] && n=$((n + 1))
			i=$((i + 1))
		done
	done
	check_eq "100 balancer switches under load" 100 "$n"
	lb_select adaptive_lb
	check "rmmod of the current balancer under load" rmmod adaptive_lb
	check_eq "simple_lb current again" simple_lb "$(lb_current)"
	check_fail "the load still ran meanwhile" \
		load_done "$(load_pid switch)" switch
	touch "$T/switch.stop"
	check_load switch "switches and rmmod under load"
	check "modprobe adaptive_lb again" kmod_load adaptive_lb
}

# ---------------------------------------------------------------------------
nodevice() {
	check "one test device" td_load instances=1 latency_us=200
	rm -f "$T/go" "$T/release"
	load_start nodev -n 20 -j 2 -b 0 -z 1024 \
		-w "$T/go" -H "$T/release"
	wait_until 60 grep -q ready "$T/nodev.out"
	echo 1 >"$ACR/testdev0/broken"
	fb0=$(cat "$ACR/crypto_sessions/fallback")
	touch "$T/go"
	wait_until 60 grep -q '^lbload: submitted' "$T/nodev.out"
	check_eq "no device in service: all 20 requests right, by the kernel's implementation" \
		"20 0 20" "$(load_field nodev ok) $(load_field nodev failed) $(($(cat "$ACR/crypto_sessions/fallback") - fb0))"
	check "rmmod acrypto_testdev with a transform held" \
		rmmod acrypto_testdev
	check "acrypto-cbc-aes stays while the transform exists" \
		grep -q 'acrypto-cbc-aes' /proc/crypto
	check_fail "acrypto-ecb-aes, unused, is gone" \
		grep -q 'acrypto-ecb-aes' /proc/crypto
	touch "$T/release"
	check_load nodev "the transform goes away"
	check "no acrypto algorithm left once idle" \
		wait_until 10 sh -c "! grep -q 'driver *: acrypto-' /proc/crypto"
}

# ---------------------------------------------------------------------------
RUN_GROUPS=${*:-lb_abi testdev rr size failover adaptive sched faults race switch nodevice}

# Results each group reports, its "main queue empty" check included; the
# plan comes first so that a run cut short counts what it missed.
group_tests() {
	case $1 in
	lb_abi) echo 47 ;;
	testdev) echo 40 ;;
	rr) echo 9 ;;
	size) echo 10 ;;
	failover) echo 18 ;;
	adaptive) echo 9 ;;
	sched) echo 37 ;;
	faults) echo 29 ;;
	race) echo 4 ;;
	switch) echo 8 ;;
	nodevice) echo 8 ;;
	*) return 1 ;;
	esac
}

plan=10		# modprobe and rmmod of acrypto and the balancers
for g in $RUN_GROUPS; do
	n=$(group_tests "$g") || tap_bail "no test group '$g'"
	plan=$((plan + n))
done
tap_plan "$plan"

check "modprobe acrypto" kmod_load acrypto || tap_bail "no acrypto"
for m in $LBMODS; do
	check "modprobe $m" kmod_load "$m" || tap_bail "no $m"
done
echo 20480 >/proc/sys/net/core/optmem_max
for g in $RUN_GROUPS; do
	tap_diag "--- $g"
	$g
	check_eq "$g: main queue empty afterwards" 0 \
		"$(cat "$ACR/crypto_sessions/queue_len")"
done

lb_select simple_lb 2>/dev/null
td_unload
for m in $LBMODS; do
	check "rmmod $m" rmmod "$m"
done
check "rmmod acrypto" rmmod acrypto
tap_done
