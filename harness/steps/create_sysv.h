// `create_sysv:`: creates a System V object as if an earlier run had left it behind, owned by
// the sandbox identity; a test then checks that the programs cope and do not remove it.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `create_sysv:` step.
std::optional<CreateSysvStep> ReadCreateSysvStep(const StepRead& read);
/// Creates the object; not the student's leftover, so never reported as one.
bool Execute(TestContext& test, const CreateSysvStep& step);

}  // namespace labgrade
