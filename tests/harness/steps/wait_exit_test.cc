// Tests for reading the `wait_exit:` step: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/steps/wait_exit.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// A step can only act on an instance started before it.
TEST_F(SpecLoaderTest, ReportsInstanceNotStartedYet) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - wait_exit: { instance: reader }
      - start: reader
)")),
            "labs/demo/lab.yaml:15:32: error: tests[0].steps[0].wait_exit.instance: no instance "
            "'reader' was started before this step (started: none)\n"
            "        - wait_exit: { instance: reader }\n"
            "                                 ^\n");
}

}  // namespace
}  // namespace labgrade
