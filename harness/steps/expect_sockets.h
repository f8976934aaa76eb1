// `expect_sockets:`: counts the TCP sockets in a state (of an instance and its descendants, or of
// the whole test), optionally on one port, and records a check that the count is in range,
// waiting up to its timeout for it.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads an `expect_sockets:` step.
std::optional<ExpectSocketsStep> ReadExpectSocketsStep(const StepRead& read);
/// Counts until the count is in range or the timeout, and records the check.
bool Execute(TestContext& test, const ExpectSocketsStep& step);

}  // namespace labgrade
