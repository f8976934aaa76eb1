// Tests for grading/class_grades: a student's grade taken from their results.json, the score
// distribution and pass rates, and grades.json written and read back.
#include "grading/class_grades.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "grading/gradescope_results.h"
#include "tests/grading/sample_class.h"
#include "tests/grading/sample_reports.h"

namespace labgrade {
namespace {

using nlohmann::json;
using testing::ErrorTest;
using testing::FailedTest;
using testing::PassedTest;
using testing::ReportOf;
using testing::SampleClass;
using testing::SkippedTest;
using testing::Student;

const std::vector<TestColumn> kColumns = {{"one-line", 10}, {"two-lines", 20}, {"absent", 5}};

// Total and per-test points are exactly results.json's; a column the report lacks scores 0.
TEST(StudentGradeOf, TakesEveryScoreFromResultsJson) {
  const GradeReport report = ReportOf({PassedTest(), FailedTest()});
  const StudentGrade student = StudentGradeOf("alice", report, kColumns);
  const json results = GradescopeResults(report);
  EXPECT_EQ(student.student_id, "alice");
  EXPECT_EQ(student.total, results["score"].get<int>());
  EXPECT_EQ(student.total, 10);
  EXPECT_TRUE(student.build_ok);
  EXPECT_EQ(student.grader_error, "");
  ASSERT_EQ(student.tests.size(), 3u);
  EXPECT_EQ(student.tests[0].points, 10);
  EXPECT_TRUE(student.tests[0].passed);
  EXPECT_EQ(student.tests[1].points, 0);
  EXPECT_FALSE(student.tests[1].passed);
  EXPECT_EQ(student.tests[2].points, 0);
  EXPECT_FALSE(student.tests[2].passed);
}

// Each test's duration comes from the report, for grades.json and summary.md's times.
TEST(StudentGradeOf, KeepsEachTestsDuration) {
  const StudentGrade student =
      StudentGradeOf("alice", ReportOf({PassedTest(), FailedTest()}), kColumns);
  EXPECT_EQ(student.tests[0].duration_ms, 12);
  EXPECT_EQ(student.tests[1].duration_ms, 1400);
  EXPECT_EQ(student.tests[2].duration_ms, 0);
}

// A test's programs' CPU time is the sum over its programs, student's and reference's.
TEST(StudentGradeOf, SumsTheCpuTimeOfEachTestsPrograms) {
  TestResult test = FailedTest();
  test.programs[0].cpu_ms = 40;
  ProgramSummary writer;
  writer.instance = "writer";
  writer.role = "reference";
  writer.cpu_ms = 25;
  test.programs.push_back(writer);
  const StudentGrade student = StudentGradeOf("alice", ReportOf({PassedTest(), test}), kColumns);
  EXPECT_EQ(student.tests[0].programs_cpu_ms, 0);
  EXPECT_EQ(student.tests[1].programs_cpu_ms, 65);
}

// A submission that did not build scores 0 everywhere, whatever the report's score says.
TEST(StudentGradeOf, BuildFailureScoresZero) {
  GradeReport report = ReportOf({PassedTest()});
  report.build.ok = false;
  report.build.log = "reader.c:1:1: error: expected ';'\n";
  const StudentGrade student = StudentGradeOf("bob", report, kColumns);
  EXPECT_FALSE(student.build_ok);
  EXPECT_EQ(student.total, 0);
  EXPECT_EQ(student.tests[0].points, 0);
  EXPECT_FALSE(student.tests[0].passed);
}

// Tests the grader could not run become "<test>: <error>" lines of the grader error.
TEST(StudentGradeOf, NamesTheTestsTheGraderCouldNotRun) {
  const StudentGrade student =
      StudentGradeOf("carol", ReportOf({PassedTest(), ErrorTest()}), kColumns);
  EXPECT_EQ(student.grader_error, "many-readers: unshare(CLONE_NEWNET): Operation not permitted");
}

// The run's own grader error wins over the tests' ones.
TEST(StudentGradeOf, RunGraderErrorComesFirst) {
  GradeReport report = ReportOf({ErrorTest()});
  report.grader_error = "cannot create a work folder under /var/tmp: No space left on device";
  EXPECT_EQ(StudentGradeOf("dave", report, kColumns).grader_error,
            "cannot create a work folder under /var/tmp: No space left on device");
}

// A test the machine could not run is marked skipped (results.json cannot say so), at 0 points.
TEST(StudentGradeOf, MarksASkippedTest) {
  const std::vector<TestColumn> columns = {{"one-line", 10}, {"slow-writer", 5}};
  const StudentGrade student =
      StudentGradeOf("erin", ReportOf({PassedTest(), SkippedTest()}), columns);
  ASSERT_EQ(student.tests.size(), 2u);
  EXPECT_FALSE(student.tests[0].skipped);
  EXPECT_TRUE(student.tests[1].skipped);
  EXPECT_FALSE(student.tests[1].passed);
  EXPECT_EQ(student.tests[1].points, 0);
  EXPECT_EQ(student.grader_error, "") << "a skipped test is not the grader's failure";
}

// The warning names the test, its points, for how many students, and what to do; nothing is
// said when no test was skipped.
TEST(SkippedTestWarnings, NameTheTestAndTheStudents) {
  ClassGrades grades = SampleClass();
  EXPECT_TRUE(SkippedTestWarnings(grades).empty());
  grades.students[0].tests[1] = {0, false, true};
  grades.students[1].tests[1] = {0, false, true};
  EXPECT_EQ(SkippedCount(grades, 1), 2);
  EXPECT_EQ(SkippedCount(grades, 0), 0);
  EXPECT_EQ(SkippedTestWarnings(grades),
            std::vector<std::string>{
                "cleanup (40 points) was skipped for 2 of 3 students: the machine that graded "
                "them could not run it (each student's report.txt says why), so it scored 0 in "
                "the gradebook and was left out of their reports' maximum; grade it on a machine "
                "that can run it, with --only cleanup"});
}

// A student with full marks has no failures; one point short or not built has.
TEST(HasFailures, LostPointsOrNoBuild) {
  EXPECT_FALSE(HasFailures(Student("a", 100, true, {}), 100));
  EXPECT_TRUE(HasFailures(Student("b", 99, true, {}), 100));
  EXPECT_TRUE(HasFailures(Student("c", 0, false, {}), 0));
}

// Out of 100: ten bins of ten, then full marks on its own; each student in exactly one.
TEST(ScoreDistribution, TenthsThenFullMarks) {
  const std::vector<ScoreBin> bins = ScoreDistribution(SampleClass());
  ASSERT_EQ(bins.size(), 11u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(bins[i].low, 10 * i);
    EXPECT_EQ(bins[i].high, 10 * i + 9);
  }
  EXPECT_EQ(bins[10].low, 100);
  EXPECT_EQ(bins[10].high, 100);
  EXPECT_EQ(bins[0].students, 1);   // carol, 0
  EXPECT_EQ(bins[6].students, 1);   // bob, 60
  EXPECT_EQ(bins[10].students, 1);  // alice, 100
  int total = 0;
  for (const ScoreBin& bin : bins) total += bin.students;
  EXPECT_EQ(total, 3);
}

// With fewer points than ten, empty ranges are left out: one bin per possible total.
TEST(ScoreDistribution, SmallMaximumHasOneBinPerTotal) {
  ClassGrades grades;
  grades.tests = {{"only", 5}};
  grades.students = {Student("a", 2, true, {{0, false}})};
  const std::vector<ScoreBin> bins = ScoreDistribution(grades);
  ASSERT_EQ(bins.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(bins[i].low, i);
    EXPECT_EQ(bins[i].high, i);
  }
  EXPECT_EQ(bins[2].students, 1);
}

// A total above the maximum (grades merged from a changed lab) still counts, as full marks.
TEST(ScoreDistribution, TotalAboveMaximumCountsAsFullMarks) {
  ClassGrades grades = SampleClass();
  grades.students[0].total = 120;  // alice
  grades.students.push_back(Student("dave", 100, true, {{60, true}, {40, true}}));
  EXPECT_EQ(ScoreDistribution(grades).back().students, 2);
}

// Pass rates are whole percent, rounded to the nearest (2 of 3 is 67%, not 66%); no students
// is 0%, not a division by zero.
TEST(PassRatePercent, RoundsToTheNearestAndHandlesAnEmptyClass) {
  const ClassGrades grades = SampleClass();
  EXPECT_EQ(PassedCount(grades, 0), 2);
  EXPECT_EQ(PassRatePercent(grades, 0), 67);
  EXPECT_EQ(PassedCount(grades, 1), 1);
  EXPECT_EQ(PassRatePercent(grades, 1), 33);
  ClassGrades empty = grades;
  empty.students.clear();
  EXPECT_EQ(PassRatePercent(empty, 0), 0);
  EXPECT_EQ(MeanTotal(empty), 0);
}

// 199 of 200 is 99%, never 100%; 1 of 200 is 1%, never 0%.
TEST(PassRatePercent, SaysAllOrNoneOnlyWhenSo) {
  ClassGrades grades;
  grades.tests = {{"t", 10}};
  for (int i = 0; i < 200; ++i)
    grades.students.push_back(testing::Student(std::to_string(i), 10, true, {{10, i > 0}}));
  EXPECT_EQ(PassRatePercent(grades, 0), 99);
  for (int i = 0; i < 200; ++i) grades.students[i].tests[0].passed = i == 0;
  EXPECT_EQ(PassRatePercent(grades, 0), 1);
}

// The mean total of the sample: (100 + 60 + 0) / 3.
TEST(MeanTotal, AveragesTheTotals) { EXPECT_DOUBLE_EQ(MeanTotal(SampleClass()), 160.0 / 3); }

// grades.json has the documented shape, with scores and statuses per test.
TEST(ClassGradesJson, HasTheDocumentedShape) {
  const json expected = json::parse(R"({
    "lab": "shm-xfer", "title": "Shared-memory transfer",
    "tests": [{"name": "short-text", "max_points": 60}, {"name": "cleanup", "max_points": 40}],
    "max_total": 100,
    "students": {
      "alice": {"total": 100, "build_ok": true, "grader_error": "",
                "tests": {"short-text": {"score": 60, "status": "passed", "duration_ms": 1200,
                                         "programs_cpu_ms": 310},
                          "cleanup": {"score": 40, "status": "passed", "duration_ms": 0, "programs_cpu_ms": 0}}},
      "bob": {"total": 60, "build_ok": true, "grader_error": "",
              "tests": {"short-text": {"score": 60, "status": "passed", "duration_ms": 0, "programs_cpu_ms": 0},
                        "cleanup": {"score": 0, "status": "failed", "duration_ms": 0, "programs_cpu_ms": 0}}},
      "carol": {"total": 0, "build_ok": false, "grader_error": "",
                "tests": {"short-text": {"score": 0, "status": "failed", "duration_ms": 0, "programs_cpu_ms": 0},
                          "cleanup": {"score": 0, "status": "failed", "duration_ms": 0, "programs_cpu_ms": 0}}}}})");
  ClassGrades grades = SampleClass();
  grades.students[0].tests[0].duration_ms = 1200;
  grades.students[0].tests[0].programs_cpu_ms = 310;
  EXPECT_EQ(ClassGradesJson(grades), expected);
}

// Written and read back, grades.json gives the same grades, students sorted by id.
TEST(ClassGradesFromJson, ReadsBackWhatWasWritten) {
  ClassGrades grades = SampleClass();
  grades.students[2].grader_error = "internal error: boom";
  grades.students[1].tests[0].duration_ms = 850;
  grades.students[1].tests[0].programs_cpu_ms = 95;
  std::string error;
  auto read = ClassGradesFromJson(json::parse(ClassGradesJson(grades).dump()), &error);
  ASSERT_TRUE(read.has_value()) << error;
  EXPECT_EQ(ClassGradesJson(*read), ClassGradesJson(grades));
  ASSERT_EQ(read->students.size(), 3u);
  EXPECT_EQ(read->students[2].student_id, "carol");
  EXPECT_EQ(read->students[2].grader_error, "internal error: boom");
  EXPECT_FALSE(read->students[1].tests[1].passed);
}

// A skipped test is written as status "skipped" and read back as skipped, so a merged gradebook
// still warns about it.
TEST(ClassGradesFromJson, KeepsASkippedTest) {
  ClassGrades grades = SampleClass();
  grades.students[1].tests[1] = {0, false, true};
  EXPECT_EQ(ClassGradesJson(grades)["students"]["bob"]["tests"]["cleanup"]["status"], "skipped");
  std::string error;
  auto read = ClassGradesFromJson(json::parse(ClassGradesJson(grades).dump()), &error);
  ASSERT_TRUE(read.has_value()) << error;
  EXPECT_TRUE(read->students[1].tests[1].skipped);
  EXPECT_FALSE(read->students[0].tests[1].skipped);
}

// A file that is not labgrade's says so, naming what is missing.
TEST(ClassGradesFromJson, RejectsOtherJson) {
  std::string error;
  EXPECT_FALSE(ClassGradesFromJson(json::parse(R"({"score": 3})"), &error).has_value());
  EXPECT_EQ(error.rfind("not a labgrade grades.json: ", 0), 0u) << error;
  EXPECT_NE(error.find("'lab' not found"), std::string::npos) << error;
}

// A student id that would leave the output folder when merged is refused.
TEST(ClassGradesFromJson, RejectsAnIdThatIsNotAFolderName) {
  for (const char* id : {"..", ".", "", "../../etc", "a/b"}) {
    json grades = ClassGradesJson(SampleClass());
    grades["students"][id] = grades["students"]["alice"];
    std::string error;
    EXPECT_FALSE(ClassGradesFromJson(grades, &error).has_value()) << id;
    EXPECT_EQ(error, fmt::format("student id \"{}\" is not a folder name", id));
  }
}

// Students are sorted by id in byte order; an id seen twice is named.
TEST(SortStudents, SortsAndNamesADuplicate) {
  ClassGrades grades = SampleClass();
  std::swap(grades.students[0], grades.students[2]);
  std::string error;
  ASSERT_TRUE(SortStudents(grades, &error));
  EXPECT_EQ(grades.students[0].student_id, "alice");
  EXPECT_EQ(grades.students[2].student_id, "carol");
  grades.students.push_back(Student("bob", 1, true, {{0, false}, {0, false}}));
  EXPECT_FALSE(SortStudents(grades, &error));
  EXPECT_EQ(error, "student bob is graded more than once");
}

}  // namespace
}  // namespace labgrade
