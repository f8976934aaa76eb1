// Lab bundles graded like lab folders. The build bundles every lab (build/bundles/<lab>.tar.gz,
// unpacked into build/share/labgrade/labs/<lab>, what the package installs); here every
// defective submission is graded against its lab's folder and against its bundle, and must get
// the same outcome on every test and the same score. The bundles carry no reference source nor
// anything that names one; the command line takes the bundle file like a folder (check,
// selftest, validate, grade), finds a shipped lab by name, carries an overlay, and refuses a
// bundle whose reference cannot run here.
#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "grading/grader.h"
#include "grading/lab_bundle.h"
#include "harness/probes/elf_platform.h"
#include "harness/spec/spec_loader.h"
#include "tests/integration/hidden_points_lab.h"
#include "tests/integration/lab_sources.h"
#include "tests/integration/labgrade_command.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::ReadFile;
using testing::RunLabgrade;

const fs::path kSourceDir = LABGRADE_SOURCE_DIR;
const fs::path kBundles = fs::path(LABGRADE_BINARY_DIR) / "bundles";
const fs::path kShippedLabs = fs::path(LABGRADE_BINARY_DIR) / "share" / "labgrade" / "labs";

LabSpec LoadLab(const fs::path& dir) {
  SpecLoad load = LoadLabSpec(dir);
  std::string errors;
  for (const SpecError& error : load.errors) errors += error.Format();
  EXPECT_TRUE(load.spec.has_value()) << errors;
  return load.spec ? std::move(*load.spec) : LabSpec{};
}

