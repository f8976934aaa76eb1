#!/usr/bin/env bash
# Configures and builds labgrade into build/ (or the folder given first), with any further
# arguments passed to CMake. Incremental when run again. Quiet unless something fails.
# LABGRADE_BUILD_TARGET names the one target to build (default: all).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$log" 2>&1 ||
   ! ninja -C "$build" -j "$(nproc)" "${LABGRADE_BUILD_TARGET:-all}" >>"$log" 2>&1; then
  cat "$log" >&2
  echo "build: failed (see above)" >&2
  exit 1
fi
echo "build: $build is up to date"
