#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The automatic-download notification as a person sees it: the app from
# the build tree under Xvfb with a real notification daemon (dunst, started
# by D-Bus activation as a desktop would),
# logged in against the local server, automatic downloads on; a transfer
# is sent to the user, arrives by itself, and the screen is captured.
#   tests/desktop/screenshot-notification.sh OUT.png   (after meson compile -C _build)
set -eu
out=$(realpath "${1:-data/screenshots/notification-arrived.png}")
top=$(cd "$(dirname "$0")/../.." && pwd)
build="$top/_build"
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
display=":$(( $$ % 500 + 300 ))"
Xvfb "$display" -screen 0 1100x760x24 -nolisten tcp >/dev/null 2>&1 &
sleep 1
export DISPLAY="$display" HOME="$tmp/home" XDG_STATE_HOME="$tmp/home/state" XDG_CONFIG_HOME="$tmp/home/config"
export GSETTINGS_BACKEND=keyfile FILEMAIL_ARRIVALS_INTERVAL=2 NO_AT_BRIDGE=1 GDK_BACKEND=x11
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings" "$XDG_CONFIG_HOME/dunst" "$tmp/home/Auto"
cat > "$XDG_CONFIG_HOME/glib-2.0/settings/keyfile" <<KEYS
[com/filemail/Desktop]
auto-download=true
download-folder='$tmp/home/Auto'
KEYS
cat > "$XDG_CONFIG_HOME/dunst/dunstrc" <<DUNST
[global]
    origin = top-right
    offset = 20x20
    width = 420
    font = Cantarell 11
    frame_width = 1
    frame_color = "#c0bfbc"
    corner_radius = 12
    padding = 14
    horizontal_padding = 14
    background = "#fafafa"
    foreground = "#241f31"
    format = "<b>%s</b>\n%b"
    show_indicators = yes
[urgency_normal]
    background = "#fafafa"
    foreground = "#241f31"
    timeout = 0
DUNST
"$build/tests/server/filemail-test-server" --port 0 --root "$tmp/server" > "$tmp/url" 2>/dev/null &
sleep 1
url=$(head -n1 "$tmp/url")
export FILEMAIL_API_URL="$url"
dbus-run-session -- sh -c "
  printf 'alice-password\n' | DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent '$build/src/cli/filemail' login --username alice@example.com --password-stdin
  meson devenv -C '$build' '$build/src/app/filemail-desktop' >\"$tmp/app.log\" 2>&1 &
  sleep 4
  curl -s -d count=1 -d from=bob@example.com -d to=alice@example.com -d subject='Holiday photos' -d filename=beach.jpg \
       '$url/test/seed' >/dev/null
  for i in \$(seq 1 40); do ls '$tmp/home/Auto'/*/beach.jpg >/dev/null 2>&1 && break; sleep 0.5; done
  sleep 2
  import -window root '$out'
"
echo "screenshot-notification: $out"
