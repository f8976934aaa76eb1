// Building a submission: its files and the lab's provided files copied into a fresh build
// folder (never following a link out of the submission: submission_copy.h), then the lab's
// build commands run there — in a cell of their own where the grader has cells, so that the
// compiler sees only the system's folders and the build folder, and nothing the commands start
// outlives the build — each with a time limit and its output kept for the student to read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/build/build_cache.h"
#include "harness/process/cell.h"
#include "harness/sandbox/seccomp_filter.h"
#include "harness/scenario.h"
#include "harness/spec/lab_spec.h"
#include "harness/verdict.h"

namespace labgrade {

/// Where build commands run: in a cell (`host` set) or on the host, confined how.
struct BuildIsolation {
  const HostNamespaces* host = nullptr;  ///< null: on the host, as in host mode
  std::filesystem::path cell_init;
  int landlock_abi = 0;                    ///< 0: no Landlock
  const SeccompFilter* seccomp = nullptr;  ///< null: none
};

struct BuildRequest {
  std::filesystem::path source_dir;   ///< the submission (or the reference) as given
  std::filesystem::path build_dir;    ///< made here; must not exist yet
  SandboxIdentity identity;           ///< the compiler runs as this user, with limits
  const BuildCache* cache = nullptr;  ///< reuse and keep builds here; null: always build
  BuildIsolation isolation;
};

/// Builds `request.source_dir` for `lab`. A missing required file, a link out of the submission
/// or a failing command is a BuildResult with ok == false and a log a student can act on; never
/// throws. With a cache, a build of the same content (BuildCache::KeyFor) is copied from there
/// instead of run, with from_cache set; a build that finished, failed or not, is stored there.
/// Builds stopped at the time limit (which depends on how loaded the machine was) and grader
/// errors are not.
BuildResult BuildSubmission(const LabSpec& lab, const BuildRequest& request);

/// A `submission.required` entry with a glob character (*, ? or [): it names one file by pattern.
bool IsRequiredPattern(const std::string& required);

/// What is wrong with `required` in the submission copied to `dir`: a plain name must be a
/// regular file there; a pattern (fnmatch, top level only) must match exactly one. One sentence
/// per pattern that did not, naming what matched: "tcpserv*.c matches 2 files (tcpserv01.c,
/// tcpserv02.c): hand in exactly one". `missing` gets the plain names not there, and the
/// patterns nothing matched ("tcpserv*.c (no file matches it)").
std::vector<std::string> RequiredFileProblems(const std::filesystem::path& dir,
                                              const std::vector<std::string>& required,
                                              std::vector<std::string>& missing);

/// Gives the tree at `root` to `uid`:`gid` without following links (lchown) and leaving alone
/// any file with more than one link, which may be another file of the machine's.
void ChownTree(const std::filesystem::path& root, uid_t uid, gid_t gid);

}  // namespace labgrade
