// `labgrade grade` when the grader itself crashes or hangs on one student: each student is graded
// in a child labgrade, and the test hooks LABGRADE_TEST_CRASH_ON_STUDENT (std::abort) and
// LABGRADE_TEST_HANG_ON_STUDENT (waits forever) make that child fail for exactly one student of a
// small class of copies of the mmap reference, graded on one quick test. The batch must finish,
// exit 3, give that student 0 with the grader error in words, and grade the others normally.
// The child's commands stay out of --help.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/process/program_run.h"
#include "harness/spec/spec_loader.h"
#include "tests/integration/labgrade_command.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CommandResult;
using testing::ReadFile;
using testing::RunLabgrade;

const fs::path kSourceDir = LABGRADE_SOURCE_DIR;
const fs::path kLabgrade = testing::kLabgradeBinary;
const fs::path kLab = kSourceDir / "labs" / "mmap";
constexpr const char* kOnlyTest = "longer-dst";
const std::vector<std::string> kStudents = {"student-01", "student-02", "student-03"};
constexpr const char* kBroken = "student-02";

int OnlyTestPoints() {
  SpecLoad load = LoadLabSpec(kLab);
  if (!load.spec) return -1;
  for (const TestSpec& test : load.spec->tests) {
    if (test.name == kOnlyTest) return test.points;
  }
  return -1;
}

/// A class of copies of the mmap reference in a fresh folder under /var/tmp, removed with it.
class ReferenceClass {
 public:
  explicit ReferenceClass(const std::string& name)
      : root_(fs::path("/var/tmp") / fmt::format("labgrade-crash-it-{}-{}", name, ::getpid())) {
    fs::remove_all(root_);
    for (const std::string& id : kStudents) {
      fs::create_directories(root_ / "submissions");
      fs::copy(kSourceDir / "reference" / "mmap", root_ / "submissions" / id,
               fs::copy_options::recursive);
    }
  }
  ~ReferenceClass() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  fs::path out() const { return root_ / "out"; }

  /// `labgrade grade` of the class on kOnlyTest with `extra` arguments and `hook` set.
  CommandResult Grade(const std::string& hook, std::vector<std::string> extra) const {
    std::vector<std::string> args = {
        "grade", kLab.string(),  "--submissions", (root_ / "submissions").string(),
        "--out", out().string(), "--only",        kOnlyTest};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunLabgrade(std::move(args), std::nullopt, {hook + "=" + kBroken});
  }

 private:
  fs::path root_;
};

// The broken student has 0 everywhere and `words`, then the child's `last_words` on stderr, as
// their grader error in grades.json, results.json and report.txt; the others full marks and no
// error; no grade file is left.
void ExpectOnlyTheBrokenStudentFailed(const ReferenceClass& generated, const CommandResult& run,
                                      const std::string& words, const std::string& last_words) {
  ASSERT_EQ(run.exit_code, 3) << run.out << run.err;
  const int points = OnlyTestPoints();
  ASSERT_GT(points, 0);
  EXPECT_EQ(ReadFile(generated.out() / "gradebook.csv"),
            fmt::format("student_id,total,{0}\r\nstudent-01,{1},{1}\r\nstudent-02,0,0\r\n"
                        "student-03,{1},{1}\r\n",
                        kOnlyTest, points));
  const json grades = json::parse(ReadFile(generated.out() / "grades.json"));
  for (const std::string& id : kStudents) {
    SCOPED_TRACE(id);
    const json& student = grades["students"][id];
    const json results = json::parse(ReadFile(generated.out() / id / "results.json"));
    const std::string report = ReadFile(generated.out() / id / "report.txt");
    EXPECT_FALSE(fs::exists(generated.out() / id / "grade-one.json"));
    if (id != kBroken) {
      EXPECT_EQ(student["total"], points);
      EXPECT_EQ(student["grader_error"], "");
      EXPECT_EQ(results["score"], points);
      continue;
    }
    EXPECT_EQ(student["total"], 0);
    EXPECT_EQ(student["build_ok"], false);
    EXPECT_EQ(student["grader_error"],
              words + "\nthe grader's last words on stderr:\n  " + last_words);
    EXPECT_EQ(results["score"], 0);
    ASSERT_EQ(results["tests"].size(), 1u) << results.dump(2);
    EXPECT_EQ(results["tests"][0]["name"], kOnlyTest);
    EXPECT_EQ(results["tests"][0]["score"], 0);
    for (const std::string& said : {words, last_words}) {
      EXPECT_NE(results["output"].get<std::string>().find(said), std::string::npos)
          << results["output"];
      EXPECT_NE(report.find(said), std::string::npos) << report;
    }
  }
  EXPECT_TRUE(run.out.ends_with(fmt::format(
      "graded 3 students: {}/gradebook.csv, summary.md, report.html\n", generated.out().string())))
      << run.out;
  EXPECT_NE(run.err.find(fmt::format("graded {}: 0/{} (", kBroken, points)), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("), grader error\n"), std::string::npos) << run.err;
}

