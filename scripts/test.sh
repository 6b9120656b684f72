#!/usr/bin/env bash
# Installs dependencies, builds, fuzzes briefly, and runs every test (unit and integration) under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
# A short, bounded and repeatable libFuzzer round over the YAML loader and the API response
# parser (fixed seed and input count); scripts/fuzz.sh SECONDS explores further.
scripts/fuzz.sh --runs "${RECONCILE_FUZZ_RUNS:-20000}"
ctest --test-dir build --output-on-failure "$@"
