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

// A fixed key, as a program with a hard-wired key uses, is read in hexadecimal or decimal.
TEST_F(SpecLoaderTest, ReadsFixedSysvKey) {
  const auto hex = LastStepOf<CreateSysvStep>(
      OneTest("      - create_sysv: { kind: shared_memory, key: 0x1234, size: 1028 }\n"));
  EXPECT_EQ(hex.fixed_key, std::optional<std::uint32_t>(0x1234));
  const auto decimal = LastStepOf<CreateSysvStep>(
      OneTest("      - create_sysv: { kind: semaphores, key: 22136 }\n"));
  EXPECT_EQ(decimal.fixed_key, std::optional<std::uint32_t>(0x5678));
  const auto ftok =
      LastStepOf<CreateSysvStep>(OneTest("      - create_sysv: { kind: semaphores }\n"));
  EXPECT_EQ(ftok.fixed_key, std::nullopt);
}

// A fixed key and a key file are two ways of naming the key: only one may be given.
TEST_F(SpecLoaderTest, ReportsFixedKeyBesideKeyFile) {
  EXPECT_EQ(OnlyErrorOf(OneTest(
                "      - create_sysv: { kind: semaphores, key: 0x5678, key_file: keyfile }\n")),
            "tests[0].steps[0].create_sysv: 'key_file' goes only with an ftok key; 'key' gives a "
            "fixed key, used as it is: give one or the other");
}

// IPC_PRIVATE and numbers that are no key are refused with an example of a good one.
TEST_F(SpecLoaderTest, ReportsBadFixedKeys) {
  EXPECT_EQ(OnlyErrorOf(OneTest("      - create_sysv: { kind: semaphores, key: 0 }\n")),
            "tests[0].steps[0].create_sysv.key: 0 is IPC_PRIVATE, a key no other process can "
            "look up: give a nonzero key such as 0x1234");
  EXPECT_EQ(OnlyErrorOf(OneTest("      - create_sysv: { kind: semaphores, key: 0x1g }\n")),
            "tests[0].steps[0].create_sysv.key: expected a System V key from 0x1 to 0xffffffff, "
            "such as 0x1234 (or 4660), got '0x1g'");
  EXPECT_EQ(OnlyErrorOf(OneTest("      - create_sysv: { kind: semaphores, key: 0x100000000 }\n")),
            "tests[0].steps[0].create_sysv.key: expected a System V key from 0x1 to 0xffffffff, "
            "such as 0x1234 (or 4660), got '0x100000000'");
}

// A number in key_file is a fixed key put in the wrong place: the hint says where it goes,
// not "keyfile:0x5678", a key file that has nothing to do with it.
TEST_F(SpecLoaderTest, PointsAFixedKeyInKeyFileAtKey) {
  EXPECT_EQ(
      OnlyErrorOf(OneTest("      - create_sysv: { kind: semaphores, key_file: 0x5678 }\n")),
      "tests[0].steps[0].create_sysv.key_file: expected keyfile or keyfile:NAME (NAME made of "
      "a-z, 0-9 and '-'), got '0x5678' (a fixed key goes in 'key: 0x5678', not in 'key_file')");
}

}  // namespace
}  // namespace labgrade