// The grader aborts on one student: reported for that student, the batch goes on. One student
// at a time, so that the build cache's hits are known and reported back by the children: the
// copies of the reference build like the reference, so only the first student's build misses.
TEST(ClassGraderCrashIntegration, AbortOnOneStudentIsThatStudentsGraderError) {
  const ReferenceClass generated("abort");
  const CommandResult run = generated.Grade("LABGRADE_TEST_CRASH_ON_STUDENT", {"--jobs", "1"});
  // As an ordinary user the child is PID 1 of its own PID namespace (harness/process/cell.h), where
  // its own SIGABRT is ignored and glibc's abort() falls back to a faulting instruction: SIGSEGV.
  const char* signal = ::geteuid() == 0 ? "SIGABRT" : "SIGSEGV";
  ExpectOnlyTheBrokenStudentFailed(
      generated, run,
      fmt::format("the grader crashed (killed by {}) while grading this submission; this is not "
                  "your fault — tell your instructor",
                  signal),
      "labgrade: LABGRADE_TEST_CRASH_ON_STUDENT: aborting on purpose");
  // The shipped lab's note that hidden tests bring 10 more points, then one progress line per
  // student, the crashed one included.
  EXPECT_EQ(run.err.rfind("labgrade: warning: 10 more points come from hidden tests", 0), 0u)
      << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 4) << run.err;
  EXPECT_EQ(run.out.rfind(fmt::format("build cache {}/.build-cache: 1 of 3 student builds and 2 "
                                      "of 2 reference builds reused\n",
                                      generated.out().string()),
                          0),
            0u)
      << run.out;
}

// The grader hangs on one student: stopped at --student-timeout-s, the batch goes on.
TEST(ClassGraderCrashIntegration, HangOnOneStudentIsStoppedAtTheStudentTimeout) {
  const ReferenceClass generated("hang");
  const CommandResult run = generated.Grade("LABGRADE_TEST_HANG_ON_STUDENT",
                                            {"--jobs", "2", "--student-timeout-s", "20"});
  ExpectOnlyTheBrokenStudentFailed(generated, run,
                                   "the grader did not finish grading this submission within 20 "
                                   "s and was stopped; this is not your fault — tell your "
                                   "instructor",
                                   "labgrade: LABGRADE_TEST_HANG_ON_STUDENT: waiting for a signal");
}

// The child's commands are internal: `labgrade --help` lists grade but not grade-one or
// probe-isolation.
TEST(ClassGraderCrashIntegration, ChildCommandsStayOutOfHelp) {
  LaunchSpec spec;
  spec.executable = kLabgrade;
  spec.args = {"--help"};
  spec.working_dir = kSourceDir;
  spec.environment = {"PATH=/usr/bin:/bin"};
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{60'000, 1 << 20, 1'000});
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ProgramRun>>(started));
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  const std::string& help = run->end().out.bytes;
  EXPECT_NE(help.find("grade"), std::string::npos) << help;
  EXPECT_EQ(help.find("grade-one"), std::string::npos) << help;
  EXPECT_EQ(help.find("probe-isolation"), std::string::npos) << help;
}

}  // namespace
}  // namespace labgrade
