#!/bin/sh
# Runs a command under its own Xvfb and a private session bus (only the
# accessibility bus and the keyring; see e2e/session.conf).
# Xvfb chooses a free display itself (-displayfd): a fixed number would
# collide with a stale lock left by a killed server.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
xvfb=""
# Waits for the server to be gone: the next test's Xvfb may take the same
# display number while this one is still shutting down.
trap 'if [ -n "$xvfb" ]; then kill $xvfb 2>/dev/null || true; wait $xvfb 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT

# Starts Xvfb and checks that a client can really connect: a sanitizer
# run once saw the application "cannot open display" on a display that
# Xvfb had just announced.
start_xvfb () {
    rm -f "$tmp/display"
    Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$tmp/display" >/dev/null 2>&1 &
    xvfb=$!
    for _ in $(seq 1 100); do
        [ -s "$tmp/display" ] && break
        sleep 0.1
    done
    [ -s "$tmp/display" ] || return 1
    DISPLAY=":$(cat "$tmp/display")"
    for _ in $(seq 1 50); do
        xdpyinfo -display "$DISPLAY" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

started=""
for attempt in 1 2 3; do
    if start_xvfb; then
        started=yes
        break
    fi
    echo "Xvfb attempt $attempt: no usable display; trying again" >&2
    kill $xvfb 2>/dev/null || true
    wait $xvfb 2>/dev/null || true
    xvfb=""
done
[ -n "$started" ] || { echo "Xvfb did not start" >&2; exit 1; }
export DISPLAY GSK_RENDERER=cairo
# FM_BUS_CONFIG: another bus configuration (the activation test adds a
# service directory to it)
# Services the bus starts (the AT-SPI registry, the keyring) inherit its
# stdout and greet on it; only the command's own output may reach the TAP
# reader, so the bus gets /dev/null and the command the original stdout.
dbus-run-session --config-file="${FM_BUS_CONFIG:-$here/e2e/session.conf}" -- \
  sh -c 'exec "$@" 1>&3 3>&-' sh "$@" 3>&1 1>/dev/null
