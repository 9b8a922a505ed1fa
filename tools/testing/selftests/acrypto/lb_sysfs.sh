#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lb_sysfs.sh - the balancer selection in /sys/class/crypto_lb and the
# "broken" attribute of an acrypto device.
#
#  - lbs lists one balancer per line, exactly one marked [current], simple_lb
#    marked (default); each has a directory /sys/class/crypto_lb/<name>/;
#  - writing a balancer's name, with or without a newline, makes it current;
#    any other string fails with EINVAL and changes nothing;
#  - other balancers, if their modules (rr_lb, failover_lb, size_lb,
#    adaptive_lb) are installed, are loaded, made current in turn and serve
#    requests; unloading the current balancer's module makes simple_lb
#    current again;
#  - writing 1 to soft/broken takes the device out of service: with no
#    other device in service (others are marked broken too for the while),
#    requests are served by the kernel's own implementation (right results,
#    crypto_sessions/fallback counts them) without reaching it; its state
#    reads "offline"; 0 brings it back; other strings fail with EINVAL.
#
# Usage: lb_sysfs.sh [DEVICE]     (default: soft)

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib-acrypto.sh
. "$HERE/lib-acrypto.sh"
TOOL=$HERE/acrypto_tool
LB=/sys/class/crypto_lb
LBS=$LB/lbs
DEV=${1:-soft}
BROKEN=/sys/class/acrypto/$DEV/broken

tap_plan 36

acr_load || tap_bail "cannot load acrypto_soft"
[ -r "$LBS" ] || tap_bail "$LBS missing"
[ -e "$BROKEN" ] || tap_bail "$BROKEN missing"

current_lb() {
	sed -n 's/^\([^ ]*\) .*\[current\].*/\1/p' "$LBS"
}

# Balancer modules that are installed but not loaded: loaded for the test,
# unloaded at the end (they would keep acrypto from unloading).
LB_MODULES="rr_lb failover_lb size_lb adaptive_lb"
LOADED=''
for m in $LB_MODULES; do
	[ -d "/sys/module/$m" ] && continue
	find "/lib/modules/$(uname -r)" -name "$m.ko*" 2>/dev/null | grep -q . || continue
	if modprobe "$m"; then
		LOADED="$LOADED $m"
	else
		tap_diag "modprobe $m failed"
	fi
done

# The other devices, out of service while DEV is broken.
OTHERS=$(grep -vx "$DEV" /sys/class/acrypto/crypto_sessions/devices)
others_broken() {	# 0|1
	for d in $OTHERS; do
		echo "$1" >"/sys/class/acrypto/$d/broken"
	done
}

ORIG_LB=$(current_lb)
cleanup() {
	echo 0 >"$BROKEN" 2>/dev/null
	others_broken 0 2>/dev/null
	echo simple_lb >"$LBS" 2>/dev/null
	for m in $LOADED; do
		rmmod "$m" 2>/dev/null
	done
	[ -n "$ORIG_LB" ] && echo "$ORIG_LB" >"$LBS" 2>/dev/null
}
trap cleanup EXIT

all_modes_work() {
	for m in $ACR_MODES; do
		"$TOOL" crypt "acrypto-$m-aes" 96 || return 1
	done
}

# --- lbs format --------------------------------------------------------------

LINES=$(cat "$LBS")
printf 'lbs:\n%s\n' "$LINES" | tap_diag
bad=$(printf '%s\n' "$LINES" | grep -Ev '^[A-Za-z0-9_.-]+( \[current\])?( \(default\))?$')
if [ -n "$LINES" ] && [ -z "$bad" ]; then
	tap_ok "lbs: one well-formed balancer per line"
else
	tap_fail "lbs: one well-formed balancer per line" "malformed: '$bad'"
fi
check_eq "lbs: exactly one balancer is [current]" 1 \
	"$(printf '%s\n' "$LINES" | grep -c '\[current\]')"
check_eq "lbs: simple_lb is the one (default) balancer" simple_lb \
	"$(printf '%s\n' "$LINES" | grep '(default)' | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
check "$LB/simple_lb/ exists" test -d "$LB/simple_lb"
missing=''
for name in $(printf '%s\n' "$LINES" | cut -d' ' -f1); do
	[ -d "$LB/$name" ] || missing="$missing $name"
done
check_eq "every listed balancer has its directory" "" "$missing"

# --- selecting simple_lb -----------------------------------------------------

write_attr -n "$LBS" simple_lb
check "echo -n simple_lb > lbs succeeds" test "$WRITE_RC:$WRITE_ERR" = 0:
check_eq "simple_lb is current after echo -n" simple_lb "$(current_lb)"
write_attr "$LBS" simple_lb
check "echo simple_lb > lbs (with newline) succeeds" test "$WRITE_RC:$WRITE_ERR" = 0:
check_eq "simple_lb is current after echo" simple_lb "$(current_lb)"

# Unknown names: EINVAL, nothing changes (the empty line: a lone newline).
while IFS= read -r name; do
	before=$(cat "$LBS")
	write_attr "$LBS" "$name"
	after=$(cat "$LBS")
	case $WRITE_RC:$WRITE_ERR in
	0:*) einval=0 ;;
	*"Invalid argument"*) einval=1 ;;
	*) einval=0 ;;
	esac
	if [ "$einval" = 1 ] && [ "$before" = "$after" ]; then
		tap_ok "writing '$name' to lbs fails with EINVAL, lbs unchanged"
	else
		tap_fail "writing '$name' to lbs fails with EINVAL, lbs unchanged" \
			"status $WRITE_RC, shell said '$WRITE_ERR'; lbs before: $before; after: $after"
	fi
