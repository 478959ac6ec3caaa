#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds (Release) and starts the studio on a bundled
# sample image. Extra arguments are passed to tconv-studio.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset default
cmake --build --preset default -j "$(nproc 2>/dev/null || echo 2)"

studio=build/release/ui/tconv-studio
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run-studio: no display; starting under xvfb-run (nothing will be visible; use --screenshot OUT.png)" >&2
  exec xvfb-run -a "$studio" "$@"
fi
exec "$studio" "$@"
