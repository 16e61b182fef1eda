#!/usr/bin/env bash
# Sets up a fresh machine and runs every ConvScope test: native unit + CLI tests, the same under
# AddressSanitizer + UBSan, the engine tests compiled to wasm under node, the browser tests in
# headless Chromium, the desktop smoke test under Xvfb and short fuzz runs of every parser (the
# sanitizer tests and the fuzz runs in a background lane beside the browser tests).
# Ends with "steps: N passed, N failed, N skipped" (N skipped: the checks that could not run, each
# listed above that line); exits non-zero if anything failed.
#   scripts/test.sh                 everything
#   CS_STEPS="native web" scripts/test.sh    a subset (native sanitize web browser desktop fuzz)
# Skips: a check whose prerequisite is missing (the CLI for a browser test, torch, MNIST) skips through
# one helper per language (tests/skip.h, tests/cli/skip.py, tests/web/harness.mjs skip()), which logs
# it to $CS_SKIP_LOG. In the full run every prerequisite is made here, so a skip FAILS its step; when
# CS_STEPS switches steps off, what they would have built may be missing, so CS_ALLOW_SKIP=1 lets the
# checks that need it skip and pass, counted and named in the closing lines.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh || { echo "setup failed (its last lines above say what and where its log is)"; echo "steps: 0 passed, 1 failed"; exit 1; }
export EM_CONFIG=$ROOT/.cache/emscripten/config NODE_PATH=/usr/share/nodejs
# Debian's emcc runs "python3" from PATH: a version manager's shim there (pyenv) costs every one of
# the build's hundreds of emcc calls its start-up; Debian's own python3 is what emscripten depends on.
[ -z "${EMSDK_PYTHON:-}" ] && [ -x /usr/bin/python3 ] && export EMSDK_PYTHON=/usr/bin/python3
JOBS=${JOBS:-$(nproc)}
ALL_STEPS="native sanitize web browser desktop fuzz"
STEPS=${CS_STEPS:-$ALL_STEPS}
passed=0; failed=0; failures=""
want() { [[ " $STEPS " == *" $1 "* ]]; }
switched_off=""
for s in $ALL_STEPS; do want "$s" || switched_off="$switched_off $s"; done
for s in $STEPS; do
  [[ " $ALL_STEPS " == *" $s "* ]] || { echo "CS_STEPS names '$s', which is not a step (steps: $ALL_STEPS)"; echo "steps: 0 passed, 1 failed"; exit 1; }
done
mkdir -p test-artifacts
export CS_SKIP_LOG=$ROOT/test-artifacts/skipped.log
rm -f "$CS_SKIP_LOG"
if [ -n "$switched_off" ]; then
  export CS_ALLOW_SKIP=1
  echo "switched off by CS_STEPS:$switched_off (checks that need them may skip; each is counted)"
else
  unset CS_ALLOW_SKIP  # the full run: every skip is a failure
fi
step() {  # step NAME CMD...: runs CMD, shows its output, records the result
  local name=$1; shift
  local t0=$SECONDS
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1)); failures="$failures $name"; echo "=== $name: FAILED ($((SECONDS - t0)) s)"
  fi
}
build() {  # build PRESET [TARGET...]: configure and build (every target unless some are named)
  local preset=$1; shift
  cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" -j"$JOBS" ${1:+--target "$@"}
}
# The engine tests run once per CPU family (ctest engine_<family>); a family the CPU lacks is not
# run (ctest shows it skipped): this line names both, from the engine's own detection.
cpu_families_report() {
  local has lacks=""
  has=$(build/native/convscope --version | sed -n 's/^cpu family: .*(this CPU has: \(.*\))$/\1/p')
  for f in scalar avx2 avx512; do [[ " $has " == *" $f "* ]] || lacks="$lacks $f"; done
  echo "CPU families tested: $has; not run (this CPU lacks them):${lacks:- none}"
  build/native/convscope --version | sed -n 's/^cpu features: /CPU features: /p'
}
if want native; then
  step "native build" build native
  step "native tests (ctest)" ctest --preset native -j"$JOBS" --timeout 900
  [ -x build/native/convscope ] && cpu_families_report
