// `labgrade grade` and `labgrade merge` as an instructor runs them, piped: a generated class of
// 32 submissions of the mmap lab (the reference and every defective submission, four copies
// each, one of them not compiling), graded on every test. Every gradebook cell is checked
// against the student's results.json, each student's outcome against what their submission is
// (EXPECTED_FAILURES), the progress lines, the report files, and three shards merged against
// the unsharded run.
//
// Every copy is graded for real, twice (unsharded, then sharded), which is why the class is of
// the mmap lab: a whole mmap submission takes a second or two, a shm-xfer one up to a minute.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/program_run.h"
#include "harness/spec_loader.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSourceDir = LABGRADE_SOURCE_DIR;
const fs::path kLabgrade = fs::path(LABGRADE_BINARY_DIR) / "labgrade";
const fs::path kLab = kSourceDir / "labs" / "mmap";
constexpr int kMaxTotal = 100;
constexpr int kCopiesOfEach = 4;
constexpr int kShards = 3;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs labgrade with its stdout and stderr on pipes, as in a CI log.
CommandResult RunLabgrade(std::vector<std::string> args) {
  LaunchSpec spec;
  spec.executable = kLabgrade;
  spec.args = std::move(args);
  spec.working_dir = kSourceDir;
  spec.environment = {"PATH=/usr/bin:/bin", "NO_COLOR=1"};
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{600'000, 16 << 20, 1'000});
  if (auto* error = std::get_if<LaunchError>(&started)) {
    ADD_FAILURE() << error->message;
    return {};
  }
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  const ProgramEnd& end = run->end();
  return {end.exited ? end.exit_code : 128 + end.term_signal, end.out.bytes, end.err.bytes};
}

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

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

std::set<std::string> ExpectedFailures(const fs::path& submission) {
  std::set<std::string> tests;
  std::ifstream file(submission / "EXPECTED_FAILURES");
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) tests.insert(line);
  }
  return tests;
}

/// The mmap lab's tests, in its order: (name, points).
std::vector<std::pair<std::string, int>> LabTests() {
  SpecLoad load = LoadLabSpec(kLab);
  std::vector<std::pair<std::string, int>> tests;
  if (!load.spec) {
    ADD_FAILURE() << "cannot load " << kLab;
    return tests;
  }
  for (const TestSpec& test : load.spec->tests) tests.emplace_back(test.name, test.points);
  return tests;
}

/// The tests a copy of `kind` must fail: none for the reference, else its EXPECTED_FAILURES.
std::set<std::string> FailuresOf(const std::string& kind) {
  if (kind == "reference") return {};
  return ExpectedFailures(kSourceDir / "tests/submissions/mmap" / kind);
}

/// A generated class: student id → the submission it is a copy of ("reference" or a defect).
struct GeneratedClass {
  fs::path root;
  fs::path submissions;
  std::map<std::string, std::string> kind_of;
};

GeneratedClass MakeClass() {
  GeneratedClass generated;
  generated.root = fs::path("/var/tmp") / ("labgrade-class-it-" + std::to_string(::getpid()));
  generated.submissions = generated.root / "submissions";
  fs::remove_all(generated.root);
  fs::create_directories(generated.submissions);
  std::vector<std::pair<std::string, fs::path>> kinds = {
      {"reference", kSourceDir / "reference" / "mmap"}};
  for (const auto& defect : fs::directory_iterator(kSourceDir / "tests/submissions/mmap")) {
    kinds.emplace_back(defect.path().filename().string(), defect.path());
  }
  std::sort(kinds.begin(), kinds.end());
  // Ids interleave the kinds, so every shard gets a mix of them.
  int number = 0;
  for (int copy = 0; copy < kCopiesOfEach; ++copy) {
    for (const auto& [kind, from] : kinds) {
      const std::string id = fmt::format("student-{:02}", ++number);
      fs::copy(from, generated.submissions / id, fs::copy_options::recursive);
      fs::remove(generated.submissions / id / "EXPECTED_FAILURES");
      generated.kind_of[id] = kind;
    }
  }
  return generated;
}

