#!/usr/bin/env bash
# Installs the peers that bench/side_by_side.sh compares ConvScope with, idempotently, from Debian
# and npm only, and exports the models they run. Everything lands in PEERS_DIR (default
# .cache/peers, git-ignored); the project's own package.json and node_modules stay as they are.
#   Debian: python3-torch (PyTorch, run with /usr/bin/python3), libopenblas0-openmp (see below)
#   npm (bench/peers/package.json, versions pinned by its lock file): onnxruntime-node,
#     onnxruntime-web, @tensorflow/tfjs-core + @tensorflow/tfjs-backend-wasm
#   models: PEERS_DIR/models/*.onnx and M1_ref.json, exported by torch (bench/torch_peer.py --export)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEERS_DIR=${PEERS_DIR:-$ROOT/.cache/peers}
log() { printf '[install_peers] %s\n' "$*" >&2; }
fail() { printf '[install_peers] %s\n' "$*" >&2; exit 1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

# Debian's torch links the reference BLAS; its convolutions that do not go through oneDNN (batch-1
# small maps, single-thread 1x1) would be timed 4-15x slower than a torch user with OpenBLAS sees.
PKGS=(python3-torch libopenblas0-openmp)
# shellcheck source=../scripts/debian_packages.sh
source "$ROOT/scripts/debian_packages.sh"
mapfile -t missing < <(debian_missing "${PKGS[@]}")
# Installing OpenBLAS makes it the system's libblas/liblapack (Debian alternatives, auto mode), which
# would change every other program's BLAS; the bench hands it to torch by LD_LIBRARY_PATH instead,
# so the system's previous choice is put back.
ALTERNATIVES=(libblas.so.3-x86_64-linux-gnu liblapack.so.3-x86_64-linux-gnu)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]} (log: $PEERS_DIR/apt.log)"
  mkdir -p "$PEERS_DIR"
  declare -A before
  for alt in "${ALTERNATIVES[@]}"; do before[$alt]=$(readlink -f "/etc/alternatives/$alt" 2>/dev/null || true); done
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"$PEERS_DIR/apt.log" 2>&1 || fail "apt-get install ${missing[*]} failed; see $PEERS_DIR/apt.log"
  for alt in "${ALTERNATIVES[@]}"; do
    if [ -n "${before[$alt]}" ] && [ "$(readlink -f "/etc/alternatives/$alt")" != "${before[$alt]}" ]; then
      log "keeping ${before[$alt]} as the system's $alt"
      $SUDO update-alternatives --set "$alt" "${before[$alt]}" >>"$PEERS_DIR/apt.log" 2>&1 \
        || fail "could not restore $alt to ${before[$alt]}; see $PEERS_DIR/apt.log"
    fi
  done
fi

# npm ci again whenever the committed lock file differs from the one installed last time.
mkdir -p "$PEERS_DIR"
if ! cmp -s "$ROOT/bench/peers/package-lock.json" "$PEERS_DIR/installed-lock.json" || [ ! -d "$PEERS_DIR/node_modules" ]; then
  log "npm ci in $PEERS_DIR (about 500 MB; log: $PEERS_DIR/npm.log)"
  cp "$ROOT/bench/peers/package.json" "$ROOT/bench/peers/package-lock.json" "$PEERS_DIR/"
  # onnxruntime-node's postinstall would fetch its CUDA provider from NuGet; the CPU provider it
  # ships in the package is all the bench uses.
  (cd "$PEERS_DIR" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error) \
    >"$PEERS_DIR/npm.log" 2>&1 || fail "npm ci failed in $PEERS_DIR; see $PEERS_DIR/npm.log"
  cp "$ROOT/bench/peers/package-lock.json" "$PEERS_DIR/installed-lock.json"
fi

# Export again whenever the exporter or the cases changed (their checksum is kept beside the models).
models=$PEERS_DIR/models
source_sum=$(cat "$ROOT/bench/torch_peer.py" "$ROOT/bench/cases.json" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$models/source.sha256" 2>/dev/null)" != "$source_sum" ]; then
  log "exporting the ONNX models and M1_ref.json with torch (log: $PEERS_DIR/export.log)"
  rm -rf "$models"
  /usr/bin/python3 "$ROOT/bench/torch_peer.py" --export "$models" >"$PEERS_DIR/export.log" 2>&1 \
    || fail "torch could not export the models; see $PEERS_DIR/export.log"
  echo "$source_sum" >"$models/source.sha256"
fi
log "peers ready in $PEERS_DIR"
