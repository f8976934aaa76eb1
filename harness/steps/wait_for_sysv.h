// `wait_for_sysv:`: waits until a System V object with the key of a key file exists, the sign
// that a program is ready (a reader that created its semaphores, say).
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `wait_for_sysv:` step.
std::optional<WaitForSysvStep> ReadWaitForSysvStep(const StepRead& read);
/// Waits for the object; the step fails when the creator ends first or at the timeout.
bool Execute(TestContext& test, const WaitForSysvStep& step);

}  // namespace labgrade
