// A scenario: one test of a lab, run from start to verdict. It makes the test's directory and
// key files, enters a fresh cell (or, in host mode, snapshots the host's IPC objects), carries
// out the steps in order, ends every program it started, looks for leftovers, and evaluates
// the test's checks into a TestResult.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>

#include "harness/process/cell.h"
#include "harness/process/sandbox_identity.h"
#include "harness/sandbox/cgroup.h"
#include "harness/sandbox/seccomp_filter.h"
#include "harness/spec/lab_spec.h"
#include "harness/verdict.h"

namespace labgrade {

struct ScenarioEnvironment {
  const LabSpec* lab = nullptr;
  std::filesystem::path student_build_dir;    ///< where the student's programs were built
  std::filesystem::path reference_build_dir;  ///< where the reference programs were built
  /// The test's folder, as its programs see it. In a cell it is a tmpfs of the cell's own
  /// (limits.test_dir_mib), reached by the harness through the cell; on the host it is made
  /// here. Must not exist yet.
  std::filesystem::path test_dir;
  SandboxIdentity student_identity;    ///< the student's programs
  SandboxIdentity reference_identity;  ///< the reference's programs
  /// The namespaces to come back to; null runs the test in host mode (no cell).
  const HostNamespaces* host = nullptr;
  std::filesystem::path cell_init;         ///< absolute path of labgrade-cell-init
  CgroupTree* cgroups = nullptr;           ///< each program in a cgroup of its own; null: none
  int landlock_abi = 0;                    ///< confine the student's programs with Landlock; 0: not
  const SeccompFilter* seccomp = nullptr;  ///< the student's programs' filter; null: none
  bool keep_test_dir = false;              ///< copy a cell's test folder to test_dir before it goes
};

/// Runs `test` on the calling thread (which enters the cell and leaves it before returning).
/// Never throws; a failure of the grader itself is a TestResult with Outcome::kError.
TestResult RunScenario(const TestSpec& test, const ScenarioEnvironment& environment);

}  // namespace labgrade
