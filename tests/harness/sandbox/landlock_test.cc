// Landlock: a confined program reaches the folders its rules name and nothing else, whatever its
// uid, and cannot look into an unconfined process of the same user through /proc.
#include "harness/sandbox/landlock.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "harness/process/program_run.h"
#include "harness/sandbox/program_confinement.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

const fs::path kPrograms = LABGRADE_TEST_PROGRAMS_DIR;

class LandlockTest : public testing::Test {
 protected:
  void SetUp() override {
    support_ = ProbeLandlock();
    if (support_.abi == 0) GTEST_SKIP() << support_.unavailable;
    std::string pattern = "/var/tmp/labgrade-landlock-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "allowed");
    fs::create_directories(root_ / "hidden");
    std::ofstream(root_ / "hidden" / "secret.txt") << "the reference's source\n";
    fs::copy_file("/bin/true", root_ / "hidden" / "program");
  }
  void TearDown() override {
    std::error_code ignored;
    if (!root_.empty()) fs::remove_all(root_, ignored);
  }

  /// Runs file-probe with `args`, confined to the standard folders, the test programs and
  /// `allowed`; what it printed.
  std::string Probe(std::vector<std::string> args) {
    const LandlockRules rules =
        ConfinementRules(support_.abi, {{kPrograms.string(), FolderAccess::kReadExecute},
                                        {(root_ / "allowed").string(), FolderAccess::kEverything}});
    LaunchSpec spec;
    spec.executable = kPrograms / "file-probe";
    spec.args = std::move(args);
    spec.working_dir = "/";
    spec.environment = {"PATH=/usr/bin:/bin"};
    spec.sandbox.landlock = &rules;
    auto started = ProgramRun::Start(spec, nullptr, RunLimits{30'000, 1 << 20, 1'000});
    if (auto* error = std::get_if<LaunchError>(&started)) {
      ADD_FAILURE() << error->message;
      return "";
    }
    auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
    EXPECT_TRUE(run->WaitUntilFinished(Clock::now() + std::chrono::seconds(30)));
    return run->end().out.bytes;
  }

  LandlockSupport support_;
  fs::path root_;
};

// A folder the rules do not name can be neither read nor executed from, even by root; the named
// one can be written, the system's read.
TEST_F(LandlockTest, ConfinesToTheNamedFolders) {
  const std::string hidden = (root_ / "hidden").string();
  const std::string allowed = (root_ / "allowed").string();
  EXPECT_EQ(Probe({"read:" + hidden + "/secret.txt", "exec:" + hidden + "/program",
                   "list:" + hidden, "write:" + allowed + "/out", "read:/etc/passwd",
                   "exec:/bin/true", "write:" + hidden + "/planted"}),
            "read " + hidden + "/secret.txt: EACCES\n" + "exec " + hidden + "/program: EACCES\n" +
                "list " + hidden + ": EACCES\n" + "write " + allowed + "/out: ok\n" +
                "read /etc/passwd: ok\n" + "exec /bin/true: ok\n" + "write " + hidden +
                "/planted: EACCES\n");
  EXPECT_FALSE(fs::exists(root_ / "hidden" / "planted"));
}

// A confined program can neither open the memory of an unconfined process of the same user
// (the user-namespace mode runs the reference so) nor read its executable through /proc/PID/exe:
// Landlock refuses ptrace-mode attach across domains, and checks a magic link's target against
// the rules like any path.
TEST_F(LandlockTest, KeepsAConfinedProgramOutOfOtherProcesses) {
  fs::copy_file(kPrograms / "sleep-forever", root_ / "hidden" / "server");
  LaunchSpec spec;
  spec.executable = root_ / "hidden" / "server";
  spec.working_dir = "/";
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{60'000, 1 << 20, 1'000});
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(started));
  auto& other = std::get<std::unique_ptr<ProgramRun>>(started);
  const std::string proc = "/proc/" + std::to_string(other->pid());
  EXPECT_EQ(Probe({"read:" + proc + "/mem", "read:" + proc + "/exe", "exec:" + proc + "/exe"}),
            "read " + proc + "/mem: EACCES\n" + "read " + proc + "/exe: EACCES\n" + "exec " + proc +
                "/exe: EACCES\n");
  other->Terminate();
}

}  // namespace
}  // namespace labgrade
