#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rules of the code, kept by the suite (HACKING.md, "Style"): no
source file under src/ past 1,000 lines; src/core never includes GTK,
GDK or libadwaita, nor any header of src/app or src/cli (the core is the
layer under both); inside the core, the transport (fm-http.c) does not
call up into the API client (fm-client.h): the address rule it needs is
fm-url.c, below both; what the app shows uses typographic apostrophes
(’, as the GNOME HIG asks), never the typewriter's ' . Prints TAP."""

import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
MAX_LINES = 1000
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
# a translatable string in C (_("…"), N_("…")) or a .ui file
C_STRING = re.compile(r'\bN?_\s*\(\s*"((?:[^"\\]|\\.)*)"')
UI_STRING = re.compile(r'translatable="yes"[^>]*>([^<]*)<')


def sources(folder, endings=(".c", ".h")):
    for root, _, names in os.walk(folder):
        for name in sorted(names):
            if name.endswith(endings):
                yield os.path.join(root, name)


def main():
    checks = []
    for path in sources(SRC, (".c",)):
        with open(path, encoding="utf-8") as f:
            n = sum(1 for _ in f)
        rel = os.path.relpath(path, SRC)
        checks.append((n <= MAX_LINES, f"src/{rel} has {n} lines (at most {MAX_LINES})"))
    core = os.path.join(SRC, "core")
    own = set(os.listdir(core))
    for path in sources(core):
        with open(path, encoding="utf-8") as f:
            includes = INCLUDE.findall(f.read())
        rel = os.path.relpath(path, SRC)
        toolkit = [i for i in includes if i.startswith(("gtk/", "gdk/")) or i == "adwaita.h"]
        checks.append((not toolkit, f"src/{rel} includes no toolkit header {toolkit or ''}".rstrip()))
        ours = [i for i in includes if i.startswith("fm-") and i not in own]
        checks.append((not ours, f"src/{rel} includes only headers of src/core {ours or ''}".rstrip()))
    # calls only go down: the transport is under the client
    for lower, upper in (("fm-http.c", "fm-client.h"), ("fm-url.c", "fm-client.h"), ("fm-url.c", "fm-http.h")):
        with open(os.path.join(core, lower), encoding="utf-8") as f:
            includes = INCLUDE.findall(f.read())
        checks.append((upper not in includes, f"src/core/{lower} does not include {upper}"))
    # words on screen: typographic apostrophes (the CLI keeps plain text)
    for folder in ("app", "core"):
        for path in sources(os.path.join(SRC, folder), (".c", ".ui")):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            found = (UI_STRING if path.endswith(".ui") else C_STRING).findall(text)
            straight = [t for t in found if "'" in t]
            rel = os.path.relpath(path, SRC)
            checks.append((not straight, f"src/{rel} shows no straight apostrophe {straight[:1] or ''}".rstrip()))
    print(f"1..{len(checks)}")
    failed = 0
    for i, (ok, what) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {what}")
        if not ok:
            failed += 1
            print(f"not kept: {what}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
