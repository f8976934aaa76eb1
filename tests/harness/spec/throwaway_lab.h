// A fixture for the spec tests: a throwaway repository in a fresh temporary folder, holding
// <root>/labs/demo (with data/ and starter/) and <root>/reference/demo, removed after the test.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "harness/spec/spec_loader.h"

namespace labgrade::testing {

class ThrowawayLabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "labgrade_lab.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << "mkdtemp(" << pattern << ")";
    root_ = pattern;
    lab_dir_ = root_ / "labs" / "demo";
    std::filesystem::create_directories(lab_dir_ / "data");
    std::filesystem::create_directories(lab_dir_ / "starter");
    std::filesystem::create_directories(root_ / "reference" / "demo");
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  static void WriteFile(const std::filesystem::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }

  /// `yaml` as labs/demo/lab.yaml of the throwaway repository.
  SpecLoad LoadLab(std::string_view yaml) const {
    return LoadLabSpecFromString(yaml, "labs/demo/lab.yaml", lab_dir_);
  }

  std::filesystem::path root_;
  std::filesystem::path lab_dir_;
};

}  // namespace labgrade::testing
