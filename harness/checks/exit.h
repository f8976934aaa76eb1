// `exit:`: how an instance ended: an exit code, or a terminating signal.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"
#include "harness/verdict.h"

namespace labgrade {

class TestContext;

/// Reads an `exit:` check.
std::optional<ExitCheck> ReadExitCheck(const CheckRead& read);
/// Compares how the instance ended with what the check expects.
CheckResult Evaluate(TestContext& test, const ExitCheck& check);

}  // namespace labgrade
