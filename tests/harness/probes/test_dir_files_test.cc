// Tests for the test-directory file helpers: opening never follows a symbolic link nor leaves
// the folder, and comparisons find where two files part.
#include "harness/probes/test_dir_files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

class TestDirFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "test_dir_files_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << "mkdtemp(" << pattern << ")";
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void Write(const std::string& name, const std::string& bytes) const {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }

  FileComparison Compare(const std::string& a, const std::string& b) const {
    OpenedFile fa = OpenBeneath(dir_, a, O_RDONLY);
    OpenedFile fb = OpenBeneath(dir_, b, O_RDONLY);
    EXPECT_TRUE(fa.fd.valid() && fb.fd.valid());
    const std::optional<FileComparison> compared = CompareFiles(fa.fd.get(), fb.fd.get());
    EXPECT_TRUE(compared.has_value());
    return compared.value_or(FileComparison{});
  }

  fs::path dir_;
};

// A symbolic link is refused, even to a file inside the folder.
TEST_F(TestDirFilesTest, OpenRefusesSymbolicLinks) {
  Write("real", "x");
  fs::create_symlink(dir_ / "real", dir_ / "link");
  const OpenedFile opened = OpenBeneath(dir_, "link", O_RDONLY);
  EXPECT_FALSE(opened.fd.valid());
  EXPECT_EQ(opened.error, ELOOP);
}

// The parent of a nested path is opened beneath the folder, and the last component comes apart.
TEST_F(TestDirFilesTest, OpenParentSplitsOffTheLastComponent) {
  fs::create_directory(dir_ / "out");
  auto [nested, nested_name] = OpenParentBeneath(dir_, "out/dst");
  EXPECT_TRUE(nested.fd.valid());
  EXPECT_EQ(nested_name, "dst");
  auto [top, top_name] = OpenParentBeneath(dir_, "dst");
  EXPECT_TRUE(top.fd.valid());
  EXPECT_EQ(top_name, "dst");
  auto [missing, missing_name] = OpenParentBeneath(dir_, "nowhere/dst");
  EXPECT_FALSE(missing.fd.valid());
  EXPECT_EQ(missing.error, ENOENT);
}

// A path climbing out of the folder is refused.
TEST_F(TestDirFilesTest, OpenRefusesPathsOutOfTheFolder) {
  const OpenedFile opened = OpenBeneath(dir_ / ".", "../" + dir_.filename().string(), O_RDONLY);
  EXPECT_FALSE(opened.fd.valid());
}

// Equal files compare equal, across several chunks.
TEST_F(TestDirFilesTest, CompareFindsEqualFiles) {
  const std::string bytes(3 << 20, 'a');
  Write("a", bytes);
  Write("b", bytes);
  EXPECT_TRUE(Compare("a", "b").equal());
}

// The first differing byte is found in a later chunk, with both bytes.
TEST_F(TestDirFilesTest, CompareFindsTheFirstDifference) {
  std::string bytes(2 << 20, 'a');
  Write("a", bytes);
  bytes[(1 << 20) + 5] = 'b';
  Write("b", bytes);
  const FileComparison compared = Compare("a", "b");
  EXPECT_EQ(compared.first_difference, (1 << 20) + 5);
  EXPECT_EQ(compared.byte_a, 'a');
  EXPECT_EQ(compared.byte_b, 'b');
}

// A file that is a prefix of the other has no differing byte, only another size.
TEST_F(TestDirFilesTest, CompareReportsAPrefixBySize) {
  Write("a", std::string(1 << 20, 'a') + "tail");
  Write("b", std::string(1 << 20, 'a'));
  const FileComparison compared = Compare("a", "b");
  EXPECT_EQ(compared.first_difference, -1);
  EXPECT_EQ(compared.size_a, (1 << 20) + 4);
  EXPECT_EQ(compared.size_b, 1 << 20);
  EXPECT_FALSE(compared.equal());
}

}  // namespace
}  // namespace labgrade
