// WaitForState: a stopped program is seen stopped, an exit ends the wait, a state never reached
// ends at the deadline.
#include "harness/steps/process_state_wait.h"

#include <signal.h>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

const fs::path kPrograms = LABGRADE_TEST_PROGRAMS_DIR;
constexpr std::chrono::seconds kPatience{30};

std::unique_ptr<ProgramRun> StartSleeper() {
  LaunchSpec spec;
  spec.executable = kPrograms / "sleep-forever";
  spec.working_dir = "/";
  auto started = ProgramRun::Start(std::move(spec), nullptr, RunLimits{});
  if (auto* error = std::get_if<LaunchError>(&started)) {
    ADD_FAILURE() << error->message;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<ProgramRun>>(started));
}

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

}  // namespace
}  // namespace labgrade
