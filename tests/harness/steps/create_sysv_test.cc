// Tests for reading the `create_sysv:` step: each mistake an instructor can make with it is
// reported with its exact file:line:col, line and caret.
#include "harness/steps/create_sysv.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// A System V kind outside the three.
TEST_F(SpecLoaderTest, ReportsUnknownSysvKind) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - create_sysv: { kind: semaphore }
)")),
            "labs/demo/lab.yaml:15:30: error: tests[0].steps[0].create_sysv.kind: expected "
            "semaphores, shared_memory or message_queue, got 'semaphore'\n"
            "        - create_sysv: { kind: semaphore }\n"
            "                               ^\n");
}

// Key files are named keyfile or keyfile:NAME, without braces.
TEST_F(SpecLoaderTest, ReportsBadKeyFile) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - create_sysv: { kind: semaphores, key_file: "{keyfile}" }
)")),
            "labs/demo/lab.yaml:15:52: error: tests[0].steps[0].create_sysv.key_file: expected "
            "keyfile or keyfile:NAME (NAME made of a-z, 0-9 and '-'), got '{keyfile}'\n"
            "        - create_sysv: { kind: semaphores, key_file: \"{keyfile}\" }\n"
            "                                                     ^\n");
}

// ftok(3) takes the low 8 bits of a nonzero proj_id.
TEST_F(SpecLoaderTest, ReportsProjIdOutOfRange) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - create_sysv: { kind: semaphores, proj_id: 0 }
)")),
            "labs/demo/lab.yaml:15:51: error: tests[0].steps[0].create_sysv.proj_id: must be "
            "between 1 and 255, got 0\n"
            "        - create_sysv: { kind: semaphores, proj_id: 0 }\n"
            "                                                    ^\n");
}

}  // namespace
}  // namespace labgrade
