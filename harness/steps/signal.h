// `signal:`: sends a signal to an instance's process group.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Sends a signal to an instance's process group (`signal:`).
struct SignalStep {
  std::string instance;
  int signal = 15;  ///< SIGTERM
  SourceMark mark;
};

}  // namespace labgrade
