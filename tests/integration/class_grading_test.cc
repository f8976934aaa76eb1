// `labgrade grade` and `labgrade merge` as an instructor runs them, piped, on generated classes
// of the mmap lab made of copies of its reference and of every defective submission under
// tests/submissions/mmap (one of which does not compile):
// - a class of 32 graded on one test (longer-dst, which the submissions split into passes and
//   failures): every gradebook cell against the student's results.json, each student's outcome
//   against their submission's EXPECTED_FAILURES, the progress lines and the report files;
// - one copy of each submission graded on every test: the same checks, against every test;
// - the class of 32 graded as three shards and merged, against one unsharded run.
//
// Every copy is graded for real (two builds and a test in a cell) and CTest runs each TEST in
// a process of its own, so the big class is graded on one quick test and the whole lab only on
// the small class; tests/integration/grading_test.cc grades each submission on every test too.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
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
const fs::path kLab = kSourceDir / "labs" / "mmap";
const fs::path kDefects = fs::path(LABGRADE_SUBMISSIONS_DIR) / "mmap";
constexpr const char* kOnlyTest = "longer-dst";
constexpr int kCopiesInTheBigClass = 4;
constexpr int kShards = 3;

std::vector<std::string> Split(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find(separator, start)) != std::string::npos;
       start = at + separator.size()) {
    parts.push_back(text.substr(start, at - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

struct TestColumn {
  std::string name;
  int points = 0;
};

/// The mmap lab's tests in its order, or just `only`.
std::vector<TestColumn> GradedTests(const std::optional<std::string>& only) {
  SpecLoad load = LoadLabSpec(kLab);
  std::vector<TestColumn> tests;
  if (!load.spec) {
    ADD_FAILURE() << "cannot load " << kLab;
    return tests;
  }
  for (const TestSpec& test : load.spec->tests) {
    if (!only || test.name == *only) tests.push_back({test.name, test.points});
  }
  return tests;
}

/// The tests a copy of `kind` must fail among `graded`: none for the reference, else those of
/// its EXPECTED_FAILURES.
std::set<std::string> FailuresOf(const std::string& kind, const std::vector<TestColumn>& graded) {
  std::set<std::string> failures;
  if (kind == "reference") return failures;
  std::ifstream file(kDefects / kind / "EXPECTED_FAILURES");
  for (std::string line; std::getline(file, line);) {
    if (std::any_of(graded.begin(), graded.end(),
                    [&](const TestColumn& test) { return test.name == line; }))
      failures.insert(line);
  }
  return failures;
}

/// A generated class in a fresh folder under /var/tmp, removed with it: student id → the
/// submission it is a copy of ("reference" or a defect's name).
class GeneratedClass {
 public:
  GeneratedClass(const std::string& name, int copies_of_each)
      : root_(fs::path("/var/tmp") / fmt::format("labgrade-class-it-{}-{}", name, ::getpid())) {
    fs::remove_all(root_);
    fs::create_directories(submissions());
    std::vector<std::pair<std::string, fs::path>> kinds = {
        {"reference", kSourceDir / "reference" / "mmap"}};
    for (const auto& defect : fs::directory_iterator(kDefects)) {
      kinds.emplace_back(defect.path().filename().string(), defect.path());
    }
    std::sort(kinds.begin(), kinds.end());
    // Ids interleave the kinds, so that every shard gets a mix of them.
    int number = 0;
    for (int copy = 0; copy < copies_of_each; ++copy) {
      for (const auto& [kind, from] : kinds) {
        const std::string id = fmt::format("student-{:02}", ++number);
        fs::copy(from, submissions() / id, fs::copy_options::recursive);
        fs::remove(submissions() / id / "EXPECTED_FAILURES");
        kind_of_[id] = kind;
      }
    }
  }
  ~GeneratedClass() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  GeneratedClass(const GeneratedClass&) = delete;
  GeneratedClass& operator=(const GeneratedClass&) = delete;

  const fs::path& root() const { return root_; }
  fs::path submissions() const { return root_ / "submissions"; }
  const std::map<std::string, std::string>& kind_of() const { return kind_of_; }

  /// `labgrade grade` of the class into root/<out>, with 2 jobs and `extra` arguments.
  CommandResult Grade(const std::string& out, std::vector<std::string> extra) const {
    std::vector<std::string> args = {
        "grade", kLab.string(),          "--submissions", submissions().string(),
        "--out", (root_ / out).string(), "--jobs",        "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunLabgrade(args);
  }

 private:
  fs::path root_;
  std::map<std::string, std::string> kind_of_;
};

std::vector<std::string> OnlyArgs(const std::optional<std::string>& only) {
  if (!only) return {};
  return {"--only", *only};
}

// Every cell of gradebook.csv equals the student's results.json: the total and each test's.
void ExpectGradebookCellsEqualResultsJson(const GeneratedClass& generated, const fs::path& out,
                                          const std::vector<TestColumn>& tests) {
  std::string header = "student_id,total";
  for (const TestColumn& test : tests) header += "," + test.name;
  const std::string csv = ReadFile(out / "gradebook.csv");
  ASSERT_TRUE(csv.ends_with("\r\n")) << csv;
  std::vector<std::string> rows = Split(csv.substr(0, csv.size() - 2), "\r\n");
  ASSERT_EQ(rows.front(), header);
  rows.erase(rows.begin());
  ASSERT_EQ(rows.size(), generated.kind_of().size()) << csv;
  auto expected_id = generated.kind_of().begin();
  for (const std::string& row : rows) {
    const std::vector<std::string> cells = Split(row, ",");
    ASSERT_EQ(cells.size(), 2 + tests.size()) << row;
    EXPECT_EQ(cells[0], expected_id->first) << "rows are in id order";
    const json results = json::parse(ReadFile(out / cells[0] / "results.json"));
    EXPECT_EQ(cells[1], std::to_string(results["score"].get<int>())) << row;
    ASSERT_EQ(results["tests"].size(), tests.size()) << results.dump(2);
    for (std::size_t i = 0; i < tests.size(); ++i) {
      const json& test = results["tests"][i];
      EXPECT_EQ(test["name"], tests[i].name) << row;
      EXPECT_EQ(cells[2 + i], std::to_string(test["score"].get<int>()))
          << row << ": " << tests[i].name;
    }
    ++expected_id;
  }
}

// Each student gets what their submission deserves: the reference full marks, a defect fails
// exactly its EXPECTED_FAILURES among the graded tests, one that does not compile 0 and says so.
void ExpectEachStudentsOutcome(const GeneratedClass& generated, const fs::path& out,
                               const std::vector<TestColumn>& tests) {
  const json grades = json::parse(ReadFile(out / "grades.json"));
  for (const auto& [id, kind] : generated.kind_of()) {
    SCOPED_TRACE(id + " is a copy of " + kind);
    const json& student = grades["students"][id];
    const json results = json::parse(ReadFile(out / id / "results.json"));
    const std::set<std::string> must_fail = FailuresOf(kind, tests);
    int expected_total = 0;
    for (const TestColumn& test : tests) {
      if (!must_fail.contains(test.name)) expected_total += test.points;
    }
    std::set<std::string> failed;
    for (const json& test : results["tests"]) {
      if (test["status"] != "passed") failed.insert(test["name"].get<std::string>());
    }
    EXPECT_EQ(failed, must_fail);
    EXPECT_EQ(results["score"], expected_total);
    EXPECT_EQ(student["total"], results["score"]);
    EXPECT_EQ(student["grader_error"], "");
    EXPECT_EQ(student["build_ok"], kind != "does-not-compile");
    if (kind == "does-not-compile") {
      EXPECT_EQ(results["score"], 0);
      EXPECT_EQ(results["output"].get<std::string>().rfind("Build failed\n", 0), 0u)
          << results["output"];
    }
  }
}

/// The class of 32, graded once on kOnlyTest, shared by the tests of the fixture.
class ClassGradingIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    generated_ = new GeneratedClass("big", kCopiesInTheBigClass);
    run_ = new CommandResult(generated_->Grade("out", OnlyArgs(kOnlyTest)));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete generated_;
  }
  void SetUp() override { ASSERT_EQ(run_->exit_code, 0) << run_->out << run_->err; }

  static fs::path Out() { return generated_->root() / "out"; }

  static GeneratedClass* generated_;
  static CommandResult* run_;
};

GeneratedClass* ClassGradingIntegration::generated_ = nullptr;
CommandResult* ClassGradingIntegration::run_ = nullptr;

// The class is big enough, and its submissions pass, fail and do not compile.
TEST_F(ClassGradingIntegration, ClassMixesEveryKindOfSubmission) {
  EXPECT_GE(generated_->kind_of().size(), 30u);
  const auto tests = GradedTests(kOnlyTest);
  std::set<std::string> passing, failing;
  for (const auto& [id, kind] : generated_->kind_of()) {
    (FailuresOf(kind, tests).empty() ? passing : failing).insert(kind);
  }
  EXPECT_GE(passing.size(), 2u);
  EXPECT_GE(failing.size(), 2u);
  EXPECT_TRUE(failing.contains("does-not-compile"));
}

// Every cell of gradebook.csv equals the student's results.json.
TEST_F(ClassGradingIntegration, EveryGradebookCellEqualsResultsJson) {
  ExpectGradebookCellsEqualResultsJson(*generated_, Out(), GradedTests(kOnlyTest));
}

// Each student's score is what their submission deserves.
TEST_F(ClassGradingIntegration, EachStudentGetsTheirSubmissionsOutcome) {
  ExpectEachStudentsOutcome(*generated_, Out(), GradedTests(kOnlyTest));
}

// Piped, the progress is one plain line per student, counting up to the class size, and the
// run ends by naming the class files.
TEST_F(ClassGradingIntegration, PipedProgressIsOneLinePerStudent) {
  const std::string& err = run_->err;
  EXPECT_EQ(err.find('\r'), std::string::npos);
  EXPECT_EQ(err.find('\x1b'), std::string::npos);
  const std::size_t students = generated_->kind_of().size();
  const int max_total = GradedTests(kOnlyTest).front().points;
  const std::regex line(fmt::format(
      R"(graded (student-\d\d): (\d+)/{} \((\d+)/(\d+)\)(, did not build)?)", max_total));
  std::vector<std::string> lines = Split(err, "\n");
  ASSERT_EQ(lines.back(), "") << err;
  lines.pop_back();
  // First the shipped lab's note that its hidden tests are not in this run.
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front().rfind("labgrade: warning: 10 more points come from hidden tests", 0), 0u)
      << err;
  lines.erase(lines.begin());
  ASSERT_EQ(lines.size(), students) << err;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch match;
    ASSERT_TRUE(std::regex_match(lines[i], match, line)) << lines[i];
    ids.insert(match[1]);
    const json results = json::parse(ReadFile(Out() / match[1].str() / "results.json"));
    EXPECT_EQ(match[2], std::to_string(results["score"].get<int>())) << lines[i];
    EXPECT_EQ(match[3], std::to_string(i + 1)) << lines[i];
    EXPECT_EQ(match[4], std::to_string(students)) << lines[i];
    EXPECT_EQ(match[5].matched, generated_->kind_of().at(match[1]) == "does-not-compile")
        << lines[i];
  }
  EXPECT_EQ(ids.size(), students);
  // The build cache's tally (tests/integration/build_cache_test.cc pins it), then the files.
  const std::regex out(fmt::format(
      R"(build cache {0}/\.build-cache: \d+ of {1} student builds and \d+ of \d+ reference builds )"
      R"(reused\ngraded {1} students: {0}/gradebook\.csv, summary\.md, report\.html\n)",
      Out().string(), students));
  EXPECT_TRUE(std::regex_match(run_->out, out)) << run_->out;
}

