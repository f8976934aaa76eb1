// Cells: a test's private namespaces. Hostile programs run here and only here: as root outside
// a PID namespace, kill(-1) would kill every process on the machine (fork-bomb and
// kill-everyone refuse to run outside a cell anyway, see tests/programs/only-in-a-cell.h).
//
// Inside a cell /tmp and /dev/shm are fresh tmpfs mounts, so the programs and working folders
// used here live elsewhere: the build tree and a folder under /var/tmp.
#include "harness/process/cell.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "harness/probes/proc_stat.h"
#include "harness/process/program_run.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

const fs::path kPrograms = LABGRADE_TEST_PROGRAMS_DIR;
const fs::path kCellInit = fs::path(LABGRADE_BINARY_DIR) / "labgrade-cell-init";

/// Long enough for anything these tests do on a loaded machine; reaching it is a failure.
constexpr seconds kPatience{30};

/// Who runs the student's programs when the tests are root; RLIMIT_NPROC does not bind root.
constexpr uid_t kSandboxUid = 62999;
constexpr gid_t kSandboxGid = 62999;

/// The inode of a namespace file (/proc/thread-self/ns/ipc, /proc/PID/ns/pid), or 0.
ino_t NamespaceInode(const fs::path& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 ? status.st_ino : 0;
}

ino_t InodeOf(int fd) {
  struct stat status {};
  return ::fstat(fd, &status) == 0 ? status.st_ino : 0;
}

/// The host pids of the processes in the PID namespace with inode `pid_namespace`, found by
/// scanning /proc (the test runs in the host's PID namespace, so it sees them all).
std::vector<pid_t> ProcessesIn(ino_t pid_namespace, std::optional<uid_t> only_uid = std::nullopt) {
  std::vector<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (NamespaceInode(entry.path() / "ns" / "pid") != pid_namespace) continue;
    struct stat status {};
    if (::stat(entry.path().c_str(), &status) != 0) continue;  // gone meanwhile
    if (only_uid && status.st_uid != *only_uid) continue;
    found.push_back(std::stoi(name));
  }
  return found;
}

/// The last field of "NSpid:" in /proc/PID/status: the pid as its own namespace numbers it.
std::string InnermostPid(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("NSpid:", 0) != 0) continue;
    return line.substr(line.find_last_of(" \t") + 1);
  }
  return "";
}

class CellTest : public testing::Test {
 protected:
  void SetUp() override {
    auto host = HostNamespaces::Open();
    ASSERT_TRUE(std::holds_alternative<HostNamespaces>(host)) << std::get<std::string>(host);
    host_ = std::move(std::get<HostNamespaces>(host));
    std::string pattern = "/var/tmp/labgrade-cell-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    scratch_ = fs::path(pattern) / "work";
    root_point_ = fs::path(pattern) / "root";
    ASSERT_TRUE(fs::create_directory(scratch_));
    ASSERT_TRUE(fs::create_directory(root_point_));
    // The sandbox user writes here (the daemon's pid file).
    if (::geteuid() == 0) {
      ASSERT_EQ(::chown(scratch_.c_str(), kSandboxUid, kSandboxGid), 0) << std::strerror(errno);
    }
    CellSetup setup;
    setup.filesystem.root_mount_point = root_point_;
    setup.filesystem.folders = {{scratch_, true}, {kPrograms, false}};
    auto entered = Cell::Enter(host_, kCellInit, setup);
    if (auto* error = std::get_if<std::string>(&entered)) {
      // Without root or user namespaces (the test binary does not enter one of its own), the
      // kernel refuses; anything else is a real failure.
      if (error->find(std::strerror(EPERM)) != std::string::npos ||
          error->find(std::strerror(EACCES)) != std::string::npos) {
        GTEST_SKIP() << "cannot create a cell here: " << *error;
      }
      FAIL() << "Cell::Enter: " << *error;
    }
    cell_ = std::move(std::get<std::unique_ptr<Cell>>(entered));
    cell_pid_namespace_ = InodeOf(cell_->pid_namespace_fd());
    ASSERT_NE(cell_pid_namespace_, 0u);
  }

