#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The application uploading a file, measured like `filemail send` in
bench-cpu.sh: CPU seconds (user+sys of the app process, from
/proc/PID/stat, between pressing Send and the row saying Sent), wall time
and peak RSS (VmHWM). Driven through AT-SPI like the end-to-end test; run
by bench-gui-upload.sh (Xvfb and a private session bus).

    bench-gui-upload.py FILE [CHUNK_BYTES]"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from fmatspi import click, find, find_app, wait_for  # noqa: E402

APP = os.environ["FILEMAIL_DESKTOP"]
SERVER = os.environ["FILEMAIL_TEST_SERVER"]
path = os.path.abspath(sys.argv[1])
chunk = sys.argv[2] if len(sys.argv) > 2 else "10000000"
work = tempfile.mkdtemp(prefix="fm-bench-gui-")
store = tempfile.mkdtemp(prefix="fm-bench-gui-", dir="/dev/shm")
server = subprocess.Popen([SERVER, "--port", "0", "--root", store], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
url = server.stdout.readline().strip()
home = os.path.join(work, "home")
config = os.path.join(home, "config", "glib-2.0", "settings")
os.makedirs(config)
with open(os.path.join(config, "keyfile"), "w") as f:
    f.write(f"[com/filemail/Desktop]\nchunk-size={chunk}\nparallel-uploads=4\n")
    # FM_BENCH_UPLOAD_LIMIT=kB/s: an uplink like a person's, where the
    # upload lasts long enough for the progress display's own cost to show
    if os.environ.get("FM_BENCH_UPLOAD_LIMIT"):
        f.write(f"limit-upload=true\nupload-limit={int(os.environ['FM_BENCH_UPLOAD_LIMIT'])}\n")
env = dict(os.environ, FILEMAIL_API_URL=url, HOME=home, XDG_STATE_HOME=os.path.join(home, "state"),
           XDG_CONFIG_HOME=os.path.join(home, "config"), GSETTINGS_BACKEND="keyfile",
           GSK_RENDERER=os.environ.get("GSK_RENDERER", "cairo"))
env.pop("NO_AT_BRIDGE", None)
for name in ("MALLOC_PERTURB_", "MALLOC_CHECK_", "G_DEBUG"):
    env.pop(name, None)
app = subprocess.Popen([APP, "--send", path], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0


def complete():
    """Done, watched from outside the app: in the server's statistics.
    Asking the accessibility tree ten times a second instead made the app
    answer ~1,600 D-Bus calls a second, and that, not the upload, was
    most of its CPU."""
    with urllib.request.urlopen(url + "/test/stats") as answer:
        details = json.load(answer).get("transfer_details", {})
    return any(t.get("status") == "STATUS_COMPLETE" for t in details.values())


try:
    a = wait_for(find_app, what="the application")
    name = os.path.basename(path)
    send = wait_for(lambda: find(a, "push button", name="Send") if find(a, "push button", name=f"Remove “{name}”")
                    else None, what="the file in the form")
    time.sleep(1)
    idle = peak_rss_mib(app.pid)
    before, start = cpu_seconds(app.pid), time.monotonic()
    click(send)
    end = time.monotonic() + 600
    while not complete():
        assert time.monotonic() < end, "timed out waiting for the upload"
        time.sleep(0.05)
    wall, cpu = time.monotonic() - start, cpu_seconds(app.pid) - before
    wait_for(lambda: find(a, "list item", contains=f"{name}, Sent"), timeout=60, what="Sent")
    size_gib = os.path.getsize(path) / (1 << 30)
    print(f"app: {cpu:.2f} s CPU ({cpu / size_gib:.2f} s/GiB), {wall:.2f} s wall, "
          f"peak RSS {peak_rss_mib(app.pid):.0f} MiB (the whole app; {idle:.0f} MiB before Send)")
finally:
    app.kill()
    server.terminate()
    subprocess.run(["rm", "-rf", work, store])
