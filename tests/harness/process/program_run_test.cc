// ProgramRun on the host: how programs end, the wall-clock limit and its SIGKILL fallback, the
// output cap, stdin feeding, output after the main process exits, descriptor hygiene, launch
// failures and group signals. No cell here, so no hostile program that could reach beyond its
// own process group runs here (see cell_test.cc for those).
#include "harness/process/program_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <gtest/gtest.h>

#include "harness/probes/proc_stat.h"
#include "harness/process/random_bytes.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

const fs::path kPrograms = LABGRADE_TEST_PROGRAMS_DIR;

/// Long enough for anything these tests do on a loaded machine; reaching it is a failure.
constexpr seconds kPatience{30};

LaunchSpec Spec(const fs::path& executable, std::vector<std::string> args = {}) {
  LaunchSpec spec;
  spec.executable = executable;
  spec.args = std::move(args);
  spec.working_dir = "/";
  spec.environment = {"PATH=/usr/bin:/bin"};
  return spec;
}

std::unique_ptr<ProgramRun> StartOrFail(LaunchSpec spec,
                                        std::shared_ptr<const std::string> input = nullptr,
                                        RunLimits limits = RunLimits{}) {
  auto started = ProgramRun::Start(std::move(spec), input ? TextInput(*input) : nullptr, limits);
  if (auto* error = std::get_if<LaunchError>(&started)) {
    ADD_FAILURE() << "launch failed: " << error->message;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<ProgramRun>>(started));
}

/// Runs to completion and returns how it ended; a run still going after kPatience fails.
ProgramEnd RunToEnd(LaunchSpec spec, std::shared_ptr<const std::string> input = nullptr,
                    RunLimits limits = RunLimits{}) {
  auto run = StartOrFail(std::move(spec), std::move(input), limits);
  if (run == nullptr) return {};
  if (!run->WaitUntilFinished(Clock::now() + kPatience)) {
    ADD_FAILURE() << "still running after " << kPatience.count() << " s";
    return {};
  }
  return run->end();
}

/// The descriptors this process has open, ascending.
std::vector<int> OpenDescriptors() {
  std::vector<int> fds;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd"))
    fds.push_back(std::atoi(entry.path().filename().c_str()));
  std::sort(fds.begin(), fds.end());
  return fds;
}

/// A private folder under /var/tmp, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = "/var/tmp/labgrade-program-run-test-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A program's exit status is reported as such, and not as the harness's doing.
TEST(ProgramRun, ReportsTheExitStatus) {
  ProgramEnd end = RunToEnd(Spec(kPrograms / "exit-with", {"3"}));
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(end.exit_code, 3);
  EXPECT_EQ(end.term_signal, 0);
  EXPECT_FALSE(end.hit_wall_limit);
  EXPECT_FALSE(end.killed_by_harness);
}

// A program that crashes is reported with the signal that killed it, not an exit status.
TEST(ProgramRun, ReportsTheSignalThatKilledIt) {
  ProgramEnd end = RunToEnd(Spec(kPrograms / "crash-segv"));
  EXPECT_FALSE(end.exited);
  EXPECT_EQ(end.term_signal, SIGSEGV);
  EXPECT_FALSE(end.killed_by_harness);
}

