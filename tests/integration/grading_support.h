// What the integration tests that grade in-process share: loading a lab of the source tree, the
// run's isolation (decided once per test binary, as labgrade decides it once per run), and a
// report's failures in words for an assertion's message.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "grading/grader.h"
#include "harness/spec/spec_loader.h"

namespace labgrade::testing {

inline const std::filesystem::path kSourceDir = LABGRADE_SOURCE_DIR;
inline const std::filesystem::path kLabgrade =
    std::filesystem::path(LABGRADE_BINARY_DIR) / "labgrade";

/// The lab at `dir` (a lab folder); an empty spec after a failed expectation when it is invalid.
inline LabSpec LoadLabAt(const std::filesystem::path& dir) {
  SpecLoad load = LoadLabSpec(dir);
  std::string errors;
  for (const SpecError& error : load.errors) errors += error.Format();
  EXPECT_TRUE(load.spec.has_value()) << errors;
  return load.spec ? std::move(*load.spec) : LabSpec{};
}

/// labs/<name> of the source tree.
inline LabSpec LoadLab(const std::string& name) { return LoadLabAt(kSourceDir / "labs" / name); }

inline const Isolation& Namespaces() {
  static const Isolation isolation = PrepareIsolation(kLabgrade, /*force_host=*/false);
  return isolation;
}

/// The tests that failed or could not be run by the grader; skipped tests are neither.
inline std::set<std::string> FailedTests(const GradeReport& report) {
  std::set<std::string> failed;
  for (const TestResult& test : report.tests) {
    if (test.outcome == Outcome::kFail || test.outcome == Outcome::kError) failed.insert(test.name);
  }
  return failed;
}

/// The grader's error and every test that did not pass, with its failed checks' rationales.
inline std::string Describe(const GradeReport& report) {
  std::string text = report.grader_error;
  for (const TestResult& test : report.tests) {
    if (test.outcome == Outcome::kPass) continue;
    text += "\n" + test.name + ": " + test.grader_error;
    for (const CheckResult& check : test.checks) {
      if (check.outcome != Outcome::kPass) text += "\n  " + check.what + ": " + check.rationale;
    }
  }
  return text;
}

}  // namespace labgrade::testing
