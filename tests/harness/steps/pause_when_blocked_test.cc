// Tests for reading the `pause_when_blocked:` step: its keys become the typed spec, with their
// defaults, and its mistakes are reported with their key.
#include "harness/steps/pause_when_blocked.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// The instance is required; the timeout has a default.
TEST_F(SpecLoaderTest, ReadsPauseWhenBlockedDefaults) {
  const auto step = LastStepOf<PauseWhenBlockedStep>(
      OneTest("      - start: reader\n      - pause_when_blocked: { instance: reader }\n"));
  EXPECT_EQ(step.instance, "reader");
  EXPECT_EQ(step.timeout_ms, 5000);
}

// Without an instance there is nothing to pause.
TEST_F(SpecLoaderTest, ReportsPauseWithoutInstance) {
  EXPECT_EQ(OnlyErrorOf(OneTest("      - pause_when_blocked: { timeout_ms: 100 }\n")),
            "tests[0].steps[0].pause_when_blocked: missing required key 'instance'");
}

}  // namespace
}  // namespace labgrade
