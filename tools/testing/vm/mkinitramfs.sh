#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the gzip'ed newc initramfs the acrypto test guest boots from:
# busybox, a few real userspace tools (libkcapi, cryptsetup, iproute2, ...)
# with their libraries, a depmod'ed module tree (our modules plus the Debian
# modules the tests need, dependencies included) and init.sh as /init.
#
# The image uses the merged-/usr layout (/bin, /sbin, /lib, /lib64 are links
# into /usr) so library paths printed by the host's ldd are valid as they are.

set -euo pipefail

usage() {
	cat <<EOF
Usage: $0 [--kver VER] [--moddir DIR] [--extra DIR]... [--module NAME]...
          [--files SRC:DST]... [--out FILE]

  --kver VER      kernel release (default: basename of --moddir, else the
                  newest /lib/modules/6.1.*-amd64)
  --moddir DIR    module tree to take modules from (default /lib/modules/VER);
                  a 'make modules_install INSTALL_MOD_PATH=X' tree works
                  (X/lib/modules/VER)
  --extra DIR     our own modules: every *.ko below DIR goes to
                  /lib/modules/VER/extra/ (repeatable)
  --module NAME   one more module from --moddir, with its dependencies
                  (repeatable)
  --files SRC:DST copy host file or directory SRC to DST in the image; the
                  libraries of dynamic executables come along (repeatable)
  --out FILE      output (default: ./acrypto-initramfs-VER.cpio.gz)
EOF
	exit "${1:-2}"
}

die() { echo "mkinitramfs: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KVER='' MODDIR='' OUT=''
EXTRA_DIRS=() EXTRA_MODULES=() FILES=()

while [ $# -gt 0 ]; do
	case $1 in
	--kver) KVER=${2:?}; shift 2 ;;
	--moddir) MODDIR=${2:?}; shift 2 ;;
	--extra) EXTRA_DIRS+=("${2:?}"); shift 2 ;;
	--module) EXTRA_MODULES+=("${2:?}"); shift 2 ;;
	--files) FILES+=("${2:?}"); shift 2 ;;
	--out) OUT=${2:?}; shift 2 ;;
	-h|--help) usage 0 ;;
	*) echo "mkinitramfs: unknown option '$1'" >&2; usage ;;
	esac
done

