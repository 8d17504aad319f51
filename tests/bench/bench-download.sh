#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Downloads side by side: `filemail download LINK` against curl (one
# connection) and aria2c -x4 -s4 (four ranged connections), fetching the
# same file from the project's server (issue 24).
#
#   tests/bench/bench-download.sh [BUILD_DIR] [SIZE_MIB] [RATE]
#   tests/bench/bench-download.sh _build 100 20000000     (a 20 MB/s cap per connection)
#   tests/bench/bench-download.sh _build 1024 0           (no cap: CPU per GiB)
#
# RATE is the server's --connection-rate: every download answer is sent at
# most that fast, as over a far or shaped path where only more connections
# go faster. Wall time, speed and user+sys CPU (/usr/bin/time) of each;
# the file is checked byte for byte after each. Needs curl, aria2c,
# /usr/bin/time and about 3 x SIZE free in /dev/shm.
set -euo pipefail

BUILD=${1:-_build}
SIZE_MIB=${2:-100}
RATE=${3:-20000000}
RUNS=${RUNS:-1}
CLI="$(realpath "$BUILD")/src/cli/filemail"
SERVER_BIN="$(realpath "$BUILD")/tests/server/filemail-test-server"
WORK=$(mktemp -d /dev/shm/fm-bench-dl-XXXXXX)
SERVER_PID=""

cleanup () {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v aria2c > /dev/null || { echo "aria2c is missing (apt install aria2)" >&2; exit 1; }

"$SERVER_BIN" --port 0 --root "$WORK/server" --connection-rate "$RATE" > "$WORK/server.url" 2>/dev/null &
SERVER_PID=$!
while [ ! -s "$WORK/server.url" ]; do sleep 0.05; done
URL=$(head -n 1 "$WORK/server.url")

export HOME="$WORK/home" XDG_STATE_HOME="$WORK/home/state" FILEMAIL_API_URL="$URL" LC_ALL=C.UTF-8
unset DBUS_SESSION_BUS_ADDRESS FILEMAIL_LOGINTOKEN
mkdir -p "$HOME"
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > "$WORK/file.bin"
echo alice-password | "$CLI" login --username alice@example.com --password-stdin > /dev/null 2>&1
LINK=$("$CLI" send --json "$WORK/file.bin" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')
"$CLI" logout > /dev/null 2>&1
TID=${LINK##*/}
FILE_URL=$(curl -sS "$URL/api/transfer/get?transferid=$TID" |
           python3 -c 'import json,sys; print(json.load(sys.stdin)["transfer"]["files"][0]["downloadurl"])')

row () {    # name, time file, seconds
    local cpu
    cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$2")
    awk -v n="$1" -v w="$3" -v c="$cpu" -v s="$SIZE_MIB" \
        'BEGIN { printf "| %s | %.2f s | %.1f MB/s | %.2f s |\n", n, w, s * 1.048576 / w, c }'
    echo "$3 $cpu" >> "$WORK/runs.$1"
}

run () {    # name, command...
    local name=$1 start end
    shift
    rm -rf "$WORK/out"
    mkdir -p "$WORK/out"
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/stderr" ||
        { cat "$WORK/stderr" >&2; exit 1; }
    end=$(date +%s.%N)
    cmp -s "$WORK/file.bin" "$WORK/out/file.bin" || { echo "$name: the file differs" >&2; exit 1; }
    row "$name" "$WORK/time" "$(echo "$start $end" | awk '{ printf "%.3f", $2 - $1 }')"
}

median () {    # column of a runs file
    cut -d ' ' -f "$2" "$1" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "$(date -I), $SIZE_MIB MiB, server --connection-rate $RATE, $(nproc) cores, $RUNS run(s) each, interleaved"
echo
echo "| client | wall | speed | CPU (user+sys) |"
echo "|---|---|---|---|"
for _ in $(seq "$RUNS"); do
    run curl curl -sS -o "$WORK/out/file.bin" "$FILE_URL"
    run aria2c aria2c -q -x4 -s4 -k1M --file-allocation=none --allow-overwrite=true -d "$WORK/out" -o file.bin "$FILE_URL"
    run filemail "$CLI" download --dir "$WORK/out" "$LINK"
done
echo
for tool in curl aria2c filemail; do
    echo "$tool: median wall $(median "$WORK/runs.$tool" 1) s, median CPU $(median "$WORK/runs.$tool" 2) s"
done
awk -v fw="$(median "$WORK/runs.filemail" 1)" -v fc="$(median "$WORK/runs.filemail" 2)" \
    -v cw="$(median "$WORK/runs.curl" 1)" -v cc="$(median "$WORK/runs.curl" 2)" \
    -v aw="$(median "$WORK/runs.aria2c" 1)" 'BEGIN {
    printf "filemail (medians): %.2fx aria2c'\''s speed, %.2fx curl'\''s speed, %.2fx curl'\''s CPU\n", aw / fw, cw / fw, fc / cc }'
