#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest: parsed, and held to the permissions the app
needs (network, Wayland with X11 fallback, DRI, the Downloads folder;
other files only through portals; notifications and the Secret portal
need no hole). Prints TAP."""

import json
import os
import shutil
import subprocess
import tempfile
import sys

manifest_path, app_id = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=""):
    results.append((bool(ok), name, detail))


with open(manifest_path) as f:
    m = json.load(f)

args = m.get("finish-args", [])
check("app id is " + app_id, m.get("id", m.get("app-id")) == app_id, m.get("id"))
check("command is filemail-desktop", m.get("command") == "filemail-desktop", m.get("command"))
check("GNOME runtime and SDK", m.get("runtime") == "org.gnome.Platform" and m.get("sdk") == "org.gnome.Sdk")
for needed in ("--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"):
    check("asks for " + needed, needed in args)
# Files to send come through the file chooser and document portals; the
# token through the Secret portal; notifications through their portal.
# The one hole: received files go to the Downloads folder, as in any browser.
check("downloads go to the Downloads folder", "--filesystem=xdg-download" in args)
forbidden = [a for a in args if a != "--filesystem=xdg-download" and a.startswith(("--filesystem=", "--talk-name=org.freedesktop.secrets",
                                               "--socket=x11", "--socket=session-bus", "--device=all",
                                               "--socket=system-bus", "--talk-name=org.freedesktop.Flatpak"))]
check("no other filesystem, keyring, bus-wide or X11-only holes", not forbidden, " ".join(forbidden))
app_module = m["modules"][-1]
check("the app module is this repository, built by meson",
      app_module.get("buildsystem") == "meson"
      and any(s.get("type") == "dir" and s.get("path") == ".." for s in app_module.get("sources", [])))
check("the app module leaves the test suite out", "-Dtests=false" in app_module.get("config-opts", []))

builder = shutil.which("flatpak-builder")
if builder:
    # it leaves a .flatpak-builder/ state folder where it runs: not in the tree
    with tempfile.TemporaryDirectory() as scratch:
        out = subprocess.run([builder, "--show-manifest", os.path.abspath(manifest_path)],
                             capture_output=True, text=True, cwd=scratch)
    check("flatpak-builder --show-manifest reads it", out.returncode == 0, out.stderr.strip())

print(f"1..{len(results)}")
for i, (ok, name, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}" + (f" # {detail}" if detail and not ok else ""))
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
