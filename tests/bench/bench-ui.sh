#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# UI performance targets, run by hand (never by build-aux/test: a timed
# assertion on a busy 2-core machine is a coin toss):
#   - the longest main-loop stall while a 1 GiB upload runs (target < 50 ms)
#   - 10,010 received transfers: answer in hand to first frame (target < 300 ms)
# Usage: tests/bench/bench-ui.sh [BUILDDIR]   (default _build, a non-sanitizer build)
# Prints the numbers; exits 1 if a target was missed.
set -u
cd "$(dirname "$0")/../.."
build=${1:-_build}
status=0

export FM_BENCH_TARGETS=1
echo "== 10,010-transfer Inbox (tests/test-transfer-views.c, /views/ten-thousand)"
if ! meson test -C "$build" transfer-views --test-args '-p /views/ten-thousand' -v 2>&1 \
     | grep -E '10,010 transfers|^not ok|^ok'; then
  status=1
fi
grep -q '^not ok' "$build/meson-logs/testlog.txt" && status=1

echo "== main-loop stalls during a 1 GiB upload (tests/e2e)"
if ! meson test -C "$build" e2e -v 2>&1 | grep -E 'longest main-loop stall|^not ok'; then
  status=1
fi
grep -q '^not ok' "$build/meson-logs/testlog.txt" && status=1
[ $status -eq 0 ] && echo "targets met" || echo "a target was missed"
exit $status
