#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when a C++/CUDA source is not formatted as .clang-format says, or when a
# source file lacks its SPDX licence line (scripts/add_spdx.sh --check).
#   bash scripts/check_format.sh          check (CI, via scripts/test.sh)
#   bash scripts/check_format.sh --fix    format every file in place
# clang-format 14 (Debian 12's) is the reference: other versions lay out some
# constructs differently, so they may disagree with CI.
# Files: what git tracks plus new files it does not ignore.
set -euo pipefail
cd "$(dirname "$0")/.."

clang_format=${CLANG_FORMAT:-clang-format}
command -v "$clang_format" >/dev/null || { echo "check_format: $clang_format not found (apt-get install clang-format)"; exit 1; }
version=$("$clang_format" --version | grep -oE 'version [0-9]+' | grep -oE '[0-9]+')
[ "$version" = 14 ] || echo "check_format: warning: clang-format $version, CI uses 14"

mapfile -t sources < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.h' '*.cu' '*.cuh' | sort -u |
  while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done)

if [ "${1:-}" = "--fix" ]; then
  printf '%s\0' "${sources[@]}" | xargs -0 -n 32 -P "$(nproc)" "$clang_format" -i
  echo "check_format: formatted ${#sources[@]} files"
  exit 0
fi

status=0
# A broken .clang-format would make every file below "pass": stop first.
"$clang_format" --dump-config >/dev/null

# --dry-run --Werror reports "FILE:LINE:COL: error: code should be
# clang-formatted" for each change it would make; batched, one run per 64 files.
report=$(printf '%s\0' "${sources[@]}" | xargs -0 -n 64 -P "$(nproc)" "$clang_format" --dry-run --Werror 2>&1 >/dev/null || true)
mapfile -t unformatted < <(echo "$report" | grep -E ': error: code should be clang-formatted' | cut -d: -f1 | sort -u)
if echo "$report" | grep -E 'error' | grep -vqE ': error: code should be clang-formatted'; then
  echo "$report" | grep -E 'error' | grep -vE ': error: code should be clang-formatted' | head -5
  status=1
fi
if [ ${#unformatted[@]} -ne 0 ]; then
  printf '  not formatted: %s\n' "${unformatted[@]}"
  status=1
fi
spdx_note="SPDX lines present"
if ! spdx=$(bash scripts/add_spdx.sh --check); then
  echo "$spdx" | grep '^no SPDX' | sed 's/^/  /'
  spdx_note="$(echo "$spdx" | grep -c '^no SPDX') files without an SPDX line (bash scripts/add_spdx.sh)"
  status=1
fi

if [ ${#unformatted[@]} -ne 0 ]; then
  echo "check_format: ${#unformatted[@]} of ${#sources[@]} files not formatted (bash scripts/check_format.sh --fix), $spdx_note"
else
  echo "check_format: ${#sources[@]} files formatted, $spdx_note"
fi
exit "$status"
