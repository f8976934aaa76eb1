// Grading whole submissions of every lab through the real build, cells and checks: each lab's
// reference gets full marks, and each defective submission (tests/submissions/<lab>/<defect>/,
// made in the build tree by scripts/make-submissions.sh) fails exactly the tests its
// EXPECTED_FAILURES file names.
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "grading/grader.h"
#include "harness/probes/ipcs_probe.h"
#include "harness/process/program_run.h"
#include "harness/spec/spec_loader.h"
#include "tests/integration/grading_support.h"
#include "tests/integration/lab_sources.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

using testing::Describe;
using testing::FailedTests;
using testing::kLabgrade;
using testing::kSourceDir;
using testing::LoadLab;
using testing::Namespaces;

/// The tests this machine could not run (e.g. no netem), announced so a reader of the test log
/// knows what went unverified here.
std::set<std::string> SkippedTests(const GradeReport& report) {
  std::set<std::string> skipped;
  for (const TestResult& test : report.tests) {
    if (test.outcome != Outcome::kSkipped) continue;
    skipped.insert(test.name);
    std::cout << "[ NOTE     ] " << test.name << " was skipped on this machine: "
              << (test.checks.empty() ? "" : test.checks.front().rationale) << "\n";
  }
  return skipped;
}

/// `names` without the `skipped` ones.
std::set<std::string> Without(std::set<std::string> names, const std::set<std::string>& skipped) {
  for (const std::string& name : skipped) names.erase(name);
  return names;
}

using testing::DefectiveSubmissions;
using testing::Submission;

std::set<std::string> ExpectedFailures(const Submission& submission) {
  std::ifstream file(fs::path(LABGRADE_SUBMISSIONS_DIR) / submission.lab / submission.defect /
                     "EXPECTED_FAILURES");
  std::set<std::string> names;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty() && line[0] != '#') names.insert(line);
  }
  return names;
}

class ReferenceIntegration : public ::testing::TestWithParam<std::string> {};

// The lab's own reference solution scores full marks in isolated cells.
TEST_P(ReferenceIntegration, ScoresFullMarks) {
  LabSpec lab = LoadLab(GetParam());
  GradeOptions options;
  options.submission_dir = lab.reference_dir;
  GradeReport report = GradeSubmission(lab, options, Namespaces());
  SkippedTests(report);
  // Out of 100, less the points of hidden tests and what this machine could not run.
  EXPECT_EQ(report.max_score + report.skipped_points, 100 - lab.hidden_points);
  EXPECT_EQ(report.score, report.max_score) << Describe(report);
  EXPECT_TRUE(FailedTests(report).empty()) << Describe(report);
  if (::geteuid() == 0) {
    EXPECT_EQ(report.isolation, IsolationMode::kNamespaces) << report.isolation_note;
  }
}

INSTANTIATE_TEST_SUITE_P(Labs, ReferenceIntegration, ::testing::ValuesIn(testing::RepositoryLabs()),
                         [](const auto& info) { return testing::InstanceName(info.param); });

class DefectIntegration : public ::testing::TestWithParam<Submission> {};

// A defective submission fails exactly the tests that exist to catch its defect, as failures
// of the student's (never as the grader's errors), and passes all the others.
TEST_P(DefectIntegration, FailsExactlyTheExpectedTests) {
  const Submission& submission = GetParam();
  LabSpec lab = LoadLab(submission.lab);
  GradeOptions options;
  options.submission_dir = fs::path(LABGRADE_SUBMISSIONS_DIR) / submission.lab / submission.defect;
  GradeReport report = GradeSubmission(lab, options, Namespaces());
  EXPECT_TRUE(report.grader_error.empty()) << report.grader_error;
  for (const TestResult& test : report.tests)
    EXPECT_NE(test.outcome, Outcome::kError) << test.name << ": " << test.grader_error;
  // A test skipped here (no netem) can prove nothing either way.
  EXPECT_EQ(FailedTests(report), Without(ExpectedFailures(submission), SkippedTests(report)))
      << Describe(report);
  EXPECT_LT(report.score, report.max_score);
}

