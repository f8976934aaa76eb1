// Running one test: steps in order, then teardown, then checks. The order of teardown matters:
// programs are ended and reaped first, the IPC namespace is probed while the cell still lives,
// then the cell is killed (taking daemons with it), and only then are outputs final.
#include "harness/scenario.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "harness/build/submission_copy.h"
#include "harness/net/free_port.h"
#include "harness/net/netem.h"
#include "harness/probes/ipcs_probe.h"
#include "harness/probes/proc_stat.h"
#include "harness/probes/sysv_objects.h"
#include "harness/process/program_run.h"
#include "harness/process/unique_fd.h"
#include "harness/report_words.h"
#include "harness/spec/kind_registry.h"
#include "harness/spec/placeholders.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

/// Between SIGTERM and SIGKILL for the tools the harness runs (ipcs, nm).
constexpr int kToolKillGraceMs = 1'000;
/// kernel.shmmni of a cell: far more System V segments than any lab needs.
constexpr int kSysvSegmentsPerCell = 64;

// ---- The order of a test -------------------------------------------------------------------

class Scenario {
 public:
  Scenario(const TestSpec& test, const ScenarioEnvironment& env)
      : test_(test), env_(env), context_(test, env) {}

  TestResult Run() {
    const Clock::time_point started = Clock::now();
    TestResult& result = context_.result();
    result.name = test_.name;
    result.description = test_.description;
    result.visibility = test_.visibility;
    result.max_points = test_.points;
    if (Prepare() && skipped_.empty()) {
      for (const Step& step : test_.steps) {
        if (!step.kind().Execute(context_, step)) break;
      }
    }
    Teardown();
    if (context_.grader_error().empty() && skipped_.empty()) {
      for (const Check& check : test_.checks) {
        check.kind().Evaluate(context_, check);
      }
    }
    Summarize();
    result.duration_ms = MsSince(started);
    return std::move(result);
  }

 private:
  // ---- Preparation ----------------------------------------------------------------------

  bool Prepare() {
    std::error_code ec;
    std::filesystem::create_directories(env_.test_dir, ec);
    if (ec)
      return GraderError(fmt::format("cannot create {}: {}", env_.test_dir.string(), ec.message()));
    const PlaceholderNames placeholders = PlaceholdersOfTest(test_, *env_.lab);
    context_.set_uses_lab_folder(placeholders.lab_folder);
    if (env_.host == nullptr && !placeholders.fixed_names.empty()) {
      // Fixed keys and ports are safe only in the test's own namespaces: on the host they are
      // every program's, and a step could find, or remove, someone else's object.
      skipped_what_ = fmt::format("the test uses {}", fmt::join(placeholders.fixed_names, ", "));
      skipped_ = fmt::format(
          "{} is fixed, which is safe only in the test's own namespaces, and this run is in "
          "host mode (the machine's objects and ports are shared with every program on it)",
          placeholders.fixed_names.front());
      return true;
    }
    if (env_.host != nullptr) {
      if (!EnterCell()) return false;
    } else {
      context_.SetFilesDir(env_.test_dir, UniqueFd());
      // The programs run as the sandbox user and work in this directory.
      const SandboxIdentity& owner = env_.student_identity;
      if (owner.uid && (::chown(env_.test_dir.c_str(), *owner.uid, owner.gid.value_or(0)) != 0 ||
                        ::chmod(env_.test_dir.c_str(), 0770) != 0))
        return GraderError(
            fmt::format("chown({}): {}", env_.test_dir.string(), std::strerror(errno)));
      auto before = TakeIpcsSnapshot();
      if (!before) return false;
      host_objects_before_ = std::move(*before);
      host_snapshot_taken_ = true;
    }
    for (const std::string& key_file : placeholders.key_files) {
      std::ofstream(KeyFilePath(context_.files_dir(), key_file));
    }
    return AssignPorts(placeholders.ports) && SetUpNetwork();
  }

