#!/bin/sh
# Runs a command under its own Xvfb and a private session bus (only the
# accessibility bus and the keyring; see e2e/session.conf).
# Xvfb chooses a free display itself (-displayfd): a fixed number would
# collide with a stale lock left by a killed server.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$tmp/display" >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do
    [ -s "$tmp/display" ] && break
    sleep 0.1
done
[ -s "$tmp/display" ] || { echo "Xvfb did not start" >&2; exit 1; }
export DISPLAY=":$(cat "$tmp/display")" GSK_RENDERER=cairo
# FM_BUS_CONFIG: another bus configuration (the activation test adds a
# service directory to it)
# Services the bus starts (the AT-SPI registry, the keyring) inherit its
# stdout and greet on it; only the command's own output may reach the TAP
# reader, so the bus gets /dev/null and the command the original stdout.
dbus-run-session --config-file="${FM_BUS_CONFIG:-$here/e2e/session.conf}" -- \
  sh -c 'exec "$@" 1>&3 3>&-' sh "$@" 3>&1 1>/dev/null
