// Tests for grading/gradebook_csv: the gradebook as RFC 4180 CSV, which Canvas, Moodle and
// spreadsheets import.
#include "grading/gradebook_csv.h"

#include <gtest/gtest.h>

#include "tests/grading/sample_class.h"

namespace labgrade {
namespace {

using testing::SampleClass;
using testing::Student;

// A header of id, total and the tests in the lab's order, then a row per student; CRLF ends.
TEST(GradebookCsv, HeaderThenOneRowPerStudentInCrlf) {
  EXPECT_EQ(GradebookCsv(SampleClass()),
            "student_id,total,short-text,cleanup\r\n"
            "alice,100,60,40\r\n"
            "bob,60,60,0\r\n"
            "carol,0,0,0\r\n");
}

// No students: just the header.
TEST(GradebookCsv, EmptyClassIsTheHeader) {
  ClassGrades grades = SampleClass();
  grades.students.clear();
  EXPECT_EQ(GradebookCsv(grades), "student_id,total,short-text,cleanup\r\n");
}

// Ids and test names holding a comma, a quote or a line break are quoted, quotes doubled.
TEST(GradebookCsv, QuotesIdsAndTestNames) {
  ClassGrades grades;
  grades.tests = {{"a,b", 1}, {"say \"hi\"", 1}};
  grades.students = {Student("doe, jane", 2, true, {{1, true}, {1, true}})};
  EXPECT_EQ(GradebookCsv(grades),
            "student_id,total,\"a,b\",\"say \"\"hi\"\"\"\r\n"
            "\"doe, jane\",2,1,1\r\n");
}

// Plain text stays as it is; comma, quote, CR and LF make a quoted field.
TEST(CsvField, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvField("alice"), "alice");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("with space"), "with space");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("\""), "\"\"\"\"");
  EXPECT_EQ(CsvField("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(CsvField("cr\rhere"), "\"cr\rhere\"");
}

// A student id holding a right-to-left override cannot reorder the row a spreadsheet shows.
TEST(CsvField, EscapesBidiControls) {
  EXPECT_EQ(CsvField("bob\u202Egnp.exe"), "bob\\u202egnp.exe");
}

// Text a spreadsheet would run as a formula is made text with a leading '; the same characters
// later in a field change nothing.
TEST(CsvField, DisarmsFormulas) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvField("+1"), "'+1");
  EXPECT_EQ(CsvField("-2+3"), "'-2+3");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("\tx"), "'\tx");
  EXPECT_EQ(CsvField("\rx"), "\"'\rx\"");
  EXPECT_EQ(CsvField("a=b-c"), "a=b-c");
}

}  // namespace
}  // namespace labgrade
