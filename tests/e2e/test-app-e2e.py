#!/usr/bin/python3
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
import traceback
import urllib.parse
import urllib.request

import pyatspi

APP = os.environ["FILEMAIL_DESKTOP"]
SERVER = os.environ["FILEMAIL_TEST_SERVER"]
SHOTS = os.environ.get("FM_SCREENSHOT_DIR")
WORK = tempfile.mkdtemp(prefix="fm-e2e-")
results = []
grabs = []       # (start, end) of screenshots: `import` grabs the X server and every client waits


def tap(name, fn):
    print(f"# {name}…", file=sys.stderr, flush=True)
    try:
        fn()
        results.append((True, name, ""))
    except Exception:
        results.append((False, name, traceback.format_exc()))


def wait_for(predicate, timeout=60, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = predicate()
            if value:
                return value
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def screenshot(name):
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    start = time.monotonic()
    subprocess.run(["import", "-window", "root", "-crop", "760x720+0+0", "+repage",
                    os.path.join(SHOTS, name + ".png")], check=False, timeout=30)
    grabs.append((start, time.monotonic()))


def find_app():
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.name == "filemail-desktop":
            return app
    return None


def find(root, role, name=None, contains=None, pred=None):
    """Depth-first search for a node by role and (part of) its name."""
    stack = [root]
    while stack:
        node = stack.pop()
        try:
            r, n = node.getRoleName(), node.name or ""
        except Exception:
            continue
        if r == role and (name is None or n == name) and (contains is None or contains in n) \
                and (pred is None or pred(node)):
            return node
        try:
            stack.extend(reversed([c for c in node]))
        except Exception:
            pass
    return None


def click(node):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) == "click":
            return action.doAction(i)
    return action.doAction(0)


def type_into(node, text):
    """GTK 4.8 offers EditableText on its text widgets over AT-SPI."""
    node.queryEditableText().setTextContents(text)


def text_of(node):
    t = node.queryText()
    return t.getText(0, t.characterCount)


def gtk_action(name):
    subprocess.run(["gdbus", "call", "--session", "--dest", "com.filemail.Desktop",
                    "--object-path", "/com/filemail/Desktop", "--method", "org.gtk.Actions.Activate",
                    name, "[]", "{}"], check=True, capture_output=True, timeout=30)


def stats(url):
    with urllib.request.urlopen(url + "/test/stats", timeout=30) as r:
        return json.loads(r.read())


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
    app = subprocess.Popen([APP], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    state = {}

    def starts_empty():
        try:
            state["app"] = wait_for(find_app, what="the application on the accessibility bus")
        except AssertionError:
            if app.poll() is not None:
                raise AssertionError(f"filemail-desktop exited with {app.returncode}:\n{app.stderr.read()}")
            raise
        wait_for(lambda: find(state["app"], "push button", contains="Add Files"), what="the Send page")
        time.sleep(0.5)
        screenshot("send-empty")

    def send_adds_files_to_running_instance():
        # a second start hands the files to the running window (D-Bus Open)
        subprocess.run([APP, "--send", photo, notes], env=env, check=True, timeout=60)
        wait_for(lambda: find(state["app"], "push button", name="Remove “notes & plans.txt”"),
                 what="the files in the list")

    def form_validates_and_sends():
        a = state["app"]
        to = wait_for(lambda: find(a, "text", contains="To (e-mail"), what="the To field")
        send = find(a, "push button", contains="Send")
        type_into(to, "bob@example.com, not-an-address")
        wait_for(lambda: not send.getState().contains(pyatspi.STATE_SENSITIVE), what="Send disabled")
        type_into(to, "bob@example.com")
        type_into(find(a, "text", contains="From (your"), "alice@example.com")
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
        subprocess.run(["curl", "-s", "-d", "slow_ms=150", url + "/test/config"], check=True)
        print(f"# big upload starts at {time.monotonic():.3f}", file=sys.stderr)
        subprocess.run([APP, "--send", big], env=env, check=True, timeout=60)
        wait_for(lambda: find(a, "push button", name="Remove “disk image.raw”"), what="the big file")
        type_into(find(a, "text", contains="From (your"), "alice@example.com")
        click(find(a, "push button", contains="Send"))
        bar = wait_for(lambda: find(a, "progress bar", pred=lambda n: 0.05 < n.queryValue().currentValue < 0.9),
                       what="a moving progress bar")
        print(f"# progress seen at {time.monotonic():.3f}", file=sys.stderr)
        screenshot("send-uploading")
        print(f"# screenshot done at {time.monotonic():.3f}", file=sys.stderr)
        subprocess.run(["curl", "-s", "-d", "slow_ms=0", url + "/test/config"], check=True)
        wait_for(lambda: any(f["filename"] == "disk image.raw" and f["size"] == 1 << 30
                             for f in stats(url)["files"]), timeout=120, what="the 1 GiB file on the server")
        print(f"# big upload done at {time.monotonic():.3f}", file=sys.stderr)

    def login_dialog():
        gtk_action("login")
        dialog = wait_for(lambda: find(state["app"], "frame", name="Log In"), what="the login dialog")
        submit = find(dialog, "push button", pred=lambda n: "Log In" in n.name and "…" not in n.name)
        type_into(find(dialog, "text", name="E-mail Address"), "alice@example.com")
        type_into(find(dialog, "text", name="Password"), "wrong")
        click(submit)
        wait_for(lambda: find(dialog, "label", contains="e-mail address or password is wrong"),
                 what="the wrong-password sentence")
        time.sleep(0.3)
        screenshot("login-dialog")
        type_into(find(dialog, "text", name="Password"), "alice-password")
        click(submit)
        wait_for(lambda: find(state["app"], "label", name="alice@example.com"), what="logged in")

    def quits_with_short_stalls():
        # The app logs every stall over 20 ms while uploads run, with its
        # CLOCK_MONOTONIC time (time.monotonic() here); those inside a
        # screenshot's X grab are the grab's, not the app's.
        gtk_action("quit")
        _, err = app.communicate(timeout=60)
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
        if os.environ.get("FM_E2E_TIMING", "1") == "1":
            assert worst < 50, stalls

    tap("starts with an empty Send page", starts_empty)
    tap("--send hands files to the running instance", send_adds_files_to_running_instance)
    tap("the form validates, Send uploads both files byte-identical", form_validates_and_sends)
    tap("a 1 GiB upload shows moving progress", large_upload_shows_progress_and_stays_responsive)
    tap("the login dialog shows errors and logs in", login_dialog)
    tap("quits; the main loop never stalled 50 ms", quits_with_short_stalls)
    if app.poll() is None:
        app.kill()
    server.terminate()
    shutil.rmtree(WORK, ignore_errors=True)
    print(f"1..{len(results)}")
    for i, (ok, name, tb) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        for line in tb.splitlines():
            print(f"# {line}")
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
