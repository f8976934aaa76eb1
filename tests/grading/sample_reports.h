// Grade reports built by hand for the report writers' tests: one test per outcome, and a whole
// run that holds them all.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/verdict.h"

namespace labgrade::testing {

/// A check with its outcome and, for one that did not pass, why.
inline CheckResult Check(std::string what, Outcome outcome = Outcome::kPass,
                         std::string rationale = "") {
  CheckResult check;
  check.what = std::move(what);
  check.outcome = outcome;
  check.rationale = std::move(rationale);
  return check;
}

inline TestResult PassedTest() {
  TestResult test;
  test.name = "one-line";
  test.description = "The reader prints the one line the writer wrote.";
  test.max_points = 10;
  test.points = 10;
  test.duration_ms = 12;
  test.checks = {Check("reader exits with 0")};
  return test;
}

inline CheckResult FailedOutputCheck() {
  CheckResult check = Check("reader prints what the writer read", Outcome::kFail,
                            "the reader's output is not the writer's input");
  check.expected = "hello\\n";
  check.actual = "hellp\\x00\\n";  // producers escape (output_match.h PrintableExcerpt)
  check.difference.emplace();
  check.difference->offset = 4;
  check.difference->expected_size = 6;
  check.difference->actual_size = 7;
  check.difference->text_diff = "-hello\n+hellp\\0\n";
  return check;
}

inline TestResult FailedTest() {
  TestResult test;
  test.name = "two-lines";
  test.description = "The reader prints both lines, in order.";
  test.max_points = 20;
  test.outcome = Outcome::kFail;
  test.hint = "Is the terminating NUL copied into the segment?";
  test.duration_ms = 1400;
  test.checks = {Check("writer exits with 0"), FailedOutputCheck()};
  test.cleanup = {"removed semaphore set 0x0000abcd left by the writer"};
  ProgramSummary reader;
  reader.instance = "reader";
  reader.role = "student";
  reader.ended = "exited with 0";
  reader.stderr_excerpt = "reader: short read\n";
  test.programs = {reader};
  return test;
}

inline TestResult BinaryFailedTest() {
  TestResult test;
  test.name = "binary-copy";
  test.max_points = 10;
  test.outcome = Outcome::kFail;
  test.duration_ms = 250;
  CheckResult copy = Check("reader's output equals the input file", Outcome::kFail,
                           "the copy differs from the original");
  copy.difference.emplace();
  copy.difference->binary = true;
  copy.difference->offset = 4096;
  copy.difference->expected_size = 8192;
  copy.difference->actual_size = 8000;
  test.checks = {copy};
  return test;
}

inline TestResult ErrorTest() {
  TestResult test;
  test.name = "many-readers";
  test.description = "Four readers share one writer.";
  test.max_points = 10;
  test.outcome = Outcome::kError;
  test.duration_ms = 3;
  test.grader_error = "unshare(CLONE_NEWNET): Operation not permitted";
  return test;
}

inline TestResult SkippedTest() {
  TestResult test;
  test.name = "slow-writer";
  test.max_points = 5;
  test.outcome = Outcome::kSkipped;
  test.checks = {Check("reader exits with 0", Outcome::kSkipped,
                       "the writer never created its semaphore set")};
  return test;
}

inline TestResult HiddenFailedTest() {
  TestResult test;
  test.name = "large-input";
  test.description = "A 1 MiB input goes through the ring.";
  test.visibility = Visibility::kHidden;
  test.max_points = 15;
  test.outcome = Outcome::kFail;
  test.duration_ms = 2050;
  CheckResult size =
      Check("reader prints 1048576 bytes", Outcome::kFail, "the reader stopped early");
  size.expected = "1048576 bytes";
  size.actual = "65536 bytes";
  test.checks = {size};
  return test;
}

/// A run in which nothing but `tests` happened.
inline GradeReport ReportOf(std::vector<TestResult> tests) {
  GradeReport report;
  report.lab_name = "shm-ring";
  report.lab_title = "Shared-memory ring buffer";
  report.submission = "submissions/alice";
  report.build.ok = true;
  report.build.command = "make reader writer";
  report.duration_ms = 3715;
  for (const TestResult& test : tests) {
    report.score += test.points;
    report.max_score += test.max_points;
  }
  report.tests = std::move(tests);
  return report;
}

/// A pass and a test the machine could not run, whose points GradeSubmission leaves out of the
/// maximum.
inline GradeReport SkippedReport() {
  GradeReport report = ReportOf({PassedTest(), SkippedTest()});
  report.skipped_points = SkippedTest().max_points;
  report.max_score -= report.skipped_points;
  return report;
}

/// Every outcome once.
inline GradeReport MixedReport() {
  return ReportOf({PassedTest(), FailedTest(), BinaryFailedTest(), ErrorTest(), SkippedTest(),
                   HiddenFailedTest()});
}

/// A submission whose build failed with `log_lines` lines of compiler output.
inline GradeReport BuildFailedReport(int log_lines) {
  GradeReport report = ReportOf({PassedTest(), HiddenFailedTest()});
  report.build.ok = false;
  report.build.command = "gcc -Wall -o reader reader.c";
  for (int line = 1; line <= log_lines; ++line) {
    report.build.log += "reader.c:" + std::to_string(line) + ":1: error: expected ';'\n";
  }
  return report;
}

}  // namespace labgrade::testing
