// Tests for reading the `make_file:` step: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/steps/make_file.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::MmapSpecTest;
using testing::OneTest;
using testing::SpecLoaderTest;

// make_file takes each source, and its mode as four octal digits (0644 by default).
TEST_F(MmapSpecTest, ReadsMakeFileSteps) {
  const MakeFileStep& copied = StepOf<MakeFileStep>(0);
  EXPECT_EQ(copied.path, "src");
  ASSERT_TRUE(std::holds_alternative<StdinFile>(copied.content));
  EXPECT_EQ(std::get<StdinFile>(copied.content).path, "data/short.txt");
  EXPECT_EQ(copied.mode, 0644u);
  EXPECT_EQ(copied.mark.line, 15);
  const MakeFileStep& random = StepOf<MakeFileStep>(1);
  ASSERT_TRUE(std::holds_alternative<StdinRandom>(random.content));
  EXPECT_EQ(std::get<StdinRandom>(random.content).size_bytes, 4096);
  EXPECT_EQ(std::get<StdinRandom>(random.content).seed, 3u);
  EXPECT_EQ(random.mode, 0600u);
  ASSERT_TRUE(std::holds_alternative<StdinText>(StepOf<MakeFileStep>(2).content));
  EXPECT_EQ(std::get<StdinText>(StepOf<MakeFileStep>(2).content).text, "");
}

// A test-folder path may not climb out of the test folder.
TEST_F(SpecLoaderTest, ReportsMakeFilePathOutsideTestFolder) {
  EXPECT_EQ(Report(Load(OneTest("      - make_file: { path: ../escape, text: x }\n"))),
            "labs/demo/lab.yaml:15:28: error: tests[0].steps[0].make_file.path: '../escape' must "
            "be a path inside the test folder (no absolute paths, no '..')\n"
            "        - make_file: { path: ../escape, text: x }\n"
            "                             ^\n");
}

// make_file has one source, named as for stdin but with from_lab_file.
TEST_F(SpecLoaderTest, ReportsMakeFileWithoutSource) {
  EXPECT_EQ(Load(OneTest("      - make_file: { path: src, file: data/short.txt }\n"))
                .errors.at(0)
                .message,
            "tests[0].steps[0].make_file: unknown key 'file' (expected one of: path, text, "
            "from_lab_file, random_bytes, seed, mode)");
}

// make_file's lab file must exist in the lab folder.
TEST_F(SpecLoaderTest, ReportsMissingFromLabFile) {
  EXPECT_EQ(Load(OneTest("      - make_file: { path: src, from_lab_file: data/none }\n"))
                .errors.at(0)
                .message,
            "tests[0].steps[0].make_file.from_lab_file: 'data/none' is not a file in the lab "
            "folder");
}

}  // namespace
}  // namespace labgrade
