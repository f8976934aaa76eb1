// Tests for grading/progress_display: one plain line per student when piped, one line redrawn
// in place on a terminal.
#include "grading/progress_display.h"

#include <gtest/gtest.h>

#include "tests/grading/sample_class.h"

namespace labgrade {
namespace {

using namespace std::chrono_literals;
using testing::Student;

// Piped: "graded <id>: <total>/<max> (N/M)", and why when it did not build or the grader failed.
TEST(ProgressDisplay, PipedLinesPerStudent) {
  ProgressDisplay progress(/*terminal=*/false, 3, 100);
  EXPECT_EQ(progress.Record(Student("alice", 100, true, {}), 10s), "graded alice: 100/100 (1/3)\n");
  EXPECT_EQ(progress.Record(Student("carol", 0, false, {}), 20s),
            "graded carol: 0/100 (2/3), did not build\n");
  EXPECT_EQ(progress.Record(Student("dave", 0, false, {}, "internal error: boom"), 30s),
            "graded dave: 0/100 (3/3), grader error\n");
}

// Piped: a student id with control bytes cannot move the cursor of whoever reads the log.
TEST(ProgressDisplay, PipedLineEscapesTheId) {
  ProgressDisplay progress(/*terminal=*/false, 1, 10);
  EXPECT_EQ(progress.Record(Student("a\x1b[2Jb", 10, true, {}), 1s),
            "graded a\\x1b[2Jb: 10/10 (1/1)\n");
}

// Terminal: a bar, done/total, failures so far and the time left, redrawn with \r; a newline
// after the last student.
TEST(ProgressDisplay, TerminalLineRedrawnInPlace) {
  ProgressDisplay progress(/*terminal=*/true, 3, 100);
  EXPECT_EQ(progress.Record(Student("alice", 100, true, {}), 10s),
            "\r[######..............] graded 1/3, 0 with failures, ~20s left\x1b[K");
  EXPECT_EQ(progress.Record(Student("bob", 60, true, {}), 90s),
            "\r[#############.......] graded 2/3, 1 with failures, ~45s left\x1b[K");
  EXPECT_EQ(progress.Record(Student("carol", 0, false, {}), 100s),
            "\r[####################] graded 3/3, 2 with failures\x1b[K\n");
}

// Terminal: the time left is rounded up to whole seconds and shown in minutes past one.
TEST(ProgressDisplay, TerminalTimeLeftInMinutes) {
  ProgressDisplay progress(/*terminal=*/true, 11, 10);
  EXPECT_EQ(progress.Record(Student("a", 10, true, {}), 8001ms),
            "\r[#...................] graded 1/11, 0 with failures, ~1m21s left\x1b[K");
}

// Durations read as a person says them.
TEST(HumanDuration, SecondsMinutesHours) {
  EXPECT_EQ(HumanDuration(0s), "0s");
  EXPECT_EQ(HumanDuration(45s), "45s");
  EXPECT_EQ(HumanDuration(80s), "1m20s");
  EXPECT_EQ(HumanDuration(3599s), "59m59s");
  EXPECT_EQ(HumanDuration(7500s), "2h05m");
}

}  // namespace
}  // namespace labgrade
