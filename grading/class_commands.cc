// The class commands: see class_commands.h.
#include "grading/class_commands.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "grading/ci_log.h"
#include "grading/class_grading.h"
#include "grading/interruption.h"
#include "grading/parallelism.h"
#include "grading/progress_display.h"
#include "grading/student_process.h"
#include "harness/path_within.h"

namespace labgrade {
namespace {

bool IsInside(const std::filesystem::path& path, const std::filesystem::path& folder) {
  std::error_code ec;
  auto inner = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  auto outer = std::filesystem::weakly_canonical(std::filesystem::absolute(folder), ec);
  return IsAtOrBelow(inner, outer);
}

/// The students this run grades, or nullopt after saying why on stderr.
std::optional<std::vector<std::string>> StudentsToGrade(const CommandLine& line) {
  std::string error;
  std::optional<Shard> shard = Shard{};
  if (!line.shard.empty()) shard = ParseShard(line.shard, &error);
  if (!error.empty() || IsInside(line.out_dir, line.submissions_dir)) {
    if (error.empty()) error = "--out must not be inside --submissions: it would be graded";
    std::cerr << "labgrade: " << error << "\n";
    return std::nullopt;
  }
  std::vector<std::string> ids = ListStudents(line.submissions_dir, &error);
  if (!error.empty()) {
    std::cerr << "labgrade: " << error << "\n";
    return std::nullopt;
  }
  return SelectShard(ids, *shard);
}

/// Students in parallel, each with its tests one at a time, unless there are fewer students
/// than jobs: see the README's "Grading a class". Host mode attributes IPC objects to the one
/// test running, so one student at a time.
void ChooseParallelism(const CommandLine& line, bool in_namespaces, ClassRunPlan& plan) {
  const int jobs = line.jobs > 0 ? line.jobs : DefaultJobsHere();
  if (!in_namespaces) {
    plan.students_at_once = 1;
    plan.test_jobs = 1;
    return;
  }
  plan.students_at_once = std::clamp(static_cast<int>(plan.student_ids.size()), 1, jobs);
  plan.test_jobs = std::max(1, jobs / plan.students_at_once);
}

/// Writes the class files, then says "<done> N students: <out>/gradebook.csv, ...", after a
/// warning for each test that was skipped (its zeros are not the students' failures).
bool WriteClassFilesReporting(const ClassGrades& grades, const std::string& out_dir,
                              std::string_view done) {
  for (const std::string& warning : SkippedTestWarnings(grades))
    std::cerr << "labgrade: warning: " << warning << "\n";
  std::vector<std::string> errors = WriteClassFiles(grades, out_dir);
  for (const std::string& error : errors) std::cerr << "labgrade: " << error << "\n";
  if (errors.empty())
    fmt::print("{} {} students: {}/gradebook.csv, summary.md, report.html\n", done,
               grades.students.size(), out_dir);
  return errors.empty();
}

}  // namespace

/// Each student is graded by a child labgrade (`grade-one`, see grading/student_process.h), so
/// that the grader crashing or hanging on one submission is that student's grader error and the
/// batch goes on. The children set up their own isolation: this process enters no namespace.
int GradeClassCommand(const CommandLine& line) {
  BlockInterruptions();
  StartInterruptionWatcher();
  std::string errors;
  auto lab = LoadLab(line, &errors);
  if (!lab) return kExitUsage;
  if (auto problem = OnlyTestProblem(*lab, line.only_tests)) {
    std::cerr << "labgrade: " << *problem << "\n";
    return kExitUsage;
  }
  if (const std::string note = HiddenPointsNote(*lab, line); !note.empty())
    std::cerr << "labgrade: warning: " << note;
  auto ids = StudentsToGrade(line);
  if (!ids) return kExitUsage;
  // Before anything is created or probed: a refused run leaves the earlier one as it was.
  ClassRunPlan plan{
      lab->name, lab->title,  TestColumnsOf(*lab, line.only_tests), line.submissions_dir,
      *ids,      line.out_dir};
  if (auto in_the_way = EarlierRunInTheWay(plan)) {
    std::cerr << "labgrade: " << *in_the_way << "\n";
    return kExitUsage;
  }
  std::error_code ec;
  std::filesystem::create_directories(line.out_dir, ec);
  if (ec) {
    std::cerr << fmt::format("labgrade: cannot create {}: {}\n", line.out_dir, ec.message());
    return kExitUsage;
  }
  ::umask(022);  // as in the children: the sandbox users must read the builds
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  std::vector<std::string> environment = OwnEnvironment();
  std::string host_note;
  const bool in_namespaces =
      !line.host_mode && ChildrenUseNamespaces(self, environment, &host_note);
  std::string cache_error;
  const std::string cache_dir =
      line.no_build_cache ? ""
      : line.build_cache_dir.empty()
          ? (std::filesystem::path(line.out_dir) / ".build-cache").string()
          : line.build_cache_dir;
  const std::optional<BuildCache> cache = OpenBuildCache(cache_dir, &cache_error);
  if (!cache_error.empty()) {
    std::cerr << "labgrade: " << cache_error << "\n";
    return kExitUsage;
  }
  // The children key their builds by the toolchain found here, once for the whole class.
  if (cache) environment.push_back(fmt::format("{}={}", kToolchainVariable, cache->toolchain()));
  std::atomic<int> student_builds_reused{0}, reference_builds{0}, reference_builds_reused{0};
  ChooseParallelism(line, in_namespaces, plan);
  const int wall_limit_ms = line.student_timeout_s > 0
                                ? std::min(line.student_timeout_s, 24 * 3600) * 1000
                                : StudentWallLimitMs(*lab, plan.tests);
  auto grade = [&](const std::string& id, int test_jobs, int worker) {
    StudentProcessRequest request;
    request.labgrade = self;
    request.lab = line.lab;
    request.student_id = id;
    request.test_jobs = std::max(1, test_jobs);
    request.only_tests = line.only_tests;
    if (cache) request.build_cache_dir = cache->dir();
    if (!line.overlay_path.empty()) request.overlay = line.overlay_path;
    // Only when asked: a child that falls back to host mode itself says why in its report.
    request.host_mode = line.host_mode;
    request.wall_limit_ms = wall_limit_ms;
    request.environment = environment;
    const StudentProcessResult result = GradeStudentInChild(plan, request);
    if (result.cache.build_from_cache) ++student_builds_reused;
    if (result.grade.build_ok) ++reference_builds;
    if (result.cache.reference_build_from_cache) ++reference_builds_reused;
    return result.grade;
  };
  ProgressDisplay progress(::isatty(STDERR_FILENO) == 1, static_cast<int>(ids->size()),
                           TotalPoints(plan.tests));
  ClassGrades grades = GradeClassBy(plan, grade, [&](const StudentGrade& student, auto elapsed) {
    // A student's id is a folder name, theirs to choose.
    std::cerr << InertInCiLog(progress.Record(student, elapsed)) << std::flush;
  });
  if (cache) {
    fmt::print("build cache {}: {} of {} student builds and {} of {} reference builds reused\n",
               cache->dir().string(), student_builds_reused.load(), ids->size(),
               reference_builds_reused.load(), reference_builds.load());
  }
  if (!WriteClassFilesReporting(grades, line.out_dir, "graded")) return kExitGraderError;
  return AnyGraderError(grades) ? kExitGraderError : kExitAllPassed;
}

/// `grade-one`: one student of a class, the child process of GradeClassCommand (see
/// grading/student_process.h). Exits 0 once it has left the student's grade for the parent.
int GradeOneCommand(const CommandLine& line) {
  std::string errors;
  auto lab = LoadLab(line, &errors);
  if (!lab) return kExitUsage;
  const Isolation isolation = SetUpIsolation(line.host_mode);
  // Test hooks: let the integration tests crash or hang the grader on exactly one student, as a
  // bug in the harness would. Harmless in production: nothing sets them, and only this hidden
  // command reads them.
  if (const char* crash_on = std::getenv("LABGRADE_TEST_CRASH_ON_STUDENT");
      crash_on != nullptr && line.student == crash_on) {
    std::cerr << "labgrade: LABGRADE_TEST_CRASH_ON_STUDENT: aborting on purpose\n" << std::flush;
    std::abort();
  }
  if (const char* hang_on = std::getenv("LABGRADE_TEST_HANG_ON_STUDENT");
      hang_on != nullptr && line.student == hang_on) {
    std::cerr << "labgrade: LABGRADE_TEST_HANG_ON_STUDENT: waiting for a signal\n" << std::flush;
    for (;;) ::pause();  // until the parent's wall limit ends this process
  }
  std::string cache_error;
  const std::optional<BuildCache> cache = OpenBuildCache(line.build_cache_dir, &cache_error);
  if (!cache_error.empty()) {
    std::cerr << "labgrade: " << cache_error << "\n";
    return kExitUsage;
  }
  GradeOptions options;
  options.only_tests = line.only_tests;
  options.work_dir = line.work_dir;
  options.build_cache = cache ? &*cache : nullptr;
  ClassRunPlan plan{
      lab->name,      lab->title,  TestColumnsOf(*lab, options.only_tests), line.submissions_dir,
      {line.student}, line.out_dir};
  plan.test_jobs = line.jobs;
  return GradeStudentForParent(*lab, plan, line.student, options, isolation);
}

/// `probe-isolation`: how a child would isolate tests, for GradeClassCommand to decide how many
/// students it grades at once. Prints "namespaces", or "host" and the reason on the next line.
int ProbeIsolationCommand() {
  const Isolation isolation = SetUpIsolation(false);
  if (isolation.mode == IsolationMode::kHost)
    fmt::print("host\n{}\n", isolation.note);
  else
    fmt::print("namespaces\n");
  return kExitAllPassed;
}

int MergeCommand(const CommandLine& line) {
  std::vector<std::filesystem::path> shard_dirs(line.shard_dirs.begin(), line.shard_dirs.end());
  std::string error;
  std::optional<ClassGrades> grades = MergeShards(shard_dirs, line.out_dir, &error);
  if (!grades) {
    std::cerr << "labgrade: merge: " << error << "\n";
    return kExitUsage;
  }
  if (!WriteClassFilesReporting(*grades, line.out_dir, "merged")) return kExitGraderError;
  return AnyGraderError(*grades) ? kExitGraderError : kExitAllPassed;
}

void AddClassCommands(CLI::App& app, CommandLine& line) {
  CLI::App* grade = app.add_subcommand("grade", "grade a class: one sub-folder per student");
  grade->add_option("lab", line.lab, kLabArgumentHelp)->required();
  grade
      ->add_option("--submissions", line.submissions_dir, "one sub-folder per student, named by id")
      ->required()
      ->check(CLI::ExistingDirectory);
  grade->add_option("--out", line.out_dir, "write the reports and the gradebook here")->required();
  grade
      ->add_option("--jobs,-j", line.jobs,
                   "students graded at once (default: 4 per core, fewer when memory is short)")
      ->check(CLI::PositiveNumber);
  grade->add_option("--only", line.only_tests, "run only these tests (repeat, or TEST,TEST)")
      ->delimiter(',');
  grade->add_option("--shard", line.shard, "grade only shard K of N (K/N), for merge");
  grade->add_option(
      "--build-cache", line.build_cache_dir,
      "reuse builds of the same content from this folder (default: OUT/.build-cache)");
  grade->add_flag("--no-build-cache", line.no_build_cache, "build every submission afresh");
  grade->add_option("--overlay", line.overlay_path,
                    "add the hidden tests of this overlay file to the lab's");
  grade->add_flag("--host-mode", line.host_mode,
                  "run tests on the host one at a time, without namespaces");
  grade->add_option("--student-timeout-s", line.student_timeout_s,
                    "stop grading a student after this long (default: from the lab's limits)");
  // Hidden (group ""): the child process of `grade` for one student, and its isolation probe.
  CLI::App* one = app.add_subcommand("grade-one", "grade one student for `grade` (internal)");
  one->group("");
  one->add_option("lab", line.lab, "the lab folder")->required();
  one->add_option("--submissions", line.submissions_dir, "the class's submissions")->required();
  one->add_option("--out", line.out_dir, "the class's output folder")->required();
  one->add_option("--student", line.student, "the student's id")->required();
  one->add_option("--jobs", line.jobs, "tests at once");
  one->add_option("--only", line.only_tests, "run only these tests")->delimiter(',');
  one->add_option("--build-cache", line.build_cache_dir, "the class's build cache");
  one->add_option("--overlay", line.overlay_path, "the hidden tests' overlay");
  one->add_option("--work-dir", line.work_dir, "build and run here");
  one->add_flag("--host-mode", line.host_mode, "run tests on the host");
  CLI::App* probe = app.add_subcommand("probe-isolation", "how tests are isolated (internal)");
  probe->group("");
  CLI::App* merge = app.add_subcommand("merge", "combine the outputs of `grade --shard` runs");
  merge->add_option("--out", line.out_dir, "write the combined reports here")->required();
  merge->add_option("shards", line.shard_dirs, "the --out folders of the shards")
      ->required()
      ->check(CLI::ExistingDirectory);
}

}  // namespace labgrade
