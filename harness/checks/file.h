// `file:`: a file the programs left in the test folder, checked after teardown: the same bytes
// as another file of the test folder or of the lab, a size, a mode, or whether it exists.
#pragma once

#include <optional>

#include "harness/spec/lab_spec.h"
#include "harness/spec/test_names.h"
#include "harness/verdict.h"

namespace labgrade {

class TestContext;

/// Reads a `file:` check.
std::optional<FileCheck> ReadFileCheck(const CheckRead& read);
/// Looks at the file, never following a symbolic link a program left.
CheckResult Evaluate(TestContext& test, const FileCheck& check);

}  // namespace labgrade
