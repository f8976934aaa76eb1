// `wait_for_port:`: waits until a TCP socket listens (or a UDP socket is bound) on a port of the
// test and belongs to the instance or a descendant of it: the sign that a server is ready.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `wait_for_port:` step.
std::optional<WaitForPortStep> ReadWaitForPortStep(const StepRead& read);
/// Waits for the socket; the step fails when the server ends first or at the timeout.
bool Execute(TestContext& test, const WaitForPortStep& step);

}  // namespace labgrade
