// Tests for grading/display_text: what untrusted bytes look like in a report.
#include "grading/display_text.h"

#include <gtest/gtest.h>

#include <string>

namespace labgrade {
namespace {

using namespace std::string_literals;

// Ordinary text is shown as it is.
TEST(EscapeForDisplay, LeavesPrintableAsciiAlone) {
  EXPECT_EQ(EscapeForDisplay("exited with 0", 100), "exited with 0");
}

// Layout characters and the backslash get their C escapes, so the value stays on one line.
TEST(EscapeForDisplay, EscapesLayoutAndBackslash) {
  EXPECT_EQ(EscapeForDisplay("a\nb\tc\rd\\e", 100), R"(a\nb\tc\rd\\e)");
}

// NUL, ESC and DEL become \xNN.
TEST(EscapeForDisplay, EscapesControlBytesAsHex) {
  EXPECT_EQ(EscapeForDisplay("a\0b\x1b[2J\x7f"s, 100), R"(a\x00b\x1b[2J\x7f)");
}

// Well-formed UTF-8 text is shown as it is, not as bytes.
TEST(EscapeForDisplay, ShowsUtf8Characters) {
  EXPECT_EQ(EscapeForDisplay("café → ✓ 😀", 100), "café → ✓ 😀");
}

// A lone lead byte, a stray continuation byte, an overlong form and a surrogate are not text.
TEST(EscapeForDisplay, EscapesMalformedUtf8) {
  EXPECT_EQ(EscapeForDisplay("\xc3 \x80 \xc0\xaf \xed\xa0\x80", 100),
            R"(\xc3 \x80 \xc0\xaf \xed\xa0\x80)");
}

// C1 controls (here NEL, U+0085) and the noncharacter U+FFFF are escaped byte by byte.
TEST(EscapeForDisplay, EscapesC1ControlsAndNoncharacters) {
  EXPECT_EQ(EscapeForDisplay("\xc2\x85|\xef\xbf\xbf", 100), R"(\xc2\x85|\xef\xbf\xbf)");
}

// A long value is cut after max_bytes input bytes and says how many bytes were left out.
TEST(EscapeForDisplay, CutsLongValues) {
  EXPECT_EQ(EscapeForDisplay("0123456789abcdef", 10), "0123456789… (6 more bytes)");
}

// Escaping does not count against the limit: it is measured in the student's bytes.
TEST(EscapeForDisplay, CountsInputBytesNotEscapes) {
  EXPECT_EQ(EscapeForDisplay("\0\0\0\0"s, 2), R"(\x00\x00… (2 more bytes))");
}

// The cut never splits a UTF-8 character: "é" is two bytes and does not fit in the last one.
TEST(EscapeForDisplay, DoesNotSplitUtf8Characters) {
  EXPECT_EQ(EscapeForDisplay("abé", 3), "ab… (2 more bytes)");
}

// A value exactly max_bytes long is not marked as cut.
TEST(EscapeForDisplay, DoesNotMarkValueThatFits) { EXPECT_EQ(EscapeForDisplay("abc", 3), "abc"); }

// A right-to-left override, the other bidi controls and the line and paragraph separators
// are shown as \uNNNN: "\u202etxt.exe" must not display as "exe.txt".
TEST(EscapeForDisplay, EscapesCharactersThatReorderOrBreakLines) {
  EXPECT_EQ(EscapeForDisplay("a\u202Eb\u2028c\u2029d\u200Fe\u2066f\u061Cg", 100),
            R"(a\u202eb\u2028c\u2029d\u200fe\u2066f\u061cg)");
  EXPECT_EQ(EscapeControlBytes("line\u202Eone\nline\u2028two\n"),
            "line\\u202eone\nline\\u2028two\n");
  EXPECT_EQ(EscapeReorderingCharacters("id\u202E\xff,é"), "id\\u202e\xff,é");
}

// A block keeps its lines, tabs and backslashes, and still escapes what would move the cursor.
TEST(EscapeControlBytes, KeepsLayoutEscapesControls) {
  EXPECT_EQ(EscapeControlBytes("a\tb\\n\nline\r\n\x1b[31mred\0"s),
            "a\tb\\n\nline\\r\n\\x1b[31mred\\x00");
}

// Each line gets the indent; an empty line stays empty; the final newline adds no line.
TEST(IndentLines, IndentsEachLine) {
  EXPECT_EQ(IndentLines("one\n\ntwo\n", "  "), "  one\n\n  two\n");
}

// The last line gets a newline even when the text has none.
TEST(IndentLines, EndsLastLine) { EXPECT_EQ(IndentLines("one", "> "), "> one\n"); }

// Lines past the cap are counted, not shown.
TEST(IndentLines, CapsLines) {
  EXPECT_EQ(IndentLines("1\n2\n3\n4\n5\n", "  ", 2), "  1\n  2\n  … (3 more lines)\n");
}

// Empty text gives no lines at all.
TEST(IndentLines, EmptyTextGivesNothing) { EXPECT_EQ(IndentLines("", "  "), ""); }

// HTML's five specials become entities, after control bytes became visible escapes.
TEST(HtmlEscape, EntitiesAfterDisplayEscapes) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("line\n\x1b[2J"), "line\\n\\x1b[2J");
  EXPECT_EQ(HtmlEscape("café"), "café");
}

}  // namespace
}  // namespace labgrade
