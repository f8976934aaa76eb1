// `finished_within:`: an instance finished within so much wall time.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"
#include "harness/verdict.h"

namespace labgrade {

class TestContext;

/// Reads a `finished_within:` check.
std::optional<DurationCheck> ReadDurationCheck(const CheckRead& read);
/// Compares the instance's wall time with the limit.
CheckResult Evaluate(TestContext& test, const DurationCheck& check);

}  // namespace labgrade
