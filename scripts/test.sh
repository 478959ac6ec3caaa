#!/usr/bin/env bash
# Installs what is missing, builds everything (Release) and runs every test,
# then rebuilds the engine, the CLI, batch and all their tests (everything but
# the studio and CUDA) with AddressSanitizer + UBSan and runs every one of
# those tests again under them, leak detection on. This is exactly what CI
# runs (.ci/run). Ends with one summary line per build.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

# run_suite PRESET: configure, build and test one preset, keeping ctest's
# closing line for the summary.
run_suite() {
  cmake --preset "$1"
  cmake --build --preset "$1" -j "$jobs"
  local status=0
  ctest --preset "$1" -j "$jobs" 2>&1 | tee "$logdir/$1.log" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "test.sh: $1 build: tests FAILED (see above)" >&2
    exit "$status"
  fi
}

run_suite default
run_suite asan

echo "test.sh summary:"
for preset in default asan; do
  echo "  $preset: $(grep -E 'tests passed|tests failed' "$logdir/$preset.log" | tail -1)"
done
