#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh - build (or find in the cache) the acrypto debug kernel: Debian's
# linux-source-6.1 configured with tinyconfig + debug.config (KASAN, lockdep,
# kmemleak, UBSAN, debug objects, fault injection, the extra crypto
# self-tests), its bzImage and its modules installed in a module tree.
#
# Usage: build.sh [--cache DIR] [--config FILE] [--source TARBALL]
#                 [--jobs N] [--no-setup] [--keep N] [--print-key]
#
#   --cache DIR      cache directory (default
#                    ${XDG_CACHE_HOME:-$HOME/.cache}/acrypto/debug-kernel,
#                    or $ACRYPTO_DEBUG_KERNEL_CACHE)
#   --config FILE    config fragment (default: debug.config next to this)
#   --source FILE    kernel source tarball
#                    (default /usr/src/linux-source-6.1.tar.xz)
#   --jobs N         parallel jobs (default: nproc)
#   --no-setup       do not install missing build packages
#   --keep N         builds kept in the cache, most recently used first
#                    (default 2; builds used in the last 24 hours stay too)
#   --print-key      print the cache key and exit
#
# A build lives in CACHE/<key>/, key = hash of the fragment, the tarball, the
# compiler and this script's BUILD_REV.  An existing complete build is reused
# as is (seconds).  A new key starts from a copy of the newest build of the
# same tarball, so a changed fragment rebuilds only what it affects; without
# one the tarball is extracted.  An interrupted build resumes.  Builds of one
# key are serialised with flock, so concurrent callers wait and then reuse.
#
# On success the last lines of stdout are, for the caller to eval:
#   KDIR=...    the built tree (for out-of-tree modules: make -C KDIR M=...)
#   KERNEL=...  arch/x86/boot/bzImage
#   MODDIR=...  the installed module tree, .../lib/modules/KVER
#   KVER=...    the kernel release
# Progress goes to stderr; the build log is CACHE/<key>/build.log.

set -euo pipefail

# Bump when the way the tree is configured, fixed up or built changes.
BUILD_REV=2

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${ACRYPTO_DEBUG_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/acrypto/debug-kernel}
FRAGMENT=$HERE/debug.config
TARBALL=/usr/src/linux-source-6.1.tar.xz
JOBS=$(nproc)
SETUP=1 KEEP=2 PRINT_KEY=0

usage() {
	sed -n '8,21s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--cache) CACHE=${2:?}; shift 2 ;;
	--config) FRAGMENT=${2:?}; shift 2 ;;
	--source) TARBALL=${2:?}; shift 2 ;;
	--jobs) JOBS=${2:?}; shift 2 ;;
	--no-setup) SETUP=0; shift ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	--print-key) PRINT_KEY=1; shift ;;
	-h|--help) usage ;;
	*) echo "build.sh: unknown option '$1'" >&2; usage ;;
	esac
done

log() { echo "debug-kernel: $*" >&2; }
die() { log "$*"; exit 1; }

# What building a kernel needs beyond setup-host.sh's packages (gcc, make,
# xz-utils, linux-source-6.1): Kconfig's parsers, bc for the timeconst
# header, libelf for objtool (ORC), libssl for the certificate tools, lz4
# for the bzImage.
BUILD_PACKAGES=(build-essential flex bison bc libelf-dev libssl-dev lz4 xz-utils
	kmod cpio linux-source-6.1)
