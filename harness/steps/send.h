// `send:`: sends bytes over a connection of the built-in client, reading what arrives meanwhile
// so that a peer that echoes while we send never deadlocks with us.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `send:` step.
std::optional<SendStep> ReadSendStep(const StepRead& read);
/// Sends the bytes; the step fails when the peer stops reading or closes.
bool Execute(TestContext& test, const SendStep& step);

}  // namespace labgrade
