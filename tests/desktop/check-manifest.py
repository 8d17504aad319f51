#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest, held to what Flathub takes, as far as this machine
can check without the runtime (it cannot be downloaded here):

- a current GNOME runtime (49 or later) and its SDK;
- every source pinned: git with a tag and a commit, or an archive with a
  sha256; no local folders;
- every library the runtime lacks as a module of its own (libqrencode);
- the narrowest permissions: network, Wayland with X11 fallback, DRI, the
  Downloads folder; everything else through portals (files: file chooser
  and document portals; notifications, inhibit, background and autostart:
  their portals; the login: the Secret portal), so no --talk-name, no
  session or system bus, no home, no X11-only;
- the files the build installs and the manifest relies on exist: the
  command, the desktop file, the metainfo (appstreamcli validate --strict),
  the D-Bus service, the search provider, the icons;
- the app module builds the tag it names (build-aux/flatpak-release --check).

Prints TAP."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

manifest_path, app_id = sys.argv[1], sys.argv[2]
metainfo = sys.argv[3] if len(sys.argv) > 3 else None
root = os.path.dirname(os.path.dirname(os.path.abspath(manifest_path)))
results = []


def check(name, ok, detail=""):
    results.append((bool(ok), name, detail))


with open(manifest_path) as f:
    m = json.load(f)

args = m.get("finish-args", [])
check("app id is " + app_id, m.get("id", m.get("app-id")) == app_id, m.get("id"))
check("command is filemail-desktop", m.get("command") == "filemail-desktop", m.get("command"))
check("GNOME runtime and SDK", m.get("runtime") == "org.gnome.Platform" and m.get("sdk") == "org.gnome.Sdk")
version = str(m.get("runtime-version", ""))
check("runtime 49 or later", version.isdigit() and int(version) >= 49, version)

allowed = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri",
           "--filesystem=xdg-download"}
for needed in sorted(allowed):
    check("asks for " + needed, needed in args)
extra = [a for a in args if a not in allowed]
check("nothing beyond those (portals need no holes)", not extra, " ".join(extra))

modules = m.get("modules", [])
check("libqrencode is a module of its own", any(mod.get("name") == "libqrencode" for mod in modules))
for mod in modules:
    for src in mod.get("sources", []):
        kind = src.get("type")
        name = f"{mod.get('name')}: {kind} source pinned"
        if kind == "git":
            commit = src.get("commit", "")
            check(name, src.get("url", "").startswith("https://") and re.fullmatch(r"[0-9a-f]{40}", commit)
                  and commit != "0" * 40 and src.get("tag"), json.dumps(src))
        elif kind in ("archive", "file"):
            check(name, src.get("url", "").startswith("https://") and re.fullmatch(r"[0-9a-f]{64}", src.get("sha256", "")),
                  json.dumps(src))
        else:
            check(f"{mod.get('name')}: no {kind} source (a local folder is not a release)", False, json.dumps(src))
app_module = modules[-1]
check("the app module is built by meson, without the test suite",
      app_module.get("buildsystem") == "meson" and "-Dtests=false" in app_module.get("config-opts", []))

# what the build installs and the manifest relies on
with open(os.path.join(root, "src", "app", "meson.build")) as f:
    check("meson builds the command", "'filemail-desktop'" in f.read())
for path in ("data/com.filemail.Desktop.desktop.in", "data/com.filemail.Desktop.metainfo.xml.in",
             "data/com.filemail.Desktop.service.in", "data/com.filemail.Desktop.search-provider.ini",
             "data/com.filemail.Desktop.gschema.xml",
             "data/icons/hicolor/scalable/apps/com.filemail.Desktop.svg",
             "data/icons/hicolor/symbolic/apps/com.filemail.Desktop-symbolic.svg"):
    check("exists: " + path, os.path.isfile(os.path.join(root, path)))
with open(os.path.join(root, "data", "com.filemail.Desktop.search-provider.ini")) as f:
    ini = f.read()
check("the search provider names the app's bus name and desktop file",
      f"BusName={app_id}" in ini and f"DesktopId={app_id}.desktop" in ini and "Version=2" in ini)

if metainfo and shutil.which("appstreamcli"):
    out = subprocess.run(["appstreamcli", "validate", "--strict", "--no-net", metainfo],
                         capture_output=True, text=True)
    check("appstreamcli validate --strict", out.returncode == 0, (out.stdout + out.stderr).strip())

tag_check = subprocess.run([sys.executable, os.path.join(root, "build-aux", "flatpak-release"), "--check"],
                           capture_output=True, text=True)
check("the app module builds the tag it names", tag_check.returncode == 0,
      (tag_check.stdout + tag_check.stderr).strip())

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
