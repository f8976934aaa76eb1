// report.html (see class_report_html.h).
#include "grading/class_report_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "grading/display_text.h"

namespace labgrade {
namespace {

constexpr std::string_view kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.num { text-align: right; }
.rate { display: inline-block; height: 0.8em; background: #4a8; }
.bad { color: #b22; }
td.lost { background: #fdd; color: #900; font-weight: bold; }
td.skip { background: #eee; color: #666; }
th small { font-weight: normal; color: #666; }
svg text { font-size: 11px; fill: #222; }
svg rect { fill: #48a; }
)";

constexpr int kBarWidthPx = 40;
constexpr int kChartHeightPx = 160;
constexpr int kLabelHeightPx = 30;

std::string Histogram(const ClassGrades& grades) {
  const std::vector<ScoreBin> bins = ScoreDistribution(grades);
  int tallest = 1;
  for (const ScoreBin& bin : bins) tallest = std::max(tallest, bin.students);
  const int width = static_cast<int>(bins.size()) * kBarWidthPx;
  // No xmlns: SVG inside HTML needs none, and the page then names no URL at all.
  std::string svg = fmt::format(
      "<svg width=\"{0}\" height=\"{1}\" role=\"img\" "
      "aria-label=\"histogram of total scores\">\n",
      width, kChartHeightPx + kLabelHeightPx);
  for (std::size_t i = 0; i < bins.size(); ++i) {
    const int height = bins[i].students * (kChartHeightPx - 15) / tallest;
    const int x = static_cast<int>(i) * kBarWidthPx;
    const std::string range = bins[i].low == bins[i].high
                                  ? std::to_string(bins[i].low)
                                  : fmt::format("{}–{}", bins[i].low, bins[i].high);
    svg += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {} students</title></rect>"
        "<text x=\"{}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\">{}</text>\n",
        x + 4, kChartHeightPx - height, kBarWidthPx - 8, height, range, bins[i].students, x + 4,
        kChartHeightPx - height - 3, bins[i].students, x + 2, kChartHeightPx + 15, range);
  }
  return svg + "</svg>\n";
}

std::string TestTable(const ClassGrades& grades) {
  std::string table =
      "<table>\n<tr><th>test</th><th>points</th><th>passed</th><th>pass rate</th></tr>\n";
  for (std::size_t i = 0; i < grades.tests.size(); ++i) {
    const int rate = PassRatePercent(grades, i);
    table += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}/{}</td>"
        "<td><span class=\"rate\" style=\"width: {}px\"></span> {}%</td></tr>\n",
        HtmlEscape(grades.tests[i].name), grades.tests[i].max_points, PassedCount(grades, i),
        grades.students.size(), rate, rate);
  }
  table += "</table>\n";
  for (const std::string& warning : SkippedTestWarnings(grades))
    table += "<p class=\"bad\"><strong>Skipped:</strong> " + HtmlEscape(warning) + ".</p>\n";
  return table;
}

std::string StudentStatus(const StudentGrade& student) {
  if (!student.grader_error.empty())
    return "<span class=\"bad\">grader error: " + HtmlEscape(student.grader_error) + "</span>";
  if (!student.build_ok) return "<span class=\"bad\">did not build</span>";
  return "";
}

std::string StudentTable(const ClassGrades& grades) {
  // The notes come right after the total, so that "did not build" is on screen however many
  // tests there are; each test's header says what it is out of, and a cell that lost points
  // is marked, so a 0 does not look like any other number.
  std::string table =
      "<table>\n<tr><th>student</th><th>total <small>/{}</small></th><th>notes</th>";
  table = fmt::format(fmt::runtime(table), grades.MaxTotal());
  for (const TestColumn& test : grades.tests)
    table += fmt::format("<th>{} <small>/{}</small></th>", HtmlEscape(test.name), test.max_points);
  table += "</tr>\n";
  for (const StudentGrade& student : grades.students) {
    const bool lost_points = student.total < grades.MaxTotal();
    table += fmt::format(
        "<tr><td><a href=\"{}/report.txt\">{}</a></td><td class=\"num{}\">{}</td><td>{}</td>",
        HtmlEscape(PercentEncode(student.student_id)), HtmlEscape(student.student_id),
        lost_points ? " lost" : "", student.total, StudentStatus(student));
    for (std::size_t i = 0; i < student.tests.size(); ++i) {
      const StudentTestScore& test = student.tests[i];
      const int max_points = i < grades.tests.size() ? grades.tests[i].max_points : 0;
      if (test.skipped) {
        table +=
            fmt::format("<td class=\"num skip\" title=\"skipped\">{} (skipped)</td>", test.points);
      } else if (test.points < max_points) {
        table += fmt::format("<td class=\"num lost\" title=\"failed\">{}</td>", test.points);
      } else {
        table += fmt::format("<td class=\"num\">{}</td>", test.points);
      }
    }
    table += "</tr>\n";
  }
  return table + "</table>\n";
}

}  // namespace

std::string PercentEncode(std::string_view segment) {
  std::string encoded;
  for (char c : segment) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return encoded;
}

std::string ClassReportHtml(const ClassGrades& grades) {
  const std::string title =
      HtmlEscape(fmt::format("{} ({}): class report", grades.lab_name, grades.lab_title));
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>{0}</title>\n<style>{1}</style>\n</head>\n<body>\n<h1>{0}</h1>\n"
      "<p>{2} students, mean {3:.1f}/{4}.</p>\n<h2>Total scores</h2>\n{5}<h2>Tests</h2>\n{6}"
      "<h2>Students</h2>\n{7}</body>\n</html>\n",
      title, kStyle, grades.students.size(), MeanTotal(grades), grades.MaxTotal(),
      Histogram(grades), TestTable(grades), StudentTable(grades));
}

}  // namespace labgrade
