// `resume: INSTANCE`: sends SIGCONT to an instance that `pause_when_blocked:` stopped.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Sends SIGCONT to an instance's process (`resume:`), undoing PauseWhenBlockedStep.
struct ResumeStep {
  std::string instance;
  SourceMark mark;
};

}  // namespace labgrade
