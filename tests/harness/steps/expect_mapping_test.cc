// Tests for reading the `expect_mapping:` step: each mistake an instructor can make with it is
// reported with its exact file:line:col, line and caret.
#include "harness/steps/expect_mapping.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// expect_mapping says which kind of mapping it looks for.
TEST_F(SpecLoaderTest, ReportsMappingWithoutKind) {
  EXPECT_EQ(Load(OneTest("      - start: reader\n      - expect_mapping: { instance: reader }\n"))
                .errors.at(0)
                .message,
            "tests[0].steps[1].expect_mapping: needs one of: shared_anonymous, sysv_segment, "
            "file");
}

// shared_anonymous: false would check nothing.
TEST_F(SpecLoaderTest, ReportsFalseMappingKind) {
  EXPECT_EQ(Load(OneTest("      - start: reader\n"
                         "      - expect_mapping: { instance: reader, shared_anonymous: false }\n"))
                .errors.at(0)
                .message,
            "tests[0].steps[1].expect_mapping.shared_anonymous: must be true, got false");
}

// perms reads like the maps column.
TEST_F(SpecLoaderTest, ReportsBadPerms) {
  EXPECT_EQ(Load(OneTest("      - start: reader\n"
                         "      - expect_mapping: { instance: reader, file: src, perms: rw }\n"))
                .errors.at(0)
                .message,
            "tests[0].steps[1].expect_mapping.perms: expected permissions like 'r--' or 'rw-s' "
            "(r or -, w or -, x or -, then optionally s for shared or p for private), got 'rw'");
}

}  // namespace
}  // namespace labgrade