// A program that outlives its wall-clock limit is ended with SIGTERM and marked as such.
TEST(ProgramRun, WallLimitEndsAProgramWithSigterm) {
  ProgramEnd end =
      RunToEnd(Spec(kPrograms / "sleep-forever"), nullptr, RunLimits{300, 1 << 20, 5'000});
  EXPECT_TRUE(end.hit_wall_limit);
  EXPECT_TRUE(end.killed_by_harness);
  EXPECT_FALSE(end.exited);
  EXPECT_EQ(end.term_signal, SIGTERM);
  EXPECT_GE(end.wall_ms, 300);
}

// A program that ignores SIGTERM is killed with SIGKILL once the grace time is over.
TEST(ProgramRun, WallLimitKillsAProgramThatIgnoresSigterm) {
  // The wall limit leaves the program ample time to ignore SIGTERM before it comes.
  ProgramEnd end =
      RunToEnd(Spec(kPrograms / "ignores-sigterm"), nullptr, RunLimits{600, 1 << 20, 200});
  EXPECT_TRUE(end.hit_wall_limit);
  EXPECT_TRUE(end.killed_by_harness);
  EXPECT_FALSE(end.exited);
  EXPECT_EQ(end.term_signal, SIGKILL);
  EXPECT_GE(end.wall_ms, 600 + 200);
}

// Terminate() ends a running program early: the harness's doing, but not the wall limit.
TEST(ProgramRun, TerminateEndsARunningProgram) {
  auto run =
      StartOrFail(Spec(kPrograms / "sleep-forever"), nullptr, RunLimits{60'000, 1 << 20, 5'000});
  ASSERT_NE(run, nullptr);
  EXPECT_FALSE(run->Exited());
  run->Terminate();
  ASSERT_TRUE(run->Finished());
  EXPECT_TRUE(run->end().killed_by_harness);
  EXPECT_FALSE(run->end().hit_wall_limit);
  EXPECT_EQ(run->end().term_signal, SIGTERM);
}

// A 1 GiB flood is cut at the cap, the rest is drained and counted, and the program finishes.
TEST(ProgramRun, OutputCapKeepsTheFirstBytesAndCountsTheRest) {
  constexpr std::int64_t kCap = 1 << 20;
  ProgramEnd end =
      RunToEnd(Spec(kPrograms / "stdout-flood"), nullptr, RunLimits{120'000, kCap, 1'000});
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(end.exit_code, 0);
  EXPECT_FALSE(end.hit_wall_limit);
  // What the grader holds stays at the cap, however much the program wrote.
  ASSERT_EQ(static_cast<std::int64_t>(end.out.bytes.size()), kCap);
  EXPECT_EQ(end.out.bytes.find_first_not_of('x'), std::string::npos);
  EXPECT_EQ(end.out.total_bytes, std::int64_t{1} << 30);
  EXPECT_TRUE(end.out.truncated);
  EXPECT_EQ(end.err.total_bytes, 0);
  EXPECT_FALSE(end.err.truncated);
}

// A stream no check reads keeps only its head, enough for the report's excerpt, and is still
// counted in full: the grader's memory does not grow with output that nothing compares.
TEST(ProgramRun, UnreadStreamKeepsOnlyItsHead) {
  RunLimits limits{120'000, 16 << 20, 1'000};
  limits.keep_stdout = false;
  ProgramEnd end = RunToEnd(Spec(kPrograms / "stdout-flood"), nullptr, limits);
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(static_cast<std::int64_t>(end.out.bytes.size()), kUnreadStreamBytes);
  EXPECT_EQ(end.out.total_bytes, std::int64_t{1} << 30);
  EXPECT_FALSE(end.out.kept);
  EXPECT_TRUE(end.err.kept);
}

// Standard input is fed completely, and the output comes back byte for byte.
TEST(ProgramRun, FeedsAllOfStdin) {
  auto input = std::make_shared<const std::string>(RandomBytes(8 << 20, 42));
  ProgramEnd end =
      RunToEnd(Spec(kPrograms / "echo-stdin"), input, RunLimits{60'000, 16 << 20, 1'000});
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(end.exit_code, 0);
  EXPECT_EQ(end.out.total_bytes, static_cast<std::int64_t>(input->size()));
  EXPECT_TRUE(end.out.bytes == *input) << "the echoed bytes differ from the input";
}

// A program that reads and writes 1000 bytes at a time, the way a block relay does: the pump
// feeds and drains it in batches (kStreamRest), and not a byte is lost or reordered.
TEST(ProgramRun, RelaysAProgramWorkingInSmallPiecesWhole) {
  auto input = std::make_shared<const std::string>(RandomBytes(4 << 20, 11));
  ProgramEnd end =
      RunToEnd(Spec(kPrograms / "echo-stdin", {"1000"}), input, RunLimits{60'000, 16 << 20, 1'000});
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(end.exit_code, 0);
  EXPECT_EQ(end.out.total_bytes, static_cast<std::int64_t>(input->size()));
  EXPECT_TRUE(end.out.bytes == *input) << "the echoed bytes differ from the input";
}

// Run by root, the program's stdin, stdout and stderr are pipes of kBatchedPipeBytes, so that a
// program can go on writing while its stream rests.
TEST(ProgramRun, StdioPipesHoldAMebibyteForRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "only root's pipes are enlarged";
  auto run = StartOrFail(Spec(kPrograms / "sleep-forever"), std::make_shared<std::string>("x"));
  ASSERT_NE(run, nullptr);
  for (const int fd : {0, 1, 2}) {
    const std::string path = "/proc/" + std::to_string(run->pid()) + "/fd/" + std::to_string(fd);
    const int pipe = ::open(path.c_str(), (fd == 0 ? O_RDONLY : O_WRONLY) | O_NONBLOCK);
    ASSERT_GE(pipe, 0) << path << ": " << std::strerror(errno);
    EXPECT_EQ(::fcntl(pipe, F_GETPIPE_SZ), kBatchedPipeBytes) << path;
    ::close(pipe);
  }
  run->Terminate();
}

/// Waits until `run`'s input is all written and its stdin pipe held open, or kPatience passes.
bool WaitUntilStdinHeldOpen(ProgramRun& run) {
  const Clock::time_point deadline = Clock::now() + kPatience;
  auto pause = std::chrono::milliseconds(1);
  while (!run.StdinHeldOpen() && !run.Exited() && Clock::now() < deadline) {
    run.WaitUntilExited(std::min(deadline, Clock::now() + pause));
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
  return run.StdinHeldOpen();
}

// With StdinEnd::kWhenClosed the input is written and the pipe held open: cat goes on waiting
// for more, and ends, having copied the input, only once CloseStdin() is called.
TEST(ProgramRun, KeptOpenStdinEndsOnlyWhenClosed) {
  auto started = ProgramRun::Start(Spec("/bin/cat"), TextInput("first\n"),
                                   RunLimits{60'000, 1 << 20, 1'000}, StdinEnd::kWhenClosed);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(started));
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  ASSERT_TRUE(WaitUntilStdinHeldOpen(*run));
  EXPECT_FALSE(run->Exited());
  run->CloseStdin();
  ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + kPatience));
  EXPECT_FALSE(run->StdinHeldOpen());
  EXPECT_TRUE(run->end().exited);
  EXPECT_EQ(run->end().exit_code, 0);
  EXPECT_FALSE(run->end().killed_by_harness);
  EXPECT_EQ(run->end().out.bytes, "first\n");
}