  void TearDown() override {
    cell_.reset();
    std::error_code ignored;
    if (!scratch_.empty()) fs::remove_all(scratch_.parent_path(), ignored);
  }

  /// Starts `executable` inside the cell, in the scratch folder, with the limits a student's
  /// program gets, as the sandbox user when the test is root (`as_sandbox_user` false: as root).
  std::unique_ptr<ProgramRun> StartInCell(const fs::path& executable,
                                          std::vector<std::string> args = {},
                                          bool as_sandbox_user = true,
                                          ProgramLimits limits = ProgramLimits{},
                                          int wall_ms = 60'000) {
    if (cell_ == nullptr) {
      ADD_FAILURE() << "no cell: refusing to start " << executable;
      return nullptr;
    }
    LaunchSpec spec;
    spec.executable = executable;
    spec.args = std::move(args);
    spec.working_dir = scratch_;
    spec.environment = {"PATH=/usr/bin:/bin", "LC_ALL=C"};
    spec.sandbox.pid_namespace_fd = cell_->pid_namespace_fd();
    spec.sandbox.join_mount_namespace_fd = cell_->mount_namespace_fd();
    spec.sandbox.cell_root_fd = cell_->root_fd();
    spec.sandbox.limits = limits;
    if (as_sandbox_user && ::geteuid() == 0) {
      spec.sandbox.uid = kSandboxUid;
      spec.sandbox.gid = kSandboxGid;
    }
    auto started = ProgramRun::Start(spec, nullptr, RunLimits{wall_ms, 1 << 20, 500});
    if (auto* error = std::get_if<LaunchError>(&started)) {
      ADD_FAILURE() << "launch in the cell failed: " << error->message;
      return nullptr;
    }
    return std::move(std::get<std::unique_ptr<ProgramRun>>(started));
  }

  /// Runs to the end inside the cell; a run still going after kPatience fails.
  ProgramEnd RunInCell(const fs::path& executable, std::vector<std::string> args = {},
                       bool as_sandbox_user = true) {
    auto run = StartInCell(executable, std::move(args), as_sandbox_user);
    if (run == nullptr) return {};
    if (!run->WaitUntilFinished(Clock::now() + kPatience)) {
      ADD_FAILURE() << executable << " still running after " << kPatience.count() << " s";
      return {};
    }
    return run->end();
  }

  /// Calls `body` on a thread in the host's IPC namespace (this thread is in the cell's, and
  /// a thread it creates starts in the cell's too).
  void OnHostIpcThread(const std::function<void()>& body) {
    std::thread host_thread([&] {
      if (::setns(host_.ipc.get(), CLONE_NEWIPC) != 0) {
        ADD_FAILURE() << "setns(host IPC namespace): " << std::strerror(errno);
        return;
      }
      body();
    });
    host_thread.join();
  }

  /// A System V key of this test process's own (the host is shared with other processes).
  static key_t OurKey(int n) { return static_cast<key_t>(0x4c470000 ^ (::getpid() << 4) ^ n); }

  HostNamespaces host_;
  std::unique_ptr<Cell> cell_;
  ino_t cell_pid_namespace_ = 0;
  fs::path scratch_;     ///< the programs' folder, shown in the cell
  fs::path root_point_;  ///< the cell's root mount point
};

// ps shows the cell's init by name, "labgrade-cell-init", not as the /proc/self/fd/N it was
// exec'd through. (Its comm becomes "labgrade-cell" once it runs: the hostile submissions'
// test looks for that.)
TEST_F(CellTest, InitIsNamedInPs) {
  std::ifstream cmdline("/proc/" + std::to_string(cell_->init_pid()) + "/cmdline");
  std::string argv0;
  std::getline(cmdline, argv0, '\0');
  EXPECT_EQ(argv0, "labgrade-cell-init");
}

