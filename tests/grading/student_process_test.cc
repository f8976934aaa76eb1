// Tests for grading/student_process: the child's arguments, the per-student wall limit, the
// excerpt of a child's stderr, the grader-error words for each way a child can end without a
// grade, and the grade file's round trip and checks. Running a real child is covered by
// tests/integration/class_grading_test.cc.
#include "grading/student_process.h"

#include <csignal>

#include <gtest/gtest.h>

namespace labgrade {
namespace {

using nlohmann::json;

ClassRunPlan SamplePlan() {
  ClassRunPlan plan;
  plan.lab_name = "mmap";
  plan.lab_title = "Memory-mapped files";
  plan.tests = {{"longer-dst", 10}, {"empty", 5}};
  plan.submissions_dir = "/var/tmp/class/submissions";
  plan.student_ids = {"alice"};
  plan.out_dir = "/var/tmp/class/out";
  return plan;
}

ProgramEnd KilledBy(int signal) {
  ProgramEnd end;
  end.exited = false;
  end.term_signal = signal;
  return end;
}

ProgramEnd ExitedWith(int code) {
  ProgramEnd end;
  end.exited = true;
  end.exit_code = code;
  return end;
}

// The child gets the class's folders, the student and jobs, then the optional flags,
// each as NAME=value so that no value can be read as an option.
TEST(GradeOneArguments, NameTheStudentAndTheClassFolders) {
  StudentProcessRequest request;
  request.lab = "labs/mmap";
  request.student_id = "alice";
  request.test_jobs = 1;
  request.only_tests = {"longer-dst", "empty-file"};
  request.build_cache_dir = "/var/tmp/cache";
  request.overlay = "hidden.yaml";
  request.work_dir = "/var/tmp/labgrade-student-x";
  request.host_mode = true;
  EXPECT_EQ(GradeOneArguments(SamplePlan(), request),
            (std::vector<std::string>{
                "grade-one", "labs/mmap", "--submissions=/var/tmp/class/submissions",
                "--out=/var/tmp/class/out", "--student=alice", "--jobs=1", "--only=longer-dst",
                "--only=empty-file", "--build-cache=/var/tmp/cache", "--overlay=hidden.yaml",
                "--work-dir=/var/tmp/labgrade-student-x", "--host-mode"}));
}

// Without --only, a cache, an overlay, a work folder or host mode, none of those flags is passed
// on.
TEST(GradeOneArguments, LeaveOutUnsetFlags) {
  StudentProcessRequest request;
  request.lab = "labs/mmap";
  request.student_id = "-bob";
  EXPECT_EQ(GradeOneArguments(SamplePlan(), request),
            (std::vector<std::string>{"grade-one", "labs/mmap",
                                      "--submissions=/var/tmp/class/submissions",
                                      "--out=/var/tmp/class/out", "--student=-bob", "--jobs=1"}));
}

// Two builds at their timeout, each test every program's wall limit plus a minute, two minutes.
TEST(StudentWallLimitMs, AddsBuildsAndEachTestsPrograms) {
  LabSpec lab;
  lab.build_timeout_ms = 60'000;
  lab.programs["a"].limits.wall_ms = 10'000;
  lab.programs["b"].limits.wall_ms = 20'000;
  const std::vector<TestColumn> two_tests = {{"x", 1}, {"y", 1}};
  EXPECT_EQ(StudentWallLimitMs(lab, two_tests), 120'000 + 120'000 + 2 * (30'000 + 60'000));
}

// Only the last lines are kept, empty lines skipped, long lines cut.
TEST(LastLines, KeepsTheLastNonEmptyLinesCut) {
  EXPECT_EQ(LastLines("one\ntwo\n\nthree\nfour\n\n", 3, 100), "two\nthree\nfour");
  EXPECT_EQ(LastLines("abcdefgh", 5, 4), "abcd...");
  EXPECT_EQ(LastLines("", 5, 4), "");
  EXPECT_EQ(LastLines("\n\n", 5, 4), "");
}

// A child killed by a signal crashed, and the student is told it is not their fault.
TEST(GraderCrashText, KilledBySignal) {
  EXPECT_EQ(GraderCrashText(KilledBy(SIGSEGV), 60'000, ""),
            "the grader crashed (killed by SIGSEGV) while grading this submission; this is not "
            "your fault — tell your instructor");
}

// As non-root, the user-namespace waiter passes a signal on as 128+N: read as that signal.
TEST(GraderCrashText, ExitStatusOfASignalReadsAsTheSignal) {
  EXPECT_EQ(GraderCrashText(ExitedWith(128 + SIGABRT), 60'000, ""),
            "the grader crashed (killed by SIGABRT) while grading this submission; this is not "
            "your fault — tell your instructor");
}

// A child stopped at its wall limit says how long it was given.
TEST(GraderCrashText, StoppedAtTheWallLimit) {
  ProgramEnd end = KilledBy(SIGTERM);
  end.hit_wall_limit = true;
  end.killed_by_harness = true;
  EXPECT_EQ(GraderCrashText(end, 90'500, ""),
            "the grader did not finish grading this submission within 91 s and was stopped; "
            "this is not your fault — tell your instructor");
}

// Another exit status is a failure, named by its status.
TEST(GraderCrashText, OtherExitStatus) {
  EXPECT_EQ(GraderCrashText(ExitedWith(2), 60'000, ""),
            "the grader failed (exit status 2) while grading this submission; this is not your "
            "fault — tell your instructor");
}

// Exit 0 without a readable grade says why the grade is missing.
TEST(GraderCrashText, ExitedWithoutAGrade) {
  EXPECT_EQ(GraderCrashText(ExitedWith(0), 60'000, "cannot read x: No such file or directory"),
            "the grader ended without recording a grade for this submission (cannot read x: No "
            "such file or directory); this is not your fault — tell your instructor");
}

// The child's last stderr lines follow, indented and bounded.
TEST(GraderCrashText, EndsWithTheLastLinesOfStderr) {
  ProgramEnd end = KilledBy(SIGABRT);
  for (int i = 1; i <= 20; ++i) end.err.bytes += "line " + std::to_string(i) + "\n";
  const std::string text = GraderCrashText(end, 60'000, "");
  EXPECT_TRUE(
      text.ends_with("\nthe grader's last words on stderr:\n  line 9\n  line 10\n  line "
                     "11\n  line 12\n  line 13\n  line 14\n  line 15\n  line 16\n  line "
                     "17\n  line 18\n  line 19\n  line 20"))
      << text;
}

StudentProcessResult SampleResult() {
  StudentProcessResult result;
  result.grade.student_id = "alice";
  result.grade.total = 10;
  result.grade.build_ok = true;
  result.grade.tests = {{10, true}, {0, false}};
  result.cache = {true, false};
  return result;
}

// The grade file reads back as the grade and cache facts it was written from.
TEST(StudentGradeFile, RoundTrips) {
  const ClassRunPlan plan = SamplePlan();
  std::string error;
  auto back =
      StudentGradeFromFileJson(StudentGradeFileJson(plan, SampleResult()), plan, "alice", &error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(back->grade.student_id, "alice");
  EXPECT_EQ(back->grade.total, 10);
  EXPECT_TRUE(back->grade.build_ok);
  ASSERT_EQ(back->grade.tests.size(), 2u);
  EXPECT_EQ(back->grade.tests[0].points, 10);
  EXPECT_TRUE(back->grade.tests[0].passed);
  EXPECT_FALSE(back->grade.tests[1].passed);
  EXPECT_TRUE(back->cache.build_from_cache);
  EXPECT_FALSE(back->cache.reference_build_from_cache);
}

// Another student's grade file is refused.
TEST(StudentGradeFile, RefusesAnotherStudent) {
  const ClassRunPlan plan = SamplePlan();
  std::string error;
  EXPECT_FALSE(
      StudentGradeFromFileJson(StudentGradeFileJson(plan, SampleResult()), plan, "bob", &error));
  EXPECT_EQ(error, "not the grade of student bob on these tests of mmap");
}

// A grade file for other tests is refused.
TEST(StudentGradeFile, RefusesOtherTests) {
  ClassRunPlan plan = SamplePlan();
  const json written = StudentGradeFileJson(plan, SampleResult());
  plan.tests.pop_back();
  std::string error;
  EXPECT_FALSE(StudentGradeFromFileJson(written, plan, "alice", &error));
  EXPECT_EQ(error, "not the grade of student alice on these tests of mmap");
}

// Something that is not a grade file says what it lacks.
TEST(StudentGradeFile, RefusesOtherJson) {
  std::string error;
  EXPECT_FALSE(StudentGradeFromFileJson(json{{"grades", 1}}, SamplePlan(), "alice", &error));
  EXPECT_EQ(error,
            "not a grade-one file: expected grades, build_from_cache, reference_build_from_cache");
}

}  // namespace
}  // namespace labgrade
