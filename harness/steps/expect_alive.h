// `expect_alive: INSTANCE`: records a check that an instance is still running.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Records a check that the instance is still running (`expect_alive: INSTANCE`).
struct ExpectAliveStep {
  std::string instance;
  SourceMark mark;
};

}  // namespace labgrade
