// Orchestration only: every real step lives in harness/ (build, scenario, cell).
#include "grading/grader.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "grading/work_folder.h"
#include "harness/build/prebuilt_reference.h"
#include "harness/build/submission_build.h"
#include "harness/process/program_run.h"
#include "harness/scenario.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

/// Who a test slot's programs run as.
struct SlotIdentities {
  SandboxIdentity student;
  SandboxIdentity reference;
};

/// Root mode gives each test slot its own users from the reservation: the student's programs
/// one, the reference's another, so that no student program can signal, trace or read the
/// reference's processes, and only the reference's users are in the group of its build. In a
/// cell both keep CAP_IPC_OWNER, which only reaches the cell's own System V objects, so that
/// they share them whatever modes they create them with. On the host the System V objects are
/// the machine's: no capability, and the reference runs as the student's user (in the
/// reference's group), since their objects must be shared.
SlotIdentities IdentitiesOf(const Isolation& isolation, const SandboxUserReservation* users,
                            int slot) {
  if (!isolation.as_root || users == nullptr) return {};
  const SlotUsers& user = users->slot(slot);
  const auto student_group = static_cast<gid_t>(user.student);
  SlotIdentities identities;
  if (isolation.mode == IsolationMode::kNamespaces) {
    identities.student = {user.student, student_group, {}, true};
    identities.reference = {user.reference,
                            static_cast<gid_t>(user.reference),
                            {student_group, users->reference_group()},
                            true};
  } else {
    identities.student = {user.student, student_group, {}, false};
    identities.reference = {user.student, student_group, {users->reference_group()}, false};
  }
  return identities;
}

SandboxIdentity BuildIdentityOf(const Isolation& isolation, const SandboxUserReservation* users) {
  if (!isolation.as_root || users == nullptr) return {};
  const uid_t build = users->slot(0).build;
  return {build, static_cast<gid_t>(build), {}, false};
}

/// The reference's build made unreachable to everyone but the reference's users: owned by root,
/// in their group, nothing for others. (As an ordinary user, Landlock does this instead.)
void ProtectReferenceBuild(const fs::path& dir, const SandboxUserReservation& users) {
  ChownTree(dir, 0, users.reference_group());
  std::error_code ec;
  ::chmod(dir.c_str(), 0750);
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat status {};
    if (::lstat(it->path().c_str(), &status) != 0 || S_ISLNK(status.st_mode)) continue;
    ::chmod(it->path().c_str(), (status.st_mode & 0770) | (S_ISDIR(status.st_mode) ? 0750 : 0));
  }
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

