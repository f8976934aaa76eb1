// summary.md (see class_summary_markdown.h).
#include "grading/class_summary_markdown.h"

#include <fmt/format.h>

#include <algorithm>

#include "grading/markdown_summary.h"

namespace labgrade {
namespace {

std::string Overview(const ClassGrades& grades) {
  const auto did_not_build =
      std::count_if(grades.students.begin(), grades.students.end(),
                    [](const StudentGrade& s) { return !s.build_ok && s.grader_error.empty(); });
  const auto grader_errors =
      std::count_if(grades.students.begin(), grades.students.end(),
                    [](const StudentGrade& s) { return !s.grader_error.empty(); });
  return fmt::format("{} students, mean {:.1f}/{}; {} did not build, {} with grader errors.\n\n",
                     grades.students.size(), MeanTotal(grades), grades.MaxTotal(), did_not_build,
                     grader_errors);
}

std::string DistributionTable(const ClassGrades& grades) {
  std::string table = "## Score distribution\n\n| total | students |\n| --- | ---: |\n";
  for (const ScoreBin& bin : ScoreDistribution(grades)) {
    const std::string range =
        bin.low == bin.high ? std::to_string(bin.low) : fmt::format("{}–{}", bin.low, bin.high);
    table += fmt::format("| {} | {} |\n", range, bin.students);
  }
  return table + "\n";
}

// "850 ms", "12.4 s": how long a test took.
std::string Duration(std::int64_t ms) {
  if (ms < 1000) return fmt::format("{} ms", ms);
  return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
}

std::string TestTable(const ClassGrades& grades) {
  // The times say which tests cost the grading its time: over all students, and per student.
  std::string table =
      "## Tests\n\n| test | points | passed | pass rate | time (all students) | time (mean) |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: |\n";
  for (std::size_t i = 0; i < grades.tests.size(); ++i) {
    const std::int64_t total_ms = TotalDurationMs(grades, i);
    const auto students = static_cast<std::int64_t>(grades.students.size());
    table += fmt::format("| {} | {} | {}/{} | {}% | {} | {} |\n",
                         MarkdownInline(grades.tests[i].name), grades.tests[i].max_points,
                         PassedCount(grades, i), grades.students.size(), PassRatePercent(grades, i),
                         Duration(total_ms), Duration(students > 0 ? total_ms / students : 0));
  }
  // After a blank line: a line right under a table would be read as one more row.
  for (const std::string& warning : SkippedTestWarnings(grades))
    table += "\n**Skipped:** " + MarkdownInline(warning) + ".\n";
  return table + "\n";
}

std::string GraderErrors(const ClassGrades& grades) {
  std::string section = "## Grader errors\n\n";
  bool any = false;
  for (const StudentGrade& student : grades.students) {
    if (student.grader_error.empty()) continue;
    any = true;
    section += fmt::format("- {}: {}\n", MarkdownInline(student.student_id),
                           MarkdownInline(student.grader_error));
  }
  return section + (any ? "" : "None.\n");
}

}  // namespace

std::string ClassSummaryMarkdown(const ClassGrades& grades) {
  return fmt::format("# {} ({}): class summary\n\n", MarkdownInline(grades.lab_name),
                     MarkdownInline(grades.lab_title)) +
         Overview(grades) + DistributionTable(grades) + TestTable(grades) + GraderErrors(grades);
}

}  // namespace labgrade