INSTANTIATE_TEST_SUITE_P(Submissions, DefectIntegration,
                         ::testing::ValuesIn(DefectiveSubmissions()), [](const auto& info) {
                           return testing::InstanceName(info.param.lab + "_" + info.param.defect);
                         });

// A submission that does not compile gets a report with the compiler's message and zero, with
// every test listed as not run.
TEST(BuildFailureIntegration, ReportsTheCompilerOutputAndScoresZero) {
  LabSpec lab = LoadLab("shm-xfer");
  GradeOptions options;
  options.submission_dir = fs::path(LABGRADE_SUBMISSIONS_DIR) / "shm-xfer/does-not-compile";
  GradeReport report = GradeSubmission(lab, options, Namespaces());
  EXPECT_FALSE(report.build.ok);
  EXPECT_NE(report.build.log.find("error:"), std::string::npos) << report.build.log;
  EXPECT_NE(report.build.command.find("cc -std=gnu11"), std::string::npos);
  EXPECT_EQ(report.score, 0);
  EXPECT_EQ(report.tests.size(), lab.tests.size());
  EXPECT_TRUE(report.grader_error.empty());
}

// A submission missing a required file is told which file, rather than failing to compile.
TEST(BuildFailureIntegration, NamesAMissingRequiredFile) {
  LabSpec lab = LoadLab("shm-xfer");
  fs::path submission =
      fs::temp_directory_path() / ("labgrade-missing-" + std::to_string(::getpid()));
  fs::create_directories(submission);
  fs::copy_file(lab.reference_dir / "reader.c", submission / "reader.c",
                fs::copy_options::overwrite_existing);
  GradeOptions options;
  options.submission_dir = submission;
  GradeReport report = GradeSubmission(lab, options, Namespaces());
  fs::remove_all(submission);
  EXPECT_FALSE(report.build.ok);
  EXPECT_NE(report.build.log.find("is missing a file: writer.c"), std::string::npos)
      << report.build.log;
  EXPECT_EQ(report.score, 0);
}

/// Whether the calling thread's IPC namespace has a semaphore set with `key`, from
/// /proc/sysvipc/sem (whose first column is the key, in decimal).
bool HostHasSemaphoreSet(std::uint32_t key) {
  std::ifstream file("/proc/sysvipc/sem");
  std::string line;
  std::getline(file, line);  // the header
  for (long long listed = 0; file >> listed; std::getline(file, line))
    if (static_cast<std::uint32_t>(listed) == key) return true;
  return false;
}

// Host mode (no namespaces): tests run one at a time, a leaked semaphore set is attributed to
// the test, reported, and removed from the host.
TEST(HostModeIntegration, FindsAndRemovesALeakedSemaphoreSet) {
  LabSpec lab = LoadLab("shm-xfer");
  Isolation host = PrepareIsolation(kLabgrade, /*force_host=*/true);
  GradeOptions options;
  options.submission_dir = fs::path(LABGRADE_SUBMISSIONS_DIR) / "shm-xfer/semaphore-leak";
  options.only_tests = {"cleanup-after-transfer"};
  GradeReport report = GradeSubmission(lab, options, host);
  EXPECT_EQ(report.isolation, IsolationMode::kHost);
  ASSERT_EQ(report.tests.size(), 1u);
  const TestResult& test = report.tests[0];
  EXPECT_EQ(test.outcome, Outcome::kFail) << Describe(report);
  ASSERT_EQ(test.cleanup.size(), 1u);
  EXPECT_NE(test.cleanup[0].find("a semaphore set (key 0x"), std::string::npos) << test.cleanup[0];
  EXPECT_NE(test.cleanup[0].find("(removed by the grader)"), std::string::npos) << test.cleanup[0];
  // The leaked set itself is gone. (Not a count of the host's sets: other host-mode graders
  // on this machine, the suite's own included, make and remove sets meanwhile.)
  const std::size_t at = test.cleanup[0].find("(key 0x");
  ASSERT_NE(at, std::string::npos) << test.cleanup[0];
  const auto key =
      static_cast<std::uint32_t>(std::stoul(test.cleanup[0].substr(at + 5), nullptr, 16));
  EXPECT_FALSE(HostHasSemaphoreSet(key)) << test.cleanup[0];
}

