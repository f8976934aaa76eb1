// `file:`: a file the programs left in the test folder, checked after teardown: the same bytes
// as another file of the test folder or of the lab, a size, a mode, or whether it exists.
#pragma once

#include <cstdint>
#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// What a FileCheck asserts about a file of the test directory.
enum class FileProperty {
  kSameAsFile,     ///< same bytes as another test-directory file (`other`)
  kSameAsLabFile,  ///< same bytes as a lab file (`other`, relative to the lab folder)
  kSize,           ///< exactly `size_bytes` long
  kMode,           ///< permission bits are `mode`
  kExists,         ///< exists (`exists` true) or not (false)
};

/// A file the programs left in the test directory (`file:`), checked after teardown.
struct FileCheck {
  std::string path;  ///< relative to the test directory
  FileProperty property = FileProperty::kExists;
  std::string other;  ///< kSameAsFile, kSameAsLabFile
  std::int64_t size_bytes = 0;
  unsigned mode = 0;
  bool exists = true;
  SourceMark mark;
};

}  // namespace labgrade
