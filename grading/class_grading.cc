// Class grading, sharding and merging (see class_grading.h).
#include "grading/class_grading.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include "grading/class_report_html.h"
#include "grading/class_summary_markdown.h"
#include "grading/gradebook_csv.h"
#include "grading/gradescope_results.h"
#include "grading/terminal_report.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

/// Writes `text` to `path`; the error in words, or nullopt.
std::optional<std::string> WriteTextFile(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (file) return std::nullopt;
  return fmt::format("cannot write {}: {}", path.string(), std::strerror(errno));
}

/// What the student's report says when grading threw instead of returning one: every test
/// listed as the grader's error, so results.json and report.txt show each at 0 and say why.
GradeReport FailureReport(const ClassRunPlan& plan, const fs::path& submission,
                          std::string_view grader_error) {
  GradeReport report;
  report.lab_name = plan.lab_name;
  report.lab_title = plan.lab_title;
  report.submission = submission.string();
  report.grader_error = std::string(grader_error);
  report.max_score = TotalPoints(plan.tests);
  for (const TestColumn& column : plan.tests) {
    TestResult test;
    test.name = column.name;
    test.max_points = column.max_points;
    test.outcome = Outcome::kError;
    test.grader_error = "not run: the grader failed on this submission";
    report.tests.push_back(std::move(test));
  }
  return report;
}

GradeReport GradeCatching(const ClassRunPlan& plan, const SubmissionGrader& grade,
                          const fs::path& submission, int worker) {
  try {
    return grade(submission, plan.test_jobs, worker);
  } catch (const std::exception& failure) {
    return FailureReport(plan, submission, fmt::format("internal error: {}", failure.what()));
  } catch (...) {
    return FailureReport(plan, submission,
                         "internal error: an exception that is not a std::exception");
  }
}

/// The student's own files; what could not be written, or empty.
std::string WriteStudentFiles(const fs::path& dir, const GradeReport& report) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fmt::format("cannot create {}: {}", dir.string(), ec.message());
  std::string errors;
  TerminalStyle plain;
  plain.color = false;
  plain.show_hidden_details = false;  // report.txt may go to the student; results.json keeps them
  for (const auto& error :
       {WriteTextFile(dir / "results.json", GradescopeResultsText(report)),
        WriteTextFile(dir / "report.txt", RenderTerminalReport(report, plain))}) {
    if (error) errors += (errors.empty() ? "" : "\n") + *error;
  }
  return errors;
}

/// The student's grade from `report`, with their files written from it.
StudentGrade RecordReport(const ClassRunPlan& plan, const std::string& id,
                          const GradeReport& report) {
  StudentGrade student = StudentGradeOf(id, report, plan.tests);
  const std::string write_errors = WriteStudentFiles(plan.out_dir / id, report);
  if (!write_errors.empty())
    student.grader_error += (student.grader_error.empty() ? "" : "\n") + write_errors;
  return student;
}

/// The grade of a student whose grading threw `what` even outside the grader's own catch.
StudentGrade WritingFailed(const ClassRunPlan& plan, const std::string& id, std::string_view what) {
  StudentGrade student;
  student.student_id = id;
  student.grader_error = fmt::format("internal error while writing the reports: {}", what);
  student.tests.resize(plan.tests.size());
  return student;
}

/// Never throws: a worker thread that threw would end the whole batch (std::terminate).
StudentGrade GradeOneStudent(const ClassRunPlan& plan, const StudentGrader& grade,
                             const std::string& id, int worker) {
  try {
    return grade(id, plan.test_jobs, worker);
  } catch (const std::exception& failure) {
    return RecordGraderFailure(plan, id, fmt::format("internal error: {}", failure.what()));
  } catch (...) {
    return RecordGraderFailure(plan, id,
                               "internal error: an exception that is not a std::exception");
  }
}

std::optional<ClassGrades> ReadShard(const fs::path& dir, std::string* error) {
  std::ifstream file(dir / "grades.json");
  if (!file) {
    *error =
        fmt::format("cannot read {}: {}", (dir / "grades.json").string(), std::strerror(errno));
    return std::nullopt;
  }
  auto json = nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    *error = fmt::format("{}: not JSON", (dir / "grades.json").string());
    return std::nullopt;
  }
  auto grades = ClassGradesFromJson(json, error);
  if (!grades) *error = fmt::format("{}: {}", (dir / "grades.json").string(), *error);
  return grades;
}

