#!/usr/bin/env bash
# bench_runs.sh — `convscope bench` runs a tiny case list and prints valid JSON lines in the peers
# harness format (no timing assertions: benchmarks are commands, not tests).
# CS_BENCH_CASES (set by the sanitizer build, where L9 and L5 alone take 25 s): the cases to run
# (L1 must be among them); the fast paths themselves are checked under ASan by the engine tests.
# usage: bash bench_runs.sh <path-to-convscope> <source-dir>
set -euo pipefail
cli=$1
cases="${CS_BENCH_CASES:-L1,L5,L9,M1-b1}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$cli" bench --json --time 0 --threads 1,2 --cases "$cases" > "$out"
/usr/bin/python3 - "$out" "$cases" <<'PY'
import json, sys
cases = sys.argv[2].split(",")
lines = [l for l in open(sys.argv[1]) if l.strip()]
rows = [json.loads(l) for l in lines]          # every line must be JSON
meta = [r for r in rows if "meta" in r]
assert len(meta) == 1 and meta[0]["meta"]["peer"].startswith("convscope-"), meta
data = [r for r in rows if "meta" not in r]
best = [r for r in data if r["peer"] in ("convscope-native", "convscope-wasm")]
assert sorted((r["case"], r["threads"]) for r in best) == sorted(
    (c, t) for c in cases for t in (1, 2)), best
for r in data:
    assert "error" not in r, r
    assert r["runs"] >= 20 and 0 < r["min_ms"] <= r["median_ms"], r
    assert r["isa"] in ("native", "wasm") and r["note"].startswith("algo="), r
# L1 is timed with every algorithm that applies, each as its own column.
algos = {r["peer"].split("-", 2)[2] for r in data if r["case"] == "L1" and r["peer"].count("-") == 2}
assert {"auto", "im2col", "winograd", "reference"} <= algos, algos
print(f"bench_runs: {len(data)} JSON rows ok")
PY

# Bad usage is refused with exit code 2 and a message naming the value.
set +e
"$cli" bench --cases L99 > /dev/null 2> "$out"; rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "expected exit 2 for an unknown case, got $rc"; exit 1; }
grep -q "L99" "$out" || { echo "error message does not name the case:"; cat "$out"; exit 1; }
echo "bench_runs: ok"
