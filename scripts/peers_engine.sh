#!/usr/bin/env bash
# peers_engine.sh — ConvScope as engine columns of the peers harness (../shared/peers/run.sh):
#   ENGINE='bash /work/main/scripts/peers_engine.sh' ./run.sh
# runs the native bench (1 and 2 threads) and the wasm bench under node (1 thread), each printing
# JSON lines ("convscope-native[-<algo>]", "convscope-wasm[-<algo>]"). Builds come from the
# `native` and `web` presets; override with CONVSCOPE=<convscope binary>, CONVSCOPE_WASM=<bench .js>.
# The M1 rows load torch's weights from the harness's models/M1_ref.json (run from the peers
# folder, as run.sh does) and report max|y-torch| in their note.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
native=${CONVSCOPE:-$root/build/native/convscope}
wasm=${CONVSCOPE_WASM:-$root/build/web/convscope_bench.js}
ref=()
[ -f models/M1_ref.json ] && ref=(--m1-ref "$PWD/models/M1_ref.json")
status=0
if [ -x "$native" ]; then
  "$native" bench --json --threads "${THREADS:-1,2}" "${ref[@]}" ${BENCH_ARGS:-} || status=1
else
  echo "peers_engine.sh: no native build at $native (cmake --preset native && cmake --build --preset native)" >&2
  status=1
fi
if [ -f "$wasm" ]; then
  node --no-experimental-fetch "$wasm" --json "${ref[@]}" ${BENCH_ARGS:-} || status=1
else
  echo "peers_engine.sh: no wasm bench at $wasm (cmake --preset web && cmake --build --preset web)" >&2
  status=1
fi
exit $status
