#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Memory for a file far larger than memory budgets: `filemail send` of a
# sparse file (50 GiB by default) at the largest chunks the reference
# allows (50 MB), 4 in flight, to the local server (which keeps all-zero
# pieces as holes, so neither side needs the disk space). Prints CPU,
# wall time and peak RSS; the target is a peak RSS of at most 64 MiB
# whatever the file size. Takes minutes (both sides hash every byte):
# not part of the test suite.
#   tests/bench/bench-sparse.sh [BUILD_DIR] [SIZE_GIB] [CHUNK_BYTES]   (_build, 50, 50000000)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
size=${2:-50}
chunk=${3:-50000000}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/fm-bench-sparse-XXXXXX")
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
truncate -s "${size}G" "$work/sparse.bin"
"$build/tests/server/filemail-test-server" --port 0 --root "$work/server" > "$work/url" 2>/dev/null &
server_pid=$!
while [ ! -s "$work/url" ]; do sleep 0.05; done
mkdir -p "$work/home/state"
FILEMAIL_API_URL=$(head -n 1 "$work/url") HOME="$work/home" XDG_STATE_HOME="$work/home/state" \
    /usr/bin/time -f "%U %S %e %M" -o "$work/time" \
    "$build/src/cli/filemail" send --chunk-size "$chunk" --parallel 4 "$work/sparse.bin" > /dev/null 2>&1
echo "| file | chunk size | CPU s (user+sys) | CPU s/GiB | wall s | MB/s | peak RSS |"
echo "|---|---|---|---|---|---|---|"
awk -v size="$size" -v chunk="$chunk" '{
    printf "| %d GiB sparse | %d MB | %.1f | %.2f | %.1f | %.0f | %d MiB |\n",
        size, chunk / 1000000, $1 + $2, ($1 + $2) / size, $3, size * 1073.741824 / $3, $4 / 1024 }' "$work/time"
