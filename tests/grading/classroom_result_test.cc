// GitHub Classroom's result: the fields its grading reporter reads, scores that add up to the
// grade, and base64 that decodes back.
#include "grading/classroom_result.h"

#include <gtest/gtest.h>

#include "tests/grading/sample_reports.h"

namespace labgrade {
namespace {

GradeReport TwoTests() {
  GradeReport report;
  report.build.ok = true;
  report.max_score = 100;
  TestResult passed;
  passed.name = "short-text";
  passed.max_points = 60;
  passed.points = 60;
  passed.duration_ms = 12;
  TestResult failed;
  failed.name = "cleanup";
  failed.max_points = 40;
  failed.outcome = Outcome::kFail;
  CheckResult check;
  check.what = "no System V IPC object is left behind";
  check.outcome = Outcome::kFail;
  check.rationale = "a semaphore set was left behind";
  failed.checks.push_back(check);
  report.tests = {passed, failed};
  report.score = 60;
  return report;
}

// A test the machine could not run is left out of the entries, as of max_score (the reporter
// would count it in the log's "passed / entries"), and does not fail the submission.
TEST(ClassroomResult, SkippedTestIsLeftOutAndDoesNotFailTheSubmission) {
  const nlohmann::json result = ClassroomResult(testing::SkippedReport());
  EXPECT_EQ(result["status"], "pass");
  EXPECT_EQ(result["max_score"], 10);
  ASSERT_EQ(result["tests"].size(), 1u);
  EXPECT_EQ(result["tests"][0]["name"], "one-line");
}

// What the grading reporter prints in the log: (entries passed / entries) x max_score
// (autograding-grading-reporter, src/helpers/test-helpers.js getTestScore).
double ReporterLogPoints(const nlohmann::json& result) {
  int passed = 0;
  for (const auto& test : result["tests"]) passed += test["status"] == "pass" ? 1 : 0;
  return static_cast<double>(passed) / static_cast<double>(result["tests"].size()) *
         result["max_score"].get<double>();
}

// What Classroom records: the sum of the entries' scores (src/notify-classroom.js).
int RecordedPoints(const nlohmann::json& result) {
  int total = 0;
  for (const auto& test : result["tests"]) total += test["score"].get<int>();
  return total;
}

// udp-echo's points (20, 15, 15, 15, 10, 10, 15), one test failed and one skipped: the log
// and the recorded grade are the same number, 60 of 85.
TEST(ClassroomResult, ReportersLogAndRecordedGradeAgree) {
  GradeReport report;
  report.build.ok = true;
  int at = 0;
  for (int points : {20, 15, 15, 15, 10, 10, 15}) {
    TestResult test;
    test.name = "test-" + std::to_string(++at);
    test.max_points = points;
    test.points = points;
    report.tests.push_back(test);
  }
  report.tests[1].outcome = Outcome::kFail;
  report.tests[1].points = 0;
  report.tests[6].outcome = Outcome::kSkipped;
  report.tests[6].points = 0;
  report.max_score = 85;
  report.skipped_points = 15;
  report.score = 70;
  const nlohmann::json result = ClassroomResult(report);
  EXPECT_EQ(RecordedPoints(result), 70);
  EXPECT_DOUBLE_EQ(ReporterLogPoints(result), 70.0);
  EXPECT_EQ(result["tests"].size(), 17u);  // 85 points in parts of 5
  EXPECT_EQ(result["tests"][0]["name"], "test-1 (part 1 of 4)");
  EXPECT_EQ(result["tests"][1]["test_code"], "");
}

// A grader or spec error with no tests still gives the reporter one entry with the message.
TEST(ClassroomResult, ErrorWithoutTestsHasOneEntryWithTheMessage) {
  GradeReport report;
  report.grader_error = "the lab's specification is invalid:\nlab.yaml:3:1: unknown key";
  const nlohmann::json result = ClassroomResult(report);
  EXPECT_EQ(result["status"], "error");
  ASSERT_EQ(result["tests"].size(), 1u);
  EXPECT_EQ(result["tests"][0]["name"], "labgrade");
  EXPECT_EQ(result["tests"][0]["status"], "error");
  EXPECT_EQ(result["tests"][0]["message"], report.grader_error);
}

// Each test carries the reporter's fields, and the scores add up to the grade.
TEST(ClassroomResult, HasTheReportersFieldsAndScoresAddUp) {
  nlohmann::json result = ClassroomResult(TwoTests());
  EXPECT_EQ(result["version"], 1);
  EXPECT_EQ(result["status"], "fail");
  EXPECT_EQ(result["max_score"], 100);
  ASSERT_EQ(result["tests"].size(), 5u);  // parts of 20 points
  const auto& first = result["tests"][0];
  EXPECT_EQ(first["name"], "short-text (part 1 of 3)");
  EXPECT_EQ(first["status"], "pass");
  EXPECT_EQ(first["score"], 20);
  EXPECT_EQ(first["filename"], "");
  EXPECT_EQ(first["line_no"], 0);
  EXPECT_EQ(first["duration"], 12);
  EXPECT_EQ(result["tests"][3]["status"], "fail");
  EXPECT_EQ(result["tests"][3]["score"], 0);
  EXPECT_NE(
      result["tests"][3]["message"].get<std::string>().find("a semaphore set was left behind"),
      std::string::npos);
  int total = 0;
  for (const auto& test : result["tests"]) total += test["score"].get<int>();
  EXPECT_EQ(total, 60);
}

// A grader error makes the whole result an error, never a student's fail.
TEST(ClassroomResult, GraderErrorIsAnError) {
  GradeReport report = TwoTests();
  report.grader_error = "cannot create a test cell";
  EXPECT_EQ(ClassroomResult(report)["status"], "error");
}

// A submission that did not build fails every test with the reason, scoring zero.
TEST(ClassroomResult, BuildFailureFailsEveryTest) {
  GradeReport report = TwoTests();
  report.build.ok = false;
  report.tests[0].points = 0;
  nlohmann::json result = ClassroomResult(report);
  EXPECT_EQ(result["status"], "fail");
  EXPECT_EQ(result["tests"][0]["status"], "fail");
  EXPECT_EQ(result["tests"][0]["message"], "not run: the submission did not build");
}

// A test scores only when it passed, so Classroom's total never exceeds results.json's score.
TEST(ClassroomResult, ScoresOnlyFromAPass) {
  GradeReport report = TwoTests();
  report.tests[0].outcome = Outcome::kError;
  report.tests[0].grader_error = "cannot create a test cell";
  nlohmann::json result = ClassroomResult(report);
  EXPECT_EQ(result["status"], "error");
  EXPECT_EQ(result["tests"][0]["status"], "error");
  EXPECT_EQ(result["tests"][0]["score"], 0);
}

// When the grader stopped before it could build, the tests are its errors, not the student's.
TEST(ClassroomResult, GraderFailureBeforeTheBuildIsAnError) {
  GradeReport report = TwoTests();
  report.build = BuildResult{};
  report.grader_error = "cannot create a work folder under /var/tmp: No space left on device";
  nlohmann::json result = ClassroomResult(report);
  EXPECT_EQ(result["status"], "error");
  EXPECT_EQ(result["tests"][3]["status"], "error");
  EXPECT_EQ(result["tests"][3]["message"], "not run: the grader failed (not your fault)");
  EXPECT_EQ(result["tests"][0]["score"], 0);
}

// Every field of a passed test's first and second part, pinned; the message is empty.
TEST(ClassroomResult, PassedTestPinned) {
  const nlohmann::json result = ClassroomResult(TwoTests());
  EXPECT_EQ(result["tests"][0], nlohmann::json::parse(R"json({"name": "short-text (part 1 of 3)",
      "status": "pass", "score": 20, "message": "", "test_code": "labgrade check --only short-text",
      "filename": "", "line_no": 0, "duration": 12})json"));
  EXPECT_EQ(result["tests"][1], nlohmann::json::parse(R"json({"name": "short-text (part 2 of 3)",
      "status": "pass", "score": 20, "message": "", "test_code": "", "filename": "", "line_no": 0,
      "duration": 0})json"));
}

// A hidden test's failure says only that it is hidden: students see this message at once.
TEST(ClassroomResult, HidesAHiddenTestsDetails) {
  GradeReport report = TwoTests();
  report.tests[1].visibility = Visibility::kHidden;
  EXPECT_EQ(ClassroomResult(report)["tests"][3]["message"],
            "a hidden test: its details are shown once grades are published");
}

// Base64 follows RFC 4648's test vectors.
TEST(Base64, MatchesTheRfcVectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64(std::string("\xff\x00\x10", 3)), "/wAQ");
}

// The output line is "result=" and the base64 of the JSON, one line.
TEST(ClassroomOutputLine, IsResultEqualsBase64OfTheJson) {
  GradeReport report = TwoTests();
  std::string line = ClassroomOutputLine(report);
  ASSERT_EQ(line.rfind("result=", 0), 0u);
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(line.substr(7, line.size() - 8), Base64(ClassroomResult(report).dump()));
}

}  // namespace
}  // namespace labgrade
