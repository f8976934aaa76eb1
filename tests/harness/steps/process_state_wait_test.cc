// WaitForState: a stopped program is seen stopped, an exit ends the wait, a state never reached
// ends at the deadline. WaitUntilBlocked: a program is blocked only when it stays in one call,
// not when it passes through short sleeps as it starts, on a loaded machine too.
#include "harness/steps/process_state_wait.h"

#include <signal.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "harness/probes/proc_maps.h"
#include "tests/harness/cpu_hogs.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

const fs::path kPrograms = LABGRADE_TEST_PROGRAMS_DIR;
constexpr std::chrono::seconds kPatience{30};

std::unique_ptr<ProgramRun> Start(const std::string& program) {
  LaunchSpec spec;
  spec.executable = kPrograms / program;
  spec.working_dir = "/";
  auto started = ProgramRun::Start(std::move(spec), nullptr, RunLimits{});
  if (auto* error = std::get_if<LaunchError>(&started)) {
    ADD_FAILURE() << error->message;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<ProgramRun>>(started));
}

std::unique_ptr<ProgramRun> StartSleeper() { return Start("sleep-forever"); }

TEST(WaitForState, SeesAStoppedProgramStopped) {
  auto run = StartSleeper();
  ASSERT_NE(run, nullptr);
  ASSERT_EQ(::kill(run->pid(), SIGSTOP), 0);
  char state = '?';
  EXPECT_EQ(WaitForState(*run, "Tt", Clock::now() + kPatience, &state), StateWait::kReached);
  EXPECT_EQ(state, 'T');
  run->SignalGroup(SIGKILL);
  run->WaitUntilFinished(Clock::now() + kPatience);
}

TEST(WaitForState, EndsWhenTheProgramExits) {
  auto run = StartSleeper();
  ASSERT_NE(run, nullptr);
  run->SignalGroup(SIGKILL);
  char state = '?';
  EXPECT_EQ(WaitForState(*run, "T", Clock::now() + kPatience, &state), StateWait::kExited);
  run->WaitUntilFinished(Clock::now() + kPatience);
}

TEST(WaitForState, EndsAtTheDeadline) {
  auto run = StartSleeper();
  ASSERT_NE(run, nullptr);
  char state = '?';
  EXPECT_EQ(WaitForState(*run, "T", Clock::now() + std::chrono::milliseconds(50), &state),
            StateWait::kTimedOut);
  run->SignalGroup(SIGKILL);
  run->WaitUntilFinished(Clock::now() + kPatience);
}

ThreadLook AsleepIn(long call, std::uint64_t cpu_ns, std::uint64_t first_arg = 7) {
  ThreadLook look;
  look.state = 'S';
  look.call = SyscallLine{.number = call, .args = {first_arg, 0, 0, 0, 0, 0}};
  look.cpu_ns = cpu_ns;
  return look;
}

// Two looks at one wait: the same call, the same arguments, no CPU in between.
TEST(BlockedThroughout, SameCallWithoutRunningIsBlocked) {
  EXPECT_TRUE(BlockedThroughout(AsleepIn(61, 500), AsleepIn(61, 500)));
}

// It ran in between: two waits, with work between them (the naps of a program starting up).
TEST(BlockedThroughout, CpuUsedBetweenIsNotBlocked) {
  EXPECT_FALSE(BlockedThroughout(AsleepIn(35, 500), AsleepIn(35, 501)));
}

TEST(BlockedThroughout, AnotherCallOrArgumentIsNotBlocked) {
  EXPECT_FALSE(BlockedThroughout(AsleepIn(35, 500), AsleepIn(61, 500)));
  EXPECT_FALSE(BlockedThroughout(AsleepIn(0, 500, 3), AsleepIn(0, 500, 4)));
}

// D (a page read from disk while starting), a page fault (-1), running, or an unreadable call
// line are not a wait of the program's own.
TEST(BlockedThroughout, UninterruptibleOrOutsideACallIsNotBlocked) {
  ThreadLook disk = AsleepIn(0, 500);
  disk.state = 'D';
  EXPECT_FALSE(BlockedThroughout(disk, disk));
  ThreadLook fault = AsleepIn(-1, 500);
  EXPECT_FALSE(BlockedThroughout(fault, fault));
  ThreadLook running = AsleepIn(0, 500);
  running.call = SyscallLine{.running = true};
  EXPECT_FALSE(BlockedThroughout(running, running));
  ThreadLook unreadable = AsleepIn(0, 500);
  unreadable.call.reset();
  EXPECT_FALSE(BlockedThroughout(unreadable, unreadable));
}

// naps-then-waits sleeps 40 times for 1 ms, with work between, before it maps its shared page
// and blocks in waitpid. Beside two CPU hogs, it is taken as blocked only in waitpid: its
// mapping is there. (A wait for state S alone stops it in its first nap.)
TEST(WaitUntilBlocked, WaitsPastShortSleepsForTheWaitThatLasts) {
  testing::CpuHogs hogs;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto run = Start("naps-then-waits");
    ASSERT_NE(run, nullptr);
    char state = '?';
    EXPECT_EQ(WaitUntilBlocked(*run, Clock::now() + kPatience, &state), StateWait::kReached);
    EXPECT_EQ(state, 'S');
    const std::optional<std::string> maps =
        ProcReader().ReadFile(fs::path("/proc") / std::to_string(run->pid()) / "maps");
    ASSERT_TRUE(maps.has_value());
    const std::vector<Mapping> mappings = ParseProcMaps(*maps);
    EXPECT_TRUE(std::any_of(mappings.begin(), mappings.end(), IsSharedAnonymous))
        << "taken as blocked before its waitpid, attempt " << attempt << ":\n"
        << *maps;
    run->SignalGroup(SIGKILL);
    run->WaitUntilFinished(Clock::now() + kPatience);
  }
}

// A program that never blocks: the wait ends at the deadline, having seen it running.
TEST(WaitUntilBlocked, EndsAtTheDeadlineForAProgramThatNeverBlocks) {
  auto run = Start("busy-loop");
  ASSERT_NE(run, nullptr);
  char state = '?';
  EXPECT_EQ(WaitUntilBlocked(*run, Clock::now() + std::chrono::milliseconds(100), &state),
            StateWait::kTimedOut);
  EXPECT_NE(state, '?') << "it was never looked at";
  run->SignalGroup(SIGKILL);
  run->WaitUntilFinished(Clock::now() + kPatience);
}

TEST(WaitUntilBlocked, EndsWhenTheProgramExits) {
  auto run = Start("exit-with");
  ASSERT_NE(run, nullptr);
  char state = '?';
  EXPECT_EQ(WaitUntilBlocked(*run, Clock::now() + kPatience, &state), StateWait::kExited);
  run->WaitUntilFinished(Clock::now() + kPatience);
}

}  // namespace
}  // namespace labgrade
