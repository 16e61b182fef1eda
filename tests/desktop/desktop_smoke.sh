#!/usr/bin/env bash
# desktop_smoke.sh — the native window build under Xvfb: the default page, the digit lab opened by
# --state (its panels, the embedded digit model, the SE pass between frames), and a refused --state.
# Usage: bash tests/desktop/desktop_smoke.sh <convscope-desktop> <artifacts-dir>
set -u
app=$1 out=$2
mkdir -p "$out"
run() { timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$app" "$@"; }
fail() { echo "desktop_smoke: $*" >&2; exit 1; }

run --frames 30 --screenshot "$out/desktop.png" || fail "the default page exited with $?"
run --state '{"workspace": "digit-lab"}' --frames 120 --screenshot "$out/desktop-lab.png" ||
  fail "the digit lab exited with $?"
for f in desktop.png desktop-lab.png; do
  [ "$(head -c 8 "$out/$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$f is not a PNG"
done
# The lab is another page: its screenshot must differ from the Lessons'.
cmp -s "$out/desktop.png" "$out/desktop-lab.png" && fail "--state did not open the digit lab"

msg=$(run --state '{"workspace": "nowhere"}' --frames 5 2>&1)
rc=$?
[ $rc = 2 ] || fail "a refused --state should exit 2, got $rc"
grep -q 'refused: workspace must be' <<<"$msg" || fail "a refused --state should say why: $msg"
echo "desktop_smoke: ok (default page, digit lab, refused state)"
