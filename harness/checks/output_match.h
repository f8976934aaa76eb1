// Output matchers: compare a program's captured output with what a lab's check expects and say,
// in words a student understands, how it differs. Pure functions of text: no processes, no files.
//
// The caller reads lab files and other instances' input beforehand, so `kSameAsFile` and
// `kSameAsStdinOf` arrive here as plain expected bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness/spec/lab_spec.h"
#include "harness/verdict.h"

namespace labgrade {

/// How to compare a captured stream.
enum class MatchKind {
  kEquals,            ///< same bytes as `text`
  kSameAsFile,        ///< same bytes as a lab file (`text` holds its path)
  kSameAsStdinOf,     ///< same bytes as what instance `text` was fed
  kContains,          ///< contains `text`
  kRegex,             ///< ECMAScript regex `text` matches somewhere
  kEqualsNormalized,  ///< equal after collapsing runs of white space and trimming
  kEmpty,             ///< nothing at all
  kNotEmpty,          ///< at least one byte
};

/// What the caller knows about the output besides its bytes.
struct MatchContext {
  /// The whole sentence the check stands for, copied into CheckResult::what, e.g.
  /// "reader's standard output is the same as writer's input".
  std::string what;
  /// The output cap was reached: `actual` holds only the first bytes of what was written.
  bool actual_truncated = false;
  /// How many bytes were written in all, when known; -1 when not.
  std::int64_t actual_total_bytes = -1;
};

/// Compares `actual` with `expected_or_pattern` as `kind` says and returns the verdict:
///  - kEquals, kSameAsFile, kSameAsStdinOf: byte-exact; `expected_or_pattern` holds the bytes.
///    Text (valid UTF-8, no NUL byte, at most 1 MiB on both sides) fails with a short line diff in
///    Difference::text_diff; anything else is binary and fails with the first differing offset.
///    When one side is a prefix of the other, Difference::offset is the shorter length.
///  - kContains: `expected_or_pattern` occurs somewhere in `actual`.
///  - kRegex: the ECMAScript pattern matches somewhere in `actual`; `^` and `$` also match at line
///    breaks and `.` does not match a newline. An invalid pattern, or one too costly to run on
///    this output, is the grader's error (Outcome::kError), never the student's failure.
///  - kEqualsNormalized: equal once runs of white space are collapsed to one space and both ends
///    trimmed.
///  - kEmpty, kNotEmpty: `expected_or_pattern` is ignored.
/// A passing result carries only `what` and the outcome. A failing one carries a rationale
/// (lower case, no final period), short printable excerpts in `expected` and `actual` (taken
/// around the first difference), and for byte-exact kinds a Difference. When the output was cut
/// at the cap, the rationale says so; if the cut leaves it undecidable whether the output matched,
/// the result is kError. Never throws.
CheckResult MatchOutput(MatchKind kind, std::string_view expected_or_pattern,
                        std::string_view actual, const MatchContext& ctx);

/// Null when `pattern` is a valid kRegex pattern, else the engine's complaint. For the spec
/// loader, so that a lab's bad regex is reported at load time with the same engine that runs it.
std::optional<std::string> RegexSyntaxError(std::string_view pattern);

/// `bytes` as a short printable excerpt: \n, \r, \t and \\ escaped C-style; other control bytes
/// (C0, DEL, C1) and bytes that are not part of valid UTF-8 as \xNN; valid UTF-8 kept as is.
/// At most `max_bytes` bytes of escaped text (never splitting an escape or a character), then
/// "…" when `bytes` had more.
std::string PrintableExcerpt(std::string_view bytes, std::size_t max_bytes = 200);

}  // namespace labgrade
