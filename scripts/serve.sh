#!/usr/bin/env bash
# Sets up the machine, builds the web app (hosted page + single offline file) and serves it on
# http://127.0.0.1:${PORT:-8080}/ until Ctrl+C.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh
export EM_CONFIG=$ROOT/.cache/emscripten/config NODE_PATH=/usr/share/nodejs
# Debian's emcc runs "python3" from PATH: a version manager's shim there (pyenv) costs every one of
# the build's hundreds of emcc calls its start-up; Debian's own python3 is what emscripten depends on.
[ -z "${EMSDK_PYTHON:-}" ] && [ -x /usr/bin/python3 ] && export EMSDK_PYTHON=/usr/bin/python3
cmake --preset web >/dev/null
cmake --build --preset web -j"$(nproc)" --target convscope_web convscope_single
PORT=${PORT:-8080}
echo
echo "ConvScope is served at:  http://127.0.0.1:$PORT/"
echo "(offline single file:   $ROOT/build/web/convscope.html — open it by double-click)"
cd build/web
exec python3 -m http.server "$PORT" --bind 127.0.0.1
