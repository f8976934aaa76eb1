// Tests for reading the `file:` check: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/checks/file.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::MmapSpecTest;
using testing::OneTest;
using testing::SpecLoaderTest;

// Each file property lands in FileCheck.
TEST_F(MmapSpecTest, ReadsFileChecks) {
  EXPECT_EQ(CheckOf<FileCheck>(0).path, "out/dst");
  EXPECT_EQ(CheckOf<FileCheck>(0).property, FileProperty::kSameAsFile);
  EXPECT_EQ(CheckOf<FileCheck>(0).other, "src");
  EXPECT_EQ(CheckOf<FileCheck>(1).property, FileProperty::kSameAsLabFile);
  EXPECT_EQ(CheckOf<FileCheck>(1).other, "data/short.txt");
  EXPECT_EQ(CheckOf<FileCheck>(2).property, FileProperty::kSize);
  EXPECT_EQ(CheckOf<FileCheck>(2).size_bytes, 0);
  EXPECT_EQ(CheckOf<FileCheck>(3).property, FileProperty::kMode);
  EXPECT_EQ(CheckOf<FileCheck>(3).mode, 0644u);
  EXPECT_EQ(CheckOf<FileCheck>(4).property, FileProperty::kExists);
  EXPECT_FALSE(CheckOf<FileCheck>(4).exists);
}

// An absolute path is not a test-folder path either.
TEST_F(SpecLoaderTest, ReportsAbsoluteFileCheckPath) {
  EXPECT_EQ(Load(OneTest("      - run: writer\n", "      - file: { path: /etc/passwd, size: 0 }\n"))
                .errors.at(0)
                .message,
            "tests[0].checks[0].file.path: '/etc/passwd' must be a path inside the test folder "
            "(no absolute paths, no '..')");
}

// A file check asserts one thing.
TEST_F(SpecLoaderTest, ReportsFileCheckWithTwoProperties) {
  EXPECT_EQ(
      Load(OneTest("      - run: writer\n", "      - file: { path: dst, size: 0, exists: true }\n"))
          .errors.at(0)
          .message,
      "tests[0].checks[0].file: give only one of: same_as_file, same_as_lab_file, size, "
      "mode, exists (found 'size' and 'exists')");
}

}  // namespace
}  // namespace labgrade
