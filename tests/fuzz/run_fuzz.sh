#!/usr/bin/env bash
# run_fuzz.sh — builds the libFuzzer targets with clang 14 (ASan + UBSan), replays every kept
# regression input, then fuzzes each target for N seconds from its seed corpus. A crash found now
# is copied to tests/fuzz/regressions/<target>/ (commit it with the fix) and the script exits 1.
# usage: tests/fuzz/run_fuzz.sh [seconds-per-target (default 20)] [build-dir (default build/fuzz)]
#        FUZZ_TARGETS="idx image" tests/fuzz/run_fuzz.sh 5     # a subset
#        FUZZ_JOBS=1 tests/fuzz/run_fuzz.sh                    # one target at a time (default: nproc)
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-20}"
build="${2:-$src/build/fuzz}"
targets="${FUZZ_TARGETS:-idx safetensors image npy course digit_bundle}"

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCS_FUZZ=ON -DCS_BUILD_APP=OFF -DCS_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target $(for t in $targets; do printf 'fuzz_%s ' "$t"; done)

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# One target: replay, then fuzz. Its report goes to $build/fuzz_<t>.report (printed by the caller so
# targets running side by side do not interleave); exit 1 on a failure.
fuzz_one() {
  local t=$1
  local exe="$build/fuzz_$t"
  local corpus="$src/tests/fuzz/corpus/$t"
  local regress="$src/tests/fuzz/regressions/$t"
  mkdir -p "$regress"

  # 1. Every kept regression input (and the seeds) must run clean: libFuzzer runs file arguments once.
  local inputs=("$corpus"/*)
  if compgen -G "$regress/*" >/dev/null; then inputs+=("$regress"/*); fi
  echo "== $t: replaying ${#inputs[@]} seed and regression inputs"
  if ! "$exe" -runs=1 "${inputs[@]}" >"$build/fuzz_$t.replay.log" 2>&1; then
    echo "!! $t: a seed or regression input fails; see $build/fuzz_$t.replay.log"
    tail -30 "$build/fuzz_$t.replay.log"
    return 1
  fi

  # 2. Fuzz for a while. New interesting inputs go to a scratch folder so the committed corpus
  #    stays small; crashes go straight into regressions/ (artifact_prefix).
  local work
  work="$(mktemp -d)"
  echo "== $t: fuzzing for ${seconds}s"
  if "$exe" "$work" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=65536 -print_final_stats=1 -artifact_prefix="$regress/" >"$build/fuzz_$t.log" 2>&1; then
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$build/fuzz_$t.log" | tr '\n' ' '
    echo
  else
    echo "!! $t: crash found; input kept in $regress/"
    grep -E "ERROR|SUMMARY|Test unit written" "$build/fuzz_$t.log" | head -10
    rm -rf "$work"
    return 1
  fi
  rm -rf "$work"
}

# FUZZ_JOBS targets at a time (default: one per core). Each fuzzer is a single process using one core,
# so two side by side on two cores each get the whole -max_total_time of a core.
jobs="${FUZZ_JOBS:-$(nproc)}"
failed=()
finish() {  # finish TARGET PID: waits for it, prints its report, records a failure
  local t=$1 pid=$2
  if wait "$pid"; then :; else failed+=("$t"); fi
  cat "$build/fuzz_$t.report"
}
pids=()
names=()
for t in $targets; do
  if ((${#pids[@]} >= jobs)); then
    finish "${names[0]}" "${pids[0]}"
    pids=("${pids[@]:1}"); names=("${names[@]:1}")
  fi
  fuzz_one "$t" >"$build/fuzz_$t.report" 2>&1 &
  pids+=($!); names+=("$t")
done
for i in "${!pids[@]}"; do finish "${names[$i]}" "${pids[$i]}"; done

if ((${#failed[@]})); then
  echo "fuzzing FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzzing passed: $targets (${seconds}s each, $jobs at a time)"
