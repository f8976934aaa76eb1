// Running one test: steps in order, then teardown, then checks. The order of teardown matters:
// programs are ended and reaped first, the IPC namespace is probed while the cell still lives,
// then the cell is killed (taking daemons with it), and only then are outputs final.
#include "harness/scenario.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "harness/checks/exit.h"
#include "harness/checks/finished_within.h"
#include "harness/checks/no_sysv_left.h"
#include "harness/checks/output.h"
#include "harness/checks/output_match.h"
#include "harness/checks/sysv_exists.h"
#include "harness/net/free_port.h"
#include "harness/net/netem.h"
#include "harness/net/raw_client.h"
#include "harness/probes/elf_imports.h"
#include "harness/probes/ipcs_probe.h"
#include "harness/probes/proc_maps.h"
#include "harness/probes/proc_stat.h"
#include "harness/probes/socket_owner.h"
#include "harness/probes/socket_probes.h"
#include "harness/probes/socket_table.h"
#include "harness/probes/sysv_objects.h"
#include "harness/probes/test_dir_files.h"
#include "harness/process/program_run.h"
#include "harness/report_words.h"
#include "harness/spec/placeholders.h"
#include "harness/spec/signal_names.h"
#include "harness/steps/connect.h"
#include "harness/steps/connection_action.h"
#include "harness/steps/create_sysv.h"
#include "harness/steps/expect_alive.h"
#include "harness/steps/expect_fds.h"
#include "harness/steps/expect_idle.h"
#include "harness/steps/expect_mapping.h"
#include "harness/steps/expect_no_zombies.h"
#include "harness/steps/expect_sockets.h"
#include "harness/steps/make_dir.h"
#include "harness/steps/make_file.h"
#include "harness/steps/pause_when_blocked.h"
#include "harness/steps/receive.h"
#include "harness/steps/record_fds.h"
#include "harness/steps/resume.h"
#include "harness/steps/send.h"
#include "harness/steps/signal.h"
#include "harness/steps/start.h"
#include "harness/steps/wait_exit.h"
#include "harness/steps/wait_for_port.h"
#include "harness/steps/wait_for_sysv.h"
#include "harness/test_context.h"

