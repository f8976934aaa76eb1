// Tests for the check of a submission's required files: plain names, and patterns that must
// match exactly one file, each mistake named with what matched.
#include "harness/build/submission_build.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

class RequiredFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/var/tmp/required_files_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  void Touch(const std::string& name) { std::ofstream(dir_ / name) << "int x;\n"; }

  fs::path dir_;
};

// A pattern matching exactly one file is satisfied, as is a plain name that is there.
TEST_F(RequiredFilesTest, PatternMatchingOneFilePasses) {
  Touch("tcpserv01.c");
  Touch("tcpcli01.c");
  std::vector<std::string> missing;
  EXPECT_TRUE(RequiredFileProblems(dir_, {"tcpserv*.c", "tcpcli01.c"}, missing).empty());
  EXPECT_TRUE(missing.empty());
}

// A pattern that matches two files names both: the grader cannot tell which one to build.
TEST_F(RequiredFilesTest, PatternMatchingTwoFilesNamesThem) {
  Touch("tcpserv01.c");
  Touch("tcpserv02.c");
  std::vector<std::string> missing;
  EXPECT_EQ(RequiredFileProblems(dir_, {"tcpserv*.c"}, missing),
            std::vector<std::string>{
                "tcpserv*.c matches 2 files (tcpserv01.c, tcpserv02.c): hand in exactly one"});
  EXPECT_TRUE(missing.empty());
}

// A pattern that matches nothing is missing, as a plain name is; a hidden file or a folder
// does not count.
TEST_F(RequiredFilesTest, PatternMatchingNothingIsMissing) {
  Touch(".tcpserv.c");
  fs::create_directory(dir_ / "tcpserv.c.d");
  std::vector<std::string> missing;
  EXPECT_TRUE(RequiredFileProblems(dir_, {"*tcpserv*", "reader.c"}, missing).empty());
  EXPECT_EQ(missing, (std::vector<std::string>{"*tcpserv* (no file matches it)", "reader.c"}));
}

}  // namespace
}  // namespace labgrade