// Waits for the machine-wide lock of host-mode tests (a file in /tmp, open to every user, so
// that graders of different users wait for each other too). Without the file, runs unlocked.
UniqueFd LockHostModeTests() {
  UniqueFd lock(
      ::open("/tmp/labgrade-host-mode.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666));
  if (!lock.valid()) return lock;
  ::fchmod(lock.get(), 0666);  // past the umask; fails harmlessly for another user's file
  while (::flock(lock.get(), LOCK_EX) != 0 && errno == EINTR) {
  }
  return lock;
}

int TestJobs(const LabSpec& lab, const GradeOptions& options, const Isolation& isolation) {
  std::size_t selected = 0;
  for (const TestSpec& test : lab.tests) selected += IsChosenTest(options.only_tests, test.name);
  // The tests of one submission: one per core. Several students at once are another matter
  // (grading/parallelism.h): a lab's CPU-bound tests (64 MiB under a time limit) would compete
  // with their own siblings, started together.
  int jobs =
      options.jobs > 0 ? options.jobs : static_cast<int>(std::thread::hardware_concurrency());
  // Host mode attributes new IPC objects to the test that ran: one test at a time.
  if (isolation.mode == IsolationMode::kHost) jobs = 1;
  return std::clamp(jobs, 1, static_cast<int>(std::max<std::size_t>(1, selected)));
}

void RunTests(const LabSpec& lab, const GradeOptions& options, const Isolation& isolation,
              const SandboxUserReservation* users, int jobs, const fs::path& work,
              GradeReport& report) {
  std::vector<const TestSpec*> selected;
  for (const TestSpec& test : lab.tests) {
    if (IsChosenTest(options.only_tests, test.name)) selected.push_back(&test);
  }
  report.tests.resize(selected.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&](int slot) {
    ScenarioEnvironment env;
    env.lab = &lab;
    env.student_build_dir = work / "student";
    env.reference_build_dir = work / "reference";
    const SlotIdentities identities = IdentitiesOf(isolation, users, slot);
    env.student_identity = identities.student;
    env.reference_identity = identities.reference;
    env.host = isolation.host ? &*isolation.host : nullptr;
    env.cell_init = isolation.cell_init;
    env.cgroups = isolation.cgroups.get();
    env.landlock_abi = isolation.landlock.abi;
    env.seccomp = isolation.seccomp ? &*isolation.seccomp : nullptr;
    env.keep_test_dir = options.keep_work_dir;
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

/// What the run's isolation holds, in words for the report's isolation line.
std::string ProtectionWords(const Isolation& isolation) {
  std::vector<std::string> parts;
  const bool cells = isolation.mode == IsolationMode::kNamespaces;
  if (cells && isolation.as_root) {
    parts.push_back(
        "each test in its own PID, IPC, network and mount namespaces and root file system; "
        "student and reference programs as different users");
  } else if (cells) {
    parts.push_back(
        "each test in its own namespaces and root file system, inside a user namespace (every "
        "program runs as the grader's own user)");
  }
  if (isolation.landlock.abi > 0) {
    parts.push_back(
        fmt::format("student programs confined by Landlock (ABI {})", isolation.landlock.abi));
  } else if (!isolation.as_root || !cells) {
    parts.push_back(fmt::format("the reference's programs are NOT kept from the student's: {}",
                                isolation.landlock.unavailable));
  } else {
    parts.push_back(fmt::format("no Landlock: {}", isolation.landlock.unavailable));
  }
  if (isolation.seccomp) parts.push_back("seccomp filter");
  parts.push_back(
      isolation.cgroups
          ? fmt::format("memory and process limits by {}", isolation.cgroups->Describe())
          : fmt::format("no memory limit beyond the address space: {}{}", isolation.cgroup_problem,
                        isolation.as_root ? ""
                                          : " (an ordinary user needs a cgroup that systemd "
                                            "delegates: systemd-run --user --scope -p Delegate=yes "
                                            "labgrade ...)"));
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace

Isolation PrepareIsolation(const fs::path& own_executable, bool force_host) {
  Isolation isolation;
  isolation.as_root = ::geteuid() == 0;
  isolation.cell_init = own_executable.parent_path() / "labgrade-cell-init";
  std::string host_reason;
  if (force_host) {
    host_reason = "host mode was asked for (--host-mode)";
  } else if (::access(isolation.cell_init.c_str(), X_OK) != 0) {
    host_reason = fmt::format("{} is missing", isolation.cell_init.string());
  } else {
    auto host = HostNamespaces::Open();
    auto scratch = WorkFolder::Create();
    if (auto* error = std::get_if<std::string>(&host)) {
      host_reason = *error;
    } else if (auto* error = std::get_if<std::string>(&scratch)) {
      host_reason = *error;
    } else if (auto failure = ProbeCellSupport(std::get<HostNamespaces>(host), isolation.cell_init,
                                               std::get<WorkFolder>(scratch).path())) {
      host_reason = *failure;
    } else {
      isolation.mode = IsolationMode::kNamespaces;
      isolation.host = std::move(std::get<HostNamespaces>(host));
    }
  }
  isolation.landlock = ProbeLandlock();
  auto filter = StudentSeccompFilter();
  if (auto* made = std::get_if<SeccompFilter>(&filter)) isolation.seccomp = std::move(*made);
  auto cgroups = CgroupTree::Create();
  if (auto* tree = std::get_if<std::unique_ptr<CgroupTree>>(&cgroups)) {
    isolation.cgroups = std::move(*tree);
  } else {
    isolation.cgroup_problem = std::get<std::string>(cgroups);
  }
  if (isolation.mode == IsolationMode::kHost) {
    // Orphans of daemonizing programs come to the harness, which then ends them.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  }
  const std::string protections = ProtectionWords(isolation);
  isolation.note = host_reason.empty() ? protections : host_reason + "; " + protections;
  return isolation;
}

std::optional<std::string> IsolationRequiredProblem(const LabSpec& lab,
                                                    const std::vector<std::string>& only_tests,
                                                    const Isolation& isolation) {
  if (isolation.mode != IsolationMode::kHost) return std::nullopt;
  std::string who;
  if (lab.isolation_required) {
    who = fmt::format("the lab {} says 'isolation: required'", lab.name);
  } else {
    for (const TestSpec& test : lab.tests) {
      if (test.isolation_required && IsChosenTest(only_tests, test.name)) {
        who = fmt::format("test {} says 'isolation: required'", test.name);
        break;
      }
    }
  }
  if (who.empty()) return std::nullopt;
  // Its programs may use fixed IPC keys or ports: on the shared machine they would reach, or
  // remove, other programs' objects.
  return fmt::format(
      "{}, and this machine cannot run tests in namespaces of their own ({}); labgrade stops "
      "rather than run them on the shared machine. Grade where labgrade can make its cells "
      "(as root, or where unprivileged user namespaces are allowed, and without --host-mode)",
      who, isolation.note);
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
  if (auto problem = IsolationRequiredProblem(lab, options.only_tests, isolation)) {
    report.grader_error = *problem;
    ListTestsNotRun(lab, options, report);
    return report;
  }

  std::optional<WorkFolder> owned_work;
  fs::path work = options.work_dir;
  if (work.empty()) {
    auto made = WorkFolder::Create();
    if (auto* error = std::get_if<std::string>(&made)) {
      report.grader_error = *error;
      ListTestsNotRun(lab, options, report);
      return report;
    }
    owned_work.emplace(std::move(std::get<WorkFolder>(made)));
    work = owned_work->path();
  } else {
    std::error_code ec;
    fs::create_directories(work, ec);
    if (ec) {
      report.grader_error =
          fmt::format("cannot create the work folder {}: {}", work.string(), ec.message());
      ListTestsNotRun(lab, options, report);
      return report;
    }
  }
  if (owned_work && options.keep_work_dir) owned_work->Keep();
  // In host mode the sandbox users reach their builds and test folders through it.
  ::chmod(work.c_str(), isolation.mode == IsolationMode::kHost && isolation.as_root ? 0711 : 0700);

  const int jobs = TestJobs(lab, options, isolation);
  std::optional<SandboxUserReservation> users;
  if (isolation.as_root) {
    auto reserved = SandboxUserReservation::Reserve(jobs, options.sandbox_slot_locks);
    if (auto* error = std::get_if<std::string>(&reserved)) {
      report.grader_error = *error;
      ListTestsNotRun(lab, options, report);
      return report;
    }
    users.emplace(std::move(std::get<SandboxUserReservation>(reserved)));
  }
  const SandboxUserReservation* users_ptr = users ? &*users : nullptr;
  BuildIsolation build_isolation;
  build_isolation.host = isolation.host ? &*isolation.host : nullptr;
  build_isolation.cell_init = isolation.cell_init;
  build_isolation.landlock_abi = isolation.landlock.abi;
  build_isolation.seccomp = isolation.seccomp ? &*isolation.seccomp : nullptr;
  const SandboxIdentity builder = BuildIdentityOf(isolation, users_ptr);

  report.build = options.submission_is_prebuilt_reference
                     ? CopyPrebuiltReference(lab, work / "student", builder)
                     : BuildSubmission(lab, {options.submission_dir, work / "student", builder,
                                             options.build_cache, build_isolation});
  BuildResult reference;
  if (report.build.ok) {
    reference = lab.reference_prebuilt
                    ? CopyPrebuiltReference(lab, work / "reference", builder)
                    : BuildSubmission(lab, {lab.reference_dir, work / "reference", builder,
                                            options.build_cache, build_isolation});
    report.reference_build_from_cache = reference.from_cache;
    if (reference.ok && users) ProtectReferenceBuild(work / "reference", *users);
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
    if (isolation.mode == IsolationMode::kHost && isolation.as_root) {
      std::error_code ec;
      fs::create_directories(work / "tests", ec);
      ::chmod((work / "tests").c_str(), 0711);
    }
    // Host mode shares the machine's IPC objects: a test's leftovers are what appeared while
    // it ran, so two host-mode graders on one machine would take (and remove) each other's.
    // One at a time, across processes, as within one.
    const UniqueFd host_lock =
        isolation.mode == IsolationMode::kHost ? LockHostModeTests() : UniqueFd();
    RunTests(lab, options, isolation, users_ptr, jobs, work, report);
  }
  for (const TestResult& test : report.tests) {
    report.score += test.points;
    if (test.outcome == Outcome::kSkipped) report.skipped_points += test.max_points;
  }
  report.max_score -= report.skipped_points;
  report.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  return report;
}

}  // namespace labgrade
