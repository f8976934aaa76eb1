// `expect_alive: INSTANCE`: records a check that an instance is still running.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads an `expect_alive:` step.
std::optional<ExpectAliveStep> ReadExpectAliveStep(const StepRead& read);
/// Records whether the instance still runs.
bool Execute(TestContext& test, const ExpectAliveStep& step);

}  // namespace labgrade
