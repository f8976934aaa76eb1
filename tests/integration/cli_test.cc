// The labgrade command as users run it: exit statuses, report files, spec errors, and grading
// as an ordinary (non-root) user through a user namespace.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/process/program_run.h"
#include "tests/integration/labgrade_command.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::ReadFile;
using testing::RunLabgrade;

const fs::path kSourceDir = LABGRADE_SOURCE_DIR;
const fs::path kLab = kSourceDir / "labs" / "shm-xfer";
// What grade says first for the shipped mmap lab, which keeps 10 points for hidden tests.
constexpr const char* kMmapHiddenPointsWarning =
    "labgrade: warning: 10 more points come from hidden tests that are not in this copy of the "
    "lab; an instructor adds them with --overlay.\n";

fs::path ScratchDir(const std::string& name) {
  fs::path dir = fs::path("/var/tmp") / ("labgrade-cli-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::all);
  return dir;
}

// Standard base64 back to bytes (the test's own decoder, independent of the one under test).
std::string DecodeBase64(const std::string& text) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const auto value = alphabet.find(c);
    if (value == std::string::npos) {
      ADD_FAILURE() << "not base64: " << c;
      return "";
    }
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return bytes;
}

// The Classroom result in a $GITHUB_OUTPUT file: the JSON of its `result=` line.
nlohmann::json ClassroomResultIn(const std::string& output_file) {
  const auto at = output_file.find("result=");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no result= line in:\n" << output_file;
    return {};
  }
  const auto end = output_file.find('\n', at);
  return nlohmann::json::parse(DecodeBase64(output_file.substr(at + 7, end - at - 7)));
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
                   (fs::path(LABGRADE_SUBMISSIONS_DIR) / "shm-xfer/segment-leak").string(),
                   "--only", "cleanup-after-transfer", "--results", (out / "results.json").string(),
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

