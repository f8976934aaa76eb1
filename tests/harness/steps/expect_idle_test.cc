// Tests for reading the `expect_idle:` step: its keys become the typed spec, with their defaults,
// and its mistakes are reported with their key.
#include "harness/steps/expect_idle.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// The window and the CPU share have defaults.
TEST_F(SpecLoaderTest, ReadsExpectIdleDefaults) {
  const auto step = LastStepOf<ExpectIdleStep>(
      OneTest("      - start: reader\n      - expect_idle: { instance: reader }\n"));
  EXPECT_EQ(step.instance, "reader");
  EXPECT_EQ(step.window_ms, 150);
  EXPECT_EQ(step.max_cpu_percent, 10);
}

// A share of the CPU is a percentage.
TEST_F(SpecLoaderTest, ReportsCpuPercentOutOfRange) {
  EXPECT_EQ(OnlyErrorOf(OneTest("      - start: reader\n      - expect_idle: { instance: reader, "
                                "max_cpu_percent: 101 }\n")),
            "tests[0].steps[1].expect_idle.max_cpu_percent: must be between 0 and 100, got 101");
}

}  // namespace
}  // namespace labgrade
