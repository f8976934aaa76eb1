// ProgramRun on the host: how programs end, time limits, the output cap, stdin feeding, output
// after the main process exits, descriptor hygiene, launch failures and group signals.
// (Hostile programs that must be contained run only inside cells: see cell_test.cc.)
#include "harness/program_run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/random_bytes.h"

namespace labgrade {
namespace {

const std::filesystem::path kPrograms = LABGRADE_TEST_PROGRAMS_DIR;

LaunchSpec Spec(const std::filesystem::path& executable, std::vector<std::string> args = {}) {
  LaunchSpec spec;
  spec.executable = executable;
  spec.args = std::move(args);
  spec.working_dir = "/";
  spec.environment = {"PATH=/usr/bin:/bin"};
  return spec;
}

/// Runs to completion (the wall limit bounds it) and returns how it ended.
ProgramEnd RunToEnd(LaunchSpec spec, std::shared_ptr<const std::string> input = nullptr,
                    RunLimits limits = RunLimits{}) {
  auto started = ProgramRun::Start(std::move(spec), std::move(input), limits);
  if (auto* error = std::get_if<LaunchError>(&started)) {
    ADD_FAILURE() << error->message;
    return {};
  }
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  EXPECT_TRUE(run->WaitUntilFinished(Clock::now() + std::chrono::seconds(120)));
  return run->end();
}

// A program's exit status is reported as such.
TEST(ProgramRun, ReportsTheExitStatus) {
  ProgramEnd end = RunToEnd(Spec("/bin/sh", {"-c", "exit 3"}));
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(end.exit_code, 3);
  EXPECT_FALSE(end.killed_by_harness);
}

// A program killed by a signal is reported with that signal, not as an exit status.
TEST(ProgramRun, ReportsTheTerminatingSignal) {
  ProgramEnd end = RunToEnd(Spec("/bin/sh", {"-c", "kill -SEGV $$"}));
  EXPECT_FALSE(end.exited);
  EXPECT_EQ(end.term_signal, SIGSEGV);
}

// A program that outlives its wall-clock limit and ignores SIGTERM is killed with SIGKILL.
TEST(ProgramRun, WallLimitKillsAProgramThatIgnoresSigterm) {
  ProgramEnd end =
      RunToEnd(Spec(kPrograms / "ignores-sigterm"), nullptr, RunLimits{300, 1 << 20, 200});
  EXPECT_TRUE(end.hit_wall_limit);
  EXPECT_TRUE(end.killed_by_harness);
  EXPECT_FALSE(end.exited);
  EXPECT_EQ(end.term_signal, SIGKILL);
}

// A 1 GiB flood is cut at the cap, the rest is drained and counted, and the program finishes.
TEST(ProgramRun, OutputCapKeepsTheFirstBytesAndCountsTheRest) {
  constexpr std::int64_t kCap = 1 << 20;
  ProgramEnd end =
      RunToEnd(Spec(kPrograms / "stdout-flood"), nullptr, RunLimits{120'000, kCap, 1'000});
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(end.exit_code, 0);
  EXPECT_EQ(static_cast<std::int64_t>(end.out.bytes.size()), kCap);
  EXPECT_EQ(end.out.total_bytes, std::int64_t{1} << 30);
  EXPECT_TRUE(end.out.truncated);
}

// Standard input is fed completely, and the output comes back byte for byte.
TEST(ProgramRun, FeedsAllOfStdin) {
  auto input = std::make_shared<const std::string>(RandomBytes(8 << 20, 42));
  ProgramEnd end =
      RunToEnd(Spec(kPrograms / "echo-stdin"), input, RunLimits{60'000, 16 << 20, 1'000});
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(end.out.bytes.size(), input->size());
  EXPECT_TRUE(end.out.bytes == *input);
}

// Output written by a child after the main process exited is still captured.
TEST(ProgramRun, ReadsUntilThePipeClosesNotUntilTheProgramExits) {
  ProgramEnd end = RunToEnd(Spec(kPrograms / "child-keeps-writing"));
  EXPECT_TRUE(end.exited);
  EXPECT_EQ(end.out.bytes, "written after the parent exited\n");
  EXPECT_FALSE(end.output_held_open);
}

// A program starts with descriptors 0, 1 and 2 only, even when the grader has others open
// without close-on-exec.
TEST(ProgramRun, ProgramsStartWithOnlyTheirStandardDescriptors) {
  int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 0);
  ProgramEnd end = RunToEnd(Spec(kPrograms / "list-fds"));
  ::close(leaky);
  EXPECT_EQ(end.out.bytes, "0\n1\n2\n");
}

// A program that cannot be started is a launch error naming execve and the path, and leaves
// no zombie behind.
TEST(ProgramRun, LaunchFailureNamesTheCallAndLeavesNoZombie) {
  auto started = ProgramRun::Start(Spec("/nonexistent/program"), nullptr, RunLimits{});
  ASSERT_TRUE(std::holds_alternative<LaunchError>(started));
  const LaunchError& error = std::get<LaunchError>(started);
  EXPECT_EQ(error.message, "execve(/nonexistent/program): No such file or directory");
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// A signal to the program's group reaches the children it started too.
TEST(ProgramRun, SignalGroupReachesTheProgramsChildren) {
  // Both cats hold the run's stderr pipe: the run only finishes once they are gone too.
  auto started =
      ProgramRun::Start(Spec("/bin/sh", {"-c", "cat /dev/zero | cat > /dev/null & wait"}), nullptr,
                        RunLimits{60'000, 1 << 20, 1'000});
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(started));
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->SignalGroup(SIGKILL);
  ASSERT_TRUE(run->WaitUntilFinished(Clock::now() + std::chrono::seconds(30)));
  EXPECT_FALSE(run->end().hit_wall_limit);
  EXPECT_FALSE(run->end().output_held_open);
}

// The CPU time a program used is reported.
TEST(ProgramRun, ReportsCpuTime) {
  ProgramEnd end = RunToEnd(Spec(kPrograms / "busy-loop"));
  EXPECT_TRUE(end.exited);
  EXPECT_GE(end.cpu_ms, 250);
}

}  // namespace
}  // namespace labgrade