// Host mode grades the reference at full marks too.
TEST(HostModeIntegration, ReferenceScoresFullMarks) {
  LabSpec lab = LoadLab("shm-xfer");
  Isolation host = PrepareIsolation(kLabgrade, /*force_host=*/true);
  GradeOptions options;
  options.submission_dir = lab.reference_dir;
  GradeReport report = GradeSubmission(lab, options, host);
  EXPECT_EQ(report.score, 100) << Describe(report);
  EXPECT_EQ(report.isolation, IsolationMode::kHost);
}

}  // namespace
}  // namespace labgrade

namespace labgrade {
namespace {

/// The rationales of a report's failed checks, in order.
std::vector<std::string> FailedRationales(const GradeReport& report) {
  std::vector<std::string> rationales;
  for (const TestResult& test : report.tests)
    for (const CheckResult& check : test.checks)
      if (check.outcome == Outcome::kFail) rationales.push_back(check.rationale);
  return rationales;
}

// A copy that dies of SIGBUS is told so, and that its output file stayed empty, in plain words.
TEST(StudentMessagesIntegration, MmapCopyWithoutFtruncate) {
  LabSpec lab = LoadLab("mmap");
  GradeOptions options;
  options.submission_dir = fs::path(LABGRADE_SUBMISSIONS_DIR) / "mmap/no-ftruncate";
  options.only_tests = {"text-copy"};
  GradeReport report = GradeSubmission(lab, options, Namespaces());
  EXPECT_EQ(FailedRationales(report),
            (std::vector<std::string>{"mmcopy was killed by SIGBUS (bus error)",
                                      "dst is empty but data/text.txt is 193 bytes"}));
}

// A leaked semaphore set is named with its key and size, and the cleanup note says it was removed.
TEST(StudentMessagesIntegration, ShmSemaphoreLeak) {
  LabSpec lab = LoadLab("shm-xfer");
  GradeOptions options;
  options.submission_dir = fs::path(LABGRADE_SUBMISSIONS_DIR) / "shm-xfer/semaphore-leak";
  options.only_tests = {"cleanup-after-transfer"};
  GradeReport report = GradeSubmission(lab, options, Namespaces());
  ASSERT_EQ(report.tests.size(), 1u);
  std::vector<std::string> rationales = FailedRationales(report);
  ASSERT_EQ(rationales.size(), 1u);
  EXPECT_TRUE(rationales[0].starts_with("a semaphore set (key 0x")) << rationales[0];
  EXPECT_TRUE(rationales[0].ends_with(
      ", 2 semaphores) was left behind; every object a program creates must be "
      "removed (IPC_RMID) before it exits"))
      << rationales[0];
  ASSERT_EQ(report.tests[0].cleanup.size(), 1u);
  EXPECT_TRUE(report.tests[0].cleanup[0].ends_with("(removed with the test's IPC namespace)"));
}

// An iterative server keeps the second client waiting: the report says the client was still
// running after the step's 5 s. (What follows depends on teardown: once the grader closes the
// idle connection, the server may still serve the waiting client before it is stopped.)
TEST(StudentMessagesIntegration, TcpIterativeServerKeepsTheClientWaiting) {
  LabSpec lab = LoadLab("tcp-echo");
  GradeOptions options;
  options.submission_dir = fs::path(LABGRADE_SUBMISSIONS_DIR) / "tcp-echo/iterative-server";
  options.only_tests = {"idle-client-does-not-block-others"};
  GradeReport report = GradeSubmission(lab, options, Namespaces());
  ASSERT_EQ(report.tests.size(), 1u);
  std::vector<std::string> rationales = FailedRationales(report);
  ASSERT_GE(rationales.size(), 1u);
  // The server waits for the idle client's handler, the client for the server: nothing can
  // go on until the grader closes the idle connection, so the wait ends early and says so.
  EXPECT_TRUE(rationales[0].starts_with("echocli was still running (ended early, after "))
      << rationales[0];
  EXPECT_TRUE(rationales[0].ends_with(
      "echoserv is blocked in wait and echocli is blocked in poll, and nothing else is running)"))
      << rationales[0];
}

}  // namespace
}  // namespace labgrade

