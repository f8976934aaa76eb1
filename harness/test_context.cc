#include "harness/test_context.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "harness/process/random_bytes.h"
#include "harness/report_words.h"
#include "harness/sandbox/program_confinement.h"
#include "harness/scenario.h"
#include "harness/spec/kind_registry.h"
#include "harness/spec/placeholders.h"

namespace labgrade {
namespace {

constexpr int kKillGraceMs = 1'000;

}  // namespace

TestContext::TestContext(const TestSpec& test, const ScenarioEnvironment& environment)
    : test_(test), env_(environment), streams_read_(StreamsReadByTest(test)) {}

TestContext::~TestContext() = default;

const LabSpec& TestContext::lab() const { return *env_.lab; }

const std::filesystem::path& TestContext::test_dir() const { return env_.test_dir; }

const SandboxIdentity& TestContext::Identity(Role role) const {
  return role == Role::kStudent ? env_.student_identity : env_.reference_identity;
}

int Instance::MemoryLimitKilledMib() const {
  return cgroup && cgroup->MemoryLimitKilled() ? cgroup->memory_mib() : 0;
}

std::string Instance::EndWords() const {
  return DescribeProgramEnd(run->end(), wall_limit_ms, MemoryLimitKilledMib());
}

const std::filesystem::path& TestContext::BuildDir(Role role) const {
  return role == Role::kStudent ? env_.student_build_dir : env_.reference_build_dir;
}

bool TestContext::StartInstance(const InstanceStart& start) {
  const ProgramSpec& program = env_.lab->programs.at(start.program);
  const std::string& name = start.instance;
  LaunchSpec spec;
  spec.executable = BuildDir(start.role) / program.executable;
  spec.working_dir = env_.test_dir;
  spec.environment = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + env_.test_dir.string(),
                      "LC_ALL=C", "TMPDIR=/tmp"};
  PlaceholderValues values{env_.test_dir, env_.lab->lab_dir, state_.ports};
  for (const std::string& arg : start.argv ? *start.argv : program.argv) {
    std::string error;
    auto expanded = ExpandPlaceholders(arg, values, &error);
    if (!expanded) return GraderError(error);
    spec.args.push_back(*expanded);
  }
  spec.sandbox.limits = program.limits;
  const bool student = start.role == Role::kStudent;
  const SandboxIdentity& identity = Identity(start.role);
  spec.sandbox.uid = identity.uid;
  spec.sandbox.gid = identity.gid;
  spec.sandbox.groups = identity.groups;
  spec.sandbox.ipc_owner_capability = identity.ipc_owner && cell_ != nullptr;
  if (cell_) {
    spec.sandbox.pid_namespace_fd = cell_->pid_namespace_fd();
    spec.sandbox.join_mount_namespace_fd = cell_->mount_namespace_fd();
    spec.sandbox.cell_root_fd = cell_->root_fd();
  }
  // The reference is the lab's own code: only the student's programs are confined.
  LandlockRules confinement;
  if (student) {
    std::vector<FolderRule> own = {{env_.student_build_dir, FolderAccess::kReadExecute},
                                   {env_.test_dir, FolderAccess::kEverything}};
    if (uses_lab_folder_) own.push_back({env_.lab->lab_dir, FolderAccess::kRead});
    confinement = ConfinementRules(env_.landlock_abi, own);
    if (!confinement.empty()) spec.sandbox.landlock = &confinement;
    spec.sandbox.seccomp = env_.seccomp;
  }
  std::unique_ptr<ProgramCgroup> cgroup;
  if (env_.cgroups != nullptr) {
    auto made = env_.cgroups->ForProgram(name, program.limits.memory_mib, program.limits.processes);
    if (auto* error = std::get_if<std::string>(&made))
      return GraderError(fmt::format("cannot make a cgroup for {}: {}", name, *error));
    cgroup = std::move(std::get<std::unique_ptr<ProgramCgroup>>(made));
    spec.sandbox.join_cgroup_fds = cgroup->join_fds();
  }
  auto input = Input(start.stdin_source);
  if (!input) return false;
  std::error_code exists_error;
  if (!std::filesystem::exists(spec.executable, exists_error)) {
    return StepFailed(fmt::format("{} starts", name),
                      fmt::format("the program {} was not built (no {} after the build)",
                                  start.program, program.executable));
  }
  RunLimits limits{program.limits.wall_ms, program.limits.output_bytes, kKillGraceMs};
  limits.keep_stdout = ReadByACheck(name, StreamName::kStdout);
  limits.keep_stderr = ReadByACheck(name, StreamName::kStderr);
  auto started = ProgramRun::Start(
      spec, *input, limits, start.keep_stdin_open ? StdinEnd::kWhenClosed : StdinEnd::kAfterInput);
  if (auto* error = std::get_if<LaunchError>(&started)) {
    // The student's build made something that cannot run (not an executable, or one the
    // student's programs may not run, such as a link to the reference's): theirs to mend.
    if (student && error->exec_failed)
      return StepFailed(
          fmt::format("{} starts", name),
          fmt::format("the program {} could not be run: {}", start.program, error->message));
    return GraderError(fmt::format("cannot start {}: {}", name, error->message));
  }
  Instance& instance = instances_[name];
  instance.program = start.program;
  instance.role = start.role;
  instance.wall_limit_ms = program.limits.wall_ms;
  instance.cgroup = std::move(cgroup);
  instance.run = std::move(std::get<std::unique_ptr<ProgramRun>>(started));
  order_.push_back(name);
  return true;
}

