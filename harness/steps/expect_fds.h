// `expect_fds:`: records a check that an instance has at most so many descriptors more open than
// at a baseline that `record_fds:` took, waiting up to its timeout: a missing close().
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Records a check that an instance has at most `max_extra` descriptors more than at
/// `baseline`, waiting up to `timeout_ms` (`expect_fds:`).
struct ExpectFdsStep {
  std::string instance;
  std::string baseline;
  int max_extra = 0;
  int timeout_ms = 2'000;
  SourceMark mark;
};

}  // namespace labgrade
