// Output matchers: see output_match.h.
//
// Regular expressions run on Boost.Regex, not std::regex: libstdc++'s std::regex matcher recurses
// once per character, so `.*x` on a 40 KB line overflows an 8 MiB stack and kills the grader
// (https://gcc.gnu.org/bugzilla/show_bug.cgi?id=86164). Boost.Regex keeps its backtracking state
// on the heap with a bound and throws instead, which we report as the grader's error.
#include "harness/checks/output_match.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/regex.hpp>
#include <exception>
#include <vector>

#include "harness/checks/line_diff.h"

namespace labgrade {
namespace {

constexpr std::size_t kTextMaxBytes = 1 << 20;      // larger outputs are compared as binary
constexpr std::size_t kExcerptMaxBytes = 200;       // escaped text in `expected`/`actual`
constexpr std::size_t kExcerptLeadBytes = 40;       // shown before the first difference
constexpr std::size_t kExcerptLineStartBytes = 80;  // start at the line's start if this near

constexpr std::string_view kEmptyButExpected = "the output was empty, but something was expected";
constexpr std::string_view kIgnoringSpacing = "spacing and line breaks are ignored";

// Length of the valid UTF-8 sequence starting at s[i], or 0 when there is none (stray
// continuation byte, overlong form, surrogate, beyond U+10FFFF, cut short). RFC 3629, table 3-7
// of the Unicode standard.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead == 0xE0) {
    length = 3;
    second_min = 0xA0;
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    length = 3;
  } else if (lead == 0xED) {
    length = 3;
    second_max = 0x9F;
  } else if (lead == 0xF0) {
    length = 4;
    second_min = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    length = 4;
  } else if (lead == 0xF4) {
    length = 4;
    second_max = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < length) return 0;
  const auto second = static_cast<unsigned char>(s[i + 1]);
  if (second < second_min || second > second_max) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if (next < 0x80 || next > 0xBF) return 0;
  }
  return length;
}

