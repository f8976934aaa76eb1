// `expect_mapping:`: looks in an instance's /proc/PID/maps (best paused or blocked) for a shared
// anonymous mapping, an attached System V segment or a mapped file of the test folder, and
// records a check.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads an `expect_mapping:` step.
std::optional<ExpectMappingStep> ReadExpectMappingStep(const StepRead& read);
/// Reads the instance's maps and records whether the mapping is there.
bool Execute(TestContext& test, const ExpectMappingStep& step);

}  // namespace labgrade
