#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time.
#   scripts/fuzz.sh [seconds-per-target=30]     random exploration, for people
#   scripts/fuzz.sh --runs N                    N inputs per target from a fixed seed: the same
#                                               inputs every time (what the test run uses)
# A longer run: scripts/fuzz.sh 3600. Crashes are written to build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--runs" ]; then
  budget=(-runs="${2:?--runs needs a number}" -seed=1); what="${2} inputs"
else
  budget=(-max_total_time="${1:-30}"); what="${1:-30}s"
fi
CXX="${CXX:-clang++-16}"
if ! command -v "$CXX" >/dev/null; then
  echo "fuzz.sh needs $CXX (apt-get install clang-16 libclang-rt-16-dev)" >&2
  exit 1
fi
CXX="$CXX" cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECONCILE_FUZZ=ON >/dev/null
cmake --build build-fuzz --target fuzz_loader fuzz_api_response
mkdir -p build-fuzz/artifacts
for target in loader api_response; do
  corpus="build-fuzz/corpus/$target"
  # A repeatable run starts from the committed seeds only.
  if [ "${1:-}" = "--runs" ]; then corpus="$(mktemp -d)"; fi
  mkdir -p "$corpus"
  echo "fuzzing $target: $what"
  log="build-fuzz/fuzz_$target.log"
  args=("${budget[@]}")
  # RECONCILE_FUZZ_LOADER_RUNS=N overrides the loader's input count (0 replays its seeds only).
  if [ "$target" = loader ] && [ -n "${RECONCILE_FUZZ_LOADER_RUNS:-}" ]; then
    args=(-runs="$RECONCILE_FUZZ_LOADER_RUNS" -seed=1)
  fi
  # -timeout: one input that takes longer is a hang, reported as a failure with its input.
  if ! build-fuzz/tests/fuzz/fuzz_$target "${args[@]}" -rss_limit_mb=2048 -timeout="${RECONCILE_FUZZ_TIMEOUT:-5}" \
      -artifact_prefix=build-fuzz/artifacts/$target- "$corpus" tests/fuzz/corpus/$target >"$log" 2>&1; then
    cat "$log" >&2
    echo "fuzz_$target found a problem; the input is in build-fuzz/artifacts/" >&2
    exit 1
  fi
  tail -n 1 "$log"
done
