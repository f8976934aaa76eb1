// Tests for reading the `shutdown_write:`, `reset:` and `close:` steps: its keys become the typed
// spec, with their defaults, and its mistakes are reported with their key.
#include "harness/steps/connection_action.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// Each of the three keys names the connection it acts on.
TEST_F(SpecLoaderTest, ReadsEachConnectionAction) {
  const std::string open = "      - connect: { as: c }\n";
  EXPECT_EQ(LastStepOf<ConnectionActionStep>(OneTest(open + "      - shutdown_write: c\n")).action,
            ConnectionAction::kShutdownWrite);
  EXPECT_EQ(LastStepOf<ConnectionActionStep>(OneTest(open + "      - reset: c\n")).action,
            ConnectionAction::kReset);
  const auto close = LastStepOf<ConnectionActionStep>(OneTest(open + "      - close: c\n"));
  EXPECT_EQ(close.action, ConnectionAction::kClose);
  EXPECT_EQ(close.connection, "c");
}

// A connection must be opened before a step acts on it.
TEST_F(SpecLoaderTest, ReportsActionOnUnopenedConnection) {
  EXPECT_EQ(OnlyErrorOf(OneTest("      - connect: { as: c }\n      - reset: d\n")),
            "tests[0].steps[1].reset: no connection 'd' was opened before this step (did you mean "
            "'c'?)");
}

}  // namespace
}  // namespace labgrade
