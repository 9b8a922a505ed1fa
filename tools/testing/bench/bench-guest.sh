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
#   afalg      AF_ALG (afalg_bench), one request in flight
#   balancers  soft + virtio_crypto0, and two acrypto_testdev instances of
#              different speeds: each device alone, then each balancer
#   virtio     our virtio driver (the engine bound to virtio_crypto0) and
#              Debian's virtio_crypto on the same device, driven by the
#              generator (AF_ALG hides both drivers' speed): ours, Debian's,
#              ours again; and Debian's allocations per request
#
# Output lines (ttyS1), parsed by bench-report.sh:
#   LG section=S label=L round=N [dist=dev:n,...] <acrypto_loadgen result>
#   AF section=afalg label=L round=N <afalg_bench result>
#   ALLOC label=L event=E scope=loadgen|other|script hits=N
#   ALLOC_SITE label=L event=E scope=S hits=N comm=TASK site=SYMBOL
#   PROF label=L | <profile line>
#   FGRAPH | <function_graph line>
#   INFO key=value ...
#
# Usage: bench-guest.sh [key=value ...]   (also as one word joined by '_'
# where lists need it: the kernel command line splits at spaces)
#   ms=3000 slice=25 rounds=2 depth=16 sizes=16_64_256_1024_4096_16384_65536
#   sections=overhead_scaling_alloc_profile_afalg_balancers_virtio
#   bal_ms=1000 bal_rounds=3 bal_size=4096 bal_threads=1
#   testdev_bps=16000000_8000000

LG=/sys/kernel/debug/acrypto_loadgen
T=/sys/kernel/debug/tracing
HERE=$(cd "$(dirname "$0")" && pwd)

MS=3000 SLICE=25 ROUNDS=2 DEPTH=16
SIZES="16 64 256 1024 4096 16384 65536"
SECTIONS="overhead scaling alloc profile afalg balancers virtio"
BAL_MS=1000 BAL_ROUNDS=3 BAL_SIZE=4096 BAL_THREADS=1
TESTDEV_BPS="16000000 8000000"

for arg in "$@"; do
	val=$(echo "${arg#*=}" | tr _ ' ')
	case $arg in
	ms=*) MS=$val ;;
	slice=*) SLICE=$val ;;
	rounds=*) ROUNDS=$val ;;
	depth=*) DEPTH=$val ;;
	sizes=*) SIZES=$val ;;
	sections=*) SECTIONS=$val ;;
	bal_ms=*) BAL_MS=$val ;;
	bal_rounds=*) BAL_ROUNDS=$val ;;
	bal_size=*) BAL_SIZE=$val ;;
	bal_threads=*) BAL_THREADS=$val ;;
	testdev_bps=*) TESTDEV_BPS=$val ;;
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
					base=$mode-aes-aesni size=$size depth=$depth \
					threads=1 ms=$MS slice_ms=$SLICE
			done
		done
	done
fi

# --- 2. scaling: 1 and 2 threads ---------------------------------------
if want scaling; then
	for size in 64 4096; do
		if [ "$(nproc)" -ge 2 ]; then
			for alg in acrypto-cbc-aes cbc-aes-aesni; do
				lg scaling "$alg" 1 alg=$alg size=$size depth=$DEPTH \
					threads=2 scale=1 ms=$MS slice_ms=$SLICE
			done
			lg scaling-overhead acrypto-cbc-aes 1 alg=acrypto-cbc-aes \
				base=cbc-aes-aesni size=$size depth=$DEPTH threads=2 \
				ms=$MS slice_ms=$SLICE
		else
			# One CPU: what bench.sh compares with the 2-CPU guest.
			r=1
			while [ $r -le "$ROUNDS" ]; do
				for alg in acrypto-cbc-aes cbc-aes-aesni; do
					lg scaling "$alg" $r alg=$alg size=$size \
						depth=$DEPTH threads=1 ms=$((MS / 2))
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
		awk -v label="$1" -v ev=$e '
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
		' $T/events/kmem/$e/hist
		echo "!$(hist_spec $e)" >$T/events/kmem/$e/trigger
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
		hist_spec $e >$T/events/kmem/$e/trigger ||
			info "error=hist-trigger event=$e"
	done
	echo 1 >$LG/start
	echo "LG section=alloc label=$label round=1 $(cat $LG/result)"
	alloc_report "$label"
}

