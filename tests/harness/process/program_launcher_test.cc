// LaunchProgram: the sandbox is really applied in the child (user and group, resource limits,
// session, no_new_privs, signal state, environment, arguments), and a sandbox step that fails
// fails the launch, names the call, and never execs the program.
//
// Each started program is inspected through /proc while it blocks, then killed and reaped here:
// LaunchProgram returns only once the exec has happened (or failed), so what /proc shows is the
// state the program runs with.
#include "harness/process/program_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "harness/probes/proc_stat.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

const fs::path kPrograms = LABGRADE_TEST_PROGRAMS_DIR;

constexpr int kPatienceMs = 30'000;

LaunchSpec Spec(const fs::path& executable, std::vector<std::string> args = {}) {
  LaunchSpec spec;
  spec.executable = executable;
  spec.args = std::move(args);
  spec.working_dir = "/";
  spec.environment = {"PATH=/usr/bin:/bin"};
  return spec;
}

/// A launched program that this test kills and reaps when it is done with it.
class LaunchedChild {
 public:
  explicit LaunchedChild(LaunchedProcess process) : process_(std::move(process)) {}
  LaunchedChild(const LaunchedChild&) = delete;
  LaunchedChild& operator=(const LaunchedChild&) = delete;
  ~LaunchedChild() {
    if (process_.pid > 0) {
      ::kill(process_.pid, SIGKILL);
      Reap();
    }
  }

  pid_t pid() const { return process_.pid; }
  int pidfd() const { return process_.pidfd.get(); }

  /// Waits for the program to end; returns its wait status.
  int Reap() {
    int status = 0;
    while (::waitpid(process_.pid, &status, 0) < 0 && errno == EINTR) {
    }
    process_.pid = -1;
    return status;
  }

  /// A line of /proc/PID/status after its "Name:", e.g. Field("Uid") == "0\t0\t0\t0".
  std::string StatusField(const std::string& name) const {
    std::ifstream status("/proc/" + std::to_string(process_.pid) + "/status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind(name + ":", 0) != 0) continue;
      std::size_t value = line.find_first_not_of(" \t", name.size() + 1);
      return value == std::string::npos ? "" : line.substr(value);
    }
    return "<no " + name + " field>";
  }

 private:
  LaunchedProcess process_;
};

std::unique_ptr<LaunchedChild> LaunchOrFail(const LaunchSpec& spec) {
  LaunchOutcome outcome = LaunchProgram(spec);
  if (auto* error = std::get_if<LaunchError>(&outcome)) {
    ADD_FAILURE() << "launch failed: " << error->message;
    return nullptr;
  }
  return std::make_unique<LaunchedChild>(std::move(std::get<LaunchedProcess>(outcome)));
}

/// A pipe for a program's output; the test reads it to the end once its own write end is closed.
struct OutputPipe {
  UniqueFd read;
  UniqueFd write;

  OutputPipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == 0) {
      read.Reset(fds[0]);
      write.Reset(fds[1]);
    }
  }

  /// Closes the write end and reads until every writer is gone.
  std::string ReadAll() {
    write.Reset();
    std::string text;
    char buffer[4096];
    for (;;) {
      pollfd readable{read.get(), POLLIN, 0};
      if (::poll(&readable, 1, kPatienceMs) != 1) {
        ADD_FAILURE() << "the output pipe stayed open";
        return text;
      }
      ssize_t got = ::read(read.get(), buffer, sizeof buffer);
      if (got <= 0) return text;
      text.append(buffer, static_cast<std::size_t>(got));
    }
  }
};

/// /proc/PID/limits as {"Max open files" -> {soft, hard}}.
std::map<std::string, std::pair<std::string, std::string>> ReadLimits(pid_t pid) {
  std::map<std::string, std::pair<std::string, std::string>> limits;
  std::ifstream file("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  std::getline(file, line);  // the header
  while (std::getline(file, line)) {
    // "Max cpu time              3                    4                    seconds"
    // The name is padded to 26 columns; the values follow, separated by spaces.
    std::string name = line.substr(0, 26);
    name.erase(name.find_last_not_of(' ') + 1);
    std::istringstream values(line.substr(std::min<std::size_t>(26, line.size())));
    std::string soft, hard;
    values >> soft >> hard;
    limits[name] = {soft, hard};
  }
  return limits;
}

/// The pids of this process's children (of all its threads), zombies included.
std::vector<int> OurChildren() { return ChildrenOf(ProcReader(), ::getpid()); }

// As root, the program runs as the sandbox user and group, with no supplementary groups.
TEST(ProgramLauncher, DropsToTheSandboxUserAndGroup) {
  if (::geteuid() != 0) GTEST_SKIP() << "changing the user needs root";
  LaunchSpec spec = Spec(kPrograms / "sleep-forever");
  spec.sandbox.uid = 62999;
  spec.sandbox.gid = 62998;
  auto child = LaunchOrFail(spec);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->StatusField("Uid"), "62999\t62999\t62999\t62999");
  EXPECT_EQ(child->StatusField("Gid"), "62998\t62998\t62998\t62998");
  EXPECT_EQ(child->StatusField("Groups"), "");
  // No capability survives the change of user.
  EXPECT_EQ(child->StatusField("CapEff"), "0000000000000000");
  EXPECT_EQ(child->StatusField("CapPrm"), "0000000000000000");
}