if [ -z "$KVER" ]; then
	if [ -n "$MODDIR" ]; then
		KVER=$(basename "$(cd "$MODDIR" && pwd)")
	else
		# Newest Debian 6.1 kernel that has modules installed.
		KVER=$(find /lib/modules -mindepth 1 -maxdepth 1 -name '6.1.*-amd64' \
			-printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
		[ -n "$KVER" ] || die "no /lib/modules/6.1.*-amd64; run setup-host.sh or pass --kver"
	fi
fi
MODDIR=${MODDIR:-/lib/modules/$KVER}
[ -d "$MODDIR" ] || die "module tree $MODDIR does not exist"
MODDIR=$(cd "$MODDIR" && pwd)
OUT=${OUT:-$PWD/acrypto-initramfs-$KVER.cpio.gz}

# kmod's tools live in /usr/sbin, which may not be in a user's PATH.
PATH=$PATH:/usr/sbin:/sbin
for tool in busybox cpio depmod gzip ldd modinfo; do
	command -v "$tool" >/dev/null || die "$tool not found; run setup-host.sh"
done
BUSYBOX=$(command -v busybox)
# A dynamically linked busybox would need its libraries: insist on the static one.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "$BUSYBOX is dynamically linked; install busybox-static"
fi

STAGING=$(mktemp -d "${TMPDIR:-/tmp}/acrypto-initramfs.XXXXXX")
trap 'rm -rf "$STAGING"' EXIT
S=$STAGING

# ---------------------------------------------------------------------------
# Skeleton and busybox
# ---------------------------------------------------------------------------
mkdir -p "$S"/usr/{bin,sbin,lib,lib64} "$S"/{dev,proc,sys,tmp,run,root,mnt,etc} \
	"$S"/var/tmp "$S"/etc/modprobe.d "$S"/usr/share/acrypto
ln -s usr/bin "$S/bin"
ln -s usr/sbin "$S/sbin"
ln -s usr/lib "$S/lib"
ln -s usr/lib64 "$S/lib64"
ln -s /proc/mounts "$S/etc/mtab"
echo "root:x:0:0:root:/root:/bin/sh" >"$S/etc/passwd"
echo "root:x:0:" >"$S/etc/group"

cp "$BUSYBOX" "$S/usr/bin/busybox"

# Copy one host file (following links) to the same path in the image.
# A busybox applet link already there is removed first: cp would otherwise
# write through the link into busybox itself.
copy_file() {
	local src=$1 dst=${2:-$1}

	mkdir -p "$S$(dirname "$dst")"
	[ -L "$S$dst" ] && rm -f "$S$dst"
	cp -L "$src" "$S$dst"
}

# Copy a dynamic executable or library and every library ldd lists for it,
# the dynamic loader included. Static files and non-ELF files are skipped.
declare -A LIBS_DONE=()
copy_libs() {
	local f=$1 line lib

	[ "$(head -c 4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] || return 0
	while read -r line; do
		case $line in
		*'not found'*) die "$f: missing library: $line" ;;
		*' => /'*) lib=${line#* => }; lib=${lib%% (*} ;;
		/*) lib=${line%% (*} ;;
		*) continue ;;	# linux-vdso, "statically linked"
		esac
		[ -n "${LIBS_DONE[$lib]:-}" ] && continue
		LIBS_DONE[$lib]=1
		copy_file "$lib"
	done < <(ldd "$f" 2>/dev/null || true)
}

# Real binaries: mandatory ones fail the build when absent, optional ones
# are skipped. Copied before the applet links so they win over busybox.
REQUIRED_BINS=(/usr/bin/kcapi-enc /usr/bin/kcapi-dgst /usr/bin/kcapi-rng
	/usr/sbin/cryptsetup /usr/sbin/dmsetup /usr/sbin/ip /usr/sbin/losetup)
OPTIONAL_BINS=(/usr/bin/kcapi-speed /usr/sbin/mke2fs /usr/bin/lspci
	/usr/sbin/blockdev /usr/sbin/tc)
REAL_BINS=()
for bin in "${REQUIRED_BINS[@]}" "${OPTIONAL_BINS[@]}"; do
	if [ ! -e "$bin" ]; then
		case " ${REQUIRED_BINS[*]} " in
		*" $bin "*) die "$bin not found; run setup-host.sh" ;;
		esac
		continue
	fi
	copy_file "$bin"
	copy_libs "$bin"
	REAL_BINS+=("$bin")
done
# kselftest's runner (the suites run through it) calls GNU timeout by its
# full path, with --foreground, which busybox's lacks, and prefixes the
# tests' output with its prefix.pl, unbuffered, where perl is (busybox's
# sed would hold the output back until the test ends).  Not in real-bins:
# the scripts' bare "timeout" stays busybox's.
for bin in /usr/bin/timeout /usr/bin/perl; do
	[ -e "$bin" ] || die "$bin not found; run setup-host.sh"
	copy_file "$bin"
	copy_libs "$bin"
done
while IFS= read -r pm; do
	copy_file "$pm"
done < <(perl -MIO::Handle -Mstrict -Mwarnings -e 'print "$_\n" for values %INC'
	find /usr/lib/x86_64-linux-gnu/perl-base/auto/IO -name '*.so')

# mke2fs picks the file system type from its name.
if [ -e "$S/usr/sbin/mke2fs" ]; then
	for n in mkfs.ext2 mkfs.ext3 mkfs.ext4; do ln -sf mke2fs "$S/usr/sbin/$n"; done
	if [ -e /etc/mke2fs.conf ]; then copy_file /etc/mke2fs.conf; fi
fi
if [ -e /usr/share/misc/pci.ids ] && [ -e "$S/usr/bin/lspci" ]; then
	copy_file /usr/share/misc/pci.ids
fi

# libkcapi for our own test programs, and libgcc_s (cryptsetup dlopen()s it
# through libc's pthread_cancel, so ldd does not list it).
for lib in libkcapi.so.1 libgcc_s.so.1; do
	path=$(ldconfig -p 2>/dev/null | awk -v l="$lib" '$1 == l && /x86-64/ && !p { p = $NF } END { print p }')
	[ -n "$path" ] || path=/lib/x86_64-linux-gnu/$lib
	[ -e "$path" ] || die "$lib not found; run setup-host.sh"
	copy_file "$path"
	copy_libs "$path"
done

# Applet links, except where a real binary was copied (/sbin/modprobe stays
# busybox: it is the kernel's usermode helper for request_module()).
while read -r applet; do
	[ -e "$S/$applet" ] || [ -L "$S/$applet" ] && continue
	mkdir -p "$S/$(dirname "$applet")"
	ln -s /usr/bin/busybox "$S/$applet"
done < <("$BUSYBOX" --list-full)
[ -L "$S/usr/sbin/modprobe" ] || die "busybox has no modprobe applet"

# Names of the real binaries that busybox also implements: ash runs its own
# applet for a bare command name, so lib.sh shadows these with functions.
declare -A APPLETS=()
while read -r a; do APPLETS[$a]=1; done < <("$BUSYBOX" --list)
: >"$S/usr/share/acrypto/real-bins"
for bin in "${REAL_BINS[@]}"; do
	if [ -n "${APPLETS[$(basename "$bin")]:-}" ]; then
		echo "$bin" >>"$S/usr/share/acrypto/real-bins"
	fi
done

# ---------------------------------------------------------------------------
# Kernel modules
# ---------------------------------------------------------------------------
M=$S/lib/modules/$KVER
mkdir -p "$M"

# Module name as the kernel knows it: basename, no .ko*, '-' -> '_'.
norm() { local n=${1##*/}; n=${n%%.ko*}; echo "${n//-/_}"; }
# The same in awk, for whole files at once (no fork per module).
AWK_NORM='function norm(p) { sub(/.*\//, "", p); sub(/\.ko.*/, "", p); gsub(/-/, "_", p); return p }'

