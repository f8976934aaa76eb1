// `wait_for_sysv:`: waits until a System V object with the key of a key file exists, the sign
// that a program is ready (a reader that created its semaphores, say).
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Waits until a System V object with the key of a key file exists (`wait_for_sysv:`).
struct WaitForSysvStep {
  SysvKind kind = SysvKind::kSemaphoreSet;
  std::string key_file =
      "keyfile";    ///< name of the per-test key file ({keyfile} or {keyfile:NAME})
  int proj_id = 1;  ///< the key is ftok(key file, proj_id)
  int timeout_ms = 5'000;
  std::string instance;  ///< the program expected to create it (for the message)
  SourceMark mark;
};

}  // namespace labgrade
