// `labgrade grade` twice over a small class of the mmap lab: the second run takes every build
// from the cache and grades exactly as the first, and a change in one student's file rebuilds
// that student only.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/build/build_cache.h"
#include "harness/process/program_run.h"
#include "tests/integration/labgrade_command.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::ReadFile;
using testing::RunLabgrade;

const fs::path kSourceDir = LABGRADE_SOURCE_DIR;
const fs::path kMmapSubmissions = fs::path(LABGRADE_SUBMISSIONS_DIR) / "mmap";

constexpr std::string_view kCachedLine = "build:      cached (the same files were built before)\n";

/// A report without the line that says the build came from the cache.
std::string WithoutCachedLine(std::string report) {
  if (const std::size_t at = report.find(kCachedLine); at != std::string::npos)
    report.erase(at, kCachedLine.size());
  return report;
}

class BuildCacheIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path("/var/tmp") / ("labgrade-build-cache-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    // alice and dave hand in the same files; carol's do not compile.
    const std::pair<const char*, fs::path> students[] = {
        {"alice", kSourceDir / "reference" / "mmap"},
        {"bob", kMmapSubmissions / "fails-on-empty"},
        {"carol", kMmapSubmissions / "does-not-compile"},
        {"dave", kSourceDir / "reference" / "mmap"}};
    for (const auto& [id, from] : students) {
      fs::create_directories(root_ / "class" / id);
      for (const char* file : {"mmcopy.c", "mmcount.c"})
        fs::copy_file(from / file, root_ / "class" / id / file);
    }
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  /// Grades the class into <root>/out, with the default cache <root>/out/.build-cache.
  CommandResult GradeClass(std::vector<std::string> extra_environment = {}) {
    return RunLabgrade({"grade", (kSourceDir / "labs" / "mmap").string(), "--submissions",
                        (root_ / "class").string(), "--out", (root_ / "out").string(), "--only",
                        "empty-file", "--jobs", "2"},
                       std::nullopt, std::move(extra_environment));
  }

  std::string Report(const std::string& id) { return ReadFile(root_ / "out" / id / "report.txt"); }

  fs::path root_;
};

// Grading again reuses every build, and the grades and reports are the same as the first time.
TEST_F(BuildCacheIntegration, SecondRunReusesEveryBuild) {
  const CommandResult first = GradeClass();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string gradebook = ReadFile(root_ / "out" / "gradebook.csv");
  const std::string carol = Report("carol");
  ASSERT_NE(carol.find("Build failed"), std::string::npos) << carol;
  EXPECT_NE(gradebook.find("alice,8,8"), std::string::npos) << gradebook;

  const CommandResult second = GradeClass();
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find(": 4 of 4 student builds and 3 of 3 reference builds reused\n"),
            std::string::npos)
      << second.out;
  EXPECT_EQ(ReadFile(root_ / "out" / "gradebook.csv"), gradebook);
  for (const char* id : {"alice", "bob", "carol", "dave"})
    EXPECT_NE(Report(id).find(kCachedLine), std::string::npos) << id << ":\n" << Report(id);
  // The failed build is reported word for word as before, compiler errors included.
  EXPECT_EQ(WithoutCachedLine(Report("carol")), carol);
}

// After one student changes a file, only that student's submission is built again.
TEST_F(BuildCacheIntegration, ChangedFileRebuildsOnlyThatStudent) {
  ASSERT_EQ(GradeClass().exit_code, 0);
  std::ofstream(root_ / "class" / "bob" / "mmcopy.c", std::ios::app) << "\n/* resubmitted */\n";
  const CommandResult again = GradeClass();
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find(": 3 of 4 student builds and 3 of 3 reference builds reused\n"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(Report("bob").find(kCachedLine), std::string::npos) << Report("bob");
  EXPECT_NE(Report("alice").find(kCachedLine), std::string::npos) << Report("alice");
}

// The toolchain is run once per class, by the class run, and each student's grader keys its
// builds with what it was handed: graded with another identity handed down, the builds are made
// again as in a first run (at most dave reuses alice's, the same files built moments before);
// a grader that ran the tools itself would find the same toolchain each time, and reuse all four.
TEST_F(BuildCacheIntegration, StudentsGradersUseTheToolchainTheClassRunFound) {
  const std::string first_toolchain = std::string(kToolchainVariable) + "=cc 1 (test)";
  ASSERT_EQ(GradeClass({first_toolchain}).exit_code, 0);
  const CommandResult same = GradeClass({first_toolchain});
  ASSERT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find(": 4 of 4 student builds and 3 of 3 reference builds reused\n"),
            std::string::npos)
      << same.out;
  const CommandResult other = GradeClass({std::string(kToolchainVariable) + "=cc 2 (test)"});
  ASSERT_EQ(other.exit_code, 0) << other.out << other.err;
  // "1 of 4", or 0 when dave's build starts before alice's is stored (two students at once).
  EXPECT_TRUE(other.out.find(": 1 of 4 student builds") != std::string::npos ||
              other.out.find(": 0 of 4 student builds") != std::string::npos)
      << other.out;
}

// --no-build-cache builds everything afresh and says nothing about a cache.
TEST_F(BuildCacheIntegration, NoBuildCacheBuildsAfresh) {
  ASSERT_EQ(GradeClass().exit_code, 0);
  const CommandResult fresh =
      RunLabgrade({"grade", (kSourceDir / "labs" / "mmap").string(), "--submissions",
                   (root_ / "class").string(), "--out", (root_ / "out").string(), "--only",
                   "empty-file", "--no-build-cache"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.out << fresh.err;
  EXPECT_EQ(fresh.out.find("build cache"), std::string::npos) << fresh.out;
  EXPECT_EQ(Report("alice").find(kCachedLine), std::string::npos) << Report("alice");
}

}  // namespace
}  // namespace labgrade
