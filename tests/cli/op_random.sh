#!/usr/bin/env bash
# op_random.sh — 120 random conv/pool/im2col configurations (seed 1), `convscope op` against PyTorch,
# including ones PyTorch refuses (the CLI must refuse them too, with exit 2 and a message).
# usage: bash op_random.sh <path-to-convscope> <source-dir>   (OP_RANDOM_SEED / OP_RANDOM_CASES to vary)
set -euo pipefail
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$2/tests/cli/op_random.py" "$1" "${OP_RANDOM_CASES:-120}" "${OP_RANDOM_SEED:-1}"
