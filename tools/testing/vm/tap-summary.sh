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

set -euo pipefail

awk '
	function close_doc(bailed,   missing) {
		missing = (plan >= 0 && seen < plan) ? plan - seen : 0
		if (bailed && missing == 0)
			missing = 1
		failed += missing
		plan = -1; seen = 0
	}
	BEGIN { plan = -1; seen = 0; passed = 0; failed = 0; ran = 0 }
	{ print; fflush() }
	{ sub(/\r$/, "") }
	/^1\.\.[0-9]+/ {
		n = substr($0, 4) + 0
		if (plan < 0 && seen > 0) {	# trailing plan closes the document
			plan = n; close_doc(0)
		} else {			# leading plan opens a new one
			close_doc(0); plan = n
		}
		next
	}
	/^Bail out!/ { ran = 1; close_doc(1); next }
	/^(not )?ok([ \t]|$)/ {
		seen++; ran = 1
		directive = ""
		if (match($0, /#[ \t]*(SKIP|skip|Skip|TODO|todo|Todo)/))
			directive = toupper(substr($0, RSTART + 1))
		if (directive ~ /^[ \t]*(SKIP|TODO)/)
			next
		if ($0 ~ /^not ok/) failed++; else passed++
	}
	END {
		close_doc(0)
		printf "%d passed, %d failed\n", passed, failed
		exit (failed > 0 || !ran) ? 1 : 0
	}
'
