// Tests for the output matchers: verdicts, the exact student-facing rationales, excerpts and
// diffs, on canned text.
#include "harness/checks/output_match.h"

#include <gtest/gtest.h>

#include <string>

namespace labgrade {
namespace {

MatchContext Context(std::string what = "reader's standard output is right") {
  MatchContext ctx;
  ctx.what = std::move(what);
  return ctx;
}

MatchContext TruncatedContext(std::int64_t total_bytes) {
  MatchContext ctx = Context();
  ctx.actual_truncated = true;
  ctx.actual_total_bytes = total_bytes;
  return ctx;
}

std::string NumberedLines(int first, int last) {
  std::string text;
  for (int n = first; n <= last; ++n) text += "line " + std::to_string(n) + "\n";
  return text;
}

// ---- Byte-exact matching: text -------------------------------------------------------------

// Identical output passes and carries only the sentence and the outcome.
TEST(MatchOutputEquals, IdenticalTextPasses) {
  const CheckResult result =
      MatchOutput(MatchKind::kEquals, "hello\n", "hello\n", Context("reader prints hello"));
  EXPECT_EQ(result.what, "reader prints hello");
  EXPECT_EQ(result.outcome, Outcome::kPass);
  EXPECT_EQ(result.rationale, "");
  EXPECT_EQ(result.expected, "");
  EXPECT_EQ(result.actual, "");
  EXPECT_FALSE(result.difference.has_value());
}

// A changed line fails with its line number, excerpts and a line diff.
TEST(MatchOutputEquals, ChangedLineNamesTheLineAndShowsADiff) {
  const CheckResult result =
      MatchOutput(MatchKind::kEquals, "alpha\nbeta\ngamma\n", "alpha\nBETA\ngamma\n", Context());
  EXPECT_EQ(result.what, "reader's standard output is right");
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale, "the output differs from the expected text, first at line 2");
  EXPECT_EQ(result.expected, "alpha\\nbeta\\ngamma\\n");
  EXPECT_EQ(result.actual, "alpha\\nBETA\\ngamma\\n");
  ASSERT_TRUE(result.difference.has_value());
  EXPECT_FALSE(result.difference->binary);
  EXPECT_EQ(result.difference->offset, 6);
  EXPECT_EQ(result.difference->expected_size, 17);
  EXPECT_EQ(result.difference->actual_size, 17);
  EXPECT_EQ(result.difference->text_diff,
            "--- expected\n+++ actual\n@@ line 1 @@\n alpha\n-beta\n+BETA\n gamma");
}

// A missing newline at the very end is named as such.
TEST(MatchOutputEquals, MissingFinalNewlineIsNamed) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "a\nb\n", "a\nb", Context());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale, "the last line of the output does not end with a newline");
  EXPECT_EQ(result.difference->offset, 3);
  EXPECT_EQ(result.difference->text_diff,
            "--- expected\n+++ actual\n@@ line 1 @@\n a\n-b\n+b\n\\ no newline at the end");
}

// One newline too many at the end is named as an extra empty line.
TEST(MatchOutputEquals, ExtraEmptyLineAtTheEndIsNamed) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "a\n", "a\n\n", Context());
  EXPECT_EQ(result.rationale, "the output has an extra empty line at the end");
  EXPECT_EQ(result.difference->offset, 2);
  EXPECT_EQ(result.difference->text_diff, "--- expected\n+++ actual\n@@ line 1 @@\n a\n+");
}

// A final newline the expected text does not have is named.
TEST(MatchOutputEquals, UnexpectedFinalNewlineIsNamed) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "a", "a\n", Context());
  EXPECT_EQ(result.rationale, "the output ends with a newline, but the expected text does not");
}

// Output that stops at a line break says after which line.
TEST(MatchOutputEquals, OutputStoppingEarlySaysAfterWhichLine) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "a\nb\nc\n", "a\n", Context());
  EXPECT_EQ(result.rationale, "the output stops after line 1; the expected text has 3 lines");
  EXPECT_EQ(result.difference->offset, 2);
  EXPECT_EQ(result.difference->text_diff, "--- expected\n+++ actual\n@@ line 1 @@\n a\n-b\n-c");
}

