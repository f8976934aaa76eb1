// Orchestration only: every real step lives in harness/ (build, scenario, cell).
#include "grading/grader.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "harness/prebuilt_reference.h"
#include "harness/program_run.h"
#include "harness/scenario.h"
#include "harness/submission_build.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

// Unprivileged identities for root mode: one per parallel test slot, counting up from 62000, so
// that RLIMIT_NPROC (counted per user) limits each test on its own; and one build user per
// submission graded at once, counting down from 61999, so that one student's build (which runs
// the student's commands) can never write into another's build folder while both build.
constexpr uid_t kFirstBuildUid = 61999;
constexpr uid_t kFirstTestUid = 62000;

uid_t BuildUidFor(const GradeOptions& options) {
  return kFirstBuildUid - static_cast<uid_t>(options.first_sandbox_slot);
}

SandboxIdentity IdentityFor(const Isolation& isolation, uid_t uid) {
  if (!isolation.as_root) return {};
  return SandboxIdentity{uid, static_cast<gid_t>(uid)};
}

bool IsUnder(const fs::path& path, const fs::path& root) {
  auto [root_end, unused] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

/// The work folder: never under /tmp or /dev/shm, which every cell mounts afresh.
std::variant<fs::path, std::string> MakeWorkDir(const fs::path& requested) {
  std::error_code ec;
  if (!requested.empty()) {
    fs::path absolute = fs::weakly_canonical(fs::absolute(requested), ec);
    if (IsUnder(absolute, "/tmp") || IsUnder(absolute, "/dev/shm"))
      return fmt::format(
          "the work folder {} is under /tmp or /dev/shm, which each test's cell replaces with "
          "its own; choose another place (for example /var/tmp)",
          absolute.string());
    fs::create_directories(absolute, ec);
    if (ec)
      return fmt::format("cannot create the work folder {}: {}", absolute.string(), ec.message());
    return absolute;
  }
  std::string pattern = "/var/tmp/labgrade-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    return fmt::format("cannot create a work folder under /var/tmp: {}", std::strerror(errno));
  return fs::path(pattern);
}

void ListTestsNotRun(const LabSpec& lab, const GradeOptions& options, GradeReport& report) {
  for (const TestSpec& test : lab.tests) {
    if (!IsChosenTest(options.only_tests, test.name)) continue;
    TestResult result;
    result.name = test.name;
    result.description = test.description;
    result.visibility = test.visibility;
    result.max_points = test.points;
    result.outcome = Outcome::kFail;
    report.tests.push_back(std::move(result));
  }
}

void RunTests(const LabSpec& lab, const GradeOptions& options, const Isolation& isolation,
              const fs::path& work, GradeReport& report) {
  std::vector<const TestSpec*> selected;
  for (const TestSpec& test : lab.tests) {
    if (IsChosenTest(options.only_tests, test.name)) selected.push_back(&test);
  }
  report.tests.resize(selected.size());
  int jobs =
      options.jobs > 0 ? options.jobs : static_cast<int>(std::thread::hardware_concurrency());
  // Host mode attributes new IPC objects to the test that ran: one test at a time.
  if (isolation.mode == IsolationMode::kHost) jobs = 1;
  jobs = std::clamp(jobs, 1, static_cast<int>(std::max<std::size_t>(1, selected.size())));

  std::atomic<std::size_t> next{0};
  auto worker = [&](int slot) {
    ScenarioEnvironment env;
    env.lab = &lab;
    env.student_build_dir = work / "student";
    env.reference_build_dir = work / "reference";
    env.identity = IdentityFor(
        isolation, kFirstTestUid + static_cast<uid_t>(options.first_sandbox_slot + slot));
    env.host = isolation.host ? &*isolation.host : nullptr;
    env.cell_init = isolation.cell_init;
    for (std::size_t i = next++; i < selected.size(); i = next++) {
      env.test_dir = work / "tests" / selected[i]->name;
      report.tests[i] = RunScenario(*selected[i], env);
    }
  };
  // Each worker thread forks its tests' programs and lives until they are all reaped, so the
  // programs' parent-death signal never fires early.
  std::vector<std::thread> workers;
  for (int slot = 1; slot < jobs; ++slot) workers.emplace_back(worker, slot);
  worker(0);
  for (std::thread& thread : workers) thread.join();
}

}  // namespace

