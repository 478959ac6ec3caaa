#!/usr/bin/env bash
# Installs what is missing, builds everything (Release), runs every test, then
# rebuilds the engine, CLI and their tests with AddressSanitizer + UBSan and runs
# the engine tests again under them. This is exactly what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

cmake --preset default
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"

cmake --preset asan
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs"
