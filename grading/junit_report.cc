// JUnit XML for a grading run (see junit_report.h).
#include "grading/junit_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

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

// "what (why)" of the first skipped check: the reason, not only what was waited for.
std::string SkipReason(const TestResult& test) {
  const auto check = std::find_if(test.checks.begin(), test.checks.end(), [](const CheckResult& c) {
    return c.outcome == Outcome::kSkipped;
  });
  if (check == test.checks.end()) return "skipped";
  if (check->rationale.empty()) return check->what;
  return fmt::format("{} ({})", check->what, check->rationale);
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
      // What the test needed and why it could not have it, as the terminal report says.
      return fmt::format("      <skipped message=\"{}\"/>\n", Attribute(SkipReason(test)));
    case Outcome::kPass:
      break;
  }
  return "";
}

std::string Testcase(std::string_view suite, std::string_view name, std::int64_t duration_ms,
                     std::string_view file, std::string_view inner) {
  // `file` is where a CI annotation should point: the lab's spec, or the student's file that
  // the compiler complained about.
  const std::string file_attribute =
      file.empty() ? "" : fmt::format(" file=\"{}\"", Attribute(file));
  const std::string opening =
      fmt::format("    <testcase classname=\"{}\" name=\"{}\"{} time=\"{}\"", Attribute(suite),
                  Attribute(name), file_attribute, Seconds(duration_ms));
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

/// The suite's name: the lab's, or "labgrade" when there is none (the spec could not be read).
std::string SuiteName(const GradeReport& report) {
  return report.lab_name.empty() ? "labgrade" : report.lab_name;
}

/// The file of a compiler's "FILE:LINE:COL: error" (or "FILE:LINE: error", "fatal error")
/// line, or "" when `line` is not one.
std::string_view ErrorLineFile(std::string_view line) {
  for (std::string_view marker : {": error", ": fatal error"}) {
    const std::size_t at = line.find(marker);
    if (at == std::string_view::npos) continue;
    std::string_view place = line.substr(0, at);  // FILE:LINE or FILE:LINE:COL
    for (int numbers = 0; numbers < 2; ++numbers) {
      const std::size_t colon = place.rfind(':');
      if (colon == std::string_view::npos) break;
      const std::string_view number = place.substr(colon + 1);
      if (number.empty() || number.find_first_not_of("0123456789") != std::string_view::npos) break;
      place = place.substr(0, colon);
      if (numbers == 0 && place.find(':') == std::string_view::npos) break;
    }
    if (place.size() < at && !place.empty() &&
        place.find_first_of(" \t:") == std::string_view::npos)
      return place;
  }
  return "";
}

/// The first file the compiler reported an error in, as a path from where labgrade ran (the
/// submission folder joined), or "". Scanned line by line, never with a backtracking regex:
/// the log is the student's and may hold a megabyte-long line.
std::string FirstErrorFile(const GradeReport& report) {
  std::string_view log = report.build.log;
  while (!log.empty()) {
    const std::size_t end = log.find('\n');
    const std::string_view file = ErrorLineFile(log.substr(0, end));
    if (!file.empty()) {
      const std::filesystem::path path(file);
      if (path.is_absolute() || report.submission.empty()) return path.string();
      return (std::filesystem::path(report.submission) / path).lexically_normal().string();
    }
    log = end == std::string_view::npos ? std::string_view() : log.substr(end + 1);
  }
  return "";
}

// A build that failed: every test is a failure "not run: the submission did not build", as in
// results.json and Classroom's result; the first holds the build log.
std::string BuildTestcases(const GradeReport& report, Tally& tally) {
  const std::string file = FirstErrorFile(report);
  const std::string log = Text(RenderBuildFailure(report.build));
  if (report.tests.empty()) {
    Count(Outcome::kFail, tally);
    return Testcase(SuiteName(report), "build", report.duration_ms, file,
                    fmt::format("      <failure message=\"the submission did not build\">{}"
                                "</failure>\n",
                                log));
  }
  std::string out;
  for (const TestResult& test : report.tests) {
    Count(Outcome::kFail, tally);
    const bool first = &test == &report.tests.front();
    out +=
        Testcase(SuiteName(report), test.name, 0, file,
                 fmt::format("      <failure message=\"not run: the submission did not build\">{}"
                             "</failure>\n",
                             first ? log
                                   : Text(fmt::format("the build log is under the first test, {}\n",
                                                      report.tests.front().name))));
  }
  return out;
}

std::string TestTestcases(const GradeReport& report, std::string_view lab_spec_file, Tally& tally) {
  std::string out;
  for (const TestResult& test : report.tests) {
    Count(test.outcome, tally);
    out += Testcase(SuiteName(report), test.name, test.duration_ms, lab_spec_file,
                    OutcomeElement(test));
  }
  return out;
}

std::string GraderTestcase(const GradeReport& report, std::string_view lab_spec_file,
                           Tally& tally) {
  Count(Outcome::kError, tally);
  const std::string error =
      fmt::format("      <error message=\"{}\">{}</error>\n", Attribute(report.grader_error),
                  Text(RenderGraderError(report.grader_error)));
  return Testcase(SuiteName(report), "grader", 0, lab_spec_file, error);
}

}  // namespace

std::string JunitXml(const GradeReport& report, std::string_view lab_spec_file) {
  Tally tally;
  std::string testcases = SubmissionFailedToBuild(report)
                              ? BuildTestcases(report, tally)
                              : TestTestcases(report, lab_spec_file, tally);
  if (!report.grader_error.empty()) testcases += GraderTestcase(report, lab_spec_file, tally);
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites>\n"
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "time=\"{}\">\n"
      "{}"
      "  </testsuite>\n"
      "</testsuites>\n",
      Attribute(SuiteName(report)), tally.tests, tally.failures, tally.errors, tally.skipped,
      Seconds(report.duration_ms), testcases);
}

}  // namespace labgrade
