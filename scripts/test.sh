#!/usr/bin/env bash
# Installs dependencies, builds, fuzzes briefly, and runs every test (unit and integration) under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
# A short bounded libFuzzer round over the YAML loader and the API response parser.
scripts/fuzz.sh "${RECONCILE_FUZZ_SECONDS:-20}"
ctest --test-dir build --output-on-failure "$@"
