// Tests for reading the `wait_for_sysv:` step: its keys become the typed spec, with their defaults,
// and its mistakes are reported with their key.
#include "harness/steps/wait_for_sysv.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// Only the kind is required; the key file, proj_id, timeout and creator have defaults.
TEST_F(SpecLoaderTest, ReadsWaitForSysvDefaults) {
  const auto step =
      LastStepOf<WaitForSysvStep>(OneTest("      - wait_for_sysv: { kind: message_queue }\n"));
  EXPECT_EQ(step.kind, SysvKind::kMessageQueue);
  EXPECT_EQ(step.key_file, "keyfile");
  EXPECT_EQ(step.proj_id, 1);
  EXPECT_EQ(step.timeout_ms, 5000);
  EXPECT_EQ(step.instance, "");
}

// The creator must have been started before the step waits for it.
TEST_F(SpecLoaderTest, ReportsCreatorNotStartedYet) {
  EXPECT_EQ(
      OnlyErrorOf(OneTest("      - wait_for_sysv: { kind: semaphores, created_by: reader }\n")),
      "tests[0].steps[0].wait_for_sysv.created_by: no instance 'reader' was started before "
      "this step (started: none)");
}

// With created_by and no key, the wait is for any object that instance creates.
TEST_F(SpecLoaderTest, ReadsWaitForAnObjectOfAnInstance) {
  const auto step = LastStepOf<WaitForSysvStep>(
      OneTest("      - start: writer\n"
              "      - wait_for_sysv: { kind: semaphores, created_by: writer }\n"));
  EXPECT_TRUE(step.any_key);
  EXPECT_EQ(step.instance, "writer");
  EXPECT_EQ(step.fixed_key, std::nullopt);
}

// A key file or a fixed key beside created_by still names the key; created_by then only says
// who is expected to create it.
TEST_F(SpecLoaderTest, ReadsKeyedWaitsWithCreator) {
  const auto ftok = LastStepOf<WaitForSysvStep>(OneTest(
      "      - start: writer\n"
      "      - wait_for_sysv: { kind: semaphores, key_file: keyfile, created_by: writer }\n"));
  EXPECT_FALSE(ftok.any_key);
  const auto fixed = LastStepOf<WaitForSysvStep>(
      OneTest("      - start: writer\n"
              "      - wait_for_sysv: { kind: semaphores, key: 0x5678, created_by: writer }\n"));
  EXPECT_FALSE(fixed.any_key);
  EXPECT_EQ(fixed.fixed_key, std::optional<std::uint32_t>(0x5678));
}

// A fixed key with proj_id: proj_id only makes an ftok key.
TEST_F(SpecLoaderTest, ReportsProjIdWithFixedKey) {
  EXPECT_EQ(
      OnlyErrorOf(
          OneTest("      - wait_for_sysv: { kind: semaphores, key: 0x5678, proj_id: 2 }\n")),
      "tests[0].steps[0].wait_for_sysv: 'proj_id' goes only with an ftok key; 'key' gives a fixed "
      "key, used as it is: give one or the other");
}

}  // namespace
}  // namespace labgrade
