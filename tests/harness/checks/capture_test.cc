// Tests for the `capture:` check: its values picked out of text, compared as numbers or text, and
// each mistake an instructor can make reading it.
#include "harness/checks/capture.h"

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

using testing::OneTest;
using testing::SpecLoaderTest;

// The group of the first match is the value; ^ matches at a line break.
TEST(CaptureTest, TakesTheGroupOfTheFirstMatch) {
  EXPECT_EQ(CaptureIn("Sent ([0-9]+) bytes", "hello\nSent 12 bytes\nSent 13 bytes\n"), "12");
  EXPECT_EQ(CaptureIn("^total: (.*)$", "x\ntotal: 3 files\n"), "3 files");
  EXPECT_EQ(CaptureIn("Sent ([0-9]+) bytes", "nothing sent\n"), std::nullopt);
}

// Integers compare by value, anything else by its text.
TEST(CaptureTest, ComparesNumbersByValue) {
  EXPECT_TRUE(SameCapturedValue("007", "7"));
  EXPECT_TRUE(SameCapturedValue("1048576", "1048576"));
  EXPECT_FALSE(SameCapturedValue("1048575", "1048576"));
  EXPECT_TRUE(SameCapturedValue("abc", "abc"));
  EXPECT_FALSE(SameCapturedValue("7 ", "7"));
}

// A capture against another instance's capture is read with both sources.
TEST_F(SpecLoaderTest, ReadsCaptureSameAs) {
  const SpecLoad load = Load(
      OneTest("      - start: writer\n        stdin: { text: \"hi\" }\n      - run: reader\n",
              "      - capture: { instance: reader, regex: \"Received ([0-9]+) bytes\", same_as: "
              "{ instance: writer, stream: stderr, regex: \"Sent ([0-9]+) bytes\" } }\n"
              "      - capture: { instance: reader, stream: stderr, regex: \"got ([0-9]+)\", "
              "equals_stdin_size_of: writer }\n"));
  ASSERT_EQ(Report(load), "");
  const auto& check = testing::SpecAs<CaptureCheck>(load.spec->tests.at(0).checks.at(0));
  EXPECT_EQ(check.instance, "reader");
  EXPECT_EQ(check.stream, StreamName::kStdout);
  ASSERT_TRUE(check.same_as);
  EXPECT_EQ(check.same_as->instance, "writer");
  EXPECT_EQ(check.same_as->stream, StreamName::kStderr);
  EXPECT_EQ(check.same_as->regex, "Sent ([0-9]+) bytes");
  const auto& size = testing::SpecAs<CaptureCheck>(load.spec->tests.at(0).checks.at(1));
  EXPECT_EQ(size.stdin_size_of, "writer");
}

// A regex without exactly one group cannot say which part is the value.
TEST_F(SpecLoaderTest, ReportsCaptureWithoutOneGroup) {
  EXPECT_EQ(OnlyErrorOf(OneTest("      - run: reader\n",
                                "      - capture: { instance: reader, regex: \"Received [0-9]+\", "
                                "equals: 3 }\n")),
            "tests[0].checks[0].capture.regex: needs exactly one capturing group, the value to "
            "compare, e.g. \"Sent ([0-9]+) bytes\"; got 0 in 'Received [0-9]+'");
}

// The size of an input that was never given cannot be compared with.
TEST_F(SpecLoaderTest, ReportsCaptureOfAnInstanceWithoutStdin) {
  EXPECT_EQ(OnlyErrorOf(OneTest("      - run: reader\n",
                                "      - capture: { instance: reader, regex: \"n=([0-9]+)\", "
                                "equals_stdin_size_of: reader }\n")),
            "tests[0].checks[0].capture.equals_stdin_size_of: instance 'reader' is given no stdin "
            "to measure");
}

}  // namespace
}  // namespace labgrade