bool SameTests(const ClassGrades& a, const ClassGrades& b) {
  return a.lab_name == b.lab_name &&
         std::equal(a.tests.begin(), a.tests.end(), b.tests.begin(), b.tests.end(),
                    [](const TestColumn& x, const TestColumn& y) {
                      return x.name == y.name && x.max_points == y.max_points;
                    });
}

std::string TestNames(const std::vector<TestColumn>& tests) {
  std::string names;
  for (const TestColumn& test : tests) names += (names.empty() ? "" : ", ") + test.name;
  return names;
}

/// Copies each student's folder of `shard` into `out_dir` (nothing when they are the same).
bool CopyStudentFolders(const ClassGrades& shard, const fs::path& shard_dir,
                        const fs::path& out_dir, std::string* error) {
  std::error_code ec;
  if (fs::equivalent(shard_dir, out_dir, ec)) return true;
  for (const StudentGrade& student : shard.students) {
    const fs::path from = shard_dir / student.student_id;
    if (!fs::exists(from)) continue;  // grades.json is the record; the folder is a convenience
    fs::copy(from, out_dir / student.student_id,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec) {
      *error = fmt::format("cannot copy {}: {}", from.string(), ec.message());
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Shard> ParseShard(std::string_view text, std::string* error) {
  // Digits only: no sign, no spaces, nothing after N.
  auto number = [](std::string_view digits, int* value) {
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
      return false;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *value);
    return ec == std::errc() && end == digits.data() + digits.size();
  };
  Shard shard;
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || !number(text.substr(0, slash), &shard.index) ||
      !number(text.substr(slash + 1), &shard.count) || shard.count < 1 || shard.index < 1 ||
      shard.index > shard.count) {
    *error = fmt::format("--shard {}: expected K/N with 1 <= K <= N, such as 2/4", text);
    return std::nullopt;
  }
  return shard;
}

std::vector<std::string> SelectShard(const std::vector<std::string>& sorted_ids, Shard shard) {
  std::vector<std::string> selected;
  for (std::size_t i = 0; i < sorted_ids.size(); ++i) {
    if (static_cast<int>(i % shard.count) == shard.index - 1) selected.push_back(sorted_ids[i]);
  }
  return selected;
}

std::vector<std::string> ListStudents(const fs::path& submissions_dir, std::string* error) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (fs::directory_iterator it(submissions_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(".") && it->is_directory()) ids.push_back(name);
  }
  if (ec) *error = fmt::format("cannot list {}: {}", submissions_dir.string(), ec.message());
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<TestColumn> TestColumnsOf(const LabSpec& lab,
                                      const std::vector<std::string>& only_tests) {
  std::vector<TestColumn> columns;
  for (const TestSpec& test : lab.tests) {
    if (IsChosenTest(only_tests, test.name)) columns.push_back({test.name, test.points});
  }
  return columns;
}

StudentGrade GradeStudentHere(const ClassRunPlan& plan, const SubmissionGrader& grade,
                              const std::string& id, int worker) {
  try {
    return RecordReport(plan, id, GradeCatching(plan, grade, plan.submissions_dir / id, worker));
  } catch (const std::exception& failure) {
    return WritingFailed(plan, id, failure.what());
  } catch (...) {
    return WritingFailed(plan, id, "an exception that is not a std::exception");
  }
}

StudentGrade RecordGraderFailure(const ClassRunPlan& plan, const std::string& id,
                                 std::string_view grader_error) {
  try {
    return RecordReport(plan, id, FailureReport(plan, plan.submissions_dir / id, grader_error));
  } catch (const std::exception& failure) {
    return WritingFailed(plan, id, failure.what());
  } catch (...) {
    return WritingFailed(plan, id, "an exception that is not a std::exception");
  }
}

ClassGrades GradeClass(const ClassRunPlan& plan, const SubmissionGrader& grade,
                       const StudentGraded& graded) {
  return GradeClassBy(
      plan,
      [&](const std::string& id, int, int worker) {
        return GradeStudentHere(plan, grade, id, worker);
      },
      graded);
}

ClassGrades GradeClassBy(const ClassRunPlan& plan, const StudentGrader& grade,
                         const StudentGraded& graded) {
  const auto started = std::chrono::steady_clock::now();
  ClassGrades grades{plan.lab_name, plan.lab_title, plan.tests, {}};
  grades.students.resize(plan.student_ids.size());
  std::atomic<std::size_t> next{0};
  std::mutex report_mutex;
  auto worker = [&](int worker_index) {
    for (std::size_t i = next++; i < plan.student_ids.size(); i = next++) {
      grades.students[i] = GradeOneStudent(plan, grade, plan.student_ids[i], worker_index);
      std::lock_guard lock(report_mutex);
      graded(grades.students[i], std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - started));
    }
  };
  const int workers =
      std::clamp(plan.students_at_once, 1, std::max(1, static_cast<int>(plan.student_ids.size())));
  std::vector<std::thread> threads;
  for (int i = 1; i < workers; ++i) threads.emplace_back(worker, i);
  worker(0);
  for (std::thread& thread : threads) thread.join();
  return grades;
}

