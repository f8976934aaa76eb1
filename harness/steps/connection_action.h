// `shutdown_write: CONNECTION`, `reset: CONNECTION`, `close: CONNECTION`: half-closes, resets
// or closes a connection of the built-in client.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `shutdown_write:`, `reset:` or `close:` step (the action key).
std::optional<ConnectionActionStep> ReadConnectionActionStep(const StepRead& read);
/// Acts on the connection.
bool Execute(TestContext& test, const ConnectionActionStep& step);

}  // namespace labgrade
