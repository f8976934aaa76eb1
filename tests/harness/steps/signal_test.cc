// Tests for reading the `signal:` step: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/steps/signal.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// Signal names are upper case, as in <signal.h>.
TEST_F(SpecLoaderTest, ReportsUnknownSignal) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - start: reader
      - signal: { instance: reader, signal: sigterm }
)")),
            "labs/demo/lab.yaml:16:45: error: tests[0].steps[1].signal.signal: expected a signal "
            "name like SIGTERM or a number from 1 to 64, got 'sigterm'\n"
            "        - signal: { instance: reader, signal: sigterm }\n"
            "                                              ^\n");
}

}  // namespace
}  // namespace labgrade
