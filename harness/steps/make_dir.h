// `make_dir:`: makes a folder in the test folder, owned like make_file's files.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Makes a folder in the test directory (`make_dir:`), owned like MakeFileStep's files.
struct MakeDirStep {
  std::string path;  ///< relative to the test directory, never leaving it
  unsigned mode = 0755;
  SourceMark mark;
};

}  // namespace labgrade