namespace labgrade {
namespace {

/// Between SIGTERM and SIGKILL for the tools the harness runs (ipcs, nm).
constexpr int kToolKillGraceMs = 1'000;

/// "read(), fread() and fgets()", or with "or".
std::string CallList(const std::vector<std::string>& names, std::string_view last_joint = "and") {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? fmt::format(" {} ", last_joint) : ", ";
    text += names[i] + "()";
  }
  return text;
}

// ---- Steps: each returns false when the test cannot go on. -----------------------------

// ---- Files the harness makes in the test directory --------------------------------------

// ---- Pausing and inspecting a program ---------------------------------------------------

// ---- Sockets: readiness, the built-in client, probes -------------------------------------

// ---- Checks ----------------------------------------------------------------------------

CheckResult Evaluate(TestContext& test, const ReceivedCheck& check) {
  std::string matcher = check.same_as_sent ? "is exactly what it sent"
                        : check.match == MatchKind::kContains
                            ? fmt::format("contains \"{}\"", check.text)
                        : check.match == MatchKind::kEmpty    ? "is empty"
                        : check.match == MatchKind::kNotEmpty ? "is not empty"
                                                              : "is exactly the expected text";
  const std::string what =
      fmt::format("what the test's client received over {} {}", check.connection, matcher);
  auto found = test.state().connections.find(check.connection);
  if (found == test.state().connections.end()) {
    return FailedCheck(what, fmt::format("the connection {} was never opened: an earlier step of "
                                         "this test failed",
                                         check.connection));
  }
  const RawConnection& connection = *found->second;
  const std::string& received = connection.received();
  MatchContext context{what, connection.received_total() > RawConnection::kKeptBytes,
                       connection.received_total()};
  return MatchOutput(check.match, check.same_as_sent ? connection.sent() : check.text, received,
                     context);
}

// ---- File checks -------------------------------------------------------------------------

std::string FileCheckWords(const FileCheck& check) {
  switch (check.property) {
    case FileProperty::kSameAsFile:
    case FileProperty::kSameAsLabFile:
      return fmt::format("{} has the same bytes as {}", check.path, check.other);
    case FileProperty::kSize:
      return fmt::format("{} is {} long", check.path, Bytes(check.size_bytes));
    case FileProperty::kMode:
      return fmt::format("{} has permissions {:04o}", check.path, check.mode);
    case FileProperty::kExists:
      return check.exists ? fmt::format("{} exists", check.path)
                          : fmt::format("there is no {}", check.path);
  }
  return "";
}

/// Opens a regular file of the test directory for reading, or says why it cannot be checked.
std::variant<UniqueFd, CheckResult> OpenTestFile(TestContext& test, const std::string& what,
                                                 const std::string& path) {
  // O_NONBLOCK: a FIFO left where a file should be must not hang the grader.
  OpenedFile file = OpenBeneath(test.test_dir(), path, O_RDONLY | O_NONBLOCK);
  struct stat st {};
  if (!file.fd.valid() && file.error == ENOENT)
    return FailedCheck(what, fmt::format("there is no file {} in the test folder", path));
  if (!file.fd.valid() && (file.error == ELOOP || file.error == EXDEV))
    return FailedCheck(what, fmt::format("{} is a symbolic link, not a file", path));
  if (!file.fd.valid())
    return ErrorCheck(what, fmt::format("cannot open {}: {}", path, std::strerror(file.error)));
  if (::fstat(file.fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return FailedCheck(what, fmt::format("{} is not a regular file", path));
  return std::move(file.fd);
}

/// The verdict of a comparison of check.path (a) with check.other (b).
CheckResult SameBytesResult(TestContext& test, const std::string& what, const FileCheck& check,
                            const FileComparison& c) {
  CheckResult result;
  result.what = what;
  if (c.equal()) return result;
  const std::string& path = check.path;
  const std::string& other = check.other;
  if (c.first_difference >= 0) {
    result = FailedCheck(
        what, fmt::format("{} differs from {} at byte {} ({} has 0x{:02x}, {} has "
                          "0x{:02x})",
                          path, other, c.first_difference, other, c.byte_b, path, c.byte_a));
  } else if (c.size_a > c.size_b && test.state().made_files.count(path)) {
    result = FailedCheck(
        what, fmt::format("{} is {} long but {} is {}: the first {} match, the old "
                          "tail was left — truncate {} (O_TRUNC or ftruncate)",
                          path, Bytes(c.size_a), other, c.size_b, Bytes(c.size_b), path));
  } else if (c.size_a > c.size_b) {
    result = FailedCheck(
        what, fmt::format("{} is {} long but {} is {}: the first {} match, then "
                          "{} goes on",
                          path, Bytes(c.size_a), other, c.size_b, Bytes(c.size_b), path));
  } else if (c.size_a == 0) {
    result =
        FailedCheck(what, fmt::format("{} is empty but {} is {}", path, other, Bytes(c.size_b)));
  } else {
    result = FailedCheck(
        what, fmt::format("{} is only {} long but {} is {}: the first {} match, "
                          "then {} stops",
                          path, Bytes(c.size_a), other, c.size_b, Bytes(c.size_a), path));
  }
  if (c.size_a != c.size_b) {
    result.expected = Bytes(c.size_b);
    result.actual = Bytes(c.size_a);
  }
  result.difference =
      Difference{true, c.first_difference >= 0 ? c.first_difference : std::min(c.size_a, c.size_b),
                 c.size_b, c.size_a, ""};
  return result;
}

CheckResult EvaluateSameBytes(TestContext& test, const std::string& what, const FileCheck& check,
                              int fd) {
  UniqueFd other;
  if (check.property == FileProperty::kSameAsLabFile) {
    const std::filesystem::path path = test.lab().lab_dir / check.other;
    other.Reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!other.valid())
      return ErrorCheck(what, fmt::format("cannot read the lab's file {}", check.other));
  } else {
    auto opened = OpenTestFile(test, what, check.other);
    if (auto* result = std::get_if<CheckResult>(&opened)) return std::move(*result);
    other = std::move(std::get<UniqueFd>(opened));
  }
  const std::optional<FileComparison> compared = CompareFiles(fd, other.get());
  if (!compared)
    return ErrorCheck(what, fmt::format("cannot compare {} with {}: {}", check.path, check.other,
                                        std::strerror(errno)));
  return SameBytesResult(test, what, check, *compared);
}

CheckResult EvaluateExists(TestContext& test, const std::string& what, const FileCheck& check) {
  OpenedFile file = OpenBeneath(test.test_dir(), check.path, O_PATH);
  const bool exists = file.fd.valid() || file.error == ELOOP;  // a symbolic link is something
  CheckResult result;
  result.what = what;
  if (exists != check.exists) {
    result = FailedCheck(what, check.exists
                                   ? fmt::format("there is no {} in the test folder", check.path)
                                   : fmt::format("{} exists, but should not", check.path));
  }
  return result;
}

CheckResult Evaluate(TestContext& test, const FileCheck& check) {
  const std::string what = FileCheckWords(check);
  if (check.property == FileProperty::kExists) return EvaluateExists(test, what, check);
  auto opened = OpenTestFile(test, what, check.path);
  if (auto* result = std::get_if<CheckResult>(&opened)) return std::move(*result);
  const UniqueFd& fd = std::get<UniqueFd>(opened);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return ErrorCheck(what, fmt::format("fstat({}): {}", check.path, std::strerror(errno)));
  if (check.property == FileProperty::kSize && st.st_size != check.size_bytes)
    return FailedCheck(what, fmt::format("{} is {} long", check.path, Bytes(st.st_size)),
                       Bytes(check.size_bytes), Bytes(st.st_size));
  const unsigned mode = st.st_mode & 07777;
  if (check.property == FileProperty::kMode && mode != check.mode)
    return FailedCheck(what, fmt::format("{} has permissions {:04o}", check.path, mode),
                       fmt::format("{:04o}", check.mode), fmt::format("{:04o}", mode));
  if (check.property == FileProperty::kSameAsFile || check.property == FileProperty::kSameAsLabFile)
    return EvaluateSameBytes(test, what, check, fd.get());
  CheckResult passed;
  passed.what = what;
  return passed;
}

// ---- Imports -----------------------------------------------------------------------------

std::string ImportsWords(const ImportsCheck& check) {
  std::vector<std::string> parts;
  if (!check.required.empty()) parts.push_back("calls " + CallList(check.required));
  if (!check.forbidden.empty()) {
    parts.push_back("never calls " + CallList(check.forbidden, "or"));
  }
  return fmt::format("{} {}", check.program, fmt::join(parts, " and "));
}

/// The symbols the built executable imports, or null after reporting why not.
std::optional<std::vector<std::string>> ImportsOf(const std::filesystem::path& executable,
                                                  std::string* error) {
  LaunchSpec spec;
  spec.executable = "/usr/bin/nm";
  spec.args = {"-D", "--undefined-only", executable.string()};
  spec.working_dir = "/";
  spec.environment = {"LC_ALL=C", "PATH=/usr/bin:/bin"};
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{30'000, 4 << 20, kToolKillGraceMs});
  if (auto* launch = std::get_if<LaunchError>(&started)) {
    *error = fmt::format("cannot run nm (from binutils): {}", launch->message);
    return std::nullopt;
  }
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  const ProgramEnd& end = run->end();
  if (!end.exited || end.exit_code != 0) {
    *error = fmt::format("nm -D {} {}: {}", executable.string(), DescribeProgramEnd(end, 30'000),
                         FirstLines(end.err.bytes, 3, 400));
    return std::nullopt;
  }
  return ParseNmUndefinedSymbols(end.out.bytes);
}

CheckResult ImportsResult(const std::string& what, const ImportsCheck& check,
                          const std::vector<std::string>& imports) {
  auto imported = [&](const std::string& name) {
    return std::binary_search(imports.begin(), imports.end(), name);
  };
  std::vector<std::string> missing;
  std::vector<std::string> used;
  for (const std::string& name : check.required)
    if (!imported(name)) missing.push_back(name);
  for (const std::string& name : check.forbidden)
    if (imported(name)) used.push_back(name);
  CheckResult result;
  result.what = what;
  if (missing.empty() && used.empty()) return result;
  std::vector<std::string> reasons;
  if (!used.empty())
    reasons.push_back(
        fmt::format("{} calls {}, which this lab forbids", check.program, CallList(used)));
  if (!missing.empty())
    reasons.push_back(fmt::format("{} never calls {}, which this lab requires", check.program,
                                  CallList(missing, "or")));
  result = FailedCheck(what, fmt::format("{}", fmt::join(reasons, "; ")));
  std::vector<std::string> actual;
  if (!used.empty()) actual.push_back("calls " + CallList(used));
  if (!missing.empty()) actual.push_back("no call to " + CallList(missing, "or"));
  result.actual = fmt::format("{}", fmt::join(actual, "; "));
  return result;
}

CheckResult Evaluate(TestContext& test, const ImportsCheck& check) {
  const std::string what = ImportsWords(check);
  const ProgramSpec& program = test.lab().programs.at(check.program);
  const std::filesystem::path executable =
      (check.role == Role::kStudent ? test.BuildDir(Role::kStudent)
                                    : test.BuildDir(Role::kReference)) /
      program.executable;
  std::error_code ignored;
  if (!std::filesystem::exists(executable, ignored))
    return FailedCheck(what, fmt::format("the program {} was not built (no {} after the build)",
                                         check.program, program.executable));
  std::string error;
  const std::optional<std::vector<std::string>> imports = ImportsOf(executable, &error);
  if (!imports) return ErrorCheck(what, error);
  return ImportsResult(what, check, *imports);
}

// ---- Groups: a step or check naming a group applies to each member -------------------------

/// A member's words made the group's: "client-1 exits with status 0" becomes "client exits
/// with status 0 (each of the 20 instances)".
std::string GroupWords(std::string words, const std::string& member, const std::string& group,
                       std::size_t size) {
  for (std::size_t at = words.find(member); at != std::string::npos;
       at = words.find(member, at + group.size())) {
    words.replace(at, member.size(), group);
  }
  return words + fmt::format(" (each of the {} instances)", size);
}

template <typename S>
bool ExecuteForMembers(TestContext& test, const S& step) {
  if constexpr (!std::is_same_v<S, StartStep> && requires { step.instance; }) {
    if (test.IsGroup(step.instance)) {
      for (const std::string& member : test.Members(step.instance)) {
        S copy = step;
        copy.instance = member;
        if (!Execute(test, copy)) return false;
      }
      return true;
    }
  }
  return Execute(test, step);
}

/// Adds the results of a check that named a group, one per member in order: one result when
/// all passed; else the first failures and a count of the rest.
void AddGroupResults(TestContext& test, const std::string& group,
                     const std::vector<std::string>& members, std::vector<CheckResult> results) {
  std::vector<CheckResult> failed;
  std::vector<std::string> failed_names;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (results[i].outcome != Outcome::kPass) {
      failed.push_back(results[i]);
      failed_names.push_back(members[i]);
    }
  }
  if (failed.empty()) {
    CheckResult passed = std::move(results.front());
    passed.what = GroupWords(passed.what, members.front(), group, members.size());
    test.AddCheck(std::move(passed));
    return;
  }
  constexpr std::size_t kShown = 3;
  for (std::size_t i = 0; i < failed.size() && i < kShown; ++i) test.AddCheck(failed[i]);
  if (failed.size() > kShown) {
    CheckResult rest = failed[kShown - 1];
    rest.what = GroupWords(rest.what, failed_names[kShown - 1], group, members.size());
    rest.rationale = fmt::format(
        "{} more of the {} instances of {} fail this check too: {}", failed.size() - kShown,
        members.size(), group, fmt::join(failed_names.begin() + kShown, failed_names.end(), ", "));
    rest.expected.clear();
    rest.actual.clear();
    rest.difference.reset();
    test.AddCheck(std::move(rest));
  }
}

/// Evaluates `check` for each member of a group it names (pairing same_as_stdin_of groups i
/// with i).
template <typename C>
void EvaluateForMembers(TestContext& test, const C& check) {
  if constexpr (requires { check.instance; }) {
    if (test.IsGroup(check.instance)) {
      const std::vector<std::string> members = test.Members(check.instance);
      std::vector<CheckResult> results;
      for (std::size_t i = 0; i < members.size(); ++i) {
        C copy = check;
        copy.instance = members[i];
        if constexpr (std::is_same_v<C, OutputCheck>) {
          if (check.match == MatchKind::kSameAsStdinOf && test.IsGroup(check.text))
            copy.text = test.Members(check.text).at(i);
        }
        results.push_back(Evaluate(test, copy));
      }
      AddGroupResults(test, check.instance, members, std::move(results));
      return;
    }
  }
  test.AddCheck(Evaluate(test, check));
}

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
        if (!std::visit([this](const auto& s) { return ExecuteForMembers(context_, s); }, step))
          break;
      }
    }
    Teardown();
    if (context_.grader_error().empty() && skipped_.empty()) {
      for (const Check& check : test_.checks) {
        std::visit([this](const auto& c) { EvaluateForMembers(context_, c); }, check);
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
    for (const std::string& key_file : KeyFilesOfTest()) {
      std::ofstream(KeyFilePath(env_.test_dir, key_file));
    }
    if (env_.identity.uid) {
      // The programs run as the sandbox user and work in this directory.
      if (::chown(env_.test_dir.c_str(), *env_.identity.uid, env_.identity.gid.value_or(0)) != 0)
        return GraderError(
            fmt::format("chown({}): {}", env_.test_dir.string(), std::strerror(errno)));
    }
    if (env_.host != nullptr) {
      auto entered = Cell::Enter(*env_.host, env_.cell_init);
      if (auto* error = std::get_if<std::string>(&entered)) return GraderError(*error);
      context_.AdoptCell(std::move(std::get<std::unique_ptr<Cell>>(entered)));
    } else {
      auto before = TakeIpcsSnapshot();
      if (!before) return false;
      host_objects_before_ = std::move(*before);
    }
    return AssignPorts() && SetUpNetwork();
  }

  /// The number each port placeholder of the test stands for: fixed in a cell (nothing else
  /// listens in its network namespace), picked free on the host.
  bool AssignPorts() {
    std::vector<std::string> names;
    auto add_args = [&](const std::vector<std::string>& args) {
      for (const std::string& arg : args)
        for (std::string& name : PortsMentioned(arg)) names.push_back(name);
    };
    for (const Step& step : test_.steps) {
      if (auto* start = std::get_if<StartStep>(&step)) {
        add_args(start->argv ? *start->argv : env_.lab->programs.at(start->program).argv);
      } else if (auto* wait = std::get_if<WaitForPortStep>(&step)) {
        names.push_back(wait->port);
      } else if (auto* connect = std::get_if<ConnectStep>(&step)) {
        names.push_back(connect->port);
      } else if (auto* sockets = std::get_if<ExpectSocketsStep>(&step)) {
        if (!sockets->port.empty()) names.push_back(sockets->port);
      }
    }
    std::map<std::string, int>& ports = context_.state().ports;
    if (context_.cell()) {
      ports = FixedCellPorts(names);
      return true;
    }
    std::set<int> taken;
    for (const std::string& name : std::set<std::string>(names.begin(), names.end())) {
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
    network_words_ = fmt::format("the test's loopback loses {}% of packets", loss);
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

  std::set<std::string> KeyFilesOfTest() const {
    std::set<std::string> names{"keyfile"};
    auto add_args = [&](const std::vector<std::string>& args) {
      for (const std::string& arg : args)
        for (std::string& name : KeyFilesMentioned(arg)) names.insert(name);
    };
    for (const Step& step : test_.steps) {
      if (auto* start = std::get_if<StartStep>(&step)) {
        add_args(start->argv ? *start->argv : env_.lab->programs.at(start->program).argv);
      } else if (auto* wait = std::get_if<WaitForSysvStep>(&step)) {
        names.insert(wait->key_file);
      } else if (auto* create = std::get_if<CreateSysvStep>(&step)) {
        names.insert(create->key_file);
      }
    }
    return names;
  }

  // ---- Teardown --------------------------------------------------------------------------

  void Teardown() {
    TestState& state = context_.state();
    std::map<std::string, Instance>& instances = context_.instances();
    Cell* cell = context_.cell();
    // The built-in client's connections end first, as a client that is done would; what they
    // received stays for the checks.
    for (auto& [name, connection] : state.connections) connection->Close();
    // A paused program that handles SIGTERM would sit out the grace time stopped.
    for (const std::string& name : state.paused) SignalProcess(*instances.at(name).run, SIGCONT);
    for (auto& [name, instance] : instances) instance.run->RequestTermination();
    for (auto& [name, instance] : instances)
      instance.run->WaitUntilExited(Clock::time_point::max());
    if (cell) {
      if (context_.grader_error().empty()) {
        if (auto snapshot = TakeIpcsSnapshot()) state.leftovers = std::move(snapshot->objects);
      }
      cell->KillAll();
    } else if (context_.grader_error().empty() || !host_objects_before_.objects.empty()) {
      KillStrayChildren();
      if (auto after = TakeIpcsSnapshot())
        state.leftovers = NewObjects(host_objects_before_, *after);
    }
    for (auto& [name, instance] : instances)
      instance.run->WaitUntilFinished(Clock::time_point::max());
    DescribeLeftovers();
    if (cell) {
      cell->Leave();  // the kernel frees what was left in the cell's IPC namespace
    } else {
      for (const IpcObject& object : state.leftovers) RemoveSysvObject(object.kind, object.id);
    }
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
      summary.ended = DescribeProgramEnd(end, instance.wall_limit_ms);
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
      skipped.what = network_words_;
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
  IpcsSnapshot host_objects_before_;
  std::string skipped_;        ///< why the machine cannot run this test; empty: it can
  std::string network_words_;  ///< the test's network conditions, in words
};

}  // namespace

TestResult RunScenario(const TestSpec& test, const ScenarioEnvironment& environment) {
  return Scenario(test, environment).Run();
}

}  // namespace labgrade
