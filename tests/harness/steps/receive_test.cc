// Tests for reading the `receive:` step: its keys become the typed spec, with their defaults, and
// its mistakes are reported with their key.
#include "harness/steps/receive.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// A count of bytes, or until the peer closes; the timeout has a default.
TEST_F(SpecLoaderTest, ReadsReceiveByCountOrUntilClosed) {
  const std::string open = "      - connect: { as: c }\n";
  const auto counted =
      LastStepOf<ReceiveStep>(OneTest(open + "      - receive: { connection: c, bytes: 3 }\n"));
  EXPECT_EQ(counted.connection, "c");
  EXPECT_EQ(counted.bytes, 3);
  EXPECT_FALSE(counted.until_closed);
  EXPECT_EQ(counted.timeout_ms, 5000);
  EXPECT_TRUE(LastStepOf<ReceiveStep>(
                  OneTest(open + "      - receive: { connection: c, until_closed: true }\n"))
                  .until_closed);
}

// `until_closed: false` says nothing; leaving it out is how to say bytes.
TEST_F(SpecLoaderTest, ReportsUntilClosedFalse) {
  EXPECT_EQ(
      OnlyErrorOf(OneTest(
          "      - connect: { as: c }\n      - receive: { connection: c, until_closed: false }\n")),
      "tests[0].steps[1].receive.until_closed: must be true, got false");
}

}  // namespace
}  // namespace labgrade
