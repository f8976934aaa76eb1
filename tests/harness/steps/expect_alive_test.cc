// Tests for reading the `expect_alive:` step: its keys become the typed spec, with their defaults,
// and its mistakes are reported with their key.
#include "harness/steps/expect_alive.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// The value is the instance, started before.
TEST_F(SpecLoaderTest, ReadsExpectAlive) {
  const auto step =
      LastStepOf<ExpectAliveStep>(OneTest("      - start: reader\n      - expect_alive: reader\n"));
  EXPECT_EQ(step.instance, "reader");
  EXPECT_EQ(step.mark.line, 16);
}

// An instance started after the step is not alive yet.
TEST_F(SpecLoaderTest, ReportsAliveBeforeStart) {
  EXPECT_EQ(OnlyErrorOf(OneTest("      - expect_alive: reader\n      - start: reader\n")),
            "tests[0].steps[0].expect_alive: no instance 'reader' was started before this step "
            "(started: none)");
}

}  // namespace
}  // namespace labgrade