bool TestContext::ReadByACheck(const std::string& name, StreamName stream) const {
  return std::any_of(streams_read_.begin(), streams_read_.end(), [&](const StreamRead& read) {
    const std::vector<std::string> members = Members(read.instance);  // {instance} for one
    return read.stream == stream &&
           std::find(members.begin(), members.end(), name) != members.end();
  });
}

ProgramRun* TestContext::FindRun(const std::string& name) {
  auto found = instances_.find(name);
  return found == instances_.end() ? nullptr : found->second.run.get();
}

const Instance* TestContext::FindInstance(const std::string& name) const {
  auto found = instances_.find(name);
  return found == instances_.end() ? nullptr : &found->second;
}

std::string TestContext::EndedWords(const std::string& instance) {
  ProgramRun* run = FindRun(instance);
  run->WaitUntilExited(Clock::time_point::max());
  return instances_[instance].EndWords();
}

void TestContext::AddGroupMember(const std::string& group, const std::string& member) {
  groups_[group].push_back(member);
}

std::vector<std::string> TestContext::Members(const std::string& name) const {
  auto group = groups_.find(name);
  if (group == groups_.end()) return {name};
  return group->second;
}

std::optional<std::shared_ptr<const InputSource>> TestContext::Input(const StdinSource& source) {
  if (std::holds_alternative<StdinNone>(source)) return std::shared_ptr<const InputSource>();
  if (auto* text = std::get_if<StdinText>(&source)) return TextInput(text->text);
  if (auto* random = std::get_if<StdinRandom>(&source))
    return RandomInput(random->size_bytes, random->seed);
  const auto& file = std::get<StdinFile>(source);
  auto opened = FileInput(env_.lab->lab_dir / file.path);
  if (auto* error = std::get_if<std::string>(&opened)) {
    GraderError(fmt::format("cannot read the lab's input file {}", *error));
    return std::nullopt;
  }
  return std::get<std::shared_ptr<const InputSource>>(std::move(opened));
}

std::optional<std::shared_ptr<const std::string>> TestContext::StdinBytes(
    const StdinSource& source) {
  if (std::holds_alternative<StdinNone>(source)) return std::shared_ptr<const std::string>();
  if (auto* text = std::get_if<StdinText>(&source))
    return std::make_shared<const std::string>(text->text);
  if (auto* random = std::get_if<StdinRandom>(&source))
    return std::make_shared<const std::string>(RandomBytes(random->size_bytes, random->seed));
  const auto& file = std::get<StdinFile>(source);
  std::optional<std::string> bytes = LabFileBytes(file.path);
  if (!bytes) {
    GraderError(fmt::format("cannot read the lab's input file {}",
                            (env_.lab->lab_dir / file.path).string()));
    return std::nullopt;
  }
  return std::make_shared<const std::string>(std::move(*bytes));
}

