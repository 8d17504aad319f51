#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Many small files: `filemail send DIR` against the floor, curl
# --parallel --parallel-max 4 posting every file as one chunk with its
# MD5 computed beforehand (the curl column includes `openssl md5` over the
# same bytes, and the complete call). Both against the local server,
# whose files live in /dev/shm.
#
#   tests/bench/bench-many-files.sh [BUILD_DIR] ["2000x16384 4000x16384 20000x16384 100000x1024"]
#
# Prints a Markdown table: wall s, CPU s (user + sys), peak RSS, and the
# ratios to curl; the size of the saved job per file (bytes on disk of
# uploads/*.json after a Ctrl-C at half way, divided by the files).
set -euo pipefail

BUILD=${1:-_build}
SETS=${2:-"2000x16384 4000x16384 20000x16384 100000x1024"}
CLI="$(realpath "$BUILD/src/cli/filemail")"
SERVER_BIN="$(realpath "$BUILD/tests/server/filemail-test-server")"
WORK=$(mktemp -d /dev/shm/fm-many-XXXXXX)
SERVER_PID=""

cleanup () {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

start_server () {
    [ -n "$SERVER_PID" ] && { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }
    rm -rf "$WORK/server" "$WORK/server.url"
    "$SERVER_BIN" --port 0 --root "$WORK/server" --min-chunk-size 1 > "$WORK/server.url" 2>/dev/null &
    SERVER_PID=$!
    while [ ! -s "$WORK/server.url" ]; do sleep 0.05; done
    URL=$(head -n 1 "$WORK/server.url")
}

json_field () { sed -E 's/.*"'"$1"'" *: *"([^"]*)".*/\1/'; }

# seconds of CPU (user + sys) and peak RSS (KiB) of a command, and its wall time
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

# The curl config (URL with the MD5 of each file, its body) is written
# before the clock starts; timed: `openssl md5` over every file (the
# hashing any client must do) and curl --parallel 4 posting them, with
# initialize before and complete after.
prepare_curl () {   # $1: the folder of files
    local dir=$1 init tid tkey upload
    init=$(curl -sS -d "to=bob@example.com" "$URL/api/transfer/initialize")
    tid=$(echo "$init" | json_field transferid)
    tkey=$(echo "$init" | json_field transferkey)
    upload=$(echo "$init" | json_field transferurl)
    echo "$tid $tkey" > "$WORK/ticket"
    python3 - "$dir" "$upload" "$tid" "$tkey" > "$WORK/curl.cfg" <<'PY'
import base64, hashlib, os, sys, urllib.parse
folder, upload, tid, tkey = sys.argv[1:5]
for name in sorted(os.listdir(folder)):
    path = os.path.join(folder, name)
    data = open(path, "rb").read()
    md5 = urllib.parse.quote(base64.b64encode(hashlib.md5(data).digest()).decode(), safe="")
    print(f'url = "{upload}?transferid={tid}&transferkey={tkey}&thefilename={name}'
          f'&chunksize={len(data)}&chunks=1&chunk=0&md5={md5}"')
    print(f'data-binary = "@{path}"\nheader = "Content-Type: application/octet-stream"\n'
          'output = "/dev/null"\nfail\nnext')
PY
}

curl_floor () {   # $1: the folder of files
    local dir=$1 tid tkey
    read -r tid tkey < "$WORK/ticket"
    find "$dir" -type f -exec openssl md5 {} + > /dev/null
    curl -sS -f --no-progress-meter --parallel --parallel-max 4 -K "$WORK/curl.cfg"
    curl -sS -f -d "transferid=$tid&transferkey=$tkey" "$URL/api/transfer/complete" | grep -qi 'ok'
}
export -f curl_floor json_field
export WORK

echo "| files × size | curl --parallel 4 wall / CPU | filemail wall / CPU / RSS | wall ratio | CPU ratio | saved job per file |"
echo "|---|---|---|---|---|---|"
for set in $SETS; do
    n=${set%x*}
    size=${set#*x}
    dir=$WORK/files-$n
    mkdir -p "$dir"
    head -c $((n * size)) /dev/urandom | split -a 6 -b "$size" - "$dir/f-"
    start_server
    export URL
    prepare_curl "$dir"
    measure bash -c "curl_floor $dir"
    cw=$WALL; cc=$CPU
    start_server
    state=$WORK/state-$n
    rm -rf "$state"
    HOME=$WORK XDG_STATE_HOME=$state XDG_CONFIG_HOME=$WORK/config FILEMAIL_API_URL=$URL \
        measure "$CLI" send --json "$dir"
    grep -q transferid "$WORK/cmd.out" || { cat "$WORK/cmd.err" >&2; exit 1; }
    fw=$WALL; fc=$CPU; fr=$RSS
    # the saved job: a send paused half way (SIGINT), its files on disk
    start_server
    curl -s -d slow_ms=1 "$URL/test/config" > /dev/null
    rm -rf "$state"
    ( HOME=$WORK XDG_STATE_HOME=$state XDG_CONFIG_HOME=$WORK/config FILEMAIL_API_URL=$URL \
        "$CLI" send "$dir" > /dev/null 2>&1 & pid=$!
      while kill -0 $pid 2>/dev/null &&
            [ "$(curl -s "$URL/test/stats" | grep -o '"upload_requests" *: *[0-9]*' | grep -o '[0-9]*$')" -lt $((n / 2)) ]; do
          sleep 0.05; done
      kill -INT $pid 2>/dev/null || true; wait $pid || true )
    bytes=$(find "$state/filemail/uploads" -type f \( -name '*.json' -o -name '*.acks.*' \) -exec cat {} + 2>/dev/null | wc -c || true)
    printf '| %s × %s B | %s s / %s s | %s s / %s s / %s MiB | %s | %s | %s B |\n' "$n" "$size" "$cw" "$cc" \
        "$fw" "$fc" "$fr" "$(echo "$fw $cw" | awk '{ printf "%.2f×", $1 / $2 }')" \
        "$(echo "$fc $cc" | awk '{ printf "%.2f×", $1 / $2 }')" "$((bytes / n))"
    rm -rf "$dir"
done
