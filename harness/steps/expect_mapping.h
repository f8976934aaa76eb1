// `expect_mapping:`: looks in an instance's /proc/PID/maps (best paused or blocked) for a shared
// anonymous mapping, an attached System V segment or a mapped file of the test folder, and
// records a check.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// What kind of mapping ExpectMappingStep looks for.
enum class MappingKind {
  kSharedAnonymous,  ///< MAP_SHARED | MAP_ANONYMOUS ("/dev/zero (deleted)")
  kSysvSegment,      ///< an attached System V segment ("/SYSV0000002a (deleted)")
  kFile,             ///< a file of the test directory
};

/// Looks in /proc/PID/maps of an instance (best paused or blocked) for a mapping and records
/// a check result (`expect_mapping:`).
struct ExpectMappingStep {
  std::string instance;
  MappingKind kind = MappingKind::kSharedAnonymous;
  std::string file;   ///< kFile: the path relative to the test directory
  std::string perms;  ///< a prefix of the perms column ("r--", "rw-s"); empty: any
  SourceMark mark;
};

}  // namespace labgrade
