// Grading one submission of one lab: build the student's and the reference's programs, run every
// test (in parallel, each in its own cell, or one at a time in host mode), and total the score.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/build/build_cache.h"
#include "harness/process/cell.h"
#include "harness/sandbox/cgroup.h"
#include "harness/sandbox/landlock.h"
#include "harness/sandbox/sandbox_users.h"
#include "harness/sandbox/seccomp_filter.h"
#include "harness/spec/lab_spec.h"
#include "harness/verdict.h"

namespace labgrade {

/// How tests are isolated, decided once per run of labgrade (see PrepareIsolation).
struct Isolation {
  IsolationMode mode = IsolationMode::kHost;
  std::string note;                    ///< why host mode, or how the cells are made, and what held
  std::optional<HostNamespaces> host;  ///< set in namespace mode
  std::filesystem::path cell_init;     ///< labgrade-cell-init
  bool as_root = false;                ///< programs then run as unprivileged sandbox users
  /// Each program in a cgroup with the lab's memory and process limits; null where labgrade
  /// cannot make one (cgroup_problem says why).
  std::shared_ptr<CgroupTree> cgroups;
  std::string cgroup_problem;
  LandlockSupport landlock;              ///< abi 0: the student's programs are not confined
  std::optional<SeccompFilter> seccomp;  ///< unset: no filter for this architecture
};

/// Finds labgrade-cell-init beside `own_executable`, opens the host namespaces and probes the
/// whole cell chain. `force_host` skips the probe. Falls back to host mode with a note. Also
/// finds what else the kernel offers (Landlock, a cgroup, seccomp) and says in the note what
/// holds. Moves the process into a cgroup of its own when it can make one: call it once.
Isolation PrepareIsolation(const std::filesystem::path& own_executable, bool force_host);

struct GradeOptions {
  std::filesystem::path submission_dir;
  /// The submission is the lab's prebuilt reference (a selftest of a bundle): its executables
  /// are copied, not built.
  bool submission_is_prebuilt_reference = false;
  int jobs = 0;                    ///< parallel tests; 0: the number of cores
  std::filesystem::path work_dir;  ///< empty: a fresh folder under /var/tmp
  bool keep_work_dir = false;
  std::vector<std::string> only_tests;      ///< run just these tests; empty: every test
  const BuildCache* build_cache = nullptr;  ///< reuse builds of the same content; null: none
  /// Where the sandbox users' slots are reserved (harness/sandbox/sandbox_users.h), root mode.
  std::filesystem::path sandbox_slot_locks = kSandboxSlotLockDir;
};

/// Why `lab` must not be graded with `isolation`: in host mode, the lab or one of the tests
/// `only_tests` chooses says `isolation: required`. Null when it may.
std::optional<std::string> IsolationRequiredProblem(const LabSpec& lab,
                                                    const std::vector<std::string>& only_tests,
                                                    const Isolation& isolation);

/// Grades a submission. Never throws: whatever fails is in the report, as the student's build
/// failure, a test's failure, or the grader's error.
GradeReport GradeSubmission(const LabSpec& lab, const GradeOptions& options,
                            const Isolation& isolation);

}  // namespace labgrade