/// A folder of its own under /var/tmp (never /tmp: each cell replaces it), removed afterwards.
class ScratchFolder {
 public:
  explicit ScratchFolder(const std::string& name)
      : path_(fs::path("/var/tmp") / fmt::format("labgrade-bundle-{}-{}", name, ::getpid())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
    fs::permissions(path_, fs::perms::all);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class BundleContents : public ::testing::TestWithParam<std::string> {};

// The bundle has the lab's reference as stripped executables and nothing of its sources: no
// file with the bytes of a reference source, no debugging information or symbol table (which
// would name the source files and functions).
TEST_P(BundleContents, HoldNoReferenceSource) {
  const std::string lab = GetParam();
  const fs::path bundle = kShippedLabs / lab;
  ASSERT_TRUE(fs::exists(bundle / "bundle.json")) << bundle;
  std::set<std::string> sources;
  for (const auto& entry : fs::directory_iterator(kSourceDir / "reference" / lab))
    sources.insert(ReadFile(entry.path()));
  int executables = 0;
  for (const auto& entry : fs::recursive_directory_iterator(bundle)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = ReadFile(entry.path());
    EXPECT_FALSE(sources.contains(bytes)) << entry.path() << " is a reference source";
    if (bytes.starts_with(ELFMAG)) {
      ++executables;
      EXPECT_EQ(bytes.find(".debug_info"), std::string::npos) << entry.path();
      EXPECT_EQ(bytes.find(".symtab"), std::string::npos) << entry.path();
    }
  }
  EXPECT_EQ(executables, static_cast<int>(LoadLab(kSourceDir / "labs" / lab).programs.size()));
  const LabSpec spec = LoadLab(bundle);
  EXPECT_TRUE(spec.reference_prebuilt);
  EXPECT_EQ(spec.reference_dir, fs::absolute(bundle / "reference"));
}

INSTANTIATE_TEST_SUITE_P(Labs, BundleContents, ::testing::ValuesIn(testing::RepositoryLabs()),
                         [](const auto& info) { return testing::InstanceName(info.param); });

using testing::Submission;

const Isolation& Namespaces() {
  static const Isolation isolation =
      PrepareIsolation(fs::path(LABGRADE_BINARY_DIR) / "labgrade", /*force_host=*/false);
  return isolation;
}

/// What each failed check of `report` said, for a failure message.
std::string Why(const GradeReport& report) {
  std::string text;
  for (const TestResult& test : report.tests)
    for (const CheckResult& check : test.checks)
      if (check.outcome != Outcome::kPass)
        text += fmt::format("\n  {}: {}: {}", test.name, check.what, check.rationale);
  return text;
}

/// Each test's outcome and points, in words a failure message can show.
std::string Outcomes(const GradeReport& report) {
  std::string text =
      fmt::format("build {}, score {}/{} (skipped {})", report.build.ok ? "ok" : "failed",
                  report.score, report.max_score, report.skipped_points);
  constexpr const char* kWords[] = {"pass", "fail", "error", "skipped"};
  for (const TestResult& test : report.tests)
    text += fmt::format("\n  {} {} {}/{}", test.name, kWords[static_cast<int>(test.outcome)],
                        test.points, test.max_points);
  return text;
}

class BundleDefects : public ::testing::TestWithParam<Submission> {};

// The bundle grades a defective submission exactly as the folder does: same build outcome,
// same outcome and points on every test, same score. Both run at once (each reserves sandbox
// user slots of its own): the tests mostly wait, so this takes the time of one.
TEST_P(BundleDefects, GradeAsTheFolderDoes) {
  const Submission& submission = GetParam();
  const LabSpec folder = LoadLab(kSourceDir / "labs" / submission.lab);
  const LabSpec bundle = LoadLab(kShippedLabs / submission.lab);
  ASSERT_TRUE(bundle.reference_prebuilt);
  auto grade = [&](const LabSpec& lab) {
    GradeOptions options;
    options.submission_dir =
        fs::path(LABGRADE_SUBMISSIONS_DIR) / submission.lab / submission.defect;
    return GradeSubmission(lab, options, Namespaces());
  };
  auto from_bundle = std::async(std::launch::async, grade, std::cref(bundle));
  const GradeReport by_folder = grade(folder);
  const GradeReport by_bundle = from_bundle.get();
  EXPECT_TRUE(by_folder.grader_error.empty()) << by_folder.grader_error;
  EXPECT_TRUE(by_bundle.grader_error.empty()) << by_bundle.grader_error;
  EXPECT_EQ(Outcomes(by_bundle), Outcomes(by_folder))
      << "bundle:" << Why(by_bundle) << "\nfolder:" << Why(by_folder);
}

INSTANTIATE_TEST_SUITE_P(Submissions, BundleDefects,
                         ::testing::ValuesIn(testing::DefectiveSubmissions()),
                         [](const auto& info) {
                           return testing::InstanceName(info.param.lab + "_" + info.param.defect);
                         });

// validate takes the bundle file, and names it as given.
TEST(BundleCommand, ValidateTakesTheBundleFile) {
  const fs::path file = kBundles / "shm-xfer.tar.gz";
  const CommandResult result = RunLabgrade({"validate", file.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, file.string() +
                            ": shm-xfer (Shared-memory transfer), 14 tests, 100 "
                            "points: OK\n");
}

// selftest takes the bundle file: its prebuilt reference scores full marks.
TEST(BundleCommand, SelftestOfTheBundleFileScoresFullMarks) {
  const CommandResult result = RunLabgrade({"selftest", (kBundles / "mmap.tar.gz").string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  // Out of 90: the shipped lab keeps 10 points for hidden tests, which the bundle does not have.
  EXPECT_NE(result.out.find("Score: 90/90"), std::string::npos) << result.out;
}

// check finds a shipped lab by name (here: the build tree's share/labgrade/labs).
TEST(BundleCommand, CheckFindsAShippedLabByName) {
  const CommandResult result =
      RunLabgrade({"check", "shm-xfer", "--submission",
                   (kSourceDir / "reference/shm-xfer").string(), "--only", "short-text"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("PASS   short-text"), std::string::npos) << result.out;
}

// grade takes the bundle file: the students' children grade with the one extracted folder,
// and the extracted folder is gone afterwards.
TEST(BundleCommand, GradeTakesTheBundleFile) {
  ScratchFolder scratch("grade");
  const fs::path class_dir = scratch.path() / "class";
  fs::create_directories(class_dir);
  fs::copy(kSourceDir / "reference" / "mmap", class_dir / "ada", fs::copy_options::recursive);
  fs::copy(fs::path(LABGRADE_SUBMISSIONS_DIR) / "mmap" / "no-ftruncate", class_dir / "linus",
           fs::copy_options::recursive);
  const CommandResult result =
      RunLabgrade({"grade", (kBundles / "mmap.tar.gz").string(), "--submissions",
                   class_dir.string(), "--out", (scratch.path() / "out").string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  const auto grades = nlohmann::json::parse(ReadFile(scratch.path() / "out" / "grades.json"));
  ASSERT_EQ(grades["students"].size(), 2u) << grades.dump(2);
  EXPECT_EQ(grades["students"]["ada"]["total"], 90) << grades.dump(2);  // 10 are hidden
  EXPECT_LT(grades["students"]["linus"]["total"].get<int>(), 90) << grades.dump(2);
}

// A bundle whose reference was built for another processor is refused before anything runs:
// exit 2, the processor and where the bundle was made named, and results.json says so too.
TEST(BundleCommand, RefusesAReferenceBuiltForAnotherProcessor) {
  ScratchFolder scratch("foreign");
  fs::copy(kShippedLabs / "mmap", scratch.path() / "mmap", fs::copy_options::recursive);
  const fs::path executable = scratch.path() / "mmap" / "reference" / "mmcopy";
  std::string bytes = ReadFile(executable);
  const MachineOffer here = ThisMachine();
  const bool on_arm = here.machine == "aarch64";
  const std::uint16_t other = on_arm ? EM_X86_64 : EM_AARCH64;
  std::memcpy(bytes.data() + offsetof(Elf64_Ehdr, e_machine), &other, sizeof other);
  std::ofstream(executable, std::ios::binary | std::ios::trunc) << bytes;
  const fs::path results = scratch.path() / "results.json";
  const CommandResult result =
      RunLabgrade({"check", (scratch.path() / "mmap").string(), "--submission",
                   (kSourceDir / "reference" / "mmap").string(), "--results", results.string()});
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  const std::string other_name = on_arm ? "x86_64" : "aarch64";
  EXPECT_NE(result.err.find(fmt::format("the prebuilt reference's mmcopy was built for {}, and "
                                        "this machine is {}. The bundle was made on {},",
                                        other_name, here.machine, here.machine)),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("Make its bundle again on a machine like this one"), std::string::npos);
  EXPECT_NE(ReadFile(results).find("was built for " + other_name), std::string::npos);
}

// An --out in a folder that does not exist is the command line's mistake: exit 2, before
// anything is built.
TEST(BundleCommand, NamesAMissingOutFolder) {
  const CommandResult result = RunLabgrade({"bundle", "mmap", "--out", "/nonexistent/mmap.tar.gz"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "labgrade: bundle: --out /nonexistent/mmap.tar.gz: there is no folder /nonexistent\n");
}

using BundleOverlay = testing::HiddenPointsLabTest;

// --overlay puts the hidden tests in the bundle, which applies them itself: selftest of the
// bundle file counts all 100 points, and gives the hidden tests' rows.
TEST_F(BundleOverlay, BundleCarriesTheHiddenTests) {
  const fs::path file = root_ / "mmap.tar.gz";
  const CommandResult bundled =
      RunLabgrade({"bundle", lab_.string(), "--overlay", testing::kHiddenTestsExample.string(),
                   "--out", file.string()});
  ASSERT_EQ(bundled.exit_code, 0) << bundled.out << bundled.err;
  EXPECT_NE(bundled.out.find("whoever has the bundle can read them"), std::string::npos)
      << bundled.out;
  const CommandResult validated = RunLabgrade({"validate", file.string()});
  EXPECT_EQ(validated.out,
            file.string() + ": mmap (Memory-mapped files), 15 tests (2 hidden), 100 points: OK\n");
  const CommandResult twice =
      RunLabgrade({"validate", file.string(), "--overlay", testing::kHiddenTestsExample.string()});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("already carries hidden tests (hidden-tests.yaml)"), std::string::npos)
      << twice.err;
}

}  // namespace
}  // namespace labgrade
