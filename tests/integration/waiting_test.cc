// How programs wait, through the real scenario runner, in cells. Busy waiting (expect_idle) is
// told from blocking even when every core is busy. Ending a test early
// (harness/steps/stall_watch.h):
// a waiting step fails at once when no program can make progress, says why and that it ended
// early; a program in a timed wait (a timer, a sleep, a poll or receive timeout, a timed
// condition variable) is never cut; `early_end: false` turns it off. The shipped labs' defective
// submissions keeping their verdicts is proven by their EXPECTED_FAILURES (grading_test.cc).
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/harness/cpu_hogs.h"
#include "tests/integration/scenario_fixture.h"

namespace labgrade {
namespace {

constexpr std::string_view kLab = R"(name: waits
title: Ways of waiting
reference: .
submission: { required: [x.c] }
build: { commands: ["true"] }
limits: { wall_ms: 60000 }
programs:
  waits: { executable: waits }
  crash: { executable: crash-segv }
tests:
)";

class EarlyEnd : public testing::ScenarioFixture {
 protected:
  EarlyEnd() : ScenarioFixture(kLab) {}

  // One instance waiting `how`, awaited for at most `timeout_ms`.
  TestResult Wait(const std::string& how, int timeout_ms, const std::string& extra = "") {
    return Run(fmt::format(R"(  - name: wait
    description: The program exits
    points: 100{}
    steps:
      - start: waits
        args: ["{}"]
      - wait_exit: {{ instance: waits, timeout_ms: {} }}
    checks:
      - exit: {{ instance: waits, code: 0 }}
)",
                           extra, how, timeout_ms));
  }
};

// Stuck for ever in one process or two: the step ends early and says in what.
TEST_F(EarlyEnd, AProgramThatCanNeverGoOnEndsTheStepAtOnce) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  for (const auto& [how, call] : std::vector<std::pair<std::string, std::string>>{
           {"semop", "semop"}, {"pause", "pause"}, {"pipe-pair", "read"}}) {
    const TestResult result = Wait(how, 20000);
    ASSERT_EQ(result.outcome, Outcome::kFail) << how;
    ASSERT_FALSE(result.checks.empty());
    const std::string& rationale = result.checks[0].rationale;
    EXPECT_NE(rationale.find("ended early"), std::string::npos) << rationale;
    EXPECT_NE(rationale.find("waits is blocked in " + call + " and nothing else is running"),
              std::string::npos)
        << rationale;
  }
}

// The crashed partner is named: the case that cost students the most time.
TEST_F(EarlyEnd, SaysWhichPartnerEnded) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  const TestResult result = Run(R"(  - name: crash
    description: The writer exits after the reader
    points: 100
    steps:
      - start: waits
        as: writer
        args: ["semop"]
      - start: crash
        as: reader
      - wait_exit: { instance: reader, timeout_ms: 20000 }
      - wait_exit: { instance: writer, timeout_ms: 20000 }
)");
  ASSERT_EQ(result.outcome, Outcome::kFail);
  EXPECT_NE(Describe(result).find("writer is blocked in semop and nothing else is running: "
                                  "reader was killed by SIGSEGV"),
            std::string::npos)
      << Describe(result);
}

// Timed waits are progress: each of these programs exits 0 after about a second.
TEST_F(EarlyEnd, TimedWaitsAreNeverCut) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  for (const std::string how : {"alarm", "sleep", "poll", "recv-timeout", "cond-timeout"}) {
    const TestResult result = Wait(how, 30000);
    EXPECT_EQ(result.outcome, Outcome::kPass) << how << ": " << Describe(result);
  }
}

// So is a program that runs, even on a machine whose cores are all busy.
TEST_F(EarlyEnd, ARunningProgramIsNeverCut) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  const TestResult result = Wait("spin", 1000);
  ASSERT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(Describe(result).find("ended early"), std::string::npos) << Describe(result);
  EXPECT_NE(Describe(result).find("waits was still running after 1 s"), std::string::npos)
      << Describe(result);
}

// A lab can ask for the whole timeout.
TEST_F(EarlyEnd, EarlyEndFalseWaitsTheWholeTimeout) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  const TestResult result = Wait("semop", 1000, "\n    early_end: false");
  ASSERT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(Describe(result).find("ended early"), std::string::npos) << Describe(result);
  EXPECT_NE(Describe(result).find("waits was still running after 1 s"), std::string::npos)
      << Describe(result);
}

class BusyWaiting : public testing::ScenarioFixture {
 protected:
  BusyWaiting() : ScenarioFixture(kLab) {}

  TestResult Watch(const std::string& how) {
    return Run(fmt::format(R"(  - name: idle
    description: The program blocks while it waits
    points: 100
    steps:
      - start: waits
        args: ["{}"]
      - expect_idle: {{ instance: waits, max_cpu_percent: 5 }}
)",
                           how));
  }
};

// With the default window, on a machine whose cores two other programs keep busy, a blocked
// program passes and a spinning one fails, every time.
TEST_F(BusyWaiting, SpinningAndBlockedAreToldApartOnABusyMachine) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  testing::CpuHogs hogs;
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(Watch("pause").outcome, Outcome::kPass) << round;
    const TestResult spinning = Watch("spin");
    ASSERT_EQ(spinning.outcome, Outcome::kFail) << round;
    EXPECT_NE(Describe(spinning).find("it is busy-waiting"), std::string::npos)
        << Describe(spinning);
  }
}

}  // namespace
}  // namespace labgrade
