// Building a submission: its files and the lab's provided files copied into a fresh build
// folder, then the lab's build commands run there, each with a time limit and its output kept
// for the student to read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/build/build_cache.h"
#include "harness/process/sandbox_identity.h"
#include "harness/spec/lab_spec.h"
#include "harness/verdict.h"

namespace labgrade {

struct BuildRequest {
  std::filesystem::path source_dir;   ///< the submission (or the reference) as given
  std::filesystem::path build_dir;    ///< made here; must not exist yet
  SandboxIdentity identity;           ///< the compiler runs as this user, with limits
  const BuildCache* cache = nullptr;  ///< reuse and keep builds here; null: always build
};

/// Builds `request.source_dir` for `lab`. A missing required file or a failing command is a
/// BuildResult with ok == false and a log a student can act on; never throws. With a cache, a
/// build of the same content (BuildCache::KeyFor) is copied from there instead of run, with
/// from_cache set; a build that finished, failed or not, is stored there. Builds stopped at
/// the time limit (which depends on how loaded the machine was) and grader errors are not.
BuildResult BuildSubmission(const LabSpec& lab, const BuildRequest& request);

}  // namespace labgrade
