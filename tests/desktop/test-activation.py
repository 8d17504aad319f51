#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""D-Bus activation and the Norwegian translation, as a desktop sees them.

Run by run-activation.sh inside a private session bus whose service
directory holds only the application's D-Bus service file. Nothing starts
the application but the bus: a file manager's org.freedesktop.Application
Open call must start it, and the file must appear in the Send view, in
Norwegian (LANGUAGE=nb). Prints TAP."""

import os
import subprocess
import sys
import time

import pyatspi

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from fmatspi import click, find, find_app, report, screenshot, tap, wait_for  # noqa: E402

APP_ID = os.environ.get("FM_APP_ID", "com.filemail.Desktop")
OBJECT_PATH = "/" + APP_ID.replace(".", "/")
TMP = os.environ["FM_ACTIVATION_TMP"]


def app_call(method, *args):
    done = subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID, "--object-path", OBJECT_PATH,
                           "--method", "org.freedesktop.Application." + method, *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{method} failed: {done.stderr.strip()}"
    return done.stdout


def name_has_owner():
    out = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                          "--object-path", "/org/freedesktop/DBus", "--method",
                          "org.freedesktop.DBus.NameHasOwner", APP_ID],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    return "true" in out


def main():
    report_file = os.path.join(TMP, "Årsrapport 2026.pdf")
    with open(report_file, "wb") as f:
        f.write(os.urandom(200_000))
    uri = "file://" + report_file.replace(" ", "%20").replace("Å", "%C3%85")

    def not_running_before():
        assert not name_has_owner(), "the application already runs"

    def open_starts_the_application():
        app_call("Open", f"['{uri}']", "{}")
        assert name_has_owner()
        wait_for(find_app, timeout=60, what="the application on the accessibility bus")

    def file_appears_in_send_view():
        app = find_app()
        wait_for(lambda: find(app, "label", "Årsrapport 2026.pdf"), timeout=30, what="the file in the Send view")

    def shows_norwegian():
        app = find_app()
        # the page switcher and the form, translated by po/nb.po
        wait_for(lambda: find(app, "page tab", "Innboks") or find(app, "label", "Innboks")
                 or find(app, "toggle button", contains="Innboks"), timeout=10, what="“Innboks”")
        assert find(app, "label", "Filer · 195,3 kB totalt") or find(app, "label", contains="Filer"), \
            "the file list's heading in Norwegian"
        screenshot("send-nb")

    def fits_360_px():
        app = find_app()
        # Norwegian words are longer: the window still fits GNOME's phone
        # width on every page (asked for 360 px; the frame's extents)
        for tab in ("Innboks", "Utboks", "Lenker", "Send"):
            node = find(app, "page tab", contains=tab)
            if node is not None:
                click(node)
            time.sleep(0.5)
            e = app[0].queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
            print(f"# {tab}: the window is {e.width} px wide", file=sys.stderr)
            assert 0 < e.width <= 380, (tab, e.width)
        screenshot("send-nb-narrow")

    def link_goes_to_the_running_instance():
        # `filemail-desktop LINK` while it runs: the second process hands
        # the link over (GApplication open) and leaves; the Links page of
        # the running one shows it, named by its id until it answers
        link = "https://www.filemail.com/d/LINKTEST42"
        done = subprocess.run([os.environ["FILEMAIL_DESKTOP"], link], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        app = find_app()
        wait_for(lambda: find(app, "label", "Overføring LINKTEST42"), timeout=30, what="the link on the Links page")
        screenshot("links-nb-narrow")

    def new_transfer_action():
        app_call("ActivateAction", "new-transfer", "[]", "{}")

    def quits():
        app_call("ActivateAction", "quit", "[]", "{}")
        wait_for(lambda: not name_has_owner(), timeout=30, what="the application to quit")

    tap("nothing owns the application's name at first", not_running_before)
    tap("Open on the session bus starts the application (D-Bus activation)", open_starts_the_application)
    tap("the opened file appears in the Send view", file_appears_in_send_view)
    tap("with LANGUAGE=nb the window is in Norwegian", shows_norwegian)
    tap("asked for 360 px, in Norwegian, the window is at most 380 px wide on every page", fits_360_px)
    tap("a link given to a second start opens in the running one, on the Links page", link_goes_to_the_running_instance)
    tap("the launcher's New Transfer action is there", new_transfer_action)
    tap("it quits on request", quits)
    return report()


if __name__ == "__main__":
    sys.exit(main())