  /// Makes the test's cell: its root shows the builds (read-only) and, where the test folder
  /// is, a tmpfs of the cell's own, bounded by the lab's test_dir_mib; the harness then reaches
  /// that folder through a descriptor (TestContext::files_dir).
  bool EnterCell() {
    const LabSpec& lab = *env_.lab;
    int memory_mib = 1;
    int test_dir_mib = 1;
    for (const auto& [name, program] : lab.programs) {
      memory_mib = std::max(memory_mib, program.limits.memory_mib);
      test_dir_mib = std::max(test_dir_mib, program.limits.test_dir_mib);
    }
    // Beside the test folder: an empty folder the cell's root is mounted on, in its own view.
    cell_root_ =
        env_.test_dir.parent_path() / fmt::format(".{}.cell", env_.test_dir.filename().string());
    std::error_code ec;
    std::filesystem::create_directories(cell_root_, ec);
    if (ec)
      return GraderError(fmt::format("cannot create {}: {}", cell_root_.string(), ec.message()));
    CellSetup setup;
    CellFilesystemSpec& filesystem = setup.filesystem;
    filesystem.root_mount_point = cell_root_;
    filesystem.folders = {{env_.student_build_dir, false}, {env_.reference_build_dir, false}};
    if (context_.uses_lab_folder()) filesystem.folders.push_back({lab.lab_dir, false});
    const SandboxIdentity& owner = env_.student_identity;
    // The reference's programs reach it through their group (the student's, as a gid).
    filesystem.private_folders = {
        {env_.test_dir, test_dir_mib, owner.uid, owner.gid, owner.uid ? 0770U : 0700U}};
    filesystem.tmp_mib = memory_mib;
    filesystem.dev_shm_mib = memory_mib;
    // No segment larger than a program's memory; room for a few of them.
    const std::int64_t page = ::sysconf(_SC_PAGESIZE);
    const std::int64_t bytes = static_cast<std::int64_t>(memory_mib) << 20;
    setup.sysv = SysvLimits{bytes, 4 * bytes / page, kSysvSegmentsPerCell};
    auto entered = Cell::Enter(*env_.host, env_.cell_init, setup);
    if (auto* error = std::get_if<std::string>(&entered)) return GraderError(*error);
    context_.AdoptCell(std::move(std::get<std::unique_ptr<Cell>>(entered)));
    auto folder = context_.cell()->OpenFolder(env_.test_dir);
    if (auto* error = std::get_if<std::string>(&folder)) return GraderError(*error);
    UniqueFd fd = std::move(std::get<UniqueFd>(folder));
    const std::string reached = fmt::format("/proc/self/fd/{}", fd.get());
    context_.SetFilesDir(reached, std::move(fd));
    return true;
  }

  /// The number each port placeholder of the test stands for: fixed in a cell (nothing else
  /// listens in its network namespace), picked free on the host.
  bool AssignPorts(const std::set<std::string>& names) {
    std::map<std::string, int>& ports = context_.state().ports;
    if (context_.cell()) {
      std::vector<std::string> placeholders;
      for (const std::string& name : names) {
        if (IsFixedPort(name)) {
          ports[name] = std::stoi(name);  // a number the steps fixed (1..65535, see ReadPortName)
        } else {
          placeholders.push_back(name);
        }
      }
      ports.merge(FixedCellPorts(placeholders));
      return true;
    }
    std::set<int> taken;
    for (const std::string& name : names) {
      std::optional<int> port;
      std::string error;
      // Two names must not get the same number, however unlikely the kernel is to repeat one.
      for (int attempt = 0; attempt < 10 && (!port || taken.count(*port)); ++attempt)
        port = PickFreePort(&error);
      if (!port) return GraderError(fmt::format("cannot find a free port: {}", error));
      taken.insert(*port);
      ports[name] = *port;
    }
    return true;
  }

  /// `network:`: netem on the cell's loopback. A machine that cannot do it skips the test.
  bool SetUpNetwork() {
    if (!test_.network) return true;
    const int loss = test_.network->loss_percent;
    skipped_what_ = fmt::format("the test's loopback loses {}% of packets", loss);
    if (!context_.cell()) {
      skipped_ =
          "packet loss needs the test's own network namespace, and this run is in host mode "
          "(it would change the whole machine's loopback)";
      return true;
    }
    const NetemSetup setup = ApplyLoopbackLoss(loss);
    if (!setup.applied) skipped_ = setup.unavailable;
    return true;
  }

  // ---- Teardown --------------------------------------------------------------------------

