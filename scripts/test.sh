#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing (no apt-get when everything is present), checks
# formatting, licence headers and clang-tidy, builds everything (Release) and
# runs every test, then rebuilds the engine, the CLI, batch and all their tests
# (everything but the studio and CUDA) with AddressSanitizer + UBSan and runs
# every one of those tests again, leak detection on, and finally builds the
# threaded code without oneTBB under ThreadSanitizer and runs its tests. This
# is exactly what CI runs (.ci/run). Every preset turns warnings into errors.
#
# Every stage runs even when an earlier one failed (a build error stops it),
# and the script ends with one summary line per stage -- passed, failed and
# skipped counts, the skipped tests with their QSKIP reasons, and the time --
# then exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
start_all=$SECONDS
failed_stages=()
summary=()

# binary_dir PRESET: where CMakePresets.json puts that preset's build.
binary_dir() {
  case "$1" in
    default) echo build/release ;;
    *) echo "build/$1" ;;
  esac
}

# skip_reasons BUILD_DIR TEST: the QSKIP message (or a SKIPPED: line) from the
# test's section of CTest's log.
skip_reasons() {
  awk -v test="$2" '
    /^[0-9]+\/[0-9]+ Test: / { inside = ($3 == test) }
    inside && /^SKIP   : / { sub(/^SKIP   : [^ ]+ /, ""); print; exit }
    inside && /SKIPPED/ { print; exit }
  ' "$1/Testing/Temporary/LastTest.log"
}

# inner_skips BUILD_DIR: test functions skipped inside tests that ran
# ("test: Class::function() reason"), for the summary.
inner_skips() {
  awk '
    /^[0-9]+\/[0-9]+ Test: / { test = $3 }
    /^SKIP   : / { line = $0; sub(/^SKIP   : /, "", line); print "      " test ": " line }
  ' "$1/Testing/Temporary/LastTest.log"
}

# test_summary PRESET LOG SECONDS: "N passed, N failed, N skipped" plus the
# skipped tests and why.
test_summary() {
  local preset=$1 log=$2 secs=$3 dir total failed skipped
  dir=$(binary_dir "$preset")
  total=$(grep -oE 'out of [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  failed=$(grep -oE '[0-9]+ tests? failed' "$log" | tail -1 | grep -oE '^[0-9]+' || echo 0)
  skipped=$(grep -cE '\*\*\*Skipped' "$log" || true)
  # CTest counts a skipped test among the passed ones.
  summary+=("$preset: $((total - failed - skipped)) passed, $failed failed, $skipped skipped of $total tests (${secs}s build+test)")
  local name
  for name in $(grep -E '\*\*\*Skipped' "$log" | sed -E 's/.*Test +#[0-9]+: ([^ ]+) .*/\1/'); do
    summary+=("    skipped $name: $(skip_reasons "$dir" "$name")")
  done
  local inner
  inner=$(inner_skips "$dir" | grep -vF -f <(grep -E '\*\*\*Skipped' "$log" | sed -E 's/.*Test +#[0-9]+: ([^ ]+) .*/      \1: /') || true)
  if [ -n "$inner" ]; then
    summary+=("    test functions skipped inside tests that ran: $(echo "$inner" | wc -l)")
    while IFS= read -r line; do summary+=("$line"); done <<<"$inner"
  fi
}

# run_suite PRESET: configure, build and test one preset (the build preset
# names the targets where a preset needs only some), keeping CTest's output.
run_suite() {
  local preset=$1 t0=$SECONDS status=0
  # A stage that does not configure or build is a failed stage; the next ones still run.
  if ! cmake --preset "$preset" || ! cmake --build --preset "$preset" -j "$jobs"; then
    echo "test.sh: $preset build FAILED (see above)" >&2
    summary+=("$preset: BUILD FAILED ($((SECONDS - t0))s)")
    failed_stages+=("$preset")
    return 0
  fi
  ctest --preset "$preset" -j "$jobs" 2>&1 | tee "$logdir/$preset.log" || status=$?
  test_summary "$preset" "$logdir/$preset.log" $((SECONDS - t0))
  if [ "$status" -ne 0 ]; then
    echo "test.sh: $preset build: tests FAILED (see above)" >&2
    failed_stages+=("$preset")
  fi
}

# run_check NAME COMMAND...: a check script; its last line goes into the summary.
run_check() {
  local name=$1 t0=$SECONDS status=0
  shift
  "$@" 2>&1 | tee "$logdir/$name.log" || status=$?
  local verdict="ok"
  [ "$status" -eq 0 ] || { verdict="FAILED"; failed_stages+=("$name"); }
  summary+=("$name: $verdict, $(tail -1 "$logdir/$name.log" | sed -E "s/ \(([0-9]+s)\)\$//") ($((SECONDS - t0))s)")
}

run_check format bash scripts/check_format.sh
run_suite default
run_check tidy bash scripts/check_tidy.sh "$(binary_dir default)"
run_suite asan
run_suite tsan

echo
echo "test.sh summary ($((SECONDS - start_all))s in all):"
for line in "${summary[@]}"; do echo "  $line"; done
if [ ${#failed_stages[@]} -ne 0 ]; then
  echo "test.sh: FAILED: ${failed_stages[*]}" >&2
  exit 1
fi
