// `expect_fds:`: records a check that an instance has at most so many descriptors more open than
// at a baseline that `record_fds:` took, waiting up to its timeout: a missing close().
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads an `expect_fds:` step.
std::optional<ExpectFdsStep> ReadExpectFdsStep(const StepRead& read);
/// Compares with the baseline until the timeout, and records the check.
bool Execute(TestContext& test, const ExpectFdsStep& step);

}  // namespace labgrade
