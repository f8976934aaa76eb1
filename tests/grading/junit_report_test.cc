// Tests for grading/junit_report: the exact XML, its escaping, and that a parser reads it back.
#include "grading/junit_report.h"

#include <gtest/gtest.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <regex>
#include <sstream>
#include <string>

#include "tests/grading/sample_reports.h"

namespace labgrade {
namespace {

using namespace std::string_literals;
using testing::BinaryFailedTest;
using testing::BuildFailedReport;
using testing::Check;
using testing::ErrorTest;
using testing::HiddenFailedTest;
using testing::PassedTest;
using testing::ReportOf;
using testing::SkippedTest;

// The XML parsed back. The parser (rapidxml) throws on unbalanced tags but accepts a bare '&'
// or '<' in an attribute, so escaping is checked by AmpersandsAreReferences and exact text.
boost::property_tree::ptree Parsed(const std::string& xml) {
  std::istringstream in(xml);
  boost::property_tree::ptree tree;
  boost::property_tree::read_xml(in, tree);
  return tree;
}

// True when every '&' in `xml` starts a reference: &amp; &lt; &gt; &quot; &apos; or &#N;.
bool AmpersandsAreReferences(const std::string& xml) {
  static const std::regex kReference("^&(amp|lt|gt|quot|apos|#[0-9]+);");
  for (std::size_t at = xml.find('&'); at != std::string::npos; at = xml.find('&', at + 1)) {
    if (!std::regex_search(xml.substr(at, 8), kReference)) return false;
  }
  return true;
}

// True when `xml` holds a character XML 1.0 forbids (controls other than tab, LF and CR).
bool HasForbiddenControl(const std::string& xml) {
  for (const char c : xml) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') return true;
  }
  return false;
}

// One testcase per test: a pass is empty, a failure, an error and a skip say why.
TEST(JunitXml, OneTestcasePerOutcome) {
  EXPECT_EQ(JunitXml(ReportOf({PassedTest(), BinaryFailedTest(), ErrorTest(), SkippedTest()})),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites>\n"
            "  <testsuite name=\"shm-ring\" tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\" "
            "time=\"3.715\">\n"
            "    <testcase classname=\"shm-ring\" name=\"one-line\" time=\"0.012\"/>\n"
            "    <testcase classname=\"shm-ring\" name=\"binary-copy\" time=\"0.250\">\n"
            "      <failure message=\"reader's output equals the input file\">"
            "✗ reader's output equals the input file\n"
            "  the copy differs from the original\n"
            "  first difference at byte 4096 (expected 8192 bytes, got 8000)\n"
            "</failure>\n"
            "    </testcase>\n"
            "    <testcase classname=\"shm-ring\" name=\"many-readers\" time=\"0.003\">\n"
            "      <error message=\"unshare(CLONE_NEWNET): Operation not permitted\">"
            "Grader error (not your fault): unshare(CLONE_NEWNET): Operation not permitted\n"
            "Four readers share one writer.\n"
            "</error>\n"
            "    </testcase>\n"
            "    <testcase classname=\"shm-ring\" name=\"slow-writer\" time=\"0.000\">\n"
            "      <skipped message=\"reader exits with 0 (the writer never created its semaphore "
            "set)\"/>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "</testsuites>\n");
}

// Markup characters are escaped in attributes and text, and read back unchanged.
TEST(JunitXml, EscapesMarkup) {
  TestResult test = PassedTest();
  test.name = "a<b>&\"c\"";
  test.description = "";
  test.outcome = Outcome::kFail;
  test.checks = {Check("x < y && \"z\"", Outcome::kFail, "]]> is not the end\nof anything")};
  const std::string xml = JunitXml(ReportOf({test}));
  EXPECT_NE(xml.find("name=\"a&lt;b&gt;&amp;&quot;c&quot;\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("]]&gt; is not the end\n"), std::string::npos) << xml;
  EXPECT_TRUE(AmpersandsAreReferences(xml)) << xml;
  const auto tree = Parsed(xml);
  const auto& testcase = tree.get_child("testsuites.testsuite.testcase");
  EXPECT_EQ(testcase.get<std::string>("<xmlattr>.name"), "a<b>&\"c\"");
  EXPECT_EQ(testcase.get<std::string>("failure.<xmlattr>.message"), "x < y && \"z\"");
  EXPECT_EQ(testcase.get<std::string>("failure"),
            "✗ x < y && \"z\"\n  ]]> is not the end\n  of anything\n");
}

// Bytes XML 1.0 cannot hold, and bytes that are not UTF-8, are written as visible \xNN.
TEST(JunitXml, EscapesForbiddenCharacters) {
  TestResult test = BinaryFailedTest();
  test.checks[0].what = "bell\x07 and nul\0 and \xff"s;
  test.checks[0].actual = "\x01\x02\x0b\x0c\x1f";
  const std::string xml = JunitXml(ReportOf({test}));
  EXPECT_FALSE(HasForbiddenControl(xml)) << xml;
  EXPECT_TRUE(AmpersandsAreReferences(xml)) << xml;
  EXPECT_NE(xml.find("message=\"bell\\x07 and nul\\x00 and \\xff\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("got:      \\x01\\x02\\x0b\\x0c\\x1f\n"), std::string::npos) << xml;
  Parsed(xml);
}

// A newline in an attribute is written as a reference, so a parser keeps it.
TEST(JunitXml, KeepsNewlinesInAttributes) {
  TestResult test = ErrorTest();
  test.grader_error = "first line\nsecond\tline";
  const std::string xml = JunitXml(ReportOf({test}));
  EXPECT_NE(xml.find("message=\"first line&#10;second&#9;line\""), std::string::npos) << xml;
  EXPECT_EQ(Parsed(xml).get<std::string>("testsuites.testsuite.testcase.error.<xmlattr>.message"),
            "first line\nsecond\tline");
}

// A failed hidden test says that it failed, and nothing of what it checked.
TEST(JunitXml, WithholdsHiddenTestDetails) {
  const std::string xml = JunitXml(ReportOf({HiddenFailedTest()}));
  EXPECT_NE(xml.find("      <failure message=\"hidden test failed\">a hidden test: its details "
                     "are shown once grades are published</failure>\n"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("1048576"), std::string::npos) << xml;
  Parsed(xml);
}

// A failed build fails every test "not run", as results.json and Classroom's result do; the
// first holds the log, and each points at the file the compiler complained about.
TEST(JunitXml, BuildFailureFailsEveryTestNotRun) {
  EXPECT_EQ(JunitXml(BuildFailedReport(1)),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites>\n"
            "  <testsuite name=\"shm-ring\" tests=\"2\" failures=\"2\" errors=\"0\" skipped=\"0\" "
            "time=\"3.715\">\n"
            "    <testcase classname=\"shm-ring\" name=\"one-line\" "
            "file=\"submissions/alice/reader.c\" time=\"0.000\">\n"
            "      <failure message=\"not run: the submission did not build\">Build failed\n"
            "  $ gcc -Wall -o reader reader.c\n"
            "  reader.c:1:1: error: expected ';'\n"
            "</failure>\n"
            "    </testcase>\n"
            "    <testcase classname=\"shm-ring\" name=\"large-input\" "
            "file=\"submissions/alice/reader.c\" time=\"0.000\">\n"
            "      <failure message=\"not run: the submission did not build\">the build log is "
            "under the first test, one-line\n"
            "</failure>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "</testsuites>\n");
}

// The file is the first the compiler reported an error in, whatever else the log holds (a
// megabyte-long line included).
TEST(JunitXml, BuildFailurePointsAtTheFirstFileWithAnError) {
  GradeReport report = BuildFailedReport(0);
  report.build.log = std::string(1 << 20, 'x') + "\nIn file included from a.c:1:\n" +
                     "src/ring.h:3: fatal error: missing.h: No such file\nb.c:9:2: error: x\n";
  const std::string xml = JunitXml(report);
  EXPECT_NE(xml.find("file=\"submissions/alice/src/ring.h\""), std::string::npos)
      << xml.substr(0, 300);
  report.build.log = "make: *** [Makefile:3: all] Error 2\n";
  EXPECT_EQ(JunitXml(report).find("file="), std::string::npos);
}

// A test's testcase points at the lab's spec, when given, for CI annotations.
TEST(JunitXml, TestcasesPointAtTheLabSpec) {
  const std::string xml = JunitXml(ReportOf({PassedTest()}), "labs/shm-ring/lab.yaml");
  EXPECT_NE(xml.find("<testcase classname=\"shm-ring\" name=\"one-line\" "
                     "file=\"labs/shm-ring/lab.yaml\" time=\"0.012\"/>"),
            std::string::npos)
      << xml;
}

// A spec or command-line error, with no lab name: the suite and class are "labgrade", never "".
TEST(JunitXml, ErrorWithoutALabHasNames) {
  GradeReport report;
  report.grader_error = "the lab's specification is invalid";
  const std::string xml = JunitXml(report);
  EXPECT_NE(xml.find("<testsuite name=\"labgrade\" tests=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase classname=\"labgrade\" name=\"grader\""), std::string::npos) << xml;
  EXPECT_EQ(xml.find("=\"\""), std::string::npos) << xml;
}

// A grader error of the whole run becomes an extra testcase "grader" with an <error>.
TEST(JunitXml, RunGraderErrorIsTestcase) {
  GradeReport report = ReportOf({PassedTest()});
  report.grader_error = "cgroup v2 is not mounted";
  const std::string xml = JunitXml(report);
  EXPECT_NE(xml.find("tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"0\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("    <testcase classname=\"shm-ring\" name=\"grader\" time=\"0.000\">\n"
                     "      <error message=\"cgroup v2 is not mounted\">Grader error (not your "
                     "fault): cgroup v2 is not mounted\n"),
            std::string::npos)
      << xml;
  Parsed(xml);
}

}  // namespace
}  // namespace labgrade
