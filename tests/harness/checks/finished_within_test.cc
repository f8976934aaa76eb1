// Tests for reading the `finished_within:` check: its keys become the typed spec, with their
// defaults, and its mistakes are reported with their key.
#include "harness/checks/finished_within.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// The limit is required.
TEST_F(SpecLoaderTest, ReportsFinishedWithinWithoutLimit) {
  EXPECT_EQ(OnlyErrorOf(OneTest("      - run: writer\n",
                                "      - finished_within: { instance: writer }\n")),
            "tests[0].checks[0].finished_within: missing required key 'max_ms'");
}

}  // namespace
}  // namespace labgrade
