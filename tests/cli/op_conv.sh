#!/usr/bin/env bash
# op_conv.sh — `convscope op` (conv ops) on every PyTorch golden case, outputs compared with numpy.
# usage: bash op_conv.sh <path-to-convscope> <source-dir>
set -euo pipefail
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" "$2/tests/cli/op_check.py" "$1" "$2" conv
