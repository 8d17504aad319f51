#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Upload benchmark: `filemail send` against the obvious alternative, a
# shell loop of curl uploading the same chunks (with their MD5) one after
# another, and the same loop 4 wide. Everything goes to the local server
# on 127.0.0.1, which checks every chunk's MD5 and stores the file.
#
#   tests/bench/bench-upload.sh [BUILD_DIR] [SIZE_MIB] [SMALL_FILES]
#
# Defaults: _build, 2048 MiB, 1000 small files of 10 kB. Prints a
# Markdown table. Needs curl, openssl, /usr/bin/time (build-aux/install-deps).
set -euo pipefail

BUILD=${1:-_build}
SIZE_MIB=${2:-2048}
SMALL=${3:-1000}
CHUNK=8388608
CLI="$BUILD/src/cli/filemail"
SERVER_BIN="$BUILD/tests/server/filemail-test-server"
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/fm-bench-XXXXXX")
# The server keeps what it receives in RAM when it can (tmpfs), so the
# numbers are the clients' and not the disk's write-back speed.
STORE=$(mktemp -d /dev/shm/fm-bench-server-XXXXXX 2>/dev/null || echo "$WORK")
SERVER_PID=""

cleanup () {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
    [ "$STORE" != "$WORK" ] && rm -rf "$STORE"
}
trap cleanup EXIT

start_server () {
    [ -n "$SERVER_PID" ] && { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }
    rm -rf "$STORE/server" "$WORK/server.url"
    "$SERVER_BIN" --port 0 --root "$STORE/server" > "$WORK/server.url" 2>/dev/null &
    SERVER_PID=$!
    while [ ! -s "$WORK/server.url" ]; do sleep 0.05; done
    URL=$(head -n 1 "$WORK/server.url")
    export URL
}

now () { date +%s.%N; }
mbps () { echo "$1 $2" | awk '{ printf "%.0f", $1 / $2 / 1000000 }'; }

# sed, not python: the loops' timing must not include an interpreter start
json_field () { sed -E 's/.*"'"$1"'" *: *"([^"]*)".*/\1/'; }

