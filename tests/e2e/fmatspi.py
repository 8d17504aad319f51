# SPDX-License-Identifier: GPL-3.0-or-later
"""AT-SPI helpers shared by the end-to-end tests: find nodes by role and
name, click, type, wait, screenshot, and report TAP."""

import os
import subprocess
import sys
import time
import traceback

import pyatspi
from gi.repository import GLib

SHOTS = os.environ.get("FM_SCREENSHOT_DIR")
results = []
grabs = []       # (start, end) of screenshots: `import` grabs the X server and every client waits


def tap(name, fn):
    print(f"# {name}…", file=sys.stderr, flush=True)
    start = time.monotonic()
    try:
        fn()
        results.append((True, name, ""))
        print(f"#   ok ({time.monotonic() - start:.1f} s)", file=sys.stderr, flush=True)
    except Exception:
        results.append((False, name, traceback.format_exc()))
        # said at once: a later step that hangs must not hide why this one failed
        print(f"#   FAILED ({time.monotonic() - start:.1f} s):\n{traceback.format_exc()}", file=sys.stderr, flush=True)


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


def find_app(name="filemail-desktop"):
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.name == name:
            return app
    return None


def find(root, role, name=None, contains=None, pred=None):
    """Depth-first search for a node by role (None: any) and (part of) its name."""
    stack = [root]
    while stack:
        node = stack.pop()
        try:
            r, n = node.getRoleName(), node.name or ""
        except Exception:
            continue
        if (role is None or r == role) and (name is None or n == name) and (contains is None or contains in n) \
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


def report():
    """Prints the TAP plan and results; the exit status."""
    print(f"1..{len(results)}")
    for i, (ok, name, tb) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        for line in tb.splitlines():
            print(f"# {line}")
        if not ok:
            # meson shows a failed test's stderr, not its TAP comments
            print(f"not ok {i} - {name}\n{tb}", file=sys.stderr)
    return 0 if all(ok for ok, _, _ in results) else 1


def badly_named(root):
    """Focusable nodes on screen (GTK 4.8 reports no "showing": a widget
    that is not mapped has empty extents) whose accessible name a person
    could not use: empty, a widget class, or doubled ("_Send Send")."""
    bad = []
    stack = [root]
    while stack:
        node = stack.pop()
        try:
            states = node.getState()
            if states.contains(pyatspi.STATE_FOCUSABLE):
                e = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
                name = (node.name or "").strip()
                half = len(name) // 2
                doubled = len(name) > 2 and name[:half].strip().replace("_", "") == name[half:].strip()
                if e.width > 0 and e.height > 0 and (not name or name.startswith(("Gtk", "Adw")) or doubled):
                    bad.append(f"{node.getRoleName()} {name!r}")
            stack.extend(c for c in node)
        except Exception:
            continue
    return bad


def is_focused(node):
    return node is not None and node.getState().contains(pyatspi.STATE_FOCUSED)


def focus_within(root, name):
    """Some node named @name, or a node inside it, has the focus (an
    AdwEntryRow and its GtkText both carry the row's name)."""
    def focused_below(node):
        return is_focused(node) or any(focused_below(c) for c in node)
    return find(root, None, name=name, pred=focused_below) is not None


def on_screen(node):
    """Shown now: GTK 4.8 has no "showing" state; an unmapped widget has
    empty extents."""
    if node is None:
        return False
    try:
        e = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        return node.getState().contains(pyatspi.STATE_VISIBLE) and e.width > 0 and e.height > 0
    except Exception:
        return False


def within(node, outer):
    """The node's box lies inside the outer node's (on screen, not
    scrolled out of the window)."""
    a = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    b = outer.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    return (a.width > 0 and a.height > 0 and a.x >= b.x and a.y >= b.y and
            a.x + a.width <= b.x + b.width and a.y + a.height <= b.y + b.height)


heard = []


def _focus_event(event):
    if event.detail1:
        try:
            heard.append((event.source.getRoleName(), event.source.name or ""))
        except Exception:
            heard.append(("?", ""))


def focus_x_window(title):
    """Gives an X window the keyboard focus (there is no window manager
    under Xvfb), and starts listening for focus events."""
    if not getattr(focus_x_window, "listening", False):
        pyatspi.Registry.registerEventListener(_focus_event, "object:state-changed:focused")
        focus_x_window.listening = True
    wid = wait_for(lambda: subprocess.run(["xdotool", "search", "--name", title], capture_output=True,
                                          text=True).stdout.split(), what=f"the X window “{title}”")
    subprocess.run(["xdotool", "windowfocus", "--sync", wid[0]], check=True, timeout=30)
    time.sleep(0.3)
    pump(0.2)


def pump(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        GLib.MainContext.default().iteration(False)
        time.sleep(0.01)


def press_and_hear(key, expect=True, timeout=10):
    """Presses a key and returns the (role, name) of the focus event it
    caused: what a screen reader announces."""
    n = len(heard)
    subprocess.run(["xdotool", "key", key], check=True, timeout=30)
    if not expect:
        return None
    end = time.monotonic() + timeout
    while len(heard) == n and time.monotonic() < end:
        pump(0.05)
    pump(0.1)    # a second event right after (the row, then its field) is heard too
    if len(heard) == n:
        raise AssertionError(f"{key}: no focus event (a screen reader says nothing)")
    return heard[-1]
