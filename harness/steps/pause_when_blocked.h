// `pause_when_blocked:`: waits until an instance blocks (state S or D), then stops it with
// SIGSTOP so that its memory can be looked at (`expect_mapping:`) until `resume:`.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `pause_when_blocked:` step.
std::optional<PauseWhenBlockedStep> ReadPauseWhenBlockedStep(const StepRead& read);
/// Waits until the instance blocks, then stops it; the step fails if it exits or never blocks.
bool Execute(TestContext& test, const PauseWhenBlockedStep& step);

}  // namespace labgrade
