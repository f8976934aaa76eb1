// `expect_idle:`: watches an instance for a while and fails if it used more CPU than a program
// that blocks would: it detects busy-waiting.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Watches an instance for `window_ms` and fails if it used more than `max_cpu_percent` of
/// that time (`expect_idle:`). Detects busy-waiting where a program should block.
struct ExpectIdleStep {
  std::string instance;
  int window_ms = 150;
  int max_cpu_percent = 10;
  SourceMark mark;
};

}  // namespace labgrade
