#!/usr/bin/env bash
# desktop_smoke.sh — the native window build under Xvfb: the default page, the digit lab opened by
# --state (its panels, the embedded digit model, the SE pass between frames), and a refused --state.
# Each run dumps what the page's ConvScope.state() and panels() give after its last frame
# (--dump-state, --dump-panels); the checks below read those, beside the PNG screenshots.
# Usage: bash tests/desktop/desktop_smoke.sh <convscope-desktop> <artifacts-dir>
set -u
app=$1 out=$2
mkdir -p "$out"
# xvfb-run exits 5, hiding the app's exit code, when it cannot remove its temporary folder (seen once
# with several checkouts testing at once): it gets a private one.
xtmp=$(mktemp -d); trap 'rm -rf "$xtmp"' EXIT
run() { timeout 120 env TMPDIR="$xtmp" xvfb-run -a -s "-screen 0 1280x800x24" "$app" "$@"; }
fail() { echo "desktop_smoke: $*" >&2; exit 1; }

run --frames 30 --screenshot "$out/desktop.png" --dump-state "$out/desktop.state.json" \
  --dump-panels "$out/desktop.panels.json" || fail "the default page exited with $?"
# The SE pass gets 40 ms a frame, as in the browser tests that wait for it: with the default budget (the
# frame's leftover) its progress in a fixed number of frames would depend on the machine's speed.
run --state '{"workspace": "digit-lab", "se": {"budget_ms": 40}}' --frames 400 --screenshot "$out/desktop-lab.png" \
  --dump-state "$out/desktop-lab.state.json" --dump-panels "$out/desktop-lab.panels.json" ||
  fail "the digit lab exited with $?"
for f in desktop.png desktop-lab.png; do
  [ "$(head -c 8 "$out/$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$f is not a PNG"
done
# The lab is another page: its screenshot must differ from the Lessons'.
cmp -s "$out/desktop.png" "$out/desktop-lab.png" && fail "--state did not open the digit lab"

python3 - "$out" <<'PY' || fail "the dumped state is not what the header promises (above)"
import json, sys
out = sys.argv[1]
load = lambda name: json.load(open(f"{out}/{name}"))
problems = []
def check(ok, what):
    if not ok:
        problems.append(what)

def panels_fit(panels, ids, where):
    check(sorted(panels) == sorted(ids), f"{where}: panels {sorted(panels)}, expected {sorted(ids)}")
    rects = [panels[i] for i in ids if i in panels]
    for i in ids:
        r = panels.get(i)
        if r:
            check(r["width"] > 100 and r["height"] > 100 and r["x"] >= 0 and r["y"] >= 0 and
                  r["x"] + r["width"] <= 1280 and r["y"] + r["height"] <= 800, f"{where}: panel {i} {r} is not inside the window")
    for a in range(len(rects)):
        for b in range(a + 1, len(rects)):
            p, q = rects[a], rects[b]
            overlap = min(p["x"] + p["width"], q["x"] + q["width"]) - max(p["x"], q["x"]) > 1 and \
                      min(p["y"] + p["height"], q["y"] + q["height"]) - max(p["y"], q["y"]) > 1
            check(not overlap, f"{where}: panels {p} and {q} overlap")

# The default page: the lessons, three panels, 30 frames.
s = load("desktop.state.json")
check(s["workspace"] == "lessons", f"default workspace: {s['workspace']}")
check(s["frame"] == 30, f"default page: frame {s['frame']} after --frames 30")
panels_fit(load("desktop.panels.json"), ["stepper", "output-size", "im2col"], "default page")

# The digit lab: its five panels, the embedded digit model (shipped weights, 41,812 parameters), the
# bundled digits, and the SE statistics pass over them complete with per-digit excitations.
s = load("desktop-lab.state.json")
check(s["workspace"] == "digit-lab", f"lab workspace: {s['workspace']}")
check(s["frame"] == 400, f"lab: frame {s['frame']} after --frames 400")
panels_fit(load("desktop-lab.panels.json"), ["draw-pad", "prediction", "activations", "se-weights", "training"], "digit lab")
n = s["network"]
check(n.get("ok") is True and n.get("shipped_weights") is True and n.get("parameters") == 41812,
      f"embedded digit model: network {n}")
check(s["lab_assets"]["status"] == "ready" and s["gallery"]["count"] == 1000, f"bundled digits: {s['lab_assets']}, {s['gallery']}")
se = s["se"]
check(se["complete"] is True and se["digits"] == 1000 and se["current_weights"] is True,
      f"SE pass: complete {se['complete']}, {se['digits']} digits, current weights {se['current_weights']}")
check(len(se["blocks"]) == 4 and all(len(b["per_digit"]) == 10 for b in se["blocks"]),
      f"SE pass: per-digit excitations {[(b['name'], len(b['per_digit'])) for b in se['blocks']]}")
check(se["accuracy"] >= 0.98, f"SE pass: the shipped model classified {100 * se['accuracy']:.1f} % of the bundled digits (>= 98 %)")
for p in problems:
    print("desktop_smoke:", p)
if problems:
    sys.exit(1)
print(f"desktop_smoke: lab after 400 frames: 5 panels, model of {n['parameters']} parameters, SE pass over "
      f"{se['digits']} digits complete ({100 * se['accuracy']:.1f} % right) in {se['pass_ms']:.0f} ms")
PY

msg=$(run --state '{"workspace": "nowhere"}' --frames 5 2>&1)
rc=$?
[ $rc = 2 ] || fail "a refused --state should exit 2, got $rc"
grep -q 'refused: workspace must be' <<<"$msg" || fail "a refused --state should say why: $msg"
msg=$(run --frames 2 --dump-state /nonexistent-dir/state.json 2>&1)
rc=$?
[ $rc = 1 ] && grep -q 'could not write /nonexistent-dir/state.json' <<<"$msg" ||
  fail "an unwritable --dump-state should exit 1 and say so, got $rc: $msg"
echo "desktop_smoke: ok (default page, digit lab: panels, embedded model, SE pass; refused state)"
