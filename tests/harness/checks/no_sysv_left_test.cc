// Tests for reading the `no_sysv_left:` check: its keys become the typed spec, with their defaults,
// and its mistakes are reported with their key.
#include "harness/checks/no_sysv_left.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// `no_sysv_left: true` is the whole check.
TEST_F(SpecLoaderTest, ReadsNoSysvLeft) {
  const SpecLoad load = Load(OneTest("      - run: writer\n", "      - no_sysv_left: true\n"));
  ASSERT_EQ(Report(load), "");
  EXPECT_NE(load.spec->tests.at(0).checks.at(0).As<NoSysvLeftCheck>(), nullptr);
}

// `no_sysv_left: false` is not a check.
TEST_F(SpecLoaderTest, ReportsNoSysvLeftFalse) {
  EXPECT_EQ(OnlyErrorOf(OneTest("      - run: writer\n", "      - no_sysv_left: false\n")),
            "tests[0].checks[0].no_sysv_left: must be true, got false");
}

}  // namespace
}  // namespace labgrade
