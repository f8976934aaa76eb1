// Tests for reading the `record_fds:` step: its keys become the typed spec, with their defaults,
// and its mistakes are reported with their key.
#include "harness/steps/record_fds.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// The baseline's name is what a later expect_fds: names.
TEST_F(SpecLoaderTest, ReadsRecordFds) {
  const auto step = LastStepOf<RecordFdsStep>(
      OneTest("      - start: reader\n      - record_fds: { instance: reader, as: before }\n"));
  EXPECT_EQ(step.instance, "reader");
  EXPECT_EQ(step.baseline, "before");
}

// A baseline's name is a slug, like the other names a lab defines.
TEST_F(SpecLoaderTest, ReportsBadBaselineName) {
  EXPECT_EQ(OnlyErrorOf(OneTest(
                "      - start: reader\n      - record_fds: { instance: reader, as: Before }\n")),
            "tests[0].steps[1].record_fds.as: 'Before' must use only a-z, 0-9 and '-'");
}

}  // namespace
}  // namespace labgrade