/// The class, graded once unsharded and once as kShards shards merged, for all tests below.
class ClassGradingIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    generated_ = new GeneratedClass(MakeClass());
    const fs::path out = generated_->root / "out";
    unsharded_ = new CommandResult(
        RunLabgrade({"grade", kLab.string(), "--submissions", generated_->submissions.string(),
                     "--out", out.string(), "--jobs", "2"}));
    std::vector<std::string> merge = {"merge", "--out", (generated_->root / "merged").string()};
    shards_ = new std::vector<CommandResult>;
    for (int shard = 1; shard <= kShards; ++shard) {
      const fs::path shard_out = generated_->root / fmt::format("shard-{}", shard);
      shards_->push_back(RunLabgrade(
          {"grade", kLab.string(), "--submissions", generated_->submissions.string(), "--out",
           shard_out.string(), "--jobs", "2", "--shard", fmt::format("{}/{}", shard, kShards)}));
      merge.push_back(shard_out.string());
    }
    merged_ = new CommandResult(RunLabgrade(merge));
  }

  static void TearDownTestSuite() {
    fs::remove_all(generated_->root);
    delete generated_;
    delete unsharded_;
    delete shards_;
    delete merged_;
  }

  void SetUp() override {
    ASSERT_EQ(unsharded_->exit_code, 0) << unsharded_->out << unsharded_->err;
  }

  static fs::path Out() { return generated_->root / "out"; }

  static GeneratedClass* generated_;
  static CommandResult* unsharded_;
  static std::vector<CommandResult>* shards_;
  static CommandResult* merged_;
};

GeneratedClass* ClassGradingIntegration::generated_ = nullptr;
CommandResult* ClassGradingIntegration::unsharded_ = nullptr;
std::vector<CommandResult>* ClassGradingIntegration::shards_ = nullptr;
CommandResult* ClassGradingIntegration::merged_ = nullptr;

// The class is big enough and mixes passing, failing and non-compiling submissions.
TEST_F(ClassGradingIntegration, ClassMixesEveryKindOfSubmission) {
  EXPECT_GE(generated_->kind_of.size(), 30u);
  std::set<std::string> kinds;
  for (const auto& [id, kind] : generated_->kind_of) kinds.insert(kind);
  EXPECT_TRUE(kinds.contains("reference"));
  EXPECT_TRUE(kinds.contains("does-not-compile"));
  EXPECT_GE(kinds.size(), 5u);
}

// Every cell of gradebook.csv equals the student's results.json: the total and each test's score.
TEST_F(ClassGradingIntegration, EveryGradebookCellEqualsResultsJson) {
  const auto tests = LabTests();
  std::string header = "student_id,total";
  for (const auto& [name, points] : tests) header += "," + name;
  const std::string csv = ReadFile(Out() / "gradebook.csv");
  ASSERT_TRUE(csv.ends_with("\r\n")) << csv;
  std::vector<std::string> rows = Split(csv.substr(0, csv.size() - 2), "\r\n");
  ASSERT_EQ(rows.front(), header);
  rows.erase(rows.begin());
  ASSERT_EQ(rows.size(), generated_->kind_of.size()) << csv;
  auto expected_id = generated_->kind_of.begin();
  for (const std::string& row : rows) {
    const std::vector<std::string> cells = Split(row, ",");
    ASSERT_EQ(cells.size(), 2 + tests.size()) << row;
    EXPECT_EQ(cells[0], expected_id->first) << "rows are in id order";
    const json results = json::parse(ReadFile(Out() / cells[0] / "results.json"));
    EXPECT_EQ(cells[1], std::to_string(results["score"].get<int>())) << row;
    ASSERT_EQ(results["tests"].size(), tests.size()) << results.dump(2);
    for (std::size_t i = 0; i < tests.size(); ++i) {
      const json& test = results["tests"][i];
      EXPECT_EQ(test["name"], tests[i].first) << row;
      EXPECT_EQ(cells[2 + i], std::to_string(test["score"].get<int>()))
          << row << ": " << tests[i].first;
    }
    ++expected_id;
  }
}