// --classroom-output appends the result= line to $GITHUB_OUTPUT, keeping what other steps wrote;
// its tests' scores add up to results.json's score. --markdown writes the step summary, and
// both the summary and the report say how the tests were isolated.
TEST(CliIntegration, ClassroomOutputAndMarkdownForAPass) {
  fs::path out = ScratchDir("classroom-pass");
  std::ofstream(out / "github_output") << "earlier=step\n";
  CommandResult result = RunLabgrade(
      {"check", kLab.string(), "--submission", (kSourceDir / "reference/shm-xfer").string(),
       "--only", "short-text", "--results", (out / "results.json").string(), "--markdown",
       (out / "summary.md").string(), "--classroom-output", (out / "github_output").string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  const std::string output_file = ReadFile(out / "github_output");
  EXPECT_EQ(output_file.rfind("earlier=step\nresult=", 0), 0u) << output_file;
  EXPECT_TRUE(output_file.ends_with("\n"));
  const nlohmann::json classroom = ClassroomResultIn(output_file);
  const auto results = nlohmann::json::parse(ReadFile(out / "results.json"));
  EXPECT_EQ(classroom["version"], 1);
  EXPECT_EQ(classroom["status"], "pass");
  ASSERT_EQ(classroom["tests"].size(), 1u);
  EXPECT_EQ(classroom["tests"][0]["name"], "short-text");
  EXPECT_EQ(classroom["tests"][0]["status"], "pass");
  EXPECT_EQ(classroom["tests"][0]["score"], results["score"]);
  EXPECT_EQ(classroom["max_score"], results["tests"][0]["max_score"]);

  const std::string summary = ReadFile(out / "summary.md");
  const int points = results["score"].get<int>();
  EXPECT_EQ(
      summary.rfind(fmt::format("## shm-xfer (Shared-memory transfer): {0}/{0}\n\n", points), 0),
      0u)
      << summary;
  EXPECT_NE(summary.find(fmt::format("| short-text | ✅ pass | {0}/{0} |\n", points)),
            std::string::npos)
      << summary;
  const std::string isolation = ::geteuid() == 0
                                    ? "each test in its own PID, IPC, network and mount namespaces"
                                    : "inside a user namespace";
  EXPECT_NE(summary.find("Isolation: "), std::string::npos) << summary;
  EXPECT_NE(result.out.find("isolation:  "), std::string::npos) << result.out;
  if (result.out.find("host mode") == std::string::npos) {
    EXPECT_NE(summary.find(isolation), std::string::npos) << summary;
    EXPECT_NE(result.out.find(isolation), std::string::npos) << result.out;
  }
  fs::remove_all(out);
}

// A report that cannot be written is the grader's failure, exit 3, never a green run without
// its artifact.
TEST(CliIntegration, UnwritableReportExitsThree) {
  CommandResult result = RunLabgrade({"check", kLab.string(), "--submission",
                                      (kSourceDir / "reference/shm-xfer").string(), "--only",
                                      "short-text", "--junit", "/nonexistent/junit.xml"});
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_NE(result.err.find("labgrade: cannot write /nonexistent/junit.xml: No such file"),
            std::string::npos)
      << result.err;
}

// --results - writes results.json to standard output, alone (the report goes to stderr);
// --classroom-output appended to a file whose last line has no newline starts a line of its own.
TEST(CliIntegration, ResultsToStandardOutputAndClassroomLineOnItsOwnLine) {
  fs::path out = ScratchDir("results-stdout");
  std::ofstream(out / "github_output") << "foo=bar";
  CommandResult result =
      RunLabgrade({"check", kLab.string(), "--submission",
                   (kSourceDir / "reference/shm-xfer").string(), "--only", "short-text",
                   "--results", "-", "--classroom-output", (out / "github_output").string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["tests"][0]["name"], "short-text");
  EXPECT_NE(result.err.find("PASS   short-text"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(kSourceDir / "-"));
  const std::string output_file = ReadFile(out / "github_output");
  EXPECT_EQ(output_file.rfind("foo=bar\nresult=", 0), 0u) << output_file;
  fs::remove_all(out);
}

// --jobs 0 or a negative number is refused as a command-line error (exit 2), and Classroom's
// result still says why.
TEST(CliIntegration, JobsMustBePositive) {
  fs::path out = ScratchDir("jobs");
  for (const char* jobs : {"0", "-3"}) {
    CommandResult result =
        RunLabgrade({"check", kLab.string(), "--submission", out.string(), "--jobs", jobs,
                     "--classroom-output", (out / "github_output").string()});
    EXPECT_EQ(result.exit_code, 2) << jobs << result.err;
    EXPECT_NE(result.err.find("--jobs"), std::string::npos) << result.err;
  }
  CommandResult grade = RunLabgrade({"grade", kLab.string(), "--submissions", out.string(), "--out",
                                     (out / "graded").string(), "--jobs", "0"});
  EXPECT_EQ(grade.exit_code, 2) << grade.err;
  const nlohmann::json classroom = ClassroomResultIn(ReadFile(out / "github_output"));
  EXPECT_EQ(classroom["status"], "error");
  ASSERT_EQ(classroom["tests"].size(), 1u);
  EXPECT_NE(classroom["tests"][0]["message"].get<std::string>().find("--jobs"), std::string::npos)
      << classroom.dump(2);
  fs::remove_all(out);
}

// A spec error gives Classroom's reporter one entry carrying the spec's errors.
TEST(CliIntegration, SpecErrorGivesClassroomAnEntryWithTheMessage) {
  fs::path lab = ScratchDir("broken-spec-classroom");
  std::ofstream(lab / "lab.yaml") << "name: broken\ntitle: Broken\nsubmision:\n  required: [a.c]\n";
  CommandResult result = RunLabgrade({"check", lab.string(), "--submission", lab.string(),
                                      "--classroom-output", (lab / "github_output").string()});
  EXPECT_EQ(result.exit_code, 2);
  const nlohmann::json classroom = ClassroomResultIn(ReadFile(lab / "github_output"));
  EXPECT_EQ(classroom["status"], "error");
  ASSERT_EQ(classroom["tests"].size(), 1u);
  EXPECT_NE(classroom["tests"][0]["message"].get<std::string>().find("lab.yaml:3:1"),
            std::string::npos)
      << classroom.dump(2);
  fs::remove_all(lab);
}

// A submission that does not compile: every test fails in the Classroom result, scoring 0.
TEST(CliIntegration, ClassroomOutputForABuildFailure) {
  fs::path out = ScratchDir("classroom-build");
  CommandResult result =
      RunLabgrade({"check", kLab.string(), "--submission",
                   (fs::path(LABGRADE_SUBMISSIONS_DIR) / "shm-xfer/does-not-compile").string(),
                   "--classroom-output", (out / "github_output").string()});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  const nlohmann::json classroom = ClassroomResultIn(ReadFile(out / "github_output"));
  EXPECT_EQ(classroom["status"], "fail");
  EXPECT_EQ(classroom["max_score"], 100);
  // 100 points in entries of 2 (the tests' points' greatest common divisor): 14 tests.
  ASSERT_EQ(classroom["tests"].size(), 50u);
  int tests = 0;
  for (const auto& test : classroom["tests"]) {
    EXPECT_EQ(test["status"], "fail");
    EXPECT_EQ(test["score"], 0);
    if (test["test_code"] == "") continue;
    ++tests;
    EXPECT_EQ(test["message"], "not run: the submission did not build");
  }
  EXPECT_EQ(tests, 14);
  fs::remove_all(out);
}

// --only chooses several tests, repeated or separated by commas: just those run, in the lab's
// order, and the score is out of their points.
TEST(CliIntegration, OnlyChoosesSeveralTests) {
  CommandResult check = RunLabgrade({"check", kLab.string(), "--submission",
                                     (kSourceDir / "reference/shm-xfer").string(), "--only",
                                     "short-text,empty-input", "--only", "exactly-one-block"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("Score: 24/24"), std::string::npos) << check.out;
  const auto empty = check.out.find("empty-input");
  const auto short_text = check.out.find("short-text");
  const auto one_block = check.out.find("exactly-one-block");
  EXPECT_TRUE(empty < short_text && short_text < one_block) << check.out;
  EXPECT_EQ(check.out.find("binary-8mib"), std::string::npos) << check.out;
  CommandResult unknown =
      RunLabgrade({"check", kLab.string(), "--submission",
                   (kSourceDir / "reference/shm-xfer").string(), "--only", "short-text,nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err.rfind("labgrade: --only nope: shm-xfer has no such test", 0), 0u)
      << unknown.err;
}

// --only with a name the lab lacks is a command-line error that lists the lab's tests, for
// check (which still writes its reports saying why) and for grade.
TEST(CliIntegration, OnlyWithAnUnknownTestExitsTwo) {
  fs::path out = ScratchDir("only-unknown");
  CommandResult check = RunLabgrade({"check", kLab.string(), "--submission",
                                     (kSourceDir / "reference/shm-xfer").string(), "--only", "nope",
                                     "--results", (out / "results.json").string()});
  EXPECT_EQ(check.exit_code, 2) << check.out << check.err;
  const std::string message =
      "labgrade: --only nope: shm-xfer has no such test; its tests are: empty-input, short-text, ";
  EXPECT_EQ(check.err.rfind(message, 0), 0u) << check.err;
  EXPECT_NE(nlohmann::json::parse(ReadFile(out / "results.json"))["output"].get<std::string>().find(
                "--only nope: shm-xfer has no such test"),
            std::string::npos);
  fs::create_directories(out / "class" / "alice");
  CommandResult grade =
      RunLabgrade({"grade", kLab.string(), "--submissions", (out / "class").string(), "--out",
                   (out / "graded").string(), "--only", "nope"});
  EXPECT_EQ(grade.exit_code, 2) << grade.out << grade.err;
  EXPECT_EQ(grade.err.rfind(message, 0), 0u) << grade.err;
  fs::remove_all(out);
}

// grade refuses an output folder inside the submissions (it would be graded) and a bad shard.
TEST(CliIntegration, GradeRefusesBadFoldersAndShards) {
  fs::path out = ScratchDir("grade-refuses");
  fs::create_directories(out / "class" / "alice");
  CommandResult inside =
      RunLabgrade({"grade", kLab.string(), "--submissions", (out / "class").string(), "--out",
                   (out / "class" / "graded").string()});
  EXPECT_EQ(inside.exit_code, 2);
  EXPECT_EQ(inside.err, "labgrade: --out must not be inside --submissions: it would be graded\n");
  CommandResult shard =
      RunLabgrade({"grade", kLab.string(), "--submissions", (out / "class").string(), "--out",
                   (out / "graded").string(), "--shard", "4/3"});
  EXPECT_EQ(shard.exit_code, 2);
  EXPECT_EQ(shard.err, "labgrade: --shard 4/3: expected K/N with 1 <= K <= N, such as 2/4\n");
  fs::remove_all(out);
}

// Re-running one test into the folder of a run of other tests is refused before anything is
// graded: the earlier gradebook stays as it was.
TEST(CliIntegration, GradeKeepsAnEarlierRunOfOtherTests) {
  fs::path out = ScratchDir("grade-earlier");
  fs::create_directories(out / "class");
  fs::copy(kSourceDir / "reference" / "mmap", out / "class" / "ada", fs::copy_options::recursive);
  const std::string mmap = (kSourceDir / "labs" / "mmap").string();
  auto grade_only = [&](const char* test) {
    return RunLabgrade({"grade", mmap, "--submissions", (out / "class").string(), "--out",
                        (out / "graded").string(), "--only", test});
  };
  const CommandResult first = grade_only("empty-file");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string gradebook = ReadFile(out / "graded" / "gradebook.csv");
  const CommandResult other = grade_only("longer-dst");
  EXPECT_EQ(other.exit_code, 2) << other.out << other.err;
  EXPECT_EQ(other.err.rfind(std::string(kMmapHiddenPointsWarning) + "labgrade: --out " +
                                (out / "graded").string() +
                                " holds the grades of an earlier run (mmap: empty-file); this "
                                "run grades mmap (longer-dst) and would replace them; ",
                            0),
            0u)
      << other.err;
  EXPECT_EQ(other.out, "");
  EXPECT_EQ(ReadFile(out / "graded" / "gradebook.csv"), gradebook);
  fs::remove_all(out);
}

// merge of a folder that no grade run wrote exits 2 and names the missing grades.json.
TEST(CliIntegration, MergeNamesAShardWithoutGrades) {
  fs::path out = ScratchDir("merge-missing");
  CommandResult result = RunLabgrade({"merge", "--out", (out / "merged").string(), out.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "labgrade: merge: cannot read " + (out / "grades.json").string() +
                            ": No such file or directory\n");
  fs::remove_all(out);
}

// A class graded where a test cannot run (udp-echo's lossy-network needs netem) ends with a
// warning naming the test and how many students it was skipped for, and summary.md says so too;
// where netem works, the test runs and nothing is said.
TEST(CliIntegration, GradeWarnsAboutATestSkippedForTheClass) {
  fs::path out = ScratchDir("grade-skipped");
  fs::create_directories(out / "class");
  for (const char* student : {"ada", "bob"})
    fs::copy(kSourceDir / "reference" / "udp-echo", out / "class" / student,
             fs::copy_options::recursive);
  CommandResult grade = RunLabgrade({"grade", (kSourceDir / "labs" / "udp-echo").string(),
                                     "--submissions", (out / "class").string(), "--out",
                                     (out / "graded").string(), "--only", "lossy-network"});
  EXPECT_EQ(grade.exit_code, 0) << grade.out << grade.err;
  const nlohmann::json grades = nlohmann::json::parse(ReadFile(out / "graded" / "grades.json"));
  const std::string status = grades["students"]["ada"]["tests"]["lossy-network"]["status"];
  const std::string warning =
      "labgrade: warning: lossy-network (15 points) was skipped for 2 of 2 students: ";
  const std::string summary = ReadFile(out / "graded" / "summary.md");
  if (status == "skipped") {
    EXPECT_NE(grade.err.find(warning), std::string::npos) << grade.err;
    EXPECT_NE(summary.find("**Skipped:** lossy-network (15 points) was skipped for 2 of 2"),
              std::string::npos)
        << summary;
  } else {
    EXPECT_EQ(status, "passed") << "netem works here, so the reference passes";
    EXPECT_EQ(grade.err.find("warning"), std::string::npos) << grade.err;
    EXPECT_EQ(summary.find("Skipped"), std::string::npos) << summary;
  }
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

// A lab that requires isolation is not graded in host mode: labgrade says why and exits 3 (the
// grader cannot grade here), before building anything.
TEST(CliIntegration, IsolationRequiredRefusesHostMode) {
  CommandResult result =
      RunLabgrade({"check", (kSourceDir / "labs/shm-xfer-fixed-keys").string(), "--submission",
                   (kSourceDir / "reference/shm-xfer-fixed-keys").string(), "--host-mode"});
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_NE(result.out.find("the lab shm-xfer-fixed-keys says 'isolation: required', and this "
                            "machine cannot run tests in namespaces of their own (host mode was "
                            "asked for (--host-mode)"),
            std::string::npos)
      << result.out;
}

}  // namespace
}  // namespace labgrade
