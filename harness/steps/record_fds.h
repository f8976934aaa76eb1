// `record_fds:`: remembers how many descriptors an instance has open, as a baseline that a later
// `expect_fds:` compares with.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Remembers how many descriptors an instance has open, as `baseline` (`record_fds:`).
struct RecordFdsStep {
  std::string instance;
  std::string baseline;
  SourceMark mark;
};

}  // namespace labgrade
