#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# linux-source.sh - the files of Debian's linux-source-6.1 that the tests
# take from the kernel they target, extracted once into .vm/linux-source/:
# checkpatch (scripts/) and kselftest (tools/testing/selftests/: lib.mk,
# kselftest.h, kselftest_harness.h, the runner).  Installs linux-source-6.1
# if its tarball is missing.
#
# Usage: linux-source.sh [checkpatch|kselftest]
#
# Prints the directory asked for: the tree's root (checkpatch: its
# scripts/checkpatch.pl) or its tools/testing/selftests/ (kselftest).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TREE=$ROOT/.vm/linux-source
FILES=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
	tools/testing/selftests/lib.mk tools/testing/selftests/kselftest.h
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/run_kselftest.sh
	tools/testing/selftests/kselftest/runner.sh
	tools/testing/selftests/kselftest/prefix.pl
	tools/testing/selftests/kselftest/module.sh)

missing=0
for f in "${FILES[@]}"; do
	[ -e "$TREE/$f" ] || missing=1
done
if [ "$missing" = 1 ]; then
	tarball() { find /usr/src -maxdepth 1 -name 'linux-source-6.1.tar.*' | sort | head -n 1; }
	TARBALL=$(tarball)
	if [ -z "$TARBALL" ]; then
		echo "linux-source: installing linux-source-6.1" >&2
		apt-get install -y --no-install-recommends linux-source-6.1 >&2
		TARBALL=$(tarball)
	fi
	# One pass over the tarball; another process may be at it too.
	mkdir -p "$ROOT/.vm"
	tmp=$(mktemp -d "$ROOT/.vm/linux-source.XXXXXX")
	tar -xf "$TARBALL" -C "$tmp" --strip-components=1 \
		--wildcards "${FILES[@]/#/*/}"
	mkdir -p "$TREE"
	cp -a "$tmp/." "$TREE/"
	rm -rf "$tmp"
fi

case ${1:-} in
checkpatch) echo "$TREE" ;;
kselftest) echo "$TREE/tools/testing/selftests" ;;
*) echo "usage: linux-source.sh checkpatch|kselftest" >&2; exit 2 ;;
esac
