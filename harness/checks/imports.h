// `imports:`: the dynamic symbols a built executable imports (the undefined symbols of `nm -D`):
// the C functions a lab requires a program to call, or forbids.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"
#include "harness/verdict.h"

namespace labgrade {

class TestContext;

/// Reads an `imports:` check.
std::optional<ImportsCheck> ReadImportsCheck(const CheckRead& read);
/// Runs nm on the built executable and compares.
CheckResult Evaluate(TestContext& test, const ImportsCheck& check);

}  // namespace labgrade
