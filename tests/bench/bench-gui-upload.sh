#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The app's CPU per GiB for an upload, to set beside bench-cpu.sh's
# `filemail send` numbers (same local server, same chunking).
#   tests/bench/bench-gui-upload.sh [BUILD_DIR] [SIZE_MIB] [CHUNK_BYTES]   (_build, 1024, 10000000)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
size=${2:-1024}
chunk=${3:-10000000}
file=$(mktemp "${TMPDIR:-/var/tmp}/fm-bench-gui-XXXXXX.bin")
trap 'rm -f "$file"' EXIT
head -c $((size * 1024 * 1024)) /dev/urandom > "$file"
cat "$file" > /dev/null
export FILEMAIL_DESKTOP="$build/src/app/filemail-desktop" FILEMAIL_TEST_SERVER="$build/tests/server/filemail-test-server"
export GSETTINGS_SCHEMA_DIR="$build/data"
"$top/tests/run-with-display.sh" /usr/bin/python3 "$top/tests/bench/bench-gui-upload.py" "$file" "$chunk"