// Output that stops inside a line says which line.
TEST(MatchOutputEquals, OutputStoppingMidLineSaysWhichLine) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "one\ntwo\n", "one\ntw", Context());
  EXPECT_EQ(result.rationale,
            "the output stops in the middle of line 2; the expected text has 2 lines");
}

// Output with extra lines after the expected ones counts them.
TEST(MatchOutputEquals, ExtraLinesAfterTheExpectedOnesAreCounted) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "a\n", "a\nb\nc\n", Context());
  EXPECT_EQ(result.rationale, "the output has the expected 1 line, then goes on with 2 more");
  EXPECT_EQ(result.difference->offset, 2);
  EXPECT_EQ(result.difference->actual_size, 6);
}

// Output that continues the last, unterminated expected line says so.
TEST(MatchOutputEquals, OutputContinuingTheLastLineSaysSo) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "a\nb", "a\nbc", Context());
  EXPECT_EQ(result.rationale, "the output goes on past the end of the expected text, in line 2");
}

// Empty output where text was expected gets the plain empty-output sentence.
TEST(MatchOutputEquals, EmptyOutputSaysSomethingWasExpected) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "hello\n", "", Context());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale, "the output was empty, but something was expected");
  EXPECT_EQ(result.expected, "hello\\n");
  EXPECT_EQ(result.actual, "");
  EXPECT_EQ(result.difference->offset, 0);
}

// Output where nothing was expected counts its bytes.
TEST(MatchOutputEquals, OutputWhereNothingWasExpectedCountsBytes) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "", "abc", Context());
  EXPECT_EQ(result.rationale, "nothing was expected, but the output has 3 bytes");
}

// A difference deep in a long text is shown with its line number and three lines of context.
TEST(MatchOutputEquals, DeepDifferenceShowsLineNumberAndContext) {
  std::string actual = NumberedLines(1, 49) + "line fifty\n" + NumberedLines(51, 100);
  const CheckResult result =
      MatchOutput(MatchKind::kEquals, NumberedLines(1, 100), actual, Context());
  EXPECT_EQ(result.rationale, "the output differs from the expected text, first at line 50");
  EXPECT_EQ(result.difference->text_diff,
            "--- expected\n+++ actual\n@@ line 47 @@\n line 47\n line 48\n line 49\n-line 50\n"
            "+line fifty\n line 51\n line 52\n line 53");
  // The excerpts start at the line of the difference, not at the top of the output.
  EXPECT_EQ(result.expected.substr(0, 19), "…line 50\\nline 51");
  EXPECT_EQ(result.actual.substr(0, 22), "…line fifty\\nline 51");
}

// Unchanged stretches between two differences are cut down to context and an ellipsis.
TEST(MatchOutputEquals, LongUnchangedStretchBetweenDifferencesIsElided) {
  std::string expected = "first\n" + NumberedLines(1, 10) + "last\n";
  std::string actual = "FIRST\n" + NumberedLines(1, 10) + "LAST\n";
  const CheckResult result = MatchOutput(MatchKind::kEquals, expected, actual, Context());
  EXPECT_EQ(result.difference->text_diff,
            "--- expected\n+++ actual\n@@ line 1 @@\n-first\n+FIRST\n line 1\n line 2\n line 3\n"
            "…\n line 8\n line 9\n line 10\n-last\n+LAST");
}

// At most twenty diff lines are shown; the differing lines left out are counted.
TEST(MatchOutputEquals, LongDiffIsCutAndCountsTheRest) {
  const CheckResult result =
      MatchOutput(MatchKind::kEquals, NumberedLines(1, 30), NumberedLines(101, 130), Context());
  EXPECT_EQ(result.rationale, "the output differs from the expected text, first at line 1");
  const std::string& diff = result.difference->text_diff;
  // Header lines, then 20 of the 60 differing lines.
  EXPECT_EQ(std::count(diff.begin(), diff.end(), '\n'), 3 + 20);
  EXPECT_NE(diff.find("\n-line 20\n"), std::string::npos);
  EXPECT_EQ(diff.find("\n-line 21\n"), std::string::npos);
  EXPECT_TRUE(diff.ends_with("\n… 40 more differing lines")) << diff;
}

