#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-report.sh - turn the raw output of bench.sh into one table, a CSV
# file and a PNG plot.
#
# Usage: bench-report.sh RESULTS_DIR
#
# Reads RESULTS_DIR/raw/{main,smp1}.log (bench-guest.sh output),
# RESULTS_DIR/raw/virtio-bench.txt (virtio-bench.sh --raw) and
# RESULTS_DIR/raw/model-bench.txt (model-bench.sh --raw) when present, and
# RESULTS_DIR/meta.txt.  Writes, in RESULTS_DIR:
#
#   table.txt        the table, then the targets of issue #10 with the
#                    measured figure and met/MISSED (also printed)
#   bench.csv        the same rows
#   bench.png        the plot (when gnuplot is installed), from plot.gp
#   shares.png       per-device completions and migrations over time
#                    while devices come and go (section shares)
#   profile-*.txt    the profiles of acrypto_loadgen, one per run; the
#                    profile-afalg-* ones sampled afalg_bench's CPU
#   fgraph.txt       one engine request under function_graph
#   alloc-sites.txt  allocation call sites outside the harness, if any
#
# Every ratio is subject / baseline, both measured in the same guest boot,
# except the rows marked cross-boot.

set -euo pipefail

DIR=${1:?usage: bench-report.sh RESULTS_DIR}
RAW=$DIR/raw
[ -f "$RAW/main.log" ] || { echo "bench-report: no $RAW/main.log" >&2; exit 1; }
for f in smp1.log virtio-bench.txt model-bench.txt; do
	[ -f "$RAW/$f" ] || : >"$RAW/$f"
done

# Side files: profiles, the function_graph excerpt, allocation sites, the
# shares run.
rm -f "$DIR"/profile-*.txt "$DIR"/shares.raw "$DIR"/shares.events
awk -v dir="$DIR" '
	/^PROF label=/ {
		label = $2; sub(/^label=/, "", label); gsub(/\//, "-", label)
		line = $0; sub(/^PROF label=[^ ]* \| ?/, "", line)
		print line > (dir "/profile-" label ".txt")
	}
	/^FGRAPH \| / { line = $0; sub(/^FGRAPH \| /, "", line); print line > (dir "/fgraph.txt") }
	/^ALLOC_SITE / && / scope=(loadgen|other) / { print > (dir "/alloc-sites.txt") }
' "$RAW/main.log"

awk -v dir="$DIR" -v meta="$DIR/meta.txt" '
function kv(line, key,    s) {
	if (!match(line, " " key "=[^ ]*"))
		return ""
	s = substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2)
	return s
}
function mode_of(alg) {
	return alg ~ /xts/ ? "xts" : "cbc"
}
function impl_of(alg) {
	return alg ~ /^acrypto-/ ? "engine" : "direct"
}
function f2(x) { return sprintf("%.2f", x) }
# median of the numbers in a space-separated list
function median(list,    n, a, i, j, v) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) {
		v = a[i] + 0
		for (j = i; j > 1 && a[j - 1] + 0 > v; j--)
			a[j] = a[j - 1]
		a[j] = v
	}
	if (!n) return 0
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(section, cs, size, depth, threads, subj, sval, base, bval, unit, ratio, target, status, note) {
	n++
	R_sec[n] = section; R_case[n] = cs; R_size[n] = size; R_depth[n] = depth
	R_thr[n] = threads; R_subj[n] = subj; R_sval[n] = sval; R_base[n] = base
	R_bval[n] = bval; R_unit[n] = unit; R_ratio[n] = ratio
	R_target[n] = target; R_status[n] = status; R_note[n] = note
}
function judge(ratio, min) {
	if (min == "")
		return ""
	return ratio + 0 >= min + 0 ? "met" : "MISSED"
}
# the engine-cost targets of issue #10 by request size
function ovtarget(size) {
	return size >= 4096 ? "0.95" : size == 64 ? "0.85" : size == 16 ? "0.75" : ""
}
# a target line: what, measured, status
function tgt_add(what, measured, status) {
	nt++
	T_what[nt] = what; T_meas[nt] = measured; T_stat[nt] = status
	if (status ~ /MISSED/) tmissed++
}
function human(size) {
	if (size >= 1024 && size % 1024 == 0)
		return (size / 1024) " KiB"
	return size " B"
}
BEGIN { n = 0 }

