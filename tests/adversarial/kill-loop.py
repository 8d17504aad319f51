#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The kill loop: one `filemail send`, then 20 SIGKILLs at random moments
(during initialize, chunks, state writes and complete), each followed by
`filemail resume`, then a last resume left to finish. Checks that the
transfer is done, its link printed, every byte identical on the server and
no failed or damaged job left; prints the numbers, and how many chunk sends
were repeated (at most the chunks in flight at each kill). Three times:
with the file's absolute path; with a path typed relative to the send's
folder while every resume runs from another folder; with a folder of
2,000 small files (a chunk each: the acknowledgement journal). Prints TAP.

  FILEMAIL_CLI=… FILEMAIL_TEST_SERVER=… tests/adversarial/kill-loop.py [KILLS] [SEED]
"""

import importlib.util
import os
import random
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("clitest", os.path.join(HERE, "..", "cli", "test-cli.py"))
clitest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(clitest)

KILLS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else int(time.time())
CHUNKS = 60


FOLDER_FILES = 2000


def make_folder(env):
    """2,000 small files of 1 to 3 kB: a chunk each, so every kill falls
    between many acknowledgements (the journal's worst case)."""
    folder = os.path.join(env.dir, "work", "album")
    os.makedirs(folder)
    rng = random.Random(7)
    for i in range(FOLDER_FILES):
        with open(os.path.join(folder, f"photo-{i:04}.jpg"), "wb") as f:
            f.write(rng.randbytes(1000 + rng.randrange(2000)))
    return folder


def check_folder(env, tid, folder):
    """Every file byte-identical on the server; the chunk sends repeated."""
    files = {f["filename"]: f for f in env.stats()["files"] if f["transferid"] == tid}
    assert len(files) == FOLDER_FILES, len(files)
    resent = 0
    for name in os.listdir(folder):
        f = files["album/" + name]
        local = os.path.join(folder, name)
        assert f["size"] == os.path.getsize(local), name
        assert clitest.same_file(local, f["path"]), name
        assert all(1 <= r <= KILLS + 1 for r in f["receipts"]), (name, f["receipts"])
        resent += sum(r - 1 for r in f["receipts"])
    return resent


def one_loop(rng, mode):
    """One send killed KILLS times and resumed. mode "absolute": one big
    file by its absolute path; "relative": the send names it as typed in
    its folder ("sub/kill.bin") and every resume runs from another folder
    ("/"); "folder": a folder of 2,000 small files."""
    relative = mode == "relative"
    env = clitest.Env()
    try:
        start = time.monotonic()
        env.login()
        if mode == "folder":
            folder = make_folder(env)
            # 10 ms an answer: 2,000 of them take five seconds over four
            # connections, so a run is killed 20 times before it is done
            # (at 4 ms, since the server finds a chunk's file in a table,
            # runs ended after 8-10 kills)
            env.post("/test/config", slow_ms="10")
            args = ("send", folder)
        else:
            big = env.make_file("work/sub/kill.bin", CHUNKS * clitest.CHUNK, seed=9)
            # every answer held back 200 ms: a run lasts long enough to be
            # killed anywhere in it
            env.post("/test/config", slow_ms="200")
            args = ("send", "--chunk-size", str(clitest.CHUNK), "sub/kill.bin" if relative else big)
        kills = finished_early = 0
        killed_after_link = False
        link_output = ""
        last_out = ""
        cwd = os.path.join(env.dir, "work") if relative else None
        while kills < KILLS:
            proc = env.spawn(*args, cwd=cwd)
            time.sleep(rng.uniform(0.02, 0.5) if mode != "folder" else rng.uniform(0.1, 0.6))
            if proc.poll() is not None:
                finished_early += 1
                out = proc.stdout.read()
                if "Sent transfer" in out:
                    link_output = out
                    break
            else:
                proc.send_signal(signal.SIGKILL)
                proc.wait(10)
                kills += 1
                # killed while it was exiting (slow under ASan): the
                # link was printed all the same
                out = proc.stdout.read()
                last_out = (out, proc.stderr.read()[-2000:])
                if "Sent transfer" in out:
                    link_output = out
                    killed_after_link = True
                    break
            # a send killed before it saved its job (under ASan a start
            # takes longer than the shortest wait) left nothing to resume:
            # a person sends again, and so does the loop
            uploads = os.path.join(env.home, "state", "filemail", "uploads")
            if args[0] == "send" and not (os.path.isdir(uploads) and
                                          any(n.endswith(".json") for n in os.listdir(uploads))):
                continue
            args = ("resume",)
            cwd = "/" if relative else None
        env.post("/test/config", slow_ms="0")
        if killed_after_link:
            # killed between printing the link and removing its done job
            # (more likely now that a run of 2,000 files is quick): the
            # next resume says the link again and forgets the job
            p = env.cli("resume", timeout=300, cwd=cwd)
            assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
            assert "Sent transfer" in p.stdout or "No unfinished uploads" in p.stdout + p.stderr, (p.stdout, p.stderr)
        if not link_output:
            uploads = os.path.join(env.home, "state", "filemail", "uploads")
            before = sorted(os.listdir(uploads)) if os.path.isdir(uploads) else []
            p = env.cli("resume", timeout=300, cwd=cwd)
            assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
            assert "set aside" not in p.stderr, p.stderr
            assert "Sent transfer" in p.stdout, (p.stdout, p.stderr, before, last_out)
            link_output = p.stdout
        # The link is shown, whichever run finished the transfer.
        assert "Sent transfer" in link_output, link_output
        tid = link_output.split("Sent transfer ")[1].split()[0]
        link = link_output.split("Sent transfer ")[1].split("\n")[1].strip()
        assert link.startswith("http") and tid in link, link_output
        stats = env.stats()
        done = [f for f in stats["files"] if f["transferid"] == tid and f["transferstatus"] == "STATUS_COMPLETE"]
        assert done, stats["files"]
        if mode == "folder":
            resent = check_folder(env, tid, folder)
            what = f"{FOLDER_FILES} files of 1-3 kB"
        else:
            f = clitest.assert_uploaded(env, tid, big, "kill.bin", max_receipts=KILLS + 1)
            resent = sum(r - 1 for r in f["receipts"])
            what = f"{CHUNKS} chunks of {clitest.CHUNK} bytes"
        queue = env.cli("queue", check=0).stdout
        assert "No unfinished uploads" in queue, queue
        uploads = os.path.join(env.home, "state", "filemail", "uploads")
        left = [n for n in os.listdir(uploads) if not n.endswith(".lock")] if os.path.isdir(uploads) else []
        assert left == [], left
        transfers = {x["transferid"] for x in stats["files"]}
        # at most the chunks in flight at each kill go again: 4 per kill,
        # and the answers that came while the journal line was being
        # written (none: the line is written as the answer is read)
        assert resent <= 4 * (kills + finished_early) + 4, resent
        print(f"# seed {SEED}, {mode}: {kills} SIGKILLs, {finished_early} runs ended before their kill; "
              f"{what}, {resent} chunk sends repeated; "
              f"{len(transfers)} transfer(s) initialized; byte-identical; no job left; "
              f"{time.monotonic() - start:.1f} s", flush=True)
    finally:
        env.close()


def main():
    rng = random.Random(SEED)
    modes = ("absolute", "relative", "folder")
    print(f"1..{len(modes)}", flush=True)
    failed = 0
    for i, mode in enumerate(modes, 1):
        what = {"absolute": "an absolute path", "relative": "sub/kill.bin typed in its folder, resumed from /",
                "folder": f"a folder of {FOLDER_FILES} files"}[mode]
        try:
            one_loop(rng, mode)
            print(f"ok {i} - {KILLS} SIGKILLs during a send of {what}, then resume: done, identical, "
                  "nothing left", flush=True)
        except Exception:
            import traceback
            failed += 1
            print(f"not ok {i} - kill loop, {what}", flush=True)
            # stdout for TAP, stderr for CI logs (which show only stderr)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
                print(line, file=sys.stderr, flush=True)
            print(f"# seed {SEED}", flush=True)
            print(f"seed {SEED}", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