bool IsText(std::string_view s) {
  if (s.size() > kTextMaxBytes) return false;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '\0') return false;
    const std::size_t length = Utf8SequenceLength(s, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

void AppendHexByte(unsigned char byte, std::string* out) { *out += fmt::format("\\x{:02x}", byte); }

// Escapes the character at s[i] into `piece` and returns how many bytes it consumed.
std::size_t EscapeOne(std::string_view s, std::size_t i, std::string* piece) {
  piece->clear();
  const auto byte = static_cast<unsigned char>(s[i]);
  switch (byte) {
    case '\n':
      *piece = "\\n";
      return 1;
    case '\r':
      *piece = "\\r";
      return 1;
    case '\t':
      *piece = "\\t";
      return 1;
    case '\\':
      *piece = "\\\\";
      return 1;
    default:
      break;
  }
  if (byte < 0x20 || byte == 0x7F) {
    AppendHexByte(byte, piece);
    return 1;
  }
  if (byte < 0x80) {
    piece->push_back(static_cast<char>(byte));
    return 1;
  }
  const std::size_t length = Utf8SequenceLength(s, i);
  if (length == 0) {
    AppendHexByte(byte, piece);
    return 1;
  }
  // C1 control characters (U+0080..U+009F) are valid UTF-8 but move terminals around.
  if (length == 2 && byte == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
    AppendHexByte(byte, piece);
    AppendHexByte(static_cast<unsigned char>(s[i + 1]), piece);
    return 2;
  }
  piece->assign(s.substr(i, length));
  return length;
}

std::string Plural(std::int64_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

std::size_t CommonPrefixLength(std::string_view a, std::string_view b) {
  const auto [a_end, b_end] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  (void)b_end;
  return static_cast<std::size_t>(a_end - a.begin());
}

// Lines counted the way an editor numbers them: a last line without '\n' still counts.
std::int64_t LineCount(std::string_view s) {
  const auto newlines = std::count(s.begin(), s.end(), '\n');
  return newlines + (!s.empty() && s.back() != '\n' ? 1 : 0);
}

std::int64_t WordCount(std::string_view normalized) {
  if (normalized.empty()) return 0;
  return std::count(normalized.begin(), normalized.end(), ' ') + 1;
}

// Where to start the excerpts of two texts that agree on their first `offset` bytes: at the
// start when the difference is near it, else a little before the difference (at its line's
// start when that is near), never inside a UTF-8 sequence.
std::size_t ExcerptStart(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  if (offset <= kExcerptLineStartBytes) return 0;
  std::size_t start = offset - kExcerptLeadBytes;
  const std::size_t newline = text.rfind('\n', offset - 1);
  if (newline != std::string_view::npos && offset - (newline + 1) <= kExcerptLineStartBytes) {
    start = newline + 1;
  }
  while (start > 0 && start < text.size() &&
         (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
    --start;
  }
  return start;
}

std::string ExcerptFrom(std::string_view text, std::size_t start) {
  if (start == 0) return PrintableExcerpt(text, kExcerptMaxBytes);
  return "…" + PrintableExcerpt(text.substr(std::min(start, text.size())), kExcerptMaxBytes);
}

void SetExcerpts(std::string_view expected, std::string_view actual, std::size_t offset,
                 CheckResult* result) {
  // Both sides agree before `offset`, so one start suits both.
  const std::size_t start =
      ExcerptStart(expected.size() <= actual.size() ? actual : expected, offset);
  result->expected = ExcerptFrom(expected, start);
  result->actual = ExcerptFrom(actual, start);
}

// The bytes the program wrote in all: more than it captured when the cap was reached.
std::int64_t TotalBytes(std::string_view actual, const MatchContext& ctx) {
  const auto captured = static_cast<std::int64_t>(actual.size());
  if (!ctx.actual_truncated) return captured;
  return std::max(captured, ctx.actual_total_bytes);
}

std::string CutNote(std::string_view actual, const MatchContext& ctx) {
  if (!ctx.actual_truncated) return "";
  std::string note = fmt::format("; the output was cut at {} because it exceeded the limit",
                                 Plural(static_cast<std::int64_t>(actual.size()), "byte"));
  if (ctx.actual_total_bytes >= 0) {
    note += fmt::format(" ({} written in all)", Plural(ctx.actual_total_bytes, "byte"));
  }
  return note;
}

// ---- Matchers -------------------------------------------------------------------------------

// Why two texts that differ inside both (first at byte `common`) differ, in lines.
std::string TextDiffersRationale(std::string_view expected, std::size_t common) {
  return fmt::format("the output differs from the expected text, first at line {}",
                     LineCount(expected.substr(0, common + 1)));
}

// Why a text that is a strict prefix of the expected text falls short, in lines.
std::string TextStopsEarlyRationale(std::string_view expected, std::string_view actual) {
  if (expected.size() == actual.size() + 1 && expected.back() == '\n') {
    return "the last line of the output does not end with a newline";
  }
  if (actual.back() == '\n') {
    return fmt::format("the output stops after line {}; the expected text has {}",
                       LineCount(actual), Plural(LineCount(expected), "line"));
  }
  return fmt::format("the output stops in the middle of line {}; the expected text has {}",
                     LineCount(actual), Plural(LineCount(expected), "line"));
}

// Why a text that starts with the whole (non-empty) expected text is too long, in lines.
std::string TextGoesOnRationale(std::string_view expected, std::string_view actual,
                                bool truncated) {
  if (truncated) return "the output has the expected text, then goes on";
  if (actual.size() == expected.size() + 1 && actual.back() == '\n') {
    if (expected.back() == '\n') return "the output has an extra empty line at the end";
    return "the output ends with a newline, but the expected text does not";
  }
  if (expected.back() == '\n') {
    return fmt::format("the output has the expected {}, then goes on with {} more",
                       Plural(LineCount(expected), "line"),
                       LineCount(actual) - LineCount(expected));
  }
  return fmt::format("the output goes on past the end of the expected text, in line {}",
                     LineCount(expected));
}

void MatchBytes(std::string_view expected, std::string_view actual, const MatchContext& ctx,
                CheckResult* result) {
  if (!ctx.actual_truncated && expected == actual) return;
  const std::size_t common = CommonPrefixLength(expected, actual);
  const std::int64_t total = TotalBytes(actual, ctx);
  const auto expected_size = static_cast<std::int64_t>(expected.size());
  const bool binary = !IsText(expected) || !IsText(actual);
  const bool differs_inside = common < expected.size() && common < actual.size();
  // All captured bytes match, but fewer than expected were captured.
  const bool captured_too_few = !differs_inside && actual.size() < expected.size();
  result->outcome = Outcome::kFail;
  SetExcerpts(expected, actual, common, result);

  if (ctx.actual_truncated && captured_too_few &&
      (ctx.actual_total_bytes < 0 || ctx.actual_total_bytes == expected_size)) {
    // What was not captured might have matched too.
    result->outcome = Outcome::kError;
    result->rationale = fmt::format(
        "the output was cut at {} (the output limit), before the {} expected could all be "
        "compared; the lab's output_bytes limit must be larger than the expected output",
        Plural(static_cast<std::int64_t>(actual.size()), "byte"), Plural(expected_size, "byte"));
    return;
  }

  Difference difference;
  difference.binary = binary;
  difference.offset = static_cast<std::int64_t>(common);
  difference.expected_size = expected_size;
  difference.actual_size = total;
  if (actual.empty()) {
    result->rationale = kEmptyButExpected;
  } else if (captured_too_few && ctx.actual_truncated) {
    result->rationale = fmt::format("the output has {}; expected {}", Plural(total, "byte"),
                                    Plural(expected_size, "byte"));
  } else if (differs_inside) {
    result->rationale =
        binary ? fmt::format(
                     "the output differs from the expected bytes at offset {} (expected 0x{:02x}, "
                     "got 0x{:02x})",
                     common, static_cast<unsigned char>(expected[common]),
                     static_cast<unsigned char>(actual[common]))
               : TextDiffersRationale(expected, common);
  } else if (captured_too_few) {
    result->rationale = binary ? fmt::format("the output ends after {}; expected {}",
                                             Plural(total, "byte"), Plural(expected_size, "byte"))
                               : TextStopsEarlyRationale(expected, actual);
  } else if (expected.empty()) {
    result->rationale =
        fmt::format("nothing was expected, but the output has {}", Plural(total, "byte"));
  } else {
    // The whole expected output, then more.
    result->rationale = binary ? fmt::format(
                                     "the output has {}; expected only {} (the first {} "
                                     "match)",
                                     Plural(total, "byte"), expected_size, expected_size)
                               : TextGoesOnRationale(expected, actual, ctx.actual_truncated);
  }
  result->rationale += CutNote(actual, ctx);
  if (!binary) difference.text_diff = LineDiff(expected, actual);
  result->difference = std::move(difference);
}

void MatchContains(std::string_view needle, std::string_view actual, const MatchContext& ctx,
                   CheckResult* result) {
  if (actual.find(needle) != std::string_view::npos) return;
  result->outcome = Outcome::kFail;
  result->rationale = actual.empty() ? std::string(kEmptyButExpected)
                                     : "the expected text was not found in the output";
  result->rationale += CutNote(actual, ctx);
  result->expected = PrintableExcerpt(needle, kExcerptMaxBytes);
  result->actual = PrintableExcerpt(actual, kExcerptMaxBytes);
}

// Construction flags shared by the matcher and RegexSyntaxError. ECMAScript syntax; Perl's
// default multi-line mode stays on (`^`/`$` match at line breaks, friendlier for line-oriented
// output), and no_mod_s keeps `.` from matching a newline, as in ECMAScript.
constexpr boost::regex::flag_type kRegexFlags = boost::regex::ECMAScript | boost::regex::no_mod_s;

void MatchRegex(std::string_view pattern, std::string_view actual, const MatchContext& ctx,
                CheckResult* result) {
  boost::regex regex;
  try {
    regex.assign(pattern.begin(), pattern.end(), kRegexFlags);
  } catch (const std::exception& error) {
    result->outcome = Outcome::kError;
    result->rationale = fmt::format("the lab's regular expression {} is invalid: {}",
                                    PrintableExcerpt(pattern, kExcerptMaxBytes), error.what());
    return;
  }
  bool found = false;
  try {
    found = boost::regex_search(actual.begin(), actual.end(), regex);
  } catch (const std::exception& error) {
    // Boost gives up on matches that would backtrack without bound; that is the matcher's
    // limit, not the student's fault.
    result->outcome = Outcome::kError;
    result->rationale =
        fmt::format("the lab's regular expression {} could not be searched for in this output: {}",
                    PrintableExcerpt(pattern, kExcerptMaxBytes), error.what());
    return;
  }
  if (found) return;
  result->outcome = Outcome::kFail;
  result->rationale = actual.empty() ? std::string(kEmptyButExpected)
                                     : "the output does not match the expected pattern";
  result->rationale += CutNote(actual, ctx);
  result->expected = "text matching the pattern " + PrintableExcerpt(pattern, kExcerptMaxBytes);
  result->actual = PrintableExcerpt(actual, kExcerptMaxBytes);
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string NormalizeSpacing(std::string_view text) {
  std::string normalized;
  normalized.reserve(text.size());
  bool pending_space = false;
  for (const char c : text) {
    if (IsSpace(c)) {
      pending_space = !normalized.empty();
      continue;
    }
    if (pending_space) normalized += ' ';
    pending_space = false;
    normalized += c;
  }
  return normalized;
}

void MatchNormalized(std::string_view expected_text, std::string_view actual_text,
                     const MatchContext& ctx, CheckResult* result) {
  const std::string expected = NormalizeSpacing(expected_text);
  const std::string actual = NormalizeSpacing(actual_text);
  const std::size_t common = CommonPrefixLength(expected, actual);
  if (common == expected.size() && common == actual.size() && !ctx.actual_truncated) return;
  result->outcome = Outcome::kFail;
  SetExcerpts(expected, actual, common, result);
  if (ctx.actual_truncated && common == actual.size()) {
    // Everything captured matches, and the rest might have been nothing but spacing.
    result->outcome = Outcome::kError;
    result->rationale = fmt::format(
        "the output was cut at {} (the output limit), before it could be compared with the "
        "expected text; the lab's output_bytes limit must be larger than the expected output",
        Plural(static_cast<std::int64_t>(actual_text.size()), "byte"));
    return;
  }
  // The word of the expected text that holds byte `offset`.
  const auto word_at = [&](std::size_t offset) {
    return std::count(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(offset),
                      ' ') +
           1;
  };
  if (actual_text.empty()) {
    result->rationale = kEmptyButExpected;
  } else if (actual.empty()) {
    result->rationale = "the output has only spaces and line breaks, but text was expected";
  } else if (expected.empty()) {
    result->rationale = "no text was expected, but the output has some";
  } else if (common == actual.size() && expected[common] == ' ') {
    result->rationale =
        fmt::format("the output stops after word {}; the expected text has {} ({})",
                    WordCount(actual), Plural(WordCount(expected), "word"), kIgnoringSpacing);
  } else if (common == expected.size() && actual[common] == ' ') {
    result->rationale =
        fmt::format("the output has the expected {}, then goes on with {} more ({})",
                    Plural(WordCount(expected), "word"), WordCount(actual) - WordCount(expected),
                    kIgnoringSpacing);
  } else {
    // Also when one side stops in the middle of a word of the other.
    result->rationale = fmt::format("the output differs from the expected text at word {} ({})",
                                    word_at(common), kIgnoringSpacing);
  }
  result->rationale += CutNote(actual_text, ctx);
}

}  // namespace

CheckResult MatchOutput(MatchKind kind, std::string_view expected_or_pattern,
                        std::string_view actual, const MatchContext& ctx) {
  CheckResult result;
  result.what = ctx.what;
  switch (kind) {
    case MatchKind::kEquals:
    case MatchKind::kSameAsFile:
    case MatchKind::kSameAsStdinOf:
      MatchBytes(expected_or_pattern, actual, ctx, &result);
      break;
    case MatchKind::kContains:
      MatchContains(expected_or_pattern, actual, ctx, &result);
      break;
    case MatchKind::kRegex:
      MatchRegex(expected_or_pattern, actual, ctx, &result);
      break;
    case MatchKind::kEqualsNormalized:
      MatchNormalized(expected_or_pattern, actual, ctx, &result);
      break;
    case MatchKind::kEmpty:
      if (actual.empty() && !ctx.actual_truncated) break;
      result.outcome = Outcome::kFail;
      result.rationale = fmt::format("the output should be empty, but it has {}",
                                     Plural(TotalBytes(actual, ctx), "byte")) +
                         CutNote(actual, ctx);
      result.actual = PrintableExcerpt(actual, kExcerptMaxBytes);
      break;
    case MatchKind::kNotEmpty:
      if (!actual.empty() || ctx.actual_truncated) break;
      result.outcome = Outcome::kFail;
      result.rationale = kEmptyButExpected;
      break;
  }
  return result;
}

std::optional<std::string> RegexSyntaxError(std::string_view pattern) {
  try {
    boost::regex regex(pattern.begin(), pattern.end(), kRegexFlags);
  } catch (const std::exception& error) {
    return std::string(error.what());
  }
  return std::nullopt;
}

std::string PrintableExcerpt(std::string_view bytes, std::size_t max_bytes) {
  std::string excerpt;
  std::string piece;
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t consumed = EscapeOne(bytes, i, &piece);
    if (excerpt.size() + piece.size() > max_bytes) {
      excerpt += "…";
      break;
    }
    excerpt += piece;
    i += consumed;
  }
  return excerpt;
}

}  // namespace labgrade
