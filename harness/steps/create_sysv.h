// `create_sysv:`: creates a System V object as if an earlier run had left it behind, owned by
// the sandbox identity; a test then checks that the programs cope and do not remove it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Creates a System V object as if left over by an earlier run (`create_sysv:`).
struct CreateSysvStep {
  SysvKind kind = SysvKind::kSemaphoreSet;
  std::string key_file = "keyfile";
  int proj_id = 1;
  std::optional<std::uint32_t> fixed_key;  ///< `key:`; then key_file and proj_id are unused
  int size = 2;                            ///< semaphores in the set, or bytes of the segment
  SourceMark mark;
};

}  // namespace labgrade