// A System V object created inside a cell is not visible on the host.
TEST_F(CellTest, IpcObjectCreatedInsideIsInvisibleOnTheHost) {
  const key_t key = OurKey(1);
  int inside = ::semget(key, 1, IPC_CREAT | IPC_EXCL | 0600);
  ASSERT_GE(inside, 0) << "semget: " << std::strerror(errno);
  EXPECT_EQ(::semget(key, 0, 0), inside);  // found again by its key, in the cell
  int on_host = 0;
  int host_errno = 0;
  OnHostIpcThread([&] {
    on_host = ::semget(key, 0, 0);
    host_errno = errno;
  });
  EXPECT_EQ(on_host, -1);
  EXPECT_EQ(host_errno, ENOENT);
  // Not removed: leaving the cell frees what is left in its IPC namespace.
}

// A System V object of the host is not visible inside a cell.
TEST_F(CellTest, IpcObjectOfTheHostIsInvisibleInside) {
  const key_t key = OurKey(2);
  int on_host = -1;
  OnHostIpcThread([&] { on_host = ::semget(key, 1, IPC_CREAT | IPC_EXCL | 0600); });
  ASSERT_GE(on_host, 0) << "semget on the host failed";
  errno = 0;
  int inside = ::semget(key, 0, 0);
  int inside_errno = errno;
  OnHostIpcThread([&] { ::semctl(on_host, 0, IPC_RMID); });
  EXPECT_EQ(inside, -1);
  EXPECT_EQ(inside_errno, ENOENT);
}

// Loopback is up inside a cell: a program can listen and connect on 127.0.0.1.
TEST_F(CellTest, LoopbackIsUp) {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(listener.valid()) << std::strerror(errno);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
      << std::strerror(errno);
  ASSERT_EQ(::listen(listener.get(), 1), 0) << std::strerror(errno);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
  UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(client.valid()) << std::strerror(errno);
  EXPECT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
      << std::strerror(errno);
}

// /tmp and /dev/shm in a cell start empty, whatever the host has in its own.
TEST_F(CellTest, TmpAndDevShmStartEmpty) {
  const std::string name = "labgrade-cell-test-host-" + std::to_string(::getpid());
  std::ofstream(fs::path("/tmp") / name) << "host\n";
  std::ofstream(fs::path("/dev/shm") / name) << "host\n";
  ASSERT_TRUE(fs::exists(fs::path("/tmp") / name));
  ProgramEnd end = RunInCell("/usr/bin/find", {"/tmp", "/dev/shm", "-mindepth", "1"});
  std::error_code ignored;
  fs::remove(fs::path("/tmp") / name, ignored);
  fs::remove(fs::path("/dev/shm") / name, ignored);
  EXPECT_TRUE(end.exited) << end.err.bytes;
  EXPECT_EQ(end.exit_code, 0) << end.err.bytes;
  EXPECT_EQ(end.out.bytes, "");
}

// A file a program writes to /tmp in a cell is seen by the cell's next program, not by the host.
TEST_F(CellTest, FilesInTmpStayInsideTheCell) {
  const std::string path = "/tmp/labgrade-cell-test-note-" + std::to_string(::getpid());
  ProgramEnd writer = RunInCell("/bin/sh", {"-c", "echo from-the-cell > " + path});
  EXPECT_EQ(writer.exit_code, 0) << writer.err.bytes;
  EXPECT_FALSE(fs::exists(path));
  ProgramEnd reader = RunInCell("/bin/cat", {path});
  EXPECT_EQ(reader.exit_code, 0) << reader.err.bytes;
  EXPECT_EQ(reader.out.bytes, "from-the-cell\n");
}

