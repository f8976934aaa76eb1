// Tests for reading the `expect_no_zombies:` step: its keys become the typed spec, with their
// defaults, and its mistakes are reported with their key.
#include "harness/steps/expect_no_zombies.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// The instance is required; the timeout has a default.
TEST_F(SpecLoaderTest, ReadsExpectNoZombiesDefaults) {
  const auto step = LastStepOf<ExpectNoZombiesStep>(
      OneTest("      - start: reader\n      - expect_no_zombies: { instance: reader }\n"));
  EXPECT_EQ(step.instance, "reader");
  EXPECT_EQ(step.timeout_ms, 2000);
}

// A timeout is positive.
TEST_F(SpecLoaderTest, ReportsZombieTimeoutNotPositive) {
  EXPECT_EQ(OnlyErrorOf(OneTest("      - start: reader\n      - expect_no_zombies: { instance: "
                                "reader, timeout_ms: 0 }\n")),
            "tests[0].steps[1].expect_no_zombies.timeout_ms: must be positive, got 0");
}

}  // namespace
}  // namespace labgrade
