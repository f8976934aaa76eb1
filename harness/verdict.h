// Verdicts: what a check, a test and a whole grading run concluded. Plain data produced by the
// harness and turned into words and files by grading/.
//
// Four outcomes, never mixed: a failure is the student's (rationale, expected, actual, hint);
// an error is the grader's (the harness could not do its job) and is never blamed on the
// student; a skip names what it could not have.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/spec/lab_spec.h"

namespace labgrade {

enum class Outcome { kPass, kFail, kError, kSkipped };

/// Where two outputs first differ, for a report to show.
struct Difference {
  bool binary = false;  ///< true: show offset and bytes, not a text diff
  std::int64_t offset =
      -1;  ///< first differing byte; when one is a prefix of the other, the shorter length
  std::int64_t expected_size = 0;
  std::int64_t actual_size = 0;
  std::string text_diff;  ///< a short unified-style diff for text, else empty
};

/// The result of one check or one step that can go wrong.
struct CheckResult {
  std::string what;  ///< what was checked, as a TA would say it: "reader exits with 0"
  Outcome outcome = Outcome::kPass;
  std::string rationale;  ///< why it failed, in words a student understands
  /// Short and printable: the producer escapes (output_match.h's PrintableExcerpt), the report
  /// writers show it as it is. May be empty.
  std::string expected;
  std::string actual;  ///< as `expected`
  std::optional<Difference> difference;
};

/// How a program run ended, for the report.
struct ProgramSummary {
  std::string instance;
  std::string role;   ///< "student" or "reference"
  std::string ended;  ///< "exited with 0", "killed by SIGSEGV (segmentation fault)", ...
  std::int64_t wall_ms = 0;
  std::int64_t cpu_ms = 0;
  std::int64_t stdout_bytes = 0;
  std::int64_t stderr_bytes = 0;
  bool output_truncated = false;
  std::string stderr_excerpt;  ///< first lines of stderr, for the student to see
};

struct TestResult {
  std::string name;
  std::string description;
  Visibility visibility = Visibility::kVisible;
  int max_points = 0;
  int points = 0;  ///< max_points on pass, else 0
  Outcome outcome = Outcome::kPass;
  std::string hint;  ///< the spec's hint, carried only when the test failed
  std::int64_t duration_ms = 0;
  std::vector<CheckResult> checks;   ///< in the order they ran
  std::vector<std::string> cleanup;  ///< leftovers found and removed, in plain words
  std::vector<ProgramSummary> programs;
  std::string grader_error;  ///< set when outcome is kError: what the grader could not do
};

/// Whether tests ran isolated in namespaces (in parallel) or on the host one at a time.
enum class IsolationMode { kNamespaces, kHost };

struct BuildResult {
  bool ok = false;
  std::string command;       ///< the command that failed, or the last one
  std::string log;           ///< the compiler's output (capped)
  std::string grader_error;  ///< the grader could not run the build (not the student's fault)
  bool from_cache = false;   ///< reused from the build cache (harness/build_cache.h), not run
};

struct GradeReport {
  std::string lab_name;
  std::string lab_title;
  std::string submission;  ///< the submission folder as given
  IsolationMode isolation = IsolationMode::kNamespaces;
  std::string isolation_note;  ///< why host mode, if it is
  BuildResult build;
  bool reference_build_from_cache = false;  ///< the reference's build came from the build cache
  std::vector<TestResult> tests;
  int score = 0;
  /// The points of the tests that ran: a test the grader had to skip on this machine (say, no
  /// netem for packet loss) is neither the student's loss nor their gain, so it is left out.
  int max_score = 0;
  int skipped_points = 0;    ///< the points of the skipped tests, not in max_score
  std::string grader_error;  ///< set when the grader failed before or around the tests
  std::int64_t duration_ms = 0;
};

}  // namespace labgrade