std::optional<std::string> TestContext::LabFileBytes(const std::string& relative) const {
  std::ifstream file(env_.lab->lab_dir / relative, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (!file && !file.eof()) return std::nullopt;
  return bytes.str();
}

void TestContext::PollPause(ProgramRun* run, Clock::time_point next) {
  if (run != nullptr) {
    run->WaitUntilExited(next);
  } else {
    std::unique_lock lock(idle_mutex_);
    idle_.wait_until(lock, next);
  }
}

Clock::duration TestContext::NextPollPause(Clock::duration last) {
  constexpr Clock::duration kFirst = std::chrono::microseconds(250);
  constexpr Clock::duration kMost = std::chrono::milliseconds(2);
  return last < kFirst ? kFirst : std::min(last * 2, kMost);
}

bool TestContext::GiveToSandbox(int fd, const std::string& path, unsigned mode) {
  const SandboxIdentity& owner = env_.student_identity;
  if (owner.uid && ::fchown(fd, *owner.uid, owner.gid.value_or(0)) != 0) {
    return GraderError(fmt::format("chown({}): {}", path, std::strerror(errno)));
  }
  if (::fchmod(fd, mode) != 0)
    return GraderError(fmt::format("chmod({}, {:04o}): {}", path, mode, std::strerror(errno)));
  return true;
}

RawConnection* TestContext::FindConnection(const std::string& name, std::string_view step,
                                           bool closed_is_fine) {
  auto found = state_.connections.find(name);
  if (found == state_.connections.end()) {
    GraderError(fmt::format("{} names the connection {}, which was not opened", step, name));
    return nullptr;
  }
  if (!found->second->open() && !closed_is_fine) {
    GraderError(fmt::format("{} names the connection {}, which an earlier step closed or reset",
                            step, name));
    return nullptr;
  }
  return found->second.get();
}

bool TestContext::ExchangeFailed(const std::string& what, const ExchangeResult& result) {
  if (result.system_error) return GraderError(fmt::format("{}: {}", what, result.problem));
  return StepFailed(what, result.problem);
}

bool TestContext::StepFailed(const std::string& what, const std::string& rationale) {
  CheckResult check;
  check.what = what;
  check.outcome = Outcome::kFail;
  check.rationale = rationale;
  AddCheck(std::move(check));
  return false;
}

bool TestContext::GraderError(const std::string& message) {
  if (grader_error_.empty()) grader_error_ = message;
  return false;
}

void TestContext::RecordProbe(const std::string& what, const std::string& problem,
                              const std::string& expected, const std::string& actual) {
  CheckResult check;
  check.what = what;
  if (!problem.empty()) check = FailedCheck(what, problem, expected, actual);
  AddCheck(std::move(check));
}

ProgramRun* TestContext::RunningForProbe(const std::string& instance, const std::string& what) {
  ProgramRun* run = FindRun(instance);
  if (run == nullptr) {
    GraderError(fmt::format("a probe names {}, which was not started", instance));
    return nullptr;
  }
  if (run->Exited()) {
    RecordProbe(what, fmt::format("{} had ended before it could be looked at: it {}", instance,
                                  EndedWords(instance)));
    return nullptr;
  }
  return run;
}

std::int64_t MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

bool SignalProcess(ProgramRun& run, int signal) {
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, run.pid(), 0)));
  // Opened before the check: if the process was not reaped yet, the pidfd is its own.
  if (!pidfd.valid() || run.Exited()) return false;
  return ::syscall(SYS_pidfd_send_signal, pidfd.get(), signal, nullptr, 0) == 0;
}

CheckResult FailedCheck(const std::string& what, std::string rationale, std::string expected,
                        std::string actual) {
  CheckResult result;
  result.what = what;
  result.outcome = Outcome::kFail;
  result.rationale = std::move(rationale);
  result.expected = std::move(expected);
  result.actual = std::move(actual);
  return result;
}

CheckResult ErrorCheck(const std::string& what, const std::string& why) {
  CheckResult result;
  result.what = what;
  result.outcome = Outcome::kError;
  result.rationale = why;
  return result;
}

CheckResult NeverRanCheck(CheckResult result, const std::string& instance) {
  result.outcome = Outcome::kFail;
  result.rationale = fmt::format("{} never ran: an earlier step of this test failed", instance);
  return result;
}

}  // namespace labgrade
