// Tests for reading the `make_dir:` step: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/steps/make_dir.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::MmapSpecTest;
using testing::OneTest;
using testing::SpecLoaderTest;

// make_dir takes a mode, quoted or not, and defaults to 0755.
TEST_F(MmapSpecTest, ReadsMakeDirSteps) {
  EXPECT_EQ(StepOf<MakeDirStep>(3).path, "locked");
  EXPECT_EQ(StepOf<MakeDirStep>(3).mode, 0555u);
  EXPECT_EQ(StepOf<MakeDirStep>(4).mode, 0755u);
}

// A mode is four octal digits.
TEST_F(SpecLoaderTest, ReportsModeThatIsNotOctal) {
  EXPECT_EQ(Report(Load(OneTest("      - make_dir: { path: d, mode: \"755\" }\n"))),
            "labs/demo/lab.yaml:15:36: error: tests[0].steps[0].make_dir.mode: expected a mode of "
            "four octal digits like \"0644\", got '755'\n"
            "        - make_dir: { path: d, mode: \"755\" }\n"
            "                                     ^\n");
}

}  // namespace
}  // namespace labgrade
