// GitHub Classroom's autograding result (see classroom_result.h).
#include "grading/classroom_result.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "grading/terminal_report.h"

namespace labgrade {
namespace {

const char* ClassroomStatus(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kFail:
      return "fail";
    case Outcome::kError:
      return "error";
    case Outcome::kSkipped:
      return "fail";
  }
  return "error";
}

}  // namespace

nlohmann::json ClassroomResult(const GradeReport& report) {
  nlohmann::json tests = nlohmann::json::array();
  const bool failed_to_build = SubmissionFailedToBuild(report);
  bool any_error = !report.grader_error.empty();
  bool all_passed = report.build.ok && !report.tests.empty();
  // The reporter's log says (entries passed / entries) x max_score while Classroom records the
  // sum of the entries' scores; the two agree only when every entry is worth the same. So each
  // test is cut into entries of the greatest common divisor of the tests' points.
  int part_points = 0;
  for (const TestResult& test : report.tests)
    if (test.outcome != Outcome::kSkipped) part_points = std::gcd(part_points, test.max_points);
  for (const TestResult& test : report.tests) {
    Outcome outcome = test.outcome;
    std::string message;
    if (failed_to_build) {
      // A test that never ran because the build failed is the student's failure.
      outcome = Outcome::kFail;
      message = "not run: the submission did not build";
    } else if (!report.build.ok) {
      // The grader stopped before the build: never the student's failure.
      outcome = Outcome::kError;
      message = "not run: the grader failed (not your fault)";
    } else if (outcome != Outcome::kPass) {
      // Students read this at once: a hidden test's details wait until grades are published.
      message = test.visibility == Visibility::kHidden ? std::string(kHiddenDetailsWithheld)
                                                       : RenderTestDetails(test);
    }
    // A test this machine could not run is nobody's failure and is left out of max_score: an
    // entry for it would count in the log's "entries passed / entries" (the reporter knows no
    // "skipped"), so it is left out here too; the job summary and the log name it.
    if (outcome == Outcome::kSkipped) continue;
    any_error = any_error || outcome == Outcome::kError;
    all_passed = all_passed && outcome == Outcome::kPass;
    const int parts = part_points > 0 ? std::max(1, test.max_points / part_points) : 1;
    for (int part = 1; part <= parts; ++part) {
      // The first entry carries the message and the command; the others only their share.
      const bool first = part == 1;
      // Classroom totals these scores: points only from a pass, as in results.json.
      tests.push_back(
          {{"name",
            parts == 1 ? test.name : fmt::format("{} (part {} of {})", test.name, part, parts)},
           {"status", ClassroomStatus(outcome)},
           {"score", outcome == Outcome::kPass ? test.max_points / parts : 0},
           {"message", first ? message : std::string()},
           {"test_code", first ? "labgrade check --only " + test.name : std::string()},
           {"filename", ""},
           {"line_no", 0},
           {"duration", first ? test.duration_ms : 0}});
    }
  }
  if (!report.grader_error.empty()) {
    // Never an empty list: the reporter would print NaN and no reason.
    tests.push_back({{"name", "labgrade"},
                     {"status", "error"},
                     {"score", 0},
                     {"message", report.grader_error},
                     {"test_code", ""},
                     {"filename", ""},
                     {"line_no", 0},
                     {"duration", report.duration_ms}});
  }
  return {{"version", 1},
          {"status", any_error ? "error" : (all_passed ? "pass" : "fail")},
          {"max_score", report.max_score},
          {"tests", tests}};
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t at = 0;
  for (; at + 3 <= bytes.size(); at += 3) {
    unsigned chunk = (static_cast<unsigned char>(bytes[at]) << 16) |
                     (static_cast<unsigned char>(bytes[at + 1]) << 8) |
                     static_cast<unsigned char>(bytes[at + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(chunk >> shift) & 63];
  }
  std::size_t left = bytes.size() - at;
  if (left > 0) {
    unsigned chunk = static_cast<unsigned char>(bytes[at]) << 16;
    if (left == 2) chunk |= static_cast<unsigned char>(bytes[at + 1]) << 8;
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += left == 2 ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string ClassroomOutputLine(const GradeReport& report) {
  // dump() with replacement: a student's output may hold bytes that are not UTF-8.
  std::string json =
      ClassroomResult(report).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return "result=" + Base64(json) + "\n";
}

}  // namespace labgrade
