// `make_file:`: makes a file in the test folder before programs use it: literal text, a copy of
// a lab file, or random bytes, owned by the sandbox identity and given its mode last.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Makes a file in the test directory before programs use it (`make_file:`). The file is owned
/// by the sandbox identity, like the test directory, and gets `mode` last.
struct MakeFileStep {
  std::string path;  ///< relative to the test directory, never leaving it
  /// The same sources as stdin: literal text, a lab file (copied), or random bytes. Never
  /// StdinNone.
  StdinSource content;
  unsigned mode = 0644;  ///< permission bits
  SourceMark mark;
};

}  // namespace labgrade
