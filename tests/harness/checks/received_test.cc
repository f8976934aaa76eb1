// Tests for reading the `received:` check: its keys become the typed spec, with their defaults, and
// its mistakes are reported with their key.
#include "harness/checks/received.h"

#include <vector>

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// Each matcher of what the client received.
TEST_F(SpecLoaderTest, ReadsEachReceivedMatcher) {
  const SpecLoad load = Load(OneTest("      - connect: { as: c }\n",
                                     "      - received: { connection: c, equals: \"x\" }\n"
                                     "      - received: { connection: c, empty: true }\n"
                                     "      - received: { connection: c, not_empty: true }\n"
                                     "      - received: { connection: c, same_as_sent: true }\n"));
  ASSERT_EQ(Report(load), "");
  const std::vector<Check>& checks = load.spec->tests.at(0).checks;
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[0].As<ReceivedCheck>()->match, MatchKind::kEquals);
  EXPECT_EQ(checks[0].As<ReceivedCheck>()->text, "x");
  EXPECT_EQ(checks[1].As<ReceivedCheck>()->match, MatchKind::kEmpty);
  EXPECT_EQ(checks[2].As<ReceivedCheck>()->match, MatchKind::kNotEmpty);
  EXPECT_TRUE(checks[3].As<ReceivedCheck>()->same_as_sent);
  EXPECT_EQ(checks[3].As<ReceivedCheck>()->match, MatchKind::kEquals);
}

// The matcher is one of five.
TEST_F(SpecLoaderTest, ReportsReceivedWithoutMatcher) {
  EXPECT_EQ(
      OnlyErrorOf(OneTest("      - connect: { as: c }\n", "      - received: { connection: c }\n")),
      "tests[0].checks[0].received: needs one of: equals, contains, same_as_sent, empty, "
      "not_empty");
}

}  // namespace
}  // namespace labgrade
