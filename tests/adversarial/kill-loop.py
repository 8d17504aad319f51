#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The kill loop: one `filemail send`, then 20 SIGKILLs at random moments
(during initialize, chunks, state writes and complete), each followed by
`filemail resume`, then a last resume left to finish. Checks that the
transfer is done, its link printed, every byte identical on the server and
no failed or damaged job left; prints the numbers. Twice: with the file's
absolute path, and with a path typed relative to the send's folder while
every resume runs from another folder. Prints TAP.

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


def one_loop(rng, relative):
    """One send killed KILLS times and resumed. @relative: the send names
    its file as typed in its folder ("sub/kill.bin"), and every resume
    runs from another folder ("/")."""
    env = clitest.Env()
    try:
        start = time.monotonic()
        env.login()
        big = env.make_file("work/sub/kill.bin", CHUNKS * clitest.CHUNK, seed=9)
        # every answer held back 200 ms: a run lasts long enough to be
        # killed anywhere in it
        env.post("/test/config", slow_ms="200")
        kills = finished_early = 0
        link_output = ""
        last_out = ""
        args = ("send", "--chunk-size", str(clitest.CHUNK), "sub/kill.bin" if relative else big)
        cwd = os.path.join(env.dir, "work") if relative else None
        while kills < KILLS:
            proc = env.spawn(*args, cwd=cwd)
            time.sleep(rng.uniform(0.02, 0.5))
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
        done = [f for f in env.stats()["files"]
                if f["transferid"] == tid and f["transferstatus"] == "STATUS_COMPLETE"]
        assert done, env.stats()["files"]
        f = clitest.assert_uploaded(env, tid, big, "kill.bin", max_receipts=KILLS + 1)
        resent = sum(r - 1 for r in f["receipts"])
        queue = env.cli("queue", check=0).stdout
        assert "No unfinished uploads" in queue, queue
        uploads = os.path.join(env.home, "state", "filemail", "uploads")
        left = [n for n in os.listdir(uploads) if not n.endswith(".lock")] if os.path.isdir(uploads) else []
        assert left == [], left
        transfers = {x["transferid"] for x in env.stats()["files"] if x["filename"] == "kill.bin"}
        print(f"# seed {SEED}, {'relative path, resumed from /' if relative else 'absolute path'}: "
              f"{kills} SIGKILLs, {finished_early} runs ended before their kill; "
              f"{CHUNKS} chunks of {clitest.CHUNK} bytes, {resent} chunk sends repeated; "
              f"{len(transfers)} transfer(s) initialized; byte-identical; no job left; "
              f"{time.monotonic() - start:.1f} s", flush=True)
    finally:
        env.close()


def main():
    rng = random.Random(SEED)
    print("1..2", flush=True)
    failed = 0
    for i, relative in enumerate((False, True), 1):
        what = "sub/kill.bin typed in its folder, resumed from /" if relative else "an absolute path"
        try:
            one_loop(rng, relative)
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
