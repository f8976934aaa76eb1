// Tests for reading the `start:` and `run:` steps: each mistake an instructor can make with it is
// reported with its exact file:line:col, line and caret.
#include "harness/steps/start.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::FullSpecTest;
using testing::OneTest;
using testing::SpecAs;
using testing::SpecLoaderTest;

// `start:` runs in the background, from the reference when asked, with its own args.
TEST_F(FullSpecTest, ReadsStartStep) {
  const StartStep& start = StepOf<StartStep>(0);
  EXPECT_EQ(start.program, "reader");
  EXPECT_EQ(start.instance, "reader");
  EXPECT_EQ(start.role, Role::kReference);
  EXPECT_FALSE(start.wait_for_exit);
  EXPECT_EQ(start.argv, (std::vector<std::string>{"{keyfile}"}));
  EXPECT_TRUE(std::holds_alternative<StdinNone>(start.stdin_source));
  EXPECT_EQ(start.mark.line, 28);
}

// `run:` waits, runs the student's build by default, and takes each kind of stdin.
TEST_F(FullSpecTest, ReadsRunStepsWithEachStdin) {
  const StartStep& file_run = StepOf<StartStep>(2);
  EXPECT_EQ(file_run.program, "writer");
  EXPECT_EQ(file_run.instance, "first-writer");
  EXPECT_EQ(file_run.role, Role::kStudent);
  EXPECT_TRUE(file_run.wait_for_exit);
  EXPECT_FALSE(file_run.argv.has_value());
  ASSERT_TRUE(std::holds_alternative<StdinFile>(file_run.stdin_source));
  EXPECT_EQ(std::get<StdinFile>(file_run.stdin_source).path, "data/short.txt");
  const StdinSource& random = StepOf<StartStep>(3).stdin_source;
  ASSERT_TRUE(std::holds_alternative<StdinRandom>(random));
  EXPECT_EQ(std::get<StdinRandom>(random).size_bytes, 4096);
  EXPECT_EQ(std::get<StdinRandom>(random).seed, 7u);
  const StdinSource& text = StepOf<StartStep>(4).stdin_source;
  ASSERT_TRUE(std::holds_alternative<StdinText>(text));
  EXPECT_EQ(std::get<StdinText>(text).text, "hello\n");
}

// A step that starts a program nobody defined.
TEST_F(SpecLoaderTest, ReportsUnknownProgram) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - start: raeder
)")),
            "labs/demo/lab.yaml:15:16: error: tests[0].steps[0].start: no program 'raeder' is "
            "defined (did you mean 'reader'?)\n"
            "        - start: raeder\n"
            "                 ^\n");
}

// Starting the same program twice needs `as:` to tell the two apart.
TEST_F(SpecLoaderTest, ReportsDuplicateInstance) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
      - run: writer
)")),
            "labs/demo/lab.yaml:16:14: error: tests[0].steps[1].run: instance 'writer' was "
            "already started on line 15; name this one with 'as:'\n"
            "        - run: writer\n"
            "               ^\n");
}

// A stdin file must exist in the lab folder.
TEST_F(SpecLoaderTest, ReportsMissingStdinFile) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        stdin: { file: data/long.txt }
)")),
            "labs/demo/lab.yaml:16:24: error: tests[0].steps[0].stdin.file: 'data/long.txt' is "
            "not a file in the lab folder\n"
            "          stdin: { file: data/long.txt }\n"
            "                         ^\n");
}

// A placeholder far from every known one lists them.
TEST_F(SpecLoaderTest, ReportsUnknownPlaceholderWithAllowedList) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        args: ["--out={outputfile}"]
)")),
            "labs/demo/lab.yaml:16:16: error: tests[0].steps[0].args[0]: unknown placeholder "
            "'{outputfile}' (allowed: {keyfile}, {keyfile:NAME}, {testdir}, {labdir}, {port}, "
            "{port:NAME})\n"
            "          args: [\"--out={outputfile}\"]\n"
            "                 ^\n");
}

// Stdin comes from one source.
TEST_F(SpecLoaderTest, ReportsStdinWithoutSource) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        stdin: { seed: 3 }
)")),
            "labs/demo/lab.yaml:16:16: error: tests[0].steps[0].stdin: needs one of: text, file, "
            "random_bytes\n"
            "          stdin: { seed: 3 }\n"
            "                 ^\n");
}

