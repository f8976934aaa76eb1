// `wait_exit:`: waits until an instance exits, failing the test if it takes longer.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Waits until an instance exits (`wait_exit:`), failing the test if it takes longer.
struct WaitExitStep {
  std::string instance;
  int timeout_ms = 10'000;
  SourceMark mark;
};

}  // namespace labgrade
