// `sysv_exists:`: a System V object for a key file still exists, e.g. a stale object that a
// program must not have removed.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"
#include "harness/verdict.h"

namespace labgrade {

class TestContext;

/// Reads a `sysv_exists:` check.
std::optional<SysvExistsCheck> ReadSysvExistsCheck(const CheckRead& read);
/// Looks for the object among what teardown found (or, on the host, asks the kernel).
CheckResult Evaluate(TestContext& test, const SysvExistsCheck& check);

}  // namespace labgrade