// Outputs with thousands of differing lines are diffed only in a window, and say so.
TEST(MatchOutputEquals, HugeDiffIsWindowed) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, NumberedLines(1, 5000),
                                         NumberedLines(10001, 15000), Context());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_TRUE(result.difference->text_diff.ends_with(
      "\n… 3980 more differing lines\n… only the first 2000 lines after the first difference "
      "were compared"))
      << result.difference->text_diff;
}

// Control characters in text are escaped in the diff so that a stray \r is visible.
TEST(MatchOutputEquals, CarriageReturnIsVisibleInTheDiff) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "a\n", "a\r\n", Context());
  EXPECT_EQ(result.rationale, "the output differs from the expected text, first at line 1");
  EXPECT_EQ(result.difference->text_diff, "--- expected\n+++ actual\n@@ line 1 @@\n-a\n+a\\r");
}

// ---- Byte-exact matching: binary ------------------------------------------------------------

// Output with a NUL byte is compared as binary and names the first differing byte.
TEST(MatchOutputEquals, BinaryDifferenceNamesOffsetAndBytes) {
  std::string expected(2048, 'A');
  std::string actual = expected;
  actual[1024] = '\0';
  const CheckResult result = MatchOutput(MatchKind::kEquals, expected, actual, Context());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale,
            "the output differs from the expected bytes at offset 1024 (expected 0x41, got 0x00)");
  ASSERT_TRUE(result.difference.has_value());
  EXPECT_TRUE(result.difference->binary);
  EXPECT_EQ(result.difference->offset, 1024);
  EXPECT_EQ(result.difference->expected_size, 2048);
  EXPECT_EQ(result.difference->actual_size, 2048);
  EXPECT_EQ(result.difference->text_diff, "");
  // Excerpts start a little before the difference.
  EXPECT_EQ(result.actual.substr(0, 47), "…" + std::string(40, 'A') + "\\x00");
}

// Bytes that are not valid UTF-8 make the comparison binary.
TEST(MatchOutputEquals, InvalidUtf8IsComparedAsBinary) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "ab\xff", "ab\xfe", Context());
  EXPECT_EQ(result.rationale,
            "the output differs from the expected bytes at offset 2 (expected 0xff, got 0xfe)");
  EXPECT_TRUE(result.difference->binary);
  EXPECT_EQ(result.expected, "ab\\xff");
  EXPECT_EQ(result.actual, "ab\\xfe");
}

// Binary output that ends early says where it ended; the offset is its length.
TEST(MatchOutputEquals, ShortBinaryOutputSaysWhereItEnded) {
  std::string expected(2048, '\0');
  const CheckResult result =
      MatchOutput(MatchKind::kEquals, expected, expected.substr(0, 1000), Context());
  EXPECT_EQ(result.rationale, "the output ends after 1000 bytes; expected 2048 bytes");
  EXPECT_EQ(result.difference->offset, 1000);
  EXPECT_EQ(result.difference->actual_size, 1000);
}

// Binary output that goes on after the expected bytes says how long it is.
TEST(MatchOutputEquals, LongBinaryOutputSaysItsLength) {
  std::string actual(2048, '\0');
  const CheckResult result =
      MatchOutput(MatchKind::kEquals, actual.substr(0, 1000), actual, Context());
  EXPECT_EQ(result.rationale,
            "the output has 2048 bytes; expected only 1000 (the first 1000 match)");
  EXPECT_EQ(result.difference->offset, 1000);
}

// Text over 1 MiB is compared as binary (no line diff).
TEST(MatchOutputEquals, TextOverOneMebibyteIsComparedAsBinary) {
  std::string expected(2 << 20, 'x');
  std::string actual = expected;
  actual[1 << 20] = 'y';
  const CheckResult result = MatchOutput(MatchKind::kEquals, expected, actual, Context());
  EXPECT_EQ(result.rationale,
            "the output differs from the expected bytes at offset 1048576 (expected 0x78, got "
            "0x79)");
  EXPECT_TRUE(result.difference->binary);
}

