// `record_fds:`: remembers how many descriptors an instance has open, as a baseline that a later
// `expect_fds:` compares with.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `record_fds:` step, defining its baseline.
std::optional<RecordFdsStep> ReadRecordFdsStep(const StepRead& read);
/// Counts the instance's descriptors.
bool Execute(TestContext& test, const RecordFdsStep& step);

}  // namespace labgrade