std::vector<std::string> WriteClassFiles(const ClassGrades& grades, const fs::path& out_dir) {
  std::vector<std::string> errors;
  const std::pair<const char*, std::string> files[] = {
      {"gradebook.csv", GradebookCsv(grades)},
      {"summary.md", ClassSummaryMarkdown(grades)},
      {"report.html", ClassReportHtml(grades)},
      {"grades.json",
       ClassGradesJson(grades).dump(2, ' ', true, nlohmann::json::error_handler_t::replace) +
           "\n"}};
  for (const auto& [name, text] : files) {
    if (auto error = WriteTextFile(out_dir / name, text)) errors.push_back(*error);
  }
  return errors;
}

std::optional<std::string> EarlierRunInTheWay(const ClassRunPlan& plan) {
  std::error_code ec;
  if (!fs::exists(plan.out_dir / "grades.json", ec)) return std::nullopt;
  const std::string keep_it =
      fmt::format("give another --out (with --build-cache {} to reuse that run's builds)",
                  (plan.out_dir / ".build-cache").string());
  std::string error;
  std::optional<ClassGrades> earlier = ReadShard(plan.out_dir, &error);
  if (!earlier) {
    return fmt::format("--out {} holds a grades.json this run would replace, but {}; {}",
                       plan.out_dir.string(), error, keep_it);
  }
  ClassGrades now{plan.lab_name, plan.lab_title, plan.tests, {}};
  if (SameTests(*earlier, now)) return std::nullopt;
  return fmt::format(
      "--out {} holds the grades of an earlier run ({}: {}); this run grades {} ({}) and would "
      "replace them; {}",
      plan.out_dir.string(), earlier->lab_name, TestNames(earlier->tests), plan.lab_name,
      TestNames(plan.tests), keep_it);
}

std::optional<ClassGrades> MergeShards(const std::vector<fs::path>& shard_dirs,
                                       const fs::path& out_dir, std::string* error) {
  // Every shard is read and checked before anything is copied, so a merge that fails leaves
  // no half-merged folder behind.
  std::vector<ClassGrades> shards;
  for (const fs::path& dir : shard_dirs) {
    auto shard = ReadShard(dir, error);
    if (!shard) return std::nullopt;
    if (!shards.empty() && !SameTests(shards.front(), *shard)) {
      *error = fmt::format("{} graded other tests or another lab than {}", dir.string(),
                           shard_dirs.front().string());
      return std::nullopt;
    }
    shards.push_back(std::move(*shard));
  }
  if (shards.empty()) {
    *error = "no shard folders to merge";
    return std::nullopt;
  }
  ClassGrades merged = shards.front();
  merged.students.clear();
  for (const ClassGrades& shard : shards) {
    merged.students.insert(merged.students.end(), shard.students.begin(), shard.students.end());
  }
  if (!SortStudents(merged, error)) return std::nullopt;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    *error = fmt::format("cannot create {}: {}", out_dir.string(), ec.message());
    return std::nullopt;
  }
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (!CopyStudentFolders(shards[i], shard_dirs[i], out_dir, error)) return std::nullopt;
  }
  return merged;
}

bool AnyGraderError(const ClassGrades& grades) {
  return std::any_of(grades.students.begin(), grades.students.end(),
                     [](const StudentGrade& s) { return !s.grader_error.empty(); });
}

}  // namespace labgrade