if want alloc; then
	[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
	for size in 64 4096; do
		alloc_run "cbc-aes-aesni/$size" alg=cbc-aes-aesni size=$size depth=$DEPTH ms=$((MS / 2))
		alloc_run "acrypto-cbc-aes/soft/$size" alg=acrypto-cbc-aes size=$size depth=$DEPTH ms=$((MS / 2))
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
			base=cbc-aes-aesni size=$size depth=$DEPTH ms=$MS \
			slice_ms=$SLICE profile_us=250
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

# --- 5. AF_ALG, labelled as such ---------------------------------------
if want afalg && [ -x "$HERE/afalg_bench" ]; then
	modprobe algif_skcipher
	for size in 64 4096; do
		r=1
		while [ $r -le "$ROUNDS" ]; do
			for alg in cbc-aes-aesni acrypto-cbc-aes; do
				line=$("$HERE/afalg_bench" -q -c $alg -s $size -d 1 \
					-T "$(awk -v ms="$MS" 'BEGIN { print ms / 2000 }')")
				echo "AF section=afalg label=$alg round=$r $line"
			done
			r=$((r + 1))
		done
	done
fi

# --- 6. balancers --------------------------------------------------------
if want balancers; then
	if [ -d /sys/bus/virtio/devices ] && modprobe virtio_acrypto; then
		wait_for /sys/class/acrypto/virtio_crypto0/broken ||
			info "error=no-virtio_crypto0"
	fi
	bps1=$(echo $TESTDEV_BPS | cut -d' ' -f1)
	bps2=$(echo $TESTDEV_BPS | cut -d' ' -f2)
	modprobe acrypto_testdev instances=2 bytes_per_sec=$bps1,$bps2 \
		latency_us=100 qlen=64 || info "error=no-acrypto_testdev"
	for lb in rr_lb size_lb failover_lb adaptive_lb; do
		modprobe $lb || info "error=no-$lb"
	done
	info "devices=\"$(devices | tr '\n' ' ')\" testdev_bps=\"$TESTDEV_BPS\""

	# The same allocation count through an asynchronous device.
	if want alloc && [ -e /sys/class/acrypto/virtio_crypto0 ]; then
		only virtio_crypto0
		alloc_run "acrypto-cbc-aes/virtio/4096" alg=acrypto-cbc-aes size=4096 depth=$DEPTH ms=$((MS / 2))
		only testdev0
		alloc_run "acrypto-cbc-aes/testdev/4096" alg=acrypto-cbc-aes size=4096 depth=$DEPTH ms=$((MS / 2))
	fi

	params="alg=acrypto-cbc-aes size=$BAL_SIZE depth=$DEPTH threads=$BAL_THREADS ms=$BAL_MS"
	for set in "soft virtio_crypto0" "testdev0 testdev1"; do
		name=$(echo "$set" | tr ' ' '+')
		present=1
		for dev in $set; do
			[ -e /sys/class/acrypto/$dev ] || present=0
		done
		if [ $present = 0 ]; then
			info "error=missing-devices set=$name"
			continue
		fi
		# Rounds of: each device alone, then each balancer; each
		# device alone once more at the end, so drift shows.
		r=1
		while [ $r -le $((BAL_ROUNDS + 1)) ]; do
			echo simple_lb >/sys/class/crypto_lb/lbs
			for dev in $set; do
				only $dev
				lg_dist balancers "$name/single/$dev" $r $params
			done
			[ $r -gt "$BAL_ROUNDS" ] && break
			only $set
			for lb in simple_lb rr_lb size_lb failover_lb adaptive_lb; do
				echo $lb >/sys/class/crypto_lb/lbs || continue
				lg_dist balancers "$name/lb/$lb" $r $params
			done
			r=$((r + 1))
		done
		echo simple_lb >/sys/class/crypto_lb/lbs
	done
	# shellcheck disable=SC2046 # one word per device
	only $(devices)
fi

# --- 7. our virtio driver against Debian's, in the kernel --------------
# vdrv_runs WHO PASS ALG: both sizes, 1 and DEPTH in flight
vdrv_runs() {
	local depth size
	for depth in 1 $DEPTH; do
		for size in 64 4096; do
			lg virtio "$1/$size/$depth" "$2" alg="$3" size=$size \
				depth=$depth ms=$((MS / 3))
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
				alg=virtio_crypto_aes_cbc size=4096 depth=$DEPTH \
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
