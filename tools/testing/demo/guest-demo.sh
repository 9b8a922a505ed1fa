#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The acrypto demonstration, run inside the guest by tools/testing/demo.sh.

step() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; sh -c "$*"; }

counters() {
	for d in /sys/class/acrypto/*/; do
		name=$(basename "$d")
		[ "$name" = crypto_sessions ] && continue
		printf '  %-16s class=%-11s sstarted=%-6s scompleted=%-6s sfinished=%-6s errors=%s\n' \
			"$name" "$(cat "$d/class")" "$(cat "$d/sstarted")" \
			"$(cat "$d/scompleted")" "$(cat "$d/sfinished")" \
			"$(cat "$d/errors")"
	done
}

step "Load the engine, the software device and, if built, our virtio-crypto driver"
run "modprobe aesni_intel; modprobe sha256_ssse3; modprobe acrypto_soft"
if modinfo virtio_acrypto >/dev/null 2>&1; then
	run "modprobe virtio_acrypto"
fi
run "lsmod | grep -E '^(acrypto|virtio_acrypto)'"

step "Devices registered with the engine, and the main queue"
run "cat /sys/class/acrypto/crypto_sessions/devices"
for d in /sys/class/acrypto/*/capabilities; do
	printf '%s:\n' "$(dirname "$d")"
	sed 's/^/    /' "$d"
done

step "Algorithms the engine registered with the crypto API (self-tests ran through the devices)"
awk '/^name/ {n=$3} /^driver/ {d=$3} /^priority/ {p=$3}
     /^selftest/ {if (d ~ /^acrypto-/) printf "  %-34s %-38s prio %s selftest %s\n", n, d, p, $3}' /proc/crypto

step "Load balancers"
run "cat /sys/class/crypto_lb/lbs"

step "Counters before"
counters

step "1 MiB through AF_ALG (libkcapi) with cbc(aes): the engine wins on priority"
dd if=/dev/urandom of=/tmp/plain bs=1024 count=1024 2>/dev/null
printf '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f' |
	sed 's/../\\x&/g' | xargs -0 printf > /tmp/key
run "kcapi-enc -e -c 'cbc(aes)' --iv 00112233445566778899aabbccddeeff --keyfd 3 3</tmp/key -i /tmp/plain -o /tmp/cipher"
run "kcapi-enc -d -c 'cbc(aes)' --iv 00112233445566778899aabbccddeeff --nounpad --keyfd 3 3</tmp/key -i /tmp/cipher -o /tmp/back"
run "sha256sum /tmp/plain /tmp/back"
if cmp -s /tmp/plain /tmp/back; then echo "  round trip: identical"; else echo "  round trip: DIFFERENT"; fi

step "Known answer: NIST SP 800-38A F.2.1 (AES-128-CBC), bound by the engine's driver name"
printf '2b7e151628aed2a6abf7158809cf4f3c' | sed 's/../\\x&/g' | xargs -0 printf > /tmp/k128
printf '6bc1bee22e409f96e93d7e117393172a' | sed 's/../\\x&/g' | xargs -0 printf > /tmp/pt
kcapi-enc -e -c acrypto-cbc-aes --iv 000102030405060708090a0b0c0d0e0f --keyfd 3 3</tmp/k128 \
	-i /tmp/pt -o /tmp/ct
echo "  got      $(od -An -tx1 /tmp/ct | tr -d ' \n')"
echo "  expected 7649abac8119b246cee98e9b12e9197d"

step "SHA-256 and HMAC-SHA256 through the engine"
run "echo -n abc | kcapi-dgst -c sha256 --hex; echo"
echo "  expected ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
printf 'Jefe' > /tmp/jefe
run "printf 'what do ya want for nothing?' | kcapi-dgst -c 'hmac(sha256)' --keyfd 3 3</tmp/jefe --hex; echo"
echo "  expected 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843 (RFC 4231 case 2)"

step "Counters after: which device did the work"
counters

if [ -d /sys/class/acrypto/soft ]; then
	step "Take the software device out of service: traffic moves to the others"
	run "echo 1 > /sys/class/acrypto/soft/broken"
	if kcapi-enc -e -c 'cbc(aes)' --iv 00112233445566778899aabbccddeeff --keyfd 3 3</tmp/key \
		-i /tmp/plain -o /tmp/cipher2 2>/tmp/err; then
		if cmp -s /tmp/cipher /tmp/cipher2; then
			echo "  same 1 MiB ciphertext, computed by another device"
		else
			echo "  ciphertext DIFFERS"
		fi
	else
		echo "  no other device can serve cbc(aes): $(head -1 /tmp/err)"
	fi
	counters
	run "echo 0 > /sys/class/acrypto/soft/broken"
fi

step "Done"
