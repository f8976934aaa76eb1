// Cells: a test's private namespaces. Hostile programs run here and only here: as root outside
// a PID namespace, kill(-1) would kill every process on the machine.
#include "harness/cell.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include <gtest/gtest.h>

#include "harness/program_run.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

const fs::path kPrograms = LABGRADE_TEST_PROGRAMS_DIR;
const fs::path kCellInit = fs::path(LABGRADE_BINARY_DIR) / "labgrade-cell-init";

class CellTest : public testing::Test {
 protected:
  void SetUp() override {
    auto host = HostNamespaces::Open();
    ASSERT_TRUE(std::holds_alternative<HostNamespaces>(host)) << std::get<std::string>(host);
    host_ = std::move(std::get<HostNamespaces>(host));
    auto entered = Cell::Enter(host_, kCellInit);
    if (auto* error = std::get_if<std::string>(&entered))
      GTEST_SKIP() << "no cell on this machine: " << *error;
    cell_ = std::move(std::get<std::unique_ptr<Cell>>(entered));
    // A cell mounts a fresh /tmp: programs run there must live elsewhere.
    scratch_ = fs::path("/var/tmp") / ("labgrade-cell-test-" + std::to_string(::getpid()));
    fs::create_directories(scratch_);
    fs::permissions(scratch_, fs::perms::all);
  }

  void TearDown() override {
    cell_.reset();
    if (!scratch_.empty()) fs::remove_all(scratch_);
  }

  /// Starts a test program inside the cell, as an unprivileged user when the test is root.
  std::unique_ptr<ProgramRun> StartInCell(const std::string& program, ProgramLimits limits = {},
                                          bool unprivileged = true, int wall_ms = 60'000) {
    fs::copy_file(kPrograms / program, scratch_ / program, fs::copy_options::overwrite_existing);
    LaunchSpec spec;
    spec.executable = scratch_ / program;
    spec.working_dir = scratch_;
    spec.environment = {"PATH=/usr/bin:/bin"};
    spec.sandbox.pid_namespace_fd = cell_->pid_namespace_fd();
    spec.sandbox.join_mount_namespace_fd = cell_->mount_namespace_fd();
    spec.sandbox.limits = limits;
    if (unprivileged && ::geteuid() == 0) {
      spec.sandbox.uid = 62999;
      spec.sandbox.gid = 62999;
    }
    auto started = ProgramRun::Start(spec, nullptr, RunLimits{wall_ms, 1 << 20, 500});
    if (auto* error = std::get_if<LaunchError>(&started)) {
      ADD_FAILURE() << error->message;
      return nullptr;
    }
    return std::move(std::get<std::unique_ptr<ProgramRun>>(started));
  }

  HostNamespaces host_;
  std::unique_ptr<Cell> cell_;
  fs::path scratch_;
};

ino_t NamespaceInode(const char* name) {
  struct stat status {};
  ::stat((std::string("/proc/thread-self/ns/") + name).c_str(), &status);
  return status.st_ino;
}

// A System V object created in a cell is not visible on the host, and goes with the cell.
TEST_F(CellTest, IpcObjectsStayInsideTheCell) {
  constexpr key_t kKey = 0x4c470001;
  int inside = ::semget(kKey, 1, IPC_CREAT | IPC_EXCL | 0600);
  ASSERT_GE(inside, 0) << std::strerror(errno);
  cell_->KillAll();
  cell_->Leave();
  EXPECT_EQ(::semget(kKey, 0, 0), -1);
  EXPECT_EQ(errno, ENOENT);
}

// Loopback is up inside a cell: a program can listen and connect on 127.0.0.1.
TEST_F(CellTest, LoopbackIsUp) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
      << std::strerror(errno);
  ASSERT_EQ(::listen(listener, 1), 0);
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
      << std::strerror(errno);
  ::close(client);
  ::close(listener);
}

// A setsid double-fork daemon survives its parent but not the cell: killing the cell's init
// kills it, which the closing of the output pipe it held proves.
TEST_F(CellTest, DaemonDiesWithTheCell) {
  auto run = StartInCell("double-fork-daemon");
  ASSERT_NE(run, nullptr);
  ASSERT_TRUE(run->WaitUntilExited(Clock::now() + std::chrono::seconds(30)));
  EXPECT_TRUE(run->end().exited);
  // The daemon holds the pipe: the run cannot finish while it lives (wall limit 60 s).
  EXPECT_FALSE(run->Finished());
  cell_->KillAll();
  ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + std::chrono::seconds(30)));
  EXPECT_FALSE(run->end().output_held_open);
  EXPECT_EQ(run->end().out.bytes, "daemon\n");
}

// A fork bomb inside a cell is contained by the process limit, and the cell's teardown ends
// every copy.
TEST_F(CellTest, ForkBombIsContainedAndCleanedUp) {
  if (::geteuid() != 0) GTEST_SKIP() << "RLIMIT_NPROC per test needs a sandbox uid (root)";
  ProgramLimits limits;
  limits.processes = 32;
  auto run = StartInCell("fork-bomb", limits, /*unprivileged=*/true, /*wall_ms=*/1'000);
  ASSERT_NE(run, nullptr);
  ASSERT_TRUE(run->WaitUntilExited(Clock::now() + std::chrono::seconds(60)));
  EXPECT_TRUE(run->end().hit_wall_limit);
  cell_->KillAll();
  EXPECT_TRUE(run->WaitUntilFinished(Clock::now() + std::chrono::seconds(30)));
  // No process of the fork bomb's user is left anywhere.
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    struct stat status {};
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (::stat(entry.path().c_str(), &status) == 0) {
      EXPECT_NE(status.st_uid, 62999u) << entry.path();
    }
  }
}

// A program that signals its parent and then kill(-1) as root inside the cell reaches neither
// the grader nor the cell's init.
TEST_F(CellTest, KillEveryoneStaysInsideTheCell) {
  auto run = StartInCell("kill-everyone", {}, /*unprivileged=*/false);
  ASSERT_NE(run, nullptr);
  ASSERT_TRUE(run->WaitUntilExited(Clock::now() + std::chrono::seconds(30)));
  EXPECT_EQ(::kill(cell_->init_pid(), 0), 0) << "the cell's init was killed";
  // This test process, and so the grader, is still here to check.
  EXPECT_EQ(::kill(::getpid(), 0), 0);
}

// Leaving a cell brings the thread back to the host's IPC and network namespaces.
TEST_F(CellTest, LeaveReturnsToTheHostNamespaces) {
  ino_t cell_ipc = NamespaceInode("ipc");
  cell_->KillAll();
  cell_->Leave();
  struct stat host_ipc {};
  ::fstat(host_.ipc.get(), &host_ipc);
  EXPECT_NE(cell_ipc, host_ipc.st_ino);
  EXPECT_EQ(NamespaceInode("ipc"), host_ipc.st_ino);
  struct stat host_net {};
  ::fstat(host_.net.get(), &host_net);
  EXPECT_EQ(NamespaceInode("net"), host_net.st_ino);
}

}  // namespace
}  // namespace labgrade
