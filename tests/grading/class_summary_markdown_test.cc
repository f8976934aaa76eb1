// Tests for grading/class_summary_markdown: summary.md, pinned whole.
#include "grading/class_summary_markdown.h"

#include <gtest/gtest.h>

#include "tests/grading/sample_class.h"

namespace labgrade {
namespace {

using testing::SampleClass;
using testing::Student;

// The heading, the counts and mean, the distribution, each test's pass rate, no grader errors.
TEST(ClassSummaryMarkdown, WholeSummary) {
  EXPECT_EQ(ClassSummaryMarkdown(SampleClass()),
            "# shm-xfer (Shared-memory transfer): class summary\n"
            "\n"
            "3 students, mean 53.3/100; 1 did not build, 0 with grader errors.\n"
            "\n"
            "## Score distribution\n"
            "\n"
            "| total | students |\n"
            "| --- | ---: |\n"
            "| 0–9 | 1 |\n"
            "| 10–19 | 0 |\n"
            "| 20–29 | 0 |\n"
            "| 30–39 | 0 |\n"
            "| 40–49 | 0 |\n"
            "| 50–59 | 0 |\n"
            "| 60–69 | 1 |\n"
            "| 70–79 | 0 |\n"
            "| 80–89 | 0 |\n"
            "| 90–99 | 0 |\n"
            "| 100 | 1 |\n"
            "\n"
            "## Tests\n"
            "\n"
            "| test | points | passed | pass rate | time (all students) | time (mean) |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: |\n"
            "| short-text | 60 | 2/3 | 67% | 0 ms | 0 ms |\n"
            "| cleanup | 40 | 1/3 | 33% | 0 ms | 0 ms |\n"
            "\n"
            "## Grader errors\n"
            "\n"
            "None.\n");
}

// Each test's time over all students and per student, so the costly tests stand out.
TEST(ClassSummaryMarkdown, SaysWhatEachTestCostInTime) {
  ClassGrades grades = SampleClass();
  grades.students[0].tests[0].duration_ms = 1200;
  grades.students[1].tests[0].duration_ms = 2400;
  grades.students[0].tests[1].duration_ms = 300;
  const std::string summary = ClassSummaryMarkdown(grades);
  EXPECT_NE(summary.find("| short-text | 60 | 2/3 | 67% | 3.6 s | 1.2 s |\n"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("| cleanup | 40 | 1/3 | 33% | 300 ms | 100 ms |\n"), std::string::npos)
      << summary;
}

// A grader error is listed under its student, on one line, with Markdown and HTML escaped; it
// is not counted as a build failure.
TEST(ClassSummaryMarkdown, ListsGraderErrorsEscaped) {
  ClassGrades grades = SampleClass();
  grades.students.push_back(
      Student("dave_x", 0, false, {{0, false}, {0, false}}, "internal error: <boom>\n| next"));
  const std::string summary = ClassSummaryMarkdown(grades);
  EXPECT_NE(summary.find("4 students, mean 40.0/100; 1 did not build, 1 with grader errors.\n"),
            std::string::npos)
      << summary;
  EXPECT_TRUE(
      summary.ends_with("## Grader errors\n\n"
                        "- dave\\_x: internal error: &lt;boom&gt;\\\\n\\| next\n"))
      << summary;
}

// Test names with Markdown punctuation cannot break the table.
TEST(ClassSummaryMarkdown, EscapesTestNamesInTheTable) {
  ClassGrades grades = SampleClass();
  grades.tests[0].name = "a|b*c";
  EXPECT_NE(ClassSummaryMarkdown(grades).find("| a\\|b\\*c | 60 | 2/3 | 67% |"), std::string::npos);
}

// A test skipped for some students gets a warning under the table (after a blank line, or it
// would be read as a row), so that its zeros are not read as failures.
TEST(ClassSummaryMarkdown, WarnsAboutASkippedTest) {
  ClassGrades grades = SampleClass();
  grades.students[0].tests[1] = {0, false, true};
  EXPECT_NE(ClassSummaryMarkdown(grades).find(
                "| cleanup | 40 | 0/3 | 0% | 0 ms | 0 ms |\n"
                "\n"
                "**Skipped:** cleanup (40 points) was skipped for 1 of 3 students: the machine "),
            std::string::npos)
      << ClassSummaryMarkdown(grades);
  EXPECT_EQ(ClassSummaryMarkdown(SampleClass()).find("Skipped"), std::string::npos);
}

}  // namespace
}  // namespace labgrade
