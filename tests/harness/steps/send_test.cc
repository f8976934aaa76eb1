// Tests for reading the `send:` step: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/steps/send.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// A connection must be opened before a step uses it, and checks name one of the test.
TEST_F(SpecLoaderTest, ReportsUnknownConnection) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - connect: { as: idle }
      - send: { connection: idel, text: "x" }
    checks:
      - received: { connection: busy, equals: "x" }
)");
  ASSERT_EQ(load.errors.size(), 2u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[1].send.connection: no connection 'idel' was opened before this step "
            "(did you mean 'idle'?)");
  EXPECT_EQ(load.errors[1].message,
            "tests[0].checks[0].received.connection: no connection 'busy' was opened in this "
            "test (opened: idle)");
}

}  // namespace
}  // namespace labgrade
