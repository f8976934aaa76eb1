#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the unit tests there, then builds normally and runs every
# test (unit and integration) with CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
# The GitHub workflow validator (pinned in tests/workflows/package-lock.json).
npm ci --prefix "$root/tests/workflows" --no-audit --no-fund --loglevel=error >/dev/null ||
  echo "test: npm could not install the workflow validator; that test will be skipped" >&2

echo "== unit tests under ASan+UBSan"
"$root/scripts/build.sh" "$root/build-asan" -DLABGRADE_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$root/build-asan/tests/labgrade_tests" --gtest_brief=1

echo "== all tests"
"$root/scripts/build.sh" "$root/build"
ctest --test-dir "$root/build" --output-on-failure -j "$(nproc)"
