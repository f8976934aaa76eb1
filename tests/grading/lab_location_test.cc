// Tests for finding the lab a command names: a folder or lab.yaml as given, a shipped lab by
// name, and what is said when there is neither. Bundle files: tests/integration/lab_bundle_test.cc.
#include "grading/lab_location.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

namespace fs = std::filesystem;

/// An installed layout in a temporary folder: <root>/bin/labgrade and
/// <root>/share/labgrade/labs/{mmap,shm-xfer}/lab.yaml.
class LabLocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "labgrade_location.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "bin");
    shipped_ = root_ / "share" / "labgrade" / "labs";
    for (const char* lab : {"mmap", "shm-xfer"}) {
      fs::create_directories(shipped_ / lab);
      std::ofstream(shipped_ / lab / "lab.yaml") << "name: " << lab << "\n";
    }
    fs::create_directories(shipped_ / "not-a-lab");
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  fs::path root_;
  fs::path shipped_;
};

// Installed, the shipped labs are in share/labgrade/labs beside bin/; in a build tree, beside
// the executable.
TEST_F(LabLocationTest, ShippedLabsAreBesideTheExecutable) {
  EXPECT_EQ(ShippedLabsDir(root_ / "bin" / "labgrade"), shipped_);
  EXPECT_EQ(ShippedLabsDir(root_ / "src" / "build" / "labgrade"),
            root_ / "src" / "build" / "share" / "labgrade" / "labs");
  EXPECT_EQ(ShippedLabNames(shipped_), (std::vector<std::string>{"mmap", "shm-xfer"}));
}

// A name that is no path here is a shipped lab.
TEST_F(LabLocationTest, FindsAShippedLabByName) {
  auto found = LabLocation::Find("shm-xfer", shipped_);
  ASSERT_TRUE(std::holds_alternative<LabLocation>(found)) << std::get<std::string>(found);
  EXPECT_EQ(std::get<LabLocation>(found).spec_path(), shipped_ / "shm-xfer");
  EXPECT_FALSE(std::get<LabLocation>(found).bundle());
}

// A folder of that name here wins over the shipped lab: what is given is a path first.
TEST_F(LabLocationTest, APathWinsOverAShippedName) {
  const fs::path here = root_ / "work" / "mmap";
  fs::create_directories(here);
  const fs::path before = fs::current_path();
  fs::current_path(root_ / "work");
  auto found = LabLocation::Find("mmap", shipped_);
  fs::current_path(before);
  ASSERT_TRUE(std::holds_alternative<LabLocation>(found));
  EXPECT_EQ(std::get<LabLocation>(found).spec_path(), "mmap");
}

// Neither a path nor a shipped lab: the message lists what is shipped and where.
TEST_F(LabLocationTest, NamesTheShippedLabsWhenThereIsNoSuchLab) {
  auto found = LabLocation::Find("shm-xfr", shipped_);
  ASSERT_TRUE(std::holds_alternative<std::string>(found));
  EXPECT_EQ(std::get<std::string>(found),
            "shm-xfr: no lab folder, lab.yaml or bundle file of that name here, and no lab of "
            "that name is shipped with labgrade (shipped in " +
                shipped_.string() + ": mmap, shm-xfer)");
}

// A path that does not exist is passed on as given: the spec loader says it cannot read it.
TEST_F(LabLocationTest, PassesOnAMissingPath) {
  auto found = LabLocation::Find("labs/nowhere", shipped_);
  ASSERT_TRUE(std::holds_alternative<LabLocation>(found));
  EXPECT_EQ(std::get<LabLocation>(found).spec_path(), "labs/nowhere");
}

// A file that is no bundle is refused by name.
TEST_F(LabLocationTest, RefusesAFileThatIsNoBundle) {
  const fs::path file = root_ / "notes.txt";
  std::ofstream(file) << "not a tar\n";
  auto found = LabLocation::Find(file.string(), shipped_);
  ASSERT_TRUE(std::holds_alternative<std::string>(found));
  EXPECT_EQ(std::get<std::string>(found).rfind("cannot extract the bundle " + file.string(), 0), 0u)
      << std::get<std::string>(found);
}

}  // namespace
}  // namespace labgrade