// Each student gets what their submission deserves: the reference full marks, a defect fails
// exactly its EXPECTED_FAILURES, a submission that does not compile 0 with the compiler's words.
TEST_F(ClassGradingIntegration, EachStudentGetsTheirSubmissionsOutcome) {
  const auto tests = LabTests();
  const json grades = json::parse(ReadFile(Out() / "grades.json"));
  for (const auto& [id, kind] : generated_->kind_of) {
    SCOPED_TRACE(id + " is a copy of " + kind);
    const json& student = grades["students"][id];
    const json results = json::parse(ReadFile(Out() / id / "results.json"));
    const std::set<std::string> must_fail = FailuresOf(kind);
    std::set<std::string> failed;
    int expected_total = 0;
    for (const auto& [name, points] : tests) {
      if (!must_fail.contains(name)) expected_total += points;
    }
    for (const json& test : results["tests"]) {
      if (test["status"] != "passed") failed.insert(test["name"].get<std::string>());
    }
    EXPECT_EQ(failed, must_fail);
    EXPECT_EQ(results["score"], expected_total);
    if (kind == "reference") {
      EXPECT_EQ(results["score"], kMaxTotal);
    }
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

// Piped, the progress is one plain line per student, counting up to the class size, and the
// run ends by naming the class files.
TEST_F(ClassGradingIntegration, PipedProgressIsOneLinePerStudent) {
  const std::string& err = unsharded_->err;
  EXPECT_EQ(err.find('\r'), std::string::npos);
  EXPECT_EQ(err.find('\x1b'), std::string::npos);
  const std::size_t students = generated_->kind_of.size();
  const std::regex line(R"(graded (student-\d\d): (\d+)/100 \((\d+)/(\d+)\)(, did not build)?)");
  std::vector<std::string> lines = Split(err, "\n");
  ASSERT_EQ(lines.back(), "") << err;
  lines.pop_back();
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
    EXPECT_EQ(match[5].matched, generated_->kind_of.at(match[1]) == "does-not-compile") << lines[i];
  }
  EXPECT_EQ(ids.size(), students);
  EXPECT_EQ(unsharded_->out, fmt::format("graded {} students: {}/gradebook.csv, summary.md, "
                                         "report.html\n",
                                         students, Out().string()));
}

// summary.md, report.html and grades.json are there with their parts, and every student has a
// report.txt that report.html links to.
TEST_F(ClassGradingIntegration, ReportFilesHaveTheirStructure) {
  const int students = static_cast<int>(generated_->kind_of.size());
  const std::string summary = ReadFile(Out() / "summary.md");
  EXPECT_EQ(summary.rfind(fmt::format("# mmap (Memory-mapped files): class summary\n\n{} students, "
                                      "mean ",
                                      students),
                          0),
            0u)
      << summary;
  EXPECT_NE(summary.find("## Score distribution\n"), std::string::npos) << summary;
  const std::string html = ReadFile(Out() / "report.html");
  for (const auto& [name, points] : LabTests()) {
    int passed = 0;
    for (const auto& [id, kind] : generated_->kind_of) passed += !FailuresOf(kind).contains(name);
    EXPECT_NE(summary.find(fmt::format("| {} | {} | {}/{} | {}% |\n", name, points, passed,
                                       students, passed * 100 / students)),
              std::string::npos)
        << name << "\n"
        << summary;
    EXPECT_NE(html.find(fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td "
                                    "class=\"num\">{}/{}</td>",
                                    name, points, passed, students)),
              std::string::npos)
        << name;
  }
  EXPECT_NE(summary.find("## Grader errors\n\nNone.\n"), std::string::npos) << summary;

  EXPECT_NE(html.find("<svg "), std::string::npos);
  EXPECT_NE(html.find("<rect "), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
  for (const auto& [id, kind] : generated_->kind_of) {
    EXPECT_NE(html.find(fmt::format("<a href=\"{0}/report.txt\">{0}</a>", id)), std::string::npos)
        << id;
    const std::string report = ReadFile(Out() / id / "report.txt");
    EXPECT_NE(report.find("Score: "), std::string::npos) << id << ":\n" << report;
  }
  const json grades = json::parse(ReadFile(Out() / "grades.json"));
  EXPECT_EQ(grades["lab"], "mmap");
  EXPECT_EQ(grades["max_total"], kMaxTotal);
  EXPECT_EQ(grades["students"].size(), generated_->kind_of.size());
}

// Three shards partition the class, and merged they give exactly the unsharded class files.
TEST_F(ClassGradingIntegration, MergedShardsEqualTheUnshardedRun) {
  std::size_t sharded_students = 0;
  for (int shard = 1; shard <= kShards; ++shard) {
    const CommandResult& run = (*shards_)[shard - 1];
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    const json grades =
        json::parse(ReadFile(generated_->root / fmt::format("shard-{}", shard) / "grades.json"));
    EXPECT_GE(grades["students"].size(), generated_->kind_of.size() / kShards);
    sharded_students += grades["students"].size();
  }
  EXPECT_EQ(sharded_students, generated_->kind_of.size());
  ASSERT_EQ(merged_->exit_code, 0) << merged_->out << merged_->err;
  const fs::path merged = generated_->root / "merged";
  EXPECT_EQ(ReadFile(merged / "gradebook.csv"), ReadFile(Out() / "gradebook.csv"));
  EXPECT_EQ(json::parse(ReadFile(merged / "grades.json")),
            json::parse(ReadFile(Out() / "grades.json")));
  EXPECT_EQ(ReadFile(merged / "summary.md"), ReadFile(Out() / "summary.md"));
  EXPECT_EQ(ReadFile(merged / "report.html"), ReadFile(Out() / "report.html"));
  // Each student's own files come along (their timings differ from the unsharded run's).
  for (const auto& [id, kind] : generated_->kind_of) {
    const json results = json::parse(ReadFile(merged / id / "results.json"));
    EXPECT_EQ(results["score"], json::parse(ReadFile(Out() / id / "results.json"))["score"]) << id;
    EXPECT_TRUE(fs::is_regular_file(merged / id / "report.txt")) << id;
  }
}

}  // namespace
}  // namespace labgrade
