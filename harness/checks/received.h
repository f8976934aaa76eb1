// `received:`: what the test's built-in client received over a connection, in all: equals,
// contains, empty, not_empty, or the same as everything sent over it.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"
#include "harness/verdict.h"

namespace labgrade {

class TestContext;

/// Reads a `received:` check.
std::optional<ReceivedCheck> ReadReceivedCheck(const CheckRead& read);
/// Matches what the connection received.
CheckResult Evaluate(TestContext& test, const ReceivedCheck& check);

}  // namespace labgrade
