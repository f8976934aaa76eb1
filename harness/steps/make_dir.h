// `make_dir:`: makes a folder in the test folder, owned like make_file's files.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"

namespace labgrade {

class TestContext;

/// Reads a `make_dir:` step.
std::optional<MakeDirStep> ReadMakeDirStep(const StepRead& read);
/// Makes the folder.
bool Execute(TestContext& test, const MakeDirStep& step);

}  // namespace labgrade
