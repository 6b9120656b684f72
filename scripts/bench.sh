#!/usr/bin/env bash
# Fleet-scale benchmark: builds what it needs, generates N realistic agents (two sizes) and the
# same N live in the simulator, and prints per scenario wall time, CPU time, peak RSS, requests
# and the ratio to the ideal, with a bare yaml-cpp parse of the same files as the baseline.
#
#   scripts/bench.sh            N = 10,000; also writes docs/performance.svg (plan time and RSS against N)
#   scripts/bench.sh --quick    N = 1,000, no plot (a smoke run)
#
# BUILD_DIR (default build) is the CMake build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
quick=()
plot=(--plot docs/performance.svg)
if [[ "${1:-}" == "--quick" ]]; then
  quick=(--quick)
  plot=()
  shift
fi
if [[ ! -f "$BUILD_DIR/build.ninja" && ! -f "$BUILD_DIR/Makefile" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
mkdir -p docs
cmake --build "$BUILD_DIR" --target reconcile mihu-sim yaml_parse -j "$(nproc)"
exec python3 bench/run_bench.py --build "$BUILD_DIR" "${quick[@]}" "${plot[@]}" "$@"
