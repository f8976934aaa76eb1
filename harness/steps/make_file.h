// `make_file:`: makes a file in the test folder before programs use it: literal text, a copy of
// a lab file, or random bytes, owned by the sandbox identity and given its mode last.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `make_file:` step.
std::optional<MakeFileStep> ReadMakeFileStep(const StepRead& read);
/// Makes the file, replacing whatever a program left at its path.
bool Execute(TestContext& test, const MakeFileStep& step);

}  // namespace labgrade
