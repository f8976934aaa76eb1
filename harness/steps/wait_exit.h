// `wait_exit:`: waits until an instance exits, failing the test if it takes longer.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `wait_exit:` step.
std::optional<WaitExitStep> ReadWaitExitStep(const StepRead& read);
/// Waits until the instance exits; the step fails at the timeout.
bool Execute(TestContext& test, const WaitExitStep& step);

}  // namespace labgrade
