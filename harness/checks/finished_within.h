// `finished_within:`: an instance finished within so much wall time.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// The instance finished within `max_ms` of wall time (`finished_within:`).
struct DurationCheck {
  std::string instance;
  int max_ms = 0;
  SourceMark mark;
};

}  // namespace labgrade
