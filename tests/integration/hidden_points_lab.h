// The shipped mmap lab, which sets hidden_points: 10, and its overlay
// labs/mmap/hidden-tests.example.yaml (two tests, 10 points) that completes it to 100; a fresh
// scratch folder under /var/tmp for each test.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/labgrade_command.h"

namespace labgrade::testing {

inline const std::filesystem::path kHiddenTestsExample =
    std::filesystem::path(LABGRADE_SOURCE_DIR) / "labs" / "mmap" / "hidden-tests.example.yaml";

class HiddenPointsLabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path("/var/tmp") /
            ("labgrade-hidden-points-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  std::filesystem::path root_;  ///< a scratch folder for the test
  const std::filesystem::path lab_ = std::filesystem::path(LABGRADE_SOURCE_DIR) / "labs" / "mmap";
};

}  // namespace labgrade::testing