// summary.md, report.html and grades.json have their parts, with each test's pass count, and
// every student has a report.txt that report.html links to.
TEST_F(ClassGradingIntegration, ReportFilesHaveTheirStructure) {
  const int students = static_cast<int>(generated_->kind_of().size());
  const auto tests = GradedTests(kOnlyTest);
  const std::string summary = ReadFile(Out() / "summary.md");
  EXPECT_EQ(summary.rfind(fmt::format("# mmap (Memory-mapped files): class summary\n\n{} students, "
                                      "mean ",
                                      students),
                          0),
            0u)
      << summary;
  EXPECT_NE(summary.find("## Score distribution\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("## Grader errors\n\nNone.\n"), std::string::npos) << summary;
  const std::string html = ReadFile(Out() / "report.html");
  EXPECT_NE(html.find("<svg "), std::string::npos);
  EXPECT_NE(html.find("<rect "), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
  for (const TestColumn& test : tests) {
    int passed = 0;
    for (const auto& [id, kind] : generated_->kind_of()) {
      passed += FailuresOf(kind, tests).contains(test.name) ? 0 : 1;
    }
    // The rate's rounding and the times are pinned by the unit tests.
    EXPECT_NE(
        summary.find(fmt::format("| {} | {} | {}/{} | ", test.name, test.points, passed, students)),
        std::string::npos)
        << test.name << "\n"
        << summary;
    EXPECT_NE(html.find(fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td "
                                    "class=\"num\">{}/{}</td>",
                                    test.name, test.points, passed, students)),
              std::string::npos)
        << test.name;
  }
  for (const auto& [id, kind] : generated_->kind_of()) {
    EXPECT_NE(html.find(fmt::format("<a href=\"{0}/report.txt\">{0}</a>", id)), std::string::npos)
        << id;
    const std::string report = ReadFile(Out() / id / "report.txt");
    EXPECT_NE(report.find("Score: "), std::string::npos) << id << ":\n" << report;
  }
  const json grades = json::parse(ReadFile(Out() / "grades.json"));
  EXPECT_EQ(grades["lab"], "mmap");
  EXPECT_EQ(grades["max_total"], tests.front().points);
  EXPECT_EQ(grades["students"].size(), generated_->kind_of().size());
}

// One copy of each submission, graded on every test: each gets exactly its EXPECTED_FAILURES
// (the reference full marks), and the gradebook's every cell is its results.json's.
TEST(WholeLabClassGradingIntegration, EachSubmissionOnEveryTest) {
  const GeneratedClass generated("whole-lab", 1);
  const CommandResult run = generated.Grade("out", {});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto tests = GradedTests(std::nullopt);
  ExpectGradebookCellsEqualResultsJson(generated, generated.root() / "out", tests);
  ExpectEachStudentsOutcome(generated, generated.root() / "out", tests);
  const json grades = json::parse(ReadFile(generated.root() / "out" / "grades.json"));
  // Out of 90: the shipped lab keeps 10 points for hidden tests, which this run does not have.
  EXPECT_EQ(grades["max_total"], 90);
  for (const auto& [id, kind] : generated.kind_of()) {
    if (kind == "reference") {
      EXPECT_EQ(grades["students"][id]["total"], 90) << id;
    }
  }
}

/// grades.json without its tests' "duration_ms" and "programs_cpu_ms", which differ from run to
/// run.
json WithoutDurations(json grades) {
  for (auto& [id, student] : grades["students"].items())
    for (auto& [name, test] : student["tests"].items()) {
      test.erase("duration_ms");
      test.erase("programs_cpu_ms");
    }
  return grades;
}

/// summary.md with its tests' times ("850 ms", "1.2 s") blanked.
std::string WithoutTimes(const std::string& summary) {
  static const std::regex kTime("\\| [0-9.]+ m?s ");
  return std::regex_replace(summary, kTime, "| (time) ");
}

// The class of 32 graded as three shards: they partition it, and merged they give exactly the
// class files of one unsharded run, and every student's own files.
TEST(ShardedClassGradingIntegration, MergedShardsEqualTheUnshardedRun) {
  const GeneratedClass generated("sharded", kCopiesInTheBigClass);
  const CommandResult unsharded = generated.Grade("out", OnlyArgs(kOnlyTest));
  ASSERT_EQ(unsharded.exit_code, 0) << unsharded.out << unsharded.err;
  std::vector<std::string> merge = {"merge", "--out", (generated.root() / "merged").string()};
  std::size_t sharded_students = 0;
  for (int shard = 1; shard <= kShards; ++shard) {
    const std::string out = fmt::format("shard-{}", shard);
    std::vector<std::string> args = OnlyArgs(kOnlyTest);
    args.insert(args.end(), {"--shard", fmt::format("{}/{}", shard, kShards)});
    const CommandResult run = generated.Grade(out, args);
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    const json grades = json::parse(ReadFile(generated.root() / out / "grades.json"));
    EXPECT_GE(grades["students"].size(), generated.kind_of().size() / kShards) << out;
    sharded_students += grades["students"].size();
    merge.push_back((generated.root() / out).string());
  }
  EXPECT_EQ(sharded_students, generated.kind_of().size());
  const CommandResult merged_run = RunLabgrade(merge);
  ASSERT_EQ(merged_run.exit_code, 0) << merged_run.out << merged_run.err;
  const fs::path merged = generated.root() / "merged";
  EXPECT_EQ(merged_run.out,
            fmt::format("merged {} students: {}/gradebook.csv, summary.md, report.html\n",
                        generated.kind_of().size(), merged.string()));
  const fs::path out = generated.root() / "out";
  EXPECT_EQ(ReadFile(merged / "gradebook.csv"), ReadFile(out / "gradebook.csv"));
  // The same grades; the tests' times are those of two different runs.
  EXPECT_EQ(WithoutDurations(json::parse(ReadFile(merged / "grades.json"))),
            WithoutDurations(json::parse(ReadFile(out / "grades.json"))));
  EXPECT_EQ(WithoutTimes(ReadFile(merged / "summary.md")),
            WithoutTimes(ReadFile(out / "summary.md")));
  EXPECT_EQ(ReadFile(merged / "report.html"), ReadFile(out / "report.html"));
  // Each student's own files come along (their timings differ from the unsharded run's).
  for (const auto& [id, kind] : generated.kind_of()) {
    const json results = json::parse(ReadFile(merged / id / "results.json"));
    EXPECT_EQ(results["score"], json::parse(ReadFile(out / id / "results.json"))["score"]) << id;
    EXPECT_TRUE(fs::is_regular_file(merged / id / "report.txt")) << id;
  }
}

}  // namespace
}  // namespace labgrade
