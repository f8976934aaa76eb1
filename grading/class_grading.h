// Grading a whole class: one sub-folder of a submissions folder per student (its name is the
// student id), each graded on its own, with a results.json and a report.txt per student and the
// class files (gradebook.csv, summary.md, report.html, grades.json) for the whole. A class can be
// split into shards graded on different machines and merged afterwards.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grading/class_grades.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

/// Shard `index` (1-based) of `count`.
struct Shard {
  int index = 1;
  int count = 1;
};

/// Parses "K/N" with 1 <= K <= N; nullopt and `error` set otherwise.
std::optional<Shard> ParseShard(std::string_view text, std::string* error);

/// The ids at positions i of `sorted_ids` with i % count == index - 1.
std::vector<std::string> SelectShard(const std::vector<std::string>& sorted_ids, Shard shard);

/// The student ids: names of the sub-folders of `submissions_dir` not starting with '.', in
/// byte order. Sets `error` when the folder cannot be read.
std::vector<std::string> ListStudents(const std::filesystem::path& submissions_dir,
                                      std::string* error);

/// The lab's tests as gradebook columns, in the lab's order: only `only_tests` when any.
std::vector<TestColumn> TestColumnsOf(const LabSpec& lab,
                                      const std::vector<std::string>& only_tests);

/// Grades one submission folder with `test_jobs` tests at once. `worker` is in
/// [0, students_at_once), and no two calls running at the same time have the same one (see
/// GradeOptions::first_sandbox_slot). May throw: the batch records the exception as that
/// student's grader error.
using SubmissionGrader = std::function<GradeReport(const std::filesystem::path& submission_dir,
                                                   int test_jobs, int worker)>;

/// Grades student `id` of the plan completely: writes <out>/<id>/results.json and report.txt and
/// returns the student's grade (GradeStudentHere in this process, or a child process: see
/// grading/student_process.h). `worker` is as for SubmissionGrader. May throw: the batch records
/// the exception as that student's grader error.
using StudentGrader = std::function<StudentGrade(const std::string& id, int test_jobs, int worker)>;

/// Called once per graded student, in the order they finish, never two calls at once.
using StudentGraded =
    std::function<void(const StudentGrade& student, std::chrono::milliseconds elapsed)>;

struct ClassRunPlan {
  std::string lab_name;
  std::string lab_title;
  std::vector<TestColumn> tests;
  std::filesystem::path submissions_dir;
  std::vector<std::string> student_ids;  ///< sorted
  std::filesystem::path out_dir;
  int students_at_once = 1;  ///< students graded in parallel
  int test_jobs = 0;         ///< tests in parallel within one student; 0: the number of cores
};

/// Grades every student of the plan, writing <out>/<id>/results.json and report.txt as each
/// finishes. Never throws for one student's sake: an exception from `grade` or a file that
/// cannot be written becomes that student's grader error. The students come back sorted by id.
ClassGrades GradeClass(const ClassRunPlan& plan, const SubmissionGrader& grade,
                       const StudentGraded& graded);

/// Like GradeClass, with each student graded by `grade` as a whole.
ClassGrades GradeClassBy(const ClassRunPlan& plan, const StudentGrader& grade,
                         const StudentGraded& graded);

/// What GradeClass does for one student, in this process: grades them with `grade` (an
/// exception becomes their grader error), writes their files and returns their grade. Never
/// throws.
StudentGrade GradeStudentHere(const ClassRunPlan& plan, const SubmissionGrader& grade,
                              const std::string& id, int worker);

/// Records that the grader failed on student `id` before a report came back: their results.json
/// and report.txt list every test of the plan at 0 as the grader's error `grader_error` (said
/// as is, so it must be fit for the student to read). Returns their grade. Never throws.
StudentGrade RecordGraderFailure(const ClassRunPlan& plan, const std::string& id,
                                 std::string_view grader_error);

/// Writes gradebook.csv, summary.md, report.html and grades.json into `out_dir`; returns what
/// could not be written, empty on success.
std::vector<std::string> WriteClassFiles(const ClassGrades& grades,
                                         const std::filesystem::path& out_dir);

/// Why grading `plan` into its out folder would destroy an earlier run's grades: the folder
/// holds a grades.json of another lab or other tests (an earlier full run, and this one has
/// --only), or one labgrade cannot read. nullopt when there is none or it graded the same tests
/// (grading again, or another shard, replaces or adds students as expected).
std::optional<std::string> EarlierRunInTheWay(const ClassRunPlan& plan);

/// Combines the grades.json of each shard's output folder and copies each student's folder into
/// `out_dir`. Fails (nullopt, `error` set) when a shard cannot be read, when shards graded
/// different labs or tests, or when a student appears twice.
std::optional<ClassGrades> MergeShards(const std::vector<std::filesystem::path>& shard_dirs,
                                       const std::filesystem::path& out_dir, std::string* error);

/// Whether any student has a grader error.
bool AnyGraderError(const ClassGrades& grades);

}  // namespace labgrade
