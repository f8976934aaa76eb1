// Tests for grading/gradescope_results: results.json, parsed back and checked field by field.
#include "grading/gradescope_results.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "grading/terminal_report.h"
#include "tests/grading/sample_reports.h"

namespace labgrade {
namespace {

using nlohmann::json;
using testing::BuildFailedReport;
using testing::ErrorTest;
using testing::FailedTest;
using testing::HiddenFailedTest;
using testing::MixedReport;
using testing::PassedTest;
using testing::ReportOf;
using testing::SkippedReport;

// The file's text, parsed the way Gradescope will read it.
json ParsedResults(const GradeReport& report) { return json::parse(GradescopeResultsText(report)); }

// The top level carries the score, the run time in seconds and Gradescope's visibility settings.
TEST(GradescopeResults, TopLevelFields) {
  const json results = ParsedResults(MixedReport());
  EXPECT_EQ(results["score"], 10);
  EXPECT_DOUBLE_EQ(results["execution_time"].get<double>(), 3.715);
  EXPECT_EQ(results["output"], "");
  EXPECT_EQ(results["visibility"], "visible");
  EXPECT_EQ(results["stdout_visibility"], "hidden");
  EXPECT_EQ(results["tests"].size(), 6u);
}

// Outputs are plain text: Gradescope's default (simple_format) renders HTML, where a compiler's
// "#include <x.h>" vanishes.
TEST(GradescopeResults, OutputsArePlainText) {
  const json results = ParsedResults(MixedReport());
  EXPECT_EQ(results["output_format"], "text");
  EXPECT_EQ(results["test_output_format"], "text");
  EXPECT_EQ(results["test_name_format"], "text");
}

// How the tests were isolated is in extra_data; host mode, and why, is also said at the top,
// since it explains the tests not counted.
TEST(GradescopeResults, SaysHowTestsWereIsolated) {
  GradeReport report = MixedReport();
  report.isolation = IsolationMode::kNamespaces;
  report.isolation_note = "each test in its own namespaces";
  json results = ParsedResults(report);
  EXPECT_EQ(results["extra_data"]["isolation"], "namespaces");
  EXPECT_EQ(results["output"], "");
  report.isolation = IsolationMode::kHost;
  report.isolation_note =
      "cannot create a test cell: unshare(CLONE_NEWIPC): Operation not permitted";
  results = ParsedResults(report);
  EXPECT_EQ(results["extra_data"]["isolation"], "host");
  EXPECT_EQ(results["extra_data"]["isolation_note"], report.isolation_note);
  EXPECT_EQ(results["output"],
            "Isolation: host mode (one test at a time): cannot create a test cell: "
            "unshare(CLONE_NEWIPC): Operation not permitted\n");
}

// A test the machine could not run counts 0 out of 0: the tests' maxima add up to what could be
// earned here.
TEST(GradescopeResults, SkippedTestIsOutOfZero) {
  const json results = ParsedResults(SkippedReport());
  EXPECT_EQ(results["tests"][1]["score"], 0);
  EXPECT_EQ(results["tests"][1]["max_score"], 0);
  EXPECT_EQ(results["tests"][0]["max_score"], 10);
}

// Points of tests the machine could not run are named once at the top: Gradescope's total is
// the assignment's, so the student must read there why the score is short of it.
TEST(GradescopeResults, SkippedTestsAreNamedAtTheTop) {
  const json results = ParsedResults(SkippedReport());
  EXPECT_EQ(results["score"], 10);
  EXPECT_EQ(results["output"],
            "Not counted: 5 points of tests this machine could not run (slow-writer); they are "
            "not in this score.\n");
  EXPECT_EQ(results["tests"][1]["status"], "failed");
  EXPECT_NE(results["tests"][1]["output"].get<std::string>().find(
                "the writer never created its semaphore set"),
            std::string::npos);
}

// A passed test: full points, "passed", nothing to say.
TEST(GradescopeResults, PassedTest) {
  const json test = ParsedResults(ReportOf({PassedTest()}))["tests"][0];
  EXPECT_EQ(test, json::parse(R"({"name": "one-line", "score": 10, "max_score": 10,
                                  "status": "passed", "output": "", "visibility": "visible"})"));
}

// A failed test's output is the terminal report's details for it, word for word, uncoloured.
TEST(GradescopeResults, FailedTestOutputIsTerminalDetails) {
  const json test = ParsedResults(ReportOf({FailedTest()}))["tests"][0];
  EXPECT_EQ(test["status"], "failed");
  EXPECT_EQ(test["score"], 0);
  EXPECT_EQ(test["max_score"], 20);
  EXPECT_EQ(test["output"],
            "The reader prints both lines, in order.\n"
            "✗ reader prints what the writer read\n"
            "  the reader's output is not the writer's input\n"
            "  expected: hello\\n\n"
            "  got:      hellp\\x00\\n\n"
            "  -hello\n"
            "  +hellp\\0\n"
            "stderr of reader (exited with 0):\n"
            "  reader: short read\n"
            "hint: Is the terminating NUL copied into the segment?\n"
            "cleanup: removed semaphore set 0x0000abcd left by the writer\n");
}

// A hidden test is shown once the instructor publishes grades.
TEST(GradescopeResults, HiddenTestAfterPublished) {
  const json test = ParsedResults(ReportOf({HiddenFailedTest()}))["tests"][0];
  EXPECT_EQ(test["visibility"], "after_published");
}

// A test the grader could not run fails with 0 points and says whose fault it was, first.
TEST(GradescopeResults, ErrorTestIsGraders) {
  TestResult errored = ErrorTest();
  errored.points = 10;  // even if the harness left points behind, an error earns none
  const json test = ParsedResults(ReportOf({errored}))["tests"][0];
  EXPECT_EQ(test["status"], "failed");
  EXPECT_EQ(test["score"], 0);
  EXPECT_EQ(test["output"],
            "Grader error (not your fault): unshare(CLONE_NEWNET): Operation not permitted\n"
            "Four readers share one writer.\n");
}

// A failed build scores 0, shows the log at the top, and lists every test as not run.
TEST(GradescopeResults, BuildFailure) {
  const json results = ParsedResults(BuildFailedReport(1));
  EXPECT_EQ(results["score"], 0);
  EXPECT_EQ(results["output"],
            "Build failed\n"
            "  $ gcc -Wall -o reader reader.c\n"
            "  reader.c:1:1: error: expected ';'\n");
  ASSERT_EQ(results["tests"].size(), 2u);
  for (const json& test : results["tests"]) {
    EXPECT_EQ(test["score"], 0);
    EXPECT_EQ(test["status"], "failed");
    EXPECT_EQ(test["output"], "not run: the submission did not build");
  }
  EXPECT_EQ(results["tests"][1]["max_score"], 15);
  EXPECT_EQ(results["tests"][1]["visibility"], "after_published");
}

// A grader error of the whole run keeps the points of the tests that ran and is shown on top.
TEST(GradescopeResults, RunGraderErrorKeepsScores) {
  GradeReport report = ReportOf({PassedTest(), FailedTest()});
  report.grader_error = "cgroup v2 is not mounted";
  const json results = ParsedResults(report);
  EXPECT_EQ(results["score"], 10);
  EXPECT_EQ(results["tests"][0]["score"], 10);
  EXPECT_EQ(results["output"], RenderGraderError("cgroup v2 is not mounted"));
  EXPECT_EQ(results["output"].get<std::string>().rfind("Grader error (not your fault): ", 0), 0u);
}

// Bytes that are not UTF-8 anywhere in the report never make the file unreadable.
TEST(GradescopeResults, SurvivesInvalidUtf8) {
  TestResult test = FailedTest();
  test.name = "bad-\xff-name";
  test.checks[1].actual = "\xc3(";
  const json results = ParsedResults(ReportOf({test}));
  EXPECT_EQ(results["tests"][0]["name"], "bad-\xef\xbf\xbd-name");  // U+FFFD
  EXPECT_NE(results["tests"][0]["output"].get<std::string>().find("got:      \\xc3(\n"),
            std::string::npos);
}

}  // namespace
}  // namespace labgrade
