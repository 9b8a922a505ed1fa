#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks as TAP, run by `make check` before the guests boot:
# checkpatch --strict, a W=1 build without warnings, sparse (C=2) clean.
#
# Usage: lint.sh [--kdir DIR]

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KDIR=''
if [ "${1:-}" = --kdir ]; then
	KDIR=${2:?}
fi
KDIR=${KDIR:-$(ls -d /lib/modules/6.1.*-amd64/build | sort -V | tail -n 1)}

n=0
result() {	# result NAME STATUS OUTPUT
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '%s\n' "$3" | head -n 40 | sed 's/^/# /'
	fi
}

echo "1..3"

out=$(bash "$ROOT/tools/testing/checkpatch.sh" 2>&1)
result "checkpatch --strict clean" $? "$out"

# Not `make clean`: that also removes .vm/, where the guest image is.
make -s -C "$ROOT" KDIR="$KDIR" modules-clean >/dev/null 2>&1
out=$(make -C "$ROOT" KDIR="$KDIR" W=1 C=2 modules 2>&1)
status=$?
warn=$(printf '%s\n' "$out" | grep -E 'warning:|error:' | grep -v '^Skipping BTF')
[ $status = 0 ] && [ -z "$warn" ]
result "W=1 build without warnings" $? "${warn:-$out}"

# sparse reports through the same build (C=2 checks every file).
sparse=$(printf '%s\n' "$out" | grep -E '^\S+\.[ch]:[0-9]+:[0-9]+: (warning|error):')
[ -z "$sparse" ]
result "sparse (make C=2) clean" $? "$sparse"
