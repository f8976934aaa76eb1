// Tests for reading the `expect_sockets:` step: each mistake an instructor can make with it is
// reported with its exact file:line:col, line and caret.
#include "harness/steps/expect_sockets.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// TIME_WAIT sockets belong to no process, so counting them per instance is refused.
TEST_F(SpecLoaderTest, ReportsTimeWaitOfAnInstance) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - start: reader
      - expect_sockets: { instance: reader, state: TIME_WAIT, max: 0 }
)");
  ASSERT_EQ(load.errors.size(), 1u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[1].expect_sockets.state: a socket in TIME_WAIT belongs to no process "
            "any more (the kernel keeps it after close); leave out 'instance' to count those of "
            "the whole test");
}

// A count needs a bound, the bounds an order, and the state a known name.
TEST_F(SpecLoaderTest, ReportsSocketCountMistakes) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - expect_sockets: { state: LISTEN }
      - expect_sockets: { state: LISTEN, min: 3, max: 1 }
      - expect_sockets: { state: CLOSEWAIT, max: 0 }
)");
  ASSERT_EQ(load.errors.size(), 3u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[0].expect_sockets: needs 'min' or 'max' (or both)");
  EXPECT_EQ(load.errors[1].message,
            "tests[0].steps[1].expect_sockets: max (1) is less than min (3)");
  EXPECT_EQ(load.errors[2].message,
            "tests[0].steps[2].expect_sockets.state: expected LISTEN, ESTABLISHED, CLOSE_WAIT, "
            "TIME_WAIT, FIN_WAIT1, FIN_WAIT2, LAST_ACK, CLOSING, SYN_SENT or SYN_RECV, got "
            "'CLOSEWAIT'");
}

}  // namespace
}  // namespace labgrade
