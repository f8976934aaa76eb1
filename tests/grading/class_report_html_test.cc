// Tests for grading/class_report_html: the page's structure (histogram, pass rates, a row per
// student linking to their report), that it fetches nothing, and that untrusted text is escaped.
#include "grading/class_report_html.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/grading/sample_class.h"

namespace labgrade {
namespace {

using testing::SampleClass;
using testing::Student;

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++count;
  return count;
}

// A whole HTML page with the lab in the title and heading, and the class's counts.
TEST(ClassReportHtml, IsAPageNamingTheLab) {
  const std::string html = ClassReportHtml(SampleClass());
  EXPECT_EQ(
      html.rfind("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", 0), 0u);
  EXPECT_NE(html.find("<title>shm-xfer (Shared-memory transfer): class report</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<h1>shm-xfer (Shared-memory transfer): class report</h1>"),
            std::string::npos);
  EXPECT_NE(html.find("<p>3 students, mean 53.3/100.</p>"), std::string::npos);
  EXPECT_TRUE(html.ends_with("</body>\n</html>\n"));
}

// The histogram is an inline SVG with one bar per score bin, each saying its range and count.
TEST(ClassReportHtml, HistogramHasABarPerBin) {
  const std::string html = ClassReportHtml(SampleClass());
  EXPECT_EQ(Count(html, "<svg "), 1u);
  EXPECT_EQ(Count(html, "<rect "), ScoreDistribution(SampleClass()).size());
  EXPECT_NE(html.find("<title>0–9: 1 students</title>"), std::string::npos);
  EXPECT_NE(html.find("<title>60–69: 1 students</title>"), std::string::npos);
  EXPECT_NE(html.find("<title>100: 1 students</title>"), std::string::npos);
  EXPECT_NE(html.find("<title>10–19: 0 students</title>"), std::string::npos);
}

// Each test has a row with its points, passed count and pass rate.
TEST(ClassReportHtml, PassRatePerTest) {
  const std::string html = ClassReportHtml(SampleClass());
  EXPECT_NE(html.find("<tr><td>short-text</td><td class=\"num\">60</td><td class=\"num\">2/3</td>"
                      "<td><span class=\"rate\" style=\"width: 67px\"></span> 67%</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>cleanup</td><td class=\"num\">40</td><td class=\"num\">1/3</td>"
                      "<td><span class=\"rate\" style=\"width: 33px\"></span> 33%</td></tr>"),
            std::string::npos);
}

// A row per student: the id links to <id>/report.txt, then the total, the notes (on screen
// however many tests there are) and each test's points; headers say what each is out of.
TEST(ClassReportHtml, RowPerStudentLinkingToTheirReport) {
  const std::string html = ClassReportHtml(SampleClass());
  EXPECT_NE(html.find("<tr><th>student</th><th>total <small>/100</small></th><th>notes</th>"
                      "<th>short-text <small>/60</small></th><th>cleanup <small>/40</small></th>"
                      "</tr>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr><td><a href=\"alice/report.txt\">alice</a></td><td class=\"num\">100"
                      "</td><td></td><td class=\"num\">60</td><td class=\"num\">40</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr><td><a href=\"carol/report.txt\">carol</a></td><td class=\"num "
                      "lost\">0</td><td><span class=\"bad\">did not build</span></td>"
                      "<td class=\"num lost\" title=\"failed\">0</td><td class=\"num lost\" "
                      "title=\"failed\">0</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_EQ(Count(html, "/report.txt\">"), 3u);
}

// A test that lost points is highlighted (a 0 must not look like any other number); a full
// score is not.
TEST(ClassReportHtml, HighlightsCellsThatLostPoints) {
  const std::string html = ClassReportHtml(SampleClass());
  EXPECT_NE(html.find("td.lost { background: #fdd;"), std::string::npos);
  EXPECT_NE(html.find("<tr><td><a href=\"bob/report.txt\">bob</a></td><td class=\"num lost\">60"
                      "</td><td></td><td class=\"num\">60</td><td class=\"num lost\" "
                      "title=\"failed\">0</td></tr>"),
            std::string::npos)
      << html;
}

// A skipped test's cell says so, and the tests' table is followed by the warning.
TEST(ClassReportHtml, MarksASkippedTest) {
  ClassGrades grades = SampleClass();
  grades.students[0].tests[1] = {0, false, true};
  const std::string html = ClassReportHtml(grades);
  EXPECT_NE(html.find("<td class=\"num skip\" title=\"skipped\">0 (skipped)</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("</table>\n<p class=\"bad\"><strong>Skipped:</strong> cleanup (40 points) "
                      "was skipped for 1 of 3 students"),
            std::string::npos)
      << html;
  EXPECT_EQ(ClassReportHtml(SampleClass()).find("skipped"), std::string::npos);
}

// Self-contained: no scripts, no stylesheets or images fetched, no URL at all.
TEST(ClassReportHtml, FetchesNothing) {
  const std::string html = ClassReportHtml(SampleClass());
  for (const char* outside : {"http:", "https:", "//", "<script", "<link", "src=", "url("}) {
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;
  }
  EXPECT_NE(html.find("<style>"), std::string::npos);
}

// Student ids, test names, the lab's title and grader errors are escaped; the link is
// percent-encoded, so an id cannot inject markup or leave the folder.
TEST(ClassReportHtml, EscapesUntrustedText) {
  ClassGrades grades = SampleClass();
  grades.lab_title = "<i>T</i>";
  grades.tests[0].name = "a<b>";
  grades.students = {Student("<img src=x onerror=alert(1)>", 0, true, {{0, false}, {0, false}},
                             "internal error: <boom> & \"more\"")};
  const std::string html = ClassReportHtml(grades);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<boom>"), std::string::npos);
  EXPECT_EQ(html.find("<i>T"), std::string::npos);
  EXPECT_NE(html.find("<title>shm-xfer (&lt;i&gt;T&lt;/i&gt;): class report</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<th>a&lt;b&gt; <small>/60</small></th>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/report.txt\">"
                      "&lt;img src=x onerror=alert(1)&gt;</a>"),
            std::string::npos);
  EXPECT_NE(html.find("grader error: internal error: &lt;boom&gt; &amp; &quot;more&quot;"),
            std::string::npos);
}

// Only unreserved characters stay in a path segment; a slash is encoded too.
TEST(PercentEncode, KeepsUnreservedOnly) {
  EXPECT_EQ(PercentEncode("a-Z_0.9~"), "a-Z_0.9~");
  EXPECT_EQ(PercentEncode("a/b c"), "a%2Fb%20c");
  EXPECT_EQ(PercentEncode("é"), "%C3%A9");
}

}  // namespace
}  // namespace labgrade
