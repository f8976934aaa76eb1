// `wait_for_sysv:`: waits until a System V object exists, the sign that a program is ready (a
// reader that created its semaphores, say): one with the key of a key file, a fixed key, or,
// with `created_by:` and no key, any key, as long as that instance created it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Waits until a System V object exists (`wait_for_sysv:`): by key, or by creator.
struct WaitForSysvStep {
  SysvKind kind = SysvKind::kSemaphoreSet;
  std::string key_file =
      "keyfile";    ///< name of the per-test key file ({keyfile} or {keyfile:NAME})
  int proj_id = 1;  ///< the key is ftok(key file, proj_id)
  std::optional<std::uint32_t> fixed_key;  ///< `key:`; then key_file and proj_id are unused
  /// `created_by:` without `key:` or `key_file:`: any object `instance` created, whatever its key.
  bool any_key = false;
  int timeout_ms = 5'000;
  std::string instance;  ///< the instance expected to create it; may be empty with a key
  SourceMark mark;
};

}  // namespace labgrade
