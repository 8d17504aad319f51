#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The `filemail` command against the local server in its hostile mode
(tests/server/fm-test-server-hostile.c): escape sequences in server text,
a stalled server and Ctrl-C, deadlines, nested answers, passwords kept out
of the process list and the saved state, two resumes of one upload.
Prints TAP. Shares the harness of tests/cli/test-cli.py."""

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("clitest", os.path.join(HERE, "..", "cli", "test-cli.py"))
clitest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(clitest)
Env, CHUNK, wait_for, assert_uploaded = clitest.Env, clitest.CHUNK, clitest.wait_for, clitest.assert_uploaded

# a terminal title, a cleared line, a carriage return, OSC 52 (writes the
# clipboard), a right-to-left override
HOSTILE = "Q3\x1b]0;pwned\x07 report\x1b[2K\rfake\x1b]52;c;ZXZpbA==\x07 invoice\u202efdp.exe"


def assert_clean(text):
    for bad in ("\x1b", "\x07", "\r", "\u202e"):
        assert bad not in text, (bad, text)


def hostile(env, kind, path="", count="-1"):
    env.post("/test/config", hostile_path=path, hostile_count=count)
    env.post("/test/config", hostile=kind)


def test_escape_sequences_are_shown_not_obeyed(env):
    env.login()
    f = env.make_file("plain.txt", 1000)
    sent = env.send_json("--to", "bob@example.com", "--subject", HOSTILE, "--message", HOSTILE, f)
    tid = sent["transferid"]
    for args in (("sent",), ("transfer", tid), ("queue",)):
        p = env.cli(*args, check=0)
        assert_clean(p.stdout + p.stderr)
    shown = env.cli("transfer", tid, check=0).stdout
    assert "[U+202E]" in shown and "pwned" in shown, shown
    env.login("bob")
    p = env.cli("received", check=0)
    assert_clean(p.stdout + p.stderr)
    # and the server's error message, inside an error
    p = env.cli("transfer", "NO\x1b]0;x\x07SUCH", check=1)
    assert_clean(p.stderr)


def _stalled(env, args, sig):
    env.login()
    hostile(env, "stall")
    proc = env.spawn(*args)
    time.sleep(1.0)
    start = time.monotonic()
    proc.send_signal(sig)
    try:
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    took = time.monotonic() - start
    assert took < 2.0, f"exited {took:.2f} s after the signal"
    assert proc.returncode == 130, (proc.returncode, proc.stderr.read())
    return took


def test_ctrl_c_against_a_stalled_server(env):
    took = _stalled(env, ("received",), signal.SIGINT)
    print(f"# Ctrl-C: exited {took * 1000:.0f} ms after SIGINT", flush=True)


def test_sigterm_against_a_stalled_server(env):
    took = _stalled(env, ("transfer", "ABCDEFGHIJ"), signal.SIGTERM)
    print(f"# SIGTERM: exited {took * 1000:.0f} ms after the signal", flush=True)


def test_call_deadline(env):
    env.login()
    hostile(env, "stall")
    env.env["FILEMAIL_CALL_TIMEOUT"] = "2"
    # a timeout is transient: tried again (3 attempts here), then said
    env.env["FILEMAIL_RETRY"] = "3,10,50"
    start = time.monotonic()
    p = env.cli("sent", check=1, timeout=60)
    took = time.monotonic() - start
    assert "took too long" in p.stderr, p.stderr
    assert took < 30, took


def test_nested_and_huge_answers_fail_cleanly(env):
    env.login()
    env.env["FILEMAIL_RETRY"] = "3,10,50"
    expected = {"nested": "does not understand", "huge": "does not understand",
                "gzip-bomb": "does not understand", "captive": "did not come from Filemail",
                "http-503": "not available right now"}
    for kind, sentence in expected.items():
        hostile(env, kind)
        for args in (("sent",), ("received",), ("transfer", "ABCDEFGHIJ")):
            p = env.cli(*args, timeout=60)
            assert p.returncode == 1, (kind, args, p.returncode, p.stderr)
            assert sentence in p.stderr, (kind, p.stderr)


def test_a_5xx_storm_passes(env):
    env.login()
    f = env.make_file("storm.txt", 2000)
    env.env["FILEMAIL_RETRY"] = "5,10,50"
    for path in ("/api/transfer/initialize", "/api/file/add", "/api/transfer/complete"):
        hostile(env, "http-503", path=path, count="2")
        sent = env.send_json("--to", "bob@example.com", f)
        assert sent["url"], sent
    for path in ("/api/transfer/sent/get", "/api/transfer/get"):
        hostile(env, "http-503", path=path, count="2")
        p = env.cli("sent", check=0)
        assert sent["transferid"] in p.stdout, p.stdout
    hostile(env, "captive", path="/api/transfer/get", count="2")
    env.cli("transfer", sent["transferid"], check=0)


def test_nested_upload_answer_then_resume(env):
    env.login()
    f = env.make_file("n.bin", 2 * CHUNK)
    hostile(env, "nested", path="/api/file/add")
    p = env.cli("send", "--chunk-size", str(CHUNK), f, timeout=60)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert "does not understand" in p.stderr, p.stderr
    env.post("/test/config", hostile="")
    p = env.cli("resume", check=0, timeout=60)
    tid = p.stdout.split("Sent transfer ")[1].split()[0]
    assert_uploaded(env, tid, f, "n.bin", max_receipts=2)


def test_password_from_file_and_stdin(env):
    env.login()
    f = env.make_file("secret.txt", 5000)
    pw = os.path.join(env.dir, "pw")
    with open(pw, "w") as out:
        out.write("s3cret words\n")
    sent = env.send_json("--to", "bob@example.com", "--password-file", pw, f)
    tid = sent["transferid"]
    env.login("bob")   # the owner needs no password; the recipient does
    p = env.cli("transfer", tid)
    assert p.returncode == 1 and "password" in p.stderr.lower(), p.stderr
    assert "--ask-password" in p.stderr, p.stderr
    env.cli("transfer", "--password-file", "-", tid, stdin="s3cret words\n", check=0)
    out = os.path.join(env.dir, "down")
    env.cli("download", "--dir", out, "--password-file", pw, tid, check=0)
    assert clitest.same_file(f, os.path.join(out, "secret.txt"))
    p = env.cli("send", "--password", "a", "--password-file", pw, f)
    assert p.returncode == 2, p.returncode
    p = env.cli("send", "--password-file", os.path.join(env.dir, "missing"), f)
    assert p.returncode == 2 and "cannot read" in p.stderr, p.stderr


def test_saved_job_keeps_no_password(env):
    env.login()
    big = env.make_file("pw.bin", 20 * CHUNK, seed=3)
    pw = os.path.join(env.dir, "pw")
    with open(pw, "w") as out:
        out.write("hunter2\n")
    env.post("/test/config", slow_ms="150")
    proc = env.spawn("send", "--chunk-size", str(CHUNK), "--password-file", pw, big)
    wait_for(lambda: env.stats()["files"] and sum(env.stats()["files"][0]["receipts"]) >= 2,
             what="chunks on the server")
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    uploads = os.path.join(env.home, "state", "filemail", "uploads")
    saved = [n for n in os.listdir(uploads) if n.endswith(".json")]
    assert len(saved) == 1, saved
    with open(os.path.join(uploads, saved[0])) as job:
        text = job.read()
    assert "hunter2" not in text, text
    assert json.loads(text)["version"] == 1


def test_two_resumes_one_owner(env):
    env.login()
    big = env.make_file("both.bin", 24 * CHUNK, seed=5)
    env.post("/test/config", slow_ms="150")
    proc = env.spawn("send", "--chunk-size", str(CHUNK), big)
    wait_for(lambda: env.stats()["files"] and sum(env.stats()["files"][0]["receipts"]) >= 4,
             what="chunks on the server")
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    a = env.spawn("resume")
    b = env.spawn("resume")
    outs = [(p.wait(120), p.stdout.read(), p.stderr.read()) for p in (a, b)]
    done = [o for o in outs if "Sent transfer" in o[1]]
    skipped = [o for o in outs if "skipping" in o[2]]
    assert len(done) == 1 and len(skipped) == 1, outs
    assert all(code == 0 for code, _, _ in outs), outs
    tid = done[0][1].split("Sent transfer ")[1].split()[0]
    assert_uploaded(env, tid, big, "both.bin", max_receipts=2)
    assert "No unfinished uploads" in env.cli("queue", check=0).stdout


def test_help_reads_no_settings(env):
    # `filemail queue --help` once hung in GType registration against the
    # dconf thread; it now opens no settings and no keyring at all.
    env.env.pop("GSETTINGS_BACKEND", None)
    for _ in range(30):
        p = env.cli("queue", "--help", timeout=10)
        assert p.returncode == 0 and "Usage" in p.stdout, (p.returncode, p.stderr)


TESTS = [
    test_escape_sequences_are_shown_not_obeyed,
    test_ctrl_c_against_a_stalled_server,
    test_sigterm_against_a_stalled_server,
    test_call_deadline,
    test_nested_and_huge_answers_fail_cleanly,
    test_a_5xx_storm_passes,
    test_nested_upload_answer_then_resume,
    test_password_from_file_and_stdin,
    test_saved_job_keeps_no_password,
    test_two_resumes_one_owner,
    test_help_reads_no_settings,
]

if __name__ == "__main__":
    clitest.TESTS = TESTS
    sys.exit(clitest.main())
