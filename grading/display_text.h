// Turning untrusted bytes (a student's output, a program's stderr, a compiler log) into text that
// is safe and readable on a terminal, in JSON, XML and HTML: control bytes and invalid UTF-8 become
// visible \xNN escapes, so a stray byte can neither move the cursor nor break a results file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace labgrade {

/// One value for one line, such as an expected or actual output. Printable ASCII and well-formed
/// UTF-8 (U+00A0 and up, except U+FFFE and U+FFFF) pass through but for the characters that
/// reorder text or break lines (bidi marks, embeddings, overrides and isolates, U+2028 and
/// U+2029), which become \uNNNN; newline, tab, carriage return and backslash become
/// \n \t \r \\; every other byte becomes \xNN (two lower-case hex digits).
/// Shows at most `max_bytes` bytes of `text`, never splitting a UTF-8 character, then
/// "… (N more bytes)" for the N bytes left out.
std::string EscapeForDisplay(std::string_view text, std::size_t max_bytes);

/// `text` as it is but for the characters that reorder text or break lines, as \uNNNN: for data
/// that must otherwise stay byte for byte (a gradebook's student ids).
std::string EscapeReorderingCharacters(std::string_view text);

/// A block of lines, such as a diff or a compiler log: like EscapeForDisplay, but newlines, tabs
/// and backslashes stay as they are and nothing is cut. The result is valid UTF-8 and holds no
/// character that XML 1.0 forbids.
std::string EscapeControlBytes(std::string_view text);

/// Each line of `text` prefixed with `indent` (an empty line stays empty) and ending in '\n'; a
/// final '\n' does not start another line. Lines past the first `max_lines` are replaced by one
/// line "… (N more lines)".
std::string IndentLines(std::string_view text, std::string_view indent,
                        std::size_t max_lines = SIZE_MAX);

/// The HTML entity of one of & < > " ', or null for any other byte.
const char* HtmlEntityOf(char c);

/// `text` for HTML text or a quoted attribute: EscapeForDisplay (control bytes and invalid
/// UTF-8 as visible \xNN, newlines as \n), then & < > " ' as entities.
std::string HtmlEscape(std::string_view text);

}  // namespace labgrade
