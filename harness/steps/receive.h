// `receive:`: reads from a connection of the built-in client until so many more bytes came, or
// until the peer closes, failing the test at its timeout.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `receive:` step.
std::optional<ReceiveStep> ReadReceiveStep(const StepRead& read);
/// Receives; the step fails when the bytes do not come in time.
bool Execute(TestContext& test, const ReceiveStep& step);

}  // namespace labgrade
