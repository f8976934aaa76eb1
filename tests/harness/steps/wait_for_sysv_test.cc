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

}  // namespace
}  // namespace labgrade
