// `start: PROGRAM` and `run: PROGRAM`: starts one instance of a lab program (or, with
// `count:`, a group of them) and goes on, or runs it to completion.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `start:` or `run:` step (the action key), defining the instances it starts.
std::optional<StartStep> ReadStartStep(const StepRead& read);
/// Starts the instance or the group, and for `run:` waits until they exit.
bool Execute(TestContext& test, const StartStep& step);

}  // namespace labgrade
