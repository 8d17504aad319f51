#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of the `filemail` command line against the real
filemail-test-server binary. Prints TAP.

Each test gets a fresh server, HOME and XDG_STATE_HOME. No session bus is
given, so logins land in the 0600 fallback file (the keyring path has its
own test under dbus-run-session)."""

import base64
import hashlib
import json
import os
import pty
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request

CLI = os.environ["FILEMAIL_CLI"]
SERVER = os.environ["FILEMAIL_TEST_SERVER"]
MB = 1000 * 1000
CHUNK = 5 * MB


class Env:
    def __init__(self, *server_args):
        self.dir = tempfile.mkdtemp(prefix="fm-cli-")
        self.home = os.path.join(self.dir, "home")
        os.makedirs(self.home)
        self.server = subprocess.Popen(
            [SERVER, "--port", "0", "--root", os.path.join(self.dir, "server"), *server_args],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.server.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.url
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DBUS_SESSION_BUS_ADDRESS", "FILEMAIL_LOGINTOKEN")}
        self.env.update(HOME=self.home, XDG_STATE_HOME=os.path.join(self.home, "state"),
                        FILEMAIL_API_URL=self.url, LC_ALL="C.UTF-8")

    def close(self):
        self.server.terminate()
        self.server.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)

    def cli(self, *args, stdin=None, timeout=120, check=None, cwd=None):
        p = subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True,
                           env=self.env, timeout=timeout, cwd=cwd)
        if check is not None and p.returncode != check:
            raise AssertionError(f"filemail {' '.join(args)} exited {p.returncode}, not {check}:\n"
                                 f"{p.stdout}\n{p.stderr}")
        return p

    def spawn(self, *args, cwd=None):
        return subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=self.env, cwd=cwd)

    def details(self, transfer_id):
        """What the server knows of a transfer and the API never tells."""
        return self.stats()["transfer_details"][transfer_id]

    def post(self, path, **params):
        data = urllib.parse.urlencode(params).encode()
        with urllib.request.urlopen(self.url + path, data, timeout=30) as r:
            return json.loads(r.read() or b"{}")

    def stats(self):
        with urllib.request.urlopen(self.url + "/test/stats", timeout=30) as r:
            return json.loads(r.read())

    def server_file(self, transfer_id, name):
        for f in self.stats()["files"]:
            if f["transferid"] == transfer_id and f["filename"] == name:
                return f
        raise AssertionError(f"no {name} in {transfer_id}")

    def login(self, who="alice"):
        self.cli("login", "--username", f"{who}@example.com", "--password-stdin",
                 stdin=f"{who}-password\n", check=0)

    def make_file(self, name, size, seed=1):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        block = hashlib.sha256(str(seed).encode()).digest() * 32768     # 1 MiB
        with open(path, "wb") as f:
            left = size
            while left > 0:
                f.write(block[:left])
                left -= len(block)
        return path

    def send_json(self, *args):
        p = self.cli("send", "--json", *args, check=0)
        return json.loads(p.stdout)


def same_file(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def assert_uploaded(env, transfer_id, local, name, max_receipts=1):
    f = env.server_file(transfer_id, name)
    assert f["size"] == os.path.getsize(local), (f["size"], os.path.getsize(local))
    assert same_file(local, f["path"]), "the server's copy differs"
    assert all(1 <= r <= max_receipts for r in f["receipts"]), f["receipts"]
    return f


def wait_for(predicate, timeout=30, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


# ------------------------------------------------------------------ tests

def test_login_and_errors(env):
    p = env.cli("login", "--username", "alice@example.com", "--password-stdin", stdin="alice-password\n", check=0)
    assert "Logged in as alice@example.com" in p.stdout
    assert "no keyring" in p.stderr          # no Secret Service here: warned
    state = os.path.join(env.home, "state", "filemail")
    logins = [n for n in os.listdir(state) if n.startswith("login-")]
    assert len(logins) == 1
    assert stat.S_IMODE(os.stat(os.path.join(state, logins[0])).st_mode) == 0o600
    bad = env.cli("login", "--username", "alice@example.com", "--password-stdin", stdin="nope\n", check=1)
    assert "WrongUsernamePassword" in bad.stderr and "2001" in bad.stderr, bad.stderr
    captcha = env.cli("login", "-u", "captcha@example.com", "--password-stdin", stdin="captcha-password\n", check=1)
    assert "captcha" in captcha.stderr.lower() and "2005" in captcha.stderr


def test_usage_errors(env):
    f = env.make_file("a.bin", 10)
    assert "not an e-mail address" in env.cli("send", "--to", "bob@example.com, nope", f, check=2).stderr
    env.cli("send", "--chunk-size", "1000", f, check=2)
    env.cli("send", "--parallel", "9", f, check=2)
    env.cli("send", check=2)
    env.cli("frobnicate", check=2)
    env.cli("send", "--no-such-option", f, check=2)
    insecure = env.cli("--server", "http://filemail.example.com", "sent", check=1)
    assert "https" in insecure.stderr
    assert "not logged in" in env.cli("sent", check=1).stderr
    # checked before any request: days a positive number (the reference
    # names no maximum; 3650 stops typos); a contact group needs a login
    assert "between 1 and 3650" in env.cli("send", "--days", "0", f, check=2).stderr
    env.cli("send", "--days", "99999", f, check=2)
    env.cli("send", "--notify", "--no-notify", f, check=2)
    # a password file with a NUL would be cut short without a word
    nul = os.path.join(env.dir, "nul-password")
    with open(nul, "wb") as fp:
        fp.write(b"hunter\0two\n")
    assert "NUL" in env.cli("send", "--password-file", nul, f, check=2).stderr
    # --limit-rate takes decimal numbers only: no hex, no exponent
    for bad in ("0x10", "1e9"):
        assert "--limit-rate" in env.cli("--limit-rate", bad, "sent", check=2).stderr
    assert "log in" in env.cli("send", "--to", "Designers", f, check=2).stderr.lower()
    assert "filemail send [OPTION" in env.cli("send", "--help", check=0).stdout
    # results on stdout, progress on stderr: `send > link.txt` gets the link
    p = env.cli("send", "--days", "3", f, check=0)
    assert p.stdout.startswith("Sent transfer "), p.stdout
    assert len(p.stdout.strip().splitlines()) == 2, p.stdout


def test_send_folder_and_show(env):
    env.login()
    big = env.make_file("big.bin", 3 * CHUNK + 123, seed=2)
    env.make_file("Photos/2024/a.jpg", 1000, seed=3)
    env.make_file("Photos/b c+d&e%.jpg", 0, seed=4)
    out = env.send_json("--to", "bob@example.com", "--subject", "Holiday", "--chunk-size", str(CHUNK),
                        big, os.path.join(env.dir, "Photos"))
    tid = out["transferid"]
    assert out["url"].startswith(env.url) and out["files"] == 3
    assert_uploaded(env, tid, big, "big.bin")
    assert_uploaded(env, tid, os.path.join(env.dir, "Photos/2024/a.jpg"), "Photos/2024/a.jpg")
    assert_uploaded(env, tid, os.path.join(env.dir, "Photos/b c+d&e%.jpg"), "Photos/b c+d&e%.jpg")
    shown = json.loads(env.cli("transfer", tid, "--json", check=0).stdout)
    assert shown["subject"] == "Holiday" and len(shown["files"]) == 3
    assert shown["to"] == ["bob@example.com"]
    assert tid in env.cli("sent", check=0).stdout
    assert env.stats()["chunks_without_md5"] == 0
    assert env.stats()["secrets_in_query"] == 0
    # finished uploads leave nothing behind
    assert "No unfinished uploads" in env.cli("queue", check=0).stdout


def test_faults_deliver_identical_files(env):
    env.post("/test/config", fault_rate="0.2", faults="406,449,500,drop", seed="99")
    env.login()
    big = env.make_file("faulty.bin", 24 * CHUNK + 7, seed=5)
    tid = env.send_json("--chunk-size", str(CHUNK), big)["transferid"]
    stats = env.stats()
    assert stats["faults_injected"] >= 2, stats["faults_injected"]
    assert_uploaded(env, tid, big, "faulty.bin")


def test_crash_and_resume(env):
    env.login()
    big = env.make_file("crash.bin", 40 * CHUNK, seed=6)
    env.post("/test/config", slow_ms="150")
    proc = env.spawn("send", "--chunk-size", str(CHUNK), big)

    def acked_some():
        files = env.stats()["files"]
        return files and sum(files[0]["receipts"]) >= 16
    wait_for(acked_some, what="chunks on the server")
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    uploads = os.path.join(env.home, "state", "filemail", "uploads")
    saved = [n for n in os.listdir(uploads) if n.endswith(".json")]
    assert len(saved) == 1, saved
    assert stat.S_IMODE(os.stat(os.path.join(uploads, saved[0])).st_mode) == 0o600
    assert "paused" in env.cli("queue", check=0).stdout
    env.post("/test/config", slow_ms="0")
    p = env.cli("resume", check=0)
    assert "Sent transfer" in p.stdout
    tid = p.stdout.split("Sent transfer ")[1].split()[0]
    f = assert_uploaded(env, tid, big, "crash.bin", max_receipts=2)
    resent = sum(r - 1 for r in f["receipts"])
    # Only what the killed process had not yet recorded goes twice: the 4
    # chunks in flight (the server may have stored them, the answers never
    # came) and answers that arrived while the state file was being written
    # (they go into the next write, which the kill prevented), at most 4 more
    # at 4 in flight. A client that forgot its progress would resend >= 16.
    assert resent <= 8, f["receipts"]
    assert [n for n in os.listdir(uploads) if n.endswith(".json")] == []


def test_ctrl_c_pauses(env):
    env.login()
    big = env.make_file("pause.bin", 20 * CHUNK, seed=7)
    env.post("/test/config", slow_ms="200")
    proc = env.spawn("send", big)
    wait_for(lambda: env.stats()["upload_requests"] >= 4, what="an upload")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (proc.returncode, err)
    assert "filemail resume" in err
    env.post("/test/config", slow_ms="0")
    out = env.cli("resume", "--json", check=0).stdout
    assert_uploaded(env, json.loads(out)["transferid"], big, "pause.bin", max_receipts=2)


def test_expired_transfer_fails_fast(env):
    env.login()
    big = env.make_file("exp.bin", 20 * CHUNK, seed=8)
    env.post("/test/config", slow_ms="300")
    proc = env.spawn("send", big)
    wait_for(lambda: env.stats()["files"], what="the first chunk")
    tid = env.stats()["files"][0]["transferid"]
    env.post("/test/expire", transferid=tid)
    env.post("/test/config", slow_ms="0")
    start = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "TransferExpired" in err and "4001" in err, err
    assert time.monotonic() - start < 10


def test_send_again_after_expiry(env):
    """A transfer the server no longer knows is not retried forever: resume
    says so, and `resume --again` sends the same files as a new transfer,
    asking again for the password that was forgotten once the first one
    existed."""
    env.login()
    big = env.make_file("again.bin", 20 * CHUNK, seed=10)
    pw = os.path.join(env.dir, "pw")
    with open(pw, "w") as f:
        f.write("hunter2\n")
    env.post("/test/config", slow_ms="500")
    proc = env.spawn("send", "--password-file", pw, "--subject", "Again", big)
    wait_for(lambda: env.stats()["files"], what="the first chunk")
    tid = env.stats()["files"][0]["transferid"]
    env.post("/test/expire", transferid=tid)
    env.post("/test/config", slow_ms="0")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    saved = env.cli("queue", "--json", check=0).stdout
    assert "hunter2" not in saved, saved
    p = env.cli("resume", check=1)
    assert "cannot be resumed" in p.stderr and "resume --again" in p.stderr, p.stderr
    p = env.cli("resume", "--again", check=2)
    assert "protected by a password" in p.stderr, p.stderr
    p = env.cli("resume", "--password-file", pw, check=2)
    assert "--again" in p.stderr, p.stderr
    p = env.cli("resume", "--again", "--password-file", pw, "--json", check=0)
    new = json.loads(p.stdout)["transferid"]
    assert new != tid
    assert_uploaded(env, new, big, "again.bin")
    assert env.post("/api/transfer/get", transferid=new).get("errorcode") == 4002
    assert env.post("/api/transfer/get", transferid=new, password="hunter2")["transfer"]
    assert "No unfinished uploads" in env.cli("queue", check=0).stdout


def test_limit_rate(env):
    """--limit-rate 10M: a 50 MB send takes at least 4.5 s (the limit,
    whatever the machine); the issue's 4.5-6 s is asserted by benchmarks
    (FM_BENCH_TARGETS=1), the time is printed. Downloads keep it too."""
    env.login()
    big = env.make_file("paced.bin", 50 * MB, seed=11)
    start = time.monotonic()
    p = env.cli("--limit-rate", "10M", "send", "--json", big, check=0)
    took = time.monotonic() - start
    print(f"# 50 MB at --limit-rate 10M: {took:.2f} s", flush=True)
    assert took >= 4.5, took
    if os.environ.get("FM_BENCH_TARGETS") == "1":
        assert took <= 6.0, took
    tid = json.loads(p.stdout)["transferid"]
    assert_uploaded(env, tid, big, "paced.bin")
    out = os.path.join(env.dir, "down")
    start = time.monotonic()
    env.cli("--limit-rate=25M", "download", tid, "--dir", out, check=0)
    took = time.monotonic() - start
    print(f"# 50 MB download at --limit-rate 25M: {took:.2f} s", flush=True)
    assert took >= 1.8, took
    assert same_file(big, os.path.join(out, "paced.bin"))
    p = env.cli("--limit-rate", "fast", "queue", check=2)
    assert "--limit-rate" in p.stderr, p.stderr


def sanitized():
    out = subprocess.run(["ldd", CLI], capture_output=True, text=True).stdout
    return "libasan" in out or "libubsan" in out


def test_memory_does_not_grow_with_the_chunk_size(env):
    """A chunk is hashed and then sent from the file, not held in memory:
    the largest chunks the reference allows (50 MB, 4 in flight) keep the
    CLI under 64 MiB (it used to hold 5 x 50 MB). Peak RSS is a count of
    pages, not a time: it does not depend on the machine's speed."""
    if sanitized():
        return "SKIP AddressSanitizer's shadow memory is not the program's"
    env.login()
    sparse = os.path.join(env.dir, "sparse.bin")
    with open(sparse, "wb") as f:
        f.truncate(400 * MB)
    out = os.path.join(env.dir, "time.txt")
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out, CLI, "send", "--json",
                        "--chunk-size", "50000000", sparse],
                       capture_output=True, text=True, env=env.env, timeout=300)
    assert p.returncode == 0, p.stderr
    with open(out) as f:
        peak_kib = int(f.read().split()[-1])
    print(f"# 400 MB in 50 MB chunks: peak RSS {peak_kib / 1024:.1f} MiB", flush=True)
    assert peak_kib < 64 * 1024, peak_kib
    assert_uploaded(env, json.loads(p.stdout)["transferid"], sparse, "sparse.bin")


