// Tests for reading the `close_stdin:` step: it names an instance started before it whose
// standard input is kept open, once; each mistake is reported with its exact file:line:col,
// line and caret.
#include "harness/steps/close_stdin.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecAs;
using testing::SpecLoaderTest;

// close_stdin names an instance whose stdin a start kept open.
TEST_F(SpecLoaderTest, ReadsCloseStdin) {
  const SpecLoad load = Load(OneTest(R"(      - start: writer
        stdin: { text: "hi\n", keep_open: true }
      - close_stdin: writer
)"));
  ASSERT_TRUE(load.spec.has_value()) << Report(load);
  const CloseStdinStep& step = SpecAs<CloseStdinStep>(load.spec->tests[0].steps[1]);
  EXPECT_EQ(step.instance, "writer");
  EXPECT_EQ(step.mark.line, 17);
}

// A stdin that is not kept open has already ended: closing it says how to keep it open.
TEST_F(SpecLoaderTest, ReportsCloseStdinOfAStdinNotKeptOpen) {
  EXPECT_EQ(Report(Load(OneTest(R"(      - start: writer
        stdin: { text: "hi\n" }
      - close_stdin: writer
)"))),
            "labs/demo/lab.yaml:17:22: error: tests[0].steps[1].close_stdin: the standard input "
            "of 'writer' is not kept open: it ends as soon as its input is written; give the step "
            "that starts it (line 15) 'stdin: { keep_open: true }'\n"
            "        - close_stdin: writer\n"
            "                       ^\n");
}

// close_stdin comes after the start of the instance it names.
TEST_F(SpecLoaderTest, ReportsCloseStdinOfAnInstanceNotStarted) {
  EXPECT_EQ(Report(Load(OneTest(R"(      - close_stdin: writer
      - start: writer
        stdin: { keep_open: true }
)"))),
            "labs/demo/lab.yaml:15:22: error: tests[0].steps[0].close_stdin: no instance 'writer' "
            "was started before this step (started: none)\n"
            "        - close_stdin: writer\n"
            "                       ^\n");
}

// A stdin is closed once.
TEST_F(SpecLoaderTest, ReportsCloseStdinTwice) {
  EXPECT_EQ(Report(Load(OneTest(R"(      - start: writer
        stdin: { keep_open: true }
      - close_stdin: writer
      - close_stdin: writer
)"))),
            "labs/demo/lab.yaml:18:22: error: tests[0].steps[2].close_stdin: the standard input "
            "of 'writer' was already closed on line 17\n"
            "        - close_stdin: writer\n"
            "                       ^\n");
}

}  // namespace
}  // namespace labgrade
