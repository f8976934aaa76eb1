// `expect_idle:`: watches an instance for a while and fails if it used more CPU than a program
// that blocks would: it detects busy-waiting.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads an `expect_idle:` step.
std::optional<ExpectIdleStep> ReadExpectIdleStep(const StepRead& read);
/// Measures the instance's CPU time over the window and records a check.
bool Execute(TestContext& test, const ExpectIdleStep& step);

}  // namespace labgrade
