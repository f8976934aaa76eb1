// Tests for grading/markdown_summary: the GitHub step summary of one graded submission, and the
// escaping that keeps untrusted text from breaking out of a table cell or a code block.
#include "grading/markdown_summary.h"

#include <gtest/gtest.h>

#include <string>

#include "grading/terminal_report.h"
#include "tests/grading/sample_reports.h"

namespace labgrade {
namespace {

using testing::BuildFailedReport;
using testing::FailedTest;
using testing::HiddenFailedTest;
using testing::PassedTest;
using testing::ReportOf;

// Markdown punctuation gets a backslash, HTML's specials become entities, control bytes \xNN.
TEST(MarkdownInline, EscapesMarkdownHtmlAndControlBytes) {
  EXPECT_EQ(MarkdownInline("plain text-1.2"), "plain text-1.2");
  EXPECT_EQ(MarkdownInline("a|b`c*d_e[f]#g"), "a\\|b\\`c\\*d\\_e\\[f\\]\\#g");
  EXPECT_EQ(MarkdownInline("<img src=x> & co"), "&lt;img src=x&gt; &amp; co");
  EXPECT_EQ(MarkdownInline("two\nlines\x1b"), "two\\\\nlines\\\\x1b");
}

// The fence is longer than any run of backticks inside, and at least three.
TEST(MarkdownCodeBlock, FenceOutlastsTheText) {
  EXPECT_EQ(MarkdownCodeBlock("a\nb"), "```text\na\nb\n```\n");
  EXPECT_EQ(MarkdownCodeBlock("x ```` y\n"), "`````text\nx ```` y\n`````\n");
  EXPECT_EQ(MarkdownCodeBlock(""), "```text\n```\n");
}

// Score heading, isolation, a table of tests, and each failure's details collapsed.
TEST(StepSummaryMarkdown, ScoreTableAndCollapsedFailures) {
  GradeReport report = ReportOf({PassedTest(), FailedTest()});
  report.isolation_note = "each test in its own PID, IPC, network and mount namespaces";
  EXPECT_EQ(StepSummaryMarkdown(report),
            "## shm-ring (Shared-memory ring buffer): 10/30\n"
            "\n"
            "Isolation: isolated: each test in its own PID, IPC, network and mount namespaces\n"
            "\n"
            "| test | result | points |\n"
            "| --- | --- | ---: |\n"
            "| one-line | ✅ pass | 10/10 |\n"
            "| two-lines | ❌ fail | 0/20 |\n"
            "\n"
            "<details><summary>two-lines: 0/20</summary>\n"
            "\n"
            "```text\n" +
                RenderTestDetails(FailedTest()) +
                "```\n"
                "\n"
                "</details>\n"
                "\n");
}

// Host mode is named as such.
TEST(StepSummaryMarkdown, SaysHostMode) {
  GradeReport report = ReportOf({PassedTest()});
  report.isolation = IsolationMode::kHost;
  report.isolation_note = "unshare(CLONE_NEWUSER): Operation not permitted";
  EXPECT_NE(StepSummaryMarkdown(report).find(
                "\nIsolation: host mode: unshare(CLONE\\_NEWUSER): Operation not permitted\n"),
            std::string::npos);
}

// The <summary> line is raw HTML: a test name is HTML-escaped there, without Markdown's
// backslashes (which GitHub would show), and cannot close the tag.
TEST(StepSummaryMarkdown, SummaryLineIsEscapedAsHtml) {
  TestResult test = FailedTest();
  test.name = "large_copy</summary><b>";
  const std::string md = StepSummaryMarkdown(ReportOf({test}));
  EXPECT_NE(md.find("<details><summary>large_copy&lt;/summary&gt;&lt;b&gt;: 0/20</summary>\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| large\\_copy&lt;/summary&gt;&lt;b&gt; | ❌ fail | 0/20 |\n"),
            std::string::npos)
      << md;
}

// A hidden test is marked as such, and its details are not shown.
TEST(StepSummaryMarkdown, HidesAHiddenTestsDetails) {
  const std::string md = StepSummaryMarkdown(ReportOf({PassedTest(), HiddenFailedTest()}));
  EXPECT_NE(md.find("| large-input (hidden) | ❌ fail | 0/15 |\n"), std::string::npos) << md;
  EXPECT_EQ(md.find("<details>"), std::string::npos) << md;
  EXPECT_EQ(md.find("the reader stopped early"), std::string::npos) << md;
}

// Output holding a fence cannot end the code block early.
TEST(StepSummaryMarkdown, FailureDetailsCannotCloseTheirBlock) {
  TestResult test = FailedTest();
  test.checks[1].rationale = "```\n</details>";
  const std::string md = StepSummaryMarkdown(ReportOf({test}));
  EXPECT_NE(md.find("<summary>two-lines: 0/20</summary>\n\n````text\n"), std::string::npos) << md;
}

// A failed build: score 0, the compiler output collapsed, every test "not run".
TEST(StepSummaryMarkdown, BuildFailure) {
  const GradeReport report = BuildFailedReport(1);
  EXPECT_EQ(StepSummaryMarkdown(report),
            "## shm-ring (Shared-memory ring buffer): 0/25\n"
            "\n"
            "<details><summary>Build failed</summary>\n"
            "\n"
            "```text\n" +
                RenderBuildFailure(report.build) +
                "```\n"
                "\n"
                "</details>\n"
                "\n"
                "| test | result | points |\n"
                "| --- | --- | ---: |\n"
                "| one-line | not run | 0/10 |\n"
                "| large-input (hidden) | not run | 0/15 |\n"
                "\n");
}

// A grader error is collapsed first and says it is not the student's fault.
TEST(StepSummaryMarkdown, GraderError) {
  GradeReport report = ReportOf({});
  report.grader_error = "cannot create a test cell";
  EXPECT_EQ(StepSummaryMarkdown(report),
            "## shm-ring (Shared-memory ring buffer): 0/0\n"
            "\n"
            "<details><summary>Grader error (not your fault)</summary>\n"
            "\n"
            "```text\n" +
                RenderGraderError("cannot create a test cell") +
                "```\n"
                "\n"
                "</details>\n"
                "\n");
}

}  // namespace
}  // namespace labgrade