// The resource limits are set in the program, soft and hard (CPU: hard one second later, so
// SIGXCPU comes before SIGKILL; no core dumps).
TEST(ProgramLauncher, AppliesTheResourceLimits) {
  ProgramLimits limits;
  limits.cpu_ms = 2'500;  // rounded up to whole seconds
  limits.memory_mib = 300;
  limits.processes = 1'234;
  limits.open_files = 23;
  limits.file_size_mib = 5;
  LaunchSpec spec = Spec(kPrograms / "sleep-forever");
  spec.sandbox.limits = limits;
  auto child = LaunchOrFail(spec);
  ASSERT_NE(child, nullptr);
  auto seen = ReadLimits(child->pid());
  using Pair = std::pair<std::string, std::string>;
  EXPECT_EQ(seen["Max cpu time"], (Pair{"3", "4"}));
  EXPECT_EQ(seen["Max address space"], (Pair{"314572800", "314572800"}));
  EXPECT_EQ(seen["Max processes"], (Pair{"1234", "1234"}));
  EXPECT_EQ(seen["Max open files"], (Pair{"23", "23"}));
  EXPECT_EQ(seen["Max file size"], (Pair{"5242880", "5242880"}));
  EXPECT_EQ(seen["Max core file size"], (Pair{"0", "0"}));
}

// The program leads a session and a process group of its own, so a group kill reaches its
// children and nothing else.
TEST(ProgramLauncher, StartsTheProgramInASessionOfItsOwn) {
  auto child = LaunchOrFail(Spec(kPrograms / "sleep-forever"));
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(::getsid(child->pid()), child->pid());
  EXPECT_EQ(::getpgid(child->pid()), child->pid());
  EXPECT_NE(::getsid(child->pid()), ::getsid(0));
}

// The program cannot gain privileges through exec (setuid binaries, file capabilities).
TEST(ProgramLauncher, SetsNoNewPrivileges) {
  auto child = LaunchOrFail(Spec(kPrograms / "sleep-forever"));
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->StatusField("NoNewPrivs"), "1");
}

// Signals the grader blocks or ignores are neither blocked nor ignored in the program: those
// the harness itself ignores, and any its own parent left ignored (nohup ignores SIGHUP).
TEST(ProgramLauncher, StartsWithDefaultSignalHandling) {
  sigset_t blocked, previous;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGUSR1);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &blocked, &previous), 0);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  const int ignored[] = {SIGINT, SIGHUP, SIGUSR2, SIGQUIT};
  struct sigaction previous_actions[std::size(ignored)] = {};
  for (std::size_t i = 0; i < std::size(ignored); ++i)
    ASSERT_EQ(::sigaction(ignored[i], &ignore, &previous_actions[i]), 0);
  auto child = LaunchOrFail(Spec(kPrograms / "sleep-forever"));
  for (std::size_t i = 0; i < std::size(ignored); ++i)
    ::sigaction(ignored[i], &previous_actions[i], nullptr);
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->StatusField("SigBlk"), "0000000000000000");
  EXPECT_EQ(child->StatusField("SigIgn"), "0000000000000000");
}

// Unset standard streams are /dev/null, not the grader's own.
TEST(ProgramLauncher, UnsetStandardStreamsAreDevNull) {
  auto child = LaunchOrFail(Spec(kPrograms / "sleep-forever"));
  ASSERT_NE(child, nullptr);
  for (int fd : {0, 1, 2}) {
    fs::path link = fs::path("/proc") / std::to_string(child->pid()) / "fd" / std::to_string(fd);
    EXPECT_EQ(fs::read_symlink(link), "/dev/null") << "fd " << fd;
  }
}

