#!/usr/bin/env bash
# op_im2col.sh — `convscope op` (im2col ops) on every PyTorch golden case, outputs compared with numpy.
# usage: bash op_im2col.sh <path-to-convscope> <source-dir>
set -euo pipefail
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$2/tests/cli/op_check.py" "$1" "$2" im2col
