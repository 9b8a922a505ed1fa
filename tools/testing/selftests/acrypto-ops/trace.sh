#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# trace.sh - the engine's trace events in tracefs, on known workloads.
#
#  - events/acrypto/ holds the eleven events, with the documented fields;
#  - N AF_ALG requests with soft alone: N acrypto_submit, N acrypto_select
#    (dev=soft path=sole), N acrypto_start (sync), N acrypto_complete
#    (dev=soft err=0, latency_ns > 0 with every step timed), N acrypto_done
#    (err=0), in that order for each session, nothing else;
#  - two devices under rr_lb: path=balancer balancer=rr_lb, both devices
#    chosen;
#  - a test device that fails every request, first choice of failover_lb:
#    N acrypto_retry from=testdev0 reason=error err=-5, N failed and N good
#    completions, every request done with 0; the same with declines
#    (reason=decline err=-95);
#  - soft taken out of service and back: acrypto_device_state
#    online -> offline -> online; a test device leaving: online -> dying;
#  - no usable device: N acrypto_fallback with the kernel's driver, err=0;
#  - a full device (qlen 1, 1 s latency) and three concurrent requests:
#    acrypto_backlog_in and as many acrypto_backlog_out, of the same
#    sessions, which waited.

OPS=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib-ops.sh source-path=SCRIPTDIR
. "$OPS/lib-ops.sh"

tap_plan 38
T=$(mktemp -d /tmp/acrypto-trace.XXXXXX)
N=20

cleanup() {
	echo 0 >"$TRACE/events/acrypto/enable" 2>/dev/null
	[ -n "${SAMPLE:-}" ] && echo "$SAMPLE" >"$PARAM/cost_sample_every"
	rm -rf "$T"
}
trap cleanup EXIT

[ -d "$TRACE/events" ] || mount -t tracefs nodev "$TRACE" ||
	tap_bail "no tracefs"
unload_all || tap_bail "cannot unload the acrypto modules"
load_soft || tap_bail "cannot load acrypto_soft"
SAMPLE=$(val "$PARAM/cost_sample_every")

# trace_run FILE CMD...: CMD with the acrypto events on, their text to FILE.
trace_run() {
	_f=$1
	shift
	echo 0 >"$TRACE/tracing_on"
	echo >"$TRACE/trace"
	echo 1 >"$TRACE/events/acrypto/enable"
	echo 1 >"$TRACE/tracing_on"
	"$@" >"$_f.out" 2>&1
	_rc=$?
	echo 0 >"$TRACE/events/acrypto/enable"
	grep ' acrypto_[a-z_]*: ' "$TRACE/trace" >"$_f"
	return $_rc
}

# count FILE EVENT [KEY=VALUE]...: events EVENT with these fields.
count() {
	_f=$1 _e=$2
	shift 2
	awk -v ev="$_e:" -v want="$*" '
		BEGIN { n = split(want, w, " ") }
		{
			for (i = 1; i <= NF; i++) if ($i == ev) break
			if (i > NF) next
			for (j = 1; j <= n; j++) {
				hit = 0
				for (k = i + 1; k <= NF; k++) if ($k == w[j]) hit = 1
				if (!hit) next
			}
			c++
		}
		END { print c + 0 }' "$_f"
}

# Every event of FILE is one of the allowed names.
only() {	# file event...
	_f=$1
	shift
	awk -v ok=" $* " '{
		for (i = 1; i <= NF; i++) if ($i ~ /^acrypto_[a-z_]*:$/) break
		e = substr($i, 1, length($i) - 1)
		if (index(ok, " " e " ") == 0) { print "unexpected: " $0; bad = 1 }
	} END { exit bad }' "$_f"
}

# --- the events in tracefs ----------------------------------------------------

