// Tests for reading the `sysv_exists:` check: each mistake an instructor can make with it is
// reported with its exact file:line:col, line and caret.
#include "harness/checks/sysv_exists.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// A bare NAME is taken for keyfile:NAME in the hint.
TEST_F(SpecLoaderTest, SuggestsKeyFilePrefix) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - sysv_exists: { kind: semaphores, key_file: second }
)")),
            "labs/demo/lab.yaml:17:52: error: tests[0].checks[0].sysv_exists.key_file: expected "
            "keyfile or keyfile:NAME (NAME made of a-z, 0-9 and '-'), got 'second' (did you mean "
            "'keyfile:second'?)\n"
            "        - sysv_exists: { kind: semaphores, key_file: second }\n"
            "                                                     ^\n");
}

// The check takes a fixed key as the steps do.
TEST_F(SpecLoaderTest, ReadsSysvExistsFixedKey) {
  const SpecLoad load = Load(OneTest(
      "      - run: writer\n", "      - sysv_exists: { kind: shared_memory, key: 0x1234 }\n"));
  ASSERT_EQ(Report(load), "");
  const auto& check = testing::SpecAs<SysvExistsCheck>(load.spec->tests.at(0).checks.at(0));
  EXPECT_EQ(check.fixed_key, std::optional<std::uint32_t>(0x1234));
}

}  // namespace
}  // namespace labgrade
