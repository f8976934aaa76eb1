// A copy of the mmap lab that takes an instructor's overlay: it sets hidden_points: 10 and
// leaves out large-copy-64mib (worth 10), so that labs/mmap/hidden-tests.example.yaml (two
// tests, 10 points) completes it to 100. Made in a fresh folder under /var/tmp.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/labgrade_command.h"

namespace labgrade::testing {

inline const std::filesystem::path kHiddenTestsExample =
    std::filesystem::path(LABGRADE_SOURCE_DIR) / "labs" / "mmap" / "hidden-tests.example.yaml";

class HiddenPointsLabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    namespace fs = std::filesystem;
    const fs::path source = LABGRADE_SOURCE_DIR;
    root_ = fs::path("/var/tmp") / ("labgrade-hidden-points-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    lab_ = root_ / "mmap";
    fs::create_directories(root_);
    fs::copy(source / "labs" / "mmap", lab_, fs::copy_options::recursive);
    std::string yaml = ReadFile(lab_ / "lab.yaml");
    const std::size_t large = yaml.find("  - name: large-copy-64mib");
    const std::size_t next = yaml.find("  - name: empty-file");
    ASSERT_TRUE(large != std::string::npos && next != std::string::npos);
    yaml.erase(large, next - large);
    yaml.replace(yaml.find("reference: ../../reference/mmap"), 32,
                 "reference: " + (source / "reference" / "mmap").string());
    yaml.replace(yaml.find("\ntests:\n"), 8, "\nhidden_points: 10\ntests:\n");
    std::ofstream(lab_ / "lab.yaml", std::ios::trunc) << yaml;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  std::filesystem::path root_;
  std::filesystem::path lab_;
};

}  // namespace labgrade::testing
