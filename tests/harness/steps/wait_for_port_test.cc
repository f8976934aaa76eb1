// Tests for reading the `wait_for_port:` step: each mistake an instructor can make with it is
// reported with its exact file:line:col, line and caret.
#include "harness/steps/wait_for_port.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// A fixed port, for a server that hard-wires its own, is read as that number.
TEST_F(SpecLoaderTest, ReadsFixedPort) {
  const auto step = LastStepOf<WaitForPortStep>(
      OneTest("      - start: reader\n"
              "      - wait_for_port: { instance: reader, port: 9877 }\n"));
  EXPECT_EQ(step.port, "9877");
}

// A port beyond 65535 is refused with the range.
TEST_F(SpecLoaderTest, ReportsPortOutOfRange) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - start: reader
      - wait_for_port: { instance: reader, port: 70000 }
)");
  EXPECT_EQ(Report(load),
            "labs/demo/lab.yaml:16:50: error: tests[0].steps[1].wait_for_port.port: must be "
            "between 1 and 65535, got 70000\n"
            "        - wait_for_port: { instance: reader, port: 70000 }\n"
            "                                                   ^\n");
}

// "port:9877" would be a placeholder named 9877, another port altogether: refused, saying how
// a fixed port is written.
TEST_F(SpecLoaderTest, ReportsPortColonNumber) {
  EXPECT_EQ(
      OnlyErrorOf(OneTest("      - start: reader\n"
                          "      - wait_for_port: { instance: reader, port: \"port:9877\" }\n")),
      "tests[0].steps[1].wait_for_port.port: expected a port number, port or port:NAME "
      "(NAME made of a-z, 0-9 and '-', not only digits), got 'port:9877' (a fixed port is "
      "a plain number: '9877')");
}

}  // namespace
}  // namespace labgrade
