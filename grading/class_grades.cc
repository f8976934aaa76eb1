// The class grades model and grades.json (see class_grades.h).
#include "grading/class_grades.h"

#include <algorithm>

#include <fmt/format.h>

#include "grading/gradescope_results.h"

namespace labgrade {
namespace {

using nlohmann::json;

// "<test>: <error>" for each test the grader could not run.
std::string TestGraderErrors(const GradeReport& report) {
  std::string errors;
  for (const TestResult& test : report.tests) {
    if (test.outcome != Outcome::kError) continue;
    if (!errors.empty()) errors += "\n";
    errors += fmt::format("{}: {}", test.name, test.grader_error);
  }
  return errors;
}

json StudentJson(const StudentGrade& student, const std::vector<TestColumn>& columns) {
  json tests = json::object();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const StudentTestScore& score = student.tests[i];
    tests[columns[i].name] = {{"score", score.points},
                              {"status", score.skipped  ? "skipped"
                                         : score.passed ? "passed"
                                                        : "failed"},
                              {"duration_ms", score.duration_ms},
                              {"programs_cpu_ms", score.programs_cpu_ms}};
  }
  return {{"total", student.total},
          {"build_ok", student.build_ok},
          {"grader_error", student.grader_error},
          {"tests", std::move(tests)}};
}

StudentGrade StudentFromJson(const std::string& id, const json& entry,
                             const std::vector<TestColumn>& columns) {
  StudentGrade student;
  student.student_id = id;
  student.total = entry.at("total").get<int>();
  student.build_ok = entry.at("build_ok").get<bool>();
  student.grader_error = entry.at("grader_error").get<std::string>();
  for (const TestColumn& column : columns) {
    const json& test = entry.at("tests").at(column.name);
    const json& status = test.at("status");
    // A grades.json from before durations and CPU times were recorded has none: 0.
    student.tests.push_back({test.at("score").get<int>(), status == "passed", status == "skipped",
                             test.value("duration_ms", std::int64_t{0}),
                             test.value("programs_cpu_ms", std::int64_t{0})});
  }
  return student;
}

}  // namespace

int TotalPoints(const std::vector<TestColumn>& tests) {
  int total = 0;
  for (const TestColumn& test : tests) total += test.max_points;
  return total;
}

int ClassGrades::MaxTotal() const { return TotalPoints(tests); }

StudentGrade StudentGradeOf(const std::string& student_id, const GradeReport& report,
                            const std::vector<TestColumn>& columns) {
  const json results = GradescopeResults(report);
  StudentGrade student;
  student.student_id = student_id;
  student.total = results["score"].get<int>();
  student.build_ok = report.build.ok;
  student.grader_error =
      report.grader_error.empty() ? TestGraderErrors(report) : report.grader_error;
  student.tests.resize(columns.size());
  // results.json has an entry per report test, in order; "skipped" comes from the report, since
  // Gradescope knows only passed and failed.
  for (std::size_t i = 0; i < report.tests.size(); ++i) {
    const json& test = results["tests"][i];
    auto column = std::find_if(columns.begin(), columns.end(),
                               [&](const TestColumn& c) { return c.name == report.tests[i].name; });
    if (column == columns.end()) continue;
    std::int64_t programs_cpu_ms = 0;
    for (const ProgramSummary& program : report.tests[i].programs)
      programs_cpu_ms += program.cpu_ms;
    student.tests[column - columns.begin()] = {test["score"].get<int>(), test["status"] == "passed",
                                               report.tests[i].outcome == Outcome::kSkipped,
                                               report.tests[i].duration_ms, programs_cpu_ms};
  }
  return student;
}

bool HasFailures(const StudentGrade& student, int max_total) {
  return !student.build_ok || student.total < max_total;
}

std::vector<ScoreBin> ScoreDistribution(const ClassGrades& grades) {
  const int max_total = grades.MaxTotal();
  std::vector<ScoreBin> bins;
  for (int tenth = 0; tenth < 10 && max_total > 0; ++tenth) {
    // Bin `tenth` holds the totals t with floor(10 * t / max) == tenth.
    const int low = (tenth * max_total + 9) / 10;
    const int high = ((tenth + 1) * max_total + 9) / 10 - 1;
    if (low <= high) bins.push_back({low, high, 0});
  }
  bins.push_back({max_total, max_total, 0});
  for (const StudentGrade& student : grades.students) {
    auto bin = std::find_if(bins.begin(), bins.end(), [&](const ScoreBin& b) {
      return b.low <= student.total && student.total <= b.high;
    });
    // A total above the maximum (a lab changed under a merge) still counts, as full marks.
    (bin == bins.end() ? bins.back() : *bin).students++;
  }
  return bins;
}

