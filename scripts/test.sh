#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the unit tests there, then builds normally and runs every
# test (unit and integration) with CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --tests
# The GitHub workflow validator (pinned in tests/workflows/package-lock.json).
npm ci --prefix "$root/tests/workflows" --no-audit --no-fund --loglevel=error >/dev/null ||
  echo "test: npm could not install the workflow validator; that test will be skipped" >&2

echo "== unit tests under ASan+UBSan"
# Only the unit tests, unoptimised (-O0 -g, the last CMAKE_BUILD_TYPE wins): the sanitizers
# check the same code, and an optimised sanitized build of everything took longer than the
# rest of the suite together.
LABGRADE_BUILD_TARGET=labgrade_tests "$root/scripts/build.sh" "$root/build-asan" \
  -DLABGRADE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
# Under a deadline, with every test's name in the log: a test that hangs must end the run with
# its name, never sit until CI's own limit cuts the whole run off without a word.
unit_log=$(mktemp)
trap 'rm -f "$unit_log"' EXIT
if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  timeout --kill-after=10 900 "$root/build-asan/tests/labgrade_tests" >"$unit_log" 2>&1; then
  grep -v '^\[       OK \]' "$unit_log" | tail -n 80 >&2
  echo "test: the unit tests under ASan failed or did not finish within 900 s (the last" \
    "'[ RUN ]' line above is the test that was running)" >&2
  exit 1
fi
tail -n 2 "$unit_log"

echo "== all tests"
"$root/scripts/build.sh" "$root/build"
ctest --test-dir "$root/build" --output-on-failure -j "$(nproc)"