# Index every module of the source tree by its normalised name.
declare -A MOD_PATH=()
while read -r n rel; do
	MOD_PATH[$n]=$rel
done < <(cd "$MODDIR" && find . -name '*.ko' -o -name '*.ko.[gx]z' -o -name '*.ko.zst' |
	sed 's|^\./||' | LC_ALL=C sort | awk "$AWK_NORM"'{ print norm($0), $0 }')

# Dependencies from modules.dep and modules.softdep of the source tree if it
# has them (fast); from modinfo on the file otherwise (custom trees without
# depmod, our own modules). Soft ones (which may be aliases or absent) are
# prefixed with "soft:".
declare -A DEPS=()
if [ -s "$MODDIR/modules.dep" ]; then
	while read -r n deps; do
		DEPS[$n]=$deps
	done < <(awk "$AWK_NORM"'{
		sub(/:/, ""); line = norm($1)
		for (i = 2; i <= NF; i++) line = line " " norm($i)
		print line
	}' "$MODDIR/modules.dep")
	if [ -s "$MODDIR/modules.softdep" ]; then
		while read -r n deps; do
			DEPS[$n]+=" $deps"
		done < <(awk "$AWK_NORM"'$1 == "softdep" {
			line = norm($2)
			for (i = 3; i <= NF; i++)
				if ($i != "pre:" && $i != "post:") line = line " soft:" norm($i)
			print line
		}' "$MODDIR/modules.softdep")
	fi
fi

