// Tests for reading the `exit:` check: each mistake an instructor can make with it is reported
// with its exact file:line:col, line and caret.
#include "harness/checks/exit.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::FullSpecTest;
using testing::OneTest;
using testing::SpecLoaderTest;

// Exit checks hold a code or a signal.
TEST_F(FullSpecTest, ReadsExitChecks) {
  const ExitCheck& by_code = CheckOf<ExitCheck>(0);
  EXPECT_EQ(by_code.instance, "first-writer");
  EXPECT_EQ(by_code.exit_code, 3);
  EXPECT_EQ(by_code.signal, std::nullopt);
  const ExitCheck& by_signal = CheckOf<ExitCheck>(1);
  EXPECT_EQ(by_signal.exit_code, std::nullopt);
  EXPECT_EQ(by_signal.signal, SIGINT);
}

// A check can only look at an instance the test started.
TEST_F(SpecLoaderTest, ReportsCheckOnUnknownInstance) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - exit: { instance: reader, code: 0 }
)")),
            "labs/demo/lab.yaml:17:27: error: tests[0].checks[0].exit.instance: no instance "
            "'reader' was started in this test (started: writer)\n"
            "        - exit: { instance: reader, code: 0 }\n"
            "                            ^\n");
}

// An exit check wants a code or a signal, not both.
TEST_F(SpecLoaderTest, ReportsExitCheckWithCodeAndSignal) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - exit: { instance: writer, code: 0, signal: SIGTERM }
)")),
            "labs/demo/lab.yaml:17:44: error: tests[0].checks[0].exit: give only one of: code, "
            "signal (found 'code' and 'signal')\n"
            "        - exit: { instance: writer, code: 0, signal: SIGTERM }\n"
            "                                             ^\n");
}

// An exit check with neither says what it needs.
TEST_F(SpecLoaderTest, ReportsExitCheckWithoutExpectation) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - exit: { instance: writer }
)")),
            "labs/demo/lab.yaml:17:15: error: tests[0].checks[0].exit: needs one of: code, "
            "signal\n"
            "        - exit: { instance: writer }\n"
            "                ^\n");
}

}  // namespace
}  // namespace labgrade