// A setsid double-fork daemon escapes its program's process group, but not the cell: after
// KillAll() it is gone.
TEST_F(CellTest, DaemonDiesWithTheCell) {
  auto run = StartInCell(kPrograms / "double-fork-daemon");
  ASSERT_NE(run, nullptr);
  ASSERT_TRUE(run->WaitUntilExited(Clock::now() + kPatience));
  ASSERT_TRUE(run->end().exited);
  ASSERT_EQ(run->end().exit_code, 0);

  // Finding the daemon as the host sees it. The pid in its file is its pid inside the cell, which
  // means nothing to kill() out here. But the program exited only after reaping the middle
  // process, so the daemon is an orphan, and orphans in a PID namespace go to its PID 1: the
  // cell's init. The init reaps every other orphan at once, and the programs the harness starts
  // are the harness's children, not the init's: so the init's only child is the daemon, which
  // its NSpid (host pid ... pid in the cell) confirms against the pid file.
  std::string pid_in_file;
  std::ifstream(scratch_ / "daemon.pid") >> pid_in_file;
  ASSERT_FALSE(pid_in_file.empty()) << "the daemon wrote no pid file";
  const std::vector<int> init_children = ChildrenOf(ProcReader(), cell_->init_pid());
  ASSERT_EQ(init_children.size(), 1u);
  const pid_t daemon = init_children[0];
  ASSERT_EQ(InnermostPid(daemon), pid_in_file);
  // A pidfd names this very process from now on, even should its pid be reused later.
  UniqueFd daemon_fd(static_cast<int>(::syscall(SYS_pidfd_open, daemon, 0)));
  ASSERT_TRUE(daemon_fd.valid()) << "pidfd_open: " << std::strerror(errno);

  // The group kill misses it (its own session), and it still holds the run's output open.
  run->SignalGroup(SIGKILL);
  EXPECT_EQ(::syscall(SYS_pidfd_send_signal, daemon_fd.get(), 0, nullptr, 0), 0)
      << "the daemon is not alive before KillAll: " << std::strerror(errno);
  EXPECT_FALSE(run->Finished());

  cell_->KillAll();
  errno = 0;
  EXPECT_EQ(::syscall(SYS_pidfd_send_signal, daemon_fd.get(), 0, nullptr, 0), -1);
  EXPECT_EQ(errno, ESRCH) << "the daemon outlived its cell";
  ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + kPatience));
  EXPECT_FALSE(run->end().output_held_open);
  EXPECT_EQ(run->end().out.bytes, "daemon\n");
}

// A fork bomb inside a cell is held at its process limit, the harness survives, and the cell's
// teardown leaves no copy behind.
TEST_F(CellTest, ForkBombIsContainedAndCleanedUp) {
  if (::geteuid() != 0) GTEST_SKIP() << "RLIMIT_NPROC binds only a sandbox user, which needs root";
  constexpr int kProcessLimit = 32;
  ProgramLimits limits;
  limits.processes = kProcessLimit;
  auto run = StartInCell(kPrograms / "fork-bomb", {}, /*as_sandbox_user=*/true, limits,
                         /*wall_ms=*/1'000);
  ASSERT_NE(run, nullptr);
  // Counted between waits for the end, not after a fixed sleep; a count can only fall short.
  std::size_t most_seen = 0;
  const Clock::time_point give_up = Clock::now() + kPatience;
  while (!run->WaitUntilExited(std::min(give_up, Clock::now() + milliseconds(20)))) {
    most_seen = std::max(most_seen, ProcessesIn(cell_pid_namespace_, kSandboxUid).size());
    ASSERT_LT(Clock::now(), give_up) << "the fork bomb outlived its wall limit";
  }
  EXPECT_TRUE(run->end().hit_wall_limit);
  EXPECT_LE(most_seen, static_cast<std::size_t>(kProcessLimit));
  EXPECT_GT(most_seen, 1u) << "the fork bomb never forked";
  cell_->KillAll();
  ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + kPatience));
  // The bomb itself says that fork() hit the limit.
  EXPECT_NE(run->end().out.bytes.find("fork failed: Resource temporarily unavailable\n"),
            std::string::npos)
      << "stdout: " << run->end().out.bytes << "\nstderr: " << run->end().err.bytes;
  EXPECT_EQ(ProcessesIn(cell_pid_namespace_), std::vector<pid_t>{});

  // The grader can still start programs.
  cell_->Leave();
  LaunchSpec spec;
  spec.executable = kPrograms / "exit-with";
  spec.args = {"0"};
  spec.working_dir = "/";
  auto after = ProgramRun::Start(spec, nullptr, RunLimits{});
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(after))
      << std::get<LaunchError>(after).message;
  auto& true_run = std::get<std::unique_ptr<ProgramRun>>(after);
  ASSERT_TRUE(true_run->WaitUntilFinished(Clock::now() + kPatience));
  EXPECT_EQ(true_run->end().exit_code, 0);
}