  void Teardown() {
    TestState& state = context_.state();
    std::map<std::string, Instance>& instances = context_.instances();
    Cell* cell = context_.cell();
    // The built-in client's connections end first, as a client that is done would; what they
    // received stays for the checks.
    for (auto& [name, connection] : state.connections) connection->Close();
    // So does a standard input kept open that no close_stdin closed: the program reads its end.
    for (auto& [name, instance] : instances) instance.run->CloseStdin();
    // A paused program that handles SIGTERM would sit out the grace time stopped.
    for (const std::string& name : state.paused) SignalProcess(*instances.at(name).run, SIGCONT);
    for (auto& [name, instance] : instances) instance.run->RequestTermination();
    for (auto& [name, instance] : instances)
      instance.run->WaitUntilExited(Clock::time_point::max());
    if (cell) {
      if (context_.grader_error().empty()) {
        if (auto snapshot = TakeIpcsSnapshot()) state.leftovers = std::move(snapshot->objects);
        DescribeOrphans(*cell);
      }
      cell->KillAll();
    } else if (host_snapshot_taken_) {
      // Only against a snapshot taken before the test: without one, every object on the
      // machine would look like this test's leftover, and be removed.
      KillStrayChildren();
      if (auto after = TakeIpcsSnapshot())
        state.leftovers = NewObjects(host_objects_before_, *after);
    }
    for (auto& [name, instance] : instances)
      instance.run->WaitUntilFinished(Clock::time_point::max());
    DescribeLeftovers();
    if (cell) {
      cell->Leave();  // the kernel frees what was left in the cell's IPC namespace
      KeepTestFolder();
    } else {
      for (const IpcObject& object : state.leftovers) RemoveSysvObject(object.kind, object.id);
    }
    if (!cell_root_.empty()) ::rmdir(cell_root_.c_str());
  }

  /// --keep-work-dir: the cell's test folder (a tmpfs that goes with the last descriptor) is
  /// copied where the host can look at it, never following the programs' links.
  void KeepTestFolder() {
    if (!env_.keep_test_dir) return;
    ::rmdir(env_.test_dir.c_str());  // the empty folder made in Prepare
    std::vector<std::string> notes;
    CopySubmissionTree(context_.files_dir(), env_.test_dir, &notes, CopyLimits{64, 1LL << 40});
  }

