// Tests for reading the `connect:` step: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/steps/connect.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// A bare name where a port placeholder's name belongs is most likely port:NAME.
TEST_F(SpecLoaderTest, SuggestsPortColonName) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - connect: { as: c, port: b }
)");
  ASSERT_EQ(load.errors.size(), 1u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[0].connect.port: expected a port number, port or port:NAME (NAME made "
            "of a-z, 0-9 and '-', not only digits), got 'b' (did you mean 'port:b'?)");
}

// Two connections of one name are an error at the second.
TEST_F(SpecLoaderTest, ReportsConnectionOpenedTwice) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - connect: { as: idle }
      - connect: { as: idle }
)");
  ASSERT_EQ(load.errors.size(), 1u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[1].connect.as: connection 'idle' was already opened on line 15");
}

}  // namespace
}  // namespace labgrade