# ---- the 2-CPU guest ----
FILENAME ~ /main\.log$/ && /^LG / {
	sec = kv($0, "section"); label = kv($0, "label")
	if ($0 ~ / error=/ || kv($0, "mismatches") + 0 || kv($0, "errors") + 0 ||
	    kv($0, "sets_err") + 0) {
		bad++
		badlines = badlines "\n#   " substr($0, 1, 200)
	}
	checked += kv($0, "checked"); runs++
	ops_s = kv($0, "ops_s"); alg = kv($0, "alg"); size = kv($0, "size") + 0
	depth = kv($0, "depth") + 0; thr = kv($0, "threads") + 0
	if (sec == "overhead") {
		if (mode_of(alg) == "cbc") { REQSZ = kv($0, "reqsize"); BREQSZ = kv($0, "base_reqsize") }
		k = mode_of(alg) SUBSEP depth SUBSEP size
		OV[k] = ops_s; OVB[k] = kv($0, "base_ops_s"); OVR[k] = kv($0, "ratio_median")
		OVT[k] = kv($0, "ratio"); OVS[k] = kv($0, "ratio_min") "-" kv($0, "ratio_max")
		OVG[k] = kv($0, "groups")
		if (!(size in SZ)) { SZ[size] = 1; sizes[++nsizes] = size }
		if (!(depth in DP)) { DP[depth] = 1; depths[++ndepths] = depth }
	} else if (sec == "scaling") {
		k = size SUBSEP impl_of(alg)
		SC1[k] = ops_s; SC2[k] = kv($0, "base_ops_s"); SCR[k] = kv($0, "ratio_median")
		SCS[k] = kv($0, "ratio_min") "-" kv($0, "ratio_max")
	} else if (sec == "scaling-overhead") {
		SOV[size] = kv($0, "ratio_median"); SOVE[size] = ops_s; SOVB[size] = kv($0, "base_ops_s")
		SOVS[size] = kv($0, "ratio_min") "-" kv($0, "ratio_max")
	} else if (sec == "virtio") {
		split(label, p, "/")
		k = p[1] SUBSEP (p[2] + 0) SUBSEP (p[3] + 0)
		VI[k] += ops_s; VIn[k]++
		VIK[(p[2] + 0) SUBSEP (p[3] + 0)] = 1
	} else if (sec == "alloc") {
		AOPS[label] = kv($0, "ops")
		if (!(label in AL)) { AL[label] = 1; alabels[++nalabels] = label }
	} else if (sec == "mix" || sec == "balancers") {
		# label set/lb; the mix against the better of its devices alone
		split(label, p, "/")
		set = p[1]; lb = p[2]
		k = set SUBSEP lb SUBSEP size SUBSEP depth
		MX[k] = kv($0, "ratio_median"); MXG[k] = kv($0, "groups")
		MXS[k] = kv($0, "ratio_min") "-" kv($0, "ratio_max")
		best = kv($0, "best")
		MXV[k] = kv($0, "v0_ops_s"); MXB[k] = kv($0, "v" best "_ops_s")
		MXBD[k] = kv($0, "set" best); MXD[k] = kv($0, "dist")
		MX1[k] = kv($0, "v1_ops_s"); MX2[k] = kv($0, "v2_ops_s")
		if (!(set in MSET)) { MSET[set] = 1; msets[++nmsets] = set }
		if (!((lb) in MLB)) { MLB[lb] = 1; mlbs[++nmlbs] = lb }
		if (!(size in MSZ)) { MSZ[size] = 1; msizes[++nmsizes] = size }
		if (!(depth in MDP)) { MDP[depth] = 1; mdepths[++nmdepths] = depth }
	} else if (sec == "shares") {
		SHOPS = ops_s
	}
	next
}
FILENAME ~ /main\.log$/ && /^AF / {
	if (kv($0, "errors") + 0 || kv($0, "mismatches") + 0 || $0 ~ /afalg_bench: /) {
		bad++
		badlines = badlines "\n#   " substr($0, 1, 200)
	}
	checked += kv($0, "checked"); runs++
	if (kv($0, "section") != "afalg") next
	label = kv($0, "label"); size = kv($0, "size") + 0
	k = label SUBSEP size
	best = kv($0, "best")
	AR[k] = kv($0, "ratio_median"); AG[k] = kv($0, "groups")
	AS[k] = kv($0, "ratio_min") "-" kv($0, "ratio_max")
	AV[k] = kv($0, "v0_ops_s"); AB[k] = kv($0, "v" best "_ops_s")
	ABN[k] = kv($0, "v" best); AVN[k] = kv($0, "v0")
	AX[k] = kv($0, "v1_ops_s") "/" kv($0, "v2_ops_s")
	if (!(label in AL2)) { AL2[label] = 1; aflabels[++naflabels] = label }
	if (!(size in ASZ)) { ASZ[size] = 1; afsizes[++nafsizes] = size }
	next
}
FILENAME ~ /main\.log$/ && /^SHARE / {
	print > (dir "/shares.raw")
	SHN++
	for (i = 3; i <= NF; i++) {
		split($i, q, ":")
		# counters of a device that was reloaded start again from 0
		if (!((q[1]) in SHM0)) SHM0[q[1]] = q[3]
		if (q[3] + 0 < SHML[q[1]] + 0) SHMA[q[1]] += SHML[q[1]]
		SHML[q[1]] = q[3]
	}
	SHMIG = ""
	for (d in SHM0)
		SHMIG = SHMIG sprintf("%s%s %d", SHMIG == "" ? "" : ", ", d, SHMA[d] + SHML[d] - SHM0[d])
	next
}
FILENAME ~ /main\.log$/ && /^EVENT / {
	print > (dir "/shares.events")
	next
}
FILENAME ~ /main\.log$/ && /^ALLOC / {
	label = kv($0, "label"); scope = kv($0, "scope")
	ALLOC[label, scope] += kv($0, "hits")
	next
}
FILENAME ~ /main\.log$/ && /^PROF / {
	label = kv($0, "label")
	if ($0 ~ /# by owned samples/) { inowned[label] = 1; next }
	if ($0 ~ /# by inclusive samples/) { inowned[label] = 0; next }
	if ($0 ~ /ns per request/) {
		s = $0; sub(/.*dropped, /, "", s); sub(/ ns per request.*/, "", s)
		PNS[label] = s + 0
		s = $0; sub(/.*: /, "", s); sub(/ samples.*/, "", s)
		PSAMP[label] = s + 0
	}
	if (inowned[label] && $0 ~ /\| +[0-9]/) {
		# | self% self incl% incl owned% owned ns/op function [module]
		s = $0; sub(/^PROF label=[^|]*\| */, "", s)
		split(s, f, " ")
		owned = f[6]; fn = f[8]; mod = (s ~ /\[/) ? s : ""
		sub(/.*\[/, "", mod); sub(/\].*/, "", mod)
		grp = "kernel"
		if (mod == "acrypto" || mod == "acrypto_soft") grp = "engine"
		else if (mod == "aesni_intel" || mod == "crypto_simd" || fn ~ /^(skcipher_walk|crypto_skcipher_)/) grp = "aes"
		else if (mod == "acrypto_loadgen") grp = "loadgen"
		else if (mod == "af_alg" || mod == "algif_skcipher") grp = "afalg"
		PG[label, grp] += owned
		PF[label, fn] = f[7]
		if (grp == "engine") {
			PE[label] = PE[label] sprintf("%s%s %d", PE[label] == "" ? "" : ", ", fn, f[7])
		}
	}
	next
}
FILENAME ~ /main\.log$/ && /^INFO / {
	if ($0 ~ /soft_impl=/) { s = $0; sub(/.*soft_impl="/, "", s); sub(/".*/, "", s); softimpl = s }
	if ($0 ~ /guest_loadavg_end=/) { s = $0; sub(/.*guest_loadavg_end="/, "", s); sub(/".*/, "", s); gload = s }
	next
}

# ---- the 1-CPU guest ----
FILENAME ~ /smp1\.log$/ && /^LG / && kv($0, "section") == "scaling" {
	k = (kv($0, "size") + 0) SUBSEP impl_of(kv($0, "alg"))
	S1[k] += kv($0, "ops_s"); S1n[k]++
	next
}

# ---- virtio-bench.sh ----
FILENAME ~ /virtio-bench\.txt$/ && /^BENCH / {
	k = (kv($0, "size") + 0) SUBSEP (kv($0, "depth") + 0) SUBSEP kv($0, "keys")
	if (!(k in VK)) { VK[k] = 1; vkeys[++nvkeys] = k }
	d = kv($0, "driver")
	V[k, d] += kv($0, "ops_s"); Vn[k, d]++
	VL[k, d] = VL[k, d] " " kv($0, "ops_s")
	verr[d] += kv($0, "errors")
	next
}

# ---- model-bench.sh ----
FILENAME ~ /model-bench\.txt$/ && /^BENCH / {
	k = kv($0, "case") SUBSEP kv($0, "mode") SUBSEP (kv($0, "depth") + 0) SUBSEP (kv($0, "queues") + 0)
	ML[k] = ML[k] " " kv($0, "ops_s")
	merr += kv($0, "errors")
	next
}

END {
	# 1. overhead
	for (m = 1; m <= 2; m++) {
		mode = m == 1 ? "cbc" : "xts"
		for (di = 1; di <= ndepths; di++) {
			depth = depths[di]
			for (si = 1; si <= nsizes; si++) {
				size = sizes[si]
				k = mode SUBSEP depth SUBSEP size
				if (!(k in OVR) || OVR[k] == "") continue
				target = ovtarget(size)
				r = OVR[k] + 0
				if (target != "") {
					OVT_n[size]++
					if (!(size in OVT_min) || r < OVT_min[size]) OVT_min[size] = r
				}
				add("overhead", mode " " human(size) ", " depth " in flight", size, depth, 1,
				    "acrypto-" mode "-aes", OV[k], mode "-aes-aesni", OVB[k],
				    "ops/s", f2(r), target == "" ? "" : ">=" target, judge(r, target),
				    sprintf("soft device; median of %d interleaved groups (range %s); overall %s", OVG[k], OVS[k], OVT[k]))
				PLOT_OV[mode, depth, size] = r
				if (mode == "cbc" && depth == depths[ndepths]) OV1[size] = r
			}
		}
	}
	for (size = 1; size <= 65536; size *= 2) {
		if (!OVT_n[size]) continue
		tg = ovtarget(size)
		tgt_add(sprintf("in-kernel engine/aesni (sole path) %s >= %s, worst of %d cbc/xts rows", human(size), tg, OVT_n[size]),
		       f2(OVT_min[size]), judge(OVT_min[size], tg))
	}

	# AF_ALG, one synchronous stream, interleaved in one process
	for (li = 1; li <= naflabels; li++) {
		label = aflabels[li]
		for (si = 1; si <= nafsizes; si++) {
			size = afsizes[si]
			k = label SUBSEP size
			if (!(k in AR) || AR[k] == "") continue
			r = AR[k] + 0
			if (label == "engine/soft") {
				tg = ovtarget(size)
				add("afalg", "AF_ALG cbc " human(size) ", engine (soft alone) / aesni", size, 1, 1,
				    "acrypto-cbc-aes", AV[k], "cbc-aes-aesni", AB[k], "ops/s", f2(r),
				    tg == "" ? "" : ">=" tg, judge(r, tg),
				    sprintf("afalg_bench: sendmsg+read, 1 in flight, sole-device path; median of %d groups (range %s)", AG[k], AS[k]))
				AFE[size] = r
				tgt_add(sprintf("AF_ALG engine/aesni (sole path) %s >= %s", human(size), tg), f2(r), judge(r, tg))
			} else if (label ~ /tfm-per-request/) {
				add("afalg", "AF_ALG cbc " human(size) ", new tfm+key per request", size, 1, 1,
				    "acrypto-cbc-aes", AV[k], "cbc-aes-aesni", AB[k], "ops/s", f2(r), "", "",
				    sprintf("afalg_bench -K (socket, bind, setkey, accept per request); soft alone; median of %d groups (range %s)", AG[k], AS[k]))
				AFK[size] = r
			} else {
				split(label, p, "/")
				add("afalg", "AF_ALG cbc " human(size) ", " p[2] " / best alone", size, 1, 1,
				    "mix simple_lb", AV[k], "best: " ABN[k], AB[k], "ops/s", f2(r), ">=0.95", judge(r, 0.95),
				    sprintf("afalg_bench, 1 in flight, mix and each device alone interleaved; alone %s ops/s; median of %d groups (range %s)", AX[k], AG[k], AS[k]))
				AFM[size] = r
				tgt_add(sprintf("AF_ALG %s / faster device %s >= 0.95", p[2], human(size)), f2(r) " (best " ABN[k] ")", judge(r, 0.95))
			}
		}
	}

	# 2. scaling
	for (size = 1; size <= 65536; size *= 2) {
		for (m = 1; m <= 2; m++) {
			impl = m == 1 ? "engine" : "direct"
			k = size SUBSEP impl
			if (!(k in SCR) || SCR[k] == "") continue
			r = SCR[k] + 0
			add("scaling", "cbc " human(size) ", 1 -> 2 threads (2-CPU guest)", size, 16, "1->2",
			    (impl == "engine" ? "acrypto-cbc-aes" : "cbc-aes-aesni") " 2 thr", SC2[k],
			    "same, 1 thr", SC1[k], "ops/s", f2(r),
			    impl == "engine" ? ">=1.8" : "", impl == "engine" ? judge(r, 1.8) : "",
			    (impl == "engine" ? "soft device" : "the kernel alone: what the host gives two vCPUs") \
			    "; 1 and 2 threads interleaved, median (range " SCS[k] ")")
			PLOT_SC[size, impl] = r
		}
		if (size in SOV && (size in OV1)) {
			r = SOV[size] / OV1[size]
			add("scaling", "cbc " human(size) ", engine/kernel at 2 threads over at 1", size, 16, "1->2",
			    "acrypto/aesni 2 thr", SOV[size], "same, 1 thr", f2(OV1[size]),
			    "ratio", f2(r), "", "",
			    "1.00: the engine scales exactly as the kernel does; 2-thread ratio range " SOVS[size])
			PLOT_SCR[size] = r
		}
		for (m = 1; m <= 2; m++) {
			impl = m == 1 ? "engine" : "direct"
			k1 = size SUBSEP impl
			if (!S1n[k1] || !S1[k1] || SC2[k1] == "") continue
			a = S1[k1] / S1n[k1]; b = SC2[k1]
			add("scaling", "cbc " human(size) ", 1-CPU guest -> 2-CPU guest", size, 16, "1->2",
			    (impl == "engine" ? "acrypto-cbc-aes" : "cbc-aes-aesni") " 2 CPUs", b,
			    "1 CPU", sprintf("%.0f", a), "ops/s", f2(b / a), "", "",
			    "cross-boot: 2 threads in the 2-CPU guest against 1 in the 1-CPU guest; host load may differ")
		}
	}

	# 3. allocations per request
	for (i = 1; i <= nalabels; i++) {
		label = alabels[i]
		split(label, p, "/")
		if (p[1] == "cbc-aes-aesni")
			base[p[2] + 0] = label
	}
	for (i = 1; i <= nalabels; i++) {
		label = alabels[i]
		split(label, p, "/")
		if (p[1] == "cbc-aes-aesni") continue
		dev = p[2]; size = p[3] + 0
		ops = AOPS[label]
		if (!ops) continue
		# The generator threads and every other context but the harness.
		eg = ALLOC[label, "loadgen"] / ops
		eo = ALLOC[label, "other"] / ops
		e = eg + eo
		ours = p[1] ~ /^acrypto-/
		bl = ours ? base[size] : ""
		bops = bl != "" ? AOPS[bl] : 0
		bv = bops ? sprintf("%.4f", (ALLOC[bl, "loadgen"] + ALLOC[bl, "other"]) / bops) : "-"
		if (ours) { nalloc++; if (e > amax) amax = e }
		add("alloc", "cbc " human(size) ", " (ours ? dev " device" : "Debian " p[1]) ", per request", size, 16, 1,
		    ours ? "acrypto-cbc-aes" : p[1], sprintf("%.4f", e), bops ? "cbc-aes-aesni" : "-", bv,
		    "allocs/req", "-", ours ? "0" : "", ours ? (e == 0 ? "met" : "MISSED") : "",
		    sprintf("kmalloc+kmem_cache_alloc+pages over %d requests: %.4f/req in the generator threads, %.4f/req in other contexts (kworkers, softirq on other CPUs)", ops, eg, eo))
	}

	# 4a. our virtio driver against Debian virtio_crypto, driven by the generator
	for (depth = 1; depth <= 256; depth *= 2) {
		for (size = 1; size <= 65536; size *= 2) {
			if (!((size, depth) in VIK)) continue
			ko = "ours" SUBSEP size SUBSEP depth; kd = "debian" SUBSEP size SUBSEP depth
			if (!VIn[ko] || !VIn[kd] || !VI[kd]) continue
			o = VI[ko] / VIn[ko]; d = VI[kd] / VIn[kd]
			add("virtio", "cbc " human(size) ", " depth " in flight, in-kernel generator", size, depth, 1,
			    "virtio_acrypto", sprintf("%.0f", o), "virtio_crypto", sprintf("%.0f", d),
			    "ops/s", f2(o / d), "", "",
			    "same device; ours before and after Debian (mean of 2), engine bound to virtio_crypto0")
		}
	}

	# 4. ours against Debian virtio_crypto
	for (i = 1; i <= nvkeys; i++) {
		k = vkeys[i]
		split(k, p, SUBSEP)
		if (!Vn[k, "ours"] || !Vn[k, "debian"] || !V[k, "debian"]) continue
		o = median(VL[k, "ours"]); d = median(VL[k, "debian"])
		if (!d) continue
		cs = "cbc " human(p[1]) ", " p[2] " in flight, AF_ALG" (p[3] == "per-request" ? ", new key per req" : "")
		add("virtio", cs, p[1], p[2], 1, "virtio_acrypto", sprintf("%.0f", o),
		    "virtio_crypto", sprintf("%.0f", d), "ops/s", f2(o / d), "", "",
		    "virtio-bench.sh: AF_ALG, same device, median of its passes")
		if (p[3] == "one") PLOT_V[p[2], p[1]] = o / d
		if (!((p[2]) in VDP)) { VDP[p[2]] = 1; vdepths[++nvdepths] = p[2] }
	}

	# 4b. the device model: stateless against session mode, data queues
	for (d = 1; d <= 16; d += 15) {
		k1 = "keys" SUBSEP "stateless" SUBSEP d SUBSEP 1
		k2 = "keys" SUBSEP "session" SUBSEP d SUBSEP 1
		k3 = "keys" SUBSEP "debian" SUBSEP d SUBSEP 1
		if (!(k1 in ML) || !(k2 in ML)) continue
		o = median(ML[k1]); b = median(ML[k2])
		if (!b) continue
		add("model", "cbc 64 B, " d " in flight, AF_ALG, new key per req", 64, d, 1,
		    "stateless", sprintf("%.0f", o), "session mode", sprintf("%.0f", b),
		    "ops/s", f2(o / b), d == 16 ? ">=3" : "", d == 16 ? judge(o / b, 3) : "",
		    "model-bench.sh: virtio_acrypto on virtio_crypto_model, revision 1")
		if (d == 16)
			tgt_add("(issue 12) stateless >= 3x session mode, many keys (64 B, new key per request)",
			        sprintf("%.2f", o / b), judge(o / b, 3))
		if ((k3 in ML) && median(ML[k3]))
			add("model", "cbc 64 B, " d " in flight, AF_ALG, new key per req", 64, d, 1,
			    "stateless", sprintf("%.0f", o), "virtio_crypto", sprintf("%.0f", median(ML[k3])),
			    "ops/s", f2(o / median(ML[k3])), "", "",
			    "model-bench.sh: Debian virtio_crypto (session mode) on the same model")
	}
	k1 = "kkeys" SUBSEP "stateless" SUBSEP 2 SUBSEP 1
	k2 = "kkeys" SUBSEP "session" SUBSEP 2 SUBSEP 1
	if ((k1 in ML) && (k2 in ML) && median(ML[k2]))
		add("model", "cbc 16 B, 2 threads, in-kernel, setkey per req", 16, 2, 2,
		    "stateless", sprintf("%.0f", median(ML[k1])), "session mode",
		    sprintf("%.0f", median(ML[k2])), "ops/s", f2(median(ML[k1]) / median(ML[k2])),
		    "", "", "model-bench.sh: vac_test stream")
	kq = "queues" SUBSEP "stateless" SUBSEP 8 SUBSEP 1
	for (nq = 2; nq <= 4; nq += 2) {
		k1 = "queues" SUBSEP "stateless" SUBSEP 8 SUBSEP nq
		if (!(k1 in ML) || !(kq in ML) || !median(ML[kq])) continue
		add("model", "cbc 4 KiB, 2 CPUs x 8 in flight, " nq " data queues" (nq > 2 ? " (2 used)" : ""), 4096, 8, 2,
		    nq " queues", sprintf("%.0f", median(ML[k1])), "1 queue",
		    sprintf("%.0f", median(ML[kq])), "ops/s", f2(median(ML[k1]) / median(ML[kq])),
		    "", "", "model-bench.sh: data queue scaling, stateless device")
	}

	# 5. device mixes: each balancer against the better device alone
	for (i = 1; i <= nmsets; i++) {
		set = msets[i]
		ncell = 0; nmet = 0; nfloor = 0; worst = ""
		for (si = 1; si <= nmsizes; si++) {
			size = msizes[si]
			for (di = 1; di <= nmdepths; di++) {
				depth = mdepths[di]
				k = set SUBSEP "simple_lb" SUBSEP size SUBSEP depth
				if (!(k in MX) || MX[k] == "") continue
				r = MX[k] + 0
				st = r >= 1.0 ? "met" : r >= 0.95 ? "floor" : "MISSED"
				ncell++; nmet += r >= 1.0; nfloor += r >= 0.95
				if (worst == "" || r < worst + 0) { worst = r; wcell = human(size) "/" depth }
				add("mix", set ", " human(size) ", " depth " in flight", size, depth, 1,
				    "simple_lb", MXV[k], "best: " MXBD[k], MXB[k], "ops/s", f2(r), ">=1.00", st,
				    sprintf("default balancer; mix split %s; alone %s/%s ops/s; median of %d groups (range %s)", MXD[k], MX1[k], MX2[k], MXG[k], MXS[k]))
				PLOT_MX[i, si, di] = r
			}
		}
		if (ncell)
			tgt_add(sprintf("default balancer, %s: every cell >= 1.0 (floor 0.95)", set),
			       sprintf("%d/%d cells >= 1.0, %d/%d >= 0.95, worst %s (%s)", nmet, ncell, nfloor, ncell, f2(worst), wcell),
			       nfloor < ncell ? "MISSED" : nmet < ncell ? "MISSED 1.0 (floor met)" : "met")
		setname[i] = set
	}
	split("simple_lb adaptive_lb size_lb rr_lb failover_lb", lbs, " ")
	for (i = 1; i <= nmsets; i++) {
		set = msets[i]
		for (j = 1; j <= 5; j++) {
			k = set SUBSEP lbs[j] SUBSEP 4096 SUBSEP 16
			if (!(k in MX) || MX[k] == "") continue
			r = MX[k] + 0
			tg = ""
			if (lbs[j] == "adaptive_lb")
				tg = set ~ /virtio/ ? "1.15" : set ~ /testdev0\+testdev1/ ? "1.4" : ""
			add("balancers", set ": " lbs[j] ", 4 KiB, 16 in flight", 4096, 16, 1,
			    lbs[j], MXV[k], "best: " MXBD[k], MXB[k], "ops/s", f2(r),
			    tg == "" ? "" : ">=" tg, judge(r, tg),
			    sprintf("mix split %s; alone %s/%s ops/s; median of %d groups (range %s)", MXD[k], MX1[k], MX2[k], MXG[k], MXS[k]))
			PLOT_B[i, j] = r
			if (tg != "")
				tgt_add(sprintf("adaptive_lb %s, 4 KiB, 16 in flight >= %s", set, tg), f2(r), judge(r, tg))
		}
	}

	# 6. where the time goes (the profile, engine and kernel interleaved)
	for (size = 1; size <= 65536; size *= 2) {
		le = "acrypto-cbc-aes/" size; ld = "cbc-aes-aesni/" size
		if (!PNS[le] || !PSAMP[le]) continue
		tot = PSAMP[le]
		eng = PNS[le] * PG[le, "engine"] / tot
		aes = PNS[le] * PG[le, "aes"] / tot
		daes = PSAMP[ld] ? PNS[ld] * PG[ld, "aes"] / PSAMP[ld] : 0
		add("profile", "cbc " human(size) ": CPU time per request", size, 16, 1,
		    "acrypto-cbc-aes", PNS[le], PNS[ld] ? "cbc-aes-aesni" : "-", PNS[ld] ? PNS[ld] : "-",
		    "ns/req", PNS[ld] ? f2(PNS[ld] / PNS[le]) : "-", "", "",
		    sprintf("engine code %.0f ns (%.0f%%), AES and skcipher walk %.0f ns (kernel alone: %.0f ns), generator %.0f%%; engine functions by owned samples: %s",
			    eng, 100 * PG[le, "engine"] / tot, aes, daes, 100 * PG[le, "loadgen"] / tot,
			    PE[le] == "" ? "-" : PE[le]))
	}

	# 6a. the general path (soft + a slow test device) against the
	# sole-device path (soft alone) for a small request the CPU does
	le = "soft+testdev1/64"; ld = "soft/64"
	if (PNS[le] && PSAMP[le] && PNS[ld] && PSAMP[ld])
		add("profile", "cbc 64 B, 1 in flight: general path (mix) / sole path", 64, 1, 1,
		    "soft+testdev1", PNS[le], "soft alone", PNS[ld], "ns/req", f2(PNS[ld] / PNS[le]), "", "",
		    sprintf("engine code %.0f against %.0f ns; mix engine functions by owned samples: %s",
			    PNS[le] * PG[le, "engine"] / PSAMP[le], PNS[ld] * PG[ld, "engine"] / PSAMP[ld],
			    PE[le] == "" ? "-" : PE[le]))

	# 6b. the same through AF_ALG: the CPU of afalg_bench sampled
	for (size = 1; size <= 65536; size *= 2) {
		le = "afalg-acrypto-cbc-aes/" size; ld = "afalg-cbc-aes-aesni/" size
		if (!PNS[le] || !PSAMP[le] || !PNS[ld] || !PSAMP[ld]) continue
		add("profile", "AF_ALG cbc " human(size) ": CPU time per request", size, 1, 1,
		    "acrypto-cbc-aes", PNS[le], "cbc-aes-aesni", PNS[ld], "ns/req", f2(PNS[ld] / PNS[le]), "", "",
		    sprintf("engine code %.0f ns; AF_ALG (af_alg, algif_skcipher) %.0f ns against %.0f ns, of which af_alg_alloc_areq %d against %d ns (the request context, %s); AES %.0f against %.0f ns",
			    PNS[le] * PG[le, "engine"] / PSAMP[le],
			    PNS[le] * PG[le, "afalg"] / PSAMP[le], PNS[ld] * PG[ld, "afalg"] / PSAMP[ld],
			    PF[le, "af_alg_alloc_areq"], PF[ld, "af_alg_alloc_areq"],
			    REQSZ == "" ? "reqsize unknown" : "reqsize " REQSZ " against " BREQSZ " bytes, zeroed",
			    PNS[le] * PG[le, "aes"] / PSAMP[le], PNS[ld] * PG[ld, "aes"] / PSAMP[ld]))
	}

	# allocations and outputs
	if (nalloc)
		tgt_add(sprintf("0 allocations per request in the engine (%d runs: sole path, virtio, testdev, mixes)", nalloc),
		       sprintf("worst %.4f/req", amax), amax == 0 ? "met" : "MISSED")
	tgt_add("0 wrong outputs (generator and afalg_bench verify)",
	       sprintf("%d outputs checked in %d runs, %d runs with errors or mismatches", checked, runs, bad),
	       bad ? "MISSED" : "met")

	# ---- output ----
	csv = dir "/bench.csv"
	print "section,case,size,depth,threads,subject,subject_value,baseline,baseline_value,unit,ratio,target,status,note" > csv
	for (i = 1; i <= n; i++) {
		note = R_note[i]; gsub(/"/, "\"\"", note)
		printf "%s,\"%s\",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,\"%s\"\n", R_sec[i], R_case[i], R_size[i],
		       R_depth[i], R_thr[i], R_subj[i], R_sval[i], R_base[i], R_bval[i], R_unit[i],
		       R_ratio[i], R_target[i], R_status[i], note > csv
	}

	tab = dir "/table.txt"
	while ((getline line < meta) > 0) {
		if (line ~ /^(date|git|host_load_start|host_load_end|qemu)=/)
			printf "# %s\n", line > tab
	}
	printf "# guest load at the end of the main run: %s; soft device: %s\n", gload, softimpl > tab
	printf "# every ratio is subject / baseline from the same guest boot, except cross-boot rows\n" > tab
	fmt = "%-9s %-50s %-20s %10s %-22s %10s %-10s %6s %-6s %s\n"
	printf fmt, "section", "case", "subject", "value", "baseline", "value", "unit", "ratio", "target", "status" > tab
	for (i = 1; i <= n; i++) {
		printf fmt, R_sec[i], R_case[i], R_subj[i], R_sval[i], R_base[i], R_bval[i],
		       R_unit[i], R_ratio[i], R_target[i], R_status[i] > tab
	}
	printf "# outputs verified against a synchronous reference: %d in %d runs; runs with errors or mismatches: %d%s\n",
	       checked, runs, bad, badlines > tab
	if (SHN)
		tgt_add("per-device shares over time while devices come and go (shares.png)",
		       sprintf("%d samples; migrated %s", SHN, SHMIG), "drawn")
	printf "#\n# Targets of issues #10 and #12 (ratios in this guest boot; a missed target is a result)\n" > tab
	for (i = 1; i <= nt; i++)
		printf "%-8s %-78s %s\n", T_stat[i] ~ /MISSED/ ? "MISSED" : T_stat[i], T_what[i], T_meas[i] > tab
	printf "# %d targets, %d missed\n", nt, tmissed > tab
	if (verr["ours"] + verr["debian"])
		printf "# virtio-bench errors: ours %d, debian %d\n", verr["ours"], verr["debian"] > tab
	if (merr)
		printf "# model-bench errors and mismatches: %d\n", merr > tab
	close(tab)

	# plot data
	pd = dir "/plot-overhead.dat"
	printf "# size cbc_d1 cbc_dN xts_d1 xts_dN\n" > pd
	for (si = 1; si <= nsizes; si++) {
		size = sizes[si]
		printf "%s", size > pd
		for (m = 1; m <= 2; m++) {
			mode = m == 1 ? "cbc" : "xts"
			for (di = 1; di <= ndepths; di++) {
				v = ((mode, depths[di], size) in PLOT_OV) ? PLOT_OV[mode, depths[di], size] : "NaN"
				printf " %s", v > pd
			}
		}
		printf "\n" > pd
	}
	pd = dir "/plot-virtio.dat"
	printf "# size depth1 depthN\n" > pd
	for (size = 16; size <= 65536; size *= 2) {
		if (!((vdepths[1], size) in PLOT_V)) continue
		printf "%s %s %s\n", size, PLOT_V[vdepths[1], size],
		       ((vdepths[2], size) in PLOT_V) ? PLOT_V[vdepths[2], size] : "NaN" > pd
	}
	pd = dir "/plot-balancers.dat"
	printf "lb %s %s %s\n", setname[1], setname[2], setname[3] > pd
	for (j = 1; j <= 5; j++) {
		printf "%s %s %s %s\n", lbs[j], ((1, j) in PLOT_B) ? PLOT_B[1, j] : "NaN",
		       ((2, j) in PLOT_B) ? PLOT_B[2, j] : "NaN", ((3, j) in PLOT_B) ? PLOT_B[3, j] : "NaN" > pd
	}
	pd = dir "/plot-mix.dat"
	printf "cell %s %s %s\n", setname[1], setname[2], setname[3] > pd
	for (si = 1; si <= nmsizes; si++) {
		for (di = 1; di <= nmdepths; di++) {
			printf "\"%s/%s\"", human(msizes[si]), mdepths[di] > pd
			for (i = 1; i <= 3; i++)
				printf " %s", ((i, si, di) in PLOT_MX) ? PLOT_MX[i, si, di] : "NaN" > pd
			printf "\n" > pd
		}
	}
	pd = dir "/plot-afalg.dat"
	printf "# size engine/aesni tfm-per-request mix/best\n" > pd
	for (size = 1; size <= 65536; size *= 2) {
		if (!(size in AFE) && !(size in AFM)) continue
		printf "%s %s %s %s\n", size, (size in AFE) ? AFE[size] : "NaN",
		       (size in AFK) ? AFK[size] : "NaN", (size in AFM) ? AFM[size] : "NaN" > pd
	}
	pd = dir "/plot-scaling.dat"
	printf "# case engine direct relative\n" > pd
	for (size = 1; size <= 65536; size *= 2) {
		if (!((size, "engine") in PLOT_SC)) continue
		printf "\"%s\" %s %s %s\n", human(size), PLOT_SC[size, "engine"],
		       ((size, "direct") in PLOT_SC) ? PLOT_SC[size, "direct"] : "NaN",
		       (size in PLOT_SCR) ? PLOT_SCR[size] : "NaN" > pd
	}
	d1 = ndepths >= 2 ? depths[2] : 16
	d2 = nvdepths >= 2 ? vdepths[2] : 16
	printf "%s %s\n", d1, d2 > (dir "/plot-depths.txt")
}
' "$RAW/main.log" "$RAW/smp1.log" "$RAW/virtio-bench.txt" "$RAW/model-bench.txt"

cat "$DIR/table.txt"

# has_data FILE: a data file with at least one row of numbers
has_data() { grep -q '^[^#l]' "$1" 2>/dev/null; }

# A panel without data says so instead of failing the whole plot.
empty_panel() {
	cat <<EOF
set title "$1"
unset logscale x
set xrange [0:1]
set yrange [0:1]
set label 10 "no data in this run" at 0.5,0.5 center
plot -1 notitle
unset label 10
set autoscale x
EOF
}

plot_script() {
	local depth=$1 vdepth=$2

	cat <<EOF
set terminal pngcairo size 1400,1500 font "sans,10" noenhanced
set output "$DIR/bench.png"
set multiplot layout 3,2 title "acrypto benchmarks ($(sed -n 's/^date=//p' "$DIR/meta.txt")): ratios within one guest boot"
set grid
set key bottom right
EOF
	if has_data "$DIR/plot-overhead.dat"; then
		cat <<EOF
set title "Engine cost, sole-device path: acrypto-*-aes (soft) / *-aes-aesni"
set logscale x 2
set xlabel "request size (bytes)"
set ylabel "throughput ratio"
set yrange [0:1.3]
set arrow 1 from 4096,0.95 to 65536,0.95 nohead lw 2 dt 2 lc rgb "red"
set arrow 2 from 48,0.85 to 80,0.85 nohead lw 2 dt 2 lc rgb "red"
set arrow 3 from 12,0.75 to 20,0.75 nohead lw 2 dt 2 lc rgb "red"
plot "$DIR/plot-overhead.dat" using 1:2 with linespoints title "cbc, 1 in flight", \\
     "" using 1:3 with linespoints title "cbc, $depth in flight", \\
     "" using 1:4 with linespoints title "xts, 1 in flight", \\
     "" using 1:5 with linespoints title "xts, $depth in flight", \\
     1 notitle lc rgb "gray"
unset arrow 1
unset arrow 2
unset arrow 3
EOF
	else
		empty_panel "Engine cost"
	fi
	if has_data "$DIR/plot-afalg.dat"; then
		cat <<EOF
set title "AF_ALG, one synchronous stream of cbc(aes)"
set logscale x 2
set xlabel "request size (bytes)"
set ylabel "throughput ratio"
set yrange [0:1.3]
set arrow 1 from 4096,0.95 to 65536,0.95 nohead lw 2 dt 2 lc rgb "red"
set arrow 2 from 48,0.85 to 80,0.85 nohead lw 2 dt 2 lc rgb "red"
set arrow 3 from 12,0.75 to 20,0.75 nohead lw 2 dt 2 lc rgb "red"
plot "$DIR/plot-afalg.dat" using 1:2 with linespoints title "engine (soft alone) / aesni", \\
     "" using 1:3 with linespoints title "same, new transform per request", \\
     "" using 1:4 with linespoints title "soft+virtio (simple_lb) / faster alone", \\
     1 notitle lc rgb "gray"
unset arrow 1
unset arrow 2
unset arrow 3
EOF
	else
		empty_panel "AF_ALG"
	fi
	cat <<EOF
unset logscale x
set xlabel ""
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.6 border -1
set boxwidth 0.9
set yrange [0:*]
set key top left
EOF
	if has_data "$DIR/plot-mix.dat"; then
		cat <<EOF
set title "Default balancer: mix / best device alone (size / in flight)"
set ylabel "throughput ratio"
plot "$DIR/plot-mix.dat" using 2:xtic(1) title columnhead(2), \\
     "" using 3 title columnhead(3), "" using 4 title columnhead(4), \\
     1 with lines lw 2 lc rgb "red" title "target 1.0", \\
     0.95 with lines dt 2 lw 2 lc rgb "red" title "floor 0.95"
EOF
	else
		empty_panel "Default balancer"
	fi
	if has_data "$DIR/plot-balancers.dat"; then
		cat <<EOF
set title "Balancers, 4 KiB, $depth in flight: mix / best device alone"
set ylabel "throughput ratio"
plot "$DIR/plot-balancers.dat" using 2:xtic(1) title columnhead(2), \\
     "" using 3 title columnhead(3), "" using 4 title columnhead(4), \\
     1.15 with lines dt 2 lw 2 lc rgb "red" title "adaptive_lb: 1.15 (soft+virtio), 1.4 (test devices)", \\
     1.4 with lines dt 2 lw 2 lc rgb "red" notitle
EOF
	else
		empty_panel "Balancers"
	fi
	if has_data "$DIR/plot-scaling.dat"; then
		cat <<EOF
set title "1 -> 2 threads on a 2-CPU guest (cbc, soft)"
set ylabel "throughput ratio"
set yrange [0:2.2]
plot "$DIR/plot-scaling.dat" using 2:xtic(1) title "acrypto-cbc-aes", \\
     "" using 3 title "cbc-aes-aesni (what the host gives)", \\
     "" using 4 title "engine/kernel ratio, 2 thr over 1 thr", \\
     1.8 with lines dt 2 lw 2 lc rgb "red" title "target"
EOF
	else
		empty_panel "Scaling"
	fi
	if has_data "$DIR/plot-virtio.dat"; then
		cat <<EOF
set style data linespoints
set title "Ours / Debian virtio_crypto (AF_ALG, same device)"
set logscale x 2
set xlabel "request size (bytes)"
set ylabel "ops/s ratio"
set yrange [0:*]
set key bottom right
plot "$DIR/plot-virtio.dat" using 1:2 with linespoints title "1 in flight", \\
     "" using 1:3 with linespoints title "$vdepth in flight", 1 notitle lc rgb "gray"
EOF
	else
		empty_panel "Ours / Debian virtio_crypto"
	fi
	echo "unset multiplot"
}

# shares.dat from shares.raw: seconds since the first sample, then for
# each device its completions per second over the last interval, its
# share of them (percent), and its migrations since the start.
shares_data() {
	awk '
		{
			t = substr($2, 3) + 0
			if (!n++) t0 = t
			dt = t - tl
			line = sprintf("%.2f", t - t0)
			tot = 0
			for (i = 3; i <= NF; i++) {
				split($i, q, ":")
				d = i - 2; name[d] = q[1]
				c = q[2] + 0; m = q[3] + 0
				# a reloaded device counts from 0 again
				if (c < cl[d]) cl[d] = 0
				if (m < ml[d]) mb[d] += ml[d]
				if (n == 1) m0[d] = m
				rate[d] = n > 1 && dt > 0 ? (c - cl[d]) / dt : 0
				mig[d] = mb[d] + m - m0[d]
				cl[d] = c; ml[d] = m
				tot += rate[d]
			}
			nd = NF - 2
			for (d = 1; d <= nd; d++)
				line = line sprintf(" %.0f %.1f %d", rate[d], tot ? 100 * rate[d] / tot : 0, mig[d])
			tl = t
			if (n == 1) {
				hdr = "t"
				for (d = 1; d <= nd; d++)
					hdr = hdr " " name[d] "_per_s " name[d] "_pct " name[d] "_migrated"
				print hdr
			}
			print line
		}
	' "$DIR/shares.raw"
}

shares_plot() {
	local t0 names
	t0=$(awk 'NR == 1 { print substr($2, 3) }' "$DIR/shares.raw")
	names=$(awk 'NR == 1 { for (i = 3; i <= NF; i++) { split($i, q, ":"); printf "%s ", q[1] } }' "$DIR/shares.raw")
	# shellcheck disable=SC2086 # one word per device
	set -- $names
	cat <<EOF
set terminal pngcairo size 1400,900 font "sans,10" noenhanced
set output "$DIR/shares.png"
set multiplot layout 2,1 title "Per-device shares while devices come and go (4 KiB, 192 in flight, default balancer; $(sed -n 's/^date=//p' "$DIR/meta.txt"))"
set grid
set xlabel "seconds"
set key outside right
EOF
	# The events, as labelled lines on both panels.
	awk -v t0="$t0" '{
		t = substr($2, 3) - t0
		what = $0; sub(/^EVENT t=[^ ]* /, "", what); gsub(/"/, "", what)
		printf "set arrow %d from %.2f, graph 0 to %.2f, graph 1 nohead lc rgb \"black\" dt 2\n", NR, t, t
		printf "set label %d \"%s\" at %.2f, graph 0.97 left rotate by -90 font \",8\"\n", NR, what, t + 0.03
	}' "$DIR/shares.events" 2>/dev/null
	cat <<EOF
set title "Share of completions in each 100 ms (stacked)"
set ylabel "percent"
set yrange [0:100]
plot "$DIR/shares.dat" using 1:(\$3+\$6+\$9+\$12) with filledcurves x1 title "$1" lc rgb "#4477aa", \\
     "" using 1:(\$6+\$9+\$12) with filledcurves x1 title "$2" lc rgb "#66ccee", \\
     "" using 1:(\$9+\$12) with filledcurves x1 title "$3" lc rgb "#228833", \\
     "" using 1:12 with filledcurves x1 title "$4" lc rgb "#ccbb44"
set title "Completions per second (lines) and sessions migrated to each device since the start (steps, right axis)"
set ylabel "completions/s"
set yrange [0:*]
set y2label "migrated"
set y2range [0:*]
set y2tics
plot "$DIR/shares.dat" using 1:2 with lines lw 2 lc rgb "#4477aa" title "$1", \\
     "" using 1:5 with lines lw 2 lc rgb "#66ccee" title "$2", \\
     "" using 1:8 with lines lw 2 lc rgb "#228833" title "$3", \\
     "" using 1:11 with lines lw 2 lc rgb "#ccbb44" title "$4", \\
     "" using 1:4 axes x1y2 with steps dt 2 lc rgb "#4477aa" title "$1 migrated", \\
     "" using 1:7 axes x1y2 with steps dt 2 lc rgb "#66ccee" title "$2 migrated", \\
     "" using 1:10 axes x1y2 with steps dt 2 lc rgb "#228833" title "$3 migrated", \\
     "" using 1:13 axes x1y2 with steps dt 2 lc rgb "#ccbb44" title "$4 migrated"
unset multiplot
EOF
}

if command -v gnuplot >/dev/null; then
	read -r DEPTH VDEPTH <"$DIR/plot-depths.txt"
	plot_script "$DEPTH" "$VDEPTH" >"$DIR/plot.gp"
	gnuplot "$DIR/plot.gp" 2>"$DIR/plot.err" ||
		echo "bench-report: gnuplot failed, see $DIR/plot.err" >&2
	[ -s "$DIR/plot.err" ] || rm -f "$DIR/plot.err"
	if [ -s "$DIR/shares.raw" ]; then
		shares_data >"$DIR/shares.dat"
		shares_plot >"$DIR/shares.gp"
		gnuplot "$DIR/shares.gp" 2>"$DIR/shares.err" ||
			echo "bench-report: gnuplot failed, see $DIR/shares.err" >&2
		[ -s "$DIR/shares.err" ] || rm -f "$DIR/shares.err"
	fi
else
	echo "bench-report: gnuplot not installed, no plot" >&2
fi
