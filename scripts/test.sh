#!/usr/bin/env bash
# Installs dependencies, builds, fuzzes briefly, and runs every test (unit and integration) under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
# A short, bounded and repeatable libFuzzer round over the YAML loader and the API response
# parser: both replay their committed seeds, then mutate them for a fixed number of inputs from
# a fixed seed (the same inputs every run), each input under a time limit, so a hang fails the
# run instead of stalling it. The loader reads YAML with libfyaml, which bounds its own work;
# the loader bounds size, depth, alias expansion and documents. scripts/fuzz.sh SECONDS
# explores further from random seeds.
scripts/fuzz.sh --runs "${RECONCILE_FUZZ_RUNS:-20000}"
ctest --test-dir build --output-on-failure "$@"
