// The labgrade command as users run it: exit statuses, report files, spec errors, and grading
// as an ordinary (non-root) user through a user namespace.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/program_run.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = LABGRADE_SOURCE_DIR;
const fs::path kLabgrade = fs::path(LABGRADE_BINARY_DIR) / "labgrade";
const fs::path kLab = kSourceDir / "labs" / "shm-xfer";

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandResult RunLabgrade(std::vector<std::string> args,
                          std::optional<uid_t> as_user = std::nullopt) {
  LaunchSpec spec;
  spec.executable = kLabgrade;
  spec.args = std::move(args);
  spec.working_dir = kSourceDir;
  spec.environment = {"PATH=/usr/bin:/bin", "NO_COLOR=1"};
  spec.sandbox.uid = as_user;
  spec.sandbox.gid = as_user;
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{300'000, 16 << 20, 1'000});
  if (auto* error = std::get_if<LaunchError>(&started)) {
    ADD_FAILURE() << error->message;
    return {};
  }
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  const ProgramEnd& end = run->end();
  return {end.exited ? end.exit_code : 128 + end.term_signal, end.out.bytes, end.err.bytes};
}

fs::path ScratchDir(const std::string& name) {
  fs::path dir = fs::path("/var/tmp") / ("labgrade-cli-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::all);
  return dir;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// validate accepts the shipped lab and says what it found.
TEST(CliIntegration, ValidateAcceptsTheShippedLab) {
  CommandResult result = RunLabgrade({"validate", kLab.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("shm-xfer (Shared-memory transfer), 14 tests, 100 points: OK"),
            std::string::npos)
      << result.out;
}

// A broken spec exits 2 and names file, line and column, and the results file still says why.
TEST(CliIntegration, BrokenSpecExitsTwoWithFileLineAndColumn) {
  fs::path lab = ScratchDir("broken-spec");
  std::ofstream(lab / "lab.yaml") << "name: broken\ntitle: Broken\nsubmision:\n  required: [a.c]\n";
  fs::path results = lab / "results.json";
  CommandResult result = RunLabgrade(
      {"check", lab.string(), "--submission", lab.string(), "--results", results.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find((lab / "lab.yaml").string() + ":3:1: error:"), std::string::npos)
      << result.err;
  auto json = nlohmann::json::parse(ReadFile(results));
  EXPECT_EQ(json["score"], 0);
  EXPECT_NE(json["output"].get<std::string>().find("lab.yaml:3:1"), std::string::npos)
      << json.dump(2);
  fs::remove_all(lab);
}

// A submission folder that does not exist is a command-line error: exit 2.
TEST(CliIntegration, MissingSubmissionFolderExitsTwo) {
  CommandResult result =
      RunLabgrade({"check", kLab.string(), "--submission", "/nonexistent/submission"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("/nonexistent/submission"), std::string::npos) << result.err;
}

// A failing submission exits 1 and writes results.json and JUnit XML with its failures.
TEST(CliIntegration, FailingSubmissionExitsOneAndWritesReports) {
  fs::path out = ScratchDir("reports");
  CommandResult result =
      RunLabgrade({"check", kLab.string(), "--submission",
                   (kSourceDir / "tests/submissions/shm-xfer/segment-leak").string(), "--only",
                   "cleanup-after-transfer", "--results", (out / "results.json").string(),
                   "--junit", (out / "junit.xml").string()});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("FAIL   cleanup-after-transfer"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("a shared memory segment (key 0x"), std::string::npos) << result.out;
  auto json = nlohmann::json::parse(ReadFile(out / "results.json"));
  ASSERT_EQ(json["tests"].size(), 1u);
  EXPECT_EQ(json["tests"][0]["name"], "cleanup-after-transfer");
  EXPECT_EQ(json["tests"][0]["status"], "failed");
  EXPECT_NE(ReadFile(out / "junit.xml").find("<failure"), std::string::npos);
  fs::remove_all(out);
}

// selftest grades the reference: full marks and exit 0.
TEST(CliIntegration, SelftestScoresFullMarks) {
  CommandResult result = RunLabgrade({"selftest", kLab.string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("Score: 100/100"), std::string::npos) << result.out;
}

// An ordinary user grades in namespaces too, through a user namespace of its own.
TEST(CliIntegration, OrdinaryUserGradesInsideAUserNamespace) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to start labgrade as another user";
  constexpr uid_t kNobody = 65534;
  CommandResult result = RunLabgrade({"selftest", kLab.string()}, kNobody);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("Score: 100/100"), std::string::npos) << result.out;
  if (result.out.find("host mode") != std::string::npos) {
    GTEST_SKIP()
        << "this kernel refuses unprivileged user namespaces; labgrade fell back to host mode:\n"
        << result.out;
  }
  EXPECT_NE(result.out.find("inside a user namespace"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace labgrade