# One chunk with curl, as a script would: read it, hash it, send it.
upload_chunk () {
    local i=$1 off len md5
    off=$((i * CHUNK))
    len=$(( FILE_SIZE - off < CHUNK ? FILE_SIZE - off : CHUNK ))
    md5=$(dd if="$FILE" bs=1M iflag=skip_bytes,count_bytes skip="$off" count="$len" status=none |
          openssl dgst -md5 -binary | base64 | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')
    dd if="$FILE" bs=1M iflag=skip_bytes,count_bytes skip="$off" count="$len" status=none |
        curl -sS -f -X POST -H 'Content-Type: application/octet-stream' --data-binary @- \
             "$UPLOAD_URL?transferid=$TID&transferkey=$TKEY&thefilename=big.bin&chunksize=$CHUNK&chunks=$CHUNKS&chunk=$i&md5=$md5"
}
export -f upload_chunk
export CHUNK

curl_upload () {    # $1: how many at once
    local init
    init=$(curl -sS -d "transfersize=$FILE_SIZE" "$URL/api/transfer/initialize")
    TID=$(echo "$init" | json_field transferid)
    TKEY=$(echo "$init" | json_field transferkey)
    UPLOAD_URL=$(echo "$init" | json_field transferurl)
    CHUNKS=$(( (FILE_SIZE + CHUNK - 1) / CHUNK ))
    export TID TKEY UPLOAD_URL CHUNKS FILE FILE_SIZE
    seq 0 $((CHUNKS - 1)) | xargs -P "$1" -I{} bash -c 'upload_chunk {}'
    curl -sS -f -d "transferid=$TID&transferkey=$TKEY" "$URL/api/transfer/complete" | grep -q '"ok"'
}

echo "Preparing a ${SIZE_MIB} MiB file of random bytes and $SMALL small files in $WORK…" >&2
FILE="$WORK/big.bin"
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > "$FILE"
FILE_SIZE=$(stat -c %s "$FILE")
mkdir -p "$WORK/small"
for i in $(seq 1 "$SMALL"); do head -c 10000 /dev/urandom > "$WORK/small/file-$i.txt"; done
cat "$FILE" > /dev/null   # every contender starts with the file in the page cache

export XDG_STATE_HOME="$WORK/state" FILEMAIL_LOGINTOKEN=""

start_server
export FILEMAIL_API_URL=$URL
t0=$(now)
/usr/bin/time -v -o "$WORK/time.txt" "$CLI" send --json "$FILE" > "$WORK/send.json"
t1=$(now)
fm_secs=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')
fm_rss=$(awk -F': ' '/Maximum resident/ { printf "%.1f", $2 / 1024 }' "$WORK/time.txt")

start_server
t0=$(now); curl_upload 1; t1=$(now)
seq_secs=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')

start_server
t0=$(now); curl_upload 4; t1=$(now)
par_secs=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')

start_server
export FILEMAIL_API_URL=$URL
t0=$(now); "$CLI" send --json "$WORK/small" > /dev/null; t1=$(now)
small_fm=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')

start_server
small_curl () {
    local init tid key up md5 name
    init=$(curl -sS "$URL/api/transfer/initialize" -d x=1)
    tid=$(echo "$init" | json_field transferid); key=$(echo "$init" | json_field transferkey)
    up=$(echo "$init" | json_field transferurl)
    for f in "$WORK"/small/*; do
        name=$(basename "$f")
        md5=$(openssl dgst -md5 -binary "$f" | base64 | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')
        curl -sS -f -X POST -H 'Content-Type: application/octet-stream' --data-binary @"$f" \
             "$up?transferid=$tid&transferkey=$key&thefilename=$name&chunksize=$CHUNK&chunks=1&chunk=0&md5=$md5"
    done
    curl -sS -f -d "transferid=$tid&transferkey=$key" "$URL/api/transfer/complete" > /dev/null
}
t0=$(now); small_curl; t1=$(now)
small_seq=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')

fm=$(mbps "$FILE_SIZE" "$fm_secs"); seq=$(mbps "$FILE_SIZE" "$seq_secs"); par=$(mbps "$FILE_SIZE" "$par_secs")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo
echo "Upload benchmark, $(date -u +%Y-%m-%d), $(nproc) cores ($cpu), loopback, chunks of $CHUNK bytes, server storing in $(df --output=fstype "$STORE" | tail -n 1)"
echo
echo "| ${SIZE_MIB} MiB file | seconds | MB/s | vs. curl loop |"
echo "|---|---|---|---|"
echo "| \`filemail send\` (4 in flight) | $(printf %.1f "$fm_secs") | $fm | $(echo "$fm $seq" | awk '{ printf "%.2f×", $1 / $2 }') |"
echo "| curl loop, one chunk after another | $(printf %.1f "$seq_secs") | $seq | 1.00× |"
echo "| curl loop, 4 at once (xargs -P4) | $(printf %.1f "$par_secs") | $par | $(echo "$par $seq" | awk '{ printf "%.2f×", $1 / $2 }') |"
echo
echo "| $SMALL files of 10 kB | seconds | files/s |"
echo "|---|---|---|"
echo "| \`filemail send\` (one folder) | $(printf %.1f "$small_fm") | $(echo "$SMALL $small_fm" | awk '{ printf "%.0f", $1 / $2 }') |"
echo "| curl loop, one file after another | $(printf %.1f "$small_seq") | $(echo "$SMALL $small_seq" | awk '{ printf "%.0f", $1 / $2 }') |"
echo
echo "filemail peak RSS (2 GiB upload, default settings): ${fm_rss} MiB"
echo "filemail / 4-wide curl loop: $(echo "$fm $par" | awk '{ printf "%.2f×", $1 / $2 }')"