  std::optional<IpcsSnapshot> TakeIpcsSnapshot() {
    LaunchSpec spec;
    spec.executable = "/usr/bin/ipcs";
    spec.args = {"-a"};
    spec.working_dir = "/";
    spec.environment = {"LC_ALL=C", "PATH=/usr/bin:/bin"};
    auto started = ProgramRun::Start(spec, nullptr, RunLimits{10'000, 4 << 20, kToolKillGraceMs});
    if (auto* error = std::get_if<LaunchError>(&started)) {
      GraderError(fmt::format("cannot run ipcs: {}", error->message));
      return std::nullopt;
    }
    auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
    run->WaitUntilFinished(Clock::time_point::max());
    std::string error;
    auto snapshot = ParseIpcs(run->end().out.bytes, &error);
    if (!snapshot) GraderError(fmt::format("cannot read the output of ipcs -a: {}", error));
    return snapshot;
  }

  /// Host mode: a daemonized program's children were reparented to the harness (a child
  /// subreaper); end and reap them, since no cell will.
  void KillStrayChildren() {
    std::set<pid_t> ours;
    for (auto& [name, instance] : context_.instances()) ours.insert(instance.run->pid());
    for (int round = 0; round < 10; ++round) {
      std::vector<pid_t> strays;
      for (int child : ChildrenOf(ProcReader(), ::getpid())) {
        auto stat = ReadProcStat(child);
        // Host mode runs one test at a time, so any other child of the harness is this test's.
        if (stat && !ours.count(child)) strays.push_back(child);
      }
      if (strays.empty()) return;
      for (pid_t stray : strays) {
        ::kill(stray, SIGKILL);
        ::waitpid(stray, nullptr, 0);
      }
      context_.result().cleanup.push_back(fmt::format(
          "{} background process{} still running after the test, and {} stopped", strays.size(),
          strays.size() == 1 ? " was" : "es were", strays.size() == 1 ? "it was" : "they were"));
    }
  }

  /// A daemon or orphan the programs left running (reparented to the cell's init; the programs
  /// the harness started are its own children, and have exited) is told to the student, even
  /// when the test passed; it costs no points unless the lab checks for it. Processes ended
  /// with their program's group are still exiting: each is given until a deadline, watched
  /// through a pidfd, before it counts.
  void DescribeOrphans(const Cell& cell) {
    std::vector<UniqueFd> running;
    for (const int child : ChildrenOf(ProcReader(), cell.init_pid())) {
      const auto stat = ReadProcStat(child);
      if (!stat || stat->state == 'Z') continue;
      UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, child, 0)));
      if (pidfd.valid()) running.push_back(std::move(pidfd));
    }
    const auto deadline = Clock::now() + std::chrono::milliseconds(300);
    std::vector<pollfd> watched;
    for (const UniqueFd& fd : running) watched.push_back({fd.get(), POLLIN, 0});
    while (!watched.empty()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      const int ready = ::poll(watched.data(), watched.size(), static_cast<int>(left.count()));
      if (ready < 0 && errno != EINTR) break;
      std::erase_if(watched, [](const pollfd& fd) { return fd.revents != 0; });
    }
    if (watched.empty()) return;
    context_.result().cleanup.push_back(fmt::format(
        "{} process{} still running after your programs ended (started in the background and "
        "never waited for: a daemon or an orphan), and {} stopped; this costs no points here",
        watched.size(), watched.size() == 1 ? " was" : "es were",
        watched.size() == 1 ? "it was" : "they were"));
  }

  void DescribeLeftovers() {
    const TestState& state = context_.state();
    for (const IpcObject& object : state.leftovers) {
      if (state.harness_created.count({object.kind, object.key})) continue;
      context_.result().cleanup.push_back(
          DescribeLeak(object) + (context_.cell() ? " (removed with the test's IPC namespace)"
                                                  : " (removed by the grader)"));
    }
  }

  // ---- Summary ---------------------------------------------------------------------------

  bool GraderError(const std::string& message) { return context_.GraderError(message); }

  void Summarize() {
    TestResult& result = context_.result();
    for (const std::string& name : context_.start_order()) {
      const Instance& instance = context_.instances().at(name);
      const ProgramEnd& end = instance.run->end();
      ProgramSummary summary;
      summary.instance = name;
      summary.role = instance.role == Role::kStudent ? "student" : "reference";
      summary.ended = instance.EndWords();
      summary.wall_ms = end.wall_ms;
      summary.cpu_ms = end.cpu_ms;
      summary.stdout_bytes = end.out.total_bytes;
      summary.stderr_bytes = end.err.total_bytes;
      summary.output_truncated = end.out.truncated || end.err.truncated;
      summary.stderr_excerpt = FirstLines(end.err.bytes, 5, 600);
      result.programs.push_back(std::move(summary));
    }
    if (!context_.grader_error().empty()) {
      result.outcome = Outcome::kError;
      result.grader_error = context_.grader_error();
    } else if (!skipped_.empty()) {
      // The machine cannot give the test what it needs: neither a pass nor the student's fail.
      CheckResult skipped;
      skipped.what = skipped_what_;
      skipped.outcome = Outcome::kSkipped;
      skipped.rationale = skipped_;
      result.checks.push_back(std::move(skipped));
      result.outcome = Outcome::kSkipped;
    } else if (std::any_of(result.checks.begin(), result.checks.end(),
                           [](const CheckResult& c) { return c.outcome == Outcome::kError; })) {
      result.outcome = Outcome::kError;
      result.grader_error = "a check could not be evaluated";
    } else if (std::any_of(result.checks.begin(), result.checks.end(),
                           [](const CheckResult& c) { return c.outcome == Outcome::kFail; })) {
      result.outcome = Outcome::kFail;
    } else {
      result.outcome = Outcome::kPass;
    }
    result.points = result.outcome == Outcome::kPass ? test_.points : 0;
    if (result.outcome == Outcome::kFail) result.hint = test_.hint;
  }

  const TestSpec& test_;
  const ScenarioEnvironment& env_;
  TestContext context_;
  std::filesystem::path cell_root_;  ///< the cell's root mount point, removed at the end
  IpcsSnapshot host_objects_before_;
  bool host_snapshot_taken_ = false;  ///< host mode: host_objects_before_ was taken
  std::string skipped_;               ///< why the machine cannot run this test; empty: it can
  std::string skipped_what_;  ///< what the test needs that the machine cannot give, in words
};

}  // namespace

TestResult RunScenario(const TestSpec& test, const ScenarioEnvironment& environment) {
  return Scenario(test, environment).Run();
}

}  // namespace labgrade
