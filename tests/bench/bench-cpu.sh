#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CPU per GiB against the floor, over http and https, on this machine in
# one run (issue: "close to the machine's limit").
#
# The floor is what the work costs done by the leanest tools: the file cut
# into 10 MB chunks in tmpfs beforehand (not counted), `openssl md5` over
# them, and `curl --parallel 4` streaming them to the same local server
# (user+sys of both, /usr/bin/time). Against it: `filemail send` (10 MB
# chunks, 4 in flight, MD5 per chunk), user+sys, wall time and peak RSS;
# and the peak RSS at the largest chunks the reference allows (50 MB).
# The server's own CPU is not counted for either.
#
#   tests/bench/bench-cpu.sh [BUILD_DIR] [SIZES_MIB] [PROTOCOLS]
#   tests/bench/bench-cpu.sh _build "1024 5120" "http https"     (the defaults)
#
# Prints a Markdown table. Needs curl, openssl, /usr/bin/time; about
# 3 x the largest size free in /dev/shm.
set -euo pipefail

BUILD=${1:-_build}
SIZES=${2:-1024 5120}
PROTOCOLS=${3:-http https}
CHUNK=10000000
CLI="$(realpath "$BUILD")/src/cli/filemail"
SERVER_BIN="$(realpath "$BUILD")/tests/server/filemail-test-server"
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/fm-bench-cpu-XXXXXX")
SHM=$(mktemp -d /dev/shm/fm-bench-cpu-XXXXXX)
SERVER_PID=""

cleanup () {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK" "$SHM"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

start_server () {    # $1: http or https
    [ -n "$SERVER_PID" ] && { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }
    rm -rf "$SHM/server" "$WORK/server.url"
    local tls=()
    [ "$1" = https ] && tls=(--tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem")
    "$SERVER_BIN" --port 0 --root "$SHM/server" "${tls[@]}" > "$WORK/server.url" 2>/dev/null &
    SERVER_PID=$!
    while [ ! -s "$WORK/server.url" ]; do sleep 0.05; done
    URL=$(head -n 1 "$WORK/server.url")
}

cpu () { awk '{ printf "%.2f", $1 + $2 }' "$1"; }
json_field () { sed -E 's/.*"'"$1"'" *: *"([^"]*)".*/\1/'; }
per_gib () { echo "$1 $2" | awk '{ printf "%.2f", $1 / ($2 / 1024) }'; }

floor () {    # the file's chunks, cut beforehand: md5 + curl --parallel 4
    local size=$1 chunks init tid tkey upload cfg md5
    chunks=$(( (size + CHUNK - 1) / CHUNK ))
    /usr/bin/time -f "%U %S" -o "$WORK/md5.time" openssl md5 -binary -r "$SHM"/chunks/c.* > /dev/null 2>&1 ||
        /usr/bin/time -f "%U %S" -o "$WORK/md5.time" sh -c "for f in $SHM/chunks/c.*; do openssl md5 -binary \$f; done > /dev/null"
    init=$(curl -sS --cacert "$WORK/cert.pem" -d "transfersize=$size" "$URL/api/transfer/initialize")
    tid=$(echo "$init" | json_field transferid)
    tkey=$(echo "$init" | json_field transferkey)
    upload=$(echo "$init" | json_field transferurl)
    cfg="$WORK/curl.cfg"
    : > "$cfg"
    for i in $(seq 0 $((chunks - 1))); do
        md5=$(openssl md5 -binary "$SHM/chunks/c.$(printf %06d "$i")" | base64 | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')
        printf 'url = "%s?transferid=%s&transferkey=%s&thefilename=big.bin&chunksize=%s&chunks=%s&chunk=%s&md5=%s"\nupload-file = "%s"\nrequest = "POST"\noutput = "/dev/null"\n' \
            "$upload" "$tid" "$tkey" "$CHUNK" "$chunks" "$i" "$md5" "$SHM/chunks/c.$(printf %06d "$i")" >> "$cfg"
    done
    /usr/bin/time -f "%U %S %M %e" -o "$WORK/curl.time" \
        curl -sS -f --parallel --parallel-max 4 --cacert "$WORK/cert.pem" -H 'Content-Type: application/octet-stream' -K "$cfg"
    curl -sS -f --cacert "$WORK/cert.pem" -d "transferid=$tid&transferkey=$tkey" "$URL/api/transfer/complete" | grep -q '"ok"'
    echo "$(awk '{ print $1 + $2 }' "$WORK/md5.time") $(cpu "$WORK/curl.time") $(awk '{ print $4 }' "$WORK/curl.time")"
}

filemail_send () {    # $1: chunk size; prints "cpu rss_kib wall"
    FILEMAIL_API_URL="$URL" FILEMAIL_CA_FILE="$WORK/cert.pem" HOME="$WORK/home" XDG_STATE_HOME="$WORK/home/state" \
        /usr/bin/time -f "%U %S %M %e" -o "$WORK/fm.time" \
        "$CLI" send --chunk-size "$1" --parallel 4 "$WORK/big.bin" > /dev/null 2>&1
    echo "$(cpu "$WORK/fm.time") $(awk '{ print $3, $4 }' "$WORK/fm.time")"
}

echo "| file | protocol | floor CPU s/GiB (md5 + curl) | filemail CPU s/GiB | ratio | filemail wall s | curl wall s | peak RSS 10 MB chunks | peak RSS 50 MB chunks |"
echo "|---|---|---|---|---|---|---|---|---|"
mkdir -p "$WORK/home"
for size_mib in $SIZES; do
    echo "Preparing ${size_mib} MiB of random bytes and its chunks…" >&2
    head -c $((size_mib * 1024 * 1024)) /dev/urandom > "$WORK/big.bin"
    size=$(stat -c %s "$WORK/big.bin")
    rm -rf "$SHM/chunks"; mkdir -p "$SHM/chunks"
    split -b "$CHUNK" -d -a 6 "$WORK/big.bin" "$SHM/chunks/c."
    cat "$WORK/big.bin" > /dev/null    # in the page cache for both, as for a file just saved
    for proto in $PROTOCOLS; do
        start_server "$proto"
        read -r md5_cpu curl_cpu curl_wall < <(floor "$size")
        start_server "$proto"
        read -r fm_cpu fm_rss fm_wall < <(filemail_send "$CHUNK")
        start_server "$proto"
        read -r _ fm_rss50 _ < <(filemail_send 50000000)
        floor_cpu=$(echo "$md5_cpu $curl_cpu" | awk '{ print $1 + $2 }')
        echo "| ${size_mib} MiB | $proto | $(per_gib "$floor_cpu" "$size_mib") ($(per_gib "$md5_cpu" "$size_mib") + $(per_gib "$curl_cpu" "$size_mib")) | $(per_gib "$fm_cpu" "$size_mib") | $(echo "$fm_cpu $floor_cpu" | awk '{ printf "%.2f×", $1 / $2 }') | $fm_wall | $curl_wall | $((fm_rss / 1024)) MiB | $((fm_rss50 / 1024)) MiB |"
    done
done
