// Contracts written elsewhere, through the real scenario runner in cells (and host mode, where
// fixed keys are refused), on tests/programs: with sysv-maker, a wait for a fixed key passes, a
// wait for "whatever the writer creates" passes whatever the key, and a wait that times out
// names the objects that do exist and who made them; with print-args, a number one program
// prints is compared with another's.
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "grading/grader.h"
#include "harness/scenario.h"
#include "harness/spec/spec_loader.h"
#include "tests/integration/scenario_fixture.h"

namespace labgrade {
namespace {

// The lab around each test: makers of a semaphore set (initialised or not) and of a segment.
constexpr std::string_view kLab = R"(name: sysv
title: System V waits
reference: .
submission: { required: [x.c] }
build: { commands: ["true"] }
limits: { wall_ms: 30000 }
programs:
  sem-maker: { executable: sysv-maker, argv: ["sem", "0x5678", "setval"] }
  bare-sem-maker: { executable: sysv-maker, argv: ["sem", "0x5679"] }
  shm-maker: { executable: sysv-maker, argv: ["shm", "0x1234"] }
  sleeper: { executable: sleep-forever }
  sender: { executable: print-args, argv: ["Sent 12 bytes"] }
  receiver: { executable: print-args, argv: ["Received 12 bytes"] }
  short-receiver: { executable: print-args, argv: ["Received 11 bytes"] }
tests:
)";

using testing::Namespaces;

class ContractScenario : public testing::ScenarioFixture {
 protected:
  ContractScenario() : ScenarioFixture(kLab) {}

  /// Runs the one test whose steps and checks are `body` (100 points), in a cell unless `host`.
  TestResult Run(std::string_view body, bool host = false) {
    return ScenarioFixture::Run(
        "  - name: t\n    description: T\n    points: 100\n" + std::string(body), host);
  }
};

// A program with a hard-wired key is waited for by that key.
TEST_F(ContractScenario, WaitsForAFixedKey) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(    steps:
      - start: sem-maker
      - wait_for_sysv: { kind: semaphores, key: 0x5678, created_by: sem-maker, timeout_ms: 5000 }
      - signal: { instance: sem-maker, signal: SIGTERM }
      - wait_exit: { instance: sem-maker, timeout_ms: 5000 }
    checks:
      - exit: { instance: sem-maker, code: 0 }
      - no_sysv_left: true
)");
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
}

// A wait for another key times out naming what the test does have, and who made it (at its
// timeout: with early_end, as by default, the same words follow "ended early").
TEST_F(ContractScenario, TimedOutWaitNamesTheObjectsThatExist) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(    early_end: false
    steps:
      - start: shm-maker
      - wait_for_sysv: { kind: shared_memory, key: 0x1234, timeout_ms: 5000 }
      - wait_for_sysv: { kind: shared_memory, key: 0x4321, created_by: shm-maker, timeout_ms: 300 }
)");
  EXPECT_EQ(result.outcome, Outcome::kFail) << Describe(result);
  EXPECT_EQ(Describe(result),
            "\nshm-maker creates a shared memory segment for key 0x00004321: no shared memory "
            "segment with the fixed key 0x00004321 appeared within 0.3 s; there is a shared "
            "memory segment with key 0x00001234 (created by shm-maker)");
}

// Without a key, the wait is for whatever the named instance creates: a segment by its
// creator's pid, a semaphore set by the pid that set its values.
TEST_F(ContractScenario, WaitsForWhateverAnInstanceCreates) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(    steps:
      - start: sleeper
      - start: shm-maker
      - wait_for_sysv: { kind: shared_memory, created_by: shm-maker, timeout_ms: 5000 }
      - start: sem-maker
      - wait_for_sysv: { kind: semaphores, created_by: sem-maker, timeout_ms: 5000 }
)");
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
}

// A semaphore set that no process has touched since semget is known by its creator's uid, when
// no other running instance has that uid.
TEST_F(ContractScenario, WaitsForAnUntouchedSemaphoreSetByItsCreatorsUid) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(    steps:
      - start: bare-sem-maker
      - wait_for_sysv: { kind: semaphores, created_by: bare-sem-maker, timeout_ms: 5000 }
)");
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
}

