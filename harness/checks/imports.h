// `imports:`: the dynamic symbols a built executable imports (the undefined symbols of `nm -D`):
// the C functions a lab requires a program to call, or forbids.
#pragma once

#include <string>
#include <vector>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// The dynamic symbols a built executable imports (`imports:`): the undefined symbols of
/// `nm -D`, without version suffixes.
struct ImportsCheck {
  std::string program;  ///< key in LabSpec::programs
  Role role = Role::kStudent;
  std::vector<std::string> required;   ///< each must be imported
  std::vector<std::string> forbidden;  ///< none may be imported
  SourceMark mark;
};

}  // namespace labgrade