// Kept open with no input at all, the program is given an empty pipe, not /dev/null: it reads
// nothing until the pipe is closed.
TEST(ProgramRun, KeptOpenStdinWithoutInputIsAnEmptyPipe) {
  auto started = ProgramRun::Start(Spec("/bin/cat"), nullptr, RunLimits{60'000, 1 << 20, 1'000},
                                   StdinEnd::kWhenClosed);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(started));
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  ASSERT_NE(run->input(), nullptr);
  EXPECT_EQ(run->input()->size(), 0);
  ASSERT_TRUE(WaitUntilStdinHeldOpen(*run));
  run->CloseStdin();
  ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + kPatience));
  EXPECT_TRUE(run->end().exited);
  EXPECT_EQ(run->end().exit_code, 0);
  EXPECT_EQ(run->end().out.bytes, "");
}

// A program that exits without reading its input ends normally, and the grader is not killed
// by SIGPIPE for writing into a pipe nobody reads.
TEST(ProgramRun, ProgramThatIgnoresItsInputStillEnds) {
  auto input = std::make_shared<const std::string>(4 << 20, 'i');
  ProgramEnd end = RunToEnd(Spec(kPrograms / "exit-with", {"0"}), input);
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(end.exit_code, 0);
  EXPECT_FALSE(end.killed_by_harness);
}

// Standard output and standard error are captured apart.
TEST(ProgramRun, CapturesStdoutAndStderrApart) {
  ProgramEnd end = RunToEnd(Spec("/bin/sh", {"-c", "echo to-stdout; echo to-stderr >&2"}));
  EXPECT_EQ(end.out.bytes, "to-stdout\n");
  EXPECT_EQ(end.err.bytes, "to-stderr\n");
}

