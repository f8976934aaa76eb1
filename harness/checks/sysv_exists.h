// `sysv_exists:`: a System V object for a key file still exists, e.g. a stale object that a
// program must not have removed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// A System V object for a key file still exists (`sysv_exists:`), e.g. stale objects that a
/// program must not have removed.
struct SysvExistsCheck {
  SysvKind kind = SysvKind::kSemaphoreSet;
  std::string key_file = "keyfile";
  int proj_id = 1;
  std::optional<std::uint32_t> fixed_key;  ///< `key:`; then key_file and proj_id are unused
  SourceMark mark;
};

}  // namespace labgrade
