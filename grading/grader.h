// Grading one submission of one lab: build the student's and the reference's programs, run every
// test (in parallel, each in its own cell, or one at a time in host mode), and total the score.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "harness/build_cache.h"
#include "harness/cell.h"
#include "harness/lab_spec.h"
#include "harness/verdict.h"

namespace labgrade {

/// How tests are isolated, decided once per run of labgrade (see PrepareIsolation).
struct Isolation {
  IsolationMode mode = IsolationMode::kHost;
  std::string note;                    ///< why host mode, or how the cells are made
  std::optional<HostNamespaces> host;  ///< set in namespace mode
  std::filesystem::path cell_init;     ///< labgrade-cell-init
  bool as_root = false;                ///< programs then run as unprivileged sandbox users
};

/// Finds labgrade-cell-init beside `own_executable`, opens the host namespaces and probes the
/// whole cell chain. `force_host` skips the probe. Falls back to host mode with a note.
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
  /// In root mode, tests run as uids 62000 + first_sandbox_slot + [0, jobs): submissions graded
  /// at the same time need slots that do not overlap, or RLIMIT_NPROC (counted per uid) would
  /// let one's fork bomb starve the other's tests. The build runs as uid 61999 -
  /// first_sandbox_slot, so that builds of students graded at once never share a user either.
  int first_sandbox_slot = 0;
};

/// Grades a submission. Never throws: whatever fails is in the report, as the student's build
/// failure, a test's failure, or the grader's error.
GradeReport GradeSubmission(const LabSpec& lab, const GradeOptions& options,
                            const Isolation& isolation);

}  // namespace labgrade
