// Grading one student of a class in a child labgrade process (the hidden `labgrade grade-one`),
// so that a crash of the grader itself on one submission (a signal, an abort, std::terminate, a
// grader stuck for good) becomes that student's grader error and the batch goes on.
//
// The parent launches the child through the process layer (harness/process/program_run.h), with its
// wall limit and group kill. The child sets up its own isolation, grades the one submission as
// GradeStudentHere does (writing <out>/<id>/results.json and report.txt), and leaves its grade in
// <out>/<id>/grade-one.json (kStudentGradeFile), which the parent reads and removes. A child
// that ends any other way leaves the student a report with every test at 0 that says what
// happened (GraderCrashText), with the last lines of the child's stderr for the instructor.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grading/class_grades.h"
#include "grading/class_grading.h"
#include "grading/grader.h"
#include "harness/process/program_run.h"
#include "harness/spec/lab_spec.h"

namespace labgrade {

/// The file the child leaves its grade in, inside the student's output folder.
inline constexpr std::string_view kStudentGradeFile = "grade-one.json";

/// Facts about one student's grading that the gradebook does not hold, for the batch's totals.
struct BuildCacheFacts {
  bool build_from_cache = false;            ///< GradeReport::build.from_cache
  bool reference_build_from_cache = false;  ///< GradeReport::reference_build_from_cache
};

/// What a child process reports back: the student's grade and the cache facts.
struct StudentProcessResult {
  StudentGrade grade;
  BuildCacheFacts cache;
};

/// One child: which student, and how the child is to grade them.
struct StudentProcessRequest {
  std::filesystem::path labgrade;  ///< the labgrade executable (the parent's own)
  std::filesystem::path lab;       ///< the lab folder, as the parent was given it
  std::string student_id;
  int test_jobs = 1;
  std::vector<std::string> only_tests;
  std::optional<std::filesystem::path> build_cache_dir;  ///< the cache the children share
  std::optional<std::filesystem::path> overlay;          ///< hidden tests, as `--overlay`
  /// The child's work folder (GradeOptions::work_dir). GradeStudentInChild makes a fresh one
  /// under /var/tmp (grading/work_folder.h) and removes it once the child has ended, however
  /// it ended.
  std::optional<std::filesystem::path> work_dir;
  bool host_mode = false;
  int wall_limit_ms = 0;                 ///< the child is killed after this long
  std::vector<std::string> environment;  ///< "NAME=value": the child gets only these
};

/// The child's arguments after argv[0]: `grade-one LAB --submissions=DIR --out=DIR --student=ID
/// --jobs=N [--only=T]... [--build-cache=DIR] [--overlay=FILE] [--work-dir=DIR] [--host-mode]`,
/// from the plan's folders.
std::vector<std::string> GradeOneArguments(const ClassRunPlan& plan,
                                           const StudentProcessRequest& request);

/// A generous wall limit for grading one student, far above what a sound grading takes: both
/// builds at their timeout, and for each graded test every program of the lab at its wall limit
/// plus a minute for the steps and the cell, plus two minutes.
int StudentWallLimitMs(const LabSpec& lab, const std::vector<TestColumn>& graded);

/// The last `max_lines` non-empty lines of `text`, each cut to `max_line_bytes` (with "..."),
/// joined by '\n' without a final one: a bounded excerpt of a child's stderr.
std::string LastLines(std::string_view text, std::size_t max_lines, std::size_t max_line_bytes);

/// The grader error, in words for the student and the instructor, of a child that ended without
/// leaving a grade: killed by a signal (passed on as exit status 128+N by the user-namespace
/// waiter of cell.h, so 129..192 read as signals too), stopped at `wall_limit_ms`, failed with
/// another exit status, or exited 0 without a readable grade (`missing_grade`, why). The last
/// lines of its stderr follow, indented, when it wrote any.
std::string GraderCrashText(const ProgramEnd& end, int wall_limit_ms,
                            std::string_view missing_grade);

/// kStudentGradeFile's content: {"grades": ClassGradesJson of the plan with this one student,
/// "build_from_cache": bool, "reference_build_from_cache": bool}.
nlohmann::json StudentGradeFileJson(const ClassRunPlan& plan, const StudentProcessResult& result);

/// Reads StudentGradeFileJson's output back: nullopt and `error` set unless it is one for
/// exactly `plan`'s lab and tests and the student `id`.
std::optional<StudentProcessResult> StudentGradeFromFileJson(const nlohmann::json& json,
                                                             const ClassRunPlan& plan,
                                                             const std::string& id,
                                                             std::string* error);

/// The child's side: grades `id` of `plan` (one student) with `options` (its submission_dir
/// and jobs come from the plan) and `isolation` as GradeStudentHere does, then writes
/// kStudentGradeFile. Returns the exit status: 0 once the file is written.
int GradeStudentForParent(const LabSpec& lab, const ClassRunPlan& plan, const std::string& id,
                          const GradeOptions& options, const Isolation& isolation);

/// The parent's side: runs `request`'s child for student `request.student_id` of `plan` in a
/// work folder of its own, waits for it, removes the folder, and returns its grade, or records a
/// grader failure (RecordGraderFailure) that says how the child ended. Never throws.
StudentProcessResult GradeStudentInChild(const ClassRunPlan& plan,
                                         const StudentProcessRequest& request);

/// Asks a child (`labgrade probe-isolation`) whether children will grade in namespaces, which
/// decides how many students can be graded at once. False, with `note` saying why, when they
/// would fall back to host mode or the probe itself failed.
bool ChildrenUseNamespaces(const std::filesystem::path& labgrade,
                           const std::vector<std::string>& environment, std::string* note);

/// This process's environment as "NAME=value" entries, for the children.
std::vector<std::string> OwnEnvironment();

}  // namespace labgrade
