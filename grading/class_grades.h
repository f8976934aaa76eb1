// The grades of a whole class for one lab: the model every class output (gradebook.csv,
// summary.md, report.html, grades.json) is written from, and the grades.json that `labgrade
// merge` reads back. Scores are taken from each student's results.json entries, so the
// gradebook never disagrees with what a student was shown.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "harness/verdict.h"

namespace labgrade {

/// One graded test of the lab, a column of the gradebook.
struct TestColumn {
  std::string name;
  int max_points = 0;
};

/// The points all `tests` are worth together.
int TotalPoints(const std::vector<TestColumn>& tests);

struct StudentTestScore {
  int points = 0;
  bool passed = false;
  /// The machine could not run the test (no netem, say): it scored 0 through no fault of the
  /// student's, and the report left its points out of the student's maximum.
  bool skipped = false;
  std::int64_t duration_ms = 0;  ///< how long the test ran for this student (0: not run)
  /// The CPU time its programs used, the student's and the reference's with their children
  /// (wait4's count, to the millisecond): what bench/class_bench sets the wall time against.
  std::int64_t programs_cpu_ms = 0;
};

struct StudentGrade {
  std::string student_id;  ///< the submission folder's name
  int total = 0;           ///< 0 when the submission did not build
  bool build_ok = false;
  /// The grader's failure for this student, never the student's: the whole run's error, an
  /// exception, or "<test>: <error>" lines for tests it could not run. Empty when none.
  std::string grader_error;
  std::vector<StudentTestScore> tests;  ///< one per ClassGrades::tests column, in that order
};

struct ClassGrades {
  std::string lab_name;
  std::string lab_title;
  std::vector<TestColumn> tests;       ///< the graded tests, in the lab's order
  std::vector<StudentGrade> students;  ///< sorted by student_id (byte order), ids unique
  int MaxTotal() const;
};

/// A student's grade from their report, through GradescopeResults: the total and each column's
/// points are exactly results.json's; a column the report lacks scores 0.
StudentGrade StudentGradeOf(const std::string& student_id, const GradeReport& report,
                            const std::vector<TestColumn>& columns);

/// Whether the student lost any point, or did not build.
bool HasFailures(const StudentGrade& student, int max_total);

/// One bar of the score histogram: the students whose total is in [low, high].
struct ScoreBin {
  int low = 0;
  int high = 0;
  int students = 0;
};

/// Ten bins of a tenth of the maximum each (empty ranges left out), then full marks on its own.
std::vector<ScoreBin> ScoreDistribution(const ClassGrades& grades);

/// How many students passed test column `column`.
int PassedCount(const ClassGrades& grades, std::size_t column);

/// How many students' test column `column` was skipped.
int SkippedCount(const ClassGrades& grades, std::size_t column);

/// One sentence per test skipped for any student, naming the test, its points and how many
/// students it was skipped for, and what to do: the warning `grade` prints and the class
/// summaries carry, so that nobody takes its zeros for failures. Empty when nothing was skipped.
std::vector<std::string> SkippedTestWarnings(const ClassGrades& grades);

/// Pass rate of column `column` in whole percent, rounded to the nearest (4 of 6: 67), but
/// 100 only when every student passed and 0 only when none did; 0 with no students.
int PassRatePercent(const ClassGrades& grades, std::size_t column);

/// How long test column `column` ran, over all students, in milliseconds.
std::int64_t TotalDurationMs(const ClassGrades& grades, std::size_t column);

/// The mean total, 0 with no students.
double MeanTotal(const ClassGrades& grades);

/// grades.json: {"lab", "title", "tests": [{"name", "max_points"}], "max_total",
/// "students": {id: {"total", "build_ok", "grader_error", "tests": {name: {"score", "status"}}}}},
/// status being "passed", "failed" or "skipped".
nlohmann::json ClassGradesJson(const ClassGrades& grades);

/// Reads ClassGradesJson's output back; nullopt and `error` set when it is not one, or when a
/// student id is not a plain folder name (empty, ".", "..", or holding '/' or NUL).
std::optional<ClassGrades> ClassGradesFromJson(const nlohmann::json& json, std::string* error);

/// Sorts the students by id; false and `error` names the first id seen twice.
bool SortStudents(ClassGrades& grades, std::string* error);

}  // namespace labgrade
