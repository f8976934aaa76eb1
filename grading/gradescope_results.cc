// Gradescope's results.json (see gradescope_results.h).
#include "grading/gradescope_results.h"

#include "grading/terminal_report.h"

namespace labgrade {
namespace {

using nlohmann::json;

json TestEntry(const TestResult& test, int score, bool passed, const std::string& output) {
  return {{"name", test.name},
          {"score", score},
          {"max_score", test.max_points},
          {"status", passed ? "passed" : "failed"},
          {"output", output},
          {"visibility", test.visibility == Visibility::kHidden ? "after_published" : "visible"}};
}

json RanTestEntry(const TestResult& test) {
  const bool passed = test.outcome == Outcome::kPass;
  // Points come only from a pass; a test the grader failed to run earns nothing by accident.
  json entry = TestEntry(test, passed ? test.points : 0, passed, RenderTestDetails(test));
  // A test this machine could not run is not counted: out of 0, so that the tests' maxima add
  // up to the points that could be earned here (the README's "Gradescope" says why).
  if (test.outcome == Outcome::kSkipped) entry["max_score"] = 0;
  return entry;
}

json NotRunTestEntry(const TestResult& test) {
  return TestEntry(test, 0, false, "not run: the submission did not build");
}

std::string TopLevelOutput(const GradeReport& report) {
  std::string out;
  if (SubmissionFailedToBuild(report)) out += RenderBuildFailure(report.build);
  if (!report.grader_error.empty()) {
    if (!out.empty()) out += "\n";
    out += RenderGraderError(report.grader_error);
  }
  if (const std::string skipped = SkippedTestsNote(report); !skipped.empty()) {
    if (!out.empty()) out += "\n";
    out += skipped;
  }
  // Host mode is what a Gradescope container allows: said, with why, since it explains the
  // tests not counted.
  if (report.isolation == IsolationMode::kHost) {
    if (!out.empty()) out += "\n";
    out += "Isolation: " + IsolationText(report) + "\n";
  }
  return out;
}

}  // namespace

json GradescopeResults(const GradeReport& report) {
  const bool built = !SubmissionFailedToBuild(report);
  json tests = json::array();
  for (const TestResult& test : report.tests) {
    tests.push_back(built ? RanTestEntry(test) : NotRunTestEntry(test));
  }
  return {{"score", built ? report.score : 0},
          {"execution_time", static_cast<double>(report.duration_ms) / 1000.0},
          {"output", TopLevelOutput(report)},
          // Plain text, as written: Gradescope's default renders it as HTML, where a compiler's
          // `#include <x.h>` disappears.
          {"output_format", "text"},
          {"test_output_format", "text"},
          {"test_name_format", "text"},
          {"visibility", "visible"},
          {"stdout_visibility", "hidden"},
          {"extra_data",
           {{"isolation", report.isolation == IsolationMode::kHost ? "host" : "namespaces"},
            {"isolation_note", report.isolation_note}}},
          {"tests", std::move(tests)}};
}

std::string GradescopeResultsText(const GradeReport& report) {
  return GradescopeResults(report).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace labgrade
