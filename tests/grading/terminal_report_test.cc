// Tests for grading/terminal_report: the exact text a student reads after a grading run.
#include "grading/terminal_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "tests/grading/sample_reports.h"

namespace labgrade {
namespace {

using namespace std::string_literals;
using testing::BinaryFailedTest;
using testing::BuildFailedReport;
using testing::Check;
using testing::FailedTest;
using testing::HiddenFailedTest;
using testing::MixedReport;
using testing::PassedTest;
using testing::ReportOf;
using testing::SkippedTest;

constexpr TerminalStyle kPlain;

// A run with every outcome: one line per test, what went wrong under each failure, the score.
TEST(RenderTerminalReport, ShowsEveryOutcome) {
  EXPECT_EQ(RenderTerminalReport(MixedReport(), kPlain),
            "Shared-memory ring buffer (shm-ring)\n"
            "submission: submissions/alice\n"
            "isolation:  isolated (namespaces)\n"
            "\n"
            "PASS   one-line              10/10   12 ms\n"
            "FAIL   two-lines              0/20   1.4 s\n"
            "       The reader prints both lines, in order.\n"
            "       ✗ reader prints what the writer read\n"
            "         the reader's output is not the writer's input\n"
            "         expected: hello\\n\n"
            "         got:      hellp\\x00\\n\n"
            "         -hello\n"
            "         +hellp\\0\n"
            "       stderr of reader (exited with 0):\n"
            "         reader: short read\n"
            "       hint: Is the terminating NUL copied into the segment?\n"
            "       cleanup: removed semaphore set 0x0000abcd left by the writer\n"
            "FAIL   binary-copy            0/10  250 ms\n"
            "       ✗ reader's output equals the input file\n"
            "         the copy differs from the original\n"
            "         first difference at byte 4096 (expected 8192 bytes, got 8000)\n"
            "ERROR  many-readers           0/10    3 ms\n"
            "       Grader error (not your fault): unshare(CLONE_NEWNET): Operation not permitted\n"
            "       Four readers share one writer.\n"
            "SKIP   slow-writer             0/5    0 ms\n"
            "       skipped: reader exits with 0 (the writer never created its semaphore set)\n"
            "FAIL   large-input (hidden)   0/15   2.0 s\n"
            "       A 1 MiB input goes through the ring.\n"
            "       ✗ reader prints 1048576 bytes\n"
            "         the reader stopped early\n"
            "         expected: 1048576 bytes\n"
            "         got:      65536 bytes\n"
            "\n"
            "Score: 10/70\n");
}

// With colour, each mark gets its colour and the score is bold.
TEST(RenderTerminalReport, ColoursMarksAndScore) {
  const std::string text = RenderTerminalReport(MixedReport(), {.color = true});
  EXPECT_NE(text.find("\x1b[32mPASS\x1b[0m   one-line"), std::string::npos) << text;
  EXPECT_NE(text.find("\x1b[1;31mFAIL\x1b[0m   two-lines"), std::string::npos) << text;
  EXPECT_NE(text.find("\x1b[1;33mERROR\x1b[0m  many-readers"), std::string::npos) << text;
  EXPECT_NE(text.find("\x1b[90mSKIP\x1b[0m   slow-writer"), std::string::npos) << text;
  EXPECT_NE(text.find("\x1b[1mScore: 10/70\x1b[0m\n"), std::string::npos) << text;
}

// Without colour, not one escape byte is written, even when the student's output held some.
TEST(RenderTerminalReport, PlainHasNoEscapeBytes) {
  TestResult test = FailedTest();
  test.checks[1].actual = "\x1b[2J\x1b[H";
  test.programs[0].stderr_excerpt = "\x1b[31mpanic\n";
  const std::string text = RenderTerminalReport(ReportOf({test}), kPlain);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("got:      \\x1b[2J\\x1b[H\n"), std::string::npos) << text;
}

// Stderr cut to its first lines says how much was left out.
TEST(RenderTerminalReport, SaysHowMuchStderrWasLeftOut) {
  TestResult test = FailedTest();
  test.programs[0].stderr_excerpt = "reader: short read\n";
  test.programs[0].stderr_bytes = 5019;
  const std::string text = RenderTerminalReport(ReportOf({test}), kPlain);
  EXPECT_NE(text.find("       stderr of reader (exited with 0):\n"
                      "         reader: short read\n"
                      "         … (5000 more bytes not shown, 5019 in all)\n"),
            std::string::npos)
      << text;
}

// A passing test still says what its programs left behind (a daemon, say).
TEST(RenderTerminalReport, PassSaysWhatWasLeftBehind) {
  TestResult test = PassedTest();
  test.cleanup = {"1 process was still running after your programs ended"};
  const std::string text = RenderTerminalReport(ReportOf({test}), kPlain);
  EXPECT_NE(text.find("PASS   one-line  10/10  12 ms\n"
                      "       cleanup: 1 process was still running after your programs ended\n"),
            std::string::npos)
      << text;
}

// A hidden test shows only its line when hidden details are withheld.
TEST(RenderTerminalReport, WithholdsHiddenDetails) {
  EXPECT_EQ(RenderTerminalReport(ReportOf({PassedTest(), HiddenFailedTest()}),
                                 {.show_hidden_details = false}),
            "Shared-memory ring buffer (shm-ring)\n"
            "submission: submissions/alice\n"
            "isolation:  isolated (namespaces)\n"
            "\n"
            "PASS   one-line              10/10  12 ms\n"
            "FAIL   large-input (hidden)   0/15  2.0 s\n"
            "\n"
            "Score: 10/25\n");
}

// A skipped test's points are left out of the score, and the score line says how many.
TEST(RenderTerminalReport, SaysWhichPointsSkippedTestsLeftOut) {
  GradeReport report = ReportOf({PassedTest(), SkippedTest()});
  report.max_score = 10;  // as the grader leaves it: the skipped test's 5 points are not in it
  report.skipped_points = 5;
  const std::string text = RenderTerminalReport(report, kPlain);
  EXPECT_NE(text.find("\nScore: 10/10 (not counted: 5 points of skipped tests)\n"),
            std::string::npos)
      << text;
}

// A failed build shows the command and the compiler's output instead of tests, and scores 0.
TEST(RenderTerminalReport, ShowsBuildFailure) {
  EXPECT_EQ(RenderTerminalReport(BuildFailedReport(2), kPlain),
            "Shared-memory ring buffer (shm-ring)\n"
            "submission: submissions/alice\n"
            "isolation:  isolated (namespaces)\n"
            "\n"
            "Build failed\n"
            "  $ gcc -Wall -o reader reader.c\n"
            "  reader.c:1:1: error: expected ';'\n"
            "  reader.c:2:1: error: expected ';'\n"
            "\n"
            "Score: 0/25\n");
}

// A long compiler log is cut after 60 lines, saying how many were left out.
TEST(RenderTerminalReport, CapsBuildLog) {
  const std::string text = RenderTerminalReport(BuildFailedReport(75), kPlain);
  EXPECT_NE(text.find("  reader.c:60:1: error: expected ';'\n"
                      "  … (15 more lines)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("reader.c:61:"), std::string::npos) << text;
}

// A build that printed nothing says so rather than leaving a blank.
TEST(RenderTerminalReport, SaysWhenBuildPrintedNothing) {
  EXPECT_EQ(RenderBuildFailure(BuildResult{false, "make reader", "", ""}),
            "Build failed\n"
            "  $ make reader\n"
            "  (no output)\n");
}

// Host mode says so in the header, with the reason.
TEST(RenderTerminalReport, NamesHostMode) {
  GradeReport report = ReportOf({PassedTest()});
  report.isolation = IsolationMode::kHost;
  report.isolation_note = "user namespaces are disabled";
  const std::string text = RenderTerminalReport(report, kPlain);
  EXPECT_EQ(text.substr(0, text.find("PASS")),
            "Shared-memory ring buffer (shm-ring)\n"
            "submission: submissions/alice\n"
            "isolation:  host mode (one test at a time): user namespaces are disabled\n"
            "\n");
}

// A grader error of the whole run is shown as the grader's, just above the score.
TEST(RenderTerminalReport, ShowsRunGraderErrorAsGraders) {
  GradeReport report = ReportOf({PassedTest()});
  report.grader_error = "cgroup v2 is not mounted at /sys/fs/cgroup";
  const std::string text = RenderTerminalReport(report, kPlain);
  const std::string tail =
      "PASS   one-line  10/10  12 ms\n"
      "\n"
      "Grader error (not your fault): cgroup v2 is not mounted at /sys/fs/cgroup\n"
      "  This is a problem with the grader, not with your submission.\n"
      "  Your score may be incomplete: please tell your instructor.\n"
      "\n"
      "Score: 10/10\n";
  ASSERT_GE(text.size(), tail.size());
  EXPECT_EQ(text.substr(text.size() - tail.size()), tail);
}

// A grader that failed before it ran the build does not tell the student the build failed.
TEST(RenderTerminalReport, DoesNotBlameBuildForEarlyGraderError) {
  GradeReport report = ReportOf({});
  report.build = BuildResult{};
  report.grader_error = "mkdtemp(/tmp/labgrade-XXXXXX): No space left on device";
  const std::string text = RenderTerminalReport(report, kPlain);
  EXPECT_EQ(text.find("Build failed"), std::string::npos) << text;
  EXPECT_NE(text.find("Grader error (not your fault): mkdtemp"), std::string::npos) << text;
}

// When one output is a prefix of the other, they part where the shorter one ends.
TEST(RenderTestDetails, PlacesPrefixDifferenceAtShorterEnd) {
  TestResult test = BinaryFailedTest();
  test.checks[0].difference->offset = -1;
  test.checks[0].difference->actual_size = 9000;
  EXPECT_EQ(RenderTestDetails(test),
            "✗ reader's output equals the input file\n"
            "  the copy differs from the original\n"
            "  first difference at byte 8192 (expected 8192 bytes, got 9000)\n");
}

// A passed test has nothing to explain.
TEST(RenderTestDetails, PassIsEmpty) { EXPECT_EQ(RenderTestDetails(PassedTest()), ""); }

// A check the grader could not make is reported as the grader's, naming the check.
TEST(RenderTestDetails, NamesCheckGraderError) {
  TestResult test = PassedTest();
  test.outcome = Outcome::kFail;
  test.description = "";
  test.checks = {Check("no IPC objects are left", Outcome::kError, "ipcs: not found")};
  EXPECT_EQ(RenderTestDetails(test),
            "Grader error (not your fault): no IPC objects are left: ipcs: not found\n");
}

// A long expected value is cut, and a multi-line hint keeps its lines aligned under the label.
TEST(RenderTestDetails, CutsLongValuesAndAlignsHint) {
  TestResult test = HiddenFailedTest();
  test.description = "";
  test.checks[0].expected = std::string(300, 'a');
  test.checks[0].actual = "";
  test.hint = "Check the loop.\nThen the semaphore.\n";
  EXPECT_EQ(RenderTestDetails(test),
            "✗ reader prints 1048576 bytes\n"
            "  the reader stopped early\n"
            "  expected: " +
                std::string(256, 'a') +
                "… (44 more bytes)\n"
                "hint: Check the loop.\n"
                "      Then the semaphore.\n");
}

// Names longer than the width are not padded to it; shorter ones still line up.
TEST(RenderTerminalReport, DoesNotPadNamesPastWidth) {
  TestResult long_name = PassedTest();
  long_name.name = "a-test-name-far-longer-than-the-terminal";
  const std::string text = RenderTerminalReport(ReportOf({PassedTest(), long_name}), {.width = 29});
  EXPECT_NE(text.find("PASS   one-line  10/10  12 ms\n"
                      "PASS   a-test-name-far-longer-than-the-terminal  10/10  12 ms\n"),
            std::string::npos)
      << text;
}

// A build taken from the build cache says so under the header; a fresh build says nothing.
TEST(RenderTerminalReport, SaysWhenTheBuildCameFromTheCache) {
  GradeReport report = ReportOf({PassedTest()});
  report.build.from_cache = true;
  const std::string header =
      "Shared-memory ring buffer (shm-ring)\n"
      "submission: submissions/alice\n"
      "isolation:  isolated (namespaces)\n"
      "build:      cached (the same files were built before)\n"
      "\n"
      "PASS   one-line";
  EXPECT_EQ(RenderTerminalReport(report, kPlain).substr(0, header.size()), header);
  report.build.from_cache = false;
  EXPECT_EQ(RenderTerminalReport(report, kPlain).find("build:"), std::string::npos);
}

// Colour only on a terminal, never when NO_COLOR is set to a non-empty value (no-color.org:
// an empty one is no choice) or TERM is dumb.
TEST(ShouldUseColor, FollowsTerminalAndEnvironment) {
  EXPECT_TRUE(ShouldUseColor(true, nullptr, "xterm-256color"));
  EXPECT_TRUE(ShouldUseColor(true, nullptr, nullptr));
  EXPECT_FALSE(ShouldUseColor(false, nullptr, "xterm-256color"));
  EXPECT_TRUE(ShouldUseColor(true, "", "xterm-256color"));
  EXPECT_FALSE(ShouldUseColor(true, "1", "xterm-256color"));
  EXPECT_FALSE(ShouldUseColor(true, nullptr, "dumb"));
}

// A pipe is not a terminal.
TEST(ShouldUseColor, PipeIsNotTerminal) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  EXPECT_FALSE(ShouldUseColor(fds[1]));
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace labgrade
