#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time.
#   scripts/fuzz.sh [seconds-per-target=30]
# A longer run: scripts/fuzz.sh 3600. Crashes are written to build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
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
  mkdir -p "$corpus"
  echo "fuzzing $target for ${seconds}s"
  build-fuzz/tests/fuzz/fuzz_$target -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix=build-fuzz/artifacts/$target- "$corpus" tests/fuzz/corpus/$target 2>&1 | tail -n 3
done
