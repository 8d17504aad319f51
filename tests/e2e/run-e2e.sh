#!/bin/sh
# Runs the end-to-end test under its own Xvfb and a private session bus
# (accessibility bus + keyring only).
set -eu
here=$(dirname "$0")
display=":$(( ($$ % 500) + 100 ))"
Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
    [ -e "/tmp/.X11-unix/X${display#:}" ] && break
    sleep 0.1
done
export DISPLAY="$display"
# An unlocked login keyring, as on a desktop (an empty line creates it).
exec dbus-run-session --config-file="$here/session.conf" -- sh -c \
  "echo '' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec /usr/bin/python3 \"$here/test-app-e2e.py\""
