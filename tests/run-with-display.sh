#!/bin/sh
# Runs a test program under its own Xvfb and private session bus.
set -eu
here=$(dirname "$0")
display=":$(( ($$ % 500) + 600 ))"
Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
    [ -e "/tmp/.X11-unix/X${display#:}" ] && break
    sleep 0.1
done
export DISPLAY="$display" GSK_RENDERER=cairo
dbus-run-session --config-file="$here/e2e/session.conf" -- "$@"
