// `signal:`: sends a signal to an instance's process group.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `signal:` step.
std::optional<SignalStep> ReadSignalStep(const StepRead& read);
/// Sends the signal and remembers it for a later `wait_exit:` to name.
bool Execute(TestContext& test, const SignalStep& step);

}  // namespace labgrade
