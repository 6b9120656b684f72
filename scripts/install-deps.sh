#!/usr/bin/env bash
# Installs the Debian packages reconcile needs to build and test. Safe to re-run.
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config libfyaml-dev libyaml-cpp-dev libboost1.81-dev libboost-json1.81-dev
          libssl-dev libspdlog-dev libfmt-dev doctest-dev libcli11-dev openssl ca-certificates
          python3 python3-jsonschema python3-ruamel.yaml tzdata clang-16 libclang-rt-16-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