// A seed means nothing without random bytes.
TEST_F(SpecLoaderTest, ReportsSeedWithoutRandomBytes) {
  EXPECT_EQ(Report(LoadTests(R"(  - name: echo
    description: Echoes its input
    points: 100
    steps:
      - run: writer
        stdin: { text: "x", seed: 3 }
)")),
            "labs/demo/lab.yaml:16:29: error: tests[0].steps[0].stdin: 'seed' goes only with "
            "'random_bytes'\n"
            "          stdin: { text: \"x\", seed: 3 }\n"
            "                              ^\n");
}

// A group member's name cannot be taken by a later start.
TEST_F(SpecLoaderTest, ReportsInstanceNameTakenByAGroup) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Clients
    points: 100
    steps:
      - start: writer
        as: client
        count: 2
      - start: writer
        as: client-2
)");
  EXPECT_EQ(Report(load),
            "labs/demo/lab.yaml:19:13: error: tests[0].steps[1].as: instance 'client-2' was "
            "already started on line 15\n"
            "          as: client-2\n"
            "              ^\n");
}

// count goes with start and run only, and from 1 to 100.
TEST_F(SpecLoaderTest, ReportsCountOutOfRangeAndMisplaced) {
  const SpecLoad load = LoadTests(R"(  - name: net
    description: Clients
    points: 100
    steps:
      - start: writer
        count: 101
      - wait_exit: { instance: writer }
        count: 2
)");
  ASSERT_EQ(load.errors.size(), 2u) << Report(load);
  EXPECT_EQ(load.errors[0].message, "tests[0].steps[0].count: must be between 1 and 100, got 101");
  EXPECT_EQ(load.errors[1].message, "tests[0].steps[1]: 'count' goes only with 'start' or 'run'");
}

// `keep_open: true` goes with a source of bytes, or alone: then the program is given none, and
// its standard input stays open all the same.
TEST_F(SpecLoaderTest, ReadsStdinKeptOpen) {
  const SpecLoad load = Load(OneTest(R"(      - start: writer
        stdin: { text: "hi\n", keep_open: true }
      - start: reader
        stdin: { keep_open: true }
)"));
  ASSERT_TRUE(load.spec.has_value()) << Report(load);
  const StartStep& writer = SpecAs<StartStep>(load.spec->tests[0].steps[0]);
  EXPECT_TRUE(writer.keep_stdin_open);
  ASSERT_TRUE(std::holds_alternative<StdinText>(writer.stdin_source));
  EXPECT_EQ(std::get<StdinText>(writer.stdin_source).text, "hi\n");
  const StartStep& reader = SpecAs<StartStep>(load.spec->tests[0].steps[1]);
  EXPECT_TRUE(reader.keep_stdin_open);
  EXPECT_TRUE(std::holds_alternative<StdinNone>(reader.stdin_source));
}

// Without keep_open, a stdin is closed once written, as before.
TEST_F(SpecLoaderTest, StdinIsNotKeptOpenByDefault) {
  const SpecLoad load = Load(OneTest("      - start: writer\n        stdin: { text: \"hi\" }\n"));
  ASSERT_TRUE(load.spec.has_value()) << Report(load);
  EXPECT_FALSE(SpecAs<StartStep>(load.spec->tests[0].steps[0]).keep_stdin_open);
}

// `keep_open: false` alone gives the program nothing to read: a source is still needed.
TEST_F(SpecLoaderTest, ReportsStdinNotKeptOpenWithoutSource) {
  EXPECT_EQ(Report(Load(OneTest("      - start: writer\n        stdin: { keep_open: false }\n"))),
            "labs/demo/lab.yaml:16:16: error: tests[0].steps[0].stdin: needs one of: text, file, "
            "random_bytes\n"
            "          stdin: { keep_open: false }\n"
            "                 ^\n");
}

// keep_open is true or false.
TEST_F(SpecLoaderTest, ReportsKeepOpenThatIsNotABool) {
  EXPECT_EQ(Report(Load(OneTest("      - start: writer\n        stdin: { keep_open: yes }\n"))),
            "labs/demo/lab.yaml:16:29: error: tests[0].steps[0].stdin.keep_open: expected true or "
            "false, got 'yes'\n"
            "          stdin: { keep_open: yes }\n"
            "                              ^\n");
}

}  // namespace
}  // namespace labgrade
