// Tests for grading/class_grading: --shard parsing and slicing, listing students, grading a
// class with a fake grader (one student's crash never stops the batch), and merging shards.
#include "grading/class_grading.h"

#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/grading/sample_class.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::SampleClass;

/// A fresh folder under /var/tmp, removed at the end of the test.
class ScratchFolder {
 public:
  explicit ScratchFolder(const std::string& name)
      : path_(fs::path("/var/tmp") /
              ("labgrade-class-test-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string ShardError(std::string_view text) {
  std::string error;
  EXPECT_FALSE(ParseShard(text, &error).has_value()) << text;
  return error;
}

// grades.json holds a student id's right-to-left override as the JSON escape \u202e, never
// raw, and reads back to the same id.
TEST(WriteClassFiles, GradesJsonEscapesBidiControlsAndReadsBack) {
  ClassGrades grades;
  grades.lab_name = "shm-xfer";
  grades.tests = {{"short-text", 60}};
  StudentGrade student;
  student.student_id = "bob\u202Egnp.exe";
  student.build_ok = true;
  student.tests = {{60, true}};
  student.total = 60;
  grades.students = {student};
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("labgrade-bidi-" + std::to_string(::getpid()));
  std::filesystem::create_directories(out);
  EXPECT_TRUE(WriteClassFiles(grades, out).empty());
  std::ifstream in(out / "grades.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("\u202E"), std::string::npos);
  EXPECT_NE(text.find("bob\\u202egnp.exe"), std::string::npos) << text;
  std::string error;
  const auto read = ClassGradesFromJson(nlohmann::json::parse(text), &error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->students[0].student_id, "bob\u202Egnp.exe");
  std::filesystem::remove_all(out);
}

// "K/N" gives shard K of N.
TEST(ParseShard, ReadsKOfN) {
  std::string error;
  auto shard = ParseShard("2/4", &error);
  ASSERT_TRUE(shard.has_value()) << error;
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 4);
  shard = ParseShard("1/1", &error);
  ASSERT_TRUE(shard.has_value()) << error;
  EXPECT_EQ(shard->index, 1);
}

// Anything but K/N with 1 <= K <= N is refused with the same message.
TEST(ParseShard, RefusesEverythingElse) {
  EXPECT_EQ(ShardError("5/4"), "--shard 5/4: expected K/N with 1 <= K <= N, such as 2/4");
  for (const char* text : {"0/4", "2/0", "2", "/4", "2/", "a/b", "2/4x", " 2/4", "2/ 4", "+2/4",
                           "-1/4", "", "2/4/8", "99999999999/4"}) {
    EXPECT_EQ(ShardError(text),
              fmt::format("--shard {}: expected K/N with 1 <= K <= N, such as 2/4", text));
  }
}

// Shard K of N takes every N-th student from the K-th on, in id order.
TEST(SelectShard, TakesEveryNthStudent) {
  const std::vector<std::string> ids = {"a", "b", "c", "d", "e", "f", "g"};
  EXPECT_EQ(SelectShard(ids, {1, 3}), (std::vector<std::string>{"a", "d", "g"}));
  EXPECT_EQ(SelectShard(ids, {2, 3}), (std::vector<std::string>{"b", "e"}));
  EXPECT_EQ(SelectShard(ids, {3, 3}), (std::vector<std::string>{"c", "f"}));
  EXPECT_EQ(SelectShard(ids, {1, 1}), ids);
}

// The shards of any N cover every student exactly once, and differ in size by at most one.
TEST(SelectShard, ShardsPartitionTheClass) {
  std::vector<std::string> ids;
  for (int i = 0; i < 31; ++i) ids.push_back(fmt::format("s{:02}", i));
  for (int count = 1; count <= 8; ++count) {
    std::multiset<std::string> seen;
    std::size_t smallest = ids.size(), largest = 0;
    for (int index = 1; index <= count; ++index) {
      const auto shard = SelectShard(ids, {index, count});
      seen.insert(shard.begin(), shard.end());
      smallest = std::min(smallest, shard.size());
      largest = std::max(largest, shard.size());
    }
    EXPECT_EQ(seen, std::multiset<std::string>(ids.begin(), ids.end())) << count;
    EXPECT_LE(largest - smallest, 1u) << count;
  }
}

// More shards than students: the extra shards are empty.
TEST(SelectShard, MoreShardsThanStudents) { EXPECT_TRUE(SelectShard({"a", "b"}, {3, 4}).empty()); }

// Students are the sub-folders, in byte order; hidden folders and plain files are not.
TEST(ListStudents, SubFoldersInByteOrder) {
  ScratchFolder dir("list");
  for (const char* name : {"bob", "alice", "Zed", ".git", "carol"}) {
    fs::create_directory(dir.path() / name);
  }
  std::ofstream(dir.path() / "notes.txt") << "not a student\n";
  std::string error;
  EXPECT_EQ(ListStudents(dir.path(), &error),
            (std::vector<std::string>{"Zed", "alice", "bob", "carol"}));
  EXPECT_EQ(error, "");
}

// A folder that cannot be read is named with the reason.
TEST(ListStudents, NamesAFolderItCannotRead) {
  std::string error;
  EXPECT_TRUE(ListStudents("/nonexistent/class", &error).empty());
  EXPECT_EQ(error, "cannot list /nonexistent/class: No such file or directory");
}

// A report with the two sample tests, `short_text` and `cleanup` passed or not.
GradeReport FakeReport(const fs::path& submission, bool short_text, bool cleanup) {
  GradeReport report;
  report.lab_name = "shm-xfer";
  report.lab_title = "Shared-memory transfer";
  report.submission = submission.string();
  report.build.ok = true;
  report.max_score = 100;
  for (auto [name, points, passed] :
       {std::tuple{"short-text", 60, short_text}, std::tuple{"cleanup", 40, cleanup}}) {
    TestResult test;
    test.name = name;
    test.max_points = points;
    test.points = passed ? points : 0;
    test.outcome = passed ? Outcome::kPass : Outcome::kFail;
    report.score += test.points;
    report.tests.push_back(test);
  }
  return report;
}

ClassRunPlan PlanFor(const fs::path& out, std::vector<std::string> ids) {
  ClassRunPlan plan;
  plan.lab_name = "shm-xfer";
  plan.lab_title = "Shared-memory transfer";
  plan.tests = SampleClass().tests;
  plan.submissions_dir = "/submissions";
  plan.student_ids = std::move(ids);
  plan.out_dir = out;
  plan.students_at_once = 2;
  return plan;
}

// A grader that throws for one student: that student gets the grader's error and zeros, their
// report says so, and every other student is graded as usual.
TEST(GradeClass, OneStudentsCrashNeverStopsTheBatch) {
  ScratchFolder out("batch");
  const ClassRunPlan plan = PlanFor(out.path(), {"alice", "bob", "carol", "dave"});
  auto grade = [](const fs::path& submission, int, int) {
    if (submission.filename() == "bob") throw std::runtime_error("boom");
    return FakeReport(submission, true, submission.filename() != "carol");
  };
  std::mutex mutex;
  std::vector<std::string> reported;
  ClassGrades grades = GradeClass(plan, grade, [&](const StudentGrade& student, auto) {
    std::lock_guard lock(mutex);
    reported.push_back(student.student_id);
  });
  std::sort(reported.begin(), reported.end());
  EXPECT_EQ(reported, (std::vector<std::string>{"alice", "bob", "carol", "dave"}));
  ASSERT_EQ(grades.students.size(), 4u);
  EXPECT_EQ(grades.students[0].student_id, "alice");
  EXPECT_EQ(grades.students[0].total, 100);
  EXPECT_EQ(grades.students[1].student_id, "bob");
  EXPECT_EQ(grades.students[1].grader_error, "internal error: boom");
  EXPECT_EQ(grades.students[1].total, 0);
  ASSERT_EQ(grades.students[1].tests.size(), 2u);
  EXPECT_EQ(grades.students[1].tests[0].points, 0);
  EXPECT_EQ(grades.students[2].total, 60);
  EXPECT_EQ(grades.students[3].total, 100);
  EXPECT_TRUE(AnyGraderError(grades));

  const json bob = json::parse(ReadFile(out.path() / "bob" / "results.json"));
  EXPECT_EQ(bob["score"], 0);
  ASSERT_EQ(bob["tests"].size(), 2u);
  EXPECT_EQ(bob["tests"][0]["score"], 0);
  EXPECT_NE(bob["output"].get<std::string>().find("internal error: boom"), std::string::npos);
  const std::string bob_report = ReadFile(out.path() / "bob" / "report.txt");
  EXPECT_NE(bob_report.find("internal error: boom"), std::string::npos) << bob_report;
  EXPECT_NE(bob_report.find("Score: 0/100"), std::string::npos) << bob_report;
  const json carol = json::parse(ReadFile(out.path() / "carol" / "results.json"));
  EXPECT_EQ(carol["score"], 60);
}

// A grader that throws something that is not a std::exception is caught as well.
TEST(GradeClass, CatchesAnyException) {
  ScratchFolder out("any-exception");
  ClassGrades grades = GradeClass(
      PlanFor(out.path(), {"alice"}), [](const fs::path&, int, int) -> GradeReport { throw 42; },
      [](const StudentGrade&, auto) {});
  ASSERT_EQ(grades.students.size(), 1u);
  EXPECT_EQ(grades.students[0].grader_error,
            "internal error: an exception that is not a std::exception");
}

// The grader is asked for the plan's number of tests at once, with each student's folder.
TEST(GradeClass, GradesEachStudentsFolder) {
  ScratchFolder out("folders");
  ClassRunPlan plan = PlanFor(out.path(), {"alice", "bob"});
  plan.students_at_once = 1;
  plan.test_jobs = 3;
  std::vector<std::string> asked;
  GradeClass(
      plan,
      [&](const fs::path& submission, int test_jobs, int) {
        asked.push_back(fmt::format("{} {}", submission.string(), test_jobs));
        return FakeReport(submission, true, true);
      },
      [](const StudentGrade&, auto) {});
  EXPECT_EQ(asked, (std::vector<std::string>{"/submissions/alice 3", "/submissions/bob 3"}));
}

// Students graded at the same time never share a worker number (their sandbox users derive
// from it), and every number is below students_at_once. The first three students wait until
// all three are being graded (with a deadline, so a batch that grades fewer at once fails
// instead of hanging): otherwise a fast worker may take every student before the others start.
TEST(GradeClass, ConcurrentStudentsHaveDistinctWorkers) {
  ScratchFolder out("workers");
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(fmt::format("s{:02}", i));
  ClassRunPlan plan = PlanFor(out.path(), ids);
  plan.students_at_once = 3;
  std::mutex mutex;
  std::condition_variable changed;
  std::multiset<int> busy;
  bool overlap = false, out_of_range = false;
  std::size_t most_at_once = 0;
  int started = 0;
  std::set<int> first_three;
  GradeClass(
      plan,
      [&](const fs::path& submission, int, int worker) {
        {
          std::unique_lock lock(mutex);
          overlap = overlap || busy.contains(worker);
          out_of_range = out_of_range || worker < 0 || worker >= 3;
          busy.insert(worker);
          most_at_once = std::max(most_at_once, busy.size());
          changed.notify_all();
          if (started++ < 3) {
            first_three.insert(worker);
            changed.wait_for(lock, std::chrono::seconds(30), [&] { return most_at_once >= 3; });
          }
        }
        GradeReport report = FakeReport(submission, true, true);
        std::lock_guard lock(mutex);
        busy.erase(busy.find(worker));
        return report;
      },
      [](const StudentGrade&, auto) {});
  EXPECT_FALSE(overlap);
  EXPECT_FALSE(out_of_range);
  EXPECT_EQ(most_at_once, 3u);
  EXPECT_EQ(first_three, (std::set<int>{0, 1, 2}));
}

// A report file that cannot be written is that student's grader error.
TEST(GradeClass, UnwritableReportIsTheGradersError) {
  ScratchFolder out("unwritable");
  std::ofstream(out.path() / "alice") << "a file where the folder should be\n";
  ClassGrades grades = GradeClass(
      PlanFor(out.path(), {"alice"}),
      [](const fs::path& submission, int, int) { return FakeReport(submission, true, true); },
      [](const StudentGrade&, auto) {});
  EXPECT_EQ(grades.students[0].total, 100);
  EXPECT_EQ(grades.students[0].grader_error.rfind(
                "cannot create " + (out.path() / "alice").string() + ": ", 0),
            0u)
      << grades.students[0].grader_error;
}

// A grader failure recorded for a student: every test at 0 as the grader's error, said as
// given in their grade, results.json and report.txt.
TEST(RecordGraderFailure, WritesEveryTestAtZeroWithTheWords) {
  ScratchFolder out("failure");
  const ClassRunPlan plan = PlanFor(out.path(), {"alice"});
  const StudentGrade alice = RecordGraderFailure(plan, "alice", "the grader crashed");
  EXPECT_EQ(alice.student_id, "alice");
  EXPECT_EQ(alice.total, 0);
  EXPECT_FALSE(alice.build_ok);
  EXPECT_EQ(alice.grader_error, "the grader crashed");
  ASSERT_EQ(alice.tests.size(), 2u);
  EXPECT_EQ(alice.tests[0].points, 0);
  EXPECT_FALSE(alice.tests[1].passed);
  const json results = json::parse(ReadFile(out.path() / "alice" / "results.json"));
  EXPECT_EQ(results["score"], 0);
  ASSERT_EQ(results["tests"].size(), 2u);
  EXPECT_EQ(results["tests"][0]["name"], "short-text");
  EXPECT_EQ(results["tests"][1]["score"], 0);
  EXPECT_NE(results["output"].get<std::string>().find("the grader crashed"), std::string::npos);
  const std::string report = ReadFile(out.path() / "alice" / "report.txt");
  EXPECT_NE(report.find("the grader crashed"), std::string::npos) << report;
  EXPECT_NE(report.find("Score: 0/100"), std::string::npos) << report;
}

// GradeClassBy takes each student's grade from its grader as is, and one that throws is
// recorded as that student's grader error while the others are graded.
TEST(GradeClassBy, UsesEachStudentsGradeAndRecordsAThrow) {
  ScratchFolder out("by");
  ClassRunPlan plan = PlanFor(out.path(), {"alice", "bob"});
  std::vector<std::string> asked;
  std::mutex mutex;
  ClassGrades grades = GradeClassBy(
      plan,
      [&](const std::string& id, int, int) {
        {
          std::lock_guard lock(mutex);
          asked.push_back(id);
        }
        if (id == "bob") throw std::runtime_error("no child");
        return testing::Student(id, 60, true, {{60, true}, {0, false}});
      },
      [](const StudentGrade&, auto) {});
  std::sort(asked.begin(), asked.end());
  EXPECT_EQ(asked, (std::vector<std::string>{"alice", "bob"}));
  ASSERT_EQ(grades.students.size(), 2u);
  EXPECT_EQ(grades.students[0].total, 60);
  EXPECT_EQ(grades.students[0].grader_error, "");
  EXPECT_EQ(grades.students[1].grader_error, "internal error: no child");
  EXPECT_EQ(grades.students[1].total, 0);
  EXPECT_TRUE(fs::exists(out.path() / "bob" / "results.json"));
}

// WriteClassFiles writes the four class files.
TEST(WriteClassFiles, WritesTheFourFiles) {
  ScratchFolder out("class-files");
  EXPECT_TRUE(WriteClassFiles(SampleClass(), out.path()).empty());
  for (const char* name : {"gradebook.csv", "summary.md", "report.html", "grades.json"}) {
    EXPECT_TRUE(fs::is_regular_file(out.path() / name)) << name;
  }
  EXPECT_EQ(ReadFile(out.path() / "gradebook.csv").substr(0, 36),
            "student_id,total,short-text,cleanup\r");
}

// An out folder with no grades.json, or one of the same lab and tests, is no obstacle: grading
// again replaces students, as it should.
TEST(EarlierRunInTheWay, NoneOrTheSameTests) {
  ScratchFolder out("earlier-same");
  const ClassRunPlan plan = PlanFor(out.path(), {"alice"});
  EXPECT_EQ(EarlierRunInTheWay(plan), std::nullopt);
  ASSERT_TRUE(WriteClassFiles(SampleClass(), out.path()).empty());
  EXPECT_EQ(EarlierRunInTheWay(plan), std::nullopt);
}

// A run of fewer tests (--only) into the folder of an earlier full run would replace its grades:
// it is refused, naming both runs' tests and what to do instead.
TEST(EarlierRunInTheWay, OtherTestsAreNamed) {
  ScratchFolder out("earlier-other");
  ASSERT_TRUE(WriteClassFiles(SampleClass(), out.path()).empty());
  ClassRunPlan plan = PlanFor(out.path(), {"alice"});
  plan.tests = {{"cleanup", 40}};
  EXPECT_EQ(EarlierRunInTheWay(plan),
            "--out " + out.path().string() +
                " holds the grades of an earlier run (shm-xfer: short-text, cleanup); this run "
                "grades shm-xfer (cleanup) and would replace them; give another --out (with "
                "--build-cache " +
                (out.path() / ".build-cache").string() + " to reuse that run's builds)");
}

// A grades.json labgrade cannot read is not silently overwritten either.
TEST(EarlierRunInTheWay, UnreadableGradesAreNamed) {
  ScratchFolder out("earlier-unreadable");
  std::ofstream(out.path() / "grades.json") << "not json\n";
  const auto message = EarlierRunInTheWay(PlanFor(out.path(), {"alice"}));
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(*message, "--out " + out.path().string() +
                          " holds a grades.json this run would replace, but " +
                          (out.path() / "grades.json").string() +
                          ": not JSON; give another --out (with --build-cache " +
                          (out.path() / ".build-cache").string() + " to reuse that run's builds)");
}

/// A shard's output folder holding `grades` and a report.txt per student.
fs::path WriteShard(const fs::path& dir, const ClassGrades& grades) {
  fs::create_directories(dir);
  EXPECT_TRUE(WriteClassFiles(grades, dir).empty());
  for (const StudentGrade& student : grades.students) {
    fs::create_directories(dir / student.student_id);
    std::ofstream(dir / student.student_id / "report.txt") << student.student_id << "\n";
  }
  return dir;
}

// Two shards merge into one class, sorted by id, with every student's folder copied.
TEST(MergeShards, CombinesShardsAndCopiesStudentFolders) {
  ScratchFolder scratch("merge");
  ClassGrades first = SampleClass(), second = SampleClass();
  first.students = {SampleClass().students[1]};                              // bob
  second.students = {SampleClass().students[0], SampleClass().students[2]};  // alice, carol
  const fs::path a = WriteShard(scratch.path() / "a", first);
  const fs::path b = WriteShard(scratch.path() / "b", second);
  std::string error;
  auto merged = MergeShards({a, b}, scratch.path() / "out", &error);
  ASSERT_TRUE(merged.has_value()) << error;
  EXPECT_EQ(ClassGradesJson(*merged), ClassGradesJson(SampleClass()));
  for (const char* id : {"alice", "bob", "carol"}) {
    EXPECT_EQ(ReadFile(scratch.path() / "out" / id / "report.txt"), std::string(id) + "\n");
  }
}

// Shards of different labs are refused, and nothing is copied.
TEST(MergeShards, RefusesDifferentLabs) {
  ScratchFolder scratch("merge-labs");
  ClassGrades other = SampleClass();
  other.lab_name = "mmap";
  other.students = {testing::Student("dave", 0, true, {{0, false}, {0, false}})};
  const fs::path a = WriteShard(scratch.path() / "a", SampleClass());
  const fs::path b = WriteShard(scratch.path() / "b", other);
  std::string error;
  EXPECT_FALSE(MergeShards({a, b}, scratch.path() / "out", &error).has_value());
  EXPECT_EQ(error, b.string() + " graded other tests or another lab than " + a.string());
  EXPECT_FALSE(fs::exists(scratch.path() / "out" / "alice"));
}

// Shards that graded other tests (another --only) are refused too.
TEST(MergeShards, RefusesDifferentTests) {
  ScratchFolder scratch("merge-tests");
  ClassGrades other = SampleClass();
  other.tests[1].max_points = 30;
  std::string error;
  EXPECT_FALSE(MergeShards({WriteShard(scratch.path() / "a", SampleClass()),
                            WriteShard(scratch.path() / "b", other)},
                           scratch.path() / "out", &error)
                   .has_value());
  EXPECT_NE(error.find(" graded other tests or another lab than "), std::string::npos) << error;
}

// A student in two shards (the same shard given twice, say) is refused, and nothing is copied.
TEST(MergeShards, RefusesAStudentGradedTwice) {
  ScratchFolder scratch("merge-twice");
  const fs::path a = WriteShard(scratch.path() / "a", SampleClass());
  std::string error;
  EXPECT_FALSE(MergeShards({a, a}, scratch.path() / "out", &error).has_value());
  EXPECT_EQ(error, "student alice is graded more than once");
  EXPECT_FALSE(fs::exists(scratch.path() / "out" / "alice"));
}

// A shard folder without grades.json, or with one that is not JSON, is named.
TEST(MergeShards, NamesAShardItCannotRead) {
  ScratchFolder scratch("merge-unreadable");
  std::string error;
  EXPECT_FALSE(MergeShards({scratch.path()}, scratch.path() / "out", &error).has_value());
  EXPECT_EQ(error, "cannot read " + (scratch.path() / "grades.json").string() +
                       ": No such file or directory");
  std::ofstream(scratch.path() / "grades.json") << "{not json";
  EXPECT_FALSE(MergeShards({scratch.path()}, scratch.path() / "out", &error).has_value());
  EXPECT_EQ(error, (scratch.path() / "grades.json").string() + ": not JSON");
}

// Nothing to merge is an error, not an empty gradebook.
TEST(MergeShards, NeedsAShard) {
  std::string error;
  EXPECT_FALSE(MergeShards({}, "/var/tmp/labgrade-never-created", &error).has_value());
  EXPECT_EQ(error, "no shard folders to merge");
  EXPECT_FALSE(fs::exists("/var/tmp/labgrade-never-created"));
}

}  // namespace
}  // namespace labgrade