install_missing() {
	local pkg status missing=() sudo=()

	for pkg in "${BUILD_PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
		[ "$status" = "install ok installed" ] || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || die "need root (or sudo) to install ${missing[*]}"
		sudo=(sudo env DEBIAN_FRONTEND=noninteractive)
	fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update >&2
	"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

[ "$SETUP" = 1 ] && command -v dpkg-query >/dev/null && install_missing
[ -r "$FRAGMENT" ] || die "config fragment $FRAGMENT not readable"
[ -r "$TARBALL" ] || die "kernel source $TARBALL not found (apt-get install linux-source-6.1)"
PATH=$PATH:/usr/sbin:/sbin	# depmod

# The key: fragment, source, compiler, this script's revision.
SRC_ID=$(sha256sum "$TARBALL" | cut -c1-64)
CC_ID=$(gcc --version | head -n 1)
KEY=$( { cat "$FRAGMENT"; echo "source $SRC_ID"; echo "cc $CC_ID";
	 echo "rev $BUILD_REV"; } | sha256sum | cut -c1-16)
if [ "$PRINT_KEY" = 1 ]; then
	echo "$KEY"
	exit 0
fi

DIR=$CACHE/$KEY
mkdir -p "$CACHE"
exec 9>"$CACHE/$KEY.lock"
if ! flock -n 9; then
	log "another build of $KEY is running; waiting for it"
	flock 9
fi

result() {
	local kver
	kver=$(cat "$DIR/kver")
	touch "$DIR/stamp"	# most recently used, for --keep
	echo "KDIR=$DIR/src"
	echo "KERNEL=$DIR/src/arch/x86/boot/bzImage"
	echo "MODDIR=$DIR/mod/lib/modules/$kver"
	echo "KVER=$kver"
}

if [ -f "$DIR/stamp" ] && [ -r "$DIR/kver" ] &&
   [ -r "$DIR/src/arch/x86/boot/bzImage" ] && [ -d "$DIR/mod/lib/modules/$(cat "$DIR/kver")" ]; then
	log "cached build $DIR ($(cat "$DIR/kver"))"
	result
	exit 0
fi

START=$(date +%s)
mkdir -p "$DIR"
if [ ! -f "$DIR/src/Makefile" ]; then
	rm -rf "$DIR/src" "$DIR/src.tmp"
	# The newest complete build of the same source, if any, as a start.
	seed=''
	for d in $(ls -t "$CACHE"/*/stamp 2>/dev/null); do
		d=${d%/stamp}
		[ "$d" != "$DIR" ] && [ -d "$d/src" ] &&
			[ "$(cat "$d/source" 2>/dev/null)" = "$SRC_ID" ] || continue
		seed=$d
		break
	done
	if [ -n "$seed" ]; then
		log "new configuration $KEY: starting from the build in $seed"
		cp -a "$seed/src" "$DIR/src.tmp"
		# objtool's own build records absolute paths, so it is rebuilt
		# in the new place; its old time stamp, put back below, keeps
		# every object from being rebuilt for a newer objtool.
		stat -c %Y "$seed/src/tools/objtool/objtool" >"$DIR/objtool-mtime" 2>/dev/null ||
			rm -f "$DIR/objtool-mtime"
	else
		log "extracting $TARBALL into $DIR"
		mkdir -p "$DIR/src.tmp"
		tar -xf "$TARBALL" -C "$DIR/src.tmp" --strip-components=1
	fi
	mv "$DIR/src.tmp" "$DIR/src"
fi
echo "$SRC_ID" >"$DIR/source"
cp "$FRAGMENT" "$DIR/debug.config"

# Fix-ups of the source, idempotent (a tree seeded from an older build may
# have them already):
# - testmgr announces CONFIG_CRYPTO_MANAGER_EXTRA_TESTS at warning level,
#   "alg: extra crypto tests enabled.  This is intended for developer use
#   only."  The VM harness fails a run on any warning-level "alg: " line
#   (the way failed self-tests are reported), so the banner goes to info
#   level: every real "alg: " warning still counts.
sed -i 's/pr_warn("alg: extra crypto tests enabled/pr_info("alg: extra crypto tests enabled/' \
	"$DIR/src/crypto/testmgr.c"

# tinyconfig is allnoconfig with the tiny fragments; ours goes last and wins.
{
	cat "$DIR/src/kernel/configs/tiny-base.config" \
	    "$DIR/src/kernel/configs/tiny.config" \
	    "$DIR/src/arch/x86/configs/tiny.config"
	cat "$FRAGMENT"
} >"$DIR/allconfig"
KMAKE=(nice -n 10 make -C "$DIR/src" -j"$JOBS")
log "configuring (tinyconfig + $(basename "$FRAGMENT"))"
"${KMAKE[@]}" KCONFIG_ALLCONFIG="$DIR/allconfig" allnoconfig >"$DIR/build.log" 2>&1 ||
	{ tail -n 30 "$DIR/build.log" >&2; die "configuration failed"; }

# Every line of the fragment must be in the result: a dependency that is
# not met drops an option silently otherwise.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		if ! grep -qxF -- "$line" "$DIR/src/.config"; then
			got=$(grep -E "^(# )?${line%%=*}[= ]" "$DIR/src/.config" || echo "absent")
			log "fragment asks '$line', .config has '$got'"
			bad=1
		fi ;;
	'# CONFIG_'*' is not set')
		sym=${line#\# }; sym=${sym%% *}
		if grep -q "^$sym=" "$DIR/src/.config"; then
			log "fragment asks '$line', .config has '$(grep "^$sym=" "$DIR/src/.config")'"
			bad=1
		fi ;;
	esac
done <"$FRAGMENT"
[ "$bad" = 0 ] || die "the configuration does not honour $FRAGMENT (see above)"

if [ -s "$DIR/objtool-mtime" ]; then
	"${KMAKE[@]}" tools/objtool >>"$DIR/build.log" 2>&1 ||
		{ tail -n 20 "$DIR/build.log" >&2; die "objtool build failed"; }
	# Everything objtool's build just wrote, or it relinks next time.
	find "$DIR/src/tools/objtool" -type f -newermt "@$(cat "$DIR/objtool-mtime")" \
		-exec touch -d "@$(cat "$DIR/objtool-mtime")" {} +
	rm -f "$DIR/objtool-mtime"
fi

KVER=$(make -s -C "$DIR/src" kernelrelease)
log "building $KVER with -j$JOBS (log: $DIR/build.log)"
if ! "${KMAKE[@]}" all >>"$DIR/build.log" 2>&1; then
	grep -E 'error|Error' "$DIR/build.log" | tail -n 20 >&2 || true
	tail -n 20 "$DIR/build.log" >&2
	die "kernel build failed"
fi
log "installing the modules"
rm -rf "$DIR/mod"
"${KMAKE[@]}" INSTALL_MOD_PATH="$DIR/mod" modules_install >>"$DIR/build.log" 2>&1 ||
	{ tail -n 20 "$DIR/build.log" >&2; die "modules_install failed"; }
echo "$KVER" >"$DIR/kver"
END=$(date +%s)
echo "$((END - START))" >"$DIR/build-seconds"
log "built $KVER in $((END - START)) s"
touch "$DIR/stamp"

# Keep the KEEP most recently used builds, and any used in the last day
# (someone may be building modules against it).
n=0
for d in $(ls -t "$CACHE"/*/stamp 2>/dev/null); do
	d=${d%/stamp}
	n=$((n + 1))
	if [ "$n" -gt "$KEEP" ] && [ -z "$(find "$d/stamp" -mmin -1440)" ] &&
	   flock -n "$d.lock" true; then
		log "removing old build $d"
		rm -rf "$d" "$d.lock"
	fi
done

result