namespace labgrade {
namespace {

/// A one-test lab in a fresh folder under /var/tmp whose program, run once as the student's and
/// once as the reference's, prints its real uid and the uid that built it.
fs::path UidLab() {
  const fs::path lab = fs::path("/var/tmp") / ("labgrade-uid-lab-" + std::to_string(::getpid()));
  fs::remove_all(lab);
  fs::create_directories(lab / "reference");
  fs::permissions(lab, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  std::ofstream(lab / "lab.yaml")
      << "name: uid\n"
         "title: Prints its uid\n"
         "reference: reference\n"
         "submission:\n"
         "  required: [uid.c]\n"
         "build:\n"
         "  commands:\n"
         "    - cc -DBUILT_BY=$(id -u) -o uid uid.c\n"
         "programs:\n"
         "  uid:\n"
         "tests:\n"
         "  - name: prints-uid\n"
         "    description: Prints the uid it runs as\n"
         "    points: 100\n"
         "    steps:\n"
         "      - start: uid\n"
         "      - start: uid\n"
         "        as: ref\n"
         "        from: reference\n"
         "      - wait_exit: { instance: uid, timeout_ms: 10000 }\n"
         "      - wait_exit: { instance: ref, timeout_ms: 10000 }\n"
         "    checks:\n"
         "      - stdout: { instance: uid, equals: \"62006 built by 62008\\n\" }\n"
         "      - stdout: { instance: ref, equals: \"62007 built by 62008\\n\" }\n";
  std::ofstream(lab / "reference" / "uid.c")
      << "#include <stdio.h>\n#include <unistd.h>\n"
         "int main(void) { printf(\"%d built by %d\\n\", (int)getuid(), BUILT_BY); return 0; }\n";
  return lab;
}

// In root mode, each run reserves its users across processes (slots 0 and 1 are held here, as
// another labgrade process would hold them), so it builds and tests as the next free slot's
// users: the student's programs as one uid, the reference's as another, the build as a third.
TEST(SandboxUsersIntegration, ReservedSlotsAreSkippedAndRolesGetTheirOwnUsers) {
  if (::geteuid() != 0) GTEST_SKIP() << "sandbox users exist only in root mode";
  if (Namespaces().mode != IsolationMode::kNamespaces)
    GTEST_SKIP() << "no namespaces here: " << Namespaces().note;
  const fs::path dir = UidLab();
  SpecLoad load = LoadLabSpec(dir);
  std::string errors;
  for (const SpecError& error : load.errors) errors += error.Format();
  ASSERT_TRUE(load.spec.has_value()) << errors;
  const fs::path locks = dir / "locks";
  auto held = SandboxUserReservation::Reserve(2, locks);
  ASSERT_TRUE(std::holds_alternative<SandboxUserReservation>(held)) << std::get<std::string>(held);
  GradeOptions options;
  options.submission_dir = dir / "reference";
  options.jobs = 1;
  options.sandbox_slot_locks = locks;
  GradeReport report = GradeSubmission(*load.spec, options, Namespaces());
  EXPECT_EQ(report.score, 100) << Describe(report);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace labgrade