want="acrypto_backlog_in acrypto_backlog_out acrypto_complete acrypto_device_state acrypto_done acrypto_fallback acrypto_retry acrypto_select acrypto_start acrypto_submit"
have=$(cd "$TRACE/events/acrypto" && for e in acrypto_*; do echo "$e"; done | tr '\n' ' ')
check_eq "tracefs lists the acrypto events" "$want " "$have"
fmt() { grep -o 'field:[^;]*' "$TRACE/events/acrypto/$1/format" | awk '{ print $NF }' | tr '\n' ' '; }
check "acrypto_select has session, step, op, alg, mode, len, dev, path, balancer" \
	sh -c "echo '$(fmt acrypto_select)' | grep -q 'session step op alg mode len dev path balancer'"
check "acrypto_complete has dev, err, latency_ns" \
	sh -c "echo '$(fmt acrypto_complete)' | grep -q 'dev err latency_ns'"
check "acrypto_retry has from, to, reason, retries, err" \
	sh -c "echo '$(fmt acrypto_retry)' | grep -q 'from to reason retries err'"

# --- soft alone: the sole-device fast path -----------------------------------

echo 1 >"$PARAM/cost_sample_every"
trace_run "$T/sole" "$OPSREQ" cipher acrypto-cbc-aes $N 256
check "$N requests on soft alone" grep -q "^ok $N" "$T/sole.out"
check_eq "$N acrypto_submit, cbc-aes encrypt len=256" $N \
	"$(count "$T/sole" acrypto_submit cbc-aes encrypt len=256 steps=1)"
check_eq "$N acrypto_select dev=soft path=sole balancer=-" $N \
	"$(count "$T/sole" acrypto_select dev=soft path=sole balancer=-)"
check_eq "$N acrypto_start dev=soft sync" $N "$(count "$T/sole" acrypto_start dev=soft sync)"
check_eq "$N acrypto_complete dev=soft err=0" $N "$(count "$T/sole" acrypto_complete dev=soft err=0)"
check_eq "no acrypto_complete with latency_ns=0 (every step timed)" 0 \
	"$(count "$T/sole" acrypto_complete latency_ns=0)"
check_eq "$N acrypto_done err=0" $N "$(count "$T/sole" acrypto_done err=0)"
check "no other event" only "$T/sole" acrypto_submit acrypto_select acrypto_start \
	acrypto_complete acrypto_done
# A request context (and the session in it) is reused from one request
# to the next: per session, the five events repeat in order.
# shellcheck disable=SC2016 # awk's own variables
check "each session: submit, select, start, complete, done, in order" \
	awk -v n=$N '
	BEGIN { split("acrypto_submit: acrypto_select: acrypto_start: acrypto_complete: acrypto_done:", w, " ") }
	{
		for (i = 1; i <= NF; i++) if ($i ~ /^acrypto_/) e = $i
		for (i = 1; i <= NF; i++) if ($i ~ /^session=/) s = $i
		if (e != w[pos[s] + 1]) { print s, "got", e, "after", pos[s], "events"; bad = 1 }
		pos[s] = (pos[s] + 1) % 5
		if (!pos[s]) done++
	} END {
		for (s in pos) if (pos[s]) { print s, "incomplete"; bad = 1 }
		exit bad || done != n
	}' "$T/sole"
echo "$SAMPLE" >"$PARAM/cost_sample_every"

# --- two devices, a balancer --------------------------------------------------

# shellcheck disable=SC2119 # no parameters beyond the defaults
check "acrypto_testdev loads" load_testdev
check "rr_lb selected" write "$LBS" rr_lb
trace_run "$T/rr" "$OPSREQ" cipher acrypto-cbc-aes $N 256
check_eq "$N acrypto_select path=balancer balancer=rr_lb" $N \
	"$(count "$T/rr" acrypto_select path=balancer balancer=rr_lb)"
check "rr_lb chose soft and testdev0" \
	sh -c "[ $(count "$T/rr" acrypto_select dev=soft) -gt 0 ] && [ $(count "$T/rr" acrypto_select dev=testdev0) -gt 0 ]"
check_eq "testdev0 starts are not sync" 0 "$(count "$T/rr" acrypto_start dev=testdev0 sync)"
check_eq "$N acrypto_complete err=0" $N "$(count "$T/rr" acrypto_complete err=0)"

# --- a failing device ---------------------------------------------------------

