#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Send one QMP command to a guest started with run-vm.sh --qmp SOCK and print
# the reply (one JSON line). Negotiates qmp_capabilities first.
#
# Usage: qmp.sh [-t SEC] [-e REGEX] SOCK 'JSON command'
#   -t SEC    give up after SEC seconds per reply (default 10)
#   -e REGEX  after a successful reply, also wait for an event whose JSON line
#             matches the extended regex REGEX and print it; e.g. the guest
#             released an unplugged device: '"DEVICE_DELETED".*"device": "vc1"'
# Examples:
#   qmp.sh /tmp/qmp.sock '{"execute":"device_del","arguments":{"id":"vc1"}}'
#   qmp.sh -e '"DEVICE_DELETED".*"device": "vc1"' -t 30 /tmp/qmp.sock \
#          '{"execute":"device_del","arguments":{"id":"vc1"}}'
# Exit status: 0 on {"return": ...}, 1 on {"error": ...} or timeout.

set -euo pipefail

usage() {
	echo "Usage: $0 [-t SEC] [-e REGEX] SOCK 'JSON command'" >&2
	exit 2
}

TMO=10 EVENT=''
while getopts t:e:h opt; do
	case $opt in
	t) TMO=$OPTARG ;;
	e) EVENT=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
SOCK=$1 CMD=$2

command -v socat >/dev/null || { echo "qmp.sh: socat not found; run setup-host.sh" >&2; exit 2; }
[ -S "$SOCK" ] || { echo "qmp.sh: $SOCK is not a socket" >&2; exit 2; }

coproc QMP { exec socat - "UNIX-CONNECT:$SOCK"; }
exec {to_qmp}>&"${QMP[1]}" {from_qmp}<&"${QMP[0]}"

# Read lines until one matches the pattern; events in between are skipped.
# Sets REPLY to that line.
expect() {
	local pattern=$1

	while IFS= read -r -t "$TMO" -u "$from_qmp" REPLY; do
		[[ $REPLY =~ $pattern ]] && return 0
	done
	echo "qmp.sh: no reply matching '$pattern' within ${TMO}s" >&2
	return 1
}

expect '^\{"QMP"'				# greeting
echo '{"execute":"qmp_capabilities"}' >&"$to_qmp"
expect '^\{"(return|error)"'
[[ $REPLY == *'"return"'* ]] || { echo "qmp.sh: $REPLY" >&2; exit 1; }

echo "$CMD" >&"$to_qmp"
expect '^\{"(return|error)"'
echo "$REPLY"
[[ $REPLY == *'"return"'* ]] || exit 1

if [ -n "$EVENT" ]; then
	expect "\"event\".*$EVENT"
	echo "$REPLY"
fi
