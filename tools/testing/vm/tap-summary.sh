#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: ... | tap-summary.sh
#
# Pass TAP from stdin through to stdout and end with exactly one line
# "N passed, N failed". The stream may hold several TAP documents (one per
# guest test script), each with its own plan, leading or trailing:
#   - "ok" counts as passed, "not ok" as failed, "# SKIP" as neither, and a
#     "not ok ... # TODO" as neither;
#   - tests planned but never reported (the script crashed, the guest died)
#     count as failed, and so does a "Bail out!" (at least one failure);
#   - indented lines (subtests) and anything else are passed through only.
# Exit status: 1 if anything failed or no test ran at all, else 0.
#
# Plain bash on purpose: mawk buffers its input, which would hold back a
# live stream from run-vm.sh.

set -euo pipefail

passed=0 failed=0 ran=0
plan=-1 seen=0		# current document

close_doc() {	# [bailed]
	local missing=0

	if [ "$plan" -ge 0 ] && [ "$seen" -lt "$plan" ]; then
		missing=$((plan - seen))
	fi
	if [ -n "${1:-}" ] && [ "$missing" -eq 0 ]; then
		missing=1
	fi
	failed=$((failed + missing))
	plan=-1 seen=0
}

directive_re='#[[:space:]]*([Ss][Kk][Ii][Pp]|[Tt][Oo][Dd][Oo])'
while IFS= read -r line || [ -n "$line" ]; do
	printf '%s\n' "$line"
	line=${line%$'\r'}
	if [[ $line =~ ^1\.\.([0-9]+) ]]; then
		n=$((10#${BASH_REMATCH[1]}))
		if [ "$plan" -lt 0 ] && [ "$seen" -gt 0 ]; then
			plan=$n		# trailing plan closes the document
			close_doc
		else
			close_doc	# leading plan opens a new one
			plan=$n
		fi
	elif [[ $line == 'Bail out!'* ]]; then
		ran=1
		close_doc bailed
	elif [[ $line =~ ^(not )?ok([[:space:]]|$) ]]; then
		# A document with a leading plan ends with its last result:
		# what follows belongs to the next (maybe trailing-plan) one.
		if [ "$plan" -ge 0 ] && [ "$seen" -ge "$plan" ]; then
			close_doc
		fi
		seen=$((seen + 1)) ran=1
		if [[ $line =~ $directive_re ]]; then
			continue
		elif [[ $line == 'not ok'* ]]; then
			failed=$((failed + 1))
		else
			passed=$((passed + 1))
		fi
	fi
done
close_doc

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$ran" -eq 1 ]