done <<EOF
bogus_lb
simple
simple_lbx
SIMPLE_LB

 simple_lb
simple_lb simple_lb
EOF

# Other balancers, when modules provide them: each in turn.
others=$(printf '%s\n' "$LINES" | cut -d' ' -f1 | grep -vx simple_lb)
switch_all() {
	for lb in $others; do
		write_attr "$LBS" "$lb"
		[ -z "$WRITE_ERR" ] || { echo "$lb: $WRITE_ERR"; return 1; }
		[ "$(current_lb)" = "$lb" ] || { echo "$lb not current"; return 1; }
		all_modes_work || { echo "requests failed with $lb"; return 1; }
	done
	write_attr "$LBS" simple_lb
	[ "$(current_lb)" = simple_lb ]
}
if [ -n "$others" ]; then
	check "switching to $(printf '%s\n' "$others" | tr '\n' ' ')and back to simple_lb, requests with each" switch_all
else
	tap_skip "switching to other balancers and back" "only simple_lb is registered"
fi

# Unloading the current balancer's module: simple_lb takes over.
victim=''
for m in $LOADED; do
	printf '%s\n' "$LINES" | cut -d' ' -f1 | grep -qx "$m" && { victim=$m; break; }
done
if [ -n "$victim" ]; then
	write_attr "$LBS" "$victim"
	cur=$(current_lb)
	rmmod "$victim"
	rc=$?
	[ "$rc" = 0 ] && LOADED=$(echo "$LOADED" | tr ' ' '\n' | grep -vx "$victim" | tr '\n' ' ')
	if [ "$cur" = "$victim" ] && [ "$rc" = 0 ] && [ "$(current_lb)" = simple_lb ] &&
		all_modes_work >/dev/null 2>&1; then
		tap_ok "rmmod $victim while current: simple_lb is current again and serves"
	else
		tap_fail "rmmod $victim while current: simple_lb is current again and serves" \
			"current before '$cur', rmmod rc $rc, now '$(current_lb)'"
	fi
else
	tap_skip "rmmod of the current balancer's module" "no balancer module loaded here"
fi
check "requests in all modes work with simple_lb" all_modes_work

# --- broken ------------------------------------------------------------------

[ -n "$OTHERS" ] && tap_diag "other devices, broken while $DEV is: $(printf "%s " "$OTHERS" | tr "\n" " ")"

check_eq "$DEV/broken reads 0" 0 "$(cat "$BROKEN")"
write_attr "$BROKEN" 1
check "echo 1 > $DEV/broken succeeds" test "$WRITE_RC:$WRITE_ERR" = 0:
check_eq "$DEV/broken reads 1" 1 "$(cat "$BROKEN")"
others_broken 1

counters() {
	for f in sstarted errors sessions; do
		printf '%s ' "$(cat "/sys/class/acrypto/$DEV/$f")"
	done
}
before=$(counters)
FALLBACK=/sys/class/acrypto/crypto_sessions/fallback
fb_before=$(cat "$FALLBACK")
check_eq "$DEV/state reads offline" offline "$(cat "/sys/class/acrypto/$DEV/state")"
fallback_all() {
	for m in $ACR_MODES; do
		"$TOOL" crypt "acrypto-$m-aes" 64 || return 1
	done
}
check "requests in all modes are right while $DEV is broken (the kernel's implementation)" \
	fallback_all
check "crypto_sessions/fallback counted them" \
	test "$(cat "$FALLBACK")" -ge "$((fb_before + 4))"
check_eq "those requests never reached $DEV (sstarted, errors, sessions)" \
	"$before" "$(counters)"
others_broken 0

write_attr "$BROKEN" 0
check "echo 0 > $DEV/broken succeeds" test "$WRITE_RC:$WRITE_ERR" = 0:
check_eq "$DEV/broken reads 0 again" 0 "$(cat "$BROKEN")"
check "requests in all modes work again" all_modes_work

write_attr -n "$BROKEN" 1
e1=$WRITE_ERR
v1=$(cat "$BROKEN")
write_attr -n "$BROKEN" 0
check_eq "echo -n 1, then echo -n 0 (no newline) are taken too" "1 0" \
	"$v1 $(cat "$BROKEN")$e1$WRITE_ERR"

while IFS= read -r bad; do
	write_attr "$BROKEN" "$bad"
	case $WRITE_RC:$WRITE_ERR in
	0:*) einval=0 ;;
	*"Invalid argument"*) einval=1 ;;
	*) einval=0 ;;
	esac
	if [ "$einval" = 1 ] && [ "$(cat "$BROKEN")" = 0 ]; then
		tap_ok "writing '$bad' to $DEV/broken fails with EINVAL, value unchanged"
	else
		tap_fail "writing '$bad' to $DEV/broken fails with EINVAL, value unchanged" \
			"status $WRITE_RC, shell said '$WRITE_ERR'; broken now $(cat "$BROKEN")"
	fi
done <<EOF
banana
2

-1
EOF

check "$DEV still serves after the garbage writes" all_modes_work
check "no kernel warnings" dmesg_clean

tap_done
