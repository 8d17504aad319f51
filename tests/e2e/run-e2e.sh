#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The end-to-end test, under its own display and session bus, with an
# unlocked login keyring as on a desktop (an empty line creates it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../run-with-display.sh" sh -c \
  "echo '' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec /usr/bin/python3 \"$here/test-app-e2e.py\""
