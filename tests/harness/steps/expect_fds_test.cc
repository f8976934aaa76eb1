// Tests for reading the `expect_fds:` step: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/steps/expect_fds.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// A baseline must be recorded before it is compared with, and only once.
TEST_F(SpecLoaderTest, ReportsUnknownBaseline) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - start: reader
      - expect_fds: { instance: reader, baseline: before }
      - record_fds: { instance: reader, as: start }
      - record_fds: { instance: reader, as: start }
)");
  ASSERT_EQ(load.errors.size(), 2u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].steps[1].expect_fds.baseline: no baseline 'before' was recorded before this "
            "step (recorded: none)");
  EXPECT_EQ(load.errors[1].message,
            "tests[0].steps[3].record_fds.as: baseline 'start' was already recorded on line 17");
}

}  // namespace
}  // namespace labgrade
