// Tests for reading the `stdout:` and `stderr:` checks: each mistake an instructor can make with it
// is reported with its exact file:line:col, line and caret.
#include "harness/checks/output.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::FullSpecTest;
using testing::OneTest;
using testing::SpecLoaderTest;

// Each output matcher becomes its MatchKind with its text.
TEST_F(FullSpecTest, ReadsEveryOutputMatcher) {
  struct Expected {
    std::size_t index;
    StreamName stream;
    MatchKind match;
    std::string text;
  };
  const Expected expected[] = {
      {2, StreamName::kStdout, MatchKind::kSameAsStdinOf, "first-writer"},
      {3, StreamName::kStdout, MatchKind::kSameAsFile, "data/short.txt"},
      {4, StreamName::kStdout, MatchKind::kContains, "done"},
      {5, StreamName::kStdout, MatchKind::kRegex, "^[0-9]+ bytes$"},
      {6, StreamName::kStdout, MatchKind::kEqualsNormalized, "a b"},
      {7, StreamName::kStderr, MatchKind::kEmpty, ""},
      {8, StreamName::kStderr, MatchKind::kNotEmpty, ""},
      {9, StreamName::kStdout, MatchKind::kEquals, "x"},
  };
  for (const Expected& want : expected) {
    const OutputCheck& check = CheckOf<OutputCheck>(want.index);
    EXPECT_EQ(check.stream, want.stream) << "check " << want.index;
    EXPECT_EQ(check.match, want.match) << "check " << want.index;
    EXPECT_EQ(check.text, want.text) << "check " << want.index;
  }
  EXPECT_EQ(CheckOf<OutputCheck>(8).instance, "text-writer");
}

// Comparing with what an instance read needs that instance to have read something.
TEST_F(SpecLoaderTest, ReportsSameAsStdinOfInstanceWithoutStdin) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: reader
      - run: writer
        stdin: { text: "hi" }
    checks:
      - stdout: { instance: writer, same_as_stdin_of: reader }
)")),
            "labs/demo/lab.yaml:19:55: error: tests[0].checks[0].stdout.same_as_stdin_of: "
            "instance 'reader' is given no stdin to compare with\n"
            "        - stdout: { instance: writer, same_as_stdin_of: reader }\n"
            "                                                        ^\n");
}

// A lab file may not be outside the lab folder, even if it exists.
TEST_F(SpecLoaderTest, ReportsPathEscapingLabFolder) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - stdout: { instance: writer, same_as_file: ../../secret.txt }
)")),
            "labs/demo/lab.yaml:17:51: error: tests[0].checks[0].stdout.same_as_file: "
            "'../../secret.txt' must be a path inside the lab folder (no absolute paths, no "
            "'..')\n"
            "        - stdout: { instance: writer, same_as_file: ../../secret.txt }\n"
            "                                                    ^\n");
}

// An output check has exactly one matcher.
TEST_F(SpecLoaderTest, ReportsOutputCheckWithTwoMatchers) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - stdout: { instance: writer, contains: "a", equals: "b" }
)")),
            "labs/demo/lab.yaml:17:52: error: tests[0].checks[0].stdout: give only one of: "
            "equals, same_as_file, same_as_stdin_of, contains, regex, equals_normalized, empty, "
            "not_empty (found 'contains' and 'equals')\n"
            "        - stdout: { instance: writer, contains: \"a\", equals: \"b\" }\n"
            "                                                     ^\n");
}

// An output check without a matcher lists them.
TEST_F(SpecLoaderTest, ReportsOutputCheckWithoutMatcher) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - stderr: { instance: writer }
)")),
            "labs/demo/lab.yaml:17:17: error: tests[0].checks[0].stderr: needs one of: equals, "
            "same_as_file, same_as_stdin_of, contains, regex, equals_normalized, empty, "
            "not_empty\n"
            "        - stderr: { instance: writer }\n"
            "                  ^\n");
}

// `empty: false` is not a check; leaving the matcher out is.
TEST_F(SpecLoaderTest, ReportsFalseFlagMatcher) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - stderr: { instance: writer, empty: false }
)")),
            "labs/demo/lab.yaml:17:44: error: tests[0].checks[0].stderr.empty: must be true, got "
            "false\n"
            "        - stderr: { instance: writer, empty: false }\n"
            "                                             ^\n");
}

// A regex that does not compile is caught at load time, not while grading.
TEST_F(SpecLoaderTest, ReportsInvalidRegex) {
  const SpecLoad load = LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
    checks:
      - stdout: { instance: writer, regex: "[0-9" }
)");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].mark.line, 17);
  EXPECT_EQ(load.errors[0].mark.column, 44);
  EXPECT_EQ(load.errors[0].message.rfind("tests[0].checks[0].stdout.regex: invalid regular "
                                         "expression: ",
                                         0),
            0u)
      << load.errors[0].message;
}

// Groups are compared with stdin pairwise only when their sizes match.
TEST_F(SpecLoaderTest, ReportsGroupSizeMismatchInSameAsStdinOf) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Clients
    points: 100
    steps:
      - start: writer
        as: a
        count: 2
        stdin: { text: "x" }
      - start: writer
        as: b
        count: 3
    checks:
      - stdout: { instance: b, same_as_stdin_of: a }
)");
  ASSERT_EQ(load.errors.size(), 1u) << Report(load);
  EXPECT_EQ(load.errors[0].message,
            "tests[0].checks[0].stdout.same_as_stdin_of: 'a' is a group of 2 instances; it can be "
            "compared only with a group of as many (each with its own), and 'b' has 3");
}

}  // namespace
}  // namespace labgrade
