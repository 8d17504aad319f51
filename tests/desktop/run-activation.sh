#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# D-Bus activation, as a desktop does it: a private session bus that knows
# the application's D-Bus service file (pointing at the built program) and
# nothing else; see test-activation.py.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/services"
sed "s|^Exec=[^ ]*|Exec=$FILEMAIL_DESKTOP|" "$FM_DBUS_SERVICE" > "$tmp/services/$(basename "$FM_DBUS_SERVICE")"
sed "s|<standard_session_servicedirs/>|<servicedir>$tmp/services</servicedir>&|" \
    "$here/../e2e/session.conf" > "$tmp/session.conf"
# The bus starts the application with its own environment: this one.
# Norwegian, from the build tree's catalogues, with accessibility on.
mkdir -p "$tmp/home" "$tmp/config/glib-2.0/settings"
unset NO_AT_BRIDGE
# asked for GNOME's phone width: 360 px (settings in a key file the app reads)
printf '[com/filemail/Desktop]\nwindow-width=360\nwindow-height=640\n' > "$tmp/config/glib-2.0/settings/keyfile"
export GSETTINGS_BACKEND=keyfile
export FM_BUS_CONFIG="$tmp/session.conf" FM_ACTIVATION_TMP="$tmp" HOME="$tmp/home" \
       XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" \
       LANGUAGE=nb
exec "$here/../run-with-display.sh" /usr/bin/python3 "$here/test-activation.py"
