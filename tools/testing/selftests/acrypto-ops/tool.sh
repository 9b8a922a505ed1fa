#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tool.sh - acryptostat in the guest.
#
#  - --help: exit 0, every option and exit code;
#  - the report: the balancer line names the current balancer; the header
#    has every column; one line per device with class, state, partition
#    ("-" without partitions), sync, sessions, backlog and requests as in
#    sysfs, and the capabilities; -a has soft/cbc-aes with its requests;
#    -d restricts to one device;
#  - INTERVAL COUNT: COUNT reports, request rates above 0 under load and
#    0.0 when idle;
#  - -b loads and selects a balancer; --offline/--online change the
#    state; --reset zeroes the statistics;
#  - bad input: unknown balancer or device -> 3 with the names there are,
#    bad option, missing argument, bad INTERVAL or COUNT -> 2, not root
#    -> 4 (a report still works), a device failing its known-answer test
#    on --online -> 1, no engine -> 5.

OPS=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib-ops.sh source-path=SCRIPTDIR
. "$OPS/lib-ops.sh"

tap_plan 51
T=$(mktemp -d /tmp/acrypto-tool.XXXXXX)
S=$ACRYPTOSTAT
LOADPID=''

cleanup() {
	[ -n "$LOADPID" ] && kill "$LOADPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

unload_all || tap_bail "cannot unload the acrypto modules"
load_soft || tap_bail "cannot load acrypto_soft"
# shellcheck disable=SC2119 # no parameters beyond the defaults
load_testdev || tap_bail "cannot load acrypto_testdev"
"$OPSREQ" cipher acrypto-cbc-aes 8 256 >/dev/null

# run NAME EXPECTED-STATUS CMD...: CMD's output in $T/NAME, and its status.
run() {
	_n=$1 _want=$2
	shift 2
	"$@" >"$T/$_n" 2>"$T/$_n.err"
	_rc=$?
	if [ "$_rc" != "$_want" ]; then
		echo "exit status $_rc, expected $_want"
		cat "$T/$_n" "$T/$_n.err"
		return 1
	fi
}

# says NAME REGEX: stderr (or stdout) of run NAME matches REGEX.
says() { cat "$T/$1.err" "$T/$1" | grep -qE "$2"; }

# --- help ---------------------------------------------------------------------

check "--help exits 0" run help 0 "$S" --help
check "--help tells every option" sh -c "for o in -a --device --balancer --offline --online --reset INTERVAL COUNT; do grep -q -- \"\$o\" $T/help || { echo \"no \$o\"; exit 1; }; done"
check "--help tells the exit codes" sh -c "grep -q '2 bad usage' $T/help && grep -q '3 no such device or balancer' $T/help && grep -q '4 not permitted' $T/help && grep -q '5 the' $T/help"

# --- the report ---------------------------------------------------------------

check "report exits 0" run report 0 "$S"
check_eq "balancer line names the current balancer" "$(current_lb)" \
	"$(sed -n '1s/^balancer: \([^ ]*\).*/\1/p' "$T/report")"
check_eq "header columns" \
	"DEVICE CLASS STATE PARTITION SYNC SESSIONS BACKLOG REQUESTS MB_IN MB_OUT ERRORS RETRIES LAT_US CAPABILITIES" \
	"$(sed -n 2p "$T/report" | tr -s ' ')"
check_eq "one line per device" "$(sort "$AC/crypto_sessions/devices" | tr '\n' ' ')" \
	"$(sed -n '3,$p' "$T/report" | awk '{ print $1 }' | sort | tr '\n' ' ')"
# field DEV N: column N of DEV's line
field() { awk -v d="$1" -v n="$2" 'NR > 2 && $1 == d { print $n }' "$T/report"; }
for d in soft testdev0; do
	part=-
	[ -e "$AC/$d/partition" ] && part=$(val "$AC/$d/partition")
	check_eq "$d: class state partition sync sessions backlog as in sysfs" \
		"$(val $AC/$d/class) $(val $AC/$d/state) $part $(val $AC/$d/sync) $(val $AC/$d/sessions) $(val $AC/$d/backlog)" \
		"$(field $d 2) $(field $d 3) $(field $d 4) $(field $d 5) $(field $d 6) $(field $d 7)"
	check_eq "$d: requests as stats/requests" "$(val $AC/$d/stats/requests)" "$(field $d 8)"
done
check "soft's capabilities include aes-cbc and sha256-hash" \
	sh -c "awk '\$1 == \"soft\" { print \$NF }' $T/report | tr , '\n' | grep -qx aes-cbc && awk '\$1 == \"soft\" { print \$NF }' $T/report | tr , '\n' | grep -qx sha256-hash"
check "-a: soft/cbc-aes with its requests" run algos 0 "$S" -a
check_eq "soft/cbc-aes requests" "$(val $AC/soft/stats/cbc-aes_requests)" \
	"$(awk '$1 == "soft/cbc-aes" { print $2 }' "$T/algos")"
check "-d soft: soft alone" sh -c "'$S' -d soft | sed -n '3,\$p' | awk '{ print \$1 }' | grep -vx soft | grep -q . && exit 1; exit 0"

# --- rates --------------------------------------------------------------------

(while :; do "$OPSREQ" cipher acrypto-cbc-aes 200 256 >/dev/null; done) &
LOADPID=$!
check "1 2 under load: exits 0" run rates 0 "$S" -d soft 1 2
kill "$LOADPID"
wait "$LOADPID" 2>/dev/null
LOADPID=''
check_eq "two reports" 2 "$(grep -c '^DEVICE ' "$T/rates")"
check "rates header" grep -q 'DEVICE.*STATE.*REQ/S.*MB/S_IN.*MB/S_OUT.*ERR/S.*RETRY/S.*LAT_US' "$T/rates"
# shellcheck disable=SC2016 # awk's own fields
check "soft's requests/s above 0 under load" \
	awk '$1 == "soft" && $3 > 0 { ok = 1 } END { exit !ok }' "$T/rates"
sleep 1
check "idle: 1 1 exits 0" run idle 0 "$S" -a -d soft 1 1
check "idle: soft and soft/cbc-aes at 0.0 requests/s" \
	sh -c "awk '\$1 == \"soft\" { s = \$3 } \$1 == \"soft/cbc-aes\" { a = \$2 } END { exit !(s == \"0.0\" && a == \"0.0\") }' $T/idle"

# --- actions ------------------------------------------------------------------

rmmod rr_lb 2>/dev/null
check "-b rr_lb loads and selects it" run lb 0 "$S" -b rr_lb
check_eq "... says so, lbs agrees" "balancer rr_lb rr_lb" "$(cat "$T/lb") $(current_lb)"
check "--offline soft" run off 0 "$S" --offline soft
check_eq "... soft offline" "soft offline offline" "$(cat "$T/off") $(val $AC/soft/state)"
check "--online soft" run on 0 "$S" --online soft
check_eq "... soft online" "soft online online" "$(cat "$T/on") $(val $AC/soft/state)"
check "--reset soft" run reset 0 "$S" --reset soft
check_eq "... soft's requests 0, testdev0's kept" "0 $(val $AC/testdev0/stats/requests)" \
	"$(val $AC/soft/stats/requests) $(val $AC/testdev0/stats/requests)"

# --- bad input ----------------------------------------------------------------

check "-b nosuch_lb: exit 3" run nolb 3 "$S" -b nosuch_lb
check "... says no balancer 'nosuch_lb' and names simple_lb" \
	sh -c "grep -q \"no balancer 'nosuch_lb'\" $T/nolb.err && grep -q simple_lb $T/nolb.err"
check "-b 'Bad Name': exit 3" run badlb 3 "$S" -b 'Bad Name'
check "--offline nosuch: exit 3" run nodev 3 "$S" --offline nosuch
check "... says no device 'nosuch' and names soft" \
	sh -c "grep -q \"no device 'nosuch'\" $T/nodev.err && grep -q soft $T/nodev.err"
check "-d nosuch: exit 3" run nodev2 3 "$S" -d nosuch
for args in "-z" "--online" "-b" "0" "x" "1.5" "1 0" "1 x" "1 2 3" "-b rr_lb 1"; do
	# shellcheck disable=SC2086 # the arguments are words
	check "'$args': bad usage, exit 2" run usage 2 "$S" $args
done
grep -q 'nobody' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
check "not root: -b rr_lb exits 4, must be root" \
	sh -c "su -s /bin/sh nobody -c '$S -b rr_lb' 2>$T/nr.err; [ \$? = 4 ] && grep -q 'must be root' $T/nr.err"
check "not root: --offline soft and --reset all exit 4" \
	sh -c "su -s /bin/sh nobody -c '$S --offline soft' 2>/dev/null; a=\$?; su -s /bin/sh nobody -c '$S --reset all' 2>/dev/null; b=\$?; [ \$a = 4 ] && [ \$b = 4 ]"
check "not root: a report works" su -s /bin/sh nobody -c "$S"

# A device that answers wrong from its registration stays out ("failed").
rmmod acrypto_testdev
modprobe acrypto_testdev instances=1 latency_us=100 wrong_output=1
check_eq "testdev0 failed its known-answer test" failed "$(val $AC/testdev0/state)"
check "--online testdev0: exit 1, failed its known-answer test" \
	sh -c "'$S' --online testdev0 2>$T/kat.err; [ \$? = 1 ] && grep -q 'known-answer' $T/kat.err"

unload_all
check "no engine: exit 5, not loaded" \
	sh -c "'$S' 2>$T/none.err; [ \$? = 5 ] && grep -q 'not loaded' $T/none.err"
load_soft
tap_done