Isolation PrepareIsolation(const fs::path& own_executable, bool force_host) {
  Isolation isolation;
  isolation.as_root = ::geteuid() == 0;
  isolation.cell_init = own_executable.parent_path() / "labgrade-cell-init";
  if (force_host) {
    isolation.note = "host mode was asked for (--host-mode)";
  } else if (::access(isolation.cell_init.c_str(), X_OK) != 0) {
    isolation.note = fmt::format("{} is missing", isolation.cell_init.string());
  } else {
    auto host = HostNamespaces::Open();
    if (auto* error = std::get_if<std::string>(&host)) {
      isolation.note = *error;
    } else if (auto failure =
                   ProbeCellSupport(std::get<HostNamespaces>(host), isolation.cell_init)) {
      isolation.note = *failure;
    } else {
      isolation.mode = IsolationMode::kNamespaces;
      isolation.host = std::move(std::get<HostNamespaces>(host));
      isolation.note = isolation.as_root
                           ? "each test in its own PID, IPC, network and mount namespaces"
                           : "each test in its own namespaces, inside a user namespace";
    }
  }
  if (isolation.mode == IsolationMode::kHost) {
    // Orphans of daemonizing programs come to the harness, which then ends them.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  }
  return isolation;
}

GradeReport GradeSubmission(const LabSpec& lab, const GradeOptions& options,
                            const Isolation& isolation) {
  const Clock::time_point started = Clock::now();
  GradeReport report;
  report.lab_name = lab.name;
  report.lab_title = lab.title;
  report.submission = options.submission_dir.string();
  report.isolation = isolation.mode;
  report.isolation_note = isolation.note;
  for (const TestSpec& test : lab.tests) {
    if (IsChosenTest(options.only_tests, test.name)) report.max_score += test.points;
  }

  auto made = MakeWorkDir(options.work_dir);
  if (auto* error = std::get_if<std::string>(&made)) {
    report.grader_error = *error;
    ListTestsNotRun(lab, options, report);
    return report;
  }
  const fs::path work = std::get<fs::path>(made);
  // Programs of every test slot read the builds and enter their own test folders.
  fs::permissions(work, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);

  const SandboxIdentity builder = IdentityFor(isolation, BuildUidFor(options));
  report.build = options.submission_is_prebuilt_reference
                     ? CopyPrebuiltReference(lab, work / "student", builder)
                     : BuildSubmission(lab, {options.submission_dir, work / "student", builder,
                                             options.build_cache});
  BuildResult reference;
  if (report.build.ok) {
    reference = lab.reference_prebuilt
                    ? CopyPrebuiltReference(lab, work / "reference", builder)
                    : BuildSubmission(lab, {lab.reference_dir, work / "reference", builder,
                                            options.build_cache});
    report.reference_build_from_cache = reference.from_cache;
  }
  if (!report.build.grader_error.empty()) {
    report.grader_error = report.build.grader_error;
    ListTestsNotRun(lab, options, report);
  } else if (!report.build.ok) {
    ListTestsNotRun(lab, options, report);
  } else if (!reference.ok) {
    report.grader_error = fmt::format(
        "the lab's reference solution in {} does not build ({}):\n{}{}", lab.reference_dir.string(),
        reference.command, reference.log, reference.grader_error);
    ListTestsNotRun(lab, options, report);
  } else {
    RunTests(lab, options, isolation, work, report);
  }
  for (const TestResult& test : report.tests) {
    report.score += test.points;
    if (test.outcome == Outcome::kSkipped) report.skipped_points += test.max_points;
  }
  report.max_score -= report.skipped_points;
  if (!options.keep_work_dir && options.work_dir.empty()) {
    std::error_code ec;
    fs::remove_all(work, ec);
  }
  report.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  return report;
}

}  // namespace labgrade