def test_file_changed_mid_upload(env):
    env.login()
    big = env.make_file("draft.bin", 20 * CHUNK, seed=9)
    env.post("/test/config", slow_ms="200")
    proc = env.spawn("send", big)
    wait_for(lambda: env.stats()["upload_requests"] >= 2, what="an upload")
    with open(big, "ab") as f:
        f.write(b"more")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "changed while it was being sent" in err and "draft.bin" in err, err
    old = env.stats()["files"][0]["transferid"]
    # Send Again leaves no unfinished transfer behind: /api/transfer/cancel
    # ("Cancels an unfinished transfer") with the key the job still has
    env.post("/test/config", slow_ms="0")
    new = json.loads(env.cli("resume", "--again", "--json", check=0).stdout)["transferid"]
    assert new != old
    assert env.details(old)["status"] == "STATUS_CANCELLED", env.details(old)
    assert env.details(new)["status"] == "STATUS_COMPLETE"


def test_manage_transfers(env):
    env.login()
    a = env.make_file("report.pdf", 1234, seed=10)
    b = env.make_file("notes.txt", 55, seed=11)
    tid = env.send_json("--to", "bob@example.com", "--subject", "Report", a, b)["transferid"]
    env.cli("forward", tid, "--to", "carol@example.com", check=0)
    assert "not an e-mail" in env.cli("forward", tid, "--to", "carol@", check=2).stderr
    env.cli("update", tid, "--subject", "Final report", "--days", "30", "--notify", check=0)
    env.cli("update", tid, check=2)
    shown = json.loads(env.cli("transfer", tid, "--json", check=0).stdout)
    assert shown["subject"] == "Final report" and shown["to"] == ["bob@example.com", "carol@example.com"]
    assert abs(shown["expiredate"] - (time.time() + 30 * 86400)) < 120
    fid = [f["fileid"] for f in shown["files"] if f["filename"] == "notes.txt"][0]
    env.cli("rename-file", fid, "a|b", check=2)
    env.cli("rename-file", fid, "minutes.txt", check=0)
    pdf = [f["fileid"] for f in shown["files"] if f["filename"] == "report.pdf"][0]
    # 002, file/delete: "Remember to also update the ZIP file by invoking
    # /api/ziptransfer after removing files"
    assert "TRANSFER FILEID" in env.cli("delete-file", pdf, check=2).stderr
    env.post("/test/config", hostile="http-503", hostile_path="/api/ziptransfer", hostile_count="1000")
    p = env.cli("delete-file", tid, pdf, check=1)
    assert "ZIP" in p.stderr and f"filemail update-zip {tid}" in p.stderr, p.stderr
    assert env.details(tid)["zip_stale"] is True
    env.post("/test/config", hostile="")
    assert "up to date" in env.cli("update-zip", tid, check=0).stdout
    assert env.details(tid)["zip_stale"] is False
    # a second try of the same removal still updates the ZIP
    env.cli("delete-file", tid, pdf, check=0)
    assert env.details(tid)["zip_stale"] is False
    shown = json.loads(env.cli("transfer", tid, "--json", check=0).stdout)
    assert [f["filename"] for f in shown["files"]] == ["minutes.txt"]
    # bob sees it in his inbox; carol cannot delete it
    bob = Env.__new__(Env)
    bob.__dict__.update(env.__dict__)
    bob.env = dict(env.env, HOME=os.path.join(env.dir, "bob"), XDG_STATE_HOME=os.path.join(env.dir, "bob", "state"))
    bob.login("bob")
    assert tid in bob.cli("received", check=0).stdout
    assert json.loads(bob.cli("received", "--json", check=0).stdout)[0]["id"] == tid
    denied = bob.cli("delete", tid, check=1)
    assert "AccessDenied" in denied.stderr and "2008" in denied.stderr
    env.cli("delete", tid, check=0)
    assert tid not in env.cli("sent", check=0).stdout
    # a token the server forgot: a clear sentence with its code
    env.post("/test/config", expire_tokens="1")
    expired = env.cli("sent", check=1)
    assert "InvalidOrExpiredLoginToken" in expired.stderr and "2003" in expired.stderr


