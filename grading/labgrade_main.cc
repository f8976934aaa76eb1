// labgrade: the command line. Parses arguments, loads the lab, hands over to the grader and
// writes the reports. Exit status: 0 every test passed, 1 some test failed (or the submission
// did not build), 2 the lab spec or the command line is wrong, 3 the grader itself failed.
// `grade` and `merge` (a whole class) exit 0 when the batch ran, whatever the students scored.
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "grading/class_grading.h"
#include "grading/classroom_result.h"
#include "grading/grader.h"
#include "grading/gradescope_autograder.h"
#include "grading/gradescope_results.h"
#include "grading/junit_report.h"
#include "grading/lab_location.h"
#include "grading/markdown_summary.h"
#include "grading/progress_display.h"
#include "grading/student_process.h"
#include "grading/terminal_report.h"
#include "grading/version.h"
#include "harness/build_cache.h"
#include "harness/cell.h"
#include "harness/prebuilt_reference.h"
#include "harness/spec_loader.h"
#include "harness/spec_overlay.h"

namespace labgrade {
namespace {

constexpr int kExitAllPassed = 0;
constexpr int kExitSomeFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitGraderError = 3;

constexpr const char* kLabArgumentHelp =
    "the lab: its folder (labs/shm-xfer), a bundle (shm-xfer.tar.gz) or a shipped lab's name";

struct CommandLine {
  std::string command;
  std::string lab;        ///< the lab folder or lab.yaml to load (a bundle file: where extracted)
  std::string lab_given;  ///< the lab as the command line named it
  std::string out_file;   ///< bundle, gradescope
  std::string package_path;  ///< gradescope
  std::string submission;
  std::string results_path;
  std::string junit_path;
  std::string markdown_path;
  std::string classroom_output_path;
  std::string submissions_dir;
  std::string out_dir;
  std::string shard;
  std::vector<std::string> shard_dirs;
  std::string work_dir;
  std::vector<std::string> only_tests;
  std::string build_cache_dir;
  bool no_build_cache = false;
  std::string overlay_path;
  bool show_hidden_details = false;
  std::string student;        ///< grade-one
  int sandbox_slot = 0;       ///< grade-one
  int student_timeout_s = 0;  ///< grade; 0: StudentWallLimitMs
  int jobs = 0;
  bool keep_work_dir = false;
  bool host_mode = false;
};

bool WriteFile(const std::string& path, const std::string& text,
               std::ios::openmode mode = std::ios::trunc) {
  std::ofstream file(path, std::ios::binary | mode);
  file << text;
  file.close();
  if (!file)
    std::cerr << fmt::format("labgrade: cannot write {}: {}\n", path, std::strerror(errno));
  return static_cast<bool>(file);
}

void WriteReports(const CommandLine& line, const GradeReport& report) {
  if (!line.results_path.empty()) WriteFile(line.results_path, GradescopeResultsText(report));
  if (!line.junit_path.empty()) WriteFile(line.junit_path, JunitXml(report));
  if (!line.markdown_path.empty()) WriteFile(line.markdown_path, StepSummaryMarkdown(report));
  // $GITHUB_OUTPUT holds the outputs of every step so far: append, never replace.
  if (!line.classroom_output_path.empty())
    WriteFile(line.classroom_output_path, ClassroomOutputLine(report), std::ios::app);
}

/// Why an `--only` names no test of the lab, or nullopt when each does (or none is given).
std::optional<std::string> OnlyTestProblem(const LabSpec& lab,
                                           const std::vector<std::string>& only_tests) {
  std::string names;
  for (const TestSpec& test : lab.tests) names += (names.empty() ? "" : ", ") + test.name;
  for (const std::string& chosen : only_tests) {
    const bool found = std::any_of(lab.tests.begin(), lab.tests.end(),
                                   [&](const TestSpec& test) { return test.name == chosen; });
    if (!found)
      return fmt::format("--only {}: {} has no such test; its tests are: {}", chosen, lab.name,
                         names);
  }
  return std::nullopt;
}

/// Why a lab whose reference is prebuilt cannot be graded here, and what to do, or "".
std::string CannotGradeHere(const LabSpec& lab, const CommandLine& line) {
  const std::optional<std::string> problem = PrebuiltReferenceProblem(lab, ThisMachine());
  if (!problem) return "";
  std::string made_where;
  if (auto manifest = ReadBundleManifest(lab.lab_dir);
      std::holds_alternative<std::optional<BundleManifest>>(manifest)) {
    if (const auto& bundle = std::get<std::optional<BundleManifest>>(manifest))
      made_where = fmt::format(" The bundle was made on {}.", BundlePlatformWords(*bundle));
  }
  return fmt::format(
      "the lab {} cannot be graded on this machine: {}.{} Make its bundle again on a machine "
      "like this one (labgrade bundle LAB --out FILE.tar.gz), or grade with the lab folder and "
      "its reference sources.\n",
      line.lab_given, *problem, made_where);
}

/// Loads the lab and the overlay of hidden tests if one is given (or the bundle carries one),
/// printing every spec error as file:line:col with the line and a caret. `errors_text` says
/// why there is no lab: the spec's errors, or why its prebuilt reference cannot run here.
std::optional<LabSpec> LoadLab(const CommandLine& line, std::string* errors_text) {
  SpecLoad load = LoadLabSpec(line.lab);
  if (load.spec && !line.overlay_path.empty()) {
    load.errors = ApplyTestOverlay(line.overlay_path, *load.spec);
    if (!load.errors.empty()) load.spec.reset();
  }
  for (const SpecError& error : load.errors) *errors_text += error.Format();
  if (!load.errors.empty()) std::cerr << *errors_text;
  if (!load.errors.empty()) *errors_text = "the lab's specification is invalid:\n" + *errors_text;
  if (load.spec) {
    *errors_text = CannotGradeHere(*load.spec, line);
    if (!errors_text->empty()) {
      std::cerr << "labgrade: " << *errors_text;
      load.spec.reset();
    }
  }
  return load.spec;
}

/// What a lab whose hidden tests were not loaded tells the person grading with it.
std::string HiddenPointsNote(const LabSpec& lab, const CommandLine& line) {
  if (lab.hidden_points == 0 || !line.overlay_path.empty()) return "";
  return fmt::format(
      "{} more points come from hidden tests that are not in this copy of the lab; an "
      "instructor adds them with --overlay.\n",
      lab.hidden_points);
}

/// The build cache in `dir`; nullopt for none (`dir` empty) or when it cannot be opened, which
/// sets `error`. Runs the toolchain once for the keys: call it after entering the user
/// namespace, which needs the process to have one thread.
std::optional<BuildCache> OpenBuildCache(const std::string& dir, std::string* error) {
  if (dir.empty()) return std::nullopt;
  auto opened = BuildCache::Open(dir, ToolchainIdentity());
  if (auto* failure = std::get_if<std::string>(&opened)) {
    *error = *failure;
    return std::nullopt;
  }
  return std::get<BuildCache>(std::move(opened));
}

int Validate(const CommandLine& line) {
  std::string errors;
  auto lab = LoadLab(line, &errors);
  if (!lab) return kExitUsage;
  int points = 0;
  int hidden = 0;
  for (const TestSpec& test : lab->tests) {
    points += test.points;
    if (test.visibility == Visibility::kHidden) ++hidden;
  }
  std::string extra;
  if (!line.overlay_path.empty()) {
    extra = fmt::format(" ({} hidden)", hidden);
  }
  std::string points_extra;
  if (lab->hidden_points > 0 && line.overlay_path.empty()) {
    points_extra = fmt::format(" (and {} from hidden tests in an overlay)", lab->hidden_points);
  }
  fmt::print("{}: {} ({}), {} tests{}, {} points{}: OK\n", line.lab_given, lab->name, lab->title,
             lab->tests.size(), extra, points, points_extra);
  return kExitAllPassed;
}

/// Enters a user namespace when not root and decides how tests are isolated, once per process.
Isolation SetUpIsolation(bool host_mode) {
  // As an ordinary user, move into a user namespace while there is still one thread.
  std::optional<std::string> userns_error = EnterOwnUserNamespace();
  ::umask(022);  // the sandbox users must read the builds
  Isolation isolation = PrepareIsolation(std::filesystem::read_symlink("/proc/self/exe"),
                                         host_mode || userns_error.has_value());
  if (userns_error) isolation.note = "cannot enter a user namespace: " + *userns_error;
  return isolation;
}

int Grade(const CommandLine& line, bool selftest) {
  std::string errors;
  auto lab = LoadLab(line, &errors);
  if (!lab) {
    GradeReport report;
    report.submission = line.submission;
    report.grader_error = errors;
    WriteReports(line, report);
    return kExitUsage;
  }
  if (auto problem = OnlyTestProblem(*lab, line.only_tests)) {
    std::cerr << "labgrade: " << *problem << "\n";
    GradeReport report;
    report.lab_name = lab->name;
    report.lab_title = lab->title;
    report.submission = line.submission;
    report.grader_error = *problem;
    WriteReports(line, report);
    return kExitUsage;
  }
  std::string cache_error;
  const std::optional<BuildCache> cache = OpenBuildCache(line.build_cache_dir, &cache_error);
  if (!cache_error.empty()) {
    std::cerr << "labgrade: " << cache_error << "\n";
    return kExitUsage;
  }

  GradeReport report;
  try {
    const Isolation isolation = SetUpIsolation(line.host_mode);
    GradeOptions options;
    options.submission_dir = selftest ? lab->reference_dir : std::filesystem::path(line.submission);
    options.submission_is_prebuilt_reference = selftest && lab->reference_prebuilt;
    options.jobs = line.jobs;
    options.work_dir = line.work_dir;
    options.keep_work_dir = line.keep_work_dir;
    options.only_tests = line.only_tests;
    options.build_cache = cache ? &*cache : nullptr;
    report = GradeSubmission(*lab, options, isolation);
  } catch (const std::exception& failure) {
    report.lab_name = lab->name;
    report.lab_title = lab->title;
    report.submission = line.submission;
    report.grader_error = fmt::format("internal error: {}", failure.what());
  }
  WriteReports(line, report);
  TerminalStyle style;
  style.color = ShouldUseColor(STDOUT_FILENO);
  style.show_hidden_details = line.show_hidden_details;
  std::cout << RenderTerminalReport(report, style) << HiddenPointsNote(*lab, line) << std::flush;
  if (!report.grader_error.empty()) return kExitGraderError;
  // A test skipped on this machine is nobody's failure: it does not turn the exit status red,
  // but a selftest says which tests it could not verify.
  bool all_passed = report.build.ok && report.score == report.max_score &&
                    std::all_of(report.tests.begin(), report.tests.end(), [](const TestResult& t) {
                      return t.outcome == Outcome::kPass || t.outcome == Outcome::kSkipped;
                    });
  if (selftest && !all_passed)
    std::cerr << "labgrade: selftest: the reference solution does not get full marks\n";
  if (selftest && report.skipped_points > 0)
    std::cerr << "labgrade: selftest: skipped tests were not verified on this machine: "
              << SkippedTestNames(report) << "\n";
  bool any_error = std::any_of(report.tests.begin(), report.tests.end(),
                               [](const TestResult& t) { return t.outcome == Outcome::kError; });
  if (any_error) return kExitGraderError;
  return all_passed ? kExitAllPassed : kExitSomeFailed;
}

void AddGradingOptions(CLI::App* command, CommandLine& line) {
  command->add_option("--results", line.results_path, "write Gradescope results.json here");
  command->add_option("--junit", line.junit_path, "write JUnit XML here");
  command->add_option("--markdown", line.markdown_path,
                      "write a GitHub step summary (Markdown) here");
  command->add_option("--classroom-output", line.classroom_output_path,
                      "append GitHub Classroom's result=<base64> line here ($GITHUB_OUTPUT)");
  command->add_option("--jobs,-j", line.jobs,
                      "tests run in parallel (default: the number of cores)");
  command->add_option("--work-dir", line.work_dir,
                      "build and run here (default: a new folder under /var/tmp)");
  command->add_flag("--keep-work-dir", line.keep_work_dir, "keep the work folder afterwards");
  command->add_option("--only", line.only_tests, "run only these tests (repeat, or TEST,TEST)")
      ->delimiter(',');
  command->add_option("--build-cache", line.build_cache_dir,
                      "reuse builds of the same content from this folder (default: none)");
  command->add_option("--overlay", line.overlay_path,
                      "add the hidden tests of this overlay file to the lab's");
  command->add_flag("--show-hidden-details", line.show_hidden_details,
                    "show what went wrong in hidden tests too (for instructors)");
  command->add_flag("--host-mode", line.host_mode,
                    "run tests on the host one at a time, without namespaces");
}

bool IsInside(const std::filesystem::path& path, const std::filesystem::path& folder) {
  std::error_code ec;
  auto inner = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  auto outer = std::filesystem::weakly_canonical(std::filesystem::absolute(folder), ec);
  auto [end, unused] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return end == outer.end();
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
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int jobs = line.jobs > 0 ? line.jobs : cores;
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

/// Each student is graded by a child labgrade (`grade-one`, see grading/student_process.h), so
/// that the grader crashing or hanging on one submission is that student's grader error and the
/// batch goes on. The children set up their own isolation: this process enters no namespace.
int GradeClassCommand(const CommandLine& line) {
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
  const std::vector<std::string> environment = OwnEnvironment();
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
    // Students graded at once run their tests as different sandbox users.
    request.sandbox_slot = worker * request.test_jobs;
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
    std::cerr << progress.Record(student, elapsed) << std::flush;
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
  options.first_sandbox_slot = line.sandbox_slot;
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
  grade->add_option("--jobs,-j", line.jobs,
                    "students graded at once (default: the number of cores)");
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
  one->add_option("--sandbox-slot", line.sandbox_slot, "the first sandbox slot");
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

/// Why the file `--out` names cannot be written there: its folder does not exist, or "".
std::string OutFolderProblem(const std::string& out_file) {
  const std::filesystem::path folder =
      std::filesystem::absolute(std::filesystem::path(out_file)).parent_path();
  std::error_code ec;
  if (std::filesystem::is_directory(folder, ec)) return "";
  return fmt::format("--out {}: there is no folder {}", out_file, folder.string());
}

/// `bundle`: the lab (and its hidden tests, with --overlay) as one file, its reference built.
int BundleCommand(const CommandLine& line) {
  std::string problem = OutFolderProblem(line.out_file);
  if (!line.out_file.ends_with(".tar.gz")) problem = "--out must name a .tar.gz file";
  if (!problem.empty()) {
    std::cerr << "labgrade: bundle: " << problem << "\n";
    return kExitUsage;
  }
  std::string errors;
  auto lab = LoadLab(line, &errors);
  if (!lab) return kExitUsage;
  auto written = WriteLabBundle({&*lab, line.overlay_path, line.out_file});
  if (auto* error = std::get_if<BundleError>(&written)) {
    std::cerr << "labgrade: bundle: " << error->message << "\n";
    return error->lab_problem ? kExitUsage : kExitGraderError;
  }
  const BundleManifest& manifest = std::get<BundleManifest>(written);
  fmt::print("wrote {}: the lab {} with its reference built on {}", line.out_file, manifest.lab,
             BundlePlatformWords(manifest));
  if (!manifest.glibc_needed.empty())
    fmt::print(" (it runs where glibc is {} or later)", manifest.glibc_needed);
  fmt::print("\n");
  if (!manifest.overlay.empty()) {
    fmt::print(
        "It carries the hidden tests of {}: whoever has the bundle can read them. Give students "
        "a bundle made without --overlay.\n",
        line.overlay_path);
  }
  return kExitAllPassed;
}

/// `gradescope`: autograder.zip, with the package given and the lab's bundle.
int GradescopeCommand(const CommandLine& line) {
  if (!line.package_path.ends_with(".deb")) {
    std::cerr << "labgrade: gradescope: --package must name labgrade's .deb (from the release, "
                 "or cpack -G DEB in the build folder)\n";
    return kExitUsage;
  }
  std::optional<std::string> problem = DebianPackageProblem(line.package_path);
  if (!problem && !OutFolderProblem(line.out_file).empty())
    problem = OutFolderProblem(line.out_file);
  if (problem) {
    std::cerr << "labgrade: gradescope: " << *problem << "\n";
    return kExitUsage;
  }
  std::string errors;
  auto lab = LoadLab(line, &errors);
  if (!lab) return kExitUsage;
  auto folder = TemporaryFolder::Make("labgrade-gradescope-");
  if (auto* error = std::get_if<std::string>(&folder)) {
    std::cerr << "labgrade: gradescope: " << *error << "\n";
    return kExitGraderError;
  }
  const std::filesystem::path bundle =
      std::get<TemporaryFolder>(folder).path() / (lab->name + ".tar.gz");
  auto written = WriteLabBundle({&*lab, line.overlay_path, bundle});
  if (auto* error = std::get_if<BundleError>(&written)) {
    std::cerr << "labgrade: gradescope: " << error->message << "\n";
    return error->lab_problem ? kExitUsage : kExitGraderError;
  }
  if (auto error = WriteGradescopeAutograder({line.package_path, bundle, line.out_file})) {
    std::cerr << "labgrade: gradescope: " << *error << "\n";
    return kExitGraderError;
  }
  fmt::print("wrote {}: setup.sh, run_autograder, {} and {}.tar.gz\n", line.out_file,
             std::filesystem::path(line.package_path).filename().string(), lab->name);
  int skipped_points = 0;
  std::string skipped_names;
  for (const TestSpec* test : TestsSkippedInHostMode(*lab)) {
    skipped_points += test->points;
    skipped_names += (skipped_names.empty() ? "" : ", ") + test->name;
  }
  if (skipped_points > 0) {
    fmt::print(
        "Gradescope's containers refuse namespaces, so labgrade grades there in host mode, "
        "where {} ({} points) cannot run: results.json lists them as not counted (0 out of 0). "
        "Set the assignment's autograder points to {}, and grade them on a machine with "
        "namespaces (labgrade grade {} --only {}).\n",
        skipped_names, skipped_points, 100 - skipped_points, line.lab_given, skipped_names);
  }
  return kExitAllPassed;
}

void AddDeployCommands(CLI::App& app, CommandLine& line) {
  CLI::App* bundle = app.add_subcommand(
      "bundle", "write the lab as one file, its reference built (no reference sources)");
  bundle->add_option("lab", line.lab, kLabArgumentHelp)->required();
  bundle->add_option("--out", line.out_file, "the bundle to write, e.g. shm-xfer.tar.gz")
      ->required();
  bundle->add_option("--overlay", line.overlay_path,
                     "carry the hidden tests of this overlay (for instructors' grading only)");
  CLI::App* gradescope =
      app.add_subcommand("gradescope", "write Gradescope's autograder.zip for the lab");
  gradescope->add_option("lab", line.lab, kLabArgumentHelp)->required();
  gradescope
      ->add_option("--package", line.package_path,
                   "labgrade's .deb for the image Gradescope builds (Ubuntu 24.04)")
      ->required()
      ->check(CLI::ExistingFile);
  gradescope->add_option("--out", line.out_file, "the zip to write, e.g. autograder.zip")
      ->required();
  gradescope->add_option("--overlay", line.overlay_path, "add the hidden tests of this overlay");
  app.add_subcommand("version", "print labgrade's version");
  app.add_subcommand("help", "print this help");
}

/// Finds the lab the command names (grading/lab_location.h) and points `line` at what to load;
/// a bundle carrying hidden tests supplies --overlay. Prints why not and returns nullopt when
/// there is no such lab or the overlay would be given twice.
std::optional<LabLocation> LocateLab(CommandLine& line) {
  line.lab_given = line.lab;
  auto found =
      LabLocation::Find(line.lab, ShippedLabsDir(std::filesystem::read_symlink("/proc/self/exe")));
  if (auto* error = std::get_if<std::string>(&found)) {
    std::cerr << "labgrade: " << *error << "\n";
    return std::nullopt;
  }
  LabLocation& location = std::get<LabLocation>(found);
  line.lab = location.spec_path().string();
  if (const std::optional<std::filesystem::path> bundled = location.BundledOverlay()) {
    std::error_code ec;
    // `grade` passes a bundle's own overlay on to each student's child process: the same file.
    if (!line.overlay_path.empty() &&
        !std::filesystem::equivalent(line.overlay_path, *bundled, ec)) {
      std::cerr << fmt::format(
          "labgrade: {} already carries hidden tests ({}); --overlay adds hidden tests to a lab "
          "that has none\n",
          line.lab_given, bundled->filename().string());
      return std::nullopt;
    }
    line.overlay_path = bundled->string();
  }
  return std::move(location);
}

/// The first argument when it is neither an option nor a command: CLI11 alone would answer
/// "A subcommand is required".
std::optional<std::string> UnknownCommand(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  std::string names;
  for (const CLI::App* command : app.get_subcommands({})) {
    if (command->get_name() == argv[1]) return std::nullopt;
    // Hidden commands (group "") are for labgrade's own use.
    if (!command->get_group().empty()) names += (names.empty() ? "" : ", ") + command->get_name();
  }
  return fmt::format(
      "labgrade: no command '{}'; the commands are: {} (labgrade --help says more)\n", argv[1],
      names);
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"labgrade: grades systems-programming labs (shared memory, sockets, mmap)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", VersionText(), "print labgrade's version and exit");
  CommandLine line;
  CLI::App* check = app.add_subcommand("check", "grade a submission and show the report");
  check->add_option("lab", line.lab, kLabArgumentHelp)->required();
  check->add_option("--submission,-s", line.submission, "the folder with the submission's files")
      ->required()
      ->check(CLI::ExistingDirectory);
  AddGradingOptions(check, line);
  CLI::App* selftest =
      app.add_subcommand("selftest", "grade the lab's reference solution: it must get full marks");
  selftest->add_option("lab", line.lab, kLabArgumentHelp)->required();
  AddGradingOptions(selftest, line);
  CLI::App* validate =
      app.add_subcommand("validate", "check a lab's lab.yaml without running anything");
  validate->add_option("lab", line.lab, kLabArgumentHelp)->required();
  validate->add_option("--overlay", line.overlay_path,
                       "check this overlay of hidden tests along with the lab");
  AddClassCommands(app, line);
  AddDeployCommands(app, line);
  if (argc < 2) {
    std::cerr << app.help();
    return kExitUsage;
  }
  if (const std::optional<std::string> unknown = UnknownCommand(app, argc, argv)) {
    std::cerr << *unknown;
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : kExitUsage;
  }
  if (app.got_subcommand("version")) {
    fmt::print("{}\n", VersionText());
    return kExitAllPassed;
  }
  if (app.got_subcommand("help")) {
    // app.help() would describe the `help` command itself.
    std::cout << app.get_formatter()->make_help(&app, "labgrade", CLI::AppFormatMode::Normal);
    return kExitAllPassed;
  }
  // Held until the command is done: a bundle given as a file is extracted for this run.
  std::optional<LabLocation> location;
  if (!line.lab.empty()) {
    location = LocateLab(line);
    if (!location) return kExitUsage;
  }
  try {
    if (app.got_subcommand("bundle")) return BundleCommand(line);
    if (app.got_subcommand("gradescope")) return GradescopeCommand(line);
    if (validate->parsed()) return Validate(line);
    if (app.got_subcommand("grade")) return GradeClassCommand(line);
    if (app.got_subcommand("merge")) return MergeCommand(line);
    if (app.got_subcommand("grade-one")) return GradeOneCommand(line);
    if (app.got_subcommand("probe-isolation")) return ProbeIsolationCommand();
    return Grade(line, selftest->parsed());
  } catch (const std::exception& failure) {
    // Whatever escaped is the grader's failure, and says so rather than aborting.
    std::cerr << "labgrade: internal error: " << failure.what() << "\n";
    return kExitGraderError;
  }
}

}  // namespace labgrade

int main(int argc, char** argv) { return labgrade::Main(argc, argv); }