fi
if want sanitize; then
  # Only what its ctest runs (CLI, engine and app-logic tests): the sanitized ImGui app is never run.
  step "sanitize build (ASan+UBSan)" build native-sanitize convscope convscope_tests convscope_app_tests
fi
if want web; then
  step "web build (wasm)" build web
  step "wasm engine tests under node (ctest)" ctest --preset web -j"$JOBS" --timeout 1200
fi

# The background lane: CPU-bound steps that need no screen (the sanitizer tests, then the fuzz runs,
# fixed wall time per target) run beside the browser tests, which mostly wait on frames and page round
# trips. The lane runs in a scheduling group of its own at nice 19 (Playwright starts Chromium in a
# session, hence an autogroup, of its own: a plain nice would only rank the lane below this script),
# so the browser gets the CPU whenever it wants it; what the lane has not finished by then runs after.
background_steps() {
  echo 19 >/proc/self/autogroup 2>/dev/null || true
  local rc=0
  if want sanitize; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
      nice -n 19 ctest --preset native-sanitize -j"$JOBS" --timeout 1200 >test-artifacts/sanitize.log 2>&1
    echo $? >test-artifacts/sanitize.rc
  fi
  if want fuzz; then
    nice -n 19 bash tests/fuzz/run_fuzz.sh "${FUZZ_SECONDS:-10}" >test-artifacts/fuzz.log 2>&1
    echo $? >test-artifacts/fuzz.rc
  fi
  touch test-artifacts/lane.done  # the browser tests' solo (timing) tests wait for this
}
lane_t0=$SECONDS
rm -f test-artifacts/sanitize.rc test-artifacts/fuzz.rc test-artifacts/lane.done
export -f background_steps want
STEPS="$STEPS" JOBS="$JOBS" setsid bash -c background_steps &
lane_pid=$!
trap 'kill -- -"$lane_pid" 2>/dev/null' EXIT  # an interrupted run leaves no lane behind
if want browser; then
  rm -f test-artifacts/browser-summary.txt
  step "browser tests (headless Chromium)" env CS_QUIET_FILE="$ROOT/test-artifacts/lane.done" \
    CS_BROWSER_SUMMARY="$ROOT/test-artifacts/browser-summary.txt" \
    timeout 3000 node tests/web/run_browser_tests.mjs
fi
lane_result() {  # lane_result NAME: waits for the lane, prints that step's log, returns its exit code
  wait "$lane_pid" 2>/dev/null
  cat "test-artifacts/$1.log"
  echo "(in the background lane, which started $((SECONDS - lane_t0)) s ago)"
  return "$(cat "test-artifacts/$1.rc" 2>/dev/null || echo 1)"
}
want sanitize && step "sanitize tests (ctest)" lane_result sanitize
want fuzz && step "fuzz parsers (short runs + regressions)" lane_result fuzz
if want browser; then  # timings: measured once the background lane is done
  step "classroom budgets (figures printed)" timeout 600 node tests/web/budgets.mjs
fi
if want desktop; then
  step "desktop smoke test (Xvfb)" bash tests/desktop/desktop_smoke.sh build/native/convscope-desktop test-artifacts
  # Every step of the bundled guided lessons applied in the desktop app (assets/lessons, README there).
  step "bundled lessons (Xvfb)" node tests/lessons/check_lessons.mjs --bin build/native/convscope-desktop
fi

skipped=0
if [ -s "$CS_SKIP_LOG" ]; then
  skipped=$(wc -l <"$CS_SKIP_LOG")
  if [ -n "$switched_off" ]; then echo "skipped checks (allowed: CS_STEPS switched off$switched_off):"
  else echo "skipped checks (each failed its step: a full run must run every check):"; fi
  sed 's/^/  /' "$CS_SKIP_LOG"
fi
[ -s test-artifacts/browser-summary.txt ] && cat test-artifacts/browser-summary.txt
[ -n "$failures" ] && echo "failed:$failures"
echo "steps: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
