// A standard input kept open (`stdin: { keep_open: true }`) and closed by `close_stdin:`,
// through the real scenario runner in cells, on tests/programs: a program that reads to end of
// file passes only once its input is closed, and programs that quit early or never finish lose
// the test's points; a wait for a program reading a stdin that no step before it closes ends
// early, saying so; a stdin nobody closed is closed when the test ends.
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/integration/scenario_fixture.h"

namespace labgrade {
namespace {

constexpr std::string_view kLab = R"(name: keep-open
title: Standard input kept open
reference: .
submission: { required: [x.c] }
build: { commands: ["true"] }
limits: { wall_ms: 60000 }
programs:
  counter: { executable: count-stdin }
  quitter: { executable: exit-with, argv: ["0"] }
  sleeper: { executable: sleep-forever }
tests:
)";

class KeptOpenStdin : public testing::ScenarioFixture {
 protected:
  KeptOpenStdin() : ScenarioFixture(kLab) {}

  /// Runs the one test whose steps and checks are `body` (100 points), in a cell.
  TestResult Run(std::string_view body) {
    return ScenarioFixture::Run(
        "  - name: count\n    description: Counts its input\n    points: 100\n" +
        std::string(body));
  }

  /// The lab's one test, with `program` as the instance `p`: given 6 bytes, the pipe held open
  /// while `p` is watched (it must be blocked, waiting for more), then closed; `p` must then
  /// count the 6 bytes and exit 0.
  TestResult Grade(const std::string& program) {
    return Run(fmt::format(R"(    steps:
      - start: {}
        as: p
        stdin: {{ text: "first\n", keep_open: true }}
      - pause_when_blocked: {{ instance: p, timeout_ms: 5000 }}
      - resume: p
      - close_stdin: p
      - wait_exit: {{ instance: p, timeout_ms: 5000 }}
    checks:
      - exit: {{ instance: p, code: 0 }}
      - stdout: {{ instance: p, equals: "6 bytes\n" }}
)",
                           program));
  }
};

// A program that reads to end of file waits while the stdin is held open, and ends with the
// count once close_stdin closes it: full marks.
TEST_F(KeptOpenStdin, AProgramReadingToTheEndPassesOnceClosed) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  const TestResult result = Grade("counter");
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
  EXPECT_EQ(result.points, 100);
}

// A program that exits without reading its input to the end loses the points.
TEST_F(KeptOpenStdin, AProgramThatQuitsBeforeTheEndFails) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  const TestResult result = Grade("quitter");
  EXPECT_EQ(result.outcome, Outcome::kFail) << Describe(result);
  EXPECT_EQ(result.points, 0);
}

// A program that never finishes, even once its input is closed, fails at its wait_exit, which
// ends early: nothing is left that could wake it.
TEST_F(KeptOpenStdin, AProgramThatNeverFinishesFails) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  const TestResult result = Grade("sleeper");
  EXPECT_EQ(result.outcome, Outcome::kFail) << Describe(result);
  EXPECT_NE(Describe(result).find("p was still running (ended early"), std::string::npos)
      << Describe(result);
}

// Waiting for the exit of a program that reads a stdin kept open, with no close_stdin before
// the wait, can only time out: the step ends early and says why.
TEST_F(KeptOpenStdin, AWaitBeforeTheCloseEndsEarly) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  const TestResult result = Run(R"(    steps:
      - start: counter
        stdin: { text: "first\n", keep_open: true }
      - wait_exit: { instance: counter, timeout_ms: 20000 }
      - close_stdin: counter
)");
  ASSERT_EQ(result.outcome, Outcome::kFail) << Describe(result);
  EXPECT_NE(Describe(result).find("counter was still running (ended early, after "),
            std::string::npos)
      << Describe(result);
  EXPECT_NE(Describe(result).find(
                "counter is blocked in read (its standard input is still open: a close_stdin "
                "step can only come after this one) and nothing else is running"),
            std::string::npos)
      << Describe(result);
}

// A wait for another program that does finish is not cut short by a program waiting on a stdin
// kept open; the close after it ends the reader.
TEST_F(KeptOpenStdin, AWaitForAnotherProgramBeforeTheCloseIsNotCut) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  const TestResult result = Run(R"(    steps:
      - start: counter
        stdin: { keep_open: true }
      - start: quitter
      - wait_exit: { instance: quitter, timeout_ms: 20000 }
      - close_stdin: counter
      - wait_exit: { instance: counter, timeout_ms: 20000 }
    checks:
      - exit: { instance: quitter, code: 0 }
      - exit: { instance: counter, code: 0 }
      - stdout: { instance: counter, equals: "0 bytes\n" }
)");
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
}

// A stdin kept open that no step closes is closed when the steps end, as the programs are
// stopped: the program, which ignores SIGTERM, reads its end and prints its count, where it
// would otherwise be killed at the end of the grace time with nothing said.
TEST_F(KeptOpenStdin, AStdinNobodyClosedIsClosedWhenTheTestEnds) {
  if (!HaveCells()) GTEST_SKIP() << "no cells here: " << testing::Namespaces().note;
  const TestResult result = Run(R"(    steps:
      - start: counter
        stdin: { text: "first\n", keep_open: true }
      - pause_when_blocked: { instance: counter, timeout_ms: 5000 }
      - resume: counter
    checks:
      - stdout: { instance: counter, equals: "6 bytes\n" }
)");
  EXPECT_EQ(result.outcome, Outcome::kPass) << Describe(result);
}

}  // namespace
}  // namespace labgrade
