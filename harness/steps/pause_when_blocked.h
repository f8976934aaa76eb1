// `pause_when_blocked:`: waits until an instance is blocked in a system call, then stops it with
// SIGSTOP so that its memory can be looked at (`expect_mapping:`) until `resume:`.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Waits until an instance's process is blocked (asleep in one system call, the same one on two
/// looks 25 ms apart, without running between: WaitUntilBlocked), then stops it with SIGSTOP (the
/// process only, not its group) so it can be inspected
/// (`pause_when_blocked:`). Fails if it exits first or `timeout_ms` passes.
struct PauseWhenBlockedStep {
  std::string instance;
  int timeout_ms = 5'000;
  SourceMark mark;
};

}  // namespace labgrade
