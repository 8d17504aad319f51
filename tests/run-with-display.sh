#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command under its own Xvfb and a private session bus (only the
# accessibility bus and the keyring; see e2e/session.conf).
#
# The display number is chosen here, from the process id, not by Xvfb's
# -displayfd: that probes :0, :1, … by creating each socket before taking
# the display's lock, so two servers starting at once (or one starting
# while the last test's is shutting down) can delete each other's socket,
# and the clients of the first one then "cannot open display". With an
# explicit number Xvfb takes the lock first and fails cleanly when the
# display is in use; then the next number is tried.
#
# -noreset: by default an X server resets when its last client leaves (the
# xdpyinfo check below, a screenshot, a helper that quits), and a client
# connecting during the reset is refused: "cannot open display". That is
# how CI's sanitizer run lost the application in the end-to-end test.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
xvfb=""
# Waits for the server to be gone, so the next test starts clean.
trap 'if [ -n "$xvfb" ]; then kill $xvfb 2>/dev/null || true; wait $xvfb 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT

# Starts Xvfb on display :$1 and waits until a client can connect.
start_xvfb () {
    [ -e "/tmp/.X$1-lock" ] && return 1
    Xvfb ":$1" -screen 0 1280x900x24 -nolisten tcp -noreset >"$tmp/xvfb.log" 2>&1 &
    xvfb=$!
    for _ in $(seq 1 100); do
        kill -0 $xvfb 2>/dev/null || { wait $xvfb 2>/dev/null || true; xvfb=""; return 1; }
        xdpyinfo -display ":$1" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    kill $xvfb 2>/dev/null || true
    wait $xvfb 2>/dev/null || true
    xvfb=""
    return 1
}

n=$((100 + $$ % 800))
started=""
for _ in $(seq 1 20); do
    if start_xvfb $n; then
        started=yes
        break
    fi
    n=$((n + 1))
done
[ -n "$started" ] || { echo "Xvfb did not start:" >&2; cat "$tmp/xvfb.log" >&2; exit 1; }
export DISPLAY=":$n" GSK_RENDERER=cairo
# FM_BUS_CONFIG: another bus configuration (the activation test adds a
# service directory to it)
# Services the bus starts (the AT-SPI registry, the keyring) inherit its
# stdout and greet on it; only the command's own output may reach the TAP
# reader, so the bus gets /dev/null and the command the original stdout.
dbus-run-session --config-file="${FM_BUS_CONFIG:-$here/e2e/session.conf}" -- \
  sh -c 'exec "$@" 1>&3 3>&-' sh "$@" 3>&1 1>/dev/null
