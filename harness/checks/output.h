// `stdout:` and `stderr:`: what an instance wrote on a stream, against one matcher (equals,
// same_as_file, same_as_stdin_of, contains, regex, equals_normalized, empty, not_empty).
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"
#include "harness/verdict.h"

namespace labgrade {

class TestContext;

/// Reads a `stdout:` or `stderr:` check (the key).
std::optional<OutputCheck> ReadOutputCheck(const CheckRead& read);
/// Matches what the instance wrote.
CheckResult Evaluate(TestContext& test, const OutputCheck& check);

}  // namespace labgrade
