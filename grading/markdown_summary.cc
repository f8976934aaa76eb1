// GitHub step-summary Markdown (see markdown_summary.h).
#include "grading/markdown_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "grading/display_text.h"
#include "grading/terminal_report.h"

namespace labgrade {
namespace {

std::string ResultWord(const TestResult& test, bool built) {
  if (!built) return "not run";
  switch (test.outcome) {
    case Outcome::kPass:
      return "✅ pass";
    case Outcome::kFail:
      return "❌ fail";
    case Outcome::kError:
      return "⚠️ grader error";
    case Outcome::kSkipped:
      return "⏭️ skipped";
  }
  return "";
}

std::size_t LongestBacktickRun(std::string_view text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

// A collapsed section: GitHub needs the blank line after </summary> to read Markdown inside.
// The <details> line is raw HTML, where Markdown's backslash escapes would show as they are:
// `summary` is escaped as HTML only.
std::string Collapsed(std::string_view summary, std::string_view body) {
  return fmt::format("<details><summary>{}</summary>\n\n{}\n</details>\n\n", HtmlEscape(summary),
                     MarkdownCodeBlock(body));
}

std::string IsolationLine(const GradeReport& report) {
  if (report.isolation_note.empty()) return "";
  const char* mode = report.isolation == IsolationMode::kNamespaces ? "isolated" : "host mode";
  return fmt::format("Isolation: {}: {}\n\n", mode, MarkdownInline(report.isolation_note));
}

std::string TestTable(const GradeReport& report, bool built) {
  std::string table = "| test | result | points |\n| --- | --- | ---: |\n";
  for (const TestResult& test : report.tests) {
    const int points = built && test.outcome == Outcome::kPass ? test.points : 0;
    table += fmt::format("| {}{} | {} | {}/{} |\n", MarkdownInline(test.name),
                         test.visibility == Visibility::kHidden ? " (hidden)" : "",
                         ResultWord(test, built), points, test.max_points);
  }
  return table;
}

std::string FailureSections(const GradeReport& report) {
  std::string sections;
  for (const TestResult& test : report.tests) {
    // A hidden test's details wait until grades are published (Gradescope's after_published).
    if (test.outcome == Outcome::kPass || test.visibility == Visibility::kHidden) continue;
    sections +=
        Collapsed(fmt::format("{}: 0/{}", test.name, test.max_points), RenderTestDetails(test));
  }
  return sections;
}

}  // namespace

std::string MarkdownInline(std::string_view text) {
  std::string escaped;
  for (char c : EscapeForDisplay(text, SIZE_MAX)) {
    switch (c) {
      case '&':
      case '<':
      case '>':
        // GitHub renders inline HTML: these become entities (quotes are harmless in text).
        escaped += HtmlEntityOf(c);
        break;
      case '|':
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
        escaped += '\\';
        escaped += c;
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string MarkdownCodeBlock(std::string_view text) {
  const std::string fence(std::max<std::size_t>(3, LongestBacktickRun(text) + 1), '`');
  std::string body(text);
  if (!body.empty() && body.back() != '\n') body += '\n';
  return fmt::format("{}text\n{}{}\n", fence, body, fence);
}

std::string StepSummaryMarkdown(const GradeReport& report) {
  const bool built = !SubmissionFailedToBuild(report);
  std::string md = fmt::format("## {} ({}): {}/{}{}\n\n", MarkdownInline(report.lab_name),
                               MarkdownInline(report.lab_title), built ? report.score : 0,
                               report.max_score, MarkdownInline(SkippedPointsNote(report)));
  md += IsolationLine(report);
  if (!report.grader_error.empty())
    md += Collapsed("Grader error (not your fault)", RenderGraderError(report.grader_error));
  if (!built) md += Collapsed("Build failed", RenderBuildFailure(report.build));
  if (!report.tests.empty()) md += TestTable(report, built) + "\n";
  if (built) md += FailureSections(report);
  return md;
}

}  // namespace labgrade