// same_as_file and same_as_stdin_of compare bytes exactly, like equals.
TEST(MatchOutputEquals, SameAsFileAndSameAsStdinOfAreByteExact) {
  EXPECT_EQ(MatchOutput(MatchKind::kSameAsFile, "x\n", "x\n", Context()).outcome, Outcome::kPass);
  EXPECT_EQ(MatchOutput(MatchKind::kSameAsFile, "x\n", "x \n", Context()).outcome, Outcome::kFail);
  EXPECT_EQ(MatchOutput(MatchKind::kSameAsStdinOf, "x\n", "x\n", Context()).outcome,
            Outcome::kPass);
  EXPECT_EQ(MatchOutput(MatchKind::kSameAsStdinOf, "x\n", "x", Context()).rationale,
            "the last line of the output does not end with a newline");
}

// ---- Byte-exact matching: output cut at the cap --------------------------------------------

// Output cut at the cap that already differs says both what differs and that it was cut.
TEST(MatchOutputTruncated, DifferenceMentionsTheCut) {
  const CheckResult result =
      MatchOutput(MatchKind::kEquals, "abcdef\n", "abXdef", TruncatedContext(5000));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale,
            "the output differs from the expected text, first at line 1; the output was cut at "
            "6 bytes because it exceeded the limit (5000 bytes written in all)");
  EXPECT_EQ(result.difference->actual_size, 5000);
}

// Output cut at the cap right after the expected bytes still fails: more was written.
TEST(MatchOutputTruncated, FullExpectedTextThenMoreFails) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "abc", "abc", TruncatedContext(40));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale,
            "the output has the expected text, then goes on; the output was cut at 3 bytes "
            "because it exceeded the limit (40 bytes written in all)");
}

// A cap smaller than the expected output makes the check undecidable: the grader's error.
TEST(MatchOutputTruncated, CapSmallerThanExpectedIsAGraderError) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "abcdef", "abc", TruncatedContext(6));
  EXPECT_EQ(result.outcome, Outcome::kError);
  EXPECT_EQ(result.rationale,
            "the output was cut at 3 bytes (the output limit), before the 6 bytes expected could "
            "all be compared; the lab's output_bytes limit must be larger than the expected "
            "output");
}

// A cut output whose total size differs from the expected size fails on the size.
TEST(MatchOutputTruncated, KnownWrongTotalSizeFails) {
  const CheckResult result = MatchOutput(MatchKind::kEquals, "abcdef", "abc", TruncatedContext(9));
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale,
            "the output has 9 bytes; expected 6 bytes; the output was cut at 3 bytes because it "
            "exceeded the limit (9 bytes written in all)");
}

// ---- contains ------------------------------------------------------------------------------

// Text found anywhere in the output passes.
TEST(MatchOutputContains, FoundTextPasses) {
  EXPECT_EQ(MatchOutput(MatchKind::kContains, "42", "the answer is 42\n", Context()).outcome,
            Outcome::kPass);
}

// Missing text fails with the text and the start of the output.
TEST(MatchOutputContains, MissingTextFails) {
  const CheckResult result =
      MatchOutput(MatchKind::kContains, "42", "the answer is 41\n", Context());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale, "the expected text was not found in the output");
  EXPECT_EQ(result.expected, "42");
  EXPECT_EQ(result.actual, "the answer is 41\\n");
  EXPECT_FALSE(result.difference.has_value());
}

// Empty output gets the plain empty-output sentence.
TEST(MatchOutputContains, EmptyOutputSaysSomethingWasExpected) {
  EXPECT_EQ(MatchOutput(MatchKind::kContains, "42", "", Context()).rationale,
            "the output was empty, but something was expected");
}

// Missing text in a cut output mentions the cut.
TEST(MatchOutputContains, MissingTextInCutOutputMentionsTheCut) {
  MatchContext ctx = Context();
  ctx.actual_truncated = true;  // total unknown
  EXPECT_EQ(MatchOutput(MatchKind::kContains, "42", "yyyy", ctx).rationale,
            "the expected text was not found in the output; the output was cut at 4 bytes "
            "because it exceeded the limit");
}

