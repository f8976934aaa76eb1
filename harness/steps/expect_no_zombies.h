// `expect_no_zombies:`: records a check that no child of the instance's processes is a zombie
// (ended, never waited for), waiting up to its timeout.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads an `expect_no_zombies:` step.
std::optional<ExpectNoZombiesStep> ReadExpectNoZombiesStep(const StepRead& read);
/// Looks for zombies until there are none or the timeout, and records the check.
bool Execute(TestContext& test, const ExpectNoZombiesStep& step);

}  // namespace labgrade
