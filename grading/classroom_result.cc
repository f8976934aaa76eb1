// GitHub Classroom's autograding result (see classroom_result.h).
#include "grading/classroom_result.h"

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
    any_error = any_error || outcome == Outcome::kError;
    // A test this machine could not run is nobody's failure: it is listed (as "fail", the
    // reporter knows no "skipped"; its message says why), is left out of max_score, and does
    // not turn a submission that passed everything else red.
    all_passed = all_passed && (outcome == Outcome::kPass || outcome == Outcome::kSkipped);
    // Classroom totals these scores: points only from a pass, as in results.json.
    tests.push_back({{"name", test.name},
                     {"status", ClassroomStatus(outcome)},
                     {"score", outcome == Outcome::kPass ? test.points : 0},
                     {"message", message},
                     {"test_code", "labgrade check --only " + test.name},
                     {"filename", ""},
                     {"line_no", 0},
                     {"duration", test.duration_ms}});
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
