// Hidden tests from an instructor's overlay, through the labgrade command: the shipped mmap lab,
// which sets hidden_points: 10, graded with labs/mmap/hidden-tests.example.yaml, whose two tests
// then appear in results.json as hidden.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/process/program_run.h"
#include "tests/integration/hidden_points_lab.h"
#include "tests/integration/labgrade_command.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::ReadFile;
using testing::RunLabgrade;

const fs::path kSourceDir = LABGRADE_SOURCE_DIR;
const fs::path kOverlay = testing::kHiddenTestsExample;

const nlohmann::json* FindTest(const nlohmann::json& results, const std::string& name) {
  for (const nlohmann::json& test : results["tests"]) {
    if (test["name"] == name) return &test;
  }
  return nullptr;
}

using OverlayIntegration = testing::HiddenPointsLabTest;

// Without its overlay the students' copy validates, its points short by the hidden ones.
TEST_F(OverlayIntegration, StudentsCopyValidatesWithoutTheOverlay) {
  const CommandResult result = RunLabgrade({"validate", lab_.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, lab_.string() +
                            ": mmap (Memory-mapped files), 13 tests, 90 points (and 10 from hidden "
                            "tests in an overlay): OK\n");
}

// With the overlay, validate counts its hidden tests and the points total 100.
TEST_F(OverlayIntegration, ValidateCountsTheOverlaysTests) {
  const CommandResult result =
      RunLabgrade({"validate", lab_.string(), "--overlay", kOverlay.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            lab_.string() + ": mmap (Memory-mapped files), 15 tests (2 hidden), 100 points: OK\n");
}

// The reference passes the hidden tests too: selftest with the overlay scores 100/100.
TEST_F(OverlayIntegration, SelftestWithTheOverlayScoresFullMarks) {
  const CommandResult result =
      RunLabgrade({"selftest", lab_.string(), "--overlay", kOverlay.string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("Score: 100/100"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("odd-size-copy (hidden)"), std::string::npos) << result.out;
}

// Grading a class with the overlay marks its tests hidden in results.json, and report.txt shows
// a failed hidden test's line without its details.
TEST_F(OverlayIntegration, GradeMarksTheOverlaysTestsHidden) {
  fs::create_directories(root_ / "class");
  fs::copy(fs::path(LABGRADE_SUBMISSIONS_DIR) / "mmap" / "leaves-tail", root_ / "class" / "erin");
  const CommandResult result =
      RunLabgrade({"grade", lab_.string(), "--overlay", kOverlay.string(), "--submissions",
                   (root_ / "class").string(), "--out", (root_ / "out").string()});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const nlohmann::json results =
      nlohmann::json::parse(ReadFile(root_ / "out" / "erin" / "results.json"));
  ASSERT_EQ(results["tests"].size(), 15u) << results.dump(2);
  const nlohmann::json* odd = FindTest(results, "odd-size-copy");
  const nlohmann::json* tail = FindTest(results, "longer-dst-odd-size");
  const nlohmann::json* text = FindTest(results, "text-copy");
  ASSERT_TRUE(odd && tail && text) << results.dump(2);
  EXPECT_EQ((*odd)["visibility"], "after_published");
  EXPECT_EQ((*odd)["status"], "passed");
  EXPECT_EQ((*tail)["visibility"], "after_published");
  EXPECT_EQ((*tail)["status"], "failed");
  EXPECT_EQ((*tail)["max_score"], 5);
  EXPECT_EQ((*text)["visibility"], "visible");
  // leaves-tail fails longer-dst (4 points) and the hidden longer-dst-odd-size (5).
  EXPECT_EQ(results["score"], 91);
  const std::string report = ReadFile(root_ / "out" / "erin" / "report.txt");
  const std::size_t line = report.find("FAIL   longer-dst-odd-size (hidden)");
  ASSERT_NE(line, std::string::npos) << report;
  const std::size_t next_line = report.find('\n', line) + 1;
  EXPECT_NE(report.compare(next_line, 2, "  "), 0) << "details under a hidden test:\n" << report;
  EXPECT_EQ(report.find("size: 5003"), std::string::npos) << report;
}

// check leaves a hidden test's details out of the terminal report unless asked for them.
TEST_F(OverlayIntegration, CheckShowsHiddenDetailsOnlyWhenAsked) {
  const std::vector<std::string> args = {
      "check",        lab_.string(),
      "--overlay",    kOverlay.string(),
      "--submission", (fs::path(LABGRADE_SUBMISSIONS_DIR) / "mmap" / "leaves-tail").string(),
      "--only",       "longer-dst-odd-size"};
  const CommandResult plain = RunLabgrade(args);
  EXPECT_EQ(plain.exit_code, 1) << plain.out << plain.err;
  EXPECT_NE(plain.out.find("FAIL   longer-dst-odd-size (hidden)"), std::string::npos) << plain.out;
  EXPECT_EQ(plain.out.find("dst is 5003 bytes long"), std::string::npos) << plain.out;
  std::vector<std::string> detailed = args;
  detailed.push_back("--show-hidden-details");
  const CommandResult shown = RunLabgrade(detailed);
  EXPECT_EQ(shown.exit_code, 1) << shown.out << shown.err;
  EXPECT_NE(shown.out.find("dst is 5003 bytes long"), std::string::npos) << shown.out;
}

// A copy of the lab without hidden_points (its tests given those 10 points back) refuses the
// overlay, saying what to change.
TEST_F(OverlayIntegration, LabWithoutHiddenPointsRefusesTheOverlay) {
  const fs::path copy = root_ / "mmap";
  fs::copy(lab_, copy, fs::copy_options::recursive);
  std::string yaml = ReadFile(copy / "lab.yaml");
  yaml.replace(yaml.find("hidden_points: 10\n"), 18, "");
  yaml.replace(yaml.find("reference: ../../reference/mmap"), 32,
               "reference: " + (kSourceDir / "reference" / "mmap").string());
  const std::size_t large = yaml.find("points: 7", yaml.find("  - name: large-copy-64mib"));
  ASSERT_NE(large, std::string::npos);
  yaml.replace(large, 9, "points: 17");
  std::ofstream(copy / "lab.yaml", std::ios::trunc) << yaml;
  const CommandResult result =
      RunLabgrade({"validate", copy.string(), "--overlay", kOverlay.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(kOverlay.string() +
                            ":14:1: error: tests: points add up to 10, but the lab sets no "
                            "hidden_points: add 'hidden_points: 10' to "),
            std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace labgrade
