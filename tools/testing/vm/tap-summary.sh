#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: ... | tap-summary.sh
#
# Pass TAP from stdin through to stdout and end with exactly one line
# "N passed, N failed". The stream may hold several TAP documents (one per
# guest, or per guest test script), each with its own plan, leading or
# trailing, and the documents kselftest's runner nests in its own with a
# "# " prefix (a suite's run.sh and what it runs), counted the same way:
#   - "ok" counts as passed, "not ok" as failed, "# SKIP" as neither, and a
#     "not ok ... # TODO" as neither;
#   - tests planned but never reported (the script crashed, the guest died)
#     count as failed, and so does a "Bail out!" (at least one failure);
#   - kselftest's result for a run.sh counts too (its exit status), and
#     ends the nested documents: a test they planned but never reported
#     counts as failed;
#   - indented lines, "# # " diagnostics of nested documents and anything
#     else are passed through only.
# Exit status: 1 if anything failed or no test ran at all, else 0.
#
# Plain bash on purpose: mawk buffers its input, which would hold back a
# live stream from run-vm.sh.

set -euo pipefail

passed=0 failed=0 ran=0
# A document's state, per level: 0 the stream itself, 1 what kselftest's
# runner nests in it with a "# " prefix (a suite's run.sh: its TAP
# documents, each with its own plan).
plan=(-1 -1) seen=(0 0)
close_doc() {	# LEVEL [bailed]
	local l=$1 missing=0
	if [ "${plan[l]}" -ge 0 ] && [ "${seen[l]}" -lt "${plan[l]}" ]; then
		missing=$((plan[l] - seen[l]))
	fi
	if [ -n "${2:-}" ] && [ "$missing" -eq 0 ]; then
		missing=1
	fi
	failed=$((failed + missing))
	plan[l]=-1 seen[l]=0
}
directive_re='#[[:space:]]*([Ss][Kk][Ii][Pp]|[Tt][Oo][Dd][Oo])'
# tap_line LEVEL LINE: one line of TAP of that level.
tap_line() {
	local l=$1 line=$2 n
	if [[ $line =~ ^1\.\.([0-9]+) ]]; then
		n=$((10#${BASH_REMATCH[1]}))
		if [ "${plan[l]}" -lt 0 ] && [ "${seen[l]}" -gt 0 ]; then
			plan[l]=$n	# trailing plan closes the document
			close_doc "$l"
		else
			close_doc "$l"	# leading plan opens a new one
			plan[l]=$n
		fi
	elif [[ $line == 'Bail out!'* ]]; then
		ran=1
		close_doc "$l" bailed
	elif [[ $line =~ ^(not )?ok([[:space:]]|$) ]]; then
		# A document with a leading plan ends with its last result:
		# what follows belongs to the next (maybe trailing-plan) one.
		if [ "${plan[l]}" -ge 0 ] && [ "${seen[l]}" -ge "${plan[l]}" ]; then
			close_doc "$l"
		fi
		# kselftest's result for a run.sh ends what it nested.
		[ "$l" = 0 ] && close_doc 1
		seen[l]=$((seen[l] + 1)) ran=1
		if [[ $line =~ $directive_re ]]; then
			return
		elif [[ $line == 'not ok'* ]]; then
			failed=$((failed + 1))
		else
			passed=$((passed + 1))
		fi
	fi
}
while IFS= read -r line || [ -n "$line" ]; do
	printf '%s\n' "$line"
	line=${line%$'\r'}
	if [[ $line == '# '* ]]; then
		tap_line 1 "${line#'# '}"
	else
		tap_line 0 "$line"
	fi
done
close_doc 1
close_doc 0
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$ran" -eq 1 ]
