#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Line coverage of the tests (not part of CI: the build takes as long as the
# Release one): builds the `coverage` preset (gcov, -O1, no CUDA), runs every
# test, and prints line coverage per folder of the code (engine/core,
# engine/cpu, ..., app/common, app/cli, ui/...) plus a per-file table in
# BUILD_DIR/coverage.txt.
#   bash scripts/coverage.sh [BUILD_DIR] [extra cmake -D options]
# e.g. bash scripts/coverage.sh build/coverage -DTCONV_BUILD_GUI=OFF  (no studio)
# COVERAGE_TARGETS="test_a test_b" builds only those, COVERAGE_CTEST_ARGS="-L engine"
# runs only those tests (a quicker, partial report).
# Needs gcovr (Debian: apt-get install gcovr).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build/coverage}
shift || true
command -v gcovr >/dev/null || { echo "coverage: gcovr not found (apt-get install gcovr)"; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)

cmake --preset coverage -B "$build" "$@"
read -ra targets <<<"${COVERAGE_TARGETS:-all}"
cmake --build "$build" -j "$jobs" --target "${targets[@]}"
# Counters add up across runs: start from zero.
find "$build" -name '*.gcda' -delete
status=0
read -ra ctest_args <<<"${COVERAGE_CTEST_ARGS:-}"
ctest --test-dir "$build" -j "$jobs" --output-on-failure "${ctest_args[@]}" || status=$?

# One JSON summary, then lines covered / lines per folder (a file's folder is
# its path up to the last slash, so engine/cpu/internal counts as its own).
# CMake's compiler-identification program is built with the flags too: not ours.
find "$build/CMakeFiles" -name '*.gcno' -delete
gcovr --root . --object-directory "$build" --filter 'engine/' --filter 'app/' --filter 'ui/' \
  --exclude-unreachable-branches --json-summary "$build/coverage.json" --txt "$build/coverage.txt" >/dev/null
python3 - "$build/coverage.json" <<'EOF'
import json, sys
from collections import defaultdict
files = json.load(open(sys.argv[1]))["files"]
covered, total = defaultdict(int), defaultdict(int)
for f in files:
    folder = f["filename"].rsplit("/", 1)[0]
    covered[folder] += f["line_covered"]
    total[folder] += f["line_total"]
print(f"{'folder':<24} {'lines':>7} {'covered':>8} {'%':>6}")
for folder in sorted(total):
    print(f"{folder:<24} {total[folder]:>7} {covered[folder]:>8} {100.0 * covered[folder] / max(1, total[folder]):>6.1f}")
all_c, all_t = sum(covered.values()), sum(total.values())
print(f"{'all':<24} {all_t:>7} {all_c:>8} {100.0 * all_c / max(1, all_t):>6.1f}")
EOF
echo "coverage: per-file table in $build/coverage.txt"
if [ "$status" -ne 0 ]; then
  echo "coverage: some tests FAILED (above); their coverage is counted as far as they ran" >&2
  exit "$status"
fi
