// JUnit XML for a grading run (see junit_report.h).
#include "grading/junit_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "grading/display_text.h"
#include "grading/terminal_report.h"

namespace labgrade {
namespace {

// Escapes for character data, or for a double-quoted attribute when `attribute` is set: there
// newlines and tabs are written as references because a parser would turn them into spaces.
std::string EscapeXml(std::string_view text, bool attribute) {
  std::string out;
  for (const char c : EscapeControlBytes(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Attribute(std::string_view text) { return EscapeXml(text, true); }
std::string Text(std::string_view text) { return EscapeXml(text, false); }

std::string Seconds(std::int64_t duration_ms) {
  return fmt::format("{:.3f}", static_cast<double>(duration_ms) / 1000.0);
}

// A first check with `outcome`, for the element's message; `fallback` when there is none.
std::string FirstCheckWhat(const TestResult& test, Outcome outcome, std::string_view fallback) {
  const auto check = std::find_if(test.checks.begin(), test.checks.end(),
                                  [&](const CheckResult& c) { return c.outcome == outcome; });
  return check == test.checks.end() ? std::string(fallback) : check->what;
}

// The <failure>, <error> or <skipped> element inside a testcase, or empty for a pass.
std::string OutcomeElement(const TestResult& test) {
  // The student template uploads this file for students to read at once, so a hidden test's
  // failure says no more than the job summary does.
  const bool hidden = test.visibility == Visibility::kHidden;
  const std::string details =
      Text(hidden ? std::string(kHiddenDetailsWithheld) : RenderTestDetails(test));
  switch (test.outcome) {
    case Outcome::kFail:
      return fmt::format("      <failure message=\"{}\">{}</failure>\n",
                         Attribute(hidden ? "hidden test failed"
                                          : FirstCheckWhat(test, Outcome::kFail, "test failed")),
                         details);
    case Outcome::kError:
      return fmt::format("      <error message=\"{}\">{}</error>\n",
                         Attribute(test.grader_error.empty() ? "grader error" : test.grader_error),
                         details);
    case Outcome::kSkipped:
      return fmt::format("      <skipped message=\"{}\"/>\n",
                         Attribute(FirstCheckWhat(test, Outcome::kSkipped, "skipped")));
    case Outcome::kPass:
      break;
  }
  return "";
}

std::string Testcase(std::string_view lab, std::string_view name, std::int64_t duration_ms,
                     std::string_view inner) {
  const std::string opening = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
                                          Attribute(lab), Attribute(name), Seconds(duration_ms));
  if (inner.empty()) return opening + "/>\n";
  return fmt::format("{}>\n{}    </testcase>\n", opening, inner);
}

struct Tally {
  int tests = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
};

void Count(Outcome outcome, Tally& tally) {
  ++tally.tests;
  if (outcome == Outcome::kFail) ++tally.failures;
  if (outcome == Outcome::kError) ++tally.errors;
  if (outcome == Outcome::kSkipped) ++tally.skipped;
}

std::string BuildTestcase(const GradeReport& report, Tally& tally) {
  Count(Outcome::kFail, tally);
  const std::string failure =
      fmt::format("      <failure message=\"the submission did not build\">{}</failure>\n",
                  Text(RenderBuildFailure(report.build)));
  return Testcase(report.lab_name, "build", report.duration_ms, failure);
}

std::string TestTestcases(const GradeReport& report, Tally& tally) {
  std::string out;
  for (const TestResult& test : report.tests) {
    Count(test.outcome, tally);
    out += Testcase(report.lab_name, test.name, test.duration_ms, OutcomeElement(test));
  }
  return out;
}

std::string GraderTestcase(const GradeReport& report, Tally& tally) {
  Count(Outcome::kError, tally);
  const std::string error =
      fmt::format("      <error message=\"{}\">{}</error>\n", Attribute(report.grader_error),
                  Text(RenderGraderError(report.grader_error)));
  return Testcase(report.lab_name, "grader", 0, error);
}

}  // namespace

std::string JunitXml(const GradeReport& report) {
  Tally tally;
  std::string testcases =
      SubmissionFailedToBuild(report) ? BuildTestcase(report, tally) : TestTestcases(report, tally);
  if (!report.grader_error.empty()) testcases += GraderTestcase(report, tally);
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites>\n"
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "time=\"{}\">\n"
      "{}"
      "  </testsuite>\n"
      "</testsuites>\n",
      Attribute(report.lab_name), tally.tests, tally.failures, tally.errors, tally.skipped,
      Seconds(report.duration_ms), testcases);
}

}  // namespace labgrade
