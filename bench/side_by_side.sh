#!/usr/bin/env bash
# ConvScope beside PyTorch, ONNX Runtime (node and web/wasm) and TensorFlow.js (wasm) on the same
# cases (bench/cases.json: L1-L9, M1-b1, M1-b64, T1), one process at a time on a quiet machine;
# prints one table (also written to build/bench/side_by_side.md, every figure in .json).
#   bench/side_by_side.sh                                 the full run (sets up, installs, builds first)
#   FAMILIES="avx2 avx512" bench/side_by_side.sh          one native ConvScope column per CPU family (CS_CPU)
#   CASES=L1,M1-b1 THREADS=1 TIME=0.2 bench/side_by_side.sh    a short check
# Settings (environment): CASES (default all), THREADS (1,2), FAMILIES (auto), ENGINES (torch,
# ort-node, ort-web, tfjs, convscope-native, convscope-wasm), REPEAT (1 round; each figure keeps its
# best), TIME (1 s of timed calls per figure), QUIET_LOAD (1-minute load average to wait for; half
# the CPU count), QUIET_BUSY (% CPU busy counted as not idle; 10), QUIET_WAIT (longest wait per
# figure, s; 300), QUIET_BUDGET (longest wait in all, s; 1800), RETRIES (2), BUILD=0 (use the
# builds as they are), OUT (build/bench/side_by_side).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

# The command as given, with the settings that were set, for the table's header.
given=()
for v in CASES THREADS FAMILIES ENGINES REPEAT TIME QUIET_LOAD QUIET_BUSY QUIET_WAIT QUIET_BUDGET RETRIES BUILD OUT; do
  [ -n "${!v+x}" ] || continue
  if [[ "${!v}" =~ ^[A-Za-z0-9_.,/+-]*$ ]]; then given+=("$v=${!v}"); else given+=("$v='${!v}'"); fi
done
command_line="${given[*]:+${given[*]} }bench/side_by_side.sh"
ENGINES=${ENGINES:-torch,ort-node,ort-web,tfjs,convscope-native,convscope-wasm}

if [ "${BUILD:-1}" != 0 ]; then
  wants() { [[ ",${ENGINES// /,}," == *",$1,"* ]]; }
  bash scripts/setup.sh
  if wants convscope-native; then
    [ -f build/native/CMakeCache.txt ] || cmake --preset native >/dev/null
    cmake --build --preset native -j"$(nproc)" --target convscope
  fi
  if wants convscope-wasm; then
    export EM_CONFIG=$ROOT/.cache/emscripten/config NODE_PATH=/usr/share/nodejs
    [ -f build/web/CMakeCache.txt ] || cmake --preset web >/dev/null
    cmake --build --preset web -j"$(nproc)" --target convscope_bench
  fi
fi
bash bench/install_peers.sh

# glibc's malloc keeps freed memory, for every engine alike: otherwise each call of a native peer
# maps fresh multi-MB output buffers and page faults dominate (torch L5 2.2 -> 0.16 ms in a 2-core
# VM); ConvScope and wasm linear memory reuse their buffers and never pay that.
export MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=268435456

args=(--engines "$ENGINES" --command "$command_line")
[ -n "${CASES:-}" ] && args+=(--cases "$CASES")
[ -n "${THREADS:-}" ] && args+=(--threads "$THREADS")
[ -n "${FAMILIES:-}" ] && args+=(--families "$FAMILIES")
[ -n "${REPEAT:-}" ] && args+=(--repeat "$REPEAT")
[ -n "${TIME:-}" ] && args+=(--time "$TIME")
[ -n "${QUIET_LOAD:-}" ] && args+=(--quiet-load "$QUIET_LOAD")
[ -n "${QUIET_BUSY:-}" ] && args+=(--quiet-busy "$QUIET_BUSY")
[ -n "${QUIET_WAIT:-}" ] && args+=(--quiet-wait "$QUIET_WAIT")
[ -n "${QUIET_BUDGET:-}" ] && args+=(--quiet-budget "$QUIET_BUDGET")
[ -n "${RETRIES:-}" ] && args+=(--retries "$RETRIES")
[ -n "${OUT:-}" ] && args+=(--out "$OUT")
[ -n "${PEERS_DIR:-}" ] && args+=(--peers-dir "$PEERS_DIR")
exec /usr/bin/python3 bench/side_by_side.py "${args[@]}"