// kill(-1, SIGKILL) as root inside a cell kills the cell's other programs, but neither its
// init, nor a program on the host, nor the grader.
TEST_F(CellTest, KillEveryoneStaysInsideTheCell) {
  // On the host (no namespace descriptors): root's kill(-1) out here would reach it.
  LaunchSpec bystander_spec;
  bystander_spec.executable = kPrograms / "sleep-forever";
  bystander_spec.working_dir = "/";
  auto started = ProgramRun::Start(bystander_spec, nullptr, RunLimits{60'000, 1 << 20, 5'000});
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(started));
  auto& bystander = std::get<std::unique_ptr<ProgramRun>>(started);
  auto victim = StartInCell(kPrograms / "sleep-forever");
  ASSERT_NE(victim, nullptr);

  ProgramEnd attacker = RunInCell(kPrograms / "kill-everyone", {}, /*as_sandbox_user=*/false);
  // 0: both kill() calls returned; its own kill(-1) does not include itself.
  EXPECT_TRUE(attacker.exited) << attacker.err.bytes;
  EXPECT_EQ(attacker.exit_code, 0) << attacker.err.bytes;

  // It did reach inside the cell...
  ASSERT_TRUE(victim->WaitUntilFinished(Clock::now() + kPatience));
  EXPECT_EQ(victim->end().term_signal, SIGKILL);
  EXPECT_FALSE(victim->end().killed_by_harness);
  // ...but not the cell's init (kill(pid, 0) would succeed on a zombie: ask waitid instead)...
  siginfo_t init_state{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(cell_->init_pid()), &init_state,
                     WEXITED | WNOHANG | WNOWAIT),
            0)
      << std::strerror(errno);
  EXPECT_EQ(init_state.si_pid, 0) << "the cell's init has ended";
  // ...nor the program on the host, which is still running until the harness ends it.
  EXPECT_FALSE(bystander->Exited());
  bystander->Terminate();
  EXPECT_TRUE(bystander->end().killed_by_harness);
  EXPECT_EQ(bystander->end().term_signal, SIGTERM);
}

// Leaving a cell brings the thread back to the host's namespaces, its children's PID namespace
// included.
TEST_F(CellTest, LeaveReturnsToTheHostNamespaces) {
  const ino_t cell_ipc = NamespaceInode("/proc/thread-self/ns/ipc");
  const ino_t cell_net = NamespaceInode("/proc/thread-self/ns/net");
  ASSERT_NE(cell_ipc, InodeOf(host_.ipc.get()));
  ASSERT_NE(cell_net, InodeOf(host_.net.get()));
  cell_->KillAll();
  cell_->Leave();
  EXPECT_EQ(NamespaceInode("/proc/thread-self/ns/ipc"), InodeOf(host_.ipc.get()));
  EXPECT_EQ(NamespaceInode("/proc/thread-self/ns/net"), InodeOf(host_.net.get()));
  EXPECT_EQ(NamespaceInode("/proc/thread-self/ns/uts"), InodeOf(host_.uts.get()));
  EXPECT_EQ(NamespaceInode("/proc/thread-self/ns/pid_for_children"), InodeOf(host_.pid.get()));
}

}  // namespace
}  // namespace labgrade
