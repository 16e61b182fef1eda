#!/usr/bin/env bash
# convert_dtype.sh — `convscope convert`: f16 <-> f32 keeps names, shapes and metadata; f16 -> f32 ->
# f16 is byte-identical (F16 widens exactly); bad usage exits 2 with a message.
# usage: bash convert_dtype.sh <convscope> <source-dir>
set -euo pipefail
cli="$1"; src="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
weights="$src/assets/digitnet.safetensors"
"$cli" convert "$weights" "$tmp/w32.safetensors" --dtype f32
"$cli" convert "$tmp/w32.safetensors" "$tmp/w16.safetensors" --dtype f16
"$cli" convert "$tmp/w16.safetensors" "$tmp/w32b.safetensors" --dtype f32
"$cli" convert "$tmp/w32b.safetensors" "$tmp/w16b.safetensors"   # f16 is the default
cmp "$tmp/w16.safetensors" "$tmp/w16b.safetensors"
cmp "$tmp/w32.safetensors" "$tmp/w32b.safetensors"
python3 - "$tmp/w32.safetensors" "$tmp/w16.safetensors" <<'PY'
import json, struct, sys
def header(p):
    d = open(p, "rb").read()
    n = struct.unpack("<Q", d[:8])[0]
    return json.loads(d[8:8 + n]), len(d) - 8 - n
h32, n32 = header(sys.argv[1])
h16, n16 = header(sys.argv[2])
m32, m16 = h32.pop("__metadata__"), h16.pop("__metadata__")
assert m32["architecture"] == "DigitNet-v1" and m16["stored_dtype"] == "F16" and m32["stored_dtype"] == "F32"
assert sorted(h32) == sorted(h16) and len(h32) > 50
assert all(h32[k]["dtype"] == "F32" and h16[k]["dtype"] == "F16" and h32[k]["shape"] == h16[k]["shape"] for k in h32)
assert n32 == 2 * n16, (n32, n16)
print(f"convert: {len(h32)} tensors, data {n32} bytes as F32, {n16} as F16")
PY
set +e
"$cli" convert "$weights" "$tmp/x.safetensors" --dtype bf16 2> "$tmp/err"; code=$?
set -e
[[ $code == 2 ]] && grep -q "dtype 'bf16': expected f32 or f16" "$tmp/err" || { echo "FAIL: --dtype bf16 gave $code: $(cat "$tmp/err")"; exit 1; }
set +e
"$cli" convert "$weights" 2> "$tmp/err"; code=$?
set -e
[[ $code == 2 ]] && grep -q "expected IN and OUT" "$tmp/err" || { echo "FAIL: one file name gave $code: $(cat "$tmp/err")"; exit 1; }
echo "PASS"
