// Gradescope, on this machine: `labgrade gradescope` writes the zip Gradescope takes, and
// labgrade graded under no-namespaces (a seccomp filter refusing namespaces, as in Gradescope's
// containers) falls back to host mode, says so and why in results.json, and fails exactly the
// tests isolated grading fails, but for the tests host mode cannot run, which count 0 out of 0.
// The whole autograder in a Gradescope-shaped root, for every defective submission:
// tests/deploy/clean_root_test.sh.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/labgrade_command.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;

const fs::path kSourceDir = LABGRADE_SOURCE_DIR;
const fs::path kLabgrade = fs::path(LABGRADE_BINARY_DIR) / "labgrade";
const fs::path kNoNamespaces = LABGRADE_NO_NAMESPACES;

class GradescopeIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path("/var/tmp") / fmt::format("labgrade-gradescope-{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  fs::path dir_;
};

// A submission graded where namespaces are refused: host mode, said with why in results.json;
// the failures isolated grading pins (EXPECTED_FAILURES), but lossy-network, which needs a
// network namespace of its own, is 0 out of 0.
TEST_F(GradescopeIntegration, GradesInHostModeWhereNamespacesAreRefused) {
  if (kNoNamespaces.empty()) GTEST_SKIP() << "no-namespaces was not built: it needs libseccomp-dev";
  const fs::path submission = fs::path(LABGRADE_SUBMISSIONS_DIR) / "udp-echo" / "no-retransmission";
  const fs::path results = dir_ / "results.json";
  const testing::CommandResult result = testing::RunProgram(
      kNoNamespaces, {kLabgrade.string(), "check",
                      (fs::path(LABGRADE_BINARY_DIR) / "bundles" / "udp-echo.tar.gz").string(),
                      "--submission", submission.string(), "--results", results.string()});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  const auto json = nlohmann::json::parse(ReadFile(results));
  EXPECT_EQ(json["extra_data"]["isolation"], "host");
  EXPECT_NE(json["output"].get<std::string>().find(
                "Isolation: host mode (one test at a time): cannot create a test cell: "
                "unshare(CLONE_NEWIPC|CLONE_NEWNET|CLONE_NEWUTS): Operation not permitted"),
            std::string::npos)
      << json["output"];
  std::set<std::string> failed;
  int score = 0;
  for (const auto& test : json["tests"]) {
    score += test["score"].get<int>();
    if (test["name"] == "lossy-network") {
      EXPECT_EQ(test["max_score"], 0);
      EXPECT_EQ(test["score"], 0);
    } else if (test["status"] == "failed") {
      failed.insert(test["name"].get<std::string>());
    }
  }
  EXPECT_EQ(failed, std::set<std::string>{"retransmits-lost-datagrams"});
  EXPECT_EQ(json["score"], score);
}

// The zip holds setup.sh and run_autograder, executable, the package and the lab's bundle at
// its root; the command names the tests Gradescope cannot run and what to set there.
TEST_F(GradescopeIntegration, WritesTheAutograderZip) {
  const fs::path package = dir_ / "labgrade_0.1.0-1~ubuntu24.04_amd64.deb";
  std::ofstream(package)
      << "!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n";
  const fs::path zip = dir_ / "autograder.zip";
  const testing::CommandResult result = testing::RunProgram(
      kLabgrade, {"gradescope", "udp-echo", "--package", package.string(), "--out", zip.string()});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("where lossy-network (15 points) cannot run"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("Set the assignment's autograder points to 85"), std::string::npos);
  if (!fs::exists("/usr/bin/unzip")) GTEST_SKIP() << "unzip is not installed";
  const testing::CommandResult listing =
      testing::RunProgram("/usr/bin/unzip", {"-Z", zip.string()});
  for (const char* line : {"-rwxr-xr-x", "setup.sh", "run_autograder",
                           "labgrade_0.1.0-1~ubuntu24.04_amd64.deb", "udp-echo.tar.gz"}) {
    EXPECT_NE(listing.out.find(line), std::string::npos) << line << " in\n" << listing.out;
  }
}

// A file that is not a Debian package is refused before anything is written.
TEST_F(GradescopeIntegration, RefusesAPackageThatIsNotADebianPackage) {
  const fs::path package = dir_ / "labgrade.deb";
  std::ofstream(package) << "not a package\n";
  const testing::CommandResult result =
      testing::RunProgram(kLabgrade, {"gradescope", "mmap", "--package", package.string(), "--out",
                                      (dir_ / "autograder.zip").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "labgrade: gradescope: " + package.string() +
                            " is not a Debian package (an ar archive starting with "
                            "debian-binary)\n");
  EXPECT_FALSE(fs::exists(dir_ / "autograder.zip"));
}

// A lab that requires isolation is refused: Gradescope's containers have no namespaces, so every
// submission would stop ungraded there. Nothing is written.
TEST_F(GradescopeIntegration, RefusesALabThatRequiresIsolation) {
  const fs::path package = dir_ / "labgrade.deb";
  std::ofstream(package) << "!<arch>\ndebian-binary   0           0     0     100644  4";
  const testing::CommandResult result = testing::RunProgram(
      kLabgrade, {"gradescope", (kSourceDir / "labs/shm-xfer-fixed-keys").string(), "--package",
                  package.string(), "--out", (dir_ / "autograder.zip").string()});
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_EQ(result.err,
            "labgrade: gradescope: shm-xfer-fixed-keys says 'isolation: required', and "
            "Gradescope's containers refuse the namespaces labgrade's cells need, so every "
            "submission would stop ungraded there; grade it with labgrade grade on a machine "
            "where labgrade can make cells\n");
  EXPECT_FALSE(fs::exists(dir_ / "autograder.zip"));
}

}  // namespace
}  // namespace labgrade
