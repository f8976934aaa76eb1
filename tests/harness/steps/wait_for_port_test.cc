// Tests for reading the `wait_for_port:` step: each mistake an instructor can make with it is
// reported with its exact file:line:col, line and caret.
#include "harness/steps/wait_for_port.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// A fixed number where a port placeholder's name belongs says why it is not allowed.
TEST_F(SpecLoaderTest, ReportsFixedPortNumber) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Server
    points: 100
    steps:
      - start: reader
      - wait_for_port: { instance: reader, port: 5000 }
)");
  EXPECT_EQ(Report(load),
            "labs/demo/lab.yaml:16:50: error: tests[0].steps[1].wait_for_port.port: expected port "
            "or port:NAME (NAME made of a-z, 0-9 and '-'), got '5000' (a fixed number is not "
            "allowed: in host mode the grader picks a free port)\n"
            "        - wait_for_port: { instance: reader, port: 5000 }\n"
            "                                                   ^\n");
}

}  // namespace
}  // namespace labgrade
