#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (unit and integration) under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir build --output-on-failure "$@"