// Output written by a child after the main process exited is still captured.
TEST(ProgramRun, ReadsUntilThePipeClosesNotUntilTheProgramExits) {
  ProgramEnd end = RunToEnd(Spec(kPrograms / "child-keeps-writing"));
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(end.exit_code, 0);
  EXPECT_EQ(end.out.bytes, "written after the parent exited\n");
  EXPECT_FALSE(end.output_held_open);
}

// A program starts with descriptors 0, 1 and 2 only, even when the grader has others open
// without close-on-exec: one below the launcher's own descriptors and one far above them.
TEST(ProgramRun, ProgramsStartWithOnlyTheirStandardDescriptors) {
  int low = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(low, 0) << std::strerror(errno);
  int high = ::fcntl(low, F_DUPFD, 500);  // F_DUPFD, not F_DUPFD_CLOEXEC: inheritable
  ASSERT_GE(high, 500) << std::strerror(errno);
  ProgramEnd end = RunToEnd(Spec(kPrograms / "list-fds"));
  ::close(high);
  ::close(low);
  EXPECT_EQ(end.out.bytes, "0\n1\n2\n");
}

// A program that cannot be started is a launch error naming execve and the path, and leaves
// neither a zombie nor a descriptor behind.
TEST(ProgramRun, LaunchFailureNamesTheCallAndLeavesNothingBehind) {
  const std::vector<int> children_before = ChildrenOf(ProcReader(), ::getpid());
  const std::vector<int> fds_before = OpenDescriptors();
  auto started = ProgramRun::Start(Spec("/nonexistent/program"), nullptr, RunLimits{});
  ASSERT_TRUE(std::holds_alternative<LaunchError>(started));
  const LaunchError& error = std::get<LaunchError>(started);
  EXPECT_EQ(error.message, "execve(/nonexistent/program): No such file or directory");
  EXPECT_EQ(error.error_number, ENOENT);
  EXPECT_EQ(ChildrenOf(ProcReader(), ::getpid()), children_before);
  EXPECT_EQ(OpenDescriptors(), fds_before);
}

// A signal to the program's group reaches the children it started too.
TEST(ProgramRun, SignalGroupReachesTheProgramsChildren) {
  ScratchDir scratch;
  ASSERT_FALSE(scratch.path().empty()) << "mkdtemp: " << std::strerror(errno);
  const fs::path fifo_path = scratch.path() / "ready";
  ASSERT_EQ(::mkfifo(fifo_path.c_str(), 0600), 0) << std::strerror(errno);
  // Opened before the program starts, without blocking: poll() reports nothing until a writer
  // has come, so the child's "ready" is waited for, not guessed.
  UniqueFd fifo(::open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  ASSERT_TRUE(fifo.valid()) << std::strerror(errno);
  // The child holds the run's stdout: were it not killed, the run would go on until its
  // wall limit (60 s), well after the wait below gives up.
  auto run = StartOrFail(Spec(kPrograms / "pauses-with-child", {fifo_path.string()}), nullptr,
                         RunLimits{60'000, 1 << 20, 1'000});
  ASSERT_NE(run, nullptr);
  pollfd ready{fifo.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&ready, 1, static_cast<int>(kPatience.count() * 1000)), 1)
      << "the child never said it was ready";
  char said[16] = {};
  ASSERT_EQ(::read(fifo.get(), said, sizeof said), 6);
  ASSERT_STREQ(said, "ready\n");

  run->SignalGroup(SIGKILL);
  ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + kPatience));
  EXPECT_EQ(run->end().term_signal, SIGKILL);
  EXPECT_FALSE(run->end().hit_wall_limit);
  EXPECT_FALSE(run->end().killed_by_harness);
  EXPECT_FALSE(run->end().output_held_open);
}

// The CPU time a program used is reported.
TEST(ProgramRun, ReportsCpuTime) {
  // busy-loop spins until clock() says it has used 300 ms of CPU time.
  ProgramEnd end = RunToEnd(Spec(kPrograms / "busy-loop"));
  EXPECT_TRUE(end.exited);
  EXPECT_GT(end.cpu_ms, 0);
  EXPECT_GE(end.cpu_ms, 250);
}

}  // namespace
}  // namespace labgrade
