// Tests for reading the `resume:` step: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/steps/resume.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// resume names an instance started before it.
TEST_F(SpecLoaderTest, ReportsResumeOfUnknownInstance) {
  EXPECT_EQ(Report(Load(OneTest("      - start: reader\n      - resume: readr\n"))),
            "labs/demo/lab.yaml:16:17: error: tests[0].steps[1].resume: no instance 'readr' was "
            "started before this step (did you mean 'reader'?)\n"
            "        - resume: readr\n"
            "                  ^\n");
}

}  // namespace
}  // namespace labgrade
