#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of filemail-desktop, driven through the accessibility
tree (AT-SPI) under Xvfb, against the local server. Prints TAP.

Run inside `dbus-run-session --config-file tests/e2e/session.conf` (meson
test does, through run-e2e.sh). Screenshots go to $FM_SCREENSHOT_DIR."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import pyatspi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fmatspi import (badly_named, click, find, find_app, focus_within, focus_x_window, grabs, gtk_action,  # noqa: E402
                     is_focused, on_screen, press_and_hear, report, screenshot, tap, text_of, type_into, wait_for,
                     within)

APP = os.environ["FILEMAIL_DESKTOP"]
SERVER = os.environ["FILEMAIL_TEST_SERVER"]
WORK = tempfile.mkdtemp(prefix="fm-e2e-")


def stats(url):
    with urllib.request.urlopen(url + "/test/stats", timeout=30) as r:
        return json.loads(r.read())


def api(url, path, **params):
    """A form POST to the server, as a client makes it; the JSON answer."""
    body = urllib.parse.urlencode(params).encode()
    with urllib.request.urlopen(url + path, data=body, timeout=30) as r:
        return json.loads(r.read())


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def backtrace(pid):
    """Every thread's stack of a hung process, for the test log."""
    try:
        return subprocess.run(["gdb", "-batch", "-p", str(pid), "-ex", "thread apply all bt"],
                              capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"(no backtrace: {e})"


def main():
    # niced: it stands in for a server on another machine, not for work
    # this desktop's UI should compete with
    server = subprocess.Popen(["nice", "-n", "15", SERVER, "--port", "0", "--root", os.path.join(WORK, "server")],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = server.stdout.readline().strip()
    env = dict(os.environ, FILEMAIL_API_URL=url, HOME=os.path.join(WORK, "home"),
               XDG_STATE_HOME=os.path.join(WORK, "state"), FILEMAIL_DEBUG_STALLS="2",
               # No GPU under Xvfb: GL would be llvmpipe, drawing each frame
               # on the CPU in 20-60 ms; cairo is this machine's fast path.
               GSK_RENDERER=os.environ.get("FM_E2E_RENDERER", "cairo"))
    env.pop("NO_AT_BRIDGE", None)
    # meson's memory tripwires fill every allocation: right for unit tests,
    # wrong for a timing measurement of the real application
    for name in ("MALLOC_PERTURB_", "MALLOC_CHECK_", "G_DEBUG"):
        env.pop(name, None)
    os.makedirs(env["HOME"], exist_ok=True)
    # the desktop's Downloads folder, as xdg-user-dirs writes it
    downloads = os.path.join(env["HOME"], "Downloads")
    os.makedirs(downloads)
    os.makedirs(os.path.join(env["HOME"], ".config"))
    with open(os.path.join(env["HOME"], ".config", "user-dirs.dirs"), "w") as f:
        f.write('XDG_DOWNLOAD_DIR="$HOME/Downloads"\n')
    photo = os.path.join(WORK, "Holiday photo.jpg")
    with open(photo, "wb") as f:
        f.write(os.urandom(3_000_000))
    notes = os.path.join(WORK, "notes & plans.txt")
    with open(notes, "w") as f:
        f.write("Meet at the station at nine.\n")
    big = os.path.join(WORK, "disk image.raw")          # 1 GiB, sparse
    with open(big, "wb") as f:
        f.truncate(1 << 30)
        f.seek((1 << 30) - 4)
        f.write(b"tail")
    # stderr goes to a file, not a pipe: a pipe nobody reads until the end
    # fills at 64 KiB and then blocks the application in write()
    log_path = os.path.join(WORK, "filemail-desktop.log")
    log = open(log_path, "w")
    app = subprocess.Popen([APP], env=env, stdout=subprocess.DEVNULL, stderr=log)
    state = {}

    def app_log():
        with open(log_path, errors="replace") as f:
            return f.read()

    def starts_empty():
        try:
            # an application that exited is not waited for
            wait_for(lambda: app.poll() is not None or find_app(), what="the application on the accessibility bus")
            if app.poll() is not None:
                raise AssertionError("exited")
            state["app"] = find_app()
        except AssertionError:
            if app.poll() is not None:
                raise AssertionError(f"filemail-desktop exited with {app.returncode}:\n{app_log()}")
            raise AssertionError("filemail-desktop runs but is not on the accessibility bus\n"
                                 f"{backtrace(app.pid)}\n{app_log()[-4000:]}")
        wait_for(lambda: find(state["app"], "push button", contains="Add Files"), what="the Send page")
        time.sleep(0.5)
        screenshot("send-empty")
        assert not badly_named(state["app"]), badly_named(state["app"])

    def tab_is_announced():
        # What Orca hears: Tab moves the keyboard focus and AT-SPI names
        # where it went. On GTK 4.8 / libadwaita 1.2 an AdwEntryRow said
        # nothing here; every field is one stop, a setting row is not a
        # second stop before its switch.
        a = state["app"]
        focus_x_window("^Filemail$")
        heard = []
        for _ in range(16):
            heard.append(press_and_hear("Tab"))
            if heard[-1] == ("text", "Message"):
                break
        print(f"# Tab on the Send page: {heard}", file=sys.stderr)
        for role, name in (("text", "To"), ("text", "From"), ("text", "Subject"), ("spin button", "Expires After"),
                           ("password text", "Password"), ("check box", "Notify Me on Download"),
                           ("check box", "Send Me a Confirmation"), ("text", "Message")):
            assert (role, name) in heard, f"{role} “{name}” not announced: {heard}"
        assert all(name and not name.startswith(("Gtk", "Adw")) for _, name in heard), heard
        assert ("list item", "Notify Me on Download") not in heard, "a setting row is two Tab stops"
        assert len(heard) == len(set(heard)), f"a stop heard twice: {heard}"
        # a closed banner is not in the tree for browse mode to read
        assert not find(a, None, pred=lambda n: "You are offline" in (n.name or "") or
                        "connection is metered" in (n.name or "")), "a hidden banner is readable"

    def preferences_are_named():
        gtk_action("preferences")
        prefs = wait_for(lambda: next((w for w in state["app"] if w.name == "Preferences"), None), what="Preferences")
        assert not badly_named(prefs), badly_named(prefs)
        click(find(prefs, "page tab", name="Network"))
        for name in ("Download New Transfers Automatically", "Limit Upload Speed", "Limit Download Speed"):
            wait_for(lambda: on_screen(find(prefs, "check box", name=name)), what=f"the switch “{name}”")
        assert not badly_named(prefs), badly_named(prefs)
        focus_x_window("^Preferences$")
        press_and_hear("Escape", expect=False)
        wait_for(lambda: not any(w.name == "Preferences" for w in state["app"]), what="Preferences closed")

    def send_adds_files_to_running_instance():
        # a second start hands the files to the running window (D-Bus Open)
        subprocess.run([APP, "--send", photo, notes], env=env, check=True, timeout=60)
        wait_for(lambda: find(state["app"], "push button", name="Remove “notes & plans.txt”"),
                 what="the files in the list")

    def form_validates_and_sends():
        a = state["app"]
        to = wait_for(lambda: find(a, "text", name="To"), what="the To field")
        send = find(a, "push button", name="Send")
        type_into(to, "bob@example.com, not-an-address")
        wait_for(lambda: not send.getState().contains(pyatspi.STATE_SENSITIVE), what="Send disabled")
        type_into(to, "bob@example.com")
        type_into(find(a, "text", name="From"), "alice@example.com")
        type_into(find(a, "text", name="Subject"), "Holiday photos")
        wait_for(lambda: send.getState().contains(pyatspi.STATE_SENSITIVE), what="Send enabled")
        time.sleep(0.3)
        screenshot("send-filled")
        click(send)
        link = wait_for(lambda: find(a, "label", pred=lambda n: n.name.startswith(url + "/d/")
                                     or (n.name == "Download link" and text_of(n).startswith(url))),
                        what="the download link")
        time.sleep(0.5)
        screenshot("send-done")
        files = {f["filename"]: f for f in stats(url)["files"]}
        assert sha256(files["Holiday photo.jpg"]["path"]) == sha256(photo)
        assert sha256(files["notes & plans.txt"]["path"]) == sha256(notes)

    def large_upload_shows_progress_and_stays_responsive():
        a = state["app"]
        subprocess.run(["curl", "-s", "-o", "/dev/null", "-d", "slow_ms=150", url + "/test/config"], check=True)
        print(f"# big upload starts at {time.monotonic():.3f}", file=sys.stderr)
        subprocess.run([APP, "--send", big], env=env, check=True, timeout=60)
        wait_for(lambda: find(a, "push button", name="Remove “disk image.raw”"), what="the big file")
        type_into(find(a, "text", name="From"), "alice@example.com")
        click(find(a, "push button", name="Send"))
        # the new transfer's row, not a toast over an empty form: on screen
        # inside the window and focused, naming itself
        row = wait_for(lambda: find(a, None, pred=lambda n: is_focused(n) and "disk image.raw" in (n.name or "")),
                       what="the new upload's row, focused")
        assert within(row, a[0]), "the new upload's row is outside the window"
        print(f"# focused after Send: {row.getRoleName()} {row.name!r}", file=sys.stderr)
        bar = wait_for(lambda: find(a, "progress bar", pred=lambda n: 0.05 < n.queryValue().currentValue < 0.9),
                       what="a moving progress bar")
        print(f"# progress seen at {time.monotonic():.3f}", file=sys.stderr)
        screenshot("send-uploading")
        print(f"# screenshot done at {time.monotonic():.3f}", file=sys.stderr)
        subprocess.run(["curl", "-s", "-o", "/dev/null", "-d", "slow_ms=0", url + "/test/config"], check=True)
        wait_for(lambda: any(f["filename"] == "disk image.raw" and f["size"] == 1 << 30
                             for f in stats(url)["files"]), timeout=120, what="the 1 GiB file on the server")
        print(f"# big upload done at {time.monotonic():.3f}", file=sys.stderr)

    def login_dialog():
        gtk_action("login")
        dialog = wait_for(lambda: find(state["app"], "frame", name="Log In"), what="the login dialog")
        # typing goes to the address at once, not to Cancel. GTK 4.8 reports
        # no "focused" state for text rows over AT-SPI (and none at all in
        # a window that is not active): where it reports none, test-widgets
        # (in-process, gtk_window_get_focus) is what proves it.
        active = dialog.getState().contains(pyatspi.STATE_ACTIVE) and find(dialog, None, pred=is_focused) is not None
        if active:
            wait_for(lambda: focus_within(dialog, "E-mail Address"), what="focus on E-mail Address")
        else:
            print("# no focus reported over AT-SPI in the login dialog: its focus is checked by test-widgets",
                  file=sys.stderr)
        assert not badly_named(dialog), badly_named(dialog)
        # Tab and Shift+Tab between the fields, each announced by name
        focus_x_window("^Log In$")
        assert press_and_hear("Tab") == ("password text", "Password")
        assert press_and_hear("shift+Tab") == ("text", "E-mail Address")
        submit = find(dialog, "push button", pred=lambda n: "Log In" in n.name and "…" not in n.name)
        type_into(find(dialog, "text", name="E-mail Address"), "alice@example.com")
        type_into(find(dialog, "password text", name="Password"), "wrong")
        click(submit)
        wait_for(lambda: find(dialog, "alert", contains="e-mail address or password is wrong"),
                 what="the wrong-password sentence, as an alert")
        # after the error the focus stays in the dialog, on what to fix
        if active:
            wait_for(lambda: focus_within(dialog, "Password"), what="focus back on Password")
        time.sleep(0.3)
        screenshot("login-dialog")
        type_into(find(dialog, "password text", name="Password"), "alice-password")
        click(submit)
        wait_for(lambda: find(state["app"], "push button", contains="logged in as alice@example.com"),
                 what="logged in")
        state["user"] = "alice@example.com"

    # ---- Inbox and Outbox, as the sender and as the recipient

    def log_in_as(email, password):
        a = state["app"]
        gtk_action("logout")
        wait_for(lambda: not find(a, "push button", contains=f"logged in as {state['user']}"), what="logged out")
        gtk_action("login")
        dialog = wait_for(lambda: find(a, "frame", name="Log In"), what="the login dialog")
        type_into(find(dialog, "text", name="E-mail Address"), email)
        type_into(find(dialog, "password text", name="Password"), password)
        click(find(dialog, "push button", pred=lambda n: "Log In" in n.name and "…" not in n.name))
        wait_for(lambda: find(a, "push button", contains=f"logged in as {email}"), what=f"logged in as {email}")
        state["user"] = email

    def open_page(name):
        """The Inbox or Outbox page, shown; its widgets only."""
        a = state["app"]
        click(find(a, "page tab", name=name))
        return find(a, None, name=name, pred=lambda n: n.getRoleName() not in ("page tab", "label"))

    def select(page, subject):
        """Selects a transfer in the page's list, as a click would."""
        lv = wait_for(lambda: find(page, "list", name="Transfers",
                                   pred=lambda n: find(n, "label", name=subject) is not None),
                      what=f"“{subject}” in the list")
        for i, item in enumerate(lv):
            if find(item, "label", name=subject):
                assert lv.querySelection().selectChild(i)
                break
        # the one suggested action: Copy Link for what was sent; Download
        # All (or "All Files Saved" once this computer has them all) for
        # what was received
        wait_for(lambda: find(page, "push button", pred=lambda n: n.name in ("Copy Link", "Download All",
                                                                           "All Files Saved")),
                 what="the transfer's details")

    def menu_item(page, label):
        """A sent transfer's other actions are in its More Actions menu."""
        button = find(page, "push button", name="More Actions")
        # a GtkMenuButton acts through the toggle button inside it
        inner = find(button, None, pred=lambda n: n is not button and n.queryAction().nActions > 0)
        click(inner if inner is not None else button)
        click(wait_for(lambda: find(state["app"], "menu item", contains=label), what=f"“{label}” in the menu"))

    def dialog_named(name):
        try:
            return wait_for(lambda: find(state["app"], None, name=name,
                                     pred=lambda n: n.getRoleName() in ("dialog", "frame", "alert")),
                            what=f"the “{name}” dialog")
        except AssertionError:
            raise AssertionError(f"no “{name}” dialog among {[(w.getRoleName(), w.name) for w in state['app']]}")

    def logged_out_pages():
        for name in ("Inbox", "Outbox"):
            page = open_page(name)
            wait_for(lambda: on_screen(find(page, "push button", name="Log In…")), what=f"Log In on the {name}")
            for role, control in (("entry", "Search Transfers"), ("push button", "Oldest First"),
                                  ("push button", "List Options")):
                assert not on_screen(find(page, role, name=control)), f"{control} shown on the logged-out {name}"
            assert not on_screen(find(page, "label", name="No Transfer Selected")), name
            assert not badly_named(page), badly_named(page)
        time.sleep(0.3)
        screenshot("inbox-logged-out")
        click(find(state["app"], "page tab", name="Send"))

    def outbox_edit_and_forward():
        a = state["app"]
        # sent while logged in: it is alice's
        subprocess.run([APP, "--send", notes], env=env, check=True, timeout=60)
        wait_for(lambda: find(a, "push button", name="Remove “notes & plans.txt”"), what="the file")
        type_into(find(a, "text", name="To"), "bob@example.com")
        type_into(find(a, "text", name="Subject"), "Plans for Friday")
        click(find(a, "push button", name="Send"))
        wait_for(lambda: sum(f["filename"] == "notes & plans.txt" for f in stats(url)["files"]) >= 2,
                 what="the new transfer on the server")
        time.sleep(1)
        outbox = open_page("Outbox")
        select(outbox, "Plans for Friday")
        # logged in, a transfer open: still every focusable thing named
        assert not badly_named(outbox), badly_named(outbox)
        assert on_screen(find(outbox, "push button", name="Copy Link")), "Copy Link is not the sent transfer's action"
        assert not on_screen(find(outbox, "push button", name="Download All")), "Download All beside Copy Link"
        menu_item(outbox, "Edit")
        dialog = dialog_named("Edit Transfer")
        subject = wait_for(lambda: find(dialog, "text", pred=lambda n: text_of(n) == "Plans for Friday"),
                           what="the subject field")
        type_into(subject, "Plans for Saturday")
        click(find(dialog, "push button", contains="Save"))
        wait_for(lambda: find(outbox, "label", name="Plans for Saturday"), what="the new subject in the Outbox")
        menu_item(outbox, "Forward")
        dialog = dialog_named("Forward Transfer")
        type_into(find(dialog, "text"), "carol@example.com")
        click(find(dialog, "push button", pred=lambda n: "Forward" in n.name and "…" not in n.name))
        wait_for(lambda: find(outbox, "label", name="To bob@example.com, carol@example.com"),
                 what="carol among the recipients")
        # the row: recipients this computer remembers (the API never says),
        # the size and file count from transfer/get (the list has neither)
        row = wait_for(lambda: find(outbox, "label", pred=lambda n: (n.name or "").startswith("To bob@example.com")
                                    and "in 1 file" in n.name), what="the Outbox row's recipients and size")
        print(f"# Outbox row: {row.name}", file=sys.stderr)
        assert not find(outbox, "label", pred=lambda n: "0 bytes" in (n.name or "")), "a guessed “0 bytes”"
        time.sleep(0.5)
        screenshot("outbox-e2e")

    def inbox_downloads_byte_identical():
        log_in_as("bob@example.com", "bob-password")
        inbox = open_page("Inbox")
        # received/get items carry no sender, size or files: the row learns
        # them from transfer/get and says nothing it does not know
        row = wait_for(lambda: find(inbox, "label", pred=lambda n: (n.name or "").startswith("From alice@example.com")
                                    and "in 1 file" in n.name), what="the Inbox row's sender and size")
        print(f"# Inbox row: {row.name}", file=sys.stderr)
        assert not find(inbox, "label", pred=lambda n: "0 bytes" in (n.name or "") or n.name == "From "), \
            "a guessed size or an empty sender"
        select(inbox, "Plans for Saturday")
        click(find(inbox, "push button", contains="Download All"))
        wait_for(lambda: find(inbox, "label", name="Saved as “notes & plans.txt”"), what="the download")
        assert sha256(os.path.join(downloads, "notes & plans.txt")) == sha256(notes)
        time.sleep(0.5)
        screenshot("inbox-e2e")

    def outbox_delete():
        log_in_as("alice@example.com", "alice-password")
        outbox = open_page("Outbox")
        select(outbox, "Plans for Saturday")
        assert find(outbox, "list item", contains="Plans for Saturday"), "the row, before Delete"
        menu_item(outbox, "Delete")
        dialog = dialog_named("Delete Transfer?")
        click(find(dialog, "push button", pred=lambda n: "Delete" in n.name and "…" not in n.name))
        # the server's word first (asked from here, not through the app):
        # the "Transfer deleted" toast lasts 5 s, and one walk of the
        # accessibility tree takes seconds under AddressSanitizer
        token = api(url, "/api/authentication/login", username="alice@example.com",
                    password="alice-password", source="Desktop")["logintoken"]

        def gone():
            sent = api(url, "/api/transfer/sent/get", logintoken=token)["transfers"]
            return not any(t.get("subject") == "Plans for Saturday" for t in sent)
        wait_for(gone, what="the server to delete it")
        # and the Outbox: its row is gone
        wait_for(lambda: find(outbox, "list", name="Transfers") is not None
                 and not find(outbox, "list item", contains="Plans for Saturday"), what="the row to go")

    def quits_with_short_stalls():
        # The app logs every stall over 20 ms while uploads run, with its
        # CLOCK_MONOTONIC time (time.monotonic() here); those inside a
        # screenshot's X grab are the grab's, not the app's.
        gtk_action("quit")
        app.wait(timeout=60)
        err = app_log()
        assert "longest main-loop stall" in err, err
        stalls = []
        for line in err.splitlines():
            if "stall of" not in line:
                continue
            ms = float(line.split("stall of ")[1].split()[0])
            at = float(line.split(" at ")[1].split()[0])
            grabbed = any(a - 0.05 <= at and at - ms / 1000 <= b + 0.05 for a, b in grabs)
            print(f"# stall of {ms:.1f} ms at {at:.3f}{' (during a screenshot: ignored)' if grabbed else ''}",
                  file=sys.stderr)
            if not grabbed:
                stalls.append(ms)
        worst = max(stalls, default=0.0)
        print(f"# longest main-loop stall during the 1 GiB upload: {worst:.1f} ms "
              f"({'none over 20 ms' if not stalls else f'{len(stalls)} over 20 ms'})", file=sys.stderr)
        # The 50 ms target is checked by tests/bench/bench-ui.sh
        # (FM_BENCH_TARGETS=1); the test only catches a frozen window:
        # 3 s, over 10x the worst stall measured on this machine.
        limit = 50 if os.environ.get("FM_BENCH_TARGETS") == "1" else 3000
        assert worst < limit, stalls

    tap("starts with an empty Send page", starts_empty)
    tap("Tab on the Send page: every stop announced by name, once", tab_is_announced)
    tap("Preferences: every switch and field named, on both pages", preferences_are_named)
    tap("--send hands files to the running instance", send_adds_files_to_running_instance)
    tap("the form validates, Send uploads both files byte-identical", form_validates_and_sends)
    tap("a 1 GiB upload shows moving progress", large_upload_shows_progress_and_stays_responsive)
    tap("logged out, Inbox and Outbox are a Log In page and nothing else", logged_out_pages)
    tap("the login dialog focuses E-mail, keeps the focus after an error, logs in", login_dialog)
    tap("as the sender: the Outbox edits and forwards a transfer", outbox_edit_and_forward)
    tap("as the recipient: the Inbox downloads it byte-identical", inbox_downloads_byte_identical)
    tap("as the sender: Delete removes it from the Outbox", outbox_delete)
    tap("quits; the window never froze during the upload", quits_with_short_stalls)
    if app.poll() is None:
        app.kill()
    server.terminate()
    shutil.copy(log_path, "/tmp/e2e-app.log")
    shutil.rmtree(WORK, ignore_errors=True)
    return report()


if __name__ == "__main__":
    sys.exit(main())
