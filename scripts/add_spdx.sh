#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Gives every source file of the project an SPDX licence line (LICENSE: MIT):
#   C++ and CUDA (.cpp .h .cu .cuh)               first line  // SPDX-License-Identifier: MIT
#   CMake, shell, Python (.ci/run, *.sh, *.py,    first line, or the line after a #! line:
#   CMakeLists.txt, *.cmake)                                  # SPDX-License-Identifier: MIT
# Files that already have one are left alone, so running it twice changes
# nothing. `--check` changes nothing and lists the files without one (exit 1
# if any); scripts/check_format.sh runs that in CI.
# Files: what git tracks plus new files it does not ignore (build/ is ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

readonly spdx="SPDX-License-Identifier: MIT"
mode=fix
[ "${1:-}" = "--check" ] && mode=check

files() {
  git ls-files --cached --others --exclude-standard -- "$@" | sort -u | while IFS= read -r f; do
    [ -f "$f" ] && printf '%s\n' "$f"
  done
}

# has_spdx FILE: an SPDX line among the first two lines (a #! line comes first).
has_spdx() { head -n 2 "$1" | grep -q "SPDX-License-Identifier:"; }

missing=0
add_line() {  # add_line FILE COMMENT-PREFIX
  local f=$1 prefix=$2 tmp
  has_spdx "$f" && return 0
  if [ "$mode" = check ]; then
    echo "no SPDX line: $f"
    missing=$((missing + 1))
    return 0
  fi
  tmp=$(mktemp)
  if [ "$prefix" = "#" ] && head -n 1 "$f" | grep -q '^#!'; then
    { head -n 1 "$f"; echo "# $spdx"; tail -n +2 "$f"; } >"$tmp"
  else
    { echo "$prefix $spdx"; cat "$f"; } >"$tmp"
  fi
  cat "$tmp" >"$f"  # writes through, keeping the file's mode (scripts stay executable)
  rm -f "$tmp"
  echo "added: $f"
}

main() {
  while IFS= read -r f; do add_line "$f" "//"; done < <(files '*.cpp' '*.h' '*.cu' '*.cuh')
  while IFS= read -r f; do add_line "$f" "#"; done < <(files '*CMakeLists.txt' '*.cmake' '*.sh' '*.py' '.ci/run')

  if [ "$mode" = check ]; then
    if [ "$missing" -ne 0 ]; then
      echo "add_spdx: $missing files without an SPDX line (run: bash scripts/add_spdx.sh)"
      exit 1
    fi
    echo "add_spdx: every source file has an SPDX line"
  fi
}

# The script may add its own SPDX line: bash reads a script as it runs, so all
# of it is parsed (a function, and this one line) before any file is written.
main; exit
