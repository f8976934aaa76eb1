// `expect_no_zombies:`: records a check that no child of the instance's processes is a zombie
// (ended, never waited for), waiting up to its timeout.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Records a check that no child of the instance's processes is a zombie (state Z), waiting up
/// to `timeout_ms` (`expect_no_zombies:`).
struct ExpectNoZombiesStep {
  std::string instance;
  int timeout_ms = 2'000;
  SourceMark mark;
};

}  // namespace labgrade
