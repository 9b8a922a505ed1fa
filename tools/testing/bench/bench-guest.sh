#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# (busybox ash, which has `local` as dash does)
#
# bench-guest.sh - the guest half of bench.sh (`make bench`).
#
# Runs in one guest boot every measurement whose ratio bench.sh prints, each
# ratio against a baseline measured in this same boot:
#
#   overhead   acrypto-{cbc,xts}-aes over the soft device against the
#              kernel's {cbc,xts}-aes-aesni, every size, 1 and DEPTH in
#              flight: one generator run each, the two interleaved in
#              slices of SLICE ms (A B B A ...; acrypto_loadgen base=)
#   scaling    1 thread against 2 (one per CPU), interleaved the same way
#              (scale=1), for the engine and for the kernel; and the
#              engine against the kernel with 2 threads.  In a 1-CPU guest:
#              plain 1-thread runs, for bench.sh's cross-boot comparison
#   alloc      kmalloc/kmem_cache_alloc/page allocations during a run,
#              counted by tracefs hist triggers keyed by task and call
#              site: the generator's threads, the harness, everything else
#   profile    the sampling profiler of acrypto_loadgen, engine and kernel
#              interleaved, at 64 B (the hottest case) and 4 KiB
#   fgraph     (opt-in) one engine request under function_graph
#   afalg      AF_ALG (afalg_bench), one synchronous stream, interleaved in
#              slices: the engine over the soft device alone (the sole-device
#              path) against cbc-aes-aesni; the same with a new transform per
#              request (-K); soft + virtio_crypto0 against each alone; and
#              the sampling profile of the first comparison
#   mix        the default balancer on three device mixes (soft +
#              virtio_crypto0, soft + the slow testdev1, testdev0 + testdev1
#              at 2:1 speeds), 64 B / 4 KiB / 64 KiB, 1 and DEPTH in flight:
#              one generator run each, the mix and each device alone
#              interleaved in slices (A B C C B A, set0= set1= set2=: the
#              other devices out of service through their broken files)
#   balancers  the other balancers on the same mixes, 4 KiB, DEPTH in flight
#   shares     per-device completions and migrations every 100 ms through a
#              run where devices are added and removed under load
#   virtio     our virtio driver (the engine bound to virtio_crypto0) and
#              Debian's virtio_crypto on the same device, driven by the
#              generator (AF_ALG hides both drivers' speed): ours, Debian's,
#              ours again; and Debian's allocations per request
#
# Output lines (ttyS1), parsed by bench-report.sh:
#   LG section=S label=L round=N [dist=dev:n,...] <acrypto_loadgen result>
#      (with device sets, dist= is the split of the mix's slices only)
#   AF section=afalg label=L round=N <afalg_bench result>
#   SHARE t=SECONDS dev:completed:migrated ...
#   EVENT t=SECONDS what
#   ALLOC label=L event=E scope=loadgen|other|script hits=N
#   ALLOC_SITE label=L event=E scope=S hits=N comm=TASK site=SYMBOL
#   PROF label=L | <profile line>
#   FGRAPH | <function_graph line>
#   INFO key=value ...
#
# Usage: bench-guest.sh [key=value ...]   (also as one word joined by '_'
# where lists need it: the kernel command line splits at spaces)
#   ms=3000 slice=25 rounds=2 depth=16 sizes=16_64_256_1024_4096_16384_65536
#   sections=overhead_scaling_alloc_profile_afalg_mix_balancers_shares_virtio
#   mix_ms=4000 mix_sizes=64_4096_65536 af_secs=5 af_sizes=16_64_4096_65536
#   testdev_bps=8000000_4000000 testdev_ops=10000_5000

LG=/sys/kernel/debug/acrypto_loadgen
T=/sys/kernel/debug/tracing
HERE=$(cd "$(dirname "$0")" && pwd)

MS=3000 SLICE=25 ROUNDS=2 DEPTH=16
SIZES="16 64 256 1024 4096 16384 65536"
SECTIONS="overhead scaling alloc profile afalg mix balancers shares virtio"
MIX_MS=4000 MIX_SIZES="64 4096 65536" AF_SECS=5 AF_SIZES="16 64 4096 65536"
# The test devices compute on the guest's CPUs (in softirq, with the
# kernel's cbc(aes-aesni), about 6,000 4-KiB requests/s here): slow enough
# that their speeds, 2:1, and not that CPU are what limits a mix of them.
TESTDEV_BPS="8000000 4000000" TESTDEV_OPS="10000 5000"

