// `resume: INSTANCE`: sends SIGCONT to an instance that `pause_when_blocked:` stopped.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `resume:` step.
std::optional<ResumeStep> ReadResumeStep(const StepRead& read);
/// Lets the instance go on.
bool Execute(TestContext& test, const ResumeStep& step);

}  // namespace labgrade
