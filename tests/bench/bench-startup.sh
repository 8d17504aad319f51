#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Start-up: from launching filemail-desktop to its first frame, to the
# first frame that shows the Inbox's rows (the cache's first screen, the
# newest 25), and to the frame with all of them, with a 10,000-transfer
# Inbox in the list cache (the last known list: what a returning user
# sees at once). The app prints CLOCK_REALTIME at those frames
# (FILEMAIL_DEBUG_STARTUP=1); the server answers slowly (2 s) so the frame
# measured is the cached list's. Xvfb, a private session bus; GTK's
# default GL renderer is llvmpipe here (no GPU), so GSK_RENDERER=cairo is
# the number a desktop's GPU path is closer to: run both. Target: < 400 ms.
#   tests/bench/bench-startup.sh [BUILD_DIR] [RUNS]     (defaults: _build, 5)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
runs=${2:-5}
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null || true; rm -rf "$tmp"' EXIT
display=":$(( $$ % 400 + 500 ))"
Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp -noreset >/dev/null 2>&1 &
pids="$!"
sleep 1
export DISPLAY="$display" HOME="$tmp/home" XDG_STATE_HOME="$tmp/home/state" XDG_CONFIG_HOME="$tmp/home/config"
export GSETTINGS_BACKEND=keyfile NO_AT_BRIDGE=1 GDK_BACKEND=x11 FILEMAIL_DEBUG_STARTUP=1
export GSETTINGS_SCHEMA_DIR="$build/data"
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf '[com/filemail/Desktop]\nlast-page=%s\n' "'inbox'" > "$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
"$build/tests/server/filemail-test-server" --port 0 --root "$tmp/server" --slow-ms 2000 > "$tmp/url" 2>/dev/null &
pids="$pids $!"
while [ ! -s "$tmp/url" ]; do sleep 0.05; done
url=$(head -n1 "$tmp/url")
export FILEMAIL_API_URL="$url"
printf 'alice-password\n' | DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent \
    "$build/src/cli/filemail" login --username alice@example.com --password-stdin >/dev/null 2>&1
# 10,000 received transfers as the cache keeps them (the reference's names)
/usr/bin/python3 - "$url" "$XDG_STATE_HOME/filemail/lists" <<'PY'
import hashlib, json, os, sys, time
url, folder = sys.argv[1], sys.argv[2]
os.makedirs(folder, mode=0o700, exist_ok=True)
key = hashlib.sha256(f"{url} alice@example.com".encode()).hexdigest()[:16]
now = int(time.time())
transfers = [{"id": f"T{i:014d}", "from": f"sender{i % 97}@example.com", "subject": f"Transfer number {i}",
              "sentdate": now - i * 60, "expiredate": now + 7 * 86400, "downloads": i % 5, "notify": False,
              "status": "STATUS_COMPLETE", "size": 1000 * i,
              "files": [{"fileid": f"F{i}", "filename": f"file-{i}.bin", "filesize": 1000 * i,
                         "downloadurl": f"{url}/d/{i}"}], "detailsloaded": True}
             for i in range(10000)]
# the whole list, and its first screen apart (the 25 newest), as the app
# writes them
for name, part in ((f"{key}-received.json", transfers),
                   (f"{key}-received-first.json", sorted(transfers, key=lambda t: -t["sentdate"])[:25])):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        json.dump({"version": 1, "saved": now, "transfers": part}, f)
    os.chmod(path, 0o600)
PY
for i in $(seq 1 "$runs"); do
    # the clock starts inside the session, right before the launch: the
    # bus daemon's own start is not the app's; the app runs until the
    # whole list is on screen (or 10 s)
    dbus-run-session -- sh -c "date +%s%6N > '$tmp/start'; '$build/src/app/filemail-desktop' 2>'$tmp/app.log' & app=\$!
        for t in \$(seq 1 200); do grep -q 'with 10000 ' '$tmp/app.log' 2>/dev/null && break; sleep 0.05; done
        kill \$app; wait \$app 2>/dev/null" >/dev/null 2>&1 || true
    start=$(cat "$tmp/start")
    first=$(sed -n 's/.*first frame at \([0-9]*\)/\1/p' "$tmp/app.log" | head -n1)
    screen=$(sed -n 's/.*first frame with \([0-9]*\) transfers at \([0-9]*\)/\1 \2/p' "$tmp/app.log" | head -n1)
    whole=$(sed -n 's/.*first frame with 10000 transfers at \([0-9]*\)/\1/p' "$tmp/app.log" | head -n1)
    if [ -z "$first" ] || [ -z "$screen" ] || [ -z "$whole" ]; then
        echo "run $i: no frame reported"; cat "$tmp/app.log"; continue
    fi
    echo "$screen" | awk -v s="$start" -v f="$first" -v w="$whole" '{
        printf "run: first frame %.0f ms, its %d cached transfers %.0f ms, all 10000 %.0f ms after launch\n",
            (f - s) / 1000, $1, ($2 - s) / 1000, (w - s) / 1000 }'
done | tee "$tmp/runs"
median () {    # $1: the field of the runs' lines; $2: what it is
    awk -v f="$1" '/^run: first/ { print $f }' "$tmp/runs" | sort -n |
        awk -v what="$2" '{ a[NR] = $1 } END { if (NR) printf "median: %s ms from launch to %s\n", a[int((NR + 1) / 2)], what }'
}
median 4 "the first frame (target < 400 ms)"
median 10 "the first frame showing cached transfers"
median 14 "the whole cached Inbox (10,000) on screen"