def test_cancel_upload(env):
    env.login()
    big = env.make_file("cancel.bin", 20 * CHUNK, seed=12)
    env.post("/test/config", slow_ms="200")
    proc = env.spawn("send", big)
    wait_for(lambda: env.stats()["upload_requests"] >= 2, what="an upload")
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    env.post("/test/config", slow_ms="0")
    tid = env.stats()["files"][0]["transferid"]
    env.cli("cancel", tid, check=0)
    assert "No unfinished uploads" in env.cli("queue", check=0).stdout
    gone = env.cli("transfer", tid, check=1)
    assert "NotFound" in gone.stderr
    assert "not an unfinished upload" in env.cli("cancel", "NOSUCHID", check=1).stderr


def raw_upload(env, ticket, name, data):
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
    q = urllib.parse.urlencode(dict(transferid=ticket["transferid"], transferkey=ticket["transferkey"],
                                    thefilename=name, chunksize=CHUNK, chunks=1, chunk=0, md5=md5))
    req = urllib.request.Request(ticket["transferurl"] + "?" + q, data=data,
                                 headers={"Content-Type": "application/octet-stream"})
    urllib.request.urlopen(req, timeout=30).read()


def test_download_hostile_names_and_resume(env):
    # a server that names files as an attacker would
    ticket = env.post("/api/transfer/initialize")
    hostile = ["../../.bashrc", "/etc/passwd", "a/b", "CON", "line\nbreak.txt", "ok.txt", "ok.txt "]
    for i, name in enumerate(hostile):
        raw_upload(env, ticket, name, f"content {i}".encode())
    big = env.make_file("big-dl.bin", 3 * MB, seed=13)
    with open(big, "rb") as f:
        raw_upload(env, ticket, "big-dl.bin", f.read())
    env.post("/api/transfer/complete", transferid=ticket["transferid"], transferkey=ticket["transferkey"])
    target = os.path.join(env.dir, "downloads")
    os.makedirs(target)
    with open(os.path.join(target, "ok.txt"), "w") as f:
        f.write("mine")
    env.post("/test/config", download_drops="1")
    p = env.cli("download", ticket["transferid"], "--dir", target, check=0)
    # folders are kept, each made safe; ".." and "/" lead nowhere outside
    names = sorted(os.path.relpath(os.path.join(d, n), target)
                   for d, _, files in os.walk(target) for n in files)
    assert names == sorted(["bashrc", "etc/passwd", "a/b", "_CON", "line_break.txt", "ok.txt",
                            "ok (1).txt", "ok (2).txt", "big-dl.bin"]), names
    with open(os.path.join(target, "ok.txt")) as f:
        assert f.read() == "mine"                     # never overwritten
    assert same_file(big, os.path.join(target, "big-dl.bin"))
    assert env.stats()["faults_injected"] == 1        # the drop happened and was survived
    for printed in p.stdout.split("\n"):
        if printed:
            assert os.path.realpath(printed).startswith(os.path.realpath(target) + os.sep), printed