deps_of() {	# module file -> dependency names, one per word
	local f=$1 n=${1##*/} dep sd

	n=${n%%.ko*} n=${n//-/_}
	if [ -n "${DEPS[$n]+set}" ]; then
		echo "${DEPS[$n]}"
		return
	fi
	dep=$(modinfo -F depends "$f" 2>/dev/null | tr ',' ' ')
	sd=$(modinfo -F softdep "$f" 2>/dev/null | sed 's/\(pre\|post\)://g')
	for n in $dep; do norm "$n"; done
	for n in $sd; do echo "soft:$(norm "$n")"; done
}


declare -A WANT=()	# normalised name -> source file
QUEUE=()

want_module() {	# name [quiet]
	local n=${1##*/} rel

	n=${n%%.ko*} n=${n//-/_}
	[ -n "${WANT[$n]:-}" ] && return 0
	rel=${MOD_PATH[$n]:-}
	if [ -z "$rel" ]; then
		# Built in: nothing to copy. Unknown: say so unless asked not to.
		if [ -z "${2:-}" ] && ! grep -q "/${n}.ko\$\|/${1}.ko\$" \
			"$MODDIR/modules.builtin" 2>/dev/null; then
			echo "mkinitramfs: warning: module $1 not found in $MODDIR" >&2
		fi
		return 0
	fi
	WANT[$n]=$MODDIR/$rel
	QUEUE+=("$MODDIR/$rel")
}

# Debian modules the tests need. Whole directories for the crypto stack
# (every algorithm, template and driver, virtio_crypto included), then named
# modules for dm-crypt, loop, virtio transport, netns/veth and IPsec.
for dir in kernel/crypto kernel/arch/x86/crypto kernel/drivers/crypto kernel/lib/crypto; do
	[ -d "$MODDIR/$dir" ] || continue
	while IFS= read -r f; do want_module "$f"; done < <(cd "$MODDIR" &&
		find "$dir" -name '*.ko' -o -name '*.ko.[gx]z' -o -name '*.ko.zst')
done
for m in crypto_user dm-mod dm-crypt dm-integrity loop \
	virtio virtio_ring virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev \
	veth dummy esp4 esp6 esp4_offload esp6_offload ah4 ah6 xfrm_user xfrm_algo \
	xfrm_interface xfrm_ipcomp ipcomp ipcomp6 xfrm4_tunnel xfrm6_tunnel tunnel4 \
	tunnel6 af_key ext4 "${EXTRA_MODULES[@]}"; do
	want_module "$m"
done

# Our own modules, from the build directories.
OUR_MODULES=()
for dir in "${EXTRA_DIRS[@]}"; do
	[ -d "$dir" ] || die "--extra $dir is not a directory"
	n=${#OUR_MODULES[@]}
	while IFS= read -r f; do OUR_MODULES+=("$f"); done < <(find "$dir" -name '*.ko')
	[ ${#OUR_MODULES[@]} -gt "$n" ] ||
		echo "mkinitramfs: warning: no *.ko below --extra $dir" >&2
done
declare -A OURS=()
for f in "${OUR_MODULES[@]}"; do OURS[$(norm "$f")]=$f; done
# One of ours named like a module of the tree replaces it (depmod would
# prefer kernel/ over extra/).
for n in "${!OURS[@]}"; do
	if [ -n "${WANT[$n]:-}" ]; then
		echo "mkinitramfs: ${OURS[$n]} replaces ${WANT[$n]}" >&2
		unset "WANT[$n]"
	fi
done

# Dependency closure. Our modules may depend on each other (resolved within
# extra/) or on Debian modules (pulled in from --moddir).
QUEUE+=("${OUR_MODULES[@]}")
while [ ${#QUEUE[@]} -gt 0 ]; do
	f=${QUEUE[0]}
	QUEUE=("${QUEUE[@]:1}")
	for d in $(deps_of "$f"); do
		case $d in
		soft:*) [ -n "${OURS[${d#soft:}]:-}" ] || want_module "${d#soft:}" quiet ;;
		*) [ -n "${OURS[$d]:-}" ] || want_module "$d" ;;
		esac
	done
done

# Copy, decompressing (busybox's modprobe may lack xz/zstd support).
for n in "${!WANT[@]}"; do
	src=${WANT[$n]}
	rel=${src#"$MODDIR"/}
	dst=$M/${rel%.ko*}.ko
	mkdir -p "$(dirname "$dst")"
	case $src in
	*.ko) cp "$src" "$dst" ;;
	*.ko.gz) gzip -dc "$src" >"$dst" ;;
	*.ko.xz) xz -dc "$src" >"$dst" ;;
	*.ko.zst) zstd -qdc "$src" >"$dst" ;;
	esac
done
if [ ${#OUR_MODULES[@]} -gt 0 ]; then
	mkdir -p "$M/extra"
	for f in "${OUR_MODULES[@]}"; do cp "$f" "$M/extra/"; done
fi

# depmod needs the builtin lists to know what needs no file; modules.order
# only orders, so stale compressed names in it do no harm once fixed up.
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -e "$MODDIR/$f" ] && cp "$MODDIR/$f" "$M/"
done
[ -e "$M/modules.order" ] && sed -i 's/\.ko\.\(gz\|xz\|zst\)$/.ko/' "$M/modules.order"
depmod -b "$S" "$KVER"

# Debian's virtio_crypto must never bind on its own: the tests load it
# explicitly for comparison runs only. Nothing runs udev/mdev and the uevent
# helper is cleared by init, but also drop its modalias (busybox's modprobe
# reads the text modules.alias) and blacklist it against alias look-ups.
sed -i '/ virtio_crypto$/d' "$M/modules.alias"
rm -f "$M/modules.alias.bin"	# kmod would resolve from it; busybox uses text
# (acrypto-vm.conf: the tests install the shipped acrypto.conf as a host would.)
echo "blacklist virtio_crypto" >"$S/etc/modprobe.d/acrypto-vm.conf"

# ---------------------------------------------------------------------------
# init, test library, caller's files
# ---------------------------------------------------------------------------
install -m 0755 "$HERE/init.sh" "$S/init"
install -m 0644 "$HERE/lib.sh" "$S/usr/share/acrypto/lib.sh"
# The shell form of the one vector set ($ACRYPTO_VECTORS of lib.sh).
install -m 0644 "$HERE/../selftests/acrypto-common/vectors.sh" \
	"$S/usr/share/acrypto/vectors.sh"

for spec in "${FILES[@]}"; do
	src=${spec%%:*} dst=${spec#*:}
	if [ "$src" = "$spec" ] || [ -z "$dst" ]; then
		die "--files wants SRC:DST, got '$spec'"
	fi
	[ -e "$src" ] || die "--files: $src does not exist"
	mkdir -p "$S$(dirname "$dst")"
	[ -L "$S$dst" ] && rm -f "$S$dst"
	cp -a "$src" "$S$dst"
	while IFS= read -r f; do
		[ -x "$f" ] && copy_libs "$f"
	done < <(find "$S$dst" -type f)
done

# ---------------------------------------------------------------------------
# Archive: /dev/console first (the kernel opens it before running /init, and
# creating the node on the host would need root), then the staging tree.
# A newc header is 13 8-digit hex fields after the magic; name padded to 4.
# ---------------------------------------------------------------------------
newc_chardev() {	# name mode major minor
	local name=$1 namesize=$((${#1} + 1))

	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		1 $((0x2000 | $2)) 0 0 1 0 0 0 0 "$3" "$4" "$namesize" 0 "$name"
	# 110 bytes of header + name + NUL, padded to a multiple of 4.
	head -c $(((4 - (110 + namesize) % 4) % 4)) /dev/zero
}

mkdir -p "$(dirname "$OUT")"
{
	newc_chardev dev/console 0600 5 1
	(cd "$S" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0)
} | gzip -6 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"

echo "mkinitramfs: $OUT ($(du -h "$OUT" | cut -f1), kernel $KVER," \
	"${#WANT[@]} modules from $MODDIR, ${#OUR_MODULES[@]} extra)"