check "failover_lb selected (primary: testdev0, hardware)" write "$LBS" failover_lb
td_set fail_every 1
trace_run "$T/fail" "$OPSREQ" cipher acrypto-cbc-aes $N 256
check "$N requests succeed although testdev0 fails them all" grep -q "^ok $N" "$T/fail.out"
check_eq "$N acrypto_retry from=testdev0 to=- reason=error err=-5" $N \
	"$(count "$T/fail" acrypto_retry from=testdev0 to=- reason=error err=-5 retries=1)"
check_eq "$N acrypto_complete dev=testdev0 err=-5" $N \
	"$(count "$T/fail" acrypto_complete dev=testdev0 err=-5)"
check_eq "$N acrypto_complete dev=soft err=0" $N "$(count "$T/fail" acrypto_complete dev=soft err=0)"
check_eq "$N acrypto_done err=0" $N "$(count "$T/fail" acrypto_done err=0)"
td_set fail_errno 95
trace_run "$T/decline" "$OPSREQ" cipher acrypto-cbc-aes $N 256
check_eq "declines: $N acrypto_retry from=testdev0 reason=decline err=-95" $N \
	"$(count "$T/decline" acrypto_retry from=testdev0 reason=decline err=-95)"
check_eq "declines: $N acrypto_done err=0" $N "$(count "$T/decline" acrypto_done err=0)"
td_set fail_every 0
td_set fail_errno 5

# --- device state -------------------------------------------------------------

trace_run "$T/state" sh -c "echo 1 >$AC/soft/broken; echo 0 >$AC/soft/broken; rmmod acrypto_testdev"
check_eq "soft: online -> offline" 1 "$(count "$T/state" acrypto_device_state dev=soft old=online new=offline)"
check_eq "soft: offline -> online" 1 "$(count "$T/state" acrypto_device_state dev=soft old=offline new=online)"
check_eq "testdev0: online -> dying" 1 "$(count "$T/state" acrypto_device_state dev=testdev0 old=online new=dying)"

# --- no usable device: the kernel's own implementation -----------------------

echo 1 >"$AC/soft/broken"
trace_run "$T/fb" "$OPSREQ" cipher acrypto-cbc-aes 5 256
echo 0 >"$AC/soft/broken"
check "5 requests with soft out of service" grep -q "^ok 5" "$T/fb.out"
check_eq "5 acrypto_fallback err=0" 5 "$(count "$T/fb" acrypto_fallback err=0)"
check "... by the kernel's cbc(aes)" \
	sh -c "grep acrypto_fallback $T/fb | grep -q 'driver=cbc'"
check_eq "no acrypto_select" 0 "$(count "$T/fb" acrypto_select)"

# --- a full device: its backlog -----------------------------------------------

# testdev0 alone, one request at a time, a second each: three processes.
# shellcheck disable=SC2119 # no parameters beyond the defaults
load_testdev
td_set latency_us 1000000
td_set qlen 1
rmmod acrypto_soft
backlog() {
	for i in 1 2 3; do
		"$OPSREQ" cipher acrypto-cbc-aes 1 64 >"$T/req.$i" &
	done
	wait
	cat "$T"/req.*
}
trace_run "$T/bl" backlog
check "three concurrent requests on testdev0 alone succeed" \
	sh -c "[ \$(grep -c '^ok 1' $T/bl.out) = 3 ]"
in=$(count "$T/bl" acrypto_backlog_in dev=testdev0)
check "some waited on testdev0's backlog" test "$in" -ge 1
check_eq "as many left it" "$in" "$(count "$T/bl" acrypto_backlog_out dev=testdev0)"
# shellcheck disable=SC2016 # awk's own variables
check "the sessions that left are those that came, and waited" \
	awk '/acrypto_backlog_in:/ { for (i = 1; i <= NF; i++) if ($i ~ /^session=/) in_[$i] = 1 }
	     /acrypto_backlog_out:/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^session=/) s = $i
			if ($i ~ /^waited_us=/) w = substr($i, 11)
		}
		if (!(s in in_) || w == 0) bad = 1
	     } END { exit bad }' "$T/bl"
unload_all
load_soft

tap_done