// Another instance's object does not end a wait for this one's, and the message says whose it
// is.
TEST_F(ContractScenario, WaitByCreatorIgnoresOtherInstancesObjects) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(    early_end: false
    steps:
      - start: shm-maker
      - wait_for_sysv: { kind: shared_memory, created_by: shm-maker, timeout_ms: 5000 }
      - start: sleeper
      - wait_for_sysv: { kind: shared_memory, created_by: sleeper, timeout_ms: 300 }
)");
  EXPECT_EQ(result.outcome, Outcome::kFail) << Describe(result);
  EXPECT_EQ(Describe(result),
            "\nsleeper creates a shared memory segment: no shared memory segment created by "
            "sleeper appeared within 0.3 s; there is a shared memory segment with key 0x00001234 "
            "(created by shm-maker)");
}

// create_sysv and sysv_exists take a fixed key too: a stale object at the program's own key.
TEST_F(ContractScenario, CreatesAndFindsAStaleObjectAtAFixedKey) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"(    steps:
      - create_sysv: { kind: semaphores, key: 0x5678, size: 2 }
      - run: sem-maker
    checks:
      - exit: { instance: sem-maker, code: 1 }
      - sysv_exists: { kind: semaphores, key: 0x5678 }
)");
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
}

// In host mode a fixed key would be the whole machine's: the test is skipped, saying why, and
// nothing is created.
TEST_F(ContractScenario, HostModeSkipsATestWithAFixedKey) {
  const TestResult result = Run(R"(    steps:
      - create_sysv: { kind: semaphores, key: 0x5678, size: 2 }
      - run: sleeper
)",
                                /*host=*/true);
  EXPECT_EQ(result.outcome, Outcome::kSkipped) << Describe(result);
  ASSERT_EQ(result.checks.size(), 1u);
  EXPECT_EQ(result.checks[0].what, "the test uses the System V key 0x00005678");
  EXPECT_EQ(result.checks[0].rationale,
            "the System V key 0x00005678 is fixed, which is safe only in the test's own "
            "namespaces, and this run is in host mode (the machine's objects and ports are "
            "shared with every program on it)");
  EXPECT_TRUE(result.programs.empty());
}

// The number in one program's output is compared with the number in another's.
TEST_F(ContractScenario, CaptureMatchesAcrossInstances) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"yaml(    steps:
      - run: sender
        stdin: { text: "twelve bytes" }
      - run: receiver
    checks:
      - capture: { instance: receiver, regex: "Received ([0-9]+) bytes", same_as: { instance: sender, regex: "Sent ([0-9]+) bytes" } }
      - capture: { instance: receiver, regex: "Received ([0-9]+) bytes", equals_stdin_size_of: sender }
      - capture: { instance: sender, regex: "Sent ([0-9]+)", equals: "12" }
)yaml");
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
}

// Another number fails, saying both values.
TEST_F(ContractScenario, CaptureMismatchSaysBothValues) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << Namespaces().note;
  const TestResult result = Run(R"yaml(    steps:
      - run: sender
      - run: short-receiver
    checks:
      - capture: { instance: short-receiver, regex: "Received ([0-9]+) bytes", same_as: { instance: sender, regex: "Sent ([0-9]+) bytes" } }
      - capture: { instance: sender, regex: "Got ([0-9]+)", equals: "12" }
)yaml");
  EXPECT_EQ(result.outcome, Outcome::kFail) << Describe(result);
  EXPECT_EQ(Describe(result),
            "\nwhat /Received ([0-9]+) bytes/ finds in short-receiver's standard output is what "
            "/Sent ([0-9]+) bytes/ finds in sender's standard output: short-receiver says 11, but "
            "sender says 12"
            "\nwhat /Got ([0-9]+)/ finds in sender's standard output is '12': sender's standard "
            "output has nothing that matches /Got ([0-9]+)/");
}

}  // namespace
}  // namespace labgrade
