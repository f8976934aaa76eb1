// The test being run, as its steps and checks see it: the programs started so far (and the one
// place that launches them), the test's cell, what steps leave for later steps and checks (the
// built-in client's connections, descriptor baselines, paused programs, ...), and the result
// being built. The scenario (scenario.h) owns one per test and drives it through prepare, steps,
// teardown, checks and summary.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/net/raw_client.h"
#include "harness/probes/ipcs_probe.h"
#include "harness/process/cell.h"
#include "harness/process/program_run.h"
#include "harness/process/sandbox_identity.h"
#include "harness/sandbox/cgroup.h"
#include "harness/spec/lab_spec.h"
#include "harness/verdict.h"

namespace labgrade {

struct ScenarioEnvironment;  // scenario.h

/// A program the test started, under its instance name.
struct Instance {
  std::string program;
  Role role = Role::kStudent;
  int wall_limit_ms = 0;
  std::unique_ptr<ProgramCgroup> cgroup;  ///< outlives `run`: declared first, destroyed last
  std::unique_ptr<ProgramRun> run;

  /// The memory limit in MiB when its cgroup's limit killed it, else 0.
  int MemoryLimitKilledMib() const;
  /// How it ended, in words (see DescribeProgramEnd). Once it has exited.
  std::string EndWords() const;
};

/// What TestContext::StartInstance launches: one instance of a lab program.
struct InstanceStart {
  std::string program;   ///< key in LabSpec::programs
  std::string instance;  ///< the name steps and checks use
  Role role = Role::kStudent;
  /// The step's own argument templates; null: the program's.
  const std::vector<std::string>* argv = nullptr;
  StdinSource stdin_source;
  /// `stdin: { keep_open: true }`: the pipe stays open until CloseStdin (close_stdin:).
  bool keep_stdin_open = false;
};

/// What steps leave for later steps, teardown and checks.
struct TestState {
  std::map<std::string, int> ports;  ///< "port", "port:NAME" → the number for this test
  std::map<std::string, std::unique_ptr<RawConnection>> connections;  ///< by name (`as:`)
  std::map<std::string, std::map<std::string, int>> fd_baselines;  ///< baseline → instance → fds
  std::map<std::string, int> last_signal;  ///< instance → the last signal a step sent it
  std::set<std::string> paused;            ///< instances stopped by pause_when_blocked, not resumed
  std::set<std::string> made_files;        ///< test-folder paths make_file made
  /// The objects create_sysv made, which are no program's leftovers.
  std::set<std::pair<SysvKind, std::uint32_t>> harness_created;
  std::vector<IpcObject> leftovers;  ///< what teardown found in the test's IPC namespace
};

class TestContext {
 public:
  TestContext(const TestSpec& test, const ScenarioEnvironment& environment);
  TestContext(const TestContext&) = delete;
  TestContext& operator=(const TestContext&) = delete;
  ~TestContext();

  // ---- The test and where it runs ----------------------------------------------------------

  const TestSpec& test() const { return test_; }
  const LabSpec& lab() const;
  /// The test folder as the test's programs see it (their working folder, {testdir}).
  const std::filesystem::path& test_dir() const;
  /// Where the harness reaches the test folder: in a cell, a descriptor of the cell's own
  /// folder (/proc/self/fd/N), valid after the cell is gone; on the host, test_dir().
  const std::filesystem::path& files_dir() const { return files_dir_; }
  /// Called by the scenario once the folder is reachable; keeps `folder` open till the end.
  void SetFilesDir(std::filesystem::path files_dir, UniqueFd folder) {
    files_dir_ = std::move(files_dir);
    files_dir_fd_ = std::move(folder);
  }
  /// Who `role`'s programs run as.
  const SandboxIdentity& Identity(Role role) const;
  /// Where `role`'s programs were built.
  const std::filesystem::path& BuildDir(Role role) const;
  /// The test's cell; null in host mode and before the scenario entered it.
  Cell* cell() const { return cell_.get(); }
  void AdoptCell(std::unique_ptr<Cell> cell) { cell_ = std::move(cell); }

  // ---- Programs ----------------------------------------------------------------------------

  /// Launches `start`: its argv expanded, in the cell, as the sandbox identity, with the
  /// program's limits, fed its stdin. The one place the harness starts a lab's program. False
  /// when the test cannot go on (the program was not built: the step fails; anything else is
  /// a grader error).
  bool StartInstance(const InstanceStart& start);
  /// The run of instance `name`; null when it was not started.
  ProgramRun* FindRun(const std::string& name);
  const Instance* FindInstance(const std::string& name) const;
  std::map<std::string, Instance>& instances() { return instances_; }
  /// The instances in the order they were started.
  const std::vector<std::string>& start_order() const { return order_; }
  /// Waits until `instance` ends, then says how: "exited with 1".
  std::string EndedWords(const std::string& instance);

  /// Adds `member` to the group `group` (a `start:` with `count:`).
  void AddGroupMember(const std::string& group, const std::string& member);
  bool IsGroup(const std::string& name) const { return groups_.count(name) > 0; }
  /// The instances `name` stands for: a group's members in order, or itself.
  std::vector<std::string> Members(const std::string& name) const;