// ---- regex ---------------------------------------------------------------------------------

// A pattern matching anywhere passes; ^ and $ match at line breaks.
TEST(MatchOutputRegex, MatchOnAnyLinePasses) {
  EXPECT_EQ(MatchOutput(MatchKind::kRegex, "^[Tt]otal: \\d+$", "start\nTotal: 12\nend\n", Context())
                .outcome,
            Outcome::kPass);
}

// `.` does not match a newline, as in ECMAScript.
TEST(MatchOutputRegex, DotDoesNotMatchNewline) {
  EXPECT_EQ(MatchOutput(MatchKind::kRegex, "a.b", "a\nb", Context()).outcome, Outcome::kFail);
}

// No match fails with the pattern and the start of the output.
TEST(MatchOutputRegex, NoMatchFails) {
  const CheckResult result = MatchOutput(MatchKind::kRegex, "[Hh]ello", "Goodbye\n", Context());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale, "the output does not match the expected pattern");
  EXPECT_EQ(result.expected, "text matching the pattern [Hh]ello");
  EXPECT_EQ(result.actual, "Goodbye\\n");
}

// An invalid pattern is the grader's error, never the student's failure.
TEST(MatchOutputRegex, InvalidPatternIsAGraderError) {
  const CheckResult result = MatchOutput(MatchKind::kRegex, "(ab", "ab", Context());
  EXPECT_EQ(result.outcome, Outcome::kError);
  EXPECT_EQ(result.rationale,
            "the lab's regular expression (ab is invalid: Unmatched marking parenthesis ( or \\(.  "
            "The error occurred while parsing the regular expression: '(ab>>>HERE>>>'.");
}

// A greedy pattern on one very long line neither crashes nor fails (std::regex would overflow
// the stack here).
TEST(MatchOutputRegex, LongLineDoesNotCrash) {
  const std::string actual = std::string(1 << 20, 'x') + "hello";
  EXPECT_EQ(MatchOutput(MatchKind::kRegex, ".*hello", actual, Context()).outcome, Outcome::kPass);
}

// A pattern that would backtrack without bound is the grader's error.
TEST(MatchOutputRegex, RunawayBacktrackingIsAGraderError) {
  const CheckResult result =
      MatchOutput(MatchKind::kRegex, "(x|y)*hello", std::string(100000, 'x'), Context());
  EXPECT_EQ(result.outcome, Outcome::kError);
  EXPECT_TRUE(result.rationale.starts_with(
      "the lab's regular expression (x|y)*hello could not be searched for in this output: "))
      << result.rationale;
}

// The syntax check the spec loader uses agrees with the matcher.
TEST(RegexSyntaxError, ReportsInvalidPatternsOnly) {
  EXPECT_EQ(RegexSyntaxError("^[a-z]+ \\d{2,3}$"), std::nullopt);
  EXPECT_EQ(RegexSyntaxError("[a"),
            "Unmatched [ or [^ in character class declaration.  The error occurred while parsing "
            "the regular expression: '[a>>>HERE>>>'.");
}

// ---- equals_normalized ---------------------------------------------------------------------

// Differences in spacing and line breaks are ignored.
TEST(MatchOutputNormalized, SpacingDifferencesPass) {
  EXPECT_EQ(MatchOutput(MatchKind::kEqualsNormalized, "1 2 3\n", "  1\t2\n\n3 ", Context()).outcome,
            Outcome::kPass);
}

// A different word fails with its number and normalized excerpts.
TEST(MatchOutputNormalized, DifferentWordIsNamed) {
  const CheckResult result =
      MatchOutput(MatchKind::kEqualsNormalized, "sum is 10\n", "sum   is\n11\n", Context());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale,
            "the output differs from the expected text at word 3 (spacing and line breaks are "
            "ignored)");
  EXPECT_EQ(result.expected, "sum is 10");
  EXPECT_EQ(result.actual, "sum is 11");
}

