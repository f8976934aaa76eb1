// Tests for reading `submission.provided`: files as before, folders (with or without a trailing
// '/') kept as folders, and each mistake (a path that is not there, a folder or a link leading
// out of the lab folder, two paths landing on one name) reported with file:line:col.
#include "harness/spec/provided_paths.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

using testing::kEchoTest;
using testing::kHead;

class ProvidedPathsTest : public testing::SpecLoaderTest {
 protected:
  void SetUp() override {
    SpecLoaderTest::SetUp();
    fs::create_directories(lab_dir_ / "unplib");
    WriteFile(lab_dir_ / "unplib" / "unp.h", "#pragma once\n");
  }

  /// The lab with `provided: LIST` (on line 5; its first element at column 14).
  SpecLoad LoadProvided(const std::string& list) const {
    std::string yaml = std::string(kHead) + std::string(kEchoTest);
    yaml.insert(yaml.find("build:"), "  provided: " + list + "\n");
    return Load(yaml);
  }
};

// A folder, written with or without its '/', is a folder; a file is a file, as before.
TEST_F(ProvidedPathsTest, ReadsFoldersAndFiles) {
  for (const std::string written : {"unplib/", "unplib", "./unplib/"}) {
    const SpecLoad load = LoadProvided("[" + written + ", starter/xfr.h]");
    ASSERT_TRUE(load.spec.has_value()) << Report(load);
    EXPECT_EQ(load.spec->provided_folders, std::vector<std::string>{"unplib"}) << written;
    EXPECT_EQ(load.spec->provided_files, std::vector<std::string>{"starter/xfr.h"}) << written;
  }
}

// A link inside the folder that stays inside it is copied as a link, and is fine.
TEST_F(ProvidedPathsTest, AcceptsALinkInsideTheFolder) {
  fs::create_symlink("unp.h", lab_dir_ / "unplib" / "alias.h");
  const SpecLoad load = LoadProvided("[unplib]");
  EXPECT_TRUE(load.spec.has_value()) << Report(load);
}

// A path that is neither a file nor a folder of the lab is named.
TEST_F(ProvidedPathsTest, ReportsAPathThatIsNotThere) {
  EXPECT_EQ(Report(LoadProvided("[unplb/]")),
            "labs/demo/lab.yaml:5:14: error: submission.provided[0]: 'unplb/' is not a file or "
            "a folder in the lab folder\n"
            "    provided: [unplb/]\n"
            "               ^\n");
}

// A folder reached through a link out of the lab folder is not the lab's.
TEST_F(ProvidedPathsTest, ReportsAFolderLeadingOutOfTheLab) {
  fs::create_directories(root_ / "elsewhere");
  fs::create_directory_symlink(root_ / "elsewhere", lab_dir_ / "outside");
  EXPECT_EQ(Report(LoadProvided("[outside/]")),
            "labs/demo/lab.yaml:5:14: error: submission.provided[0]: 'outside/' leads out of the "
            "lab folder (a link to " +
                fs::canonical(root_ / "elsewhere").string() +
                "): provide a folder of the lab's own\n"
                "    provided: [outside/]\n"
                "               ^\n");
}

// A link in the folder that leads out of it would point elsewhere in the build.
TEST_F(ProvidedPathsTest, ReportsALinkLeadingOutOfTheFolder) {
  fs::create_symlink("../starter/xfr.h", lab_dir_ / "unplib" / "xfr.h");
  EXPECT_EQ(Report(LoadProvided("[unplib]")),
            "labs/demo/lab.yaml:5:14: error: submission.provided[0]: 'unplib' holds a link that "
            "leads out of it, 'unplib/xfr.h' (to ../starter/xfr.h): the folder is copied as it "
            "is, so put the file itself there\n"
            "    provided: [unplib]\n"
            "               ^\n");
}

// Two paths that would land on one name in the build folder.
TEST_F(ProvidedPathsTest, ReportsTwoPathsLandingOnOneName) {
  fs::create_directories(lab_dir_ / "other" / "unplib");
  EXPECT_EQ(Report(LoadProvided("[unplib, other/unplib/]")),
            "labs/demo/lab.yaml:5:22: error: submission.provided[1]: 'other/unplib' would land "
            "in the build folder as 'unplib', as 'unplib' does: give each provided file or "
            "folder a name of its own\n"
            "    provided: [unplib, other/unplib/]\n"
            "                       ^\n");
}

// A provided path lands by its base name.
TEST(ProvidedName, IsTheBaseName) {
  EXPECT_EQ(ProvidedName("starter/xfr.h"), "xfr.h");
  EXPECT_EQ(ProvidedName("lib/unplib/"), "unplib");
  EXPECT_EQ(ProvidedName("unplib"), "unplib");
}

}  // namespace
}  // namespace labgrade