  /// What a program started with stdin `source` is fed: null for none, else the text, the
  /// generated bytes or the lab file, produced as it reads (harness/process/input_source.h).
  /// std::nullopt after a grader error (an unreadable lab file).
  std::optional<std::shared_ptr<const InputSource>> Input(const StdinSource& source);
  /// The bytes of `source`, held: for steps that send or write them whole. Null for none.
  /// std::nullopt after a grader error (an unreadable lab file).
  std::optional<std::shared_ptr<const std::string>> StdinBytes(const StdinSource& source);
  /// The bytes of a lab file; std::nullopt when it cannot be read.
  std::optional<std::string> LabFileBytes(const std::string& relative) const;

  /// Waits a short while before a condition is looked at again: until `run` exits (when given)
  /// or `next`. For conditions without a notification (a socket, /proc, a new IPC object).
  void PollPause(ProgramRun* run, Clock::time_point next);
  /// The pause before the next look at such a condition, after `last` (zero before the first):
  /// from a quarter of a millisecond, doubling to 2 ms, so that the next step starts within about
  /// a millisecond of the condition holding, at a few hundred cheap looks a second.
  static Clock::duration NextPollPause(Clock::duration last);

  /// Whether a program's arguments name the lab's folder ({labdir}): only then does the cell
  /// show it (a lab bundle's folder may hold the reference's executables). Set by the scenario.
  bool uses_lab_folder() const { return uses_lab_folder_; }
  void set_uses_lab_folder(bool uses) { uses_lab_folder_ = uses; }

  /// Gives a file or folder the harness made in the test folder to the student's identity, then
  /// `mode` (after the chown, which may clear set-id bits). False after a grader error.
  bool GiveToSandbox(int fd, const std::string& path, unsigned mode);

  // ---- What steps leave behind ---------------------------------------------------------------

  TestState& state() { return state_; }
  const TestState& state() const { return state_; }

  /// The open connection a step names; null (the grader's error: the lab's steps are out of
  /// order) when it was never opened or an earlier step closed it.
  RawConnection* FindConnection(const std::string& name, std::string_view step,
                                bool closed_is_fine = false);
  /// A failure of the built-in client: the grader's when a system call failed, else the
  /// student's (the step fails). Returns false.
  bool ExchangeFailed(const std::string& what, const ExchangeResult& result);

  // ---- The result --------------------------------------------------------------------------

  TestResult& result() { return result_; }
  /// Adds a check's result to the test's.
  void AddCheck(CheckResult check) { result_.checks.push_back(std::move(check)); }
  /// A step that did not happen as the test needs: the student's failure. Returns false.
  bool StepFailed(const std::string& what, const std::string& rationale);
  /// The grader could not do its job: never the student's failure. The first one is kept.
  /// Returns false.
  bool GraderError(const std::string& message);
  const std::string& grader_error() const { return grader_error_; }

  /// Records a probe's verdict, a check the steps go on after: passed when `problem` is empty.
  void RecordProbe(const std::string& what, const std::string& problem,
                   const std::string& expected = "", const std::string& actual = "");
  /// The instance a probe looks at, or null after recording that it ended (or, when it was
  /// never started, the grader's error).
  ProgramRun* RunningForProbe(const std::string& instance, const std::string& what);
  /// Polls `look` (which returns the problem now, empty when none, and may fill in expected and
  /// actual) until it has none, `timeout_ms` passes or `run` exits; records the last verdict
  /// unless the grader failed meanwhile.
  template <typename Look>
  void ProbeUntil(ProgramRun* run, int timeout_ms, const std::string& what, Look look);

 private:
  /// Whether a check reads `stream` of instance `name`, itself or through its group.
  bool ReadByACheck(const std::string& name, StreamName stream) const;

  const TestSpec& test_;
  const ScenarioEnvironment& env_;
  /// What the test's checks read of the programs' output (StreamsReadByTest).
  const std::vector<StreamRead> streams_read_;
  TestResult result_;
  std::string grader_error_;
  bool uses_lab_folder_ = false;
  UniqueFd files_dir_fd_;            ///< the cell's test folder, held past the cell's end
  std::filesystem::path files_dir_;  ///< see files_dir()
  std::unique_ptr<Cell> cell_;
  std::map<std::string, Instance> instances_;
  std::vector<std::string> order_;
  std::map<std::string, std::vector<std::string>> groups_;  ///< group → its members, in order
  TestState state_;
  std::mutex idle_mutex_;
  std::condition_variable idle_;
};

/// Milliseconds from `start` to now.
std::int64_t MsSince(Clock::time_point start);

/// Sends `signal` to `run`'s process alone (not its group), through a pidfd so that a pid
/// reused after reaping is never hit. False when the process has exited.
bool SignalProcess(ProgramRun& run, int signal);

/// A failed check: the student's.
CheckResult FailedCheck(const std::string& what, std::string rationale, std::string expected = "",
                        std::string actual = "");
/// A check the grader could not evaluate: never the student's failure.
CheckResult ErrorCheck(const std::string& what, const std::string& why);
/// `result` failed because `instance` never ran.
CheckResult NeverRanCheck(CheckResult result, const std::string& instance);

// ---- Template definitions ------------------------------------------------------------------

template <typename Look>
void TestContext::ProbeUntil(ProgramRun* run, int timeout_ms, const std::string& what, Look look) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  Clock::duration pause{};
  for (;;) {
    std::string expected;
    std::string actual;
    const std::string problem = look(&expected, &actual);
    if (problem.empty() || Clock::now() >= deadline || (run != nullptr && run->Exited()) ||
        !grader_error_.empty()) {
      if (grader_error_.empty()) RecordProbe(what, problem, expected, actual);
      return;
    }
    pause = NextPollPause(pause);
    PollPause(run, std::min(deadline, Clock::now() + pause));
  }
}

}  // namespace labgrade
