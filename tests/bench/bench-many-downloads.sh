#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Download All of many small files: `filemail download LINK` (four files
# at a time, as the app's Download All) against curl --parallel
# --parallel-max 4 fetching the same download URLs (the curl config is
# written before the clock starts). Both against the local server, whose
# files live in /dev/shm; every file checked afterwards.
#
#   tests/bench/bench-many-downloads.sh [BUILD_DIR] ["2000x16384 10000x16384"]
#
# Prints a Markdown table: wall s, CPU s (user + sys), peak RSS, ratios.
set -euo pipefail

BUILD=${1:-_build}
SETS=${2:-"2000x16384 10000x16384"}
CLI="$(realpath "$BUILD/src/cli/filemail")"
SERVER_BIN="$(realpath "$BUILD/tests/server/filemail-test-server")"
WORK=$(mktemp -d /dev/shm/fm-many-dl-XXXXXX)
SERVER_PID=""

cleanup () {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

"$SERVER_BIN" --port 0 --root "$WORK/server" --min-chunk-size 1 > "$WORK/server.url" 2>/dev/null &
SERVER_PID=$!
while [ ! -s "$WORK/server.url" ]; do sleep 0.05; done
URL=$(head -n 1 "$WORK/server.url")
export HOME="$WORK/home" XDG_STATE_HOME="$WORK/home/state" FILEMAIL_API_URL="$URL" LC_ALL=C.UTF-8
unset DBUS_SESSION_BUS_ADDRESS FILEMAIL_LOGINTOKEN
mkdir -p "$HOME"
echo alice-password | "$CLI" login --username alice@example.com --password-stdin > /dev/null 2>&1

measure () {
    local out=$WORK/time.txt start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S %M" -o "$out" "$@" > "$WORK/cmd.out" 2> "$WORK/cmd.err" || { cat "$WORK/cmd.err" >&2; return 1; }
    end=$(date +%s.%N)
    read -r user sys rss < "$out"
    WALL=$(echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }')
    CPU=$(echo "$user $sys" | awk '{ printf "%.2f", $1 + $2 }')
    RSS=$((rss / 1024))
}

echo "$(date -I), $(nproc) cores, the local server on 127.0.0.1 (tmpfs)"
echo
echo "| files × size | curl --parallel 4 wall / CPU | filemail download wall / CPU / peak RSS | ratio wall / CPU |"
echo "|---|---|---|---|"
for set in $SETS; do
    n=${set%x*}
    size=${set#*x}
    rm -rf "$WORK/files" "$WORK/out"
    mkdir -p "$WORK/files/Album" "$WORK/out"
    python3 - "$WORK/files/Album" "$n" "$size" <<'PY'
import os, sys
folder, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
block = os.urandom(size)
for i in range(n):
    with open(os.path.join(folder, f"f{i:06d}.bin"), "wb") as f:
        f.write(block[i % size:] + block[:i % size])
PY
    LINK=$("$CLI" send --json "$WORK/files/Album" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')
    TID=${LINK##*/}
    curl -sS "$URL/api/transfer/get?transferid=$TID" | python3 -c '
import json, sys
out = sys.argv[1]
entries = []
for f in json.load(sys.stdin)["transfer"]["files"]:
    name = f["filename"].replace("/", "_")
    entries.append("url = \"%s\"\noutput = \"%s/%s\"\nfail" % (f["downloadurl"], out, name))
print("\nnext\n".join(entries))' "$WORK/out" > "$WORK/curl.cfg"
    measure curl -sS --parallel --parallel-max 4 -K "$WORK/curl.cfg"
    cw=$WALL; cc=$CPU
    [ "$(find "$WORK/out" -type f | wc -l)" -eq "$n" ] || { echo "curl saved the wrong number of files" >&2; exit 1; }
    rm -rf "$WORK/out"; mkdir -p "$WORK/out"
    measure "$CLI" download --dir "$WORK/out" "$LINK"
    fw=$WALL; fc=$CPU; fr=$RSS
    [ "$(find "$WORK/out/Album" -type f | wc -l)" -eq "$n" ] || { echo "filemail saved the wrong number of files" >&2; exit 1; }
    diff -rq "$WORK/files/Album" "$WORK/out/Album" > /dev/null || { echo "the files differ" >&2; exit 1; }
    awk -v n="$n" -v s="$size" -v cw="$cw" -v cc="$cc" -v fw="$fw" -v fc="$fc" -v fr="$fr" 'BEGIN {
        printf "| %d × %d B | %.2f s / %.2f s | %.2f s / %.2f s / %d MiB | %.2f× / %.2f× |\n", n, s, cw, cc, fw, fc, fr, fw / cw, fc / cc }'
    "$CLI" delete "$TID" > /dev/null 2>&1 || true
done
