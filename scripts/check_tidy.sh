#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs clang-tidy (.clang-tidy: bugprone, performance, clang-analyzer and the
# narrowing check) over the engine and the app's shared code, and fails on a
# finding that scripts/tidy_baseline.txt does not list. The baseline holds the
# findings accepted when the check was introduced; fix one and delete its line,
# never add a line to hide a new finding (review would ask why).
#   bash scripts/check_tidy.sh [BUILD_DIR]                    check (CI)
#   bash scripts/check_tidy.sh [BUILD_DIR] --update-baseline  rewrite the baseline
#   TIDY_FILES="a.cpp b.cpp" bash scripts/check_tidy.sh ...   only those files
# BUILD_DIR (default build/release) must be configured: its
# compile_commands.json gives each file's flags. A finding is keyed by file,
# check and message, without line numbers, so edits elsewhere in a file do not
# turn an accepted finding into a new one.
#
# Scope, chosen for CI time (2 cores, 30 minutes for everything; measured
# 2026-11-30 in CPU seconds per file: engine/core 2-7, engine/cpu 20-25 (Highway
# templates), engine/analysis ~12, app/common 13-16): the standard-library-only
# core every backend and front end builds on, the backend factory and the thread
# scheduler -- about 100 CPU seconds, under a minute on 2 cores. Adding
# engine/cpu costs about 2 more minutes, app/common about 4: widen the pathspecs
# below when CI has that room. ui/ and app/cli (Qt) are out of scope.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build/release}
update=0
[ "${2:-}" = "--update-baseline" ] && update=1
baseline=scripts/tidy_baseline.txt
clang_tidy=${CLANG_TIDY:-clang-tidy}
command -v "$clang_tidy" >/dev/null || { echo "check_tidy: $clang_tidy not found (apt-get install clang-tidy)"; exit 1; }
[ -f "$build_dir/compile_commands.json" ] || { echo "check_tidy: no $build_dir/compile_commands.json (configure first)"; exit 1; }

if [ -n "${TIDY_FILES:-}" ]; then
  read -ra files <<<"$TIDY_FILES"
else
  mapfile -t files < <(git ls-files -- 'engine/core/*.cpp' 'engine/backends/*.cpp' 'engine/parallel/*.cpp' | sort)
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
t0=$SECONDS
# One clang-tidy per file, as many at once as there are cores. The GCC-only
# warning flags in the compile commands (-Wno-restrict) are not clang's.
printf '%s\0' "${files[@]}" | xargs -0 -n 1 -P "$(nproc)" sh -c '
  "$0" -p "$1" --quiet --extra-arg=-Wno-unknown-warning-option "$3" >"$2/$(echo "$3" | tr / _).log" 2>&1 || true
' "$clang_tidy" "$build_dir" "$out" || true

# "/abs/path/engine/x.cpp:12:3: warning: message [check]" -> "engine/x.cpp: [check] message"
root=$(pwd)/
cat "$out"/*.log | grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' |
  sed -E "s#^$root##; s#^([^:]+):[0-9]+:[0-9]+: (warning|error): (.*) \[([^]]+)\]\$#\1: [\4] \3#" |
  sort -u >"$out/findings.txt" || true

if [ "$update" = 1 ]; then
  {
    echo "# clang-tidy findings accepted when scripts/check_tidy.sh was introduced."
    echo "# Fix one and delete its line; never add one (see scripts/check_tidy.sh)."
    cat "$out/findings.txt"
  } >"$baseline"
  echo "check_tidy: baseline rewritten, $(wc -l <"$out/findings.txt") findings in ${#files[@]} files ($((SECONDS - t0))s)"
  exit 0
fi

grep -v '^#' "$baseline" 2>/dev/null | sort -u >"$out/accepted.txt" || true
new=$(comm -23 "$out/findings.txt" "$out/accepted.txt")
fixed=$(comm -13 "$out/findings.txt" "$out/accepted.txt" | grep -c . || true)
if [ -n "$new" ]; then
  echo "check_tidy: new findings (fix them; see the full message with: clang-tidy -p $build_dir FILE):"
  echo "$new" | sed 's/^/  /'
  [ "$fixed" -gt 0 ] && echo "check_tidy: $fixed baseline findings are gone: delete their lines from $baseline"
  echo "check_tidy: $(echo "$new" | wc -l) new findings in ${#files[@]} files ($((SECONDS - t0))s)"
  exit 1
fi
[ "$fixed" -gt 0 ] && echo "check_tidy: $fixed baseline findings are gone: delete their lines from $baseline"
echo "check_tidy: no new findings in ${#files[@]} files, $(grep -c . "$out/accepted.txt" || true) accepted in the baseline ($((SECONDS - t0))s)"