// The program sees exactly the environment it is given, none of the grader's.
TEST(ProgramLauncher, PassesOnlyTheGivenEnvironment) {
  ASSERT_EQ(::setenv("LABGRADE_TEST_GRADER_SECRET", "leaked", 1), 0);
  OutputPipe output;
  LaunchSpec spec = Spec("/usr/bin/env");
  spec.environment = {"ONE=1", "TWO=two words"};
  spec.stdout_fd = output.write.get();
  auto child = LaunchOrFail(spec);
  ::unsetenv("LABGRADE_TEST_GRADER_SECRET");
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(output.ReadAll(), "ONE=1\nTWO=two words\n");
  int status = child->Reap();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// The arguments arrive as given, empty ones and spaces included; argv[0] is the executable.
TEST(ProgramLauncher, PassesTheArgumentsAsGiven) {
  OutputPipe output;
  LaunchSpec spec = Spec(kPrograms / "print-args", {"one", "two words", "", "*"});
  spec.stdout_fd = output.write.get();
  auto child = LaunchOrFail(spec);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(output.ReadAll(),
            "[" + (kPrograms / "print-args").string() + "]\n[one]\n[two words]\n[]\n[*]\n");
  child->Reap();
}

// The program runs in the working directory it is given.
TEST(ProgramLauncher, RunsInTheGivenWorkingDirectory) {
  auto child = [] {
    LaunchSpec spec = Spec(kPrograms / "sleep-forever");
    spec.working_dir = "/usr/share";
    return LaunchOrFail(spec);
  }();
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(fs::read_symlink(fs::path("/proc") / std::to_string(child->pid()) / "cwd"),
            "/usr/share");
}

// A program dies with the thread that started it (PR_SET_PDEATHSIG), so a grader that dies
// leaves none behind.
TEST(ProgramLauncher, ProgramDiesWithTheThreadThatStartedIt) {
  std::unique_ptr<LaunchedChild> child;
  std::thread launcher([&child] { child = LaunchOrFail(Spec(kPrograms / "sleep-forever")); });
  launcher.join();
  ASSERT_NE(child, nullptr);
  // The program was reparented to this thread when its parent thread exited, and killed.
  pollfd ended{child->pidfd(), POLLIN, 0};
  ASSERT_EQ(::poll(&ended, 1, kPatienceMs), 1) << "the program outlived its parent thread";
  int status = child->Reap();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

// A sandbox step that fails (here setns into a "mount namespace" that is /dev/null) fails the
// launch, names the call and the error, and the program is never executed nor left a zombie.
TEST(ProgramLauncher, FailingSandboxStepFailsTheLaunchAndNeverExecs) {
  UniqueFd not_a_namespace(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(not_a_namespace.valid());
  const std::vector<int> children_before = OurChildren();
  OutputPipe output;
  // print-args would print at least its own name, had it been executed.
  LaunchSpec spec = Spec(kPrograms / "print-args");
  spec.sandbox.join_mount_namespace_fd = not_a_namespace.get();
  spec.stdout_fd = output.write.get();
  spec.stderr_fd = output.write.get();
  LaunchOutcome outcome = LaunchProgram(spec);
  ASSERT_TRUE(std::holds_alternative<LaunchError>(outcome));
  const LaunchError& error = std::get<LaunchError>(outcome);
  EXPECT_EQ(error.message, "setns(mount namespace): Invalid argument");
  EXPECT_EQ(error.error_number, EINVAL);
  EXPECT_EQ(output.ReadAll(), "");
  EXPECT_EQ(OurChildren(), children_before);
}

// A working directory that does not exist fails the launch, naming chdir and the path.
TEST(ProgramLauncher, MissingWorkingDirectoryFailsTheLaunch) {
  const std::vector<int> children_before = OurChildren();
  LaunchSpec spec = Spec(kPrograms / "print-args");
  spec.working_dir = "/nonexistent/working-dir";
  LaunchOutcome outcome = LaunchProgram(spec);
  ASSERT_TRUE(std::holds_alternative<LaunchError>(outcome));
  EXPECT_EQ(std::get<LaunchError>(outcome).message,
            "chdir(/nonexistent/working-dir): No such file or directory");
  EXPECT_EQ(OurChildren(), children_before);
}

// A PID namespace descriptor that is no namespace fails the launch before any fork, naming
// setns, and leaves the thread able to start programs in its own namespace.
TEST(ProgramLauncher, BadPidNamespaceFailsTheLaunchNamingSetns) {
  UniqueFd not_a_namespace(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(not_a_namespace.valid());
  LaunchSpec spec = Spec(kPrograms / "print-args");
  spec.sandbox.pid_namespace_fd = not_a_namespace.get();
  LaunchOutcome outcome = LaunchProgram(spec);
  ASSERT_TRUE(std::holds_alternative<LaunchError>(outcome));
  EXPECT_EQ(std::get<LaunchError>(outcome).message,
            "setns(PID namespace of the cell): Invalid argument");
  EXPECT_EQ(std::get<LaunchError>(outcome).error_number, EINVAL);
  auto child = LaunchOrFail(Spec(kPrograms / "exit-with", {"0"}));
  ASSERT_NE(child, nullptr);
  int status = child->Reap();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace labgrade

namespace labgrade {
namespace {

// Launches from several threads while others allocate: the child must reach exec whatever lock
// another thread held at the fork. (Boost.Process's launcher allocated in the child, and under
// AddressSanitizer a child spun forever on the allocator's lock; a hang here ends the whole
// binary with this test's name rather than leaving the suite to a CI time limit.)
TEST(ProgramLauncher, LaunchesWhileOtherThreadsAllocate) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> allocators;
  for (int i = 0; i < 2; ++i) {
    allocators.emplace_back([&stop] {
      while (!stop.load()) {
        std::vector<std::string> churn(64, std::string(100, 'x'));
        churn.clear();
      }
    });
  }
  std::atomic<int> launched{0};
  std::atomic<int> failed{0};
  auto launches = std::async(std::launch::async, [&] {
    std::vector<std::thread> launchers;
    for (int i = 0; i < 4; ++i) {
      launchers.emplace_back([&] {
        for (int n = 0; n < 40; ++n) {
          LaunchOutcome outcome = LaunchProgram(Spec("/bin/true"));
          auto* process = std::get_if<LaunchedProcess>(&outcome);
          if (process == nullptr) {
            ++failed;
            continue;
          }
          ::waitpid(process->pid, nullptr, 0);
          ++launched;
        }
      });
    }
    for (std::thread& launcher : launchers) launcher.join();
  });
  if (launches.wait_for(std::chrono::milliseconds(kPatienceMs)) != std::future_status::ready) {
    std::fprintf(stderr, "ProgramLauncher.LaunchesWhileOtherThreadsAllocate: a launch hung\n");
    std::_Exit(1);
  }
  stop = true;
  for (std::thread& allocator : allocators) allocator.join();
  EXPECT_EQ(launched.load(), 160);
  EXPECT_EQ(failed.load(), 0);
}

// The child lets go of the grader's other descriptors before it builds its sandbox, which can
// take long on a loaded machine: holding the write end of another program's standard input for
// that long would keep that program from seeing the end of its input. The child is held in the
// sandbox here by a "cgroup.procs" that is a full pipe; the other pipe must be closed by then.
TEST(ProgramLauncher, LetsGoOfOtherDescriptorsBeforeBuildingTheSandbox) {
  OutputPipe other_input;  // another program's standard input, as the grader holds it
  OutputPipe held;         // stands for cgroup.procs: the child's write blocks while it is full
  ASSERT_TRUE(other_input.write.valid() && held.write.valid());
  ASSERT_EQ(::fcntl(held.write.get(), F_SETFL, O_NONBLOCK), 0);
  const std::string page(4096, 'x');
  while (::write(held.write.get(), page.data(), page.size()) > 0) {
  }
  ASSERT_EQ(errno, EAGAIN);
  ASSERT_EQ(::fcntl(held.write.get(), F_SETFL, 0), 0);

  LaunchSpec spec = Spec("/bin/true");
  spec.sandbox.join_cgroup_fds = {held.write.get()};
  auto launch = std::async(std::launch::async, [&spec] { return LaunchProgram(spec); });

  other_input.write.Reset();
  pollfd hangup{other_input.read.get(), POLLIN, 0};
  const int ready = ::poll(&hangup, 1, kPatienceMs);
  EXPECT_EQ(ready, 1) << "the child still held the other program's input while in its sandbox";

  // Emptied, the pipe takes the child's write: it goes on to its exec.
  ASSERT_EQ(::fcntl(held.read.get(), F_SETFL, O_NONBLOCK), 0);
  char buffer[4096];
  while (::read(held.read.get(), buffer, sizeof buffer) > 0) {
  }
  if (launch.wait_for(std::chrono::milliseconds(kPatienceMs)) != std::future_status::ready) {
    std::fprintf(stderr,
                 "ProgramLauncher.LetsGoOfOtherDescriptorsBeforeBuildingTheSandbox: hung\n");
    std::_Exit(1);
  }
  LaunchOutcome outcome = launch.get();
  auto* process = std::get_if<LaunchedProcess>(&outcome);
  ASSERT_NE(process, nullptr) << std::get<LaunchError>(outcome).message;
  LaunchedChild child(std::move(*process));  // exec'd; it dies with the thread that started it
}

// Standard streams given as the same descriptor, and as descriptors 0 to 2 themselves, all
// reach the program: the child lifts them above 2 before it places them.
TEST(ProgramLauncher, BindsSharedAndLowStandardDescriptors) {
  OutputPipe output;
  LaunchSpec spec = Spec("/bin/sh", {"-c", "echo out; echo err >&2"});
  spec.stdout_fd = output.write.get();
  spec.stderr_fd = output.write.get();
  auto child = LaunchOrFail(spec);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(output.ReadAll(), "out\nerr\n");
  int status = child->Reap();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace labgrade