// Output missing the last words says after which word it stops.
TEST(MatchOutputNormalized, MissingWordsAreCounted) {
  EXPECT_EQ(MatchOutput(MatchKind::kEqualsNormalized, "a b c", "a\nb\n", Context()).rationale,
            "the output stops after word 2; the expected text has 3 words (spacing and line "
            "breaks are ignored)");
}

// Output with extra words counts them.
TEST(MatchOutputNormalized, ExtraWordsAreCounted) {
  EXPECT_EQ(MatchOutput(MatchKind::kEqualsNormalized, "a", "a b c", Context()).rationale,
            "the output has the expected 1 word, then goes on with 2 more (spacing and line "
            "breaks are ignored)");
}

// A word cut short counts as a different word.
TEST(MatchOutputNormalized, WordCutShortIsADifferentWord) {
  EXPECT_EQ(
      MatchOutput(MatchKind::kEqualsNormalized, "hello world", "hello wor", Context()).rationale,
      "the output differs from the expected text at word 2 (spacing and line breaks are "
      "ignored)");
}

// Output of nothing but white space is told apart from empty output.
TEST(MatchOutputNormalized, OnlyWhiteSpaceIsNamed) {
  EXPECT_EQ(MatchOutput(MatchKind::kEqualsNormalized, "a", " \n", Context()).rationale,
            "the output has only spaces and line breaks, but text was expected");
  EXPECT_EQ(MatchOutput(MatchKind::kEqualsNormalized, "a", "", Context()).rationale,
            "the output was empty, but something was expected");
}

// ---- empty / not_empty ---------------------------------------------------------------------

// Empty output passes `empty`; any byte fails it with a count and an excerpt.
TEST(MatchOutputEmpty, AnyOutputFails) {
  EXPECT_EQ(MatchOutput(MatchKind::kEmpty, "", "", Context()).outcome, Outcome::kPass);
  const CheckResult result = MatchOutput(MatchKind::kEmpty, "", "oops\n", Context());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale, "the output should be empty, but it has 5 bytes");
  EXPECT_EQ(result.actual, "oops\\n");
}

// A cut output is counted by what was written, not what was kept.
TEST(MatchOutputEmpty, CutOutputCountsAllBytesWritten) {
  EXPECT_EQ(MatchOutput(MatchKind::kEmpty, "", "x", TruncatedContext(3000)).rationale,
            "the output should be empty, but it has 3000 bytes; the output was cut at 1 byte "
            "because it exceeded the limit (3000 bytes written in all)");
}

// `not_empty` passes on any byte and fails on none.
TEST(MatchOutputNotEmpty, OnlyEmptyOutputFails) {
  EXPECT_EQ(MatchOutput(MatchKind::kNotEmpty, "", "\n", Context()).outcome, Outcome::kPass);
  const CheckResult result = MatchOutput(MatchKind::kNotEmpty, "", "", Context());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.rationale, "the output was empty, but something was expected");
}

// ---- PrintableExcerpt ----------------------------------------------------------------------

// Control bytes, backslashes and invalid UTF-8 are escaped; valid UTF-8 is kept.
TEST(PrintableExcerpt, EscapesWhatATerminalWouldHide) {
  EXPECT_EQ(PrintableExcerpt(std::string("a\n\t\r\\\0\x7f\xff", 8)),
            "a\\n\\t\\r\\\\\\x00\\x7f\\xff");
  EXPECT_EQ(PrintableExcerpt("é✓"), "é✓");
  EXPECT_EQ(PrintableExcerpt("\xc2\x85"), "\\xc2\\x85");           // C1 control NEL
  EXPECT_EQ(PrintableExcerpt("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a UTF-16 surrogate
}

// Long text is cut to the limit, never inside an escape, and marked.
TEST(PrintableExcerpt, CutsAtTheLimitBetweenEscapes) {
  EXPECT_EQ(PrintableExcerpt("abcdef", 4), "abcd…");
  EXPECT_EQ(PrintableExcerpt("abc\n", 4), "abc…");
  EXPECT_EQ(PrintableExcerpt("abcd", 4), "abcd");
}

}  // namespace
}  // namespace labgrade