for arg in "$@"; do
	val=$(echo "${arg#*=}" | tr _ ' ')
	case $arg in
	ms=*) MS=$val ;;
	slice=*) SLICE=$val ;;
	rounds=*) ROUNDS=$val ;;
	depth=*) DEPTH=$val ;;
	sizes=*) SIZES=$val ;;
	sections=*) SECTIONS=$val ;;
	mix_ms=*) MIX_MS=$val ;;
	mix_sizes=*) MIX_SIZES=$val ;;
	af_secs=*) AF_SECS=$val ;;
	af_sizes=*) AF_SIZES=$val ;;
	testdev_bps=*) TESTDEV_BPS=$val ;;
	testdev_ops=*) TESTDEV_OPS=$val ;;
	*) echo "INFO error=unknown-argument arg=$arg" ;;
	esac
done

want() {
	case " $SECTIONS " in *" $1 "*) return 0 ;; esac
	return 1
}

info() { echo "INFO $*"; }

# lg SECTION LABEL ROUND PARAMS...: one generator run, one LG line
lg() {
	local sec="$1" label="$2" round="$3"
	shift 3
	if echo "$*" >$LG/run 2>/tmp/lg.err; then
		echo "LG section=$sec label=$label round=$round $(cat $LG/result)"
	else
		echo "LG section=$sec label=$label round=$round error=\"$(cat /tmp/lg.err)\" params=\"$*\""
	fi
}

# The acrypto devices, the sysfs view (not crypto_sessions).
devices() {
	local d
	for d in /sys/class/acrypto/*; do
		[ -f "$d/broken" ] && basename "$d"
	done
}

# only DEV...: every other device out of service
only() {
	local d
	for d in $(devices); do
		case " $* " in
		*" $d "*) echo 0 >"/sys/class/acrypto/$d/broken" ;;
		*) echo 1 >"/sys/class/acrypto/$d/broken" ;;
		esac
	done
}

# completed: "dev:n,dev:n" of scompleted
completed() {
	local d out=''
	for d in $(devices); do
		out="$out${out:+,}$d:$(cat "/sys/class/acrypto/$d/scompleted")"
	done
	echo "$out"
}

# lg_dist SECTION LABEL ROUND PARAMS...: lg with the per-device split
lg_dist() {
	local before after line dist
	before=$(completed)
	line=$(lg "$@")
	after=$(completed)
	dist=$(echo "$before $after" | awk '{
		n = split($1, b, ","); split($2, a, ",")
		for (i = 1; i <= n; i++) {
			split(b[i], x, ":"); split(a[i], y, ":")
			printf "%s%s:%d", (i > 1 ? "," : ""), x[1], y[2] - x[2]
		}
	}')
	echo "$line" | sed "s/^LG \(section=[^ ]* label=[^ ]* round=[^ ]*\)/LG \1 dist=$dist/"
}

# counter DEV FILE: a device counter, 0 when the device is not there
counter() {
	cat "/sys/class/acrypto/$1/$2" 2>/dev/null || echo 0
}

# lg_sets SECTION LABEL SIZE DEPTH MS DEV1 DEV2 [SLICE]: one generator run
# with the mix DEV1+DEV2 and each device alone interleaved; every other
# device out of service.  dist= is the mix's split: each device's
# completions minus those of its own slices alone.  SLICE (ms) defaults to
# 25, 50 at 64 KiB.
lg_sets() {
	local sec=$1 label=$2 size=$3 depth=$4 ms=$5 d1=$6 d2=$7
	local slice=${8:-25} b1 b2 line v1 v2 n1 n2

	[ -z "${8:-}" ] && [ "$size" -ge 65536 ] && slice=50
	only "$d1" "$d2"
	b1=$(counter "$d1" scompleted)
	b2=$(counter "$d2" scompleted)
	line=$(lg "$sec" "$label" 1 alg=acrypto-cbc-aes size="$size" \
		depth="$depth" threads=1 ms="$ms" slice_ms=$slice \
		set0="$d1+$d2" set1="$d1" set2="$d2")
	v1=$(echo "$line" | sed -n 's/.* v1_ops=\([0-9]*\).*/\1/p')
	v2=$(echo "$line" | sed -n 's/.* v2_ops=\([0-9]*\).*/\1/p')
	n1=$(($(counter "$d1" scompleted) - b1 - ${v1:-0}))
	n2=$(($(counter "$d2" scompleted) - b2 - ${v2:-0}))
	echo "$line" | sed "s/^LG \(section=[^ ]* label=[^ ]* round=[^ ]*\)/LG \1 dist=$d1:$n1,$d2:$n2/"
}

