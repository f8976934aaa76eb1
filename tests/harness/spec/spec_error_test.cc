// Tests for how a spec error is printed: compiler style, caret under the column.
#include "harness/spec/spec_error.h"

#include <gtest/gtest.h>

namespace labgrade {
namespace {

// The usual case: file:line:col, the message, the line, a caret under the column.
TEST(SpecErrorTest, FormatsWithSourceLineAndCaret) {
  const SpecError error{SourceMark{"labs/demo/lab.yaml", 13, 13}, "tests[0].points",
                        "tests[0].points: expected an integer, got 'ten'", "    points: ten"};
  EXPECT_EQ(error.Format(),
            "labs/demo/lab.yaml:13:13: error: tests[0].points: expected an integer, got 'ten'\n"
            "      points: ten\n"
            "              ^\n");
}

// Column 1 puts the caret right under the first character.
TEST(SpecErrorTest, FormatsCaretAtFirstColumn) {
  const SpecError error{SourceMark{"lab.yaml", 2, 1}, "", "unknown key 'titel'", "titel: x"};
  EXPECT_EQ(error.Format(),
            "lab.yaml:2:1: error: unknown key 'titel'\n"
            "  titel: x\n"
            "  ^\n");
}

// Without a line there is nothing to quote.
TEST(SpecErrorTest, FormatsWithoutLine) {
  const SpecError error{SourceMark{"labs/demo/lab.yaml", 0, 0}, "", "cannot read the lab spec", ""};
  EXPECT_EQ(error.Format(), "labs/demo/lab.yaml: error: cannot read the lab spec\n");
}

// A line without a column is quoted without a caret.
TEST(SpecErrorTest, FormatsLineWithoutColumn) {
  const SpecError error{SourceMark{"lab.yaml", 4, 0}, "build", "build: broken", "build: x"};
  EXPECT_EQ(error.Format(), "lab.yaml:4: error: build: broken\n  build: x\n");
}

// Tabs before the column stay tabs, so the caret lines up in a terminal.
TEST(SpecErrorTest, KeepsTabsInCaretLine) {
  const SpecError error{SourceMark{"lab.yaml", 3, 4}, "", "bad", "\ta\tb"};
  EXPECT_EQ(error.Format(), "lab.yaml:3:4: error: bad\n  \ta\tb\n  \t \t^\n");
}

// A source line of control bytes and bytes that are not UTF-8 is shown escaped, the caret
// under the same place.
TEST(SpecErrorTest, EscapesTheSourceLine) {
  const SpecError error{SourceMark{"lab.yaml", 1, 3}, "", "bad",
                        "a\x1b\xff"
                        "b"};
  EXPECT_EQ(error.Format(), "lab.yaml:1:3: error: bad\n  a\\x1b\\xffb\n       ^\n");
}

// A long line is cut around the column, with "…" where it was cut, the caret still under it.
TEST(SpecErrorTest, CutsALongLineAroundTheColumn) {
  const std::string line = std::string(1000, 'a') + "X" + std::string(1000, 'b');
  const SpecError error{SourceMark{"lab.yaml", 1, 1001}, "", "bad", line};
  EXPECT_EQ(error.Format(), "lab.yaml:1:1001: error: bad\n  …" + std::string(60, 'a') + "X" +
                                std::string(59, 'b') + "…\n  " + std::string(61, ' ') + "^\n");
}

// A message quoting a huge value is cut, saying how much was left out.
TEST(SpecErrorTest, CutsAHugeMessage) {
  const SpecError error{SourceMark{"lab.yaml", 0, 0}, "", std::string(1000, 'k'), ""};
  EXPECT_EQ(error.Format(), "lab.yaml: error: " + std::string(400, 'k') + "… (600 more bytes)\n");
}

}  // namespace
}  // namespace labgrade
