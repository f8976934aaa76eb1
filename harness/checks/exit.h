// `exit:`: how an instance ended: an exit code, or a terminating signal.
#pragma once

#include <optional>
#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// How an instance ended: an exit code, or a terminating signal.
struct ExitCheck {
  std::string instance;
  std::optional<int> exit_code;  ///< exactly one of these is set
  std::optional<int> signal;
  SourceMark mark;
};

}  // namespace labgrade