# wait_alg DRIVER: until the crypto API lists a driver name (up to 10 s)
wait_alg() {
	local n=0
	while ! grep -q "^driver *: $1\$" /proc/crypto; do
		n=$((n + 1))
		[ $n -gt 100 ] && return 1
		sleep 0.1
	done
}

wait_for() {	# wait_for FILE: up to 10 s
	n=0
	while [ ! -e "$1" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -e "$1" ]
}

info "kernel=$(uname -r) cpus=$(nproc) ms=$MS slice=$SLICE rounds=$ROUNDS depth=$DEPTH"
info "guest_loadavg_start=\"$(cut -d' ' -f1-3 /proc/loadavg)\""

modprobe aesni_intel || info "error=no-aesni_intel"
modprobe acrypto || { info "error=no-acrypto"; exit 1; }
modprobe acrypto_soft || { info "error=no-acrypto_soft"; exit 1; }
modprobe acrypto_loadgen || { info "error=no-acrypto_loadgen"; exit 1; }
wait_for $LG/run || { info "error=no-loadgen-debugfs"; exit 1; }
info "soft_impl=\"$(dmesg | grep -o 'acrypto_soft: [a-z(]*aes) by [^ ]*' | sed 's/acrypto_soft: //' | tr '\n' ';')\""
info "devices=\"$(devices | tr '\n' ' ')\""

# --- 1. engine overhead ------------------------------------------------
if want overhead; then
	for mode in cbc xts; do
		for depth in 1 $DEPTH; do
			for size in $SIZES; do
				lg overhead "acrypto-$mode-aes" 1 alg=acrypto-$mode-aes \
					base=$mode-aes-aesni size="$size" depth="$depth" \
					threads=1 ms="$MS" slice_ms="$SLICE"
			done
		done
	done
fi

# --- 2. scaling: 1 and 2 threads ---------------------------------------
if want scaling; then
	for size in 64 4096; do
		if [ "$(nproc)" -ge 2 ]; then
			for alg in acrypto-cbc-aes cbc-aes-aesni; do
				lg scaling "$alg" 1 alg=$alg size=$size depth="$DEPTH" \
					threads=2 scale=1 ms="$MS" slice_ms="$SLICE"
			done
			lg scaling-overhead acrypto-cbc-aes 1 alg=acrypto-cbc-aes \
				base=cbc-aes-aesni size=$size depth="$DEPTH" threads=2 \
				ms="$MS" slice_ms="$SLICE"
		else
			# One CPU: what bench.sh compares with the 2-CPU guest.
			r=1
			while [ $r -le "$ROUNDS" ]; do
				for alg in acrypto-cbc-aes cbc-aes-aesni; do
					lg scaling "$alg" $r alg=$alg size=$size \
						depth="$DEPTH" threads=1 ms=$((MS / 2))
				done
				r=$((r + 1))
			done
		fi
	done
fi

# --- 3. allocations per request ----------------------------------------
# One hist trigger per event, keyed by the allocating task and call site.
# The run is prepared (tfm, requests, buffers) before the triggers are set,
# so what they count is the run itself.
hist_spec() {	# hist_spec EVENT
	if [ "$1" = mm_page_alloc ]; then
		echo 'hist:keys=common_pid.execname,order:vals=hitcount:sort=hitcount.descending:size=256'
	else
		echo 'hist:keys=common_pid.execname,call_site.sym:vals=hitcount:sort=hitcount.descending:size=4096'
	fi
}

ALLOC_EVENTS="kmalloc kmem_cache_alloc mm_page_alloc"