int PassedCount(const ClassGrades& grades, std::size_t column) {
  return static_cast<int>(
      std::count_if(grades.students.begin(), grades.students.end(),
                    [&](const StudentGrade& student) { return student.tests[column].passed; }));
}

int SkippedCount(const ClassGrades& grades, std::size_t column) {
  return static_cast<int>(
      std::count_if(grades.students.begin(), grades.students.end(),
                    [&](const StudentGrade& student) { return student.tests[column].skipped; }));
}

std::vector<std::string> SkippedTestWarnings(const ClassGrades& grades) {
  std::vector<std::string> warnings;
  for (std::size_t i = 0; i < grades.tests.size(); ++i) {
    const int skipped = SkippedCount(grades, i);
    if (skipped == 0) continue;
    warnings.push_back(fmt::format(
        "{} ({} points) was skipped for {} of {} students: the machine that graded them could not "
        "run it (each student's report.txt says why), so it scored 0 in the gradebook and was "
        "left out of their reports' maximum; grade it on a machine that can run it, with --only "
        "{}",
        grades.tests[i].name, grades.tests[i].max_points, skipped, grades.students.size(),
        grades.tests[i].name));
  }
  return warnings;
}

int PassRatePercent(const ClassGrades& grades, std::size_t column) {
  if (grades.students.empty()) return 0;
  const int passed = PassedCount(grades, column);
  const int students = static_cast<int>(grades.students.size());
  // Rounded to the nearest (4/6 is 67%, not 66%), but never 100% unless all passed, nor 0%
  // unless none did.
  const int rounded = (passed * 200 + students) / (2 * students);
  if (passed < students) return std::clamp(rounded, passed > 0 ? 1 : 0, 99);
  return rounded;
}

std::int64_t TotalDurationMs(const ClassGrades& grades, std::size_t column) {
  std::int64_t total = 0;
  for (const StudentGrade& student : grades.students) total += student.tests[column].duration_ms;
  return total;
}

double MeanTotal(const ClassGrades& grades) {
  if (grades.students.empty()) return 0;
  double sum = 0;
  for (const StudentGrade& student : grades.students) sum += student.total;
  return sum / static_cast<double>(grades.students.size());
}

json ClassGradesJson(const ClassGrades& grades) {
  json tests = json::array();
  for (const TestColumn& test : grades.tests) {
    tests.push_back({{"name", test.name}, {"max_points", test.max_points}});
  }
  json students = json::object();
  for (const StudentGrade& student : grades.students) {
    students[student.student_id] = StudentJson(student, grades.tests);
  }
  return {{"lab", grades.lab_name},
          {"title", grades.lab_title},
          {"tests", std::move(tests)},
          {"max_total", grades.MaxTotal()},
          {"students", std::move(students)}};
}

std::optional<ClassGrades> ClassGradesFromJson(const json& json, std::string* error) {
  try {
    ClassGrades grades;
    grades.lab_name = json.at("lab").get<std::string>();
    grades.lab_title = json.at("title").get<std::string>();
    for (const auto& test : json.at("tests")) {
      grades.tests.push_back(
          {test.at("name").get<std::string>(), test.at("max_points").get<int>()});
    }
    for (const auto& [id, entry] : json.at("students").items()) {
      // Ids become folder names when shards are merged: nothing that leaves the folder.
      if (id.empty() || id == "." || id == ".." ||
          id.find_first_of(std::string("/\0", 2)) != std::string::npos) {
        *error = fmt::format("student id \"{}\" is not a folder name", id);
        return std::nullopt;
      }
      grades.students.push_back(StudentFromJson(id, entry, grades.tests));
    }
    return grades;
  } catch (const nlohmann::json::exception& failure) {
    *error = fmt::format("not a labgrade grades.json: {}", failure.what());
    return std::nullopt;
  }
}

bool SortStudents(ClassGrades& grades, std::string* error) {
  std::sort(
      grades.students.begin(), grades.students.end(),
      [](const StudentGrade& a, const StudentGrade& b) { return a.student_id < b.student_id; });
  auto twice = std::adjacent_find(
      grades.students.begin(), grades.students.end(),
      [](const StudentGrade& a, const StudentGrade& b) { return a.student_id == b.student_id; });
  if (twice == grades.students.end()) return true;
  *error = fmt::format("student {} is graded more than once", twice->student_id);
  return false;
}

}  // namespace labgrade
