// `connect:`: opens a TCP connection of the test's built-in client to a port of the test,
// retrying a refused connection until its timeout; later steps name it by `as:`.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `connect:` step, defining its connection.
std::optional<ConnectStep> ReadConnectStep(const StepRead& read);
/// Connects; the step fails when no connection is accepted in time.
bool Execute(TestContext& test, const ConnectStep& step);

}  // namespace labgrade