# alloc_report LABEL: report the counts and remove the triggers.  Scopes:
# loadgen (the generator's threads), script (this script and the tools it
# runs, and kthreadd creating the generator's threads: the harness, not the
# run), other (every other context: kworkers, softirq on an idle CPU, ...).
alloc_report() {
	local e
	for e in $ALLOC_EVENTS; do
		awk -v label="$1" -v ev="$e" '
			/^\{/ && /hitcount:/ {
				line = $0
				comm = line; sub(/^\{ *common_pid: */, "", comm); sub(/ *\[.*/, "", comm)
				site = line; sub(/^[^,]*, */, "", site); sub(/ *\}.*/, "", site)
				sub(/^call_site: *\[[0-9a-f]*\] */, "", site)
				gsub(/ +/, "_", site)
				hits = line; sub(/.*hitcount: */, "", hits); hits += 0
				if (comm ~ /^acrypto_lg/)
					scope = "loadgen"
				else if (comm ~ /^(bench-guest.sh|sh|exe|cat|awk|sed|head|grep|tr|cut|basename|sleep|kthreadd)$/)
					scope = "script"
				else
					scope = "other"
				total[scope] += hits
				if (scope != "script")
					printf "ALLOC_SITE label=%s event=%s scope=%s hits=%d comm=%s site=%s\n", label, ev, scope, hits, comm, site
			}
			END {
				printf "ALLOC label=%s event=%s scope=loadgen hits=%d\n", label, ev, total["loadgen"]
				printf "ALLOC label=%s event=%s scope=other hits=%d\n", label, ev, total["other"]
				printf "ALLOC label=%s event=%s scope=script hits=%d\n", label, ev, total["script"]
			}
		' $T/events/kmem/"$e"/hist
		echo "!$(hist_spec "$e")" >$T/events/kmem/"$e"/trigger
	done
}

# alloc_run LABEL PARAMS...
alloc_run() {
	local label=$1 e
	shift
	if ! echo "$*" >$LG/prepare; then
		echo "LG section=alloc label=$label round=1 error=prepare params=\"$*\""
		return
	fi
	for e in $ALLOC_EVENTS; do
		hist_spec "$e" >$T/events/kmem/"$e"/trigger ||
			info "error=hist-trigger event=$e"
	done
	echo 1 >$LG/start
	echo "LG section=alloc label=$label round=1 $(cat $LG/result)"
	alloc_report "$label"
}

if want alloc; then
	[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
	for size in 64 4096; do
		alloc_run "cbc-aes-aesni/$size" alg=cbc-aes-aesni size=$size depth="$DEPTH" ms=$((MS / 2))
		alloc_run "acrypto-cbc-aes/soft/$size" alg=acrypto-cbc-aes size=$size depth="$DEPTH" ms=$((MS / 2))
	done
fi

# --- 4. profile of the hottest case ------------------------------------
# One run per size, engine and kernel interleaved (base=): the sampler
# tags each sample with the variant, so the two profiles saw the same host.
# prof_lines SIZE: PROF lines, labelled DRIVER/SIZE from each profile header
prof_lines() {
	awk -v size="$1" '
		/^# profile: / { label = $3 "/" size }
		{ print "PROF label=" label " | " $0 }
	' $LG/profile
}

if want profile; then
	for size in 64 4096; do
		lg profile "acrypto-cbc-aes" 1 alg=acrypto-cbc-aes \
			base=cbc-aes-aesni size=$size depth="$DEPTH" ms="$MS" \
			slice_ms="$SLICE" profile_us=250
		prof_lines $size
	done
fi

# --- 4b. one request under function_graph (opt-in: sections=...fgraph) -
# The call tree of one engine request, durations inflated by the tracer
# (the sampler above gives the proportions).  Not in the default set:
# switching tracers patches every traced function, and under TCG on a
# loaded host that has hung a guest (RCU stall, then no progress).
if want fgraph; then
	if [ -f $T/set_graph_function ]; then
		echo 0 >$T/tracing_on
		echo 256 >$T/buffer_size_kb
		echo acrypto_skcipher_encrypt >$T/set_graph_function
		echo 10 >$T/max_graph_depth
		echo function_graph >$T/current_tracer
		echo funcgraph-proc >$T/trace_options 2>/dev/null
		echo >$T/trace
		echo 1 >$T/tracing_on
		echo "alg=acrypto-cbc-aes size=64 depth=1 ms=20 verify=0" >$LG/run
		echo 0 >$T/tracing_on
		# The second request (the first warms up).
		awk '/acrypto_skcipher_encrypt/ && /\{/ { n++ } n == 2' $T/trace |
			awk '{ print } /^ *[0-9)]+.*\} *\/\* acrypto_skcipher_encrypt/ { exit }' |
			head -n 120 | sed 's/^/FGRAPH | /'
		echo nop >$T/current_tracer
		echo >$T/set_graph_function
		echo 1 >$T/tracing_on
	fi
fi

# --- 5. the devices of the mixes ---------------------------------------
# virtio_crypto0 (QEMU's device), two test devices at 2:1 speeds (testdev1
# is also the device slower than the CPU), the balancers.
if want afalg || want mix || want balancers || want shares; then
	if [ -d /sys/bus/virtio/devices ] && modprobe virtio_acrypto; then
		wait_for /sys/class/acrypto/virtio_crypto0/broken ||
			info "error=no-virtio_crypto0"
	fi
	bps=$(echo "$TESTDEV_BPS" | tr ' ' ,)
	ops=$(echo "$TESTDEV_OPS" | tr ' ' ,)
	modprobe acrypto_testdev instances=2 bytes_per_sec="$bps" \
		ops_per_sec="$ops" latency_us=100 qlen=64 ||
		info "error=no-acrypto_testdev"
	for lb in rr_lb size_lb failover_lb adaptive_lb; do
		modprobe $lb || info "error=no-$lb"
	done
	echo simple_lb >/sys/class/crypto_lb/lbs
	info "devices=\"$(devices | tr '\n' ' ')\" testdev_bps=\"$TESTDEV_BPS\" testdev_ops=\"$TESTDEV_OPS\""

	# The same allocation count through an asynchronous device, and
	# through the mixes with the default balancer.
	if want alloc && [ -e /sys/class/acrypto/virtio_crypto0 ]; then
		only virtio_crypto0
		alloc_run "acrypto-cbc-aes/virtio/4096" alg=acrypto-cbc-aes size=4096 depth="$DEPTH" ms=$((MS / 2))
		only testdev0
		alloc_run "acrypto-cbc-aes/testdev/4096" alg=acrypto-cbc-aes size=4096 depth="$DEPTH" ms=$((MS / 2))
		for set in "soft virtio_crypto0" "soft testdev1" "testdev0 testdev1"; do
			# shellcheck disable=SC2086 # one word per device
			only $set
			for size in 64 4096; do
				alloc_run "acrypto-cbc-aes/$(echo "$set" | tr ' ' +)/$size" \
					alg=acrypto-cbc-aes size=$size depth="$DEPTH" ms=$((MS / 2))
			done
		done
	fi
fi

# --- 6. AF_ALG, one synchronous stream ------------------------------------
# afalg_bench interleaves its variants in slices of 50 ms (A B B A, or
# A B C C B A) in one process, switching the devices in service between
# slices; outputs are checked against cbc-aes-aesni.
OPTMEM=/proc/sys/net/core/optmem_max
afalg() {	# afalg LABEL SIZE ARGS...: one afalg_bench run, one AF line
	local label=$1 size=$2 line
	shift 2
	line=$("$HERE/afalg_bench" -q -s "$size" -T "$AF_SECS" -I 50 \
		-V cbc-aes-aesni -C 1 "$@" 2>&1)
	echo "AF section=afalg label=$label round=1 $line"
}

if want afalg && [ -x "$HERE/afalg_bench" ]; then
	modprobe algif_skcipher
	[ "$(cat $OPTMEM)" -lt 20480 ] && echo 20480 >$OPTMEM
	for size in $AF_SIZES; do
		# The engine over soft alone, the sole-device path.
		only soft
		afalg engine/soft "$size" -v acrypto:acrypto-cbc-aes \
			-v aesni:cbc-aes-aesni
		# As a user of the one-shot API does: a transform per request.
		afalg engine/soft/tfm-per-request "$size" -K \
			-v acrypto:acrypto-cbc-aes -v aesni:cbc-aes-aesni
		# make demo's set-up: soft + virtio, the default balancer.
		if [ -e /sys/class/acrypto/virtio_crypto0 ]; then
			only soft virtio_crypto0
			afalg mix/soft+virtio_crypto0 "$size" \
				-v mix:acrypto-cbc-aes:soft+virtio_crypto0 \
				-v soft:acrypto-cbc-aes:soft \
				-v virtio_crypto0:acrypto-cbc-aes:virtio_crypto0
		fi
	done
	# Where the time goes through AF_ALG: the sampler of acrypto_loadgen
	# on afalg_bench's CPU, each sample tagged with the variant running.
	if want profile; then
		only soft
		for size in 16 4096; do
			(echo "cpu=1 profile_us=250 ms=$((AF_SECS * 1000 + 400)) comm=afalg_bench size=$size variants=2 names=afalg-acrypto-cbc-aes+afalg-cbc-aes-aesni" >$LG/sample) &
			sleep 0.2
			line=$("$HERE/afalg_bench" -q -s "$size" -T "$AF_SECS" \
				-I 50 -C 1 -P $LG/variant \
				-v acrypto:acrypto-cbc-aes -v aesni:cbc-aes-aesni 2>&1)
			wait
			echo "AF section=afalg-profile label=engine/soft round=1 $line"
			o0=$(echo "$line" | sed -n 's/.* v0_ops=\([0-9]*\).*/\1/p')
			o1=$(echo "$line" | sed -n 's/.* v1_ops=\([0-9]*\).*/\1/p')
			echo "ops=${o0:-0},${o1:-0}" >$LG/variant
			prof_lines "$size"
		done
	fi
	# shellcheck disable=SC2046 # one word per device
	only $(devices)
fi

# --- 7. mixes: the default balancer ---------------------------------------
MIXES="soft:virtio_crypto0 soft:testdev1 testdev0:testdev1"

# mix_present D1 D2: both devices registered
mix_present() {
	[ -e "/sys/class/acrypto/$1" ] && [ -e "/sys/class/acrypto/$2" ]
}

if want mix; then
	echo simple_lb >/sys/class/crypto_lb/lbs
	for size in $MIX_SIZES; do
		ms=$MIX_MS
		[ "$size" -ge 65536 ] && ms=$((MIX_MS * 3 / 2))
		for depth in 1 $DEPTH; do
			for m in $MIXES; do
				d1=${m%:*} d2=${m#*:}
				if ! mix_present "$d1" "$d2"; then
					info "error=missing-devices set=$d1+$d2"
					continue
				fi
				lg_sets mix "$d1+$d2/simple_lb" "$size" "$depth" "$ms" "$d1" "$d2"
			done
		done
	done
	# What the general path costs a small request that the CPU does:
	# the mix against soft alone (the sole-device path), sampled.
	if want profile && mix_present soft testdev1; then
		only soft testdev1
		lg profile "soft+testdev1" 1 alg=acrypto-cbc-aes size=64 \
			depth=1 threads=1 ms="$MS" slice_ms="$SLICE" \
			set0=soft+testdev1 set1=soft profile_us=250
		prof_lines 64
	fi
	# shellcheck disable=SC2046 # one word per device
	only $(devices)
fi

# --- 8. the other balancers -------------------------------------------------
if want balancers; then
	for lb in adaptive_lb size_lb rr_lb failover_lb; do
		echo $lb >/sys/class/crypto_lb/lbs || continue
		for m in $MIXES; do
			d1=${m%:*} d2=${m#*:}
			mix_present "$d1" "$d2" || continue
			if [ $lb = adaptive_lb ]; then
				# It tunes itself by the throughput of each
				# 100 ms: slices of a second, three times as long
				# a run, let it settle within the mix's slices.
				lg_sets balancers "$d1+$d2/$lb" 4096 "$DEPTH" \
					$((MIX_MS * 3)) "$d1" "$d2" 1000
			else
				lg_sets balancers "$d1+$d2/$lb" 4096 "$DEPTH" \
					"$MIX_MS" "$d1" "$d2"
			fi
		done
	done
	echo simple_lb >/sys/class/crypto_lb/lbs
	# shellcheck disable=SC2046 # one word per device
	only $(devices)
fi

# --- 9. shares over time ------------------------------------------------------
# One run of the generator, 128 requests in flight (twice a test device's
# queue, so sessions wait on backlogs), while devices come and go; every
# 100 ms one SHARE line with each device's completions and migrations.
# Shell built-ins only (read, arithmetic): a fork costs milliseconds here.

# centis: the uptime in hundredths of a second
centis() {
	local up
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

share_line() {
	local d c m up out=''
	read -r up _ </proc/uptime
	for d in soft virtio_crypto0 testdev0 testdev1; do
		c=0 m=0
		{ read -r c <"/sys/class/acrypto/$d/scompleted"; } 2>/dev/null
		{ read -r m <"/sys/class/acrypto/$d/migrated"; } 2>/dev/null
		out="$out $d:${c:-0}:${m:-0}"
	done
	echo "SHARE t=$up$out"
}

# share_until CENTIS: SHARE lines every 100 ms until that uptime
share_until() {
	while [ "$(centis)" -lt "$1" ]; do
		share_line
		sleep 0.1
	done
}

# event LABEL COMMAND...: an EVENT line, and the command in the background,
# so that the samples go on while it runs (a module load takes a second)
event() {
	local up label=$1
	shift
	read -r up _ </proc/uptime
	echo "EVENT t=$up $label"
	("$@" >/dev/null 2>&1 || info "error=event-failed what=\"$label\"") &
}

if want shares && mix_present testdev0 testdev1; then
	# Seconds between events, in hundredths.
	step=150
	[ "$MIX_MS" -lt 2000 ] && step=80
	only testdev1
	# soft is added under load: a module of its own, loaded then (or, if
	# it cannot be unloaded now, put into service).
	soft_mod=1
	if ! rmmod acrypto_soft 2>/dev/null; then
		soft_mod=0
		echo 1 >/sys/class/acrypto/soft/broken
	fi
	t0=$(centis)
	# 192 in flight: more than both test devices hold (qlen 64 each).
	(echo "alg=acrypto-cbc-aes size=4096 depth=192 threads=1 ms=$((step * 50))" >$LG/run) &
	share_line
	echo "EVENT t=$(cut -d' ' -f1 /proc/uptime) start: testdev1 alone, 192 in flight"
	share_until $((t0 + step))
	event "testdev0 into service" sh -c "echo 0 >/sys/class/acrypto/testdev0/broken"
	share_until $((t0 + 2 * step))
	if [ $soft_mod = 1 ]; then
		event "modprobe acrypto_soft" modprobe acrypto_soft
	else
		event "soft into service" sh -c "echo 0 >/sys/class/acrypto/soft/broken"
	fi
	share_until $((t0 + 3 * step))
	if [ $soft_mod = 1 ]; then
		event "rmmod acrypto_soft" rmmod acrypto_soft
	else
		event "soft out of service" sh -c "echo 1 >/sys/class/acrypto/soft/broken"
	fi
	share_until $((t0 + 4 * step))
	event "testdev1 out of service" sh -c "echo 1 >/sys/class/acrypto/testdev1/broken"
	share_until $((t0 + 52 * step / 10))
	wait
	echo "LG section=shares label=shares round=1 $(cat $LG/result)"
	lsmod | grep -q '^acrypto_soft ' || modprobe acrypto_soft
	wait_for /sys/class/acrypto/soft/broken
	# shellcheck disable=SC2046 # one word per device
	only $(devices)
fi

# --- 10. our virtio driver against Debian's, in the kernel --------------
# vdrv_runs WHO PASS ALG: both sizes, 1 and DEPTH in flight
vdrv_runs() {
	local depth size
	for depth in 1 $DEPTH; do
		for size in 64 4096; do
			lg virtio "$1/$size/$depth" "$2" alg="$3" size=$size \
				depth="$depth" ms=$((MS / 3))
		done
	done
}

if want virtio && [ -d /sys/bus/virtio/devices ] &&
   modprobe virtio_acrypto && wait_for /sys/class/acrypto/virtio_crypto0/broken; then
	only virtio_crypto0
	vdrv_runs ours 1 acrypto-cbc-aes
	if rmmod virtio_acrypto && modprobe virtio_crypto &&
	   wait_alg virtio_crypto_aes_cbc; then
		vdrv_runs debian 2 virtio_crypto_aes_cbc
		if want alloc; then
			alloc_run "virtio_crypto_aes_cbc/debian/4096" \
				alg=virtio_crypto_aes_cbc size=4096 depth="$DEPTH" \
				ms=$((MS / 2))
		fi
		rmmod virtio_crypto
		if modprobe virtio_acrypto &&
		   wait_for /sys/class/acrypto/virtio_crypto0/broken; then
			only virtio_crypto0
			vdrv_runs ours 3 acrypto-cbc-aes
		fi
	else
		info "error=debian-virtio_crypto"
	fi
	# shellcheck disable=SC2046 # one word per device
	only $(devices)
fi

info "guest_loadavg_end=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
echo "INFO done=1"
