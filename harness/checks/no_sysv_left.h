// `no_sysv_left: true`: no System V object is left in the test's IPC namespace once its programs
// ended (but those `create_sysv:` made).
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"
#include "harness/verdict.h"

namespace labgrade {

class TestContext;

/// Reads a `no_sysv_left:` check.
std::optional<NoSysvLeftCheck> ReadNoSysvLeftCheck(const CheckRead& read);
/// Looks at what teardown found left.
CheckResult Evaluate(TestContext& test, const NoSysvLeftCheck& check);

}  // namespace labgrade
