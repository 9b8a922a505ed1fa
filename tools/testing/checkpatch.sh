#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict over every C source and header of kernel code,
# with the checkpatch of Debian's linux-source-6.1 (extracted once by
# linux-source.sh).  Exits non-zero on any error, warning or check.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CP=$("$ROOT/tools/testing/linux-source.sh" checkpatch)/scripts/checkpatch.pl

cd "$ROOT"
# The suites' user-space programs follow the kselftest style; the kernel
# modules among them (a directory with a Kbuild: kmod/, testdev/) are
# kernel code like the rest.
mapfile -t files < <(git ls-files '*.c' '*.h' | grep -v '^tools/testing/selftests/'
	git ls-files 'tools/testing/selftests/*/*/Kbuild' | xargs -r -n 1 dirname |
		while read -r d; do git ls-files "$d/*.[ch]"; done)
echo "checkpatch --strict: ${#files[@]} kernel source files" >&2
report=$(perl "$CP" --strict --no-tree --terse --show-types -f "${files[@]}" |
	grep -v '^total: 0 errors, 0 warnings, 0 checks' || true)
if [ -n "$report" ]; then
	echo "$report"
	exit 1
fi
echo "checkpatch: clean" >&2
