#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""desktop-file-validate on the Dolphin service menu. KDE's format puts
MimeType and Actions on a Type=Service entry, which the validator only
knows as an Application's keys: exactly those two complaints are
expected; anything else fails."""

import subprocess
import sys

EXPECTED = (
    'key "MimeType" is present in group "Desktop Entry", but the type is "Service"',
    'key "Actions" is present in group "Desktop Entry", but the type is "Service"',
)
out = subprocess.run(["desktop-file-validate", sys.argv[1]], capture_output=True, text=True)
other = [line for line in (out.stdout + out.stderr).splitlines()
         if line.strip() and not any(e in line for e in EXPECTED)]
for line in other:
    print(line)
sys.exit(1 if other else 0)
