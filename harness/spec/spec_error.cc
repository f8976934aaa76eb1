// Formatting a spec error the way ninja and compilers do, so editors can jump to it.
#include "harness/spec/spec_error.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace labgrade {
namespace {

// How much of a source line is shown around the column, in bytes of the file: a spec that is
// one 200 KB line must not make a 400 KB message.
constexpr int kShownBytesAround = 60;
// How much of a message is shown: a message may quote a key or value of any length.
constexpr std::size_t kShownMessageBytes = 400;

// The length of the well-formed UTF-8 character of two to four bytes at `text[at]`, or 0.
std::size_t Utf8Length(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  const std::size_t length = lead >= 0xC2 && lead <= 0xDF   ? 2
                             : lead >= 0xE0 && lead <= 0xEF ? 3
                             : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                            : 0;
  if (length == 0 || at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i)
    if ((static_cast<unsigned char>(text[at + i]) & 0xC0) != 0x80) return 0;
  return length;
}

// A line of the file made safe for a terminal: control bytes and bytes that are not UTF-8 as
// \xNN (a spec of binary garbage must not write it raw), tabs kept. `column` (1-based bytes)
// becomes the column of the same place in the result, for the caret. Lines longer than twice
// kShownBytesAround are cut around the column, with "…" where something was left out.
std::string ShownLine(const std::string& line, int& column, bool cut = true) {
  std::size_t from = 0;
  std::size_t to = line.size();
  const std::size_t at = column > 0 ? static_cast<std::size_t>(column - 1) : 0;
  if (cut && line.size() > 2 * kShownBytesAround) {
    from = at > kShownBytesAround ? at - kShownBytesAround : 0;
    to = std::min(line.size(), from + 2 * kShownBytesAround);
  }
  // Never start or end inside a UTF-8 character.
  while (from > 0 && (static_cast<unsigned char>(line[from]) & 0xC0) == 0x80) --from;
  while (to < line.size() && (static_cast<unsigned char>(line[to]) & 0xC0) == 0x80) ++to;
  std::string shown = from > 0 ? "…" : "";
  int shown_column = from > 0 ? 2 : 1;  // "…" is one column wide
  for (std::size_t i = from; i < to;) {
    if (i == at) column = shown_column;
    const auto byte = static_cast<unsigned char>(line[i]);
    if (byte == '\t' || (byte >= 0x20 && byte < 0x7F)) {
      shown += line[i++];
      ++shown_column;
    } else if (const std::size_t length = byte >= 0x80 ? Utf8Length(line, i) : 0; length > 0) {
      shown.append(line, i, length);
      i += length;
      ++shown_column;
    } else {
      shown += fmt::format("\\x{:02x}", byte);
      ++i;
      shown_column += 4;
    }
  }
  if (at >= to) column = shown_column;
  if (to < line.size()) shown += "…";
  return shown;
}

/// White space as wide as the text before 1-based `column`, tabs kept as tabs.
std::string CaretIndent(const std::string& source_line, int column) {
  std::string indent;
  int shown_column = 1;
  for (std::size_t i = 0; shown_column < column && i < source_line.size(); ++shown_column) {
    const bool tab = source_line[i] == '\t';
    indent += tab ? '\t' : ' ';
    const std::size_t length = Utf8Length(source_line, i);
    i += length > 0 ? length : 1;
  }
  for (; shown_column < column; ++shown_column) indent += ' ';
  return indent;
}

// The message, cut to kShownMessageBytes with how much was left out, control bytes as \xNN.
std::string ShownMessage(const std::string& message) {
  int unused = 0;
  std::string shown;
  std::size_t start = 0;
  // Keep the message's own newlines; escape the rest line by line.
  const std::string_view text(message.data(), std::min(message.size(), kShownMessageBytes));
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    // A message line is cut only by the byte cap.
    shown += ShownLine(std::string(text.substr(start, end - start)), unused, /*cut=*/false);
    if (end == text.size()) break;
    shown += '\n';
    start = end + 1;
  }
  if (message.size() > kShownMessageBytes)
    shown += fmt::format("… ({} more bytes)", message.size() - kShownMessageBytes);
  return shown;
}

}  // namespace

std::string SpecError::Format() const {
  const std::string file = mark.file.string();
  const std::string shown_message = ShownMessage(message);
  if (mark.line <= 0) return fmt::format("{}: error: {}\n", file, shown_message);
  int column = mark.column;
  const std::string line = ShownLine(source_line, column);
  if (mark.column <= 0) {
    return fmt::format("{}:{}: error: {}\n  {}\n", file, mark.line, shown_message, line);
  }
  return fmt::format("{}:{}:{}: error: {}\n  {}\n  {}^\n", file, mark.line, mark.column,
                     shown_message, line, CaretIndent(line, column));
}

}  // namespace labgrade