def test_password_protected_download(env):
    env.login()
    f = env.make_file("secret.txt", 100, seed=14)
    tid = env.send_json("--password", "open sesame", f)["transferid"]
    env.cli("logout", check=0)
    locked = env.cli("transfer", tid, check=1)
    assert "PasswordRequired" in locked.stderr and "--password" in locked.stderr
    target = os.path.join(env.dir, "dl")
    env.cli("download", tid, "--password", "open sesame", "--dir", target, check=0)
    assert same_file(f, os.path.join(target, "secret.txt"))


def test_logout_and_env_token(env):
    env.login()
    env.cli("logout", check=0)
    assert "not logged in" in env.cli("sent", check=1).stderr
    state = os.path.join(env.home, "state", "filemail")
    assert not [n for n in os.listdir(state) if n.startswith("login-")]
    token = env.post("/api/authentication/login", username="bob@example.com", password="bob-password")["logintoken"]
    env.env["FILEMAIL_LOGINTOKEN"] = token
    env.cli("received", check=0)


def test_login_prompts_at_a_terminal(env):
    """`filemail login` with no -u at a terminal asks for the address, then
    the password (not echoed), as a person expects."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(CLI, [CLI, "login"], env.env)
    seen = b""

    def read_until(token):
        nonlocal seen
        deadline = time.monotonic() + 30
        while token not in seen:
            assert time.monotonic() < deadline, (token, seen)
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    seen += os.read(fd, 1024)
                except OSError:
                    break
        assert token in seen, (token, seen)

    read_until(b"E-mail address: ")
    os.write(fd, b"alice@example.com\n")
    read_until(b"Password: ")
    os.write(fd, b"alice-password\n")
    read_until(b"Logged in as alice@example.com")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert b"alice-password" not in seen, "the password was echoed"
    # in a script (no terminal) the address is required, and said so
    assert "--username" in env.cli("login", stdin="", check=2).stderr


def test_unreachable_server_says_so(env):
    """No server answers: the progress says so and counts down to the next
    try, instead of "preparing…" for as long as the retries last."""
    f = env.make_file("r.bin", 1000, seed=21)
    e = dict(env.env, FILEMAIL_API_URL="http://127.0.0.1:9", FILEMAIL_RETRY="3,1500,1500")
    p = subprocess.run([CLI, "send", f], capture_output=True, text=True, env=e, timeout=120)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert "cannot reach the server, retrying in" in p.stderr, p.stderr


def test_failure_in_plain_words_and_verbose(env):
    """A part that keeps failing ends the send in plain words; --verbose
    adds which part, how often and the last error."""
    f = env.make_file("doomed.bin", 1000, seed=22)
    env.post("/test/config", min_chunk_size="1", faults="500", fault_rate="1")
    env.env["FILEMAIL_RETRY"] = "2,1,5"
    p = env.cli("send", f, check=1)
    assert "“doomed.bin” could not be sent." in p.stderr, p.stderr
    assert "Part " not in p.stderr, p.stderr
    p = env.cli("--verbose", "send", f, check=1)
    assert "Part 1 of “doomed.bin” failed 2 times" in p.stderr, p.stderr


def test_keyring(env):
    if not shutil.which("dbus-run-session") or not shutil.which("gnome-keyring-daemon"):
        return "SKIP no dbus-run-session or gnome-keyring-daemon"
    # A runtime folder of its own: with a shared XDG_RUNTIME_DIR, --unlock
    # finds another test's daemon through its control socket and unlocks
    # that one, and this bus then activates a fresh, locked daemon.
    runtime = os.path.join(env.dir, "runtime")
    os.makedirs(runtime, mode=0o700)
    keyring_env = dict(env.env, XDG_RUNTIME_DIR=runtime)
    # The daemon answers on the bus before its login collection exists on a
    # busy machine: wait for the collection (10 s at most) before logging in.
    script = (
        "echo '' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>\"$HOME/daemon.log\"\n"
        "i=0\n"
        "until gdbus call --session --dest org.freedesktop.secrets"
        " --object-path /org/freedesktop/secrets/collection/login"
        " --method org.freedesktop.DBus.Properties.Get org.freedesktop.Secret.Collection Locked"
        " 2>/dev/null | grep -q false; do\n"
        "  i=$((i+1)); [ $i -gt 100 ] && { cat \"$HOME/daemon.log\" >&2; exit 2; }\n"
        "  sleep 0.1\n"
        "done\n"
        f"echo alice-password | {CLI} login -u alice@example.com --password-stdin || exit 1\n"
        "ls \"$XDG_STATE_HOME/filemail\" | grep -q '^login-' && exit 3\n"
        f"{CLI} sent || exit 4\n"
        f"{CLI} logout || exit 5\n"
        f"{CLI} sent 2>/dev/null && exit 6\n"
        "exit 0\n")
    p = subprocess.run(["dbus-run-session", "--", "sh", "-c", script], capture_output=True, text=True,
                       env=keyring_env, timeout=60)
    if p.returncode == 2:
        # The keyring daemon itself never offered an unlocked login
        # collection: nothing of ours was tried. Say why, loudly.
        print(f"test_keyring: gnome-keyring-daemon did not come up: {p.stderr}", file=sys.stderr)
        return "SKIP gnome-keyring-daemon gave no unlocked login collection in 10 s"
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    assert "no keyring" not in p.stderr, p.stderr


def test_qr_code(env):
    """send --qr: the link, then the same link as a QR code a phone can
    read. Into a pipe it is plain text (no escape sequences); the test
    draws its half blocks into a bitmap and zbarimg must read the link."""
    env.login()
    small = env.make_file("qr.bin", 1000, seed=12)
    out = env.cli("send", "--qr", small, check=0).stdout
    lines = out.split("\n")
    assert lines[0].startswith("Sent transfer "), out
    link = lines[1].strip()
    assert link.startswith(env.url), out
    assert "\033" not in out, "escape sequences into a pipe"
    rows = []
    for line in lines[2:]:
        if line:
            rows.append([1 if c in "█▀" else 0 for c in line])
            rows.append([1 if c in "█▄" else 0 for c in line])
    assert len(rows) >= 2 * 12, out
    scale, width = 8, max(len(r) for r in rows)
    pbm = os.path.join(env.dir, "qr.pbm")
    with open(pbm, "w") as f:
        f.write(f"P1\n{width * scale} {len(rows) * scale}\n")
        for r in rows:
            line = " ".join(str(v) for v in r + [0] * (width - len(r)) for _ in range(scale))
            f.write((line + "\n") * scale)
    read = subprocess.run(["zbarimg", "--raw", "-q", pbm], capture_output=True, text=True)
    assert read.stdout.strip() == link, (read.stdout, read.stderr, link)


def test_relative_path_resumes_from_another_folder(env):
    """`cd somewhere && filemail send sub/movie.mkv`, Ctrl-C, `cd /` and
    `filemail resume`: the typed path was made absolute when the job was
    made, so the resume finds the file (before, the job was set aside)."""
    env.login()
    big = env.make_file("work/sub/movie.mkv", 16 * CHUNK + 5, seed=21)
    env.post("/test/config", slow_ms="200")
    proc = env.spawn("send", "--to", "bob@example.com", "sub/movie.mkv", cwd=os.path.join(env.dir, "work"))
    wait_for(lambda: env.stats()["upload_requests"] >= 4, what="an upload")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (proc.returncode, err)
    env.post("/test/config", slow_ms="0")
    p = env.cli("resume", "--json", check=0, cwd="/")
    assert "set aside" not in p.stderr, p.stderr
    assert_uploaded(env, json.loads(p.stdout)["transferid"], big, "movie.mkv", max_receipts=2)
    # a job saved by an older version with the path lost is named, not dropped
    uploads = os.path.join(env.home, "state", "filemail", "uploads")
    with open(os.path.join(uploads, "0123abcd.json"), "w") as f:
        json.dump({"version": 1, "id": "0123abcd", "state": "paused", "chunksize": CHUNK,
                   "options": {"to": "bob@example.com", "subject": "Holiday video"},
                   "server": env.url, "sources": []}, f)
    p = env.cli("resume", check=0, cwd="/")
    assert "Holiday video" in p.stderr and "0123abcd.json.bad" in p.stderr, p.stderr
    assert os.path.exists(os.path.join(uploads, "0123abcd.json.bad"))


def test_reference_letter_strict(env):
    """Against a server that refuses every parameter the reference does not
    list for a call, and takes the other reading where it is silent (ids
    in lower case in transfer/get, as its example; update's days from
    now): the everyday commands still work and say what the server did."""
    env.post("/test/config", strict="1")
    env.login()
    a = env.make_file("a.txt", 1000, seed=22)
    b = env.make_file("b.txt", 2000, seed=23)
    tid = env.send_json("--to", "bob@example.com", "--subject", "Letter", a, b)["transferid"]
    d = env.details(tid)
    # no days, notify or confirmation: the account's own settings apply
    # ("days: Set to default value of account if not specified"; alice's is 30)
    for name in ("days", "notify", "confirmation"):
        assert name not in d["init_params"].split(","), d["init_params"]
    assert d["days"] == 30
    # transfer/get answers "id" in lower case: the subject (from the list)
    # and the recipients (from this computer) are still matched
    shown = json.loads(env.cli("transfer", tid, "--json", check=0).stdout)
    assert shown["subject"] == "Letter" and shown["to"] == ["bob@example.com"], shown
    assert "Letter" in env.cli("transfer", tid.lower(), check=0).stdout
    # chosen ones are sent
    tid2 = env.send_json("--days", "3", "--no-notify", a)["transferid"]
    assert env.details(tid2)["days"] == 3
    assert "notify" in env.details(tid2)["init_params"].split(",")
    # removing a file updates the ZIP
    fid = [f["fileid"] for f in shown["files"] if f["filename"] == "b.txt"][0]
    env.cli("delete-file", tid, fid, check=0)
    assert env.details(tid)["zip_stale"] is False
    # update's days: the date is said before, the server's after
    p = env.cli("update", tid, "--days", "40", check=0)
    assert "Available until" in p.stderr and "The server keeps it until" in p.stdout, (p.stdout, p.stderr)
    # an old transfer: 10 days from its sent date have passed
    env.post("/test/age", transferid=tid, days="20")
    p = env.cli("update", tid, "--days", "10", check=1)
    assert "expire at once" in p.stderr, p.stderr
    assert env.details(tid)["expire_ms"] > time.time() * 1000
    p = env.cli("update", tid, "--days", "10", "--yes", check=0)


def test_server_codes_end_to_end(env):
    """The reference's transient and expired-login codes, answered by the
    server for real: 1009, 3004 and 4005 are waited out; 2012, 2040 and
    2041 end the login with a sentence; a server that answers the client's
    own codes (9005) is not taken for a network failure."""
    env.login()
    f = env.make_file("codes.bin", 2 * CHUNK + 3, seed=24)
    env.env["FILEMAIL_RETRY"] = "8,10,50"
    for code, path in (("1009", "/api/transfer/initialize"), ("3004", "/api/transfer/initialize"),
                       ("4005", "/api/file/add"), ("1009", "/api/transfer/complete")):
        env.post("/test/config", hostile=f"error-{code}", hostile_path=path, hostile_count="2")
        out = env.send_json("--chunk-size", str(CHUNK), f)
        assert_uploaded(env, out["transferid"], f, "codes.bin", max_receipts=3)
    env.post("/test/config", hostile="error-1009", hostile_path="/api/transfer/sent/get", hostile_count="2")
    assert out["transferid"] in env.cli("sent", check=0).stdout
    # a download answered 4005 (UploadRecentlyUpdated) goes again
    env.post("/test/config", hostile="error-4005", hostile_path="/api/file/get", hostile_count="2")
    dest = os.path.join(env.dir, "codes-dl")
    os.makedirs(dest)
    env.cli("download", out["transferid"], "--dir", dest, check=0)
    assert same_file(f, os.path.join(dest, "codes.bin"))
    # an upload whose login ran out says so
    env.post("/test/config", hostile="error-2040", hostile_path="/api/transfer/initialize", hostile_count="1")
    p = env.cli("send", f, check=1)
    assert "RefreshTokenExpired" in p.stderr and "2040" in p.stderr, p.stderr
    env.login()
    for code, name in (("2012", "SsoSessionExpired"), ("2040", "RefreshTokenExpired"),
                       ("2041", "RefreshTokenAlreadyUsed")):
        env.post("/test/config", hostile=f"error-{code}", hostile_path="/api/transfer/sent/get", hostile_count="1")
        p = env.cli("sent", check=1)
        assert name in p.stderr and code in p.stderr, p.stderr
        env.login()
    # one spoiled answer: retried, the second would succeed; not retried, it fails
    env.post("/test/config", hostile="error-9005", hostile_path="/api/transfer/sent/get", hostile_count="1")
    p = env.cli("sent", check=1)
    assert "9005" in p.stderr, p.stderr


def test_reference_complete_and_download_errors(env):
    """complete answered with the reference's own example, which is not
    valid JSON: the transfer is checked with transfer/get and its real link
    given. A download URL answering a Filemail error says that error."""
    env.login()
    f = env.make_file("ref.bin", 1234, seed=25)
    env.post("/test/config", hostile="reference-complete", hostile_path="/api/transfer/complete", hostile_count="1")
    out = env.send_json(f)
    assert out["url"].startswith(env.url) and out["transferid"] in out["url"], out
    env.post("/test/config", hostile="error-4004", hostile_path="/api/file/get", hostile_count="1000")
    dest = os.path.join(env.dir, "dl")
    os.makedirs(dest)
    p = env.cli("download", out["transferid"], "--dir", dest, check=1)
    assert "FileIsDeleted" in p.stderr and "4004" in p.stderr, p.stderr
    assert "size" not in p.stderr.lower(), p.stderr


def test_links_that_are_not_web_links(env):
    """A link from the server that is no web link (javascript:, file:) is
    never printed as one, copied or drawn as a QR code: it is said as
    text with a sentence."""
    env.login()
    f = env.make_file("links.bin", 300, seed=26)
    for kind, bad in (("link-javascript", "javascript:alert(1)"), ("link-file", "file:///etc/passwd")):
        env.post("/test/config", hostile=kind, hostile_path="/api/transfer/complete")
        p = env.cli("send", "--qr", f, check=0)
        assert bad not in p.stdout and "\u2580" not in p.stdout and "\u2588" not in p.stdout, p.stdout
        assert "not a web link" in p.stderr and bad in p.stderr, p.stderr
        tid = p.stdout.split()[2]
        env.post("/test/config", hostile=kind, hostile_path="/api/transfer/get")
        p = env.cli("transfer", tid, check=0)
        assert "not a web link" in p.stdout, p.stdout
        shown = json.loads(env.cli("transfer", tid, "--json", check=0).stdout)
        assert "url" not in shown and shown["refused_link"] == bad, shown
    env.post("/test/config", hostile="")

def test_planted_job_is_not_sent(env):
    """A saved job this installation did not write (no seal: planted in
    the state folder, restored, synced) is never sent by itself: `resume`
    names it and leaves it, `queue` marks it, only `resume ID` sends it.
    One with a forged seal is the same."""
    env.login()
    secret = env.make_file("id_rsa", 400, seed=27)
    uploads = os.path.join(env.home, "state", "filemail", "uploads")
    os.makedirs(uploads, exist_ok=True)
    for job_id, mac in (("0badf00d", None), ("0badf11d", "00" * 32)):
        job = {"version": 1, "id": job_id, "state": "paused", "chunksize": CHUNK,
               "inputs": ["file://" + secret], "options": {"to": "x@example.com"}, "server": env.url}
        if mac:
            job["mac"] = mac
        with open(os.path.join(uploads, job_id + ".json"), "w") as f:
            json.dump(job, f)
    before = env.stats()["transfers"]
    p = env.cli("resume", check=0)
    assert "0badf00d" in p.stderr and "0badf11d" in p.stderr and "x@example.com" in p.stderr, p.stderr
    assert "Sent transfer" not in p.stdout, p.stdout
    assert env.stats()["transfers"] == before and env.stats()["upload_requests"] == 0
    assert "unconfirmed" in env.cli("queue", check=0).stdout
    # the app's start (resume at start) leaves it alone too: the same
    # FmUploadJob:unconfirmed, tested in /hostile/state/unsealed-job
    p = env.cli("resume", "0badf00d", check=0)
    assert "Sent transfer" in p.stdout, (p.stdout, p.stderr)
    # and a job this installation saved resumes by itself as before
    big = env.make_file("mine.bin", 8 * CHUNK, seed=28)
    env.post("/test/config", slow_ms="200")
    proc = env.spawn("send", big)
    wait_for(lambda: env.stats()["upload_requests"] >= 3, what="an upload")
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    env.post("/test/config", slow_ms="0")
    os.unlink(os.path.join(uploads, "0badf11d.json"))
    p = env.cli("resume", check=0)
    assert "Sent transfer" in p.stdout, (p.stdout, p.stderr)

def test_download_checks_room_first(env):
    """A download that would not fit says so before a byte is written:
    "Not enough room: needs …; … free on …"."""
    env.login()
    f = env.make_file("room.bin", 300000, seed=29)
    tid = env.send_json(f)["transferid"]
    dest = os.path.join(env.dir, "room-dl")
    os.makedirs(dest)
    env.env["FILEMAIL_FREE_SPACE"] = str(64 * 1024 * 1024 + 1000)   # less than the file plus the margin
    p = env.cli("download", tid, "--dir", dest, check=1)
    assert "Not enough room" in p.stderr and "free on room-dl" in p.stderr, p.stderr
    assert os.listdir(dest) == []
    del env.env["FILEMAIL_FREE_SPACE"]
    env.cli("download", tid, "--dir", dest, check=0)
    assert same_file(f, os.path.join(dest, "room.bin"))


def test_download_by_link(env):
    """A recipient with nothing but the e-mail's link, pasted as it came
    (angle brackets, a full stop, the id in lower case as the reference's
    transfer/get example shows it), downloads without logging in; the
    folders are kept; foreign, malformed and hostile links are refused
    with a sentence; a protected link asks for its password; an expired
    one says so."""
    env.login()
    env.make_file("Album/2024/a.jpg", 1000, seed=31)
    big = env.make_file("Album/b.bin", 3 * MB + 5, seed=32)
    out = env.send_json("--subject", "Album", os.path.join(env.dir, "Album"))
    tid, link = out["transferid"], out["url"]
    assert link == f"{env.url}/d/{tid}", link
    secret = env.make_file("secret.txt", 10, seed=33)
    locked = env.send_json("--password", "open sesame", secret)
    env.cli("logout", check=0)

    target = os.path.join(env.dir, "received")
    pasted = f"<{env.url}/d/{tid.lower()}>."
    p = env.cli("download", pasted, "--dir", target, check=0)
    assert same_file(big, os.path.join(target, "Album", "b.bin")), p.stdout
    assert os.path.getsize(os.path.join(target, "Album", "2024", "a.jpg")) == 1000
    shown = json.loads(env.cli("transfer", link + "/", "--json", check=0).stdout)
    assert shown["id"].upper() == tid.upper() and len(shown["files"]) == 2

    # remembered for the app's Links page: 0600, no download addresses
    saved = os.path.join(env.home, "state", "filemail", "received-links.json")
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    with open(saved) as f:
        kept = json.load(f)
    assert [e["transfer"]["id"].upper() for e in kept["links"]] == [tid.upper()]
    assert kept["links"][0]["server"] == env.url and "files" not in kept["links"][0]["transfer"]
    assert "dk=" not in open(saved).read()

    for bad, words in [("https://example.org/d/" + tid, "example.org"),
                       ("https://www.filemail.com/d/" + tid, "www.filemail.com"),
                       (f"{env.url}/d/../../etc/passwd", "does not lead to a transfer"),
                       (f"{env.url}/t/{tid}", "does not lead to a transfer"),
                       ("movie.mkv", "neither a Filemail link nor a transfer id"),
                       (f"https://127.0.0.1.evil.example/d/{tid}", "evil.example")]:
        for command in ("download", "transfer"):
            r = env.cli(command, bad, "--dir", target, check=1) if command == "download" \
                else env.cli(command, bad, check=1)
            assert words in r.stderr and "NotFound" not in r.stderr, (bad, r.stderr)
            assert "Traceback" not in r.stderr and len(r.stderr) < 400

    asked = env.cli("download", locked["url"], "--dir", target, check=1)
    assert "PasswordRequired" in asked.stderr and "--ask-password" in asked.stderr
    env.cli("download", locked["url"], "--password-file", "-", "--dir", target, stdin="open sesame\n", check=0)
    assert same_file(secret, os.path.join(target, "secret.txt"))

    env.post("/test/expire", transferid=tid)
    gone = env.cli("download", link, "--dir", os.path.join(env.dir, "late"), check=1)
    assert "expired" in gone.stderr.lower(), gone.stderr


def part_files(folder):
    return sorted(n for n in os.listdir(folder) if n.endswith(".part") or n.endswith(".ranges"))


def test_ranged_download_survives_kills_and_drops(env):
    """A big file comes over four ranged connections (each held to 4 MB/s
    by the server, as a far path would); SIGKILLs and dropped connections
    lose nothing: each run continues every range where the .ranges file
    says, and the file is byte-identical. A planted .ranges is not
    trusted."""
    env.login()
    big = env.make_file("ranged.bin", 40 * MB + 3, seed=41)
    link = env.send_json(big)["url"]
    env.cli("logout", check=0)
    env.post("/test/config", connection_rate=str(4 * MB))
    target = os.path.join(env.dir, "dl")
    os.makedirs(target)
    kills = 0
    for delay in (0.5, 0.5):
        proc = env.spawn("download", "--dir", target, link)
        wait_for(lambda: any(n.endswith(".ranges") for n in os.listdir(target)), what="the ranges file")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        kills += 1
        assert [n for n in part_files(target) if n.endswith(".ranges")], (os.listdir(target), proc.stderr.read())
    ranges = [n for n in part_files(target) if n.endswith(".ranges")][0]
    with open(os.path.join(target, ranges)) as f:
        lines = f.read().split("\n")
    assert lines[0] == "filemail-ranges 1" and lines[1] == f"size {40 * MB + 3}", lines
    done_before = sum(int(l.split()[3]) - int(l.split()[1]) for l in lines[2:] if l)
    assert 0 < done_before < 40 * MB, done_before
    served_before = env.stats()["range_requests"]
    env.post("/test/config", download_drops="2")
    env.cli("download", "--dir", target, link, check=0)
    assert same_file(big, os.path.join(target, "ranged.bin"))
    assert part_files(target) == [], part_files(target)
    stats = env.stats()
    assert stats["downloads_in_flight_max"] >= 4, stats["downloads_in_flight_max"]
    assert stats["faults_injected"] == 2
    assert stats["range_requests"] - served_before >= 3      # it went on in ranges, not from 0

    # Filemail's error where a range was asked for, cut to a range itself
    # (206, Content-Range 0-149/150 of JSON): read as the server's 4005
    # and asked again, first for the first range, then for another
    fresh = os.path.join(env.dir, "dl-partial")
    os.makedirs(fresh)
    env.post("/test/config", connection_rate="0", hostile="partial-error-4005", hostile_path="/api/file/get",
             hostile_count="2")
    env.env["FILEMAIL_RETRY"] = "8,10,50"
    env.cli("download", "--dir", fresh, link, check=0)
    assert same_file(big, os.path.join(fresh, "ranged.bin"))
    assert part_files(fresh) == []
    env.post("/test/config", hostile="", connection_rate=str(4 * MB))

    # a planted control file: nonsense, a range past the end, a FIFO
    other = os.path.join(env.dir, "dl2")
    os.makedirs(other)
    proc = env.spawn("download", "--dir", other, link)
    wait_for(lambda: any(n.endswith(".ranges") for n in os.listdir(other)), what="the ranges file")
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    planted = os.path.join(other, [n for n in os.listdir(other) if n.endswith(".ranges")][0])
    with open(planted, "w") as f:
        f.write(f"filemail-ranges 1\nsize {40 * MB + 3}\nrange 0 10 10\nrange 10 {10 ** 12} {10 ** 12}\n")
    env.cli("download", "--dir", other, link, check=0)
    assert same_file(big, os.path.join(other, "ranged.bin"))
    assert part_files(other) == []


def test_download_from_a_server_without_ranges(env):
    """A server that ignores Range (200, the whole file) gets one stream,
    also when an earlier run left ranges behind."""
    env.login()
    big = env.make_file("whole.bin", 20 * MB + 1, seed=42)
    link = env.send_json(big)["url"]
    env.post("/test/config", connection_rate=str(10 * MB))
    target = os.path.join(env.dir, "dl")
    os.makedirs(target)
    proc = env.spawn("download", "--dir", target, link)
    wait_for(lambda: any(n.endswith(".ranges") for n in os.listdir(target)), what="the ranges file")
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    env.post("/test/config", ranges="0", connection_rate="0")
    served = env.stats()["range_requests"]
    env.cli("download", "--dir", target, link, check=0)
    assert same_file(big, os.path.join(target, "whole.bin"))
    assert part_files(target) == []
    assert env.stats()["range_requests"] == served
    fresh = os.path.join(env.dir, "fresh")
    env.cli("download", "--dir", fresh, link, check=0)
    assert same_file(big, os.path.join(fresh, "whole.bin"))
    assert env.stats()["range_requests"] == served


def test_locked_keyring_says_so(env):
    """A keyring that never answers (locked, its prompt on a display nobody
    sees, as over SSH): the command says what it waits for, gives up after
    FILEMAIL_KEYRING_TIMEOUT with the alternatives, and goes on without
    it; `login` stops with the same sentence."""
    if not shutil.which("dbus-run-session"):
        return "SKIP no dbus-run-session"
    fake = os.path.join(os.path.dirname(os.path.abspath(__file__)), "silent-keyring.py")
    keyring_env = dict(env.env, FILEMAIL_KEYRING_TIMEOUT="3")
    script = (
        f"{sys.executable} {fake} > \"$HOME/keyring.out\" &\n"
        "i=0; until grep -q ready \"$HOME/keyring.out\" 2>/dev/null; do i=$((i+1)); [ $i -gt 100 ] && exit 2; sleep 0.1; done\n"
        f"{CLI} sent; echo \"sent exited $?\" >&2\n"
        f"echo alice-password | {CLI} login -u alice@example.com --password-stdin; echo \"login exited $?\" >&2\n")
    start = time.monotonic()
    p = subprocess.run(["dbus-run-session", "--", "sh", "-c", script], capture_output=True, text=True,
                       env=keyring_env, timeout=120)
    took = time.monotonic() - start
    assert p.returncode == 0, (p.returncode, p.stderr)
    assert p.stderr.count("Waiting for the keyring to be unlocked") == 2, p.stderr
    assert p.stderr.count("did not answer within 3 seconds") == 2, p.stderr
    assert "FILEMAIL_LOGINTOKEN" in p.stderr
    assert "sent exited 1" in p.stderr and "not logged in" in p.stderr.lower(), p.stderr
    assert "login exited 1" in p.stderr, p.stderr
    assert took < 60, took

TESTS = [test_login_and_errors, test_usage_errors, test_send_folder_and_show,
         test_faults_deliver_identical_files, test_crash_and_resume, test_ctrl_c_pauses,
         test_expired_transfer_fails_fast, test_send_again_after_expiry, test_limit_rate, test_memory_does_not_grow_with_the_chunk_size,
         test_file_changed_mid_upload,
         test_manage_transfers,
         test_cancel_upload, test_download_hostile_names_and_resume, test_password_protected_download,
         test_logout_and_env_token, test_login_prompts_at_a_terminal, test_qr_code,
         test_unreachable_server_says_so, test_failure_in_plain_words_and_verbose, test_keyring,
         test_relative_path_resumes_from_another_folder, test_reference_letter_strict,
         test_server_codes_end_to_end, test_reference_complete_and_download_errors,
         test_links_that_are_not_web_links, test_planted_job_is_not_sent, test_download_checks_room_first,
         test_download_by_link, test_ranged_download_survives_kills_and_drops,
         test_download_from_a_server_without_ranges, test_locked_keyring_says_so]


def main():
    selected = [t for t in TESTS if len(sys.argv) < 2 or t.__name__ in sys.argv[1:]]
    print(f"1..{len(selected)}", flush=True)
    failed = 0
    for i, test in enumerate(selected, 1):
        env = Env()
        try:
            start = time.monotonic()
            result = test(env)
            skip = f" # {result}" if isinstance(result, str) and result.startswith("SKIP") else ""
            print(f"ok {i} - {test.__name__} ({time.monotonic() - start:.1f} s){skip}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok {i} - {test.__name__}", flush=True)
            # stdout for TAP, stderr for CI logs (which show only stderr)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
                print(line, file=sys.stderr, flush=True)
        finally:
            env.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
